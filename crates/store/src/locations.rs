//! School locations from DUO, their coordinates and pupil counts, and voorzieningen.
//!
//! Every import runs in one transaction: either the whole file is applied, with its report and
//! events, or nothing is. A location that vanishes from a release is marked closed, never deleted.

use crate::{BeginWrite, Db, StoreResult, on_db};
use chrono::{DateTime, NaiveDate, Utc};
use passend_domain::duo::{Count, PupilCounts, SchoolType, Vestiging};
use passend_domain::geo::{GeocodedLocation, Pc4Centroid};
use std::collections::{HashMap, HashSet};

/// The report of a file, stored with the import.
#[derive(Debug, Clone)]
pub struct ImportMeta<'a> {
    /// The file's name (no path).
    pub file_name: &'a str,
    /// `bo`, `sbo-so-vso`, `leerlingen`, `edugis` or `pc4`.
    pub kind: &'a str,
    /// The encoding found.
    pub encoding: &'a str,
    /// The gemeente filter, if any.
    pub gemeente_code: Option<&'a str>,
    /// Data rows read.
    pub rows_read: usize,
    /// Rows applied.
    pub rows_kept: usize,
    /// Rows outside the gemeente filter.
    pub rows_filtered: usize,
    /// Warnings.
    pub warnings: usize,
    /// Who started it, for the audit trail: `cli` or `eerste start`.
    pub origin: &'a str,
}

/// What an import of locations changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LocationChanges {
    /// Id of the import row.
    pub import_id: i64,
    /// Locations seen for the first time.
    pub new: usize,
    /// Locations with a new name.
    pub renamed: usize,
    /// Locations with other changed fields.
    pub changed: usize,
    /// Locations that vanished and were marked closed.
    pub closed: usize,
    /// Closed locations that came back.
    pub reopened: usize,
    /// Locations without any change.
    pub unchanged: usize,
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct Existing {
    id: i64,
    code: String,
    name: String,
    school_type: String,
    board: String,
    street: String,
    house_number_raw: String,
    postcode: String,
    place: String,
    gemeente_code: String,
    denominatie: String,
    phone: Option<String>,
    website: Option<String>,
    clusters: String,
    onderwijs: String,
    status: String,
}

