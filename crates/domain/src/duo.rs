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
/// What does not fit is left to [`decode_checked`].
pub fn decode(bytes: &[u8]) -> (String, Encoding) {
    let (text, encoding, _) = decode_checked(bytes);
    (text, encoding)
}

/// The bytes Windows-1252 leaves without a character.
const UNDEFINED_1252: [u8; 5] = [0x81, 0x8D, 0x8F, 0x90, 0x9D];

/// Decodes DUO bytes with one encoding for the whole file, and lists (by line) what does not fit
/// it: a file with a BOM is UTF-8 and every line must be; a file without one is UTF-8 when it all
/// is, else the encoding of most of its lines with other characters than ASCII, and the lines in
/// the other encoding are errors (a mixed file); in Windows-1252 the five bytes that have no
/// character are errors.
pub fn decode_checked(bytes: &[u8]) -> (String, Encoding, Vec<Warning>) {
    let (body, bom) = match bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        Some(rest) => (rest, true),
        None => (bytes, false),
    };
    if let Ok(s) = std::str::from_utf8(body) {
        let encoding = if bom {
            Encoding::Utf8Bom
        } else {
            Encoding::Utf8
        };
        return (s.to_owned(), encoding, Vec::new());
    }
    let (mut utf8_lines, mut other_lines) = (Vec::new(), Vec::new());
    for (i, line) in body.split(|b| *b == b'\n').enumerate() {
        if line.is_ascii() {
            continue;
        }
        if std::str::from_utf8(line).is_ok() {
            utf8_lines.push(i + 1);
        } else {
            other_lines.push(i + 1);
        }
    }
    let error = |line: usize, message: &str| Warning {
        line,
        message: message.to_owned(),
    };
    if bom || utf8_lines.len() >= other_lines.len() {
        let message = if bom {
            "tekens die geen UTF-8 zijn, in een bestand dat met het UTF-8-kenmerk (BOM) begint"
        } else {
            "tekens die geen UTF-8 zijn, terwijl de andere regels UTF-8 zijn (gemengde tekencodering)"
        };
        let errors = other_lines.into_iter().map(|l| error(l, message)).collect();
        let encoding = if bom {
            Encoding::Utf8Bom
        } else {
            Encoding::Utf8
        };
        return (String::from_utf8_lossy(body).into_owned(), encoding, errors);
    }
    let mut errors: Vec<Warning> = utf8_lines
        .into_iter()
        .map(|l| {
            error(
                l,
                "tekens in UTF-8, terwijl de andere regels Windows-1252 zijn (gemengde tekencodering)",
            )
        })
        .collect();
    for (i, line) in body.split(|b| *b == b'\n').enumerate() {
        if let Some(b) = line.iter().find(|b| UNDEFINED_1252.contains(b)) {
            errors.push(error(
                i + 1,
                &format!(
                    "byte 0x{b:02X} heeft in Windows-1252 geen teken: het bestand is beschadigd"
                ),
            ));
        }
    }
    errors.sort_by_key(|e| e.line);
    (
        body.iter().map(|b| windows_1252(*b)).collect(),
        Encoding::Windows1252,
        errors,
    )
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
    /// Website as given, without trailing dots.
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
    /// Gemeente name as DUO writes it (upper case), "" when the file has none.
    pub gemeente_name: String,
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
    /// What makes the file unfit to apply, with line numbers: rows with another number of fields
    /// than the header (a file cut off), bytes that fit no encoding, a vestigingscode twice.
    pub errors: Vec<Warning>,
    /// Valid vestigingscodes of rows that were skipped (a bad postcode, no name): these locations
    /// are still in DUO's file and must not be closed.
    pub skipped_codes: Vec<String>,
    /// The gemeente code the filter found (it may have been given by name).
    pub gemeente_code: Option<String>,
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
    /// No row lies in the gemeente asked for.
    #[error(
        "gemeente '{0}' komt niet voor in dit bestand: geef de gemeentecode (bijvoorbeeld 0034) of de naam zoals DUO die schrijft (bijvoorbeeld Almere)"
    )]
    UnknownGemeente(String),
}

