//! DUO open data, parsed exactly as DUO publishes it (`shared/data/LAYOUTS.md`):
//!
//! - *Alle schoolvestigingen basisonderwijs* (`02.-alle-schoolvestigingen-basisonderwijs.csv`):
//!   Windows-1252, `;`, CRLF, 31 columns;
//! - *Alle vestigingen sbo, so en vso* (`09.-alle-vestigingen-sbo-so-en-vso.csv`): the same plus
//!   `SOORT PRIMAIR ONDERWIJS`, `CLUSTER` and `ONDERWIJS`;
//! - *Historisch overzicht aantal leerlingen per schoolvestiging* (`06.-…csv`): UTF-8 with BOM,
//!   underscore headers, one `LEERLINGEN_<jaar>` column per year, `<5` for suppressed counts.
//!
//! The kind of file is recognised from its header; the encoding from its bytes. A single space
//! means empty. Bad rows become warnings with their line number and are skipped; a file never
//! makes the parser fail unless its header is unknown.

use std::collections::BTreeSet;

/// The text encoding a file turned out to have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 with a byte order mark (the pupil-count file).
    Utf8Bom,
    /// UTF-8 without a BOM.
    Utf8,
    /// Windows-1252 (the address files).
    Windows1252,
}

/// Decodes DUO bytes: a BOM means UTF-8; valid UTF-8 is UTF-8; anything else is Windows-1252.
pub fn decode(bytes: &[u8]) -> (String, Encoding) {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return (
            String::from_utf8_lossy(rest).into_owned(),
            Encoding::Utf8Bom,
        );
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_owned(), Encoding::Utf8),
        Err(_) => (
            bytes.iter().map(|b| windows_1252(*b)).collect(),
            Encoding::Windows1252,
        ),
    }
}

/// One byte of Windows-1252 as a char. 0x80–0x9F hold the typographic characters; the rest
/// equals Latin-1.
fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

/// The kind of school a vestiging is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SchoolType {
    /// Regulier basisonderwijs.
    Bo,
    /// Speciaal basisonderwijs (DUO: `SBAO` or `SBO`).
    Sbo,
    /// Speciaal onderwijs.
    So,
    /// Voortgezet speciaal onderwijs.
    Vso,
    /// SO and VSO on one vestiging (DUO: `(V)SO` or `SO/VSO`).
    SoVso,
}

impl SchoolType {
    /// Reads DUO's spellings in the address and pupil-count files.
    pub fn from_duo(value: &str) -> Option<SchoolType> {
        match value.trim().to_ascii_uppercase().as_str() {
            "BO" | "BAO" => Some(SchoolType::Bo),
            "SBAO" | "SBO" => Some(SchoolType::Sbo),
            "SO" => Some(SchoolType::So),
            "VSO" => Some(SchoolType::Vso),
            "(V)SO" | "SO/VSO" => Some(SchoolType::SoVso),
            _ => None,
        }
    }

    /// The code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            SchoolType::Bo => "bo",
            SchoolType::Sbo => "sbo",
            SchoolType::So => "so",
            SchoolType::Vso => "vso",
            SchoolType::SoVso => "so-vso",
        }
    }

    /// Reads a stored code.
    pub fn from_code(code: &str) -> Option<SchoolType> {
        [
            SchoolType::Bo,
            SchoolType::Sbo,
            SchoolType::So,
            SchoolType::Vso,
            SchoolType::SoVso,
        ]
        .into_iter()
        .find(|t| t.code() == code)
    }
}

/// A house number as DUO writes it in `HUISNUMMER-TOEVOEGING`: `9`, `9-A`, `36-38`, `27-A 29`, `3-A/B`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseNumber {
    /// The (first) number.
    pub number: u32,
    /// A single house letter (`9-A` → `A`).
    pub letter: Option<char>,
    /// Any other addition, as written (`A/B`, `A 29`).
    pub addition: Option<String>,
    /// The last number of a range (`36-38` → 38).
    pub range_end: Option<u32>,
}

