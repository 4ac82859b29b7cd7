//! `passend check`: does every file the database refers to exist, with the SHA-256 recorded at
//! upload? And which files does nothing refer to (orphans: left by a process killed between
//! storing a file and committing its row, or by an interrupted delete)? The hourly run moves
//! orphans older than a day to `quarantaine/<day>/` ([`sweep_orphans`]; younger ones may belong
//! to an upload that is still being saved) and removes them from there after
//! [`QUARANTINE_DAYS`]. It does nothing while the database does not reach the audit head kept
//! outside it: a database put back from an older copy would take today's files for orphans.

use passend_store::Db;
use passend_store::files::Files;
use std::collections::HashSet;
use std::fmt::Write as _;

/// The prefixes under which Passend stores files.
pub const PREFIXES: &[&str] = &["documenten", "brieven", "probe"];

/// What the check found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Files referred to.
    pub referred: usize,
    /// Of those, checked against a recorded SHA-256.
    pub hashed: usize,
    /// Referred to, but not there.
    pub missing: Vec<String>,
    /// There, but with another SHA-256 or size than recorded.
    pub damaged: Vec<String>,
    /// There, but referred to by nothing: (key, bytes, last written).
    pub orphans: Vec<(String, u64, chrono::DateTime<chrono::Utc>)>,
}

impl Report {
    /// Whether every referred file is there and whole (orphans do not count).
    pub fn is_ok(&self) -> bool {
        self.missing.is_empty() && self.damaged.is_empty()
    }

    /// The report as `passend check` prints it.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} bestanden in de database, {} daarvan met hun SHA-256 nagerekend.",
            self.referred, self.hashed
        );
        for k in &self.missing {
            let _ = writeln!(out, "ONTBREEKT: {k}");
        }
        for k in &self.damaged {
            let _ = writeln!(out, "BESCHADIGD (andere SHA-256 of grootte): {k}");
        }
        for (k, size, at) in &self.orphans {
            let _ = writeln!(
                out,
                "wees (geen rij in de database): {k} ({size} bytes, {})",
                at.format("%Y-%m-%d %H:%M")
            );
        }
        if self.is_ok() {
            let _ = writeln!(
                out,
                "In orde: elk bestand is er, met de juiste inhoud.{}",
                if self.orphans.is_empty() {
                    String::new()
                } else {
                    format!(
                        " {} wezen: de uurlijkse ronde ruimt wezen ouder dan een dag op.",
                        self.orphans.len()
                    )
                }
            );
        } else {
            let _ = writeln!(
                out,
                "NIET IN ORDE: {} ontbreken, {} beschadigd. Zet ze terug uit een back-up (passend restore in een lege map, dan het bestand overnemen).",
                self.missing.len(),
                self.damaged.len()
            );
        }
        out
    }
}

/// Checks every referred file (reading each whole to hash it) and lists the orphans.
pub async fn run(db: &Db, files: &Files) -> anyhow::Result<Report> {
    let refs = passend_store::maintenance::file_refs(db).await?;
    let mut report = Report {
        referred: refs.len(),
        ..Report::default()
    };
    let known: HashSet<&str> = refs.iter().map(|r| r.key.as_str()).collect();
    for r in &refs {
        match files.get(&r.key).await {
            Ok(bytes) => {
                if let Some(expected) = &r.sha256 {
                    report.hashed += 1;
                    let size_ok = r
                        .size_bytes
                        .is_none_or(|s| u64::try_from(s).ok() == Some(bytes.len() as u64));
                    if !size_ok || passend_domain::documents::sha256_hex(&bytes) != *expected {
                        report.damaged.push(r.key.clone());
                    }
                }
            }
            Err(e) if e.is_missing() => report.missing.push(r.key.clone()),
            Err(e) => return Err(e.into()),
        }
    }
    for prefix in PREFIXES {
        for f in files.list(prefix).await? {
            if !known.contains(f.key.as_str()) {
                report.orphans.push((f.key, f.size, f.modified));
            }
        }
    }
    Ok(report)
}

/// Days a file nothing refers to stays in quarantine before it is removed.
pub const QUARANTINE_DAYS: i64 = 30;

/// What a sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Swept {
    /// Orphans moved to quarantine.
    pub quarantined: usize,
    /// Staging files of a killed process removed.
    pub staging: usize,
    /// Files removed from quarantine after [`QUARANTINE_DAYS`].
    pub purged: usize,
}

/// Moves files that nothing refers to and that were last written more than `older_than` ago to
/// quarantine, removes staging leftovers, and empties quarantine days older than
/// [`QUARANTINE_DAYS`]. Reads the database's keys after listing the files, so a file whose row
/// was committed meanwhile is never taken for an orphan. Refuses to run when the database does
/// not reach the audit head recorded outside it (`heads`).
pub async fn sweep_orphans(
    db: &Db,
    files: &Files,
    heads: Option<&crate::audit_head::HeadFiles>,
    older_than: chrono::Duration,
) -> anyhow::Result<Swept> {
    if let Some(heads) = heads
        && let crate::audit_head::HeadCheck::Lost(problem) =
            crate::audit_head::check(db, heads).await?
    {
        anyhow::bail!("bestanden zonder verwijzing blijven staan: {problem}");
    }
    let now = chrono::Utc::now();
    let cutoff = now - older_than;
    let mut listed = Vec::new();
    for prefix in PREFIXES {
        listed.extend(files.list(prefix).await?);
    }
    let known: HashSet<String> = passend_store::maintenance::file_refs(db)
        .await?
        .into_iter()
        .map(|r| r.key)
        .collect();
    let mut swept = Swept::default();
    let today = now.date_naive();
    for f in listed {
        if f.modified < cutoff && !known.contains(&f.key) {
            files.quarantine(&f.key, today).await?;
            swept.quarantined += 1;
        }
    }
    swept.staging = files.remove_staging_leftovers(cutoff).await?;
    let oldest_kept = today - chrono::Duration::days(QUARANTINE_DAYS);
    for f in files.list(passend_store::files::QUARANTINE).await? {
        let day = f
            .key
            .split('/')
            .nth(1)
            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        if day.is_some_and(|d| d < oldest_kept) {
            files.delete(&f.key).await?;
            swept.purged += 1;
        }
    }
    Ok(swept)
}
