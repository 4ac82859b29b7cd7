//! The begrippenlijst in both languages: add, change and retire a term, with a preview, every
//! version kept, any version compared with the current one and restored. The public list and the
//! term links on every page follow the saved version.

use crate::AppState;
use crate::auth::Visitor;
use crate::dates::when;
use crate::error::{AppError, AppResult};
use crate::forms::{Field, required, summary, text_limit};
use crate::layout::{AppLayout, layout};
use crate::routes::beheer::*;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use passend_domain::Lang;
use passend_domain::content::valid_slug;
use passend_domain::markdown::{RenderOptions, render};
use passend_store::audit::Outcome;
use passend_store::content::{self, EditOutcome, TermEdit, TermVersion};
use serde::Deserialize;

pub(crate) struct TermLine {
    pub(crate) href: String,
    pub(crate) term: String,
    pub(crate) version: i64,
    pub(crate) retired: bool,
    pub(crate) changed: String,
}

#[derive(Template)]
#[template(path = "beheer/terms/terms.html")]
pub(crate) struct TermsView {
    pub(crate) layout: AppLayout,
    /// Per language: its code, its name and its terms.
    pub(crate) groups: Vec<(&'static str, &'static str, Vec<TermLine>)>,
}

pub(crate) async fn terms(State(state): State<AppState>, visitor: Visitor) -> AppResult<Response> {
    let (mut nl, mut en) = (Vec::new(), Vec::new());
    for t in content::term_summaries(&state.db, state.tenant_id).await? {
        let line = TermLine {
            href: format!("/beheer/begrippen/{}/{}", t.lang, t.current.term_key),
            term: t.current.term,
            version: t.current.version_no,
            retired: t.current.retired,
            changed: when(t.current.created_at),
        };
        if t.lang == "en" {
            en.push(line);
        } else {
            nl.push(line);
        }
    }
    Ok(Html(
        TermsView {
            layout: layout(&state, &visitor, "Begrippen", "/beheer/begrippen"),
            groups: vec![("nl", "Nederlands", nl), ("en", "Engels", en)],
        }
        .render()?,
    )
    .into_response())
}

/// The term form, for a new term (`key` empty in the address) or an existing one.
#[derive(Template)]
#[template(path = "beheer/terms/term_form.html")]
pub(crate) struct TermFormView {
    pub(crate) layout: AppLayout,
    pub(crate) errors: Vec<(String, String)>,
    pub(crate) action: String,
    pub(crate) base_href: String,
    pub(crate) lang_label: &'static str,
    pub(crate) is_new: bool,
    pub(crate) key: Field,
    pub(crate) term: Field,
    pub(crate) expansion: Field,
    pub(crate) aliases: Field,
    pub(crate) definition: Field,
    pub(crate) retired: bool,
    pub(crate) base_version: i64,
    pub(crate) versions: Vec<VersionLine>,
    pub(crate) conflict: Option<String>,
    /// The term as the begrippenlijst would show it.
    pub(crate) preview: Option<String>,
}

fn term_lang(lang: &str) -> AppResult<Lang> {
    Lang::from_code(lang).ok_or(AppError::NotFound)
}

/// The fields of a term, as typed or as stored.
struct TermFields {
    key: Field,
    term: Field,
    expansion: Field,
    aliases: Field,
    definition: Field,
}

impl TermFields {
    fn of(v: &TermVersion) -> TermFields {
        TermFields {
            key: Field::of(v.term_key.clone()),
            term: Field::of(v.term.clone()),
            expansion: Field::of(v.expansion.clone().unwrap_or_default()),
            aliases: Field::of(v.aliases.clone()),
            definition: Field::of(v.definition_md.clone()),
        }
    }
}

async fn term_view(
    state: &AppState,
    visitor: &Visitor,
    lang: Lang,
    f: TermFields,
    existing: Option<(&str, Option<i64>)>,
) -> AppResult<TermFormView> {
    let (versions, base_href) = match existing {
        Some((key, _)) => (
            content::term_versions(&state.db, state.tenant_id, lang, key).await?,
            format!("/beheer/begrippen/{}/{key}", lang.code()),
        ),
        None => (
            Vec::new(),
            format!("/beheer/begrippen/{}/nieuw", lang.code()),
        ),
    };
    let newest = versions.first().map(|v| v.version_no).unwrap_or(0);
    let retired = versions.first().is_some_and(|v| v.retired);
    let errors = summary(&[
        ("sleutel", &f.key),
        ("begrip", &f.term),
        ("voluit", &f.expansion),
        ("ook", &f.aliases),
        ("uitleg", &f.definition),
    ]);
    let title = if existing.is_some() {
        format!("Begrip bewerken: {}", f.term.value)
    } else {
        "Nieuw begrip".to_owned()
    };
    Ok(TermFormView {
        layout: layout(state, visitor, &title, "/beheer/begrippen"),
        errors,
        action: base_href.clone(),
        base_href,
        lang_label: lang_label(lang),
        is_new: existing.is_none(),
        key: f.key,
        term: f.term,
        expansion: f.expansion,
        aliases: f.aliases,
        definition: f.definition,
        retired,
        base_version: existing.and_then(|(_, b)| b).unwrap_or(newest),
        versions: versions
            .into_iter()
            .map(|v| {
                VersionLine::of(
                    (v.version_no, v.term, String::new()),
                    (v.author_name, &v.author_kind),
                    v.created_at,
                    v.retired,
                )
            })
            .collect(),
        conflict: None,
        preview: None,
    })
}

