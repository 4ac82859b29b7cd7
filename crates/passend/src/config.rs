//! Configuration: defaults, then an optional TOML file (`PASSEND_CONFIG` or `--config`), then
//! environment variables. Secrets (the database password) never appear in `Debug` or logs.

use anyhow::{Context, bail};
use serde::Deserialize;
use std::fmt;
use std::net::SocketAddr;
use std::path::Path;

/// The default database: an SQLite file under `./data/`.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/passend.db";
/// The default listen address.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";

/// A database URL whose password is hidden when printed.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretUrl(String);

impl SecretUrl {
    /// Wraps a URL.
    pub fn new(url: impl Into<String>) -> Self {
        SecretUrl(url.into())
    }

    /// The real URL, for connecting. Do not log it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The URL with any password replaced by `***`.
    pub fn redacted(&self) -> String {
        let url = &self.0;
        let Some(scheme_end) = url.find("://") else {
            return url.clone();
        };
        let rest = &url[scheme_end + 3..];
        let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
        let authority = &rest[..authority_end];
        let mut out = url[..scheme_end + 3].to_owned();
        match authority.rfind('@') {
            Some(at) => {
                let userinfo = &authority[..at];
                match userinfo.find(':') {
                    Some(colon) => {
                        out.push_str(&userinfo[..colon]);
                        out.push_str(":***");
                    }
                    None => out.push_str(userinfo),
                }
                out.push_str(&authority[at..]);
            }
            None => out.push_str(authority),
        }
        let tail = &rest[authority_end..];
        // A password can also travel as a query parameter.
        let mut redacted_tail = String::new();
        let (path, query) = tail
            .split_once('?')
            .map_or((tail, None), |(p, q)| (p, Some(q)));
        redacted_tail.push_str(path);
        if let Some(query) = query {
            redacted_tail.push('?');
            let parts: Vec<String> = query
                .split('&')
                .map(|kv| match kv.split_once('=') {
                    Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                    _ => kv.to_owned(),
                })
                .collect();
            redacted_tail.push_str(&parts.join("&"));
        }
        out.push_str(&redacted_tail);
        out
    }
}

impl fmt::Debug for SecretUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretUrl({:?})", self.redacted())
    }
}

