//! Accounts through HTTP: invitation → password → second factor → sign in → sign out; the
//! sign-in throttle (429 with Retry-After); parents' e-mail links; CSRF; disabling an account
//! ends its sessions; and the authorization matrix (every route × every kind of visitor × the
//! relation to the object) on the backend under test.

use crate::support::*;
use passend_domain::accounts::{Role, Stage, token_hash};
use passend_store::accounts::{self as store};

#[tokio::test]
async fn invitation_password_second_factor_sign_in_and_out() {
    let app = TestApp::spawn().await;
    let tenant = tenant_id(&app).await;
    let link = passend::accounts::invite(
        &app.server().db,
        tenant,
        "Passend Onderwijs Almere",
        "http://127.0.0.1",
        &passend::accounts::InviteArgs {
            email: "B.Heer@Example.nl".to_owned(),
            name: "Bea Heer".to_owned(),
            role: "beheerder".to_owned(),
            schools: Vec::new(),
        },
    )
    .await
    .unwrap();
    // The invitation mail goes out through the outbox; it holds the same link and nothing else.
    let mail = mail_to(&app, "b.heer@example.nl", "/uitnodiging/").await;
    let path = link_in(&mail, "http://127.0.0.1/uitnodiging/");
    assert_eq!(format!("http://127.0.0.1{path}"), link);
    assert!(mail.contains("als beheerder"));

    let mut b = Browser::new(&app);
    let form = b.get(&path).await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("Welkom, Bea Heer"));
    // A breached password is refused at the field, and not echoed back.
    let weak = b
        .post(
            &path,
            &[("wachtwoord", "welkom123"), ("herhaling", "welkom123")],
        )
        .await;
    assert_eq!(weak.status, 422);
    assert!(weak.body.contains("eerder uitgelekt"), "{}", weak.body);
    assert!(!weak.body.contains("value=\"welkom123\""));
    let mismatch = b
        .post(
            &path,
            &[
                ("wachtwoord", "paard batterij nietje"),
                ("herhaling", "paard batterij"),
            ],
        )
        .await;
    assert!(mismatch.body.contains("niet hetzelfde"));
    let made = b
        .post(
            &path,
            &[
                ("wachtwoord", "paard batterij nietje"),
                ("herhaling", "paard batterij nietje"),
            ],
        )
        .await;
    assert_eq!(
        (made.status, made.location.as_str()),
        (303, "/account/tweestapsverificatie")
    );
    // The link works once.
    let mut other = Browser::new(&app);
    assert_eq!(other.get(&path).await.status, 410);

    // A staff user must set up the second factor before anything else.
    assert_eq!(b.get("/beheer").await.guard, "step");
    let enroll = b.get("/account/tweestapsverificatie").await;
    assert!(enroll.body.contains("<svg"), "a QR code");
    let at = enroll.body.find("passend-secret\">").unwrap() + 16;
    let secret: String = enroll.body[at..enroll.body[at..].find('<').unwrap() + at]
        .split_whitespace()
        .collect();
    let wrong = b
        .post("/account/tweestapsverificatie", &[("code", "000000")])
        .await;
    assert_eq!(wrong.status, 422);
    let before = b.session().cloned();
    let enrolled = totp_now(&secret);
    let codes = b
        .post("/account/tweestapsverificatie", &[("code", &enrolled)])
        .await;
    assert_eq!(codes.status, 200);
    assert_ne!(
        b.session().cloned(),
        before,
        "a new session id after the second factor"
    );
    let recovery: Vec<String> = codes
        .body
        .match_indices("<li><code class=\"utrecht-code\">")
        .map(|(i, m)| codes.body[i + m.len()..i + m.len() + 11].to_owned())
        .collect();
    assert_eq!(recovery.len(), 10);
    assert_eq!(b.get("/beheer").await.status, 200);
    let account = b.get("/account").await;
    assert!(account.body.contains("Bea Heer") && account.body.contains("Deze sessie"));

    // Sign out: the old cookie no longer works.
    let old = b.session().cloned().unwrap();
    let out = b.post("/uitloggen", &[]).await;
    assert_eq!(out.location, "/inloggen?uitgelogd=1");
    assert!(b.session().is_none(), "the cookie is removed");
    let mut replay = Browser::with_session(&app, &old);
    let refused = replay.get("/account").await;
    assert_eq!(refused.guard, "sign-in");
    assert!(
        refused.location.ends_with("&verlopen=1"),
        "{}",
        refused.location
    );
    assert!(
        replay
            .get(&refused.location)
            .await
            .body
            .contains("Uw sessie is verlopen")
    );

    // Sign in again: password, then a recovery code (the TOTP code of this step is used up).
    let mut c = Browser::new(&app);
    c.get("/inloggen").await;
    let first = c
        .post(
            "/inloggen",
            &[
                ("email", "b.heer@example.nl"),
                ("wachtwoord", "paard batterij nietje"),
                ("terug", "/beheer"),
            ],
        )
        .await;
    assert_eq!(first.location, "/inloggen/code");
    assert_eq!(
        c.get("/account").await.guard,
        "step",
        "not signed in before the code"
    );
    assert_eq!(c.get("/inloggen/code").await.status, 200);
    let reused = c.post("/inloggen/code", &[("code", &enrolled)]).await;
    assert_eq!(reused.status, 422, "a TOTP code works only once");
    let done = c
        .post("/inloggen/code", &[("code", &recovery[0].to_uppercase())])
        .await;
    assert_eq!(done.location, "/vandaag");
    assert_eq!(c.get("/beheer").await.status, 200);
    // The same recovery code does not work twice.
    let mut d = Browser::new(&app);
    d.get("/inloggen").await;
    d.post(
        "/inloggen",
        &[
            ("email", "b.heer@example.nl"),
            ("wachtwoord", "paard batterij nietje"),
        ],
    )
    .await;
    d.get("/inloggen/code").await;
    assert_eq!(
        d.post("/inloggen/code", &[("code", &recovery[0])])
            .await
            .status,
        422
    );
    // "Log out everywhere else" ends c's session but not d's own.
    let keep = d.post("/inloggen/code", &[("code", &recovery[1])]).await;
    assert_eq!(keep.location, "/vandaag");
    d.get("/account").await;
    d.post("/account/overal-uitloggen", &[]).await;
    assert_eq!(c.get("/account").await.guard, "sign-in");
    assert_eq!(d.get("/account").await.status, 200);

    // New recovery codes need the password again; they replace the old ones.
    d.get("/account").await;
    assert_eq!(
        d.post("/account/herstelcodes", &[("huidig", "fout")])
            .await
            .status,
        422
    );
    let renewed = d
        .post(
            "/account/herstelcodes",
            &[("huidig", "paard batterij nietje")],
        )
        .await;
    assert!(
        renewed
            .body
            .contains("Uw eerdere herstelcodes werken niet meer")
    );
    // Every step is in the audit trail, and the chain holds.
    let events = passend_store::audit::recent(&app.server().db, 200)
        .await
        .unwrap();
    for action in [
        "invite",
        "invitation_accept",
        "totp_enroll",
        "login",
        "logout",
        "logout_everywhere",
    ] {
        assert!(events.iter().any(|e| e.action == action), "{action}");
    }
    assert!(
        passend_store::audit::verify(&app.server().db)
            .await
            .unwrap()
            .problem
            .is_none()
    );
    app.stop().await;
}