fn clusters_text(v: &Vestiging) -> String {
    v.clusters
        .iter()
        .map(u8::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

fn onderwijs_text(v: &Vestiging) -> String {
    v.onderwijs
        .iter()
        .map(|o| {
            if o.categories.is_empty() {
                o.level.clone()
            } else {
                format!("{} {}", o.level, o.categories.join(","))
            }
        })
        .collect::<Vec<_>>()
        .join(" + ")
}

/// The fields other than the name that differ, for the event's detail.
fn differences(old: &Existing, v: &Vestiging) -> Vec<&'static str> {
    let mut d = Vec::new();
    let pairs: [(&'static str, &str, &str); 9] = [
        ("soort", &old.school_type, v.school_type.code()),
        ("bestuur", &old.board, &v.board),
        ("straat", &old.street, &v.street),
        ("huisnummer", &old.house_number_raw, &v.house_number_raw),
        ("postcode", &old.postcode, &v.postcode),
        ("plaats", &old.place, &v.place),
        ("gemeente", &old.gemeente_code, &v.gemeente_code),
        ("denominatie", &old.denominatie, &v.denominatie),
        ("onderwijs", &old.onderwijs, &onderwijs_text(v)),
    ];
    for (name, a, b) in pairs {
        if a != b {
            d.push(name);
        }
    }
    if old.phone != v.phone {
        d.push("telefoon");
    }
    if old.website != v.website {
        d.push("website");
    }
    if old.clusters != clusters_text(v) {
        d.push("cluster");
    }
    d
}

const INSERT_IMPORT: &str = "INSERT INTO data_imports
    (file_name, kind, encoding, gemeente_code, rows_read, rows_kept, rows_filtered, warnings, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id";

const INSERT_LOCATION: &str = "INSERT INTO locations (code, brin, name, school_type, board, street, house_number,
    house_letter, house_addition, house_range_end, house_number_raw, postcode, place, gemeente_code, gemeente_name,
    denominatie, phone, website, clusters, onderwijs, status, first_import_id, last_import_id, updated_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
    'open', $21, $21, $22) RETURNING id";

const UPDATE_LOCATION: &str =
    "UPDATE locations SET brin = $2, name = $3, school_type = $4, board = $5, street = $6,
    house_number = $7, house_letter = $8, house_addition = $9, house_range_end = $10,
    house_number_raw = $11, postcode = $12, place = $13, gemeente_code = $14, gemeente_name = $15,
    denominatie = $16, phone = $17, website = $18, clusters = $19, onderwijs = $20,
    status = 'open', closed_at = NULL, last_import_id = $21, updated_at = $22
    WHERE id = $1";

const INSERT_EVENT: &str = "INSERT INTO location_events (location_id, import_id, kind, detail, created_at) VALUES ($1, $2, $3, $4, $5)";

/// Fills coordinates: the address point (BAG file, or PDOK) when there is one, else the PC4
/// centroid (approximate).
const COORDS_FROM_BAG: &str = "UPDATE locations SET
       lat = (SELECT g.lat FROM geo_points g WHERE g.code = locations.code),
       lon = (SELECT g.lon FROM geo_points g WHERE g.code = locations.code),
       coord_source = (SELECT g.source FROM geo_points g WHERE g.code = locations.code)
     WHERE EXISTS (SELECT 1 FROM geo_points g WHERE g.code = locations.code)";
const COORDS_FROM_PC4: &str = "UPDATE locations SET
       lat = (SELECT c.lat FROM pc4_centroids c WHERE c.pc4 = substr(locations.postcode, 1, 4)),
       lon = (SELECT c.lon FROM pc4_centroids c WHERE c.pc4 = substr(locations.postcode, 1, 4)),
       coord_source = 'pc4'
     WHERE NOT EXISTS (SELECT 1 FROM geo_points g WHERE g.code = locations.code)
       AND EXISTS (SELECT 1 FROM pc4_centroids c WHERE c.pc4 = substr(locations.postcode, 1, 4))";

fn i(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Applies an address file. `scope` is the set of school types the file covers; with
/// `gemeente` only that gemeente's locations can be closed by this file.
///
/// `keep_open` are codes of rows the file has but that were skipped (a bad postcode): they are
/// not closed.
pub async fn import_vestigingen(
    db: &Db,
    meta: &ImportMeta<'_>,
    rows: &[Vestiging],
    (scope, gemeente): (&[SchoolType], Option<&str>),
    keep_open: &[String],
) -> StoreResult<LocationChanges> {
    let now = Utc::now();
    let changes = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let import_id: i64 = sqlx::query_scalar(INSERT_IMPORT)
            .bind(meta.file_name)
            .bind(meta.kind)
            .bind(meta.encoding)
            .bind(meta.gemeente_code)
            .bind(i(meta.rows_read))
            .bind(i(meta.rows_kept))
            .bind(i(meta.rows_filtered))
            .bind(i(meta.warnings))
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
        let existing: Vec<Existing> = sqlx::query_as(
            "SELECT id, code, name, school_type, board, street, house_number_raw, postcode, place, gemeente_code,
                    denominatie, phone, website, clusters, onderwijs, status FROM locations",
        )
        .fetch_all(&mut *tx)
        .await?;
        let by_code: HashMap<&str, &Existing> = existing.iter().map(|e| (e.code.as_str(), e)).collect();
        let mut c = LocationChanges { import_id, ..LocationChanges::default() };
        macro_rules! event {
            ($kind:expr, $location:expr, $detail:expr) => {
                sqlx::query(INSERT_EVENT)
                    .bind($location)
                    .bind(import_id)
                    .bind($kind)
                    .bind($detail)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?
            };
        }
        let mut seen: HashSet<&str> = keep_open.iter().map(String::as_str).collect();
        for v in rows {
            if !seen.insert(v.code.as_str()) {
                continue;
            }
            let house = v.house_number.as_ref();
            let house_number = house.map(|h| i64::from(h.number));
            let house_letter = house.and_then(|h| h.letter).map(|l| l.to_string());
            let house_addition = house.and_then(|h| h.addition.clone());
            let house_range_end = house.and_then(|h| h.range_end).map(i64::from);
            // The fields after the key ($1) are bound alike for INSERT and UPDATE.
            macro_rules! bind_fields {
                ($q:expr) => {
                    $q.bind(&v.brin)
                        .bind(&v.name)
                        .bind(v.school_type.code())
                        .bind(&v.board)
                        .bind(&v.street)
                        .bind(house_number)
                        .bind(&house_letter)
                        .bind(&house_addition)
                        .bind(house_range_end)
                        .bind(&v.house_number_raw)
                        .bind(&v.postcode)
                        .bind(&v.place)
                        .bind(&v.gemeente_code)
                        .bind(&v.gemeente_name)
                        .bind(&v.denominatie)
                        .bind(&v.phone)
                        .bind(&v.website)
                        .bind(clusters_text(v))
                        .bind(onderwijs_text(v))
                        .bind(import_id)
                        .bind(now)
                };
            }
            match by_code.get(v.code.as_str()) {
                None => {
                    let id: i64 = bind_fields!(sqlx::query_scalar(INSERT_LOCATION).bind(&v.code))
                        .fetch_one(&mut *tx)
                        .await?;
                    event!("new", id, format!("nieuw: {}", v.name));
                    c.new += 1;
                }
                Some(old) => {
                    let renamed = old.name != v.name;
                    let diff = differences(old, v);
                    let reopened = old.status == "closed";
                    if !renamed && diff.is_empty() && !reopened {
                        c.unchanged += 1;
                        continue;
                    }
                    if diff.iter().any(|f| matches!(*f, "straat" | "huisnummer" | "postcode")) {
                        // A moved school's old point is wrong now: the PC4 centroid stands in until
                        // a new BAG file or PDOK gives the new one.
                        sqlx::query("DELETE FROM geo_points WHERE code = $1").bind(&old.code).execute(&mut *tx).await?;
                    }
                    bind_fields!(sqlx::query(UPDATE_LOCATION).bind(old.id)).execute(&mut *tx).await?;
                    let mut events: Vec<(&str, String)> = Vec::new();
                    if reopened {
                        events.push(("reopened", "weer in de DUO-gegevens".to_owned()));
                        c.reopened += 1;
                    }
                    if renamed {
                        events.push(("renamed", format!("{} → {}", old.name, v.name)));
                        c.renamed += 1;
                    }
                    if !diff.is_empty() {
                        events.push(("changed", format!("gewijzigd: {}", diff.join(", "))));
                        c.changed += 1;
                    }
                    for (kind, detail) in events {
                        event!(kind, old.id, detail);
                    }
                }
            }
        }
        for old in &existing {
            let in_scope = in_release_scope(scope, gemeente, &old.school_type, &old.gemeente_code)
                && old.status == "open";
            if in_scope && !seen.contains(old.code.as_str()) {
                sqlx::query("UPDATE locations SET status = 'closed', closed_at = $2, last_import_id = $3, updated_at = $2 WHERE id = $1")
                    .bind(old.id)
                    .bind(now)
                    .bind(import_id)
                    .execute(&mut *tx)
                    .await?;
                event!("closed", old.id, "niet meer in de DUO-gegevens");
                c.closed += 1;
            }
        }
        sqlx::query(COORDS_FROM_BAG).execute(&mut *tx).await?;
        sqlx::query(COORDS_FROM_PC4).execute(&mut *tx).await?;
        let detail = format!(
            "{}: {} rijen, {} nieuw, {} hernoemd, {} gewijzigd, {} gesloten, {} heropend",
            meta.kind, meta.rows_kept, c.new, c.renamed, c.changed, c.closed, c.reopened
        );
        crate::append_in_tx!(tx, &import_event(meta, &detail));
        sqlx::query(BUMP_MAP).execute(&mut *tx).await?;
        tx.commit().await?;
        c
    });
    Ok(changes)
}

/// Whether a location of this type and gemeente is one a release of `scope` (in `gemeente`, or
/// everywhere) lists completely, so that its absence means it closed.
fn in_release_scope(
    scope: &[SchoolType],
    gemeente: Option<&str>,
    school_type: &str,
    gemeente_code: &str,
) -> bool {
    scope.iter().any(|t| t.code() == school_type) && gemeente.is_none_or(|g| g == gemeente_code)
}

/// The codes of the open locations a release of `scope` (in `gemeente`, or everywhere) lists
/// completely: those it would close if it left them out.
pub async fn open_codes_in_scope(
    db: &Db,
    (scope, gemeente): (&[SchoolType], Option<&str>),
) -> StoreResult<Vec<String>> {
    let rows: Vec<(String, String, String)> = on_db!(db, pool => {
        sqlx::query_as("SELECT code, school_type, gemeente_code FROM locations WHERE status = 'open'")
            .fetch_all(pool)
            .await?
    });
    Ok(rows
        .into_iter()
        .filter(|(_, t, g)| in_release_scope(scope, gemeente, t, g))
        .map(|(code, _, _)| code)
        .collect())
}

macro_rules! record_import {
    ($tx:expr, $meta:expr, $now:expr) => {
        sqlx::query_scalar::<_, i64>(INSERT_IMPORT)
            .bind($meta.file_name)
            .bind($meta.kind)
            .bind($meta.encoding)
            .bind($meta.gemeente_code)
            .bind(i($meta.rows_read))
            .bind(i($meta.rows_kept))
            .bind(i($meta.rows_filtered))
            .bind(i($meta.warnings))
            .bind($now)
            .fetch_one(&mut *$tx)
            .await?
    };
}

/// Raises the map data version (see migration 0005) inside a write transaction.
const BUMP_MAP: &str = "UPDATE data_versions SET version = version + 1 WHERE name = 'map'";

/// The audit event of an import (an administrative action; no personal data involved).
fn import_event<'a>(meta: &'a ImportMeta<'a>, detail: &'a str) -> crate::audit::Event<'a> {
    let mut e = crate::audit::Event::cli(None, "import", "gegevensbestand", meta.file_name, detail);
    e.origin = meta.origin;
    e
}

