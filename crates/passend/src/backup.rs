//! `passend backup` and `passend restore`: one archive (tar) with a consistent copy of the
//! database and every file it refers to, taken while the server runs.
//!
//! - **SQLite**: `VACUUM INTO` copies the database in one read transaction; writers go on.
//! - **PostgreSQL**: `pg_dump --format=custom --snapshot=…` dumps a snapshot this command holds
//!   open, so the files, counts and chain heads read through the same snapshot match the dump.
//!   `pg_dump` and `pg_restore` (package `postgresql-client`, at least the server's version) must
//!   be on the PATH. Point-in-time recovery (WAL archiving) is in `docs/OPERATIONS.md`.
//! - **Files**: exactly those the copy refers to, each checked against the SHA-256 recorded at
//!   upload; a file that is missing or damaged stops the backup (run `passend check`).
//! - **MANIFEST.json** (last in the archive): the backend, the SHA-256 of the database copy and of
//!   every file, the row counts, and the chains' heads signed with the audit key (the key is in
//!   the archive too; keep backups as safe as the database: they hold every pupil's data).
//!
//! A restore goes into an empty database and an empty documents folder only. It checks every
//! hash in the archive before it writes anything, then restores, migrates, compares the counts,
//! checks every file and the audit chains, and writes the head file, so that `passend audit
//! verify` finds a later truncation.

use crate::Config;
use crate::audit_head::HeadFiles;
use crate::durable::write_atomic;
use anyhow::{Context, bail};
use passend_domain::audit::Checkpoint;
use passend_domain::documents::{Sha256Stream, sha256_hex};
use passend_store::Db;
use passend_store::maintenance::{self, Counts, FileRef};
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The archive's format name.
pub const FORMAT: &str = "passend-backup-1";
const MANIFEST: &str = "MANIFEST.json";
const KEY_ENTRY: &str = "audit-key";
const FILES_DIR: &str = "bestanden/";

/// What an archive holds.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    /// [`FORMAT`].
    pub format: String,
    /// When the copy was taken (RFC 3339).
    pub created_at: String,
    /// `sqlite` or `postgres`.
    pub backend: String,
    /// The version of Passend that made it.
    pub passend_version: String,
    /// The database copy's entry name, SHA-256 and size.
    pub database: Entry,
    /// Every file, by its key.
    pub files: Vec<Entry>,
    /// Row counts of the copy.
    pub counts: Vec<(String, i64)>,
    /// The chains' heads in the copy, signed (the head file's text).
    pub head: String,
}

/// One file in the archive.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Entry {
    /// Its name (the object key for files).
    pub name: String,
    /// SHA-256, hex.
    pub sha256: String,
    /// Size.
    pub bytes: u64,
}

/// What a backup wrote.
#[derive(Debug, Clone)]
pub struct BackupReport {
    /// The archive.
    pub path: PathBuf,
    /// Its manifest.
    pub manifest: Manifest,
}

impl BackupReport {
    /// As `passend backup` prints it.
    pub fn text(&self) -> String {
        let m = &self.manifest;
        let bytes: u64 = m.files.iter().map(|f| f.bytes).sum::<u64>() + m.database.bytes;
        format!(
            "Back-up geschreven: {} ({}, {} bestanden, {:.1} MB).\n{}",
            self.path.display(),
            m.backend,
            m.files.len(),
            bytes as f64 / 1_048_576.0,
            counts_text(&m.counts)
        )
    }
}

fn counts_text(counts: &[(String, i64)]) -> String {
    counts
        .iter()
        .map(|(t, n)| format!("  {t}: {n}"))
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// The facts of a copy, read through the copy itself.
struct Facts {
    refs: Vec<FileRef>,
    counts: Counts,
    heads: ((i64, String), (i64, String)),
}

/// Writes an archive of the database and its files to `target` (whole or not at all).
pub async fn create(config: &Config, db: &Db, target: &Path) -> anyhow::Result<BackupReport> {
    if target.exists() {
        bail!(
            "{} bestaat al: kies een nieuwe naam, een back-up overschrijft niets",
            target.display()
        );
    }
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("kan de map {} niet maken", dir.display()))?;
    let work = dir.join(format!(".passend-backup-{}", uuid_like()));
    private_dir(&work)?;
    let result = create_in(config, db, target, &work).await;
    let _ = std::fs::remove_dir_all(&work);
    result
}

