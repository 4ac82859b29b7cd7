//! The rules of support requests and the toelaatbaarheidsverklaring (TLV), as `domain.md` §1
//! states them: the two expert advices, the decision term, what a TLV states, bezwaar and the
//! LBT clock, and the path a request takes. Pure: dates in, decisions out.
//!
//! Where the law is silent the rule is a setting ([`TlvPolicy`]) with the default `domain.md`
//! gives: a decision term of 6 weeks after complete receipt, never beyond the Awb's 8 weeks.

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, Utc};

pub use crate::atw::{easter, is_public_holiday, next_working_day};

/// What a school asks the samenwerkingsverband for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestKind {
    /// Advice or consultation.
    Advies,
    /// Extra support at the own school.
    Arrangement,
    /// A TLV for speciaal basisonderwijs.
    TlvSbo,
    /// A TLV for speciaal onderwijs (cluster 3/4), with the category asked for.
    TlvSo(Category),
    /// A new TLV when the current one ends (herindicatie / verlenging), for SBO or for SO with
    /// the category asked for (a change of category needs a new expert advice, domain.md §1.6).
    TlvVerlenging(Placement),
}

/// Where a TLV places a pupil.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Placement {
    /// Speciaal basisonderwijs.
    Sbo,
    /// Speciaal onderwijs with its bekostigingscategorie.
    So(Category),
}

impl Placement {
    /// Stored code of the type: `sbo` or `so`.
    pub fn type_code(self) -> &'static str {
        match self {
            Placement::Sbo => "sbo",
            Placement::So(_) => "so",
        }
    }

    /// The category, for SO.
    pub fn category(self) -> Option<Category> {
        match self {
            Placement::Sbo => None,
            Placement::So(c) => Some(c),
        }
    }

    /// Reads the stored type and category.
    pub fn from_codes(type_code: &str, category: Option<&str>) -> Option<Placement> {
        match (type_code, category) {
            ("sbo", None) => Some(Placement::Sbo),
            ("so", Some(c)) => Category::from_code(c).map(Placement::So),
            _ => None,
        }
    }

    /// The education in full, for letters: "speciaal basisonderwijs" or "speciaal onderwijs".
    pub fn education_nl(self) -> &'static str {
        match self {
            Placement::Sbo => "speciaal basisonderwijs",
            Placement::So(_) => "speciaal onderwijs",
        }
    }
}

impl RequestKind {
    /// Whether this kind ends in a TLV decision (with two expert advices and bezwaar).
    pub fn is_tlv(self) -> bool {
        matches!(
            self,
            RequestKind::TlvSbo | RequestKind::TlvSo(_) | RequestKind::TlvVerlenging(_)
        )
    }

    /// Where the TLV asked for would place the pupil (`None` for advice and arrangements).
    pub fn placement(self) -> Option<Placement> {
        match self {
            RequestKind::TlvSbo => Some(Placement::Sbo),
            RequestKind::TlvSo(c) => Some(Placement::So(c)),
            RequestKind::TlvVerlenging(p) => Some(p),
            RequestKind::Advies | RequestKind::Arrangement => None,
        }
    }

    /// Every kind.
    pub const ALL: [RequestKind; 10] = [
        RequestKind::Advies,
        RequestKind::Arrangement,
        RequestKind::TlvSbo,
        RequestKind::TlvSo(Category::Laag),
        RequestKind::TlvSo(Category::Midden),
        RequestKind::TlvSo(Category::Hoog),
        RequestKind::TlvVerlenging(Placement::Sbo),
        RequestKind::TlvVerlenging(Placement::So(Category::Laag)),
        RequestKind::TlvVerlenging(Placement::So(Category::Midden)),
        RequestKind::TlvVerlenging(Placement::So(Category::Hoog)),
    ];

    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            RequestKind::Advies => "advies",
            RequestKind::Arrangement => "arrangement",
            RequestKind::TlvSbo => "tlv-sbo",
            RequestKind::TlvSo(Category::Laag) => "tlv-so-laag",
            RequestKind::TlvSo(Category::Midden) => "tlv-so-midden",
            RequestKind::TlvSo(Category::Hoog) => "tlv-so-hoog",
            RequestKind::TlvVerlenging(Placement::Sbo) => "tlv-verlenging-sbo",
            RequestKind::TlvVerlenging(Placement::So(Category::Laag)) => "tlv-verlenging-so-laag",
            RequestKind::TlvVerlenging(Placement::So(Category::Midden)) => {
                "tlv-verlenging-so-midden"
            }
            RequestKind::TlvVerlenging(Placement::So(Category::Hoog)) => "tlv-verlenging-so-hoog",
        }
    }

    /// Reads a stored code.
    pub fn from_code(code: &str) -> Option<RequestKind> {
        RequestKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The Dutch name, as school and SWV staff say it.
    pub fn label_nl(self) -> &'static str {
        match self {
            RequestKind::Advies => "Advies of consultatie",
            RequestKind::Arrangement => "Arrangement op de eigen school",
            RequestKind::TlvSbo => "TLV speciaal basisonderwijs (SBO)",
            RequestKind::TlvSo(Category::Laag) => "TLV speciaal onderwijs (SO), categorie laag",
            RequestKind::TlvSo(Category::Midden) => "TLV speciaal onderwijs (SO), categorie midden",
            RequestKind::TlvSo(Category::Hoog) => "TLV speciaal onderwijs (SO), categorie hoog",
            RequestKind::TlvVerlenging(Placement::Sbo) => "Verlenging TLV SBO",
            RequestKind::TlvVerlenging(Placement::So(Category::Laag)) => {
                "Verlenging TLV SO, categorie laag"
            }
            RequestKind::TlvVerlenging(Placement::So(Category::Midden)) => {
                "Verlenging TLV SO, categorie midden"
            }
            RequestKind::TlvVerlenging(Placement::So(Category::Hoog)) => {
                "Verlenging TLV SO, categorie hoog"
            }
        }
    }

    /// The same kind with another placement (a toeleider may decide on another SO category than
    /// the school asked for); advies and arrangement stay as they are.
    pub fn with_placement(self, p: Placement) -> RequestKind {
        match self {
            RequestKind::TlvSbo | RequestKind::TlvSo(_) => match p {
                Placement::Sbo => RequestKind::TlvSbo,
                Placement::So(c) => RequestKind::TlvSo(c),
            },
            RequestKind::TlvVerlenging(_) => RequestKind::TlvVerlenging(p),
            other => other,
        }
    }
}

