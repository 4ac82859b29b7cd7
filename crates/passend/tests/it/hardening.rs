//! What hostile testing found (issue 14), each written to fail on the code before it: concept
//! documents and an expert's lasting access, throttles raced in parallel, a full disk that
//! needed a restart, simultaneous first starts, a start that wrote when nothing changed, slow
//! and idle clients, a retried post that created twice, a stale cookie at sign-in, two experts
//! with one text, independence per bevoegd gezag.

use crate::support::*;
use passend_domain::accounts::Role;
use passend_store::casework as cw;
use passend_store::on_db;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The id of the latest document of a pupil with this title.
async fn document_titled(db: &passend_store::Db, tenant: i64, pupil: i64, title: &str) -> i64 {
    cw::documents_of_pupil(db, tenant, pupil)
        .await
        .unwrap()
        .into_iter()
        .find(|d| d.title == title)
        .unwrap_or_else(|| panic!("no document {title}"))
        .id
}

#[tokio::test]
async fn concept_documents_and_an_experts_access_follow_their_own_life_cycle() {
    let app = TestApp::spawn().await;
    let db = app.server().db.clone();
    let tenant = tenant_id(&app).await;
    let bo = two_primary_schools(&db).await;
    let (school_id, mut school) = school_user(&app, tenant, "ib@school.nl", bo[0].id).await;
    let (toeleider_id, mut swv) = user(&app, tenant, "t@swv.nl", Role::Toeleider, &[]).await;
    let (expert_id, mut expert) = user(&app, tenant, "e@swv.nl", Role::Deskundige, &[]).await;
    let (pupil, asked) = submitted(&db, tenant, bo[0].id, school_id, toeleider_id, "tlv-sbo").await;
    let r = cw::request(&db, tenant, asked).await.unwrap().unwrap();
    let swv_actor = as_user(tenant, toeleider_id, "toeleider");
    cw::ask_advice(
        &db,
        &swv_actor,
        &r,
        expert_id,
        today(),
        "Vraag",
        "gevraagd",
        &[],
    )
    .await
    .unwrap();
    let advice = cw::advices_of(&db, asked).await.unwrap()[0].id;
    // The school adds a document to the dossier, one to the submitted request, and one to a
    // new concept request.
    let concept = cw::create_request(
        &db,
        &as_user(tenant, school_id, "schoolmedewerker"),
        &cw::NewRequest {
            pupil_id: pupil,
            location_id: bo[0].id,
            kind: "arrangement".to_owned(),
            question: "Een arrangement voor volgend jaar".to_owned(),
        },
    )
    .await
    .unwrap();
    school.get(&format!("/leerlingen/{pupil}")).await;
    let upload = |title: &'static str, request: Option<i64>| {
        let mut fields = vec![("soort", "verslag".to_owned()), ("titel", title.to_owned())];
        if let Some(r) = request {
            fields.push(("aanvraag", r.to_string()));
            fields.push(("terug", "aanvraag".to_owned()));
        }
        fields
    };
    for (title, request) in [
        ("Dossierstuk", None),
        ("Bij de ingediende aanvraag", Some(asked)),
        ("Bij het concept", Some(concept)),
    ] {
        let fields = upload(title, request);
        let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let page = school
            .post_file(
                &format!("/leerlingen/{pupil}/documenten"),
                &refs,
                "stuk.pdf",
                &tiny_pdf(title),
            )
            .await;
        assert_eq!(page.status, 303, "{title}: {}", page.body);
    }
    let dossier_doc = document_titled(&db, tenant, pupil, "Dossierstuk").await;
    let request_doc = document_titled(&db, tenant, pupil, "Bij de ingediende aanvraag").await;
    let concept_doc = document_titled(&db, tenant, pupil, "Bij het concept").await;

    // The concept's document is the school's own: not listed for toeleiding or the expert, not
    // downloadable, not shareable by toeleiding.
    let seen_by_school = school.get(&format!("/leerlingen/{pupil}")).await;
    assert!(seen_by_school.body.contains("Bij het concept"));
    for (who, browser) in [("toeleider", &mut swv), ("deskundige", &mut expert)] {
        let page = browser.get(&format!("/leerlingen/{pupil}")).await;
        assert_eq!(page.status, 200, "{who}");
        assert!(page.body.contains("Dossierstuk"), "{who}");
        assert!(page.body.contains("Bij de ingediende aanvraag"), "{who}");
        assert!(
            !page.body.contains("Bij het concept"),
            "{who}: {}",
            page.body
        );
        let request_page = browser.get(&format!("/aanvragen/{asked}")).await;
        assert!(!request_page.body.contains("Bij het concept"), "{who}");
        assert_eq!(
            browser
                .get_file(&format!("/documenten/{concept_doc}/1"))
                .await
                .0,
            404,
            "{who}"
        );
        assert_eq!(
            browser
                .get_file(&format!("/documenten/{request_doc}/1"))
                .await
                .0,
            200,
            "{who}"
        );
    }
    // Sharing it with the parents: refused for toeleiding (the pupil has a parent in the portal
    // or not, the document is not theirs to share).
    swv.get(&format!("/leerlingen/{pupil}")).await;
    let shared = swv
        .post(
            &format!("/documenten/{concept_doc}/delen"),
            &[("leerling", &pupil.to_string()), ("versie", "1")],
        )
        .await;
    assert!(
        shared.status == 404 || shared.location.contains("delen-geen-ouders"),
        "{} {}",
        shared.status,
        shared.location
    );
    // An upload that fails its checks shows the page it came from again, but never a concept
    // the visitor may not see: the question of the concept stays the school's.
    swv.get(&format!("/leerlingen/{pupil}")).await;
    let fields = [
        ("soort", "verslag".to_owned()),
        ("titel", String::new()),
        ("aanvraag", concept.to_string()),
        ("terug", "aanvraag".to_owned()),
    ];
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = swv
        .post_file(
            &format!("/leerlingen/{pupil}/documenten"),
            &refs,
            "kapot.pdf",
            b"geen pdf",
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        !refused.body.contains("Een arrangement voor volgend jaar"),
        "{}",
        refused.body
    );
    let denied = passend_store::audit::search(
        &db,
        tenant,
        &passend_store::audit::Filter {
            actor_id: Some(toeleider_id),
            ..Default::default()
        },
        1000,
    )
    .await
    .unwrap();
    assert!(
        denied
            .iter()
            .any(|e| e.outcome == "denied" && e.object_type == "document"),
        "the refused download is in the audit trail"
    );

    // The expert gives the advice; a document (and a new version) added after it is not theirs.
    expert.get(&format!("/adviezen/{advice}")).await;
    let given = expert
        .post(
            &format!("/adviezen/{advice}"),
            &[
                ("beroep", "orthopedagoog"),
                ("conclusie", "toelaatbaar"),
                (
                    "advies",
                    "Een eigen, onderbouwd advies over wat de leerling nodig heeft.",
                ),
                ("onafhankelijk", "ja"),
            ],
        )
        .await;
    assert_eq!(given.status, 303, "{}", given.body);
    tokio::time::sleep(Duration::from_millis(20)).await;
    school.get(&format!("/leerlingen/{pupil}")).await;
    let later = upload("Na het advies", None);
    let refs: Vec<(&str, &str)> = later.iter().map(|(k, v)| (*k, v.as_str())).collect();
    school
        .post_file(
            &format!("/leerlingen/{pupil}/documenten"),
            &refs,
            "later.pdf",
            &tiny_pdf("later"),
        )
        .await;
    let after_doc = document_titled(&db, tenant, pupil, "Na het advies").await;
    let dossier_id = dossier_doc.to_string();
    let new_version = school
        .post_file(
            &format!("/leerlingen/{pupil}/documenten"),
            &[("soort", "verslag"), ("bestaand", &dossier_id)],
            "v2.pdf",
            &tiny_pdf("versie 2"),
        )
        .await;
    assert_eq!(new_version.status, 303, "{}", new_version.body);
    assert_eq!(
        expert
            .get_file(&format!("/documenten/{after_doc}/1"))
            .await
            .0,
        404
    );
    assert_eq!(
        expert
            .get_file(&format!("/documenten/{dossier_doc}/2"))
            .await
            .0,
        404,
        "a version added after the advice"
    );
    assert_eq!(
        expert
            .get_file(&format!("/documenten/{dossier_doc}/1"))
            .await
            .0,
        200,
        "the version the advice was based on"
    );
    let seen = expert.get(&format!("/leerlingen/{pupil}")).await;
    assert!(!seen.body.contains("Na het advies"));
    assert_eq!(
        swv.get_file(&format!("/documenten/{after_doc}/1")).await.0,
        200,
        "toeleiding sees what was added later"
    );

    // Four weeks (the grace period) after the advice, the expert's access has ended.
    on_db!(&db, pool => sqlx::query("UPDATE advices SET submitted_at = $1 WHERE id = $2")
        .bind(chrono::Utc::now() - chrono::Duration::days(29))
        .bind(advice)
        .execute(pool)
        .await
        .map(|_| ())
        .unwrap());
    assert_eq!(
        expert.get(&format!("/leerlingen/{pupil}")).await.status,
        404
    );
    assert_eq!(expert.get(&format!("/aanvragen/{asked}")).await.status, 404);
    assert_eq!(expert.get(&format!("/adviezen/{advice}")).await.status, 404);
    assert_eq!(
        expert
            .get_file(&format!("/documenten/{dossier_doc}/1"))
            .await
            .0,
        404
    );
    let list = expert.get("/adviezen").await;
    assert!(list.body.contains("(toegang beëindigd)"), "{}", list.body);
    assert!(
        !list.body.contains(&format!("Leerling{}", bo[0].id)),
        "no pupil name: {}",
        list.body
    );
    assert!(!list.body.contains(&format!("/adviezen/{advice}\"")));

    // Once the concept is submitted, toeleiding sees its document.
    on_db!(&db, pool => sqlx::query("UPDATE support_requests SET status = 'ingediend', submitted_at = $1 WHERE id = $2")
        .bind(chrono::Utc::now())
        .bind(concept)
        .execute(pool)
        .await
        .map(|_| ())
        .unwrap());
    assert_eq!(
        swv.get_file(&format!("/documenten/{concept_doc}/1"))
            .await
            .0,
        200
    );
    app.stop().await;
}

