//! The school's steps: saving the concept, submitting, withdrawing.

use crate::AppState;
use crate::access::{Relation, actor, request_for};
use crate::auth::{Principal, Visitor};
use crate::dates::{long, today};
use crate::error::{AppError, AppResult};
use crate::extract::SignedIn;
use crate::forms::FormBody;
use crate::forms::{Field, summary};
use crate::forms::{Opt, opts};
use crate::forms::{date_field, form, required, text_limit, val};
use crate::notices::{ParentNews, parent_notices};
use crate::notices::{notice, request_link};
use crate::routes::casework::*;
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::NaiveDate;
use passend_domain::accounts::Role;
use passend_domain::tlv::{self, RequestKind, Status};
use passend_store::casework::{self as cw, Change, Request, RequestDraft, Step};
use std::collections::HashMap;

pub(crate) fn read_draft(
    f: &HashMap<String, String>,
    kind: RequestKind,
) -> (DraftForm, Option<RequestDraft>, Vec<(String, String)>) {
    let mut d = DraftForm {
        question: Field::of(val(f, "vraag")),
        goals: Field::of(val(f, "doelen")),
        budget: Field::of(val(f, "begroting")),
        period_start: Field::of(val(f, "periode-van")),
        period_end: Field::of(val(f, "periode-tot")),
        zienswijze: zienswijze_opts(&val(f, "zienswijze")),
        zienswijze_text: Field::of(val(f, "zienswijze-tekst")),
        zienswijze_on: Field::of(val(f, "zienswijze-datum")),
        tlo_held_on: Field::of(val(f, "tlo-datum")),
        tlo_attendees: Field::of(val(f, "tlo-aanwezig")),
        version: val(f, "versie").parse().unwrap_or(0),
    };
    required(&mut d.question, "Beschrijf wat u vraagt en waarom.");
    text_limit(&mut d.question, 5000, "de vraag");
    text_limit(&mut d.goals, 5000, "de doelen");
    text_limit(&mut d.zienswijze_text, 5000, "de zienswijze");
    text_limit(&mut d.tlo_attendees, 1000, "de lijst van aanwezigen");
    let budget = match d.budget.value.replace(['.', '€', ' '], "").as_str() {
        "" => None,
        b => match b.parse::<i64>() {
            Ok(n) if (0..=10_000_000).contains(&n) => Some(n),
            _ => {
                d.budget.error =
                    Some("Vul de begroting in hele euro's in, bijvoorbeeld 4500.".to_owned());
                None
            }
        },
    };
    let start = date_field(
        &d.period_start.value.clone(),
        &mut d.period_start,
        false,
        "het begin van de periode",
    );
    let end = date_field(
        &d.period_end.value.clone(),
        &mut d.period_end,
        false,
        "het einde van de periode",
    );
    if let (Some(s), Some(e)) = (start, end)
        && e <= s
    {
        d.period_end.error = Some("Het einde van de periode moet na het begin liggen.".to_owned());
    }
    let z_on = date_field(
        &d.zienswijze_on.value.clone(),
        &mut d.zienswijze_on,
        false,
        "de datum van de zienswijze",
    );
    let tlo = date_field(
        &d.tlo_held_on.value.clone(),
        &mut d.tlo_held_on,
        false,
        "de datum van het TLO",
    );
    for (field, date) in [(&mut d.zienswijze_on, z_on), (&mut d.tlo_held_on, tlo)] {
        if date.is_some_and(|x| x > today()) {
            field.error = Some(
                "Deze datum ligt in de toekomst. Vul de datum in waarop het gebeurde.".to_owned(),
            );
        }
    }
    let zienswijze = Some(val(f, "zienswijze"))
        .filter(|z| matches!(z.as_str(), "eens" | "oneens" | "geweigerd"));
    let errors = summary(&[
        ("vraag", &d.question),
        ("doelen", &d.goals),
        ("begroting", &d.budget),
        ("periode-van", &d.period_start),
        ("periode-tot", &d.period_end),
        ("zienswijze-tekst", &d.zienswijze_text),
        ("zienswijze-datum", &d.zienswijze_on),
        ("tlo-datum", &d.tlo_held_on),
        ("tlo-aanwezig", &d.tlo_attendees),
    ]);
    let _ = kind;
    if !errors.is_empty() {
        return (d, None, errors);
    }
    let draft = RequestDraft {
        question: d.question.value.clone(),
        goals: d.goals.value.clone(),
        budget_euros: budget,
        period_start: start,
        period_end: end,
        zienswijze,
        zienswijze_text: d.zienswijze_text.value.clone(),
        zienswijze_on: z_on,
        tlo_held_on: tlo,
        tlo_attendees: d.tlo_attendees.value.clone(),
    };
    (d, Some(draft), errors)
}