/// Rows per multi-row INSERT: well under SQLite's limit of bound parameters.
const BATCH: usize = 500;

/// One (code, year, pupils, suppressed, school type) row of the pupil-count table.
/// (code, year, pupils, suppressed, school type, gemeente).
type CountRow<'a> = (&'a str, i64, Option<i64>, bool, Option<&'a str>, &'a str);

/// Applies the historic pupil-count file: every (code, year) is set to the file's value.
pub async fn import_pupil_counts(
    db: &Db,
    meta: &ImportMeta<'_>,
    rows: &[PupilCounts],
) -> StoreResult<i64> {
    let now = Utc::now();
    let flat: Vec<CountRow<'_>> = rows
        .iter()
        .flat_map(|r| {
            let kind = r.school_type.map(SchoolType::code);
            let gemeente = r.gemeente_name.as_str();
            r.counts.iter().map(move |(year, count)| match count {
                Count::Exact(n) => (
                    r.code.as_str(),
                    i64::from(*year),
                    Some(i64::from(*n)),
                    false,
                    kind,
                    gemeente,
                ),
                Count::FewerThanFive => (
                    r.code.as_str(),
                    i64::from(*year),
                    None,
                    true,
                    kind,
                    gemeente,
                ),
            })
        })
        .collect();
    // A key twice in one multi-row upsert aborts it on PostgreSQL: the last row wins, as on SQLite.
    let mut seen = HashSet::new();
    let mut flat: Vec<CountRow<'_>> = flat
        .into_iter()
        .rev()
        .filter(|r| seen.insert((r.0, r.1)))
        .collect();
    flat.reverse();
    let id = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let id = record_import!(tx, meta, now);
        for chunk in flat.chunks(BATCH) {
            let mut q = sqlx::QueryBuilder::new("INSERT INTO pupil_counts (code, year, pupils, suppressed, school_type, gemeente) ");
            q.push_values(chunk, |mut b, (code, year, pupils, suppressed, kind, gemeente)| {
                b.push_bind(*code).push_bind(*year).push_bind(*pupils).push_bind(*suppressed).push_bind(*kind).push_bind(*gemeente);
            });
            q.push(
                " ON CONFLICT (code, year) DO UPDATE SET pupils = excluded.pupils, suppressed = excluded.suppressed, school_type = excluded.school_type, gemeente = excluded.gemeente",
            );
            q.build().execute(&mut *tx).await?;
        }
        let detail = format!("{}: {} rijen", meta.kind, meta.rows_kept);
        crate::append_in_tx!(tx, &import_event(meta, &detail));
        sqlx::query(BUMP_MAP).execute(&mut *tx).await?;
        tx.commit().await?;
        id
    });
    Ok(id)
}

