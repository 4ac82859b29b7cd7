//! The mail worker: sends what the outbox holds over SMTP (or into a folder during
//! development), with retry and exponential backoff. Mails carry no pupil data; their
//! idempotency key is their Message-ID.

use crate::config::{Config, SecretUrl};
use anyhow::Context;
use chrono::Utc;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use passend_store::Db;
use passend_store::outbox::{self, Mail};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::Notify;

/// Where mails go.
#[derive(Clone)]
pub enum Transport {
    /// An SMTP server.
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// `.eml` files in a folder (development), each written whole or not at all.
    Folder(std::path::PathBuf),
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Transport::Smtp(_) => "Transport::Smtp",
            Transport::Folder(_) => "Transport::Folder",
        })
    }
}

/// The worker's settings.
#[derive(Debug, Clone)]
pub struct Mailer {
    db: Db,
    transport: Transport,
    from: Mailbox,
    /// First retry delay; doubles per attempt, at most one hour.
    pub backoff_base: Duration,
    /// Attempts before a mail is marked failed for good.
    pub max_attempts: i64,
    /// How long a claimed mail is reserved for one send.
    pub lease: Duration,
    /// Notices to one person within this window go out as one mail.
    pub combine: Duration,
    /// Wakes the worker when a mail is queued.
    pub wake: Arc<Notify>,
    /// Set when the worker must stop after the mail it is sending.
    stopping: Arc<AtomicBool>,
}

impl Mailer {
    /// A mailer as configured: SMTP when `PASSEND_SMTP_URL` is set, else a folder.
    pub fn from_config(db: Db, config: &Config) -> anyhow::Result<Mailer> {
        let transport = match &config.smtp_url {
            Some(url) => smtp(url)?,
            None => {
                std::fs::create_dir_all(&config.mail_dir).with_context(|| {
                    format!(
                        "kan de map {} voor e-mail niet maken",
                        config.mail_dir.display()
                    )
                })?;
                Transport::Folder(config.mail_dir.clone())
            }
        };
        let from: Mailbox = config.mail_from.parse().with_context(|| {
            format!(
                "PASSEND_MAIL_FROM '{}' is geen e-mailadres",
                config.mail_from
            )
        })?;
        Ok(Mailer {
            db,
            transport,
            from,
            backoff_base: Duration::from_secs(30),
            // 30 s doubling up to an hour, then hourly: about two and a half days of outage.
            max_attempts: 60,
            lease: Duration::from_secs(120),
            combine: config.mail_combine,
            wake: Arc::new(Notify::new()),
            stopping: Arc::new(AtomicBool::new(false)),
        })
    }

