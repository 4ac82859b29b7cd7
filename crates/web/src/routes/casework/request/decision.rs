//! The decision, and its letter.

use crate::AppState;
use crate::access::refused_to;
use crate::access::{Relation, actor, request_for};
use crate::dates::today;
use crate::error::{AppError, AppResult};
use crate::extract::SignedIn;
use crate::forms::FormBody;
use crate::forms::{Field, summary};
use crate::forms::{date_field, opts, required, text_limit, val};
use crate::letters::make_letter;
use crate::notices::{ParentNews, parent_addresses, parent_notices};
use crate::notices::{contact_phrase, notice, request_link};
use crate::routes::casework::*;
use axum::extract::Path;
use axum::response::Response;
use chrono::NaiveDate;
use passend_domain::tlv::{self, Category, Placement, RequestKind, Status, TransitionProblem};
use passend_store::casework::{self as cw, NewDecision, Notice, Request};
use std::collections::HashMap;

/// What the decision form says, checked.
pub(crate) struct DecisionRead {
    /// The outcome; none when not chosen.
    pub(crate) granted: Option<bool>,
    /// SBO as asked, or SO with the category chosen (a refusal names the one asked for).
    pub(crate) placement: Option<Placement>,
    pub(crate) start: Option<NaiveDate>,
    pub(crate) end: Option<NaiveDate>,
    /// The receiving school of a granted TLV.
    pub(crate) receiving_id: Option<i64>,
}

/// Reads the decision form: the values go back into `swv` (kept after an error), the messages
/// to its fields and into the returned list. No queries: the law's check on the advices is the
/// handler's.
pub(crate) fn read_decision(
    kind: RequestKind,
    f: &HashMap<String, String>,
    swv: &mut SwvForms,
) -> (DecisionRead, Vec<(String, String)>) {
    let outcome = val(f, "uitkomst");
    swv.decision_outcome = if kind.is_tlv() {
        opts(
            [("ja", "Toelaatbaar"), ("nee", "Niet toelaatbaar")],
            &outcome,
        )
    } else {
        opts([("ja", "Toekennen"), ("nee", "Afwijzen")], &outcome)
    };
    let category_code = val(f, "categorie");
    swv.decision_category = opts(
        [
            ("laag", "Laag (categorie 1)"),
            ("midden", "Midden (categorie 2)"),
            ("hoog", "Hoog (categorie 3)"),
        ],
        &category_code,
    );
    swv.decision_start = Field::of(val(f, "start"));
    swv.decision_end = Field::of(val(f, "einde"));
    swv.decision_no_end = val(f, "geen-einde") == "ja";
    let receiving = val(f, "ontvangend");
    for o in &mut swv.decision_receiving {
        o.selected = o.value == receiving;
    }
    swv.decision_reasons = Field::of(val(f, "motivering"));
    let mut errors = Vec::new();
    let granted = match outcome.as_str() {
        "ja" => Some(true),
        "nee" => Some(false),
        _ => {
            errors.push((
                "uitkomst-ja".to_owned(),
                "Kies de uitkomst van het besluit.".to_owned(),
            ));
            None
        }
    };
    required(
        &mut swv.decision_reasons,
        "Schrijf de motivering op: die komt in de brief.",
    );
    text_limit(&mut swv.decision_reasons, 5000, "de motivering");
    // The placement decided: SBO as asked, or SO with the category chosen.
    let placement = match kind.placement() {
        Some(Placement::Sbo) => Some(Placement::Sbo),
        Some(Placement::So(asked)) => match Category::from_code(&category_code) {
            Some(c) => Some(Placement::So(c)),
            // A refusal states no category: the one asked for is named in the letter.
            None if granted == Some(false) => Some(Placement::So(asked)),
            None => {
                errors.push((
                    "categorie".to_owned(),
                    "Kies de bekostigingscategorie.".to_owned(),
                ));
                None
            }
        },
        None => None,
    };
    let tlv_granted = kind.is_tlv() && granted == Some(true);
    let (start, end) = if tlv_granted || kind == RequestKind::Arrangement && granted == Some(true) {
        let start = date_field(
            &swv.decision_start.value.clone(),
            &mut swv.decision_start,
            true,
            "de startdatum",
        );
        let end = if swv.decision_no_end {
            None
        } else {
            date_field(
                &swv.decision_end.value.clone(),
                &mut swv.decision_end,
                true,
                "de einddatum (of kies: geen einddatum)",
            )
        };
        if let (Some(s), Some(e)) = (start, end)
            && e <= s
        {
            swv.decision_end.error = Some("De einddatum moet na de startdatum liggen.".to_owned());
        }
        (start, end)
    } else {
        (None, None)
    };
    errors.extend(summary(&[
        ("start", &swv.decision_start),
        ("einde", &swv.decision_end),
        ("motivering", &swv.decision_reasons),
    ]));
    let receiving_id = receiving.parse::<i64>().ok().filter(|_| tlv_granted);
    if receiving_id.is_some_and(|rid| {
        !swv.decision_receiving
            .iter()
            .any(|o| o.value == rid.to_string())
    }) {
        errors.push((
            "ontvangend".to_owned(),
            "Kies een school uit de lijst.".to_owned(),
        ));
    }
    (
        DecisionRead {
            granted,
            placement,
            start,
            end,
            receiving_id,
        },
        errors,
    )
}

