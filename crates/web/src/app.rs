//! What the signed-in area shares: its layout (menu by role, sign-out button, demo banner), form
//! fields with their messages, and the route builder that records every route so a test can hold
//! the router against the policy table.

use crate::AppState;
use crate::auth::{CSRF_FIELD, Visitor};
use crate::views::NavItem;
use axum::Router;
use axum::handler::Handler;
use passend_domain::accounts::Role;

/// The layout of the signed-in area and the sign-in pages.
#[derive(Debug, Clone)]
pub struct AppLayout {
    /// Page title.
    pub title: String,
    /// Name of the samenwerkingsverband.
    pub site_name: String,
    /// Stylesheet.
    pub css_href: &'static str,
    /// Menu for the user's role.
    pub nav: Vec<NavItem>,
    /// "Name (role)" of the signed-in user.
    pub user: Option<String>,
    /// The anti-CSRF token for forms.
    pub csrf: String,
    /// Demo mode.
    pub demo: bool,
    /// A notice at the top (after an action).
    pub notice: Option<String>,
    /// Under the name in the header: "Werkomgeving" for staff, "Voor ouders" for parents.
    pub tagline: &'static str,
    /// A fresh token for this page's create form (`routes::casework::ONCE_FIELD`): a post
    /// repeated with it gives the first result again.
    pub once: String,
}

/// The name of the anti-CSRF form field, for templates.
pub const CSRF: &str = CSRF_FIELD;

/// Builds the layout for a page; `current` is the path of the page, to mark it in the menu.
pub fn layout(state: &AppState, visitor: &Visitor, title: &str, current: &str) -> AppLayout {
    let (nav, user) = match &visitor.principal {
        Some(p) if p.stage == passend_domain::accounts::Stage::Full => {
            let mut items: Vec<(&str, &str)> = vec![("/account", "Mijn account")];
            match p.role {
                Role::Schoolmedewerker => {
                    items.push(("/leerlingen", "Leerlingen"));
                    items.push(("/school/zorgplicht", "Zorgplicht en verzuim"));
                    items.push(("/school", "Mijn school"));
                    items.push(("/school/tlv", "Ontvangen TLV's"));
                }
                Role::Deskundige => items.push(("/adviezen", "Adviezen")),
                Role::Ouderadviseur => {
                    items.insert(0, ("/steunpunt", "Oudersteunpunt"));
                    items.insert(1, ("/steunpunt/signalering", "Signalering"));
                }
                Role::Ouder => items.insert(0, ("/ouders", "Mijn kinderen")),
                Role::Toeleider => {
                    items.push(("/swv/aanvragen", "Aanvragen"));
                    items.push(("/swv/tlv", "TLV-register"));
                    items.push(("/swv/zorgplicht", "Zorgplicht"));
                    items.push(("/swv/thuiszitters", "Thuiszitters"));
                    items.push(("/swv/profielen", "Profielen"));
                    items.push(("/swv/voorzieningen", "Voorzieningen"));
                }
                Role::Beheerder => {
                    items.push(("/beheer", "Beheer"));
                    items.push(("/beheer/gebruikers", "Gebruikers"));
                    items.push(("/swv/profielen", "Profielen"));
                    items.push(("/swv/voorzieningen", "Voorzieningen"));
                    items.push(("/beheer/paginas", "Pagina's"));
                    items.push(("/beheer/audit", "Logboek"));
                    items.push(("/beheer/e-mail", "E-mail"));
                    items.push(("/steunpunt/signalering", "Signalering"));
                }
            }
            let nav = items
                .into_iter()
                .map(|(href, label)| NavItem {
                    href: href.to_owned(),
                    label: label.to_owned(),
                    current: href == current,
                })
                .collect();
            (nav, Some(format!("{} ({})", p.name, p.role.label_nl())))
        }
        Some(p) => (Vec::new(), Some(p.name.clone())),
        None => (Vec::new(), None),
    };
    let tagline = match visitor.principal.as_ref().map(|p| p.role) {
        Some(Role::Ouder) => "Voor ouders",
        Some(_) => "Werkomgeving",
        None => "Inloggen",
    };
    AppLayout {
        tagline,
        title: title.to_owned(),
        site_name: state.site_name.clone(),
        css_href: crate::assets::css_href(),
        nav,
        user,
        csrf: visitor.csrf.clone(),
        demo: state.auth.demo,
        notice: None,
        once: uuid::Uuid::new_v4().simple().to_string(),
    }
}

