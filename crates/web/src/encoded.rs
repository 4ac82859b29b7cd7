//! Public responses kept ready as bytes in each encoding a browser may ask for (brotli, gzip,
//! none), made once per version of the data they show: a request then costs a lookup and a
//! write, as with a static file. The compression layer leaves a response that already has its
//! `Content-Encoding` alone.

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use passend_domain::Lang;
use std::io::Write as _;

/// What a kept response was made from. The front ([`crate::front`]) serves it again only while
/// each of these is still current.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Made {
    /// The site content of a language (menus, footer, pages), by its stamp.
    pub content: Option<(Lang, i64)>,
    /// The voorzieningenkaart's index, by its stamp.
    pub map: Option<i64>,
    /// The day the response is for (a school page warns about data older than a year).
    pub day: Option<NaiveDate>,
}

impl Made {
    /// Made from a language's site content.
    pub fn content(content: &crate::cache::LangContent) -> Made {
        Made {
            content: Some((content.lang(), content.stamp())),
            ..Made::default()
        }
    }

    /// Made (also) from the map's index.
    pub fn map(self, index: &crate::map::MapIndex) -> Made {
        Made {
            map: Some(index.stamp()),
            ..self
        }
    }

    /// Made for one day.
    pub fn on(self, day: NaiveDate) -> Made {
        Made {
            day: Some(day),
            ..self
        }
    }
}

/// A response extension: this response's body, kept in every encoding, and what it was made
/// from. The front takes it to answer the same request again without the handler.
#[derive(Debug, Clone)]
pub struct KeptBody {
    /// The body.
    pub body: Encoded,
    /// What it was made from.
    pub made: Made,
}

/// One body in three encodings.
#[derive(Debug, Clone)]
pub struct Encoded {
    identity: Bytes,
    gzip: Bytes,
    br: Bytes,
}

/// Above this size a body is compressed faster (it is built once, but a visitor waits for it).
const LARGE: usize = 256 * 1024;

impl Encoded {
    /// Compresses `body` both ways; a compression that fails (it cannot, in memory) falls back to
    /// sending the body as it is.
    pub fn new(body: impl Into<Bytes>) -> Encoded {
        let identity: Bytes = body.into();
        let large = identity.len() > LARGE;
        let mut gz = flate2::write::GzEncoder::new(
            Vec::with_capacity(identity.len() / 3),
            flate2::Compression::new(if large { 6 } else { 9 }),
        );
        let gzip = gz
            .write_all(&identity)
            .and_then(|()| gz.finish())
            .map_or_else(|_| identity.clone(), Bytes::from);
        let mut out = Vec::with_capacity(identity.len() / 4);
        let params = brotli::enc::BrotliEncoderParams {
            quality: if large { 6 } else { 11 },
            ..Default::default()
        };
        let br = brotli::BrotliCompress(&mut identity.as_ref(), &mut out, &params)
            .map_or_else(|_| identity.clone(), |_| Bytes::from(out));
        Encoded { identity, gzip, br }
    }

    /// The body as it is.
    pub fn identity(&self) -> &Bytes {
        &self.identity
    }

    /// How many bytes the three bodies hold.
    pub fn size(&self) -> usize {
        self.identity.len() + self.gzip.len() + self.br.len()
    }

    /// The response for a request with these headers: brotli when the browser takes it, else
    /// gzip, else the body as it is; `Vary: Accept-Encoding` always. `made` says what the body
    /// was made from, so that the front can answer the same request again.
    pub fn respond(&self, request: &HeaderMap, content_type: &'static str, made: Made) -> Response {
        let mut r = (
            [(header::CONTENT_TYPE, content_type)],
            self.body_for(request),
        )
            .into_response();
        r.headers_mut()
            .insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        r.extensions_mut().insert(KeptBody {
            body: self.clone(),
            made,
        });
        r
    }

    /// The body a request with these headers gets, with its `Content-Encoding`, when it has one.
    pub fn body_for(
        &self,
        request: &HeaderMap,
    ) -> (Option<[(header::HeaderName, HeaderValue); 1]>, Bytes) {
        match preferred(request) {
            Some(e @ "br") => (
                Some([(header::CONTENT_ENCODING, HeaderValue::from_static(e))]),
                self.br.clone(),
            ),
            Some(e @ "gzip") => (
                Some([(header::CONTENT_ENCODING, HeaderValue::from_static(e))]),
                self.gzip.clone(),
            ),
            _ => (None, self.identity.clone()),
        }
    }
}