    /// Sends one mail now (no outbox bookkeeping).
    pub async fn send(&self, mail: &Mail) -> Result<(), SendError> {
        let to: Mailbox = mail
            .to_address
            .parse()
            .map_err(|_| SendError::Permanent("ongeldig adres".to_owned()))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .message_id(Some(format!(
                "<{}@{}>",
                mail.idempotency_key,
                self.from.email.domain()
            )));
        let text = SinglePart::builder()
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body_text.clone());
        let message = match (
            &mail.attachment_name,
            &mail.attachment_type,
            &mail.attachment_body,
        ) {
            (Some(name), Some(kind), Some(body)) => {
                let kind =
                    ContentType::parse(kind).map_err(|e| SendError::Permanent(e.to_string()))?;
                // A calendar client reads the invitation from the attachment; the text says it too.
                message.multipart(
                    MultiPart::mixed()
                        .singlepart(text)
                        .singlepart(Attachment::new(name.clone()).body(body.clone(), kind)),
                )
            }
            _ => message.singlepart(text),
        }
        .map_err(|e| SendError::Permanent(e.to_string()))?;
        match &self.transport {
            Transport::Smtp(t) => t.send(message).await.map(|_| ()).map_err(|e| {
                if e.is_permanent() {
                    SendError::Permanent(e.to_string())
                } else {
                    SendError::Temporary(e.to_string())
                }
            }),
            Transport::Folder(dir) => {
                // A temporary name first, flushed, then renamed: a full disk leaves no empty or
                // half `.eml` behind, and the mail is tried again later.
                let path = dir.join(format!("{}.eml", uuid::Uuid::new_v4().simple()));
                let bytes = message.formatted();
                tokio::task::spawn_blocking(move || {
                    crate::durable::write_atomic(&path, &bytes, false)
                })
                .await
                .map_err(|e| SendError::Temporary(e.to_string()))?
                .map_err(|e| SendError::Temporary(e.to_string()))
            }
        }
    }

    /// Sends every mail that was due when the run began (a mail that fails waits for a later
    /// run); returns how many were sent.
    pub async fn run_once(&self) -> anyhow::Result<usize> {
        let mut sent = 0;
        let lease = chrono::Duration::from_std(self.lease).unwrap_or(chrono::Duration::minutes(2));
        let started = Utc::now();
        let window = chrono::Duration::from_std(self.combine)
            .ok()
            .filter(|w| !w.is_zero());
        while !self.stopping.load(Ordering::Relaxed) {
            let now = Utc::now();
            let Some(mail) =
                outbox::claim(&self.db, started, now, lease, window.map(|w| now - w)).await?
            else {
                break;
            };
            match self.send(&mail).await {
                Ok(()) => {
                    outbox::mark_sent(&self.db, &mail, Utc::now()).await?;
                    sent += 1;
                }
                Err(e) => {
                    let retry = match &e {
                        SendError::Permanent(_) => None,
                        SendError::Temporary(_) if mail.attempts >= self.max_attempts => None,
                        SendError::Temporary(_) => Some(Utc::now() + self.backoff(mail.attempts)),
                    };
                    // The error text can name the recipient: it goes to the outbox row, not the log.
                    let permanent = matches!(e, SendError::Permanent(_));
                    tracing::warn!(
                        mail_id = mail.id,
                        attempts = mail.attempts,
                        permanent,
                        "mail not sent"
                    );
                    outbox::mark_error(&self.db, &mail, &e.to_string(), retry).await?;
                }
            }
        }
        Ok(sent)
    }

    fn backoff(&self, attempts: i64) -> chrono::Duration {
        let factor = 2u32.saturating_pow(
            u32::try_from(attempts.saturating_sub(1))
                .unwrap_or(31)
                .min(20),
        );
        let delay = self
            .backoff_base
            .saturating_mul(factor)
            .min(Duration::from_secs(3600));
        chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::hours(1))
    }

    /// Runs until `stop` resolves: sends what is due, then waits for a wake-up or 2 seconds (mails
    /// written by the web layer are picked up within that time).
    /// When `stop` resolves during a run, the mail being sent is finished and the rest waits.
    pub async fn run(self, stop: impl std::future::Future<Output = ()> + Send + 'static) {
        let stopping = Arc::clone(&self.stopping);
        let wake = Arc::clone(&self.wake);
        tokio::spawn(async move {
            stop.await;
            stopping.store(true, Ordering::Relaxed);
            wake.notify_one();
        });
        while !self.stopping.load(Ordering::Relaxed) {
            if let Err(e) = self.run_once().await {
                tracing::error!(error = %e, "mail worker");
            }
            tokio::select! {
                () = self.wake.notified() => {},
                () = tokio::time::sleep(Duration::from_secs(2)) => {},
            }
        }
    }
}

fn smtp(url: &SecretUrl) -> anyhow::Result<Transport> {
    // lettre is built without a TLS crypto provider of its own; ring is ours.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let t = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())
        .with_context(|| format!("PASSEND_SMTP_URL {url} is geen geldige SMTP-URL"))?
        .timeout(Some(Duration::from_secs(20)))
        .build();
    Ok(Transport::Smtp(t))
}

/// Why a mail was not sent.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// Worth trying again (server down, timeout).
    #[error("tijdelijk: {0}")]
    Temporary(String),
    /// Will never work (bad address, refused for good).
    #[error("blijvend: {0}")]
    Permanent(String),
}
