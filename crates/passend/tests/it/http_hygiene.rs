//! HTTP hygiene: security headers on every response, error pages with a correlation id,
//! caching and compression, and the health endpoint.

use crate::support::*;

fn css_href(home: &str) -> String {
    let start = home.find("href=\"/static/passend.").unwrap() + "href=\"".len();
    home[start..start + home[start..].find('"').unwrap()].to_owned()
}

#[tokio::test]
async fn security_headers_on_every_response() {
    let app = TestApp::spawn().await;
    let (_, home) = app.text("/").await;
    let css = css_href(&home);
    for p in [
        "/",
        "/en/",
        "/begrippen?q=tlv",
        css.as_str(),
        "/bestaat-niet",
        "/healthz",
        "/static/favicon.svg",
    ] {
        let r = app.get(p).await;
        let h = r.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{p}: {csp}");
        assert!(csp.contains("default-src 'none'"), "{p}");
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
            "{p}"
        );
        assert_eq!(h["x-content-type-options"], "nosniff", "{p}");
        assert_eq!(h["referrer-policy"], "same-origin", "{p}");
        assert_eq!(h["x-frame-options"], "DENY", "{p}");
        assert_eq!(h["x-request-id"].len(), 32, "{p}");
        assert!(
            h["server-timing"].to_str().unwrap().starts_with("app;dur="),
            "{p}"
        );
        assert!(
            h.get("strict-transport-security").is_none(),
            "{p}: no HSTS over plain http"
        );
        assert!(
            h.get("set-cookie").is_none(),
            "{p}: the public site sets no cookies"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn hsts_when_served_over_https() {
    let app = TestApp::spawn_with(|c| c.base_url = "https://passend.example".to_owned()).await;
    let r = app.get("/").await;
    assert_eq!(
        r.headers()["strict-transport-security"],
        "max-age=31536000; includeSubDomains"
    );
    let r = app.get("/bestaat-niet").await;
    assert!(r.headers().contains_key("strict-transport-security"));
    app.stop().await;
}

#[tokio::test]
async fn not_found_is_a_dutch_page_with_a_correlation_id() {
    let app = TestApp::spawn().await;
    let r = app.get("/bestaat-niet").await;
    assert_eq!(r.status(), 404);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    let body = r.text().await.unwrap();
    assert!(body.contains("<html lang=\"nl\""));
    assert!(body.contains("Deze pagina bestaat niet"));
    assert!(body.contains(&id), "the page shows the correlation id");
    assert!(
        body.contains("href=\"/zorgplicht\""),
        "the menu helps the visitor on"
    );

    let r = app.get("/en/does-not-exist").await;
    assert_eq!(r.status(), 404);
    let body = r.text().await.unwrap();
    assert!(body.contains("<html lang=\"en\"") && body.contains("This page does not exist"));

    let r = app
        .client
        .post(format!("{}/zorgplicht", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 405);
    let id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    let body = r.text().await.unwrap();
    assert!(body.contains("Dit lukt niet") && body.contains(&id));
    app.stop().await;
}

#[tokio::test]
async fn a_failing_database_gives_a_500_page_and_an_unhealthy_healthz() {
    let app = TestApp::spawn().await;
    let r = app.get("/healthz").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let v: serde_json::Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert_eq!(v["status"], "ok");

    app.server().db.close().await;
    // A probe's result is reused for at most a second (a flood of checks writes once).
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let r = app.get("/healthz").await;
    assert_eq!(r.status(), 503);
    let v: serde_json::Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert_eq!(v["status"], "unavailable");

    let r = app.get("/zorgplicht").await;
    assert_eq!(r.status(), 500);
    let id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    let body = r.text().await.unwrap();
    assert!(body.contains("Er ging iets mis") && body.contains(&id));
    assert!(
        !body.contains("databasefout") && !body.contains("PoolClosed"),
        "no internals shown"
    );
    app.stop().await;
}

#[tokio::test]
async fn static_assets_are_cached_and_revalidated() {
    let app = TestApp::spawn().await;
    let (_, home) = app.text("/").await;
    let css = css_href(&home);
    let r = app.get(&css).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/css; charset=utf-8");
    assert_eq!(
        r.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let etag = r.headers()["etag"].to_str().unwrap().to_owned();
    let body = r.text().await.unwrap();
    assert!(body.contains(".utrecht-nav-list") && body.contains("--passend-color-primary"));
    let r = app
        .client
        .get(format!("{}{css}", app.base))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 304);
    let r = app.get("/").await;
    assert_eq!(
        r.headers()["cache-control"],
        "no-cache",
        "pages are revalidated"
    );
    app.stop().await;
}

#[tokio::test]
async fn responses_are_compressed() {
    let app = TestApp::spawn().await;
    for enc in ["br", "gzip"] {
        let r = app
            .client
            .get(format!("{}/zorgplicht", app.base))
            .header("accept-encoding", enc)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-encoding"], enc);
        let compressed = r.bytes().await.unwrap().len();
        let (_, plain) = app.text("/zorgplicht").await;
        assert!(
            compressed * 2 < plain.len(),
            "{enc}: {compressed} vs {}",
            plain.len()
        );
    }
    app.stop().await;
}

/// The body of a response, decoded as its `Content-Encoding` says.
async fn decoded(r: reqwest::Response) -> (String, Vec<u8>) {
    use std::io::Read as _;
    let encoding = r
        .headers()
        .get("content-encoding")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let raw = r.bytes().await.unwrap().to_vec();
    let mut plain = Vec::new();
    match encoding.as_str() {
        "br" => brotli::BrotliDecompress(&mut raw.as_slice(), &mut plain).unwrap(),
        "gzip" => {
            flate2::read::GzDecoder::new(raw.as_slice())
                .read_to_end(&mut plain)
                .unwrap();
        }
        _ => plain.clone_from(&raw),
    }
    (String::from_utf8(plain).unwrap(), raw)
}

#[tokio::test]
async fn public_responses_are_kept_ready_in_every_encoding() {
    let app = TestApp::spawn().await;
    let get = |path: &str, enc: &str| {
        app.client
            .get(format!("{}{path}", app.base))
            .header("accept-encoding", enc)
            .send()
    };
    for path in [
        "/",
        "/begrippen",
        "/kaart/30EF03",
        "/kaart?soort=so",
        "/kaart.json",
        "/kaart.csv?soort=sbo",
        "/wat-kan-ik-doen?stap=zorg",
        "/kaart?q=montessori",
    ] {
        let (_, plain) = app.text(path).await;
        let mut first_raw = Vec::new();
        for enc in ["br", "gzip", "br"] {
            let r = get(path, enc).await.unwrap();
            assert_eq!(r.status(), 200, "{path}");
            assert_eq!(r.headers()["content-encoding"], enc, "{path}");
            assert!(
                r.headers()["vary"]
                    .to_str()
                    .unwrap()
                    .contains("accept-encoding"),
                "{path}"
            );
            let (text, raw) = decoded(r).await;
            assert_eq!(text, plain, "{path} ({enc}) is the same page");
            if enc == "br" && first_raw.is_empty() {
                first_raw = raw;
            } else if enc == "br" && !path.contains("q=") {
                assert_eq!(raw, first_raw, "{path}: the same kept bytes");
            }
        }
        let identity = get(path, "identity").await.unwrap();
        assert!(
            identity.headers().get("content-encoding").is_none(),
            "{path}"
        );
        assert_eq!(identity.text().await.unwrap(), plain);
    }
    app.stop().await;
}
