//! A location's page: its voorzieningen, profile and pupil counts.

use crate::AppState;
use crate::encoded::Made;
use crate::error::{AppError, AppResult};
use crate::extract::SiteLang;
use crate::map::Entry;
use crate::routes::kaart::*;
use crate::texts::public::{MapTexts, long_date, map_texts, ui};
use crate::views::Layout;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;

const HTML: &str = "text/html; charset=utf-8";
use passend_domain::Lang;
use passend_domain::duo::parse_onderwijs;
use passend_domain::support::{Admission, onderwijs_in_words};

/// A year of pupil counts.
#[derive(Debug, Clone)]
pub(crate) struct YearCount {
    /// Year.
    pub(crate) year: i64,
    /// Count or "fewer than 5".
    pub(crate) pupils: String,
}

/// A voorziening on its location's page.
#[derive(Debug, Clone)]
pub(crate) struct VoorzieningView {
    /// Anchor.
    pub(crate) anchor: String,
    /// Name.
    pub(crate) name: String,
    /// Kind label.
    pub(crate) kind: &'static str,
    /// Description.
    pub(crate) description: String,
    /// Theme labels.
    pub(crate) themes: Vec<String>,
    /// Admission text.
    pub(crate) admission: &'static str,
    /// Places.
    pub(crate) capacity: Option<i64>,
    /// Waiting list.
    pub(crate) waiting_list: Option<i64>,
    /// Contact.
    pub(crate) contact: String,
    /// Last verified, in long form.
    pub(crate) verified: Option<String>,
    /// Older than 12 months.
    pub(crate) stale: bool,
}

/// A profile set by the SWV or the school, on the detail page.
#[derive(Debug, Clone)]
pub(crate) struct ProfileView {
    /// Description.
    pub(crate) description: String,
    /// Basis or extra, in words.
    pub(crate) level: &'static str,
    /// Places.
    pub(crate) capacity: Option<i64>,
    /// Waiting list.
    pub(crate) waiting_list: Option<i64>,
    /// Contact.
    pub(crate) contact: String,
    /// Who set it, in words.
    pub(crate) set_by: &'static str,
    /// Where the information comes from.
    pub(crate) source_url: Option<String>,
    /// Last updated (saved by the school, or set by the SWV), in long form.
    pub(crate) verified: Option<String>,
    /// Older than 12 months (or never updated).
    pub(crate) stale: bool,
    /// When SWV staff checked it, in long form.
    pub(crate) checked: Option<String>,
}