/// Saves the concept's fields as typed: the page again with the messages when something is
/// wrong (`Err`), or how the save went.
pub(crate) async fn save_typed(
    state: &AppState,
    visitor: &Visitor,
    p: &Principal,
    r: &Request,
    relation: Relation,
    f: &HashMap<String, String>,
) -> AppResult<Result<Change, Response>> {
    // Only a concept is edited: a request submitted meanwhile (another tab, a colleague) is
    // not judged against a form the page no longer shows.
    if status_of(r)? != Status::Concept {
        return Ok(Ok(Change::Stale));
    }
    let (draft_form, draft, errors) = read_draft(f, kind_of(r)?);
    let Some(draft) = draft else {
        let view = request_view(
            state,
            visitor,
            r,
            relation,
            Some(draft_form),
            None,
            None,
            errors,
        )
        .await?;
        return Ok(Err((
            StatusCode::UNPROCESSABLE_ENTITY,
            Html(view.render()?),
        )
            .into_response()));
    };
    Ok(Ok(cw::save_draft(
        &state.db,
        &actor(p, visitor),
        r,
        draft_form.version,
        &draft,
    )
    .await?))
}

pub(crate) async fn save_draft(
    SignedIn { state, visitor, p }: SignedIn,
    Path(id): Path<i64>,
    body: String,
) -> AppResult<Response> {
    let (r, relation) = school_request(&state, &visitor, &p, id).await?;
    match save_typed(&state, &visitor, &p, &r, relation, &form(&body)).await? {
        Err(page) => Ok(page),
        Ok(change) => Ok(after(r.id, change, "opgeslagen")),
    }
}

pub(crate) async fn submit(
    SignedIn { state, visitor, p }: SignedIn,
    Path(id): Path<i64>,
    FormBody { fields: f, .. }: FormBody,
) -> AppResult<Response> {
    let (r, relation) = school_request(&state, &visitor, &p, id).await?;
    // "Opslaan en indienen" sends the form: what was typed is saved first, never lost.
    let r = if f.contains_key("versie") {
        match save_typed(&state, &visitor, &p, &r, relation, &f).await? {
            Err(page) => return Ok(page),
            Ok(Change::Stale) => return Ok(see_request(r.id, "gewijzigd")),
            Ok(Change::Done) => {}
        }
        cw::request(&state.db, p.tenant_id, r.id)
            .await?
            .ok_or(AppError::NotFound)?
    } else {
        r
    };
    let kind = kind_of(&r)?;
    let missing = tlv::missing_for(kind, &completeness(&state, p.tenant_id, &r).await?);
    if status_of(&r)? != Status::Concept {
        return Ok(see_request(r.id, "gewijzigd"));
    }
    if !missing.is_empty() {
        let errors = missing
            .iter()
            .map(|m| ("nu".to_owned(), format!("Nog nodig: {m}.")))
            .collect();
        let view = request_view(&state, &visitor, &r, relation, None, None, None, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(view.render()?)).into_response());
    }
    let received = today();
    let due = state.casework.policy.decision_due(received);
    let mut notices = Vec::new();
    for (uid, _, email) in cw::staff_of_role(&state.db, p.tenant_id, Role::Toeleider.code()).await?
    {
        notices.push(notice(
            &state,
            format!("aanvraag-{}-ingediend-{uid}", r.id),
            &email,
            "Nieuwe aanvraag bij toeleiding",
            &[
                "Een school heeft een aanvraag ingediend. Die staat in de wachtrij van toeleiding.",
                &request_link(&state, r.id),
            ],
        ));
    }
    notices.extend(
        parent_notices(
            &state,
            r.pupil_id,
            Some(r.id),
            ParentNews::Submitted,
            &format!("ingediend-{}", r.id),
        )
        .await?,
    );
    let change = cw::step(
        &state.db,
        &actor(&p, &visitor),
        &r,
        &Step {
            from: Status::Concept.code(),
            to: Status::Ingediend.code(),
            what: &format!(
                "Ingediend bij het samenwerkingsverband; besluit uiterlijk {}",
                long(due)
            ),
            action: "update",
            received: Some((received, due)),
            contact_id: None,
            notices,
        },
    )
    .await?;
    Ok(after(r.id, change, "ingediend"))
}