/// Posts the sign-in form from a new browser (its own form cookie), as a parallel client does.
async fn sign_in_attempt(app_base: String, email: &'static str, password: &'static str) -> u16 {
    let mut b = Browser::from_base(app_base);
    b.get("/inloggen").await;
    b.post("/inloggen", &[("email", email), ("wachtwoord", password)])
        .await
        .status
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_wrong_passwords_is_counted_before_it_is_checked() {
    let app = TestApp::spawn().await;
    let tenant = tenant_id(&app).await;
    ready_parent(&app, tenant, "doelwit@example.nl", "het goede wachtwoord").await;
    // 40 wrong passwords at once, with the right one in the middle of the burst.
    let mut tasks = Vec::new();
    for n in 0..41 {
        let base = app.base.clone();
        let password = if n == 20 {
            "het goede wachtwoord"
        } else {
            "een fout wachtwoord"
        };
        tasks.push(tokio::spawn(sign_in_attempt(
            base,
            "doelwit@example.nl",
            password,
        )));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    let evaluated = statuses.iter().filter(|s| matches!(s, 422 | 303)).count();
    let throttled = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(evaluated + throttled, 41, "{statuses:?}");
    // At most 10 wrong passwords are checked; the right one is checked too, and, being no
    // failure, does not count (so at most 11 in all).
    let wrong = statuses.iter().filter(|s| **s == 422).count();
    assert!(
        wrong <= 10 && evaluated <= 11,
        "at most 10 wrong passwords of a burst may be checked, {wrong} were: {statuses:?}"
    );
    // A correct password inside the burst cleared nothing: with the wrong passwords after it,
    // no more than 10 are ever checked, and then the right one is refused too.
    let wrong_in_burst = statuses.iter().filter(|s| **s == 422).count();
    let mut wrong_after = 0;
    loop {
        match sign_in_attempt(app.base.clone(), "doelwit@example.nl", "nog een fout").await {
            422 => wrong_after += 1,
            429 => break,
            other => panic!("status {other}"),
        }
        assert!(wrong_after <= 10, "the count was reset");
    }
    assert_eq!(
        wrong_in_burst + wrong_after,
        10,
        "exactly the limit of wrong passwords was checked"
    );
    assert_eq!(
        sign_in_attempt(
            app.base.clone(),
            "doelwit@example.nl",
            "het goede wachtwoord"
        )
        .await,
        429
    );
    let failures = passend_store::audit::search(
        &app.server().db,
        tenant,
        &passend_store::audit::Filter {
            action: Some("login".to_owned()),
            ..Default::default()
        },
        1000,
    )
    .await
    .unwrap()
    .into_iter()
    .filter(|e| e.outcome == "failure")
    .count();
    assert!(failures <= 10, "{failures} failures were checked");

    // 30 password resets at once for one mailbox: at most 5 mails.
    let mut tasks = Vec::new();
    for _ in 0..30 {
        let base = app.base.clone();
        tasks.push(tokio::spawn(async move {
            let mut b = Browser::from_base(base);
            b.get("/wachtwoord-vergeten").await;
            b.post("/wachtwoord-vergeten", &[("email", "doelwit@example.nl")])
                .await
                .status
        }));
    }
    let mut accepted = 0;
    for t in tasks {
        if t.await.unwrap() == 200 {
            accepted += 1;
        }
    }
    assert!(accepted <= 5, "{accepted} reset requests were taken");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let db = app.server().db.clone();
    let mails: i64 = on_db!(&db, pool => sqlx::query_scalar(
        "SELECT COUNT(*) FROM email_outbox WHERE to_address = $1",
    )
    .bind("doelwit@example.nl")
    .fetch_one(pool)
    .await
    .unwrap());
    assert!(mails <= 5, "{mails} reset mails");
    app.stop().await;
}

#[tokio::test]
async fn signing_in_from_a_tab_with_a_stale_cookie_works_the_first_time() {
    let app = TestApp::spawn().await;
    let tenant = tenant_id(&app).await;
    ready_parent(&app, tenant, "ouder@example.nl", "een zin voor de test").await;
    // A session cookie the server no longer knows (expired, or ended elsewhere).
    let mut b = Browser::with_session(&app, &"ab".repeat(32));
    b.get("/inloggen").await;
    let signed = b
        .post(
            "/inloggen",
            &[
                ("email", "ouder@example.nl"),
                ("wachtwoord", "een zin voor de test"),
            ],
        )
        .await;
    assert_eq!(signed.status, 303, "{}", signed.body);
    let session = b.session().cloned().unwrap_or_default();
    assert!(
        !session.is_empty() && session != "ab".repeat(32),
        "the new session cookie was kept"
    );
    assert_eq!(b.get("/ouders").await.status, 200);
    app.stop().await;
}

#[tokio::test]
async fn a_retried_post_creates_one_pupil_and_one_document() {
    let app = TestApp::spawn().await;
    let db = app.server().db.clone();
    let tenant = tenant_id(&app).await;
    let bo = two_primary_schools(&db).await;
    let (_, mut school) = school_user(&app, tenant, "ib@school.nl", bo[0].id).await;
    let form = school.get("/leerlingen/nieuw").await;
    let once = field_value(&form.body, "_eenmalig").expect("the form carries its token");
    let birth = today() - chrono::Days::new(8 * 365);
    let fields = vec![
        ("_eenmalig", once.clone()),
        ("locatie", bo[0].id.to_string()),
        ("voornaam", "Eenmalig".to_owned()),
        ("achternaam", "Dubbelpost".to_owned()),
        ("geboortedatum", birth.format("%Y-%m-%d").to_string()),
        ("groep", "4".to_owned()),
        ("ouder1-naam", "Ouder Dubbel".to_owned()),
        ("ouder1-relatie", "moeder".to_owned()),
        ("ouder1-gezag", "ja".to_owned()),
        ("ouder1-email", "dubbel@example.nl".to_owned()),
    ];
    let first = school.post_pairs("/leerlingen/nieuw", &fields).await;
    assert_eq!(first.status, 303, "{}", first.body);
    // The browser never got the answer and posts again; and two more at once.
    let again = school.post_pairs("/leerlingen/nieuw", &fields).await;
    assert_eq!(again.location, first.location);
    let (x, y) = tokio::join!(
        school_post(&app, &school, &fields),
        school_post(&app, &school, &fields)
    );
    assert_eq!(
        (x.as_str(), y.as_str()),
        (first.location.as_str(), first.location.as_str())
    );
    let pupil = id_after(&first.location, "/leerlingen/");
    let twins: i64 = on_db!(&db, pool => sqlx::query_scalar(
        "SELECT COUNT(*) FROM pupils WHERE family_name = 'Dubbelpost'",
    )
    .fetch_one(pool)
    .await
    .unwrap());
    assert_eq!(twins, 1);
    // A new form is a new pupil (a token is for one form).
    let form = school.get("/leerlingen/nieuw").await;
    let other = field_value(&form.body, "_eenmalig").unwrap();
    assert_ne!(other, once);

    // The same for an upload.
    let page = school.get(&format!("/leerlingen/{pupil}")).await;
    let token = field_value(&page.body, "_eenmalig").unwrap();
    for _ in 0..2 {
        let p = school
            .post_file(
                &format!("/leerlingen/{pupil}/documenten"),
                &[
                    ("_eenmalig", &token),
                    ("soort", "verslag"),
                    ("titel", "Eens"),
                ],
                "eens.pdf",
                &tiny_pdf("eens"),
            )
            .await;
        assert_eq!(p.status, 303, "{}", p.body);
    }
    let docs = cw::documents_of_pupil(&db, tenant, pupil).await.unwrap();
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].version, 1);
    app.stop().await;
}

