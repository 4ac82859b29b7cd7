//! Test support: a fresh database per test on the chosen backend, and the real server on port 0.

mod browser;
mod fixtures;

pub use browser::*;
pub use fixtures::*;

use passend::Config;
use passend::Server;
use passend::config::{LogFormat, SecretUrl};
use std::path::PathBuf;

/// The backend this run tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub fn backend() -> Backend {
    match std::env::var("PASSEND_TEST_BACKEND").as_deref() {
        Err(_) | Ok("") | Ok("sqlite") => Backend::Sqlite,
        Ok("postgres") => Backend::Postgres,
        Ok(other) => panic!("PASSEND_TEST_BACKEND must be sqlite or postgres, not {other}"),
    }
}

/// The PostgreSQL server used for fresh test databases.
pub fn pg_admin_url() -> String {
    std::env::var("PASSEND_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

fn pg_url_for(db: &str) -> String {
    let admin = pg_admin_url();
    let (base, query) = admin
        .split_once('?')
        .map_or((admin.as_str(), None), |(b, q)| (b, Some(q)));
    let base = base.rsplit_once('/').map_or(base, |(b, _)| b);
    match query {
        Some(q) => format!("{base}/{db}?{q}"),
        None => format!("{base}/{db}"),
    }
}

/// A fresh, empty database, removed again on drop.
pub struct TestDb {
    pub url: String,
    /// Where the server writes mails when no SMTP server is set; removed on drop.
    pub mail_dir: PathBuf,
    dir: Option<PathBuf>,
    pg_name: Option<String>,
}

impl TestDb {
    pub async fn new() -> TestDb {
        Self::of(backend()).await
    }

    pub async fn of(backend: Backend) -> TestDb {
        let id = uuid::Uuid::new_v4().simple().to_string();
        let mail_dir = std::env::temp_dir().join(format!("passend-mail-{id}"));
        match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(format!("passend-it-{id}"));
                std::fs::create_dir_all(&dir).unwrap();
                TestDb {
                    mail_dir: mail_dir.clone(),
                    url: format!("sqlite://{}/passend.db", dir.display()),
                    dir: Some(dir),
                    pg_name: None,
                }
            }
            Backend::Postgres => {
                let name = format!("passend_it_{id}");
                let mut conn = connect_admin().await;
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(&mut conn)
                    .await
                    .unwrap();
                TestDb {
                    mail_dir: mail_dir.clone(),
                    url: pg_url_for(&name),
                    dir: None,
                    pg_name: Some(name),
                }
            }
        }
    }
}

async fn connect_admin() -> sqlx::PgConnection {
    use sqlx::Connection;
    match sqlx::PgConnection::connect(&pg_admin_url()).await {
        Ok(c) => c,
        Err(e) => panic!(
            "PostgreSQL is needed at {} for this test ({e}); start it, or set PASSEND_TEST_PG_URL",
            pg_admin_url()
        ),
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.mail_dir);
        if let Some(dir) = self.dir.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
        if let Some(name) = self.pg_name.take() {
            // Drop runs outside async; a small runtime on its own thread removes the database.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async move {
                    let mut conn = connect_admin().await;
                    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                    )))
                    .execute(&mut conn)
                    .await;
                });
            })
            .join();
        }
    }
}

pub fn config_for(db: &TestDb) -> Config {
    let state_dir =
        std::env::temp_dir().join(format!("passend-state-{}", uuid::Uuid::new_v4().simple()));
    Config {
        database_url: SecretUrl::new(db.url.clone()),
        addr: "127.0.0.1:0".parse().unwrap(),
        base_url: "http://127.0.0.1".to_owned(),
        tenant_code: "PO2401".to_owned(),
        tenant_name: "Passend Onderwijs Almere".to_owned(),
        log_format: LogFormat::Text,
        map_tiles: "/static/favicon.svg?{z}/{x}/{y}".to_owned(),
        map_attribution: "Testkaart".to_owned(),
        // Tests edit the database directly and look at once.
        cache_check: std::time::Duration::ZERO,
        pdok_url: None,
        smtp_url: None,
        mail_dir: std::env::temp_dir()
            .join(format!("passend-mail-{}", uuid::Uuid::new_v4().simple())),
        mail_from: "Passend <noreply@passend.test>".to_owned(),
        mail_combine: std::time::Duration::ZERO,
        demo: false,
        trust_proxy: false,
        server_timing: true,
        hash_concurrency: 2,
        documents_dir: std::env::temp_dir()
            .join(format!("passend-docs-{}", uuid::Uuid::new_v4().simple())),
        postal_address: "Postbus 1, 1300 AA Almere".to_owned(),
        signatory: (String::new(), String::new()),
        tlv_policy: passend_domain::tlv::TlvPolicy::default(),
        retention_years: 3,
        zienswijze_days: 14,
        ozl_after_days: 21,
        steunpunt_response_days: 3,
        steunpunt_retention_months: 24,
        steunpunt_contact: "036 000 00 00 of steunpunt@swv.test".to_owned(),
        expert_grace_weeks: 4,
        bob_decision_weeks: 12,
        rechtbank: passend::config::DEFAULT_RECHTBANK.to_owned(),
        zorgplicht_terms: passend_domain::zorgplicht::TermPolicy::default(),
        audit_head_file: state_dir.join("audit-head.json"),
        audit_key_file: state_dir.join("audit-key"),
        http: passend_web::serve::HttpLimits::default(),
    }
}

