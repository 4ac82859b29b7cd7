//! A browser for the tests: a client with its own cookies that does not follow redirects, and
//! what the tests read from pages and mails.

use super::TestApp;
use chrono::Utc;
use passend_domain::totp;
use std::collections::HashMap;
use std::time::Duration;

/// A browser: a client that does not follow redirects, with its own cookies (the `__Host-`
/// cookies are Secure, which reqwest's jar would not send over http on loopback).
pub struct Browser {
    base: String,
    client: reqwest::Client,
    cookies: HashMap<String, String>,
    /// The anti-CSRF token of the last page read.
    pub csrf: String,
}

impl Browser {
    pub fn new(app: &TestApp) -> Browser {
        Browser {
            base: app.base.clone(),
            client: crate::support::http_client(),
            cookies: HashMap::new(),
            csrf: String::new(),
        }
    }

    /// A new browser for a server at this base URL (for tasks that run on their own).
    pub fn from_base(base: String) -> Browser {
        Browser {
            base,
            client: crate::support::http_client(),
            cookies: HashMap::new(),
            csrf: String::new(),
        }
    }

    /// Another client with this browser's cookies and token (a second tab, or a retry).
    pub fn clone_for(&self, app: &TestApp) -> Browser {
        let mut b = Browser::new(app);
        b.cookies = self.cookies.clone();
        b.csrf = self.csrf.clone();
        b
    }

    /// Sets a cookie, as a browser that has it.
    pub fn set_cookie(&mut self, name: &str, value: &str) {
        self.cookies.insert(name.to_owned(), value.to_owned());
    }

    /// The `Cookie` header this browser sends.
    pub fn cookie_line(&self) -> String {
        self.cookie_header()
    }

    pub fn with_session(app: &TestApp, token: &str) -> Browser {
        let mut b = Browser::new(app);
        b.cookies
            .insert("__Host-passend-sessie".to_owned(), token.to_owned());
        b
    }

    pub fn session(&self) -> Option<&String> {
        self.cookies.get("__Host-passend-sessie")
    }

    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn read(&mut self, r: reqwest::Response) -> Page {
        for v in r.headers().get_all("set-cookie") {
            let v = v.to_str().unwrap();
            assert!(
                v.contains("Secure") && v.contains("HttpOnly") && v.contains("SameSite=Lax"),
                "{v}"
            );
            let (pair, _) = v.split_once(';').unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            assert!(name.starts_with("__Host-"), "{name}");
            if v.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let header = |n: &str| {
            r.headers()
                .get(n)
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_default()
        };
        let status = r.status().as_u16();
        let location = header("location");
        let guard = header("x-passend-guard");
        let retry_after = r
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap().parse().unwrap());
        let body = r.text().await.unwrap();
        if let Some(t) = field_value(&body, "_csrf") {
            self.csrf = t;
        }
        assert_summary_links_land(&body);
        Page {
            status,
            location,
            guard,
            retry_after,
            body,
        }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let r = self
            .client
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        self.read(r).await
    }

    /// Posts a form whose values are owned strings.
    pub async fn post_pairs(&mut self, path: &str, fields: &[(&str, String)]) -> Page {
        let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.post(path, &refs).await
    }

    /// Posts a form with the current anti-CSRF token, as a browser on this site does.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let mut form: Vec<(&str, &str)> = vec![("_csrf", &self.csrf)];
        form.extend_from_slice(fields);
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let r = self
            .client
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .header("content-type", "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin")
            .body(body)
            .send()
            .await
            .unwrap();
        self.read(r).await
    }
}

impl Browser {
    /// Posts a `multipart/form-data` form with one file (field `bestand`), as a browser does.
    pub async fn post_file(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file_name: &str,
        bytes: &[u8],
    ) -> Page {
        let boundary = format!("----passendtest{}", uuid::Uuid::new_v4().simple());
        let mut body: Vec<u8> = Vec::new();
        let text = |name: &str, value: &str, body: &mut Vec<u8>| {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        };
        let csrf = self.csrf.clone();
        text("_csrf", &csrf, &mut body);
        for (k, v) in fields {
            text(k, v, &mut body);
        }
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"bestand\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let r = self
            .client
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header("sec-fetch-site", "same-origin")
            .body(body)
            .send()
            .await
            .unwrap();
        self.read(r).await
    }

    /// Gets a file: status, content type, content disposition and the bytes.
    pub async fn get_file(&mut self, path: &str) -> (u16, String, String, Vec<u8>) {
        let r = self
            .client
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        let header = |n: &str| {
            r.headers()
                .get(n)
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_default()
        };
        let (status, ct, cd) = (
            r.status().as_u16(),
            header("content-type"),
            header("content-disposition"),
        );
        (status, ct, cd, r.bytes().await.unwrap().to_vec())
    }
}

pub struct Page {
    pub status: u16,
    pub location: String,
    pub guard: String,
    pub retry_after: Option<u64>,
    pub body: String,
}

/// Every link in a form's error summary leads to an element of the page (a field, or the part
/// that says what is missing): checked on every page a test reads.
pub fn assert_summary_links_land(html: &str) {
    let Some(start) = html.find("class=\"passend-error-summary\"") else {
        return;
    };
    let summary = &html[start..];
    let summary = &summary[..summary.find("</div>").unwrap_or(summary.len())];
    for (at, _) in summary.match_indices("href=\"#") {
        let rest = &summary[at + 7..];
        let id = &rest[..rest.find('"').unwrap()];
        assert!(
            html.contains(&format!(" id=\"{id}\"")),
            "the error summary links to #{id}, which is not on the page:\n{html}"
        );
    }
}

/// The `value` of the first input named `name`.
pub fn field_value(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\" value=\""))?;
    let rest = &html[at + name.len() + 15..];
    Some(rest[..rest.find('"')?].to_owned())
}

pub fn totp_now(secret: &str) -> String {
    let s = totp::base32_decode(secret).unwrap();
    totp::format_code(totp::code_at(&s, totp::step_of(Utc::now().timestamp())))
}

/// Waits for the outbox worker to write a mail to `to` into the mail folder; returns its text.
pub async fn mail_to(app: &TestApp, to: &str, containing: &str) -> String {
    for _ in 0..100 {
        if let Ok(dir) = std::fs::read_dir(&app.config.mail_dir) {
            for entry in dir.flatten() {
                let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
                // Quoted-printable may fold long lines; unfold before looking.
                let text = text
                    .replace("=\r\n", "")
                    .replace("=\n", "")
                    .replace("=3D", "=");
                if text.contains(&format!("To: {to}")) && text.contains(containing) {
                    return text;
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no mail to {to} containing {containing}");
}

pub fn link_in(mail: &str, prefix: &str) -> String {
    let at = mail.find(prefix).unwrap();
    mail[at..]
        .split_whitespace()
        .next()
        .unwrap()
        .trim_start_matches("http://127.0.0.1")
        .to_owned()
}