/// Posts a form as `browser` would, from a separate client (for posts at the same moment).
async fn school_post(app: &TestApp, browser: &Browser, fields: &[(&str, String)]) -> String {
    let mut b = browser.clone_for(app);
    b.post_pairs("/leerlingen/nieuw", fields).await.location
}

#[tokio::test]
async fn two_experts_with_one_text_and_an_expert_of_the_same_board_are_refused() {
    let app = TestApp::spawn().await;
    let db = app.server().db.clone();
    let tenant = tenant_id(&app).await;
    let bo = two_primary_schools(&db).await;
    let (school_id, _) = school_user(&app, tenant, "ib@school.nl", bo[0].id).await;
    let (toeleider_id, mut swv) = user(&app, tenant, "t@swv.nl", Role::Toeleider, &[]).await;
    let (ortho_id, mut ortho) = user(&app, tenant, "o@swv.nl", Role::Deskundige, &[]).await;
    let (arts_id, mut arts) = user(&app, tenant, "a@swv.nl", Role::Deskundige, &[]).await;
    let (_, request) = submitted(&db, tenant, bo[0].id, school_id, toeleider_id, "tlv-sbo").await;
    let swv_actor = as_user(tenant, toeleider_id, "toeleider");
    for e in [ortho_id, arts_id] {
        let r = cw::request(&db, tenant, request).await.unwrap().unwrap();
        cw::ask_advice(&db, &swv_actor, &r, e, today(), "Vraag", "gevraagd", &[])
            .await
            .unwrap();
    }
    let advice_of = |e: i64| {
        let db = db.clone();
        async move {
            cw::advices_of(&db, request)
                .await
                .unwrap()
                .into_iter()
                .find(|a| a.expert_id == e)
                .unwrap()
                .id
        }
    };
    let text = "De leerling heeft een kleine groep en veel structuur nodig.";
    let (a1, a2) = (advice_of(ortho_id).await, advice_of(arts_id).await);
    ortho.get(&format!("/adviezen/{a1}")).await;
    let first = ortho
        .post(
            &format!("/adviezen/{a1}"),
            &[
                ("beroep", "orthopedagoog"),
                ("conclusie", "toelaatbaar"),
                ("advies", text),
                ("onafhankelijk", "ja"),
            ],
        )
        .await;
    assert_eq!(first.status, 303);
    arts.get(&format!("/adviezen/{a2}")).await;
    let same = arts
        .post(
            &format!("/adviezen/{a2}"),
            &[
                ("beroep", "arts"),
                ("conclusie", "toelaatbaar"),
                // The same words, another case and spacing.
                (
                    "advies",
                    "de leerling heeft een kleine groep en  veel structuur nodig.",
                ),
                ("onafhankelijk", "ja"),
            ],
        )
        .await;
    assert_eq!(same.status, 422);
    assert!(
        same.body
            .contains("gelijk aan het advies van de andere deskundige"),
        "{}",
        same.body
    );
    assert!(
        same.body.contains("veel structuur nodig."),
        "the input is kept"
    );
    let own = arts
        .post(
            &format!("/adviezen/{a2}"),
            &[
                ("beroep", "arts"),
                ("conclusie", "toelaatbaar"),
                (
                    "advies",
                    "Medisch gezien heeft de leerling een school met zorg nodig.",
                ),
                ("onafhankelijk", "ja"),
            ],
        )
        .await;
    assert_eq!(own.status, 303);

    // The arts also works for another school of the same bevoegd gezag as the applying school:
    // not independent, so no decision.
    let board: String = on_db!(&db, pool => sqlx::query_scalar("SELECT board FROM locations WHERE id = $1")
        .bind(bo[0].id)
        .fetch_one(pool)
        .await
        .unwrap());
    assert!(!board.is_empty(), "DUO gives the bevoegd gezag");
    let sibling: i64 = on_db!(&db, pool => sqlx::query_scalar(
        "SELECT id FROM locations WHERE board = $1 AND id <> $2 ORDER BY id LIMIT 1",
    )
    .bind(&board)
    .bind(bo[0].id)
    .fetch_optional(pool)
    .await
    .unwrap())
    .unwrap_or_else(|| {
        // Give another location the board, as a board with two schools.
        bo[1].id
    });
    on_db!(&db, pool => sqlx::query("UPDATE locations SET board = $1 WHERE id = $2")
        .bind(&board)
        .bind(sibling)
        .execute(pool)
        .await
        .map(|_| ())
        .unwrap());
    on_db!(&db, pool => sqlx::query("INSERT INTO user_locations (user_id, location_id) VALUES ($1, $2)")
        .bind(arts_id)
        .bind(sibling)
        .execute(pool)
        .await
        .map(|_| ())
        .unwrap());
    swv.get(&format!("/aanvragen/{request}")).await;
    let refused = swv
        .post_pairs(
            &format!("/aanvragen/{request}/besluit"),
            &[
                ("uitkomst", "ja".to_owned()),
                ("start", today().format("%Y-%m-%d").to_string()),
                ("geen-einde", "ja".to_owned()),
                ("motivering", "Motivering.".to_owned()),
            ],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(
        refused.body.contains("hetzelfde bestuur (bevoegd gezag)"),
        "{}",
        refused.body
    );
    app.stop().await;
}

#[tokio::test]
async fn two_first_starts_at_once_on_one_database_both_come_up_and_a_second_start_writes_nothing() {
    let db = TestDb::new().await;
    let c1 = config_for(&db);
    let mut c2 = config_for(&db);
    c2.documents_dir = c1.documents_dir.clone();
    let (a, b) = tokio::join!(passend::Server::start(&c1), passend::Server::start(&c2));
    let a = a.expect("the first instance starts");
    let b = b.expect("the second instance starts too");
    let store = a.db.clone();
    let count = |sql: &'static str| {
        let store = store.clone();
        async move {
            on_db!(&store, pool => sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await.unwrap())
        }
    };
    let pages = count("SELECT COUNT(*) FROM content_page_versions").await;
    let locations = count("SELECT COUNT(*) FROM locations").await;
    assert!(pages > 0 && locations > 0);
    let version = count("SELECT version FROM data_versions WHERE name = 'content'").await;
    let events = count("SELECT COUNT(*) FROM audit_events").await;
    b.stop().await.unwrap();
    // A third start on the same data writes nothing: the same page versions, the same content
    // version (every instance keeps its page cache), no audit events.
    let c = passend::Server::start(&c1).await.unwrap();
    assert_eq!(
        count("SELECT COUNT(*) FROM content_page_versions").await,
        pages
    );
    assert_eq!(count("SELECT COUNT(*) FROM locations").await, locations);
    assert_eq!(
        count("SELECT version FROM data_versions WHERE name = 'content'").await,
        version
    );
    assert_eq!(count("SELECT COUNT(*) FROM audit_events").await, events);
    c.stop().await.unwrap();
    a.stop().await.unwrap();
}

