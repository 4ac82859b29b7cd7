//! The heads of the hash chains, kept outside the database too: a file
//! (`PASSEND_AUDIT_HEAD_FILE`) signed with a key (`PASSEND_AUDIT_KEY_FILE`, made with mode 0600
//! when missing), rewritten within seconds after the chains grow and at shutdown, and put into
//! every backup. `passend audit verify` checks that the database still reaches that head: a copy
//! of the SQLite file without its WAL, a truncated restore or a replica that was behind is found,
//! where the chain inside the database alone would look whole.

use crate::durable::write_atomic;
use anyhow::{Context, bail};
use passend_domain::audit::{Checkpoint, CheckpointProblem};
use passend_store::Db;
use std::path::PathBuf;
use std::time::Duration;

/// Where the head and its key live.
#[derive(Debug, Clone)]
pub struct HeadFiles {
    /// The head file.
    pub head: PathBuf,
    /// The key file.
    pub key: PathBuf,
}

impl HeadFiles {
    /// From the configuration.
    pub fn of(config: &crate::Config) -> HeadFiles {
        HeadFiles {
            head: config.audit_head_file.clone(),
            key: config.audit_key_file.clone(),
        }
    }

    /// The key, made (32 random bytes, hex, mode 0600) when the file does not exist yet.
    pub fn key_or_new(&self) -> anyhow::Result<Vec<u8>> {
        if let Some(k) = self.key()? {
            return Ok(k);
        }
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes)
            .map_err(|e| anyhow::anyhow!("geen willekeurige sleutel: {e}"))?;
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        write_atomic(&self.key, format!("{hex}\n").as_bytes(), true)
            .with_context(|| format!("kan de sleutel {} niet schrijven", self.key.display()))?;
        Ok(hex.into_bytes())
    }

    /// The key, if its file exists.
    pub fn key(&self) -> anyhow::Result<Option<Vec<u8>>> {
        match std::fs::read_to_string(&self.key) {
            Ok(text) => {
                let k = text.trim();
                if k.len() < 32 {
                    bail!("de sleutel in {} is te kort", self.key.display());
                }
                Ok(Some(k.as_bytes().to_vec()))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e).with_context(|| format!("kan {} niet lezen", self.key.display())),
        }
    }

    /// Writes the checkpoint, whole or not at all (a temporary file, flushed, then renamed).
    pub fn write(&self, c: &Checkpoint, key: &[u8]) -> anyhow::Result<()> {
        write_atomic(&self.head, c.to_text(key).as_bytes(), false)
            .with_context(|| format!("kan {} niet schrijven", self.head.display()))
    }

    /// The checkpoint in the file, checked against the key; `None` when there is no file.
    pub fn read(&self) -> anyhow::Result<Option<Checkpoint>> {
        let text = match std::fs::read_to_string(&self.head) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(e).with_context(|| format!("kan {} niet lezen", self.head.display()));
            }
        };
        let Some(key) = self.key()? else {
            bail!(
                "er is een kopbestand ({}) maar geen sleutel ({}): de handtekening is niet te controleren",
                self.head.display(),
                self.key.display()
            );
        };
        match Checkpoint::from_text(&text, &key) {
            Ok(c) => Ok(Some(c)),
            Err(CheckpointProblem::Unreadable) => {
                bail!("het kopbestand {} is onleesbaar", self.head.display())
            }
            Err(CheckpointProblem::BadSignature) => bail!(
                "de handtekening van het kopbestand {} klopt niet: het is gewijzigd, of hoort bij een andere sleutel",
                self.head.display()
            ),
        }
    }
}

/// The checkpoint of a database now.
pub async fn current(db: &Db) -> anyhow::Result<Checkpoint> {
    let (audit, log) = passend_store::maintenance::chain_heads(db).await?;
    Ok(Checkpoint {
        audit,
        log,
        written_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    })
}

/// What a database says about a recorded head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeadCheck {
    /// There is no head file yet.
    NoFile,
    /// The database reaches the recorded heads.
    Reached(Checkpoint),
}

/// Checks that the database still holds the recorded heads: the same event with the same hash.
/// An error names what is missing.
pub async fn check(db: &Db, files: &HeadFiles) -> anyhow::Result<HeadCheck> {
    let Some(c) = files.read()? else {
        return Ok(HeadCheck::NoFile);
    };
    let (audit, log) = passend_store::maintenance::chain_heads(db).await?;
    if c.audit.0 > 0 {
        match passend_store::maintenance::audit_hash_at(db, c.audit.0).await? {
            Some(h) if h == c.audit.1 => {}
            Some(_) => bail!(
                "het auditspoor is vervangen: gebeurtenis {} heeft een andere hash dan het kopbestand ({}) vastlegde op {}",
                c.audit.0,
                files.head.display(),
                c.written_at
            ),
            None => bail!(
                "het auditspoor eindigt bij gebeurtenis {}, maar het kopbestand ({}) legde op {} gebeurtenis {} vast: de database mist wijzigingen (een kopie zonder WAL, een ingekorte restore of een achterlopende replica)",
                audit.0,
                files.head.display(),
                c.written_at,
                c.audit.0
            ),
        }
    }
    if c.log.0 > 0 {
        match passend_store::maintenance::log_hash_at(db, c.log.0).await? {
            Some(h) if h == c.log.1 => {}
            Some(_) => bail!(
                "het logboek van het Oudersteunpunt is vervangen: regel {} wijkt af van het kopbestand",
                c.log.0
            ),
            None => bail!(
                "het logboek van het Oudersteunpunt eindigt bij regel {}, maar het kopbestand legde regel {} vast: de database mist wijzigingen",
                log.0,
                c.log.0
            ),
        }
    }
    Ok(HeadCheck::Reached(c))
}

/// Keeps the head file up to date: every `every`, when a chain grew, and once more when `stop`
/// resolves. A failed write is logged and tried again next time (a full disk heals by itself).
pub async fn run(
    db: Db,
    files: HeadFiles,
    every: Duration,
    stop: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(stop);
    let key = match files.key_or_new() {
        Ok(k) => k,
        Err(e) => {
            tracing::error!(error = %e, "no key for the audit head: the head is not kept outside the database");
            return;
        }
    };
    let mut last: Option<((i64, String), (i64, String))> = None;
    let mut stopping = false;
    loop {
        match passend_store::maintenance::chain_heads(&db).await {
            Ok(heads) if last.as_ref() != Some(&heads) => {
                let c = Checkpoint {
                    audit: heads.0.clone(),
                    log: heads.1.clone(),
                    written_at: chrono::Utc::now()
                        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                };
                let (key, files) = (key.clone(), files.clone());
                let written = tokio::task::spawn_blocking(move || files.write(&c, &key)).await;
                match written {
                    Ok(Ok(())) => {
                        tracing::debug!(
                            audit_id = heads.0.0,
                            log_id = heads.1.0,
                            "audit head written"
                        );
                        last = Some(heads);
                    }
                    Ok(Err(e)) => {
                        tracing::error!(error = %e, "the audit head could not be written")
                    }
                    Err(e) => tracing::error!(error = %e, "the audit head writer failed"),
                }
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "the audit head could not be read"),
        }
        if stopping {
            if let Some((a, l)) = &last {
                tracing::info!(audit_id = a.0, audit_hash = %a.1, log_id = l.0, "audit head at shutdown");
            }
            break;
        }
        tokio::select! {
            () = &mut stop => stopping = true,
            () = tokio::time::sleep(every) => {}
        }
    }
}