/// The bekostigingscategorie of an SO TLV (there is none for SBO).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    /// Laag (1): former ZMLK, LZ and cluster 4.
    Laag,
    /// Midden (2): former LG.
    Midden,
    /// Hoog (3): former MG.
    Hoog,
}

impl Category {
    /// The number DUO and the funding use (1, 2, 3).
    pub fn number(self) -> u8 {
        match self {
            Category::Laag => 1,
            Category::Midden => 2,
            Category::Hoog => 3,
        }
    }

    /// Every category.
    pub const ALL: [Category; 3] = [Category::Laag, Category::Midden, Category::Hoog];

    /// Reads a stored code (`laag`, `midden`, `hoog`).
    pub fn from_code(code: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.label_nl() == code)
    }

    /// The Dutch name.
    pub fn label_nl(self) -> &'static str {
        match self {
            Category::Laag => "laag",
            Category::Midden => "midden",
            Category::Hoog => "hoog",
        }
    }
}

/// The profession an expert advises in (WPO art. 18a lid 11 and its AMvB).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Profession {
    /// Orthopedagoog.
    Orthopedagoog,
    /// Psycholoog.
    Psycholoog,
    /// Kinder- of jeugdpsycholoog.
    KinderJeugdpsycholoog,
    /// Pedagoog.
    Pedagoog,
    /// Kinderpsychiater.
    Kinderpsychiater,
    /// Maatschappelijk werker.
    MaatschappelijkWerker,
    /// Arts.
    Arts,
}

impl Profession {
    /// Every profession.
    pub const ALL: [Profession; 7] = [
        Profession::Orthopedagoog,
        Profession::Psycholoog,
        Profession::KinderJeugdpsycholoog,
        Profession::Pedagoog,
        Profession::Kinderpsychiater,
        Profession::MaatschappelijkWerker,
        Profession::Arts,
    ];

    /// May give the first advice: an orthopedagoog or a psycholoog (a kinder- of
    /// jeugdpsycholoog is a psycholoog).
    pub fn may_advise_first(self) -> bool {
        matches!(
            self,
            Profession::Orthopedagoog | Profession::Psycholoog | Profession::KinderJeugdpsycholoog
        )
    }

    /// May give the second advice: the law's list (an orthopedagoog counts as pedagoog, NVO
    /// 2020); a psycholoog only as kinder- of jeugdpsycholoog.
    pub fn may_advise_second(self) -> bool {
        !matches!(self, Profession::Psycholoog)
    }

    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            Profession::Orthopedagoog => "orthopedagoog",
            Profession::Psycholoog => "psycholoog",
            Profession::KinderJeugdpsycholoog => "kinder-jeugdpsycholoog",
            Profession::Pedagoog => "pedagoog",
            Profession::Kinderpsychiater => "kinderpsychiater",
            Profession::MaatschappelijkWerker => "maatschappelijk-werker",
            Profession::Arts => "arts",
        }
    }

    /// Reads a stored code.
    pub fn from_code(code: &str) -> Option<Profession> {
        Profession::ALL.into_iter().find(|p| p.code() == code)
    }

    /// The Dutch plural ("twee orthopedagogen").
    pub fn plural_nl(self) -> &'static str {
        match self {
            Profession::Orthopedagoog => "orthopedagogen",
            Profession::Psycholoog => "psychologen",
            Profession::KinderJeugdpsycholoog => "kinder- of jeugdpsychologen",
            Profession::Pedagoog => "pedagogen",
            Profession::Kinderpsychiater => "kinderpsychiaters",
            Profession::MaatschappelijkWerker => "maatschappelijk werkers",
            Profession::Arts => "artsen",
        }
    }

    /// The Dutch name.
    pub fn label_nl(self) -> &'static str {
        match self {
            Profession::Orthopedagoog => "orthopedagoog",
            Profession::Psycholoog => "psycholoog",
            Profession::KinderJeugdpsycholoog => "kinder- of jeugdpsycholoog",
            Profession::Pedagoog => "pedagoog",
            Profession::Kinderpsychiater => "kinderpsychiater",
            Profession::MaatschappelijkWerker => "maatschappelijk werker",
            Profession::Arts => "arts",
        }
    }
}

/// One written expert advice, as the decision check needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Advice {
    /// Who gave it (a user id).
    pub expert_id: i64,
    /// In which profession.
    pub profession: Profession,
    /// The expert declared to be independent of the applying school and the application.
    pub declared_independent: bool,
    /// The expert works for or at the applying school, or at another school of its bevoegd
    /// gezag (LBT 107632).
    pub linked_to_applying_school: bool,
    /// The expert helped write the application.
    pub helped_draft_application: bool,
    /// The expert is the SWV official who assesses this request.
    pub is_assessing_official: bool,
    /// The advice is written and separate (not a committee's shared advice, LBT 108582).
    pub separate_and_written: bool,
}

/// Why a TLV decision may not be taken yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdviceProblem {
    /// Fewer than two advices.
    TooFew,
    /// The advices come from fewer than two different experts.
    SameExpert,
    /// No advice by an orthopedagoog or psycholoog.
    NoFirstExpert,
    /// No second advice from the legal list by another expert.
    NoSecondExpert,
    /// This expert did not declare independence.
    NotDeclaredIndependent(i64),
    /// This expert is linked to the applying school, helped draft the application, or assesses it.
    NotIndependent(i64),
    /// This advice is not separate and written.
    NotSeparate(i64),
}

