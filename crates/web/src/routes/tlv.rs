//! After the request: the experts' advices, the toeleiding's intake queue, the TLV register with
//! its expiry list and CSV export, bezwaar with the LBT clock, and the data a receiving school
//! needs for DUO.

use crate::AppState;
use crate::access::{Relation, actor, record_list, record_read, request_for};
use crate::app::Routes;
use crate::auth::Visitor;
use crate::dates::when;
use crate::dates::{long, long_or, today};
use crate::error::{AppError, AppResult};
use crate::exports::csv_response;
use crate::forms::{Field, summary};
use crate::forms::{Opt, date_field, form, opts, val};
use crate::layout::{AppLayout, layout};
use crate::notices::{notice, request_link};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{Months, NaiveDate};
use passend_domain::accounts::Role;
use passend_domain::tlv::{self, Profession, RequestKind, Status};
use passend_store::audit::Outcome;
use passend_store::casework::{self as cw, DecisionRow, QueueFilter, RegisterFilter};
use serde::Deserialize;

/// The routes of this area.
pub fn router() -> Routes {
    Routes::new()
        .get("/adviezen", advices)
        .get("/adviezen/{id}", advice_form)
        .post("/adviezen/{id}", give_advice)
        .post("/adviezen/{id}/teruggeven", return_advice)
        .get("/swv/aanvragen", queue)
        .get("/swv/tlv", register)
        .get("/swv/tlv.csv", register_csv)
        .post("/besluiten/{id}/bezwaar", add_bezwaar)
        .post("/bezwaren/{id}", update_bezwaar)
        .get("/school/tlv", school_tlvs)
        .get("/school/tlv.csv", school_tlvs_csv)
}

// ---------------------------------------------------------------------------------------------
// Experts

struct AdviceLine {
    id: i64,
    request_id: i64,
    /// The expert still has access to the request.
    open: bool,
    pupil: String,
    kind: String,
    school: String,
    due: String,
    asked: String,
    given: bool,
    late: bool,
}

#[derive(Template)]
#[template(path = "app/advices.html")]
struct AdvicesView {
    layout: AppLayout,
    lines: Vec<AdviceLine>,
    grace_weeks: u8,
}

#[derive(Debug, Deserialize, Default)]
struct DoneQuery {
    #[serde(default)]
    gedaan: String,
}

async fn advices(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let p = visitor.signed_in()?;
    let mut lines = Vec::new();
    let mut pupils = Vec::new();
    for a in cw::advices_for_expert(&state.db, p.tenant_id, p.user_id).await? {
        let Some(r) = cw::request(&state.db, p.tenant_id, a.request_id).await? else {
            continue;
        };
        // After the advice (and the grace period) the expert's access ends: the line stays, as
        // their own record, without the pupil.
        let open = crate::access::expert_sees_request(&state, p.user_id, &r).await?;
        if open {
            pupils.push(r.pupil_id);
        }
        lines.push(AdviceLine {
            id: a.id,
            request_id: a.request_id,
            open,
            pupil: if open {
                r.pupil_name
            } else {
                "(toegang beëindigd)".to_owned()
            },
            kind: RequestKind::from_code(&r.kind)
                .map(RequestKind::label_nl)
                .unwrap_or_default()
                .to_owned(),
            school: r.location_name,
            due: long(a.due_on),
            asked: when(a.requested_at),
            given: a.submitted_at.is_some(),
            late: a.submitted_at.is_none() && a.due_on < today(),
        });
    }
    record_list(&state, &visitor, "search", "advies", pupils).await?;
    let mut layout = layout(&state, &visitor, "Adviezen", "/adviezen");
    layout.notice = match q.gedaan.as_str() {
        "gegeven" => Some("Uw advies is opgeslagen. Toeleiding heeft bericht gekregen.".to_owned()),
        "teruggegeven" => {
            Some("De adviesvraag is teruggegeven. Toeleiding heeft bericht gekregen.".to_owned())
        }
        _ => None,
    };
    Ok(Html(
        AdvicesView {
            layout,
            lines,
            grace_weeks: state.casework.expert_grace_weeks,
        }
        .render()?,
    )
    .into_response())
}

#[derive(Template)]
#[template(path = "app/advice.html")]
struct AdviceView {
    layout: AppLayout,
    id: i64,
    request_id: i64,
    pupil_id: i64,
    pupil_name: String,
    school: String,
    kind: String,
    question: String,
    request_question: String,
    due: String,
    given: bool,
    professions: Vec<Opt>,
    profession_error: Option<String>,
    conclusions: Vec<Opt>,
    conclusion_error: Option<String>,
    text: Field,
    independent: bool,
    independent_error: Option<String>,
    errors: Vec<(String, String)>,
    return_reason: Field,
    given_profession: String,
    given_conclusion: String,
}

