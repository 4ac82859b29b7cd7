//! The voorzieningenkaart: a list that works without JavaScript (primary), a Leaflet map on top
//! (progressive enhancement), a detail page per location, and the same search as open data
//! (GeoJSON, CSV, and JSON shaped after Open Referral HSDS). Every filter lives in the URL.

use crate::AppState;
use crate::app::Routes;
use crate::error::{AppError, AppResult};
use crate::exports::csv_cell;
use crate::i18n::{MapTexts, fill, long_date, map_texts, ui};
use crate::map::{Entry, Hit, KINDS, MapIndex, MapQuery, QueryError};
use crate::views::Layout;
use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use passend_domain::Lang;
use passend_domain::duo::SchoolType;
use passend_domain::geo::Point;
use passend_domain::support::{Admission, THEMES, theme};

/// Results per page.
pub const PAGE_SIZE: usize = 25;
/// The radius choices in km.
pub const RADII: &[u32] = &[1, 2, 3, 5, 10, 25];

/// The map routes.
pub fn router() -> Routes {
    Routes::new()
        .get("/kaart", |s: State<AppState>, q: RawQuery| {
            list(s, Lang::Nl, q)
        })
        .get("/en/kaart", |s: State<AppState>, q: RawQuery| {
            list(s, Lang::En, q)
        })
        .get("/kaart/{code}", |s: State<AppState>, p: Path<String>| {
            detail(s, Lang::Nl, p)
        })
        .get("/en/kaart/{code}", |s: State<AppState>, p: Path<String>| {
            detail(s, Lang::En, p)
        })
        .get("/kaart.geojson", geojson)
        .get("/kaart.csv", csv_export)
        .get("/kaart.json", hsds)
}

/// Reads the search from the query string. Unknown values are ignored; the postcode is kept as
/// typed so it can be shown back with a message.
pub fn parse_query(raw: Option<&str>) -> MapQuery {
    let mut q = MapQuery {
        page: 1,
        ..MapQuery::default()
    };
    let (mut lat, mut lon) = (None, None);
    for (key, value) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        let value = value.trim();
        match key.as_ref() {
            "q" => q.q = value.chars().take(100).collect(),
            "soort" if KINDS.contains(&value) && !q.kinds.iter().any(|k| k == value) => {
                q.kinds.push(value.to_owned())
            }
            "cluster" => {
                if let Ok(c) = value.parse::<u8>()
                    && (1..=4).contains(&c)
                    && !q.clusters.contains(&c)
                {
                    q.clusters.push(c);
                }
            }
            "thema" if theme(value).is_some() && !q.themes.iter().any(|t| t == value) => {
                q.themes.push(value.to_owned())
            }
            "denominatie" => q.denominatie = value.chars().take(60).collect(),
            "postcode" => q.postcode = value.chars().take(12).collect(),
            "straal" => {
                q.radius_km = value
                    .parse::<u32>()
                    .ok()
                    .filter(|r| RADII.contains(r))
                    .map(f64::from)
            }
            "lat" => lat = value.parse::<f64>().ok(),
            "lon" => lon = value.parse::<f64>().ok(),
            "pagina" => {
                q.page = value
                    .parse::<usize>()
                    .ok()
                    .filter(|p| *p >= 1 && *p <= 10_000)
                    .unwrap_or(1)
            }
            _ => {}
        }
    }
    q.origin = lat
        .zip(lon)
        .and_then(|(lat, lon)| Point::in_netherlands(lat, lon));
    q
}

/// The query string of a search (without the page), for links and the data exports.
pub fn query_string(q: &MapQuery) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    if !q.q.is_empty() {
        s.append_pair("q", &q.q);
    }
    for k in &q.kinds {
        s.append_pair("soort", k);
    }
    for c in &q.clusters {
        s.append_pair("cluster", &c.to_string());
    }
    for t in &q.themes {
        s.append_pair("thema", t);
    }
    if !q.denominatie.is_empty() {
        s.append_pair("denominatie", &q.denominatie);
    }
    if !q.postcode.is_empty() {
        s.append_pair("postcode", &q.postcode);
    }
    if let Some(o) = q.origin {
        s.append_pair("lat", &format!("{:.5}", o.lat));
        s.append_pair("lon", &format!("{:.5}", o.lon));
    }
    if let Some(r) = q.radius_km {
        s.append_pair("straal", &format!("{r}"));
    }
    s.finish()
}