#[tokio::test]
async fn twenty_wrong_passwords_get_429_with_retry_after() {
    let app = TestApp::spawn().await;
    let tenant = tenant_id(&app).await;
    ready_parent(&app, tenant, "ouder@example.nl", "de juiste zin hier").await;
    let mut b = Browser::new(&app);
    b.get("/inloggen").await;
    let mut statuses = Vec::new();
    for _ in 0..20 {
        let p = b
            .post(
                "/inloggen",
                &[
                    ("email", "ouder@example.nl"),
                    ("wachtwoord", "fout wachtwoord"),
                ],
            )
            .await;
        if p.status == 429 {
            let wait = p.retry_after.expect("Retry-After");
            assert!(wait > 0 && wait <= 15 * 60, "{wait}");
            assert!(p.body.contains("Te veel pogingen"));
        }
        statuses.push(p.status);
    }
    assert_eq!(&statuses[..10], &[422; 10]);
    assert_eq!(&statuses[10..], &[429; 10]);
    // Even the right password waits now; an unknown account is throttled the same way.
    let right = b
        .post(
            "/inloggen",
            &[
                ("email", "ouder@example.nl"),
                ("wachtwoord", "de juiste zin hier"),
            ],
        )
        .await;
    assert_eq!(right.status, 429);
    // The count lives in the database: a second server on the same database agrees.
    let (db, config) = app.stop().await;
    let again = TestApp::start(db, config).await;
    let mut c = Browser::new(&again);
    c.get("/inloggen").await;
    let p = c
        .post(
            "/inloggen",
            &[
                ("email", "ouder@example.nl"),
                ("wachtwoord", "de juiste zin hier"),
            ],
        )
        .await;
    assert_eq!(p.status, 429);
    again.stop().await;
}

#[tokio::test]
async fn parents_sign_in_with_a_link_and_links_work_once() {
    let app = TestApp::spawn().await;
    let tenant = tenant_id(&app).await;
    ready_parent(&app, tenant, "moeder@example.nl", "een lange zin voor mij").await;
    let mut b = Browser::new(&app);
    b.get("/inloggen/link").await;
    let sent = b
        .post("/inloggen/link", &[("email", "Moeder@example.nl")])
        .await;
    assert!(sent.body.contains("Kijk in uw e-mail"));
    // An unknown address gets the same answer and no mail.
    let unknown = b
        .post("/inloggen/link", &[("email", "niemand@example.nl")])
        .await;
    assert_eq!(
        unknown.body.replace("niemand", ""),
        sent.body.replace("Moeder", "").replace("moeder", "")
    );
    let mail = mail_to(&app, "moeder@example.nl", "/inloggen/link/").await;
    assert!(
        !mail.contains("leerling") && !mail.contains("kind"),
        "no pupil data in mails"
    );
    let path = link_in(&mail, "http://127.0.0.1/inloggen/link/");
    // Opening the link does not sign in (mail scanners open links); the button does.
    let confirm = b.get(&path).await;
    assert_eq!(confirm.status, 200);
    assert!(b.session().is_none());
    let done = b.post(&path, &[]).await;
    // Parents land on their portal.
    assert_eq!(done.location, "/ouders");
    assert_eq!(b.get("/ouders").await.status, 200);
    assert_eq!(b.get("/account").await.status, 200);
    let mut again = Browser::new(&app);
    again.get("/inloggen").await;
    assert_eq!(again.post(&path, &[]).await.status, 410);
    // An invited parent who never chose a password can sign in with a link too.
    passend::accounts::invite(
        &app.server().db,
        tenant,
        "Passend Onderwijs Almere",
        "http://127.0.0.1",
        &passend::accounts::InviteArgs {
            email: "vader@example.nl".to_owned(),
            name: "Vader".to_owned(),
            role: "ouder".to_owned(),
            schools: Vec::new(),
        },
    )
    .await
    .unwrap();
    let mut v = Browser::new(&app);
    v.get("/inloggen/link").await;
    v.post("/inloggen/link", &[("email", "vader@example.nl")])
        .await;
    let mail = mail_to(&app, "vader@example.nl", "/inloggen/link/").await;
    let path = link_in(&mail, "http://127.0.0.1/inloggen/link/");
    v.get(&path).await;
    assert_eq!(v.post(&path, &[]).await.location, "/ouders");
    assert_eq!(v.get("/account").await.status, 200);
    app.stop().await;
}

#[tokio::test]
async fn forms_need_the_token_and_disabling_ends_sessions() {
    let app = TestApp::spawn().await;
    let tenant = tenant_id(&app).await;
    let (admin, mut a) = user(&app, tenant, "admin@example.nl", Role::Beheerder, &[]).await;
    let (staff, mut t) = user(&app, tenant, "staff@example.nl", Role::Toeleider, &[]).await;
    assert_eq!(t.get("/account").await.status, 200);
    a.get("/beheer/gebruikers").await;
    // Without the token, with a wrong one, or from another site: refused, nothing changes.
    let token = a.csrf.clone();
    a.csrf = String::new();
    assert_eq!(
        a.post(
            &format!("/beheer/gebruikers/{staff}/blokkeren"),
            &[("zeker", "ja")]
        )
        .await
        .status,
        403
    );
    a.csrf = "0".repeat(64);
    assert_eq!(
        a.post(
            &format!("/beheer/gebruikers/{staff}/blokkeren"),
            &[("zeker", "ja")]
        )
        .await
        .status,
        403
    );
    a.csrf = token;
    let cross = crate::support::http_client()
        .post(format!("{}/beheer/gebruikers/{staff}/blokkeren", app.base))
        .header("cookie", a.cookie_header())
        .header("sec-fetch-site", "cross-site")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("_csrf={}", a.csrf))
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), 403);
    assert_eq!(t.get("/account").await.status, 200);
    // Without "Ja, ik weet het zeker" nothing happens.
    let unconfirmed = a
        .post(&format!("/beheer/gebruikers/{staff}/blokkeren"), &[])
        .await;
    assert_eq!(unconfirmed.status, 422);
    assert_eq!(t.get("/account").await.status, 200);
    // With the token: blocked, and the blocked user's session ends at once.
    let blocked = a
        .post(
            &format!("/beheer/gebruikers/{staff}/blokkeren"),
            &[("zeker", "ja")],
        )
        .await;
    assert_eq!(blocked.status, 303);
    assert_eq!(t.get("/account").await.guard, "sign-in");
    let detail = a.get(&format!("/beheer/gebruikers/{staff}")).await;
    assert!(detail.body.contains("geblokkeerd"));
    // A beheerder cannot block themself.
    assert_eq!(
        a.post(
            &format!("/beheer/gebruikers/{admin}/blokkeren"),
            &[("zeker", "ja")]
        )
        .await
        .status,
        409
    );
    // The audit viewer shows it, behind the beheerder's full session.
    let log = a.get("/beheer/audit?actie=disable").await;
    assert!(log.body.contains("geblokkeerd"), "{}", log.body);
    app.stop().await;
}

/// What a visitor is.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Anonymous,
    /// Signed in at a samenwerkingsverband this site does not serve.
    OtherTenant,
    Partial(Role, Stage),
    Full(Role),
}

/// The relation between visitor and object.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Rel {
    None,
    Own,
    SameSchool,
    OtherSchool,
    OtherTenant,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Obj {
    None,
    User,
    Location,
    Session,
    Voorziening,
    Mail,
    Page,
    Token,
}

/// Who may use a route, written down here apart from the product's policy table.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Need {
    Public,
    Guest,
    SecondStep,
    Enroll,
    AnySession,
    SignedIn,
    Only(&'static [Role]),
}