async fn own_advice(
    state: &AppState,
    visitor: &Visitor,
    id: i64,
) -> AppResult<(cw::AdviceRow, cw::Request)> {
    let p = visitor.signed_in()?;
    let a = cw::advice(&state.db, p.tenant_id, id)
        .await?
        .filter(|a| a.expert_id == p.user_id);
    let Some(a) = a else {
        let object = id.to_string();
        let event = visitor.event("read", "advies", &object, Outcome::Denied, "not own");
        passend_store::audit::append(&state.db, &event).await?;
        return Err(AppError::NotFound);
    };
    let (r, _, _) = request_for(state, visitor, p, a.request_id).await?;
    Ok((a, r))
}

#[allow(clippy::too_many_arguments)]
fn advice_view(
    state: &AppState,
    visitor: &Visitor,
    a: &cw::AdviceRow,
    r: &cw::Request,
    profession: &str,
    conclusion: &str,
    text: Field,
    independent: bool,
) -> AdviceView {
    AdviceView {
        layout: layout(state, visitor, "Deskundigenadvies", "/adviezen"),
        id: a.id,
        request_id: r.id,
        pupil_id: r.pupil_id,
        pupil_name: r.pupil_name.clone(),
        school: r.location_name.clone(),
        kind: RequestKind::from_code(&r.kind)
            .map(RequestKind::label_nl)
            .unwrap_or_default()
            .to_owned(),
        question: a.question.clone(),
        request_question: r.question.clone(),
        due: long(a.due_on),
        given: a.submitted_at.is_some(),
        professions: opts(
            std::iter::once(("", "Kies uw beroep"))
                .chain(Profession::ALL.map(|p| (p.code(), p.label_nl()))),
            profession,
        ),
        profession_error: None,
        // The stored codes are the same for every kind; the words fit the question.
        conclusions: if RequestKind::from_code(&r.kind).is_some_and(RequestKind::is_tlv) {
            opts(
                [
                    ("toelaatbaar", "De leerling is toelaatbaar"),
                    ("niet-toelaatbaar", "De leerling is niet toelaatbaar"),
                ],
                conclusion,
            )
        } else {
            opts(
                [
                    ("toelaatbaar", "Ik adviseer de aanvraag toe te kennen"),
                    ("niet-toelaatbaar", "Ik adviseer de aanvraag af te wijzen"),
                ],
                conclusion,
            )
        },
        conclusion_error: None,
        text,
        independent,
        independent_error: None,
        errors: Vec::new(),
        return_reason: Field::default(),
        given_profession: a
            .profession
            .as_deref()
            .and_then(Profession::from_code)
            .map(Profession::label_nl)
            .unwrap_or("–")
            .to_owned(),
        given_conclusion: match a.conclusion.as_deref() {
            Some("toelaatbaar") => "toelaatbaar (toekennen)",
            Some("niet-toelaatbaar") => "niet toelaatbaar (afwijzen)",
            _ => "–",
        }
        .to_owned(),
    }
}

async fn advice_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (a, r) = own_advice(&state, &visitor, id).await?;
    record_read(
        &state,
        &visitor,
        "aanvraag",
        &r.id.to_string(),
        r.pupil_id,
        "read",
    )
    .await?;
    // Not given yet: the profession of the expert's last advice, if any.
    let p = visitor.signed_in()?;
    let last = match &a.profession {
        Some(pr) => pr.clone(),
        None => cw::advices_for_expert(&state.db, p.tenant_id, p.user_id)
            .await?
            .into_iter()
            .filter(|x| x.submitted_at.is_some())
            .max_by_key(|x| x.submitted_at)
            .and_then(|x| x.profession)
            .unwrap_or_default(),
    };
    let view = advice_view(
        &state,
        &visitor,
        &a,
        &r,
        &last,
        a.conclusion.as_deref().unwrap_or_default(),
        Field::of(a.advice_text.clone()),
        a.declared_independent,
    );
    Ok(Html(view.render()?).into_response())
}

