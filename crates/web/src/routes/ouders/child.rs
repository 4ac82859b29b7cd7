//! A child's page: requests, documents, who has access, and the parent's own uploads and consent.

use crate::AppState;
use crate::access::{actor, record_read};
use crate::auth::{Principal, Visitor, random_token};
use crate::error::{AppError, AppResult};
use crate::files::{attachment, read_upload, store_file};
use crate::forms::FormBody;
use crate::forms::{Opt, val};
use crate::layout::AppLayout;
use crate::routes::ouders::Parent;
use crate::routes::ouders::*;
use crate::texts::portal::{PortalTexts, texts};
use askama::Template;
use axum::extract::{Multipart, Path, Query};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use passend_domain::Lang;
use passend_domain::accounts::Role;
use passend_domain::documents::{DocumentKind, sniff};
use passend_store::audit::Outcome;
use passend_store::casework::{self as cw, Notice, Pupil};
use passend_store::portal::{self as portal, Concerns, NewResponse, ResponseKind};

#[derive(Template)]
#[template(path = "ouders/child/child.html")]
pub(crate) struct ChildView {
    pub(crate) layout: AppLayout,
    pub(crate) t: &'static PortalTexts,
    pub(crate) back: String,
    pub(crate) id: i64,
    pub(crate) name: String,
    pub(crate) school: String,
    pub(crate) errors: Vec<(String, String)>,
    pub(crate) requests: Vec<RequestCard>,
    pub(crate) documents: Vec<ParentDocLine>,
    pub(crate) upload_kinds: Vec<Opt>,
    pub(crate) title_value: String,
    pub(crate) title_error: String,
    pub(crate) file_error: String,
    pub(crate) access: Vec<(String, String)>,
    pub(crate) log: Vec<TimelineLine>,
    pub(crate) log_more: bool,
}

pub(crate) const LOG_LIMIT: i64 = 200;

/// Who can see a child's data now: per group, the names.
pub(crate) async fn access_list(
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
pub(crate) async fn child_view(
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
        .map(|a| TimelineLine {
            when: stamp(t, a.occurred_at),
            who: match a.actor_name {
                Some(n) => format!("{n} ({})", t.role(&a.actor_role)),
                None => t.role(&a.actor_role).to_owned(),
            },
            what: t.action(&a.action, &a.object_type, &a.actor_role),
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

pub(crate) async fn child_page(
    Parent {
        state,
        visitor,
        p,
        t,
    }: Parent,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let pupil = child_for(&state, &visitor, &p, id).await?;
    record_read(&state, &visitor, "leerling", id, id, "read").await?;
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
pub(crate) async fn discard(state: &AppState, key: &str) {
    if let Err(e) = state.casework.files.delete(key).await {
        tracing::warn!(error = %e, "an unrecorded file could not be removed");
    }
}

/// The school hears that parents added something (no pupil data, a link to the dossier).
pub(crate) async fn school_notices(
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

pub(crate) async fn parent_upload(
    Parent {
        state,
        visitor,
        p,
        t,
    }: Parent,
    Path(id): Path<i64>,
    multipart: Multipart,
) -> AppResult<Response> {
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
    let who = crate::access::actor_once(&p, &visitor, &once);
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

pub(crate) async fn parent_download(
    Parent {
        state, visitor, p, ..
    }: Parent,
    Path(version_id): Path<i64>,
) -> AppResult<Response> {
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
pub(crate) struct ConsentInput {
    pub(crate) version_id: i64,
    pub(crate) error: String,
    pub(crate) note: String,
}

pub(crate) async fn consent(
    Parent {
        state,
        visitor,
        p,
        t,
    }: Parent,
    Path(version_id): Path<i64>,
    FormBody { fields: f, .. }: FormBody,
) -> AppResult<Response> {
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

pub(crate) async fn rerender_with_consent(
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
