//! What the staff pages say after an action: the notice for the `gedaan` code that a redirect
//! puts in the URL, one table per page. Dutch; the English staff pages will add their column to
//! these same tables.

/// A page's notices: the `gedaan` code and its text.
pub type Notices = &'static [(&'static str, &'static str)];

/// The notice for a `gedaan` code on a page, if it has one.
pub fn notice(table: Notices, code: &str) -> Option<String> {
    table
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, text)| (*text).to_owned())
}

/// A zorgplicht registration (aanmelding, thuiszitter, sick pupil).
pub const REGISTER: Notices = &[
    ("opgeslagen", "Opgeslagen."),
    (
        "gewijzigd",
        "Iemand anders heeft dit intussen gewijzigd. Hieronder staat de nieuwste versie; voer uw wijziging opnieuw in.",
    ),
    ("evaluatie", "Het evaluatiemoment is opgeslagen."),
    (
        "uitkomst-leeg",
        "Het evaluatiemoment is niet opgeslagen: schrijf eerst wat eruit kwam.",
    ),
];

/// A request.
pub const REQUEST: Notices = &[
    (
        "aangemaakt",
        "De aanvraag is aangemaakt als concept. Vul hem aan en dien hem in als alles compleet is.",
    ),
    ("opgeslagen", "De aanvraag is opgeslagen."),
    (
        "ingediend",
        "De aanvraag is ingediend bij het samenwerkingsverband.",
    ),
    ("ingetrokken", "De aanvraag is ingetrokken."),
    ("toegewezen", "De contactpersoon is vastgelegd."),
    (
        "overleg",
        "Het overleg is gepland en de uitnodigingen zijn verstuurd.",
    ),
    (
        "opgeschort",
        "De beslistermijn staat stil tot de informatie er is.",
    ),
    (
        "hervat",
        "De beslistermijn loopt weer; de nieuwe uiterste datum staat hieronder.",
    ),
    (
        "adviesvraag",
        "De adviesvraag is verstuurd naar de deskundige.",
    ),
    (
        "besluit",
        "Het besluit is genomen en de brief is gemaakt. Leg vast wanneer de brief is verzonden: pas dan begint de bezwaartermijn en zien de ouders de brief in het ouderportaal.",
    ),
    (
        "verzonden",
        "De verzending van de brief is vastgelegd. De bezwaartermijn loopt vanaf de dag erna.",
    ),
    ("document", "Het document is opgeslagen."),
    ("bezwaar", "Het bezwaar is geregistreerd."),
    (
        "aangevuld",
        "Toeleiding heeft bericht gekregen dat de informatie er is. Zij laten de beslistermijn weer lopen als de aanvraag compleet is.",
    ),
    ("bezwaar-bijgewerkt", "Het bezwaar is bijgewerkt."),
    (
        "gedeeld",
        "De aanvraag is gedeeld met de ouders. Zij hebben een e-mail gekregen en zien de aanvraag in het ouderportaal.",
    ),
    (
        "delen-datum",
        "Kies een datum na vandaag waarvoor de ouders hun mening kunnen geven.",
    ),
    (
        "delen-geen-ouders",
        "Er is nog geen ouder met toegang tot het ouderportaal. Nodig eerst een ouder uit in het dossier.",
    ),
    (
        "gewijzigd",
        "Iemand anders heeft de aanvraag intussen gewijzigd. Hieronder ziet u de nieuwste stand; doe uw wijziging zo nodig opnieuw.",
    ),
];