async fn create_in(
    config: &Config,
    db: &Db,
    target: &Path,
    work: &Path,
) -> anyhow::Result<BackupReport> {
    let heads_files = HeadFiles::of(config);
    let key = heads_files.key_or_new()?;
    let (backend, db_file, facts) = match db.backend() {
        passend_store::Backend::Sqlite => {
            let copy = work.join("database.sqlite");
            maintenance::sqlite_snapshot(db, &copy)
                .await
                .context("de kopie van de database (VACUUM INTO) mislukte")?;
            let snapshot = Db::open_sqlite_copy(&copy).await?;
            let facts = Facts {
                refs: maintenance::file_refs(&snapshot).await?,
                counts: maintenance::counts(&snapshot).await?,
                heads: maintenance::chain_heads(&snapshot).await?,
            };
            snapshot.close().await;
            ("sqlite", copy, facts)
        }
        passend_store::Backend::Postgres => {
            let Some(mut snap) = maintenance::PgSnapshot::begin(db).await? else {
                bail!("geen PostgreSQL-snapshot");
            };
            let facts = Facts {
                refs: snap.file_refs().await?,
                counts: snap.counts().await?,
                heads: snap.chain_heads().await?,
            };
            let dump = work.join("database.pgdump");
            let (url, password) = pg_url_and_password(config.database_url.expose());
            let (snapshot_id, out) = (snap.id.clone(), dump.clone());
            let status = tokio::task::spawn_blocking(move || {
                let mut cmd = std::process::Command::new("pg_dump");
                cmd.arg("--format=custom")
                    .arg("--no-owner")
                    .arg("--no-privileges")
                    .arg(format!("--snapshot={snapshot_id}"))
                    .arg(format!("--file={}", out.display()))
                    .arg(format!("--dbname={url}"));
                if let Some(p) = password {
                    cmd.env("PGPASSWORD", p);
                }
                cmd.output()
            })
            .await?
            .context("pg_dump is niet te starten: installeer postgresql-client (pg_dump)")?;
            snap.finish().await?;
            if !status.status.success() {
                bail!(
                    "pg_dump mislukte: {}",
                    String::from_utf8_lossy(&status.stderr).trim()
                );
            }
            ("postgres", dump, facts)
        }
    };
    let checkpoint = Checkpoint {
        audit: facts.heads.0.clone(),
        log: facts.heads.1.clone(),
        written_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    };
    let manifest_base = Manifest {
        format: FORMAT.to_owned(),
        created_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        backend: backend.to_owned(),
        passend_version: env!("CARGO_PKG_VERSION").to_owned(),
        database: Entry {
            name: db_file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            sha256: String::new(),
            bytes: 0,
        },
        files: Vec::new(),
        counts: facts.counts.tables.clone(),
        head: checkpoint.to_text(&key),
    };
    let documents_dir = config.documents_dir.clone();
    let target = target.to_path_buf();
    let report_path = target.clone();
    let tmp = target.with_extension(format!("{}.tmp", uuid_like()));
    let refs = facts.refs;
    let manifest = tokio::task::spawn_blocking(move || {
        write_archive(&tmp, &db_file, &documents_dir, &refs, &key, manifest_base)
            .and_then(|m| {
                std::fs::rename(&tmp, &target)?;
                if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::File::open(dir)?.sync_all()?;
                }
                Ok(m)
            })
            .inspect_err(|_| {
                let _ = std::fs::remove_file(&tmp);
            })
    })
    .await??;
    Ok(BackupReport {
        path: report_path,
        manifest,
    })
}

