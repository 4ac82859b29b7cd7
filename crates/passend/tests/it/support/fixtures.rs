//! Fixtures: the tenant, users with a session, schools, and helpers that read what the product
//! made (ids in redirects, PDF text).

use super::{Browser, Page, TestApp};
use chrono::{Days, Utc};
use passend_domain::accounts::{Role, Stage, token_hash};
use passend_domain::totp;
use passend_store::accounts::{self as store, NewSession, NewUser, ReadyUser};
use passend_store::audit::Event;
use passend_store::casework::{self as cw, GuardianInput, NewPupil};
use passend_store::portal;

pub async fn tenant_id(app: &TestApp) -> i64 {
    passend_store::tenants::ensure(&app.server().db, "PO2401", "Passend Onderwijs Almere")
        .await
        .unwrap()
        .id
}

/// An active user with a password (argon2id, as the product makes them) and optionally a second
/// factor; returns (id, TOTP secret).
pub async fn ready_user(
    app: &TestApp,
    tenant: i64,
    email: &str,
    role: Role,
    locations: &[i64],
    password: &str,
    with_totp: bool,
) -> (i64, Option<String>) {
    let hash = passend_web::passwords::Passwords::new(1)
        .unwrap()
        .hash(password)
        .await
        .unwrap();
    let secret = with_totp.then(|| totp::base32_encode(&rand_bytes()));
    let event = Event::cli(Some(tenant), "create", "gebruiker", "-", "test");
    let id = store::ensure_ready_user(
        &app.server().db,
        &ReadyUser {
            user: NewUser {
                tenant_id: tenant,
                email,
                name: "Test Persoon",
                role,
                location_ids: locations,
                created_by: None,
            },
            password_hash: &hash,
            totp_secret: secret.as_deref(),
        },
        &event,
    )
    .await
    .unwrap();
    (id, secret)
}

/// A parent's account with a password and no second factor; returns its id.
pub async fn ready_parent(app: &TestApp, tenant: i64, email: &str, password: &str) -> i64 {
    ready_user(app, tenant, email, Role::Ouder, &[], password, false)
        .await
        .0
}

pub fn rand_bytes() -> Vec<u8> {
    uuid::Uuid::new_v4()
        .as_bytes()
        .iter()
        .chain(uuid::Uuid::new_v4().as_bytes().iter())
        .take(20)
        .copied()
        .collect()
}

/// A session made directly in the store (fixture for the matrix); returns the cookie token.
pub async fn session_for(app: &TestApp, tenant: i64, user: i64, stage: Stage) -> String {
    let token =
        uuid::Uuid::new_v4().simple().to_string() + &uuid::Uuid::new_v4().simple().to_string();
    let hash = token_hash(&token);
    let public = uuid::Uuid::new_v4().simple().to_string()[..16].to_owned();
    let csrf = uuid::Uuid::new_v4().simple().to_string();
    let event = Event::cli(Some(tenant), "login", "gebruiker", "-", "test fixture");
    store::start_session(
        &app.server().db,
        tenant,
        user,
        stage,
        &NewSession {
            id_hash: &hash,
            public_id: &public,
            csrf_token: &csrf,
            user_agent: "test",
            origin: "127.0.0.1",
        },
        &[],
        &event,
    )
    .await
    .unwrap();
    token
}

/// Two open primary schools of the shipped Almere data.
pub async fn two_primary_schools(
    db: &passend_store::Db,
) -> Vec<passend_store::locations::LocationChoice> {
    passend_store::locations::location_choices(db)
        .await
        .unwrap()
        .into_iter()
        .filter(|l| l.school_type == "bo")
        .take(2)
        .collect()
}

/// A fully signed-in user at these locations.
pub async fn user(
    app: &TestApp,
    tenant: i64,
    email: &str,
    role: Role,
    locations: &[i64],
) -> (i64, Browser) {
    let (id, _) = ready_user(
        app,
        tenant,
        email,
        role,
        locations,
        "een zin voor de test",
        role.needs_second_factor(),
    )
    .await;
    let b = Browser::with_session(app, &session_for(app, tenant, id, Stage::Full).await);
    (id, b)
}

/// An actor for changes made directly in the store (fixtures).
pub fn as_user(
    tenant: i64,
    user: i64,
    role: &'static str,
) -> passend_store::casework::Actor<'static> {
    passend_store::casework::Actor {
        tenant_id: tenant,
        user_id: user,
        role,
        name: "Test",
        origin: "test",
        request_id: "-",
        form_token: "",
    }
}

pub fn today() -> chrono::NaiveDate {
    passend_domain::time::to_local(Utc::now()).date()
}