/// Applies the regio-indeling (PC4, gemeente, PO samenwerkingsverband): the table is replaced as
/// a whole, in one transaction with the import's record and audit event.
pub async fn import_regio(
    db: &Db,
    meta: &ImportMeta<'_>,
    rows: &[(String, String, String)],
) -> StoreResult<i64> {
    let now = Utc::now();
    let id = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let id = record_import!(tx, meta, now);
        sqlx::query("DELETE FROM regio_indeling").execute(&mut *tx).await?;
        for chunk in rows.chunks(BATCH) {
            let mut q = sqlx::QueryBuilder::new("INSERT INTO regio_indeling (pc4, gemeente, po_swv) ");
            q.push_values(chunk, |mut b, (pc4, gemeente, swv)| {
                b.push_bind(pc4).push_bind(gemeente).push_bind(swv);
            });
            q.build().execute(&mut *tx).await?;
        }
        let detail = format!("{}: {} rijen", meta.kind, meta.rows_kept);
        crate::append_in_tx!(tx, &import_event(meta, &detail));
        tx.commit().await?;
        id
    });
    Ok(id)
}

/// Applies BAG-geocoded points (EduGIS) and refreshes every location's coordinates.
pub async fn import_geo_points(
    db: &Db,
    meta: &ImportMeta<'_>,
    rows: &[GeocodedLocation],
) -> StoreResult<i64> {
    let now = Utc::now();
    let id = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let id = record_import!(tx, meta, now);
        for chunk in rows.chunks(BATCH) {
            let mut q = sqlx::QueryBuilder::new("INSERT INTO geo_points (code, lat, lon, source, pc4) ");
            q.push_values(chunk, |mut b, g| {
                b.push_bind(&g.code).push_bind(g.point.lat).push_bind(g.point.lon).push_bind("bag").push_bind(&g.pc4);
            });
            q.push(" ON CONFLICT (code) DO UPDATE SET lat = excluded.lat, lon = excluded.lon, source = excluded.source, pc4 = excluded.pc4");
            q.build().execute(&mut *tx).await?;
        }
        sqlx::query(COORDS_FROM_BAG).execute(&mut *tx).await?;
        let detail = format!("{}: {} rijen", meta.kind, meta.rows_kept);
        crate::append_in_tx!(tx, &import_event(meta, &detail));
        sqlx::query(BUMP_MAP).execute(&mut *tx).await?;
        tx.commit().await?;
        id
    });
    Ok(id)
}

/// Applies PC4 centroids and fills the coordinates of locations without a BAG point.
pub async fn import_pc4(db: &Db, meta: &ImportMeta<'_>, rows: &[Pc4Centroid]) -> StoreResult<i64> {
    let now = Utc::now();
    let mut seen = HashSet::new();
    let mut rows: Vec<&Pc4Centroid> = rows
        .iter()
        .rev()
        .filter(|r| seen.insert(r.pc4.as_str()))
        .collect();
    rows.reverse();
    let id = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let id = record_import!(tx, meta, now);
        for chunk in rows.chunks(BATCH) {
            let mut q = sqlx::QueryBuilder::new("INSERT INTO pc4_centroids (pc4, lat, lon, po_box_only) ");
            q.push_values(chunk, |mut b, c: &&Pc4Centroid| {
                b.push_bind(&c.pc4).push_bind(c.point.lat).push_bind(c.point.lon).push_bind(c.po_box_only);
            });
            q.push(" ON CONFLICT (pc4) DO UPDATE SET lat = excluded.lat, lon = excluded.lon, po_box_only = excluded.po_box_only");
            q.build().execute(&mut *tx).await?;
        }
        sqlx::query(COORDS_FROM_PC4).execute(&mut *tx).await?;
        let detail = format!("{}: {} rijen", meta.kind, meta.rows_kept);
        crate::append_in_tx!(tx, &import_event(meta, &detail));
        sqlx::query(BUMP_MAP).execute(&mut *tx).await?;
        tx.commit().await?;
        id
    });
    Ok(id)
}

/// A location as the map shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Location {
    /// Row id.
    pub id: i64,
    /// Vestigingscode.
    pub code: String,
    /// BRIN.
    pub brin: String,
    /// Name.
    pub name: String,
    /// `bo`, `sbo`, `so`, `vso`, `so-vso`.
    pub school_type: String,
    /// Street.
    pub street: String,
    /// House number as people write it is derived from these.
    pub house_number_raw: String,
    /// Postcode `1316 BW`.
    pub postcode: String,
    /// Place (DUO upper case).
    pub place: String,
    /// Gemeente code.
    pub gemeente_code: String,
    /// Denominatie.
    pub denominatie: String,
    /// Phone.
    pub phone: Option<String>,
    /// Website.
    pub website: Option<String>,
    /// Clusters, comma-separated.
    pub clusters: String,
    /// DUO ONDERWIJS.
    pub onderwijs: String,
    /// Latitude.
    pub lat: Option<f64>,
    /// Longitude.
    pub lon: Option<f64>,
    /// `bag`, `pc4` or `pdok`.
    pub coord_source: Option<String>,
    /// `open` or `closed`.
    pub status: String,
}