fn entry_kind_label(t: &MapTexts, e: &Entry) -> &'static str {
    match e.voorziening.as_ref().map(|v| v.kind.as_str()) {
        Some("arrangement") => t.voorziening_kinds[1],
        Some(_) => t.voorziening_kinds[0],
        None => kind_label(t, e.kind),
    }
}

fn kind_label(t: &MapTexts, kind: SchoolType) -> &'static str {
    match kind {
        SchoolType::Bo => t.kinds[0],
        SchoolType::Sbo => t.kinds[1],
        SchoolType::So => t.kinds[2],
        SchoolType::Vso => t.kinds[3],
        SchoolType::SoVso => t.kinds[4],
    }
}

fn admission_label(t: &MapTexts, a: Admission) -> &'static str {
    match a {
        Admission::Direct => t.admissions[0],
        Admission::Tlv => t.admissions[1],
        Admission::Plaatsingsoverleg => t.admissions[2],
        Admission::EigenToelating => t.admissions[3],
    }
}

fn theme_label(lang: Lang, id: &str) -> String {
    theme(id)
        .map(|t| if lang == Lang::En { t.en } else { t.nl })
        .unwrap_or(id)
        .to_owned()
}

/// "1,2 km" / "1.2 km", or metres below one km.
pub fn distance_text(lang: Lang, metres: f64) -> String {
    if metres < 1000.0 {
        format!("{} m", (metres / 10.0).round() * 10.0)
    } else {
        let km = format!("{:.1}", metres / 1000.0);
        let km = if lang == Lang::Nl {
            km.replace('.', ",")
        } else {
            km
        };
        format!("{km} km")
    }
}

/// A checkbox or option in the form.
#[derive(Debug, Clone)]
pub struct Choice {
    /// Value sent.
    pub value: String,
    /// Label shown.
    pub label: String,
    /// Whether it is chosen.
    pub checked: bool,
}

/// One result in the list.
#[derive(Debug, Clone)]
pub struct ResultView {
    /// Detail page.
    pub href: String,
    /// Name.
    pub name: String,
    /// Kind label.
    pub kind: &'static str,
    /// Address.
    pub address: String,
    /// Distance text.
    pub distance: Option<String>,
    /// Theme labels.
    pub themes: Vec<String>,
    /// Whether the point is approximate.
    pub approximate: bool,
}

/// The list page.
#[derive(Template)]
#[template(path = "kaart.html")]
pub struct KaartView {
    /// Layout.
    pub layout: Layout,
    /// Texts.
    pub t: &'static MapTexts,
    /// Form action.
    pub action: String,
    /// Search as typed.
    pub q: String,
    /// Kinds.
    pub kinds: Vec<Choice>,
    /// Clusters.
    pub clusters: Vec<Choice>,
    /// Themes.
    pub themes: Vec<Choice>,
    /// Denominaties.
    pub denominaties: Vec<Choice>,
    /// Postcode as typed.
    pub postcode: String,
    /// Postcode error, if any.
    pub postcode_error: Option<&'static str>,
    /// Radius options.
    pub radii: Vec<Choice>,
    /// Origin from the visitor's location, kept in hidden fields.
    pub origin: Option<(String, String)>,
    /// "12 locaties".
    pub count_line: String,
    /// Whether results are sorted by distance.
    pub by_distance: bool,
    /// The results of this page.
    pub results: Vec<ResultView>,
    /// "Pagina 1 van 3" when there is more than one.
    pub page_line: Option<String>,
    /// Link to the previous page.
    pub previous: Option<String>,
    /// Link to the next page.
    pub next: Option<String>,
    /// GeoJSON URL of this search (for the map script).
    pub geojson_href: String,
    /// CSV URL.
    pub csv_href: String,
    /// HSDS JSON URL.
    pub json_href: String,
    /// Tile URL template for the map.
    pub tiles: String,
    /// Tile attribution.
    pub attribution: String,
    /// Path of the map script.
    pub script_href: &'static str,
    /// Path of the map stylesheet.
    pub map_css_href: &'static str,
}