/// A folder only the owner can read (the copy in it holds every pupil's data).
fn private_dir(path: &Path) -> std::io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(path)
}

/// A new file only the owner can read; never one that exists.
fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// A reader that hashes what is read through it.
struct HashingReader<R> {
    inner: R,
    hash: Sha256Stream,
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }
}

/// Copies everything from `from` to `to`, hashing on the way: the SHA-256 and the size.
fn copy_hashed(from: &mut impl Read, to: &mut impl Write) -> std::io::Result<(String, u64)> {
    let mut hash = Sha256Stream::default();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hash.update(&buf[..n]);
        to.write_all(&buf[..n])?;
    }
    let bytes = hash.bytes();
    Ok((hash.hex(), bytes))
}

fn uuid_like() -> String {
    let mut b = [0u8; 8];
    let _ = getrandom::fill(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Writes the tar: the database copy, every file (checked against its recorded hash), the key,
/// and the manifest last.
fn write_archive(
    tmp: &Path,
    db_file: &Path,
    documents_dir: &Path,
    refs: &[FileRef],
    key: &[u8],
    mut manifest: Manifest,
) -> anyhow::Result<Manifest> {
    let file = private_file(tmp).with_context(|| format!("kan {} niet maken", tmp.display()))?;
    let mut tar = tar::Builder::new(std::io::BufWriter::new(file));
    // The database copy is streamed (it can be larger than memory) and hashed on the way; a
    // copy that changed size while being read is refused (the entry would not match its header).
    let file = std::fs::File::open(db_file)?;
    let size = file.metadata()?.len();
    let mut reader = HashingReader {
        inner: file.take(size),
        hash: Sha256Stream::default(),
    };
    let mut header = header(size);
    tar.append_data(&mut header, &manifest.database.name, &mut reader)
        .context("kan de database niet in het archief schrijven")?;
    if reader.hash.bytes() != size {
        bail!("de kopie van de database veranderde tijdens het schrijven van het archief");
    }
    manifest.database.bytes = size;
    manifest.database.sha256 = reader.hash.hex();
    let mut problems = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for r in refs {
        if !seen.insert(r.key.clone()) {
            continue;
        }
        let Some(path) = key_path(documents_dir, &r.key) else {
            problems.push(format!("ongeldige sleutel: {}", r.key));
            continue;
        };
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                problems.push(format!("ontbreekt: {}", r.key));
                continue;
            }
            Err(e) => return Err(e).with_context(|| format!("kan {} niet lezen", r.key)),
        };
        let sha = sha256_hex(&bytes);
        if r.sha256.as_ref().is_some_and(|s| *s != sha) {
            problems.push(format!("beschadigd (andere SHA-256): {}", r.key));
            continue;
        }
        append(&mut tar, &format!("{FILES_DIR}{}", r.key), &bytes)?;
        manifest.files.push(Entry {
            name: r.key.clone(),
            sha256: sha,
            bytes: bytes.len() as u64,
        });
    }
    if !problems.is_empty() {
        bail!(
            "de back-up is niet gemaakt: {} bestand(en) niet in orde:\n  {}\nVoer passend check uit; zet ontbrekende bestanden terug uit een eerdere back-up.",
            problems.len(),
            problems.join("\n  ")
        );
    }
    append(&mut tar, KEY_ENTRY, key)?;
    let json = serde_json::to_vec_pretty(&manifest)?;
    append(&mut tar, MANIFEST, &json)?;
    let mut out = tar.into_inner()?;
    out.flush()?;
    out.into_inner()
        .map_err(|e| anyhow::anyhow!("{}", e.error()))?
        .sync_all()?;
    Ok(manifest)
}

fn header(size: u64) -> tar::Header {
    let mut header = tar::Header::new_gnu();
    header.set_size(size);
    header.set_mode(0o600);
    header.set_mtime(u64::try_from(chrono::Utc::now().timestamp()).unwrap_or_default());
    header.set_entry_type(tar::EntryType::Regular);
    header.set_cksum();
    header
}