/// Who hears of the decision: the applying school's staff, and the parents with gezag, without
/// any detail in the mail (through the portal when they have an account there).
async fn decision_notices(state: &AppState, tenant_id: i64, r: &Request) -> AppResult<Vec<Notice>> {
    // The receiving school hears of a TLV once its letter is sent (it is then made known):
    // `bezwaar::record_sending`.
    let mut recipients: Vec<(String, String)> = Vec::new();
    for (uid, _, email) in request_school_staff(state, tenant_id, r).await? {
        recipients.push((format!("school-{uid}"), email));
    }
    let link = request_link(state, r.id);
    let parent_text = format!(
        "Het samenwerkingsverband heeft een besluit genomen over de aanvraag voor uw kind. U krijgt de besluitbrief, met uitleg over bezwaar. Heeft u die over een week nog niet, of heeft u vragen? Neem dan contact op met {}. Het Oudersteunpunt helpt u gratis en onafhankelijk.",
        contact_phrase(r)
    );
    let mut notices: Vec<Notice> = recipients
        .iter()
        .map(|(who, email)| {
            notice(
                state,
                format!("besluit-{}-{who}", r.id),
                email,
                "Er is een besluit over uw aanvraag",
                &["Het samenwerkingsverband heeft een besluit genomen over een aanvraag van uw school. De brief staat klaar na het inloggen.", &link],
            )
        })
        .collect();
    // The parents with gezag hear of it too, without any detail in the mail: through the
    // portal when they have an account there, else with the general text.
    notices.extend(
        parent_notices(
            state,
            r.pupil_id,
            Some(r.id),
            ParentNews::Decided,
            &format!("besluit-{}", r.id),
        )
        .await?,
    );
    let in_portal = parent_addresses(state, r.pupil_id).await?;
    for g in cw::guardians(&state.db, r.pupil_id).await? {
        let known = in_portal
            .iter()
            .any(|a| a.eq_ignore_ascii_case(g.email.trim()));
        if g.parental_authority && !g.email.is_empty() && !known {
            notices.push(notice(
                state,
                format!("besluit-{}-ouder-{}", r.id, g.id),
                &g.email,
                "Bericht van het samenwerkingsverband",
                &[&parent_text],
            ));
        }
    }
    Ok(notices)
}

/// The timeline's words for the decision.
fn decision_what(
    to: Status,
    decided_kind: RequestKind,
    placement: Option<Placement>,
    granted: bool,
) -> String {
    format!(
        "Besluit: {}{}",
        to.label_nl(decided_kind).to_lowercase(),
        placement
            .filter(|_| granted)
            .map(|pl| match pl {
                Placement::Sbo => " tot het SBO".to_owned(),
                Placement::So(c) => format!(" tot het SO, categorie {}", c.label_nl()),
            })
            .unwrap_or_default()
    )
}