/// Every location (open and closed), for the in-memory map index.
pub async fn all_locations(db: &Db) -> StoreResult<Vec<Location>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, Location>(
        "SELECT id, code, brin, name, school_type, street, house_number_raw, postcode, place, gemeente_code, denominatie,
                phone, website, clusters, onderwijs, lat, lon, coord_source, status
         FROM locations ORDER BY name, code",
    )
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// The map data version: it changes with every import, voorziening and profile change.
pub async fn map_stamp(db: &Db) -> StoreResult<i64> {
    let v = on_db!(db, pool => sqlx::query_scalar::<_, i64>("SELECT version FROM data_versions WHERE name = 'map'")
        .fetch_one(pool)
        .await)?;
    Ok(v)
}

/// Whether any location exists (to load the shipped data on a first start).
pub async fn has_locations(db: &Db) -> StoreResult<bool> {
    let n: i64 = on_db!(db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM locations").fetch_one(pool).await)?;
    Ok(n > 0)
}

/// The pupil counts of a vestigingscode, oldest year first: (year, pupils or None when `<5`).
pub async fn pupil_counts(db: &Db, code: &str) -> StoreResult<Vec<(i64, Option<i64>)>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, (i64, Option<i64>)>(
        "SELECT year, pupils FROM pupil_counts WHERE code = $1 ORDER BY year",
    )
    .bind(code)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// A change recorded by an import.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LocationEvent {
    /// `new`, `renamed`, `changed`, `closed`, `reopened`.
    pub kind: String,
    /// Human-readable detail (Dutch).
    pub detail: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// The names locations had before a release renamed them: (location id, former name), oldest
/// first.
pub async fn former_names(db: &Db) -> StoreResult<Vec<(i64, String)>> {
    let rows: Vec<(i64, String)> = on_db!(db, pool => {
        sqlx::query_as("SELECT location_id, detail FROM location_events WHERE kind = 'renamed' ORDER BY id")
            .fetch_all(pool)
            .await?
    });
    // The detail is written by `import_vestigingen` as "old → new".
    Ok(rows
        .into_iter()
        .filter_map(|(id, detail)| {
            detail
                .split_once(" → ")
                .map(|(old, _)| (id, old.to_owned()))
        })
        .collect())
}

/// The history of a location, newest first.
pub async fn location_events(db: &Db, location_id: i64) -> StoreResult<Vec<LocationEvent>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, LocationEvent>(
        "SELECT kind, detail, created_at FROM location_events WHERE location_id = $1 ORDER BY id DESC",
    )
    .bind(location_id)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// PC4 centroids, for distance search from a visitor's postcode.
pub async fn pc4_centroids(db: &Db) -> StoreResult<Vec<(String, f64, f64)>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, (String, f64, f64)>(
        "SELECT pc4, lat, lon FROM pc4_centroids WHERE po_box_only = FALSE",
    )
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// The date of the newest import of location data, if any.
pub async fn last_import_on(db: &Db) -> StoreResult<Option<NaiveDate>> {
    let at = on_db!(db, pool => sqlx::query_scalar::<_, Option<DateTime<Utc>>>(
        "SELECT MAX(created_at) FROM data_imports WHERE kind IN ('bo', 'sbo-so-vso')",
    )
    .fetch_one(pool)
    .await)?;
    Ok(at.map(|t| t.date_naive()))
}

/// A voorziening as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Voorziening {
    /// Row id.
    pub id: i64,
    /// Tenant.
    pub tenant_id: i64,
    /// The host location's row id.
    pub location_id: i64,
    /// The host location's vestigingscode.
    pub location_code: String,
    /// URL slug, unique per tenant.
    pub slug: String,
    /// Name.
    pub name: String,
    /// `stedelijke-voorziening` or `arrangement`.
    pub kind: String,
    /// Description (plain text).
    pub description: String,
    /// Theme ids, comma-separated.
    pub themes: String,
    /// `direct`, `tlv` or `plaatsingsoverleg`.
    pub admission: String,
    /// Places.
    pub capacity: Option<i64>,
    /// Children waiting.
    pub waiting_list: Option<i64>,
    /// How to reach the voorziening.
    pub contact: String,
    /// When the SWV last checked this information.
    pub last_verified_on: Option<NaiveDate>,
}

/// A new voorziening.
#[derive(Debug, Clone)]
pub struct NewVoorziening<'a> {
    /// Tenant.
    pub tenant_id: i64,
    /// Host location's vestigingscode.
    pub location_code: &'a str,
    /// Slug.
    pub slug: &'a str,
    /// Name.
    pub name: &'a str,
    /// Kind.
    pub kind: &'a str,
    /// Description.
    pub description: &'a str,
    /// Theme ids, comma-separated.
    pub themes: &'a str,
    /// Admission route code.
    pub admission: &'a str,
    /// Places.
    pub capacity: Option<i64>,
    /// Waiting list.
    pub waiting_list: Option<i64>,
    /// Contact.
    pub contact: &'a str,
    /// Last verified.
    pub last_verified_on: Option<NaiveDate>,
}