pub fn id_after(location: &str, prefix: &str) -> i64 {
    location
        .strip_prefix(prefix)
        .and_then(|r| r.split(['?', '/', '#']).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no id in {location}"))
}

/// A small real PDF (the letter engine's own output would do too; this one is hand-made).
pub fn tiny_pdf(text: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% {text}\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n").into_bytes()
}

pub fn pdf_text(bytes: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("passend-pdf-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("brief.pdf");
    std::fs::write(&file, bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed by scripts/test");
    let _ = std::fs::remove_dir_all(&dir);
    // Words hyphenated at a line end come back whole.
    String::from_utf8_lossy(&out.stdout)
        .replace("\u{ad}\n", "")
        .replace('\u{ad}', "")
}

/// "maandag 13 april 2026", as the pages write dates.
pub fn long(d: chrono::NaiveDate) -> String {
    passend_web::texts::public::long_date_with_weekday(
        passend_web::texts::public::ui(passend_domain::Lang::Nl),
        d,
    )
}

/// A pupil of school A with a submitted request of this kind, taken by the toeleider; returns
/// (pupil, request).
pub async fn submitted(
    db: &passend_store::Db,
    tenant: i64,
    location: i64,
    school_user: i64,
    toeleider: i64,
    kind: &str,
) -> (i64, i64) {
    let school = as_user(tenant, school_user, "schoolmedewerker");
    let swv = as_user(tenant, toeleider, "toeleider");
    let (pupil, request) = concept(db, &school, location, kind).await;
    for stage in [("concept", "ingediend"), ("ingediend", "in-behandeling")] {
        step_request(db, &swv, request, stage, Some(toeleider)).await;
    }
    (pupil, request)
}

/// Moves a request one status on (`from`, `to`), as toeleiding would: received today, with its
/// decision term, and this contact person.
pub async fn step_request(
    db: &passend_store::Db,
    actor: &cw::Actor<'_>,
    request: i64,
    (from, to): (&str, &str),
    contact: Option<i64>,
) {
    let r = cw::request(db, actor.tenant_id, request)
        .await
        .unwrap()
        .unwrap();
    let due = passend_domain::tlv::TlvPolicy::default().decision_due(today());
    let step = cw::Step {
        from,
        to,
        what: "stap",
        action: "update",
        received: Some((today(), due)),
        contact_id: contact,
        notices: vec![],
    };
    cw::step(db, actor, &r, &step).await.unwrap();
}

/// A new pupil at this location with a concept request of this kind: (pupil, request).
pub async fn concept(
    db: &passend_store::Db,
    school: &passend_store::casework::Actor<'_>,
    location: i64,
    kind: &str,
) -> (i64, i64) {
    concept_of(
        db,
        school,
        location,
        kind,
        ("Test", &format!("Leerling{location}")),
    )
    .await
}

/// A new pupil with this (given, family) name at this location, with a concept request of this
/// kind: (pupil, request).
pub async fn concept_of(
    db: &passend_store::Db,
    school: &passend_store::casework::Actor<'_>,
    location: i64,
    kind: &str,
    (given, family): (&str, &str),
) -> (i64, i64) {
    use passend_store::casework::{self as cw, NewPupil, NewRequest};
    let pupil = cw::create_pupil(
        db,
        school,
        &NewPupil {
            location_id: location,
            given_name: given.to_owned(),
            family_name: family.to_owned(),
            birth_date: today().checked_sub_days(Days::new(2900)).unwrap(),
            groep: "5".to_owned(),
            onderwijsnummer: None,
            guardians: vec![],
        },
    )
    .await
    .unwrap();
    let request = cw::create_request(
        db,
        school,
        &NewRequest {
            pupil_id: pupil,
            location_id: location,
            kind: kind.to_owned(),
            question: "Vraag".to_owned(),
        },
    )
    .await
    .unwrap();
    (pupil, request)
}

/// The people around a followed request (see [`followed_request`]), each signed in.
pub struct Followed {
    pub school: Browser,
    pub swv: Browser,
    pub ouder: Browser,
    pub request: i64,
}

/// An intern begeleider at the first primary school (`ib@a.nl`), a toeleider (`toe@swv.nl`)
/// and a parent with a portal account, around an arrangement request in treatment.
pub async fn followed(app: &TestApp) -> Followed {
    let db = app.server().db.clone();
    let tenant = tenant_id(app).await;
    let location = two_primary_schools(&db).await[0].id;
    let (school_id, school) = school_user(app, tenant, "ib@a.nl", location).await;
    let (toeleider, swv) = user(app, tenant, "toe@swv.nl", Role::Toeleider, &[]).await;
    let people = (school_id, toeleider);
    let (_, request, parent) = followed_request(app, tenant, location, people, "arrangement").await;
    let ouder = Browser::with_session(app, &session_for(app, tenant, parent, Stage::Full).await);
    Followed {
        school,
        swv,
        ouder,
        request,
    }
}

/// A submitted request taken by the toeleider (as [`submitted`]) whose pupil "Mila" has one
/// parent with gezag, `een@example.nl`, with a portal account linked: (pupil, request, the
/// parent's user id).
pub async fn followed_request(
    app: &TestApp,
    tenant: i64,
    location: i64,
    (school_user, toeleider): (i64, i64),
    kind: &str,
) -> (i64, i64, i64) {
    let db = &app.server().db;
    let school = as_user(tenant, school_user, "schoolmedewerker");
    let (pupil, request) = submitted(db, tenant, location, school_user, toeleider, kind).await;
    let guardians = set_parents(
        db,
        &school,
        tenant,
        pupil,
        "Mila",
        &[("Ouder Een", "een@example.nl", true)],
    )
    .await;
    let parent = ready_parent(app, tenant, "een@example.nl", "een zin voor de test").await;
    link(db, &school, pupil, guardians[0], parent).await;
    (pupil, request, parent)
}

pub async fn link(
    db: &passend_store::Db,
    school: &cw::Actor<'_>,
    pupil: i64,
    guardian: i64,
    parent: i64,
) {
    let key = format!("link-{guardian}-{parent}");
    portal::link_parent(
        db,
        school,
        pupil,
        guardian,
        &portal::ParentAccount::Existing(parent),
        None,
        &passend_store::outbox::NewMail {
            tenant_id: Some(school.tenant_id),
            idempotency_key: &key,
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

/// Gives a pupil these parent rows (name, e-mail, gezag); returns their ids in order.
pub async fn set_parents(
    db: &passend_store::Db,
    school: &cw::Actor<'_>,
    tenant: i64,
    pupil: i64,
    given_name: &str,
    parents: &[(&str, &str, bool)],
) -> Vec<i64> {
    let p = cw::pupil(db, tenant, pupil).await.unwrap().unwrap();
    cw::update_pupil(
        db,
        school,
        pupil,
        &NewPupil {
            location_id: p.location_id,
            given_name: given_name.to_owned(),
            family_name: "Matrix".to_owned(),
            birth_date: p.birth_date,
            groep: p.groep.clone(),
            onderwijsnummer: None,
            guardians: parents
                .iter()
                .map(|(n, e, gezag)| GuardianInput {
                    name: (*n).to_owned(),
                    relation: "ouder".to_owned(),
                    parental_authority: *gezag,
                    email: (*e).to_owned(),
                    phone: String::new(),
                })
                .collect(),
        },
    )
    .await
    .unwrap();
    cw::guardians(db, pupil)
        .await
        .unwrap()
        .into_iter()
        .map(|g| g.id)
        .collect()
}

/// The number right after the first `prefix` in a page.
pub fn number_after(html: &str, prefix: &str) -> i64 {
    let at = html.find(prefix).unwrap_or_else(|| panic!("no {prefix}")) + prefix.len();
    html[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap()
}

/// A fully signed-in school staff member at one location.
pub async fn school_user(app: &TestApp, tenant: i64, email: &str, location: i64) -> (i64, Browser) {
    user(app, tenant, email, Role::Schoolmedewerker, &[location]).await
}

/// A decision that grants a TLV for `placement` ("sbo", or "so" with a category) from today,
/// without an end date, its letter dated today.
pub fn granted(placement: &str, category: Option<&str>) -> cw::NewDecision {
    cw::NewDecision {
        granted: true,
        placement: Some(placement.to_owned()),
        category: category.map(str::to_owned),
        start_on: Some(today()),
        end_on: None,
        receiving_location_id: None,
        reasons: "Motivering".to_owned(),
        letter_on: today(),
        status: "toegekend".to_owned(),
        swv_code: "PO2401".to_owned(),
    }
}

/// Toeleiding decides a request in the store (from its status `from`, or the one it has), with
/// the letter "Besluit" and no attachments; returns the decision's id.
pub async fn decide_in_store(
    db: &passend_store::Db,
    actor: &cw::Actor<'_>,
    request: i64,
    from: Option<&str>,
    new: &cw::NewDecision,
) -> i64 {
    let r = cw::request(db, actor.tenant_id, request)
        .await
        .unwrap()
        .unwrap();
    let from = from.unwrap_or(&r.status).to_owned();
    let (decision, _) = cw::decide(db, actor, &r, &from, new, "Besluit", &[])
        .await
        .unwrap()
        .unwrap();
    decision
}

/// Toeleiding records that a decision's letter was sent today, `how` ("post", "portaal", …), as
/// on the sending page; the bezwaar term runs from it.
pub async fn send_letter_today(swv: &mut Browser, decision_id: i64, how: &str) {
    let path = format!("/besluiten/{decision_id}/verzending");
    swv.get(&path).await;
    let today_text = today().format("%Y-%m-%d").to_string();
    let sent = swv
        .post(&path, &[("verzonden-op", &today_text), ("wijze", how)])
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
}

/// The school registers an aanmelding of a pupil (received on, desired start, the support asked
/// for; other registrations "Geen", this school the first preference) and opens it: its id and
/// its page.
pub async fn add_aanmelding(
    school: &mut Browser,
    pupil: i64,
    (received, start): (&str, &str),
    support: &str,
) -> (i64, Page) {
    let added = school
        .post(
            &format!("/leerlingen/{pupil}/aanmelding"),
            &[
                ("ontvangen", received),
                ("start", start),
                ("ondersteuning", support),
                ("andere", "Geen"),
                ("voorkeur", "ja"),
            ],
        )
        .await;
    assert_eq!(added.status, 303, "{}", added.body);
    let id = id_after(&added.location, "/aanmeldingen/");
    let page = school.get(&format!("/aanmeldingen/{id}")).await;
    (id, page)
}
