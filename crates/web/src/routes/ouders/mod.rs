//! The parents' portal, and the staff actions that feed it.
//!
//! Parents (role `ouder`) see only the children they were linked to by the school or the
//! samenwerkingsverband, through a parent row that still has gezag. For each child: the requests
//! that were submitted or shared with them, as a tracker (the step in plain words, what comes
//! next, key dates, the named contact, the timeline), the document versions shared with them and
//! their own uploads, who has access and who looked (from the audit trail). They read, give
//! their zienswijze, consent and sign, each tied to the exact version it concerns.
//!
//! Staff (school, toeleider) invite a parent per parent row, end their access, share a concept
//! request as a snapshot with a date for the zienswijze, and share document versions (asking
//! consent for the handelingsdeel of the OPP).
//!
//! Every text parents read is in Dutch and English ([`crate::texts::portal`]); the timeline keeps
//! the words it was written in.

mod child;
mod home;
mod tracker;

pub(crate) use child::*;
pub(crate) use home::*;
pub(crate) use tracker::*;

use crate::AppState;
use crate::app::Routes;
use crate::auth::{Principal, Visitor};
use crate::error::{AppError, AppResult};
use crate::files::size_label;
use crate::layout::{AppLayout, layout, nav_items};
use crate::texts::portal::{PortalTexts, day, texts};
use chrono::{DateTime, Utc};
use passend_domain::Lang;
use passend_domain::documents::DocumentKind;
use passend_domain::portal::{self as rules, Step, StepState};
use passend_domain::tlv::{RequestKind, Status};
use passend_store::casework::{self as cw, Pupil, Request};
use passend_store::portal::{self as portal};

/// The routes of this area.
pub(crate) fn router() -> Routes {
    Routes::new()
        .get("/ouders", home)
        .post("/ouders/taal", set_language)
        .get("/ouders/kinderen/{id}", child_page)
        .post("/ouders/kinderen/{id}/documenten", parent_upload)
        .get("/ouders/aanvragen/{id}", tracker)
        .post("/ouders/aanvragen/{id}/gelezen", mark_read)
        .post("/ouders/aanvragen/{id}/zienswijze", give_view)
        .post("/ouders/aanvragen/{id}/ondertekenen", sign)
        .get("/ouders/documenten/{id}", parent_download)
        .post("/ouders/documenten/{id}/toestemming", consent)
        .get("/ouders/besluiten/{id}/brief.pdf", parent_letter)
        .get(
            "/ouders/beslissingen/{id}/brief.pdf",
            parent_beslissing_letter,
        )
}

/// A moment in the parent's language, Dutch time: "2 maart 2026, 14:30".
pub(crate) fn stamp(t: &PortalTexts, at: DateTime<Utc>) -> String {
    let local = passend_domain::time::to_local(at);
    format!("{}, {}", day(t, local.date()), local.format("%H:%M"))
}

/// The signed-in parent and the texts in their language.
pub(crate) async fn parent(
    state: &AppState,
    visitor: &Visitor,
) -> AppResult<(Principal, &'static PortalTexts)> {
    let p = visitor.signed_in()?.clone();
    let lang = portal::language(&state.db, p.user_id).await?;
    Ok((p, texts(Lang::from_code(&lang).unwrap_or(Lang::Nl))))
}

/// One line of what happened, as the portal shows it: when, by whom, what.
pub(crate) struct TimelineLine {
    pub(crate) when: String,
    pub(crate) who: String,
    pub(crate) what: String,
}

/// A signed-in parent with the portal's texts in their own language: what every portal handler
/// starts from.
pub(crate) struct Parent {
    pub(crate) state: AppState,
    pub(crate) visitor: Visitor,
    pub(crate) p: Principal,
    pub(crate) t: &'static PortalTexts,
}

impl axum::extract::FromRequestParts<AppState> for Parent {
    type Rejection = crate::error::AppError;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> AppResult<Self> {
        let visitor = Visitor::from_request_parts(parts, state).await?;
        let (p, t) = parent(state, &visitor).await?;
        Ok(Parent {
            state: state.clone(),
            visitor,
            p,
            t,
        })
    }
}

