//! `passend import duo FILE…`: DUO's files exactly as DUO publishes them, the geo files (EduGIS
//! BAG points, PC4 centroids) and the regio-indeling of the samenwerkingsverbanden. The kind of
//! each file is recognised from its header. On a first start with an empty database the Almere
//! files shipped in `seed/almere/` load. After the files, the deelnamepercentages are recomputed
//! when the national files are there (`seed/national/`).

use anyhow::Context;
use passend_domain::deelname;
use passend_domain::duo::{self, CloseLimit, DuoData, Encoding, Warning};
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

/// How a file is imported.
#[derive(Debug, Clone, Copy)]
pub struct ImportOptions<'a> {
    /// Keep only the locations in this gemeente: a code (`0034`) or a name (`Almere`).
    pub gemeente: Option<&'a str>,
    /// How many locations a release may close before it is refused.
    pub limit: CloseLimit,
    /// Recorded in the audit trail: `cli`, `eerste start`.
    pub origin: &'a str,
}

/// Imports one file's bytes from the command line with the default limit on closing. Address
/// files go before counts and coordinates only in the sense that every step can run in any
/// order: coordinates are recomputed after each.
pub async fn import_bytes(
    db: &Db,
    file: &str,
    bytes: &[u8],
    gemeente: Option<&str>,
) -> anyhow::Result<FileReport> {
    let options = ImportOptions {
        gemeente,
        limit: CloseLimit::default(),
        origin: "cli",
    };
    import_with(db, file, bytes, &options).await
}

/// Lines of what makes a file unfit, in Dutch: the first 20 and how many more.
fn listed(problems: &[Warning]) -> String {
    let mut out = String::new();
    for w in problems.iter().take(20) {
        let _ = write!(out, "\n  regel {}: {}", w.line, w.message);
    }
    if problems.len() > 20 {
        let _ = write!(out, "\n  … en nog {} fouten", problems.len() - 20);
    }
    out
}

/// The gemeente whose locations a release lists completely: the one the rows were found in, or
/// the code given when the file had no rows; a name that no row had cannot be resolved.
fn scope_gemeente(given: Option<&str>, found: Option<String>) -> anyhow::Result<Option<String>> {
    match (given, found) {
        (None, _) => Ok(None),
        (Some(_), Some(code)) => Ok(Some(code)),
        (Some(g), None) if !g.trim().is_empty() && g.trim().bytes().all(|b| b.is_ascii_digit()) => {
            Ok(Some(duo::gemeente_code(g)))
        }
        (Some(g), None) => Err(duo::DuoError::UnknownGemeente(g.trim().to_owned()).into()),
    }
}

/// The regio-indeling of the samenwerkingsverbanden: its header names the PO samenwerkingsverband.
fn is_regio_indeling(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(200)];
    let first = head.split(|b| *b == b'\n').next().unwrap_or_default();
    String::from_utf8_lossy(first).contains("PO SWV")
}

