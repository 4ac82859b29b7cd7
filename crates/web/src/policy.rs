//! The authorization policy: one table that says, for every route, who may use it. The guard in
//! [`crate::auth`] looks every request up here; a route that is missing is refused (fail closed)
//! and a test checks that every route of the router has an entry and every entry a route.
//!
//! This decides by role and sign-in stage. Which object someone may see (their own school's
//! profile, a user of their own samenwerkingsverband, their own session) is checked by the
//! handler with a query scoped to the principal; a refusal there also looks like "not found".

use passend_domain::accounts::{Role, Stage};

/// Who may use a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Everyone; no session is read (the public site, the map, assets, health).
    Public,
    /// Sign-in pages: visitors without a full session.
    Guest,
    /// The second step of signing in (a session waiting for its code).
    SecondFactor,
    /// Setting up a second factor (a new staff session, or a signed-in user).
    Enroll,
    /// Any session in any stage (sign out).
    AnySession,
    /// Every fully signed-in user.
    SignedIn,
    /// Fully signed-in users with one of these roles.
    Roles(&'static [Role]),
}

/// What the guard does with a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Go on.
    Allow,
    /// Send the visitor to the sign-in page.
    SignIn,
    /// Send the visitor to the step they must finish first.
    FinishStep(Stage),
    /// Already signed in: send to the account page.
    SignedInAlready,
    /// Refuse as "not found" and record the refusal.
    Deny,
}

/// SWV staff who manage the map's voorzieningen and check profiles.
pub const SWV_STAFF: &[Role] = &[Role::Toeleider, Role::Beheerder];
/// Who may edit a school's support profile: the school's staff (their own locations) and SWV staff.
pub const PROFILE_EDITORS: &[Role] = &[Role::Schoolmedewerker, Role::Toeleider, Role::Beheerder];
/// Beheerders only.
pub const BEHEER: &[Role] = &[Role::Beheerder];
/// School staff only.
pub const SCHOOL: &[Role] = &[Role::Schoolmedewerker];
/// Who may read a pupil's dossier and requests (each checked against the pupil): school staff,
/// toeleiders and experts. Beheerders do not see pupil data.
pub const CASE_READERS: &[Role] = &[Role::Schoolmedewerker, Role::Toeleider, Role::Deskundige];
/// Who may add documents, withdraw requests and download decision letters: school staff and
/// toeleiders.
pub const CASE_WRITERS: &[Role] = &[Role::Schoolmedewerker, Role::Toeleider];
/// Toeleiders: the intake, the procedure, decisions and the TLV register.
pub const TOELEIDING: &[Role] = &[Role::Toeleider];
/// Experts: their advices.
pub const EXPERTS: &[Role] = &[Role::Deskundige];
/// Parents: their own portal (each child checked against the parent's links).
pub const PARENTS: &[Role] = &[Role::Ouder];
/// Ouderadviseurs: the Oudersteunpunt's confidential caseload. Nobody else, not even a
/// beheerder.
pub const ADVISERS: &[Role] = &[Role::Ouderadviseur];
/// Every staff role: the start page ("Vandaag"). Parents start on their portal.
pub const STAFF: &[Role] = &[
    Role::Schoolmedewerker,
    Role::Toeleider,
    Role::Deskundige,
    Role::Ouderadviseur,
    Role::Beheerder,
];
/// The anonymised signalering: ouderadviseurs, and beheerders for the board.
pub const SIGNALERING: &[Role] = &[Role::Ouderadviseur, Role::Beheerder];

