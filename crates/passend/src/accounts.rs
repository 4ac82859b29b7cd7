//! Accounts from the command line and demo mode: `passend gebruiker uitnodigen|lijst|blokkeren`
//! (the first beheerder of a new installation is invited this way) and the demo accounts of
//! `passend serve --demo`.

use anyhow::{Context, bail};
use passend_domain::accounts::{Role, normalize_email, valid_email};
use passend_domain::totp;
use passend_store::Db;
use passend_store::accounts::{self as store, AccountError, NewUser, ReadyUser};
use passend_store::audit::Event;
use std::fmt::Write as _;

/// The password of every demo account (shown in the README and on the sign-in page in demo mode).
pub const DEMO_PASSWORD: &str = "demo passend almere";

/// The demo accounts: e-mail (before the demo domain), name, role.
pub const DEMO_ACCOUNTS: &[(&str, &str, Role)] = &[
    ("beheerder", "Bram Beheer", Role::Beheerder),
    ("toeleider", "Tessa Toeleider", Role::Toeleider),
    (
        "school",
        "Sanne de Intern Begeleider",
        Role::Schoolmedewerker,
    ),
    ("deskundige", "Dirk Deskundige", Role::Deskundige),
    ("arts", "Anna Arts", Role::Deskundige),
    ("so-school", "Sofie van het SO", Role::Schoolmedewerker),
    ("ouderadviseur", "Olga Ouderadviseur", Role::Ouderadviseur),
    ("ouder", "Orlando Ouder", Role::Ouder),
];

/// The e-mail address of a demo account.
pub fn demo_email(local: &str) -> String {
    format!("{local}{}", passend_web::DEMO_DOMAIN)
}

fn random_secret() -> anyhow::Result<String> {
    let mut bytes = [0u8; totp::SECRET_BYTES];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("random: {e}"))?;
    Ok(totp::base32_encode(&bytes))
}

