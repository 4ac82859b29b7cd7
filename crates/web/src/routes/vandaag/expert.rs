//! The expert's day: the advices asked of them and not given yet, the earliest due first.

use super::{Section, Viewer};
use crate::access::{expert_sees_request, record_list};
use crate::dates::{long, today};
use crate::error::AppResult;
use passend_domain::tlv::RequestKind;
use passend_store::casework as cw;

pub(super) async fn sections(v: Viewer<'_>) -> AppResult<Vec<Section>> {
    let Viewer { state, visitor, p } = v;
    let day = today();
    let mut pupils = Vec::new();
    let mut asked = Section::new(
        "adviesvragen",
        "Adviesvragen",
        "Er wacht geen adviesvraag op u.",
    )
    .more("/adviezen", "Al uw adviezen");
    for a in cw::advices_for_expert(&state.db, p.tenant_id, p.user_id).await? {
        if a.submitted_at.is_some() {
            continue;
        }
        let Some(r) = cw::request(&state.db, p.tenant_id, a.request_id).await? else {
            continue;
        };
        // Only while the request is open to them (a decided or withdrawn request is not work).
        if passend_domain::tlv::Status::from_code(&r.status).is_none_or(|s| s.is_final())
            || !expert_sees_request(state, p.user_id, &r).await?
        {
            continue;
        }
        pupils.push(r.pupil_id);
        let late = a.due_on < day;
        let detail = format!(
            "{}, {}. {} {}",
            RequestKind::from_code(&r.kind).map_or("Aanvraag", RequestKind::label_nl),
            r.location_name,
            if late {
                "Het advies was nodig op"
            } else {
                "Geef uw advies uiterlijk"
            },
            long(a.due_on)
        );
        asked.push(format!("/adviezen/{}", a.id), r.pupil_name, detail, late);
    }
    record_list(state, visitor, "search", "vandaag", pupils).await?;
    Ok(vec![asked])
}