fn map_layout(
    state: &AppState,
    lang: Lang,
    links: &[passend_store::content::PageLink],
    title: &str,
    path: &str,
) -> Layout {
    let (nav, footer) = crate::layout::menus(links, lang, "kaart");
    Layout {
        lang_code: lang.code(),
        ui: ui(lang),
        site_name: state.site_name.clone(),
        title: title.to_owned(),
        description: map_texts(lang).intro.to_owned(),
        css_href: crate::assets::css_href(),
        home_href: if lang == Lang::En { "/en/" } else { "/" },
        other_lang_code: lang.other().code(),
        alternate: Some(format!("{}{path}", lang.other().prefix())),
        nav,
        footer,
        contact_href: lang.page_path("oudersteunpunt"),
    }
}

async fn list(
    State(state): State<AppState>,
    lang: Lang,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let t = map_texts(lang);
    let index = state.map_cache.get(&state.db, state.tenant_id).await?;
    let content = state.cache.get(&state.db, state.tenant_id, lang).await?;
    let mut query = parse_query(raw.as_deref());
    let key = format!(
        "list|{}|{:?}|{}|{}",
        lang.code(),
        content.stamp(),
        query_string(&query),
        query.page
    );
    let cacheable = query.q.is_empty() && query.origin.is_none();
    let html = index.response(&key, cacheable, || -> AppResult<String> {
        let (origin, postcode_error) = match index.origin(&query) {
            Ok(o) => (o, None),
            Err(QueryError::BadPostcode) => (None, Some(t.err_postcode)),
            Err(QueryError::UnknownPostcode) => (None, Some(t.err_postcode_unknown)),
        };
        let hits = index.search(&query, origin);
        let total = hits.len();
        let pages = total.div_ceil(PAGE_SIZE).max(1);
        query.page = query.page.min(pages);
        let shown: Vec<ResultView> = hits
            .iter()
            .skip((query.page - 1) * PAGE_SIZE)
            .take(PAGE_SIZE)
            .map(|h| result_view(lang, t, h))
            .collect();
        let qs = query_string(&query);
        let base = format!("{}/kaart", lang.prefix());
        let page_href = |p: usize| {
            if qs.is_empty() {
                format!("{base}?pagina={p}")
            } else {
                format!("{base}?{qs}&pagina={p}")
            }
        };
        let with_qs = |path: &str| {
            if qs.is_empty() {
                path.to_owned()
            } else {
                format!("{path}?{qs}")
            }
        };
        let view = KaartView {
            layout: map_layout(&state, lang, &content.links, t.title, "/kaart"),
            t,
            action: base.clone(),
            q: query.q.clone(),
            kinds: KINDS
                .iter()
                .zip([
                    SchoolType::Bo,
                    SchoolType::Sbo,
                    SchoolType::So,
                    SchoolType::Vso,
                ])
                .map(|(k, kind)| Choice {
                    value: (*k).to_owned(),
                    label: kind_label(t, kind).to_owned(),
                    checked: query.kinds.iter().any(|q| q == k),
                })
                .collect(),
            clusters: (2..=4u8)
                .map(|c| Choice {
                    value: c.to_string(),
                    label: format!("Cluster {c}"),
                    checked: query.clusters.contains(&c),
                })
                .collect(),
            themes: THEMES
                .iter()
                .map(|th| Choice {
                    value: th.id.to_owned(),
                    label: (if lang == Lang::En { th.en } else { th.nl }).to_owned(),
                    checked: query.themes.iter().any(|q| q == th.id),
                })
                .collect(),
            denominaties: index
                .denominaties
                .iter()
                .map(|d| Choice {
                    value: d.clone(),
                    label: d.clone(),
                    checked: *d == query.denominatie,
                })
                .collect(),
            postcode: query.postcode.clone(),
            postcode_error,
            radii: RADII
                .iter()
                .map(|r| Choice {
                    value: r.to_string(),
                    label: format!("{r} km"),
                    checked: query.radius_km == Some(f64::from(*r)),
                })
                .collect(),
            origin: query
                .origin
                .map(|o| (format!("{:.5}", o.lat), format!("{:.5}", o.lon))),
            count_line: match total {
                0 => t.results_none.to_owned(),
                1 => t.results_one.to_owned(),
                n => fill(t.results_many, n, ""),
            },
            by_distance: origin.is_some(),
            results: shown,
            page_line: (pages > 1).then(|| {
                t.page_of
                    .replace("{n}", &query.page.to_string())
                    .replace("{q}", &pages.to_string())
            }),
            previous: (query.page > 1).then(|| page_href(query.page - 1)),
            next: (query.page < pages).then(|| page_href(query.page + 1)),
            geojson_href: with_qs("/kaart.geojson"),
            csv_href: with_qs("/kaart.csv"),
            json_href: with_qs("/kaart.json"),
            tiles: state.map.tiles.clone(),
            attribution: state.map.attribution.clone(),
            script_href: crate::assets::map_js_href(),
            map_css_href: crate::assets::map_css_href(),
        };
        Ok(view.render()?)
    })?;
    Ok(map_response(&state, "text/html; charset=utf-8", html))
}