async fn give_advice(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    body: String,
) -> AppResult<Response> {
    let p = visitor.signed_in()?.clone();
    let (a, r) = own_advice(&state, &visitor, id).await?;
    if a.submitted_at.is_some() {
        return Ok(Redirect::to(&format!("/adviezen/{}", a.id)).into_response());
    }
    let f = form(&body);
    let profession = val(&f, "beroep");
    let conclusion = val(&f, "conclusie");
    let mut text = Field::of(val(&f, "advies"));
    let independent = val(&f, "onafhankelijk") == "ja";
    let mut view = advice_view(
        &state,
        &visitor,
        &a,
        &r,
        &profession,
        &conclusion,
        text.clone(),
        independent,
    );
    let mut errors = Vec::new();
    if Profession::from_code(&profession).is_none() {
        view.profession_error = Some("Kies het beroep waarin u adviseert.".to_owned());
        errors.push((
            "beroep".to_owned(),
            "Kies het beroep waarin u adviseert.".to_owned(),
        ));
    }
    if !matches!(conclusion.as_str(), "toelaatbaar" | "niet-toelaatbaar") {
        view.conclusion_error = Some("Kies uw conclusie.".to_owned());
        errors.push((
            "conclusie-toelaatbaar".to_owned(),
            "Kies uw conclusie.".to_owned(),
        ));
    }
    if text.value.chars().count() < 20 {
        text.error = Some(
            "Schrijf uw advies op, met de onderbouwing: wat heeft de leerling nodig en waarom."
                .to_owned(),
        );
    } else if text.value.chars().count() > 10_000 {
        text.error = Some("Maak het advies korter: hooguit 10.000 tekens.".to_owned());
    }
    errors.extend(summary(&[("advies", &text)]));
    if !independent {
        let m = "Verklaar dat u onafhankelijk bent. Bent u dat niet (u werkt bij of voor de school, hielp bij de aanvraag of beoordeelt haar zelf)? Geef de adviesvraag dan terug, onderaan deze pagina.";
        view.independent_error = Some(m.to_owned());
        errors.push(("onafhankelijk".to_owned(), m.to_owned()));
    }
    // Each expert gives their own advice (LBT 18-02-2019, nr. 108582): a text that equals
    // another advice on this request is refused.
    if text.error.is_none()
        && cw::advices_of(&state.db, r.id).await?.iter().any(|o| {
            o.id != a.id
                && o.submitted_at.is_some()
                && tlv::same_advice_text(&o.advice_text, &text.value)
        })
    {
        text.error = Some(SAME_TEXT.to_owned());
        errors.push(("advies".to_owned(), SAME_TEXT.to_owned()));
    }
    view.text = text;
    if !errors.is_empty() {
        view.errors = errors;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(view.render()?)).into_response());
    }
    let mut notices = Vec::new();
    if let Some(email) = &r.contact_email {
        notices.push(notice(
            &state,
            format!("advies-gegeven-{}", a.id),
            email,
            "Een deskundigenadvies is gegeven",
            &[
                "Een deskundige heeft een advies gegeven over een aanvraag waarvan u contactpersoon bent.",
                &request_link(&state, r.id),
            ],
        ));
    }
    let change = cw::give_advice(
        &state.db,
        &actor(&p, &visitor),
        &r,
        a.id,
        &profession,
        &conclusion,
        &view.text.value,
        &notices,
    )
    .await?;
    match change {
        cw::Given::Done => Ok(Redirect::to("/adviezen?gedaan=gegeven").into_response()),
        cw::Given::Stale => Ok(Redirect::to(&format!("/adviezen/{}", a.id)).into_response()),
        cw::Given::SameText => {
            view.text.error = Some(SAME_TEXT.to_owned());
            view.errors = vec![("advies".to_owned(), SAME_TEXT.to_owned())];
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(view.render()?)).into_response())
        }
    }
}

/// The message when an advice repeats another advice on the same request.
const SAME_TEXT: &str = "Dit advies is gelijk aan het advies van de andere deskundige. Elke deskundige geeft een eigen, onafhankelijk advies: schrijf uw advies in uw eigen woorden.";

async fn return_advice(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    body: String,
) -> AppResult<Response> {
    let p = visitor.signed_in()?.clone();
    let (a, r) = own_advice(&state, &visitor, id).await?;
    if a.submitted_at.is_some() {
        return Ok(Redirect::to(&format!("/adviezen/{}", a.id)).into_response());
    }
    let f = form(&body);
    let mut reason = Field::of(val(&f, "reden"));
    if reason.value.is_empty() {
        reason.error = Some(
            "Schrijf kort waarom u de vraag teruggeeft, bijvoorbeeld: ik werk voor deze school."
                .to_owned(),
        );
    } else if reason.value.chars().count() > 1000 {
        reason.error = Some("Maak de reden korter: hooguit 1000 tekens.".to_owned());
    }
    if reason.has_error() {
        let mut view = advice_view(&state, &visitor, &a, &r, "", "", Field::default(), false);
        view.errors = summary(&[("reden", &reason)]);
        view.return_reason = reason;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(view.render()?)).into_response());
    }
    let mut notices = Vec::new();
    if let Some(email) = &r.contact_email {
        notices.push(notice(
            &state,
            format!("advies-terug-{}", a.id),
            email,
            "Een adviesvraag is teruggegeven",
            &[
                "Een deskundige heeft een adviesvraag teruggegeven. Vraag een andere deskundige om advies.",
                &request_link(&state, r.id),
            ],
        ));
    }
    cw::return_advice(
        &state.db,
        &actor(&p, &visitor),
        &r,
        a.id,
        &format!("Adviesvraag teruggegeven door {}: {}", p.name, reason.value),
        &notices,
    )
    .await?;
    Ok(Redirect::to("/adviezen?gedaan=teruggegeven").into_response())
}

