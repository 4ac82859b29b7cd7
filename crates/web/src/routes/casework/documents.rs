//! A dossier's documents: upload (a new document or version) and download.

use crate::AppState;
use crate::access::refused_to;
use crate::access::{Relation, pupil_for, record_read};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::extract::SignedIn;
use crate::files::{attachment, read_upload, store_file};
use crate::forms::{Field, summary};
use crate::forms::{Opt, once_token, opts, required, text_limit, val};
use crate::routes::casework::*;
use askama::Template;
use axum::extract::{Multipart, Path};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use passend_domain::documents::{DocumentKind, sniff};
use passend_store::casework::{self as cw};

/// The upload form's state.
pub(crate) struct UploadForm {
    pub(crate) kinds: Vec<Opt>,
    pub(crate) existing: Vec<Opt>,
    pub(crate) title: Field,
    pub(crate) file_error: Option<String>,
    pub(crate) errors: Vec<(String, String)>,
}

/// Documents this visitor may add a version to: the ones they may see, if they may write.
pub(crate) async fn writable_documents(
    state: &AppState,
    p: &Principal,
    pupil_id: i64,
    relation: Relation,
) -> AppResult<Vec<cw::DocumentLine>> {
    if !relation.writes() {
        return Ok(Vec::new());
    }
    let reader = crate::access::reader(state, p, pupil_id, relation).await?;
    crate::access::visible_documents(state, p.tenant_id, pupil_id, &reader).await
}

pub(crate) async fn upload_form(
    state: &AppState,
    p: &Principal,
    pupil_id: i64,
    relation: Relation,
    kind: &str,
    existing: &str,
    title: &str,
) -> AppResult<UploadForm> {
    let docs = writable_documents(state, p, pupil_id, relation).await?;
    let mut existing_opts = vec![Opt {
        value: String::new(),
        label: "Nee, een nieuw document".to_owned(),
        selected: existing.is_empty(),
    }];
    existing_opts.extend(docs.into_iter().map(|d| Opt {
        selected: d.id.to_string() == existing,
        value: d.id.to_string(),
        label: format!("Nieuwe versie van: {} (nu versie {})", d.title, d.version),
    }));
    Ok(UploadForm {
        kinds: opts(DocumentKind::ALL.map(|k| (k.code(), k.label_nl())), kind),
        existing: existing_opts,
        title: Field::of(title),
        file_error: None,
        errors: Vec::new(),
    })
}

pub(crate) async fn upload(
    SignedIn { state, visitor, p }: SignedIn,
    Path(id): Path<i64>,
    multipart: Multipart,
) -> AppResult<Response> {
    let (pupil, relation) = pupil_for(&state, &visitor, &p, id).await?;
    if !relation.writes() {
        return Err(AppError::NotFound);
    }
    let up = read_upload(multipart).await?;
    let kind_code = val(&up.fields, "soort");
    let existing = val(&up.fields, "bestaand");
    let request_id = val(&up.fields, "aanvraag").parse::<i64>().ok();
    let back = val(&up.fields, "terug");
    let mut form = upload_form(
        &state,
        &p,
        pupil.id,
        relation,
        &kind_code,
        &existing,
        &val(&up.fields, "titel"),
    )
    .await?;
    // A request given must be this pupil's, and one this visitor may see: toeleiding adds to a
    // submitted request only (a concept is the school's own). The same check holds for the
    // page shown again with an error.
    let on_request = match request_id {
        Some(r) => cw::request(&state.db, p.tenant_id, r)
            .await?
            .filter(|r| r.pupil_id == pupil.id)
            .filter(|r| relation == Relation::School || r.submitted_at.is_some()),
        None => None,
    };
    let request_id = on_request.as_ref().map(|r| r.id);
    let kind = DocumentKind::from_code(&kind_code);
    let existing_id = existing.parse::<i64>().ok();
    if existing_id.is_none() {
        required(
            &mut form.title,
            "Geef het document een titel, bijvoorbeeld: OPP schooljaar 2026-2027.",
        );
    }
    text_limit(&mut form.title, 150, "de titel");
    let file_type = match sniff(&up.bytes) {
        Ok(t) => Some(t),
        Err(problem) => {
            form.file_error = Some(problem.message_nl().to_owned());
            None
        }
    };
    let mut errors = summary(&[("titel", &form.title)]);
    if let Some(e) = &form.file_error {
        errors.push(("bestand".to_owned(), e.clone()));
    }
    let (Some(kind), Some(file_type), true) = (kind, file_type, errors.is_empty()) else {
        if kind.is_none() {
            errors.push((
                "soort".to_owned(),
                "Kies wat voor document het is.".to_owned(),
            ));
        }
        form.errors = errors;
        // Back on the page the form came from: the request's, or the dossier's.
        let on_request = on_request.filter(|_| back == "aanvraag");
        let html = match on_request {
            Some(r) => request_view(
                &state,
                &visitor,
                &r,
                relation,
                None,
                None,
                Some(form),
                Vec::new(),
            )
            .await?
            .render()?,
            None => dossier_view(&state, &visitor, &pupil, relation, form)
                .await?
                .render()?,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response());
    };
    // A new version must be of a document of this pupil that this visitor may see: check
    // before the file is stored.
    if let Some(existing) = existing_id
        && !writable_documents(&state, &p, pupil.id, relation)
            .await?
            .iter()
            .any(|d| d.id == existing)
    {
        return Err(AppError::NotFound);
    }
    let stored = store_file(&state, &up.file_name, up.bytes, file_type).await?;
    let title = if form.title.value.is_empty() {
        kind.label_nl().to_owned()
    } else {
        form.title.value.clone()
    };
    let once = once_token(&up.fields);
    let who = crate::access::actor_once(&p, &visitor, &once);
    let stored = cw::add_document_version(
        &state.db,
        &who,
        pupil.id,
        request_id,
        existing_id,
        kind.code(),
        &title,
        &stored,
        &[],
    )
    .await?;
    if stored.is_none() {
        return Err(AppError::NotFound);
    }
    let target = match (back.as_str(), request_id) {
        ("aanvraag", Some(r)) => format!("/aanvragen/{r}?gedaan=document"),
        _ => format!("/leerlingen/{}?gedaan=document", pupil.id),
    };
    Ok(Redirect::to(&target).into_response())
}

pub(crate) async fn download(
    SignedIn { state, visitor, p }: SignedIn,
    Path((id, version)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let Some(v) = cw::document_version(&state.db, p.tenant_id, id, version).await? else {
        let object = format!("{id}/{version}");
        let why = "not found";
        return Err(refused_to(&state, &visitor, "download", "document", &object, why).await);
    };
    let (pupil, relation) = pupil_for(&state, &visitor, &p, v.pupil_id).await?;
    // Each version by its own life cycle: a concept's documents are the school's, an expert
    // sees what their advice was based on, receiving schools get decisions and letters only.
    let reader = crate::access::reader(&state, &p, pupil.id, relation).await?;
    if !crate::access::may_see_version(&state, &reader, &v) {
        let object = format!("{id}/{version}");
        let why = "life cycle";
        return Err(refused_to(&state, &visitor, "download", "document", &object, why).await);
    }
    let bytes = state.casework.files.get(&v.storage_key).await?;
    record_read(
        &state,
        &visitor,
        "document",
        &format!("{id}/{version}"),
        pupil.id,
        "download",
    )
    .await?;
    Ok(attachment(bytes, &v.content_type, &v.file_name))
}