/// Makes the demo accounts that do not exist yet. Staff accounts get a second factor whose
/// current code the sign-in page shows in demo mode; the school account works at the first two
/// primary schools of the list, the SO school account at the SO schools (to receive TLVs); two
/// experts make a TLV possible. Returns how many accounts exist.
pub async fn ensure_demo(db: &Db, tenant_id: i64) -> anyhow::Result<usize> {
    let hasher = passend_web::passwords::Passwords::new(1).map_err(|e| anyhow::anyhow!("{e}"))?;
    let hash = hasher
        .hash(DEMO_PASSWORD)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let choices = passend_store::locations::location_choices(db).await?;
    let schools: Vec<i64> = choices
        .iter()
        .filter(|l| l.school_type == "bo")
        .take(2)
        .map(|l| l.id)
        .collect();
    // The second school account works at the SO schools: it receives pupils with a TLV.
    let so_schools: Vec<i64> = choices
        .iter()
        .filter(|l| matches!(l.school_type.as_str(), "so" | "so-vso"))
        .map(|l| l.id)
        .collect();
    for (local, name, role) in DEMO_ACCOUNTS {
        let email = demo_email(local);
        let secret = if role.needs_second_factor() {
            Some(random_secret()?)
        } else {
            None
        };
        let location_ids: &[i64] = match (*local, role.is_school_scoped()) {
            ("so-school", _) => &so_schools,
            (_, true) => &schools,
            _ => &[],
        };
        let event = Event::cli(Some(tenant_id), "create", "gebruiker", "-", "demo");
        store::ensure_ready_user(
            db,
            &ReadyUser {
                user: NewUser {
                    tenant_id,
                    email: &email,
                    name,
                    role: *role,
                    location_ids,
                    created_by: None,
                },
                password_hash: &hash,
                totp_secret: secret.as_deref(),
            },
            &event,
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    if let Some(&school) = schools.first() {
        ensure_demo_dossier(db, tenant_id, school).await?;
    }
    ensure_demo_case(db, tenant_id).await?;
    Ok(DEMO_ACCOUNTS.len())
}

/// A made-up pupil of the demo school whose parent is the demo parent, with a concept request
/// the school shared with the parents: so the parents' portal can be tried at once. Made again
/// when the demo parent has no child.
async fn ensure_demo_dossier(db: &Db, tenant_id: i64, location_id: i64) -> anyhow::Result<()> {
    use passend_store::casework::{self as cw, Actor, GuardianInput, NewPupil, NewRequest};
    use passend_store::portal;
    let (Some(school), Some(parent)) = (
        store::user_by_email(db, tenant_id, &demo_email("school")).await?,
        store::user_by_email(db, tenant_id, &demo_email("ouder")).await?,
    ) else {
        return Ok(());
    };
    if !portal::children_of(db, tenant_id, parent.id)
        .await?
        .is_empty()
    {
        return Ok(());
    }
    let actor = Actor {
        tenant_id,
        user_id: school.id,
        role: Role::Schoolmedewerker.code(),
        name: &school.name,
        origin: "cli",
        request_id: "demo",
        form_token: "",
    };
    let today = passend_domain::time::to_local(chrono::Utc::now()).date();
    let birth = today
        .checked_sub_days(chrono::Days::new(8 * 365 + 120))
        .unwrap_or(today);
    let pupil = cw::create_pupil(
        db,
        &actor,
        &NewPupil {
            location_id,
            given_name: "Daan".to_owned(),
            family_name: "Demo".to_owned(),
            birth_date: birth,
            groep: "5".to_owned(),
            onderwijsnummer: None,
            guardians: vec![GuardianInput {
                name: parent.name.clone(),
                relation: "vader".to_owned(),
                parental_authority: true,
                email: parent.email.clone(),
                phone: String::new(),
            }],
        },
    )
    .await?;
    let Some(guardian) = cw::guardians(db, pupil).await?.into_iter().next() else {
        return Ok(());
    };
    let key = format!("demo-ouderportaal-{pupil}");
    portal::link_parent(
        db,
        &actor,
        pupil,
        guardian.id,
        &portal::ParentAccount::Existing(parent.id),
        None,
        &passend_store::outbox::NewMail {
            tenant_id: Some(tenant_id),
            idempotency_key: &key,
            to_address: &parent.email,
            subject: "Ouderportaal (demo)",
            body_text: "In de demo-omgeving heeft u toegang tot de gegevens van een verzonnen kind.",
            attachment: None,
            combine: None,
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let request = cw::create_request(
        db,
        &actor,
        &NewRequest {
            pupil_id: pupil,
            location_id,
            kind: "arrangement".to_owned(),
            question: "Daan heeft moeite met lezen en met drukte in de klas. De school wil hem twee dagdelen per week begeleiding geven in een klein groepje, met een leesspecialist.".to_owned(),
        },
    )
    .await?;
    if let Some(r) = cw::request(db, tenant_id, request).await? {
        let respond_by = passend_domain::portal::respond_by(
            today,
            passend_domain::portal::DEFAULT_ZIENSWIJZE_DAYS,
        );
        portal::share_request(
            db,
            &actor,
            &r,
            r.version,
            respond_by,
            "Gedeeld met de ouders (demo)",
            &[],
        )
        .await?;
    }
    // The school's registers: an aanmelding with its terms running, and a second made-up pupil
    // who sits at home; a sick-pupil registration with a plan.
    use passend_store::zorgplicht as zs;
    zs::add_aanmelding(
        db,
        &actor,
        pupil,
        location_id,
        &zs::AanmeldingInput {
            received_on: today.checked_sub_days(chrono::Days::new(37)),
            desired_start: today.checked_add_days(chrono::Days::new(60)),
            support_need: "Hulp bij lezen; rustige werkplek.".to_owned(),
            other_registrations: "Geen".to_owned(),
            first_preference: true,
            notes: "Demo: de beslistermijn loopt binnen een week af.".to_owned(),
            ..zs::AanmeldingInput::default()
        },
    )
    .await?;
    let sara = cw::create_pupil(
        db,
        &actor,
        &NewPupil {
            location_id,
            given_name: "Sara".to_owned(),
            family_name: "Voorbeeld".to_owned(),
            birth_date: birth
                .checked_sub_days(chrono::Days::new(400))
                .unwrap_or(birth),
            groep: "6".to_owned(),
            onderwijsnummer: None,
            guardians: Vec::new(),
        },
    )
    .await?;
    zs::add_thuiszitter(
        db,
        &actor,
        sara,
        location_id,
        &zs::ThuiszitterInput {
            kind: passend_domain::thuiszitters::Kind::LangdurigRelatiefVerzuim
                .code()
                .to_owned(),
            since: today.checked_sub_days(chrono::Days::new(100)),
            actions: "Gesprek met ouders en de intern begeleider; aangemeld bij de Actietafel Thuiszitters Almere (demo).".to_owned(),
            perspective: "Onderzoek naar een plek in het speciaal basisonderwijs (demo).".to_owned(),
            leerplicht_contact: "Leerplichtambtenaar gemeente Almere (demo)".to_owned(),
            leerplicht_informed_on: today.checked_sub_days(chrono::Days::new(40)),
            ..zs::ThuiszitterInput::default()
        },
    )
    .await?;
    zs::add_sick(
        db,
        &actor,
        pupil,
        location_id,
        &zs::SickInput {
            since: today.checked_sub_days(chrono::Days::new(10)),
            expected_until: today.checked_add_days(chrono::Days::new(30)),
            plan: "Lesstof per week via de leerkracht; contact met de klas via video (demo)."
                .to_owned(),
            contacts: "Vader (demo); leerkracht groep 5 (demo).".to_owned(),
            ..zs::SickInput::default()
        },
    )
    .await?;
    ensure_demo_treatment(db, &actor, location_id, birth, today).await
}

/// A second made-up pupil with a TLV request the demo toeleider is treating: its decision term
/// ends within a week and an advice is asked of the demo expert, so the start pages of toeleider
/// and expert show work at once.
async fn ensure_demo_treatment(
    db: &Db,
    school: &passend_store::casework::Actor<'_>,
    location_id: i64,
    birth: chrono::NaiveDate,
    today: chrono::NaiveDate,
) -> anyhow::Result<()> {
    use passend_store::casework::{self as cw, Actor, NewPupil, NewRequest, Step};
    let tenant_id = school.tenant_id;
    let (Some(toeleider), Some(expert)) = (
        store::user_by_email(db, tenant_id, &demo_email("toeleider")).await?,
        store::user_by_email(db, tenant_id, &demo_email("deskundige")).await?,
    ) else {
        return Ok(());
    };
    let pupil = cw::create_pupil(
        db,
        school,
        &NewPupil {
            location_id,
            given_name: "Lotte".to_owned(),
            family_name: "Voorbeeld".to_owned(),
            birth_date: birth
                .checked_add_days(chrono::Days::new(200))
                .unwrap_or(birth),
            groep: "4".to_owned(),
            onderwijsnummer: None,
            guardians: Vec::new(),
        },
    )
    .await?;
    let request = cw::create_request(
        db,
        school,
        &NewRequest {
            pupil_id: pupil,
            location_id,
            kind: "tlv-sbo".to_owned(),
            question: "Lotte heeft meer structuur en een kleinere groep nodig dan de school kan bieden (demo).".to_owned(),
        },
    )
    .await?;
    let swv = Actor {
        user_id: toeleider.id,
        role: Role::Toeleider.code(),
        name: &toeleider.name,
        ..*school
    };
    // Received 37 days ago: the six weeks end within a week.
    let received = today
        .checked_sub_days(chrono::Days::new(37))
        .unwrap_or(today);
    let due = passend_domain::tlv::TlvPolicy::default().decision_due(received);
    for (from, to) in [("concept", "ingediend"), ("ingediend", "in-behandeling")] {
        if let Some(r) = cw::request(db, tenant_id, request).await? {
            let step = Step {
                from,
                to,
                what: "Demo: ingediend en in behandeling genomen",
                action: "update",
                received: Some((received, due)),
                contact_id: Some(toeleider.id),
                notices: Vec::new(),
            };
            cw::step(db, &swv, &r, &step).await?;
        }
    }
    if let Some(r) = cw::request(db, tenant_id, request).await? {
        let due_on = today
            .checked_add_days(chrono::Days::new(4))
            .unwrap_or(today);
        let question = "Is Lotte toelaatbaar tot het speciaal basisonderwijs? (demo)";
        cw::ask_advice(
            db,
            &swv,
            &r,
            expert.id,
            due_on,
            question,
            "Advies gevraagd (demo)",
            &[],
        )
        .await?;
    }
    Ok(())
}

/// A made-up Oudersteunpunt case for the demo ouderadviseur, when there is none.
async fn ensure_demo_case(db: &Db, tenant_id: i64) -> anyhow::Result<()> {
    use passend_store::steunpunt as sp;
    let Some(adviser) = store::user_by_email(db, tenant_id, &demo_email("ouderadviseur")).await?
    else {
        return Ok(());
    };
    if !sp::cases(db, tenant_id, &sp::CaseFilter::default())
        .await?
        .is_empty()
    {
        return Ok(());
    }
    let actor = passend_store::casework::Actor {
        tenant_id,
        user_id: adviser.id,
        role: Role::Ouderadviseur.code(),
        name: &adviser.name,
        origin: "cli",
        request_id: "demo",
        form_token: "",
    };
    let mut random = [0u8; 8];
    getrandom::fill(&mut random).map_err(|e| anyhow::anyhow!("random: {e}"))?;
    sp::add_case(
        db,
        &actor,
        &sp::NewCase {
            channel: passend_domain::steunpunt::Channel::Telefoon.code().to_owned(),
            category: passend_domain::steunpunt::Category::Procedure.code().to_owned(),
            theme: passend_domain::steunpunt::Theme::Tlv.code().to_owned(),
            name: "Olivia (demo)".to_owned(),
            email: "olivia@demo.passend.invalid".to_owned(),
            phone: String::new(),
            callback: false,
            callback_when: String::new(),
            school: "Demo-school".to_owned(),
            message: "De school stelt speciaal basisonderwijs voor. Wat betekent een TLV, en wat mag ik zelf zeggen? (verzonnen vraag)".to_owned(),
            language: "nl".to_owned(),
        },
        &[passend_domain::steunpunt::reference(random)],
    )
    .await?;
    Ok(())
}

/// What `passend gebruiker uitnodigen` needs.
#[derive(Debug, Clone)]
pub struct InviteArgs {
    /// E-mail address.
    pub email: String,
    /// Name.
    pub name: String,
    /// Role code.
    pub role: String,
    /// Vestigingscodes (school staff).
    pub schools: Vec<String>,
}

/// Invites a user from the command line: the invitation mail goes into the outbox and the link
/// is returned, so the first beheerder can be invited before mail works.
pub async fn invite(
    db: &Db,
    tenant_id: i64,
    site: &str,
    base_url: &str,
    a: &InviteArgs,
) -> anyhow::Result<String> {
    let email = normalize_email(&a.email);
    if !valid_email(&email) {
        bail!("'{}' is geen geldig e-mailadres", a.email);
    }
    let name = a.name.trim();
    if name.is_empty() {
        bail!("geef een naam (--naam)");
    }
    let Some(role) = Role::from_code(&a.role) else {
        let known: Vec<&str> = Role::ALL.iter().map(|r| r.code()).collect();
        bail!("onbekende rol '{}'; kies uit: {}", a.role, known.join(", "));
    };
    let mut location_ids = Vec::new();
    for code in &a.schools {
        let code = code.trim().to_ascii_uppercase();
        let l = passend_store::locations::location_by_code(db, &code)
            .await?
            .with_context(|| format!("school {code} bestaat niet"))?;
        location_ids.push(l.id);
    }
    if role.is_school_scoped() && location_ids.is_empty() {
        bail!("een schoolmedewerker hoort bij minstens één school (--school VESTIGINGSCODE)");
    }
    if !role.may_link_schools() && !location_ids.is_empty() {
        bail!("alleen schoolmedewerkers en deskundigen horen bij een school");
    }
    let event = Event::cli(Some(tenant_id), "invite", "gebruiker", "-", role.code());
    let user = NewUser {
        tenant_id,
        email: &email,
        name,
        role,
        location_ids: &location_ids,
        created_by: None,
    };
    match passend_web::links::invite(db, site, base_url, &user, &event).await {
        Ok(token) => Ok(format!("{base_url}/uitnodiging/{token}")),
        Err(AccountError::EmailTaken) => bail!("er is al een account met {email}"),
        Err(e) => Err(anyhow::anyhow!("{e}")),
    }
}

/// A table of the tenant's users.
pub async fn list(db: &Db, tenant_id: i64) -> anyhow::Result<String> {
    let mut out = String::new();
    for u in store::users(db, tenant_id, None, None, None).await? {
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}",
            u.id,
            u.email,
            u.name,
            u.role,
            u.status,
            if u.has_totp {
                "tweestaps aan"
            } else {
                "tweestaps uit"
            }
        );
    }
    if out.is_empty() {
        out.push_str("Er zijn nog geen gebruikers.\n");
    }
    Ok(out)
}

/// Blocks an account by e-mail address; its sessions end at once.
pub async fn disable(db: &Db, tenant_id: i64, email: &str) -> anyhow::Result<()> {
    let email = normalize_email(email);
    let Some(user) = store::user_by_email(db, tenant_id, &email).await? else {
        bail!("er is geen account met {email}");
    };
    let object = user.id.to_string();
    let event = Event::cli(Some(tenant_id), "disable", "gebruiker", &object, "");
    store::set_disabled(db, tenant_id, user.id, true, &event).await?;
    Ok(())
}
