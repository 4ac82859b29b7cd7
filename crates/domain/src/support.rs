//! The support profile as data: a fixed taxonomy of ondersteuningsaanbod, levels, admission
//! routes, and the profile that DUO's `ONDERWIJS` and `CLUSTER` codes imply for SBO and SO.

use crate::duo::{Onderwijs, SchoolType};
use std::collections::BTreeSet;

/// A theme of support. The ids are stable (they are stored and used in URLs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Theme {
    /// Stable id, e.g. `autisme`.
    pub id: &'static str,
    /// Dutch label.
    pub nl: &'static str,
    /// English label.
    pub en: &'static str,
}

/// Every theme, in the order shown in filters.
pub const THEMES: &[Theme] = &[
    Theme {
        id: "leren",
        nl: "Leren en ontwikkeling",
        en: "Learning and development",
    },
    Theme {
        id: "gedrag",
        nl: "Gedrag",
        en: "Behaviour",
    },
    Theme {
        id: "sociaal-emotioneel",
        nl: "Sociaal-emotionele ontwikkeling",
        en: "Social and emotional development",
    },
    Theme {
        id: "autisme",
        nl: "Autisme",
        en: "Autism",
    },
    Theme {
        id: "psychiatrie",
        nl: "Psychiatrische problematiek",
        en: "Psychiatric needs",
    },
    Theme {
        id: "taal-spraak",
        nl: "Taal en spraak (TOS)",
        en: "Language and speech (DLD)",
    },
    Theme {
        id: "dyslexie",
        nl: "Dyslexie",
        en: "Dyslexia",
    },
    Theme {
        id: "dyscalculie",
        nl: "Dyscalculie",
        en: "Dyscalculia",
    },
    Theme {
        id: "hoogbegaafdheid",
        nl: "Meer- en hoogbegaafdheid",
        en: "Gifted and talented",
    },
    Theme {
        id: "verstandelijke-beperking",
        nl: "Verstandelijke beperking (ZML)",
        en: "Intellectual disability",
    },
    Theme {
        id: "motoriek-lichamelijk",
        nl: "Motoriek en lichamelijke beperking",
        en: "Motor and physical disability",
    },
    Theme {
        id: "meervoudige-beperking",
        nl: "Meervoudige beperking",
        en: "Multiple disabilities",
    },
    Theme {
        id: "horen",
        nl: "Horen (doof en slechthorend)",
        en: "Hearing (deaf and hard of hearing)",
    },
    Theme {
        id: "zien",
        nl: "Zien (blind en slechtziend)",
        en: "Sight (blind and visually impaired)",
    },
    Theme {
        id: "medisch",
        nl: "Medisch en langdurig ziek",
        en: "Medical needs and long-term illness",
    },
    Theme {
        id: "nt2",
        nl: "Nederlands als tweede taal, nieuwkomers",
        en: "Dutch as a second language, newcomers",
    },
    Theme {
        id: "jonge-risicoleerlingen",
        nl: "Jonge risicoleerlingen",
        en: "Young children at risk",
    },
];

/// The theme with this id.
pub fn theme(id: &str) -> Option<&'static Theme> {
    THEMES.iter().find(|t| t.id == id)
}

/// Whether support is part of what every school offers or extra.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Basisondersteuning.
    Basis,
    /// Extra ondersteuning.
    Extra,
}

impl Level {
    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            Level::Basis => "basis",
            Level::Extra => "extra",
        }
    }

    /// Reads a stored code.
    pub fn from_code(code: &str) -> Option<Level> {
        match code {
            "basis" => Some(Level::Basis),
            "extra" => Some(Level::Extra),
            _ => None,
        }
    }
}

/// How a child gets a place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Parents register the child directly.
    Direct,
    /// A toelaatbaarheidsverklaring is needed first.
    Tlv,
    /// Placement through an overleg of current school, receiving school and parents.
    Plaatsingsoverleg,
    /// Cluster 1 and 2 schools are not part of the SWV and have their own admission.
    EigenToelating,
}