impl fmt::Display for SecretUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// How logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// The whole configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// `DATABASE_URL`: `sqlite:…` (default) or `postgres://…`.
    pub database_url: SecretUrl,
    /// `PASSEND_ADDR`: where to listen.
    pub addr: SocketAddr,
    /// `PASSEND_BASE_URL`: the public base URL (https in production: then HSTS is sent).
    pub base_url: String,
    /// `PASSEND_TENANT_CODE`: DUO code of the samenwerkingsverband this site serves.
    pub tenant_code: String,
    /// `PASSEND_TENANT_NAME`: its public name.
    pub tenant_name: String,
    /// `PASSEND_LOG_FORMAT`: `text` or `json`.
    pub log_format: LogFormat,
    /// `PASSEND_MAP_TILES`: tile URL template of the map (`{z}/{x}/{y}`).
    pub map_tiles: String,
    /// `PASSEND_MAP_ATTRIBUTION`: the map's attribution text.
    pub map_attribution: String,
    /// `PASSEND_CACHE_CHECK_MS`: how often at most the caches ask the database whether content
    /// or map data changed (default 1000 ms; 0 checks on every request).
    pub cache_check: std::time::Duration,
    /// `PASSEND_PDOK_URL`: the PDOK Locatieserver to find coordinates the BAG file lacks; unset
    /// (the default) keeps Passend off the network.
    pub pdok_url: Option<String>,
    /// `PASSEND_SMTP_URL`: `smtp://host:port`, `smtp://user:pass@host:587?tls=required` or
    /// `smtps://…`; unset writes mails as files into `mail_dir` (development).
    pub smtp_url: Option<SecretUrl>,
    /// `PASSEND_MAIL_DIR`: the folder for mails when there is no SMTP server (default `data/mail`).
    pub mail_dir: std::path::PathBuf,
    /// `PASSEND_MAIL_FROM`: the sender, e.g. `Passend Onderwijs Almere <noreply@example.nl>`.
    pub mail_from: String,
    /// `PASSEND_MAIL_COMBINE_MINUTES`: casework notices to one person within this window go out
    /// as one mail (default 10; 0 sends each at once).
    pub mail_combine: std::time::Duration,
    /// `PASSEND_DEMO=1` (or `passend serve --demo`): demo accounts for every role and a banner
    /// on every page of the signed-in area. Never on by default.
    pub demo: bool,
    /// `PASSEND_TRUST_PROXY=1`: take the client address from `X-Forwarded-For` (only behind a
    /// reverse proxy that sets it).
    pub trust_proxy: bool,
    /// `PASSEND_SERVER_TIMING=1`: every response says how long the server took
    /// (`Server-Timing`), for the benchmarks. Off by default: the time tells a visitor whether
    /// a search was asked before (a kept answer is faster).
    pub server_timing: bool,
    /// `PASSEND_HASH_CONCURRENCY`: password hashes at once (each 19 MiB; default: the cores).
    pub hash_concurrency: usize,
    /// `PASSEND_DOCUMENTS_DIR`: the folder for uploaded documents and decision letters
    /// (default `data/documenten`). Back it up with the database.
    pub documents_dir: std::path::PathBuf,
    /// `PASSEND_POSTADRES`: the SWV's postal address, for bezwaar in decision letters.
    pub postal_address: String,
    /// `PASSEND_ONDERTEKENAAR` and `PASSEND_ONDERTEKENAAR_FUNCTIE`: who signs decision letters
    /// (default: the toeleider who decided, "Toeleiding").
    pub signatory: (String, String),
    /// `PASSEND_TLV_BESLISTERMIJN_WEKEN` (6, at most 8), `PASSEND_TLV_SBO_SCHOOLJAREN` (2),
    /// `PASSEND_TLV_SO_SCHOOLJAREN` (2), `PASSEND_TLV_HERINNERING_MAANDEN` (6): the SWV's TLV
    /// policy.
    pub tlv_policy: passend_domain::tlv::TlvPolicy,
    /// `PASSEND_BEWAARTERMIJN_JAREN`: years a closed dossier is kept after its last activity or
    /// the end of its last TLV, whichever is later (default 3; 1 to 20).
    pub retention_years: u8,
    /// `PASSEND_ZIENSWIJZE_DAGEN`: the days parents get, by default, to give their zienswijze on
    /// a request the school shares with them (default 14; 1 to 60; the school may pick another
    /// date when it shares).
    pub zienswijze_days: u8,
    /// `PASSEND_OZL_NA_DAGEN`: the expected days of absence after which a sick pupil's school
    /// involves the OZL consulent (default 21, "more than 3 weeks"; 7 to 60: some regions use 14).
    pub ozl_after_days: u8,
    /// `PASSEND_STEUNPUNT_REACTIE_WERKDAGEN`: within how many working days an ouderadviseur
    /// answers a contact form, as the confirmation tells the parent (default 3; 1 to 15).
    pub steunpunt_response_days: u8,
    /// `PASSEND_STEUNPUNT_BEWAARTERMIJN_MAANDEN`: months a closed Oudersteunpunt case is kept
    /// (default 24; 1 to 120). The law sets no term; the privacy notice names this one.
    pub steunpunt_retention_months: u16,
    /// `PASSEND_STEUNPUNT_CONTACT`: how parents reach the Oudersteunpunt themselves, e.g.
    /// "036 123 45 67 (maandag tot en met donderdag) of oudersteunpunt@swv.nl"; shown on the
    /// contact form, its confirmation and in the confirmation mail (default empty: not shown).
    pub steunpunt_contact: String,
    /// `PASSEND_DESKUNDIGE_TOEGANG_WEKEN`: weeks an expert keeps access to a dossier after
    /// giving the advice, or after the request was decided (default 4; 0 to 26). Documents added
    /// after the advice are never covered.
    pub expert_grace_weeks: u8,
    /// `PASSEND_BOB_BESLISTERMIJN_WEKEN`: weeks to take a beslissing op bezwaar after the
    /// bezwaar term ended (default 12, Awb 7:10 with an advisory committee; 6 to 18).
    pub bob_decision_weeks: u8,
    /// `PASSEND_RECHTBANK`: where beroep against a beslissing op bezwaar goes, as the letter
    /// names it (default: the rechtbank of the area where the appellant lives, Awb 8:7).
    pub rechtbank: String,
    /// `PASSEND_ZORGPLICHT_PAUZES`: periods in which zorgplicht terms stand still, e.g.
    /// `2026-12-19..2027-01-03` (default none: calendar weeks, domain.md §2).
    pub zorgplicht_terms: passend_domain::zorgplicht::TermPolicy,
    /// `PASSEND_AUDIT_HEAD_FILE`: where the audit chain's head is written outside the database
    /// (default `data/audit-head.json`), so that a truncated restore is found.
    pub audit_head_file: std::path::PathBuf,
    /// `PASSEND_AUDIT_KEY_FILE`: the key that signs that head (default `data/audit-key`, made
    /// with mode 0600 when missing).
    pub audit_key_file: std::path::PathBuf,
    /// Connection limits: `PASSEND_HEADER_TIMEOUT_SECONDS` (10), `PASSEND_MAX_CONNECTIONS`
    /// (512), `PASSEND_MAX_CONNECTIONS_PER_ADDRESS` (128, 0 behind a proxy),
    /// `PASSEND_SHUTDOWN_SECONDS` (15), `PASSEND_UPLOAD_MIN_BYTES_PER_SECOND` (8192).
    pub http: passend_web::serve::HttpLimits,
}

