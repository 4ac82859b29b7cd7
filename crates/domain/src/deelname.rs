//! Deelnamepercentages: the share of pupils in speciaal basisonderwijs and speciaal onderwijs,
//! per samenwerkingsverband and for the country, from DUO's pupils per vestiging on 1 October
//! (file 06). As Vensters and DUO define them: SBO = sbo / (bao + sbo), SO = so / (bao + sbo).
//!
//! DUO's file has no samenwerkingsverband and no postcode. A vestiging is placed through the
//! official regio-indeling (PC4 → PO samenwerkingsverband, Regeling BWBR0032324): by the postcode
//! of its address where the EduGIS school file knows it, otherwise by its gemeente when the whole
//! gemeente lies in one samenwerkingsverband; else it counts for the country only.
//!
//! This is an approximation, and the pages say so. DUO counts an SO pupil for the
//! samenwerkingsverband that issued the TLV, not for the school's location. Combined so/vso
//! vestigingen report their so and vso pupils as one number, so their pupils are kept apart
//! (`so_vso`) and are not in the SO percentage. DUO's `<5` counts as 0; the number of such
//! cells is kept.

use crate::duo::{Count, PupilCounts, SchoolType};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The regio-indeling: which PO samenwerkingsverband each PC4 belongs to.
#[derive(Debug, Clone, Default)]
pub struct RegioIndeling {
    pc4: HashMap<String, String>,
    gemeente: HashMap<String, BTreeSet<String>>,
    /// Lines of PC4s that belong to no samenwerkingsverband (the Europoort harbour area has a
    /// place name there), left out.
    pub skipped: Vec<usize>,
    rows: Vec<(String, String, String)>,
}

/// Why a regio-indeling file cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegioError {
    #[error("de kopregel mist kolom '{0}' (verwacht: PC4;gemeente;PO SWV;VO SWV)")]
    MissingColumn(&'static str),
    #[error("regel {line}: '{value}' is geen postcodegebied of samenwerkingsverband")]
    BadRow { line: usize, value: String },
    #[error("het bestand heeft geen regels")]
    Empty,
    #[error(
        "{skipped} van de {rows} regels noemen geen samenwerkingsverband (zoals PO2401): dit lijkt niet de regio-indeling"
    )]
    Unlike { skipped: usize, rows: usize },
}

/// A gemeente name as both files write it, folded: upper case, letters and digits only
/// ("'s-Gravenhage" and "S GRAVENHAGE" are the same).
pub fn fold_gemeente(name: &str) -> String {
    crate::text::fold(name)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_uppercase()
}

/// A PO samenwerkingsverband code: `PO` and four digits.
pub fn valid_swv_code(code: &str) -> bool {
    code.len() == 6 && code.starts_with("PO") && code[2..].bytes().all(|b| b.is_ascii_digit())
}

