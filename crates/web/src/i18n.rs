//! The interface texts of the site in Dutch and English. Page content lives in the database;
//! these are the words around it (menu, search, errors). A struct per language, so a missing
//! translation is a compile error.

use passend_domain::Lang;

/// Interface texts of one language.
#[derive(Debug)]
pub struct Ui {
    /// Link that jumps past the menu.
    pub skip_link: &'static str,
    /// Label of the main menu.
    pub main_menu: &'static str,
    /// Second line under the site name.
    pub tagline: &'static str,
    /// Name of the other language, in that language.
    pub other_language: &'static str,
    /// The link to the begrippenlijst in the menu.
    pub glossary: &'static str,
    /// Title of the begrippenlijst page when the database has none.
    pub glossary_title: &'static str,
    /// Label of the search field on the begrippenlijst.
    pub glossary_search_label: &'static str,
    /// Hint below the search label.
    pub glossary_search_hint: &'static str,
    /// Search button.
    pub search_button: &'static str,
    /// Link that clears the search.
    pub show_all: &'static str,
    /// Label of the A–Z index.
    pub index_label: &'static str,
    /// "{n} begrippen" (all terms).
    pub terms_total: &'static str,
    /// "{n} begrippen gevonden voor “{q}”".
    pub terms_found: &'static str,
    /// "1 begrip gevonden voor “{q}”".
    pub terms_found_one: &'static str,
    /// "Geen begrippen gevonden voor “{q}”".
    pub terms_none: &'static str,
    /// The expansion prefix on the begrippenlijst ("voluit").
    pub expansion: &'static str,
    /// Footer heading: about this site.
    pub footer_about: &'static str,
    /// Footer text about the site.
    pub footer_text: &'static str,
    /// Footer heading: more pages.
    pub footer_more: &'static str,
    /// Footer heading: help.
    pub footer_help: &'static str,
    /// "Laatst bijgewerkt op" before a date.
    pub last_changed: &'static str,
    /// Month names, January first.
    pub months: [&'static str; 12],
    /// Error page: not found title.
    pub not_found_title: &'static str,
    /// Error page: not found text.
    pub not_found_text: &'static str,
    /// Error page: server error title.
    pub server_error_title: &'static str,
    /// Error page: server error text.
    pub server_error_text: &'static str,
    /// Error page: generic title for other errors.
    pub other_error_title: &'static str,
    /// Error page: generic text.
    pub other_error_text: &'static str,
    /// Error page: the reference line before the correlation id.
    pub reference: &'static str,
    /// Error page: link home.
    pub to_home: &'static str,
    /// Error page: link to contact.
    pub to_contact: &'static str,
}

/// Dutch, the first language.
pub static NL: Ui = Ui {
    skip_link: "Direct naar de inhoud",
    main_menu: "Hoofdmenu",
    tagline: "Informatie voor ouders en verzorgers",
    other_language: "English",
    glossary: "Begrippen",
    glossary_title: "Begrippenlijst",
    glossary_search_label: "Zoek een begrip",
    glossary_search_hint: "Typ een woord of afkorting, bijvoorbeeld TLV of zorgplicht.",
    search_button: "Zoeken",
    show_all: "Toon alle begrippen",
    index_label: "Begrippen per letter",
    terms_total: "{n} begrippen",
    terms_found: "{n} begrippen gevonden voor ‘{q}’",
    terms_found_one: "1 begrip gevonden voor ‘{q}’",
    terms_none: "Geen begrippen gevonden voor ‘{q}’. Probeer een ander woord, of bekijk de hele lijst.",
    expansion: "voluit",
    footer_about: "Over deze website",
    footer_text: "Deze website legt uit hoe passend onderwijs in Almere werkt. U hebt geen account nodig.",
    footer_more: "Meer op deze website",
    footer_help: "Hulp nodig?",
    last_changed: "Laatst bijgewerkt op",
    months: [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ],
    not_found_title: "Deze pagina bestaat niet",
    not_found_text: "Misschien is de pagina verplaatst, of is het adres niet goed overgenomen. Controleer het adres, of ga naar de homepagina.",
    server_error_title: "Er ging iets mis",
    server_error_text: "Door een fout aan onze kant kunnen we deze pagina nu niet tonen. Probeer het over een paar minuten opnieuw.",
    other_error_title: "Dit lukt niet",
    other_error_text: "Deze vraag kunnen we niet verwerken. Ga terug naar de vorige pagina of naar de homepagina.",
    reference: "Wilt u dit melden? Noem dan dit kenmerk:",
    to_home: "Naar de homepagina",
    to_contact: "Contact met het Oudersteunpunt",
};

/// English, the second language.
pub static EN: Ui = Ui {
    skip_link: "Skip to content",
    main_menu: "Main menu",
    tagline: "Information for parents and carers",
    other_language: "Nederlands",
    glossary: "Glossary",
    glossary_title: "Glossary",
    glossary_search_label: "Search the glossary",
    glossary_search_hint: "Type a word or abbreviation, for example TLV or zorgplicht.",
    search_button: "Search",
    show_all: "Show all terms",
    index_label: "Terms by letter",
    terms_total: "{n} terms",
    terms_found: "{n} terms found for ‘{q}’",
    terms_found_one: "1 term found for ‘{q}’",
    terms_none: "No terms found for ‘{q}’. Try another word, or see the whole list.",
    expansion: "in full",
    footer_about: "About this website",
    footer_text: "This website explains how passend onderwijs works in Almere. You do not need an account.",
    footer_more: "More on this website",
    footer_help: "Need help?",
    last_changed: "Last updated on",
    months: [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    not_found_title: "This page does not exist",
    not_found_text: "The page may have moved, or the address was not copied correctly. Check the address, or go to the home page.",
    server_error_title: "Something went wrong",
    server_error_text: "Because of an error on our side we cannot show this page now. Please try again in a few minutes.",
    other_error_title: "This did not work",
    other_error_text: "We cannot handle this request. Go back to the previous page or to the home page.",
    reference: "Want to report this? Please mention this reference:",
    to_home: "Go to the home page",
    to_contact: "Contact the Oudersteunpunt",
};

/// The texts of a language.
pub fn ui(lang: Lang) -> &'static Ui {
    match lang {
        Lang::Nl => &NL,
        Lang::En => &EN,
    }
}

/// Fills `{n}` and `{q}` in a text.
pub fn fill(template: &str, n: usize, q: &str) -> String {
    template.replace("{n}", &n.to_string()).replace("{q}", q)
}

/// A date in long form: "28 november 2026" (nl), "28 November 2026" (en).
pub fn long_date(ui: &Ui, date: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    let month = ui
        .months
        .get(date.month0() as usize)
        .copied()
        .unwrap_or_default();
    format!("{} {} {}", date.day(), month, date.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_both_languages() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        assert_eq!(long_date(&NL, d), "2 maart 2026");
        assert_eq!(long_date(&EN, d), "2 March 2026");
    }
}
