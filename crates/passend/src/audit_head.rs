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
    /// There is no head file and no key yet: nothing was ever recorded.
    NoFile,
    /// The database reaches the recorded heads.
    Reached(Checkpoint),
    /// The database does not reach what was recorded outside it, or the head file is gone while
    /// its key is still there: what is wrong, in Dutch.
    Lost(String),
}

/// Whether the database still holds a checkpoint's events with the same hashes: `None` when it
/// does, else what is missing or replaced.
async fn reaches(
    db: &Db,
    c: &Checkpoint,
    file: &std::path::Path,
) -> anyhow::Result<Option<String>> {
    if c.audit.0 > 0 {
        match passend_store::maintenance::audit_hash_at(db, c.audit.0).await? {
            Some(h) if h == c.audit.1 => {}
            Some(_) => {
                return Ok(Some(format!(
                    "het auditspoor is vervangen: gebeurtenis {} heeft een andere hash dan het kopbestand ({}) vastlegde op {}",
                    c.audit.0,
                    file.display(),
                    c.written_at
                )));
            }
            None => {
                let (audit, _) = passend_store::maintenance::chain_heads(db).await?;
                return Ok(Some(format!(
                    "het auditspoor eindigt bij gebeurtenis {}, maar het kopbestand ({}) legde op {} gebeurtenis {} vast: de database mist wijzigingen (een kopie zonder WAL, een ingekorte restore of een achterlopende replica)",
                    audit.0,
                    file.display(),
                    c.written_at,
                    c.audit.0
                )));
            }
        }
    }
    if c.log.0 > 0 {
        match passend_store::maintenance::log_hash_at(db, c.log.0).await? {
            Some(h) if h == c.log.1 => {}
            Some(_) => {
                return Ok(Some(format!(
                    "het logboek van het Oudersteunpunt is vervangen: regel {} wijkt af van het kopbestand",
                    c.log.0
                )));
            }
            None => {
                let (_, log) = passend_store::maintenance::chain_heads(db).await?;
                return Ok(Some(format!(
                    "het logboek van het Oudersteunpunt eindigt bij regel {}, maar het kopbestand legde regel {} vast: de database mist wijzigingen",
                    log.0, c.log.0
                )));
            }
        }
    }
    Ok(None)
}

/// Checks that the database still holds the recorded heads: the same event with the same hash.
/// An error is a file or database that cannot be read; `Lost` names what is missing (also a key
/// without a head: the key is made just before the first head is written).
pub async fn check(db: &Db, files: &HeadFiles) -> anyhow::Result<HeadCheck> {
    let Some(c) = files.read()? else {
        // A key without a head: the head was written before (the key is made just before the
        // first head) and has been removed since.
        if files.key()?.is_some() {
            return Ok(HeadCheck::Lost(format!(
                "er is een sleutel ({}) maar geen kopbestand ({}): het kopbestand is verwijderd of kon nooit worden geschreven",
                files.key.display(),
                files.head.display()
            )));
        }
        return Ok(HeadCheck::NoFile);
    };
    Ok(match reaches(db, &c, &files.head).await? {
        None => HeadCheck::Reached(c),
        Some(problem) => HeadCheck::Lost(problem),
    })
}

