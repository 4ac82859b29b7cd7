//! Thuiszitters (`../shared/domain.md` §5): the kinds of absence the register knows, and the
//! quarterly report the Inspectie asks of every samenwerkingsverband: cumulative over the school
//! year up to the peildatum, anonymised (initials, year of birth, no names).
//!
//! The Inspectie's own template was not available to us; the columns follow what it asks
//! (who, since when, which kind, whether there is a perspective and an offer, art. 5
//! vrijstellingen included), and are documented in `docs/zorgplicht.md`.

use chrono::{Datelike, NaiveDate};

/// The kind of thuiszitter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Leerplichtig, not enrolled at any school, no vrijstelling.
    AbsoluutVerzuim,
    /// Enrolled, absent more than 4 weeks without a valid reason and without vrijstelling.
    LangdurigRelatiefVerzuim,
    /// Vrijstelling under Lpw art. 5 sub a (physically or psychically unfit).
    Vrijstelling5a,
    /// Vrijstelling under Lpw art. 5 sub b (objection to the richting of all schools nearby).
    Vrijstelling5b,
    /// Vrijstelling under Lpw art. 5 sub c (enrolled at a school abroad).
    Vrijstelling5c,
}

impl Kind {
    /// Every kind, in form order.
    pub const ALL: [Kind; 5] = [
        Kind::LangdurigRelatiefVerzuim,
        Kind::AbsoluutVerzuim,
        Kind::Vrijstelling5a,
        Kind::Vrijstelling5b,
        Kind::Vrijstelling5c,
    ];

    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            Kind::AbsoluutVerzuim => "absoluut-verzuim",
            Kind::LangdurigRelatiefVerzuim => "langdurig-relatief-verzuim",
            Kind::Vrijstelling5a => "vrijstelling-5a",
            Kind::Vrijstelling5b => "vrijstelling-5b",
            Kind::Vrijstelling5c => "vrijstelling-5c",
        }
    }

    /// Reads a stored code.
    pub fn from_code(code: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Dutch label.
    pub fn label_nl(self) -> &'static str {
        match self {
            Kind::AbsoluutVerzuim => "Absoluut verzuim (niet ingeschreven)",
            Kind::LangdurigRelatiefVerzuim => "Langdurig relatief verzuim (meer dan 4 weken)",
            Kind::Vrijstelling5a => {
                "Vrijstelling art. 5 onder a Leerplichtwet (lichamelijk of psychisch niet in staat naar school te gaan)"
            }
            Kind::Vrijstelling5b => {
                "Vrijstelling art. 5 onder b Leerplichtwet (bezwaar tegen de richting van alle scholen in de buurt)"
            }
            Kind::Vrijstelling5c => {
                "Vrijstelling art. 5 onder c Leerplichtwet (ingeschreven op een school in het buitenland)"
            }
        }
    }

    /// Whether the Inspectie's thuiszittersregistratie asks for this kind: absoluut verzuim,
    /// langdurig relatief verzuim and vrijstellingen under art. 5 sub a (domain.md §5). Sub b (an
    /// objection to the richting: a belief) and sub c (a school abroad) stay out of the report.
    pub fn in_inspectie_report(self) -> bool {
        !matches!(self, Kind::Vrijstelling5b | Kind::Vrijstelling5c)
    }

    /// The short name in the Inspectie report.
    pub fn report_label(self) -> &'static str {
        match self {
            Kind::AbsoluutVerzuim => "absoluut verzuim",
            Kind::LangdurigRelatiefVerzuim => "langdurig relatief verzuim",
            Kind::Vrijstelling5a => "vrijstelling 5a",
            Kind::Vrijstelling5b => "vrijstelling 5b",
            Kind::Vrijstelling5c => "vrijstelling 5c",
        }
    }
}

/// Family-name words written with a small letter in initials ("Jan de Vries" is "J. d. V.").
const PARTICLES: &[&str] = &[
    "van", "de", "der", "den", "het", "ter", "ten", "te", "in", "op", "aan", "'t", "’t", "la",
    "le", "du", "da", "di", "el", "al", "von", "zu", "bin", "ben",
];