/// The detail page.
#[derive(Template)]
#[template(path = "kaart/detail/detail.html")]
pub(crate) struct DetailView {
    /// Layout.
    pub(crate) layout: Layout,
    /// Texts.
    pub(crate) t: &'static MapTexts,
    /// Kind label.
    pub(crate) kind: &'static str,
    /// Address.
    pub(crate) address: String,
    /// Whether the location is open.
    pub(crate) open: bool,
    /// Route link.
    pub(crate) route_href: Option<String>,
    /// Whether the point is approximate.
    pub(crate) approximate: bool,
    /// Phone for display and tel: link.
    pub(crate) phone: Option<(String, String)>,
    /// The main location's name, when the phone is its (this location has none of its own).
    pub(crate) phone_from: Option<String>,
    /// Website link and label.
    pub(crate) website: Option<(String, String)>,
    /// The main location's name, when the website is its.
    pub(crate) website_from: Option<String>,
    /// DUO's registration in plain words.
    pub(crate) duo_words: Vec<String>,
    /// Names the school had before.
    pub(crate) former_names: Vec<String>,
    /// Admission text.
    pub(crate) admission: &'static str,
    /// Link to the TLV page when a TLV is needed.
    pub(crate) tlv_href: Option<String>,
    /// Themes (labels).
    pub(crate) themes: Vec<String>,
    /// Whether the profile is derived from DUO.
    pub(crate) derived: bool,
    /// DUO's ONDERWIJS and clusters as published.
    pub(crate) duo_codes: String,
    /// Data date.
    pub(crate) data_date: Option<String>,
    /// Older than 12 months.
    pub(crate) stale: bool,
    /// Pupil counts, last ten years.
    pub(crate) pupils: Vec<YearCount>,
    /// History.
    pub(crate) history: Vec<(String, String)>,
    /// Scholen op de kaart search link.
    pub(crate) sodk_href: String,
    /// Back link.
    pub(crate) back_href: String,
    /// Vestigingscode and denominatie line.
    pub(crate) facts: Vec<(&'static str, String)>,
    /// Voorzieningen hosted here.
    pub(crate) voorzieningen: Vec<VoorzieningView>,
    /// The profile the SWV or school set, if any.
    pub(crate) profile: Option<ProfileView>,
}

pub(crate) fn phone_display(digits: &str) -> String {
    match digits.strip_prefix("06") {
        Some(rest) if digits.len() == 10 => format!("06 {rest}"),
        _ if digits.len() == 10 && digits.starts_with('0') => {
            format!("{} {}", &digits[..3], &digits[3..])
        }
        _ => digits.to_owned(),
    }
}

pub(crate) fn website_href(raw: &str) -> Option<String> {
    let raw = raw.trim().trim_end_matches('/');
    if raw.is_empty() || raw.contains(' ') || raw.contains('"') || raw.contains('<') {
        return None;
    }
    if raw.starts_with("http://") || raw.starts_with("https://") {
        Some(raw.to_owned())
    } else {
        Some(format!("https://{raw}"))
    }
}

/// A contact field of `entry`, or else of its school's `main` location with that location's name.
fn own_or_main<'a>(
    entry: &'a Entry,
    main: Option<&'a Entry>,
    field: fn(&'a Entry) -> Option<&'a str>,
) -> (Option<&'a str>, Option<String>) {
    let filled = |e: &'a Entry| field(e).filter(|v| !v.trim().is_empty());
    match (filled(entry), main) {
        (Some(v), _) => (Some(v), None),
        (None, Some(m)) if m.loc.code != entry.loc.code => {
            (filled(m), filled(m).map(|_| m.loc.name.clone()))
        }
        _ => (None, None),
    }
}

pub(crate) async fn detail(
    State(state): State<AppState>,
    SiteLang(lang): SiteLang,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let t = map_texts(lang);
    let code = code.to_ascii_uppercase();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(AppError::NotFound);
    }
    let index = state.map_cache.get(&state.db, state.tenant_id).await?;
    let content = state.cache.get(&state.db, state.tenant_id, lang).await?;
    // Kept with the index (a new import or profile makes a new one) per content version; only
    // a page that exists is ever kept.
    // Today is part of the key: the page warns about data older than a year.
    let today = chrono::Utc::now().date_naive();
    let made = Made::content(&content).map(&index).on(today);
    let key = format!("detail|{}|{code}|{}|{today}", lang.code(), content.stamp());
    if let Some(kept) = index.kept(&key) {
        return Ok(map_response(&state, kept.respond(&headers, HTML, made)));
    }
    let entry: &Entry = index.by_code(&code).ok_or(AppError::NotFound)?;
    let counts = passend_store::locations::pupil_counts(&state.db, &code).await?;
    let events = passend_store::locations::location_events(&state.db, entry.loc.id).await?;
    let derived = entry.profile.is_none() && !entry.themes.is_empty();
    let mut duo_codes = entry.loc.onderwijs.clone();
    if !entry.loc.clusters.is_empty() {
        duo_codes = format!(
            "{duo_codes} (cluster {})",
            entry.loc.clusters.replace(',', "/")
        );
    }
    let ui_texts = ui(lang);
    // A location without a phone or website of its own shows its school's main location's.
    let main = index.by_code(&format!("{}00", entry.loc.brin));
    let (phone, phone_from) = own_or_main(entry, main, |e| e.loc.phone.as_deref());
    let (website, website_from) = own_or_main(entry, main, |e| e.loc.website.as_deref());
    let view = DetailView {
        layout: map_layout(
            &state,
            lang,
            &content,
            &entry.loc.name,
            &format!("/kaart/{code}"),
        ),
        t,
        kind: kind_label(t, entry.kind),
        address: entry.address(),
        open: entry.is_open(),
        // An approximate point would send people to the middle of the postcode area: route to
        // the address instead.
        route_href: match (entry.point, entry.approximate) {
            (Some(p), false) => Some(format!(
                "https://www.openstreetmap.org/directions?route=%3B{:.5}%2C{:.5}",
                p.lat, p.lon
            )),
            _ => Some(format!(
                "https://www.openstreetmap.org/search?query={}",
                form_urlencoded::byte_serialize(entry.address().as_bytes()).collect::<String>()
            )),
        },
        tlv_href: (entry.admission == Admission::Tlv)
            .then(|| lang.page_path("toelaatbaarheidsverklaring")),
        approximate: entry.approximate,
        phone: phone.map(|p| (phone_display(p), p.to_owned())),
        phone_from,
        website: website.and_then(website_href).map(|href| {
            let shown = href
                .trim_start_matches("https://")
                .trim_start_matches("http://")
                .to_owned();
            (href, shown)
        }),
        website_from,
        duo_words: onderwijs_in_words(&parse_onderwijs(&entry.loc.onderwijs), lang == Lang::En),
        former_names: entry.former_names.clone(),
        admission: admission_label(t, entry.admission),
        themes: entry
            .themes
            .iter()
            .map(|id| theme_label(lang, id))
            .collect(),
        derived,
        duo_codes,
        data_date: index.data_date.map(|d| long_date(ui_texts, d)),
        stale: index
            .data_date
            .is_some_and(|d| (today - d).num_days() > 365),
        pupils: counts
            .iter()
            .rev()
            .take(10)
            .map(|(year, n)| YearCount {
                year: *year,
                pupils: n
                    .map(|n| n.to_string())
                    .unwrap_or_else(|| t.fewer_than_five.to_owned()),
            })
            .collect(),
        // Being new in the first data a deployment loads is no news; later changes are.
        history: events
            .iter()
            .filter(|e| e.kind != "new")
            .map(|e| {
                (
                    long_date(ui_texts, e.created_at.date_naive()),
                    e.detail.clone(),
                )
            })
            .collect(),
        sodk_href: format!(
            "https://scholenopdekaart.nl/zoeken/?zoektermen={}",
            form_urlencoded::byte_serialize(entry.loc.name.as_bytes()).collect::<String>()
        ),
        back_href: format!("{}/kaart", lang.prefix()),
        profile: entry.profile.as_ref().map(|p| ProfileView {
            description: p.description.clone(),
            level: if p.level == "basis" {
                t.level_basis
            } else {
                t.level_extra
            },
            capacity: p.capacity,
            waiting_list: p.waiting_list,
            contact: p.contact.clone(),
            set_by: if p.set_by == "school" {
                t.set_by_school
            } else {
                t.set_by_swv
            },
            source_url: p
                .source_url
                .clone()
                .filter(|u| u.starts_with("https://") || u.starts_with("http://")),
            verified: p.last_verified_on.map(|d| long_date(ui_texts, d)),
            stale: p
                .last_verified_on
                .is_none_or(|d| (today - d).num_days() > 365),
            checked: p.checked_on.map(|d| long_date(ui_texts, d)),
        }),
        voorzieningen: index
            .voorzieningen_at(&code)
            .into_iter()
            .filter_map(|e| e.voorziening.as_ref().map(|v| (e, v)))
            .map(|(e, v)| VoorzieningView {
                anchor: format!("v-{}", v.slug),
                name: v.name.clone(),
                kind: entry_kind_label(t, e),
                description: v.description.clone(),
                themes: e.themes.iter().map(|id| theme_label(lang, id)).collect(),
                admission: admission_label(t, e.admission),
                capacity: v.capacity,
                waiting_list: v.waiting_list,
                contact: v.contact.clone(),
                verified: v.last_verified_on.map(|d| long_date(ui_texts, d)),
                stale: v
                    .last_verified_on
                    .is_none_or(|d| (today - d).num_days() > 365),
            })
            .collect(),
        facts: vec![
            (
                if lang == Lang::En {
                    "School location code (DUO)"
                } else {
                    "Vestigingscode (DUO)"
                },
                entry.loc.code.clone(),
            ),
            (
                if lang == Lang::En {
                    "Denomination"
                } else {
                    "Richting"
                },
                entry.loc.denominatie.clone(),
            ),
        ],
    };
    let page = index.keep(&key, view.render()?);
    Ok(map_response(&state, page.respond(&headers, HTML, made)))
}
