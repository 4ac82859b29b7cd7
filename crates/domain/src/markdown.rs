//! Safe Markdown rendering for the public pages.
//!
//! Our own renderer over `pulldown-cmark` events, so that every element gets the NL Design
//! System (Utrecht) class it needs and nothing else gets through:
//! - raw HTML in the source is shown as text, never passed on;
//! - links keep only `http`, `https`, `mailto`, `tel`, site-relative and `#` targets;
//! - images are shown as their alternative text (pages carry no images of their own yet);
//! - the first occurrence of each begrippenlijst term on a page links to its definition,
//!   with `<abbr title="…">` for abbreviations. Headings, links and code are never linked.

use crate::glossary::{Glossary, LinkPattern};
use crate::text::{escape_html, slugify};
use pulldown_cmark::{Alignment, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::collections::HashSet;

/// How to render a piece of Markdown.
#[derive(Debug, Clone, Copy)]
pub struct RenderOptions<'a> {
    /// The begrippenlijst whose terms are linked; `None` links nothing.
    pub glossary: Option<&'a Glossary>,
    /// The path of the begrippenlijst page in the page's language (`/begrippen`, `/en/begrippen`).
    pub glossary_path: &'a str,
    /// Term ids never linked on this page.
    pub no_link: &'a [String],
    /// The language of the terms' names when it differs from the page's (`nl` on English
    /// pages: the begrippenlijst keeps the Dutch terms), marked with `lang` (WCAG 3.1.2).
    pub term_lang: Option<&'a str>,
}

/// Renders Markdown to HTML that is safe to embed in a page.
pub fn render(markdown: &str, options: &RenderOptions<'_>) -> String {
    let mut r = Renderer {
        out: String::with_capacity(markdown.len() * 3 / 2),
        patterns: options
            .glossary
            .map(|g| {
                let mut patterns = g.link_patterns();
                patterns.retain(|p| {
                    g.terms()
                        .get(p.term)
                        .is_some_and(|t| !options.no_link.contains(&t.key))
                });
                patterns
            })
            .unwrap_or_default(),
        glossary: options.glossary,
        glossary_path: options.glossary_path,
        term_lang: options.term_lang,
        linked: HashSet::new(),
        no_link_depth: 0,
        heading_ids: HashSet::new(),
        heading: None,
        in_table_head: false,
        alignments: Vec::new(),
        cell: 0,
        skip_link_depth: Vec::new(),
        image_depth: 0,
        lists: Vec::new(),
    };
    let parser = Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    );
    for event in parser {
        r.event(event);
    }
    r.out
}

struct Renderer<'a> {
    out: String,
    patterns: Vec<LinkPattern>,
    glossary: Option<&'a Glossary>,
    glossary_path: &'a str,
    term_lang: Option<&'a str>,
    linked: HashSet<usize>,
    /// Inside headings, links and code nothing is linked.
    no_link_depth: usize,
    heading_ids: HashSet<String>,
    /// The heading being collected: its level and its text so far (for the id).
    heading: Option<(u8, String, String)>,
    in_table_head: bool,
    alignments: Vec<Alignment>,
    cell: usize,
    /// For each open link: whether it was dropped (unsafe target) so its end is dropped too.
    skip_link_depth: Vec<bool>,
    image_depth: usize,
    /// Open lists, innermost last: `true` for ordered.
    lists: Vec<bool>,
}

fn safe_url(url: &str) -> bool {
    // Browsers drop tabs and line breaks from a URL and trim control characters and spaces
    // before reading it, so `/<TAB>/evil.example` becomes `//evil.example`: a link that looks
    // internal but leaves the site. A target with any control character is refused (WHATWG URL
    // standard, "basic URL parser"), and so is one with a space where a browser would trim it.
    if url.chars().any(char::is_control) || url != url.trim() {
        return false;
    }
    let lower = url.to_ascii_lowercase();
    // Browsers read `/\host` as `//host`: the same trick with a backslash.
    if lower.contains('\\') {
        return false;
    }
    lower.starts_with("https://")
        || lower.starts_with("http://")
        || lower.starts_with("mailto:")
        || lower.starts_with("tel:")
        || lower.starts_with('#')
        || (lower.starts_with('/') && !lower.starts_with("//"))
}