impl HouseNumber {
    /// Parses DUO's house number field; `None` when it has no leading number.
    pub fn parse(raw: &str) -> Option<HouseNumber> {
        let raw = raw.trim();
        let digits: String = raw.chars().take_while(char::is_ascii_digit).collect();
        let number: u32 = digits.parse().ok()?;
        let rest = raw[digits.len()..].trim_start_matches(['-', ' ']).trim();
        let mut hn = HouseNumber {
            number,
            letter: None,
            addition: None,
            range_end: None,
        };
        if rest.is_empty() {
            return Some(hn);
        }
        if let Ok(end) = rest.parse::<u32>() {
            if end > number {
                hn.range_end = Some(end);
            } else {
                hn.addition = Some(rest.to_owned());
            }
            return Some(hn);
        }
        let mut chars = rest.chars();
        match (chars.next(), chars.as_str()) {
            (Some(c), "") if c.is_ascii_alphabetic() => hn.letter = Some(c.to_ascii_uppercase()),
            _ => hn.addition = Some(rest.to_owned()),
        }
        Some(hn)
    }

    /// The number as people write it: `113B`, `36-38`, `27 A 29`.
    pub fn display(&self) -> String {
        let mut s = self.number.to_string();
        if let Some(l) = self.letter {
            s.push(l);
        }
        if let Some(end) = self.range_end {
            s.push('-');
            s.push_str(&end.to_string());
        }
        if let Some(a) = &self.addition {
            s.push(' ');
            s.push_str(a);
        }
        s
    }
}

/// One part of DUO's `ONDERWIJS` field: a level and its categories (`RP-SO LZ/P,ZMOK`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Onderwijs {
    /// `SO`, `VSO`, `RP-SO`, `RP-VSO` or `SBAO`.
    pub level: String,
    /// Old WEC categories: `ZMLK`, `LG`, `MG`, `LZ/S`, `LZ/P`, `ZMOK`, …
    pub categories: Vec<String>,
}

/// Parses `SO LG + VSO LG + RP-SO LZ/P,ZMOK` into its parts.
pub fn parse_onderwijs(value: &str) -> Vec<Onderwijs> {
    value
        .split('+')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|part| {
            let (level, cats) = part.split_once(' ').unwrap_or((part, ""));
            Onderwijs {
                level: level.trim().to_owned(),
                categories: cats
                    .split(',')
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .map(str::to_owned)
                    .collect(),
            }
        })
        .collect()
}

/// Parses `CLUSTER`: `3`, `3/4`, or a space.
pub fn parse_clusters(value: &str) -> BTreeSet<u8> {
    value
        .split('/')
        .filter_map(|c| c.trim().parse::<u8>().ok())
        .filter(|c| (1..=4).contains(c))
        .collect()
}

/// A school location from a DUO address file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vestiging {
    /// The vestigingscode, BRIN + 2 digits (`14QC02`): the key.
    pub code: String,
    /// The BRIN (`INSTELLINGSCODE`).
    pub brin: String,
    /// Name as registered.
    pub name: String,
    /// Kind of school.
    pub school_type: SchoolType,
    /// Bevoegd gezag number.
    pub board: String,
    /// Street (may contain digits: `Randstad 22`).
    pub street: String,
    /// House number.
    pub house_number: Option<HouseNumber>,
    /// The raw house number field.
    pub house_number_raw: String,
    /// Postcode as `1316 BW`.
    pub postcode: String,
    /// Place name as DUO writes it (upper case).
    pub place: String,
    /// Gemeente code, 4 digits (`0034`).
    pub gemeente_code: String,
    /// Gemeente name.
    pub gemeente_name: String,
    /// Denominatie (DUO cuts it at 30 characters).
    pub denominatie: String,
    /// Phone number, digits only.
    pub phone: Option<String>,
    /// Website as given.
    pub website: Option<String>,
    /// Clusters (SO/VSO only).
    pub clusters: BTreeSet<u8>,
    /// The `ONDERWIJS` field, parsed (SBO/SO/VSO only).
    pub onderwijs: Vec<Onderwijs>,
    /// The line in the file (1 = header).
    pub line: usize,
}

/// A suppressed or exact pupil count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    /// The number of pupils.
    Exact(u32),
    /// DUO wrote `<5`: between 1 and 4, not published for privacy.
    FewerThanFive,
}

/// Pupil counts of one vestiging over the years.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PupilCounts {
    /// The vestigingscode.
    pub code: String,
    /// The short legacy name.
    pub name: String,
    /// Kind of school.
    pub school_type: Option<SchoolType>,
    /// Gemeente code, 4 digits.
    pub gemeente_code: String,
    /// (year of teldatum 1 October, count); years with 0 (did not exist) are left out.
    pub counts: Vec<(i32, Count)>,
    /// The line in the file.
    pub line: usize,
}

/// A row that was skipped, or a remark about one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Line in the file (1 = header).
    pub line: usize,
    /// What was wrong, in Dutch.
    pub message: String,
}

