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
    /// Link to the sign-in page in the header.
    pub sign_in: &'static str,
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
    /// The figures page: heading of the deelname part.
    pub figures_heading: &'static str,
    /// What the deelname is, in one or two sentences.
    pub figures_intro: &'static str,
    /// Chart and table titles.
    pub figures_sbo: &'static str,
    pub figures_so: &'static str,
    /// The chart's description for screen readers: "{swv}" and "{years}" are filled in.
    pub figures_chart_desc: &'static str,
    /// Column heads of the tables.
    pub figures_year: &'static str,
    pub figures_country: &'static str,
    /// Why the SO figure by location is an approximation, and what `<5` did.
    pub figures_approx: &'static str,
    /// Where the figures come from.
    pub figures_source: &'static str,
    /// When no national figures were imported.
    pub figures_none: &'static str,
    /// Month names, January first.
    pub months: [&'static str; 12],
    /// Weekday names, Monday first.
    pub weekdays: [&'static str; 7],
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
    /// Error page: a form or file too large, title.
    pub too_large_title: &'static str,
    /// Error page: a form or file too large, text.
    pub too_large_text: &'static str,
    /// Error page: the disk is full, title.
    pub storage_full_title: &'static str,
    /// Error page: the disk is full, text.
    pub storage_full_text: &'static str,
    /// Error page: a request (an upload) that came in too slowly, title.
    pub slow_title: &'static str,
    /// Error page: too slow, text.
    pub slow_text: &'static str,
    /// Error page: too many uploads at once, title.
    pub busy_title: &'static str,
    /// Error page: too many uploads at once, text.
    pub busy_text: &'static str,
    /// Error page: a refused form (anti-CSRF), title.
    pub forbidden_title: &'static str,
    /// Error page: a refused form, text.
    pub forbidden_text: &'static str,
    /// Error page: the reference line before the correlation id.
    pub reference: &'static str,
    /// Error page: link home.
    pub to_home: &'static str,
    /// Error page: link to contact.
    pub to_contact: &'static str,
    /// Main menu and footer: the voorzieningenkaart.
    pub map_nav: &'static str,
    /// Home: heading of the search for schools.
    pub find_heading: &'static str,
    /// Home: what the search does.
    pub find_intro: &'static str,
    /// Home: the postcode field.
    pub find_postcode: &'static str,
    /// Home: hint under the postcode field.
    pub find_postcode_hint: &'static str,
    /// Home: the kind of school field.
    pub find_kind: &'static str,
    /// Home: every kind of school.
    pub find_any_kind: &'static str,
    /// Home: the kinds of school (bo, sbo, so).
    pub find_kinds: [&'static str; 3],
    /// Home: the search button.
    pub find_button: &'static str,
    /// Home: the link to the guide.
    pub find_guide: &'static str,
    /// Footer: heading of the contact details.
    pub footer_contact: &'static str,
    /// Footer: before a phone number.
    pub phone_label: &'static str,
    /// Footer: before an e-mail address.
    pub email_label: &'static str,
    /// Footer: when the SWV's phone and e-mail are not known.
    pub contact_fallback: &'static str,
    /// Footer: the Oudersteunpunt's name.
    pub steunpunt_name: &'static str,
}

/// Dutch, the first language.
pub static NL: Ui = Ui {
    skip_link: "Direct naar de inhoud",
    main_menu: "Hoofdmenu",
    tagline: "Informatie voor ouders en verzorgers",
    other_language: "English",
    sign_in: "Inloggen",
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
    figures_heading: "Hoeveel kinderen gaan naar speciaal (basis)onderwijs?",
    figures_intro: "Hieronder ziet u welk deel van de kinderen in het basisonderwijs naar het speciaal basisonderwijs (SBO) of het speciaal onderwijs (SO) gaat. Dat heet het deelnamepercentage. U ziet het voor ons samenwerkingsverband en voor heel Nederland, op 1 oktober van elk jaar. De tabel onder elke grafiek geeft dezelfde cijfers.",
    figures_sbo: "Deelname speciaal basisonderwijs (SBO), in procenten",
    figures_so: "Deelname speciaal onderwijs (SO), in procenten",
    figures_chart_desc: "Lijngrafiek van {swv} en Nederland over de jaren {years}. De tabel hieronder geeft dezelfde cijfers.",
    figures_year: "Jaar (1 oktober)",
    figures_country: "Nederland",
    figures_approx: "Zo rekenen wij: SBO-deelname is het aantal leerlingen in het SBO gedeeld door het aantal leerlingen in het basisonderwijs en het SBO samen. Voor het SO delen wij het aantal leerlingen op SO-scholen door hetzelfde aantal. Een school telt mee bij het samenwerkingsverband waar zij staat. DUO telt een leerling in het SO mee bij het samenwerkingsverband dat de toelaatbaarheidsverklaring gaf. Scholen voor SO en VSO samen geven één aantal voor beide; die tellen hier niet mee. Het SO-cijfer is dus een benadering. Aantallen onder de 5 maakt DUO niet bekend; die tellen als 0.",
    figures_source: "Bron: DUO Open Onderwijsdata (leerlingen per schoolvestiging), de regio-indeling van de samenwerkingsverbanden (Regeling BWBR0032324) en de adressen van de scholen van EduGIS. Bewerking: Passend.",
    figures_none: "De landelijke cijfers zijn nog niet ingelezen. Zodra dat gebeurd is, staan ze hier.",
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
    weekdays: [
        "maandag",
        "dinsdag",
        "woensdag",
        "donderdag",
        "vrijdag",
        "zaterdag",
        "zondag",
    ],
    not_found_title: "Deze pagina bestaat niet",
    not_found_text: "Misschien is de pagina verplaatst, of is het adres niet goed overgenomen. Controleer het adres, of ga naar de homepagina.",
    server_error_title: "Er ging iets mis",
    server_error_text: "Door een fout aan onze kant kunnen we deze pagina nu niet tonen. Probeer het over een paar minuten opnieuw.",
    other_error_title: "Dit lukt niet",
    other_error_text: "Deze vraag kunnen we niet verwerken. Ga terug naar de vorige pagina of naar de homepagina.",
    too_large_title: "Dit is te groot",
    too_large_text: "Er is niets opgeslagen: wat u stuurde is te groot. Een bestand mag hooguit 20 MB zijn. Ga terug en kies een kleiner bestand, of maak een PDF van minder pagina's of met een lagere resolutie.",
    storage_full_title: "De opslag is vol: er is niets opgeslagen",
    storage_full_text: "Wat u net stuurde is niet opgeslagen, omdat de schijf van Passend vol is. Er is niets half opgeslagen. De beheerder ziet dit ook. Ga terug (uw invoer staat daar meestal nog) en probeer het over een paar minuten opnieuw.",
    slow_title: "Dit duurde te lang",
    slow_text: "Er is niets opgeslagen: de verbinding was te traag of viel weg, zodat niet alles binnenkwam. Ga terug en probeer het opnieuw, zo mogelijk via wifi.",
    busy_title: "Het is even te druk",
    busy_text: "Er is niets opgeslagen: er worden nu veel bestanden tegelijk verstuurd. Ga terug en probeer het over een minuut opnieuw.",
    forbidden_title: "Dit formulier is verlopen",
    forbidden_text: "Uw gegevens zijn niet verstuurd, omdat het formulier verlopen is of niet van deze website kwam. Ga terug, laad de pagina opnieuw en probeer het nog een keer.",
    reference: "Wilt u dit melden? Noem dan dit kenmerk:",
    to_home: "Naar de homepagina",
    to_contact: "Contact met het Oudersteunpunt",
    map_nav: "Scholen zoeken",
    find_heading: "Scholen en voorzieningen zoeken",
    find_intro: "Zoek een school of voorziening dicht bij huis, en zie welke hulp elke school geeft.",
    find_postcode: "Uw postcode",
    find_postcode_hint: "Bijvoorbeeld 1315 AB, of alleen de 4 cijfers.",
    find_kind: "Soort school",
    find_any_kind: "Alle scholen",
    find_kinds: [
        "Basisschool",
        "Speciaal basisonderwijs (sbo)",
        "Speciaal onderwijs (so)",
    ],
    find_button: "Zoeken",
    find_guide: "Weet u niet waar u moet beginnen? Beantwoord een paar vragen",
    footer_contact: "Contact",
    phone_label: "Telefoon",
    email_label: "E-mail",
    contact_fallback: "Wilt u het samenwerkingsverband spreken? Vraag het aan de school van uw kind. Of stel uw vraag aan het Oudersteunpunt; dat brengt u in contact.",
    steunpunt_name: "Oudersteunpunt",
};

/// English, the second language.
pub static EN: Ui = Ui {
    skip_link: "Skip to content",
    main_menu: "Main menu",
    tagline: "Information for parents and carers",
    other_language: "Nederlands",
    sign_in: "Sign in (in Dutch)",
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
    figures_heading: "How many children go to special education?",
    figures_intro: "Below you see which share of the children in primary education go to special primary education (SBO) or special education (SO). This is called the participation rate. You see it for our samenwerkingsverband and for the whole of the Netherlands, on 1 October of each year. The table under each chart gives the same figures.",
    figures_sbo: "Participation in special primary education (SBO), in percent",
    figures_so: "Participation in special education (SO), in percent",
    figures_chart_desc: "Line chart of {swv} and the Netherlands over the years {years}. The table below gives the same figures.",
    figures_year: "Year (1 October)",
    figures_country: "The Netherlands",
    figures_approx: "How we count: SBO participation is the number of pupils in SBO divided by the number of pupils in regular primary education and SBO together. For SO we divide the number of pupils at SO schools by the same number. A school counts for the samenwerkingsverband where it is located. DUO counts a pupil in SO for the samenwerkingsverband that issued the admission statement (TLV). Schools for SO and VSO together report one number for both; they are not counted here. So the SO figure is an approximation. DUO does not publish numbers under 5; they count as 0.",
    figures_source: "Source: DUO Open Onderwijsdata (pupils per school location), the regional division of the samenwerkingsverbanden (Regeling BWBR0032324) and the school addresses from EduGIS. Processing: Passend.",
    figures_none: "The national figures have not been imported yet. Once they are, you will find them here.",
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
    weekdays: [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ],
    not_found_title: "This page does not exist",
    not_found_text: "The page may have moved, or the address was not copied correctly. Check the address, or go to the home page.",
    server_error_title: "Something went wrong",
    server_error_text: "Because of an error on our side we cannot show this page now. Please try again in a few minutes.",
    other_error_title: "This did not work",
    other_error_text: "We cannot handle this request. Go back to the previous page or to the home page.",
    too_large_title: "This is too large",
    too_large_text: "Nothing was saved: what you sent is too large. A file may be at most 20 MB. Go back and choose a smaller file, or make a PDF with fewer pages or a lower resolution.",
    storage_full_title: "Storage is full: nothing was saved",
    storage_full_text: "What you just sent was not saved, because Passend's disk is full. Nothing was saved halfway. The administrator sees this too. Go back (what you typed is usually still there) and try again in a few minutes.",
    slow_title: "This took too long",
    slow_text: "Nothing was saved: the connection was too slow or dropped, so not everything arrived. Go back and try again, on wifi if you can.",
    busy_title: "It is too busy right now",
    busy_text: "Nothing was saved: many files are being sent at the same time. Go back and try again in a minute.",
    forbidden_title: "This form has expired",
    forbidden_text: "Nothing was sent, because the form expired or did not come from this website. Go back, reload the page and try again.",
    reference: "Want to report this? Please mention this reference:",
    to_home: "Go to the home page",
    to_contact: "Contact the Oudersteunpunt",
    map_nav: "Find a school",
    find_heading: "Find schools and support",
    find_intro: "Find a school or a special provision close to home, and see what help each school offers.",
    find_postcode: "Your postcode",
    find_postcode_hint: "For example 1315 AB, or just the 4 digits.",
    find_kind: "Kind of school",
    find_any_kind: "All schools",
    find_kinds: [
        "Primary school",
        "Special primary education (sbo)",
        "Special education (so)",
    ],
    find_button: "Search",
    find_guide: "Not sure where to start? Answer a few questions",
    footer_contact: "Contact",
    phone_label: "Phone",
    email_label: "E-mail",
    contact_fallback: "Would you like to talk to the samenwerkingsverband? Ask your child's school. Or ask the Oudersteunpunt, which will put you in touch.",
    steunpunt_name: "Oudersteunpunt",
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

/// A date with its weekday, as terms are written: "maandag 7 december 2026", "Monday 7 December
/// 2026". A deadline without its weekday hides that it falls on a Sunday.
pub fn long_date_with_weekday(ui: &Ui, date: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    let day = ui
        .weekdays
        .get(date.weekday().num_days_from_monday() as usize)
        .copied()
        .unwrap_or_default();
    format!("{day} {}", long_date(ui, date))
}

/// A month in Dutch: "november 2026".
pub fn month_year(date: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    let month = ui(Lang::Nl)
        .months
        .get(date.month0() as usize)
        .copied()
        .unwrap_or_default();
    format!("{} {}", month, date.year())
}

/// A month in a table's column head: "nov 2026".
pub fn month_short(date: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    const SHORT: [&str; 12] = [
        "jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
    ];
    let month = SHORT
        .get(date.month0() as usize)
        .copied()
        .unwrap_or_default();
    format!("{month} {}", date.year())
}

/// Texts of the voorzieningenkaart.
#[derive(Debug)]
pub struct MapTexts {
    /// Page title.
    pub title: &'static str,
    /// Introduction.
    pub intro: &'static str,
    /// Heading of the filter form.
    pub search_heading: &'static str,
    /// Label: name or address.
    pub q_label: &'static str,
    /// Legend: kind of school.
    pub kind_legend: &'static str,
    /// Legend: cluster.
    pub cluster_legend: &'static str,
    /// Legend: themes.
    pub theme_legend: &'static str,
    /// Hint under the themes.
    pub theme_hint: &'static str,
    /// Label: denominatie.
    pub denominatie_label: &'static str,
    /// Option: any denominatie.
    pub any: &'static str,
    /// Label: postcode.
    pub postcode_label: &'static str,
    /// Hint: postcode.
    pub postcode_hint: &'static str,
    /// Label: radius.
    pub radius_label: &'static str,
    /// Button: search.
    pub search_button: &'static str,
    /// Link: clear filters.
    pub clear: &'static str,
    /// Button: use my location (JavaScript only).
    pub use_location: &'static str,
    /// "{n} locaties" / "1 locatie".
    pub results_many: &'static str,
    /// One result.
    pub results_one: &'static str,
    /// No results.
    pub results_none: &'static str,
    /// No results within the chosen distance.
    pub results_none_radius: &'static str,
    /// Hint under the cluster filter.
    pub cluster_hint: &'static str,
    /// Option: no maximum distance.
    pub no_max: &'static str,
    /// Skip link to the results.
    pub to_results: &'static str,
    /// Map legend.
    pub legend: &'static str,
    /// Legend: the markers (basisschool, special education and voorzieningen, your postcode).
    pub legend_items: [&'static str; 3],
    /// Above the results: the way to the form.
    pub change_search: &'static str,
    /// The fold with the other filters.
    pub more_filters: &'static str,
    /// After it: how many are chosen ("{n}").
    pub more_chosen: &'static str,
    /// Heading for codes and denominatie on a detail page.
    pub facts_heading: &'static str,
    /// Link to the TLV page.
    pub tlv_more: &'static str,
    /// Geolocation refused or unavailable.
    pub location_failed: &'static str,
    /// The map's background cannot be loaded; the list stays.
    pub map_unavailable: &'static str,
    /// Level: basisondersteuning.
    pub level_basis: &'static str,
    /// Level: extra ondersteuning.
    pub level_extra: &'static str,
    /// Set by the samenwerkingsverband.
    pub set_by_swv: &'static str,
    /// Set by the school.
    pub set_by_school: &'static str,
    /// Label: level.
    pub level: &'static str,
    /// Label: source.
    pub source_link: &'static str,
    /// "gesorteerd op afstand tot {p}".
    pub sorted_by_distance: &'static str,
    /// Error summary heading.
    pub error_heading: &'static str,
    /// Postcode not valid.
    pub err_postcode: &'static str,
    /// Postcode unknown.
    pub err_postcode_unknown: &'static str,
    /// Label before a distance.
    pub distance: &'static str,
    /// Label: support.
    pub support: &'static str,
    /// Profile not filled in.
    pub not_filled_in: &'static str,
    /// Approximate location note.
    pub approximate: &'static str,
    /// Pagination label.
    pub pagination: &'static str,
    /// Previous page.
    pub previous: &'static str,
    /// Next page.
    pub next: &'static str,
    /// "Pagina {n} van {q}".
    pub page_of: &'static str,
    /// Map region label.
    pub map_label: &'static str,
    /// Open data heading.
    pub open_data: &'static str,
    /// Kind labels: bo, sbo, so, vso, so-vso.
    pub kinds: [&'static str; 5],
    /// Admission: direct, tlv, plaatsingsoverleg, eigen toelating.
    pub admissions: [&'static str; 4],
    /// Detail: address.
    pub address: &'static str,
    /// Detail: route link.
    pub route: &'static str,
    /// Detail: contact.
    pub contact: &'static str,
    /// Detail: phone.
    pub phone: &'static str,
    /// Detail: website.
    pub website: &'static str,
    /// Detail: admission heading.
    pub admission: &'static str,
    /// Detail: support profile heading.
    pub profile: &'static str,
    /// Detail: derived from DUO.
    pub derived: &'static str,
    /// Detail: heading above DUO's registration in plain words.
    pub duo_heading: &'static str,
    /// Detail: the summary of the fold with DUO's codes.
    pub duo_codes: &'static str,
    /// Detail: after a phone or website that is the main location's.
    pub contact_from: &'static str,
    /// Detail: the names the school had before.
    pub former_names: &'static str,
    /// Detail: profile not filled in, explained.
    pub not_filled_in_long: &'static str,
    /// Detail: data date.
    pub data_date: &'static str,
    /// Detail: older than 12 months.
    pub stale: &'static str,
    /// Detail: pupils heading.
    pub pupils: &'static str,
    /// Detail: year column.
    pub year: &'static str,
    /// Detail: pupils column.
    pub pupils_col: &'static str,
    /// Fewer than five.
    pub fewer_than_five: &'static str,
    /// Detail: history heading.
    pub history: &'static str,
    /// Detail: closed notice.
    pub closed: &'static str,
    /// Detail: Scholen op de kaart.
    pub scholen_op_de_kaart: &'static str,
    /// Detail: back to the map.
    pub back: &'static str,
    /// Opens another website.
    pub external: &'static str,
    /// Source line.
    pub source: &'static str,
    /// Stedelijke voorziening, arrangement, and the filter label for both.
    pub voorziening_kinds: [&'static str; 3],
    /// Detail: voorzieningen at this location.
    pub voorzieningen: &'static str,
    /// Detail: places.
    pub capacity: &'static str,
    /// Detail: waiting list.
    pub waiting_list: &'static str,
    /// Detail: children (after a number).
    pub children: &'static str,
    /// Detail: last checked by the SWV.
    pub last_verified: &'static str,
    /// Detail: never checked.
    pub never_verified: &'static str,
    /// Detail: a profile's last update.
    pub last_updated: &'static str,
    /// Detail: a profile never updated.
    pub never_updated: &'static str,
}

/// Dutch map texts.
pub static MAP_NL: MapTexts = MapTexts {
    title: "Voorzieningenkaart",
    intro: "Alle basisscholen, scholen voor speciaal (basis)onderwijs en voorzieningen in Almere, met wat bekend is over hun ondersteuning. Zoek op naam, soort school of ondersteuning, of vul uw postcode in om te zien wat dicht bij huis is.",
    search_heading: "Zoeken en filteren",
    q_label: "Naam of adres",
    kind_legend: "Soort school",
    cluster_legend: "Cluster (speciaal onderwijs)",
    theme_legend: "Ondersteuning",
    theme_hint: "Kiest u meer dan één soort ondersteuning? Dan ziet u locaties die ze allemaal bieden. Let op: de meeste basisscholen hebben hun ondersteuningsprofiel nog niet ingevuld. Zij staan daarom nog niet bij een soort ondersteuning. Vraag het de school, of het Oudersteunpunt.",
    denominatie_label: "Richting (denominatie)",
    any: "Alle richtingen",
    postcode_label: "Uw postcode",
    postcode_hint: "Bijvoorbeeld 1315 of 1315 AB. Dan zetten we de dichtstbijzijnde locaties bovenaan.",
    radius_label: "Afstand",
    search_button: "Zoeken",
    clear: "Alle filters wissen",
    use_location: "Gebruik mijn locatie",
    results_many: "{n} locaties",
    results_one: "1 locatie",
    results_none: "Geen locaties gevonden. Probeer minder filters. De meeste basisscholen hebben hun ondersteuningsprofiel nog niet ingevuld; vraag het de school of het Oudersteunpunt.",
    results_none_radius: "Geen locaties gevonden binnen deze afstand. Kies een grotere afstand of minder filters.",
    cluster_hint: "Het cluster is hoe DUO een school voor speciaal onderwijs indeelt. Cluster 2: horen, taal en spraak. Cluster 3: een lichamelijke of verstandelijke beperking, of langdurig ziek. Cluster 4: ernstige gedrags- of psychiatrische problemen. Een school kan ook kinderen buiten haar cluster helpen. Zoekt u op wat uw kind nodig heeft? Kies dan bij Ondersteuning, niet bij Cluster.",
    no_max: "Geen maximum",
    to_results: "Direct naar de resultaten",
    legend: "De kaart toont alle gevonden locaties; de lijst toont er 25 per pagina. Een cirkel met een getal bundelt locaties die dicht bij elkaar liggen: klik erop om in te zoomen.",
    legend_items: [
        "Basisschool",
        "Speciaal (basis)onderwijs of voorziening",
        "Uw postcode of locatie",
    ],
    change_search: "Zoekopdracht aanpassen",
    more_filters: "Meer filters: ondersteuning, cluster en richting",
    more_chosen: "{n} gekozen",
    facts_heading: "Gegevens",
    tlv_more: "Lees meer over de toelaatbaarheidsverklaring",
    location_failed: "Uw locatie is niet bekend. Vul uw postcode in.",
    map_unavailable: "De kaart kan nu niet worden getoond. Alle resultaten staan in de lijst.",
    level_basis: "Basisondersteuning",
    level_extra: "Extra ondersteuning",
    set_by_swv: "Het samenwerkingsverband heeft dit profiel ingevuld.",
    set_by_school: "De school heeft dit profiel ingevuld.",
    level: "Niveau",
    source_link: "Bron van deze informatie",
    sorted_by_distance: "gesorteerd op afstand",
    error_heading: "Controleer uw zoekopdracht",
    err_postcode: "Vul een postcode in zoals 1315 of 1315 AB.",
    err_postcode_unknown: "Deze postcode kennen we niet. Probeer een postcode in Almere, zoals 1315.",
    distance: "Afstand",
    support: "Ondersteuning",
    not_filled_in: "Ondersteuningsprofiel nog niet ingevuld",
    approximate: "plek bij benadering: midden van het postcodegebied",
    pagination: "Paginering",
    previous: "Vorige pagina",
    next: "Volgende pagina",
    page_of: "Pagina {n} van {q}",
    map_label: "Kaart met de gevonden locaties",
    open_data: "Deze gegevens als open data",
    kinds: [
        "Basisschool",
        "Speciaal basisonderwijs (SBO)",
        "Speciaal onderwijs (SO)",
        "Voortgezet speciaal onderwijs (VSO)",
        "Speciaal en voortgezet speciaal onderwijs (SO en VSO)",
    ],
    admissions: [
        "U meldt uw kind zelf aan bij de school.",
        "Eerst is een toelaatbaarheidsverklaring (TLV) van het samenwerkingsverband nodig.",
        "Plaatsing gaat via overleg tussen de school, u en het samenwerkingsverband.",
        "Deze school (cluster 1 of 2) heeft een eigen toelating. U hebt geen toelaatbaarheidsverklaring van het samenwerkingsverband nodig. Vraag de school hoe aanmelden werkt.",
    ],
    address: "Adres",
    route: "Route plannen (OpenStreetMap)",
    contact: "Contact",
    phone: "Telefoon",
    website: "Website",
    admission: "Hoe komt uw kind hier op school?",
    profile: "Ondersteuningsprofiel",
    derived: "Dit komt uit de gegevens van DUO (zie hieronder). De school heeft het nog niet gecontroleerd.",
    duo_heading: "Wat DUO over deze school registreert",
    duo_codes: "DUO-codes (voor professionals)",
    contact_from: "van de hoofdlocatie",
    former_names: "Eerder heette deze school",
    not_filled_in_long: "Deze school heeft haar ondersteuningsprofiel nog niet ingevuld op deze website. In de schoolgids leest u welke ondersteuning de school biedt. U kunt het ook aan de school vragen.",
    data_date: "Gegevens van DUO ingelezen op",
    stale: "Let op: deze gegevens zijn ouder dan 12 maanden.",
    pupils: "Aantal leerlingen",
    year: "Jaar (1 oktober)",
    pupils_col: "Leerlingen",
    fewer_than_five: "minder dan 5",
    history: "Wijzigingen",
    closed: "Deze locatie staat niet meer in de gegevens van DUO. Misschien is de school gesloten of verhuisd.",
    scholen_op_de_kaart: "Deze school op Scholen op de kaart",
    back: "Terug naar de voorzieningenkaart",
    external: "opent een andere website",
    source: "Bron: DUO Open Onderwijsdata; locaties: BAG via EduGIS.",
    voorziening_kinds: [
        "Stedelijke voorziening",
        "Arrangement",
        "Voorziening of arrangement",
    ],
    voorzieningen: "Voorzieningen op deze locatie",
    capacity: "Plaatsen",
    waiting_list: "Wachtlijst",
    children: "kinderen",
    last_verified: "Laatst gecontroleerd door het samenwerkingsverband op",
    never_verified: "Nog niet gecontroleerd door het samenwerkingsverband.",
    last_updated: "Laatst bijgewerkt op",
    never_updated: "Nog niet bijgewerkt.",
};

/// English map texts.
pub static MAP_EN: MapTexts = MapTexts {
    title: "Map of schools and provisions",
    intro: "Every primary school, special (primary) school and provision in Almere, with what is known about their support. Search by name, type of school or support, or enter your postcode to see what is close to home.",
    search_heading: "Search and filter",
    q_label: "Name or address",
    kind_legend: "Type of school",
    cluster_legend: "Cluster (special education)",
    theme_legend: "Support",
    theme_hint: "If you choose more than one kind of support, you see locations that offer all of them. Note: most primary schools have not filled in their support profile yet, so they do not appear under a kind of support. Ask the school, or the Oudersteunpunt (parent support point).",
    denominatie_label: "Denomination",
    any: "All denominations",
    postcode_label: "Your postcode",
    postcode_hint: "For example 1315 or 1315 AB. The nearest locations then come first.",
    radius_label: "Distance",
    search_button: "Search",
    clear: "Clear all filters",
    use_location: "Use my location",
    results_many: "{n} locations",
    results_one: "1 location",
    results_none: "No locations found. Try fewer filters. Most primary schools have not filled in their support profile yet; ask the school or the Oudersteunpunt.",
    results_none_radius: "No locations found within this distance. Choose a larger distance or fewer filters.",
    cluster_hint: "The cluster is how DUO groups a special school. Cluster 2: hearing, language and speech. Cluster 3: a physical or intellectual disability, or a long-term illness. Cluster 4: severe behavioural or psychiatric needs. A school can also help children outside its cluster. Looking for what your child needs? Choose under Support, not under Cluster.",
    no_max: "No maximum",
    to_results: "Skip to the results",
    legend: "The map shows every location found; the list shows 25 per page. A circle with a number groups locations close together: click it to zoom in.",
    legend_items: [
        "Primary school",
        "Special (primary) education or provision",
        "Your postcode or location",
    ],
    change_search: "Change your search",
    more_filters: "More filters: support, cluster and denomination",
    more_chosen: "{n} chosen",
    facts_heading: "Details",
    tlv_more: "More about the toelaatbaarheidsverklaring (TLV)",
    location_failed: "Your location is not known. Please enter your postcode.",
    map_unavailable: "The map cannot be shown right now. All results are in the list.",
    level_basis: "Basic support (basisondersteuning)",
    level_extra: "Extra support (extra ondersteuning)",
    set_by_swv: "This profile was set by the samenwerkingsverband.",
    set_by_school: "This profile was filled in by the school.",
    level: "Level",
    source_link: "Source of this information",
    sorted_by_distance: "sorted by distance",
    error_heading: "Please check your search",
    err_postcode: "Enter a postcode such as 1315 or 1315 AB.",
    err_postcode_unknown: "We do not know this postcode. Try a postcode in Almere, such as 1315.",
    distance: "Distance",
    support: "Support",
    not_filled_in: "Support profile not filled in yet",
    approximate: "approximate location: centre of the postcode area",
    pagination: "Pages",
    previous: "Previous page",
    next: "Next page",
    page_of: "Page {n} of {q}",
    map_label: "Map of the locations found",
    open_data: "Download this data",
    kinds: [
        "Primary school",
        "Special primary school (SBO)",
        "Special education (SO)",
        "Secondary special education (VSO)",
        "Special and secondary special education (SO and VSO)",
    ],
    admissions: [
        "You register your child with the school yourself.",
        "A toelaatbaarheidsverklaring (TLV, admission statement) from the samenwerkingsverband is needed first.",
        "Placement is agreed in a meeting of the school, you and the samenwerkingsverband.",
        "This school (cluster 1 or 2) has its own admission. You do not need a TLV from the samenwerkingsverband. Ask the school how to register.",
    ],
    address: "Address",
    route: "Plan a route (OpenStreetMap)",
    contact: "Contact",
    phone: "Phone",
    website: "Website",
    admission: "How does your child get a place here?",
    profile: "Support profile",
    derived: "Derived from what DUO registers about this school (see below); the school has not checked this yet.",
    duo_heading: "What DUO registers about this school",
    duo_codes: "DUO codes (for professionals)",
    contact_from: "of the main location",
    former_names: "Former name",
    not_filled_in_long: "This school has not yet filled in its support profile on this website. The school guide (schoolgids) describes the support the school offers. You can also ask the school.",
    data_date: "DUO data read on",
    stale: "Please note: this data is more than 12 months old.",
    pupils: "Number of pupils",
    year: "Year (1 October)",
    pupils_col: "Pupils",
    fewer_than_five: "fewer than 5",
    history: "Changes",
    closed: "This location is no longer in DUO's data. The school may have closed or moved.",
    scholen_op_de_kaart: "This school on Scholen op de kaart",
    back: "Back to the map",
    external: "opens another website",
    source: "Source: DUO Open Onderwijsdata; locations: BAG via EduGIS.",
    voorziening_kinds: [
        "City-wide provision (stedelijke voorziening)",
        "Arrangement",
        "Provision or arrangement",
    ],
    voorzieningen: "Provisions at this location",
    capacity: "Places",
    waiting_list: "Waiting list",
    children: "children",
    last_verified: "Last checked by the samenwerkingsverband on",
    never_verified: "Not yet checked by the samenwerkingsverband.",
    last_updated: "Last updated on",
    never_updated: "Not updated yet.",
};

/// The map texts of a language.
pub fn map_texts(lang: Lang) -> &'static MapTexts {
    match lang {
        Lang::Nl => &MAP_NL,
        Lang::En => &MAP_EN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_both_languages() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        assert_eq!(long_date(&NL, d), "2 maart 2026");
        assert_eq!(long_date(&EN, d), "2 March 2026");
        assert_eq!(long_date_with_weekday(&NL, d), "maandag 2 maart 2026");
        assert_eq!(long_date_with_weekday(&EN, d), "Monday 2 March 2026");
    }
}
