//! A request as a live tracker: status, next step, dates, contact, the zienswijze and signature, the letters.

use crate::AppState;
use crate::access::{actor, record_read};
use crate::auth::{Principal, Visitor};
use crate::dates::today;
use crate::error::{AppError, AppResult};
use crate::files::{read_upload, store_file};
use crate::forms::FormBody;
use crate::forms::val;
use crate::layout::AppLayout;
use crate::routes::ouders::Parent;
use crate::routes::ouders::*;
use crate::texts::portal::{PortalTexts, day};
use askama::Template;
use axum::extract::{Multipart, Path, Query};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use passend_domain::Lang;
use passend_domain::documents::{DocumentKind, sniff};
use passend_domain::portal::{self as rules};
use passend_domain::tlv::{RequestKind, Status};
use passend_store::casework::{self as cw, Pupil, Request};
use passend_store::portal::{self as portal, Concerns, NewResponse, ResponseKind};

mod shape;

pub(crate) struct StepLine {
    pub(crate) label: &'static str,
    pub(crate) state: &'static str,
    pub(crate) state_text: &'static str,
}

pub(crate) struct ShareView {
    pub(crate) id: i64,
    pub(crate) intro: String,
    pub(crate) question: String,
    pub(crate) goals: String,
    pub(crate) budget: String,
    pub(crate) period: String,
    pub(crate) done: Vec<String>,
    pub(crate) can_respond: bool,
    pub(crate) can_read: bool,
    pub(crate) can_sign: bool,
    pub(crate) my_view: Option<(String, String)>,
    pub(crate) new_version: bool,
    pub(crate) deadline_line: String,
    /// The parent's path through the shared request, in order, with what is asked and by when.
    pub(crate) steps: Vec<PathStep>,
}

/// One step of the parent's path: read, give your view, sign, consent (where asked).
#[derive(Debug, Clone)]
pub(crate) struct PathStep {
    pub(crate) title: &'static str,
    pub(crate) done: bool,
    /// Whether it is asked, and by when.
    pub(crate) note: String,
    /// Where on the page the step is.
    pub(crate) anchor: &'static str,
}

#[derive(Default)]
pub(crate) struct ViewForm {
    pub(crate) answer: String,
    pub(crate) answer_error: String,
    pub(crate) text: String,
    pub(crate) text_error: String,
    pub(crate) file_error: String,
}

#[derive(Default)]
pub(crate) struct SignForm {
    pub(crate) value: String,
    pub(crate) hint: String,
    pub(crate) error: String,
}

pub(crate) struct DecisionLines {
    pub(crate) id: i64,
    pub(crate) facts: Vec<(String, String)>,
    pub(crate) letter: bool,
    pub(crate) bezwaar: Vec<String>,
    pub(crate) beslissingen: Vec<BeslissingLines>,
}

/// A beslissing op bezwaar as the tracker shows it.
pub(crate) struct BeslissingLines {
    pub(crate) id: i64,
    pub(crate) lines: Vec<String>,
    pub(crate) letter: bool,
}

#[derive(Template)]
#[template(path = "ouders/tracker/tracker.html")]
pub(crate) struct TrackerView {
    pub(crate) layout: AppLayout,
    pub(crate) t: &'static PortalTexts,
    pub(crate) back: String,
    pub(crate) id: i64,
    pub(crate) pupil_id: i64,
    pub(crate) kind: String,
    pub(crate) child: String,
    pub(crate) school: String,
    pub(crate) errors: Vec<(String, String)>,
    pub(crate) steps: Vec<StepLine>,
    pub(crate) now_text: String,
    pub(crate) next_text: String,
    pub(crate) dates: Vec<(String, String)>,
    pub(crate) contact: String,
    pub(crate) share: Option<ShareView>,
    pub(crate) view_form: ViewForm,
    pub(crate) sign_form: SignForm,
    pub(crate) meetings: Vec<String>,
    pub(crate) decision: Option<DecisionLines>,
    pub(crate) documents: Vec<ParentDocLine>,
    /// A document waits for this parent's consent.
    pub(crate) consent_open: bool,
    pub(crate) timeline: Vec<TimelineLine>,
}

