//! The begrippenlijst: terms with definitions, a search that works on the server (so without
//! JavaScript), an A–Z index, and the patterns used to link terms from the other pages.

use crate::text::fold;

/// One term of the begrippenlijst, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// The anchor id (`tlv`), the same in every language.
    pub key: String,
    /// The term as shown.
    pub term: String,
    /// The full form of an abbreviation.
    pub expansion: Option<String>,
    /// Other forms that link to this term.
    pub aliases: Vec<String>,
    /// The definition in Markdown.
    pub definition: String,
}

impl Term {
    /// The index letter of this term: `A`–`Z`, or `#` for anything else.
    pub fn letter(&self) -> char {
        fold(&self.term)
            .chars()
            .find(|c| c.is_alphanumeric())
            .map(|c| c.to_ascii_uppercase())
            .filter(char::is_ascii_uppercase)
            .unwrap_or('#')
    }

    /// Whether the term is written as an abbreviation (it has an expansion).
    pub fn is_abbreviation(&self) -> bool {
        self.expansion.is_some()
    }
}

/// The begrippenlijst of one language, sorted A–Z.
#[derive(Debug, Clone, Default)]
pub struct Glossary {
    terms: Vec<Term>,
}

/// The folded words of a text: letters and digits only.
fn words(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A text folded and without anything but letters and digits: `IB'er` and `ib-er` both give `iber`.
fn squash(text: &str) -> String {
    fold(text).chars().filter(|c| c.is_alphanumeric()).collect()
}

/// A search hit, ranked: a match on the term itself comes before a match in the definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Rank {
    Exact,
    TermOrAlias,
    Definition,
}

impl Glossary {
    /// Builds the list and sorts it A–Z, ignoring case and accents.
    pub fn new(mut terms: Vec<Term>) -> Glossary {
        terms.sort_by_cached_key(|t| (fold(&t.term), t.key.clone()));
        Glossary { terms }
    }

    /// Every term, A–Z.
    pub fn terms(&self) -> &[Term] {
        &self.terms
    }

    /// The number of terms.
    pub fn len(&self) -> usize {
        self.terms.len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Finds terms for a query, ignoring case, accents and punctuation (`IBer` finds `IB'er`).
    ///
    /// Every word of the query must match. A word matches a name (the term, its expansion or an
    /// alias) when a word of that name starts with it; words of four letters or more also match
    /// words of the definition that start with them. Short words (up to three letters) match
    /// only whole words of names, so `so` finds SO and not every "soms". Hits on the whole name
    /// come first, then hits on names, then hits in definitions; A–Z within each.
    pub fn search(&self, query: &str) -> Vec<&Term> {
        let query_words = words(query);
        if query_words.is_empty() {
            return self.terms.iter().collect();
        }
        let whole = squash(query);
        let mut hits: Vec<(Rank, &Term)> = Vec::new();
        for t in &self.terms {
            let names: Vec<&str> = std::iter::once(t.term.as_str())
                .chain(t.expansion.as_deref())
                .chain(t.aliases.iter().map(String::as_str))
                .collect();
            let name_words: Vec<String> = names.iter().flat_map(|n| words(n)).collect();
            let definition_words = words(&t.definition);
            let in_names = |w: &String| {
                name_words.iter().any(|n| {
                    if w.chars().count() <= 3 {
                        n == w
                    } else {
                        n.starts_with(w.as_str())
                    }
                })
            };
            let in_definition = |w: &String| {
                w.chars().count() >= 4 && definition_words.iter().any(|d| d.starts_with(w.as_str()))
            };
            let squashed: Vec<String> = names.iter().map(|n| squash(n)).collect();
            let rank = if squashed.contains(&whole) {
                Rank::Exact
            } else if query_words.iter().all(in_names)
                || (whole.chars().count() >= 4
                    && squashed.iter().any(|n| n.starts_with(whole.as_str())))
            {
                Rank::TermOrAlias
            } else if query_words.iter().all(|w| in_names(w) || in_definition(w)) {
                Rank::Definition
            } else {
                continue;
            };
            hits.push((rank, t));
        }
        hits.sort_by_key(|(rank, _)| *rank);
        hits.into_iter().map(|(_, t)| t).collect()
    }

    /// The letters `A`–`Z` with whether any of `terms` starts with it, for the index.
    pub fn letters(terms: &[&Term]) -> Vec<(char, bool)> {
        ('A'..='Z')
            .map(|l| (l, terms.iter().any(|t| t.letter() == l)))
            .collect()
    }

    /// The patterns used to link terms from the pages: the term, its expansion and its aliases.
    pub fn link_patterns(&self) -> Vec<LinkPattern> {
        let mut out = Vec::new();
        for (index, t) in self.terms.iter().enumerate() {
            let forms = std::iter::once(&t.term)
                .chain(t.expansion.iter())
                .chain(t.aliases.iter());
            for form in forms {
                // Terms like "Cluster 1–4" or "BRON / ROD" are shown as written; only plain words link.
                let form = form.trim();
                if form.chars().count() < 2 || form.contains('/') || form.contains('(') {
                    continue;
                }
                out.push(LinkPattern {
                    term: index,
                    text: form.to_owned(),
                    case_sensitive: form.chars().filter(|c| c.is_uppercase()).count() >= 2,
                    is_abbreviation: t.expansion.is_some() && form == t.term,
                    is_name: form == t.term || t.expansion.as_deref() == Some(form),
                });
            }
        }
        // Longest first, so that "extra ondersteuning" wins over "ondersteuning".
        out.sort_by_key(|p| std::cmp::Reverse(p.text.chars().count()));
        out
    }
}

/// A text form that links to a term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkPattern {
    /// Index of the term in [`Glossary::terms`].
    pub term: usize,
    /// The text to find.
    pub text: String,
    /// Abbreviations (two or more capitals) match only as written; words in any case.
    pub case_sensitive: bool,
    /// This form is the abbreviation itself, shown with `<abbr>`.
    pub is_abbreviation: bool,
    /// This form is the term or its expansion (not an alias). In the English begrippenlijst
    /// these are the Dutch words, marked `lang="nl"` in English pages.
    pub is_name: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(key: &str, term: &str, expansion: Option<&str>, aliases: &[&str], def: &str) -> Term {
        Term {
            key: key.into(),
            term: term.into(),
            expansion: expansion.map(Into::into),
            aliases: aliases.iter().map(|a| (*a).into()).collect(),
            definition: def.into(),
        }
    }

