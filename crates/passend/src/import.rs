//! `passend import duo FILE…`: DUO's files exactly as DUO publishes them, and the geo files
//! (EduGIS BAG points, PC4 centroids). The kind of each file is recognised from its header.
//! On a first start with an empty database the Almere files shipped in `seed/almere/` load.

use anyhow::Context;
use passend_domain::duo::{self, DuoData, Encoding, Warning};
use passend_domain::geo::{self, GeoData};
use passend_store::Db;
use passend_store::locations::{self, ImportMeta, LocationChanges};
use std::fmt::Write as _;
use std::io::Write as _;

/// The Almere data Passend ships: (file name, bytes). DUO CC0; EduGIS points (DUO + BAG, CC0);
/// PC4 centroids (MIT, Copyright (c) 2014 Bob den Otter). See `seed/almere/README.md`.
pub const SHIPPED: &[(&str, &[u8])] = &[
    (
        "bo_alle_vestigingen_almere.csv",
        include_bytes!("../../../seed/almere/bo_alle_vestigingen_almere.csv"),
    ),
    (
        "09.-alle-vestigingen-sbo-so-en-vso_almere.csv",
        include_bytes!("../../../seed/almere/09.-alle-vestigingen-sbo-so-en-vso_almere.csv"),
    ),
    (
        "leerlingen_historisch_almere.csv",
        include_bytes!("../../../seed/almere/leerlingen_historisch_almere.csv"),
    ),
    (
        "4pp_almere.csv",
        include_bytes!("../../../seed/almere/4pp_almere.csv"),
    ),
    (
        "edugis_scholen_20241122_almere.csv",
        include_bytes!("../../../seed/almere/edugis_scholen_20241122_almere.csv"),
    ),
];

/// The gemeente of the shipped data.
pub const ALMERE: &str = "0034";

/// What one file did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileReport {
    /// File name.
    pub file: String,
    /// What kind of file it was.
    pub kind: &'static str,
    /// Rows read.
    pub rows_read: usize,
    /// Rows applied.
    pub rows_kept: usize,
    /// Rows outside the gemeente filter.
    pub rows_filtered: usize,
    /// Changes to locations (address files only).
    pub changes: Option<LocationChanges>,
    /// Warnings with line numbers.
    pub warnings: Vec<Warning>,
}

fn encoding_name(e: Encoding) -> &'static str {
    match e {
        Encoding::Utf8Bom => "utf-8-bom",
        Encoding::Utf8 => "utf-8",
        Encoding::Windows1252 => "windows-1252",
    }
}

/// Imports one file's bytes. Address files go before counts and coordinates only in the sense
/// that every step can run in any order: coordinates are recomputed after each.
pub async fn import_bytes(
    db: &Db,
    file: &str,
    bytes: &[u8],
    gemeente: Option<&str>,
) -> anyhow::Result<FileReport> {
    import_from(db, file, bytes, gemeente, "cli").await
}

/// [`import_bytes`], recording `origin` (`cli`, `eerste start`) in the audit trail.
pub async fn import_from(
    db: &Db,
    file: &str,
    bytes: &[u8],
    gemeente: Option<&str>,
    origin: &str,
) -> anyhow::Result<FileReport> {
    if let Some((data, warnings, rows)) = geo::parse(bytes) {
        let (kind, kept) = match &data {
            GeoData::Locations(l) => ("edugis", l.len()),
            GeoData::Pc4(p) => ("pc4", p.len()),
        };
        let meta = ImportMeta {
            file_name: file,
            kind,
            encoding: encoding_name(duo::decode(bytes).1),
            gemeente_code: None,
            rows_read: rows,
            rows_kept: kept,
            rows_filtered: 0,
            warnings: warnings.len(),
            origin,
        };
        match &data {
            GeoData::Locations(l) => locations::import_geo_points(db, &meta, l).await?,
            GeoData::Pc4(p) => locations::import_pc4(db, &meta, p).await?,
        };
        return Ok(FileReport {
            file: file.to_owned(),
            kind,
            rows_read: rows,
            rows_kept: kept,
            rows_filtered: 0,
            changes: None,
            warnings,
        });
    }
    let parsed = duo::parse(bytes, gemeente).with_context(|| format!("{file}: niet te lezen"))?;
    let encoding = encoding_name(parsed.encoding);
    match &parsed.data {
        DuoData::Vestigingen(rows) => {
            let (kind, scope) = (parsed.kind.code(), parsed.kind.scope());
            let meta = ImportMeta {
                file_name: file,
                kind,
                encoding,
                gemeente_code: gemeente,
                rows_read: parsed.rows_read,
                rows_kept: rows.len(),
                rows_filtered: parsed.rows_filtered,
                warnings: parsed.warnings.len(),
                origin,
            };
            let changes = locations::import_vestigingen(db, &meta, rows, scope, gemeente).await?;
            Ok(FileReport {
                file: file.to_owned(),
                kind,
                rows_read: parsed.rows_read,
                rows_kept: rows.len(),
                rows_filtered: parsed.rows_filtered,
                changes: Some(changes),
                warnings: parsed.warnings,
            })
        }
        DuoData::Leerlingen(rows) => {
            let meta = ImportMeta {
                file_name: file,
                kind: "leerlingen",
                encoding,
                gemeente_code: gemeente,
                rows_read: parsed.rows_read,
                rows_kept: rows.len(),
                rows_filtered: parsed.rows_filtered,
                warnings: parsed.warnings.len(),
                origin,
            };
            locations::import_pupil_counts(db, &meta, rows).await?;
            Ok(FileReport {
                file: file.to_owned(),
                kind: "leerlingen",
                rows_read: parsed.rows_read,
                rows_kept: rows.len(),
                rows_filtered: parsed.rows_filtered,
                changes: None,
                warnings: parsed.warnings,
            })
        }
    }
}

