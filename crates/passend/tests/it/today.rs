//! The start page "Vandaag" per role, through HTTP: every role lands there, sees its own work
//! with a link to act, and never a line or a count about another school, a concept it may not
//! open, or an Oudersteunpunt case. Then notices to one person within the window go out as one
//! mail.

use crate::support::*;
use chrono::Days;
use passend_domain::accounts::{Role, Stage};
use passend_store::casework as cw;

/// A pupil with this given name at `location` and a concept request of `kind`.
async fn named(
    db: &passend_store::Db,
    school: &cw::Actor<'_>,
    location: i64,
    given: &str,
    kind: &str,
) -> (i64, i64) {
    concept_of(db, school, location, kind, (given, "Vandaagtest")).await
}

/// The section of the start page with this anchor, up to the next section.
fn section<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page
        .find(&format!("<section aria-labelledby=\"{id}\""))
        .unwrap_or_else(|| panic!("no section {id} in {page}"));
    let rest = &page[start..];
    let end = rest.find("</section>").unwrap();
    &rest[..end]
}

/// Asserts that the section `id` of the page names every word.
fn shows(page: &str, id: &str, words: &[&str]) {
    let s = section(page, id);
    for w in words {
        assert!(s.contains(w), "section {id} lacks {w}: {s}");
    }
}

/// Asserts that the page names none of these words.
fn hides(page: &str, who: &str, words: &[&str]) {
    for w in words {
        assert!(!page.contains(w), "{who} sees {w}");
    }
}

