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
//! Every text parents read is in Dutch and English ([`crate::portal_texts`]); the timeline keeps
//! the words it was written in.

use crate::AppState;
use crate::access::{Relation, actor, pupil_for, record_read, request_for};
use crate::app::Routes;
use crate::auth::{Principal, Visitor, random_token};
use crate::dates::today;
use crate::error::{AppError, AppResult};
use crate::files::{attachment, read_upload, size_label, store_file};
use crate::forms::{Opt, form, val};
use crate::layout::{AppLayout, layout};
use crate::letters::letter_bytes;
use crate::notices::{ParentNews, parent_notices};
use crate::portal_texts::{PortalTexts, day, portal_mail, texts};
use crate::views::NavItem;
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use passend_domain::Lang;
use passend_domain::accounts::{Role, TokenPurpose, token_hash, valid_email};
use passend_domain::documents::{DocumentKind, sniff};
use passend_domain::portal::{self as rules, Step, StepState};
use passend_domain::tlv::{self, RequestKind, Status};
use passend_store::accounts::{self as accounts, AccountError, NewToken};
use passend_store::audit::Outcome;
use passend_store::casework::{self as cw, Notice, Pupil, Request};
use passend_store::outbox::NewMail;
use passend_store::portal::{self as portal, Concerns, NewResponse, ParentAccount, ResponseKind};
use serde::Deserialize;

/// The routes of this area.
pub fn router() -> Routes {
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
        .post(
            "/leerlingen/{id}/ouders/{position}/uitnodigen",
            invite_parent,
        )
        .post(
            "/leerlingen/{id}/ouders/{position}/intrekken",
            revoke_parent,
        )
        .post("/aanvragen/{id}/delen", share_request)
        .post("/documenten/{id}/delen", share_document)
}

// ---------------------------------------------------------------------------------------------
// Shared

/// A moment in the parent's language, Dutch time: "2 maart 2026, 14:30".
fn stamp(t: &PortalTexts, at: DateTime<Utc>) -> String {
    let local = passend_domain::time::to_local(at);
    format!("{}, {}", day(t, local.date()), local.format("%H:%M"))
}

/// The signed-in parent and the texts in their language.
async fn parent(
    state: &AppState,
    visitor: &Visitor,
) -> AppResult<(Principal, &'static PortalTexts)> {
    let p = visitor.signed_in()?.clone();
    let lang = portal::language(&state.db, p.user_id).await?;
    Ok((p, texts(Lang::from_code(&lang).unwrap_or(Lang::Nl))))
}

/// The portal's layout: the parent's menu and name.
fn portal_layout(
    state: &AppState,
    visitor: &Visitor,
    t: &'static PortalTexts,
    title: &str,
    current: &str,
) -> AppLayout {
    let mut l = layout(state, visitor, title, current);
    l.nav = [("/ouders", t.nav_children), ("/account", t.nav_account)]
        .into_iter()
        .map(|(href, label)| NavItem {
            href: href.to_owned(),
            label: label.to_owned(),
            current: href == current,
        })
        .collect();
    l.user = visitor.principal.as_ref().map(|p| p.name.clone());
    l
}

/// Refuses as "not found" and records the refusal.
async fn refuse(state: &AppState, visitor: &Visitor, object_type: &str, id: &str) -> AppError {
    let event = visitor.event("read", object_type, id, Outcome::Denied, "no parent link");
    match passend_store::audit::append(&state.db, &event).await {
        Ok(_) => AppError::NotFound,
        Err(e) => e.into(),
    }
}

