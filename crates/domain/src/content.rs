//! The Markdown sources of the public site: pages with a small front matter, and the
//! begrippenlijst. The format is described in `content/README.md`.

use crate::Lang;

/// Why a content source could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContentError {
    /// The page does not start with a `---` front matter block.
    #[error("{0}: de pagina begint niet met een front matter-blok (---)")]
    MissingFrontMatter(String),
    /// The front matter is not closed with `---`.
    #[error("{0}: het front matter-blok wordt niet afgesloten met ---")]
    UnclosedFrontMatter(String),
    /// A required field is missing.
    #[error("{file}: het veld '{field}' ontbreekt")]
    MissingField {
        /// The source file.
        file: String,
        /// The field that is missing.
        field: &'static str,
    },
    /// A field has a value that cannot be used.
    #[error("{file}, regel {line}: {message}")]
    BadField {
        /// The source file.
        file: String,
        /// The 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

/// One public page as written in `content/<lang>/<slug>.md`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageSource {
    /// The language of this version of the page.
    pub lang: Lang,
    /// The URL slug; `home` is the language's root.
    pub slug: String,
    /// The page title (its `h1`).
    pub title: String,
    /// One or two sentences for the meta description.
    pub summary: String,
    /// Place in the main menu (1 = first); `None` keeps the page out of the menu.
    pub nav_order: Option<i32>,
    /// Short label in the menu; `None` uses the title.
    pub nav_label: Option<String>,
    /// Glossary term ids that are not linked on this page (where a word means something else).
    pub no_link: Vec<String>,
    /// The Markdown body.
    pub body: String,
}

/// Checks that a slug is lowercase ASCII letters, digits and hyphens.
pub fn valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 80
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
}

/// Parses a page source. `file` names the source in error messages.
pub fn parse_page(
    file: &str,
    lang: Lang,
    slug: &str,
    source: &str,
) -> Result<PageSource, ContentError> {
    if !valid_slug(slug) {
        return Err(ContentError::BadField {
            file: file.to_owned(),
            line: 0,
            message: format!("ongeldige slug '{slug}'"),
        });
    }
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let mut lines = source.lines().enumerate();
    match lines.next() {
        Some((_, l)) if l.trim_end() == "---" => {}
        _ => return Err(ContentError::MissingFrontMatter(file.to_owned())),
    }
    let (mut title, mut summary, mut nav_order, mut nav_label) = (None, None, None, None);
    let mut no_link = Vec::new();
    let mut body_start = None;
    for (i, line) in lines.by_ref() {
        if line.trim_end() == "---" {
            body_start = Some(i + 1);
            break;
        }
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let (key, value) = split_field(file, i + 1, line)?;
        match key {
            "title" => title = Some(value.to_owned()),
            "summary" => summary = Some(value.to_owned()),
            "nav" => {
                nav_order = Some(value.parse::<i32>().map_err(|_| ContentError::BadField {
                    file: file.to_owned(),
                    line: i + 1,
                    message: format!("'nav' moet een getal zijn, niet '{value}'"),
                })?)
            }
            "nav_label" => nav_label = Some(value.to_owned()),
            "nolink" => {
                no_link = split_list(value);
                if let Some(bad) = no_link.iter().find(|id| !valid_slug(id)) {
                    return Err(ContentError::BadField {
                        file: file.to_owned(),
                        line: i + 1,
                        message: format!("ongeldige id '{bad}' in nolink"),
                    });
                }
            }
            other => {
                return Err(ContentError::BadField {
                    file: file.to_owned(),
                    line: i + 1,
                    message: format!("onbekend veld '{other}'"),
                });
            }
        }
    }
    let body_start =
        body_start.ok_or_else(|| ContentError::UnclosedFrontMatter(file.to_owned()))?;
    let body: String = source
        .lines()
        .skip(body_start)
        .collect::<Vec<_>>()
        .join("\n");
    Ok(PageSource {
        lang,
        slug: slug.to_owned(),
        title: title.ok_or(ContentError::MissingField {
            file: file.to_owned(),
            field: "title",
        })?,
        summary: summary.ok_or(ContentError::MissingField {
            file: file.to_owned(),
            field: "summary",
        })?,
        nav_order,
        nav_label,
        no_link,
        body: body.trim().to_owned() + "\n",
    })
}

/// Splits a comma-separated list, dropping empty items.
pub fn split_list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(str::to_owned)
        .collect()
}

fn split_field<'a>(
    file: &str,
    line_no: usize,
    line: &'a str,
) -> Result<(&'a str, &'a str), ContentError> {
    let (key, value) = line.split_once(':').ok_or_else(|| ContentError::BadField {
        file: file.to_owned(),
        line: line_no,
        message: format!("verwacht 'veld: waarde', niet '{line}'"),
    })?;
    let value = value.trim();
    let value = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value);
    Ok((key.trim(), value))
}

/// One term of the begrippenlijst as written in `content/<lang>/begrippen.md`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermSource {
    /// The anchor id, the same in every language.
    pub key: String,
    /// The term as shown (often an abbreviation).
    pub term: String,
    /// The full form of an abbreviation.
    pub expansion: Option<String>,
    /// Other forms that link to this term from the pages.
    pub aliases: Vec<String>,
    /// The definition in Markdown.
    pub definition: String,
}

/// The begrippenlijst of one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlossarySource {
    /// The introduction above the list (Markdown).
    pub intro: String,
    /// The terms in source order.
    pub terms: Vec<TermSource>,
}