const SWV: &[Role] = &[Role::Toeleider, Role::Beheerder];
const EDITORS: &[Role] = &[Role::Schoolmedewerker, Role::Toeleider, Role::Beheerder];
const ADMIN: &[Role] = &[Role::Beheerder];
const SCHOOL: &[Role] = &[Role::Schoolmedewerker];
const STAFF: &[Role] = &[
    Role::Schoolmedewerker,
    Role::Toeleider,
    Role::Deskundige,
    Role::Ouderadviseur,
    Role::Beheerder,
];

#[rustfmt::skip]
const ROUTES: &[(&str, &str, Need, Obj)] = &[
    ("GET", "/", Need::Public, Obj::None),
    ("GET", "/kaart", Need::Public, Obj::None),
    ("GET", "/begrippen", Need::Public, Obj::None),
    ("GET", "/wat-kan-ik-doen", Need::Public, Obj::None),
    ("GET", "/cijfers", Need::Public, Obj::None),
    ("GET", "/inloggen", Need::Guest, Obj::None),
    ("POST", "/inloggen", Need::Guest, Obj::None),
    ("GET", "/inloggen/code", Need::SecondStep, Obj::None),
    ("POST", "/inloggen/code", Need::SecondStep, Obj::None),
    ("GET", "/inloggen/link", Need::Guest, Obj::None),
    ("POST", "/inloggen/link", Need::Guest, Obj::None),
    ("GET", "/inloggen/link/{token}", Need::Guest, Obj::Token),
    ("POST", "/inloggen/link/{token}", Need::Guest, Obj::Token),
    ("GET", "/uitnodiging/{token}", Need::Guest, Obj::Token),
    ("POST", "/uitnodiging/{token}", Need::Guest, Obj::Token),
    ("GET", "/wachtwoord-vergeten", Need::Guest, Obj::None),
    ("POST", "/wachtwoord-vergeten", Need::Guest, Obj::None),
    ("GET", "/wachtwoord-herstellen/{token}", Need::Guest, Obj::Token),
    ("POST", "/wachtwoord-herstellen/{token}", Need::Guest, Obj::Token),
    ("GET", "/account/tweestapsverificatie", Need::Enroll, Obj::None),
    ("POST", "/account/tweestapsverificatie", Need::Enroll, Obj::None),
    ("GET", "/account", Need::SignedIn, Obj::None),
    ("GET", "/vandaag", Need::Only(STAFF), Obj::None),
    ("GET", "/account/wachtwoord", Need::SignedIn, Obj::None),
    ("POST", "/account/wachtwoord", Need::SignedIn, Obj::None),
    ("POST", "/account/herstelcodes", Need::SignedIn, Obj::None),
    ("POST", "/account/sessies/{id}/beeindigen", Need::SignedIn, Obj::Session),
    ("POST", "/account/overal-uitloggen", Need::SignedIn, Obj::None),
    ("GET", "/school", Need::Only(SCHOOL), Obj::None),
    ("GET", "/profiel/{code}", Need::Only(EDITORS), Obj::Location),
    ("POST", "/profiel/{code}", Need::Only(EDITORS), Obj::Location),
    ("GET", "/swv/profielen", Need::Only(SWV), Obj::None),
    ("POST", "/swv/profielen/{code}/gecontroleerd", Need::Only(SWV), Obj::Location),
    ("GET", "/swv/voorzieningen", Need::Only(SWV), Obj::None),
    ("POST", "/swv/voorzieningen", Need::Only(SWV), Obj::None),
    ("GET", "/swv/voorzieningen/{slug}", Need::Only(SWV), Obj::Voorziening),
    ("POST", "/swv/voorzieningen/{slug}", Need::Only(SWV), Obj::Voorziening),
    ("POST", "/swv/voorzieningen/{slug}/verwijderen", Need::Only(SWV), Obj::Voorziening),
    ("GET", "/beheer", Need::Only(ADMIN), Obj::None),
    ("GET", "/beheer/gebruikers", Need::Only(ADMIN), Obj::None),
    ("GET", "/beheer/gebruikers/nieuw", Need::Only(ADMIN), Obj::None),
    ("POST", "/beheer/gebruikers/nieuw", Need::Only(ADMIN), Obj::None),
    ("GET", "/beheer/gebruikers/{id}", Need::Only(ADMIN), Obj::User),
    ("POST", "/beheer/gebruikers/{id}", Need::Only(ADMIN), Obj::User),
    ("POST", "/beheer/gebruikers/{id}/blokkeren", Need::Only(ADMIN), Obj::User),
    ("POST", "/beheer/gebruikers/{id}/deblokkeren", Need::Only(ADMIN), Obj::User),
    ("POST", "/beheer/gebruikers/{id}/uitnodigen", Need::Only(ADMIN), Obj::User),
    ("POST", "/beheer/gebruikers/{id}/tweestaps-herstellen", Need::Only(ADMIN), Obj::User),
    ("GET", "/beheer/audit", Need::Only(ADMIN), Obj::None),
    ("GET", "/beheer/audit.csv", Need::Only(ADMIN), Obj::None),
    ("GET", "/beheer/e-mail", Need::Only(ADMIN), Obj::None),
    ("POST", "/beheer/e-mail/{id}/opnieuw", Need::Only(ADMIN), Obj::Mail),
    ("GET", "/beheer/paginas", Need::Only(ADMIN), Obj::None),
    ("GET", "/beheer/contact", Need::Only(ADMIN), Obj::None),
    ("POST", "/beheer/contact", Need::Only(ADMIN), Obj::None),
    ("GET", "/beheer/paginas/{lang}/{slug}", Need::Only(ADMIN), Obj::Page),
    ("POST", "/beheer/paginas/{lang}/{slug}", Need::Only(ADMIN), Obj::Page),
    ("GET", "/beheer/paginas/{lang}/{slug}/concept", Need::Only(ADMIN), Obj::Page),
    ("POST", "/beheer/paginas/{lang}/{slug}/concept/weggooien", Need::Only(ADMIN), Obj::Page),
    ("GET", "/beheer/paginas/{lang}/{slug}/versies/1", Need::Only(ADMIN), Obj::Page),
    ("POST", "/beheer/paginas/{lang}/{slug}/versies/1/terugzetten", Need::Only(ADMIN), Obj::Page),
    ("GET", "/beheer/begrippen", Need::Only(ADMIN), Obj::None),
    ("GET", "/beheer/begrippen/nl/nieuw", Need::Only(ADMIN), Obj::None),
    ("POST", "/beheer/begrippen/nl/nieuw", Need::Only(ADMIN), Obj::None),
    ("GET", "/beheer/begrippen/nl/zorgplicht", Need::Only(ADMIN), Obj::None),
    ("POST", "/beheer/begrippen/nl/zorgplicht", Need::Only(ADMIN), Obj::None),
    ("GET", "/beheer/begrippen/nl/zorgplicht/versies/1", Need::Only(ADMIN), Obj::None),
    ("POST", "/beheer/begrippen/nl/zorgplicht/versies/1/terugzetten", Need::Only(ADMIN), Obj::None),
    ("POST", "/uitloggen", Need::AnySession, Obj::None),
];

#[derive(Clone, Copy, Debug, PartialEq)]
enum Seen {
    /// The handler answered (a page, a form message, its own redirect, 409, 410).
    Answered,
    SignIn,
    Step,
    SignedIn,
    NotFound,
}

