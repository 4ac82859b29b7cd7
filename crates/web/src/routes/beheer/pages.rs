//! Content pages: the public texts in both languages, with versions.

use crate::AppState;
use crate::auth::Visitor;
use crate::dates::when;
use crate::error::{AppError, AppResult};
use crate::forms::{Field, summary};
use crate::layout::{AppLayout, layout};
use crate::routes::beheer::*;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use passend_domain::Lang;
use passend_domain::content::valid_slug;
use passend_store::audit::Outcome;
use passend_store::content::{self, DraftOutcome, DraftSave, EditOutcome, PageEdit};
use serde::Deserialize;

pub(crate) struct PageLine {
    pub(crate) href: String,
    pub(crate) public_href: String,
    pub(crate) lang: &'static str,
    pub(crate) title: String,
    pub(crate) version: i64,
    pub(crate) edited: bool,
    pub(crate) changed: String,
    /// When a concept (not yet on the website) was saved.
    pub(crate) draft: Option<String>,
}

#[derive(Template)]
#[template(path = "beheer/pages/pages.html")]
pub(crate) struct PagesView {
    pub(crate) layout: AppLayout,
    pub(crate) lines: Vec<PageLine>,
}

pub(crate) async fn pages(State(state): State<AppState>, visitor: Visitor) -> AppResult<Response> {
    let lines = content::page_summaries(&state.db, state.tenant_id)
        .await?
        .into_iter()
        .map(|p| {
            let lang = Lang::from_code(&p.lang).unwrap_or(Lang::Nl);
            PageLine {
                href: format!("/beheer/paginas/{}/{}", p.lang, p.slug),
                public_href: lang.page_path(&p.slug),
                lang: if lang == Lang::En {
                    "Engels"
                } else {
                    "Nederlands"
                },
                title: p.title,
                version: p.version_no,
                edited: p.author_kind == "user",
                changed: when(p.created_at),
                draft: p.draft_saved_at.map(when),
            }
        })
        .collect();
    Ok(Html(
        PagesView {
            layout: layout(&state, &visitor, "Pagina's", "/beheer/paginas"),
            lines,
        }
        .render()?,
    )
    .into_response())
}

#[derive(Template)]
#[template(path = "beheer/pages/page_form.html")]
pub(crate) struct PageFormView {
    pub(crate) layout: AppLayout,
    pub(crate) errors: Vec<(String, String)>,
    pub(crate) action: String,
    pub(crate) public_href: String,
    pub(crate) lang_label: &'static str,
    pub(crate) title: Field,
    pub(crate) summary: Field,
    pub(crate) body: Field,
    pub(crate) versions: Vec<VersionLine>,
    /// The version the form was opened on.
    pub(crate) base_version: i64,
    /// Someone else saved in the meantime.
    pub(crate) conflict: Option<String>,
    /// The text as the website would show it, when a preview was asked for.
    pub(crate) preview: Option<String>,
    /// The address of this page in beheer.
    pub(crate) base_href: String,
    /// The concept's revision the form was opened on (0: there was none).
    pub(crate) draft_revision: i64,
    /// Who saved the concept and when, while there is one.
    pub(crate) draft: Option<String>,
    /// The version the website shows.
    pub(crate) current_version: i64,
}

/// The conflict message when someone else saved or threw away the concept meanwhile.
const DRAFT_CHANGED: &str = "Iemand anders heeft het concept van deze pagina intussen opgeslagen of weggegooid. Uw tekst staat hieronder nog en is niet opgeslagen. Bekijk het concept van de ander via “Concept vergelijken”, pas uw tekst zo nodig aan en sla opnieuw op.";

pub(crate) fn page_lang(lang: &str, slug: &str) -> AppResult<Lang> {
    match Lang::from_code(lang) {
        Some(l) if valid_slug(slug) => Ok(l),
        _ => Err(AppError::NotFound),
    }
}

/// What the editor's form saw, kept through a preview or a form message so that a save after it
/// still notices someone else's save: the published version the text builds on, and the concept
/// row's revision. `None` takes what is there now (a concept builds on its own version).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Seen {
    pub(crate) version: Option<i64>,
    pub(crate) concept: Option<i64>,
}

