//! Passend, the platform for samenwerkingsverbanden passend onderwijs.
//!
//! This crate assembles the application: configuration, logging, database, seed content and the
//! HTTP server. The `passend` binary (`main.rs`) is a thin command line around it; the
//! integration tests start the same [`Server`] on port 0.

use anyhow::Context;
use passend_domain::contact::ContactField;
use passend_store::Db;
use passend_web::AppState;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub mod accounts;
pub mod audit_head;
pub mod backup;
pub mod check;
pub mod config;
pub mod durable;
pub mod import;
pub mod mail;
pub mod pdok;
pub mod profiles;
pub mod reminders;
pub mod retention;
pub mod seed;
pub mod telemetry;
pub mod voorzieningen;

#[cfg(test)]
mod architecture_doc;

pub use config::Config;

/// Opens the database and applies the migrations (one instance at a time).
pub async fn open_database(config: &Config) -> anyhow::Result<Db> {
    let (db, lock) = connect_locked(config).await?;
    db.migrate()
        .await
        .context("kan de migraties niet toepassen")?;
    lock.release().await?;
    Ok(db)
}

/// Opens the database holding the start lock: instances that start together on one database
/// take turns for the migrations and what a first start writes.
async fn connect_locked(config: &Config) -> anyhow::Result<(Db, passend_store::StartupLock)> {
    let early = passend_store::StartupLock::before_connect(config.database_url.expose()).await?;
    let db = Db::connect(config.database_url.expose())
        .await
        .with_context(|| format!("kan de database {} niet openen", config.database_url))?;
    let lock = match early {
        Some(l) => l,
        None => db.startup_lock().await?,
    };
    Ok((db, lock))
}

/// A running server.
#[derive(Debug)]
pub struct Server {
    /// The address it listens on (the real port when 0 was asked).
    pub addr: SocketAddr,
    /// The database it uses.
    pub db: Db,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
    mail_stop: Option<oneshot::Sender<()>>,
    mail_task: Option<JoinHandle<()>>,
    reminder_stop: Option<oneshot::Sender<()>>,
    reminder_task: Option<JoinHandle<()>>,
    head_stop: Option<oneshot::Sender<()>>,
    head_task: Option<JoinHandle<()>>,
}