impl RegioIndeling {
    /// Reads the table (`;`, header `PC4;gemeente;PO SWV;VO SWV`, UTF-8 with or without BOM).
    pub fn parse(text: &str) -> Result<RegioIndeling, RegioError> {
        let mut lines = text.trim_start_matches('\u{feff}').lines();
        let header: Vec<&str> = lines
            .next()
            .ok_or(RegioError::Empty)?
            .split(';')
            .map(str::trim)
            .collect();
        let col = |name: &'static str| {
            header
                .iter()
                .position(|h| h.eq_ignore_ascii_case(name))
                .ok_or(RegioError::MissingColumn(name))
        };
        let (c_pc4, c_gem, c_swv) = (col("PC4")?, col("gemeente")?, col("PO SWV")?);
        let mut out = RegioIndeling::default();
        for (i, line) in lines.enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let fields: Vec<&str> = line.split(';').map(str::trim).collect();
            let get = |c: usize| fields.get(c).copied().unwrap_or_default();
            let (pc4, swv) = (get(c_pc4), get(c_swv));
            if pc4.len() != 4 || !pc4.bytes().all(|b| b.is_ascii_digit()) {
                return Err(RegioError::BadRow {
                    line: i + 2,
                    value: line.to_owned(),
                });
            }
            if !valid_swv_code(swv) {
                out.skipped.push(i + 2);
                continue;
            }
            out.pc4.insert(pc4.to_owned(), swv.to_owned());
            out.gemeente
                .entry(fold_gemeente(get(c_gem)))
                .or_default()
                .insert(swv.to_owned());
            out.rows
                .push((pc4.to_owned(), get(c_gem).to_owned(), swv.to_owned()));
        }
        let rows = out.pc4.len() + out.skipped.len();
        if rows == 0 {
            return Err(RegioError::Empty);
        }
        // A handful of PC4s without a samenwerkingsverband is the real table; more than one in
        // twenty is another file, or a broken one.
        if out.skipped.len() * 20 > rows {
            return Err(RegioError::Unlike {
                skipped: out.skipped.len(),
                rows,
            });
        }
        Ok(out)
    }

    /// The table from stored rows (PC4, gemeente, PO samenwerkingsverband).
    pub fn from_rows(rows: impl IntoIterator<Item = (String, String, String)>) -> RegioIndeling {
        let mut out = RegioIndeling::default();
        for (pc4, gemeente, swv) in rows {
            out.gemeente
                .entry(fold_gemeente(&gemeente))
                .or_default()
                .insert(swv.clone());
            out.pc4.insert(pc4, swv);
        }
        out
    }

    /// Every row: (PC4, gemeente as written, samenwerkingsverband), for storing. The gemeente is
    /// kept as the file wrote it.
    pub fn rows(&self) -> &[(String, String, String)] {
        &self.rows
    }

    /// The samenwerkingsverband of a PC4.
    pub fn of_pc4(&self, pc4: &str) -> Option<&str> {
        self.pc4.get(pc4).map(String::as_str)
    }

    /// The samenwerkingsverband of a gemeente, when all of it lies in one.
    pub fn of_gemeente(&self, name: &str) -> Option<&str> {
        match self.gemeente.get(&fold_gemeente(name)) {
            Some(set) if set.len() == 1 => set.iter().next().map(String::as_str),
            _ => None,
        }
    }

    /// Every samenwerkingsverband in the table.
    pub fn swvs(&self) -> BTreeSet<&str> {
        self.pc4.values().map(String::as_str).collect()
    }
}

/// Vestigingscode → PC4 of its address, from the EduGIS school file as [`crate::geo::parse`]
/// reads it (the first row of a code that repeats). Rows without a postcode are left out.
pub fn pc4_by_vestiging(locations: &[crate::geo::GeocodedLocation]) -> HashMap<String, String> {
    locations
        .iter()
        .filter_map(|l| Some((l.code.clone(), l.pc4.clone()?)))
        .collect()
}

/// Pupils on 1 October of one year in one area.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    /// Basisonderwijs.
    pub bao: u64,
    /// Speciaal basisonderwijs.
    pub sbo: u64,
    /// Speciaal onderwijs (so-only vestigingen).
    pub so: u64,
    /// Combined so/vso vestigingen (so and vso pupils together).
    pub so_vso: u64,
    /// Counts DUO suppressed (`<5`), counted as 0.
    pub suppressed: u32,
}

impl Totals {
    fn add(&mut self, kind: SchoolType, count: Count) {
        let n = match count {
            Count::Exact(n) => u64::from(n),
            Count::FewerThanFive => {
                self.suppressed += 1;
                0
            }
        };
        match kind {
            SchoolType::Bo => self.bao += n,
            SchoolType::Sbo => self.sbo += n,
            SchoolType::So => self.so += n,
            SchoolType::SoVso => self.so_vso += n,
            SchoolType::Vso => {}
        }
    }

    /// SBO deelnamepercentage: sbo / (bao + sbo), in percent.
    pub fn sbo_percentage(&self) -> Option<f64> {
        self.share(self.sbo)
    }

    /// SO deelnamepercentage (so-only vestigingen): so / (bao + sbo), in percent.
    pub fn so_percentage(&self) -> Option<f64> {
        self.share(self.so)
    }

    fn share(&self, part: u64) -> Option<f64> {
        let base = self.bao + self.sbo;
        // Counts of pupils, far below 2^52: exact as floating point.
        (base > 0).then(|| part as f64 * 100.0 / base as f64)
    }
}

/// How a vestiging was placed in a samenwerkingsverband.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Placed {
    /// By the postcode of its address.
    Postcode,
    /// By its gemeente, which lies in one samenwerkingsverband.
    Gemeente,
    /// Not placed: it counts for the country only.
    Nowhere,
}

/// The deelname of every samenwerkingsverband and of the country, per year.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Deelname {
    /// (samenwerkingsverband, year) → totals.
    pub swv: BTreeMap<(String, i32), Totals>,
    /// Year → totals of the whole country (placed or not).
    pub country: BTreeMap<i32, Totals>,
    /// (year, how) → vestigingen with pupils that year, by how they were placed.
    pub placed: BTreeMap<(i32, Placed), u32>,
}