fn append<W: Write>(tar: &mut tar::Builder<W>, name: &str, bytes: &[u8]) -> anyhow::Result<()> {
    let mut header = header(bytes.len() as u64);
    tar.append_data(&mut header, name, bytes)
        .with_context(|| format!("kan {name} niet in het archief schrijven"))?;
    Ok(())
}

/// The path of a stored file's key under the documents folder, refusing anything that could
/// leave it (an archive is input: a key like `../x` must never be written).
fn key_path(root: &Path, key: &str) -> Option<PathBuf> {
    if !passend_store::files::is_key(key) {
        return None;
    }
    let mut path = root.to_path_buf();
    for part in key.split('/') {
        if part.is_empty() || part == "." || part == ".." || part.contains('\\') {
            return None;
        }
        path.push(part);
    }
    Some(path)
}

/// The URL for `pg_dump`/`pg_restore` without its password, and the password apart (given as
/// `PGPASSWORD`, so it never shows in the process list). A password may be in the user part
/// (`user:secret@host`) or a query parameter (`?password=secret`); both are taken out.
fn pg_url_and_password(url: &str) -> (String, Option<String>) {
    let Some((scheme, rest)) = url.split_once("://") else {
        return (url.to_owned(), None);
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let mut password = None;
    let authority = match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, secret)) => {
                password = Some(percent_decode(secret));
                format!("{user}@{host}")
            }
            None => authority.to_owned(),
        },
        None => authority.to_owned(),
    };
    let (path, query) = tail.split_once('?').unwrap_or((tail, ""));
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.strip_prefix("password=") {
            Some(secret) => {
                password.get_or_insert_with(|| percent_decode(secret));
            }
            None => kept.push(pair),
        }
    }
    let tail = if kept.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", kept.join("&"))
    };
    (format!("{scheme}://{authority}{tail}"), password)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What a restore did.
#[derive(Debug, Clone)]
pub struct RestoreReport {
    /// The archive's manifest.
    pub manifest: Manifest,
    /// The counts of the restored database.
    pub counts: Vec<(String, i64)>,
    /// The file check after the restore.
    pub check: crate::check::Report,
    /// Audit events and log lines checked.
    pub chain: (u64, u64),
}

impl RestoreReport {
    /// As `passend restore` prints it.
    pub fn text(&self) -> String {
        format!(
            "Teruggezet uit een back-up van {} ({}).\n{}{}Het auditspoor is in orde ({} gebeurtenissen), het logboek van het Oudersteunpunt ook ({} regels).\n",
            self.manifest.created_at,
            self.manifest.backend,
            counts_text(&self.counts),
            self.check.text(),
            self.chain.0,
            self.chain.1
        )
    }
}