/// The child, if this parent has access to it.
async fn child_for(
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
async fn request_of_parent(
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
fn kind_label(t: &PortalTexts, kind: RequestKind) -> String {
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

fn step_label(t: &PortalTexts, s: Step) -> &'static str {
    match s {
        Step::Preparation => t.step_preparation,
        Step::Submitted => t.step_submitted,
        Step::InTreatment => t.step_treatment,
        Step::Advice => t.step_advice,
        Step::Decision => t.step_decision,
    }
}

/// The current step in one line, for lists.
fn status_line(t: &PortalTexts, kind: RequestKind, status: Status) -> String {
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

struct RequestCard {
    id: i64,
    kind: String,
    step: String,
    action: String,
}

/// The requests of a child this parent may follow, newest first, with what asks for them.
async fn request_cards(
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
struct ParentDocLine {
    version_id: i64,
    title: String,
    kind: &'static str,
    version: i64,
    size: String,
    since: String,
    own: bool,
    consents: Vec<String>,
    can_consent: bool,
    error: String,
    note: String,
}

fn doc_kind_label(t: &PortalTexts, code: &str) -> &'static str {
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

async fn parent_doc_lines(
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

// ---------------------------------------------------------------------------------------------
// Home

#[derive(Deserialize, Default)]
struct NoticeQuery {
    #[serde(default)]
    gedaan: String,
}

struct ChildCard {
    id: i64,
    name: String,
    school: String,
    requests: Vec<RequestCard>,
    consent_open: bool,
}

#[derive(Template)]
#[template(path = "ouders/home.html")]
struct HomeView {
    layout: AppLayout,
    t: &'static PortalTexts,
    back: String,
    children: Vec<ChildCard>,
}

async fn home(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let (p, t) = parent(&state, &visitor).await?;
    let children = portal::children_of(&state.db, p.tenant_id, p.user_id).await?;
    let mut cards = Vec::new();
    for c in &children {
        let responses = portal::responses_of_pupil(&state.db, c.id).await?;
        cards.push(ChildCard {
            id: c.id,
            name: format!("{} {}", c.given_name, c.family_name),
            school: c.location_name.clone(),
            requests: request_cards(&state, &p, t, c.id, &responses).await?,
            consent_open: consent_open(&state, &p, c.id, &responses).await?,
        });
    }
    crate::access::record_list(
        &state,
        &visitor,
        "read",
        "ouderportaal",
        children.iter().map(|c| c.id),
    )
    .await?;
    let mut layout = portal_layout(&state, &visitor, t, t.home_title, "/ouders");
    layout.notice = notice_text(t, &q.gedaan);
    let view = HomeView {
        layout,
        t,
        back: "/ouders".to_owned(),
        children: cards,
    };
    Ok(Html(view.render()?).into_response())
}

/// Whether the school asks this parent's consent for a document they have not answered yet.
async fn consent_open(
    state: &AppState,
    p: &Principal,
    pupil_id: i64,
    responses: &[portal::ResponseRow],
) -> AppResult<bool> {
    Ok(
        portal::parent_documents(&state.db, p.tenant_id, p.user_id, pupil_id)
            .await?
            .iter()
            .any(|d| {
                d.consent_asked
                    && !responses.iter().any(|r| {
                        r.document_version_id == Some(d.version_id)
                            && r.user_id == p.user_id
                            && r.kind == "toestemming"
                    })
            }),
    )
}

fn notice_text(t: &PortalTexts, done: &str) -> Option<String> {
    let s = match done {
        "taal" => t.done_language,
        "gelezen" => t.done_read,
        "zienswijze" => t.done_view,
        "ondertekend" => t.done_signed,
        "toestemming" => t.done_consent,
        "document" => t.done_document,
        "verouderd" => t.done_stale,
        _ => return None,
    };
    Some(s.to_owned())
}

async fn set_language(
    State(state): State<AppState>,
    visitor: Visitor,
    body: String,
) -> AppResult<Response> {
    let p = visitor.signed_in()?;
    let f = form(&body);
    let lang = Lang::from_code(&val(&f, "taal")).unwrap_or(Lang::Nl);
    let object = p.user_id.to_string();
    let event = visitor.event("update", "gebruiker", &object, Outcome::Success, "taal");
    portal::set_language(&state.db, &event, p.user_id, lang.code()).await?;
    // Back to the page the switch was on (only portal pages).
    let back = val(&f, "terug");
    let plain = back
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '-'));
    let target = if plain && back.starts_with("/ouders") && !back.contains("//") {
        format!("{back}?gedaan=taal")
    } else {
        "/ouders?gedaan=taal".to_owned()
    };
    Ok(Redirect::to(&target).into_response())
}

// ---------------------------------------------------------------------------------------------
// A child

struct LogLine {
    when: String,
    who: String,
    what: String,
}

#[derive(Template)]
#[template(path = "ouders/child.html")]
struct ChildView {
    layout: AppLayout,
    t: &'static PortalTexts,
    back: String,
    id: i64,
    name: String,
    school: String,
    errors: Vec<(String, String)>,
    requests: Vec<RequestCard>,
    documents: Vec<ParentDocLine>,
    upload_kinds: Vec<Opt>,
    title_value: String,
    title_error: String,
    file_error: String,
    access: Vec<(String, String)>,
    log: Vec<LogLine>,
    log_more: bool,
}

const LOG_LIMIT: i64 = 200;

fn role_label(t: &PortalTexts, code: &str) -> &'static str {
    match Role::from_code(code) {
        Some(Role::Ouder) => t.role_parent,
        Some(Role::Schoolmedewerker) => t.role_school,
        Some(Role::Toeleider) => t.role_toeleider,
        Some(Role::Deskundige) => t.role_expert,
        Some(Role::Beheerder) => t.role_admin,
        Some(Role::Ouderadviseur) => t.role_adviser,
        None => t.role_system,
    }
}

fn action_label(t: &PortalTexts, action: &str, object_type: &str, role: &str) -> String {
    match (action, object_type, role) {
        ("create", "ouderportaal", _) => return t.act_portal_given.to_owned(),
        ("delete", "ouderportaal", _) => return t.act_portal_ended.to_owned(),
        ("create", "aanvraag" | "ouderreactie", "ouder") => {
            return t.act_parent_response.to_owned();
        }
        _ => {}
    }
    let what = match object_type {
        "leerling" => t.obj_pupil,
        "aanvraag" => t.obj_request,
        "document" => t.obj_document,
        "besluit" => t.obj_decision,
        "advies" => t.obj_advice,
        "ouderportaal" => t.obj_portal,
        "ouderreactie" => t.obj_response,
        _ => t.obj_other,
    };
    let verb = match action {
        "read" | "search" => t.act_read,
        "download" | "export" => t.act_download,
        "create" => t.act_create,
        "update" => t.act_update,
        "delete" => t.act_delete,
        _ => t.act_other,
    };
    format!("{verb}: {what}")
}

/// Who can see a child's data now: per group, the names.
async fn access_list(
    state: &AppState,
    p: &Principal,
    t: &PortalTexts,
    pupil: &Pupil,
) -> AppResult<Vec<(String, String)>> {
    let names = |v: Vec<String>| {
        if v.is_empty() {
            t.nobody.to_owned()
        } else {
            v.join(", ")
        }
    };
    let mut out = Vec::new();
    let parents: Vec<String> = portal::links_of_pupil(&state.db, pupil.id)
        .await?
        .into_iter()
        .map(|l| l.name)
        .collect();
    out.push((t.access_parents.to_owned(), names(parents)));
    let school: Vec<String> = cw::staff_at(&state.db, p.tenant_id, pupil.location_id)
        .await?
        .into_iter()
        .map(|(_, n, _)| n)
        .collect();
    out.push((
        t.access_school.replace("{school}", &pupil.location_name),
        names(school),
    ));
    if cw::ever_submitted(&state.db, pupil.id).await? {
        let swv: Vec<String> = cw::staff_of_role(&state.db, p.tenant_id, Role::Toeleider.code())
            .await?
            .into_iter()
            .map(|(_, n, _)| n)
            .collect();
        out.push((t.access_swv.to_owned(), names(swv)));
    } else {
        out.push((t.access_swv.to_owned(), t.access_swv_not_yet.to_owned()));
    }
    let experts: Vec<String> = portal::experts_of_pupil(&state.db, pupil.id)
        .await?
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    if !experts.is_empty() {
        out.push((t.access_experts.to_owned(), names(experts)));
    }
    for loc in portal::receiving_locations(&state.db, pupil.id).await? {
        let staff = cw::staff_at(&state.db, p.tenant_id, loc).await?;
        let school_name = portal::location_name(&state.db, loc)
            .await?
            .unwrap_or_default();
        out.push((
            t.access_receiving.replace("{school}", &school_name),
            names(staff.into_iter().map(|(_, n, _)| n).collect()),
        ));
    }
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
async fn child_view(
    state: &AppState,
    visitor: &Visitor,
    p: &Principal,
    t: &'static PortalTexts,
    pupil: &Pupil,
    kind: &str,
    title: (String, String),
    file_error: String,
) -> AppResult<ChildView> {
    let responses = portal::responses_of_pupil(&state.db, pupil.id).await?;
    let mut log_rows =
        portal::access_log(&state.db, p.tenant_id, pupil.id, p.user_id, LOG_LIMIT + 1).await?;
    let log_more = log_rows.len() > usize::try_from(LOG_LIMIT).unwrap_or(200);
    log_rows.truncate(usize::try_from(LOG_LIMIT).unwrap_or(200));
    let log = log_rows
        .into_iter()
        .map(|a| LogLine {
            when: stamp(t, a.occurred_at),
            who: match a.actor_name {
                Some(n) => format!("{n} ({})", role_label(t, &a.actor_role)),
                None => role_label(t, &a.actor_role).to_owned(),
            },
            what: action_label(t, &a.action, &a.object_type, &a.actor_role),
        })
        .collect();
    let mut errors = Vec::new();
    if !title.1.is_empty() {
        errors.push(("titel".to_owned(), title.1.clone()));
    }
    if !file_error.is_empty() {
        errors.push(("bestand".to_owned(), file_error.clone()));
    }
    let upload_kinds = [
        ("verslag", t.doc_report),
        ("zienswijze", t.doc_view),
        ("overig", t.doc_other),
    ]
    .into_iter()
    .map(|(v, l)| Opt {
        value: v.to_owned(),
        label: l.to_owned(),
        selected: v == kind,
    })
    .collect();
    Ok(ChildView {
        layout: portal_layout(state, visitor, t, &pupil.full_name(), ""),
        t,
        back: format!("/ouders/kinderen/{}", pupil.id),
        id: pupil.id,
        name: pupil.full_name(),
        school: pupil.location_name.clone(),
        errors,
        requests: request_cards(state, p, t, pupil.id, &responses).await?,
        documents: parent_doc_lines(state, p, t, pupil.id, &responses).await?,
        upload_kinds,
        title_value: title.0,
        title_error: title.1,
        file_error,
        access: access_list(state, p, t, pupil).await?,
        log,
        log_more,
    })
}

async fn child_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let (p, t) = parent(&state, &visitor).await?;
    let pupil = child_for(&state, &visitor, &p, id).await?;
    record_read(&state, &visitor, "leerling", &id.to_string(), id, "read").await?;
    let mut view = child_view(
        &state,
        &visitor,
        &p,
        t,
        &pupil,
        "verslag",
        (String::new(), String::new()),
        String::new(),
    )
    .await?;
    view.layout.notice = notice_text(t, &q.gedaan);
    Ok(Html(view.render()?).into_response())
}

/// Removes a stored file whose record was not written (nothing may point to it).
async fn discard(state: &AppState, key: &str) {
    if let Err(e) = state.casework.files.delete(key).await {
        tracing::warn!(error = %e, "an unrecorded file could not be removed");
    }
}

/// The school hears that parents added something (no pupil data, a link to the dossier).
async fn school_notices(
    state: &AppState,
    tenant: i64,
    pupil: &Pupil,
    key: &str,
    line: &str,
) -> AppResult<Vec<Notice>> {
    let link = format!(
        "Bekijk het dossier na het inloggen:\n{}/leerlingen/{}",
        state.base_url, pupil.id
    );
    Ok(cw::staff_at(&state.db, tenant, pupil.location_id)
        .await?
        .into_iter()
        .map(|(uid, _, email)| {
            crate::notices::notice(
                state,
                format!("{key}-school-{uid}"),
                &email,
                "Bericht van een ouder in het ouderportaal",
                &[line, &link],
            )
        })
        .collect())
}

async fn parent_upload(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    multipart: Multipart,
) -> AppResult<Response> {
    let (p, t) = parent(&state, &visitor).await?;
    let pupil = child_for(&state, &visitor, &p, id).await?;
    let up = read_upload(multipart).await?;
    let kind_code = val(&up.fields, "soort");
    let kind = match kind_code.as_str() {
        "verslag" => DocumentKind::Verslag,
        "zienswijze" => DocumentKind::Zienswijze,
        _ => DocumentKind::Overig,
    };
    let title = val(&up.fields, "titel");
    let title_error = if title.chars().count() > 150 {
        t.err_title_long.to_owned()
    } else {
        String::new()
    };
    let file = match sniff(&up.bytes) {
        Ok(ft) => Ok(ft),
        Err(problem) => Err(match t.language() {
            Lang::Nl => problem.message_nl().to_owned(),
            Lang::En => t.err_file.to_owned(),
        }),
    };
    let (Ok(file_type), true) = (&file, title_error.is_empty()) else {
        let view = child_view(
            &state,
            &visitor,
            &p,
            t,
            &pupil,
            kind.code(),
            (title, title_error),
            file.err().unwrap_or_default(),
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(view.render()?)).into_response());
    };
    let stored = store_file(&state, &up.file_name, up.bytes, *file_type).await?;
    let mail_key = format!("ouderdocument-{}-{}", pupil.id, random_token()?);
    let title = if title.is_empty() {
        doc_kind_label(texts(Lang::Nl), kind.code()).to_owned()
    } else {
        title
    };
    let notices = school_notices(
        &state,
        p.tenant_id,
        &pupil,
        &mail_key,
        "Een ouder heeft een document toegevoegd aan het dossier van een leerling van uw school.",
    )
    .await?;
    let once = crate::forms::once_token(&up.fields);
    let who = passend_store::casework::Actor {
        form_token: &once,
        ..actor(&p, &visitor)
    };
    let saved = cw::add_document_version(
        &state.db,
        &who,
        pupil.id,
        None,
        None,
        kind.code(),
        &title,
        &stored,
        &notices,
    )
    .await;
    if !matches!(saved, Ok(Some(_))) {
        discard(&state, &stored.storage_key).await;
        saved?;
        return Err(AppError::NotFound);
    }
    Ok(Redirect::to(&format!("/ouders/kinderen/{}?gedaan=document", pupil.id)).into_response())
}

async fn parent_download(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(version_id): Path<i64>,
) -> AppResult<Response> {
    let (p, _) = parent(&state, &visitor).await?;
    let object = version_id.to_string();
    let Some(v) = portal::visible_version(&state.db, p.tenant_id, p.user_id, version_id).await?
    else {
        let event = visitor.event(
            "download",
            "document",
            &object,
            Outcome::Denied,
            "not shared",
        );
        passend_store::audit::append(&state.db, &event).await?;
        return Err(AppError::NotFound);
    };
    if !portal::is_parent_of(&state.db, p.tenant_id, p.user_id, v.pupil_id).await? {
        return Err(refuse(&state, &visitor, "document", &object).await);
    }
    let bytes = state.casework.files.get(&v.storage_key).await?;
    record_read(
        &state,
        &visitor,
        "document",
        &format!("{}/{}", v.document_id, v.version),
        v.pupil_id,
        "download",
    )
    .await?;
    Ok(attachment(bytes, &v.content_type, &v.file_name))
}

#[derive(Default)]
struct ConsentInput {
    version_id: i64,
    error: String,
    note: String,
}

async fn consent(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(version_id): Path<i64>,
    body: String,
) -> AppResult<Response> {
    let (p, t) = parent(&state, &visitor).await?;
    let f = form(&body);
    let object = version_id.to_string();
    let Some(v) = portal::visible_version(&state.db, p.tenant_id, p.user_id, version_id).await?
    else {
        return Err(refuse(&state, &visitor, "document", &object).await);
    };
    let pupil = child_for(&state, &visitor, &p, v.pupil_id).await?;
    let answer = val(&f, "antwoord");
    let note = val(&f, "toelichting");
    let back = val(&f, "terug");
    let request_back = back
        .strip_prefix("/ouders/aanvragen/")
        .and_then(|s| s.parse::<i64>().ok());
    if !v.consent_asked {
        return Err(refuse(&state, &visitor, "document", &object).await);
    }
    let bad = if !matches!(answer.as_str(), "gegeven" | "geweigerd") {
        t.err_consent_choose
    } else if note.chars().count() > 4000 {
        t.err_text_long
    } else {
        ""
    };
    if !bad.is_empty() {
        let input = ConsentInput {
            version_id,
            error: bad.to_owned(),
            note,
        };
        return rerender_with_consent(&state, &visitor, &p, t, &pupil, request_back, input).await;
    }
    let request_id = v.request_id;
    let title = v.title.clone();
    let what = if answer == "gegeven" {
        format!("Ouder gaf toestemming voor {title} (versie {})", v.version)
    } else {
        format!(
            "Ouder gaf geen toestemming voor {title} (versie {})",
            v.version
        )
    };
    let notices = school_notices(
        &state,
        p.tenant_id,
        &pupil,
        &format!("toestemming-{version_id}-{}", p.user_id),
        "Een ouder heeft gereageerd op een vraag om toestemming in het ouderportaal.",
    )
    .await?;
    let _ = portal::respond(
        &state.db,
        &actor(&p, &visitor),
        &NewResponse {
            pupil_id: pupil.id,
            request_id,
            kind: ResponseKind::Toestemming,
            concerns: Concerns::Version(version_id),
            answer: &answer,
            text: &note,
            attachment: None,
            what: &what,
            notices: &notices,
        },
    )
    .await?;
    let target = match request_back {
        Some(r) => format!("/ouders/aanvragen/{r}?gedaan=toestemming"),
        None => format!("/ouders/kinderen/{}?gedaan=toestemming", pupil.id),
    };
    Ok(Redirect::to(&target).into_response())
}

async fn rerender_with_consent(
    state: &AppState,
    visitor: &Visitor,
    p: &Principal,
    t: &'static PortalTexts,
    pupil: &Pupil,
    request_back: Option<i64>,
    input: ConsentInput,
) -> AppResult<Response> {
    let apply = |docs: &mut Vec<ParentDocLine>| {
        for d in docs.iter_mut() {
            if d.version_id == input.version_id {
                d.error = input.error.clone();
                d.note = input.note.clone();
            }
        }
    };
    let html = match request_back {
        Some(rid) => {
            let (r, pupil) = request_of_parent(state, visitor, p, rid).await?;
            let mut view = tracker_view(state, visitor, p, t, &r, &pupil).await?;
            apply(&mut view.documents);
            view.render()?
        }
        None => {
            let mut view = child_view(
                state,
                visitor,
                p,
                t,
                pupil,
                "verslag",
                (String::new(), String::new()),
                String::new(),
            )
            .await?;
            apply(&mut view.documents);
            view.errors.push((
                format!("antwoord-{}", input.version_id),
                input.error.clone(),
            ));
            view.render()?
        }
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
}

// ---------------------------------------------------------------------------------------------
// The tracker

struct StepLine {
    label: &'static str,
    state: &'static str,
    state_text: &'static str,
}

struct ShareView {
    id: i64,
    intro: String,
    question: String,
    goals: String,
    budget: String,
    period: String,
    done: Vec<String>,
    can_respond: bool,
    can_read: bool,
    can_sign: bool,
    my_view: Option<(String, String)>,
    new_version: bool,
    deadline_line: String,
}

#[derive(Default)]
struct ViewForm {
    answer: String,
    answer_error: String,
    text: String,
    text_error: String,
    file_error: String,
}

#[derive(Default)]
struct SignForm {
    value: String,
    hint: String,
    error: String,
}

struct DecisionLines {
    id: i64,
    facts: Vec<(String, String)>,
    letter: bool,
    bezwaar: Vec<String>,
    beslissingen: Vec<BeslissingLines>,
}

/// A beslissing op bezwaar as the tracker shows it.
struct BeslissingLines {
    id: i64,
    lines: Vec<String>,
    letter: bool,
}

struct TimelineLine {
    when: String,
    who: String,
    what: String,
}

#[derive(Template)]
#[template(path = "ouders/request.html")]
struct TrackerView {
    layout: AppLayout,
    t: &'static PortalTexts,
    back: String,
    id: i64,
    pupil_id: i64,
    kind: String,
    child: String,
    school: String,
    errors: Vec<(String, String)>,
    steps: Vec<StepLine>,
    now_text: String,
    next_text: String,
    dates: Vec<(String, String)>,
    contact: String,
    share: Option<ShareView>,
    view_form: ViewForm,
    sign_form: SignForm,
    meetings: Vec<String>,
    decision: Option<DecisionLines>,
    documents: Vec<ParentDocLine>,
    timeline: Vec<TimelineLine>,
}

fn now_and_next(
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

async fn tracker_view(
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
    let steps = rules::progress(kind, status)
        .into_iter()
        .map(|(s, st)| StepLine {
            label: step_label(t, s),
            state: match st {
                StepState::Done => "done",
                StepState::Current => "current",
                StepState::Upcoming => "upcoming",
            },
            state_text: match st {
                StepState::Done => t.state_done,
                StepState::Current => t.state_current,
                StepState::Upcoming => t.state_upcoming,
            },
        })
        .collect();
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
        dates.push((t.date_decided.to_owned(), day(t, d.letter_on)));
        let mut facts = vec![(
            t.decision_outcome.to_owned(),
            if d.granted {
                t.status_granted
            } else {
                t.status_refused
            }
            .to_owned(),
        )];
        facts.push((t.decision_number.to_owned(), d.beschikkingsnummer.clone()));
        if d.granted {
            if let Some(s) = d.start_on {
                facts.push((t.decision_from.to_owned(), day(t, s)));
            }
            facts.push((
                t.decision_until.to_owned(),
                d.end_on
                    .map_or_else(|| t.decision_no_end.to_owned(), |e| day(t, e)),
            ));
            if let Some(n) = &d.receiving_name {
                facts.push((t.decision_school.to_owned(), n.clone()));
            }
        }
        if let Some(sent) = d.sent_on {
            facts.push((t.letter_sent.to_owned(), day(t, sent)));
        }
        let mut bezwaar = Vec::new();
        let mut beslissingen = Vec::new();
        if kind.is_tlv() {
            let bobs = passend_store::bezwaar::beslissingen(&state.db, d.id).await?;
            let bezwaren = cw::bezwaren(&state.db, d.id).await?;
            // How to object is told until the parents objected, or there was a beslissing (then
            // only beroep is open to them).
            let explain = bobs.is_empty() && !bezwaren.iter().any(|b| b.filed_by == "ouders");
            // What happens next is then about the bezwaar, and after its beslissing, beroep.
            if bezwaren.iter().any(|b| b.outcome.is_none())
                || bobs.iter().any(|x| x.sent_on.is_none())
            {
                next_text = t.next_bezwaar.to_owned();
            } else if bobs.iter().any(|x| x.sent_on.is_some()) {
                next_text = t.next_beroep.to_owned();
            }
            // The bezwaar term runs from the day the letter was sent (Awb 3:41, 6:8): until
            // then there is no date to show.
            match d.sent_on {
                Some(sent) => {
                    let until = tlv::bezwaar_deadline(sent);
                    dates.push((t.date_bezwaar.to_owned(), day(t, until)));
                    if explain {
                        let line = if until < tlv::dutch_day(chrono::Utc::now()) {
                            t.bezwaar_passed
                        } else {
                            t.bezwaar_1
                        };
                        bezwaar.push(line.replace("{date}", &day(t, until)));
                    }
                }
                None => bezwaar.push(t.letter_not_sent.to_owned()),
            }
            if explain {
                let address = if state.casework.postal_address.is_empty() {
                    r.contact_email
                        .clone()
                        .unwrap_or_else(|| t.bezwaar_address_unknown.to_owned())
                } else {
                    state.casework.postal_address.clone()
                };
                bezwaar.push(
                    t.bezwaar_2
                        .replace("{number}", &d.beschikkingsnummer)
                        .replace("{address}", &address),
                );
                bezwaar.push(t.bezwaar_3.to_owned());
            }
            let outcome_words = |o: Option<&str>| match o {
                Some("gegrond") => t.bezwaar_upheld,
                Some("ongegrond") => t.bezwaar_rejected,
                Some("niet-ontvankelijk") => t.bezwaar_inadmissible,
                Some("ingetrokken") => t.bezwaar_withdrawn,
                _ => t.bezwaar_open,
            };
            let advice_words = |a: &str| match a {
                "gegrond" => t.advice_upheld,
                "ongegrond" => t.advice_rejected,
                _ => t.advice_inadmissible,
            };
            for b in bezwaren {
                // The outcome is told with its letter: until that is sent, only that it was
                // decided.
                let unsent = bobs
                    .iter()
                    .any(|x| x.bezwaar_id == b.id && x.sent_on.is_none());
                bezwaar.push(
                    t.bezwaar_received
                        .replace("{date}", &day(t, b.received_on))
                        .replace(
                            "{outcome}",
                            if unsent {
                                t.bezwaar_decided_unsent
                            } else {
                                outcome_words(b.outcome.as_deref())
                            },
                        ),
                );
            }
            for bob in bobs {
                let mut lines = Vec::new();
                if let (Some(a), Some(on)) = (&bob.lbt_advice, bob.lbt_advice_on) {
                    lines.push(
                        t.lbt_advice
                            .replace("{date}", &day(t, on))
                            .replace("{advice}", advice_words(a)),
                    );
                }
                if bob.sent_on.is_some() {
                    lines.push(
                        t.bob_outcome
                            .replace("{outcome}", outcome_words(Some(&bob.outcome)))
                            .replace("{date}", &day(t, bob.letter_on)),
                    );
                    if bob.revokes {
                        lines.push(t.bob_revoked.to_owned());
                    }
                }
                match bob.sent_on {
                    Some(sent) => {
                        let until = tlv::beroep_deadline(sent);
                        dates.push((t.date_beroep.to_owned(), day(t, until)));
                        lines.push(
                            t.beroep_1
                                .replace("{court}", &state.casework.rechtbank)
                                .replace("{date}", &day(t, until)),
                        );
                        lines.push(t.beroep_2.to_owned());
                    }
                    None => lines.push(t.bob_not_sent.to_owned()),
                }
                beslissingen.push(BeslissingLines {
                    id: bob.id,
                    lines,
                    letter: bob.sent_on.is_some(),
                });
            }
        }
        decision = Some(DecisionLines {
            id: d.id,
            facts,
            letter: kind.is_tlv() && d.sent_on.is_some(),
            bezwaar,
            beslissingen,
        });
    }
    let contact = match (&r.contact_name, &r.contact_email) {
        (Some(n), Some(e)) => t.contact_named.replace("{name}", n).replace("{email}", e),
        _ => t.contact_none.replace("{school}", &r.location_name),
    };
    let share = latest.map(|s| {
        let done = responses
            .iter()
            .filter(|x| x.request_share_id == Some(s.id))
            .map(|x| {
                let who = if x.user_id == p.user_id {
                    t.you.to_owned()
                } else {
                    x.user_name.clone()
                };
                let line = match (x.kind.as_str(), x.answer.as_str()) {
                    ("gelezen", _) => t.resp_read,
                    ("zienswijze", "eens") => t.resp_agree,
                    ("zienswijze", _) => t.resp_disagree,
                    ("ondertekening", _) => t.resp_signed,
                    _ => t.resp_other,
                };
                line.replace("{who}", &who)
                    .replace("{date}", &stamp(t, x.responded_at))
            })
            .collect();
        let mine = |kind: &str| {
            responses.iter().rfind(|x| {
                x.request_share_id == Some(s.id) && x.user_id == p.user_id && x.kind == kind
            })
        };
        let read = mine("gelezen").is_some();
        let signed = mine("ondertekening").is_some();
        let my_view = mine("zienswijze").map(|x| {
            (
                if x.answer == "eens" {
                    t.view_agree
                } else {
                    t.view_disagree
                }
                .to_owned(),
                x.text.clone(),
            )
        });
        // Something of mine on an earlier version of this request.
        let new_version = responses.iter().any(|x| {
            x.user_id == p.user_id
                && x.request_id == Some(s.request_id)
                && x.request_share_id.is_some_and(|id| id != s.id)
        });
        let deadline_line = if s.respond_by < today() {
            t.view_deadline_passed
                .replace("{date}", &day(t, s.respond_by))
        } else {
            t.view_deadline.replace("{date}", &day(t, s.respond_by))
        };
        ShareView {
            id: s.id,
            intro: t
                .share_intro
                .replace("{date}", &stamp(t, s.shared_at))
                .replace("{version}", &s.request_version.to_string()),
            question: s.question,
            goals: s.goals,
            budget: s.budget_euros.map(|b| format!("€ {b}")).unwrap_or_default(),
            period: match (s.period_start, s.period_end) {
                (Some(a), Some(b)) => format!("{} – {}", day(t, a), day(t, b)),
                _ => String::new(),
            },
            done,
            can_respond: rules::may_respond(status),
            can_read: !read,
            can_sign: !signed,
            my_view,
            new_version,
            deadline_line,
        }
    });
    let meetings = cw::meetings(&state.db, r.id)
        .await?
        .into_iter()
        .filter(|m| m.attendees.contains("ouders"))
        .map(|m| {
            let kind = if m.kind == "tlo" {
                t.meeting_tlo
            } else {
                t.meeting_mdo
            };
            format!("{kind}: {}, {}", stamp(t, m.starts_at), m.place)
        })
        .collect();
    let timeline = cw::timeline_for_parents(&state.db, r.id)
        .await?
        .into_iter()
        .map(|l| TimelineLine {
            when: stamp(t, l.occurred_at),
            who: l.actor_name,
            what: l.what,
        })
        .collect();
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
        documents: parent_doc_lines(state, p, t, pupil.id, &responses).await?,
        timeline,
    })
}