impl Admission {
    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            Admission::Direct => "direct",
            Admission::Tlv => "tlv",
            Admission::Plaatsingsoverleg => "plaatsingsoverleg",
            Admission::EigenToelating => "eigen-toelating",
        }
    }

    /// Reads a stored code.
    pub fn from_code(code: &str) -> Option<Admission> {
        match code {
            "direct" => Some(Admission::Direct),
            "tlv" => Some(Admission::Tlv),
            "plaatsingsoverleg" => Some(Admission::Plaatsingsoverleg),
            "eigen-toelating" => Some(Admission::EigenToelating),
            _ => None,
        }
    }
}

/// Why an offer (a profile or a voorziening) is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OfferProblem {
    /// A theme id that is not in [`THEMES`].
    UnknownTheme(String),
    /// An admission code that is not known.
    UnknownAdmission(String),
    /// Negative places or waiting list.
    Negative,
}

impl OfferProblem {
    /// The message in Dutch.
    pub fn message_nl(&self) -> String {
        match self {
            OfferProblem::UnknownTheme(t) => {
                let known: Vec<&str> = THEMES.iter().map(|t| t.id).collect();
                format!("onbekend thema '{t}'; kies uit: {}", known.join(", "))
            }
            OfferProblem::UnknownAdmission(a) => format!(
                "toelating moet direct, tlv, plaatsingsoverleg of eigen-toelating zijn, niet '{a}'"
            ),
            OfferProblem::Negative => "plaatsen en wachtlijst kunnen niet negatief zijn".to_owned(),
        }
    }
}

/// Checks what profiles and voorzieningen share: known themes, a known admission route, and no
/// negative places or waiting list.
pub fn check_offer(
    themes: &[String],
    admission: &str,
    places: Option<i64>,
    waiting: Option<i64>,
) -> Result<(), OfferProblem> {
    if let Some(bad) = themes.iter().find(|t| theme(t).is_none()) {
        return Err(OfferProblem::UnknownTheme(bad.clone()));
    }
    if Admission::from_code(admission).is_none() {
        return Err(OfferProblem::UnknownAdmission(admission.to_owned()));
    }
    if places.is_some_and(|n| n < 0) || waiting.is_some_and(|n| n < 0) {
        return Err(OfferProblem::Negative);
    }
    Ok(())
}

/// The themes that DUO's codes of an SBO or SO/VSO location imply (old WEC categories,
/// `LAYOUTS.md` §2). Regular schools imply nothing: their profile must be filled in by the school.
pub fn derived_themes(
    school_type: SchoolType,
    clusters: &BTreeSet<u8>,
    onderwijs: &[Onderwijs],
) -> BTreeSet<&'static str> {
    let mut out = BTreeSet::new();
    if school_type == SchoolType::Sbo {
        out.extend(["leren", "gedrag"]);
    }
    for item in onderwijs {
        for category in &item.categories {
            match category.as_str() {
                "ZMLK" => {
                    out.insert("verstandelijke-beperking");
                }
                "LG" => {
                    out.insert("motoriek-lichamelijk");
                }
                "MG" | "MGF" | "MGA" | "MGB" => {
                    out.insert("meervoudige-beperking");
                }
                "LZ/S" => {
                    out.insert("medisch");
                }
                "LZ/P" => {
                    out.insert("psychiatrie");
                }
                "ZMOK" | "PI" => {
                    out.extend(["gedrag", "sociaal-emotioneel"]);
                }
                "ESM" => {
                    out.insert("taal-spraak");
                }
                "DOVN" | "SH" => {
                    out.insert("horen");
                }
                "DOBLN" => {
                    out.extend(["horen", "zien"]);
                }
                "VG" | "BL" => {
                    out.insert("zien");
                }
                _ => {}
            }
        }
    }
    if clusters.contains(&2) {
        out.extend(["taal-spraak", "horen"]);
    }
    if clusters.contains(&1) {
        out.insert("zien");
    }
    out
}