impl Deelname {
    /// The totals of one samenwerkingsverband in one year (zero when it had none).
    pub fn of(&self, swv: &str, year: i32) -> Totals {
        self.swv
            .get(&(swv.to_owned(), year))
            .copied()
            .unwrap_or_default()
    }

    /// The years with counts, oldest first.
    pub fn years(&self) -> Vec<i32> {
        self.country.keys().copied().collect()
    }
}

/// Places every vestiging and adds up its pupils per samenwerkingsverband and year.
pub fn compute(
    counts: &[PupilCounts],
    regio: &RegioIndeling,
    pc4_of: &HashMap<String, String>,
) -> Deelname {
    let mut out = Deelname::default();
    for v in counts {
        let Some(kind) = v.school_type else {
            continue;
        };
        let (swv, how) = match pc4_of.get(&v.code).and_then(|pc4| regio.of_pc4(pc4)) {
            Some(swv) => (Some(swv), Placed::Postcode),
            None => match regio.of_gemeente(&v.gemeente_name) {
                Some(swv) => (Some(swv), Placed::Gemeente),
                None => (None, Placed::Nowhere),
            },
        };
        for (year, count) in &v.counts {
            out.country.entry(*year).or_default().add(kind, *count);
            *out.placed.entry((*year, how)).or_default() += 1;
            if let Some(swv) = swv {
                out.swv
                    .entry((swv.to_owned(), *year))
                    .or_default()
                    .add(kind, *count);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(code: &str, kind: SchoolType, gemeente: &str, n: &[(i32, Count)]) -> PupilCounts {
        PupilCounts {
            code: code.to_owned(),
            name: String::new(),
            school_type: Some(kind),
            gemeente_code: String::new(),
            gemeente_name: gemeente.to_owned(),
            counts: n.to_vec(),
            line: 0,
        }
    }

    #[test]
    fn vestigingen_are_placed_by_postcode_then_by_a_whole_gemeente() {
        let regio = RegioIndeling::parse(
            "\u{feff}PC4;gemeente;PO SWV;VO SWV\n1311;Almere;PO2401;VO2401\n1312;Almere;PO2401;VO2401\n2511;'s-Gravenhage;PO2801;VO2801\n9999;Gedeeld;PO0001;VO0001\n9998;Gedeeld;PO0002;VO0002\n",
        )
        .unwrap();
        assert_eq!(regio.of_gemeente("S GRAVENHAGE"), Some("PO2801"));
        assert_eq!(regio.of_gemeente("GEDEELD"), None, "split over two");
        let pc4 = HashMap::from([("11AA00".to_owned(), "1312".to_owned())]);
        let e = |n| Count::Exact(n);
        let rows = [
            counts("11AA00", SchoolType::Bo, "ALMERE", &[(2025, e(200))]),
            counts("22BB00", SchoolType::Sbo, "ALMERE", &[(2025, e(10))]),
            counts("33CC00", SchoolType::So, "GEDEELD", &[(2025, e(7))]),
            counts("44DD00", SchoolType::SoVso, "ALMERE", &[(2025, e(30))]),
            counts("55EE00", SchoolType::Vso, "ALMERE", &[(2025, e(40))]),
            counts(
                "66FF00",
                SchoolType::So,
                "ALMERE",
                &[(2025, Count::FewerThanFive)],
            ),
        ];
        let d = compute(&rows, &regio, &pc4);
        let almere = d.of("PO2401", 2025);
        assert_eq!(
            almere,
            Totals {
                bao: 200,
                sbo: 10,
                so: 0,
                so_vso: 30,
                suppressed: 1
            }
        );
        // 10 / 210 = 4.76 %; the so school of the split gemeente counts for the country only.
        assert!((almere.sbo_percentage().unwrap() - 4.761_904).abs() < 1e-5);
        assert_eq!(almere.so_percentage(), Some(0.0));
        assert_eq!(d.country[&2025].so, 7);
        assert_eq!(d.placed[&(2025, Placed::Postcode)], 1);
        assert_eq!(d.placed[&(2025, Placed::Gemeente)], 4);
        assert_eq!(d.placed[&(2025, Placed::Nowhere)], 1);
        assert_eq!(Totals::default().sbo_percentage(), None);
    }

    #[test]
    fn a_broken_regio_indeling_is_refused_with_its_line() {
        assert_eq!(
            RegioIndeling::parse("PC4;gemeente\n1311;Almere\n").unwrap_err(),
            RegioError::MissingColumn("PO SWV")
        );
        let bad = RegioIndeling::parse(
            "PC4;gemeente;PO SWV;VO SWV\n1311;Almere;PO2401;VO2401\n13;Almere;2401;\n",
        );
        assert!(
            matches!(bad, Err(RegioError::BadRow { line: 3, .. })),
            "{bad:?}"
        );
        // A PC4 without a samenwerkingsverband is left out; a file of such rows is refused.
        let harbour = RegioIndeling::parse(
            "PC4;gemeente;PO SWV;VO SWV\n1311;Almere;PO2401;VO2401\n3197;Rotterdam;Europoort;Europoort\n",
        );
        assert!(
            matches!(
                harbour,
                Err(RegioError::Unlike {
                    skipped: 1,
                    rows: 2
                })
            ),
            "{harbour:?}"
        );
        let mut text =
            String::from("PC4;gemeente;PO SWV;VO SWV\n3197;Rotterdam;Europoort;Europoort\n");
        for pc4 in 1000..1030 {
            text.push_str(&format!("{pc4};Amsterdam;PO2707;VO2708\n"));
        }
        let regio = RegioIndeling::parse(&text).unwrap();
        assert_eq!(regio.skipped, [2]);
        assert_eq!(regio.of_pc4("3197"), None);
        // Stored and read back, it places the same.
        let again = RegioIndeling::from_rows(regio.rows().to_vec());
        assert_eq!(again.of_pc4("1010"), Some("PO2707"));
        assert_eq!(again.of_gemeente("AMSTERDAM"), Some("PO2707"));
        assert_eq!(
            RegioIndeling::parse("PC4;gemeente;PO SWV;VO SWV\n").unwrap_err(),
            RegioError::Empty
        );
    }

    /// The national files shipped in `seed/national/`, against a count by hand: an independent
    /// script summed the same rows (Python's csv module, the same placement rules).
    #[test]
    fn the_national_files_give_the_hand_counted_figures() {
        let parsed = crate::duo::parse(
            include_bytes!("../../../seed/national/06.-historisch-overzicht-aantal-leerlingen-per-schoolvestiging.csv"),
            None,
        )
        .unwrap();
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        let crate::duo::DuoData::Leerlingen(rows) = parsed.data else {
            panic!("not the pupil-count file");
        };
        let regio = RegioIndeling::parse(include_str!(
            "../../../seed/national/regio_indeling_swv_pc4_BWBR0032324_2015-04-23.csv"
        ))
        .unwrap();
        let Some((crate::geo::GeoData::Locations(points), _, _)) = crate::geo::parse(
            include_bytes!("../../../seed/national/edugis_scholen_20241122_nl.csv"),
        ) else {
            panic!("not the EduGIS file");
        };
        let pc4 = pc4_by_vestiging(&points);
        let d = compute(&rows, &regio, &pc4);
        let t = |bao, sbo, so, so_vso| (bao, sbo, so, so_vso);
        let of = |x: Totals| (x.bao, x.sbo, x.so, x.so_vso);
        assert_eq!(
            of(d.of("PO2401", 2025)),
            t(20_724, 576, 286, 461),
            "Almere 2025"
        );
        assert_eq!(
            of(d.of("PO2401", 2024)),
            t(20_436, 527, 285, 446),
            "Almere 2024"
        );
        assert_eq!(
            of(d.of("PO2707", 2025)),
            t(59_656, 1_236, 1_395, 1_121),
            "Amsterdam-Diemen"
        );
        assert_eq!(of(d.of("PO2801", 2025)), t(18_964, 239, 282, 760), "PO2801");
        assert_eq!(
            of(d.country[&2025]),
            t(1_356_911, 31_612, 15_291, 44_620),
            "the country"
        );
        let pct = |x: Option<f64>| format!("{:.2}", x.unwrap());
        assert_eq!(pct(d.of("PO2401", 2025).sbo_percentage()), "2.70");
        assert_eq!(pct(d.of("PO2401", 2025).so_percentage()), "1.34");
        assert_eq!(pct(d.country[&2025].sbo_percentage()), "2.28");
        assert_eq!(pct(d.country[&2025].so_percentage()), "1.10");
        // Most vestigingen are placed by their postcode; the rest are counted and shown.
        assert_eq!(d.placed[&(2025, Placed::Postcode)], 6_881);
        assert_eq!(d.placed[&(2025, Placed::Gemeente)], 61);
        assert_eq!(d.placed[&(2025, Placed::Nowhere)], 12);
    }
}
