//! The ouderadviseur's day: new questions (call-back requests first) and cases whose follow-up
//! date has come. The Oudersteunpunt's own caseload and log: nobody else sees these lines.

use super::{Section, Viewer};
use crate::access::actor;
use crate::dates::{long, today, when};
use crate::error::AppResult;
use passend_store::steunpunt as store;

pub(super) async fn sections(v: Viewer<'_>) -> AppResult<Vec<Section>> {
    let Viewer { state, visitor, p } = v;
    let day = today();
    let open = store::open_cases(&state.db, p.tenant_id).await?;
    let mut new = Section::new("nieuw", "Nieuwe vragen", "Er zijn geen nieuwe vragen.")
        .more("/steunpunt?status=nieuw", "Alle nieuwe vragen");
    let mut follow = Section::new(
        "opvolgen",
        "Vandaag of eerder op te volgen",
        "Er is vandaag niets op te volgen.",
    )
    .more("/steunpunt", "De hele caseload");
    let mut shown = Vec::new();
    let mut fresh: Vec<&store::Case> = open.iter().filter(|c| c.status == "nieuw").collect();
    // Call-back requests first, then the oldest.
    fresh.sort_by_key(|c| (!c.callback, c.received_at));
    for c in fresh {
        shown.push(c.id.to_string());
        let detail = if c.callback {
            format!(
                "Wil teruggebeld worden ({}). Binnengekomen {}",
                c.callback_when,
                when(c.received_at)
            )
        } else {
            format!("Binnengekomen {}", when(c.received_at))
        };
        new.push(
            format!("/steunpunt/zaken/{}", c.id),
            format!("{} ({})", c.reference, c.name),
            detail,
            c.callback,
        );
    }
    for c in open
        .iter()
        .filter(|c| c.follow_up_on.is_some_and(|d| d <= day))
    {
        let Some(d) = c.follow_up_on else { continue };
        shown.push(c.id.to_string());
        let who = c.adviser_name.as_deref().unwrap_or("nog niemand");
        follow.push(
            format!("/steunpunt/zaken/{}", c.id),
            c.reference.clone(),
            format!("Opvolgen op {} (adviseur: {who})", long(d)),
            d < day,
        );
    }
    shown.sort();
    shown.dedup();
    // Which cases were shown, by id: the Oudersteunpunt's log holds no names.
    store::log_read(
        &state.db,
        &actor(p, visitor),
        "search",
        "success",
        None,
        &format!("vandaag: zaken {}", shown.join(",")),
    )
    .await?;
    Ok(vec![new, follow])
}