fn expect(need: Need, who: Who, obj: Obj, rel: Rel) -> Seen {
    let full = |role: Role| -> Seen {
        match (obj, rel) {
            (Obj::User | Obj::Voorziening | Obj::Mail, Rel::OtherTenant) => Seen::NotFound,
            (Obj::Location, Rel::OtherSchool) if role == Role::Schoolmedewerker => Seen::NotFound,
            (Obj::Session, _) => Seen::NotFound,
            (Obj::Page, Rel::OtherTenant) => Seen::NotFound,
            _ => Seen::Answered,
        }
    };
    match (need, who) {
        (Need::Public, _) => Seen::Answered,
        (Need::Guest, Who::Full(_)) => Seen::SignedIn,
        (Need::Guest, _) => Seen::Answered,
        (_, Who::Anonymous | Who::OtherTenant) => Seen::SignIn,
        (Need::AnySession, _) => Seen::Answered,
        (Need::SecondStep, Who::Partial(_, Stage::SecondFactor)) => Seen::Answered,
        (Need::SecondStep, Who::Full(_)) => Seen::SignedIn,
        (Need::Enroll, Who::Partial(_, Stage::Enroll) | Who::Full(_)) => Seen::Answered,
        (_, Who::Partial(..)) => Seen::Step,
        (Need::SignedIn, Who::Full(role)) => full(role),
        (Need::Only(roles), Who::Full(role)) if roles.contains(&role) => full(role),
        (Need::Only(_), Who::Full(_)) => Seen::NotFound,
    }
}

fn seen(p: &Page) -> Seen {
    match (p.status, p.guard.as_str()) {
        (404, _) => Seen::NotFound,
        (_, "sign-in") => Seen::SignIn,
        (_, "step") => Seen::Step,
        (_, "signed-in") => Seen::SignedIn,
        (200..=299 | 303 | 409 | 410 | 422, _) => Seen::Answered,
        (s, _) => panic!("unexpected status {s}"),
    }
}

#[tokio::test]
async fn authorization_matrix() {
    let app = TestApp::spawn().await;
    let db = app.server().db.clone();
    let tenant = tenant_id(&app).await;
    let other = passend_store::tenants::ensure(&db, "PO9999", "Ander samenwerkingsverband")
        .await
        .unwrap()
        .id;
    let bo = two_primary_schools(&db).await;
    let (school_a, school_b) = (&bo[0], &bo[1]);
    for l in [school_a, school_b] {
        passend_store::locations::save_profile(
            &db,
            &passend_store::locations::ProfileInput {
                tenant_id: tenant,
                location_code: &l.code,
                themes: "leren",
                level: "basis",
                admission: "direct",
                description: "",
                capacity: None,
                waiting_list: None,
                contact: "ib",
                set_by: "swv",
                source_url: None,
                last_verified_on: None,
                origin: "test",
                saved_by: None,
            },
            None,
        )
        .await
        .unwrap();
    }
    // Object users: a colleague at school A, someone at school B, someone in another tenant.
    let (colleague, _) = ready_user(
        &app,
        tenant,
        "collega@example.nl",
        Role::Schoolmedewerker,
        &[school_a.id],
        "collega zin lang",
        false,
    )
    .await;
    let (elsewhere, _) = ready_user(
        &app,
        tenant,
        "elders@example.nl",
        Role::Schoolmedewerker,
        &[school_b.id],
        "elders zin lang",
        false,
    )
    .await;
    let (foreign, _) = ready_user(
        &app,
        other,
        "ander@example.nl",
        Role::Beheerder,
        &[],
        "ander zin lang",
        false,
    )
    .await;
    let colleague_session = session_for(&app, tenant, colleague, Stage::Full).await;
    let colleague_public = store::session(&db, &token_hash(&colleague_session))
        .await
        .unwrap()
        .unwrap()
        .public_id;
    // Mails: one failed mail per tenant.
    for (t, key) in [(tenant, "matrix-own"), (other, "matrix-other")] {
        passend_store::outbox::enqueue(
            &db,
            &passend_store::outbox::NewMail {
                tenant_id: Some(t),
                idempotency_key: key,
                to_address: "x@example.nl",
                subject: "s",
                body_text: "b",
                attachment: None,
                combine: None,
            },
        )
        .await
        .unwrap();
    }
    let mail_id = |key: &'static str| {
        let db = db.clone();
        async move {
            passend_store::on_db!(&db, pool => sqlx::query_scalar::<_, i64>("SELECT id FROM email_outbox WHERE idempotency_key = $1")
                .bind(key).fetch_one(pool).await).unwrap()
        }
    };
    let (own_mail, other_mail) = (mail_id("matrix-own").await, mail_id("matrix-other").await);
    let fail_mails = || {
        let db = db.clone();
        async move {
            passend_store::on_db!(&db, pool => sqlx::query("UPDATE email_outbox SET status = 'failed' WHERE idempotency_key LIKE 'matrix-%'")
                .execute(pool).await.map(|_| ())).unwrap();
        }
    };
    let voorziening = |t: i64| {
        let db = db.clone();
        let code = school_a.code.clone();
        async move {
            let _ = passend_store::locations::add_voorziening(
                &db,
                &passend_store::locations::NewVoorziening {
                    tenant_id: t,
                    location_code: &code,
                    slug: "matrix-voorziening",
                    name: "Matrix",
                    kind: "arrangement",
                    description: "",
                    themes: "leren",
                    admission: "tlv",
                    capacity: None,
                    waiting_list: None,
                    contact: "c",
                    last_verified_on: None,
                },
                None,
            )
            .await;
        }
    };

    // The visitors.
    let mut visitors: Vec<(Who, i64)> = vec![(Who::Anonymous, 0)];
    let (foreign_admin, _) = ready_user(
        &app,
        other,
        "ander-beheer@example.nl",
        Role::Beheerder,
        &[],
        "ander beheer zin",
        true,
    )
    .await;
    visitors.push((Who::OtherTenant, foreign_admin));
    for role in Role::ALL {
        let locations: &[i64] = if role == Role::Schoolmedewerker {
            &[school_a.id]
        } else {
            &[]
        };
        let email = format!("{}@example.nl", role.code());
        let (id, _) = ready_user(
            &app,
            tenant,
            &email,
            role,
            locations,
            "een zin voor de test",
            true,
        )
        .await;
        visitors.push((Who::Full(role), id));
        if role.needs_second_factor() {
            let email = format!("{}-stap@example.nl", role.code());
            let (id, _) = ready_user(
                &app,
                tenant,
                &email,
                role,
                locations,
                "een zin voor de test",
                true,
            )
            .await;
            visitors.push((Who::Partial(role, Stage::SecondFactor), id));
            let email = format!("{}-nieuw@example.nl", role.code());
            let (id, _) = ready_user(
                &app,
                tenant,
                &email,
                role,
                locations,
                "een zin voor de test",
                false,
            )
            .await;
            visitors.push((Who::Partial(role, Stage::Enroll), id));
        }
    }

    let mut cases = 0usize;
    let mut failures = Vec::new();
    for (who, user) in &visitors {
        let new_browser = || async {
            match who {
                Who::Anonymous => Browser::new(&app),
                Who::OtherTenant => {
                    Browser::with_session(&app, &session_for(&app, other, *user, Stage::Full).await)
                }
                Who::Partial(_, stage) => {
                    Browser::with_session(&app, &session_for(&app, tenant, *user, *stage).await)
                }
                Who::Full(_) => Browser::with_session(
                    &app,
                    &session_for(&app, tenant, *user, Stage::Full).await,
                ),
            }
        };
        let mut b = new_browser().await;
        for (method, template, need, obj) in ROUTES {
            let rels: &[Rel] = match obj {
                Obj::User => &[
                    Rel::Own,
                    Rel::SameSchool,
                    Rel::OtherSchool,
                    Rel::OtherTenant,
                ],
                Obj::Location => &[Rel::Own, Rel::OtherSchool],
                Obj::Voorziening | Obj::Mail | Obj::Page => &[Rel::Own, Rel::OtherTenant],
                Obj::Session => &[Rel::SameSchool],
                _ => &[Rel::None],
            };
            for rel in rels {
                let path = match (obj, rel) {
                    (Obj::User, Rel::Own) => template.replace("{id}", &user.max(&1).to_string()),
                    (Obj::User, Rel::SameSchool) => {
                        template.replace("{id}", &colleague.to_string())
                    }
                    (Obj::User, Rel::OtherSchool) => {
                        template.replace("{id}", &elsewhere.to_string())
                    }
                    (Obj::User, _) => template.replace("{id}", &foreign.to_string()),
                    (Obj::Location, Rel::Own) => template.replace("{code}", &school_a.code),
                    (Obj::Location, _) => template.replace("{code}", &school_b.code),
                    (Obj::Session, _) => template.replace("{id}", &colleague_public),
                    (Obj::Voorziening, Rel::Own) => {
                        voorziening(tenant).await;
                        template.replace("{slug}", "matrix-voorziening")
                    }
                    (Obj::Voorziening, _) => {
                        let _ = passend_store::locations::remove_voorziening(
                            &db,
                            tenant,
                            "matrix-voorziening",
                            None,
                        )
                        .await;
                        voorziening(other).await;
                        template.replace("{slug}", "matrix-voorziening")
                    }
                    (Obj::Mail, r) => {
                        fail_mails().await;
                        template.replace(
                            "{id}",
                            &if *r == Rel::Own { own_mail } else { other_mail }.to_string(),
                        )
                    }
                    (Obj::Page, Rel::Own) => template
                        .replace("{lang}", "nl")
                        .replace("{slug}", "privacy"),
                    (Obj::Page, _) => template
                        .replace("{lang}", "nl")
                        .replace("{slug}", "bestaat-niet"),
                    (Obj::Token, _) => template.replace("{token}", &"ab".repeat(32)),
                    _ => template.to_string(),
                };
                if b.csrf.is_empty() || *method == "POST" {
                    // A form is always posted from a page of the site: read one first.
                    b.get("/inloggen").await;
                }
                let page = if *method == "GET" {
                    b.get(&path).await
                } else {
                    b.post(&path, &[]).await
                };
                let want = expect(*need, *who, *obj, *rel);
                let got = seen(&page);
                cases += 1;
                if want != got {
                    failures.push(format!(
                        "{method} {path} as {who:?} ({rel:?}): expected {want:?}, got {got:?} ({})",
                        page.status
                    ));
                }
                // Signing out ends the visitor's session: start a new one.
                if *template == "/uitloggen" || b.session().is_none() && *who != Who::Anonymous {
                    b = new_browser().await;
                }
            }
        }
    }
    println!(
        "authorization matrix ({:?}): {cases} cases",
        crate::support::backend()
    );
    assert!(cases >= 1000, "only {cases} cases");
    assert!(
        failures.is_empty(),
        "{} of {cases} cases wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // Refusals are in the audit trail.
    let denied = passend_store::audit::search(
        &db,
        tenant,
        &passend_store::audit::Filter {
            outcome: Some("denied".to_owned()),
            ..Default::default()
        },
        10_000,
    )
    .await
    .unwrap();
    assert!(denied.len() > 100, "{}", denied.len());
    app.stop().await;
}