/// Where beroep goes by default.
pub const DEFAULT_RECHTBANK: &str = "de rechtbank in het gebied waar u woont";

/// The default map tiles: PDOK BRT-Achtergrondkaart (free, no key), web mercator.
pub const DEFAULT_MAP_TILES: &str =
    "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857/{z}/{x}/{y}.png";
/// Its attribution.
pub const DEFAULT_MAP_ATTRIBUTION: &str = "Kaartgegevens © Kadaster (PDOK BRT-Achtergrondkaart)";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    database_url: Option<String>,
    addr: Option<String>,
    base_url: Option<String>,
    tenant_code: Option<String>,
    tenant_name: Option<String>,
    log_format: Option<LogFormat>,
    map_tiles: Option<String>,
    map_attribution: Option<String>,
    cache_check_ms: Option<u64>,
    pdok_url: Option<String>,
    smtp_url: Option<String>,
    mail_dir: Option<String>,
    mail_from: Option<String>,
    mail_combine_minutes: Option<u64>,
    demo: Option<bool>,
    trust_proxy: Option<bool>,
    server_timing: Option<bool>,
    hash_concurrency: Option<usize>,
    documents_dir: Option<String>,
    postal_address: Option<String>,
    signatory: Option<String>,
    signatory_role: Option<String>,
    tlv_decision_weeks: Option<u8>,
    tlv_sbo_school_years: Option<u8>,
    tlv_so_school_years: Option<u8>,
    tlv_remind_months: Option<u8>,
    retention_years: Option<u8>,
    zienswijze_days: Option<u8>,
    ozl_after_days: Option<u8>,
    steunpunt_response_days: Option<u8>,
    steunpunt_retention_months: Option<u8>,
    steunpunt_contact: Option<String>,
    expert_grace_weeks: Option<u8>,
    bob_decision_weeks: Option<u8>,
    rechtbank: Option<String>,
    zorgplicht_pauses: Option<String>,
    audit_head_file: Option<String>,
    audit_key_file: Option<String>,
    header_timeout_seconds: Option<u64>,
    max_connections: Option<u64>,
    max_connections_per_address: Option<u64>,
    shutdown_seconds: Option<u64>,
    upload_min_bytes_per_second: Option<u64>,
}

