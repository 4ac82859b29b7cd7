//! The voorzieningenkaart: a list that works without JavaScript (primary), a Leaflet map on top
//! (progressive enhancement), a detail page per location, and the same search as open data
//! (GeoJSON, CSV, and JSON shaped after Open Referral HSDS). Every filter lives in the URL.

mod detail;
mod exports;
mod list;

pub(crate) use detail::*;
pub(crate) use exports::*;
pub(crate) use list::*;

use crate::app::Routes;
use crate::map::{Entry, KINDS, MapQuery};
use crate::texts::public::MapTexts;
use passend_domain::Lang;
use passend_domain::duo::SchoolType;
use passend_domain::geo::Point;
use passend_domain::support::{Admission, theme};

/// Results per page.
pub(crate) const PAGE_SIZE: usize = 25;

/// The radius choices in km.
pub(crate) const RADII: &[u32] = &[1, 2, 3, 5, 10, 25];

/// The map routes.
pub(crate) fn router() -> Routes {
    Routes::new()
        .get("/kaart", list)
        .get("/en/kaart", list)
        .get("/kaart/{code}", detail)
        .get("/en/kaart/{code}", detail)
        .get("/kaart.geojson", geojson)
        .get("/kaart.csv", csv_export)
        .get("/kaart.json", hsds)
        .get(crate::tiles::PROXY_TEMPLATE, tile)
}

/// `GET /kaart/tegels/{z}/{x}/{y}`: a background tile of the map, through this site.
async fn tile(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    axum::extract::Path((z, x, y)): axum::extract::Path<(String, String, String)>,
) -> axum::response::Response {
    state.map.proxy.answer(&z, &x, &y).await
}

/// Reads the search from the query string. Unknown values are ignored; the postcode is kept as
/// typed so it can be shown back with a message.
pub(crate) fn parse_query(raw: Option<&str>) -> MapQuery {
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
pub(crate) fn query_string(q: &MapQuery) -> String {
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

pub(crate) fn entry_kind_label(t: &MapTexts, e: &Entry) -> &'static str {
    match e.voorziening.as_ref().map(|v| v.kind.as_str()) {
        Some("arrangement") => t.voorziening_kinds[1],
        Some(_) => t.voorziening_kinds[0],
        None => kind_label(t, e.kind),
    }
}

pub(crate) fn kind_label(t: &MapTexts, kind: SchoolType) -> &'static str {
    match kind {
        SchoolType::Bo => t.kinds[0],
        SchoolType::Sbo => t.kinds[1],
        SchoolType::So => t.kinds[2],
        SchoolType::Vso => t.kinds[3],
        SchoolType::SoVso => t.kinds[4],
    }
}

pub(crate) fn admission_label(t: &MapTexts, a: Admission) -> &'static str {
    match a {
        Admission::Direct => t.admissions[0],
        Admission::Tlv => t.admissions[1],
        Admission::Plaatsingsoverleg => t.admissions[2],
        Admission::EigenToelating => t.admissions[3],
    }
}

pub(crate) fn theme_label(lang: Lang, id: &str) -> String {
    theme(id)
        .map(|t| if lang == Lang::En { t.en } else { t.nl })
        .unwrap_or(id)
        .to_owned()
}

/// "1,2 km" / "1.2 km", or metres below one km.
pub(crate) fn distance_text(lang: Lang, metres: f64) -> String {
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
