//! The map and list page: the search, the results, the map data.

use crate::AppState;
use crate::encoded::Made;
use crate::error::AppResult;
use crate::extract::SiteLang;
use crate::map::{Hit, KINDS, QueryError};
use crate::routes::kaart::*;
use crate::texts::public::{MapTexts, fill, map_texts, ui};
use crate::views::Layout;
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, header};
use axum::response::Response;
use passend_domain::Lang;
use passend_domain::duo::SchoolType;
use passend_domain::support::THEMES;

/// A checkbox or option in the form.
#[derive(Debug, Clone)]
pub(crate) struct Choice {
    /// Value sent.
    pub(crate) value: String,
    /// Label shown.
    pub(crate) label: String,
    /// Whether it is chosen.
    pub(crate) checked: bool,
}

/// One result in the list.
#[derive(Debug, Clone)]
pub(crate) struct ResultView {
    /// Detail page.
    pub(crate) href: String,
    /// Name.
    pub(crate) name: String,
    /// Kind label.
    pub(crate) kind: &'static str,
    /// Address.
    pub(crate) address: String,
    /// Distance text.
    pub(crate) distance: Option<String>,
    /// Theme labels.
    pub(crate) themes: Vec<String>,
    /// Whether the point is approximate.
    pub(crate) approximate: bool,
}

/// The list page.
#[derive(Template)]
#[template(path = "kaart/list/kaart.html")]
pub(crate) struct KaartView {
    /// Layout.
    pub(crate) layout: Layout,
    /// Texts.
    pub(crate) t: &'static MapTexts,
    /// Form action.
    pub(crate) action: String,
    /// Search as typed.
    pub(crate) q: String,
    /// Kinds.
    pub(crate) kinds: Vec<Choice>,
    /// Clusters.
    pub(crate) clusters: Vec<Choice>,
    /// Themes.
    pub(crate) themes: Vec<Choice>,
    /// Denominaties.
    pub(crate) denominaties: Vec<Choice>,
    /// Postcode as typed.
    pub(crate) postcode: String,
    /// Postcode error, if any.
    pub(crate) postcode_error: Option<&'static str>,
    /// Radius options.
    pub(crate) radii: Vec<Choice>,
    /// Origin from the visitor's location, kept in hidden fields.
    pub(crate) origin: Option<(String, String)>,
    /// A search was made: the results come first, the form after them.
    pub(crate) searched: bool,
    /// How many of the folded filters (support, cluster, denominatie) are chosen.
    pub(crate) more_chosen: usize,
    /// The point searched from (a postcode's centre, or the visitor's location), for its marker.
    pub(crate) origin_point: Option<(String, String)>,
    /// "12 locaties".
    pub(crate) count_line: String,
    /// Whether results are sorted by distance.
    pub(crate) by_distance: bool,
    /// The results of this page.
    pub(crate) results: Vec<ResultView>,
    /// "Pagina 1 van 3" when there is more than one.
    pub(crate) page_line: Option<String>,
    /// Link to the previous page.
    pub(crate) previous: Option<String>,
    /// Link to the next page.
    pub(crate) next: Option<String>,
    /// GeoJSON URL of this search (for the map script).
    pub(crate) geojson_href: String,
    /// CSV URL.
    pub(crate) csv_href: String,
    /// HSDS JSON URL.
    pub(crate) json_href: String,
    /// Tile URL template for the map.
    pub(crate) tiles: String,
    /// Tile attribution.
    pub(crate) attribution: String,
    /// Path of the map script.
    pub(crate) script_href: &'static str,
    /// Path of the map stylesheet.
    pub(crate) map_css_href: &'static str,
}

pub(crate) fn map_layout(
    state: &AppState,
    lang: Lang,
    content: &crate::cache::LangContent,
    title: &str,
    path: &str,
) -> Layout {
    let (nav, footer) = crate::layout::menus(&content.links, lang, "kaart");
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
        base_url: state.base_url.clone(),
        reach: Some(crate::layout::footer_contact(state, &content.contact)),
    }
}

pub(crate) async fn list(
    State(state): State<AppState>,
    SiteLang(lang): SiteLang,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
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
    let cacheable = index.keeps(&query);
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
            layout: map_layout(&state, lang, &content, t.title, "/kaart"),
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
            // From the search as read (the cache key), not the raw address: `?postcode=&soort=`
            // is no search.
            searched: !qs.is_empty() || query.page > 1,
            more_chosen: query.themes.len()
                + query.clusters.len()
                + usize::from(!query.denominatie.is_empty()),
            origin_point: origin.map(|o| (format!("{:.5}", o.lat), format!("{:.5}", o.lon))),
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
    Ok(map_response(
        &state,
        html.respond(
            &headers,
            "text/html; charset=utf-8",
            Made::content(&content).map(&index),
        ),
    ))
}

/// A map page with the map's CSP.
pub(crate) fn map_response(state: &AppState, mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CONTENT_SECURITY_POLICY, state.map.csp.clone());
    response
}

pub(crate) fn result_view(lang: Lang, t: &'static MapTexts, h: &Hit<'_>) -> ResultView {
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