/// A map page with the map's CSP.
fn map_response(state: &AppState, content_type: &'static str, body: axum::body::Bytes) -> Response {
    let mut response = ([(header::CONTENT_TYPE, content_type)], body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_SECURITY_POLICY, state.map.csp.clone());
    response
}

fn result_view(lang: Lang, t: &'static MapTexts, h: &Hit<'_>) -> ResultView {
    ResultView {
        href: format!("{}{}", lang.prefix(), h.entry.path()),
        name: h.entry.name().to_owned(),
        kind: entry_kind_label(t, h.entry),
        address: h.entry.address(),
        distance: h.distance_m.map(|d| distance_text(lang, d)),
        themes: h
            .entry
            .themes
            .iter()
            .map(|id| theme_label(lang, id))
            .collect(),
        approximate: h.entry.approximate,
    }
}

/// A year of pupil counts.
#[derive(Debug, Clone)]
pub struct YearCount {
    /// Year.
    pub year: i64,
    /// Count or "fewer than 5".
    pub pupils: String,
}

/// A voorziening on its location's page.
#[derive(Debug, Clone)]
pub struct VoorzieningView {
    /// Anchor.
    pub anchor: String,
    /// Name.
    pub name: String,
    /// Kind label.
    pub kind: &'static str,
    /// Description.
    pub description: String,
    /// Theme labels.
    pub themes: Vec<String>,
    /// Admission text.
    pub admission: &'static str,
    /// Places.
    pub capacity: Option<i64>,
    /// Waiting list.
    pub waiting_list: Option<i64>,
    /// Contact.
    pub contact: String,
    /// Last verified, in long form.
    pub verified: Option<String>,
    /// Older than 12 months.
    pub stale: bool,
}

/// A profile set by the SWV or the school, on the detail page.
#[derive(Debug, Clone)]
pub struct ProfileView {
    /// Description.
    pub description: String,
    /// Basis or extra, in words.
    pub level: &'static str,
    /// Places.
    pub capacity: Option<i64>,
    /// Waiting list.
    pub waiting_list: Option<i64>,
    /// Contact.
    pub contact: String,
    /// Who set it, in words.
    pub set_by: &'static str,
    /// Where the information comes from.
    pub source_url: Option<String>,
    /// Last updated (saved by the school, or set by the SWV), in long form.
    pub verified: Option<String>,
    /// Older than 12 months (or never updated).
    pub stale: bool,
    /// When SWV staff checked it, in long form.
    pub checked: Option<String>,
}