/// Responses kept by key (a path and query, for one version of the data), at most `max_bytes`
/// in all: when full, all are dropped at once and made again as they are asked for.
#[derive(Debug)]
pub struct ResponseCache {
    kept: std::sync::Mutex<(std::collections::HashMap<String, Encoded>, usize)>,
    max_bytes: usize,
}

impl ResponseCache {
    /// An empty cache.
    pub fn new(max_bytes: usize) -> ResponseCache {
        ResponseCache {
            kept: std::sync::Mutex::new((std::collections::HashMap::new(), 0)),
            max_bytes,
        }
    }

    fn lock(
        &self,
    ) -> std::sync::MutexGuard<'_, (std::collections::HashMap<String, Encoded>, usize)> {
        self.kept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The response kept for `key`.
    pub fn get(&self, key: &str) -> Option<Encoded> {
        self.lock().0.get(key).cloned()
    }

    /// Keeps `body` for `key`, encoded, and returns it.
    pub fn keep(&self, key: &str, body: impl Into<Bytes>) -> Encoded {
        let e = Encoded::new(body);
        let mut kept = self.lock();
        if kept.1 + e.size() > self.max_bytes {
            kept.0.clear();
            kept.1 = 0;
        }
        kept.1 += e.size();
        if let Some(old) = kept.0.insert(key.to_owned(), e.clone()) {
            // Two requests made the same response at once: count it once.
            kept.1 = kept.1.saturating_sub(old.size());
        }
        e
    }
}

/// A body to send: kept ready in every encoding, or made for this request only (a search with
/// free text), which the compression layer then compresses as it goes.
#[derive(Debug, Clone)]
pub enum Ready {
    /// Kept.
    Kept(Encoded),
    /// For this request only.
    Once(Bytes),
}

impl Ready {
    /// The response for a request with these headers (`made`: see [`Encoded::respond`]).
    pub fn respond(&self, request: &HeaderMap, content_type: &'static str, made: Made) -> Response {
        match self {
            Ready::Kept(e) => e.respond(request, content_type, made),
            Ready::Once(b) => ([(header::CONTENT_TYPE, content_type)], b.clone()).into_response(),
        }
    }
}

/// The encoding to send: `br` or `gzip` when `Accept-Encoding` takes it (not with `q=0`).
fn preferred(request: &HeaderMap) -> Option<&'static str> {
    let accepts = |name: &str| {
        request
            .get_all(header::ACCEPT_ENCODING)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|part| {
                let mut bits = part.split(';').map(str::trim);
                let coding = bits.next().unwrap_or_default();
                let refused = bits.any(|b| {
                    b.strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                        .is_some_and(|q| q <= 0.0)
                });
                (coding.eq_ignore_ascii_case(name) || coding == "*") && !refused
            })
    };
    if accepts("br") {
        Some("br")
    } else if accepts("gzip") {
        Some("gzip")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read as _;

    fn asking(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(value).unwrap(),
        );
        h
    }

    #[test]
    fn each_browser_gets_an_encoding_it_takes_and_the_same_bytes() {
        let page = "<p>Passend onderwijs</p>".repeat(200);
        let e = Encoded::new(page.clone());
        assert_eq!(preferred(&asking("gzip, deflate, br, zstd")), Some("br"));
        assert_eq!(preferred(&asking("gzip")), Some("gzip"));
        assert_eq!(preferred(&asking("br;q=0, gzip;q=0.5")), Some("gzip"));
        assert_eq!(preferred(&asking("identity")), None);
        assert_eq!(preferred(&HeaderMap::new()), None);
        let mut gunzipped = String::new();
        flate2::read::GzDecoder::new(e.gzip.as_ref())
            .read_to_string(&mut gunzipped)
            .unwrap();
        assert_eq!(gunzipped, page);
        let mut unbrotlied = Vec::new();
        brotli::BrotliDecompress(&mut e.br.as_ref(), &mut unbrotlied).unwrap();
        assert_eq!(unbrotlied, page.as_bytes());
        assert!(e.br.len() < page.len() / 10);
        let r = e.respond(&asking("gzip"), "text/html; charset=utf-8", Made::default());
        assert_eq!(r.headers()[header::CONTENT_ENCODING], "gzip");
        assert_eq!(r.headers()[header::VARY], "accept-encoding");
        let plain = e.respond(
            &HeaderMap::new(),
            "text/html; charset=utf-8",
            Made::default(),
        );
        assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
    }
}
