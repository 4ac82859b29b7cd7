//! "Vandaag": the start page after signing in, one per role, with what needs the person now.
//! Each line links to the place to act. Every query is scoped as the role's own lists are (a
//! school staff member's locations, a toeleider's samenwerkingsverband, an expert's own advices,
//! the Oudersteunpunt's caseload), so a count never includes what the viewer may not open. The
//! pupils a page names are recorded in the audit trail like any list.

mod beheer;
mod expert;
mod school;
mod steunpunt;
mod swv;

use crate::app::Routes;
use crate::error::{AppError, AppResult};
use crate::extract::SignedIn;
use crate::layout::{AppLayout, layout};
use askama::Template;
use axum::response::{Html, IntoResponse, Response};
use passend_domain::accounts::Role;

/// The routes of this area.
pub(crate) fn router() -> Routes {
    Routes::new().get("/vandaag", today)
}

/// Who the page is for.
#[derive(Clone, Copy)]
pub(crate) struct Viewer<'a> {
    pub(crate) state: &'a crate::AppState,
    pub(crate) visitor: &'a crate::auth::Visitor,
    pub(crate) p: &'a crate::auth::Principal,
}

/// Granted TLVs valid today that end within the reminder period
/// (`PASSEND_TLV_HERINNERING_MAANDEN`), of every school or of the schools this staff member
/// receives pupils at; earliest end first.
pub(crate) async fn tlvs_ending(
    v: Viewer<'_>,
    receiving_staff: Option<i64>,
) -> AppResult<Vec<passend_store::casework::DecisionRow>> {
    let day = crate::dates::today();
    let months = chrono::Months::new(u32::from(v.state.casework.policy.remind_months_before_end));
    let filter = passend_store::casework::RegisterFilter {
        valid_on: Some(day),
        ends_by: Some(day.checked_add_months(months).unwrap_or(day)),
        receiving_staff_id: receiving_staff,
        ..Default::default()
    };
    let mut rows = passend_store::casework::register(&v.state.db, v.p.tenant_id, &filter).await?;
    rows.sort_by_key(|d| d.end_on);
    Ok(rows)
}

/// At most this many lines per section; the section links to the whole list.
const SHOWN: usize = 8;

/// One thing that needs the viewer.
#[derive(Debug, Clone)]
pub(crate) struct Line {
    /// Where to act.
    pub(crate) href: String,
    /// What (a pupil's name, a case's reference, an account).
    pub(crate) label: String,
    /// Why it is here ("Beslis uiterlijk …").
    pub(crate) detail: String,
    /// Late or about to be.
    pub(crate) urgent: bool,
}

/// A group of lines of one kind.
#[derive(Debug, Clone)]
pub(crate) struct Section {
    /// Anchor.
    pub(crate) id: &'static str,
    /// Heading.
    pub(crate) title: &'static str,
    /// Said when there is nothing.
    pub(crate) empty: &'static str,
    /// Every line (the page shows the first [`SHOWN`]).
    pub(crate) lines: Vec<Line>,
    /// The whole list, with its link text.
    pub(crate) more: Option<(String, &'static str)>,
}

impl Section {
    pub(crate) fn new(id: &'static str, title: &'static str, empty: &'static str) -> Section {
        Section {
            id,
            title,
            empty,
            lines: Vec::new(),
            more: None,
        }
    }

    pub(crate) fn more(mut self, href: &str, text: &'static str) -> Section {
        self.more = Some((href.to_owned(), text));
        self
    }

    pub(crate) fn push(&mut self, href: String, label: String, detail: String, urgent: bool) {
        self.lines.push(Line {
            href,
            label,
            detail,
            urgent,
        });
    }

    /// How many things wait.
    pub(crate) fn count(&self) -> usize {
        self.lines.len()
    }

    /// The lines the page shows.
    pub(crate) fn shown(&self) -> &[Line] {
        &self.lines[..self.lines.len().min(SHOWN)]
    }

    /// How many are not shown.
    pub(crate) fn hidden(&self) -> usize {
        self.lines.len().saturating_sub(SHOWN)
    }

    /// Any line late.
    pub(crate) fn urgent(&self) -> bool {
        self.lines.iter().any(|l| l.urgent)
    }
}

/// A step of a set-up checklist (beheer).
#[derive(Debug, Clone)]
pub(crate) struct Check {
    pub(crate) done: bool,
    pub(crate) text: String,
    pub(crate) href: &'static str,
    pub(crate) link: &'static str,
}

#[derive(Template)]
#[template(path = "vandaag/today.html")]
pub(crate) struct TodayView {
    pub(crate) layout: AppLayout,
    pub(crate) intro: &'static str,
    pub(crate) checklist: Vec<Check>,
    pub(crate) sections: Vec<Section>,
    pub(crate) total: usize,
}

pub(crate) async fn today(SignedIn { state, visitor, p }: SignedIn) -> AppResult<Response> {
    let v = Viewer {
        state: &state,
        visitor: &visitor,
        p: &p,
    };
    let (intro, checklist, sections) = match p.role {
        Role::Schoolmedewerker => (
            "Wat er voor uw school op u wacht.",
            Vec::new(),
            school::sections(v).await?,
        ),
        Role::Toeleider => (
            "Wat er bij toeleiding op u wacht, in het hele samenwerkingsverband.",
            Vec::new(),
            swv::sections(v).await?,
        ),
        Role::Deskundige => (
            "De adviezen die aan u zijn gevraagd.",
            Vec::new(),
            expert::sections(v).await?,
        ),
        Role::Ouderadviseur => (
            "Wat er bij het Oudersteunpunt op u wacht.",
            Vec::new(),
            steunpunt::sections(v).await?,
        ),
        Role::Beheerder => {
            let (checks, sections) = beheer::sections(v).await?;
            (
                "De inrichting van Passend, en wat er mis ging.",
                checks,
                sections,
            )
        }
        // The parents' start page is their portal.
        Role::Ouder => return Err(AppError::NotFound),
    };
    let total = sections.iter().map(Section::count).sum();
    Ok(Html(
        TodayView {
            layout: layout(&state, &visitor, "Vandaag", "/vandaag"),
            intro,
            checklist,
            sections,
            total,
        }
        .render()?,
    )
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_section_shows_its_first_lines_and_counts_them_all() {
        let mut s = Section::new("x", "X", "Niets.");
        for i in 0..(SHOWN + 3) {
            s.push(
                format!("/a/{i}"),
                format!("A {i}"),
                String::new(),
                i == SHOWN + 1,
            );
        }
        assert_eq!(s.count(), SHOWN + 3);
        assert_eq!(s.shown().len(), SHOWN);
        assert_eq!(s.hidden(), 3);
        assert!(
            s.urgent(),
            "a late line beyond the shown ones still marks the section"
        );
    }
}