/// A small filesystem of its own for one test (tmpfs), unmounted on drop.
struct SmallDisk {
    dir: std::path::PathBuf,
}

impl SmallDisk {
    fn new(megabytes: u32) -> SmallDisk {
        let dir =
            std::env::temp_dir().join(format!("passend-disk-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let out = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m"), "tmpfs"])
            .arg(&dir)
            .output()
            .expect("mount");
        assert!(
            out.status.success(),
            "this test mounts a small tmpfs to fill it (scripts/test runs as root on the CI machine): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        SmallDisk { dir }
    }

    /// Fills the disk to the last byte.
    fn fill(&self) -> std::path::PathBuf {
        use std::io::Write;
        let path = self.dir.join("vulling");
        let mut f = std::fs::File::create(&path).unwrap();
        let chunk = vec![0u8; 64 * 1024];
        loop {
            if f.write_all(&chunk).is_err() {
                break;
            }
        }
        for size in [4096usize, 512, 1] {
            while f.write_all(&vec![0u8; size]).is_ok() {}
        }
        let _ = f.sync_all();
        path
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.dir)
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[tokio::test]
async fn a_full_disk_is_reported_and_heals_without_a_restart() {
    let disk = SmallDisk::new(96);
    let test_db = TestDb::new().await;
    let mut config = config_for(&test_db);
    if backend() == Backend::Sqlite {
        config.database_url =
            passend::config::SecretUrl::new(format!("sqlite://{}/passend.db", disk.dir.display()));
    }
    config.documents_dir = disk.dir.join("documenten");
    config.mail_dir = disk.dir.join("mail");
    config.audit_head_file = disk.dir.join("audit-head.json");
    config.audit_key_file = disk.dir.join("audit-key");
    let app = TestApp::start(test_db, config).await;
    let db = app.server().db.clone();
    let tenant = tenant_id(&app).await;
    let bo = two_primary_schools(&db).await;
    let (school_id, mut school) = school_user(&app, tenant, "ib@school.nl", bo[0].id).await;
    let (pupil, _) = crate::support::concept(
        &db,
        &as_user(tenant, school_id, "schoolmedewerker"),
        bo[0].id,
        "advies",
    )
    .await;
    assert_eq!(app.get("/healthz").await.status(), 200);
    school.get(&format!("/leerlingen/{pupil}")).await;

    if let passend_store::Db::Sqlite(pool) = &db {
        // The WAL keeps the space it once had; empty it, so that a write needs new space.
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(pool)
            .await
            .unwrap();
    }
    let filler = disk.fill();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    // /healthz tells the truth: a write probe fails.
    let health = app.get("/healthz").await;
    assert_eq!(health.status(), 503);
    let v: serde_json::Value = serde_json::from_str(&health.text().await.unwrap()).unwrap();
    assert_eq!(v["reason"], "storage-full");
    // An upload gets a clear message: nothing was saved because the disk is full.
    let refused = school
        .post_file(
            &format!("/leerlingen/{pupil}/documenten"),
            &[("soort", "verslag"), ("titel", "Te veel")],
            "groot.pdf",
            &[tiny_pdf("vol").as_slice(), &vec![b' '; 512 * 1024]].concat(),
        )
        .await;
    assert_eq!(refused.status, 503, "{}", refused.body);
    assert!(
        refused.body.contains("De opslag is vol"),
        "{}",
        refused.body
    );
    assert!(
        cw::documents_of_pupil(&db, tenant, pupil)
            .await
            .unwrap()
            .is_empty()
    );
    if backend() == Backend::Sqlite {
        // Transactions that fail at COMMIT with SQLITE_FULL (small enough to stay in the page
        // cache until then), on several connections at once: none may poison the pool.
        let big = "x".repeat(512 * 1024);
        let attempts = (0..6).map(|n| {
            let db = db.clone();
            let big = big.clone();
            async move {
                let passend_store::Db::Sqlite(pool) = &db else {
                    unreachable!()
                };
                use passend_store::BeginWrite;
                let mut tx = pool.begin_write().await?;
                sqlx::query("INSERT INTO health_probe (id, probed_at) VALUES ($1, $2)")
                    .bind(100 + n)
                    .bind(&big)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await
            }
        });
        let results = futures_join_all(attempts).await;
        assert!(
            results.iter().all(Result::is_err),
            "a full disk takes no half megabyte"
        );
        assert!(
            results
                .iter()
                .any(|r| r.as_ref().err().is_some_and(passend_store::is_storage_full)),
            "{results:?}"
        );
        // Space returns: the same server heals, without a restart.
        std::fs::remove_file(&filler).unwrap();
        heal_and_write(&app, school_id, pupil, bo[0].id).await;
        // And a restart on a full disk works: a start with nothing changed writes nothing.
        if let passend_store::Db::Sqlite(pool) = &db {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(pool)
                .await
                .unwrap();
        }
        let filler = disk.fill();
        let (test_db, config) = app.stop().await;
        let app2 = TestApp::start(test_db, config).await;
        assert_eq!(app2.get("/").await.status(), 200);
        assert_eq!(app2.get("/kaart").await.status(), 200);
        std::fs::remove_file(&filler).unwrap();
        app2.stop().await;
    } else {
        std::fs::remove_file(&filler).unwrap();
        heal_and_write(&app, school_id, pupil, bo[0].id).await;
        app.stop().await;
    }
}

/// After space returns: healthy again within seconds, and every write works, without a
/// restart.
async fn heal_and_write(app: &TestApp, school_id: i64, pupil: i64, location: i64) {
    let tenant = tenant_id(app).await;
    let mut healthy = false;
    for _ in 0..30 {
        if app.get("/healthz").await.status() == 200 {
            healthy = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(healthy, "/healthz heals by itself");
    let token = crate::support::session_for(
        app,
        tenant,
        school_id,
        passend_domain::accounts::Stage::Full,
    )
    .await;
    let mut school = Browser::with_session(app, &token);
    school.get(&format!("/leerlingen/{pupil}")).await;
    for n in 0..20 {
        let made = school
            .post_pairs(
                "/leerlingen/nieuw",
                &[
                    ("locatie", location.to_string()),
                    ("voornaam", format!("Na{n}")),
                    ("achternaam", "Herstel".to_owned()),
                    (
                        "geboortedatum",
                        (today() - chrono::Days::new(8 * 365))
                            .format("%Y-%m-%d")
                            .to_string(),
                    ),
                    ("groep", "4".to_owned()),
                    ("ouder1-naam", "Ouder Herstel".to_owned()),
                    ("ouder1-relatie", "vader".to_owned()),
                    ("ouder1-gezag", "ja".to_owned()),
                    ("ouder1-telefoon", "036 000 00 00".to_owned()),
                ],
            )
            .await;
        assert_eq!(made.status, 303, "write {n} after healing: {}", made.body);
    }
    let up = school
        .post_file(
            &format!("/leerlingen/{pupil}/documenten"),
            &[("soort", "verslag"), ("titel", "Weer ruimte")],
            "ok.pdf",
            &tiny_pdf("ok"),
        )
        .await;
    assert_eq!(up.status, 303, "{}", up.body);
}

/// Runs futures at once and collects their results, in order.
async fn futures_join_all<F: std::future::Future>(
    futures: impl IntoIterator<Item = F>,
) -> Vec<F::Output> {
    let mut set = Vec::new();
    for f in futures {
        set.push(Box::pin(f));
    }
    let mut out = Vec::new();
    // Poll all together: each is started before any is awaited to its end.
    let mut pending: Vec<_> = set.into_iter().map(Some).collect();
    let mut results: Vec<Option<F::Output>> = (0..pending.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut all = true;
        for (i, slot) in pending.iter_mut().enumerate() {
            if let Some(f) = slot {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => {
                        results[i] = Some(v);
                        *slot = None;
                    }
                    std::task::Poll::Pending => all = false,
                }
            }
        }
        if all {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    for r in results {
        out.extend(r);
    }
    out
}

#[tokio::test]
async fn slow_and_idle_clients_are_bounded_and_shutdown_has_a_deadline() {
    let app = TestApp::spawn_with(|c| {
        c.http.header_timeout = Duration::from_secs(2);
        c.http.max_connections = 8;
        c.http.shutdown_deadline = Duration::from_secs(2);
    })
    .await;
    let addr = app.server().addr;
    // A client that sends half a header is closed after the header timeout.
    let mut half = tokio::net::TcpStream::connect(addr).await.unwrap();
    half.write_all(b"GET / HTTP/1.1\r\nHost: passend\r\n")
        .await
        .unwrap();
    let started = Instant::now();
    let mut buf = [0u8; 512];
    let closed = tokio::time::timeout(Duration::from_secs(10), half.read(&mut buf)).await;
    assert!(closed.is_ok(), "the half header was not cut off");
    assert!(started.elapsed() >= Duration::from_millis(1500));
    // Eight idle connections fill the cap; a health check waits for the idle ones to close,
    // and is answered.
    let mut idle = Vec::new();
    for _ in 0..8 {
        idle.push(tokio::net::TcpStream::connect(addr).await.unwrap());
    }
    let started = Instant::now();
    let health = tokio::time::timeout(Duration::from_secs(15), app.get("/healthz"))
        .await
        .expect("answered once idle connections were closed");
    assert_eq!(health.status(), 200);
    assert!(started.elapsed() < Duration::from_secs(10));
    drop(idle);
    // A half header keeps no shutdown waiting beyond the deadline.
    let mut stuck = tokio::net::TcpStream::connect(addr).await.unwrap();
    stuck
        .write_all(b"POST /inloggen HTTP/1.1\r\nHost: passend\r\nContent-Length: 100\r\n\r\nabc")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    app.stop().await;
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "shutdown took {:?}",
        started.elapsed()
    );
    drop(stuck);
}

#[tokio::test]
async fn one_address_cannot_take_every_place_and_old_connections_close() {
    let app = TestApp::spawn_with(|c| {
        c.http.max_per_address = 3;
        c.http.max_connection_age = Duration::from_secs(1);
    })
    .await;
    let addr = app.server().addr;
    // Three idle connections from this address are its share; a fourth is closed at once.
    let mut idle = Vec::new();
    for _ in 0..3 {
        idle.push(tokio::net::TcpStream::connect(addr).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut fourth = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut buf = [0u8; 64];
    let closed = tokio::time::timeout(Duration::from_secs(2), fourth.read(&mut buf)).await;
    assert!(
        matches!(closed, Ok(Ok(0)) | Ok(Err(_))),
        "the fourth connection was not closed: {closed:?}"
    );
    // Once they are gone, the address is served again.
    drop(idle);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(app.get("/healthz").await.status(), 200);
    // A keep-alive connection is closed after its age, between requests.
    let mut kept = tokio::net::TcpStream::connect(addr).await.unwrap();
    kept.write_all(b"GET /healthz HTTP/1.1\r\nHost: passend\r\n\r\n")
        .await
        .unwrap();
    let mut response = vec![0u8; 8192];
    let n = kept.read(&mut response).await.unwrap();
    assert!(String::from_utf8_lossy(&response[..n]).starts_with("HTTP/1.1 200"));
    let started = Instant::now();
    let end = tokio::time::timeout(Duration::from_secs(5), kept.read(&mut response)).await;
    assert!(matches!(end, Ok(Ok(0)) | Ok(Err(_))), "{end:?}");
    assert!(started.elapsed() < Duration::from_secs(3));
    app.stop().await;
}

/// A school user of the first primary school with one pupil (a concept request), on the
/// pupil's page: (database, browser, pupil).
async fn school_with_a_pupil(app: &TestApp) -> (passend_store::Db, Browser, i64) {
    let db = app.server().db.clone();
    let tenant = tenant_id(app).await;
    let bo = two_primary_schools(&db).await;
    let (school_id, mut school) = school_user(app, tenant, "ib@school.nl", bo[0].id).await;
    let (pupil, _) = crate::support::concept(
        &db,
        &as_user(tenant, school_id, "schoolmedewerker"),
        bo[0].id,
        "arrangement",
    )
    .await;
    school.get(&format!("/leerlingen/{pupil}")).await;
    (db, school, pupil)
}

#[tokio::test]
async fn uploads_wait_their_turn_and_are_turned_away_when_it_is_too_busy() {
    let app = TestApp::spawn_with(|c| {
        c.http.uploads_at_once = 3;
        c.http.upload_wait = Duration::from_secs(1);
    })
    .await;
    let (db, mut school, pupil) = school_with_a_pupil(&app).await;
    let tenant = tenant_id(&app).await;
    let location = cw::pupil(&db, tenant, pupil)
        .await
        .unwrap()
        .unwrap()
        .location_id;
    let (_, mut colleague) = school_user(&app, tenant, "ib2@school.nl", location).await;
    colleague.get(&format!("/leerlingen/{pupil}")).await;
    let addr = app.server().addr;
    // An upload whose body comes in slowly: it holds its place.
    let slow = |browser: &Browser| {
        let head = format!(
            "POST /leerlingen/{pupil}/documenten HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\nCookie: {}\r\nContent-Type: multipart/form-data; boundary=grens\r\nContent-Length: 100000\r\n\r\n--grens\r\n",
            browser.cookie_line()
        );
        async move {
            let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
            s.write_all(head.as_bytes()).await.unwrap();
            tokio::time::sleep(Duration::from_millis(300)).await;
            s
        }
    };
    let upload = |title: &'static str| {
        (
            format!("/leerlingen/{pupil}/documenten"),
            [("soort", "verslag"), ("titel", title)],
        )
    };
    // One user may have two uploads in progress; a third is turned away at once.
    let first = slow(&school).await;
    let _second = slow(&school).await;
    let started = Instant::now();
    let (path, fields) = upload("Derde");
    let third = school
        .post_file(&path, &fields, "stuk.pdf", &tiny_pdf("derde"))
        .await;
    assert_eq!(third.status, 503, "{}", third.body);
    assert!(third.body.contains("Het is even te druk"), "{}", third.body);
    assert!(started.elapsed() < Duration::from_millis(900));
    // A colleague takes the last place; their next upload waits its turn and is then told
    // that it is too busy.
    let _last = slow(&colleague).await;
    let started = Instant::now();
    let (path, fields) = upload("Wachtend");
    let waiting = colleague
        .post_file(&path, &fields, "stuk.pdf", &tiny_pdf("wachtend"))
        .await;
    assert_eq!(waiting.status, 503, "{}", waiting.body);
    assert!(started.elapsed() >= Duration::from_millis(900));
    // Once one is gone, uploads go through again.
    drop(first);
    tokio::time::sleep(Duration::from_millis(300)).await;
    colleague.get(&format!("/leerlingen/{pupil}")).await;
    let (path, fields) = upload("Erdoor");
    let through = colleague
        .post_file(&path, &fields, "stuk.pdf", &tiny_pdf("erdoor"))
        .await;
    assert_eq!(through.status, 303, "{}", through.body);
    app.stop().await;
}

#[tokio::test]
async fn a_slow_twenty_megabyte_upload_at_one_megabit_arrives() {
    let app = TestApp::spawn().await;
    let (db, school, pupil) = school_with_a_pupil(&app).await;
    let tenant = tenant_id(&app).await;
    // A real-looking PDF of 20 MiB minus a little (the limit is 20 MiB).
    let mut file = b"%PDF-1.4\n% traag\n".to_vec();
    file.resize(20 * 1024 * 1024 - 4096, b' ');
    file.extend_from_slice(b"\n%%EOF\n");
    let sha = passend_domain::documents::sha256_hex(&file);
    let boundary = "----passendtraag";
    let mut body = Vec::new();
    for (k, v) in [
        ("_csrf", school.csrf.as_str()),
        ("soort", "verslag"),
        ("titel", "Traag"),
    ] {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"bestand\"; filename=\"traag.pdf\"\r\nContent-Type: application/pdf\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(&file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let head = format!(
        "POST /leerlingen/{pupil}/documenten HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {}\r\nSec-Fetch-Site: same-origin\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        school.cookie_line(),
        body.len()
    );
    let mut stream = tokio::net::TcpStream::connect(app.server().addr)
        .await
        .unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    // 1 Mbit/s: 125,000 bytes a second, in tenths.
    let started = Instant::now();
    for (i, chunk) in body.chunks(12_500).enumerate() {
        let due = Duration::from_millis(100 * i as u64);
        if let Some(wait) = due.checked_sub(started.elapsed()) {
            tokio::time::sleep(wait).await;
        }
        stream.write_all(chunk).await.unwrap();
    }
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let response = String::from_utf8_lossy(&response);
    assert!(
        started.elapsed() > Duration::from_secs(150),
        "it was slow: {:?}",
        started.elapsed()
    );
    assert!(response.starts_with("HTTP/1.1 303"), "{response}");
    let docs = cw::documents_of_pupil(&db, tenant, pupil).await.unwrap();
    assert_eq!(docs.len(), 1);
    let v = cw::document_version(&db, tenant, docs[0].id, 1)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(v.sha256, sha);
    app.stop().await;
}

#[tokio::test]
async fn mail_files_are_written_whole() {
    let app = TestApp::spawn().await;
    let tenant = tenant_id(&app).await;
    ready_parent(&app, tenant, "m@example.nl", "een zin voor de test").await;
    let mut b = Browser::new(&app);
    b.get("/inloggen/link").await;
    b.post("/inloggen/link", &[("email", "m@example.nl")]).await;
    mail_to(&app, "m@example.nl", "inloggen").await;
    for entry in std::fs::read_dir(&app.config.mail_dir).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        assert!(name.ends_with(".eml"), "no temporary file left: {name}");
        assert!(entry.metadata().unwrap().len() > 100, "{name} is whole");
    }
    app.stop().await;
}