/// The rows a gemeente filter keeps: by code (`34`, `0034`) or by name (`Almere`,
/// `'s-Gravenhage`: compared on letters and digits only, as DUO strips punctuation).
enum GemeenteFilter {
    Code(String),
    Name(String),
}

fn name_key(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}

impl GemeenteFilter {
    fn of(given: &str) -> GemeenteFilter {
        let g = given.trim();
        if !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit()) {
            GemeenteFilter::Code(gemeente_code(g))
        } else {
            GemeenteFilter::Name(name_key(g))
        }
    }

    fn keeps(&self, code: &str, name: &str) -> bool {
        match self {
            GemeenteFilter::Code(c) => c == code,
            GemeenteFilter::Name(n) => *n == name_key(name),
        }
    }
}

/// What reading the rows of a file found, besides the rows themselves.
#[derive(Default)]
struct Scan {
    warnings: Vec<Warning>,
    errors: Vec<Warning>,
    rows_read: usize,
    rows_filtered: usize,
    rows_matched: usize,
    first_line: std::collections::HashMap<String, usize>,
    skipped_codes: Vec<String>,
    gemeente_code: Option<String>,
    /// Byte offsets of the line breaks in the decoded text.
    breaks: Vec<usize>,
    /// The last line, when the file stops in the middle of it.
    cut_at: Option<usize>,
}

impl Scan {
    /// A record and its line, or `None` when it could not be read (an error: a file cut off
    /// mid-row has a last row with fewer fields than the header).
    fn record(
        &mut self,
        i: usize,
        record: Result<csv::StringRecord, csv::Error>,
    ) -> Option<(usize, csv::StringRecord)> {
        self.rows_read += 1;
        let fallback = i + 2;
        let breaks = &self.breaks;
        match record {
            Ok(r) => {
                let line = r.position().map_or(fallback, |p| line_at(breaks, p.byte()));
                Some((line, r))
            }
            Err(e) => {
                let line = e.position().map_or(fallback, |p| line_at(breaks, p.byte()));
                let message = match e.kind() {
                    csv::ErrorKind::UnequalLengths {
                        expected_len, len, ..
                    } => format!(
                        "{len} velden, terwijl de kopregel er {expected_len} heeft: de regel is afgebroken of kapot"
                    ),
                    _ => format!("regel niet te lezen: {e}"),
                };
                self.errors.push(Warning { line, message });
                None
            }
        }
    }

    /// Whether a row of gemeente (code, name) passes the filter; the code of the first one that
    /// does is remembered.
    fn in_gemeente(&mut self, filter: Option<&GemeenteFilter>, code: &str, name: &str) -> bool {
        if filter.is_some_and(|f| !f.keeps(code, name)) {
            self.rows_filtered += 1;
            return false;
        }
        self.rows_matched += 1;
        if filter.is_some() && self.gemeente_code.is_none() {
            self.gemeente_code = Some(code.to_owned());
        }
        true
    }

    /// Whether `code` appears here for the first time; a second row with it is an error.
    fn first(&mut self, code: &str, line: usize) -> bool {
        if let Some(first) = self.first_line.get(code) {
            self.errors.push(Warning {
                line,
                message: format!("vestigingscode {code} staat ook op regel {first}"),
            });
            return false;
        }
        self.first_line.insert(code.to_owned(), line);
        true
    }

    /// A row left out, with why.
    fn skip(&mut self, line: usize, code: Option<&str>, message: String) {
        if let Some(code) = code {
            self.skipped_codes.push(code.to_owned());
        }
        self.warnings.push(Warning { line, message });
    }