#[tokio::test]
async fn each_role_starts_on_its_own_work_and_never_sees_another_schools_or_a_confidential_line() {
    let app = TestApp::spawn().await;
    let db = app.server().db.clone();
    let tenant = tenant_id(&app).await;
    let bo = two_primary_schools(&db).await;
    let (a, b) = (bo[0].id, bo[1].id);
    let (school_a_id, mut school_a) = school_user(&app, tenant, "ib@a.nl", a).await;
    let (school_b_id, mut school_b) = school_user(&app, tenant, "ib@b.nl", b).await;
    let (toeleider, mut swv) = user(&app, tenant, "toe@swv.nl", Role::Toeleider, &[]).await;
    let (expert, mut deskundige) = user(&app, tenant, "ortho@swv.nl", Role::Deskundige, &[]).await;
    let (_, mut other) = user(&app, tenant, "psy@swv.nl", Role::Deskundige, &[]).await;
    let (adviser, mut steunpunt) =
        user(&app, tenant, "adviseur@osp.nl", Role::Ouderadviseur, &[]).await;
    let (_, mut beheer) = user(&app, tenant, "beheer@swv.nl", Role::Beheerder, &[]).await;
    let parent = ready_parent(&app, tenant, "ouder@example.nl", "een zin voor de test").await;
    let mut ouder =
        Browser::with_session(&app, &session_for(&app, tenant, parent, Stage::Full).await);
    let at_a = as_user(tenant, school_a_id, "schoolmedewerker");
    let at_b = as_user(tenant, school_b_id, "schoolmedewerker");
    let at_swv = as_user(tenant, toeleider, "toeleider");

    // School A: a concept, and a submitted request the samenwerkingsverband waits on.
    named(&db, &at_a, a, "Annaconcept", "arrangement").await;
    let (_, waiting) = named(&db, &at_a, a, "Annawacht", "arrangement").await;
    step_request(&db, &at_swv, waiting, ("concept", "ingediend"), None).await;
    step_request(
        &db,
        &at_swv,
        waiting,
        ("ingediend", "in-behandeling"),
        Some(toeleider),
    )
    .await;
    swv.get(&format!("/aanvragen/{waiting}")).await;
    let asked = swv
        .post(
            &format!("/aanvragen/{waiting}/opschorten"),
            &[
                ("actie", "start"),
                ("reden", "Het groeidocument van dit jaar"),
            ],
        )
        .await;
    assert_eq!(asked.status, 303, "{}", asked.body);
    // School B: a concept nobody else may see, and a submitted request nobody took yet.
    named(&db, &at_b, b, "Bramconcept", "arrangement").await;
    let (_, open_b) = named(&db, &at_b, b, "Bramingediend", "tlv-sbo").await;
    step_request(&db, &at_swv, open_b, ("concept", "ingediend"), None).await;
    // An advice asked of one expert, on a request in treatment.
    let (_, advised) = named(&db, &at_b, b, "Bobadvies", "tlv-sbo").await;
    step_request(&db, &at_swv, advised, ("concept", "ingediend"), None).await;
    step_request(
        &db,
        &at_swv,
        advised,
        ("ingediend", "in-behandeling"),
        Some(toeleider),
    )
    .await;
    let r = cw::request(&db, tenant, advised).await.unwrap().unwrap();
    cw::ask_advice(
        &db,
        &at_swv,
        &r,
        expert,
        today() + Days::new(3),
        "Vraag",
        "Advies gevraagd",
        &[],
    )
    .await
    .unwrap();
    // A zorgplicht term at school A that ends within two weeks (6 weeks from receipt).
    let (pupil_z, _) = named(&db, &at_a, a, "Zoezorgplicht", "advies").await;
    let received = (today() - Days::new(35)).format("%Y-%m-%d").to_string();
    let start = (today() + Days::new(30)).format("%Y-%m-%d").to_string();
    school_a
        .get(&format!("/leerlingen/{pupil_z}/aanmelding"))
        .await;
    let (aanmelding, _) = add_aanmelding(
        &mut school_a,
        pupil_z,
        (&received, &start),
        "Extra hulp bij lezen",
    )
    .await;
    // A confidential Oudersteunpunt case.
    passend_store::steunpunt::add_case(
        &db,
        &as_user(tenant, adviser, "ouderadviseur"),
        &passend_store::steunpunt::NewCase {
            channel: "telefoon".into(),
            category: "vraag".into(),
            theme: "ziekte".into(),
            name: "Vertrouwelijke Ouder".into(),
            phone: "0612345678".into(),
            callback: true,
            callback_when: "na drie uur".into(),
            message: "Vraag".into(),
            language: "nl".into(),
            ..Default::default()
        },
        &["OSP-VANDAAG".to_owned()],
    )
    .await
    .unwrap();
    // As a question through the contact form arrives: new, nobody has it yet, follow up today.
    passend_store::on_db!(&db, pool => sqlx::query(
        "UPDATE steunpunt_cases SET status = 'nieuw', adviser_id = NULL, follow_up_on = $1 WHERE reference = 'OSP-VANDAAG'")
        .bind(today()).execute(pool).await.map(|_| ())).unwrap();

    // School A: its concept, the question of the samenwerkingsverband, the term ending.
    let page = school_a.get("/vandaag").await;
    assert_eq!(page.status, 200);
    shows(&page.body, "concepten", &["Annaconcept", "(2)"]);
    let to_waiting = format!("href=\"/aanvragen/{waiting}\"");
    shows(
        &page.body,
        "informatie",
        &["Annawacht", "Het groeidocument van dit jaar", &to_waiting],
    );
    let to_term = format!("href=\"/aanmeldingen/{aanmelding}\"");
    shows(&page.body, "zorgplicht", &["Zoezorgplicht", &to_term]);
    let hidden = ["Bram", "Bob", "Vertrouwelijke", "OSP-VANDAAG"];
    hides(&page.body, "school A", &hidden);
    // The line leads to the place to act.
    assert_eq!(
        school_a.get(&format!("/aanvragen/{waiting}")).await.status,
        200
    );

    // School B: only its own.
    let page = school_b.get("/vandaag").await;
    shows(&page.body, "concepten", &["Bramconcept"]);
    let hidden = ["Anna", "Zoe", "Vertrouwelijke", "OSP-VANDAAG"];
    hides(&page.body, "school B", &hidden);

    // Toeleider: the unassigned request and the advice, never a concept or a confidential case.
    let page = swv.get("/vandaag").await;
    assert_eq!(page.status, 200);
    let to_open = format!("href=\"/aanvragen/{open_b}\"");
    shows(&page.body, "niet-toegewezen", &["Bramingediend", &to_open]);
    shows(&page.body, "termijnen", &["(0)"]);
    let hidden = [
        "Annaconcept",
        "Bramconcept",
        "Vertrouwelijke",
        "OSP-VANDAAG",
    ];
    hides(&page.body, "the toeleider", &hidden);
    // A term that ends in three days, and an advice late, appear.
    passend_store::on_db!(&db, pool => sqlx::query("UPDATE support_requests SET decision_due = $1 WHERE id = $2")
        .bind(today() + Days::new(3)).bind(advised).execute(pool).await.map(|_| ())).unwrap();
    passend_store::on_db!(&db, pool => sqlx::query("UPDATE advices SET due_on = $1 WHERE request_id = $2")
        .bind(today() - Days::new(1)).bind(advised).execute(pool).await.map(|_| ())).unwrap();
    let page = swv.get("/vandaag").await;
    shows(&page.body, "termijnen", &["Bobadvies", "Beslis uiterlijk"]);
    shows(&page.body, "adviezen", &["Bobadvies", "met haast"]);

    // The expert asked sees the advice request; another expert sees nothing.
    let advice_id = passend_store::on_db!(&db, pool => sqlx::query_scalar::<_, i64>("SELECT id FROM advices WHERE request_id = $1")
        .bind(advised).fetch_one(pool).await).unwrap();
    let page = deskundige.get("/vandaag").await;
    let to_advice = format!("href=\"/adviezen/{advice_id}\"");
    shows(&page.body, "adviesvragen", &["Bobadvies", &to_advice]);
    let advice_page = deskundige.get(&format!("/adviezen/{advice_id}")).await;
    assert_eq!(advice_page.status, 200);
    let page = other.get("/vandaag").await;
    shows(&page.body, "adviesvragen", &["(0)"]);
    let hidden = ["Bob", "Anna", "Bram", "Vertrouwelijke"];
    hides(&page.body, "another expert", &hidden);

    // The ouderadviseur: the call-back request, due today; no pupil of any school.
    let page = steunpunt.get("/vandaag").await;
    shows(&page.body, "nieuw", &["OSP-VANDAAG", "teruggebeld"]);
    shows(&page.body, "opvolgen", &["OSP-VANDAAG", "nog niemand"]);
    let hidden = ["Anna", "Bram", "Bob", "Zoe"];
    hides(&page.body, "the ouderadviseur", &hidden);

    // The beheerder: the checklist and the accounts, no pupil and no case.
    let page = beheer.get("/vandaag").await;
    assert!(page.body.contains("Inrichting"), "{}", page.body);
    assert!(page.body.contains("2 actieve deskundigen"), "{}", page.body);
    let hidden = [
        "Anna",
        "Bram",
        "Bob",
        "Zoe",
        "Vertrouwelijke",
        "OSP-VANDAAG",
    ];
    hides(&page.body, "the beheerder", &hidden);

    // Parents start on their portal: the staff start page is not theirs.
    assert_eq!(ouder.get("/vandaag").await.status, 404);
    // The page names pupils: the reads are in the audit trail.
    let reads: i64 = passend_store::on_db!(&db, pool => sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM audit_events WHERE object_type = 'vandaag' AND pupil_id IS NOT NULL")
        .fetch_one(pool).await)
    .unwrap();
    assert!(reads >= 5, "{reads}");
}