    fn sample() -> Glossary {
        Glossary::new(vec![
            term(
                "zorgplicht",
                "Zorgplicht",
                None,
                &[],
                "De school zoekt een passende plek.",
            ),
            term(
                "tlv",
                "TLV",
                Some("toelaatbaarheidsverklaring"),
                &["TLV's"],
                "Een besluit van het samenwerkingsverband.",
            ),
            term(
                "sbo",
                "SBO",
                Some("speciaal basisonderwijs"),
                &[],
                "Een school met kleine groepen. Nodig: een TLV.",
            ),
            term(
                "ib-er",
                "IB'er",
                Some("intern begeleider"),
                &[],
                "Coördineert de hulp.",
            ),
            term(
                "ozl",
                "OZL",
                Some("onderwijsondersteuning zieke leerlingen"),
                &[],
                "Hulp bij ziekte.",
            ),
        ])
    }

    #[test]
    fn sorted_and_indexed() {
        let g = sample();
        let names: Vec<_> = g.terms().iter().map(|t| t.term.as_str()).collect();
        assert_eq!(names, ["IB'er", "OZL", "SBO", "TLV", "Zorgplicht"]);
        let all: Vec<&Term> = g.terms().iter().collect();
        let letters = Glossary::letters(&all);
        assert_eq!(letters.len(), 26);
        assert!(letters.contains(&('T', true)));
        assert!(letters.contains(&('A', false)));
    }

    #[test]
    fn search_ranks_term_matches_first() {
        let g = sample();
        let hits: Vec<_> = g.search("tlv").iter().map(|t| t.key.as_str()).collect();
        assert_eq!(hits, ["tlv"]);
        let hits: Vec<_> = g
            .search("Toelaatbaarheidsverklaring")
            .iter()
            .map(|t| t.key.as_str())
            .collect();
        assert_eq!(hits, ["tlv"]);
        assert_eq!(g.search("zieke leerlingen").len(), 1);
        assert!(g.search("giraffe").is_empty());
        // Short words match whole name words only; longer ones also definition words by prefix.
        assert!(g.search("so").is_empty(), "no 'so' inside other words");
        assert_eq!(g.search("groepen").len(), 1, "SBO's definition");
        assert!(g.search("roepen").is_empty(), "not inside a word");
        assert_eq!(g.search("  ").len(), 5);
        for q in ["IBer", "ib-er", "ib'er", "intern begeleider"] {
            assert_eq!(
                g.search(q).first().map(|t| t.key.as_str()),
                Some("ib-er"),
                "{q}"
            );
        }
    }

    #[test]
    fn patterns_longest_first() {
        let g = sample();
        let p = g.link_patterns();
        assert_eq!(p[0].text, "onderwijsondersteuning zieke leerlingen");
        let tlv = p.iter().find(|p| p.text == "TLV").unwrap();
        assert!(tlv.case_sensitive && tlv.is_abbreviation);
        let z = p.iter().find(|p| p.text == "Zorgplicht").unwrap();
        assert!(!z.case_sensitive && !z.is_abbreviation);
    }
}
