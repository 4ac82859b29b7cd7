//! The page templates (askama, compiled into the binary) and the layout every page shares.

use crate::texts::public::Ui;
use askama::Template;

/// A link in the menu or footer.
#[derive(Debug, Clone)]
pub struct NavItem {
    /// Target path.
    pub href: String,
    /// Visible label.
    pub label: String,
    /// Whether this is the page being shown (`aria-current="page"`).
    pub current: bool,
}

/// What the shared layout needs.
#[derive(Debug, Clone)]
pub struct Layout {
    /// `nl` or `en`.
    pub lang_code: &'static str,
    /// Interface texts.
    pub ui: &'static Ui,
    /// Name of the samenwerkingsverband.
    pub site_name: String,
    /// The page title.
    pub title: String,
    /// The meta description.
    pub description: String,
    /// Path of the stylesheet.
    pub css_href: &'static str,
    /// Path of the home page in this language.
    pub home_href: &'static str,
    /// The other language's code.
    pub other_lang_code: &'static str,
    /// The same page in the other language, when there is one.
    pub alternate: Option<String>,
    /// Main menu.
    pub nav: Vec<NavItem>,
    /// Footer links.
    pub footer: Vec<NavItem>,
    /// Path of the contact page.
    pub contact_href: String,
    /// How to reach a person, for the footer (none on error pages).
    pub reach: Option<crate::layout::FooterContact>,
    /// The site's address (`PASSEND_BASE_URL`), for the absolute `hreflang` links.
    pub base_url: String,
}

impl Layout {
    /// This page's own path, from the other language's (`alternate`): `/en/x` ↔ `/x`, `/en/` ↔ `/`.
    pub fn own_path(&self, alternate: &str) -> String {
        if self.lang_code == "en" {
            format!("/en{alternate}")
        } else {
            match alternate.strip_prefix("/en") {
                Some("") | Some("/") | None => "/".to_owned(),
                Some(rest) => rest.to_owned(),
            }
        }
    }

    /// The Dutch page's path (the `x-default` of the pair).
    pub fn dutch_path(&self, alternate: &str) -> String {
        if self.lang_code == "en" {
            alternate.to_owned()
        } else {
            self.own_path(alternate)
        }
    }
}

/// A content page.
#[derive(Template)]
#[template(path = "views/page.html")]
pub struct PageView<'a> {
    /// Layout.
    pub layout: Layout,
    /// Whether to show the summary as a lead paragraph and the search for schools (home page).
    pub show_lead: bool,
    /// Where the search for schools goes (`/kaart`, `/en/kaart`).
    pub map_href: String,
    /// The guide "Wat kan ik doen?".
    pub guide_href: String,
    /// Rendered, safe body.
    pub body_html: &'a str,
    /// The day the current version was made, in long form.
    pub changed_on: String,
}

/// One chart of the figures page with the table that holds its numbers.
#[derive(Debug, Clone)]
pub struct FigureChart {
    /// Title (heading, table caption and the chart's title).
    pub title: &'static str,
    /// The SVG, made by `charts::line_chart` (escaped there).
    pub svg: String,
    /// The legend, made by `charts::legend`.
    pub legend: String,
    /// (year, this samenwerkingsverband, the country), formatted.
    pub rows: Vec<(String, String, String)>,
}

/// The public figures page: its editable text and the deelnamepercentages.
#[derive(Template)]
#[template(path = "views/figures.html")]
pub struct FiguresView<'a> {
    /// Layout.
    pub layout: Layout,
    /// Rendered, safe body of the content page (what the figures mean, the decision criteria).
    pub body_html: &'a str,
    /// This samenwerkingsverband's name as the table heads it.
    pub swv_name: String,
    /// The charts; empty when no national figures were imported.
    pub charts: Vec<FigureChart>,
    /// The day the text was last changed, in long form.
    pub changed_on: String,
}

/// A term on the begrippenlijst page.
#[derive(Debug, Clone)]
pub struct TermView {
    /// Anchor id.
    pub key: String,
    /// The term.
    pub term: String,
    /// Full form of an abbreviation.
    pub expansion: Option<String>,
    /// Rendered, safe definition.
    pub definition_html: String,
}

/// Terms under one index letter.
#[derive(Debug, Clone)]
pub struct LetterGroup {
    /// `A`–`Z` or `#`.
    pub letter: char,
    /// The terms.
    pub terms: Vec<TermView>,
}

/// The begrippenlijst.
#[derive(Template)]
#[template(path = "views/glossary.html")]
pub struct GlossaryView {
    /// Layout.
    pub layout: Layout,
    /// Rendered introduction.
    pub intro_html: String,
    /// The form's action (this page's path).
    pub action: String,
    /// The search as typed.
    pub query: String,
    /// Whether a search is active.
    pub searching: bool,
    /// "12 begrippen …".
    pub result_line: String,
    /// A–Z with presence.
    pub letters: Vec<(char, bool)>,
    /// The terms, grouped by letter (one group when searching).
    pub groups: Vec<LetterGroup>,
}

/// An error page (404, 500, …) with the correlation id.
#[derive(Template)]
#[template(path = "views/error.html")]
pub struct ErrorView {
    /// Layout.
    pub layout: Layout,
    /// Explanation.
    pub text: &'static str,
    /// Correlation id of the request.
    pub request_id: String,
}
