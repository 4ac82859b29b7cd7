//! The languages of Passend. Dutch is the first language; English the second.

use std::fmt;

/// A language of the site. Dutch (`nl`) is the default; English (`en`) lives under `/en/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    /// Nederlands: the first language, served at `/`.
    Nl,
    /// English: the second language, served at `/en/`.
    En,
}

impl Lang {
    /// Every language, Dutch first.
    pub const ALL: [Lang; 2] = [Lang::Nl, Lang::En];

    /// The BCP 47 code, as stored in the database and used in `lang` attributes.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }

    /// Parses a language code (`nl`, `en`); anything else is `None`.
    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "nl" => Some(Lang::Nl),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The URL prefix of this language: empty for Dutch, `/en` for English.
    pub fn prefix(self) -> &'static str {
        match self {
            Lang::Nl => "",
            Lang::En => "/en",
        }
    }

    /// The other language (for the language switch).
    pub fn other(self) -> Lang {
        match self {
            Lang::Nl => Lang::En,
            Lang::En => Lang::Nl,
        }
    }

    /// The path of a content page in this language. The slug `home` is the language's root.
    pub fn page_path(self, slug: &str) -> String {
        if slug == "home" {
            format!("{}/", self.prefix())
        } else {
            format!("{}/{}", self.prefix(), slug)
        }
    }

    /// The language a request path belongs to: `/en` and `/en/…` are English, the rest Dutch.
    pub fn of_path(path: &str) -> Lang {
        if path == "/en" || path.starts_with("/en/") {
            Lang::En
        } else {
            Lang::Nl
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_per_language() {
        assert_eq!(Lang::Nl.page_path("home"), "/");
        assert_eq!(Lang::En.page_path("home"), "/en/");
        assert_eq!(Lang::Nl.page_path("zorgplicht"), "/zorgplicht");
        assert_eq!(Lang::En.page_path("zorgplicht"), "/en/zorgplicht");
        assert_eq!(Lang::of_path("/en/zorgplicht"), Lang::En);
        assert_eq!(Lang::of_path("/en"), Lang::En);
        assert_eq!(Lang::of_path("/energie"), Lang::Nl);
        assert_eq!(Lang::from_code("de"), None);
    }
}