// ---------------------------------------------------------------------------------------------
// Intake queue

struct QueueLine {
    id: i64,
    pupil: String,
    school: String,
    kind: String,
    status: String,
    contact: String,
    received: String,
    due: String,
    overdue: bool,
    soon: bool,
    suspended: bool,
}

#[derive(Template)]
#[template(path = "app/queue.html")]
struct QueueView {
    layout: AppLayout,
    lines: Vec<QueueLine>,
    statuses: Vec<Opt>,
    kinds: Vec<Opt>,
    contacts: Vec<Opt>,
    due: Vec<Opt>,
    overdue_count: usize,
    q: String,
    pager: crate::paging::Pager,
}

#[derive(Debug, Deserialize, Default)]
struct QueueQuery {
    #[serde(default)]
    q: String,
    #[serde(default, deserialize_with = "crate::paging::page_number")]
    pagina: Option<usize>,
    #[serde(default)]
    status: String,
    #[serde(default)]
    soort: String,
    #[serde(default)]
    contact: String,
    #[serde(default)]
    termijn: String,
}

async fn queue(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<QueueQuery>,
) -> AppResult<Response> {
    let p = visitor.signed_in()?;
    let filter = QueueFilter {
        status: Status::from_code(&q.status).map(|s| s.code().to_owned()),
        kind_prefix: match q.soort.as_str() {
            "tlv" => Some("tlv".to_owned()),
            "arrangement" => Some("arrangement".to_owned()),
            "advies" => Some("advies".to_owned()),
            _ => None,
        },
        contact_id: match q.contact.as_str() {
            "ik" => Some(p.user_id),
            c => c.parse().ok(),
        },
        unassigned: q.contact == "geen",
        due_by: match q.termijn.as_str() {
            "verlopen" => today().pred_opt(),
            "week" => Some(today() + chrono::Days::new(7)),
            _ => None,
        },
    };
    let needle = q.q.trim().to_lowercase();
    let rows: Vec<cw::Request> = cw::queue(&state.db, p.tenant_id, &filter)
        .await?
        .into_iter()
        .filter(|r| needle.is_empty() || r.pupil_name.to_lowercase().contains(&needle))
        .collect();
    let overdue_count = rows
        .iter()
        .filter(|r| {
            !r.suspended
                && Status::from_code(&r.status).is_some_and(|s| !s.is_final())
                && r.decision_due.is_some_and(|d| d < today())
        })
        .count();
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("q", &q.q)
        .append_pair("status", &q.status)
        .append_pair("soort", &q.soort)
        .append_pair("contact", &q.contact)
        .append_pair("termijn", &q.termijn)
        .finish();
    let (rows, pager) =
        crate::paging::paginate(rows, q.pagina.unwrap_or(1), "/swv/aanvragen", &query);
    record_list(
        &state,
        &visitor,
        "search",
        "aanvraag",
        rows.iter().map(|r| r.pupil_id),
    )
    .await?;
    let mut lines = Vec::new();
    for r in rows {
        let kind = RequestKind::from_code(&r.kind).unwrap_or(RequestKind::Advies);
        let status = Status::from_code(&r.status).unwrap_or(Status::Ingediend);
        let overdue =
            !status.is_final() && !r.suspended && r.decision_due.is_some_and(|d| d < today());
        lines.push(QueueLine {
            id: r.id,
            pupil: r.pupil_name,
            school: r.location_name,
            kind: kind.label_nl().to_owned(),
            status: status.label_nl(kind).to_owned(),
            contact: r.contact_name.unwrap_or_else(|| "–".to_owned()),
            received: long_or(r.received_on, "–"),
            due: long_or(r.decision_due, "–"),
            overdue,
            suspended: r.suspended,
            soon: !overdue
                && !status.is_final()
                && !r.suspended
                && r.decision_due
                    .is_some_and(|d| d <= today() + chrono::Days::new(7)),
        });
    }
    let mut statuses = vec![Opt {
        value: String::new(),
        label: "Alle open aanvragen".to_owned(),
        selected: q.status.is_empty(),
    }];
    for s in Status::ALL.into_iter().filter(|s| *s != Status::Concept) {
        statuses.push(Opt {
            value: s.code().to_owned(),
            label: s.label_nl(RequestKind::Advies).to_owned(),
            selected: s.code() == q.status,
        });
    }
    let mut contacts = opts(
        [
            ("", "Iedereen"),
            ("ik", "Mijn aanvragen"),
            ("geen", "Nog niet toegewezen"),
        ],
        &q.contact,
    );
    for (id, name, _) in cw::staff_of_role(&state.db, p.tenant_id, Role::Toeleider.code()).await? {
        contacts.push(Opt {
            selected: id.to_string() == q.contact,
            value: id.to_string(),
            label: name,
        });
    }
    Ok(Html(
        QueueView {
            layout: layout(&state, &visitor, "Aanvragen", "/swv/aanvragen"),
            lines,
            statuses,
            kinds: opts(
                [
                    ("", "Alle soorten"),
                    ("tlv", "Toelaatbaarheidsverklaringen"),
                    ("arrangement", "Arrangementen"),
                    ("advies", "Advies en consultatie"),
                ],
                &q.soort,
            ),
            contacts,
            due: opts(
                [
                    ("", "Alle"),
                    ("verlopen", "Termijn verlopen"),
                    ("week", "Termijn binnen een week"),
                ],
                &q.termijn,
            ),
            overdue_count,
            q: q.q.clone(),
            pager,
        }
        .render()?,
    )
    .into_response())
}