pub(crate) async fn new_term_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(lang): Path<String>,
) -> AppResult<Response> {
    let lang = term_lang(&lang)?;
    let empty = TermFields {
        key: Field::default(),
        term: Field::default(),
        expansion: Field::default(),
        aliases: Field::default(),
        definition: Field::default(),
    };
    let view = term_view(&state, &visitor, lang, empty, None).await?;
    Ok(Html(view.render()?).into_response())
}

pub(crate) async fn term_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((lang, key)): Path<(String, String)>,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let lang = term_lang(&lang)?;
    let versions = content::term_versions(&state.db, state.tenant_id, lang, &key).await?;
    let current = versions.first().ok_or(AppError::NotFound)?;
    let mut view = term_view(
        &state,
        &visitor,
        lang,
        TermFields::of(current),
        Some((&key, None)),
    )
    .await?;
    view.layout.notice = match q.gedaan.as_str() {
        "opgeslagen" => Some("Het begrip is opgeslagen en staat nu in de begrippenlijst.".to_owned()),
        "ingetrokken" => Some(
            "Het begrip is ingetrokken: het staat niet meer in de begrippenlijst en geen pagina linkt er nog naar.".to_owned(),
        ),
        "teruggezet" => Some("De oude versie is teruggezet als nieuwe versie.".to_owned()),
        _ => None,
    };
    Ok(Html(view.render()?).into_response())
}

#[derive(Debug, Deserialize)]
pub(crate) struct TermForm {
    #[serde(default)]
    pub(crate) versie: Option<i64>,
    #[serde(default)]
    pub(crate) sleutel: String,
    #[serde(default)]
    pub(crate) begrip: String,
    #[serde(default)]
    pub(crate) voluit: String,
    #[serde(default)]
    pub(crate) ook: String,
    #[serde(default)]
    pub(crate) uitleg: String,
    /// `voorbeeld`, `publiceren` (also brings a retired term back) or `intrekken`.
    #[serde(default)]
    pub(crate) actie: String,
}

/// Saves a new term (`key` `None`) or a new version of one: a preview shows it without saving;
/// `intrekken` retires it; publishing a retired term brings it back.
async fn save(
    state: AppState,
    visitor: Visitor,
    lang: Lang,
    key: Option<String>,
    form: TermForm,
) -> AppResult<Response> {
    let mut f = TermFields {
        key: Field::of(
            key.clone()
                .unwrap_or_else(|| form.sleutel.trim().to_lowercase()),
        ),
        term: Field::of(form.begrip.trim()),
        expansion: Field::of(form.voluit.trim()),
        aliases: Field::of(form.ook.trim()),
        definition: Field::of(form.uitleg.replace("\r\n", "\n").trim()),
    };
    if key.is_none() && !valid_slug(&f.key.value) {
        f.key.error = Some(
            "Kies een korte naam voor het adres, met kleine letters, cijfers en streepjes, bijvoorbeeld passend-onderwijs.".to_owned(),
        );
    }
    required(&mut f.term, "Vul het begrip in.");
    text_limit(&mut f.term, 80, "het begrip");
    text_limit(&mut f.expansion, 200, "het begrip voluit");
    text_limit(&mut f.aliases, 300, "de andere vormen");
    required(&mut f.definition, "Leg het begrip uit in gewone taal.");
    text_limit(&mut f.definition, 4000, "de uitleg");
    let invalid = [&f.key, &f.term, &f.expansion, &f.aliases, &f.definition]
        .iter()
        .any(|x| x.has_error());
    let preview = (form.actie == "voorbeeld").then(|| {
        render(
            &f.definition.value,
            &RenderOptions {
                glossary: None,
                glossary_path: &format!("{}/begrippen", lang.prefix()),
                no_link: &[],
                term_lang: None,
            },
        )
    });
    let existing = key.as_deref().map(|k| (k, form.versie));
    if preview.is_some() || invalid {
        let mut view = term_view(&state, &visitor, lang, f, existing).await?;
        view.preview = preview;
        let status = if invalid {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        };
        return Ok((status, Html(view.render()?)).into_response());
    }
    let retired = form.actie == "intrekken";
    let key_value = f.key.value.clone();
    let p = visitor.signed_in()?;
    let object = format!("{}/{key_value}", lang.code());
    let detail = if retired { "ingetrokken" } else { "" };
    let event = visitor.event("update", "begrip", &object, Outcome::Success, detail);
    let expansion = Some(f.expansion.value.as_str()).filter(|e| !e.is_empty());
    let outcome = content::edit_term(
        &state.db,
        state.tenant_id,
        lang,
        &key_value,
        &TermEdit {
            term: &f.term.value,
            expansion,
            aliases: &f.aliases.value,
            definition_md: &f.definition.value,
            retired,
            author_id: Some(p.user_id),
            base_version: key.as_ref().map(|_| form.versie.unwrap_or(0)),
        },
        &event,
    )
    .await?;
    let base = format!("/beheer/begrippen/{}/{key_value}", lang.code());
    match outcome {
        EditOutcome::Saved(_) => {
            let done = if retired { "ingetrokken" } else { "opgeslagen" };
            Ok(Redirect::to(&format!("{base}?gedaan={done}")).into_response())
        }
        // Terms have no concept; a missing term is the only other way out.
        EditOutcome::Missing | EditOutcome::DraftChanged => Err(AppError::NotFound),
        EditOutcome::Stale(current) => {
            let message = if key.is_none() {
                f.key.error = Some(
                    "Er is al een begrip met deze naam voor het adres. Kies een andere.".to_owned(),
                );
                None
            } else {
                Some(format!(
                    "Iemand anders heeft dit begrip intussen opgeslagen (versie {current}). Uw tekst staat hieronder nog; sla opnieuw op om die te publiceren."
                ))
            };
            let mut view =
                term_view(&state, &visitor, lang, f, key.as_deref().map(|k| (k, None))).await?;
            view.conflict = message;
            Ok((StatusCode::CONFLICT, Html(view.render()?)).into_response())
        }
    }
}