/// The page form.
pub(crate) async fn page_view(
    state: &AppState,
    visitor: &Visitor,
    lang: Lang,
    slug: &str,
    fields: [Field; 3],
    seen: Seen,
) -> AppResult<PageFormView> {
    let versions: Vec<VersionLine> = content::page_versions(&state.db, state.tenant_id, lang, slug)
        .await?
        .into_iter()
        .map(|v| {
            VersionLine::of(
                (v.version_no, v.title, v.body_md),
                (v.author_name, &v.author_kind),
                v.created_at,
                false,
            )
        })
        .collect();
    let [title, summary_f, body] = fields;
    let errors = summary(&[
        ("titel", &title),
        ("samenvatting", &summary_f),
        ("tekst", &body),
    ]);
    let current_version = versions
        .first()
        .map(|v: &VersionLine| v.number)
        .unwrap_or(0);
    let row = content::page_draft(&state.db, state.tenant_id, lang, slug).await?;
    let draft = row.as_ref().filter(|d| d.present);
    // Publishing a concept made on an older version is refused as stale, not silently undoing
    // what was published since.
    let base_version = seen
        .version
        .unwrap_or_else(|| draft.map_or(current_version, |d| d.base_version));
    Ok(PageFormView {
        draft_revision: seen
            .concept
            .unwrap_or_else(|| row.as_ref().map_or(0, |d| d.revision)),
        draft: draft.map(|d| {
            format!(
                "{}, {}",
                d.author_name.as_deref().unwrap_or("onbekend"),
                when(d.saved_at)
            )
        }),
        current_version,
        conflict: None,
        preview: None,
        base_href: format!("/beheer/paginas/{}/{slug}", lang.code()),
        base_version,
        layout: layout(
            state,
            visitor,
            &format!("Pagina bewerken: {}", title.value),
            "/beheer/paginas",
        ),
        errors,
        action: format!("/beheer/paginas/{}/{slug}", lang.code()),
        public_href: lang.page_path(slug),
        lang_label: lang_label(lang),
        title,
        summary: summary_f,
        body,
        versions,
    })
}

/// The text the editor goes on with: the saved concept if there is one (the website keeps its
/// version meanwhile), else the published page.
async fn editing(
    state: &AppState,
    lang: Lang,
    slug: &str,
    page: content::Page,
) -> AppResult<[Field; 3]> {
    Ok(
        match content::page_draft(&state.db, state.tenant_id, lang, slug)
            .await?
            .filter(|d| d.present)
        {
            Some(d) => [
                Field::of(d.title),
                Field::of(d.summary),
                Field::of(d.body_md),
            ],
            None => [
                Field::of(page.title),
                Field::of(page.summary),
                Field::of(page.body_md),
            ],
        },
    )
}

pub(crate) async fn page_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((lang, slug)): Path<(String, String)>,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let lang = page_lang(&lang, &slug)?;
    let page = content::page(&state.db, state.tenant_id, lang, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let fields = editing(&state, lang, &slug, page).await?;
    let mut view = page_view(&state, &visitor, lang, &slug, fields, Seen::default()).await?;
    view.layout.notice = match q.gedaan.as_str() {
        "opgeslagen" => Some("De pagina is opgeslagen en staat nu op de website.".to_owned()),
        "concept" => Some(
            "Het concept is opgeslagen. De website toont nog de gepubliceerde versie.".to_owned(),
        ),
        "weggegooid" => {
            Some("Het concept is weggegooid. Hieronder staat de versie van de website.".to_owned())
        }
        "teruggezet" => Some(
            "De oude versie is teruggezet als nieuwe versie en staat nu op de website.".to_owned(),
        ),
        _ => None,
    };
    Ok(Html(view.render()?).into_response())
}

#[derive(Debug, Deserialize)]
pub(crate) struct PageForm {
    #[serde(default)]
    pub(crate) versie: Option<i64>,
    #[serde(default)]
    pub(crate) titel: String,
    #[serde(default)]
    pub(crate) samenvatting: String,
    #[serde(default)]
    pub(crate) tekst: String,
    /// `voorbeeld` shows the text as the website would, without saving; `concept` saves it
    /// without publishing; anything else publishes.
    #[serde(default)]
    pub(crate) actie: String,
    /// The concept's revision the form was opened on (0: none).
    #[serde(default)]
    pub(crate) concept: Option<i64>,
}