/// Initials of a name: the first letter of every given name, and of every word of the family
/// name (small for particles). "Anna Maria" + "van den Berg" is "A.M. v.d. B.".
pub fn initials(given: &str, family: &str) -> String {
    let first = |w: &str| w.chars().find(|c| c.is_alphabetic());
    let given: String = given
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter_map(first)
        .flat_map(|c| c.to_uppercase().chain(['.']))
        .collect();
    let mut particles = String::new();
    let mut rest = String::new();
    for w in family.split(|c: char| c.is_whitespace() || c == '-') {
        let Some(c) = first(w) else { continue };
        if PARTICLES.contains(&w.to_lowercase().as_str()) {
            particles.extend(c.to_lowercase().chain(['.']));
        } else {
            rest.extend(c.to_uppercase().chain(['.']));
        }
    }
    [given, particles, rest]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The first day of the school year a day falls in (1 August).
pub fn school_year_start(day: NaiveDate) -> NaiveDate {
    let year = if day.month() >= 8 {
        day.year()
    } else {
        day.year() - 1
    };
    NaiveDate::from_ymd_opt(year, 8, 1).unwrap_or(day)
}

/// The quarterly peildata of a school year: 1 November, 1 February, 1 May and 1 August, the
/// last one that has passed on `today` first. The report runs up to and including the day
/// before.
pub fn last_peildatum(today: NaiveDate) -> NaiveDate {
    [today.year(), today.year() - 1]
        .into_iter()
        .flat_map(|y| {
            [2, 5, 8, 11]
                .into_iter()
                .filter_map(move |m| NaiveDate::from_ymd_opt(y, m, 1))
        })
        .filter(|d| *d <= today)
        .max()
        .unwrap_or(today)
}

/// A registration as the report needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    /// Given name(s).
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Date of birth.
    pub birth_date: NaiveDate,
    /// The school's BRIN and vestiging (e.g. `12AB00`).
    pub school_code: String,
    /// Kind.
    pub kind: Kind,
    /// At home since.
    pub since: NaiveDate,
    /// Back at school (or the registration ended) on.
    pub until: Option<NaiveDate>,
    /// There is an education or care offer.
    pub has_offer: bool,
    /// The leerplichtambtenaar was informed.
    pub leerplicht_informed: bool,
    /// The perspective, as written (not in the report: free text may hold names).
    pub perspective: String,
}

/// A line of the Inspectie report: no names, no free text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportLine {
    /// Initials.
    pub initials: String,
    /// Year of birth.
    pub birth_year: i32,
    /// School code.
    pub school_code: String,
    /// Kind.
    pub kind: Kind,
    /// Since.
    pub since: NaiveDate,
    /// Until, if it ended on or before the peildatum.
    pub until: Option<NaiveDate>,
    /// Whole weeks at home up to the end (or the day before the peildatum).
    pub weeks: i64,
    /// Whether it still runs on the peildatum.
    pub ongoing: bool,
    /// There is an offer.
    pub has_offer: bool,
    /// The leerplichtambtenaar was informed.
    pub leerplicht_informed: bool,
}