/// Decides by access rule and the visitor's role and stage (`None`: no session).
pub fn decide(access: Access, visitor: Option<(Role, Stage)>) -> Decision {
    use Decision::*;
    match (access, visitor) {
        (Access::Public, _) => Allow,
        (Access::Guest, None) => Allow,
        (Access::Guest, Some((_, Stage::Full))) => SignedInAlready,
        // A half-finished sign-in may start over.
        (Access::Guest, Some(_)) => Allow,
        (Access::AnySession, Some(_)) => Allow,
        (_, None) => SignIn,
        (Access::SecondFactor, Some((_, Stage::SecondFactor))) => Allow,
        (Access::SecondFactor, Some((_, Stage::Full))) => SignedInAlready,
        (Access::SecondFactor, Some((_, stage))) => FinishStep(stage),
        (Access::Enroll, Some((_, Stage::Enroll | Stage::Full))) => Allow,
        (Access::Enroll, Some((_, stage))) => FinishStep(stage),
        (_, Some((_, stage @ (Stage::SecondFactor | Stage::Enroll)))) => FinishStep(stage),
        (Access::SignedIn, Some((_, Stage::Full))) => Allow,
        (Access::Roles(roles), Some((role, Stage::Full))) if roles.contains(&role) => Allow,
        (Access::Roles(_), Some((_, Stage::Full))) => Deny,
    }
}