impl AdviceProblem {
    /// The message in Dutch, for the toeleider.
    pub fn message_nl(&self) -> String {
        match self {
            AdviceProblem::TooFew => "Er zijn twee deskundigenadviezen nodig.".to_owned(),
            AdviceProblem::SameExpert => {
                "De twee adviezen moeten van twee verschillende deskundigen komen.".to_owned()
            }
            AdviceProblem::NoFirstExpert => {
                "Eén advies moet van een orthopedagoog of psycholoog komen.".to_owned()
            }
            AdviceProblem::NoSecondExpert => "Het tweede advies moet van een andere deskundige komen: een kinder- of jeugdpsycholoog, pedagoog (ook orthopedagoog), kinderpsychiater, maatschappelijk werker of arts.".to_owned(),
            AdviceProblem::NotDeclaredIndependent(_) => {
                "Een deskundige heeft niet verklaard onafhankelijk te zijn.".to_owned()
            }
            AdviceProblem::NotIndependent(_) => "Een deskundige is niet onafhankelijk: die werkt bij of voor de aanvragende school of een school van hetzelfde bestuur (bevoegd gezag), hielp bij de aanvraag of beoordeelt deze aanvraag zelf.".to_owned(),
            AdviceProblem::NotSeparate(_) => {
                "Elk advies moet apart en schriftelijk zijn; een gezamenlijk advies, of twee keer dezelfde tekst, telt niet.".to_owned()
            }
        }
    }
}

/// Checks the advices before a TLV decision (domain.md §1.3): two separate written advices by
/// two different independent experts, one an orthopedagoog or psycholoog, the other from the
/// legal list.
pub fn check_advices(advices: &[Advice]) -> Result<(), AdviceProblem> {
    for a in advices {
        if !a.separate_and_written {
            return Err(AdviceProblem::NotSeparate(a.expert_id));
        }
        if !a.declared_independent {
            return Err(AdviceProblem::NotDeclaredIndependent(a.expert_id));
        }
        if a.linked_to_applying_school || a.helped_draft_application || a.is_assessing_official {
            return Err(AdviceProblem::NotIndependent(a.expert_id));
        }
    }
    if advices.len() < 2 {
        return Err(AdviceProblem::TooFew);
    }
    let mut experts: Vec<i64> = advices.iter().map(|a| a.expert_id).collect();
    experts.sort_unstable();
    experts.dedup();
    if experts.len() < 2 {
        return Err(AdviceProblem::SameExpert);
    }
    if !advices.iter().any(|a| a.profession.may_advise_first()) {
        return Err(AdviceProblem::NoFirstExpert);
    }
    let pair = advices.iter().any(|first| {
        first.profession.may_advise_first()
            && advices.iter().any(|second| {
                second.expert_id != first.expert_id && second.profession.may_advise_second()
            })
    });
    if pair {
        Ok(())
    } else {
        Err(AdviceProblem::NoSecondExpert)
    }
}

/// The samenwerkingsverband's settings for TLVs, where the law leaves room.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TlvPolicy {
    /// Weeks to decide after complete receipt (default 6; the Awb's 8 at most).
    pub decision_weeks: u8,
    /// Default duration of an SBO TLV in school years (default 2, as common practice).
    pub sbo_school_years: u8,
    /// Default duration of an SO TLV in school years (default 2).
    pub so_school_years: u8,
    /// Months before the end of a TLV to remind the school (default 6).
    pub remind_months_before_end: u8,
}

/// The Awb's longest decision term without a statutory one (art. 4:13): 8 weeks.
pub const MAX_DECISION_WEEKS: u8 = 8;
/// Bezwaar against a decision: 6 weeks (Awb 6:7), from the day after it was made known.
pub const BEZWAAR_WEEKS: u64 = 6;
/// The SWV asks the LBT for advice within 14 days of receiving the bezwaar (LBT reglement art. 2).
pub const LBT_DAYS: u64 = 14;

impl Default for TlvPolicy {
    fn default() -> Self {
        TlvPolicy {
            decision_weeks: 6,
            sbo_school_years: 2,
            so_school_years: 2,
            remind_months_before_end: 6,
        }
    }
}

/// Why a policy is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyProblem {
    /// The decision term is 0 or beyond the Awb's 8 weeks.
    DecisionTerm,
    /// A duration of 0 school years.
    Duration,
}

impl TlvPolicy {
    /// Checks the settings.
    pub fn check(&self) -> Result<(), PolicyProblem> {
        if self.decision_weeks == 0 || self.decision_weeks > MAX_DECISION_WEEKS {
            return Err(PolicyProblem::DecisionTerm);
        }
        if self.sbo_school_years == 0 || self.so_school_years == 0 {
            return Err(PolicyProblem::Duration);
        }
        Ok(())
    }

    /// The day a decision is due: the configured weeks after the day the complete request was
    /// received (a day in Dutch time).
    pub fn decision_due(&self, complete_on: NaiveDate) -> NaiveDate {
        let weeks = self.decision_weeks.clamp(1, MAX_DECISION_WEEKS);
        complete_on + Days::new(7 * u64::from(weeks))
    }

    /// The default end of a TLV starting on `start`: 31 July after the policy's number of school
    /// years. The school year it starts in counts as the first only when at least half of it is
    /// left (a start before 1 February); a later start counts from the next school year, so a
    /// TLV never lasts only a few weeks or months. (The duration is the SWV's policy, domain.md
    /// §1.5; this is Passend's default.)
    pub fn default_end(&self, kind: RequestKind, start: NaiveDate) -> Option<NaiveDate> {
        let years = match kind {
            RequestKind::TlvSbo => self.sbo_school_years,
            RequestKind::TlvSo(_) | RequestKind::TlvVerlenging(Placement::So(_)) => {
                self.so_school_years
            }
            RequestKind::TlvVerlenging(Placement::Sbo) => self.sbo_school_years,
            _ => return None,
        };
        // The 31 July that ends the school year `start` falls in.
        let school_year_end = if start.month() >= 8 {
            start.year() + 1
        } else {
            start.year()
        };
        let counts_as_first = start.month() >= 8 || start.month() == 1;
        let extra = if counts_as_first { 0 } else { 1 };
        NaiveDate::from_ymd_opt(school_year_end + i32::from(years) - 1 + extra, 7, 31)
    }