// ---------------------------------------------------------------------------------------------
// TLV register

struct RegisterLine {
    request_id: i64,
    decision_id: i64,
    number: String,
    pupil: String,
    school: String,
    placement: String,
    start: String,
    end: String,
    receiving: String,
    ending_soon: bool,
}

#[derive(Template)]
#[template(path = "app/register.html")]
struct RegisterView {
    layout: AppLayout,
    lines: Vec<RegisterLine>,
    q: String,
    placements: Vec<Opt>,
    categories: Vec<Opt>,
    views: Vec<Opt>,
    csv_href: String,
    expiring: bool,
    remind_months: u8,
    bezwaren: Vec<OpenBezwaar>,
    total: usize,
}

/// Rows a register page shows at most (the CSV has them all).
const PAGE_ROWS: usize = 2000;

struct OpenBezwaar {
    request_id: i64,
    number: String,
    received: String,
    lbt_due: String,
    lbt_sent: bool,
    lbt_late: bool,
}

#[derive(Debug, Deserialize, Default)]
struct RegisterQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    soort: String,
    #[serde(default)]
    categorie: String,
    #[serde(default)]
    weergave: String,
}

fn register_filter(state: &AppState, q: &RegisterQuery) -> RegisterFilter {
    let t = today();
    RegisterFilter {
        text: Some(q.q.trim().to_owned()).filter(|s| !s.is_empty()),
        placement: Some(q.soort.clone()).filter(|s| matches!(s.as_str(), "sbo" | "so")),
        category: Some(q.categorie.clone())
            .filter(|s| matches!(s.as_str(), "laag" | "midden" | "hoog")),
        valid_on: matches!(q.weergave.as_str(), "geldig" | "aflopend").then_some(t),
        ends_by: (q.weergave == "aflopend").then(|| {
            t.checked_add_months(Months::new(u32::from(
                state.casework.policy.remind_months_before_end,
            )))
            .unwrap_or(t)
        }),
        ..RegisterFilter::default()
    }
}

fn placement_label(d: &DecisionRow) -> String {
    match (d.placement.as_deref(), d.category.as_deref()) {
        (Some("sbo"), _) => "SBO".to_owned(),
        (Some("so"), Some(c)) => format!("SO, {c}"),
        _ => "–".to_owned(),
    }
}

fn register_line(state: &AppState, d: DecisionRow) -> RegisterLine {
    let remind = d
        .end_on
        .map(|e| state.casework.policy.reminder_on(e) <= today() && e >= today());
    RegisterLine {
        request_id: d.request_id,
        decision_id: d.id,
        placement: placement_label(&d),
        number: d.beschikkingsnummer,
        pupil: d.pupil_name,
        school: d.location_name,
        start: long_or(d.start_on, "–"),
        end: long_or(d.end_on, "geen einddatum"),
        receiving: d.receiving_name.unwrap_or_else(|| "–".to_owned()),
        ending_soon: remind == Some(true),
    }
}