pub(crate) async fn withdraw(
    SignedIn { state, visitor, p }: SignedIn,
    Path(id): Path<i64>,
    body: String,
) -> AppResult<Response> {
    let (r, _, relation) = request_for(&state, &visitor, &p, id).await?;
    if !matches!(relation, Relation::School | Relation::Toeleider) {
        return Err(AppError::NotFound);
    }
    if !crate::forms::confirmed(&body) {
        return crate::layout::not_confirmed(&state, &visitor, format!("/aanvragen/{}", r.id));
    }
    let status = status_of(&r)?;
    if !status.next(kind_of(&r)?).contains(&Status::Ingetrokken) {
        return Ok(see_request(r.id, "gewijzigd"));
    }
    let mut notices = parent_notices(
        &state,
        r.pupil_id,
        Some(r.id),
        ParentNews::Withdrawn,
        &format!("ingetrokken-{}", r.id),
    )
    .await?;
    notices.extend(cancellations(&state, &r, cw::MEETING_CANCELLED_BY_WITHDRAWAL).await?);
    let change = cw::step(
        &state.db,
        &actor(&p, &visitor),
        &r,
        &Step {
            from: status.code(),
            to: Status::Ingetrokken.code(),
            what: "Aanvraag ingetrokken",
            action: "update",
            notices,
            ..Step::default()
        },
    )
    .await?;
    Ok(after(r.id, change, "ingetrokken"))
}

/// What the school fills in while the request is a concept.
#[derive(Debug, Clone, Default)]
pub(crate) struct DraftForm {
    pub(crate) question: Field,
    pub(crate) goals: Field,
    pub(crate) budget: Field,
    pub(crate) period_start: Field,
    pub(crate) period_end: Field,
    pub(crate) zienswijze: Vec<Opt>,
    pub(crate) zienswijze_text: Field,
    pub(crate) zienswijze_on: Field,
    pub(crate) tlo_held_on: Field,
    pub(crate) tlo_attendees: Field,
    pub(crate) version: i64,
}

pub(crate) fn draft_from(r: &Request) -> DraftForm {
    let dm = |d: Option<NaiveDate>| {
        d.map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default()
    };
    DraftForm {
        question: Field::of(r.draft.question.clone()),
        goals: Field::of(r.draft.goals.clone()),
        budget: Field::of(
            r.draft
                .budget_euros
                .map(|b| b.to_string())
                .unwrap_or_default(),
        ),
        period_start: Field::of(dm(r.draft.period_start)),
        period_end: Field::of(dm(r.draft.period_end)),
        zienswijze: zienswijze_opts(r.draft.zienswijze.as_deref().unwrap_or_default()),
        zienswijze_text: Field::of(r.draft.zienswijze_text.clone()),
        zienswijze_on: Field::of(dm(r.draft.zienswijze_on)),
        tlo_held_on: Field::of(dm(r.draft.tlo_held_on)),
        tlo_attendees: Field::of(r.draft.tlo_attendees.clone()),
        version: r.version,
    }
}

pub(crate) fn zienswijze_opts(chosen: &str) -> Vec<Opt> {
    opts(
        [
            ("", "Nog niet gegeven"),
            ("eens", "De ouders zijn het eens met de aanvraag"),
            ("oneens", "De ouders zijn het niet eens met de aanvraag"),
            (
                "geweigerd",
                "De ouders willen geen zienswijze geven (vastgelegd)",
            ),
        ],
        chosen,
    )
}
