//! The toeleider's day: requests nobody took yet, decision terms ending within a week or passed,
//! advices that stay out, this week's meetings, open bezwaren with the LBT's clock and TLVs
//! ending. Submitted requests of the whole samenwerkingsverband, as on the intake queue.

use super::{Section, Viewer};
use crate::access::record_list;
use crate::dates::{long, long_or, meeting_when, today};
use crate::error::AppResult;
use chrono::{Days, Utc};
use passend_domain::tlv::{self, RequestKind};
use passend_store::casework::{self as cw, QueueFilter};
use passend_store::today as store;

/// An advice asked this many days ago and not given is listed, also before its due date.
pub(crate) const ADVICE_WAIT_DAYS: i64 = 14;

fn kind_label(code: &str) -> &'static str {
    RequestKind::from_code(code).map_or("Aanvraag", RequestKind::label_nl)
}

pub(super) async fn sections(v: Viewer<'_>) -> AppResult<Vec<Section>> {
    let Viewer { state, visitor, p } = v;
    let day = today();
    let now = Utc::now();
    let mut pupils = Vec::new();

    let mut unassigned = Section::new(
        "niet-toegewezen",
        "Nog niet toegewezen",
        "Alle ingediende aanvragen hebben een contactpersoon.",
    )
    .more(
        "/swv/aanvragen?contact=geen",
        "Alle aanvragen zonder contactpersoon",
    );
    let queue = QueueFilter {
        unassigned: true,
        ..QueueFilter::default()
    };
    for r in cw::queue(&state.db, p.tenant_id, &queue).await? {
        pupils.push(r.pupil_id);
        let detail = format!(
            "{}, {}. Ingediend op {}",
            kind_label(&r.kind),
            r.location_name,
            long_or(r.submitted_at.map(tlv::dutch_day), "–")
        );
        unassigned.push(format!("/aanvragen/{}", r.id), r.pupil_name, detail, false);
    }

    let mut due = Section::new(
        "termijnen",
        "Beslistermijn binnen een week of verlopen",
        "Geen beslistermijn loopt binnen een week af.",
    )
    .more(
        "/swv/aanvragen?termijn=week",
        "Alle aanvragen met een termijn binnen een week",
    );
    let queue = QueueFilter {
        due_by: Some(day + Days::new(7)),
        ..QueueFilter::default()
    };
    for r in cw::queue(&state.db, p.tenant_id, &queue).await? {
        let Some(d) = r.decision_due.filter(|_| !r.suspended) else {
            continue;
        };
        pupils.push(r.pupil_id);
        let late = d < day;
        let detail = format!(
            "{}. {} {}{}",
            kind_label(&r.kind),
            if late {
                "Termijn verlopen op"
            } else {
                "Beslis uiterlijk"
            },
            long(d),
            r.contact_name
                .as_deref()
                .map(|c| format!(" (contactpersoon {c})"))
                .unwrap_or_default()
        );
        due.push(format!("/aanvragen/{}", r.id), r.pupil_name, detail, late);
    }

    let mut advices = Section::new(
        "adviezen",
        "Adviezen die uitblijven",
        "Er is geen advies te laat en geen adviesvraag staat langer dan twee weken open.",
    );
    let asked_by = now - chrono::Duration::days(ADVICE_WAIT_DAYS);
    for a in store::open_advices(&state.db, p.tenant_id, asked_by, day).await? {
        pupils.push(a.pupil_id);
        let late = a.due_on < day;
        let detail = format!(
            "Advies van {}, gevraagd op {}, uiterlijk {}",
            a.expert_name,
            long(tlv::dutch_day(a.requested_at)),
            long(a.due_on)
        );
        advices.push(
            format!("/aanvragen/{}", a.request_id),
            a.pupil_name,
            detail,
            late,
        );
    }

    let mut meetings = Section::new(
        "overleg",
        "Overleg de komende zeven dagen",
        "Er is de komende zeven dagen geen overleg gepland.",
    );
    for m in store::meetings_between(&state.db, p.tenant_id, now, now + chrono::Duration::days(7))
        .await?
    {
        pupils.push(m.pupil_id);
        let kind = if m.kind == "tlo" {
            "Toelaatbaarheidsoverleg"
        } else {
            "Multidisciplinair overleg"
        };
        let detail = format!("{kind}, {}, {}", meeting_when(m.starts_at), m.place);
        meetings.push(
            format!("/aanvragen/{}#overleg", m.request_id),
            m.pupil_name,
            detail,
            false,
        );
    }

    let mut bezwaren = Section::new("bezwaren", "Open bezwaren", "Er zijn geen open bezwaren.")
        .more("/swv/tlv", "Naar het TLV-register");
    for o in cw::open_bezwaren(&state.db, p.tenant_id).await? {
        let lbt_due = tlv::lbt_deadline(o.bezwaar.received_on);
        let (detail, urgent) = match o.bezwaar.lbt_sent_on {
            None => (
                format!(
                    "Bezwaar tegen {} ontvangen op {}. Naar de LBT uiterlijk {}",
                    o.beschikkingsnummer,
                    long(o.bezwaar.received_on),
                    long(lbt_due)
                ),
                lbt_due <= day + Days::new(3),
            ),
            Some(sent) => (
                format!(
                    "Bezwaar tegen {} ontvangen op {}; naar de LBT gestuurd op {}",
                    o.beschikkingsnummer,
                    long(o.bezwaar.received_on),
                    long(sent)
                ),
                false,
            ),
        };
        bezwaren.push(
            format!("/aanvragen/{}#bezwaar", o.request_id),
            o.beschikkingsnummer.clone(),
            detail,
            urgent,
        );
    }

    let mut ending = Section::new(
        "tlv-aflopend",
        "TLV's die binnenkort aflopen",
        "Er loopt binnenkort geen TLV af.",
    )
    .more(
        "/swv/tlv?weergave=aflopend",
        "Alle TLV's die binnenkort aflopen",
    );
    for d in super::tlvs_ending(v, None).await? {
        let Some(end) = d.end_on else { continue };
        pupils.push(d.pupil_id);
        let detail = format!(
            "{} ({}), loopt af op {}",
            d.beschikkingsnummer,
            d.receiving_name.as_deref().unwrap_or(&d.location_name),
            long(end)
        );
        ending.push(
            format!("/aanvragen/{}", d.request_id),
            d.pupil_name,
            detail,
            false,
        );
    }

    record_list(state, visitor, "search", "vandaag", pupils).await?;
    Ok(vec![unassigned, due, advices, meetings, bezwaren, ending])
}