/// Why a voorziening could not be saved.
#[derive(Debug, thiserror::Error)]
pub enum VoorzieningError {
    /// The host location does not exist.
    #[error("locatie {0} bestaat niet")]
    UnknownLocation(String),
    /// The slug is taken.
    #[error("er is al een voorziening met de naam-code '{0}'")]
    DuplicateSlug(String),
    /// A storage error.
    #[error(transparent)]
    Store(#[from] crate::StoreError),
}

/// The row id of the voorziening's host location inside a transaction, or an early
/// `UnknownLocation` from the enclosing function.
macro_rules! host_location_tx {
    ($tx:expr, $v:expr) => {{
        let location: Option<i64> = sqlx::query_scalar("SELECT id FROM locations WHERE code = $1")
            .bind($v.location_code)
            .fetch_optional(&mut *$tx)
            .await?;
        let Some(location_id) = location else {
            return Ok(Err(VoorzieningError::UnknownLocation(
                $v.location_code.to_owned(),
            )));
        };
        location_id
    }};
}

/// Adds a voorziening at a location.
pub async fn add_voorziening(
    db: &Db,
    v: &NewVoorziening<'_>,
    event: Option<&crate::audit::Event<'_>>,
) -> Result<i64, VoorzieningError> {
    let now = Utc::now();
    let result: StoreResult<Result<i64, VoorzieningError>> = async {
        Ok(on_db!(db, pool => {
            let mut tx = pool.begin_write().await?;
            let location_id = host_location_tx!(tx, v);
            let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM voorzieningen WHERE tenant_id = $1 AND slug = $2")
                .bind(v.tenant_id)
                .bind(v.slug)
                .fetch_optional(&mut *tx)
                .await?;
            if taken.is_some() {
                return Ok(Err(VoorzieningError::DuplicateSlug(v.slug.to_owned())));
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO voorzieningen (tenant_id, location_id, slug, name, kind, description, themes, admission,
                   capacity, waiting_list, contact, last_verified_on, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
            )
            .bind(v.tenant_id)
            .bind(location_id)
            .bind(v.slug)
            .bind(v.name)
            .bind(v.kind)
            .bind(v.description)
            .bind(v.themes)
            .bind(v.admission)
            .bind(v.capacity)
            .bind(v.waiting_list)
            .bind(v.contact)
            .bind(v.last_verified_on)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            let cli = crate::audit::Event::cli(Some(v.tenant_id), "create", "voorziening", v.slug, v.location_code);
            crate::append_in_tx!(tx, event.unwrap_or(&cli));
            sqlx::query(BUMP_MAP).execute(&mut *tx).await?;
        tx.commit().await?;
            Ok(id)
        }))
    }
    .await;
    result?
}

/// Changes a voorziening of a tenant (its slug, and so its address on the map, stays). Returns
/// `Ok(false)` when the tenant has no voorziening with this slug.
pub async fn update_voorziening(
    db: &Db,
    v: &NewVoorziening<'_>,
    event: &crate::audit::Event<'_>,
) -> Result<bool, VoorzieningError> {
    let now = Utc::now();
    let result: StoreResult<Result<bool, VoorzieningError>> = async {
        Ok(on_db!(db, pool => {
            let mut tx = pool.begin_write().await?;
            let location_id = host_location_tx!(tx, v);
            let n = sqlx::query(
                "UPDATE voorzieningen SET location_id = $1, name = $2, kind = $3, description = $4, themes = $5,
                   admission = $6, capacity = $7, waiting_list = $8, contact = $9, last_verified_on = $10, updated_at = $11
                 WHERE tenant_id = $12 AND slug = $13",
            )
            .bind(location_id)
            .bind(v.name)
            .bind(v.kind)
            .bind(v.description)
            .bind(v.themes)
            .bind(v.admission)
            .bind(v.capacity)
            .bind(v.waiting_list)
            .bind(v.contact)
            .bind(v.last_verified_on)
            .bind(now)
            .bind(v.tenant_id)
            .bind(v.slug)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 1 {
                crate::append_in_tx!(tx, event);
                sqlx::query(BUMP_MAP).execute(&mut *tx).await?;
                tx.commit().await?;
            }
            Ok(n == 1)
        }))
    }
    .await;
    result?
}

/// Every voorziening of a tenant with its host location's code, by name.
pub async fn voorzieningen(db: &Db, tenant_id: i64) -> StoreResult<Vec<Voorziening>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, Voorziening>(
        "SELECT v.id, v.tenant_id, v.location_id, l.code AS location_code, v.slug, v.name, v.kind, v.description,
                v.themes, v.admission, v.capacity, v.waiting_list, v.contact, v.last_verified_on
         FROM voorzieningen v JOIN locations l ON l.id = v.location_id
         WHERE v.tenant_id = $1 ORDER BY v.name",
    )
    .bind(tenant_id)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// Removes a voorziening; `false` when there was none with this slug.
pub async fn remove_voorziening(
    db: &Db,
    tenant_id: i64,
    slug: &str,
    event: Option<&crate::audit::Event<'_>>,
) -> StoreResult<bool> {
    let removed = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let n = sqlx::query("DELETE FROM voorzieningen WHERE tenant_id = $1 AND slug = $2")
            .bind(tenant_id)
            .bind(slug)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n > 0 {
            let cli = crate::audit::Event::cli(Some(tenant_id), "delete", "voorziening", slug, "");
            crate::append_in_tx!(tx, event.unwrap_or(&cli));
        }
        sqlx::query(BUMP_MAP).execute(&mut *tx).await?;
        tx.commit().await?;
        n > 0
    });
    Ok(removed)
}

