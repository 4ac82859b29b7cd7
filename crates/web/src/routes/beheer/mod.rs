//! Beheer: users, invitations, roles and school scoping; the audit trail viewer; the e-mail
//! queue; the content pages and the begrippenlijst with their history. Beheerders only, and only after their second
//! factor (the policy table requires a full session).

mod audit_trail;
mod contact;
mod mail;
mod pages;
mod terms;
mod users;

pub(crate) use audit_trail::*;
pub(crate) use contact::*;
pub(crate) use mail::*;
pub(crate) use pages::*;
pub(crate) use terms::*;
pub(crate) use users::*;

use crate::AppState;
use crate::app::Routes;
use crate::auth::Visitor;
use crate::error::AppResult;
use crate::layout::{AppLayout, layout};
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use passend_store::accounts::{self as store};
use passend_store::outbox;

/// The routes of this area.
pub(crate) fn router() -> Routes {
    Routes::new()
        .get("/beheer", index)
        .get("/beheer/gebruikers", users)
        .get("/beheer/gebruikers/nieuw", new_user_form)
        .post("/beheer/gebruikers/nieuw", new_user)
        .get("/beheer/gebruikers/{id}", user_form)
        .post("/beheer/gebruikers/{id}", update_user)
        .post("/beheer/gebruikers/{id}/blokkeren", |s, v, p, b| {
            set_disabled(s, v, p, b, true)
        })
        .post("/beheer/gebruikers/{id}/deblokkeren", |s, v, p, b| {
            set_disabled(s, v, p, b, false)
        })
        .post("/beheer/gebruikers/{id}/uitnodigen", reinvite)
        .post("/beheer/gebruikers/{id}/tweestaps-herstellen", reset_totp)
        .get("/beheer/audit", audit_view)
        .get("/beheer/audit.csv", audit_csv)
        .get("/beheer/e-mail", mail)
        .post("/beheer/e-mail/{id}/opnieuw", mail_retry)
        .get("/beheer/paginas", pages)
        .get("/beheer/contact", contact)
        .post("/beheer/contact", save_contact)
        .get("/beheer/paginas/{lang}/{slug}", page_form)
        .post("/beheer/paginas/{lang}/{slug}", save_page)
        .get("/beheer/paginas/{lang}/{slug}/concept", compare_page_draft)
        .post(
            "/beheer/paginas/{lang}/{slug}/concept/weggooien",
            discard_page_draft,
        )
        .get(
            "/beheer/paginas/{lang}/{slug}/versies/{number}",
            compare_page,
        )
        .post(
            "/beheer/paginas/{lang}/{slug}/versies/{number}/terugzetten",
            restore_page,
        )
        .get("/beheer/begrippen", terms)
        .get("/beheer/begrippen/{lang}/nieuw", new_term_form)
        .post("/beheer/begrippen/{lang}/nieuw", add_term)
        .get("/beheer/begrippen/{lang}/{key}", term_form)
        .post("/beheer/begrippen/{lang}/{key}", save_term)
        .get(
            "/beheer/begrippen/{lang}/{key}/versies/{number}",
            compare_term,
        )
        .post(
            "/beheer/begrippen/{lang}/{key}/versies/{number}/terugzetten",
            restore_term,
        )
}

/// A version in the history of a page or a term.
pub(crate) struct VersionLine {
    pub(crate) number: i64,
    pub(crate) title: String,
    pub(crate) by: String,
    pub(crate) at: String,
    pub(crate) body: String,
    pub(crate) retired: bool,
}

impl VersionLine {
    /// A version made by `author` (a person's name), or shipped with Passend (`kind` `seed`).
    pub(crate) fn of(
        (number, title, body): (i64, String, String),
        (author, kind): (Option<String>, &str),
        at: chrono::DateTime<chrono::Utc>,
        retired: bool,
    ) -> VersionLine {
        let by = author.unwrap_or_else(|| {
            if kind == "seed" {
                "meegeleverde tekst".to_owned()
            } else {
                "onbekend".to_owned()
            }
        });
        VersionLine {
            number,
            title,
            by,
            at: crate::dates::when(at),
            body,
            retired,
        }
    }
}

/// The language's name in beheer.
pub(crate) fn lang_label(lang: passend_domain::Lang) -> &'static str {
    if lang == passend_domain::Lang::En {
        "Engels"
    } else {
        "Nederlands"
    }
}