pub(crate) fn now_and_next(
    t: &PortalTexts,
    kind: RequestKind,
    status: Status,
    suspended: bool,
    waiting_for_view: bool,
) -> (String, String) {
    let (now, next) = match status {
        Status::Concept if waiting_for_view => (t.now_concept_view, t.next_concept),
        Status::Concept => (t.now_concept, t.next_concept),
        Status::Ingediend => (t.now_submitted, t.next_submitted),
        Status::InBehandeling | Status::AdviesGevraagd if suspended => {
            (t.now_waiting, t.next_waiting)
        }
        Status::InBehandeling if kind.is_tlv() => (t.now_treatment, t.next_treatment_tlv),
        Status::InBehandeling => (t.now_treatment, t.next_treatment),
        Status::AdviesGevraagd if kind.is_tlv() => (t.now_advice, t.next_advice),
        Status::AdviesGevraagd => (t.now_treatment, t.next_treatment),
        Status::Toegekend => (t.now_granted, t.next_decided),
        Status::Afgewezen => (t.now_refused, t.next_decided),
        Status::Ingetrokken => (t.now_withdrawn, t.next_withdrawn),
    };
    (now.to_owned(), next.to_owned())
}

pub(crate) async fn tracker_view(
    state: &AppState,
    visitor: &Visitor,
    p: &Principal,
    t: &'static PortalTexts,
    r: &Request,
    pupil: &Pupil,
) -> AppResult<TrackerView> {
    let kind = RequestKind::from_code(&r.kind)
        .ok_or_else(|| AppError::Internal(format!("unknown kind {}", r.kind)))?;
    let status = Status::from_code(&r.status)
        .ok_or_else(|| AppError::Internal(format!("unknown status {}", r.status)))?;
    let responses = portal::responses_of_pupil(&state.db, pupil.id).await?;
    let latest = portal::shares_of(&state.db, r.id).await?.into_iter().next();
    let my_view = latest.as_ref().is_some_and(|s| {
        responses.iter().any(|x| {
            x.request_share_id == Some(s.id) && x.user_id == p.user_id && x.kind == "zienswijze"
        })
    });
    let waiting_for_view = latest.is_some() && !my_view && rules::may_respond(status);
    let steps = shape::step_lines(t, kind, status);
    let (now_text, mut next_text) = now_and_next(t, kind, status, r.suspended, waiting_for_view);
    if my_view && status == Status::Concept {
        next_text = t.next_concept_given.to_owned();
    }
    let decision_row = cw::decision_of(&state.db, p.tenant_id, r.id).await?;
    let mut dates = Vec::new();
    if let Some(s) = &latest
        && status == Status::Concept
    {
        let mut v = day(t, s.respond_by);
        if s.respond_by < today() {
            v.push_str(&format!(" ({})", t.date_passed));
        }
        dates.push((t.date_view_by.to_owned(), v));
    }
    if let Some(d) = r.received_on {
        dates.push((t.date_received.to_owned(), day(t, d)));
    }
    if let Some(d) = r.decision_due
        && !status.is_final()
    {
        let mut v = day(t, d);
        if r.suspended {
            v.push_str(&format!(" ({})", t.date_suspended));
        }
        dates.push((t.date_due.to_owned(), v));
    }
    let mut decision = None;
    if let Some(d) = &decision_row {
        let (bezwaren, bobs) = if kind.is_tlv() {
            let bobs = passend_store::bezwaar::beslissingen(&state.db, d.id).await?;
            (cw::bezwaren(&state.db, d.id).await?, bobs)
        } else {
            (Vec::new(), Vec::new())
        };
        let postal = crate::letters::postal_address(state).await?;
        let at = shape::Addresses {
            postal: &postal,
            contact_email: r.contact_email.as_deref(),
            rechtbank: &state.casework.rechtbank,
        };
        let decided = shape::decided(t, d, kind, bezwaren, bobs, &at, today());
        dates.extend(decided.dates);
        if let Some(next) = decided.next {
            next_text = next.to_owned();
        }
        decision = Some(decided.lines);
    }
    let contact = match (&r.contact_name, &r.contact_email) {
        (Some(n), Some(e)) => t.contact_named.replace("{name}", n).replace("{email}", e),
        _ => t.contact_none.replace("{school}", &r.location_name),
    };
    let share = latest.map(|s| shape::share_view(t, s, &responses, p.user_id, status, today()));
    let meetings = shape::meeting_lines(t, cw::meetings(&state.db, r.id).await?);
    let timeline = cw::timeline_for_parents(&state.db, r.id)
        .await?
        .into_iter()
        .map(|l| TimelineLine {
            when: stamp(t, l.occurred_at),
            who: l.actor_name,
            what: l.what,
        })
        .collect();
    let documents = parent_doc_lines(state, p, t, pupil.id, &responses).await?;
    Ok(TrackerView {
        layout: portal_layout(state, visitor, t, &kind_label(t, kind), ""),
        t,
        back: format!("/ouders/aanvragen/{}", r.id),
        id: r.id,
        pupil_id: pupil.id,
        kind: kind_label(t, kind),
        child: pupil.full_name(),
        school: r.location_name.clone(),
        errors: Vec::new(),
        steps,
        now_text,
        next_text,
        dates,
        contact,
        share,
        view_form: ViewForm::default(),
        sign_form: SignForm {
            hint: t.sign_hint.replace("{name}", &p.name),
            ..SignForm::default()
        },
        meetings,
        decision,
        consent_open: documents.iter().any(|d| d.can_consent),
        documents,
        timeline,
    })
}