pub(crate) async fn add_term(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(lang): Path<String>,
    axum::Form(form): axum::Form<TermForm>,
) -> AppResult<Response> {
    let lang = term_lang(&lang)?;
    save(state, visitor, lang, None, form).await
}

pub(crate) async fn save_term(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((lang, key)): Path<(String, String)>,
    axum::Form(form): axum::Form<TermForm>,
) -> AppResult<Response> {
    let lang = term_lang(&lang)?;
    if content::term_versions(&state.db, state.tenant_id, lang, &key)
        .await?
        .is_empty()
    {
        return Err(AppError::NotFound);
    }
    save(state, visitor, lang, Some(key), form).await
}

/// An old version of a term against the current one.
pub(crate) async fn compare_term(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((lang, key, number)): Path<(String, String, i64)>,
) -> AppResult<Response> {
    let lang = term_lang(&lang)?;
    let versions = content::term_versions(&state.db, state.tenant_id, lang, &key).await?;
    let (Some(current), Some(old)) = (
        versions.first(),
        versions.iter().find(|v| v.version_no == number),
    ) else {
        return Err(AppError::NotFound);
    };
    let text = |v: &TermVersion| {
        format!(
            "{}{}\nOok: {}\n\n{}",
            v.term,
            v.expansion
                .as_deref()
                .map(|e| format!(" ({e})"))
                .unwrap_or_default(),
            v.aliases,
            v.definition_md
        )
    };
    let (old_text, new_text) = (text(old), text(current));
    let view = CompareView::of(
        layout(
            &state,
            &visitor,
            &format!("Versie {number} vergelijken"),
            "/beheer/begrippen",
        ),
        format!("/beheer/begrippen/{}/{key}", lang.code()),
        (old.version_no, &old.term, &old_text),
        (current.version_no, &current.term, &new_text),
    );
    Ok(Html(view.render()?).into_response())
}

/// Puts an old version of a term back as a new version (a retired term comes back when the old
/// version was not retired), if nobody saved since the comparison was opened.
pub(crate) async fn restore_term(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((lang, key, number)): Path<(String, String, i64)>,
    axum::Form(form): axum::Form<RestoreForm>,
) -> AppResult<Response> {
    let lang = term_lang(&lang)?;
    let versions = content::term_versions(&state.db, state.tenant_id, lang, &key).await?;
    let old = versions
        .iter()
        .find(|v| v.version_no == number)
        .ok_or(AppError::NotFound)?;
    let p = visitor.signed_in()?;
    let object = format!("{}/{key}", lang.code());
    let detail = format!("versie {number} teruggezet");
    let event = visitor.event("update", "begrip", &object, Outcome::Success, &detail);
    let outcome = content::edit_term(
        &state.db,
        state.tenant_id,
        lang,
        &key,
        &TermEdit {
            term: &old.term,
            expansion: old.expansion.as_deref(),
            aliases: &old.aliases,
            definition_md: &old.definition_md,
            retired: old.retired,
            author_id: Some(p.user_id),
            base_version: Some(form.huidig.unwrap_or(0)),
        },
        &event,
    )
    .await?;
    after_restore(
        outcome,
        &format!("/beheer/begrippen/{}/{key}", lang.code()),
        number,
    )
}