/// Every route: method, path pattern (as given to the router), access.
pub const POLICY: &[(&str, &str, Access)] = &[
    // Public site.
    ("GET", "/", Access::Public),
    ("GET", "/en/", Access::Public),
    ("GET", "/en", Access::Public),
    ("GET", "/home", Access::Public),
    ("GET", "/en/home", Access::Public),
    ("GET", "/begrippen", Access::Public),
    ("GET", "/en/begrippen", Access::Public),
    ("GET", "/wat-kan-ik-doen", Access::Public),
    ("GET", "/en/wat-kan-ik-doen", Access::Public),
    ("GET", "/cijfers", Access::Public),
    ("GET", "/en/cijfers", Access::Public),
    ("GET", "/{slug}", Access::Public),
    ("GET", "/en/{slug}", Access::Public),
    // Voorzieningenkaart.
    ("GET", "/kaart", Access::Public),
    ("GET", "/en/kaart", Access::Public),
    ("GET", "/kaart/{code}", Access::Public),
    ("GET", "/en/kaart/{code}", Access::Public),
    ("GET", "/kaart.geojson", Access::Public),
    ("GET", "/kaart.csv", Access::Public),
    ("GET", "/kaart.json", Access::Public),
    ("GET", "/kaart/tegels/{z}/{x}/{y}", Access::Public),
    // System.
    ("GET", "/healthz", Access::Public),
    ("GET", "/static/{file}", Access::Public),
    // Signing in and out.
    ("GET", "/inloggen", Access::Guest),
    ("POST", "/inloggen", Access::Guest),
    ("GET", "/inloggen/code", Access::SecondFactor),
    ("POST", "/inloggen/code", Access::SecondFactor),
    ("GET", "/inloggen/link", Access::Guest),
    ("POST", "/inloggen/link", Access::Guest),
    ("GET", "/inloggen/link/{token}", Access::Guest),
    ("POST", "/inloggen/link/{token}", Access::Guest),
    ("GET", "/uitnodiging/{token}", Access::Guest),
    ("POST", "/uitnodiging/{token}", Access::Guest),
    ("GET", "/wachtwoord-vergeten", Access::Guest),
    ("POST", "/wachtwoord-vergeten", Access::Guest),
    ("GET", "/wachtwoord-herstellen/{token}", Access::Guest),
    ("POST", "/wachtwoord-herstellen/{token}", Access::Guest),
    ("POST", "/uitloggen", Access::AnySession),
    // One's own account.
    ("GET", "/account/tweestapsverificatie", Access::Enroll),
    ("POST", "/account/tweestapsverificatie", Access::Enroll),
    ("GET", "/account", Access::SignedIn),
    ("GET", "/account/wachtwoord", Access::SignedIn),
    ("POST", "/account/wachtwoord", Access::SignedIn),
    ("POST", "/account/herstelcodes", Access::SignedIn),
    ("POST", "/account/sessies/{id}/beeindigen", Access::SignedIn),
    ("POST", "/account/overal-uitloggen", Access::SignedIn),
    // School staff.
    ("GET", "/school", Access::Roles(SCHOOL)),
    ("GET", "/profiel/{code}", Access::Roles(PROFILE_EDITORS)),
    ("POST", "/profiel/{code}", Access::Roles(PROFILE_EDITORS)),
    // SWV staff.
    ("GET", "/swv/profielen", Access::Roles(SWV_STAFF)),
    (
        "POST",
        "/swv/profielen/{code}/gecontroleerd",
        Access::Roles(SWV_STAFF),
    ),
    ("GET", "/swv/voorzieningen", Access::Roles(SWV_STAFF)),
    ("POST", "/swv/voorzieningen", Access::Roles(SWV_STAFF)),
    ("GET", "/swv/voorzieningen/{slug}", Access::Roles(SWV_STAFF)),
    (
        "POST",
        "/swv/voorzieningen/{slug}",
        Access::Roles(SWV_STAFF),
    ),
    (
        "POST",
        "/swv/voorzieningen/{slug}/verwijderen",
        Access::Roles(SWV_STAFF),
    ),
    // Casework: dossiers and requests.
    ("GET", "/leerlingen", Access::Roles(SCHOOL)),
    ("GET", "/leerlingen/nieuw", Access::Roles(SCHOOL)),
    ("POST", "/leerlingen/nieuw", Access::Roles(SCHOOL)),
    ("GET", "/leerlingen/{id}", Access::Roles(CASE_READERS)),
    ("GET", "/leerlingen/{id}/bewerken", Access::Roles(SCHOOL)),
    ("POST", "/leerlingen/{id}/bewerken", Access::Roles(SCHOOL)),
    (
        "POST",
        "/leerlingen/{id}/documenten",
        Access::Roles(CASE_WRITERS),
    ),
    (
        "GET",
        "/documenten/{id}/{version}",
        Access::Roles(CASE_READERS),
    ),
    (
        "GET",
        "/leerlingen/{id}/aanvragen/nieuw",
        Access::Roles(SCHOOL),
    ),
    (
        "POST",
        "/leerlingen/{id}/aanvragen/nieuw",
        Access::Roles(SCHOOL),
    ),
    ("GET", "/aanvragen/{id}", Access::Roles(CASE_READERS)),
    ("POST", "/aanvragen/{id}", Access::Roles(SCHOOL)),
    ("POST", "/aanvragen/{id}/indienen", Access::Roles(SCHOOL)),
    (
        "POST",
        "/aanvragen/{id}/intrekken",
        Access::Roles(CASE_WRITERS),
    ),
    (
        "POST",
        "/aanvragen/{id}/toewijzen",
        Access::Roles(TOELEIDING),
    ),
    ("GET", "/vandaag", Access::Roles(STAFF)),
    ("POST", "/aanvragen/{id}/overleg", Access::Roles(TOELEIDING)),
    (
        "POST",
        "/aanvragen/{id}/overleg/{meeting}",
        Access::Roles(TOELEIDING),
    ),
    (
        "POST",
        "/aanvragen/{id}/opschorten",
        Access::Roles(TOELEIDING),
    ),
    ("POST", "/aanvragen/{id}/aangevuld", Access::Roles(SCHOOL)),
    (
        "POST",
        "/aanvragen/{id}/adviesvraag",
        Access::Roles(TOELEIDING),
    ),
    ("POST", "/aanvragen/{id}/besluit", Access::Roles(TOELEIDING)),
    (
        "GET",
        "/besluiten/{id}/brief.pdf",
        Access::Roles(CASE_WRITERS),
    ),
    // The parents' portal, and the staff actions that feed it.
    ("GET", "/ouders", Access::Roles(PARENTS)),
    ("POST", "/ouders/taal", Access::Roles(PARENTS)),
    ("GET", "/ouders/kinderen/{id}", Access::Roles(PARENTS)),
    (
        "POST",
        "/ouders/kinderen/{id}/documenten",
        Access::Roles(PARENTS),
    ),
    ("GET", "/ouders/aanvragen/{id}", Access::Roles(PARENTS)),
    (
        "POST",
        "/ouders/aanvragen/{id}/gelezen",
        Access::Roles(PARENTS),
    ),
    (
        "POST",
        "/ouders/aanvragen/{id}/zienswijze",
        Access::Roles(PARENTS),
    ),
    (
        "POST",
        "/ouders/aanvragen/{id}/ondertekenen",
        Access::Roles(PARENTS),
    ),
    ("GET", "/ouders/documenten/{id}", Access::Roles(PARENTS)),
    (
        "POST",
        "/ouders/documenten/{id}/toestemming",
        Access::Roles(PARENTS),
    ),
    (
        "GET",
        "/ouders/besluiten/{id}/brief.pdf",
        Access::Roles(PARENTS),
    ),
    (
        "GET",
        "/ouders/beslissingen/{id}/brief.pdf",
        Access::Roles(PARENTS),
    ),
    (
        "POST",
        "/leerlingen/{id}/ouders/{position}/uitnodigen",
        Access::Roles(CASE_WRITERS),
    ),
    (
        "POST",
        "/leerlingen/{id}/ouders/{position}/intrekken",
        Access::Roles(CASE_WRITERS),
    ),
    ("POST", "/aanvragen/{id}/delen", Access::Roles(SCHOOL)),
    (
        "POST",
        "/documenten/{id}/delen",
        Access::Roles(CASE_WRITERS),
    ),
    // Advices, the queue, the TLV register, bezwaar, receiving schools.
    ("GET", "/adviezen", Access::Roles(EXPERTS)),
    ("GET", "/adviezen/{id}", Access::Roles(EXPERTS)),
    ("POST", "/adviezen/{id}", Access::Roles(EXPERTS)),
    ("POST", "/adviezen/{id}/teruggeven", Access::Roles(EXPERTS)),
    ("GET", "/swv/aanvragen", Access::Roles(TOELEIDING)),
    ("GET", "/swv/tlv", Access::Roles(TOELEIDING)),
    ("GET", "/swv/tlv.csv", Access::Roles(TOELEIDING)),
    ("POST", "/besluiten/{id}/bezwaar", Access::Roles(TOELEIDING)),
    ("POST", "/bezwaren/{id}", Access::Roles(TOELEIDING)),
    // Sending letters and the beslissing op bezwaar.
    (
        "GET",
        "/besluiten/{id}/verzending",
        Access::Roles(TOELEIDING),
    ),
    (
        "POST",
        "/besluiten/{id}/verzending",
        Access::Roles(TOELEIDING),
    ),
    (
        "GET",
        "/bezwaren/{id}/beslissing",
        Access::Roles(TOELEIDING),
    ),
    (
        "POST",
        "/bezwaren/{id}/beslissing",
        Access::Roles(TOELEIDING),
    ),
    (
        "POST",
        "/beslissingen/{id}/verzending",
        Access::Roles(TOELEIDING),
    ),
    (
        "GET",
        "/beslissingen/{id}/brief.pdf",
        Access::Roles(CASE_WRITERS),
    ),
    ("GET", "/school/tlv", Access::Roles(SCHOOL)),
    ("GET", "/school/tlv.csv", Access::Roles(SCHOOL)),
    // Zorgplicht, thuiszitters and sick pupils.
    ("GET", "/school/zorgplicht", Access::Roles(SCHOOL)),
    ("GET", "/leerlingen/{id}/aanmelding", Access::Roles(SCHOOL)),
    ("POST", "/leerlingen/{id}/aanmelding", Access::Roles(SCHOOL)),
    ("GET", "/aanmeldingen/{id}", Access::Roles(SCHOOL)),
    ("POST", "/aanmeldingen/{id}", Access::Roles(SCHOOL)),
    ("GET", "/leerlingen/{id}/thuiszitten", Access::Roles(SCHOOL)),
    (
        "POST",
        "/leerlingen/{id}/thuiszitten",
        Access::Roles(SCHOOL),
    ),
    ("GET", "/thuiszitters/{id}", Access::Roles(CASE_WRITERS)),
    ("POST", "/thuiszitters/{id}", Access::Roles(CASE_WRITERS)),
    ("GET", "/leerlingen/{id}/ziek", Access::Roles(SCHOOL)),
    ("POST", "/leerlingen/{id}/ziek", Access::Roles(SCHOOL)),
    ("GET", "/ziek/{id}", Access::Roles(SCHOOL)),
    ("POST", "/ziek/{id}", Access::Roles(SCHOOL)),
    ("POST", "/ziek/{id}/evaluaties", Access::Roles(SCHOOL)),
    (
        "POST",
        "/ziek/{id}/evaluaties/{evaluation}",
        Access::Roles(SCHOOL),
    ),
    ("GET", "/swv/zorgplicht", Access::Roles(TOELEIDING)),
    ("GET", "/swv/thuiszitters", Access::Roles(TOELEIDING)),
    (
        "GET",
        "/swv/thuiszitters/inspectie.csv",
        Access::Roles(TOELEIDING),
    ),
    (
        "GET",
        "/swv/thuiszitters/inspectie.xlsx",
        Access::Roles(TOELEIDING),
    ),
    // The Oudersteunpunt: the public form, the advisers' caseload, the signalering.
    ("GET", "/oudersteunpunt/contact", Access::Public),
    ("POST", "/oudersteunpunt/contact", Access::Public),
    ("GET", "/en/oudersteunpunt/contact", Access::Public),
    ("POST", "/en/oudersteunpunt/contact", Access::Public),
    ("GET", "/steunpunt", Access::Roles(ADVISERS)),
    ("GET", "/steunpunt/nieuw", Access::Roles(ADVISERS)),
    ("POST", "/steunpunt/nieuw", Access::Roles(ADVISERS)),
    ("GET", "/steunpunt/zaken/{id}", Access::Roles(ADVISERS)),
    ("POST", "/steunpunt/zaken/{id}", Access::Roles(ADVISERS)),
    (
        "POST",
        "/steunpunt/zaken/{id}/notities",
        Access::Roles(ADVISERS),
    ),
    ("GET", "/steunpunt/signalering", Access::Roles(SIGNALERING)),
    (
        "GET",
        "/steunpunt/signalering.csv",
        Access::Roles(SIGNALERING),
    ),
    // Beheer.
    ("GET", "/beheer", Access::Roles(BEHEER)),
    ("GET", "/beheer/gebruikers", Access::Roles(BEHEER)),
    ("GET", "/beheer/gebruikers/nieuw", Access::Roles(BEHEER)),
    ("POST", "/beheer/gebruikers/nieuw", Access::Roles(BEHEER)),
    ("GET", "/beheer/gebruikers/{id}", Access::Roles(BEHEER)),
    ("POST", "/beheer/gebruikers/{id}", Access::Roles(BEHEER)),
    (
        "POST",
        "/beheer/gebruikers/{id}/blokkeren",
        Access::Roles(BEHEER),
    ),
    (
        "POST",
        "/beheer/gebruikers/{id}/deblokkeren",
        Access::Roles(BEHEER),
    ),
    (
        "POST",
        "/beheer/gebruikers/{id}/uitnodigen",
        Access::Roles(BEHEER),
    ),
    (
        "POST",
        "/beheer/gebruikers/{id}/tweestaps-herstellen",
        Access::Roles(BEHEER),
    ),
    ("GET", "/beheer/audit", Access::Roles(BEHEER)),
    ("GET", "/beheer/audit.csv", Access::Roles(BEHEER)),
    ("GET", "/beheer/e-mail", Access::Roles(BEHEER)),
    ("POST", "/beheer/e-mail/{id}/opnieuw", Access::Roles(BEHEER)),
    ("GET", "/beheer/paginas", Access::Roles(BEHEER)),
    ("GET", "/beheer/contact", Access::Roles(BEHEER)),
    ("POST", "/beheer/contact", Access::Roles(BEHEER)),
    (
        "GET",
        "/beheer/paginas/{lang}/{slug}",
        Access::Roles(BEHEER),
    ),
    (
        "POST",
        "/beheer/paginas/{lang}/{slug}",
        Access::Roles(BEHEER),
    ),
    (
        "GET",
        "/beheer/paginas/{lang}/{slug}/concept",
        Access::Roles(BEHEER),
    ),
    (
        "POST",
        "/beheer/paginas/{lang}/{slug}/concept/weggooien",
        Access::Roles(BEHEER),
    ),
    (
        "GET",
        "/beheer/paginas/{lang}/{slug}/versies/{number}",
        Access::Roles(BEHEER),
    ),
    (
        "POST",
        "/beheer/paginas/{lang}/{slug}/versies/{number}/terugzetten",
        Access::Roles(BEHEER),
    ),
    ("GET", "/beheer/begrippen", Access::Roles(BEHEER)),
    (
        "GET",
        "/beheer/begrippen/{lang}/nieuw",
        Access::Roles(BEHEER),
    ),
    (
        "POST",
        "/beheer/begrippen/{lang}/nieuw",
        Access::Roles(BEHEER),
    ),
    (
        "GET",
        "/beheer/begrippen/{lang}/{key}",
        Access::Roles(BEHEER),
    ),
    (
        "POST",
        "/beheer/begrippen/{lang}/{key}",
        Access::Roles(BEHEER),
    ),
    (
        "GET",
        "/beheer/begrippen/{lang}/{key}/versies/{number}",
        Access::Roles(BEHEER),
    ),
    (
        "POST",
        "/beheer/begrippen/{lang}/{key}/versies/{number}/terugzetten",
        Access::Roles(BEHEER),
    ),
];