/// The portal's layout: the parent's menu and name.
pub(crate) fn portal_layout(
    state: &AppState,
    visitor: &Visitor,
    t: &'static PortalTexts,
    title: &str,
    current: &str,
) -> AppLayout {
    let mut l = layout(state, visitor, title, current);
    l.nav = nav_items(
        &[("/ouders", t.nav_children), ("/account", t.nav_account)],
        current,
    );
    l.user = visitor.principal.as_ref().map(|p| p.name.clone());
    l
}

/// Refuses as "not found" and records the refusal.
pub(crate) async fn refuse(
    state: &AppState,
    visitor: &Visitor,
    object_type: &str,
    id: &str,
) -> AppError {
    crate::access::refused(state, visitor, object_type, id, "no parent link").await
}

/// The child, if this parent has access to it.
pub(crate) async fn child_for(
    state: &AppState,
    visitor: &Visitor,
    p: &Principal,
    pupil_id: i64,
) -> AppResult<Pupil> {
    if portal::is_parent_of(&state.db, p.tenant_id, p.user_id, pupil_id).await?
        && let Some(pupil) = cw::pupil(&state.db, p.tenant_id, pupil_id).await?
    {
        return Ok(pupil);
    }
    Err(refuse(state, visitor, "leerling", &pupil_id.to_string()).await)
}

/// The request, if this parent may follow it: their child's, and submitted or shared with them.
pub(crate) async fn request_of_parent(
    state: &AppState,
    visitor: &Visitor,
    p: &Principal,
    request_id: i64,
) -> AppResult<(Request, Pupil)> {
    if let Some(r) = cw::request(&state.db, p.tenant_id, request_id).await?
        && portal::is_parent_of(&state.db, p.tenant_id, p.user_id, r.pupil_id).await?
        && (r.submitted_at.is_some()
            || portal::shared_request_ids(&state.db, r.pupil_id)
                .await?
                .contains(&r.id))
        && let Some(pupil) = cw::pupil(&state.db, p.tenant_id, r.pupil_id).await?
    {
        return Ok((r, pupil));
    }
    Err(refuse(state, visitor, "aanvraag", &request_id.to_string()).await)
}

/// What kind of request, in the parent's words.
pub(crate) fn kind_label(t: &PortalTexts, kind: RequestKind) -> String {
    use passend_domain::tlv::{Category, Placement};
    let cat = |c: Category| match c {
        Category::Laag => t.cat_low,
        Category::Midden => t.cat_mid,
        Category::Hoog => t.cat_high,
    };
    match kind {
        RequestKind::Advies => t.kind_advice.to_owned(),
        RequestKind::Arrangement => t.kind_arrangement.to_owned(),
        RequestKind::TlvSbo => t.kind_tlv_sbo.to_owned(),
        RequestKind::TlvSo(c) => format!("{} ({})", t.kind_tlv_so, cat(c)),
        RequestKind::TlvVerlenging(Placement::Sbo) => t.kind_ext_sbo.to_owned(),
        RequestKind::TlvVerlenging(Placement::So(c)) => format!("{} ({})", t.kind_ext_so, cat(c)),
    }
}

pub(crate) fn step_label(t: &PortalTexts, s: Step) -> &'static str {
    match s {
        Step::Preparation => t.step_preparation,
        Step::Submitted => t.step_submitted,
        Step::InTreatment => t.step_treatment,
        Step::Advice => t.step_advice,
        Step::Decision => t.step_decision,
    }
}

/// The current step in one line, for lists.
pub(crate) fn status_line(t: &PortalTexts, kind: RequestKind, status: Status) -> String {
    match status {
        Status::Ingetrokken => t.status_withdrawn.to_owned(),
        Status::Toegekend => t.status_granted.to_owned(),
        Status::Afgewezen => t.status_refused.to_owned(),
        other => rules::progress(kind, other)
            .into_iter()
            .find(|(_, s)| *s == StepState::Current)
            .map(|(s, _)| step_label(t, s).to_owned())
            .unwrap_or_default(),
    }
}