/// Reads an archive whole and checks every hash against its manifest; nothing is written.
/// Returns the manifest and the key.
fn verify_archive(archive: &Path) -> anyhow::Result<(Manifest, Vec<u8>)> {
    let mut hashes: std::collections::HashMap<String, (String, u64)> =
        std::collections::HashMap::new();
    let mut manifest: Option<Manifest> = None;
    let mut key: Option<Vec<u8>> = None;
    let file = std::fs::File::open(archive)
        .with_context(|| format!("kan {} niet openen", archive.display()))?;
    let mut tar = tar::Archive::new(std::io::BufReader::new(file));
    for entry in tar
        .entries()
        .context("dit is geen back-up van Passend (geen tar)")?
    {
        let mut entry = entry.context("het archief is beschadigd")?;
        let name = entry.path()?.to_string_lossy().into_owned();
        if entry.header().entry_type() != tar::EntryType::Regular {
            bail!(
                "het archief bevat iets anders dan een gewoon bestand ({name}): het is niet door Passend gemaakt"
            );
        }
        // One entry per name: with two, a check could read one and a restore the other.
        let seen = hashes.contains_key(&name)
            || (name == MANIFEST && manifest.is_some())
            || (name == KEY_ENTRY && key.is_some());
        if seen {
            bail!(
                "het archief bevat {name} twee keer: het is niet door Passend gemaakt, of is aangepast"
            );
        }
        if name == MANIFEST || name == KEY_ENTRY {
            let mut bytes = Vec::new();
            (&mut entry)
                .take(64 * 1024 * 1024)
                .read_to_end(&mut bytes)
                .with_context(|| format!("het archief is beschadigd bij {name}"))?;
            if name == MANIFEST {
                manifest = Some(
                    serde_json::from_slice(&bytes)
                        .context("het manifest van het archief is onleesbaar")?,
                );
            } else {
                key = Some(bytes);
            }
        } else {
            let hashed = copy_hashed(&mut entry, &mut std::io::sink())
                .with_context(|| format!("het archief is beschadigd bij {name}"))?;
            hashes.insert(name, hashed);
        }
    }
    let Some(m) = manifest else {
        bail!("het archief heeft geen manifest: het is afgebroken of geen back-up van Passend");
    };
    if m.format != FORMAT {
        bail!("onbekend formaat '{}' (verwacht {FORMAT})", m.format);
    }
    let check = |name: &str, e: &Entry| -> anyhow::Result<()> {
        match hashes.get(name) {
            Some((sha, bytes)) if *sha == e.sha256 && *bytes == e.bytes => Ok(()),
            Some(_) => {
                bail!("het archief is beschadigd: {name} heeft een andere SHA-256 dan het manifest")
            }
            None => bail!("het archief is onvolledig: {name} ontbreekt"),
        }
    };
    check(&m.database.name, &m.database)?;
    for f in &m.files {
        check(&format!("{FILES_DIR}{}", f.name), f)?;
    }
    let Some(key) = key else {
        bail!("het archief mist de sleutel van het auditspoor");
    };
    Checkpoint::from_text(&m.head, key.trim_ascii())
        .map_err(|_| anyhow::anyhow!("de handtekening van de kop in het archief klopt niet"))?;
    Ok((m, key))
}

/// Restores an archive into the configured database and documents folder, which must be empty.
pub async fn restore(config: &Config, archive: &Path) -> anyhow::Result<RestoreReport> {
    let path = archive.to_path_buf();
    let (manifest, key) = tokio::task::spawn_blocking(move || verify_archive(&path)).await??;
    let url = config.database_url.expose().to_owned();
    let backend = if url.starts_with("postgres") {
        "postgres"
    } else {
        "sqlite"
    };
    if manifest.backend != backend {
        bail!(
            "dit archief is van {}, maar DATABASE_URL wijst naar {backend}: zet het terug in dezelfde soort database",
            manifest.backend
        );
    }
    // Empty targets only: a restore never overwrites data.
    let docs = config.documents_dir.clone();
    if std::fs::read_dir(&docs).is_ok_and(|mut d| d.next().is_some()) {
        bail!(
            "de map voor documenten ({}) is niet leeg: een restore gaat alleen in een lege map",
            docs.display()
        );
    }
    let heads = HeadFiles::of(config);
    if heads.head.exists() {
        bail!(
            "het kopbestand {} bestaat al: een restore gaat alleen naar een lege plek",
            heads.head.display()
        );
    }
    if let Some(existing) = heads.key()?
        && existing.trim_ascii() != key.trim_ascii()
    {
        bail!(
            "de sleutel {} hoort bij een andere installatie: verplaats hem eerst",
            heads.key.display()
        );
    }
    match backend {
        "sqlite" => restore_sqlite(&url, archive, &manifest).await?,
        _ => restore_postgres(&url, archive, &manifest).await?,
    }
    // The files, each whole or not at all.
    let (path, docs_dir, m) = (archive.to_path_buf(), docs.clone(), manifest.clone());
    tokio::task::spawn_blocking(move || extract_files(&path, &docs_dir, &m)).await??;
    if heads.key()?.is_none() {
        write_atomic(&heads.key, &key, true)?;
    }
    let db = crate::open_database(config).await?;
    let counts = maintenance::counts(&db).await?.tables;
    let differ: Vec<String> = manifest
        .counts
        .iter()
        .filter(|(t, n)| counts.iter().find(|(u, _)| u == t).map(|(_, m)| m) != Some(n))
        .map(|(t, n)| format!("{t}: {n} in de back-up"))
        .collect();
    if !differ.is_empty() {
        db.close().await;
        bail!("de teruggezette database wijkt af: {}", differ.join(", "));
    }
    let files = passend_store::files::Files::local(&config.documents_dir)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let check = crate::check::run(&db, &files).await?;
    let audit = passend_store::audit::verify(&db).await?;
    let log = passend_store::steunpunt::verify_log(&db).await?;
    if let Some((id, what)) = audit.problem {
        db.close().await;
        bail!("het auditspoor is na de restore niet in orde: gebeurtenis {id}: {what}");
    }
    if let Some((id, what)) = log.problem {
        db.close().await;
        bail!(
            "het logboek van het Oudersteunpunt is na de restore niet in orde: regel {id}: {what}"
        );
    }
    // The head of the backup becomes the head file: from now on a truncation is found.
    write_atomic(&heads.head, manifest.head.as_bytes(), false)?;
    crate::audit_head::check(&db, &heads).await?;
    db.close().await;
    if !check.is_ok() {
        bail!(
            "de bestanden zijn na de restore niet in orde:\n{}",
            check.text()
        );
    }
    Ok(RestoreReport {
        manifest,
        counts,
        check,
        chain: (audit.checked, log.checked),
    })
}