/// Imports one file's bytes. A file with errors (rows cut off, bytes that fit no encoding, a
/// vestigingscode twice) changes nothing, and neither does a release that would close more
/// locations than `options.limit` allows: both are refused with the reason.
pub async fn import_with(
    db: &Db,
    file: &str,
    bytes: &[u8],
    options: &ImportOptions<'_>,
) -> anyhow::Result<FileReport> {
    let origin = options.origin;
    if is_regio_indeling(bytes) {
        let (text, encoding) = duo::decode(bytes);
        let regio = deelname::RegioIndeling::parse(&text)
            .with_context(|| format!("{file}: geweigerd, er is niets veranderd"))?;
        let warnings: Vec<Warning> = regio
            .skipped
            .iter()
            .map(|line| Warning {
                line: *line,
                message: "geen samenwerkingsverband bij dit postcodegebied; overgeslagen"
                    .to_owned(),
            })
            .collect();
        let kept = regio.rows().len();
        let meta = ImportMeta {
            file_name: file,
            kind: "regio-indeling",
            encoding: encoding_name(encoding),
            gemeente_code: None,
            rows_read: kept + warnings.len(),
            rows_kept: kept,
            rows_filtered: 0,
            warnings: warnings.len(),
            origin,
        };
        locations::import_regio(db, &meta, regio.rows()).await?;
        return Ok(FileReport {
            file: file.to_owned(),
            kind: "regio-indeling",
            rows_read: kept + warnings.len(),
            rows_kept: kept,
            rows_filtered: 0,
            changes: None,
            warnings,
        });
    }
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
    let parsed =
        duo::parse(bytes, options.gemeente).with_context(|| format!("{file}: niet te lezen"))?;
    if !parsed.errors.is_empty() {
        anyhow::bail!(
            "{file}: {} fouten, het bestand is niet ingelezen en er is niets veranderd:{}",
            parsed.errors.len(),
            listed(&parsed.errors)
        );
    }
    let gemeente = scope_gemeente(options.gemeente, parsed.gemeente_code.clone())?;
    let gemeente = gemeente.as_deref();
    let encoding = encoding_name(parsed.encoding);
    let kind = parsed.kind.code();
    let rows_kept = match &parsed.data {
        DuoData::Vestigingen(rows) => rows.len(),
        DuoData::Leerlingen(rows) => rows.len(),
    };
    let meta = ImportMeta {
        file_name: file,
        kind,
        encoding,
        gemeente_code: gemeente,
        rows_read: parsed.rows_read,
        rows_kept,
        rows_filtered: parsed.rows_filtered,
        warnings: parsed.warnings.len(),
        origin,
    };
    let changes = match &parsed.data {
        DuoData::Vestigingen(rows) => {
            let scope = (parsed.kind.scope(), gemeente);
            let listed_codes: std::collections::HashSet<&str> = rows
                .iter()
                .map(|v| v.code.as_str())
                .chain(parsed.skipped_codes.iter().map(String::as_str))
                .collect();
            let open = locations::open_codes_in_scope(db, scope).await?;
            let closing = open
                .iter()
                .filter(|c| !listed_codes.contains(c.as_str()))
                .count();
            if let Some(why) = options.limit.refusal(rows.len(), open.len(), closing) {
                anyhow::bail!(
                    "{file}: geweigerd, er is niets veranderd: {why}. Wie zeker weet dat het klopt, leest het in met --sta-sluiten-toe."
                );
            }
            let keep = &parsed.skipped_codes;
            Some(locations::import_vestigingen(db, &meta, rows, scope, keep).await?)
        }
        DuoData::Leerlingen(rows) => {
            locations::import_pupil_counts(db, &meta, rows).await?;
            None
        }
    };
    Ok(FileReport {
        file: file.to_owned(),
        kind,
        rows_read: parsed.rows_read,
        rows_kept,
        rows_filtered: parsed.rows_filtered,
        changes,
        warnings: parsed.warnings,
    })
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
            let options = ImportOptions {
                gemeente: Some(ALMERE),
                limit: CloseLimit::default(),
                origin: "eerste start",
            };
            reports.push(import_with(db, file, bytes, &options).await?);
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
    limit: CloseLimit,
) -> anyhow::Result<(String, bool)> {
    let options = ImportOptions {
        gemeente,
        limit,
        origin: "cli",
    };
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
            Ok(bytes) => import_with(db, &name, &bytes, &options).await,
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
    let _ = writeln!(report, "{}", refresh_deelname(db).await?);
    Ok((report, all_ok))
}

/// Recomputes the deelnamepercentages from what is stored, and says so in one line.
pub async fn refresh_deelname(db: &Db) -> anyhow::Result<String> {
    Ok(if passend_store::deelname::refresh(db).await? {
        let placed = passend_store::deelname::placed(db).await?;
        let last = placed.iter().map(|(y, _, _)| *y).max().unwrap_or_default();
        let of = |how: &str| {
            placed
                .iter()
                .find(|(y, h, _)| *y == last && h == how)
                .map_or(0, |(_, _, n)| *n)
        };
        format!(
            "Deelnamepercentages berekend. In {last} geplaatst: {} vestigingen op postcode, {} op gemeente, {} niet (die tellen alleen landelijk mee).",
            of("postcode"),
            of("gemeente"),
            of("nergens")
        )
    } else {
        "Deelnamepercentages niet berekend: daarvoor zijn de landelijke leerlingaantallen (bestand 06, zonder --gemeente), de EduGIS-scholen en de regio-indeling nodig (zie seed/national/).".to_owned()
    })
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