impl Renderer<'_> {
    fn push(&mut self, s: &str) {
        match &mut self.heading {
            Some((_, html, _)) => html.push_str(s),
            None => self.out.push_str(s),
        }
    }

    fn text(&mut self, text: &str) {
        if let Some((_, _, plain)) = &mut self.heading {
            plain.push_str(text);
        }
        if self.image_depth > 0 {
            let mut s = String::new();
            escape_html(text, &mut s);
            self.push(&s);
            return;
        }
        if self.no_link_depth > 0 || self.heading.is_some() || self.glossary.is_none() {
            let mut s = String::new();
            escape_html(text, &mut s);
            self.push(&s);
            return;
        }
        let linked = self.link_terms(text);
        self.push(&linked);
    }

    /// Escapes `text` and links the first occurrence of every term not yet linked on this page.
    fn link_terms(&mut self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + 64);
        let mut pos = 0;
        loop {
            let mut best: Option<(usize, usize, usize)> = None; // (start, end, pattern index)
            for (i, p) in self.patterns.iter().enumerate() {
                if self.linked.contains(&p.term) {
                    continue;
                }
                if let Some((s, e)) = find_word(text, &p.text, p.case_sensitive, pos)
                    && best.is_none_or(|(bs, _, _)| s < bs)
                {
                    best = Some((s, e, i));
                }
            }
            let (Some((start, end, i)), Some(glossary)) = (best, self.glossary) else {
                escape_html(&text[pos..], &mut out);
                return out;
            };
            let pattern = &self.patterns[i];
            let Some(term) = glossary.terms().get(pattern.term) else {
                escape_html(&text[pos..], &mut out);
                return out;
            };
            escape_html(&text[pos..start], &mut out);
            out.push_str("<a class=\"utrecht-link passend-term\" href=\"");
            escape_html(self.glossary_path, &mut out);
            out.push('#');
            escape_html(&term.key, &mut out);
            out.push('"');
            if let (Some(lang), true) = (self.term_lang, pattern.is_name) {
                out.push_str(" lang=\"");
                escape_html(lang, &mut out);
                out.push('"');
            }
            out.push('>');
            match (&term.expansion, pattern.is_abbreviation) {
                (Some(expansion), true) => {
                    out.push_str("<abbr title=\"");
                    escape_html(expansion, &mut out);
                    out.push_str("\">");
                    escape_html(&text[start..end], &mut out);
                    out.push_str("</abbr>");
                }
                _ => escape_html(&text[start..end], &mut out),
            }
            out.push_str("</a>");
            self.linked.insert(pattern.term);
            pos = end;
        }
    }

    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => self.text(&t),
            Event::Code(c) => {
                self.push("<code class=\"utrecht-code\">");
                let mut s = String::new();
                escape_html(&c, &mut s);
                self.push(&s);
                self.push("</code>");
            }
            // Raw HTML never passes: it is shown as the text it is.
            Event::Html(h) | Event::InlineHtml(h) => {
                let mut s = String::new();
                escape_html(&h, &mut s);
                self.push(&s);
            }
            Event::SoftBreak => self.push("\n"),
            Event::HardBreak => self.push("<br>\n"),
            Event::Rule => self.push("<hr class=\"utrecht-separator\">\n"),
            Event::FootnoteReference(_)
            | Event::TaskListMarker(_)
            | Event::InlineMath(_)
            | Event::DisplayMath(_) => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => self.push("<p class=\"utrecht-paragraph\">"),
            Tag::Heading { level, .. } => {
                let n = heading_number(level);
                self.heading = Some((n, String::new(), String::new()));
            }
            Tag::BlockQuote(_) => self.push("<blockquote class=\"utrecht-blockquote\">\n"),
            Tag::CodeBlock(_) => {
                self.no_link_depth += 1;
                self.push("<pre class=\"utrecht-code-block\"><code>");
            }
            Tag::HtmlBlock => self.push("<p class=\"utrecht-paragraph\">"),
            Tag::List(Some(start)) => {
                self.lists.push(true);
                if start == 1 {
                    self.push("<ol class=\"utrecht-ordered-list\">\n");
                } else {
                    self.push(&format!(
                        "<ol class=\"utrecht-ordered-list\" start=\"{start}\">\n"
                    ));
                }
            }
            Tag::List(None) => {
                self.lists.push(false);
                self.push("<ul class=\"utrecht-unordered-list\">\n");
            }
            Tag::Item => {
                if self.lists.last() == Some(&true) {
                    self.push("<li class=\"utrecht-ordered-list__item\">");
                } else {
                    self.push("<li class=\"utrecht-unordered-list__item\">");
                }
            }
            Tag::Table(alignments) => {
                self.alignments = alignments;
                self.push("<div class=\"passend-table-scroll\"><table class=\"utrecht-table\">\n");
            }
            Tag::TableHead => {
                self.in_table_head = true;
                self.cell = 0;
                self.push(
                    "<thead class=\"utrecht-table__header\"><tr class=\"utrecht-table__row\">",
                );
            }
            Tag::TableRow => {
                self.cell = 0;
                self.push("<tr class=\"utrecht-table__row\">");
            }
            Tag::TableCell => {
                let align = match self.alignments.get(self.cell) {
                    Some(Alignment::Right) => " utrecht-table__cell--numeric",
                    _ => "",
                };
                if self.in_table_head {
                    self.push("<th scope=\"col\" class=\"utrecht-table__header-cell\">");
                } else {
                    self.push(&format!("<td class=\"utrecht-table__cell{align}\">"));
                }
            }
            Tag::Emphasis => {
                self.push("<em class=\"utrecht-emphasis utrecht-emphasis--stressed\">")
            }
            Tag::Strong => {
                self.push("<strong class=\"utrecht-emphasis utrecht-emphasis--strong\">")
            }
            Tag::Strikethrough => self.push("<del>"),
            Tag::Link {
                dest_url, title, ..
            } => {
                self.no_link_depth += 1;
                if safe_url(&dest_url) {
                    self.skip_link_depth.push(false);
                    let mut s = String::from("<a class=\"utrecht-link\" href=\"");
                    escape_html(dest_url.trim(), &mut s);
                    s.push('"');
                    if !title.is_empty() {
                        s.push_str(" title=\"");
                        escape_html(&title, &mut s);
                        s.push('"');
                    }
                    s.push('>');
                    self.push(&s);
                } else {
                    self.skip_link_depth.push(true);
                }
            }
            Tag::Image { .. } => self.image_depth += 1,
            Tag::FootnoteDefinition(_)
            | Tag::MetadataBlock(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::Superscript
            | Tag::Subscript => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph | TagEnd::HtmlBlock => self.push("</p>\n"),
            TagEnd::Heading(_) => {
                if let Some((n, html, plain)) = self.heading.take() {
                    let mut id = slugify(&plain);
                    if id.is_empty() {
                        id = "kop".to_owned();
                    }
                    let base = id.clone();
                    let mut k = 2;
                    while !self.heading_ids.insert(id.clone()) {
                        id = format!("{base}-{k}");
                        k += 1;
                    }
                    self.push(&format!(
                        "<h{n} id=\"{id}\" class=\"utrecht-heading-{n}\">{html}</h{n}>\n"
                    ));
                }
            }
            TagEnd::BlockQuote(_) => self.push("</blockquote>\n"),
            TagEnd::CodeBlock => {
                self.no_link_depth = self.no_link_depth.saturating_sub(1);
                self.push("</code></pre>\n");
            }
            TagEnd::List(ordered) => {
                self.lists.pop();
                self.push(if ordered { "</ol>\n" } else { "</ul>\n" });
            }
            TagEnd::Item => self.push("</li>\n"),
            TagEnd::Table => self.push("</tbody></table></div>\n"),
            TagEnd::TableHead => {
                self.in_table_head = false;
                self.push("</tr></thead>\n<tbody class=\"utrecht-table__body\">\n");
            }
            TagEnd::TableRow => self.push("</tr>\n"),
            TagEnd::TableCell => {
                self.cell += 1;
                self.push(if self.in_table_head { "</th>" } else { "</td>" });
            }
            TagEnd::Emphasis => self.push("</em>"),
            TagEnd::Strong => self.push("</strong>"),
            TagEnd::Strikethrough => self.push("</del>"),
            TagEnd::Link => {
                self.no_link_depth = self.no_link_depth.saturating_sub(1);
                if self.skip_link_depth.pop() == Some(false) {
                    self.push("</a>");
                }
            }
            TagEnd::Image => self.image_depth = self.image_depth.saturating_sub(1),
            TagEnd::FootnoteDefinition
            | TagEnd::MetadataBlock(_)
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition
            | TagEnd::Superscript
            | TagEnd::Subscript => {}
        }
    }
}