    fn parsed(
        mut self,
        kind: FileKind,
        data: DuoData,
        encoding: Encoding,
        given: Option<&str>,
    ) -> Result<Parsed, DuoError> {
        if let Some(g) = given
            && self.rows_matched == 0
            && self.rows_filtered > 0
        {
            return Err(DuoError::UnknownGemeente(g.trim().to_owned()));
        }
        if let Some(line) = self.cut_at {
            self.errors.push(Warning {
                line,
                message:
                    "het bestand houdt midden in een regel op: het is waarschijnlijk afgebroken"
                        .to_owned(),
            });
        }
        self.errors.sort_by_key(|e| e.line);
        Ok(Parsed {
            kind,
            data,
            warnings: self.warnings,
            encoding,
            rows_read: self.rows_read,
            rows_filtered: self.rows_filtered,
            errors: self.errors,
            skipped_codes: self.skipped_codes,
            gemeente_code: self.gemeente_code,
        })
    }
}

/// The line (1 = the header) a record starting at a byte offset of the decoded text is on, from
/// the offsets of its line breaks. On CRLF files the reader places a record's start on the `\n`
/// that ends the line before it, so a break at the offset itself counts (the reader's own line
/// count lags behind there).
fn line_at(breaks: &[usize], byte: u64) -> usize {
    let byte = usize::try_from(byte).unwrap_or(usize::MAX);
    breaks.partition_point(|&b| b <= byte) + 1
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

/// Parses a DUO file. With `gemeente` (a code such as `0034`, or a name such as `Almere`) only
/// rows whose *location* lies in that gemeente are kept (never filtered on the BRIN: a board can
/// have schools in other gemeenten); a gemeente that no row has is refused. What makes the file
/// unfit to apply is in [`Parsed::errors`]; rows that are only skipped are warnings.
pub fn parse(bytes: &[u8], gemeente: Option<&str>) -> Result<Parsed, DuoError> {
    let (text, encoding, decode_errors) = decode_checked(bytes);
    let filter = gemeente.map(GemeenteFilter::of);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .flexible(false)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) if !h.is_empty() && h.iter().any(|c| !c.trim().is_empty()) => {
            h.iter().map(|c| c.trim().to_owned()).collect()
        }
        _ => return Err(DuoError::Empty),
    };
    let col = |name: &str| headers.iter().position(|h| h == name);
    let mut scan = Scan {
        errors: decode_errors,
        breaks: text
            .bytes()
            .enumerate()
            .filter(|(_, b)| *b == b'\n')
            .map(|(i, _)| i)
            .collect(),
        ..Scan::default()
    };
    // DUO's files end with a line break: a file that stops in the middle of a line was cut off,
    // even when its last row happens to have all its fields.
    if !text.is_empty() && !text.ends_with('\n') {
        scan.cut_at = Some(scan.breaks.len() + 1);
    }

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
            let Some((line, r)) = scan.record(i, record) else {
                continue;
            };
            let gem = gemeente_code(&get(&r, Some(c_gem)).unwrap_or_default());
            let gem_name = get(&r, col("GEMEENTENAAM")).unwrap_or_default();
            if !scan.in_gemeente(filter.as_ref(), &gem, &gem_name) {
                continue;
            }
            let brin = get(&r, Some(c_brin)).unwrap_or_default();
            let code = vestigingscode(&brin, &get(&r, Some(c_code)).unwrap_or_default());
            if !valid_code(&code) {
                let message = format!("ongeldige vestigingscode '{code}'; rij overgeslagen");
                scan.skip(line, None, message);
                continue;
            }
            if !scan.first(&code, line) {
                continue;
            }
            let Some(name) = get(&r, Some(c_name)) else {
                scan.skip(
                    line,
                    Some(&code),
                    format!("{code}: geen naam; rij overgeslagen"),
                );
                continue;
            };
            let school_type = match c_type {
                None => SchoolType::Bo,
                Some(c) => match r.get(c).and_then(SchoolType::from_duo) {
                    Some(t) => t,
                    None => {
                        let raw = r.get(c).unwrap_or_default();
                        let message = format!(
                            "{code}: onbekende SOORT PRIMAIR ONDERWIJS '{raw}'; rij overgeslagen"
                        );
                        scan.skip(line, Some(&code), message);
                        continue;
                    }
                },
            };
            let raw_postcode = get(&r, col("POSTCODE")).unwrap_or_default();
            let Some(pc) = postcode(&raw_postcode) else {
                let message =
                    format!("{code}: ongeldige postcode '{raw_postcode}'; rij overgeslagen");
                scan.skip(line, Some(&code), message);
                continue;
            };
            let house_number_raw = get(&r, col("HUISNUMMER-TOEVOEGING")).unwrap_or_default();
            let house_number = HouseNumber::parse(&house_number_raw);
            if house_number.is_none() {
                scan.warnings.push(Warning {
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
                gemeente_name: gem_name,
                denominatie: get(&r, col("DENOMINATIE")).unwrap_or_default(),
                phone: get(&r, col("TELEFOONNUMMER"))
                    .map(|p| p.chars().filter(char::is_ascii_digit).collect()),
                website: get(&r, col("INTERNETADRES")).and_then(|w| website(&w)),
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
        return scan.parsed(kind, DuoData::Vestigingen(out), encoding, gemeente);
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
        let c_gem_name = col("GEMEENTENAAM_VESTIGING");
        let mut out = Vec::new();
        for (i, record) in reader.records().enumerate() {
            let Some((line, r)) = scan.record(i, record) else {
                continue;
            };
            let gem = gemeente_code(r.get(c_gem).unwrap_or_default());
            let gem_name = c_gem_name.and_then(|c| r.get(c)).unwrap_or_default();
            if !scan.in_gemeente(filter.as_ref(), &gem, gem_name) {
                continue;
            }
            let code = vestigingscode(
                r.get(c_brin).unwrap_or_default(),
                r.get(c_code).unwrap_or_default(),
            );
            if !valid_code(&code) {
                let message = format!("ongeldige vestigingscode '{code}'; rij overgeslagen");
                scan.skip(line, None, message);
                continue;
            }
            if !scan.first(&code, line) {
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
                        Err(_) => scan.warnings.push(Warning {
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
                gemeente_name: gem_name.trim().to_owned(),
                counts,
                line,
                code,
            });
        }
        return scan.parsed(
            FileKind::Leerlingen,
            DuoData::Leerlingen(out),
            encoding,
            gemeente,
        );
    }
    Err(DuoError::UnknownHeader)
}

/// Words in a place name that stay lower case after its first word (`Capelle aan den IJssel`,
/// `Bergen op Zoom`, `Alteveer gem Noordenveld`).
const PLACE_PARTICLES: &[&str] = &[
    "aan", "a/d", "bij", "de", "den", "der", "en", "gem", "het", "in", "onder", "op", "over",
    "ten", "ter", "van", "voor",
];

/// A place name as DUO writes it (upper case, BAG style) the way Dutch writes it: each word and
/// each part of a hyphenated word capitalised, `IJ` as one letter (`IJmuiden`), the particles
/// after the first word in lower case, and `'s-` kept small (`'s-Gravenhage`).
pub fn place_name(upper: &str) -> String {
    fn part(p: &str) -> String {
        let lower = p.to_lowercase();
        if let Some(rest) = lower.strip_prefix("ij") {
            return format!("IJ{rest}");
        }
        let mut c = lower.chars();
        match c.next() {
            Some(f) => f.to_uppercase().chain(c).collect(),
            None => String::new(),
        }
    }
    upper
        .split(' ')
        .filter(|w| !w.is_empty())
        .enumerate()
        .map(|(i, w)| {
            let lower = w.to_lowercase();
            if i > 0 && PLACE_PARTICLES.contains(&lower.as_str()) {
                return lower;
            }
            if let Some(rest) = lower.strip_prefix("'s-") {
                return format!("'s-{}", place_name(rest));
            }
            w.split('-').map(part).collect::<Vec<_>>().join("-")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A website as DUO gives it, without the dots and spaces around it (`www.eduvier.nl.`);
/// `None` when nothing is left.
pub fn website(raw: &str) -> Option<String> {
    let w = raw.trim().trim_end_matches('.').trim();
    (!w.is_empty()).then(|| w.to_owned())
}

/// How many locations one release may close before an import refuses it, unless told to allow
/// it: `max_percent` of the open locations in its scope, and always `ALWAYS_MAY_CLOSE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CloseLimit {
    /// The share of the locations in scope (default 10).
    pub max_percent: u8,
    /// Allow any number (`--sta-sluiten-toe`).
    pub allow_all: bool,
}

impl Default for CloseLimit {
    fn default() -> Self {
        CloseLimit {
            max_percent: 10,
            allow_all: false,
        }
    }
}

/// A release may always close this many locations, however small its scope.
pub const ALWAYS_MAY_CLOSE: usize = 2;

impl CloseLimit {
    /// Why a release of `rows` rows that would close `closing` of the `in_scope` open locations
    /// is refused; `None` when it may be applied. A file with only its header is always refused.
    pub fn refusal(&self, rows: usize, in_scope: usize, closing: usize) -> Option<String> {
        if self.allow_all {
            return None;
        }
        if rows == 0 {
            return Some(format!(
                "het bestand heeft alleen een kopregel; ingelezen zou het alle {in_scope} locaties in dit bestand sluiten"
            ));
        }
        let limit = (in_scope * usize::from(self.max_percent) / 100).max(ALWAYS_MAY_CLOSE);
        (closing > limit).then(|| {
            format!(
                "dit bestand zou {closing} van de {in_scope} open locaties sluiten, meer dan {}% (ten hoogste {limit}); is het bestand compleet?",
                self.max_percent
            )
        })
    }
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

    fn bo_row(code: &str, gemeente: &str) -> String {
        format!(
            "Flevoland;1;{};{code};School {code};Straat;1;1312 AA;ALMERE;{gemeente};ALMERE;Openbaar; ;www.school.nl.\r\n",
            &code[..4]
        )
    }

    #[test]
    fn a_file_is_one_encoding_and_says_where_it_is_not() {
        let (_, e, errors) = decode_checked("Coöperatie\nDe Eik\n".as_bytes());
        assert_eq!((e, errors.len()), (Encoding::Utf8, 0));
        // Mostly UTF-8 with one stray Windows-1252 byte on line 3.
        let mut mixed = "Coöperatie\nDe Eik\nHindoe".as_bytes().to_vec();
        mixed.extend_from_slice(b"\xefstisch\nCr\xc3\xa8che\n");
        let (text, e, errors) = decode_checked(&mixed);
        assert_eq!(e, Encoding::Utf8);
        assert!(
            text.contains("Crèche"),
            "the UTF-8 lines are read as UTF-8: {text}"
        );
        assert_eq!(errors.iter().map(|w| w.line).collect::<Vec<_>>(), vec![3]);
        assert!(errors[0].message.contains("gemengde tekencodering"));
        // Mostly Windows-1252 with one UTF-8 line.
        let (_, e, errors) = decode_checked(b"Hindoe\xefstisch\nZo\xebn\nCr\xc3\xa8che\n");
        assert_eq!(e, Encoding::Windows1252);
        assert_eq!(errors.iter().map(|w| w.line).collect::<Vec<_>>(), vec![3]);
        // A byte Windows-1252 has no character for.
        let (_, e, errors) = decode_checked(b"Hindoe\xefstisch\nKapot \x81\n");
        assert_eq!(e, Encoding::Windows1252);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 2);
        assert!(errors[0].message.contains("0x81"), "{}", errors[0].message);
        // A BOM promises UTF-8 for the whole file.
        let (_, e, errors) = decode_checked(b"\xef\xbb\xbfA\nB\xe9\n");
        assert_eq!((e, errors.len(), errors[0].line), (Encoding::Utf8Bom, 1, 2));
    }

    #[test]
    fn rows_cut_off_and_codes_twice_are_errors_with_their_line() {
        let mut file = format!("{BO_HEADER}\r\n{}", bo_row("14QC00", "0034"));
        file.push_str(&bo_row("14QC01", "0034"));
        file.push_str(&bo_row("14QC00", "0034"));
        file.push_str("Flevoland;1;14QC;14QC02;Afgebroken;Stra");
        let p = parse(file.as_bytes(), None).unwrap();
        let errors: Vec<(usize, bool)> = p
            .errors
            .iter()
            .map(|e| {
                (
                    e.line,
                    e.message.contains("regel 2") || e.message.contains("velden"),
                )
            })
            .collect();
        assert_eq!(
            errors,
            vec![(4, true), (5, true), (5, false)],
            "{:?}",
            p.errors
        );
        assert!(p.errors[2].message.contains("midden in een regel"));
        // The same lines in a file with LF line ends.
        let lf = parse(file.replace("\r\n", "\n").as_bytes(), None).unwrap();
        let lines: Vec<usize> = lf.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [4, 5, 5]);
        let DuoData::Vestigingen(v) = p.data else {
            panic!()
        };
        assert_eq!(v.len(), 2);
        assert_eq!(
            v[0].website.as_deref(),
            Some("www.school.nl"),
            "no trailing dot"
        );
    }

    #[test]
    fn a_gemeente_is_a_code_or_a_name_and_an_unknown_one_is_refused() {
        let file = format!(
            "{BO_HEADER}\r\n{}{}",
            bo_row("14QC00", "0034"),
            bo_row("23FD00", "0995").replace(";ALMERE;0995;ALMERE;", ";LELYSTAD;0995;LELYSTAD;")
        );
        let by_name = parse(file.as_bytes(), Some("Almere")).unwrap();
        assert_eq!(
            (by_name.rows_filtered, by_name.gemeente_code.as_deref()),
            (1, Some("0034"))
        );
        let by_code = parse(file.as_bytes(), Some("995")).unwrap();
        assert_eq!(by_code.gemeente_code.as_deref(), Some("0995"));
        assert_eq!(
            parse(file.as_bytes(), Some("Amsterdam")),
            Err(DuoError::UnknownGemeente("Amsterdam".to_owned()))
        );
        assert!(matches!(
            parse(file.as_bytes(), Some("0363")),
            Err(DuoError::UnknownGemeente(_))
        ));
    }

    #[test]
    fn a_release_may_close_a_few_locations_but_not_many() {
        let limit = CloseLimit::default();
        assert_eq!(limit.refusal(6100, 6122, 22), None);
        assert!(limit.refusal(4968, 6122, 1154).is_some());
        assert!(
            limit
                .refusal(0, 6122, 6122)
                .unwrap()
                .contains("alleen een kopregel")
        );
        assert!(
            limit.refusal(0, 0, 0).is_some(),
            "header-only, even in an empty database"
        );
        assert_eq!(
            limit.refusal(9, 11, 2),
            None,
            "a small scope may always close two"
        );
        assert!(limit.refusal(8, 11, 3).is_some());
        let allowed = CloseLimit {
            allow_all: true,
            ..limit
        };
        assert_eq!(allowed.refusal(0, 6122, 6122), None);
    }

    #[test]
    fn place_names_as_dutch_writes_them() {
        for (duo, dutch) in [
            ("ALMERE", "Almere"),
            ("'S-GRAVENHAGE", "'s-Gravenhage"),
            ("'S-HERTOGENBOSCH", "'s-Hertogenbosch"),
            ("CAPELLE AAN DEN IJSSEL", "Capelle aan den IJssel"),
            ("IJMUIDEN", "IJmuiden"),
            ("BERGEN OP ZOOM", "Bergen op Zoom"),
            ("DEN HAAG", "Den Haag"),
            ("DE BILT", "De Bilt"),
            ("OUD-BEIJERLAND", "Oud-Beijerland"),
            ("SINT-OEDENRODE", "Sint-Oedenrode"),
            ("ALTEVEER GEM NOORDENVELD", "Alteveer gem Noordenveld"),
            ("WIJK BIJ DUURSTEDE", "Wijk bij Duurstede"),
            ("KOOG AAN DE ZAAN", "Koog aan de Zaan"),
            ("NIEUW-VENNEP", "Nieuw-Vennep"),
            ("ZUIDWOLDE DR", "Zuidwolde Dr"),
        ] {
            assert_eq!(place_name(duo), dutch);
        }
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
