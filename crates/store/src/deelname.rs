//! The deelnamepercentages per samenwerkingsverband and for the country, recomputed from the
//! national data the imports stored (DUO's pupils per vestiging with their gemeente, EduGIS
//! points with their PC4, the regio-indeling). The rules are in `passend_domain::deelname`.

use crate::{BeginWrite, Db, StoreResult, on_db};
use passend_domain::deelname::{self as rules, Placed, RegioIndeling, Totals};
use passend_domain::duo::{Count, PupilCounts, SchoolType};
use std::collections::HashMap;

/// The area code of the whole country.
pub const COUNTRY: &str = "NL";

/// Pupil counts that cover fewer gemeenten than this are an extract (one gemeente, a region),
/// not the country: no deelname is computed from them, so no "country" figure is ever a part.
pub const NATIONAL_GEMEENTEN: i64 = 100;

/// One area's pupils in one year.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DeelnameRow {
    /// A PO samenwerkingsverband code, or [`COUNTRY`].
    pub area: String,
    pub year: i64,
    pub bao: i64,
    pub sbo: i64,
    pub so: i64,
    pub so_vso: i64,
    /// DUO's `<5` cells, counted as 0.
    pub suppressed: i64,
}

impl DeelnameRow {
    /// The totals, for the domain's percentages.
    pub fn totals(&self) -> Totals {
        let n = |v: i64| u64::try_from(v).unwrap_or(0);
        Totals {
            bao: n(self.bao),
            sbo: n(self.sbo),
            so: n(self.so),
            so_vso: n(self.so_vso),
            suppressed: u32::try_from(self.suppressed).unwrap_or(u32::MAX),
        }
    }
}

/// A stored pupil count: (code, year, pupils, suppressed, school type, gemeente).
type StoredCount = (
    String,
    i64,
    Option<i64>,
    bool,
    Option<String>,
    Option<String>,
);

fn placed_code(p: Placed) -> &'static str {
    match p {
        Placed::Postcode => "postcode",
        Placed::Gemeente => "gemeente",
        Placed::Nowhere => "nergens",
    }
}

/// Recomputes the deelname from what is stored. Returns whether there was national data to
/// compute it from; without it (an extract, or no regio-indeling yet) the figures are cleared.
pub async fn refresh(db: &Db) -> StoreResult<bool> {
    let gemeenten: i64 = on_db!(db, pool => sqlx::query_scalar(
        "SELECT COUNT(DISTINCT gemeente) FROM pupil_counts WHERE gemeente IS NOT NULL AND gemeente <> ''",
    )
    .fetch_one(pool)
    .await)?;
    let regio: Vec<(String, String, String)> = on_db!(db, pool => sqlx::query_as(
        "SELECT pc4, gemeente, po_swv FROM regio_indeling",
    )
    .fetch_all(pool)
    .await)?;
    let national = gemeenten >= NATIONAL_GEMEENTEN && !regio.is_empty();
    let (rows, placed) = if national {
        let counts: Vec<StoredCount> = on_db!(db, pool => sqlx::query_as(
            "SELECT code, year, pupils, suppressed, school_type, gemeente FROM pupil_counts ORDER BY code, year",
        )
        .fetch_all(pool)
        .await)?;
        let pc4: HashMap<String, String> =
            on_db!(db, pool => sqlx::query_as::<_, (String, String)>(
            "SELECT code, pc4 FROM geo_points WHERE pc4 IS NOT NULL",
        )
        .fetch_all(pool)
        .await)?
            .into_iter()
            .collect();
        let d = rules::compute(&vestigingen(counts), &RegioIndeling::from_rows(regio), &pc4);
        let row = |area: &str, year: i32, t: &Totals| DeelnameRow {
            area: area.to_owned(),
            year: i64::from(year),
            bao: i64::try_from(t.bao).unwrap_or(i64::MAX),
            sbo: i64::try_from(t.sbo).unwrap_or(i64::MAX),
            so: i64::try_from(t.so).unwrap_or(i64::MAX),
            so_vso: i64::try_from(t.so_vso).unwrap_or(i64::MAX),
            suppressed: i64::from(t.suppressed),
        };
        let rows: Vec<DeelnameRow> = d
            .swv
            .iter()
            .map(|((swv, year), t)| row(swv, *year, t))
            .chain(d.country.iter().map(|(year, t)| row(COUNTRY, *year, t)))
            .collect();
        let placed: Vec<(i64, &'static str, i64)> = d
            .placed
            .iter()
            .map(|((year, how), n)| (i64::from(*year), placed_code(*how), i64::from(*n)))
            .collect();
        (rows, placed)
    } else {
        (Vec::new(), Vec::new())
    };
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        sqlx::query("DELETE FROM deelname").execute(&mut *tx).await?;
        sqlx::query("DELETE FROM deelname_placed").execute(&mut *tx).await?;
        for chunk in rows.chunks(500) {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO deelname (area, year, bao, sbo, so, so_vso, suppressed) ",
            );
            q.push_values(chunk, |mut b, r| {
                b.push_bind(&r.area).push_bind(r.year).push_bind(r.bao).push_bind(r.sbo)
                    .push_bind(r.so).push_bind(r.so_vso).push_bind(r.suppressed);
            });
            q.build().execute(&mut *tx).await?;
        }
        for (year, how, n) in &placed {
            sqlx::query("INSERT INTO deelname_placed (year, how, vestigingen) VALUES ($1, $2, $3)")
                .bind(year)
                .bind(how)
                .bind(n)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
    });
    Ok(national)
}

/// The stored counts, one vestiging per code, as the domain reads them.
fn vestigingen(rows: Vec<StoredCount>) -> Vec<PupilCounts> {
    let mut out: Vec<PupilCounts> = Vec::new();
    for (code, year, pupils, suppressed, kind, gemeente) in rows {
        let count = match (suppressed, pupils) {
            (true, _) => Count::FewerThanFive,
            (false, Some(n)) => Count::Exact(u32::try_from(n).unwrap_or(0)),
            (false, None) => continue,
        };
        let Ok(year) = i32::try_from(year) else {
            continue;
        };
        if out.last().is_none_or(|v| v.code != code) {
            out.push(PupilCounts {
                code: code.clone(),
                name: String::new(),
                school_type: kind.as_deref().and_then(SchoolType::from_code),
                gemeente_code: String::new(),
                gemeente_name: gemeente.unwrap_or_default(),
                counts: Vec::new(),
                line: 0,
            });
        }
        if let Some(v) = out.last_mut() {
            v.counts.push((year, count));
        }
    }
    out
}

/// One area's deelname over the years, oldest first.
pub async fn of_area(db: &Db, area: &str) -> StoreResult<Vec<DeelnameRow>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, DeelnameRow>(
        "SELECT area, year, bao, sbo, so, so_vso, suppressed FROM deelname WHERE area = $1 ORDER BY year",
    )
    .bind(area)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// Every samenwerkingsverband's deelname in one year, by code (the country left out).
pub async fn in_year(db: &Db, year: i64) -> StoreResult<Vec<DeelnameRow>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, DeelnameRow>(
        "SELECT area, year, bao, sbo, so, so_vso, suppressed FROM deelname WHERE year = $1 AND area <> 'NL' ORDER BY area",
    )
    .bind(year)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// How the vestigingen with pupils were placed, per year: (year, how, vestigingen).
pub async fn placed(db: &Db) -> StoreResult<Vec<(i64, String, i64)>> {
    let rows = on_db!(db, pool => sqlx::query_as(
        "SELECT year, how, vestigingen FROM deelname_placed ORDER BY year, how",
    )
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}
