//! Open data: GeoJSON, CSV and HSDS of the search.

use crate::AppState;
use crate::encoded::Made;
use crate::error::AppResult;
use crate::exports::csv_cell;
use crate::map::{MapIndex, MapQuery};
use crate::routes::kaart::*;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use passend_domain::Lang;
use passend_domain::geo::Point;
use passend_domain::support::THEMES;

pub(crate) async fn search_for_export(
    state: &AppState,
    raw: Option<&str>,
) -> AppResult<(std::sync::Arc<MapIndex>, MapQuery, Option<Point>)> {
    let index = state.map_cache.get(&state.db, state.tenant_id).await?;
    let query = parse_query(raw);
    let origin = index.origin(&query).ok().flatten();
    Ok((index, query, origin))
}

/// `GET /kaart.geojson`: the search as GeoJSON (every result with coordinates, no paging).
pub(crate) async fn geojson(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> AppResult<Response> {
    let (index, query, origin) = search_for_export(&state, raw.as_deref()).await?;
    let key = format!("geojson|{}", query_string(&query));
    let cacheable = index.keeps(&query);
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
    Ok(body.respond(
        &headers,
        "application/geo+json",
        Made::default().map(&index),
    ))
}

pub(crate) fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

/// `GET /kaart.csv`: the search as CSV for Dutch spreadsheets (`;`, UTF-8 with BOM).
pub(crate) async fn csv_export(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> AppResult<Response> {
    let (index, query, origin) = search_for_export(&state, raw.as_deref()).await?;
    let key = format!("csv|{}", query_string(&query));
    let cacheable = index.keeps(&query);
    let body = index.response(&key, cacheable, || -> AppResult<String> {
        Ok(csv_body(&index, &query, origin))
    })?;
    let mut r = body.respond(
        &headers,
        "text/csv; charset=utf-8",
        Made::default().map(&index),
    );
    r.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"voorzieningenkaart.csv\""),
    );
    Ok(r)
}

/// The CSV of a search: `;`, UTF-8 with BOM, for Dutch spreadsheets.
fn csv_body(index: &MapIndex, query: &MapQuery, origin: Option<Point>) -> String {
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
    for h in index.search(query, origin) {
        let e = h.entry;
        let row = [
            e.loc.code.clone(),
            e.name().to_owned(),
            e.type_code().to_owned(),
            e.loc.street.clone(),
            e.house_number(),
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
    out
}

/// `GET /kaart.json`: the search shaped after Open Referral HSDS 3.0 (organizations, locations,
/// services and service_at_locations).
pub(crate) async fn hsds(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> AppResult<Response> {
    let (index, query, origin) = search_for_export(&state, raw.as_deref()).await?;
    let key = format!("hsds|{}", query_string(&query));
    let cacheable = index.keeps(&query);
    let body = index.response(&key, cacheable, || -> AppResult<String> {
        Ok(hsds_body(&index, &query, origin))
    })?;
    Ok(body.respond(&headers, "application/json", Made::default().map(&index)))
}

/// A search as Open Referral HSDS 3.0 JSON.
fn hsds_body(index: &MapIndex, query: &MapQuery, origin: Option<Point>) -> String {
    let hits = index.search(query, origin);
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
                "eligibility_description": admission_label(&crate::texts::public::MAP_NL, e.admission),
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
            "description": kind_label(&crate::texts::public::MAP_NL, e.kind),
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
            "url": e.loc.website.as_deref().and_then(website_href),
            "latitude": e.point.map(|p| round6(p.lat)),
            "longitude": e.point.map(|p| round6(p.lon)),
            "addresses": [{
                "address_1": format!("{} {}", e.loc.street, e.house_number()),
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
                "eligibility_description": admission_label(&crate::texts::public::MAP_NL, e.admission),
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
    body.to_string()
}