/// What a DUO file held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DuoData {
    /// An address file (bo, or sbo/so/vso).
    Vestigingen(Vec<Vestiging>),
    /// The historic pupil-count file.
    Leerlingen(Vec<PupilCounts>),
}

/// Which DUO file it was, from its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// *Alle schoolvestigingen basisonderwijs*.
    BoVestigingen,
    /// *Alle vestigingen sbo, so en vso*.
    SpecialVestigingen,
    /// *Historisch overzicht aantal leerlingen per schoolvestiging*.
    Leerlingen,
}

impl FileKind {
    /// The school types whose locations this file lists completely (for closing vanished ones).
    pub fn scope(self) -> &'static [SchoolType] {
        match self {
            FileKind::BoVestigingen => &[SchoolType::Bo],
            FileKind::SpecialVestigingen => &[
                SchoolType::Sbo,
                SchoolType::So,
                SchoolType::Vso,
                SchoolType::SoVso,
            ],
            FileKind::Leerlingen => &[],
        }
    }

    /// Short name, as stored with the import.
    pub fn code(self) -> &'static str {
        match self {
            FileKind::BoVestigingen => "bo",
            FileKind::SpecialVestigingen => "sbo-so-vso",
            FileKind::Leerlingen => "leerlingen",
        }
    }
}

/// A parsed file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// Which file it was.
    pub kind: FileKind,
    /// The rows kept.
    pub data: DuoData,
    /// Rows skipped or remarked on.
    pub warnings: Vec<Warning>,
    /// The encoding found.
    pub encoding: Encoding,
    /// Data rows read (before the gemeente filter).
    pub rows_read: usize,
    /// Rows left out by the gemeente filter.
    pub rows_filtered: usize,
}

/// Why a file could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DuoError {
    /// The header is not one of DUO's files we know.
    #[error(
        "onbekend bestand: de kopregel past niet bij een DUO-bestand dat Passend kent (verwacht onder meer VESTIGINGSCODE)"
    )]
    UnknownHeader,
    /// The file is empty.
    #[error("het bestand is leeg")]
    Empty,
}

/// Normalises a gemeente code to 4 digits: `34` → `0034`.
pub fn gemeente_code(value: &str) -> String {
    let v = value.trim();
    if !v.is_empty() && v.len() < 4 && v.bytes().all(|b| b.is_ascii_digit()) {
        format!("{v:0>4}")
    } else {
        v.to_owned()
    }
}

/// Normalises a postcode to `1316 BW`; `None` when it is not a Dutch postcode.
pub fn postcode(value: &str) -> Option<String> {
    let compact: String = value
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    let (digits, letters) = compact.split_at_checked(4)?;
    let ok = digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
        && letters.len() == 2
        && letters.bytes().all(|b| b.is_ascii_uppercase());
    ok.then(|| format!("{digits} {letters}"))
}

/// The vestigingscode from the two columns: 6 characters, or BRIN + a 2-digit suffix.
fn vestigingscode(brin: &str, code: &str) -> String {
    let code = code.trim().to_ascii_uppercase();
    if code.len() == 2 && code.bytes().all(|b| b.is_ascii_digit()) {
        format!("{}{code}", brin.trim().to_ascii_uppercase())
    } else {
        code
    }
}

fn valid_code(code: &str) -> bool {
    code.len() == 6
        && code.bytes().take(2).all(|b| b.is_ascii_digit())
        && code
            .bytes()
            .skip(2)
            .take(2)
            .all(|b| b.is_ascii_alphanumeric())
        && code.bytes().skip(4).all(|b| b.is_ascii_digit())
}

