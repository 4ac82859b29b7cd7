//! PDF letters of Passend, typeset by typst with its own fonts (no system fonts, no network) as
//! tagged PDF/UA-1: the decision letter on a toelaatbaarheidsverklaring (TLV) with the bezwaar
//! clause, and the beslissing op bezwaar with the beroep clause. Rendering takes a few milliseconds after the engine is built once (fonts parsed);
//! callers run it on a blocking thread.

use std::sync::LazyLock;
use typst::foundations::{Dict, IntoValue, Str};
use typst_as_lib::{TypstEngine, TypstTemplateMainFile};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards};

const DECISION_TEMPLATE: &str = include_str!("../templates/besluit-tlv.typ");
const BEZWAAR_TEMPLATE: &str = include_str!("../templates/beslissing-op-bezwaar.typ");

static DECISION: LazyLock<TypstEngine<TypstTemplateMainFile>> = LazyLock::new(|| {
    TypstEngine::builder()
        .main_file(DECISION_TEMPLATE)
        .fonts(typst_assets::fonts())
        .build()
});

static BEZWAAR: LazyLock<TypstEngine<TypstTemplateMainFile>> = LazyLock::new(|| {
    TypstEngine::builder()
        .main_file(BEZWAAR_TEMPLATE)
        .fonts(typst_assets::fonts())
        .build()
});

/// Why a letter could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// The template did not compile with these data.
    #[error("typst: {0}")]
    Compile(String),
    /// The PDF could not be written.
    #[error("pdf: {0}")]
    Export(String),
}

/// The decision letter on a TLV. Dates arrive written out in Dutch ("13 april 2026").
#[derive(Debug, Clone, Default)]
pub struct DecisionLetter {
    /// The samenwerkingsverband.
    pub swv: String,
    /// Its postal address, for bezwaar.
    pub swv_address: String,
    /// The date of the letter.
    pub date: String,
    /// The beschikkingsnummer.
    pub beschikkingsnummer: String,
    /// The pupil's name.
    pub pupil: String,
    /// The pupil's date of birth.
    pub birth_date: String,
    /// The applying school.
    pub school: String,
    /// When the complete request was received.
    pub received: String,
    /// Toelaatbaar (true) or not.
    pub toelaatbaar: bool,
    /// "speciaal basisonderwijs" or "speciaal onderwijs".
    pub education: String,
    /// For SO: laag, midden or hoog.
    pub category: Option<String>,
    /// First day of validity.
    pub start: String,
    /// Last day of validity; `None`: no end date.
    pub end: Option<String>,
    /// The school the pupil is expected to go to, when known.
    pub receiving_school: Option<String>,
    /// Why, in plain Dutch.
    pub reasons: String,
    /// The two experts' professions, e.g. "een orthopedagoog en een arts".
    pub experts: String,
    /// The day the letter was sent and the last day for bezwaar, once it was sent. Before that
    /// (a concept for staff) the letter names the term without a date.
    pub sent: Option<(String, String)>,
    /// The named contact person and how to reach them.
    pub contact: String,
    /// Who signs.
    pub signed_by: String,
    /// Their role.
    pub signed_role: String,
}

fn inputs(l: &DecisionLetter) -> Dict {
    let mut d = Dict::new();
    let mut put = |k: &str, v: &str| {
        d.insert(Str::from(k), Str::from(v).into_value());
    };
    put("swv", &l.swv);
    put("swv_adres", &l.swv_address);
    put("datum", &l.date);
    put("beschikkingsnummer", &l.beschikkingsnummer);
    put("leerling", &l.pupil);
    put("geboortedatum", &l.birth_date);
    put("school", &l.school);
    put("ontvangen", &l.received);
    put("toelaatbaar", if l.toelaatbaar { "ja" } else { "nee" });
    put("onderwijs", &l.education);
    put("categorie", l.category.as_deref().unwrap_or_default());
    put("start", &l.start);
    put("einde", l.end.as_deref().unwrap_or_default());
    put(
        "ontvangende_school",
        l.receiving_school.as_deref().unwrap_or_default(),
    );
    put("motivering", &l.reasons);
    put("deskundigen", &l.experts);
    put(
        "verzonden",
        l.sent.as_ref().map(|s| s.0.as_str()).unwrap_or_default(),
    );
    put(
        "bezwaar_tot",
        l.sent.as_ref().map(|s| s.1.as_str()).unwrap_or_default(),
    );
    put("contact", &l.contact);
    put("ondertekenaar", &l.signed_by);
    put("functie", &l.signed_role);
    d
}