/// The cumulative report for the school year of the day before `peildatum`: every registration
/// that ran on any day from the start of that school year up to the day before the peildatum,
/// also when it has ended since. Sorted by school, then since.
pub fn report(registrations: &[Registration], peildatum: NaiveDate) -> Vec<ReportLine> {
    let last = peildatum.pred_opt().unwrap_or(peildatum);
    let start = school_year_start(last);
    let mut out: Vec<ReportLine> = registrations
        .iter()
        .filter(|r| r.kind.in_inspectie_report())
        .filter(|r| r.since <= last && r.until.is_none_or(|u| u >= start))
        .map(|r| {
            let until = r.until.filter(|u| *u <= last);
            let end = until.unwrap_or(last);
            ReportLine {
                initials: initials(&r.given_name, &r.family_name),
                birth_year: r.birth_date.year(),
                school_code: r.school_code.clone(),
                kind: r.kind,
                since: r.since,
                until,
                weeks: (end - r.since).num_days().max(0) / 7,
                ongoing: until.is_none(),
                has_offer: r.has_offer,
                leerplicht_informed: r.leerplicht_informed,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        (a.school_code.as_str(), a.since, a.initials.as_str()).cmp(&(
            b.school_code.as_str(),
            b.since,
            b.initials.as_str(),
        ))
    });
    out
}

/// The report's column names.
pub const REPORT_COLUMNS: [&str; 10] = [
    "Initialen",
    "Geboortejaar",
    "Brin en vestiging",
    "Soort",
    "Thuis sinds",
    "Thuis tot",
    "Aantal weken",
    "Nog thuis op peildatum",
    "Onderwijs- of zorgaanbod",
    "Leerplicht geïnformeerd",
];

impl ReportLine {
    /// The cells, in [`REPORT_COLUMNS`] order (dates as `dd-mm-jjjj`).
    pub fn cells(&self) -> Vec<String> {
        let d = |x: NaiveDate| x.format("%d-%m-%Y").to_string();
        let yn = |b: bool| if b { "ja" } else { "nee" }.to_owned();
        vec![
            self.initials.clone(),
            self.birth_year.to_string(),
            self.school_code.clone(),
            self.kind.report_label().to_owned(),
            d(self.since),
            self.until.map(d).unwrap_or_default(),
            self.weeks.to_string(),
            yn(self.ongoing),
            yn(self.has_offer),
            yn(self.leerplicht_informed),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn initials_keep_particles_small() {
        assert_eq!(initials("Anna Maria", "van den Berg"), "A.M. v.d. B.");
        assert_eq!(initials("Jan", "de Vries"), "J. d. V.");
        assert_eq!(initials("Sem", "Yılmaz"), "S. Y.");
        assert_eq!(initials("Eva-Lotte", "Janssen-Smit"), "E.L. J.S.");
        assert_eq!(initials("émile", "'t Hart"), "É. t. H.");
        assert_eq!(initials("", ""), "");
    }

    #[test]
    fn school_years_and_peildata() {
        assert_eq!(school_year_start(day(2026, 7, 31)), day(2025, 8, 1));
        assert_eq!(school_year_start(day(2026, 8, 1)), day(2026, 8, 1));
        assert_eq!(last_peildatum(day(2026, 11, 28)), day(2026, 11, 1));
        assert_eq!(last_peildatum(day(2026, 10, 31)), day(2026, 8, 1));
        assert_eq!(last_peildatum(day(2027, 1, 15)), day(2026, 11, 1));
        assert_eq!(last_peildatum(day(2027, 2, 1)), day(2027, 2, 1));
        assert_eq!(last_peildatum(day(2027, 6, 30)), day(2027, 5, 1));
    }

    fn reg(since: NaiveDate, until: Option<NaiveDate>) -> Registration {
        Registration {
            given_name: "Jan".into(),
            family_name: "de Vries".into(),
            birth_date: day(2016, 5, 4),
            school_code: "12AB00".into(),
            kind: Kind::LangdurigRelatiefVerzuim,
            since,
            until,
            has_offer: false,
            leerplicht_informed: true,
            perspective: "Jan gaat naar De Bongerd".into(),
        }
    }

    #[test]
    fn the_report_is_cumulative_over_the_school_year() {
        let regs = [
            // Ended before this school year: not in it.
            reg(day(2026, 3, 1), Some(day(2026, 6, 30))),
            // Ran over the summer, ended in September: in it, ended.
            reg(day(2026, 6, 1), Some(day(2026, 9, 15))),
            // Started in October, still at home.
            reg(day(2026, 10, 5), None),
            // Starts after the peildatum: not in it.
            reg(day(2026, 11, 2), None),
            // Ended after the peildatum: ongoing on the peildatum.
            reg(day(2026, 9, 1), Some(day(2026, 11, 20))),
        ];
        let mut with_5b = regs.to_vec();
        with_5b.push(Registration {
            kind: Kind::Vrijstelling5b,
            ..reg(day(2026, 9, 1), None)
        });
        let lines = report(&with_5b, day(2026, 11, 1));
        assert_eq!(lines.len(), 3, "5b stays out");
        assert_eq!(lines[0].since, day(2026, 6, 1));
        assert_eq!(lines[0].until, Some(day(2026, 9, 15)));
        assert!(!lines[0].ongoing);
        assert_eq!(lines[0].weeks, 15);
        assert_eq!(lines[1].since, day(2026, 9, 1));
        assert!(lines[1].ongoing);
        assert_eq!(lines[1].until, None);
        assert_eq!(lines[2].weeks, 3);
        let cells = lines[2].cells();
        assert_eq!(cells.len(), REPORT_COLUMNS.len());
        assert_eq!(cells[0], "J. d. V.");
        assert_eq!(cells[1], "2016");
        assert_eq!(cells[4], "05-10-2026");
        assert!(
            cells
                .iter()
                .all(|c| !c.contains("Jan") && !c.contains("Vries")),
            "{cells:?}"
        );
    }
}