pub(crate) async fn decide(
    SignedIn { state, visitor, p }: SignedIn,
    Path(id): Path<i64>,
    FormBody { fields: f, .. }: FormBody,
) -> AppResult<Response> {
    let r = swv_request(&state, &visitor, &p, id).await?;
    let kind = kind_of(&r)?;
    let status = status_of(&r)?;
    let mut swv = swv_forms(&state, &p, &r, kind).await?;
    let (read, mut errors) = read_decision(kind, &f, &mut swv);
    let DecisionRead {
        granted,
        placement,
        start,
        end,
        receiving_id,
    } = read;
    // The law's check on the advices (TLV), through the state machine.
    let to = if granted == Some(true) {
        Status::Toegekend
    } else {
        Status::Afgewezen
    };
    let advices = domain_advices(&state, &r).await?;
    if let Err(problem) = tlv::transition(kind, status, to, &advices) {
        let message = match problem {
            TransitionProblem::Advices(a) => a.message_nl(),
            TransitionProblem::NotAllowed { .. } => {
                "In deze stap kan nog geen besluit worden genomen.".to_owned()
            }
        };
        errors.insert(0, ("besluit".to_owned(), message));
    }
    if !errors.is_empty() || granted.is_none() {
        return rerender_swv(&state, &visitor, &r, swv, errors).await;
    }
    let granted = granted == Some(true);
    let letter_on = today();
    let decided_kind = placement.map_or(kind, |pl| kind.with_placement(pl));
    let mut notices = decision_notices(&state, p.tenant_id, &r).await?;
    notices.extend(cancellations(&state, &r, cw::MEETING_CANCELLED_BY_DECISION).await?);
    let what = decision_what(to, decided_kind, placement, granted);
    let decided = cw::decide(
        &state.db,
        &actor(&p, &visitor),
        &r,
        status.code(),
        &NewDecision {
            granted,
            placement: placement
                .filter(|_| granted)
                .map(|pl| pl.type_code().to_owned()),
            category: placement
                .filter(|_| granted)
                .and_then(Placement::category)
                .map(|c| c.label_nl().to_owned()),
            start_on: start,
            end_on: end,
            receiving_location_id: receiving_id,
            reasons: swv.decision_reasons.value.clone(),
            letter_on,
            status: to.code().to_owned(),
            swv_code: state.casework.swv_code.clone(),
        },
        &what,
        &notices,
    )
    .await?;
    let Some((decision_id, _)) = decided else {
        return Ok(see_request(r.id, "gewijzigd"));
    };
    // The letter is made now and kept as sent; if that fails, the download makes it.
    if kind.is_tlv()
        && let Err(e) = make_letter(&state, p.tenant_id, decision_id).await
    {
        tracing::error!(error = %e, "decision letter not made at decision time");
    }
    Ok(see_request(r.id, "besluit"))
}

pub(crate) async fn letter(
    SignedIn { state, visitor, p }: SignedIn,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let Some(d) = cw::decision(&state.db, p.tenant_id, id).await? else {
        let object = id.to_string();
        return Err(refused_to(
            &state,
            &visitor,
            "download",
            "besluit",
            &object,
            "not found",
        )
        .await);
    };
    let (_, pupil, relation) = request_for(&state, &visitor, &p, d.request_id).await?;
    if relation == Relation::Expert
        || !RequestKind::from_code(&d.kind).is_some_and(RequestKind::is_tlv)
    {
        return Err(AppError::NotFound);
    }
    // After a revocation the letter no longer says what holds (it may name another school) and
    // the beslissing's letter is written to the objector, with the old decision and the LBT's
    // advice: a receiving school gets neither, and reads the TLV's data in its overview.
    if relation == Relation::Receiving
        && passend_store::bezwaar::was_replaced(&state.db, d.id).await?
    {
        let object = id.to_string();
        return Err(refused_to(&state, &visitor, "download", "besluit", &object, "replaced").await);
    }
    crate::letters::letter_download(&state, &visitor, p.tenant_id, &d, pupil.id).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn read(kind: RequestKind, pairs: &[(&str, &str)]) -> (DecisionRead, Vec<String>) {
        let (read, errors) = read_decision(kind, &fields(pairs), &mut SwvForms::default());
        (read, errors.into_iter().map(|(id, _)| id).collect())
    }

    const SO_MIDDEN: RequestKind = RequestKind::TlvSo(Category::Midden);

    #[test]
    fn a_refusal_names_the_category_asked_for_and_needs_no_dates() {
        let (r, errors) = read(SO_MIDDEN, &[("uitkomst", "nee"), ("motivering", "Omdat.")]);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(r.granted, Some(false));
        assert_eq!(r.placement, Some(Placement::So(Category::Midden)));
        assert_eq!((r.start, r.end), (None, None));
    }

    #[test]
    fn a_granted_tlv_needs_a_category_reasons_and_dates_in_order() {
        let (_, errors) = read(SO_MIDDEN, &[("uitkomst", "ja")]);
        assert!(errors.contains(&"categorie".to_owned()), "{errors:?}");
        assert!(errors.contains(&"motivering".to_owned()), "{errors:?}");
        assert!(errors.contains(&"start".to_owned()), "{errors:?}");
        let (r, errors) = read(
            SO_MIDDEN,
            &[
                ("uitkomst", "ja"),
                ("categorie", "hoog"),
                ("motivering", "Omdat."),
                ("start", "2027-08-01"),
                ("einde", "2027-07-31"),
            ],
        );
        assert_eq!(errors, vec!["einde".to_owned()]);
        assert_eq!(r.placement, Some(Placement::So(Category::Hoog)));
    }

    #[test]
    fn no_outcome_is_a_message_and_no_decision() {
        let (r, errors) = read(RequestKind::Advies, &[("motivering", "Omdat.")]);
        assert_eq!(r.granted, None);
        assert_eq!(errors, vec!["uitkomst-ja".to_owned()]);
    }
}