/// The beslissing op bezwaar (Awb 7:11, 7:12): the outcome, what changes, why, and beroep at
/// the rechtbank within six weeks. Dates arrive written out in Dutch.
#[derive(Debug, Clone, Default)]
pub struct BezwaarLetter {
    /// The samenwerkingsverband.
    pub swv: String,
    /// Its postal address.
    pub swv_address: String,
    /// The date of the letter.
    pub date: String,
    /// The day it was sent and the last day for beroep, once it was sent.
    pub sent: Option<(String, String)>,
    /// The beschikkingsnummer of the decision objected to.
    pub beschikkingsnummer: String,
    /// The date of that decision.
    pub decision_date: String,
    /// The pupil's name.
    pub pupil: String,
    /// Who objected, as the letter addresses them ("de ouders of verzorgers van Sam Jansen").
    pub addressee: String,
    /// The greeting, without the comma ("Beste ouders of verzorgers").
    pub salutation: String,
    /// Who else gets the beslissing (Awb 7:12 lid 2: the other belanghebbenden); may be empty.
    pub copies: String,
    /// The day the bezwaar was received.
    pub received: String,
    /// "speciaal basisonderwijs" or "speciaal onderwijs".
    pub education: String,
    /// `gegrond`, `ongegrond`, `niet-ontvankelijk`.
    pub outcome: String,
    /// The LBT's advice and its date, if it was given.
    pub lbt: Option<(String, String)>,
    /// The day the bezwaar was put to the LBT, when its advice was not awaited (a bezwaar
    /// granted in full); empty otherwise.
    pub lbt_asked: String,
    /// Why the beslissing deviates from the LBT's advice (Awb 7:13 lid 7); empty when it
    /// follows it.
    pub deviation: String,
    /// The new decision, when the decision is revoked: one sentence.
    pub new_decision: Option<String>,
    /// Why.
    pub reasons: String,
    /// Where beroep goes.
    pub rechtbank: String,
    /// The contact person.
    pub contact: String,
    /// Who signs.
    pub signed_by: String,
    /// Their role.
    pub signed_role: String,
}

fn bezwaar_inputs(l: &BezwaarLetter) -> Dict {
    let mut d = Dict::new();
    let mut put = |k: &str, v: &str| {
        d.insert(Str::from(k), Str::from(v).into_value());
    };
    put("swv", &l.swv);
    put("swv_adres", &l.swv_address);
    put("datum", &l.date);
    put(
        "verzonden",
        l.sent.as_ref().map(|s| s.0.as_str()).unwrap_or_default(),
    );
    put(
        "beroep_tot",
        l.sent.as_ref().map(|s| s.1.as_str()).unwrap_or_default(),
    );
    put("beschikkingsnummer", &l.beschikkingsnummer);
    put("besluitdatum", &l.decision_date);
    put("leerling", &l.pupil);
    put("aan", &l.addressee);
    put("aanhef", &l.salutation);
    put("kopie", &l.copies);
    put("lbt_gevraagd", &l.lbt_asked);
    put("afwijking", &l.deviation);
    put("ontvangen", &l.received);
    put("onderwijs", &l.education);
    put("uitkomst", &l.outcome);
    put(
        "lbt_advies",
        l.lbt.as_ref().map(|x| x.0.as_str()).unwrap_or_default(),
    );
    put(
        "lbt_datum",
        l.lbt.as_ref().map(|x| x.1.as_str()).unwrap_or_default(),
    );
    put(
        "nieuw_besluit",
        l.new_decision.as_deref().unwrap_or_default(),
    );
    put("motivering", &l.reasons);
    put("rechtbank", &l.rechtbank);
    put("contact", &l.contact);
    put("ondertekenaar", &l.signed_by);
    put("functie", &l.signed_role);
    d
}