/// How DUO's school type implies admission: SBO and SO cluster 3/4 need a TLV from the SWV;
/// cluster 1 and 2 have their own admission (not through the SWV); a regular school is direct.
pub fn derived_admission(school_type: SchoolType, clusters: &BTreeSet<u8>) -> Admission {
    match school_type {
        SchoolType::Bo => Admission::Direct,
        SchoolType::Sbo => Admission::Tlv,
        _ if clusters.iter().all(|c| *c <= 2) && !clusters.is_empty() => Admission::EigenToelating,
        _ => Admission::Tlv,
    }
}

/// One of DUO's old WEC categories in plain words (Dutch, English): who the education is for.
fn category_words(code: &str) -> Option<(&'static str, &'static str)> {
    Some(match code {
        "ZMLK" => (
            "kinderen die zeer moeilijk leren",
            "children with severe learning difficulties",
        ),
        "LG" => (
            "kinderen met een lichamelijke beperking",
            "children with a physical disability",
        ),
        "MG" | "MGF" | "MGA" | "MGB" => (
            "kinderen met een meervoudige beperking",
            "children with multiple disabilities",
        ),
        "LZ/S" => (
            "kinderen die langdurig lichamelijk ziek zijn",
            "children with a long-term physical illness",
        ),
        "LZ/P" => (
            "kinderen met langdurige psychiatrische problemen",
            "children with long-term psychiatric needs",
        ),
        "ZMOK" => (
            "kinderen met ernstige gedragsproblemen",
            "children with severe behavioural needs",
        ),
        "PI" => (
            "kinderen in een instelling voor kinderpsychiatrie",
            "children in a child psychiatry institution",
        ),
        "DOVN" | "DOBLN" => ("kinderen die doof zijn", "deaf children"),
        "SH" => ("kinderen die slechthorend zijn", "hard-of-hearing children"),
        "ESM" => (
            "kinderen met een ernstige taal- of spraakstoornis",
            "children with a severe language or speech disorder",
        ),
        _ => return None,
    })
}

/// A level of DUO's `ONDERWIJS` field in plain words (Dutch, English).
fn level_words(level: &str) -> Option<(&'static str, &'static str)> {
    Some(match level {
        "SBAO" => ("Speciaal basisonderwijs", "Special primary education (SBO)"),
        "SO" => (
            "Speciaal onderwijs (basisschoolleeftijd)",
            "Special education (primary school age)",
        ),
        "VSO" => (
            "Voortgezet speciaal onderwijs (12 tot 20 jaar)",
            "Secondary special education (12 to 20)",
        ),
        _ => return None,
    })
}