#[tokio::test]
async fn a_password_reset_ends_sessions_and_keeps_the_second_factor() {
    let app = TestApp::spawn().await;
    let tenant = tenant_id(&app).await;
    let (id, secret) = ready_user(
        &app,
        tenant,
        "tl@example.nl",
        Role::Toeleider,
        &[],
        "oude zin die weg moet",
        true,
    )
    .await;
    let mut old = Browser::with_session(&app, &session_for(&app, tenant, id, Stage::Full).await);
    assert_eq!(old.get("/account").await.status, 200);

    // Ten wrong passwords lock the account; the way out is a reset.
    let mut b = Browser::new(&app);
    b.get("/inloggen").await;
    for _ in 0..10 {
        b.post(
            "/inloggen",
            &[("email", "tl@example.nl"), ("wachtwoord", "fout")],
        )
        .await;
    }
    assert_eq!(
        b.post(
            "/inloggen",
            &[("email", "tl@example.nl"), ("wachtwoord", "fout")]
        )
        .await
        .status,
        429
    );
    b.get("/wachtwoord-vergeten").await;
    let sent = b
        .post("/wachtwoord-vergeten", &[("email", "TL@example.nl")])
        .await;
    assert!(
        sent.body.contains("Kijk in uw e-mail"),
        "a locked account can still reset"
    );
    let mail = mail_to(&app, "tl@example.nl", "/wachtwoord-herstellen/").await;
    let path = link_in(&mail, "http://127.0.0.1/wachtwoord-herstellen/");
    b.get(&path).await;
    let weak = b
        .post(
            &path,
            &[
                ("wachtwoord", "tl@example.nl"),
                ("herhaling", "tl@example.nl"),
            ],
        )
        .await;
    assert_eq!(weak.status, 422);
    assert!(weak.body.contains("e-mailadres of naam"));
    let set = b
        .post(
            &path,
            &[
                ("wachtwoord", "een nieuwe lange zin"),
                ("herhaling", "een nieuwe lange zin"),
            ],
        )
        .await;
    // The second factor stays: a reset by e-mail alone does not sign a staff member in.
    assert_eq!(set.location, "/inloggen/code");
    assert_eq!(
        old.get("/account").await.guard,
        "sign-in",
        "other sessions ended"
    );
    b.get("/inloggen/code").await;
    let code = totp_now(secret.as_deref().unwrap());
    assert_eq!(
        b.post("/inloggen/code", &[("code", &code)]).await.location,
        "/vandaag"
    );
    // The link worked once.
    let mut again = Browser::new(&app);
    assert_eq!(again.get(&path).await.status, 410);
    // Mail requests are limited per account: the sixth within 15 minutes waits.
    let mut m = Browser::new(&app);
    m.get("/wachtwoord-vergeten").await;
    let mut last = 0;
    for _ in 0..5 {
        last = m
            .post("/wachtwoord-vergeten", &[("email", "tl@example.nl")])
            .await
            .status;
    }
    assert_eq!(last, 429, "the first request above plus four more");
    app.stop().await;
}

/// Signs in with a password up to the code page.
async fn code_step(b: &mut Browser, email: &str, password: &str) {
    b.get("/inloggen").await;
    let p = b
        .post("/inloggen", &[("email", email), ("wachtwoord", password)])
        .await;
    assert_eq!(p.location, "/inloggen/code");
    b.get("/inloggen/code").await;
}

#[tokio::test]
async fn wrong_codes_are_limited_per_user_and_a_password_does_not_reset_them() {
    let app = TestApp::spawn().await;
    let tenant = tenant_id(&app).await;
    let (_, secret) = ready_user(
        &app,
        tenant,
        "sw@example.nl",
        Role::Schoolmedewerker,
        &[],
        "school zin lang genoeg",
        true,
    )
    .await;
    let mut b = Browser::new(&app);
    code_step(&mut b, "sw@example.nl", "school zin lang genoeg").await;
    for n in 0..9 {
        let p = b
            .post("/inloggen/code", &[("code", &format!("{:06}", n))])
            .await;
        assert_eq!(p.status, 422);
    }
    // Signing in with the password again does not give nine more tries.
    let mut c = Browser::new(&app);
    code_step(&mut c, "sw@example.nl", "school zin lang genoeg").await;
    assert_eq!(
        c.post("/inloggen/code", &[("code", "999999")]).await.status,
        422
    );
    let locked = c
        .post(
            "/inloggen/code",
            &[("code", &totp_now(secret.as_deref().unwrap()))],
        )
        .await;
    assert_eq!(
        locked.status, 429,
        "the eleventh try waits, even with the right code"
    );
    assert!(locked.retry_after.is_some());
    app.stop().await;
}