async fn register(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<RegisterQuery>,
) -> AppResult<Response> {
    let p = visitor.signed_in()?;
    let mut rows = cw::register(&state.db, p.tenant_id, &register_filter(&state, &q)).await?;
    let total = rows.len();
    rows.truncate(PAGE_ROWS);
    record_list(
        &state,
        &visitor,
        "search",
        "tlv-register",
        rows.iter().map(|d| d.pupil_id),
    )
    .await?;
    let lines = rows.into_iter().map(|d| register_line(&state, d)).collect();
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("q", &q.q)
        .append_pair("soort", &q.soort)
        .append_pair("categorie", &q.categorie)
        .append_pair("weergave", &q.weergave)
        .finish();
    let bezwaren = cw::open_bezwaren(&state.db, p.tenant_id)
        .await?
        .into_iter()
        .map(|o| OpenBezwaar {
            request_id: o.request_id,
            number: o.beschikkingsnummer,
            received: long(o.bezwaar.received_on),
            lbt_due: long(tlv::lbt_deadline(o.bezwaar.received_on)),
            lbt_sent: o.bezwaar.lbt_sent_on.is_some(),
            lbt_late: o.bezwaar.lbt_sent_on.is_none()
                && tlv::lbt_deadline(o.bezwaar.received_on) < today(),
        })
        .collect();
    Ok(Html(
        RegisterView {
            layout: layout(&state, &visitor, "TLV-register", "/swv/tlv"),
            lines,
            q: q.q.clone(),
            placements: opts([("", "SBO en SO"), ("sbo", "SBO"), ("so", "SO")], &q.soort),
            categories: opts(
                [
                    ("", "Alle categorieën"),
                    ("laag", "Laag"),
                    ("midden", "Midden"),
                    ("hoog", "Hoog"),
                ],
                &q.categorie,
            ),
            views: opts(
                [
                    ("", "Alle afgegeven TLV's"),
                    ("geldig", "Nu geldig"),
                    ("aflopend", "Loopt binnenkort af"),
                ],
                &q.weergave,
            ),
            csv_href: format!("/swv/tlv.csv?{query}"),
            expiring: q.weergave == "aflopend",
            remind_months: state.casework.policy.remind_months_before_end,
            bezwaren,
            total,
        }
        .render()?,
    )
    .into_response())
}

fn iso(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

async fn register_csv(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<RegisterQuery>,
) -> AppResult<Response> {
    let p = visitor.signed_in()?;
    let rows = cw::register(&state.db, p.tenant_id, &register_filter(&state, &q)).await?;
    record_list(
        &state,
        &visitor,
        "export",
        "tlv-register",
        rows.iter().map(|d| d.pupil_id),
    )
    .await?;
    let out = rows
        .into_iter()
        .map(|d| {
            vec![
                d.beschikkingsnummer.clone(),
                d.pupil_name.clone(),
                d.birth_date.format("%Y-%m-%d").to_string(),
                d.location_name.clone(),
                d.placement.clone().unwrap_or_default().to_uppercase(),
                d.category.clone().unwrap_or_default(),
                iso(d.start_on),
                iso(d.end_on),
                d.receiving_name.clone().unwrap_or_default(),
                d.letter_on.format("%Y-%m-%d").to_string(),
            ]
        })
        .collect();
    Ok(csv_response(
        "tlv-register.csv",
        &[
            "Beschikkingsnummer",
            "Leerling",
            "Geboortedatum",
            "Aanvragende school",
            "Soort",
            "Categorie",
            "Startdatum",
            "Einddatum",
            "Ontvangende school",
            "Datum besluit",
        ],
        out,
    ))
}

// ---------------------------------------------------------------------------------------------
// Bezwaar

async fn add_bezwaar(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    body: String,
) -> AppResult<Response> {
    let p = visitor.signed_in()?.clone();
    let Some(d) = cw::decision(&state.db, p.tenant_id, id).await? else {
        return Err(AppError::NotFound);
    };
    let (r, _, relation) = request_for(&state, &visitor, &p, d.request_id).await?;
    if relation != Relation::Toeleider {
        return Err(AppError::NotFound);
    }
    let f = form(&body);
    let mut received = Field::of(val(&f, "ontvangen"));
    let date = date_field(
        &received.value.clone(),
        &mut received,
        true,
        "de datum van ontvangst",
    );
    if date.is_some_and(|x| x > today() || x < d.letter_on) {
        received.error = Some(
            "Vul een datum van ontvangst in vanaf de datum van het besluit tot en met vandaag."
                .to_owned(),
        );
    }
    let filed_by = match val(&f, "door").as_str() {
        "school" => "school",
        "anders" => "anders",
        _ => "ouders",
    };
    let notes = val(&f, "notitie").chars().take(2000).collect::<String>();
    let (Some(date), None) = (date, &received.error) else {
        let view = crate::layout::MessageView {
            layout: layout(&state, &visitor, "Bezwaar niet geregistreerd", ""),
            heading: "Het bezwaar is niet geregistreerd".to_owned(),
            paragraphs: vec![received.message().to_owned()],
            link: Some((
                format!("/aanvragen/{}#bezwaar", r.id),
                "Terug naar de aanvraag".to_owned(),
            )),
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(view.render()?)).into_response());
    };
    // Late only after the term that runs from the sending (Awb 6:7, 6:8); a bezwaar before the
    // letter was sent is early, not late (Awb 6:10).
    let late = !passend_store::bezwaar::in_time(d.sent_on, date);
    let what = format!(
        "Bezwaar ontvangen op {}{}; uiterlijk {} naar de LBT",
        long(date),
        if late { " (na de bezwaartermijn)" } else { "" },
        long(tlv::lbt_deadline(date))
    );
    let once = crate::forms::once_token(&f);
    let who = cw::Actor {
        form_token: &once,
        ..actor(&p, &visitor)
    };
    cw::add_bezwaar(&state.db, &who, &r, d.id, date, filed_by, &notes, &what).await?;
    Ok(Redirect::to(&format!("/aanvragen/{}?gedaan=bezwaar#bezwaar", r.id)).into_response())
}