/// The detail page.
#[derive(Template)]
#[template(path = "kaart_detail.html")]
pub struct DetailView {
    /// Layout.
    pub layout: Layout,
    /// Texts.
    pub t: &'static MapTexts,
    /// Kind label.
    pub kind: &'static str,
    /// Address.
    pub address: String,
    /// Whether the location is open.
    pub open: bool,
    /// Route link.
    pub route_href: Option<String>,
    /// Whether the point is approximate.
    pub approximate: bool,
    /// Phone for display and tel: link.
    pub phone: Option<(String, String)>,
    /// Website link and label.
    pub website: Option<(String, String)>,
    /// Admission text.
    pub admission: &'static str,
    /// Link to the TLV page when a TLV is needed.
    pub tlv_href: Option<String>,
    /// Themes (labels).
    pub themes: Vec<String>,
    /// Whether the profile is derived from DUO.
    pub derived: bool,
    /// DUO's ONDERWIJS and clusters as published.
    pub duo_codes: String,
    /// Data date.
    pub data_date: Option<String>,
    /// Older than 12 months.
    pub stale: bool,
    /// Pupil counts, last ten years.
    pub pupils: Vec<YearCount>,
    /// History.
    pub history: Vec<(String, String)>,
    /// Scholen op de kaart search link.
    pub sodk_href: String,
    /// Back link.
    pub back_href: String,
    /// Vestigingscode and denominatie line.
    pub facts: Vec<(&'static str, String)>,
    /// Voorzieningen hosted here.
    pub voorzieningen: Vec<VoorzieningView>,
    /// The profile the SWV or school set, if any.
    pub profile: Option<ProfileView>,
}

fn phone_display(digits: &str) -> String {
    match digits.strip_prefix("06") {
        Some(rest) if digits.len() == 10 => format!("06 {rest}"),
        _ if digits.len() == 10 && digits.starts_with('0') => {
            format!("{} {}", &digits[..3], &digits[3..])
        }
        _ => digits.to_owned(),
    }
}

fn website_href(raw: &str) -> Option<String> {
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

async fn detail(
    State(state): State<AppState>,
    lang: Lang,
    Path(code): Path<String>,
) -> AppResult<Response> {
    let t = map_texts(lang);
    let code = code.to_ascii_uppercase();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(AppError::NotFound);
    }
    let index = state.map_cache.get(&state.db, state.tenant_id).await?;
    let entry: &Entry = index.by_code(&code).ok_or(AppError::NotFound)?;
    let content = state.cache.get(&state.db, state.tenant_id, lang).await?;
    let counts = passend_store::locations::pupil_counts(&state.db, &code).await?;
    let events = passend_store::locations::location_events(&state.db, entry.loc.id).await?;
    let today = chrono::Utc::now().date_naive();
    let derived = entry.profile.is_none() && !entry.themes.is_empty();
    let mut duo_codes = entry.loc.onderwijs.clone();
    if !entry.loc.clusters.is_empty() {
        duo_codes = format!(
            "{duo_codes} (cluster {})",
            entry.loc.clusters.replace(',', "/")
        );
    }
    let ui_texts = ui(lang);
    let view = DetailView {
        layout: map_layout(
            &state,
            lang,
            &content.links,
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
        phone: entry
            .loc
            .phone
            .as_ref()
            .filter(|p| !p.is_empty())
            .map(|p| (phone_display(p), p.clone())),
        website: entry
            .loc
            .website
            .as_deref()
            .and_then(website_href)
            .map(|href| {
                (
                    href.clone(),
                    href.trim_start_matches("https://")
                        .trim_start_matches("http://")
                        .to_owned(),
                )
            }),
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
    Ok(map_response(
        &state,
        "text/html; charset=utf-8",
        view.render()?.into(),
    ))
}

async fn search_for_export(
    state: &AppState,
    raw: Option<&str>,
) -> AppResult<(std::sync::Arc<MapIndex>, MapQuery, Option<Point>)> {
    let index = state.map_cache.get(&state.db, state.tenant_id).await?;
    let query = parse_query(raw);
    let origin = index.origin(&query).ok().flatten();
    Ok((index, query, origin))
}

/// `GET /kaart.geojson`: the search as GeoJSON (every result with coordinates, no paging).
async fn geojson(State(state): State<AppState>, RawQuery(raw): RawQuery) -> AppResult<Response> {
    let (index, query, origin) = search_for_export(&state, raw.as_deref()).await?;
    let key = format!("geojson|{}", query_string(&query));
    let cacheable = query.q.is_empty() && query.origin.is_none();
    let body = index.response(&key, cacheable, || -> AppResult<String> {
        let features: Vec<serde_json::Value> = index
            .search(&query, origin)
            .iter()
            .filter_map(|h| {
                let p = h.entry.point?;
                Some(serde_json::json!({
                    "type": "Feature",
                    "id": h.entry.voorziening.as_ref().map_or_else(|| h.entry.loc.code.clone(), |v| format!("v-{}", v.slug)),
                    "geometry": { "type": "Point", "coordinates": [round6(p.lon), round6(p.lat)] },
                    "properties": {
                        "name": h.entry.name(),
                        "vestigingscode": h.entry.loc.code,
                        "type": h.entry.type_code(),
                        "themes": h.entry.themes,
                        "address": h.entry.address(),
                        "url": h.entry.path(),
                        "approximate": h.entry.approximate,
                        "distance_m": h.distance_m.map(f64::round),
                    }
                }))
            })
            .collect();
        Ok(serde_json::json!({ "type": "FeatureCollection", "features": features }).to_string())
    })?;
    Ok(([(header::CONTENT_TYPE, "application/geo+json")], body).into_response())
}

fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

/// `GET /kaart.csv`: the search as CSV for Dutch spreadsheets (`;`, UTF-8 with BOM).
async fn csv_export(State(state): State<AppState>, RawQuery(raw): RawQuery) -> AppResult<Response> {
    let (index, query, origin) = search_for_export(&state, raw.as_deref()).await?;
    let mut out = String::from("\u{feff}");
    let header_row = [
        "vestigingscode",
        "naam",
        "soort",
        "straat",
        "huisnummer",
        "postcode",
        "plaats",
        "denominatie",
        "telefoon",
        "website",
        "cluster",
        "ondersteuning",
        "toelating",
        "lat",
        "lon",
        "afstand_m",
    ];
    out.push_str(&header_row.join(";"));
    out.push_str("\r\n");
    for h in index.search(&query, origin) {
        let e = h.entry;
        let row = [
            e.loc.code.clone(),
            e.name().to_owned(),
            e.type_code().to_owned(),
            e.loc.street.clone(),
            e.loc.house_number_raw.clone(),
            e.loc.postcode.clone(),
            e.place.clone(),
            e.loc.denominatie.clone(),
            e.loc.phone.clone().unwrap_or_default(),
            e.loc.website.clone().unwrap_or_default(),
            e.loc.clusters.replace(',', "/"),
            e.themes.join(","),
            e.admission.code().to_owned(),
            e.point.map(|p| format!("{:.6}", p.lat)).unwrap_or_default(),
            e.point.map(|p| format!("{:.6}", p.lon)).unwrap_or_default(),
            h.distance_m.map(|d| format!("{d:.0}")).unwrap_or_default(),
        ];
        let cells: Vec<String> = row
            .iter()
            .map(|c| csv_cell(c, crate::exports::Quote::WhenNeeded))
            .collect();
        out.push_str(&cells.join(";"));
        out.push_str("\r\n");
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"voorzieningenkaart.csv\"",
            ),
        ],
        out,
    )
        .into_response())
}

