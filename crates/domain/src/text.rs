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

#[cfg(test)]
mod tests {
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