/// Open locations without an address point: (code, postcode, house number as DUO wrote it).
pub async fn without_geo_point(db: &Db) -> StoreResult<Vec<(String, String, String)>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, (String, String, String)>(
        "SELECT l.code, l.postcode, l.house_number_raw FROM locations l
         WHERE l.status = 'open' AND NOT EXISTS (SELECT 1 FROM geo_points g WHERE g.code = l.code)
         ORDER BY l.code",
    )
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// Stores one address point (e.g. from PDOK) and refreshes the coordinates.
pub async fn set_geo_point(
    db: &Db,
    code: &str,
    point: passend_domain::geo::Point,
    source: &str,
) -> StoreResult<()> {
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        sqlx::query(
            "INSERT INTO geo_points (code, lat, lon, source) VALUES ($1, $2, $3, $4)
             ON CONFLICT (code) DO UPDATE SET lat = excluded.lat, lon = excluded.lon, source = excluded.source",
        )
        .bind(code)
        .bind(point.lat)
        .bind(point.lon)
        .bind(source)
        .execute(&mut *tx)
        .await?;
        sqlx::query(COORDS_FROM_BAG).execute(&mut *tx).await?;
        sqlx::query(BUMP_MAP).execute(&mut *tx).await?;
        tx.commit().await?;
    });
    Ok(())
}

/// The kind of school each vestigingscode had in the newest year of the pupil-count file
/// (`SOORT_VESTIGING`): it tells SO from VSO where the address file says `(V)SO`.
pub async fn pupil_file_types(db: &Db) -> StoreResult<Vec<(String, String)>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, (String, String)>(
        "SELECT p.code, p.school_type FROM pupil_counts p
         WHERE p.school_type IS NOT NULL
           AND p.year = (SELECT MAX(p2.year) FROM pupil_counts p2 WHERE p2.code = p.code)",
    )
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// A location's support profile as set by the SWV or the school.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Profile {
    /// Row id.
    pub id: i64,
    /// The location's row id.
    pub location_id: i64,
    /// The location's vestigingscode.
    pub location_code: String,
    /// Theme ids, comma-separated.
    pub themes: String,
    /// `basis` or `extra`.
    pub level: String,
    /// Admission route code.
    pub admission: String,
    /// Plain-text description.
    pub description: String,
    /// Places.
    pub capacity: Option<i64>,
    /// Waiting list.
    pub waiting_list: Option<i64>,
    /// Contact.
    pub contact: String,
    /// `swv` or `school`.
    pub set_by: String,
    /// Where the information comes from.
    pub source_url: Option<String>,
    /// Last checked.
    pub last_verified_on: Option<NaiveDate>,
    /// When SWV staff last marked the profile as checked.
    pub checked_on: Option<NaiveDate>,
}

/// A profile to save.
#[derive(Debug, Clone)]
pub struct ProfileInput<'a> {
    /// Tenant.
    pub tenant_id: i64,
    /// The location's vestigingscode.
    pub location_code: &'a str,
    /// Theme ids, comma-separated.
    pub themes: &'a str,
    /// `basis` or `extra`.
    pub level: &'a str,
    /// Admission route code.
    pub admission: &'a str,
    /// Description.
    pub description: &'a str,
    /// Places.
    pub capacity: Option<i64>,
    /// Waiting list.
    pub waiting_list: Option<i64>,
    /// Contact.
    pub contact: &'a str,
    /// `swv` or `school`.
    pub set_by: &'a str,
    /// Source.
    pub source_url: Option<&'a str>,
    /// Last checked.
    pub last_verified_on: Option<NaiveDate>,
    /// Who saved it, for the audit trail: `cli` or `eerste start`.
    pub origin: &'a str,
    /// The user who saved it through the website (`None`: the command line).
    pub saved_by: Option<i64>,
}

/// Saves (creates or replaces) a location's profile, keeps the old one in the change log, and
/// records the change in the audit trail. `Ok(false)` when the location does not exist.
pub async fn save_profile(
    db: &Db,
    p: &ProfileInput<'_>,
    event: Option<&crate::audit::Event<'_>>,
) -> StoreResult<bool> {
    let now = Utc::now();
    let saved = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let location: Option<i64> = sqlx::query_scalar("SELECT id FROM locations WHERE code = $1")
            .bind(p.location_code)
            .fetch_optional(&mut *tx)
            .await?;
        match location {
            None => false,
            Some(location_id) => {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO location_profiles (tenant_id, location_id, themes, level, admission, description, capacity,
                       waiting_list, contact, set_by, source_url, last_verified_on, updated_at, updated_by)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
                     ON CONFLICT (tenant_id, location_id) DO UPDATE SET themes = excluded.themes, level = excluded.level,
                       admission = excluded.admission, description = excluded.description, capacity = excluded.capacity,
                       waiting_list = excluded.waiting_list, contact = excluded.contact, set_by = excluded.set_by,
                       source_url = excluded.source_url, last_verified_on = excluded.last_verified_on,
                       updated_at = excluded.updated_at, updated_by = excluded.updated_by,
                       checked_on = NULL, checked_by = NULL
                     RETURNING id",
                )
                .bind(p.tenant_id)
                .bind(location_id)
                .bind(p.themes)
                .bind(p.level)
                .bind(p.admission)
                .bind(p.description)
                .bind(p.capacity)
                .bind(p.waiting_list)
                .bind(p.contact)
                .bind(p.set_by)
                .bind(p.source_url)
                .bind(p.last_verified_on)
                .bind(now)
                .bind(p.saved_by)
                .fetch_one(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO location_profile_history (profile_id, themes, level, admission, description, capacity,
                       waiting_list, contact, set_by, last_verified_on, saved_at, saved_by)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                )
                .bind(id)
                .bind(p.themes)
                .bind(p.level)
                .bind(p.admission)
                .bind(p.description)
                .bind(p.capacity)
                .bind(p.waiting_list)
                .bind(p.contact)
                .bind(p.set_by)
                .bind(p.last_verified_on)
                .bind(now)
                .bind(p.saved_by)
                .execute(&mut *tx)
                .await?;
                // A profile the SWV itself sets is checked by the SWV on its date.
                sqlx::query(
                    "UPDATE location_profiles SET checked_on = last_verified_on, checked_by = $1 WHERE id = $2 AND set_by = 'swv'",
                )
                .bind(p.saved_by)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                let mut cli =
                    crate::audit::Event::cli(Some(p.tenant_id), "update", "ondersteuningsprofiel", p.location_code, p.set_by);
                cli.origin = p.origin;
                crate::append_in_tx!(tx, event.unwrap_or(&cli));
                sqlx::query(BUMP_MAP).execute(&mut *tx).await?;
        tx.commit().await?;
                true
            }
        }
    });
    Ok(saved)
}