async fn update_bezwaar(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    body: String,
) -> AppResult<Response> {
    let p = visitor.signed_in()?.clone();
    let f = form(&body);
    let request_id = val(&f, "aanvraag")
        .parse::<i64>()
        .map_err(|_| AppError::NotFound)?;
    let (r, _, relation) = request_for(&state, &visitor, &p, request_id).await?;
    if relation != Relation::Toeleider {
        return Err(AppError::NotFound);
    }
    let Some(b) = cw::bezwaar(&state.db, p.tenant_id, id).await? else {
        return Err(AppError::NotFound);
    };
    // The days as they happened: put to the LBT on, the advice dated (from the bezwaar's
    // receipt to today).
    let mut problems = Vec::new();
    let mut day = |name: &str, label: &str, from: NaiveDate| -> Option<NaiveDate> {
        let mut field = Field::of(val(&f, name));
        if field.value.trim().is_empty() {
            return None;
        }
        let date = date_field(&field.value.clone(), &mut field, false, label);
        match date {
            Some(d) if d > today() || d < from => {
                problems.push(format!(
                    "Vul voor {label} een datum in vanaf {} tot en met vandaag.",
                    long(from)
                ));
                None
            }
            Some(d) => Some(d),
            None => {
                problems.push(field.message().to_owned());
                None
            }
        }
    };
    let lbt = day("lbt-op", "de dag van voorleggen aan de LBT", b.received_on);
    let advice_on = day(
        "lbt-advies-op",
        "de datum van het advies",
        lbt.or(b.lbt_sent_on).unwrap_or(b.received_on),
    );
    // The LBT's advice (the beslissing op bezwaar itself is taken on its own page).
    let advice = match (val(&f, "lbt-advies").as_str(), advice_on) {
        (a @ ("gegrond" | "ongegrond" | "niet-ontvankelijk"), Some(on)) => Some((a.to_owned(), on)),
        ("gegrond" | "ongegrond" | "niet-ontvankelijk", None) => {
            if problems.is_empty() {
                problems.push("Vul ook de datum van het advies van de LBT in.".to_owned());
            }
            None
        }
        _ => None,
    };
    if !problems.is_empty() {
        let view = crate::layout::MessageView {
            layout: layout(&state, &visitor, "Bezwaar niet bijgewerkt", ""),
            heading: "Het bezwaar is niet bijgewerkt".to_owned(),
            paragraphs: problems,
            link: Some((
                format!("/aanvragen/{}#bezwaar", r.id),
                "Terug naar de aanvraag".to_owned(),
            )),
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(view.render()?)).into_response());
    }
    let withdrawn = (val(&f, "ingetrokken") == "ja").then(today);
    if lbt.is_none() && advice.is_none() && withdrawn.is_none() {
        return Ok(Redirect::to(&format!("/aanvragen/{}#bezwaar", r.id)).into_response());
    }
    let mut what = Vec::new();
    if let Some(on) = lbt {
        what.push(format!("Bezwaar voorgelegd aan de LBT op {}", long(on)));
    }
    if let Some((a, on)) = &advice {
        what.push(format!("Advies van de LBT van {}: {a}", long(*on)));
    }
    if withdrawn.is_some() {
        what.push("Bezwaar ingetrokken".to_owned());
    }
    let done = cw::update_bezwaar(
        &state.db,
        &actor(&p, &visitor),
        &r,
        id,
        lbt,
        advice.as_ref().map(|(a, d)| (a.as_str(), *d)),
        withdrawn,
        &what.join("; "),
    )
    .await?;
    if !done {
        return Err(AppError::NotFound);
    }
    Ok(Redirect::to(&format!(
        "/aanvragen/{}?gedaan=bezwaar-bijgewerkt#bezwaar",
        r.id
    ))
    .into_response())
}