/// A pupil's dossier.
pub const DOSSIER: Notices = &[
    (
        "aangemaakt",
        "De leerling is toegevoegd. U kunt nu documenten toevoegen en een aanvraag maken.",
    ),
    ("document", "Het document is opgeslagen."),
    ("gewijzigd", "De gegevens zijn gewijzigd."),
    (
        "ouder-uitgenodigd",
        "De ouder heeft een e-mail gekregen en kan nu in het ouderportaal volgen wat er met de aanvragen gebeurt.",
    ),
    (
        "ouder-ingetrokken",
        "De ouder heeft geen toegang meer tot het ouderportaal voor deze leerling.",
    ),
    (
        "ouder-geen-gezag",
        "Alleen een ouder met gezag en een geldig e-mailadres kan worden uitgenodigd. Pas de gegevens zo nodig aan.",
    ),
    (
        "ouder-medewerker",
        "Dit e-mailadres hoort bij een account van een medewerker. Vraag de ouder om een ander e-mailadres en pas de gegevens aan.",
    ),
    (
        "ouder-geblokkeerd",
        "Het account van deze ouder is geblokkeerd. Vraag de beheerder van het samenwerkingsverband om hulp.",
    ),
    (
        "document-gedeeld",
        "Het document is gedeeld met de ouders. Zij hebben een e-mail gekregen.",
    ),
    (
        "document-al-gedeeld",
        "Deze versie was al gedeeld met de ouders.",
    ),
    (
        "document-nieuwe-versie",
        "Er is intussen een nieuwe versie van dit document. Bekijk die eerst en deel hem dan opnieuw.",
    ),
    (
        "ouder-gewijzigd",
        "De gegevens van de ouders zijn intussen gewijzigd. Kijk of het om de goede ouder gaat en probeer het opnieuw.",
    ),
    (
        "delen-geen-ouders",
        "Er is nog geen ouder met toegang tot het ouderportaal. Nodig eerst een ouder uit.",
    ),
];

/// One's own account.
pub const ACCOUNT: Notices = &[
    (
        "wachtwoord",
        "Uw wachtwoord is gewijzigd. Op andere apparaten bent u uitgelogd.",
    ),
    ("sessie", "De sessie is beëindigd."),
    ("overal", "U bent op alle andere apparaten uitgelogd."),
];

/// An Oudersteunpunt case.
pub const CASE: Notices = &[
    ("opgeslagen", "De zaak is bijgewerkt."),
    ("notitie", "De notitie is toegevoegd."),
    ("nieuw", "De zaak is aangemaakt."),
    (
        "gewijzigd",
        "Iemand anders heeft de zaak intussen gewijzigd. Hieronder staat de nieuwste versie; voer uw wijziging opnieuw in.",
    ),
];

/// The expert's advices.
pub const ADVICES: Notices = &[
    (
        "gegeven",
        "Uw advies is opgeslagen. Toeleiding heeft bericht gekregen.",
    ),
    (
        "teruggegeven",
        "De adviesvraag is teruggegeven. Toeleiding heeft bericht gekregen.",
    ),
];

/// A beslissing op bezwaar.
pub const BESLISSING: Notices = &[
    (
        "genomen",
        "De beslissing op bezwaar is genomen en de brief is gemaakt. Leg hieronder vast wanneer de brief is verzonden: dan gaat de beroepstermijn lopen.",
    ),
    ("verzonden", "De verzending is vastgelegd."),
];

/// The voorzieningen.
pub const VOORZIENINGEN: Notices = &[
    (
        "toegevoegd",
        "De voorziening is toegevoegd en staat op de kaart.",
    ),
    ("verwijderd", "De voorziening is verwijderd van de kaart."),
    ("gewijzigd", "De wijzigingen staan op de kaart."),
];

/// The users list.
pub const USERS: Notices = &[("uitgenodigd", "De uitnodiging is verstuurd.")];

/// One user.
pub const USER: Notices = &[
    ("opgeslagen", "De wijzigingen zijn opgeslagen."),
    (
        "geblokkeerd",
        "Het account is geblokkeerd. Alle sessies van deze gebruiker zijn beëindigd.",
    ),
    ("gedeblokkeerd", "Het account is weer actief."),
    (
        "uitgenodigd",
        "Er is een nieuwe uitnodiging verstuurd. Eerdere links werken niet meer.",
    ),
    (
        "tweestaps",
        "De tweestapsverificatie is gewist. De gebruiker stelt die opnieuw in bij de volgende keer inloggen.",
    ),
];