fn heading_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Finds `needle` in `hay` from byte `from` as a whole word (no letter or digit on either side).
/// Returns the byte range. Case-insensitive unless `case_sensitive`.
pub fn find_word(
    hay: &str,
    needle: &str,
    case_sensitive: bool,
    from: usize,
) -> Option<(usize, usize)> {
    let mut prev: Option<char> = hay.get(..from).and_then(|s| s.chars().next_back());
    let rest = hay.get(from..)?;
    for (offset, c) in rest.char_indices() {
        let start = from + offset;
        if prev.is_none_or(|p| !p.is_alphanumeric())
            && let Some(end) = match_at(hay, start, needle, case_sensitive)
            && hay[end..]
                .chars()
                .next()
                .is_none_or(|n| !n.is_alphanumeric())
        {
            return Some((start, end));
        }
        prev = Some(c);
    }
    None
}

fn match_at(hay: &str, start: usize, needle: &str, case_sensitive: bool) -> Option<usize> {
    let mut hay_chars = hay[start..].char_indices();
    for n in needle.chars() {
        let (_, h) = hay_chars.next()?;
        let same = if case_sensitive {
            h == n
        } else {
            h == n || h.to_lowercase().eq(n.to_lowercase())
        };
        if !same {
            return None;
        }
    }
    Some(match hay_chars.next() {
        Some((i, _)) => start + i,
        None => hay.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::glossary::Term;

    fn glossary() -> Glossary {
        Glossary::new(vec![
            Term {
                key: "tlv".into(),
                term: "TLV".into(),
                expansion: Some("toelaatbaarheidsverklaring".into()),
                aliases: vec!["toelaatbaarheidsverklaringen".into()],
                definition: "x".into(),
            },
            Term {
                key: "zorgplicht".into(),
                term: "Zorgplicht".into(),
                expansion: None,
                aliases: vec![],
                definition: "y".into(),
            },
            Term {
                key: "extra-ondersteuning".into(),
                term: "Extra ondersteuning".into(),
                expansion: None,
                aliases: vec![],
                definition: "z".into(),
            },
            Term {
                key: "ondersteuning".into(),
                term: "Ondersteuning".into(),
                expansion: None,
                aliases: vec![],
                definition: "z".into(),
            },
        ])
    }

    fn opts(g: &Glossary) -> RenderOptions<'_> {
        RenderOptions {
            glossary: Some(g),
            glossary_path: "/begrippen",
            no_link: &[],
            term_lang: None,
        }
    }

    #[test]
    fn raw_html_is_shown_as_text() {
        let g = Glossary::default();
        let html = render(
            "Hallo <script>alert(1)</script>\n\n<div onclick=x>blok</div>\n",
            &opts(&g),
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<div"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    }

    #[test]
    fn link_targets_with_control_characters_are_dropped() {
        for target in [
            "</\t/evil.example>",
            "</\n/evil.example>",
            "</\r/evil.example>",
        ] {
            let src = format!("[x]({target}) en [ok](/zorgplicht)");
            let g = Glossary::default();
            let html = render(&src, &opts(&g));
            assert!(!html.contains("evil.example\""), "{html}");
            assert!(!html.contains("href=\"/\t"), "{html}");
            assert!(html.contains("href=\"/zorgplicht\""), "{html}");
        }
        assert!(!safe_url("/\u{0}/x"));
        assert!(!safe_url("/\u{7f}x"));
        assert!(!safe_url(" //evil.example"));
        assert!(safe_url("/zorgplicht"));
    }

    #[test]
    fn unsafe_links_are_dropped() {
        let g = Glossary::default();
        let html = render(
            "[klik](javascript:alert(1)) en [ok](/zorgplicht) en [ext](https://x.nl \"t\")",
            &opts(&g),
        );
        assert!(!html.contains("javascript"), "{html}");
        assert!(html.contains("klik"));
        assert!(html.contains("<a class=\"utrecht-link\" href=\"/zorgplicht\">ok</a>"));
        assert!(html.contains("href=\"https://x.nl\" title=\"t\""));
        let html = render("[weg](/\\evil.example)", &opts(&g));
        assert!(!html.contains("href"), "{html}");
    }

    #[test]
    fn first_occurrence_of_each_term_is_linked() {
        let g = glossary();
        let html = render(
            "De TLV en nog een TLV. De zorgplicht, Zorgplicht.",
            &opts(&g),
        );
        assert_eq!(html.matches("href=\"/begrippen#tlv\"").count(), 1);
        assert!(html.contains("<a class=\"utrecht-link passend-term\" href=\"/begrippen#tlv\"><abbr title=\"toelaatbaarheidsverklaring\">TLV</abbr></a>"));
        assert!(html.contains("href=\"/begrippen#zorgplicht\">zorgplicht</a>, Zorgplicht."));
    }

    #[test]
    fn expansion_links_without_abbr_and_longest_wins() {
        let g = glossary();
        let html = render(
            "Een toelaatbaarheidsverklaring geeft extra ondersteuning.",
            &opts(&g),
        );
        assert!(
            html.contains("href=\"/begrippen#tlv\">toelaatbaarheidsverklaring</a>"),
            "{html}"
        );
        assert!(
            html.contains("href=\"/begrippen#extra-ondersteuning\">extra ondersteuning</a>"),
            "{html}"
        );
        assert!(!html.contains("#ondersteuning\""), "{html}");
    }

    #[test]
    fn words_and_abbreviations_respect_boundaries_and_case() {
        let g = glossary();
        let html = render(
            "tlv-aanvraag? Nee: de TLVs niet, wel TLV-aanvraag.",
            &opts(&g),
        );
        // lowercase "tlv" is not the abbreviation; "TLVs" is another word; "TLV-aanvraag" links TLV.
        assert!(html.contains("tlv-aanvraag?"));
        assert!(html.contains("TLVs niet"));
        assert!(
            html.contains("<abbr title=\"toelaatbaarheidsverklaring\">TLV</abbr></a>-aanvraag."),
            "{html}"
        );
    }

    #[test]
    fn nothing_is_linked_in_headings_links_or_code() {
        let g = glossary();
        let html = render(
            "## Over de TLV\n\n[De TLV](/toelaatbaarheidsverklaring) `TLV`\n\nDaarna de TLV.",
            &opts(&g),
        );
        assert!(
            html.contains("<h2 id=\"over-de-tlv\" class=\"utrecht-heading-2\">Over de TLV</h2>"),
            "{html}"
        );
        assert!(html.contains("<code class=\"utrecht-code\">TLV</code>"));
        assert!(
            html.contains(
                "Daarna de <a class=\"utrecht-link passend-term\" href=\"/begrippen#tlv\">"
            ),
            "{html}"
        );
    }

    #[test]
    fn tables_and_lists_get_utrecht_classes() {
        let g = Glossary::default();
        let html = render(
            "| A | B |\n|---|--:|\n| 1 | 2 |\n\n- een\n- twee\n\n3. drie\n",
            &opts(&g),
        );
        assert!(html.contains("<th scope=\"col\" class=\"utrecht-table__header-cell\">A</th>"));
        assert!(html.contains("utrecht-table__cell--numeric"));
        assert!(html.contains("<ul class=\"utrecht-unordered-list\">"));
        assert!(html.contains("<ol class=\"utrecht-ordered-list\" start=\"3\">"));
    }

    #[test]
    fn dutch_term_names_are_marked_on_english_pages() {
        let g = glossary();
        let html = render(
            "The zorgplicht and the TLV.",
            &RenderOptions {
                glossary: Some(&g),
                glossary_path: "/en/begrippen",
                no_link: &[],
                term_lang: Some("nl"),
            },
        );
        assert!(
            html.contains("href=\"/en/begrippen#zorgplicht\" lang=\"nl\">zorgplicht</a>"),
            "{html}"
        );
        assert!(
            html.contains("href=\"/en/begrippen#tlv\" lang=\"nl\"><abbr"),
            "{html}"
        );
    }

    #[test]
    fn excluded_terms_are_not_linked() {
        let g = glossary();
        let skip = vec!["zorgplicht".to_owned()];
        let html = render(
            "De zorgplicht en de TLV.",
            &RenderOptions {
                glossary: Some(&g),
                glossary_path: "/begrippen",
                no_link: &skip,
                term_lang: None,
            },
        );
        assert!(!html.contains("#zorgplicht"), "{html}");
        assert!(html.contains("#tlv"), "{html}");
    }

    #[test]
    fn duplicate_headings_get_unique_ids() {
        let html = render(
            "## Vraag\n\n## Vraag\n",
            &RenderOptions {
                glossary: None,
                glossary_path: "/begrippen",
                no_link: &[],
                term_lang: None,
            },
        );
        assert!(html.contains("id=\"vraag\""));
        assert!(html.contains("id=\"vraag-2\""));
    }

    #[test]
    fn find_word_handles_unicode() {
        assert_eq!(
            find_word("de coöperatie", "Coöperatie", false, 0),
            Some((3, 14))
        );
        assert_eq!(find_word("coöperaties", "coöperatie", false, 0), None);
    }
}