    /// The day to remind the school that a TLV ends.
    pub fn reminder_on(&self, end: NaiveDate) -> NaiveDate {
        end.checked_sub_months(Months::new(u32::from(self.remind_months_before_end)))
            .unwrap_or(end)
    }
}

/// A suspension of the decision term while the samenwerkingsverband waits for missing
/// information it asked for (Awb 4:15): from the day it asked until the day the information
/// came (`None`: still waiting).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Suspension {
    /// The day the SWV asked for the missing information.
    pub from: NaiveDate,
    /// The day it arrived, if it did.
    pub until: Option<NaiveDate>,
}

/// The days the term stood still, counted up to `today` for a suspension still open; overlapping
/// suspensions count once.
pub fn suspended_days(suspensions: &[Suspension], today: NaiveDate) -> u64 {
    let mut spans: Vec<(NaiveDate, NaiveDate)> = suspensions
        .iter()
        .map(|s| (s.from, s.until.unwrap_or(today).max(s.from)))
        .collect();
    spans.sort();
    let mut total = 0u64;
    let mut reach: Option<NaiveDate> = None;
    for (from, until) in spans {
        let from = reach.map_or(from, |r| from.max(r));
        if until > from {
            total += u64::try_from((until - from).num_days()).unwrap_or(0);
        }
        reach = Some(reach.map_or(until, |r| r.max(until)));
    }
    total
}

impl TlvPolicy {
    /// The decision is due: the SWV's term after complete receipt, moved on by every day the
    /// term stood still (Awb 4:15).
    pub fn decision_due_with(
        &self,
        received_on: NaiveDate,
        suspensions: &[Suspension],
        today: NaiveDate,
    ) -> NaiveDate {
        self.decision_due(received_on) + Days::new(suspended_days(suspensions, today))
    }
}

/// The Awb's ceiling (art. 4:13): 8 weeks after receipt, moved on by the suspensions; a ceiling
/// on a Saturday, Sunday or public holiday runs on to the next working day (Algemene
/// termijnenwet art. 1: the 8 weeks are set in a law). The SWV's own term is never later than
/// this.
pub fn awb_ceiling(
    received_on: NaiveDate,
    suspensions: &[Suspension],
    today: NaiveDate,
) -> NaiveDate {
    crate::atw::term_end(
        received_on
            + Days::new(7 * u64::from(MAX_DECISION_WEEKS))
            + Days::new(suspended_days(suspensions, today)),
    )
}

/// How long a closed dossier is kept (AVG art. 5: no longer than needed). domain.md §7: TLV data
/// at most 3 years after afgifte; how that applies to the underlying dossier is uncertain, so it
/// is a setting (`PASSEND_BEWAARTERMIJN_JAREN`, default 3) anchored to the later of the last
/// activity and the end of a TLV.
pub const DEFAULT_RETENTION_YEARS: u8 = 3;

/// The last day a closed dossier is kept: `years` after the later of its last activity (the
/// last change, decision or letter) and the end of its last TLV. A dossier with an open request
/// or an open bezwaar is not closed and has no such day.
pub fn keep_until(last_activity: NaiveDate, tlv_end: Option<NaiveDate>, years: u8) -> NaiveDate {
    let anchor = tlv_end.map_or(last_activity, |e| e.max(last_activity));
    anchor
        .checked_add_months(Months::new(12 * u32::from(years)))
        .unwrap_or(anchor)
}

/// The day a moment falls on in the Netherlands: a request received at 00:30 Dutch time on
/// 29 March was received on 29 March, whatever the UTC date.
pub fn dutch_day(t: DateTime<Utc>) -> NaiveDate {
    crate::time::to_local(t).date()
}

/// The last day for bezwaar against a decision sent (or handed over) on `sent_on`: a decision
/// is made known by sending it (Awb 3:41), the term starts the day after (Awb 6:8) and runs 6
/// weeks (Awb 6:7), so it ends on the same weekday 6 weeks later; a last day on a Saturday,
/// Sunday or public holiday moves to the next working day (Algemene termijnenwet art. 1). The day
/// the decision was recorded does not count: until the letter was sent there is no term.
pub fn bezwaar_deadline(sent_on: NaiveDate) -> NaiveDate {
    crate::atw::term_end(sent_on + Days::new(7 * BEZWAAR_WEEKS))
}

/// Beroep against a beslissing op bezwaar: 6 weeks (Awb 6:7) from the day after it was sent, at
/// the bestuursrechter (the rechtbank); the Atw moves a last day in a weekend or on a holiday.
pub const BEROEP_WEEKS: u64 = 6;

/// The last day for beroep against a beslissing op bezwaar sent on `sent_on`.
pub fn beroep_deadline(sent_on: NaiveDate) -> NaiveDate {
    crate::atw::term_end(sent_on + Days::new(7 * BEROEP_WEEKS))
}

/// Weeks to decide on a bezwaar when an advisory committee (the LBT) is heard: 12 (Awb 7:10
/// lid 1), counted from the end of the bezwaar term. domain.md §1.8 marks this UNCERTAIN (general
/// Awb knowledge, not checked against a source), so it is a setting
/// (`PASSEND_BOB_BESLISTERMIJN_WEKEN`); this is the default.
pub const BOB_DECISION_WEEKS: u8 = 12;

/// The day a beslissing op bezwaar is due: `weeks` after the last day of the bezwaar term (Awb
/// 7:10 lid 1 counts from the day after the term ended), moved off a weekend or holiday (Atw).
/// Without a known bezwaar term (the decision was never recorded as sent) the receipt of the
/// bezwaar is the start.
pub fn bob_due(bezwaar_term_end: NaiveDate, weeks: u8) -> NaiveDate {
    crate::atw::term_end(bezwaar_term_end + Days::new(7 * u64::from(weeks)))
}