#[tokio::test]
async fn three_notices_to_one_parent_within_the_window_are_one_mail() {
    let app = TestApp::spawn_with(|c| c.mail_combine = std::time::Duration::from_secs(2)).await;
    let db = app.server().db.clone();
    let Followed {
        mut swv, request, ..
    } = followed(&app).await;

    // Information asked, the term runs again, the request withdrawn: three steps in a minute.
    let path = format!("/aanvragen/{request}");
    swv.get(&path).await;
    let suspended = swv
        .post(
            &format!("{path}/opschorten"),
            &[("actie", "start"), ("reden", "Het OPP")],
        )
        .await;
    assert_eq!(suspended.status, 303, "{}", suspended.body);
    swv.get(&path).await;
    let resumed = swv
        .post(&format!("{path}/opschorten"), &[("actie", "einde")])
        .await;
    assert_eq!(resumed.status, 303, "{}", resumed.body);
    swv.get(&path).await;
    let withdrawn = swv
        .post(&format!("{path}/intrekken"), &[("zeker", "ja")])
        .await;
    assert_eq!(withdrawn.status, 303, "{}", withdrawn.body);

    let mail = mail_to(&app, "een@example.nl", "Nieuws in het ouderportaal").await;
    assert!(mail.contains("wacht op informatie van de school"), "{mail}");
    assert!(mail.contains("De informatie is er"), "{mail}");
    assert!(mail.contains("De aanvraag is ingetrokken"), "{mail}");
    assert!(!mail.contains("Mila"), "no pupil data in a mail: {mail}");
    // Give the worker time to send anything else it would have sent.
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    let to_parent = std::fs::read_dir(&app.config.mail_dir)
        .unwrap()
        .flatten()
        .filter(|e| {
            std::fs::read_to_string(e.path())
                .unwrap_or_default()
                .contains("To: een@example.nl")
        })
        .count();
    assert_eq!(to_parent, 1, "three notices, one mail");
    let (sent, merged): (i64, i64) = passend_store::on_db!(&db, pool => sqlx::query_as::<_, (i64, i64)>(
        "SELECT COUNT(*), COUNT(merged_into) FROM email_outbox WHERE to_address = 'een@example.nl' AND status = 'sent'")
        .fetch_one(pool).await).unwrap();
    assert_eq!((sent, merged), (3, 2));
}