pub(crate) async fn tracker(
    Parent {
        state,
        visitor,
        p,
        t,
    }: Parent,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let (r, pupil) = request_of_parent(&state, &visitor, &p, id).await?;
    record_read(&state, &visitor, "aanvraag", id, pupil.id, "read").await?;
    let mut view = tracker_view(&state, &visitor, &p, t, &r, &pupil).await?;
    view.layout.notice = notice_text(t, &q.gedaan);
    Ok(Html(view.render()?).into_response())
}

/// The latest snapshot of the request, if `share_id` is it and the parents may still respond.
pub(crate) async fn open_share(
    state: &AppState,
    r: &Request,
    share_id: Option<i64>,
) -> AppResult<portal::ShareRow> {
    let latest = portal::shares_of(&state.db, r.id).await?.into_iter().next();
    let status = Status::from_code(&r.status).unwrap_or(Status::Ingetrokken);
    match latest {
        Some(s) if Some(s.id) == share_id && rules::may_respond(status) => Ok(s),
        _ => Err(AppError::NotFound),
    }
}

/// After a response on the tracker: back to it, or (when the school moved on meanwhile) the
/// tracker with the news.
pub(crate) fn to_tracker(id: i64, done: &str) -> Response {
    Redirect::to(&format!("/ouders/aanvragen/{id}?gedaan={done}")).into_response()
}

/// A parent's plain answer to the shared version: read or signed.
pub(crate) struct Answer<'a> {
    pub(crate) kind: ResponseKind,
    pub(crate) answer: &'a str,
    pub(crate) what: String,
    pub(crate) done: &'static str,
}

/// Records the answer and goes back to the tracker: `done` when it was recorded, "verouderd"
/// when the school moved on meanwhile.
pub(crate) async fn answer_share(
    state: &AppState,
    who: &passend_store::casework::Actor<'_>,
    r: &Request,
    pupil_id: i64,
    share: &passend_store::portal::ShareRow,
    a: Answer<'_>,
) -> AppResult<Response> {
    let response = NewResponse {
        pupil_id,
        request_id: Some(r.id),
        kind: a.kind,
        concerns: Concerns::Share(share.id),
        answer: a.answer,
        text: "",
        attachment: None,
        what: &a.what,
        notices: &[],
    };
    let recorded = portal::respond(&state.db, who, &response).await?;
    let done = if recorded.is_some() {
        a.done
    } else {
        "verouderd"
    };
    Ok(to_tracker(r.id, done))
}