/// Whether two advices say the same: equal after folding case and white space. Each expert must
/// give a separate, written, independent advice (LBT 18-02-2019, nr. 108582); the same text
/// twice is one advice signed by two.
pub fn same_advice_text(a: &str, b: &str) -> bool {
    let fold = |t: &str| -> String {
        t.split_whitespace()
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
            .join(" ")
    };
    let (a, b) = (fold(a), fold(b));
    !a.is_empty() && a == b
}

/// The last day to send a bezwaar to the LBT: 14 days after it was received.
pub fn lbt_deadline(bezwaar_received: NaiveDate) -> NaiveDate {
    bezwaar_received + Days::new(LBT_DAYS)
}

/// A unique beschikkingsnummer: the SWV's code, the year and a sequence number, e.g.
/// `PO2401-2026-00042`.
pub fn beschikkingsnummer(swv_code: &str, year: i32, sequence: u32) -> String {
    format!("{swv_code}-{year}-{sequence:05}")
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// The school is preparing it.
    Concept,
    /// Submitted, complete; waiting for the toeleider.
    Ingediend,
    /// A toeleider handles it.
    InBehandeling,
    /// Waiting for the expert advices.
    AdviesGevraagd,
    /// Decided: granted (toelaatbaar, arrangement approved, advice given).
    Toegekend,
    /// Decided: refused (niet toelaatbaar, arrangement refused).
    Afgewezen,
    /// Withdrawn by the school (with the parents) before a decision.
    Ingetrokken,
}

impl Status {
    /// Every status.
    pub const ALL: [Status; 7] = [
        Status::Concept,
        Status::Ingediend,
        Status::InBehandeling,
        Status::AdviesGevraagd,
        Status::Toegekend,
        Status::Afgewezen,
        Status::Ingetrokken,
    ];

    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            Status::Concept => "concept",
            Status::Ingediend => "ingediend",
            Status::InBehandeling => "in-behandeling",
            Status::AdviesGevraagd => "advies-gevraagd",
            Status::Toegekend => "toegekend",
            Status::Afgewezen => "afgewezen",
            Status::Ingetrokken => "ingetrokken",
        }
    }

    /// Reads a stored code.
    pub fn from_code(code: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The Dutch name for staff; a TLV that is granted reads "toelaatbaar".
    pub fn label_nl(self, kind: RequestKind) -> &'static str {
        match (self, kind.is_tlv()) {
            (Status::Concept, _) => "Concept",
            (Status::Ingediend, _) => "Ingediend",
            (Status::InBehandeling, _) => "In behandeling",
            (Status::AdviesGevraagd, _) => "Advies gevraagd",
            (Status::Toegekend, true) => "Toelaatbaar",
            (Status::Toegekend, false) => "Toegekend",
            (Status::Afgewezen, true) => "Niet toelaatbaar",
            (Status::Afgewezen, false) => "Afgewezen",
            (Status::Ingetrokken, _) => "Ingetrokken",
        }
    }

    /// Where a request may go from here.
    pub fn next(self, kind: RequestKind) -> &'static [Status] {
        use Status::*;
        match self {
            Concept => &[Ingediend, Ingetrokken],
            Ingediend => &[InBehandeling, Ingetrokken],
            InBehandeling if kind.is_tlv() => &[AdviesGevraagd, Ingetrokken],
            // An arrangement or advice may get an expert's advice, but needs none.
            InBehandeling => &[AdviesGevraagd, Toegekend, Afgewezen, Ingetrokken],
            AdviesGevraagd => &[Toegekend, Afgewezen, Ingetrokken],
            Toegekend | Afgewezen | Ingetrokken => &[],
        }
    }

    /// Whether the request is closed.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            Status::Toegekend | Status::Afgewezen | Status::Ingetrokken
        )
    }
}

/// Moves a request on, if the step is allowed; a TLV decision also needs valid advices.
pub fn transition(
    kind: RequestKind,
    from: Status,
    to: Status,
    advices: &[Advice],
) -> Result<Status, TransitionProblem> {
    if !from.next(kind).contains(&to) {
        return Err(TransitionProblem::NotAllowed { from, to });
    }
    if kind.is_tlv() && matches!(to, Status::Toegekend | Status::Afgewezen) {
        check_advices(advices).map_err(TransitionProblem::Advices)?;
    }
    Ok(to)
}

/// Why a request cannot move on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransitionProblem {
    /// This step does not exist from here.
    NotAllowed {
        /// From.
        from: Status,
        /// To.
        to: Status,
    },
    /// The expert advices do not allow a decision yet.
    Advices(AdviceProblem),
}

/// What a request must hold before the school can submit it (domain.md §1.2; Almere's TLO).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Completeness {
    /// A current groeidocument.
    pub groeidocument: bool,
    /// An OPP (with its handelingsdeel).
    pub opp: bool,
    /// The parents' zienswijze, or their recorded refusal to give one.
    pub zienswijze_or_refusal: bool,
    /// The TLO was held: its date and who attended are recorded.
    pub tlo_recorded: bool,
    /// For an arrangement: goals, budget quote and period.
    pub arrangement_plan: bool,
}

/// What is still missing, in Dutch, for the form; empty when the request can be submitted.
pub fn missing_for(kind: RequestKind, c: &Completeness) -> Vec<&'static str> {
    let mut missing = Vec::new();
    match kind {
        RequestKind::Advies => {}
        RequestKind::Arrangement => {
            if !c.groeidocument {
                missing.push("het groeidocument");
            }
            if !c.arrangement_plan {
                missing.push("de doelen, de begroting en de periode van het arrangement");
            }
            if !c.zienswijze_or_refusal {
                missing.push("de zienswijze van de ouders: wat zij ervan vinden én hun woorden (tekst of document), of hun vastgelegde weigering");
            }
        }
        RequestKind::TlvSbo | RequestKind::TlvSo(_) | RequestKind::TlvVerlenging(_) => {
            if !c.groeidocument {
                missing.push("het groeidocument");
            }
            if !c.opp {
                missing.push("het ontwikkelingsperspectief (OPP) met het handelingsdeel");
            }
            if !c.zienswijze_or_refusal {
                missing.push("de zienswijze van de ouders: wat zij ervan vinden én hun woorden (tekst of document), of hun vastgelegde weigering");
            }
            if !c.tlo_recorded {
                missing.push("het toelaatbaarheidsoverleg (TLO): datum en wie er waren");
            }
        }
    }
    missing
}