/// Where a restore leads: the object with its notice, or (someone saved since) the comparison
/// again with what is current now.
pub(crate) fn after_restore(
    outcome: passend_store::content::EditOutcome,
    base: &str,
    number: i64,
) -> AppResult<Response> {
    use passend_store::content::EditOutcome;
    Ok(match outcome {
        EditOutcome::Saved(_) => {
            axum::response::Redirect::to(&format!("{base}?gedaan=teruggezet")).into_response()
        }
        EditOutcome::Missing => return Err(crate::error::AppError::NotFound),
        EditOutcome::Stale(_) | EditOutcome::DraftChanged => {
            axum::response::Redirect::to(&format!("{base}/versies/{number}?gewijzigd=ja"))
                .into_response()
        }
    })
}

/// A line of a comparison, for the template.
pub(crate) struct CompareLine {
    pub(crate) kind: &'static str,
    pub(crate) text: String,
}

/// An old version of a page or a term against the current one, with the form to restore it.
#[derive(Template)]
#[template(path = "beheer/pages/compare.html")]
pub(crate) struct CompareView {
    pub(crate) layout: AppLayout,
    pub(crate) back: String,
    pub(crate) restore: String,
    pub(crate) old_number: i64,
    pub(crate) new_number: i64,
    pub(crate) old_title: String,
    pub(crate) new_title: String,
    pub(crate) lines: Vec<CompareLine>,
    pub(crate) changed: usize,
    pub(crate) current: bool,
    /// A page's concept against the website: no restore, other words.
    pub(crate) draft: bool,
}

impl CompareView {
    /// Compares (number, title, text) of an old version with the current one; `base` is the
    /// object's beheer address.
    pub(crate) fn of(
        layout: AppLayout,
        base: String,
        old: (i64, &str, &str),
        new: (i64, &str, &str),
    ) -> CompareView {
        use passend_domain::text::{DiffLine, line_diff};
        let mut changed = 0;
        let lines = line_diff(old.2, new.2)
            .into_iter()
            .map(|d| {
                let (kind, text) = match d {
                    DiffLine::Same(t) => ("same", t),
                    DiffLine::Removed(t) => ("removed", t),
                    DiffLine::Added(t) => ("added", t),
                };
                changed += usize::from(kind != "same");
                CompareLine {
                    kind,
                    text: text.to_owned(),
                }
            })
            .collect();
        CompareView {
            layout,
            restore: format!("{base}/versies/{}/terugzetten", old.0),
            back: base,
            old_number: old.0,
            new_number: new.0,
            old_title: old.1.to_owned(),
            new_title: new.1.to_owned(),
            lines,
            changed,
            current: old.0 == new.0,
            draft: false,
        }
    }

    /// Compares the website's version (number, title, text) with a concept (title, text).
    pub(crate) fn of_draft(
        layout: AppLayout,
        base: String,
        published: (i64, &str, &str),
        draft: (&str, &str),
    ) -> CompareView {
        let mut view = CompareView::of(layout, base, published, (0, draft.0, draft.1));
        view.current = false;
        view.draft = true;
        view
    }
}

/// The restore form: the version that was current when the comparison was opened.
#[derive(Debug, serde::Deserialize)]
pub(crate) struct RestoreForm {
    #[serde(default)]
    pub(crate) huidig: Option<i64>,
}

pub(crate) fn status_label(s: &str) -> &'static str {
    match s {
        "invited" => "uitgenodigd",
        "active" => "actief",
        "disabled" => "geblokkeerd",
        _ => "onbekend",
    }
}

#[derive(Template)]
#[template(path = "beheer/index.html")]
pub(crate) struct IndexView {
    pub(crate) layout: AppLayout,
    pub(crate) users: usize,
    pub(crate) invited: usize,
    pub(crate) mail: (i64, i64, i64, i64),
    pub(crate) audit_ok: Option<bool>,
    /// What parents need and is still empty in the contact details.
    pub(crate) contact_missing: Vec<&'static str>,
}

pub(crate) async fn index(State(state): State<AppState>, visitor: Visitor) -> AppResult<Response> {
    let all = store::users(&state.db, state.tenant_id, None, None, None).await?;
    let invited = all.iter().filter(|u| u.status == "invited").count();
    let mail = outbox::tenant_counts(&state.db, state.tenant_id).await?;
    let (_, contact) = passend_store::contact::current(&state.db, state.tenant_id).await?;
    let contact_missing = contact
        .missing(&state.casework.postal_address)
        .into_iter()
        .map(passend_domain::contact::ContactField::label)
        .collect();
    Ok(Html(
        IndexView {
            layout: layout(&state, &visitor, "Beheer", "/beheer"),
            users: all.len(),
            invited,
            mail,
            audit_ok: None,
            contact_missing,
        }
        .render()?,
    )
    .into_response())
}