impl Server {
    /// Opens the database, migrates, seeds the content and starts listening.
    pub async fn start(config: &Config) -> anyhow::Result<Server> {
        // Instances that start together on one database take turns here; the second finds
        // everything in place and writes nothing.
        let (db, lock) = connect_locked(config).await?;
        db.migrate()
            .await
            .context("kan de migraties niet toepassen")?;
        let tenant =
            passend_store::tenants::ensure(&db, &config.tenant_code, &config.tenant_name).await?;
        let report = seed::run(&db, tenant.id).await?;
        tracing::info!(
            created = report.created,
            updated = report.updated,
            unchanged = report.unchanged,
            kept = report.kept,
            "content seeded"
        );
        let reports = import::load_shipped(&db).await?;
        if !reports.is_empty() {
            let locations: usize = reports
                .iter()
                .filter_map(|r| r.changes)
                .map(|c| c.new)
                .sum();
            tracing::info!(
                locations,
                files = reports.len(),
                "loaded the shipped Almere data"
            );
        }
        let profiles = profiles::load_shipped_if_empty(&db, tenant.id).await?;
        if profiles > 0 {
            tracing::info!(profiles, "loaded the shipped support profiles");
        }
        let state = AppState {
            db: db.clone(),
            tenant_id: tenant.id,
            site_name: tenant.name.clone(),
            https: config.https(),
            server_timing: config.server_timing,
            cache: Arc::new(passend_web::cache::ContentCache::new(config.cache_check)),
            map_cache: Arc::new(passend_web::map::MapCache::new(config.cache_check)),
            front: Arc::new(passend_web::front::Front::new()),
            map: passend_web::MapSettings::new(
                config.map_tiles.clone(),
                config.map_attribution.clone(),
            ),
            base_url: config.base_url.clone(),
            auth: Arc::new(passend_web::auth::AuthSettings {
                passwords: passend_web::passwords::Passwords::new(config.hash_concurrency)
                    .map_err(|e| anyhow::anyhow!("{e}"))?,
                sessions: passend_domain::accounts::SessionPolicy::default(),
                per_account: passend_domain::accounts::Throttle::default(),
                per_address: passend_domain::accounts::Throttle {
                    allowed_failures: 100,
                    window: std::time::Duration::from_secs(15 * 60),
                },
                trust_proxy: config.trust_proxy,
                demo: config.demo,
            }),
            casework: Arc::new(passend_web::CaseworkSettings {
                files: passend_store::files::Files::local(&config.documents_dir)
                    .map_err(|e| anyhow::anyhow!("{e}"))?,
                policy: config.tlv_policy,
                swv_code: config.tenant_code.clone(),
                postal_address: config.postal_address.clone(),
                signatory: config.signatory.clone(),
                zienswijze_days: u32::from(config.zienswijze_days),
                ozl_after_days: u32::from(config.ozl_after_days),
                steunpunt_response_days: config.steunpunt_response_days,
                steunpunt_retention_months: config.steunpunt_retention_months,
                steunpunt_contact: config.steunpunt_contact.clone(),
                expert_grace_weeks: config.expert_grace_weeks,
                bob_decision_weeks: config.bob_decision_weeks,
                rechtbank: config.rechtbank.clone(),
                zorgplicht_terms: config.zorgplicht_terms.clone(),
                mail_address: config
                    .mail_from
                    .parse::<lettre::message::Mailbox>()
                    .map(|m| m.email.to_string())
                    .unwrap_or_else(|_| config.mail_from.clone()),
            }),
            http: config.http,
            health: Arc::new(tokio::sync::Mutex::new(None)),
            uploads: passend_web::auth::UploadPlaces::new(config.http.uploads_at_once),
        };
        if config.demo {
            let n = accounts::ensure_demo(&db, tenant.id).await?;
            tracing::warn!(
                accounts = n,
                "DEMO MODE: demo accounts for every role are active"
            );
        }
        let (_, contact) = passend_store::contact::current(&db, tenant.id).await?;
        let missing: Vec<&str> = contact
            .missing(&config.postal_address)
            .into_iter()
            .map(ContactField::label)
            .collect();
        if !missing.is_empty() {
            tracing::warn!(
                missing = %missing.join("; "),
                "parents cannot reach everyone yet: fill in the contact details at /beheer/contact"
            );
        }
        lock.release().await?;
        let mailer = mail::Mailer::from_config(db.clone(), config)?;
        let (mail_stop, mail_stopped) = oneshot::channel::<()>();
        let mail_task = tokio::spawn(mailer.run(async move {
            let _ = mail_stopped.await;
        }));
        let (reminder_stop, reminder_stopped) = oneshot::channel::<()>();
        let reminder_task = tokio::spawn(reminders::run(
            db.clone(),
            reminders::ReminderSettings {
                site_name: tenant.name.clone(),
                base_url: config.base_url.clone(),
                policy: config.tlv_policy,
                files: state.casework.files.clone(),
                retention_years: config.retention_years,
                steunpunt_retention_months: config.steunpunt_retention_months,
                zorgplicht_terms: config.zorgplicht_terms.clone(),
                heads: audit_head::HeadFiles::of(config),
            },
            async move {
                let _ = reminder_stopped.await;
            },
        ));
        let (head_stop, head_stopped) = oneshot::channel::<()>();
        let head_task = tokio::spawn(audit_head::run(
            db.clone(),
            audit_head::HeadFiles::of(config),
            std::time::Duration::from_secs(2),
            async move {
                let _ = head_stopped.await;
            },
        ));
        let app = passend_web::router(state);
        let listener = tokio::net::TcpListener::bind(config.addr)
            .await
            .with_context(|| format!("kan niet luisteren op {}", config.addr))?;
        let addr = listener.local_addr()?;
        let (tx, rx) = oneshot::channel::<()>();
        let limits = config.http;
        let task = tokio::spawn(passend_web::serve::serve(
            listener,
            app,
            limits,
            async move {
                let _ = rx.await;
            },
        ));
        tracing::info!(%addr, backend = ?db.backend(), "Passend is listening");
        Ok(Server {
            addr,
            db,
            shutdown: Some(tx),
            task,
            mail_stop: Some(mail_stop),
            mail_task: Some(mail_task),
            reminder_stop: Some(reminder_stop),
            reminder_task: Some(reminder_task),
            head_stop: Some(head_stop),
            head_task: Some(head_task),
        })
    }

    /// Stops accepting connections, lets requests in flight finish (at most the shutdown
    /// deadline: connections still open then are dropped), stops the mail worker after its
    /// current mail, writes the audit head, then closes the database.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        (&mut self.task).await.context("server task failed")??;
        if let Some(stop) = self.mail_stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.mail_task.take() {
            let _ = task.await;
        }
        if let Some(stop) = self.reminder_stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.reminder_task.take() {
            let _ = task.await;
        }
        // Last: the head of the chains as they are at shutdown.
        if let Some(stop) = self.head_stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.head_task.take() {
            let _ = task.await;
        }
        self.db.close().await;
        Ok(())
    }

    /// Runs until SIGTERM or Ctrl-C, then stops gracefully.
    pub async fn run_until_signal(self) -> anyhow::Result<()> {
        shutdown_signal().await;
        tracing::info!("shutting down: finishing requests in flight");
        self.stop().await?;
        tracing::info!("stopped");
        Ok(())
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