fn sqlite_path(url: &str) -> anyhow::Result<PathBuf> {
    let options: sqlx::sqlite::SqliteConnectOptions = url
        .parse()
        .with_context(|| "DATABASE_URL is geen SQLite-adres".to_owned())?;
    Ok(options.get_filename().to_path_buf())
}

async fn restore_sqlite(url: &str, archive: &Path, manifest: &Manifest) -> anyhow::Result<()> {
    let target = sqlite_path(url)?;
    if target.exists() {
        let db = Db::connect(url).await?;
        db.migrate().await?;
        let empty = maintenance::holds_no_data(&db).await?;
        db.close().await;
        if !empty {
            bail!(
                "de database {} bevat al gegevens: een restore gaat alleen in een lege database",
                target.display()
            );
        }
        for suffix in ["", "-wal", "-shm"] {
            let p = PathBuf::from(format!("{}{suffix}", target.display()));
            match std::fs::remove_file(&p) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    let (path, entry) = (archive.to_path_buf(), manifest.database.clone());
    tokio::task::spawn_blocking(move || extract_entry(&path, &entry, &target)).await??;
    Ok(())
}

async fn restore_postgres(url: &str, archive: &Path, manifest: &Manifest) -> anyhow::Result<()> {
    let db = Db::connect(url).await?;
    let has_tables: bool = passend_store::maintenance::has_tables(&db).await?;
    if has_tables {
        db.migrate().await?;
        let empty = maintenance::holds_no_data(&db).await?;
        if !empty {
            db.close().await;
            bail!("de database bevat al gegevens: een restore gaat alleen in een lege database");
        }
    }
    db.close().await;
    let (path, entry) = (archive.to_path_buf(), manifest.database.clone());
    let (url, password) = pg_url_and_password(url);
    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        let dump = std::env::temp_dir().join(format!("passend-restore-{}.pgdump", uuid_like()));
        extract_entry(&path, &entry, &dump)?;
        let mut cmd = std::process::Command::new("pg_restore");
        cmd.arg("--no-owner")
            .arg("--no-privileges")
            .arg("--single-transaction")
            .arg("--clean")
            .arg("--if-exists")
            .arg(format!("--dbname={url}"))
            .arg(&dump);
        if let Some(p) = password {
            cmd.env("PGPASSWORD", p);
        }
        let out = cmd.output();
        let _ = std::fs::remove_file(&dump);
        let out = out.context("pg_restore is niet te starten: installeer postgresql-client")?;
        if !out.status.success() {
            bail!(
                "pg_restore mislukte (er is niets teruggezet): {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        Ok(())
    })
    .await??;
    Ok(())
}

/// Streams one entry to `dest`, whole or not at all (a private temporary file next to it,
/// flushed, renamed), hashing it on the way: an archive changed since it was checked is refused.
fn extract_entry(archive: &Path, wanted: &Entry, dest: &Path) -> anyhow::Result<()> {
    let file = std::fs::File::open(archive)?;
    let mut tar = tar::Archive::new(std::io::BufReader::new(file));
    for entry in tar.entries()? {
        let mut entry = entry?;
        if entry.path()?.to_string_lossy() != wanted.name {
            continue;
        }
        let dir = dest
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let tmp = dir.join(format!(".passend-restore-{}.tmp", uuid_like()));
        let result = (|| -> anyhow::Result<()> {
            let mut out = private_file(&tmp)?;
            let (sha, bytes) = copy_hashed(&mut entry, &mut out)?;
            if sha != wanted.sha256 || bytes != wanted.bytes {
                bail!("het archief veranderde tijdens de restore: {}", wanted.name);
            }
            out.sync_all()?;
            std::fs::rename(&tmp, dest)?;
            #[cfg(unix)]
            std::fs::File::open(dir)?.sync_all()?;
            Ok(())
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        return result;
    }
    bail!("{} ontbreekt in het archief", wanted.name)
}

fn extract_files(archive: &Path, docs: &Path, manifest: &Manifest) -> anyhow::Result<()> {
    let wanted: std::collections::HashMap<&str, &Entry> = manifest
        .files
        .iter()
        .map(|f| (f.name.as_str(), f))
        .collect();
    let file = std::fs::File::open(archive)?;
    let mut tar = tar::Archive::new(std::io::BufReader::new(file));
    for entry in tar.entries()? {
        let mut entry = entry?;
        let name = entry.path()?.to_string_lossy().into_owned();
        let Some(key) = name.strip_prefix(FILES_DIR) else {
            continue;
        };
        let Some(e) = wanted.get(key) else {
            continue;
        };
        let Some(path) = key_path(docs, key) else {
            bail!("ongeldige sleutel in het archief: {key}");
        };
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes)?;
        if sha256_hex(&bytes) != e.sha256 {
            bail!("het archief veranderde tijdens de restore: {key}");
        }
        write_atomic(&path, &bytes, true)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_never_leave_the_documents_folder() {
        let root = Path::new("/srv/docs");
        assert_eq!(
            key_path(root, "documenten/2026/11/abc.pdf"),
            Some(PathBuf::from("/srv/docs/documenten/2026/11/abc.pdf"))
        );
        for bad in [
            "../etc/passwd",
            "documenten/../../x",
            "/etc/x",
            "",
            "a//b",
            "a\\b",
        ] {
            assert_eq!(key_path(root, bad), None, "{bad}");
        }
    }

    #[test]
    fn the_password_goes_apart() {
        assert_eq!(
            pg_url_and_password("postgres://passend:ge%40heim@db:5432/p?sslmode=require"),
            (
                "postgres://passend@db:5432/p?sslmode=require".to_owned(),
                Some("ge@heim".to_owned())
            )
        );
        assert_eq!(
            pg_url_and_password("postgres://postgres@127.0.0.1/test"),
            ("postgres://postgres@127.0.0.1/test".to_owned(), None)
        );
        assert_eq!(
            pg_url_and_password(
                "postgres://passend@db/p?sslmode=require&password=ge%26heim&application_name=x"
            ),
            (
                "postgres://passend@db/p?sslmode=require&application_name=x".to_owned(),
                Some("ge&heim".to_owned())
            )
        );
        assert_eq!(
            pg_url_and_password("postgresql://db/p?password=s"),
            ("postgresql://db/p".to_owned(), Some("s".to_owned()))
        );
    }
}