/// Keeps the head file up to date: every `every`, when a chain grew, and once more when `stop`
/// resolves. A failed write is logged and tried again next time (a full disk heals by itself).
///
/// The head only moves forward. At start the database must reach the head in the file (a key
/// without a head counts as a lost head), and before every write it must still reach the head
/// written last, and the file may not be ahead of what is written (another process wrote it).
/// When the database does not reach it (a database put back from an older copy, a replica
/// that was behind, a head file removed) the file is left as it is, as evidence, and an error
/// is logged: `passend audit verify` then says what is missing.
pub async fn run(
    db: Db,
    files: HeadFiles,
    every: Duration,
    stop: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(stop);
    // What the files say, before anything is made (a first start has neither key nor head).
    let found = loop {
        match check(&db, &files).await {
            Ok(found) => break found,
            Err(e) => {
                tracing::warn!(error = %e, "the audit head could not be checked; trying again");
                tokio::select! {
                    () = &mut stop => return,
                    () = tokio::time::sleep(every) => {}
                }
            }
        }
    };
    let mut last: Option<Checkpoint> = match found {
        HeadCheck::NoFile => None,
        HeadCheck::Reached(c) => Some(c),
        HeadCheck::Lost(problem) => {
            tracing::error!(
                problem = %problem,
                "the database does not reach the audit head recorded outside it; the head file is kept and not written: run `passend audit verify`"
            );
            return;
        }
    };
    let key = match files.key_or_new() {
        Ok(k) => k,
        Err(e) => {
            tracing::error!(error = %e, "no key for the audit head: the head is not kept outside the database");
            return;
        }
    };
    let mut stopping = false;
    loop {
        match write_if_grown(&db, &files, &key, last.as_ref()).await {
            Ok(Some(c)) => last = Some(c),
            Ok(None) => {}
            Err(Stop(problem)) => {
                tracing::error!(
                    problem = %problem,
                    "the audit head cannot move on; the head file is kept and not written again: run `passend audit verify`"
                );
                return;
            }
        }
        if stopping {
            if let Some(c) = &last {
                tracing::info!(audit_id = c.audit.0, audit_hash = %c.audit.1, log_id = c.log.0, "audit head at shutdown");
            }
            break;
        }
        tokio::select! {
            () = &mut stop => stopping = true,
            () = tokio::time::sleep(every) => {}
        }
    }
}

/// The database went back behind the head written last.
struct Stop(String);

/// Writes a new head when a chain grew and the database still reaches the last one. Passing
/// troubles (a read or write that failed) are logged and leave the head as it was.
async fn write_if_grown(
    db: &Db,
    files: &HeadFiles,
    key: &[u8],
    last: Option<&Checkpoint>,
) -> Result<Option<Checkpoint>, Stop> {
    let heads = match passend_store::maintenance::chain_heads(db).await {
        Ok(h) => h,
        Err(e) => {
            tracing::warn!(error = %e, "the audit head could not be read");
            return Ok(None);
        }
    };
    if let Some(l) = last {
        if (l.audit.clone(), l.log.clone()) == heads {
            return Ok(None);
        }
        match reaches(db, l, &files.head).await {
            Ok(None) => {}
            Ok(Some(problem)) => return Err(Stop(problem)),
            Err(e) => {
                tracing::warn!(error = %e, "the audit head could not be checked");
                return Ok(None);
            }
        }
        if heads.0.0 < l.audit.0 || heads.1.0 < l.log.0 {
            return Err(Stop(format!(
                "de keten staat nu bij gebeurtenis {}, eerder al bij {}",
                heads.0.0, l.audit.0
            )));
        }
    }
    // The file as it is now: removed since it was written is evidence too; ahead of this
    // database (another process on it wrote it just now) is left alone.
    let on_disk = {
        let files = files.clone();
        tokio::task::spawn_blocking(move || files.read()).await
    };
    match on_disk {
        Ok(Ok(Some(c))) if c.audit.0 > heads.0.0 || c.log.0 > heads.1.0 => return Ok(None),
        Ok(Ok(None)) if last.is_some() => {
            return Err(Stop(format!(
                "het kopbestand {} is verdwenen terwijl de server draaide",
                files.head.display()
            )));
        }
        Ok(Ok(_)) => {}
        Ok(Err(e)) => return Err(Stop(format!("{e:#}"))),
        Err(e) => {
            tracing::warn!(error = %e, "the audit head could not be read");
            return Ok(None);
        }
    }
    let c = Checkpoint {
        audit: heads.0,
        log: heads.1,
        written_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    };
    let (key, files, next) = (key.to_vec(), files.clone(), c.clone());
    match tokio::task::spawn_blocking(move || files.write(&next, &key)).await {
        Ok(Ok(())) => {
            tracing::debug!(audit_id = c.audit.0, log_id = c.log.0, "audit head written");
            Ok(Some(c))
        }
        Ok(Err(e)) => {
            tracing::error!(error = %e, "the audit head could not be written");
            Ok(None)
        }
        Err(e) => {
            tracing::error!(error = %e, "the audit head writer failed");
            Ok(None)
        }
    }
}