#[tokio::test]
async fn a_new_role_needs_a_new_sign_in_and_demo_accounts_need_demo_mode() {
    let app = TestApp::spawn().await;
    let tenant = tenant_id(&app).await;
    let (_, mut a) = user(&app, tenant, "admin@example.nl", Role::Beheerder, &[]).await;
    let (parent, mut o) = user(&app, tenant, "ouder2@example.nl", Role::Ouder, &[]).await;
    assert_eq!(o.get("/account").await.status, 200);
    a.get(&format!("/beheer/gebruikers/{parent}")).await;
    let saved = a
        .post(
            &format!("/beheer/gebruikers/{parent}"),
            &[("naam", "Nu Toeleider"), ("rol", "toeleider")],
        )
        .await;
    assert_eq!(saved.status, 303);
    // The parent's session (password only) does not become a staff session.
    assert_eq!(o.get("/swv/profielen").await.guard, "sign-in");
    // Demo accounts exist only for demo mode: without it their published password is refused.
    passend::accounts::ensure_demo(&app.server().db, tenant)
        .await
        .unwrap();
    let mut d = Browser::new(&app);
    d.get("/inloggen").await;
    let refused = d
        .post(
            "/inloggen",
            &[
                ("email", "ouder@demo.passend.invalid"),
                ("wachtwoord", passend::accounts::DEMO_PASSWORD),
            ],
        )
        .await;
    assert_eq!(refused.status, 422);
    app.stop().await;
}