/// A form field: what was typed and the message for it.
#[derive(Debug, Clone, Default)]
pub struct Field {
    /// The value as typed (kept after an error).
    pub value: String,
    /// The message at the field, if the value was not accepted.
    pub error: Option<String>,
}

impl Field {
    /// A field with a value.
    pub fn of(value: impl Into<String>) -> Field {
        Field {
            value: value.into(),
            error: None,
        }
    }

    /// Whether the field has a message.
    pub fn has_error(&self) -> bool {
        self.error.is_some()
    }

    /// The message or nothing.
    pub fn message(&self) -> &str {
        self.error.as_deref().unwrap_or_default()
    }
}

/// The error summary above a form: (field id, message), in form order.
pub fn summary(fields: &[(&str, &Field)]) -> Vec<(String, String)> {
    fields
        .iter()
        .filter_map(|(id, f)| f.error.as_ref().map(|e| ((*id).to_owned(), e.clone())))
        .collect()
}

/// A router that remembers every (method, path) it was given.
pub struct Routes {
    router: Router<AppState>,
    table: Vec<(&'static str, &'static str)>,
}

impl Default for Routes {
    fn default() -> Self {
        Routes::new()
    }
}

impl Routes {
    /// No routes yet.
    pub fn new() -> Routes {
        Routes {
            router: Router::new(),
            table: Vec::new(),
        }
    }

    /// Adds a GET (and HEAD) route.
    pub fn get<H, T>(mut self, path: &'static str, handler: H) -> Routes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.table.push(("GET", path));
        self.router = self.router.route(path, axum::routing::get(handler));
        self
    }

    /// Adds a POST route.
    pub fn post<H, T>(mut self, path: &'static str, handler: H) -> Routes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.table.push(("POST", path));
        self.router = self.router.route(path, axum::routing::post(handler));
        self
    }

    /// Adds every route of another group.
    pub fn merge(mut self, other: Routes) -> Routes {
        self.table.extend(other.table);
        self.router = self.router.merge(other.router);
        self
    }

    /// The routes, as (method, path).
    pub fn table(&self) -> &[(&'static str, &'static str)] {
        &self.table
    }

    /// The router.
    pub fn into_router(self) -> Router<AppState> {
        self.router
    }
}

/// The field a destructive action's form must carry checked ("Ja, ik weet het zeker"), so that a
/// slip of the mouse does not block an account or remove a voorziening. Works without JavaScript.
pub const CONFIRM_FIELD: &str = "zeker";

/// Whether a form body has the confirmation checked.
pub fn confirmed(body: &str) -> bool {
    form_urlencoded::parse(body.as_bytes()).any(|(k, v)| k == CONFIRM_FIELD && v == "ja")
}

/// A page that asks to confirm a destructive action (the box was not checked).
pub fn not_confirmed(
    state: &AppState,
    visitor: &Visitor,
    back: String,
) -> crate::error::AppResult<axum::response::Response> {
    let view = crate::routes::account::MessageView {
        layout: layout(state, visitor, "Niet uitgevoerd", ""),
        heading: "Er is niets veranderd".to_owned(),
        paragraphs: vec![
            "Zet een vinkje bij \"Ja, ik weet het zeker\" en klik dan nog een keer op de knop."
                .to_owned(),
        ],
        link: Some((back, "Terug".to_owned())),
    };
    use askama::Template;
    use axum::response::IntoResponse;
    Ok((
        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        axum::response::Html(view.render()?),
    )
        .into_response())
}