impl Config {
    /// Reads the configuration from an optional file and the environment.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Config> {
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let file = file
            .map(Path::to_path_buf)
            .or_else(|| env("PASSEND_CONFIG").map(Into::into));
        let from_file: FileConfig = match &file {
            Some(path) => {
                let text = std::fs::read_to_string(path).with_context(|| {
                    format!("kan het configuratiebestand {} niet lezen", path.display())
                })?;
                toml::from_str(&text).with_context(|| {
                    format!("fout in het configuratiebestand {}", path.display())
                })?
            }
            None => FileConfig::default(),
        };
        Config::from_parts(from_file, env)
    }

    fn from_parts(
        file: FileConfig,
        env: impl Fn(&str) -> Option<String>,
    ) -> anyhow::Result<Config> {
        let database_url = env("DATABASE_URL")
            .or(file.database_url)
            .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        let addr_text = env("PASSEND_ADDR")
            .or(file.addr)
            .unwrap_or_else(|| DEFAULT_ADDR.to_owned());
        let addr: SocketAddr = addr_text.parse().with_context(|| {
            format!("PASSEND_ADDR '{addr_text}' is geen adres als 127.0.0.1:8080")
        })?;
        let base_url = env("PASSEND_BASE_URL")
            .or(file.base_url)
            .unwrap_or_else(|| format!("http://{addr}"));
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            bail!("PASSEND_BASE_URL moet beginnen met http:// of https://");
        }
        let log_format = match env("PASSEND_LOG_FORMAT").as_deref() {
            Some("json") => LogFormat::Json,
            Some("text") => LogFormat::Text,
            Some(other) => bail!("PASSEND_LOG_FORMAT '{other}' moet text of json zijn"),
            None => file.log_format.unwrap_or(LogFormat::Text),
        };
        let cache_check_ms = match env("PASSEND_CACHE_CHECK_MS") {
            Some(v) => v.parse::<u64>().with_context(|| {
                format!("PASSEND_CACHE_CHECK_MS '{v}' moet een aantal milliseconden zijn")
            })?,
            None => file.cache_check_ms.unwrap_or(1000),
        };
        let mail_combine_minutes = match env("PASSEND_MAIL_COMBINE_MINUTES") {
            Some(v) => v.parse::<u64>().ok().filter(|m| *m <= 24 * 60).with_context(|| {
                format!("PASSEND_MAIL_COMBINE_MINUTES '{v}' moet een aantal minuten zijn (0 tot 1440)")
            })?,
            None => file.mail_combine_minutes.unwrap_or(10),
        };
        let pdok_url = env("PASSEND_PDOK_URL")
            .or(file.pdok_url)
            .filter(|u| !u.trim().is_empty());
        if let Some(u) = &pdok_url
            && !(u.starts_with("https://") || u.starts_with("http://"))
        {
            bail!("PASSEND_PDOK_URL moet beginnen met https://");
        }
        let host = base_url
            .split("://")
            .nth(1)
            .and_then(|r| r.split(['/', ':']).next())
            .filter(|h| h.contains('.') && !h.chars().all(|c| c.is_ascii_digit() || c == '.'))
            .unwrap_or("passend.localhost")
            .to_owned();
        let flag = |name: &str, from_file: Option<bool>| -> anyhow::Result<bool> {
            match env(name).as_deref() {
                Some("1" | "true" | "ja") => Ok(true),
                Some("0" | "false" | "nee") => Ok(false),
                Some(other) => bail!("{name} '{other}' moet 1 of 0 zijn"),
                None => Ok(from_file.unwrap_or(false)),
            }
        };
        let hash_concurrency = match env("PASSEND_HASH_CONCURRENCY") {
            Some(v) => v
                .parse::<usize>()
                .ok()
                .filter(|n| *n > 0)
                .with_context(|| {
                    format!("PASSEND_HASH_CONCURRENCY '{v}' moet een getal van 1 of meer zijn")
                })?,
            None => file.hash_concurrency.unwrap_or_else(|| {
                std::thread::available_parallelism()
                    .map(|n| n.get())
                    .unwrap_or(2)
            }),
        };
        let number = |name: &str, from_file: Option<u8>, default: u8| -> anyhow::Result<u8> {
            match env(name) {
                Some(v) => v
                    .parse::<u8>()
                    .with_context(|| format!("{name} '{v}' moet een heel getal zijn")),
                None => Ok(from_file.unwrap_or(default)),
            }
        };
        let tlv_policy = passend_domain::tlv::TlvPolicy {
            decision_weeks: number(
                "PASSEND_TLV_BESLISTERMIJN_WEKEN",
                file.tlv_decision_weeks,
                6,
            )?,
            sbo_school_years: number("PASSEND_TLV_SBO_SCHOOLJAREN", file.tlv_sbo_school_years, 2)?,
            so_school_years: number("PASSEND_TLV_SO_SCHOOLJAREN", file.tlv_so_school_years, 2)?,
            remind_months_before_end: number(
                "PASSEND_TLV_HERINNERING_MAANDEN",
                file.tlv_remind_months,
                6,
            )?,
        };
        match tlv_policy.check() {
            Ok(()) => {}
            Err(passend_domain::tlv::PolicyProblem::DecisionTerm) => {
                bail!(
                    "PASSEND_TLV_BESLISTERMIJN_WEKEN moet 1 tot en met 8 zijn (de Awb staat hooguit 8 weken toe)"
                )
            }
            Err(passend_domain::tlv::PolicyProblem::Duration) => {
                bail!(
                    "PASSEND_TLV_SBO_SCHOOLJAREN en PASSEND_TLV_SO_SCHOOLJAREN moeten 1 of meer zijn"
                )
            }
        }
        let retention_years = number(
            "PASSEND_BEWAARTERMIJN_JAREN",
            file.retention_years,
            passend_domain::tlv::DEFAULT_RETENTION_YEARS,
        )?;
        if !(1..=20).contains(&retention_years) {
            bail!("PASSEND_BEWAARTERMIJN_JAREN moet 1 tot en met 20 zijn");
        }
        let zienswijze_days = number(
            "PASSEND_ZIENSWIJZE_DAGEN",
            file.zienswijze_days,
            u8::try_from(passend_domain::portal::DEFAULT_ZIENSWIJZE_DAYS).unwrap_or(14),
        )?;
        if !(1..=60).contains(&zienswijze_days) {
            bail!("PASSEND_ZIENSWIJZE_DAGEN moet 1 tot en met 60 zijn");
        }
        let ozl_after_days = number(
            "PASSEND_OZL_NA_DAGEN",
            file.ozl_after_days,
            u8::try_from(passend_domain::zorgplicht::OZL_AFTER_DAYS).unwrap_or(21),
        )?;
        if !(7..=60).contains(&ozl_after_days) {
            bail!("PASSEND_OZL_NA_DAGEN moet 7 tot en met 60 zijn");
        }
        let steunpunt_response_days = number(
            "PASSEND_STEUNPUNT_REACTIE_WERKDAGEN",
            file.steunpunt_response_days,
            3,
        )?;
        if !(1..=15).contains(&steunpunt_response_days) {
            bail!("PASSEND_STEUNPUNT_REACTIE_WERKDAGEN moet 1 tot en met 15 zijn");
        }
        let steunpunt_retention_months = number(
            "PASSEND_STEUNPUNT_BEWAARTERMIJN_MAANDEN",
            file.steunpunt_retention_months,
            24,
        )?;
        if !(1..=120).contains(&steunpunt_retention_months) {
            bail!("PASSEND_STEUNPUNT_BEWAARTERMIJN_MAANDEN moet 1 tot en met 120 zijn");
        }
        let steunpunt_retention_months = u16::from(steunpunt_retention_months);
        let expert_grace_weeks = number(
            "PASSEND_DESKUNDIGE_TOEGANG_WEKEN",
            file.expert_grace_weeks,
            passend_domain::access::EXPERT_GRACE_WEEKS,
        )?;
        if expert_grace_weeks > 26 {
            bail!("PASSEND_DESKUNDIGE_TOEGANG_WEKEN moet 0 tot en met 26 zijn");
        }
        let bob_decision_weeks = number(
            "PASSEND_BOB_BESLISTERMIJN_WEKEN",
            file.bob_decision_weeks,
            passend_domain::tlv::BOB_DECISION_WEEKS,
        )?;
        if !(6..=18).contains(&bob_decision_weeks) {
            bail!("PASSEND_BOB_BESLISTERMIJN_WEKEN moet 6 tot en met 18 zijn (Awb 7:10)");
        }
        let pauses = env("PASSEND_ZORGPLICHT_PAUZES")
            .or(file.zorgplicht_pauses)
            .unwrap_or_default();
        let zorgplicht_terms = passend_domain::zorgplicht::TermPolicy::parse(&pauses)
            .map_err(|e| anyhow::anyhow!("PASSEND_ZORGPLICHT_PAUZES: {e}"))?;
        let seconds = |name: &str,
                       from_file: Option<u64>,
                       default: u64,
                       range: std::ops::RangeInclusive<u64>|
         -> anyhow::Result<u64> {
            let v = match env(name) {
                Some(v) => v
                    .parse::<u64>()
                    .with_context(|| format!("{name} '{v}' moet een heel getal zijn"))?,
                None => from_file.unwrap_or(default),
            };
            if !range.contains(&v) {
                bail!(
                    "{name} moet {} tot en met {} zijn",
                    range.start(),
                    range.end()
                );
            }
            Ok(v)
        };
        let trust_proxy = flag("PASSEND_TRUST_PROXY", file.trust_proxy)?;
        let http = passend_web::serve::HttpLimits {
            header_timeout: std::time::Duration::from_secs(seconds(
                "PASSEND_HEADER_TIMEOUT_SECONDS",
                file.header_timeout_seconds,
                10,
                1..=300,
            )?),
            max_connections: usize::try_from(seconds(
                "PASSEND_MAX_CONNECTIONS",
                file.max_connections,
                512,
                8..=100_000,
            )?)
            .unwrap_or(512),
            // Behind a reverse proxy every connection comes from the proxy: no limit per
            // address unless one is set.
            max_per_address: usize::try_from(seconds(
                "PASSEND_MAX_CONNECTIONS_PER_ADDRESS",
                file.max_connections_per_address,
                if trust_proxy { 0 } else { 128 },
                0..=100_000,
            )?)
            .unwrap_or(128),
            shutdown_deadline: std::time::Duration::from_secs(seconds(
                "PASSEND_SHUTDOWN_SECONDS",
                file.shutdown_seconds,
                15,
                1..=600,
            )?),
            upload_min_rate: seconds(
                "PASSEND_UPLOAD_MIN_BYTES_PER_SECOND",
                file.upload_min_bytes_per_second,
                8192,
                512..=10_000_000,
            )?,
            ..passend_web::serve::HttpLimits::default()
        };
        Ok(Config {
            expert_grace_weeks,
            bob_decision_weeks,
            rechtbank: env("PASSEND_RECHTBANK")
                .or(file.rechtbank)
                .unwrap_or_else(|| DEFAULT_RECHTBANK.to_owned())
                .trim()
                .chars()
                .take(300)
                .collect(),
            zorgplicht_terms,
            audit_head_file: env("PASSEND_AUDIT_HEAD_FILE")
                .or(file.audit_head_file)
                .unwrap_or_else(|| "data/audit-head.json".to_owned())
                .into(),
            audit_key_file: env("PASSEND_AUDIT_KEY_FILE")
                .or(file.audit_key_file)
                .unwrap_or_else(|| "data/audit-key".to_owned())
                .into(),
            http,
            steunpunt_contact: env("PASSEND_STEUNPUNT_CONTACT")
                .or(file.steunpunt_contact)
                .unwrap_or_default()
                .trim()
                .chars()
                .take(300)
                .collect(),
            ozl_after_days,
            steunpunt_response_days,
            steunpunt_retention_months,
            zienswijze_days,
            retention_years,
            documents_dir: env("PASSEND_DOCUMENTS_DIR")
                .or(file.documents_dir)
                .unwrap_or_else(|| "data/documenten".to_owned())
                .into(),
            postal_address: env("PASSEND_POSTADRES")
                .or(file.postal_address)
                .unwrap_or_default(),
            signatory: (
                env("PASSEND_ONDERTEKENAAR")
                    .or(file.signatory)
                    .unwrap_or_default(),
                env("PASSEND_ONDERTEKENAAR_FUNCTIE")
                    .or(file.signatory_role)
                    .unwrap_or_default(),
            ),
            tlv_policy,
            demo: flag("PASSEND_DEMO", file.demo)?,
            trust_proxy,
            server_timing: flag("PASSEND_SERVER_TIMING", file.server_timing)?,
            hash_concurrency,
            smtp_url: env("PASSEND_SMTP_URL")
                .or(file.smtp_url)
                .map(SecretUrl::new),
            mail_dir: env("PASSEND_MAIL_DIR")
                .or(file.mail_dir)
                .unwrap_or_else(|| "data/mail".to_owned())
                .into(),
            mail_from: env("PASSEND_MAIL_FROM")
                .or(file.mail_from)
                .unwrap_or_else(|| format!("Passend <noreply@{host}>")),
            mail_combine: std::time::Duration::from_secs(mail_combine_minutes * 60),
            pdok_url,
            cache_check: std::time::Duration::from_millis(cache_check_ms),
            database_url: SecretUrl::new(database_url),
            addr,
            base_url: base_url.trim_end_matches('/').to_owned(),
            tenant_code: env("PASSEND_TENANT_CODE")
                .or(file.tenant_code)
                .unwrap_or_else(|| "PO2401".to_owned()),
            tenant_name: env("PASSEND_TENANT_NAME")
                .or(file.tenant_name)
                .unwrap_or_else(|| "Passend Onderwijs Almere".to_owned()),
            log_format,
            map_tiles: env("PASSEND_MAP_TILES")
                .or(file.map_tiles)
                .unwrap_or_else(|| DEFAULT_MAP_TILES.to_owned()),
            map_attribution: env("PASSEND_MAP_ATTRIBUTION")
                .or(file.map_attribution)
                .unwrap_or_else(|| DEFAULT_MAP_ATTRIBUTION.to_owned()),
        })
    }

    /// Whether the site is served over https (then HSTS is sent).
    pub fn https(&self) -> bool {
        self.base_url.starts_with("https://")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn defaults() {
        let c = Config::from_parts(FileConfig::default(), env_of(&[])).unwrap();
        assert_eq!(c.database_url.expose(), DEFAULT_DATABASE_URL);
        assert_eq!(c.addr.to_string(), "127.0.0.1:8080");
        assert_eq!(c.base_url, "http://127.0.0.1:8080");
        assert!(!c.https());
        assert_eq!(c.log_format, LogFormat::Text);
    }

    #[test]
    fn env_beats_file() {
        let file: FileConfig = toml::from_str("addr = \"127.0.0.1:9000\"\nbase_url = \"https://passend.example/\"\nlog_format = \"json\"").unwrap();
        let c = Config::from_parts(file, env_of(&[("PASSEND_ADDR", "0.0.0.0:8081")])).unwrap();
        assert_eq!(c.addr.to_string(), "0.0.0.0:8081");
        assert_eq!(c.base_url, "https://passend.example");
        assert!(c.https());
        assert_eq!(c.log_format, LogFormat::Json);
    }

    #[test]
    fn bad_values_are_explained() {
        let e = Config::from_parts(
            FileConfig::default(),
            env_of(&[("PASSEND_ADDR", "nergens")]),
        )
        .unwrap_err();
        assert!(e.to_string().contains("PASSEND_ADDR"));
        assert!(toml::from_str::<FileConfig>("onbekend = 1").is_err());
    }

    #[test]
    fn passwords_never_show() {
        let url = SecretUrl::new(
            "postgres://passend:geheim123@db.example:5432/passend?sslmode=require&password=ook",
        );
        let shown = format!("{url:?} {url}");
        assert!(!shown.contains("geheim123"), "{shown}");
        assert!(!shown.contains("=ook"), "{shown}");
        assert!(shown.contains(
            "postgres://passend:***@db.example:5432/passend?sslmode=require&password=***"
        ));
        let c = Config::from_parts(
            FileConfig::default(),
            env_of(&[("DATABASE_URL", url.expose())]),
        )
        .unwrap();
        assert!(!format!("{c:?}").contains("geheim123"));
        assert_eq!(
            SecretUrl::new("sqlite://data/passend.db").redacted(),
            "sqlite://data/passend.db"
        );
    }
}