pub(crate) async fn mark_read(
    Parent {
        state, visitor, p, ..
    }: Parent,
    Path(id): Path<i64>,
    FormBody { fields: f, .. }: FormBody,
) -> AppResult<Response> {
    let (r, pupil) = request_of_parent(&state, &visitor, &p, id).await?;
    let Ok(share) = open_share(&state, &r, val(&f, "deel").parse().ok()).await else {
        return Ok(to_tracker(id, "verouderd"));
    };
    let what = format!(
        "Ouder heeft de gedeelde aanvraag gelezen (versie {})",
        share.request_version
    );
    let answer = Answer {
        kind: ResponseKind::Gelezen,
        answer: "",
        what,
        done: "gelezen",
    };
    answer_share(&state, &actor(&p, &visitor), &r, pupil.id, &share, answer).await
}

pub(crate) async fn give_view(
    Parent {
        state,
        visitor,
        p,
        t,
    }: Parent,
    Path(id): Path<i64>,
    multipart: Multipart,
) -> AppResult<Response> {
    let (r, pupil) = request_of_parent(&state, &visitor, &p, id).await?;
    let up = read_upload(multipart).await?;
    let Ok(share) = open_share(&state, &r, val(&up.fields, "deel").parse().ok()).await else {
        return Ok(to_tracker(id, "verouderd"));
    };
    let answer = val(&up.fields, "mening");
    let text = val(&up.fields, "tekst");
    let has_file = !up.bytes.is_empty() || !up.file_name.is_empty();
    let mut form = ViewForm {
        answer: answer.clone(),
        text: text.clone(),
        ..ViewForm::default()
    };
    let file_type = if has_file {
        match sniff(&up.bytes) {
            Ok(ft) => Some(ft),
            Err(problem) => {
                form.file_error = match t.language() {
                    Lang::Nl => problem.message_nl().to_owned(),
                    Lang::En => t.err_file.to_owned(),
                };
                None
            }
        }
    } else {
        None
    };
    if !matches!(answer.as_str(), "eens" | "oneens") {
        form.answer_error = t.err_view_choose.to_owned();
    }
    if text.chars().count() > 8000 {
        form.text_error = t.err_text_long.to_owned();
    } else if text.trim().is_empty() && !has_file {
        form.text_error = t.err_view_words.to_owned();
    }
    if !form.answer_error.is_empty() || !form.text_error.is_empty() || !form.file_error.is_empty() {
        let mut view = tracker_view(&state, &visitor, &p, t, &r, &pupil).await?;
        for (id, e) in [
            ("mening", &form.answer_error),
            ("tekst", &form.text_error),
            ("bestand", &form.file_error),
        ] {
            if !e.is_empty() {
                view.errors.push((id.to_owned(), e.clone()));
            }
        }
        view.view_form = form;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(view.render()?)).into_response());
    }
    let stored = match file_type {
        Some(ft) => Some(store_file(&state, &up.file_name, up.bytes, ft).await?),
        None => None,
    };
    let what = if answer == "eens" {
        format!(
            "Zienswijze van een ouder: eens met de aanvraag (versie {})",
            share.request_version
        )
    } else {
        format!(
            "Zienswijze van een ouder: niet eens met de aanvraag (versie {})",
            share.request_version
        )
    };
    let notices = school_notices(
        &state,
        p.tenant_id,
        &pupil,
        &format!("zienswijze-{}-{}", share.id, p.user_id),
        "Een ouder heeft een zienswijze gegeven op een aanvraag die u deelde.",
    )
    .await?;
    let attachment_title = format!("Zienswijze van {}", p.name);
    let recorded = portal::respond(
        &state.db,
        &actor(&p, &visitor),
        &NewResponse {
            pupil_id: pupil.id,
            request_id: Some(r.id),
            kind: ResponseKind::Zienswijze,
            concerns: Concerns::Share(share.id),
            answer: &answer,
            text: &text,
            attachment: stored.as_ref().map(|s| {
                (
                    s,
                    DocumentKind::Zienswijze.code(),
                    attachment_title.as_str(),
                )
            }),
            what: &what,
            notices: &notices,
        },
    )
    .await;
    match recorded {
        Ok(Some(_)) => Ok(to_tracker(id, "zienswijze")),
        other => {
            if let Some(f) = &stored {
                discard(&state, &f.storage_key).await;
            }
            other?;
            Ok(to_tracker(id, "verouderd"))
        }
    }
}