/// The access rule of a route, if it has one. `HEAD` follows `GET`.
pub fn lookup(method: &str, path: &str) -> Option<Access> {
    let method = if method == "HEAD" { "GET" } else { method };
    POLICY
        .iter()
        .find(|(m, p, _)| *m == method && *p == path)
        .map(|(_, _, a)| *a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_come_before_roles() {
        let full = |r| Some((r, Stage::Full));
        assert_eq!(decide(Access::Roles(BEHEER), None), Decision::SignIn);
        assert_eq!(
            decide(
                Access::Roles(BEHEER),
                Some((Role::Beheerder, Stage::SecondFactor))
            ),
            Decision::FinishStep(Stage::SecondFactor)
        );
        assert_eq!(
            decide(
                Access::Roles(BEHEER),
                Some((Role::Beheerder, Stage::Enroll))
            ),
            Decision::FinishStep(Stage::Enroll)
        );
        assert_eq!(
            decide(Access::Roles(BEHEER), full(Role::Beheerder)),
            Decision::Allow
        );
        assert_eq!(
            decide(Access::Roles(BEHEER), full(Role::Toeleider)),
            Decision::Deny
        );
        assert_eq!(
            decide(Access::Guest, full(Role::Ouder)),
            Decision::SignedInAlready
        );
        assert_eq!(
            decide(Access::Enroll, Some((Role::Toeleider, Stage::SecondFactor))),
            Decision::FinishStep(Stage::SecondFactor)
        );
        assert_eq!(decide(Access::AnySession, None), Decision::SignIn);
    }

    #[test]
    fn the_table_has_no_duplicates() {
        for (i, (m, p, _)) in POLICY.iter().enumerate() {
            assert!(
                !POLICY[i + 1..].iter().any(|(m2, p2, _)| m2 == m && p2 == p),
                "{m} {p} twice"
            );
        }
        assert_eq!(lookup("HEAD", "/"), Some(Access::Public));
        assert_eq!(lookup("DELETE", "/"), None);
    }
}
