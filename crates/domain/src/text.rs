//! Small text helpers shared by search and rendering.

/// Folds text for search: lowercase, accents removed (ë → e, é → e), apostrophes and
/// hyphens kept as they are. "Coöperatie" and "cooperatie" fold to the same string.
pub fn fold(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        for l in c.to_lowercase() {
            out.push(strip_accent(l));
        }
    }
    out
}

fn strip_accent(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        'ý' | 'ÿ' => 'y',
        'ç' => 'c',
        'ñ' => 'n',
        '’' | '‘' => '\'',
        other => other,
    }
}

/// Escapes text for HTML element content and double-quoted attribute values.
pub fn escape_html(input: &str, out: &mut String) {
    for c in input.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
}

/// Makes an anchor id from a heading: lowercase ASCII letters, digits and hyphens.
pub fn slugify(input: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in fold(input).chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
            dash = false;
        } else if !dash && !out.is_empty() {
            out.push('-');
            dash = true;
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// Compares two byte strings in time that depends on their length only (for signatures).
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// One line of a comparison of two texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiffLine<'a> {
    /// In both.
    Same(&'a str),
    /// Only in the old text.
    Removed(&'a str),
    /// Only in the new text.
    Added(&'a str),
}

/// The lines of `old` and `new` compared (longest common subsequence of lines): what stayed, what
/// went and what came, in reading order. Texts longer than 2,000 lines are compared as a whole.
pub fn line_diff<'a>(old: &'a str, new: &'a str) -> Vec<DiffLine<'a>> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    if a.len() > 2000 || b.len() > 2000 {
        let mut out: Vec<DiffLine<'a>> = a.into_iter().map(DiffLine::Removed).collect();
        out.extend(b.into_iter().map(DiffLine::Added));
        return out;
    }
    // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
    let mut lcs = vec![vec![0u16; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::with_capacity(a.len().max(b.len()));
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            out.push(DiffLine::Same(a[i]));
            i += 1;
            j += 1;
        } else if lcs[i + 1][j] >= lcs[i][j + 1] {
            out.push(DiffLine::Removed(a[i]));
            i += 1;
        } else {
            out.push(DiffLine::Added(b[j]));
            j += 1;
        }
    }
    out.extend(a[i..].iter().map(|l| DiffLine::Removed(l)));
    out.extend(b[j..].iter().map(|l| DiffLine::Added(l)));
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_line_diff_shows_what_went_and_what_came_in_order() {
        use super::DiffLine::*;
        let d = super::line_diff("kop\noud\nzelfde\n", "kop\nnieuw\nzelfde\nerbij");
        assert_eq!(
            d,
            vec![
                Same("kop"),
                Removed("oud"),
                Added("nieuw"),
                Same("zelfde"),
                Added("erbij")
            ]
        );
        assert!(super::line_diff("", "").is_empty());
    }

    use super::*;

    #[test]
    fn folding_ignores_case_and_accents() {
        assert_eq!(fold("Coöperatie"), "cooperatie");
        assert_eq!(fold("TLV’s"), "tlv's");
        assert_eq!(fold("Hindoeïstisch"), "hindoeistisch");
    }

    #[test]
    fn escaping() {
        let mut s = String::new();
        escape_html(r#"<a href="x">'&'</a>"#, &mut s);
        assert_eq!(s, "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    }

    #[test]
    fn slugs() {
        assert_eq!(
            slugify("Wat als u het niet eens bent?"),
            "wat-als-u-het-niet-eens-bent"
        );
        assert_eq!(slugify("Zieke leerlingen & OZL"), "zieke-leerlingen-ozl");
    }
}

/// A stable 64-bit content hash (FNV-1a) as 16 hex digits: to notice that a source changed.
/// Not for security.
pub fn stable_hash(parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain(std::iter::once(0xff)) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod hash_tests {
    use super::stable_hash;

    #[test]
    fn stable_and_separated() {
        assert_eq!(stable_hash(&["a"]), stable_hash(&["a"]));
        assert_ne!(stable_hash(&["ab", "c"]), stable_hash(&["a", "bc"]));
        assert_eq!(stable_hash(&[]).len(), 16);
    }
}