#[cfg(test)]
mod tests {
    use super::*;

    fn advice(id: i64, p: Profession) -> Advice {
        Advice {
            expert_id: id,
            profession: p,
            declared_independent: true,
            linked_to_applying_school: false,
            helped_draft_application: false,
            is_assessing_official: false,
            separate_and_written: true,
        }
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn a_decision_needs_two_independent_experts_of_the_right_professions() {
        use Profession::*;
        assert_eq!(check_advices(&[]), Err(AdviceProblem::TooFew));
        assert_eq!(
            check_advices(&[advice(1, Orthopedagoog)]),
            Err(AdviceProblem::TooFew)
        );
        assert_eq!(
            check_advices(&[advice(1, Orthopedagoog), advice(1, Arts)]),
            Err(AdviceProblem::SameExpert),
            "two advices by the same expert"
        );
        assert_eq!(
            check_advices(&[advice(1, Arts), advice(2, MaatschappelijkWerker)]),
            Err(AdviceProblem::NoFirstExpert),
            "no orthopedagoog or psycholoog"
        );
        assert_eq!(
            check_advices(&[advice(1, Psycholoog), advice(2, Psycholoog)]),
            Err(AdviceProblem::NoSecondExpert),
            "a (general) psycholoog is not on the second list"
        );
        assert_eq!(
            check_advices(&[advice(1, Orthopedagoog), advice(2, Arts)]),
            Ok(())
        );
        assert_eq!(
            check_advices(&[advice(1, Orthopedagoog), advice(2, Orthopedagoog)]),
            Ok(()),
            "an orthopedagoog counts as pedagoog for the second advice"
        );
        assert_eq!(
            check_advices(&[advice(1, Kinderpsychiater), advice(2, Psycholoog)]),
            Ok(())
        );
        let mut linked = advice(2, Arts);
        linked.linked_to_applying_school = true;
        assert_eq!(
            check_advices(&[advice(1, Orthopedagoog), linked]),
            Err(AdviceProblem::NotIndependent(2)),
            "an expert from the applying school"
        );
        let mut official = advice(2, Arts);
        official.is_assessing_official = true;
        assert_eq!(
            check_advices(&[advice(1, Orthopedagoog), official]),
            Err(AdviceProblem::NotIndependent(2))
        );
        let mut joint = advice(2, Arts);
        joint.separate_and_written = false;
        assert_eq!(
            check_advices(&[advice(1, Orthopedagoog), joint]),
            Err(AdviceProblem::NotSeparate(2))
        );
        let mut undeclared = advice(1, Orthopedagoog);
        undeclared.declared_independent = false;
        assert_eq!(
            check_advices(&[undeclared, advice(2, Arts)]),
            Err(AdviceProblem::NotDeclaredIndependent(1))
        );
        assert!(
            AdviceProblem::SameExpert
                .message_nl()
                .contains("verschillende")
        );
    }

    #[test]
    fn decision_terms_are_configurable_up_to_eight_weeks() {
        let p = TlvPolicy::default();
        assert_eq!(p.check(), Ok(()));
        assert_eq!(p.decision_due(day(2026, 3, 2)), day(2026, 4, 13));
        let eight = TlvPolicy {
            decision_weeks: 8,
            ..p
        };
        assert_eq!(eight.decision_due(day(2026, 3, 2)), day(2026, 4, 27));
        assert_eq!(
            TlvPolicy {
                decision_weeks: 9,
                ..p
            }
            .check(),
            Err(PolicyProblem::DecisionTerm)
        );
        assert_eq!(
            TlvPolicy {
                decision_weeks: 0,
                ..p
            }
            .check(),
            Err(PolicyProblem::DecisionTerm)
        );
        assert_eq!(
            p.decision_due(day(2026, 12, 1)),
            day(2027, 1, 12),
            "across the year end"
        );
    }

    #[test]
    fn bezwaar_and_lbt_clocks() {
        // Made known on Monday 2 March 2026: the term starts on 3 March and ends on Monday 13 April.
        assert_eq!(bezwaar_deadline(day(2026, 3, 2)), day(2026, 4, 13));
        assert_eq!(bezwaar_deadline(day(2026, 12, 21)), day(2027, 2, 1));
        // 13 April 2026 + 6 weeks is Whit Monday 25 May: the term runs to Tuesday 26 May.
        assert_eq!(bezwaar_deadline(day(2026, 4, 13)), day(2026, 5, 26));
        // Ending on a Saturday moves to Monday.
        assert_eq!(bezwaar_deadline(day(2026, 1, 3)), day(2026, 2, 16));
        // The holidays themselves: `crate::atw`'s tests.
        assert_eq!(lbt_deadline(day(2026, 4, 10)), day(2026, 4, 24));
    }

    #[test]
    fn default_durations_end_with_a_school_year() {
        let p = TlvPolicy::default();
        assert_eq!(
            p.default_end(RequestKind::TlvSbo, day(2026, 8, 24)),
            Some(day(2028, 7, 31))
        );
        assert_eq!(
            p.default_end(RequestKind::TlvSbo, day(2027, 1, 11)),
            Some(day(2028, 7, 31))
        );
        assert_eq!(
            p.default_end(RequestKind::TlvSbo, day(2027, 2, 1)),
            Some(day(2029, 7, 31)),
            "less than half a school year left: counting starts next school year"
        );
        let one = TlvPolicy {
            sbo_school_years: 1,
            ..p
        };
        assert_eq!(
            one.default_end(RequestKind::TlvSbo, day(2026, 7, 31)),
            Some(day(2027, 7, 31))
        );
        assert_eq!(
            p.default_end(RequestKind::Arrangement, day(2027, 1, 11)),
            None
        );
        assert_eq!(p.reminder_on(day(2028, 7, 31)), day(2028, 1, 31));
        assert_eq!(beschikkingsnummer("PO2401", 2026, 42), "PO2401-2026-00042");
    }

    #[test]
    fn requests_move_only_along_their_path() {
        use Status::*;
        let so = RequestKind::TlvSo(Category::Midden);
        assert_eq!(transition(so, Concept, Ingediend, &[]), Ok(Ingediend));
        assert!(matches!(
            transition(so, Concept, Toegekend, &[]),
            Err(TransitionProblem::NotAllowed { .. })
        ));
        assert!(
            matches!(
                transition(so, InBehandeling, Toegekend, &[]),
                Err(TransitionProblem::NotAllowed { .. })
            ),
            "a TLV needs the advices first"
        );
        assert_eq!(
            transition(so, AdviesGevraagd, Toegekend, &[]),
            Err(TransitionProblem::Advices(AdviceProblem::TooFew))
        );
        let advices = [
            advice(1, Profession::Psycholoog),
            advice(2, Profession::Arts),
        ];
        assert_eq!(
            transition(so, AdviesGevraagd, Afgewezen, &advices),
            Ok(Afgewezen)
        );
        assert_eq!(
            transition(RequestKind::Arrangement, InBehandeling, Toegekend, &[]),
            Ok(Toegekend),
            "an arrangement needs no expert advices"
        );
        assert_eq!(
            transition(RequestKind::Arrangement, InBehandeling, AdviesGevraagd, &[]),
            Ok(AdviesGevraagd),
            "but may get one"
        );
        assert_eq!(
            transition(RequestKind::Arrangement, AdviesGevraagd, Toegekend, &[]),
            Ok(Toegekend)
        );
        assert!(Toegekend.next(so).is_empty() && Toegekend.is_final());
        let mut codes: Vec<&str> = RequestKind::ALL.iter().map(|k| k.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 10, "every kind has its own code");
        assert_eq!(
            RequestKind::TlvVerlenging(Placement::Sbo).placement(),
            Some(Placement::Sbo),
            "an SBO extension stays SBO"
        );
        assert_eq!(
            TlvPolicy {
                sbo_school_years: 1,
                ..TlvPolicy::default()
            }
            .default_end(RequestKind::TlvVerlenging(Placement::Sbo), day(2026, 8, 24)),
            Some(day(2027, 7, 31)),
            "an SBO extension takes the SBO duration"
        );
        for k in [
            "advies",
            "tlv-so-hoog",
            "tlv-verlenging-so-midden",
            "tlv-verlenging-sbo",
        ] {
            assert_eq!(RequestKind::from_code(k).map(RequestKind::code), Some(k));
        }
        assert_eq!(Category::Hoog.number(), 3);
    }

    #[test]
    fn what_a_tlv_request_must_hold() {
        let nothing = Completeness::default();
        assert_eq!(missing_for(RequestKind::TlvSbo, &nothing).len(), 4);
        assert!(missing_for(RequestKind::Advies, &nothing).is_empty());
        let all = Completeness {
            groeidocument: true,
            opp: true,
            zienswijze_or_refusal: true,
            tlo_recorded: true,
            arrangement_plan: false,
        };
        assert!(missing_for(RequestKind::TlvSo(Category::Laag), &all).is_empty());
        assert_eq!(
            missing_for(RequestKind::Arrangement, &all),
            vec!["de doelen, de begroting en de periode van het arrangement"]
        );
    }

    #[test]
    fn received_days_are_dutch_days() {
        let t = |s: &str| {
            DateTime::parse_from_rfc3339(s)
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_default()
        };
        // 23:30 UTC on 28 March 2026 is 00:30 on 29 March in Amsterdam (winter time: UTC+1).
        assert_eq!(dutch_day(t("2026-03-28T23:30:00Z")), day(2026, 3, 29));
        // 22:30 UTC on 24 October 2026 is 00:30 on 25 October (summer time: UTC+2).
        assert_eq!(dutch_day(t("2026-10-24T22:30:00Z")), day(2026, 10, 25));
        assert_eq!(
            dutch_day(t("2026-12-31T23:00:00Z")),
            day(2027, 1, 1),
            "new year"
        );
    }

    #[test]
    fn suspensions_move_the_term_on_once_per_day() {
        let p = TlvPolicy::default();
        let received = day(2026, 3, 2);
        assert_eq!(
            p.decision_due_with(received, &[], day(2026, 3, 2)),
            day(2026, 4, 13)
        );
        // Asked for information on 9 March, it came on 16 March: 7 days later.
        let one = Suspension {
            from: day(2026, 3, 9),
            until: Some(day(2026, 3, 16)),
        };
        assert_eq!(
            p.decision_due_with(received, &[one], day(2026, 5, 1)),
            day(2026, 4, 20)
        );
        // An overlapping second request counts its extra days only.
        let two = Suspension {
            from: day(2026, 3, 12),
            until: Some(day(2026, 3, 19)),
        };
        assert_eq!(suspended_days(&[one, two], day(2026, 5, 1)), 10);
        // Still waiting: counted up to today.
        let open = Suspension {
            from: day(2026, 3, 20),
            until: None,
        };
        assert_eq!(suspended_days(&[open], day(2026, 3, 25)), 5);
        // Eight weeks and seven days end on Monday 4 May 2026, made equal to a feestdag (the
        // Monday before 5 May on a Tuesday): the ceiling runs on to Wednesday 6 May.
        assert_eq!(
            awb_ceiling(received, &[one], day(2026, 5, 1)),
            day(2026, 5, 6)
        );
        assert!(
            p.decision_due_with(received, &[one, open], day(2026, 3, 25))
                <= awb_ceiling(received, &[one, open], day(2026, 3, 25))
        );
    }

    #[test]
    fn terms_of_the_issue_run_from_the_day_the_letter_was_sent() {
        // Recorded on Thursday 12 November 2026, sent on Monday 16 November 2026: bezwaar until
        // Monday 28 December 2026, not Thursday 24 December.
        assert_eq!(bezwaar_deadline(day(2026, 11, 16)), day(2026, 12, 28));
        assert_ne!(bezwaar_deadline(day(2026, 11, 16)), day(2026, 12, 24));
        // Sent Friday 13 November: 6 weeks end on Friday 25 December (Christmas), then the
        // weekend: Monday 28 December.
        assert_eq!(bezwaar_deadline(day(2026, 11, 13)), day(2026, 12, 28));
        // Beroep the same way.
        assert_eq!(beroep_deadline(day(2026, 11, 14)), day(2026, 12, 28));
        assert_eq!(beroep_deadline(day(2026, 11, 17)), day(2026, 12, 29));
    }

    #[test]
    fn the_awb_ceiling_moves_off_a_weekend() {
        // Received Sunday 11 October 2026 (a request can arrive in the portal on a Sunday):
        // 8 weeks end on Sunday 6 December, so the ceiling is Monday 7 December.
        assert_eq!(
            awb_ceiling(day(2026, 10, 11), &[], day(2026, 10, 11)),
            day(2026, 12, 7)
        );
        // Received Saturday 31 October 2026 → Saturday 26 December (Tweede Kerstdag) → 28.
        assert_eq!(
            awb_ceiling(day(2026, 10, 31), &[], day(2026, 10, 31)),
            day(2026, 12, 28)
        );
        // A weekday stays.
        assert_eq!(
            awb_ceiling(day(2026, 10, 13), &[], day(2026, 10, 13)),
            day(2026, 12, 8)
        );
    }

    #[test]
    fn a_beslissing_op_bezwaar_is_due_twelve_weeks_after_the_bezwaar_term() {
        // Bezwaar term ended Monday 28 December 2026: 12 weeks → Monday 22 March 2027.
        assert_eq!(bob_due(day(2026, 12, 28), 12), day(2027, 3, 22));
        // Ending on Easter Monday 2027 (29 March) runs on to Tuesday 30 March.
        assert_eq!(bob_due(day(2027, 1, 4), 12), day(2027, 3, 30));
    }

    #[test]
    fn the_same_advice_twice_is_one_advice() {
        assert!(same_advice_text(
            "De leerling heeft  meer nodig.\n",
            "de leerling heeft meer nodig."
        ));
        assert!(!same_advice_text(
            "De leerling heeft meer nodig.",
            "De leerling heeft minder nodig."
        ));
        assert!(!same_advice_text("", "  "));
    }

    #[test]
    fn closed_dossiers_are_kept_three_years_after_the_later_of_activity_and_tlv_end() {
        assert_eq!(keep_until(day(2026, 3, 2), None, 3), day(2029, 3, 2));
        assert_eq!(
            keep_until(day(2026, 3, 2), Some(day(2028, 7, 31)), 3),
            day(2031, 7, 31)
        );
        assert_eq!(
            keep_until(day(2026, 3, 2), Some(day(2025, 7, 31)), 3),
            day(2029, 3, 2)
        );
        // 29 February moves to the last day of February.
        assert_eq!(keep_until(day(2028, 2, 29), None, 1), day(2029, 2, 28));
    }

    #[test]
    fn codes_read_back() {
        for k in RequestKind::ALL {
            assert_eq!(RequestKind::from_code(k.code()), Some(k));
            if let Some(p) = k.placement() {
                assert_eq!(
                    Placement::from_codes(p.type_code(), p.category().map(Category::label_nl)),
                    Some(p)
                );
                assert_eq!(k.with_placement(p), k);
            }
        }
        for s in Status::ALL {
            assert_eq!(Status::from_code(s.code()), Some(s));
        }
        assert_eq!(
            RequestKind::TlvSo(Category::Laag).with_placement(Placement::So(Category::Hoog)),
            RequestKind::TlvSo(Category::Hoog)
        );
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Across DST changes and year ends: the Dutch day of a moment is its UTC day or the next,
        /// and the decision falls exactly the policy's weeks later, on the same weekday.
        #[test]
        fn decision_dates_hold_across_dst_and_year_ends(
            seconds in 1_735_689_600i64..1_893_456_000i64, // 2025-01-01 .. 2030-01-01
            weeks in 1u8..=8,
        ) {
            let t = DateTime::from_timestamp(seconds, 0).unwrap_or_default();
            let received = dutch_day(t);
            let utc_day = t.date_naive();
            prop_assert!(received == utc_day || Some(received) == utc_day.succ_opt());
            let policy = TlvPolicy { decision_weeks: weeks, ..TlvPolicy::default() };
            let due = policy.decision_due(received);
            prop_assert_eq!((due - received).num_days(), 7 * i64::from(weeks));
            prop_assert_eq!(due.weekday(), received.weekday());
            prop_assert!((due - received).num_days() <= 56, "never beyond the Awb's 8 weeks");
            let bezwaar = bezwaar_deadline(due);
            // Six weeks, run on by at most the longest stretch of weekend, feestdagen and days
            // made equal to them (nine days: Saturday 2 May to Monday 11 May 2043).
            prop_assert!((42..=51).contains(&(bezwaar - due).num_days()));
            prop_assert!(!matches!(bezwaar.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun));
            prop_assert!(!is_public_holiday(bezwaar));
        }

        /// A TLV's default end is always a 31 July after its start, within the policy's years.
        #[test]
        fn default_ends_follow_school_years(days in 0u64..3650, years in 1u8..=4) {
            let start = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default() + Days::new(days);
            let policy = TlvPolicy { sbo_school_years: years, ..TlvPolicy::default() };
            let end = policy.default_end(RequestKind::TlvSbo, start);
            prop_assert!(end.is_some());
            let end = end.unwrap_or_default();
            prop_assert_eq!((end.month(), end.day()), (7, 31));
            prop_assert!(end > start);
            prop_assert!((end - start).num_days() >= 181, "at least half a school year");
            prop_assert!((end - start).num_days() <= 366 * (i64::from(years) + 1));
        }
    }
}