async fn tracker(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let (p, t) = parent(&state, &visitor).await?;
    let (r, pupil) = request_of_parent(&state, &visitor, &p, id).await?;
    record_read(
        &state,
        &visitor,
        "aanvraag",
        &id.to_string(),
        pupil.id,
        "read",
    )
    .await?;
    let mut view = tracker_view(&state, &visitor, &p, t, &r, &pupil).await?;
    view.layout.notice = notice_text(t, &q.gedaan);
    Ok(Html(view.render()?).into_response())
}

/// The latest snapshot of the request, if `share_id` is it and the parents may still respond.
async fn open_share(
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
fn to_tracker(id: i64, done: &str) -> Response {
    Redirect::to(&format!("/ouders/aanvragen/{id}?gedaan={done}")).into_response()
}

async fn mark_read(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    body: String,
) -> AppResult<Response> {
    let (p, _) = parent(&state, &visitor).await?;
    let (r, pupil) = request_of_parent(&state, &visitor, &p, id).await?;
    let f = form(&body);
    let Ok(share) = open_share(&state, &r, val(&f, "deel").parse().ok()).await else {
        return Ok(to_tracker(id, "verouderd"));
    };
    let what = format!(
        "Ouder heeft de gedeelde aanvraag gelezen (versie {})",
        share.request_version
    );
    Ok(portal::respond(
        &state.db,
        &actor(&p, &visitor),
        &NewResponse {
            pupil_id: pupil.id,
            request_id: Some(r.id),
            kind: ResponseKind::Gelezen,
            concerns: Concerns::Share(share.id),
            answer: "",
            text: "",
            attachment: None,
            what: &what,
            notices: &[],
        },
    )
    .await?
    .map_or_else(
        || to_tracker(id, "verouderd"),
        |_| to_tracker(id, "gelezen"),
    ))
}

async fn give_view(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    multipart: Multipart,
) -> AppResult<Response> {
    let (p, t) = parent(&state, &visitor).await?;
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

async fn sign(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    body: String,
) -> AppResult<Response> {
    let (p, t) = parent(&state, &visitor).await?;
    let (r, pupil) = request_of_parent(&state, &visitor, &p, id).await?;
    let f = form(&body);
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
    Ok(portal::respond(
        &state.db,
        &actor(&p, &visitor),
        &NewResponse {
            pupil_id: pupil.id,
            request_id: Some(r.id),
            kind: ResponseKind::Ondertekening,
            concerns: Concerns::Share(share.id),
            answer: &typed,
            text: "",
            attachment: None,
            what: &what,
            notices: &[],
        },
    )
    .await?
    .map_or_else(
        || to_tracker(id, "verouderd"),
        |_| to_tracker(id, "ondertekend"),
    ))
}

async fn parent_letter(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (p, _) = parent(&state, &visitor).await?;
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
    let bytes = letter_bytes(&state, p.tenant_id, &d).await?;
    record_read(&state, &visitor, "besluit", &object, pupil.id, "download").await?;
    Ok(attachment(
        bytes,
        "application/pdf",
        &format!("besluit-{}.pdf", d.beschikkingsnummer),
    ))
}

async fn parent_beslissing_letter(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (p, _) = parent(&state, &visitor).await?;
    let object = id.to_string();
    let found = passend_store::bezwaar::beslissing(&state.db, p.tenant_id, id).await?;
    let Some(bob) = found.filter(|b| b.sent_on.is_some()) else {
        return Err(refuse(&state, &visitor, "beslissing-op-bezwaar", &object).await);
    };
    let (_, pupil) = request_of_parent(&state, &visitor, &p, bob.request_id).await?;
    let bytes = crate::letters::bob_letter_bytes(&state, p.tenant_id, &bob).await?;
    record_read(
        &state,
        &visitor,
        "beslissing-op-bezwaar",
        &object,
        pupil.id,
        "download",
    )
    .await?;
    Ok(attachment(
        bytes,
        "application/pdf",
        &format!("beslissing-op-bezwaar-{id}.pdf"),
    ))
}

// ---------------------------------------------------------------------------------------------
// Staff: invite, revoke, share

/// The invitation mail, in Dutch and English (the parent has not chosen yet). No pupil data.
fn invitation_mail(state: &AppState, link: Option<&str>) -> (String, String) {
    let nl = texts(Lang::Nl);
    let en = texts(Lang::En);
    let part = |t: &PortalTexts| match link {
        Some(l) => format!(
            "{}\n\n{}\n{l}\n\n{}",
            t.invite_intro.replace("{site}", &state.site_name),
            t.invite_link,
            t.invite_unknown
        ),
        None => format!(
            "{}\n\n{}\n{}/ouders",
            t.invite_existing.replace("{site}", &state.site_name),
            t.mail_link,
            state.base_url
        ),
    };
    let body = format!(
        "{}\n\n{}\n\n{}\n{}\n\n-----\n\n{}\n\n{}\n\n{}\n{}\n",
        nl.mail_hello,
        part(nl),
        nl.mail_regards,
        state.site_name,
        en.mail_hello,
        part(en),
        en.mail_regards,
        state.site_name
    );
    (
        format!("{} / {}", nl.invite_subject, en.invite_subject),
        body,
    )
}

fn to_dossier(pupil_id: i64, done: &str) -> Response {
    Redirect::to(&format!(
        "/leerlingen/{pupil_id}?gedaan={done}#ouderportaal"
    ))
    .into_response()
}

/// The parent row at this place of a pupil the staff member may change, and whether it still
/// has the address the form showed (the rows may have been edited since).
async fn parent_row(
    state: &AppState,
    visitor: &Visitor,
    p: &Principal,
    pupil_id: i64,
    position: usize,
    body: &str,
) -> AppResult<(Pupil, cw::Guardian, bool)> {
    let (pupil, relation) = pupil_for(state, visitor, p, pupil_id).await?;
    let object = format!("{pupil_id}/{position}");
    if !relation.writes() {
        return Err(refuse(state, visitor, "ouderportaal", &object).await);
    }
    let guardians = cw::guardians(&state.db, pupil.id).await?;
    let Some(g) = position
        .checked_sub(1)
        .and_then(|i| guardians.get(i))
        .cloned()
    else {
        return Err(refuse(state, visitor, "ouderportaal", &object).await);
    };
    let expected = val(&form(body), "email");
    let same = passend_domain::accounts::normalize_email(&expected)
        == passend_domain::accounts::normalize_email(&g.email);
    Ok((pupil, g, same))
}

async fn invite_parent(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((id, position)): Path<(i64, usize)>,
    body: String,
) -> AppResult<Response> {
    let p = visitor.signed_in()?.clone();
    let (pupil, g, same) = parent_row(&state, &visitor, &p, id, position, &body).await?;
    if !same {
        return Ok(to_dossier(pupil.id, "ouder-gewijzigd"));
    }
    if !g.parental_authority || !valid_email(&g.email) {
        return Ok(to_dossier(pupil.id, "ouder-geen-gezag"));
    }
    let email = passend_domain::accounts::normalize_email(&g.email);
    let existing = accounts::user_by_email(&state.db, p.tenant_id, &email).await?;
    let (account, needs_link) = match &existing {
        None => (
            ParentAccount::New {
                email: &email,
                name: &g.name,
            },
            true,
        ),
        Some(u) if u.role() != Some(Role::Ouder) => {
            return Ok(to_dossier(pupil.id, "ouder-medewerker"));
        }
        Some(u) if u.status == "disabled" => return Ok(to_dossier(pupil.id, "ouder-geblokkeerd")),
        Some(u) => (ParentAccount::Existing(u.id), u.status == "invited"),
    };
    let token = random_token()?;
    let hash = token_hash(&token);
    let purpose = TokenPurpose::Invitation;
    let expires = Utc::now() + chrono::Duration::from_std(purpose.lifetime()).unwrap_or_default();
    let link = format!("{}/uitnodiging/{token}", state.base_url);
    let (subject, body) = invitation_mail(&state, needs_link.then_some(link.as_str()));
    let key = format!("ouderportaal-{}-{}", g.id, &hash[..16]);
    let new_token = NewToken {
        token_hash: &hash,
        purpose,
        expires_at: expires,
    };
    let result = portal::link_parent(
        &state.db,
        &actor(&p, &visitor),
        pupil.id,
        g.id,
        &account,
        needs_link.then_some(&new_token),
        &NewMail {
            tenant_id: Some(p.tenant_id),
            idempotency_key: &key,
            to_address: &email,
            subject: &subject,
            body_text: &body,
        },
    )
    .await;
    match result {
        Ok(_) => Ok(to_dossier(pupil.id, "ouder-uitgenodigd")),
        // Someone made an account with this address at the same moment: try again.
        Err(AccountError::EmailTaken) => Ok(to_dossier(pupil.id, "gewijzigd")),
        Err(e) => Err(AppError::Internal(e.to_string())),
    }
}

async fn revoke_parent(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((id, position)): Path<(i64, usize)>,
    body: String,
) -> AppResult<Response> {
    let p = visitor.signed_in()?.clone();
    let (pupil, g, same) = parent_row(&state, &visitor, &p, id, position, &body).await?;
    if !same {
        return Ok(to_dossier(pupil.id, "ouder-gewijzigd"));
    }
    if !crate::forms::confirmed(&body) {
        return crate::layout::not_confirmed(
            &state,
            &visitor,
            format!("/leerlingen/{id}#ouderportaal"),
        );
    }
    // The parent hears that their access ended (no pupil data).
    let mut notices = Vec::new();
    for l in portal::links_of_pupil(&state.db, pupil.id).await? {
        if l.guardian_id != g.id {
            continue;
        }
        let lang = portal::language(&state.db, l.user_id).await?;
        let t = texts(Lang::from_code(&lang).unwrap_or(Lang::Nl));
        let line = t.revoked_text.replace("{site}", &state.site_name);
        notices.push(Notice {
            key: format!("ouder-ingetrokken-{}-{}", g.id, random_token()?),
            to: l.email.clone(),
            subject: t.revoked_subject.to_owned(),
            body: portal_mail(&state.site_name, t, &[&line]),
        });
    }
    portal::revoke_link(&state.db, &actor(&p, &visitor), pupil.id, g.id, &notices).await?;
    Ok(to_dossier(pupil.id, "ouder-ingetrokken"))
}

async fn share_request(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    body: String,
) -> AppResult<Response> {
    let p = visitor.signed_in()?.clone();
    let (r, pupil, relation) = request_for(&state, &visitor, &p, id).await?;
    if relation != Relation::School {
        return Err(refuse(&state, &visitor, "aanvraag", &id.to_string()).await);
    }
    let f = form(&body);
    let version: i64 = val(&f, "versie").parse().unwrap_or(-1);
    let default = rules::respond_by(today(), state.casework.zienswijze_days);
    let typed = val(&f, "reageren-voor");
    let respond_by = match crate::forms::parse_date(&typed) {
        Ok(Some(d)) if d > today() => d,
        Ok(None) => default,
        bad => {
            let message = if bad.is_err() {
                "Vul een bestaande datum in, bijvoorbeeld 15-03-2026."
            } else {
                "Kies een datum na vandaag: de ouders hebben tijd nodig om te reageren."
            };
            return crate::routes::casework::share_date_error(
                &state, &visitor, &r, &typed, message,
            )
            .await;
        }
    };
    if portal::parents_of(&state.db, pupil.id).await?.is_empty() {
        return Ok(
            Redirect::to(&format!("/aanvragen/{id}?gedaan=delen-geen-ouders#delen"))
                .into_response(),
        );
    }
    let notices = parent_notices(
        &state,
        pupil.id,
        Some(r.id),
        ParentNews::Shared(respond_by),
        &format!("gedeeld-{}-{version}", r.id),
    )
    .await?;
    let what = format!(
        "Gedeeld met de ouders (versie {version}); hun mening graag vóór {}",
        crate::dates::long(respond_by)
    );
    let done = portal::share_request(
        &state.db,
        &actor(&p, &visitor),
        &r,
        version,
        respond_by,
        &what,
        &notices,
    )
    .await?;
    Ok(Redirect::to(&format!(
        "/aanvragen/{id}?gedaan={}#delen",
        if done { "gedeeld" } else { "gewijzigd" }
    ))
    .into_response())
}

async fn share_document(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    body: String,
) -> AppResult<Response> {
    let p = visitor.signed_in()?.clone();
    let f = form(&body);
    let pupil_id: i64 = val(&f, "leerling").parse().unwrap_or(-1);
    let (pupil, relation) = pupil_for(&state, &visitor, &p, pupil_id).await?;
    if !relation.writes() {
        return Err(refuse(&state, &visitor, "document", &id.to_string()).await);
    }
    // Consent (instemming) is asked for the handelingsdeel of an OPP only.
    let consent_asked = val(&f, "toestemming") == "ja";
    if portal::parents_of(&state.db, pupil.id).await?.is_empty() {
        return Ok(to_dossier(pupil.id, "delen-geen-ouders"));
    }
    // Only a document this staff member may see: toeleiding shares a document of a submitted
    // request or of the dossier, never one of a concept (that is the school's own).
    let reader = crate::access::reader(&state, &p, pupil.id, relation).await?;
    let doc = crate::access::visible_documents(&state, p.tenant_id, pupil.id, &reader)
        .await?
        .into_iter()
        .find(|d| d.id == id);
    let Some(doc) = doc else {
        return Err(refuse(&state, &visitor, "document", &id.to_string()).await);
    };
    let consent = consent_asked && doc.kind == DocumentKind::Opp.code();
    // The version the staff member saw; a newer one must be looked at first.
    let version: i64 = val(&f, "versie").parse().unwrap_or(-1);
    if version != doc.version {
        return Ok(to_dossier(pupil.id, "document-nieuwe-versie"));
    }
    let notices = parent_notices(
        &state,
        pupil.id,
        doc.request_id,
        ParentNews::DocumentShared(consent),
        &format!("document-{id}-{}", doc.version),
    )
    .await?;
    let done = portal::share_document(
        &state.db,
        &actor(&p, &visitor),
        pupil.id,
        id,
        version,
        consent,
        &notices,
    )
    .await?;
    match done {
        None => Err(AppError::NotFound),
        Some(true) => Ok(to_dossier(pupil.id, "document-gedeeld")),
        Some(false) => Ok(to_dossier(pupil.id, "document-al-gedeeld")),
    }
}