/// DUO's `ONDERWIJS` field in plain words, one line per part (`SO ZMOK` → "Speciaal onderwijs
/// (basisschoolleeftijd) voor kinderen met ernstige gedragsproblemen"); a code without words
/// stays as DUO writes it.
pub fn onderwijs_in_words(onderwijs: &[Onderwijs], english: bool) -> Vec<String> {
    let pick = |(nl, en): (&'static str, &'static str)| if english { en } else { nl };
    onderwijs
        .iter()
        .map(|o| {
            // `RP-` is the same education given in an institution where the child lives or is
            // treated (residentiële plaatsing).
            let (code, place) = match o.level.strip_prefix("RP-") {
                Some(code) => (
                    code,
                    pick((
                        ", in een instelling waar het kind woont of behandeld wordt",
                        ", in an institution where the child lives or is treated",
                    )),
                ),
                None => (o.level.as_str(), ""),
            };
            let level = level_words(code).map_or(o.level.as_str(), pick);
            let who: Vec<&str> = o
                .categories
                .iter()
                .map(|c| category_words(c).map_or(c.as_str(), pick))
                .collect();
            if who.is_empty() {
                format!("{level}{place}")
            } else {
                let joined = match who.split_last() {
                    Some((last, rest)) if !rest.is_empty() => {
                        let and = if english { "and" } else { "en" };
                        format!("{} {and} {last}", rest.join(", "))
                    }
                    _ => who.join(""),
                };
                let prep = if english { "for" } else { "voor" };
                format!("{level} {prep} {joined}{place}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::duo::{parse_clusters, parse_onderwijs};

    #[test]
    fn themes_are_unique_and_known() {
        let ids: BTreeSet<_> = THEMES.iter().map(|t| t.id).collect();
        assert_eq!(ids.len(), THEMES.len());
        assert_eq!(theme("autisme").map(|t| t.nl), Some("Autisme"));
        assert!(theme("onbekend").is_none());
    }

    #[test]
    fn derives_from_duo_codes() {
        let t = derived_themes(
            SchoolType::SoVso,
            &parse_clusters("4"),
            &parse_onderwijs("SO ZMOK + VSO ZMOK + RP-VSO ZMOK"),
        );
        assert_eq!(
            t.into_iter().collect::<Vec<_>>(),
            vec!["gedrag", "sociaal-emotioneel"]
        );
        let t = derived_themes(
            SchoolType::SoVso,
            &parse_clusters("3/4"),
            &parse_onderwijs("SO LG + VSO LG + SO LZ/P"),
        );
        assert!(t.contains("motoriek-lichamelijk") && t.contains("psychiatrie"));
        let t = derived_themes(SchoolType::So, &parse_clusters("2"), &[]);
        assert!(t.contains("taal-spraak") && t.contains("horen") && !t.contains("zien"));
        let t = derived_themes(
            SchoolType::So,
            &parse_clusters("3"),
            &parse_onderwijs("SO LZ/P"),
        );
        assert!(
            t.contains("psychiatrie") && !t.contains("medisch"),
            "LZ/P is not somatic"
        );
        assert!(derived_themes(SchoolType::Bo, &BTreeSet::new(), &[]).is_empty());
        for id in derived_themes(SchoolType::Sbo, &BTreeSet::new(), &parse_onderwijs("SBAO")) {
            assert!(theme(id).is_some(), "{id}");
        }
    }

    #[test]
    fn admission_routes() {
        assert_eq!(
            derived_admission(SchoolType::Sbo, &BTreeSet::new()),
            Admission::Tlv
        );
        assert_eq!(
            derived_admission(SchoolType::So, &parse_clusters("2")),
            Admission::EigenToelating
        );
        assert_eq!(
            derived_admission(SchoolType::SoVso, &parse_clusters("3/4")),
            Admission::Tlv
        );
        assert_eq!(
            derived_admission(SchoolType::Bo, &BTreeSet::new()),
            Admission::Direct
        );
        assert_eq!(Admission::from_code("tlv"), Some(Admission::Tlv));
        assert_eq!(Level::from_code(Level::Extra.code()), Some(Level::Extra));
    }

    #[test]
    fn duo_codes_in_plain_words() {
        let o = crate::duo::parse_onderwijs("SO ZMOK + VSO ZMOK + RP-VSO ZMOK");
        let words = onderwijs_in_words(&o, false);
        assert_eq!(
            words[0],
            "Speciaal onderwijs (basisschoolleeftijd) voor kinderen met ernstige gedragsproblemen"
        );
        assert_eq!(
            words[2],
            "Voortgezet speciaal onderwijs (12 tot 20 jaar) voor kinderen met ernstige gedragsproblemen, in een instelling waar het kind woont of behandeld wordt"
        );
        let two = crate::duo::parse_onderwijs("SO LZ/P,ZMOK");
        assert_eq!(
            onderwijs_in_words(&two, true),
            [
                "Special education (primary school age) for children with long-term psychiatric needs and children with severe behavioural needs"
            ]
        );
        let unknown = crate::duo::parse_onderwijs("XX QQ");
        assert_eq!(onderwijs_in_words(&unknown, false), ["XX voor QQ"]);
    }
}