/// Typesets the beslissing op bezwaar as a tagged PDF/UA-1 document.
pub fn bezwaar_letter(letter: &BezwaarLetter) -> Result<Vec<u8>, PdfError> {
    let doc: PagedDocument = BEZWAAR
        .compile_with_input(bezwaar_inputs(letter))
        .output
        .map_err(|e| PdfError::Compile(e.to_string()))?;
    export(&doc)
}

/// Typesets the decision letter as a tagged PDF/UA-1 document.
pub fn decision_letter(letter: &DecisionLetter) -> Result<Vec<u8>, PdfError> {
    let doc: PagedDocument = DECISION
        .compile_with_input(inputs(letter))
        .output
        .map_err(|e| PdfError::Compile(e.to_string()))?;
    export(&doc)
}

fn export(doc: &PagedDocument) -> Result<Vec<u8>, PdfError> {
    let standards =
        PdfStandards::new(&[PdfStandard::Ua_1]).map_err(|e| PdfError::Export(format!("{e:?}")))?;
    let options = PdfOptions {
        standards,
        tagged: true,
        ..PdfOptions::default()
    };
    typst_pdf::pdf(doc, &options).map_err(|e| PdfError::Export(format!("{e:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letter() -> DecisionLetter {
        DecisionLetter {
            swv: "Passend Onderwijs Almere".to_owned(),
            swv_address: "Postbus 10000, 1300 AA Almere".to_owned(),
            date: "13 april 2026".to_owned(),
            beschikkingsnummer: "PO2401-2026-00042".to_owned(),
            pupil: "Sam Jansen".to_owned(),
            birth_date: "4 mei 2018".to_owned(),
            school: "Basisschool De Ark".to_owned(),
            received: "2 maart 2026".to_owned(),
            toelaatbaar: true,
            education: "speciaal onderwijs".to_owned(),
            category: Some("midden".to_owned()),
            start: "1 mei 2026".to_owned(),
            end: Some("31 juli 2028".to_owned()),
            receiving_school: Some("SO De Bongerd".to_owned()),
            reasons: "Sam heeft meer ondersteuning nodig dan de basisschool kan bieden, ook met een arrangement.".to_owned(),
            experts: "een orthopedagoog en een arts".to_owned(),
            sent: Some(("dinsdag 14 april 2026".to_owned(), "dinsdag 26 mei 2026".to_owned())),
            contact: "Tessa Toeleider, 036 000 00 00".to_owned(),
            signed_by: "Tessa Toeleider".to_owned(),
            signed_role: "toeleider".to_owned(),
        }
    }

    /// The text of a PDF as `pdftotext` (poppler-utils) reads it: what a screen reader and a
    /// search will find.
    fn text_of(pdf: &[u8]) -> String {
        let dir = std::env::temp_dir().join(format!("passend-pdf-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join(format!("{}.pdf", pdf.len()));
        let _ = std::fs::write(&path, pdf);
        let out = std::process::Command::new("pdftotext")
            .arg(&path)
            .arg("-")
            .output();
        let _ = std::fs::remove_file(&path);
        match out {
            // Words hyphenated at a line end come back whole.
            Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout)
                .replace("\u{ad}\n", "")
                .replace('\u{ad}', ""),
            Ok(o) => format!("pdftotext failed: {}", String::from_utf8_lossy(&o.stderr)),
            Err(e) => {
                format!("pdftotext is not installed ({e}); scripts/test installs poppler-utils")
            }
        }
    }

    #[test]
    fn the_letter_states_the_decision_and_the_bezwaar_clause() -> Result<(), PdfError> {
        let pdf = decision_letter(&letter())?;
        assert!(pdf.starts_with(b"%PDF-"));
        let text = text_of(&pdf)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        for expected in [
            "Besluit over de toelaatbaarheidsverklaring van Sam Jansen",
            "PO2401-2026-00042",
            "Sam Jansen is toelaatbaar tot het speciaal onderwijs, bekostigingscategorie midden",
            "geldt van 1 mei 2026 tot en met 31 juli 2028",
            "een orthopedagoog en een arts",
            "aanmelden bij SO De Bongerd, of bij een andere school voor speciaal onderwijs",
            "Datum: 13 april 2026",
            "het beschikkingsnummer PO2401-2026-00042;",
            "Verzonden: dinsdag 14 april 2026",
            "dus uiterlijk op dinsdag 26 mei 2026",
            "Landelijke Bezwaaradviescommissie Toelaatbaarheidsverklaring (LBT)",
            "niet later dan een week daarna ontvangen",
            "Tijdens het bezwaar blijft dit besluit gelden",
            "voorlopige voorziening",
            "Oudersteunpunt",
        ] {
            assert!(text.contains(expected), "{expected:?} not in: {text}");
        }
        assert!(!text.contains("Concept"), "{text}");
        // Tagged, with a title and the Dutch language, as PDF/UA-1 asks.
        let raw = String::from_utf8_lossy(&pdf);
        assert!(raw.contains("/StructTreeRoot") && raw.contains("/MarkInfo"));
        assert!(raw.contains("/Lang"));
        Ok(())
    }

    #[test]
    fn a_letter_not_yet_sent_names_the_term_without_a_date() -> Result<(), PdfError> {
        let mut concept = letter();
        concept.sent = None;
        let text = text_of(&decision_letter(&concept)?)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            text.contains(
                "binnen zes weken na de dag waarop deze brief aan u is verzonden of uitgereikt"
            ),
            "{text}"
        );
        assert!(!text.contains("uiterlijk op"), "{text}");
        assert!(
            text.contains("Concept: deze brief is nog niet verzonden"),
            "{text}"
        );
        Ok(())
    }

    fn bezwaar() -> BezwaarLetter {
        BezwaarLetter {
            swv: "Passend Onderwijs Almere".to_owned(),
            swv_address: "Postbus 10000, 1300 AA Almere".to_owned(),
            date: "maandag 8 februari 2027".to_owned(),
            sent: Some((
                "dinsdag 9 februari 2027".to_owned(),
                "dinsdag 23 maart 2027".to_owned(),
            )),
            beschikkingsnummer: "PO2401-2026-00042".to_owned(),
            decision_date: "maandag 16 november 2026".to_owned(),
            pupil: "Sam Jansen".to_owned(),
            addressee: "de ouders of verzorgers van Sam Jansen".to_owned(),
            salutation: "Beste ouders of verzorgers".to_owned(),
            copies: "Basisschool De Ark".to_owned(),
            lbt_asked: String::new(),
            deviation: String::new(),
            received: "maandag 7 december 2026".to_owned(),
            education: "speciaal onderwijs".to_owned(),
            outcome: "gegrond".to_owned(),
            lbt: Some(("gegrond".to_owned(), "maandag 25 januari 2027".to_owned())),
            new_decision: Some(
                "Sam Jansen is toelaatbaar tot het speciaal onderwijs, bekostigingscategorie midden, van maandag 1 maart 2027 tot en met zaterdag 31 juli 2027.".to_owned(),
            ),
            reasons: "De adviezen lieten zien dat Sam meer nodig heeft.".to_owned(),
            rechtbank: "de rechtbank in het arrondissement waar u woont (sector bestuursrecht)"
                .to_owned(),
            contact: "Tessa Toeleider, t@swv.nl".to_owned(),
            signed_by: "Tessa Toeleider".to_owned(),
            signed_role: "toeleider".to_owned(),
        }
    }

    #[test]
    fn the_beslissing_op_bezwaar_names_the_outcome_and_beroep() -> Result<(), PdfError> {
        let pdf = bezwaar_letter(&bezwaar())?;
        let text = text_of(&pdf)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        for expected in [
            "Beslissing op uw bezwaar",
            "Beste ouders of verzorgers,",
            "Een kopie gaat naar: Basisschool De Ark",
            "Wij vinden uw bezwaar gegrond",
            "Wij trekken ons besluit van maandag 16 november 2026 in (wij herroepen het)",
            "bekostigingscategorie midden",
            "De LBT gaf op maandag 25 januari 2027 het advies",
            "Het advies van de LBT zit bij deze brief",
            "Wij volgen dit advies.",
            "in beroep gaan bij de rechtbank in het arrondissement waar u woont",
            "dus uiterlijk op dinsdag 23 maart 2027",
            "rechtspraak.nl",
            "Krijgt u gelijk? Dan krijgt u het griffierecht terug",
            "voorlopige voorziening",
            "PO2401-2026-00042",
        ] {
            assert!(text.contains(expected), "{expected:?} not in: {text}");
        }
        assert!(!text.contains("Concept"), "{text}");
        let raw = String::from_utf8_lossy(&pdf);
        assert!(raw.contains("/StructTreeRoot") && raw.contains("/Lang"));
        // Against the advice, with the reason; not yet sent: a concept without a date.
        let mut kept = bezwaar();
        kept.outcome = "ongegrond".to_owned();
        kept.new_decision = None;
        kept.deviation = "De LBT kende het nieuwe verslag van de school niet.".to_owned();
        kept.sent = None;
        let text = text_of(&bezwaar_letter(&kept)?)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        for expected in [
            "Concept: deze brief is nog niet verzonden",
            "Wij vinden uw bezwaar ongegrond",
            "Ons besluit van maandag 16 november 2026 blijft gelden",
            "Wij volgen dit advies niet. Dat doen wij om deze reden: De LBT kende het nieuwe verslag",
            "binnen zes weken na de dag waarop deze brief aan u is verzonden of uitgereikt",
        ] {
            assert!(text.contains(expected), "{expected:?} not in: {text}");
        }
        assert!(!text.contains("uiterlijk op"), "{text}");
        // Granted in full while the LBT was asked: its advice is not awaited, and said so.
        let mut early = bezwaar();
        early.lbt = None;
        early.lbt_asked = "maandag 4 januari 2027".to_owned();
        let text = text_of(&bezwaar_letter(&early)?)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            text.contains("Daarom wachten wij het advies van de LBT niet af"),
            "{text}"
        );
        assert!(!text.contains("zit bij deze brief"), "{text}");
        Ok(())
    }

    #[test]
    fn a_refusal_and_a_tlv_without_end_date() -> Result<(), PdfError> {
        let mut refused = letter();
        refused.toelaatbaar = false;
        let text = text_of(&decision_letter(&refused)?)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            text.contains("Sam Jansen is niet toelaatbaar tot het speciaal onderwijs"),
            "{text}"
        );
        let mut open_ended = letter();
        open_ended.end = None;
        let text = text_of(&decision_letter(&open_ended)?)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            text.contains("vanaf 1 mei 2026 en heeft geen einddatum"),
            "{text}"
        );
        // Typst markup in the data stays text.
        let mut tricky = letter();
        tricky.reasons = "#set page(fill: red) *niet vet* $x$ <label> @ref".to_owned();
        let text = text_of(&decision_letter(&tricky)?);
        assert!(text.contains("#set page(fill: red) *niet vet*"), "{text}");
        Ok(())
    }
}