// ---------------------------------------------------------------------------------------------
// Receiving schools: TLVs and the DUO data

#[derive(Template)]
#[template(path = "app/school_tlv.html")]
struct SchoolTlvView {
    layout: AppLayout,
    lines: Vec<SchoolTlvLine>,
}

struct SchoolTlvLine {
    request_id: i64,
    decision_id: i64,
    number: String,
    pupil: String,
    birth: String,
    onderwijsnummer: String,
    placement: String,
    start: String,
    end: String,
    receiving: String,
    /// The decision letter still says what holds (no beslissing op bezwaar replaced it).
    letter: bool,
}

async fn school_rows(state: &AppState, visitor: &Visitor) -> AppResult<Vec<DecisionRow>> {
    let p = visitor.signed_in()?;
    Ok(cw::register(
        &state.db,
        p.tenant_id,
        &RegisterFilter {
            receiving_staff_id: Some(p.user_id),
            ..RegisterFilter::default()
        },
    )
    .await?)
}

async fn school_tlvs(State(state): State<AppState>, visitor: Visitor) -> AppResult<Response> {
    let rows = school_rows(&state, &visitor).await?;
    record_list(
        &state,
        &visitor,
        "search",
        "tlv-ontvangen",
        rows.iter().map(|d| d.pupil_id),
    )
    .await?;
    let mut lines = Vec::with_capacity(rows.len());
    for d in rows {
        let letter = !passend_store::bezwaar::was_replaced(&state.db, d.id).await?;
        lines.push(SchoolTlvLine {
            letter,
            request_id: d.request_id,
            decision_id: d.id,
            placement: placement_label(&d),
            number: d.beschikkingsnummer,
            pupil: d.pupil_name,
            birth: d.birth_date.format("%d-%m-%Y").to_string(),
            onderwijsnummer: d.onderwijsnummer.unwrap_or_else(|| "–".to_owned()),
            start: long_or(d.start_on, "–"),
            end: long_or(d.end_on, "geen einddatum"),
            receiving: d.receiving_name.unwrap_or_default(),
        });
    }
    Ok(Html(
        SchoolTlvView {
            layout: layout(
                &state,
                &visitor,
                "Toelaatbaarheidsverklaringen",
                "/school/tlv",
            ),
            lines,
        }
        .render()?,
    )
    .into_response())
}

async fn school_tlvs_csv(State(state): State<AppState>, visitor: Visitor) -> AppResult<Response> {
    let rows = school_rows(&state, &visitor).await?;
    record_list(
        &state,
        &visitor,
        "export",
        "tlv-duo",
        rows.iter().map(|d| d.pupil_id),
    )
    .await?;
    let swv = state.casework.swv_code.clone();
    let out = rows
        .into_iter()
        .map(|d| {
            vec![
                d.beschikkingsnummer.clone(),
                swv.clone(),
                d.receiving_code.clone().unwrap_or_default(),
                d.onderwijsnummer.clone().unwrap_or_default(),
                d.pupil_name.clone(),
                d.birth_date.format("%Y-%m-%d").to_string(),
                d.placement.clone().unwrap_or_default().to_uppercase(),
                d.category
                    .as_deref()
                    .and_then(tlv::Category::from_code)
                    .map(|c| c.number().to_string())
                    .unwrap_or_default(),
                iso(d.start_on),
                iso(d.end_on),
            ]
        })
        .collect();
    Ok(csv_response(
        "tlv-duo.csv",
        &[
            "Beschikkingsnummer",
            "Samenwerkingsverband",
            "Vestiging",
            "Onderwijsnummer",
            "Leerling",
            "Geboortedatum",
            "Soort",
            "Bekostigingscategorie",
            "Ingangsdatum",
            "Einddatum",
        ],
        out,
    ))
}