#[tokio::test]
async fn schools_keep_their_profile_and_the_swv_checks_it_and_manages_voorzieningen() {
    let app = TestApp::spawn().await;
    let tenant = tenant_id(&app).await;
    let db = app.server().db.clone();
    let bo = two_primary_schools(&db).await;
    let (own, other) = (&bo[0], &bo[1]);
    let (ib, _) = ready_user(
        &app,
        tenant,
        "ib@example.nl",
        Role::Schoolmedewerker,
        &[own.id],
        "een zin voor de test",
        true,
    )
    .await;
    let mut s = Browser::with_session(&app, &session_for(&app, tenant, ib, Stage::Full).await);
    let (_, mut t) = user(&app, tenant, "tl@example.nl", Role::Toeleider, &[]).await;

    let mine = s.get("/school").await;
    assert!(
        mine.body.contains(&own.name) && !mine.body.contains(&format!("/profiel/{}", other.code))
    );
    assert_eq!(
        s.get(&format!("/profiel/{}", other.code)).await.status,
        404,
        "another school's profile"
    );
    let form = format!("/profiel/{}", own.code);
    s.get(&form).await;
    // Bad input: the message at the field, the input kept.
    let bad = s
        .post(
            &form,
            &[
                ("niveau", "extra"),
                ("toelating", "direct"),
                ("plaatsen", "-3"),
                ("contact", "IB: 036 123"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("Kies minstens één soort ondersteuning"));
    assert!(
        bad.body
            .contains("Vul bij aantal plaatsen een heel getal in")
    );
    assert!(bad.body.contains("value=\"IB: 036 123\""));
    let saved = s
        .post(
            &form,
            &[
                ("thema", "autisme"),
                ("thema", "gedrag"),
                ("niveau", "extra"),
                ("toelating", "direct"),
                ("omschrijving", "Een prikkelarme groep."),
                ("plaatsen", "6"),
                ("contact", "IB: 036 123"),
            ],
        )
        .await;
    assert_eq!(saved.status, 200);
    let (_, public) = app.text(&format!("/kaart/{}", own.code)).await;
    assert!(public.contains("De school heeft dit profiel ingevuld."));
    assert!(public.contains("Laatst bijgewerkt op"));
    assert!(public.contains("Nog niet gecontroleerd door het samenwerkingsverband."));
    let (_, found) = app.text("/kaart?thema=autisme").await;
    assert!(
        found.contains(&own.name),
        "the school is found by the support it offers"
    );

    // The SWV marks it as checked; the public page says so.
    t.get("/swv/profielen").await;
    assert_eq!(
        t.post(&format!("/swv/profielen/{}/gecontroleerd", own.code), &[])
            .await
            .status,
        303
    );
    let (_, public) = app.text(&format!("/kaart/{}", own.code)).await;
    assert!(public.contains("Laatst gecontroleerd door het samenwerkingsverband op"));
    // The change log names who saved.
    let history = s.get(&form).await;
    assert!(history.body.contains("Test Persoon"), "{}", history.body);

    // Voorzieningen: bad input kept, then added, shown on the map, changed, removed.
    let fields =
        |name: &'static str, code: &str, places: &'static str| -> Vec<(&'static str, String)> {
            vec![
                ("naam", name.to_owned()),
                ("locatie", code.to_owned()),
                ("soort", "arrangement".to_owned()),
                ("toelating", "tlv".to_owned()),
                ("thema", "nt2".to_owned()),
                ("plaatsen", places.to_owned()),
                ("contact", "swv".to_owned()),
            ]
        };
    t.get("/swv/voorzieningen").await;
    let bad = t
        .post_pairs("/swv/voorzieningen", &fields("Taalklas", "99XX99", ""))
        .await;
    assert_eq!(bad.status, 422);
    assert!(
        bad.body.contains("Deze vestigingscode is niet bekend")
            && bad.body.contains("value=\"Taalklas\"")
    );
    let added = t
        .post_pairs("/swv/voorzieningen", &fields("Taalklas", &own.code, ""))
        .await;
    assert_eq!(added.location, "/swv/voorzieningen?gedaan=toegevoegd");
    let (_, public) = app.text(&format!("/kaart/{}", own.code)).await;
    assert!(public.contains("Taalklas"));
    // Changed: a bad value is kept at its field; then saved under the same address.
    let edit = t.get("/swv/voorzieningen/taalklas").await;
    assert!(edit.body.contains("value=\"Taalklas\"") && edit.body.contains("Wijzigingen opslaan"));
    let bad = t
        .post_pairs(
            "/swv/voorzieningen/taalklas",
            &fields("Taalklas Haven", &own.code, "veel"),
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(
        bad.body.contains("value=\"Taalklas Haven\"")
            && bad.body.contains("Vul bij aantal plaatsen")
    );
    let changed = t
        .post_pairs(
            "/swv/voorzieningen/taalklas",
            &fields("Taalklas Haven", &own.code, "12"),
        )
        .await;
    assert_eq!(changed.location, "/swv/voorzieningen?gedaan=gewijzigd");
    let (_, public) = app.text(&format!("/kaart/{}", own.code)).await;
    assert!(public.contains("Taalklas Haven") && public.contains("Plaatsen</dt><dd>12</dd>"));
    t.get("/swv/voorzieningen").await;
    assert_eq!(
        t.post(
            "/swv/voorzieningen/taalklas/verwijderen",
            &[("zeker", "ja")]
        )
        .await
        .status,
        303
    );
    let (_, public) = app.text(&format!("/kaart/{}", own.code)).await;
    assert!(!public.contains("Taalklas"));
    let events = passend_store::audit::recent(&db, 50).await.unwrap();
    assert!(
        events
            .iter()
            .any(|e| e.action == "check" && e.actor_role == "toeleider")
    );
    assert!(events.iter().any(|e| e.action == "update"
        && e.object_type == "ondersteuningsprofiel"
        && e.actor_id == Some(ib)));
    app.stop().await;
}

#[tokio::test]
async fn two_editors_of_one_page_do_not_overwrite_each_other() {
    let app = TestApp::spawn().await;
    let tenant = tenant_id(&app).await;
    let (_, mut a) = user(&app, tenant, "a@example.nl", Role::Beheerder, &[]).await;
    let (_, mut b) = user(&app, tenant, "b@example.nl", Role::Beheerder, &[]).await;
    let path = "/beheer/paginas/nl/privacy";
    let form_a = a.get(path).await;
    let base = field_value(&form_a.body, "versie").unwrap();
    b.get(path).await;
    let fields = |title: &str, version: &str| -> Vec<(&'static str, String)> {
        vec![
            ("versie", version.to_owned()),
            ("titel", title.to_owned()),
            (
                "samenvatting",
                "Hoe Passend met gegevens omgaat.".to_owned(),
            ),
            ("tekst", "Nieuwe tekst.".to_owned()),
        ]
    };
    assert_eq!(
        b.post_pairs(path, &fields("Privacy (B)", &base))
            .await
            .status,
        303
    );
    // A makes a mistake first; the form keeps A's starting version, so the save after the
    // correction still notices B's version.
    let mistake = a.post_pairs(path, &fields("", &base)).await;
    assert_eq!(mistake.status, 422);
    assert_eq!(
        field_value(&mistake.body, "versie").as_deref(),
        Some(base.as_str())
    );
    let conflict = a.post_pairs(path, &fields("Privacy (A)", &base)).await;
    assert_eq!(conflict.status, 409);
    assert!(
        conflict
            .body
            .contains("Iemand anders heeft deze pagina intussen opgeslagen")
    );
    assert!(
        conflict.body.contains("value=\"Privacy (A)\""),
        "A's text is kept"
    );
    let (_, public) = app.text("/privacy").await;
    assert!(public.contains("Privacy (B)") && !public.contains("Privacy (A)"));
    app.stop().await;
}

#[tokio::test]
async fn a_page_is_previewed_compared_and_restored_and_the_public_page_follows() {
    let app = TestApp::spawn().await;
    let tenant = tenant_id(&app).await;
    let (_, mut b) = user(&app, tenant, "b@example.nl", Role::Beheerder, &[]).await;
    let path = "/beheer/paginas/nl/privacy";
    let form = b.get(path).await;
    let first = field_value(&form.body, "versie").unwrap();
    let (_, before) = app.text("/privacy").await;
    let fields = |action: &str, text: &str, version: &str| -> Vec<(&'static str, String)> {
        vec![
            ("versie", version.to_owned()),
            ("titel", "Privacy".to_owned()),
            (
                "samenvatting",
                "Hoe Passend met gegevens omgaat.".to_owned(),
            ),
            ("tekst", text.to_owned()),
            ("actie", action.to_owned()),
        ]
    };
    // A preview shows the text as the website would (Markdown rendered, a term linked), and
    // saves nothing.
    let text = "## Nieuwe kop\n\nHet **samenwerkingsverband** bewaart gegevens veilig.";
    let preview = b.post_pairs(path, &fields("voorbeeld", text, &first)).await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert!(preview.body.contains("Voorbeeld: zo ziet de pagina eruit"));
    assert!(preview.body.contains("Nieuwe kop</h2>"), "{}", preview.body);
    assert!(preview.body.contains("<strong>"), "{}", preview.body);
    assert!(
        preview.body.contains("href=\"/begrippen#"),
        "terms are linked in the preview"
    );
    let (_, public) = app.text("/privacy").await;
    assert_eq!(public, before, "a preview publishes nothing");
    // Published: the public page follows.
    let saved = b
        .post_pairs(path, &fields("publiceren", text, &first))
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let (_, public) = app.text("/privacy").await;
    assert!(public.contains("Nieuwe kop"));
    // The old version compared with the new one: what went and what came.
    let compare = b.get(&format!("{path}/versies/{first}")).await;
    assert_eq!(compare.status, 200);
    assert!(
        compare.body.contains("nieuw:</span> ## Nieuwe kop"),
        "{}",
        compare.body
    );
    assert!(compare.body.contains("weg:</span>"), "{}", compare.body);
    let current = field_value(&compare.body, "huidig").unwrap();
    // Restored: a new version with the old text; the public page follows again.
    let restore = format!("{path}/versies/{first}/terugzetten");
    let restored = b.post(&restore, &[("huidig", &current)]).await;
    assert_eq!(restored.status, 303, "{}", restored.body);
    assert!(restored.location.ends_with("gedaan=teruggezet"));
    let (_, public) = app.text("/privacy").await;
    assert!(!public.contains("Nieuwe kop"));
    let page = b.get(&restored.location).await;
    assert!(page.body.contains("De oude versie is teruggezet"));
    let newest: i64 = field_value(&page.body, "versie").unwrap().parse().unwrap();
    assert_eq!(
        newest,
        first.parse::<i64>().unwrap() + 2,
        "history keeps every version"
    );
    // A restore from a stale comparison changes nothing.
    let stale = b.post(&restore, &[("huidig", &current)]).await;
    assert!(
        stale.location.contains("gewijzigd=ja"),
        "{}",
        stale.location
    );
    let page = b.get(path).await;
    assert_eq!(
        field_value(&page.body, "versie").unwrap(),
        newest.to_string()
    );
    app.stop().await;
}

#[tokio::test]
async fn a_page_concept_is_kept_off_the_website_until_published_and_never_overwritten_unknowingly()
{
    let app = TestApp::spawn().await;
    let tenant = tenant_id(&app).await;
    let (_, mut a) = user(&app, tenant, "a@example.nl", Role::Beheerder, &[]).await;
    let (_, mut b) = user(&app, tenant, "b@example.nl", Role::Beheerder, &[]).await;
    let path = "/beheer/paginas/nl/privacy";
    let (_, before) = app.text("/privacy").await;
    let form = a.get(path).await;
    let version = field_value(&form.body, "versie").unwrap();
    assert_eq!(field_value(&form.body, "concept").unwrap(), "0");
    // B opens the form too, before A saves anything.
    b.get(path).await;
    let fields = |action: &str, text: &str, concept: &str| -> Vec<(&'static str, String)> {
        vec![
            ("versie", version.clone()),
            ("concept", concept.to_owned()),
            ("titel", "Privacy".to_owned()),
            (
                "samenvatting",
                "Hoe Passend met gegevens omgaat.".to_owned(),
            ),
            ("tekst", text.to_owned()),
            ("actie", action.to_owned()),
        ]
    };
    // A saves a concept: the website does not change; the list and the form say there is one.
    let draft_a = "## Concept van A\n\nNog niet klaar.";
    let saved = a.post_pairs(path, &fields("concept", draft_a, "0")).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert!(saved.location.ends_with("gedaan=concept"));
    let (_, public) = app.text("/privacy").await;
    assert_eq!(public, before, "a concept publishes nothing");
    assert!(a.get("/beheer/paginas").await.body.contains("Concept van "));
    let form = a.get(path).await;
    assert!(form.body.contains("U bewerkt een concept"), "{}", form.body);
    assert!(
        form.body.contains("Concept van A"),
        "the form opens on the concept"
    );
    assert_eq!(field_value(&form.body, "concept").unwrap(), "1");
    // B, still on the form without the concept, saves a concept of their own: refused, B's text
    // kept, A's concept untouched.
    let draft_b = "## Concept van B";
    let refused = b.post_pairs(path, &fields("concept", draft_b, "0")).await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert!(
        refused
            .body
            .contains("Iemand anders heeft het concept van deze pagina intussen opgeslagen")
    );
    assert!(refused.body.contains("Concept van B"), "B's text is kept");
    assert!(a.get(path).await.body.contains("Concept van A"));
    // The concept compared with the website: what publishing would change.
    let compare = b.get(&format!("{path}/concept")).await;
    assert_eq!(compare.status, 200);
    assert!(
        compare.body.contains("nieuw:</span> ## Concept van A"),
        "{}",
        compare.body
    );
    assert!(
        !compare.body.contains("terugzetten"),
        "a concept is not restored"
    );
    // B goes on with A's concept and publishes it: the website follows, the concept is gone.
    let published = b
        .post_pairs(path, &fields("publiceren", "## Concept van A, af", "1"))
        .await;
    assert_eq!(published.status, 303, "{}", published.body);
    let (_, public) = app.text("/privacy").await;
    assert!(public.contains("Concept van A, af"));
    let form = a.get(path).await;
    assert!(!form.body.contains("U bewerkt een concept"));
    // The concept's row keeps counting: a form from before can never match a later concept.
    assert_eq!(field_value(&form.body, "concept").unwrap(), "2");
    let version = field_value(&form.body, "versie").unwrap();
    let fields = |action: &str, text: &str, concept: &str| -> Vec<(&'static str, String)> {
        vec![
            ("versie", version.clone()),
            ("concept", concept.to_owned()),
            ("titel", "Privacy".to_owned()),
            ("samenvatting", "Kort.".to_owned()),
            ("tekst", text.to_owned()),
            ("actie", action.to_owned()),
        ]
    };
    // A saves a concept (revision 3) and B throws it away (4); C saves a new one (5). A's form
    // (which saw 3) is refused, not written over C's concept.
    let saved = a.post_pairs(path, &fields("concept", "Van A", "2")).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let discard = format!("{path}/concept/weggooien");
    let gone = b.post(&discard, &[("concept", "3")]).await;
    assert_eq!(gone.status, 303, "{}", gone.body);
    assert!(gone.location.ends_with("gedaan=weggegooid"));
    assert_eq!(
        b.post(&discard, &[("concept", "3")]).await.status,
        409,
        "thrown away once"
    );
    let (_, mut c) = user(&app, tenant, "c@example.nl", Role::Beheerder, &[]).await;
    c.get(path).await;
    let saved = c.post_pairs(path, &fields("concept", "Van C", "4")).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let refused = a
        .post_pairs(path, &fields("concept", "Van A, weer", "3"))
        .await;
    assert_eq!(refused.status, 409);
    let refused = a
        .post_pairs(path, &fields("publiceren", "Van A, weer", "3"))
        .await;
    assert_eq!(refused.status, 409);
    assert!(
        a.get(path).await.body.contains("Van C"),
        "C's concept stays"
    );
    // A preview keeps what the form saw: after B saves C's concept again (6), A previews on 5
    // and then publishes: refused, because A never saw B's text.
    let saved = b
        .post_pairs(path, &fields("concept", "Van C, door B", "5"))
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let preview = a.post_pairs(path, &fields("voorbeeld", "Van A", "5")).await;
    assert_eq!(preview.status, 200);
    assert_eq!(field_value(&preview.body, "concept").unwrap(), "5");
    let refused = a
        .post_pairs(path, &fields("publiceren", "Van A", "5"))
        .await;
    assert_eq!(refused.status, 409);
    let (_, public) = app.text("/privacy").await;
    assert!(public.contains("Concept van A, af") && !public.contains("Van A<"));
    // A concept made on an older version than the website's: its form builds on that version,
    // so publishing it is refused as stale instead of undoing the newer version.
    let restore = b.get(&format!("{path}/versies/1")).await;
    let current = field_value(&restore.body, "huidig").unwrap();
    let restored = b
        .post(
            &format!("{path}/versies/1/terugzetten"),
            &[("huidig", &current)],
        )
        .await;
    assert_eq!(restored.status, 303, "{}", restored.body);
    let form = a.get(path).await;
    assert!(
        form.body
            .contains("daarna is er een nieuwere versie gepubliceerd")
    );
    assert_eq!(field_value(&form.body, "versie").unwrap(), version);
    let concept = field_value(&form.body, "concept").unwrap();
    let stale = a
        .post_pairs(path, &fields("publiceren", "Van C, door B", &concept))
        .await;
    assert_eq!(stale.status, 409);
    assert!(
        stale
            .body
            .contains("Iemand anders heeft deze pagina intussen opgeslagen")
    );
    // Every save and throw-away of a concept is in the audit trail.
    let events = passend_store::audit::search(
        &app.server().db,
        tenant,
        &passend_store::audit::Filter {
            object_type: Some("pagina-concept".to_owned()),
            ..Default::default()
        },
        100,
    )
    .await
    .unwrap();
    assert_eq!(
        events.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        ["update", "update", "delete", "update", "update"],
        "newest first: B, C, B's throw-away, A, A's first"
    );
    app.stop().await;
}

#[tokio::test]
async fn the_invite_forms_school_search_narrows_the_list_and_keeps_what_was_ticked() {
    let app = TestApp::spawn().await;
    let tenant = tenant_id(&app).await;
    let db = app.server().db.clone();
    let bo = two_primary_schools(&db).await;
    let (_, mut b) = user(&app, tenant, "b@example.nl", Role::Beheerder, &[]).await;
    let all = b.get("/beheer/gebruikers/nieuw").await;
    let total = all.body.matches("name=\"school\"").count();
    assert!(total > 20, "{total}");
    let ticked = bo[0].id.to_string();
    let search = |q: &str| -> Vec<(&'static str, String)> {
        vec![
            ("email", "ib@nieuw.nl".to_owned()),
            ("naam", "Iris Begeleider".to_owned()),
            ("rol", "schoolmedewerker".to_owned()),
            ("school", ticked.clone()),
            ("school-zoek", q.to_owned()),
            ("actie", "scholen-zoeken".to_owned()),
        ]
    };
    // A search by the other school's name: that school and the ticked one, nothing else; the
    // typed fields stay, nobody is invited.
    let found = b
        .post_pairs("/beheer/gebruikers/nieuw", &search(&bo[1].name))
        .await;
    assert_eq!(found.status, 200, "{}", found.body);
    let shown = found.body.matches("name=\"school\"").count();
    assert!(shown >= 2 && shown < total, "{shown} of {total}");
    assert!(found.body.contains(&format!("id=\"school-{}\"", bo[1].id)));
    assert!(
        found.body.contains(&format!(
            "id=\"school-{ticked}\" name=\"school\" value=\"{ticked}\" checked"
        )),
        "the ticked school stays ticked"
    );
    assert!(found.body.contains("value=\"Iris Begeleider\""));
    assert!(found.body.contains(&format!("van de {total} scholen")));
    let invited: i64 = passend_store::on_db!(&db, pool => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM users WHERE email = 'ib@nieuw.nl'")
        .fetch_one(pool).await).unwrap();
    assert_eq!(invited, 0, "a search invites nobody");
    let none = b
        .post_pairs("/beheer/gebruikers/nieuw", &search("zzzz-geen-school"))
        .await;
    assert_eq!(
        none.body.matches("name=\"school\"").count(),
        1,
        "no match: only the ticked school stays"
    );
    // Sending the form invites with the ticked school.
    let mut send = search("");
    send.retain(|(k, _)| *k != "actie");
    let sent = b.post_pairs("/beheer/gebruikers/nieuw", &send).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    app.stop().await;
}