/// Every profile of a tenant.
pub async fn profiles(db: &Db, tenant_id: i64) -> StoreResult<Vec<Profile>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, Profile>(
        "SELECT p.id, p.location_id, l.code AS location_code, p.themes, p.level, p.admission, p.description, p.capacity,
                p.waiting_list, p.contact, p.set_by, p.source_url, p.last_verified_on, p.checked_on
         FROM location_profiles p JOIN locations l ON l.id = p.location_id
         WHERE p.tenant_id = $1 ORDER BY l.code",
    )
    .bind(tenant_id)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// Whether the tenant has any profile yet (to load the shipped ones on a first start).
pub async fn has_profiles(db: &Db, tenant_id: i64) -> StoreResult<bool> {
    let n: i64 = on_db!(db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM location_profiles WHERE tenant_id = $1")
        .bind(tenant_id)
        .fetch_one(pool)
        .await)?;
    Ok(n > 0)
}

/// The names of every file ever imported.
pub async fn imported_file_names(db: &Db) -> StoreResult<Vec<String>> {
    let rows = on_db!(db, pool => sqlx::query_scalar::<_, String>("SELECT DISTINCT file_name FROM data_imports")
        .fetch_all(pool)
        .await)?;
    Ok(rows)
}

/// The profile of one location of a tenant.
pub async fn profile(db: &Db, tenant_id: i64, location_id: i64) -> StoreResult<Option<Profile>> {
    let row = on_db!(db, pool => sqlx::query_as::<_, Profile>(
        "SELECT p.id, p.location_id, l.code AS location_code, p.themes, p.level, p.admission, p.description, p.capacity,
                p.waiting_list, p.contact, p.set_by, p.source_url, p.last_verified_on, p.checked_on
         FROM location_profiles p JOIN locations l ON l.id = p.location_id
         WHERE p.tenant_id = $1 AND p.location_id = $2",
    )
    .bind(tenant_id)
    .bind(location_id)
    .fetch_optional(pool)
    .await)?;
    Ok(row)
}

/// One saved version of a profile, for the change log.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProfileChange {
    /// When.
    pub saved_at: DateTime<Utc>,
    /// `swv` or `school`.
    pub set_by: String,
    /// The user's name, when saved on the website.
    pub saved_by_name: Option<String>,
    /// Themes then.
    pub themes: String,
    /// Level then.
    pub level: String,
    /// Admission then.
    pub admission: String,
    /// Description then.
    pub description: String,
}

/// The change log of a location's profile, newest first.
pub async fn profile_history(
    db: &Db,
    tenant_id: i64,
    location_id: i64,
) -> StoreResult<Vec<ProfileChange>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, ProfileChange>(
        "SELECT h.saved_at, h.set_by, u.name AS saved_by_name, h.themes, h.level, h.admission, h.description
         FROM location_profile_history h JOIN location_profiles p ON p.id = h.profile_id
         LEFT JOIN users u ON u.id = h.saved_by
         WHERE p.tenant_id = $1 AND p.location_id = $2 ORDER BY h.id DESC",
    )
    .bind(tenant_id)
    .bind(location_id)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// Marks a location's profile as checked by SWV staff today; `false` when it has no profile.
pub async fn mark_profile_checked(
    db: &Db,
    tenant_id: i64,
    location_id: i64,
    user_id: i64,
    on: NaiveDate,
    event: &crate::audit::Event<'_>,
) -> StoreResult<bool> {
    let done = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        crate::update_one_tx!(tx, sqlx::query(
            "UPDATE location_profiles SET checked_on = $1, checked_by = $2 WHERE tenant_id = $3 AND location_id = $4",
        )
        .bind(on)
        .bind(user_id)
        .bind(tenant_id)
        .bind(location_id),
        {
            crate::append_in_tx!(tx, event);
            sqlx::query(BUMP_MAP).execute(&mut *tx).await?;
        })
    });
    Ok(done)
}

/// A location as a choice in forms: id, code, name, place, type.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LocationChoice {
    /// Row id.
    pub id: i64,
    /// Vestigingscode.
    pub code: String,
    /// Name.
    pub name: String,
    /// Place.
    pub place: String,
    /// School type.
    pub school_type: String,
}

/// Every open location, by name.
pub async fn location_choices(db: &Db) -> StoreResult<Vec<LocationChoice>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, LocationChoice>(
        "SELECT id, code, name, place, school_type FROM locations WHERE status = 'open' ORDER BY name, code",
    )
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// A location by vestigingscode.
pub async fn location_by_code(db: &Db, code: &str) -> StoreResult<Option<LocationChoice>> {
    let row = on_db!(db, pool => sqlx::query_as::<_, LocationChoice>(
        "SELECT id, code, name, place, school_type FROM locations WHERE code = $1",
    )
    .bind(code)
    .fetch_optional(pool)
    .await)?;
    Ok(row)
}