/// Loads the shipped Almere data on a first start. Each shipped file that was never imported is
/// imported, so a start that was interrupted halfway finishes the job the next time. A database
/// that holds locations but none of the shipped files uses its own data and is left alone.
pub async fn load_shipped(db: &Db) -> anyhow::Result<Vec<FileReport>> {
    let imported: std::collections::HashSet<String> = locations::imported_file_names(db)
        .await?
        .into_iter()
        .collect();
    let any_shipped = SHIPPED.iter().any(|(file, _)| imported.contains(*file));
    if !any_shipped && locations::has_locations(db).await? {
        return Ok(Vec::new());
    }
    let mut reports = Vec::new();
    for (file, bytes) in SHIPPED {
        if !imported.contains(*file) {
            reports.push(import_from(db, file, bytes, Some(ALMERE), "eerste start").await?);
        }
    }
    Ok(reports)
}

/// Runs `passend import duo`: each file in turn with a progress bar on standard error, then a
/// report. A file that cannot be read is reported and the others still run.
pub async fn run_cli(
    db: &Db,
    files: &[std::path::PathBuf],
    gemeente: Option<&str>,
) -> anyhow::Result<(String, bool)> {
    let mut report = String::new();
    let mut all_ok = true;
    let total = files.len();
    for (n, path) in files.iter().enumerate() {
        let name = path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        progress(n, total, &name);
        let result = match std::fs::read(path) {
            Ok(bytes) => import_bytes(db, &name, &bytes, gemeente).await,
            Err(e) => Err(anyhow::anyhow!(
                "{}: kan het bestand niet lezen: {e}",
                path.display()
            )),
        };
        match result {
            Ok(r) => write_report(&mut report, &r),
            Err(e) => {
                all_ok = false;
                let _ = writeln!(report, "FOUT {name}: {e:#}\n");
            }
        }
    }
    progress(total, total, "klaar");
    eprintln!();
    Ok((report, all_ok))
}

fn progress(done: usize, total: usize, label: &str) {
    let width = 30;
    let filled = (done * width).checked_div(total).unwrap_or(width);
    let mut err = std::io::stderr();
    let _ = write!(
        err,
        "\r[{}{}] {done}/{total} {label:<50}",
        "#".repeat(filled),
        "-".repeat(width - filled)
    );
    let _ = err.flush();
}

/// Writes one file's report in Dutch.
pub fn write_report(out: &mut String, r: &FileReport) {
    let _ = writeln!(
        out,
        "{} ({}): {} rijen gelezen, {} verwerkt, {} buiten de gemeente, {} waarschuwingen",
        r.file,
        r.kind,
        r.rows_read,
        r.rows_kept,
        r.rows_filtered,
        r.warnings.len()
    );
    if let Some(c) = r.changes {
        let _ = writeln!(
            out,
            "  locaties: {} nieuw, {} hernoemd, {} gewijzigd, {} gesloten, {} heropend, {} ongewijzigd",
            c.new, c.renamed, c.changed, c.closed, c.reopened, c.unchanged
        );
    }
    for w in r.warnings.iter().take(20) {
        let _ = writeln!(out, "  regel {}: {}", w.line, w.message);
    }
    if r.warnings.len() > 20 {
        let _ = writeln!(out, "  … en nog {} waarschuwingen", r.warnings.len() - 20);
    }
    out.push('\n');
}