pub(crate) async fn sign(
    Parent {
        state,
        visitor,
        p,
        t,
    }: Parent,
    Path(id): Path<i64>,
    FormBody { fields: f, .. }: FormBody,
) -> AppResult<Response> {
    let (r, pupil) = request_of_parent(&state, &visitor, &p, id).await?;
    let Ok(share) = open_share(&state, &r, val(&f, "deel").parse().ok()).await else {
        return Ok(to_tracker(id, "verouderd"));
    };
    let already = portal::responses_of_pupil(&state.db, pupil.id)
        .await?
        .iter()
        .any(|x| {
            x.request_share_id == Some(share.id)
                && x.user_id == p.user_id
                && x.kind == "ondertekening"
        });
    if already {
        return Ok(to_tracker(id, "ondertekend"));
    }
    let typed = val(&f, "naam");
    if !rules::signature_matches(&typed, &p.name) {
        let mut view = tracker_view(&state, &visitor, &p, t, &r, &pupil).await?;
        let message = t.err_sign.replace("{name}", &p.name);
        view.errors.push(("naam".to_owned(), message.clone()));
        view.sign_form.value = typed;
        view.sign_form.error = message;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(view.render()?)).into_response());
    }
    let what = format!(
        "Ouder heeft de aanvraag ondertekend (versie {})",
        share.request_version
    );
    let answer = Answer {
        kind: ResponseKind::Ondertekening,
        answer: &typed,
        what,
        done: "ondertekend",
    };
    answer_share(&state, &actor(&p, &visitor), &r, pupil.id, &share, answer).await
}

pub(crate) async fn parent_letter(
    Parent {
        state, visitor, p, ..
    }: Parent,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let object = id.to_string();
    let Some(d) = cw::decision(&state.db, p.tenant_id, id).await? else {
        return Err(refuse(&state, &visitor, "besluit", &object).await);
    };
    let (_, pupil) = request_of_parent(&state, &visitor, &p, d.request_id).await?;
    if !RequestKind::from_code(&d.kind).is_some_and(RequestKind::is_tlv) {
        return Err(refuse(&state, &visitor, "besluit", &object).await);
    }
    // Parents read the letter once it was sent: until then it is a concept of the
    // samenwerkingsverband.
    if d.sent_on.is_none() {
        return Err(refuse(&state, &visitor, "besluit", &object).await);
    }
    crate::letters::letter_download(&state, &visitor, p.tenant_id, &d, pupil.id).await
}

pub(crate) async fn parent_beslissing_letter(
    Parent {
        state, visitor, p, ..
    }: Parent,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let object = id.to_string();
    let found = passend_store::bezwaar::beslissing(&state.db, p.tenant_id, id).await?;
    let Some(bob) = found.filter(|b| b.sent_on.is_some()) else {
        return Err(refuse(&state, &visitor, "beslissing-op-bezwaar", &object).await);
    };
    let (_, pupil) = request_of_parent(&state, &visitor, &p, bob.request_id).await?;
    crate::letters::bob_letter_download(&state, &visitor, p.tenant_id, &bob, pupil.id).await
}