/// Parses a begrippenlijst source.
pub fn parse_glossary(file: &str, source: &str) -> Result<GlossarySource, ContentError> {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let mut intro = String::new();
    let mut terms: Vec<TermSource> = Vec::new();
    // Fields are read only directly below a heading, until the first blank or non-field line.
    let mut in_fields = false;
    for (i, line) in source.lines().enumerate() {
        if let Some(heading) = line.strip_prefix("## ") {
            terms.push(TermSource {
                key: String::new(),
                term: heading.trim().to_owned(),
                expansion: None,
                aliases: Vec::new(),
                definition: String::new(),
            });
            in_fields = true;
            continue;
        }
        let Some(current) = terms.last_mut() else {
            if !line.starts_with("# ") {
                intro.push_str(line);
                intro.push('\n');
            }
            continue;
        };
        if in_fields {
            if let Some((key, value)) = line.split_once(':') {
                let key = key.trim();
                let value = value.trim();
                match key {
                    "id" => {
                        if !valid_slug(value) {
                            return Err(ContentError::BadField {
                                file: file.to_owned(),
                                line: i + 1,
                                message: format!("ongeldige id '{value}'"),
                            });
                        }
                        current.key = value.to_owned();
                        continue;
                    }
                    "expansion" => {
                        current.expansion = Some(value.to_owned()).filter(|v| !v.is_empty());
                        continue;
                    }
                    "aliases" => {
                        current.aliases = split_list(value);
                        continue;
                    }
                    _ => {}
                }
            }
            in_fields = false;
        }
        current.definition.push_str(line);
        current.definition.push('\n');
    }
    let mut seen = std::collections::HashSet::new();
    for t in &mut terms {
        if t.key.is_empty() {
            return Err(ContentError::MissingField {
                file: format!("{file} ({})", t.term),
                field: "id",
            });
        }
        if !seen.insert(t.key.clone()) {
            return Err(ContentError::BadField {
                file: file.to_owned(),
                line: 0,
                message: format!("id '{}' komt twee keer voor", t.key),
            });
        }
        t.definition = t.definition.trim().to_owned();
        if t.definition.is_empty() {
            return Err(ContentError::MissingField {
                file: format!("{file} ({})", t.term),
                field: "definitie",
            });
        }
    }
    Ok(GlossarySource {
        intro: intro.trim().to_owned(),
        terms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_page() {
        let src = "---\ntitle: Zorgplicht\nsummary: \"Kort: zo werkt het\"\nnav: 5\nnav_label: Zorg\nnolink: bezwaar, po-vo\n---\n\n## Wat is het?\n\nTekst.\n";
        let p = parse_page("nl/zorgplicht.md", Lang::Nl, "zorgplicht", src).unwrap();
        assert_eq!(p.title, "Zorgplicht");
        assert_eq!(p.summary, "Kort: zo werkt het");
        assert_eq!(p.nav_order, Some(5));
        assert_eq!(p.nav_label.as_deref(), Some("Zorg"));
        assert_eq!(p.no_link, vec!["bezwaar", "po-vo"]);
        assert_eq!(p.body, "## Wat is het?\n\nTekst.\n");
    }

    #[test]
    fn rejects_bad_pages() {
        assert!(matches!(
            parse_page("x", Lang::Nl, "x", "no front matter"),
            Err(ContentError::MissingFrontMatter(_))
        ));
        assert!(matches!(
            parse_page("x", Lang::Nl, "x", "---\ntitle: a\n"),
            Err(ContentError::UnclosedFrontMatter(_))
        ));
        assert!(matches!(
            parse_page("x", Lang::Nl, "x", "---\ntitle: a\n---\n"),
            Err(ContentError::MissingField {
                field: "summary",
                ..
            })
        ));
        assert!(matches!(
            parse_page(
                "x",
                Lang::Nl,
                "x",
                "---\ntitle: a\nsummary: b\nnav: een\n---\n"
            ),
            Err(ContentError::BadField { line: 4, .. })
        ));
        assert!(
            parse_page(
                "x",
                Lang::Nl,
                "Bad Slug",
                "---\ntitle: a\nsummary: b\n---\n"
            )
            .is_err()
        );
    }

    #[test]
    fn parses_a_glossary() {
        let src = "# Begrippen\n\nIntro tekst.\n\n## TLV\nid: tlv\nexpansion: toelaatbaarheidsverklaring\naliases: toelaatbaarheidsverklaringen, TLV's\n\nEen besluit: id: geen veld.\n\n## Zorgplicht\nid: zorgplicht\n\nDe plicht.\n";
        let g = parse_glossary("nl/begrippen.md", src).unwrap();
        assert_eq!(g.intro, "Intro tekst.");
        assert_eq!(g.terms.len(), 2);
        assert_eq!(g.terms[0].key, "tlv");
        assert_eq!(
            g.terms[0].expansion.as_deref(),
            Some("toelaatbaarheidsverklaring")
        );
        assert_eq!(
            g.terms[0].aliases,
            vec!["toelaatbaarheidsverklaringen", "TLV's"]
        );
        assert_eq!(g.terms[0].definition, "Een besluit: id: geen veld.");
        assert_eq!(g.terms[1].expansion, None);
    }

    #[test]
    fn glossary_needs_unique_ids_and_definitions() {
        assert!(parse_glossary("x", "## A\nid: a\n\nx\n## B\nid: a\n\ny\n").is_err());
        assert!(parse_glossary("x", "## A\n\nx\n").is_err());
        assert!(parse_glossary("x", "## A\nid: a\n").is_err());
    }
}