/// `GET /kaart.json`: the search shaped after Open Referral HSDS 3.0 (organizations, locations,
/// services and service_at_locations).
async fn hsds(State(state): State<AppState>, RawQuery(raw): RawQuery) -> AppResult<Response> {
    let (index, query, origin) = search_for_export(&state, raw.as_deref()).await?;
    let hits = index.search(&query, origin);
    let mut organizations = std::collections::BTreeMap::new();
    let mut locations = Vec::new();
    let mut services = Vec::new();
    let mut service_at_locations = Vec::new();
    let mut seen_locations = std::collections::HashSet::new();
    for h in &hits {
        let e = h.entry;
        if let Some(v) = &e.voorziening {
            let id = format!("v-{}", v.slug);
            services.push(serde_json::json!({
                "id": id,
                "organization_id": e.loc.brin,
                "name": v.name,
                "description": v.description,
                "status": "active",
                "eligibility_description": admission_label(&crate::i18n::MAP_NL, e.admission),
                "attributes": e.themes.iter().map(|t| serde_json::json!({ "taxonomy_term_id": t })).collect::<Vec<_>>(),
            }));
            service_at_locations.push(serde_json::json!({ "id": format!("{id}-at"), "service_id": id, "location_id": e.loc.code }));
        }
        if !seen_locations.insert(e.loc.code.clone()) {
            continue;
        }
        // The organisation is the school (BRIN); its main location (suffix 00) names it when known.
        let main = e.loc.code.ends_with("00");
        let org = serde_json::json!({
            "id": e.loc.brin,
            "name": e.loc.name,
            "description": kind_label(&crate::i18n::MAP_NL, e.kind),
            "website": e.loc.website.as_deref().and_then(website_href),
        });
        match organizations.entry(e.loc.brin.clone()) {
            std::collections::btree_map::Entry::Vacant(v) => {
                v.insert(org);
            }
            std::collections::btree_map::Entry::Occupied(mut o) if main => {
                o.insert(org);
            }
            std::collections::btree_map::Entry::Occupied(_) => {}
        }
        locations.push(serde_json::json!({
            "id": e.loc.code,
            "organization_id": e.loc.brin,
            "name": e.loc.name,
            "location_type": "physical",
            "latitude": e.point.map(|p| round6(p.lat)),
            "longitude": e.point.map(|p| round6(p.lon)),
            "addresses": [{
                "address_1": format!("{} {}", e.loc.street, e.loc.house_number_raw),
                "city": e.place,
                "postal_code": e.loc.postcode,
                "country": "NL",
                "address_type": "physical"
            }],
            "phones": e.loc.phone.iter().map(|p| serde_json::json!({ "number": p })).collect::<Vec<_>>(),
        }));
        let location_themes = if e.voorziening.is_some() {
            Vec::new()
        } else {
            e.themes.clone()
        };
        for th in &location_themes {
            let id = format!("{}-{th}", e.loc.code);
            services.push(serde_json::json!({
                "id": id,
                "organization_id": e.loc.brin,
                "name": theme_label(Lang::Nl, th),
                "status": "active",
                "eligibility_description": admission_label(&crate::i18n::MAP_NL, e.admission),
                "attributes": [{ "taxonomy_term_id": th }],
            }));
            service_at_locations.push(serde_json::json!({ "id": format!("{id}-at"), "service_id": id, "location_id": e.loc.code }));
        }
    }
    let body = serde_json::json!({
        "organizations": organizations.into_values().collect::<Vec<_>>(),
        "locations": locations,
        "services": services,
        "service_at_locations": service_at_locations,
        "taxonomy_terms": THEMES.iter().map(|t| serde_json::json!({ "id": t.id, "name": t.nl, "taxonomy": "passend-ondersteuning" })).collect::<Vec<_>>(),
    });
    Ok((
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_round_trip() {
        let q = parse_query(Some(
            "q=de+klimop&soort=sbo&soort=x&cluster=4&cluster=9&thema=autisme&thema=nee&postcode=1315%20AB&straal=3&pagina=2",
        ));
        assert_eq!(q.q, "de klimop");
        assert_eq!(q.kinds, vec!["sbo"]);
        assert_eq!(q.clusters, vec![4]);
        assert_eq!(q.themes, vec!["autisme"]);
        assert_eq!(q.postcode, "1315 AB");
        assert_eq!(q.radius_km, Some(3.0));
        assert_eq!(q.page, 2);
        assert_eq!(
            query_string(&q),
            "q=de+klimop&soort=sbo&cluster=4&thema=autisme&postcode=1315+AB&straal=3"
        );
        assert_eq!(parse_query(Some("straal=4")).radius_km, None);
        assert_eq!(
            parse_query(Some("lat=5.2&lon=52.3")).origin,
            None,
            "swapped coordinates are ignored"
        );
    }

    #[test]
    fn cells_and_distances() {
        assert_eq!(distance_text(Lang::Nl, 1234.0), "1,2 km");
        assert_eq!(distance_text(Lang::En, 1234.0), "1.2 km");
        assert_eq!(distance_text(Lang::Nl, 444.0), "440 m");
        assert_eq!(
            website_href("www.school.nl/").as_deref(),
            Some("https://www.school.nl")
        );
        assert_eq!(website_href(" "), None);
        assert_eq!(phone_display("0365310271"), "036 5310271");
    }
}