pub(crate) async fn save_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((lang, slug)): Path<(String, String)>,
    axum::Form(form): axum::Form<PageForm>,
) -> AppResult<Response> {
    let lang = page_lang(&lang, &slug)?;
    let page = content::page(&state.db, state.tenant_id, lang, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut title = Field::of(form.titel.trim());
    let mut summary_f = Field::of(form.samenvatting.trim());
    let mut body = Field::of(form.tekst.replace("\r\n", "\n"));
    if title.value.is_empty() {
        title.error = Some("Vul een titel in.".to_owned());
    } else if title.value.chars().count() > 120 {
        title.error = Some("Maak de titel korter: hooguit 120 tekens.".to_owned());
    }
    if summary_f.value.is_empty() {
        summary_f.error = Some(
            "Vul een korte samenvatting in. Zoekmachines en de homepagina tonen die.".to_owned(),
        );
    } else if summary_f.value.chars().count() > 300 {
        summary_f.error = Some("Maak de samenvatting korter: hooguit 300 tekens.".to_owned());
    }
    if body.value.trim().is_empty() {
        body.error = Some("Vul de tekst van de pagina in.".to_owned());
    } else if body.value.len() > 100_000 {
        body.error = Some("De tekst is te lang: hooguit 100.000 tekens.".to_owned());
    }
    // A preview (and a form with messages) shows the form again, nothing saved.
    let preview = if form.actie == "voorbeeld" {
        let content = state.cache.get(&state.db, state.tenant_id, lang).await?;
        Some(content.render_body(&slug, &body.value, &page.no_link_terms))
    } else {
        None
    };
    let invalid = title.has_error() || summary_f.has_error() || body.has_error();
    if preview.is_some() || invalid {
        let fields = [title, summary_f, body];
        let seen = Seen {
            version: form.versie,
            concept: form.concept,
        };
        let mut view = page_view(&state, &visitor, lang, &slug, fields, seen).await?;
        view.preview = preview;
        let status = if invalid {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        };
        return Ok((status, Html(view.render()?)).into_response());
    }
    let p = visitor.signed_in()?;
    let object = format!("{}/{slug}", lang.code());
    let draft_revision = form.concept.unwrap_or(0);
    if form.actie == "concept" {
        let event = visitor.event("update", "pagina-concept", &object, Outcome::Success, "");
        let saved = content::save_page_draft(
            &state.db,
            state.tenant_id,
            lang,
            &slug,
            &DraftSave {
                title: &title.value,
                summary: &summary_f.value,
                body_md: &body.value,
                author_id: p.user_id,
                base_version: form.versie.unwrap_or(page.version_no),
                revision: draft_revision,
            },
            &event,
        )
        .await?;
        return match saved {
            DraftOutcome::Done(_) => Ok(Redirect::to(&format!(
                "/beheer/paginas/{}/{slug}?gedaan=concept",
                lang.code()
            ))
            .into_response()),
            DraftOutcome::Missing => Err(AppError::NotFound),
            DraftOutcome::Stale => {
                let fields = [title, summary_f, body];
                draft_conflict(&state, &visitor, lang, &slug, fields, form.versie).await
            }
        };
    }
    let event = visitor.event("update", "pagina", &object, Outcome::Success, "");
    let outcome = content::edit_page(
        &state.db,
        state.tenant_id,
        lang,
        &slug,
        &PageEdit {
            title: &title.value,
            summary: &summary_f.value,
            nav_order: page.nav_order,
            nav_label: page.nav_label.as_deref(),
            no_link_terms: &page.no_link_terms,
            body_md: &body.value,
            author_id: Some(p.user_id),
            base_version: Some(form.versie.unwrap_or(page.version_no)),
            draft_revision: Some(draft_revision),
        },
        &event,
    )
    .await?;
    match outcome {
        EditOutcome::Saved(_) => {}
        EditOutcome::Missing => return Err(AppError::NotFound),
        EditOutcome::DraftChanged => {
            let fields = [title, summary_f, body];
            return draft_conflict(&state, &visitor, lang, &slug, fields, form.versie).await;
        }
        EditOutcome::Stale(current) => {
            // Keep what this editor typed; the next save builds on the newest version.
            let seen = Seen {
                version: Some(current),
                concept: form.concept,
            };
            let fields = [title, summary_f, body];
            let mut view = page_view(&state, &visitor, lang, &slug, fields, seen).await?;
            view.conflict = Some(format!(
                "Iemand anders heeft deze pagina intussen opgeslagen (versie {current}). Uw tekst staat hieronder nog. Kijk bij Versies wat er veranderd is, pas uw tekst zo nodig aan en sla opnieuw op."
            ));
            return Ok((StatusCode::CONFLICT, Html(view.render()?)).into_response());
        }
    }
    Ok(Redirect::to(&format!(
        "/beheer/paginas/{}/{slug}?gedaan=opgeslagen",
        lang.code()
    ))
    .into_response())
}

/// The form again with this editor's text and the conflict said, on the concept as it is now
/// (a next save replaces it knowingly), still on the version the editor's text builds on.
async fn draft_conflict(
    state: &AppState,
    visitor: &Visitor,
    lang: Lang,
    slug: &str,
    fields: [Field; 3],
    version: Option<i64>,
) -> AppResult<Response> {
    let seen = Seen {
        version,
        concept: None,
    };
    let mut view = page_view(state, visitor, lang, slug, fields, seen).await?;
    view.conflict = Some(DRAFT_CHANGED.to_owned());
    Ok((StatusCode::CONFLICT, Html(view.render()?)).into_response())
}

/// The concept's revision, as the discard form sends it.
#[derive(Debug, Deserialize)]
pub(crate) struct DiscardForm {
    #[serde(default)]
    pub(crate) concept: i64,
}

/// Throws the concept away; the website keeps its version.
pub(crate) async fn discard_page_draft(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((lang, slug)): Path<(String, String)>,
    axum::Form(form): axum::Form<DiscardForm>,
) -> AppResult<Response> {
    let lang = page_lang(&lang, &slug)?;
    let object = format!("{}/{slug}", lang.code());
    let event = visitor.event("delete", "pagina-concept", &object, Outcome::Success, "");
    let base = format!("/beheer/paginas/{}/{slug}", lang.code());
    match content::discard_page_draft(
        &state.db,
        state.tenant_id,
        lang,
        &slug,
        form.concept,
        &event,
    )
    .await?
    {
        DraftOutcome::Done(_) => {
            Ok(Redirect::to(&format!("{base}?gedaan=weggegooid")).into_response())
        }
        DraftOutcome::Missing => Err(AppError::NotFound),
        // Saved again (or thrown away) by someone else: show the page with what is there now.
        DraftOutcome::Stale => {
            let page = content::page(&state.db, state.tenant_id, lang, &slug)
                .await?
                .ok_or(AppError::NotFound)?;
            let fields = editing(&state, lang, &slug, page).await?;
            let mut view =
                page_view(&state, &visitor, lang, &slug, fields, Seen::default()).await?;
            view.conflict = Some("Het concept is niet weggegooid: iemand anders heeft het intussen opgeslagen of weggegooid. Hieronder staat wat er nu is.".to_owned());
            Ok((StatusCode::CONFLICT, Html(view.render()?)).into_response())
        }
    }
}

/// The concept against the website's version: what publishing it would change.
pub(crate) async fn compare_page_draft(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((lang, slug)): Path<(String, String)>,
) -> AppResult<Response> {
    let lang = page_lang(&lang, &slug)?;
    let current = content::page(&state.db, state.tenant_id, lang, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let draft = content::page_draft(&state.db, state.tenant_id, lang, &slug).await?;
    let Some(draft) = draft.filter(|d| d.present) else {
        return Ok(
            Redirect::to(&format!("/beheer/paginas/{}/{slug}", lang.code())).into_response(),
        );
    };
    let base = format!("/beheer/paginas/{}/{slug}", lang.code());
    let view = CompareView::of_draft(
        layout(&state, &visitor, "Concept vergelijken", "/beheer/paginas"),
        base,
        (current.version_no, &current.title, &current.body_md),
        (&draft.title, &draft.body_md),
    );
    Ok(Html(view.render()?).into_response())
}

/// An old version against the current one: the lines that went, came and stayed.
pub(crate) async fn compare_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((lang, slug, number)): Path<(String, String, i64)>,
) -> AppResult<Response> {
    let lang = page_lang(&lang, &slug)?;
    let current = content::page(&state.db, state.tenant_id, lang, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let old = content::page_version(&state.db, state.tenant_id, lang, &slug, number)
        .await?
        .ok_or(AppError::NotFound)?;
    let base = format!("/beheer/paginas/{}/{slug}", lang.code());
    let view = CompareView::of(
        layout(
            &state,
            &visitor,
            &format!("Versie {number} vergelijken"),
            "/beheer/paginas",
        ),
        base,
        (old.version_no, &old.title, &old.body_md),
        (current.version_no, &current.title, &current.body_md),
    );
    Ok(Html(view.render()?).into_response())
}

/// Puts an old version back as a new version (the history keeps everything), if nobody saved
/// since the comparison was opened.
pub(crate) async fn restore_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((lang, slug, number)): Path<(String, String, i64)>,
    axum::Form(form): axum::Form<RestoreForm>,
) -> AppResult<Response> {
    let lang = page_lang(&lang, &slug)?;
    let old = content::page_version(&state.db, state.tenant_id, lang, &slug, number)
        .await?
        .ok_or(AppError::NotFound)?;
    let p = visitor.signed_in()?;
    let object = format!("{}/{slug}", lang.code());
    let detail = format!("versie {number} teruggezet");
    let event = visitor.event("update", "pagina", &object, Outcome::Success, &detail);
    let outcome = content::edit_page(
        &state.db,
        state.tenant_id,
        lang,
        &slug,
        &PageEdit {
            title: &old.title,
            summary: &old.summary,
            nav_order: old.nav_order,
            nav_label: old.nav_label.as_deref(),
            no_link_terms: &old.no_link_terms,
            body_md: &old.body_md,
            author_id: Some(p.user_id),
            base_version: form.huidig,
            draft_revision: None,
        },
        &event,
    )
    .await?;
    after_restore(
        outcome,
        &format!("/beheer/paginas/{}/{slug}", lang.code()),
        number,
    )
}
