//! The PDOK Locatieserver (free, no key), to find coordinates for school locations that the
//! BAG file does not have (a school newer than the file). Off by default; setting
//! `PASSEND_PDOK_URL` to `https://api.pdok.nl/bzk/locatieserver/search/v3_1` turns it on.
//!
//! Only the location's own postcode and house number are sent, never anything about a pupil.

use anyhow::Context;
use passend_domain::duo::HouseNumber;
use passend_domain::geo::Point;
use passend_store::Db;
use passend_store::locations;
use std::time::Duration;

/// The official base URL, for the README and `PASSEND_PDOK_URL`.
pub const OFFICIAL_URL: &str = "https://api.pdok.nl/bzk/locatieserver/search/v3_1";

/// A Locatieserver client.
#[derive(Debug, Clone)]
pub struct Pdok {
    client: reqwest::Client,
    base: String,
}

impl Pdok {
    /// A client for the Locatieserver at `base` (its `/free` endpoint is used).
    pub fn new(base: &str) -> anyhow::Result<Pdok> {
        // reqwest is built without a TLS crypto provider of its own; ring is ours.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .user_agent(concat!("Passend/", env!("CARGO_PKG_VERSION")))
            .build()
            .context("kan geen HTTP-client maken voor PDOK")?;
        Ok(Pdok {
            client,
            base: base.trim_end_matches('/').to_owned(),
        })
    }

    /// The point of an address (`1363CG`, house number `50`), or `None` when PDOK knows none.
    pub async fn address(
        &self,
        postcode: &str,
        house_number: &str,
    ) -> anyhow::Result<Option<Point>> {
        let postcode: String = postcode.chars().filter(|c| !c.is_whitespace()).collect();
        let q = format!("postcode:{postcode} AND huisnummer:{house_number}");
        let response = self
            .client
            .get(format!("{}/free", self.base))
            .query(&[
                ("q", q.as_str()),
                ("fq", "type:adres"),
                ("rows", "1"),
                ("fl", "centroide_ll,weergavenaam,type"),
            ])
            .send()
            .await
            .context("PDOK antwoordt niet")?;
        if !response.status().is_success() {
            anyhow::bail!("PDOK antwoordde met status {}", response.status());
        }
        let body = response
            .text()
            .await
            .context("PDOK-antwoord niet te lezen")?;
        Ok(first_point(&body))
    }
}

/// The `centroide_ll` of the first doc of a Locatieserver response: `POINT(lon lat)` in WGS84.
pub fn first_point(body: &str) -> Option<Point> {
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    let wkt = v
        .get("response")?
        .get("docs")?
        .get(0)?
        .get("centroide_ll")?
        .as_str()?;
    let inner = wkt.trim().strip_prefix("POINT(")?.strip_suffix(')')?;
    let mut parts = inner.split_whitespace();
    let lon: f64 = parts.next()?.parse().ok()?;
    let lat: f64 = parts.next()?.parse().ok()?;
    Point::in_netherlands(lat, lon)
}

/// Looks up every location without a BAG point at PDOK, one at a time, and stores what it finds.
/// Returns (found, not found or failed).
pub async fn geocode_missing(db: &Db, pdok: &Pdok) -> anyhow::Result<(usize, usize)> {
    let mut found = 0;
    let mut missed = 0;
    for (code, postcode, raw_number) in locations::without_geo_point(db).await? {
        let number = HouseNumber::parse(&raw_number).map(|h| h.number.to_string());
        let point = match number {
            Some(n) => pdok.address(&postcode, &n).await.unwrap_or_else(|e| {
                tracing::warn!(code = %code, error = %e, "PDOK lookup failed");
                None
            }),
            None => None,
        };
        match point {
            Some(p) => {
                locations::set_geo_point(db, &code, p, "pdok").await?;
                found += 1;
            }
            None => missed += 1,
        }
    }
    Ok((found, missed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pdok_responses() {
        let body = r#"{"response":{"numFound":1,"start":0,"maxScore":9.1,"numFoundExact":true,"docs":[{"type":"adres","weergavenaam":"Monacostraat 50, 1363CG Almere","centroide_ll":"POINT(5.16235 52.38177)"}]}}"#;
        let p = first_point(body).unwrap();
        assert!((p.lat - 52.38177).abs() < 1e-9 && (p.lon - 5.16235).abs() < 1e-9);
        assert!(first_point(r#"{"response":{"numFound":0,"docs":[]}}"#).is_none());
        assert!(first_point("niet json").is_none());
        assert!(
            first_point(r#"{"response":{"docs":[{"centroide_ll":"POINT(52.3 5.1)"}]}}"#).is_none(),
            "swapped"
        );
    }
}