/// A single space (or nothing) means empty.
fn field(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// Parses a DUO file. With `gemeente` (e.g. `0034`) only rows whose *location* lies in that
/// gemeente are kept (never filtered on the BRIN: a board can have schools in other gemeenten).
pub fn parse(bytes: &[u8], gemeente: Option<&str>) -> Result<Parsed, DuoError> {
    let (text, encoding) = decode(bytes);
    let gemeente = gemeente.map(gemeente_code);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) if !h.is_empty() && h.iter().any(|c| !c.trim().is_empty()) => {
            h.iter().map(|c| c.trim().to_owned()).collect()
        }
        _ => return Err(DuoError::Empty),
    };
    let col = |name: &str| headers.iter().position(|h| h == name);
    let mut warnings = Vec::new();
    let mut rows_read = 0;
    let mut rows_filtered = 0;

    if let (Some(c_brin), Some(c_code), Some(c_name), Some(c_gem)) = (
        col("INSTELLINGSCODE"),
        col("VESTIGINGSCODE"),
        col("VESTIGINGSNAAM"),
        col("GEMEENTENUMMER"),
    ) {
        let c_type = col("SOORT PRIMAIR ONDERWIJS");
        let get = |r: &csv::StringRecord, c: Option<usize>| field(c.and_then(|c| r.get(c)));
        let mut out = Vec::new();
        for (i, record) in reader.records().enumerate() {
            let line = i + 2;
            rows_read += 1;
            let r = match record {
                Ok(r) => r,
                Err(e) => {
                    warnings.push(Warning {
                        line,
                        message: format!("regel niet te lezen: {e}"),
                    });
                    continue;
                }
            };
            let gem = gemeente_code(&get(&r, Some(c_gem)).unwrap_or_default());
            if gemeente.as_ref().is_some_and(|g| *g != gem) {
                rows_filtered += 1;
                continue;
            }
            let brin = get(&r, Some(c_brin)).unwrap_or_default();
            let code = vestigingscode(&brin, &get(&r, Some(c_code)).unwrap_or_default());
            if !valid_code(&code) {
                warnings.push(Warning {
                    line,
                    message: format!("ongeldige vestigingscode '{code}'; rij overgeslagen"),
                });
                continue;
            }
            let Some(name) = get(&r, Some(c_name)) else {
                warnings.push(Warning {
                    line,
                    message: format!("{code}: geen naam; rij overgeslagen"),
                });
                continue;
            };
            let school_type = match c_type {
                None => SchoolType::Bo,
                Some(c) => {
                    match r.get(c).and_then(SchoolType::from_duo) {
                        Some(t) => t,
                        None => {
                            warnings.push(Warning {
                            line,
                            message: format!("{code}: onbekende SOORT PRIMAIR ONDERWIJS '{}'; rij overgeslagen", r.get(c).unwrap_or_default()),
                        });
                            continue;
                        }
                    }
                }
            };
            let raw_postcode = get(&r, col("POSTCODE")).unwrap_or_default();
            let Some(pc) = postcode(&raw_postcode) else {
                warnings.push(Warning {
                    line,
                    message: format!(
                        "{code}: ongeldige postcode '{raw_postcode}'; rij overgeslagen"
                    ),
                });
                continue;
            };
            let house_number_raw = get(&r, col("HUISNUMMER-TOEVOEGING")).unwrap_or_default();
            let house_number = HouseNumber::parse(&house_number_raw);
            if house_number.is_none() {
                warnings.push(Warning {
                    line,
                    message: format!("{code}: huisnummer '{house_number_raw}' niet te lezen"),
                });
            }
            let onderwijs = get(&r, col("ONDERWIJS"))
                .map(|o| parse_onderwijs(&o))
                .unwrap_or_default();
            out.push(Vestiging {
                brin: brin.to_ascii_uppercase(),
                name,
                school_type,
                board: get(&r, col("BEVOEGD GEZAG NUMMER")).unwrap_or_default(),
                street: get(&r, col("STRAATNAAM")).unwrap_or_default(),
                house_number,
                house_number_raw,
                postcode: pc,
                place: get(&r, col("PLAATSNAAM")).unwrap_or_default(),
                gemeente_code: gem,
                gemeente_name: get(&r, col("GEMEENTENAAM")).unwrap_or_default(),
                denominatie: get(&r, col("DENOMINATIE")).unwrap_or_default(),
                phone: get(&r, col("TELEFOONNUMMER"))
                    .map(|p| p.chars().filter(char::is_ascii_digit).collect()),
                website: get(&r, col("INTERNETADRES")),
                clusters: get(&r, col("CLUSTER"))
                    .map(|c| parse_clusters(&c))
                    .unwrap_or_default(),
                onderwijs,
                line,
                code,
            });
        }
        let kind = if c_type.is_some() {
            FileKind::SpecialVestigingen
        } else {
            FileKind::BoVestigingen
        };
        return Ok(Parsed {
            kind,
            data: DuoData::Vestigingen(out),
            warnings,
            encoding,
            rows_read,
            rows_filtered,
        });
    }

    if let (Some(c_brin), Some(c_code), Some(c_gem)) = (
        col("INSTELLINGSCODE"),
        col("VESTIGINGSCODE"),
        col("GEMEENTECODE_VESTIGING"),
    ) {
        let years: Vec<(usize, i32)> = headers
            .iter()
            .enumerate()
            .filter_map(|(i, h)| {
                h.strip_prefix("LEERLINGEN_")
                    .and_then(|y| y.parse().ok())
                    .map(|y| (i, y))
            })
            .collect();
        let mut out = Vec::new();
        for (i, record) in reader.records().enumerate() {
            let line = i + 2;
            rows_read += 1;
            let r = match record {
                Ok(r) => r,
                Err(e) => {
                    warnings.push(Warning {
                        line,
                        message: format!("regel niet te lezen: {e}"),
                    });
                    continue;
                }
            };
            let gem = gemeente_code(r.get(c_gem).unwrap_or_default());
            if gemeente.as_ref().is_some_and(|g| *g != gem) {
                rows_filtered += 1;
                continue;
            }
            let code = vestigingscode(
                r.get(c_brin).unwrap_or_default(),
                r.get(c_code).unwrap_or_default(),
            );
            if !valid_code(&code) {
                warnings.push(Warning {
                    line,
                    message: format!("ongeldige vestigingscode '{code}'; rij overgeslagen"),
                });
                continue;
            }
            let mut counts = Vec::new();
            for (c, year) in &years {
                let v = r.get(*c).unwrap_or_default().trim();
                match v {
                    "" | "0" => {}
                    "<5" => counts.push((*year, Count::FewerThanFive)),
                    n => match n.parse::<u32>() {
                        Ok(n) => counts.push((*year, Count::Exact(n))),
                        Err(_) => warnings.push(Warning {
                            line,
                            message: format!("{code}: aantal '{n}' in {year} niet te lezen"),
                        }),
                    },
                }
            }
            out.push(PupilCounts {
                name: field(col("NAAM_VESTIGING").and_then(|c| r.get(c))).unwrap_or_default(),
                school_type: col("SOORT_VESTIGING")
                    .and_then(|c| r.get(c))
                    .and_then(SchoolType::from_duo),
                gemeente_code: gem,
                counts,
                line,
                code,
            });
        }
        return Ok(Parsed {
            kind: FileKind::Leerlingen,
            data: DuoData::Leerlingen(out),
            warnings,
            encoding,
            rows_read,
            rows_filtered,
        });
    }
    Err(DuoError::UnknownHeader)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BO_HEADER: &str = "PROVINCIE;BEVOEGD GEZAG NUMMER;INSTELLINGSCODE;VESTIGINGSCODE;VESTIGINGSNAAM;STRAATNAAM;HUISNUMMER-TOEVOEGING;POSTCODE;PLAATSNAAM;GEMEENTENUMMER;GEMEENTENAAM;DENOMINATIE;TELEFOONNUMMER;INTERNETADRES";

    #[test]
    fn decodes_windows_1252_and_bom() {
        let (s, e) = decode(b"Hindoe\xefstisch \x80");
        assert_eq!((s.as_str(), e), ("Hindoeïstisch €", Encoding::Windows1252));
        let (s, e) = decode("\u{feff}Coöperatie".as_bytes());
        assert_eq!((s.as_str(), e), ("Coöperatie", Encoding::Utf8Bom));
        assert_eq!(decode("ë".as_bytes()).1, Encoding::Utf8);
    }

    #[test]
    fn house_numbers() {
        let h = HouseNumber::parse("113-B").unwrap();
        assert_eq!((h.number, h.letter, h.range_end), (113, Some('B'), None));
        let h = HouseNumber::parse("36-38").unwrap();
        assert_eq!((h.number, h.range_end), (36, Some(38)));
        assert_eq!(h.display(), "36-38");
        let h = HouseNumber::parse("27-A 29").unwrap();
        assert_eq!((h.number, h.addition.as_deref()), (27, Some("A 29")));
        let h = HouseNumber::parse("3-A/B").unwrap();
        assert_eq!(h.addition.as_deref(), Some("A/B"));
        let h = HouseNumber::parse("1-2").unwrap();
        assert_eq!(h.range_end, Some(2));
        let h = HouseNumber::parse("5-2").unwrap();
        assert_eq!((h.range_end, h.addition.as_deref()), (None, Some("2")));
        assert_eq!(HouseNumber::parse("9").unwrap().display(), "9");
        assert_eq!(HouseNumber::parse("113-B").unwrap().display(), "113B");
        assert!(HouseNumber::parse(" ").is_none());
        assert!(HouseNumber::parse("A").is_none());
    }

    #[test]
    fn onderwijs_and_clusters() {
        let o = parse_onderwijs("SO LG + VSO LG + RP-SO LZ/P,ZMOK");
        assert_eq!(o.len(), 3);
        assert_eq!(o[2].level, "RP-SO");
        assert_eq!(o[2].categories, vec!["LZ/P", "ZMOK"]);
        assert_eq!(parse_onderwijs("SBAO")[0].categories, Vec::<String>::new());
        assert_eq!(
            parse_clusters("3/4").into_iter().collect::<Vec<_>>(),
            vec![3, 4]
        );
        assert!(parse_clusters(" ").is_empty());
    }

    #[test]
    fn postcodes_and_gemeenten() {
        assert_eq!(postcode("1316BW").as_deref(), Some("1316 BW"));
        assert_eq!(postcode("1316 bw").as_deref(), Some("1316 BW"));
        assert_eq!(postcode("0316 BW"), None);
        assert_eq!(postcode("131 BW"), None);
        assert_eq!(gemeente_code("34"), "0034");
        assert_eq!(gemeente_code("0034"), "0034");
    }

    #[test]
    fn parses_a_bo_file_and_filters_on_the_location() {
        let mut file = format!("{BO_HEADER}\r\n").into_bytes();
        file.extend_from_slice(b"Flevoland;30709;23FD;23FD01;Shri Laksmi School;Regentesseweg;1;1312 AA;ALMERE;0034;ALMERE;Hindoe\xefstisch;0365232514;www.shriganesha.nl\r\n");
        file.extend_from_slice(b"Flevoland;30709;23FD;23FD02;Lelystad;Schouw 19;2-A;8232 AA;LELYSTAD;0995;LELYSTAD;Openbaar; ; \r\n");
        file.extend_from_slice(
            b"Flevoland;1;XX;bad;Kapot;Straat;1;1312 AA;ALMERE;0034;ALMERE;Openbaar; ; \r\n",
        );
        file.extend_from_slice(b"Flevoland;1;14QC;14QC02;\"Basisschool \"\"De Maasparel\"\"\";Randstad 22;113-B;1316BW;ALMERE;0034;ALMERE;Openbaar; ; \r\n");
        let p = parse(&file, Some("34")).unwrap();
        assert_eq!(p.encoding, Encoding::Windows1252);
        assert_eq!(p.rows_read, 4);
        assert_eq!(
            p.rows_filtered, 1,
            "the Lelystad row of the same BRIN stays out"
        );
        let DuoData::Vestigingen(v) = p.data else {
            panic!()
        };
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].denominatie, "Hindoeïstisch");
        assert_eq!(v[0].school_type, SchoolType::Bo);
        assert_eq!(v[1].name, "Basisschool \"De Maasparel\"");
        assert_eq!(v[1].street, "Randstad 22");
        assert_eq!(v[1].postcode, "1316 BW");
        assert_eq!(v[1].phone, None);
        assert_eq!(v[1].website, None);
        assert_eq!(p.warnings.len(), 1);
        assert_eq!(p.warnings[0].line, 4);
    }

    #[test]
    fn parses_pupil_counts_with_suppression() {
        let file = "\u{feff}INSTELLINGSCODE;VESTIGINGSCODE;NAAM_VESTIGING;SOORT_VESTIGING;DENOMINATIE_VESTIGING;BEVOEGD_GEZAG_NUMMER;GEMEENTECODE_VESTIGING;GEMEENTENAAM_VESTIGING;LEERLINGEN_2023;LEERLINGEN_2024;LEERLINGEN_2025\r\n32CJ;00;BS X;BO;Openbaar;1;34;ALMERE;<5;0;12\r\n32CJ;01;BS Y;SO/VSO;Openbaar;1;995;LELYSTAD;1;2;3\r\n";
        let p = parse(file.as_bytes(), Some("0034")).unwrap();
        assert_eq!(p.encoding, Encoding::Utf8Bom);
        let DuoData::Leerlingen(rows) = p.data else {
            panic!()
        };
        assert_eq!(rows.len(), 1);
        assert_eq!(
            rows[0].code, "32CJ00",
            "2-digit codes are joined to the BRIN"
        );
        assert_eq!(
            rows[0].counts,
            vec![(2023, Count::FewerThanFive), (2025, Count::Exact(12))]
        );
        assert_eq!(rows[0].school_type, Some(SchoolType::Bo));
    }

    #[test]
    fn unknown_files_are_refused() {
        assert_eq!(
            parse(b"a;b;c\r\n1;2;3\r\n", None),
            Err(DuoError::UnknownHeader)
        );
        assert_eq!(parse(b"", None), Err(DuoError::Empty));
    }
}