/// The real server on a fresh database, with an HTTP client that does not follow redirects.
pub struct TestApp {
    pub server: Option<Server>,
    pub base: String,
    pub client: reqwest::Client,
    pub config: Config,
    pub db: TestDb,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
        let db = TestDb::new().await;
        let mut config = config_for(&db);
        adjust(&mut config);
        Self::start(db, config).await
    }

    pub async fn start(db: TestDb, config: Config) -> TestApp {
        let server = Server::start(&config).await.unwrap();
        let base = format!("http://{}", server.addr);
        let client = http_client();
        TestApp {
            server: Some(server),
            base,
            client,
            config,
            db,
        }
    }

    pub fn server(&self) -> &Server {
        self.server.as_ref().unwrap()
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }

    pub async fn text(&self, path: &str) -> (reqwest::StatusCode, String) {
        let r = self.get(path).await;
        let status = r.status();
        (status, r.text().await.unwrap())
    }

    /// Stops the server and gives back the database, e.g. to start again on it.
    pub async fn stop(mut self) -> (TestDb, Config) {
        if let Some(server) = self.server.take() {
            server.stop().await.unwrap();
        }
        (self.db, self.config)
    }
}

/// Every public page slug (the glossary has its own route).
pub const PAGES: &[&str] = passend::seed::REQUIRED_PAGES;

/// The path of a page in a language.
pub fn path(lang: &str, slug: &str) -> String {
    let prefix = if lang == "en" { "/en" } else { "" };
    if slug == "home" {
        format!("{prefix}/")
    } else {
        format!("{prefix}/{slug}")
    }
}

/// An HTTP client that does not follow redirects. reqwest is built without a TLS crypto
/// provider of its own (the product installs ring before its PDOK client), so tests do too.
pub fn http_client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A national-size DUO file: `rows` synthetic basisonderwijs locations in DUO's layout, every
/// fiftieth in Almere (0034) and the rest in `gemeente`.
pub fn national_file(rows: u32, gemeente: &str) -> Vec<u8> {
    let seed = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../seed/almere/bo_alle_vestigingen_almere.csv");
    let bo = std::fs::read(seed).unwrap();
    let header = bo.split(|b| *b == b'\n').next().unwrap();
    let mut file = header.to_vec();
    file.push(b'\n');
    for n in 0..rows {
        let brin = format!(
            "{:02}{}{}",
            n % 100,
            (b'A' + (n / 100 % 26) as u8) as char,
            (b'A' + (n / 2600) as u8) as char
        );
        file.extend_from_slice(
            format!(
                "Provincie;{n};{brin};{brin}00;Basisschool {n};Straat;{};1{:03} AB;PLAATS;{};GEMEENTE;Openbaar; ; ;Postbus;1;1000 AA;PLAATS;01;A;01;A;01;A;01;A;01;A;01;A;Noord\r\n",
                n % 300 + 1,
                n % 1000,
                if n % 50 == 0 { "0034" } else { gemeente }
            )
            .as_bytes(),
        );
    }
    file
}

/// The `passend` binary, with every place it writes to (documents, mails, the audit head and
/// its key) in a folder of its own, so that a test never writes into the source tree.
pub fn passend_command() -> std::process::Command {
    let dir = std::env::temp_dir().join(format!("passend-cli-{}", uuid::Uuid::new_v4().simple()));
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_passend"));
    c.env_remove("PASSEND_CONFIG")
        .env("RUST_LOG", "warn")
        .env("PASSEND_DOCUMENTS_DIR", dir.join("documenten"))
        .env("PASSEND_MAIL_DIR", dir.join("mail"))
        .env("PASSEND_AUDIT_HEAD_FILE", dir.join("audit-head.json"))
        .env("PASSEND_AUDIT_KEY_FILE", dir.join("audit-key"));
    c
}