pub(crate) struct RequestCard {
    pub(crate) id: i64,
    pub(crate) kind: String,
    pub(crate) step: String,
    pub(crate) action: String,
}

/// The requests of a child this parent may follow, newest first, with what asks for them.
pub(crate) async fn request_cards(
    state: &AppState,
    p: &Principal,
    t: &PortalTexts,
    pupil_id: i64,
    responses: &[portal::ResponseRow],
) -> AppResult<Vec<RequestCard>> {
    let shared = portal::shared_request_ids(&state.db, pupil_id).await?;
    let mut cards = Vec::new();
    for r in cw::requests_of_pupil(&state.db, p.tenant_id, pupil_id).await? {
        if r.submitted_at.is_none() && !shared.contains(&r.id) {
            continue;
        }
        let (Some(kind), Some(status)) = (
            RequestKind::from_code(&r.kind),
            Status::from_code(&r.status),
        ) else {
            continue;
        };
        let mut action = String::new();
        if rules::may_respond(status) {
            let latest = portal::shares_of(&state.db, r.id).await?.into_iter().next();
            if let Some(s) = latest
                && !responses.iter().any(|x| {
                    x.request_share_id == Some(s.id)
                        && x.user_id == p.user_id
                        && x.kind == "zienswijze"
                })
            {
                action = t.view_asked.replace("{date}", &day(t, s.respond_by));
            }
        }
        cards.push(RequestCard {
            id: r.id,
            kind: kind_label(t, kind),
            step: status_line(t, kind, status),
            action,
        });
    }
    Ok(cards)
}

/// A document line in the portal.
pub(crate) struct ParentDocLine {
    pub(crate) version_id: i64,
    pub(crate) title: String,
    pub(crate) kind: &'static str,
    pub(crate) version: i64,
    pub(crate) size: String,
    pub(crate) since: String,
    pub(crate) own: bool,
    pub(crate) consents: Vec<String>,
    pub(crate) can_consent: bool,
    pub(crate) error: String,
    pub(crate) note: String,
}

pub(crate) fn doc_kind_label(t: &PortalTexts, code: &str) -> &'static str {
    match DocumentKind::from_code(code) {
        Some(DocumentKind::Groeidocument) => t.doc_groeidocument,
        Some(DocumentKind::Opp) => t.doc_opp,
        Some(DocumentKind::Verslag) => t.doc_report,
        Some(DocumentKind::TloVerslag) => t.doc_tlo,
        Some(DocumentKind::Zienswijze) => t.doc_view,
        _ if code == "advies" => t.doc_advice,
        _ => t.doc_other,
    }
}

pub(crate) async fn parent_doc_lines(
    state: &AppState,
    p: &Principal,
    t: &PortalTexts,
    pupil_id: i64,
    responses: &[portal::ResponseRow],
) -> AppResult<Vec<ParentDocLine>> {
    let rows = portal::parent_documents(&state.db, p.tenant_id, p.user_id, pupil_id).await?;
    Ok(rows
        .into_iter()
        .map(|d| {
            let mine = |r: &&portal::ResponseRow| {
                r.document_version_id == Some(d.version_id) && r.kind == "toestemming"
            };
            let consents: Vec<String> = responses
                .iter()
                .filter(mine)
                .map(|r| {
                    let text = if r.answer == "gegeven" {
                        t.consent_given_by
                    } else {
                        t.consent_refused_by
                    };
                    text.replace("{name}", &r.user_name)
                        .replace("{date}", &stamp(t, r.responded_at))
                })
                .collect();
            let answered = responses
                .iter()
                .filter(mine)
                .any(|r| r.user_id == p.user_id);
            ParentDocLine {
                version_id: d.version_id,
                title: d.title,
                kind: doc_kind_label(t, &d.kind),
                version: d.version,
                size: size_label(d.size_bytes),
                since: stamp(t, d.since),
                own: d.own,
                consents,
                can_consent: d.consent_asked && !answered,
                error: String::new(),
                note: String::new(),
            }
        })
        .collect())
}
