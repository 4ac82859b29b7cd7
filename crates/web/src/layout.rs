//! Page layouts: the signed-in area's (menu by role, sign-out button, demo banner), the public
//! site's menus, and the plain message page.

use crate::AppState;
use crate::auth::{CSRF_FIELD, Visitor};
use crate::cache::LangContent;
use crate::error::AppResult;
use crate::texts::public::ui;
use crate::views::{Layout, NavItem};
use askama::Template;
use passend_domain::Lang;
use passend_domain::accounts::Role;
use passend_domain::contact::{ContactDetails, dial};
use passend_store::content::PageLink;

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
    /// A fresh token for this page's create form (`forms::ONCE_FIELD`): a post
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
            if p.role != Role::Ouder {
                items.insert(0, ("/vandaag", "Vandaag"));
            }
            match p.role {
                Role::Schoolmedewerker => {
                    items.push(("/leerlingen", "Leerlingen"));
                    items.push(("/school/zorgplicht", "Zorgplicht en verzuim"));
                    items.push(("/school", "Mijn school"));
                    items.push(("/school/tlv", "Ontvangen TLV's"));
                }
                Role::Deskundige => items.push(("/adviezen", "Adviezen")),
                Role::Ouderadviseur => {
                    items.insert(1, ("/steunpunt", "Oudersteunpunt"));
                    items.insert(2, ("/steunpunt/signalering", "Signalering"));
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
                    items.push(("/beheer/begrippen", "Begrippen"));
                    items.push(("/beheer/audit", "Logboek"));
                    items.push(("/beheer/e-mail", "E-mail"));
                    items.push(("/steunpunt/signalering", "Signalering"));
                }
            }
            (
                nav_items(&items, current),
                Some(format!("{} ({})", p.name, p.role.label_nl())),
            )
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

/// A page that asks to confirm a destructive action (the box was not checked).
pub fn not_confirmed(
    state: &AppState,
    visitor: &Visitor,
    back: String,
) -> crate::error::AppResult<axum::response::Response> {
    let view = crate::layout::MessageView {
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

/// A page with a heading, some paragraphs and a link.
#[derive(Template)]
#[template(path = "layout/message.html")]
pub struct MessageView {
    /// Layout.
    pub layout: AppLayout,
    /// Heading.
    pub heading: String,
    /// Paragraphs.
    pub paragraphs: Vec<String>,
    /// (href, label).
    pub link: Option<(String, String)>,
}

/// A menu of (href, label) links, the one for `current` marked.
pub fn nav_items(items: &[(&str, &str)], current: &str) -> Vec<NavItem> {
    items
        .iter()
        .map(|&(href, label)| NavItem {
            href: href.to_owned(),
            label: label.to_owned(),
            current: href == current,
        })
        .collect()
}

/// The main menu and the footer links for a language; `current` marks the page shown.
pub fn menus(links: &[PageLink], lang: Lang, current: &str) -> (Vec<NavItem>, Vec<NavItem>) {
    let item = |l: &PageLink| NavItem {
        href: lang.page_path(&l.slug),
        label: l.label().to_owned(),
        current: l.slug == current,
    };
    let mut nav: Vec<&PageLink> = links.iter().filter(|l| l.nav_order.is_some()).collect();
    nav.sort_by_key(|l| (l.nav_order, l.slug.clone()));
    let mut footer: Vec<&PageLink> = links.iter().filter(|l| l.nav_order.is_none()).collect();
    footer.sort_by(|a, b| a.title.cmp(&b.title));
    // The voorzieningenkaart is no content page, but parents look for it first: in the menu after
    // the home page, and first in the footer.
    let map = NavItem {
        href: format!("{}/kaart", lang.prefix()),
        label: ui(lang).map_nav.to_owned(),
        current: current == "kaart",
    };
    let mut nav: Vec<NavItem> = nav.into_iter().map(item).collect();
    nav.insert(nav.len().min(1), map.clone());
    let footer = std::iter::once(map)
        .chain(footer.into_iter().map(item))
        .collect();
    (nav, footer)
}

/// How the footer of a public page says to reach a person.
#[derive(Debug, Clone, Default)]
pub struct FooterContact {
    /// The SWV's bezoekadres and hours, a line each.
    pub swv_lines: Vec<String>,
    /// The SWV's phone (as written, to dial).
    pub swv_phone: Option<(String, String)>,
    /// The SWV's e-mail.
    pub swv_email: Option<String>,
    /// Neither phone nor e-mail is known: the footer says how to reach the SWV instead.
    pub swv_unknown: bool,
    /// The Oudersteunpunt's phone (as written, to dial).
    pub steunpunt_phone: Option<(String, String)>,
    /// The Oudersteunpunt's e-mail.
    pub steunpunt_email: Option<String>,
    /// When the Oudersteunpunt is reachable, or the configured text when no details are saved.
    pub steunpunt_note: Option<String>,
}

/// The footer's contact lines from the saved details; before any are saved, the Oudersteunpunt's
/// configured text (`PASSEND_STEUNPUNT_CONTACT`).
pub fn footer_contact(state: &AppState, c: &ContactDetails) -> FooterContact {
    let some = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
    let phone = |v: &str| some(v).map(|p| (p.clone(), dial(&p)));
    let swv_phone = phone(&c.swv_phone);
    let swv_email = some(&c.swv_email);
    let steunpunt_phone = phone(&c.steunpunt_phone);
    let steunpunt_email = some(&c.steunpunt_email);
    let steunpunt_note = some(&c.steunpunt_hours).or_else(|| {
        (steunpunt_phone.is_none() && steunpunt_email.is_none())
            .then(|| some(&state.casework.steunpunt_contact))
            .flatten()
    });
    FooterContact {
        swv_lines: [&c.swv_address, &c.swv_hours]
            .into_iter()
            .filter_map(|v| some(v))
            .collect(),
        swv_unknown: swv_phone.is_none() && swv_email.is_none(),
        swv_phone,
        swv_email,
        steunpunt_phone,
        steunpunt_email,
        steunpunt_note,
    }
}

/// The public layout for a page that is not a content page (the Oudersteunpunt's form): the
/// menus of the language, with `slug` marked, and `alternate` as the other language's address.
pub async fn public_layout(
    state: &AppState,
    lang: Lang,
    slug: &str,
    title: &str,
    description: &str,
    alternate: &str,
) -> AppResult<Layout> {
    let content = state.cache.get(&state.db, state.tenant_id, lang).await?;
    let mut l = public_page_layout(state, &content, lang, slug, title, description);
    l.alternate = Some(alternate.to_owned());
    Ok(l)
}

/// The layout of a public page: the menus of the language with `slug` marked, and the other
/// language's address of the same page.
pub fn public_page_layout(
    state: &AppState,
    content: &LangContent,
    lang: Lang,
    slug: &str,
    title: &str,
    description: &str,
) -> Layout {
    let (nav, footer) = menus(&content.links, lang, slug);
    Layout {
        lang_code: lang.code(),
        ui: ui(lang),
        site_name: state.site_name.clone(),
        title: title.to_owned(),
        description: description.to_owned(),
        css_href: crate::assets::css_href(),
        home_href: if lang == Lang::En { "/en/" } else { "/" },
        other_lang_code: lang.other().code(),
        alternate: Some(lang.other().page_path(slug)),
        nav,
        footer,
        contact_href: lang.page_path("oudersteunpunt"),
        base_url: state.base_url.clone(),
        reach: Some(footer_contact(state, &content.contact)),
    }
}
