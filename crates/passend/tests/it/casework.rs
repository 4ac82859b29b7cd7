//! Casework through HTTP: a school makes a pupil and a TLV SO request, fills it in (documents
//! checked by their content, the zienswijze, the TLO), submits it; a toeleider takes it, plans the
//! TLO, asks two experts; the decision is refused until the advices meet the law; the decision
//! gives a beschikkingsnummer and a PDF letter whose text is checked; the receiving school sees
//! the TLV and its DUO data; bezwaar starts the LBT clock. Along the way: who may see what, the
//! audit trail, the timeline, and mails without pupil data.

use crate::accounts::{Browser, mail_to, ready_user, session_for, tenant_id, two_primary_schools};
use crate::support::TestApp;
use chrono::{Datelike, Days, Utc};
use passend_domain::accounts::{Role, Stage};
use passend_store::audit::Filter;

/// A fully signed-in user at these locations.
async fn user(
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

fn today() -> chrono::NaiveDate {
    passend_domain::time::to_local(Utc::now()).date()
}

fn id_after(location: &str, prefix: &str) -> i64 {
    location
        .strip_prefix(prefix)
        .and_then(|r| r.split(['?', '/', '#']).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no id in {location}"))
}

/// A small real PDF (the letter engine's own output would do too; this one is hand-made).
fn tiny_pdf(text: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% {text}\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n").into_bytes()
}

fn pdf_text(bytes: &[u8]) -> String {
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
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test]
async fn a_tlv_so_request_from_school_to_decision_letter() {
    let app = TestApp::spawn().await;
    let db = app.server().db.clone();
    let tenant = tenant_id(&app).await;
    let bo = two_primary_schools(&db).await;
    let (school_a, school_b) = (&bo[0], &bo[1]);
    let so = passend_store::locations::location_choices(&db)
        .await
        .unwrap()
        .into_iter()
        .find(|l| matches!(l.school_type.as_str(), "so" | "so-vso"))
        .expect("the shipped Almere data has an SO school");

    let (_, mut school) = user(
        &app,
        tenant,
        "ib@school-a.nl",
        Role::Schoolmedewerker,
        &[school_a.id],
    )
    .await;
    let (_, mut elsewhere) = user(
        &app,
        tenant,
        "ib@school-b.nl",
        Role::Schoolmedewerker,
        &[school_b.id],
    )
    .await;
    let (_, mut receiving) = user(
        &app,
        tenant,
        "ib@so-school.nl",
        Role::Schoolmedewerker,
        &[so.id],
    )
    .await;
    let (toeleider_id, mut swv) =
        user(&app, tenant, "toeleider@swv.nl", Role::Toeleider, &[]).await;
    let (ortho_id, mut ortho) =
        user(&app, tenant, "ortho@deskundig.nl", Role::Deskundige, &[]).await;
    let (_, mut arts) = user(&app, tenant, "arts@deskundig.nl", Role::Deskundige, &[]).await;
    // An expert who also works for school A: not independent.
    let (linked_id, _) = user(
        &app,
        tenant,
        "linked@deskundig.nl",
        Role::Deskundige,
        &[school_a.id],
    )
    .await;
    let (_, mut admin) = user(&app, tenant, "beheer@swv.nl", Role::Beheerder, &[]).await;

    // 1. The school adds a pupil; a bad date and a missing name keep the input.
    school.get("/leerlingen/nieuw").await;
    let birth = today().checked_sub_days(Days::new(9 * 365)).unwrap();
    let mut pupil_form = vec![
        ("locatie", school_a.id.to_string()),
        ("voornaam", "Sam".to_owned()),
        ("achternaam", String::new()),
        ("geboortedatum", "31-02-2017".to_owned()),
        ("groep", "5".to_owned()),
        ("ouder1-naam", "Ouder Testpersoon".to_owned()),
        ("ouder1-relatie", "moeder".to_owned()),
        ("ouder1-gezag", "ja".to_owned()),
        ("ouder1-email", "ouder@example.nl".to_owned()),
        ("ouder1-telefoon", "036 123 45 67".to_owned()),
    ];
    let bad = school.post_pairs("/leerlingen/nieuw", &pupil_form).await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(bad.body.contains("Vul de achternaam in."), "{}", bad.body);
    assert!(bad.body.contains("een bestaande datum"), "{}", bad.body);
    assert!(bad.body.contains("value=\"Ouder Testpersoon\""));
    pupil_form[2].1 = "Jansen-Testkind".to_owned();
    pupil_form[3].1 = birth.format("%Y-%m-%d").to_string();
    let made = school.post_pairs("/leerlingen/nieuw", &pupil_form).await;
    assert_eq!(made.status, 303, "{}", made.body);
    let pupil = id_after(&made.location, "/leerlingen/");
    let dossier = school.get(&format!("/leerlingen/{pupil}")).await;
    assert!(dossier.body.contains("Sam Jansen-Testkind"));
    assert!(
        school
            .get("/leerlingen")
            .await
            .body
            .contains("Sam Jansen-Testkind")
    );

    // 2. A TLV SO request (category midden).
    school
        .get(&format!("/leerlingen/{pupil}/aanvragen/nieuw"))
        .await;
    let made = school
        .post(
            &format!("/leerlingen/{pupil}/aanvragen/nieuw"),
            &[
                ("soort", "tlv-so-midden"),
                (
                    "vraag",
                    "Sam heeft meer structuur en zorg nodig dan wij kunnen bieden.",
                ),
            ],
        )
        .await;
    assert_eq!(made.status, 303, "{}", made.body);
    let request = id_after(&made.location, "/aanvragen/");
    let page = school.get(&format!("/aanvragen/{request}")).await;
    assert!(page.body.contains("Concept"));
    assert!(page.body.contains("het groeidocument"), "{}", page.body);

    // 3. Submitting an incomplete request is refused with what is missing.
    let refused = school
        .post(&format!("/aanvragen/{request}/indienen"), &[])
        .await;
    assert_eq!(refused.status, 422);
    assert!(
        refused
            .body
            .contains("Nog nodig: het ontwikkelingsperspectief (OPP)"),
        "{}",
        refused.body
    );

    // 4. Documents are judged by their content: an HTML file named .pdf is refused.
    let upload = format!("/leerlingen/{pupil}/documenten");
    let refused = school
        .post_file(
            &upload,
            &[("soort", "groeidocument"), ("titel", "Groeidocument")],
            "groei.pdf",
            b"<html><script>alert(1)</script>",
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(
        refused.body.contains("Dit soort bestand kan niet"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("value=\"Groeidocument\""));
    for (kind, title) in [
        ("groeidocument", "Groeidocument 2026"),
        ("opp", "OPP met handelingsdeel"),
    ] {
        let ok = school
            .post_file(
                &upload,
                &[
                    ("soort", kind),
                    ("titel", title),
                    ("aanvraag", &request.to_string()),
                    ("terug", "aanvraag"),
                ],
                "bestand.pdf",
                &tiny_pdf(title),
            )
            .await;
        assert_eq!(ok.status, 303, "{}", ok.body);
        assert_eq!(ok.location, format!("/aanvragen/{request}?gedaan=document"));
    }
    // A second version of the OPP.
    let docs = passend_store::casework::documents_of_pupil(&db, tenant, pupil)
        .await
        .unwrap();
    let opp = docs.iter().find(|d| d.kind == "opp").unwrap().id;
    let v2 = school
        .post_file(
            &upload,
            &[("soort", "opp"), ("bestaand", &opp.to_string())],
            "opp-v2.pdf",
            &tiny_pdf("versie 2"),
        )
        .await;
    assert_eq!(v2.status, 303);
    let (status, ct, cd, bytes) = school.get_file(&format!("/documenten/{opp}/2")).await;
    assert_eq!((status, ct.as_str()), (200, "application/pdf"));
    assert!(cd.starts_with("attachment;"), "{cd}");
    assert!(String::from_utf8_lossy(&bytes).contains("versie 2"));
    assert_eq!(
        school.get_file(&format!("/documenten/{opp}/1")).await.0,
        200
    );
    assert_eq!(
        school.get_file(&format!("/documenten/{opp}/3")).await.0,
        404
    );

    // 5. Zienswijze and TLO, then submit.
    let page = school.get(&format!("/aanvragen/{request}")).await;
    let version = crate::accounts::field_value(&page.body, "versie").unwrap();
    let tlo = today().pred_opt().unwrap().format("%Y-%m-%d").to_string();
    let saved = school
        .post(
            &format!("/aanvragen/{request}"),
            &[
                ("versie", &version),
                (
                    "vraag",
                    "Sam heeft meer structuur en zorg nodig dan wij kunnen bieden.",
                ),
                ("zienswijze", "eens"),
                (
                    "zienswijze-tekst",
                    "Wij zien dat Sam vastloopt en steunen de aanvraag.",
                ),
                ("zienswijze-datum", &tlo),
                ("tlo-datum", &tlo),
                (
                    "tlo-aanwezig",
                    "moeder, intern begeleider, orthopedagoog van het samenwerkingsverband",
                ),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    // The old version is stale now.
    let stale = school
        .post(
            &format!("/aanvragen/{request}"),
            &[("versie", &version), ("vraag", "Overschreven?")],
        )
        .await;
    assert_eq!(
        stale.location,
        format!("/aanvragen/{request}?gedaan=gewijzigd")
    );
    let submitted = school
        .post(&format!("/aanvragen/{request}/indienen"), &[])
        .await;
    assert_eq!(
        submitted.location,
        format!("/aanvragen/{request}?gedaan=ingediend"),
        "{}",
        submitted.body
    );
    let due = passend_domain::tlv::TlvPolicy::default().decision_due(today());
    let mail = mail_to(&app, "toeleider@swv.nl", "Nieuwe aanvraag").await;
    assert!(!mail.contains("Jansen"), "no pupil data in mail: {mail}");

    // 6. Other schools and the beheerder cannot see anything; it is recorded as refused.
    for path in [
        format!("/leerlingen/{pupil}"),
        format!("/aanvragen/{request}"),
        format!("/documenten/{opp}/1"),
    ] {
        assert_eq!(elsewhere.get(&path).await.status, 404, "{path}");
        assert_eq!(admin.get(&path).await.status, 404, "{path}");
        assert_eq!(
            receiving.get(&path).await.status,
            404,
            "{path} before the decision"
        );
        assert_eq!(
            ortho.get(&path).await.status,
            404,
            "{path} before the advice request"
        );
    }

    // 7. The toeleider finds it in the queue and takes it.
    let queue = swv.get("/swv/aanvragen").await;
    assert!(
        queue.body.contains(&format!("/aanvragen/{request}")),
        "{}",
        queue.body
    );
    assert!(queue.body.contains("Sam Jansen-Testkind"));
    let page = swv.get(&format!("/aanvragen/{request}")).await;
    assert!(
        page.body.contains(&crate::casework::long(due)),
        "due date shown"
    );
    let taken = swv
        .post(
            &format!("/aanvragen/{request}/toewijzen"),
            &[("contact", &toeleider_id.to_string())],
        )
        .await;
    assert_eq!(
        taken.location,
        format!("/aanvragen/{request}?gedaan=toegewezen")
    );
    assert!(
        swv.get("/swv/aanvragen?contact=ik")
            .await
            .body
            .contains(&format!("/aanvragen/{request}"))
    );

    // 8. A TLO is planned; the parent is invited with who, purpose and outcomes, no pupil name.
    let date = (today() + Days::new(7)).format("%Y-%m-%d").to_string();
    let bad = swv
        .post(
            &format!("/aanvragen/{request}/overleg"),
            &[
                ("overleg-soort", "tlo"),
                ("overleg-datum", &date),
                ("overleg-tijd", "25:99"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("Vul een tijd in"));
    let planned = swv
        .post(
            &format!("/aanvragen/{request}/overleg"),
            &[
                ("overleg-soort", "tlo"),
                ("overleg-datum", &date),
                ("overleg-tijd", "14:30"),
                ("overleg-plaats", "School A, kamer van de intern begeleider"),
                (
                    "overleg-aanwezig",
                    "ouders, intern begeleider, toeleider, orthopedagoog",
                ),
                ("overleg-doel", "Bespreken of een TLV de beste weg is."),
                (
                    "overleg-uitkomsten",
                    "Een TLV-aanvraag, of extra ondersteuning op school.",
                ),
            ],
        )
        .await;
    assert_eq!(
        planned.location,
        format!("/aanvragen/{request}?gedaan=overleg"),
        "{}",
        planned.body
    );
    let invite = mail_to(&app, "ouder@example.nl", "Mogelijke uitkomsten").await;
    assert!(
        invite.contains("14:30") && invite.contains("Wie zijn er bij"),
        "{invite}"
    );
    assert!(
        !invite.contains("Jansen") && !invite.contains("Sam "),
        "{invite}"
    );

    // 9. Advice: the expert linked to the school is refused; two independent experts are asked.
    let ask = |expert: i64| {
        vec![
            ("deskundige", expert.to_string()),
            (
                "advies-datum",
                (today() + Days::new(14)).format("%Y-%m-%d").to_string(),
            ),
            (
                "advies-vraag",
                "Is Sam toelaatbaar tot het SO, en in welke categorie?".to_owned(),
            ),
        ]
    };
    let refused = swv
        .post_pairs(
            &format!("/aanvragen/{request}/adviesvraag"),
            &ask(linked_id),
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(
        refused.body.contains("niet onafhankelijk"),
        "{}",
        refused.body
    );
    for (expert, email) in [
        (ortho_id, "ortho@deskundig.nl"),
        (arts_id(&db, tenant).await, "arts@deskundig.nl"),
    ] {
        let asked = swv
            .post_pairs(&format!("/aanvragen/{request}/adviesvraag"), &ask(expert))
            .await;
        assert_eq!(
            asked.location,
            format!("/aanvragen/{request}?gedaan=adviesvraag"),
            "{}",
            asked.body
        );
        let m = mail_to(&app, email, "Adviesvraag").await;
        assert!(!m.contains("Jansen"));
    }
    let again = swv
        .post_pairs(&format!("/aanvragen/{request}/adviesvraag"), &ask(ortho_id))
        .await;
    assert!(again.body.contains("al advies gevraagd"), "{}", again.body);

    // 10. No decision without two valid advices.
    let decide_form = |start: &str| {
        vec![
            ("uitkomst", "ja".to_owned()),
            ("categorie", "midden".to_owned()),
            ("start", start.to_owned()),
            ("einde", String::new()),
            ("geen-einde", String::new()),
            ("ontvangend", so.id.to_string()),
            (
                "motivering",
                "Sam heeft een kleine groep en veel structuur nodig; het SO kan dat bieden."
                    .to_owned(),
            ),
        ]
    };
    let start = today().format("%Y-%m-%d").to_string();
    let mut form = decide_form(&start);
    let end = passend_domain::tlv::TlvPolicy::default()
        .default_end(
            passend_domain::tlv::RequestKind::TlvSo(passend_domain::tlv::Category::Midden),
            today(),
        )
        .unwrap();
    form[3].1 = end.format("%Y-%m-%d").to_string();
    let refused = swv
        .post_pairs(&format!("/aanvragen/{request}/besluit"), &form)
        .await;
    assert_eq!(refused.status, 422);
    assert!(
        refused
            .body
            .contains("Er zijn twee deskundigenadviezen nodig."),
        "{}",
        refused.body
    );

    // 11. The experts see only their own question, and give their advice.
    let list = ortho.get("/adviezen").await;
    assert!(list.body.contains("Aanvraag"), "{}", list.body);
    let advice_id = advice_of(&db, tenant, request, ortho_id).await;
    let page = ortho.get(&format!("/adviezen/{advice_id}")).await;
    assert!(page.body.contains("Is Sam toelaatbaar"));
    assert_eq!(
        ortho.get(&format!("/documenten/{opp}/2")).await.status,
        200,
        "experts read the dossier"
    );
    assert_eq!(
        arts.get(&format!("/adviezen/{advice_id}")).await.status,
        404,
        "not someone else's advice"
    );
    let no_declaration = ortho
        .post(
            &format!("/adviezen/{advice_id}"),
            &[
                ("beroep", "orthopedagoog"),
                ("conclusie", "toelaatbaar"),
                (
                    "advies",
                    "Sam heeft het SO nodig vanwege de ernst van de problematiek.",
                ),
            ],
        )
        .await;
    assert_eq!(no_declaration.status, 422);
    assert!(
        no_declaration
            .body
            .contains("Verklaar dat u onafhankelijk bent")
    );
    let given = ortho
        .post(
            &format!("/adviezen/{advice_id}"),
            &[
                ("beroep", "orthopedagoog"),
                ("conclusie", "toelaatbaar"),
                (
                    "advies",
                    "Sam heeft het SO nodig vanwege de ernst van de problematiek.",
                ),
                ("onafhankelijk", "ja"),
            ],
        )
        .await;
    assert_eq!(given.status, 303, "{}", given.body);
    // One advice is not enough.
    let refused = swv
        .post_pairs(&format!("/aanvragen/{request}/besluit"), &form)
        .await;
    assert!(
        refused
            .body
            .contains("Er zijn twee deskundigenadviezen nodig.")
    );
    let arts_advice = advice_of(&db, tenant, request, arts_id(&db, tenant).await).await;
    arts.get(&format!("/adviezen/{arts_advice}")).await;
    let given = arts
        .post(
            &format!("/adviezen/{arts_advice}"),
            &[
                ("beroep", "arts"),
                ("conclusie", "toelaatbaar"),
                (
                    "advies",
                    "Medisch gezien past een SO-school met zorg beter.",
                ),
                ("onafhankelijk", "ja"),
            ],
        )
        .await;
    assert_eq!(given.status, 303);
    // A given advice cannot be changed.
    let again = arts
        .post(
            &format!("/adviezen/{arts_advice}"),
            &[
                ("beroep", "psycholoog"),
                ("conclusie", "niet-toelaatbaar"),
                ("advies", "Toch anders, na lang nadenken."),
                ("onafhankelijk", "ja"),
            ],
        )
        .await;
    assert_eq!(again.status, 303);
    assert!(
        arts.get(&format!("/adviezen/{arts_advice}"))
            .await
            .body
            .contains("Medisch gezien")
    );

    // 12. The decision: toelaatbaar, SO midden, to the SO school.
    let decided = swv
        .post_pairs(&format!("/aanvragen/{request}/besluit"), &form)
        .await;
    assert_eq!(
        decided.location,
        format!("/aanvragen/{request}?gedaan=besluit"),
        "{}",
        decided.body
    );
    let number = format!("PO2401-{}-00001", today().year());
    let page = swv.get(&format!("/aanvragen/{request}")).await;
    assert!(page.body.contains(&number), "{}", page.body);
    assert!(page.body.contains("Toelaatbaar"));
    let decision = passend_store::casework::decision_of(&db, tenant, request)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(decision.category.as_deref(), Some("midden"));
    assert_eq!(decision.end_on, Some(end));

    // 13. The letter, downloaded by the applying school, with its text checked.
    let (status, ct, cd, pdf) = school
        .get_file(&format!("/besluiten/{}/brief.pdf", decision.id))
        .await;
    assert_eq!((status, ct.as_str()), (200, "application/pdf"));
    assert!(cd.contains(&number), "{cd}");
    let text = pdf_text(&pdf);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        number.as_str(),
        "Sam Jansen-Testkind",
        "toelaatbaar",
        "speciaal onderwijs",
        "midden",
        "een orthopedagoog en een arts",
        "bezwaar",
        "LBT",
        "Postbus 1, 1300 AA Almere",
    ] {
        assert!(flat.contains(expected), "letter lacks {expected:?}: {flat}");
    }
    let bezwaar_until = crate::casework::long(passend_domain::tlv::bezwaar_deadline(today()));
    assert!(
        flat.contains(&bezwaar_until),
        "letter lacks the bezwaar date {bezwaar_until}: {flat}"
    );

    // 14. The receiving school sees the TLV, its DUO data and the letter, not the documents.
    let list = receiving.get("/school/tlv").await;
    assert!(list.body.contains(&number), "{}", list.body);
    let (status, _, _, csv) = receiving.get_file("/school/tlv.csv").await;
    assert_eq!(status, 200);
    let csv = String::from_utf8(csv).unwrap();
    assert!(
        csv.contains(&number)
            && csv.contains("\"SO\"")
            && csv.contains("\"2\"")
            && csv.contains(&so.code),
        "{csv}"
    );
    assert_eq!(
        receiving
            .get_file(&format!("/besluiten/{}/brief.pdf", decision.id))
            .await
            .0,
        200
    );
    assert_eq!(
        receiving.get(&format!("/aanvragen/{request}")).await.status,
        200
    );
    assert_eq!(
        receiving.get_file(&format!("/documenten/{opp}/2")).await.0,
        404
    );
    assert_eq!(
        elsewhere
            .get_file(&format!("/besluiten/{}/brief.pdf", decision.id))
            .await
            .0,
        404
    );
    assert!(!elsewhere.get("/school/tlv").await.body.contains(&number));

    // 15. The register, its CSV and the expiry view.
    let register = swv.get(&format!("/swv/tlv?q={}", "jansen")).await;
    assert!(register.body.contains(&number), "{}", register.body);
    let (_, _, _, csv) = swv.get_file("/swv/tlv.csv?soort=so").await;
    assert!(String::from_utf8(csv).unwrap().contains(&number));
    assert!(!swv.get("/swv/tlv?soort=sbo").await.body.contains(&number));

    // 16. Bezwaar: registered with the 14-day LBT clock.
    swv.get(&format!("/aanvragen/{request}")).await;
    let registered = swv
        .post(
            &format!("/besluiten/{}/bezwaar", decision.id),
            &[
                ("ontvangen", &today().format("%Y-%m-%d").to_string()),
                ("door", "ouders"),
            ],
        )
        .await;
    assert_eq!(registered.status, 303, "{}", registered.body);
    let lbt = crate::casework::long(passend_domain::tlv::lbt_deadline(today()));
    let page = swv.get(&format!("/aanvragen/{request}")).await;
    assert!(
        page.body.contains(&format!("Naar de LBT uiterlijk {lbt}")),
        "{}",
        page.body
    );
    assert!(swv.get("/swv/tlv").await.body.contains("Lopende bezwaren"));

    // 17. The timeline tells the story; the audit trail has the reads with the pupil.
    for step in [
        "Aanvraag aangemaakt",
        "Ingediend",
        "Contactpersoon",
        "Overleg gepland",
        "Deskundigenadvies gevraagd",
        "Deskundigenadvies gegeven",
        "Besluit: toelaatbaar tot het SO, categorie midden",
        "Bezwaar ontvangen",
    ] {
        assert!(page.body.contains(step), "timeline lacks {step}");
    }
    let events = passend_store::audit::search(
        &db,
        tenant,
        &Filter {
            pupil_id: Some(pupil),
            ..Default::default()
        },
        10_000,
    )
    .await
    .unwrap();
    for (action, object) in [
        ("read", "leerling"),
        ("read", "aanvraag"),
        ("download", "document"),
        ("download", "besluit"),
        ("create", "aanvraag"),
    ] {
        assert!(
            events
                .iter()
                .any(|e| e.action == action && e.object_type == object),
            "no {action} {object} in the audit trail"
        );
    }
    let denied = passend_store::audit::search(
        &db,
        tenant,
        &Filter {
            outcome: Some("denied".to_owned()),
            ..Default::default()
        },
        10_000,
    )
    .await
    .unwrap();
    assert!(
        denied.iter().any(|e| e.object_type == "leerling"),
        "refusals recorded"
    );

    // 18. No mail of the whole journey names the pupil.
    for entry in std::fs::read_dir(&app.config.mail_dir).unwrap().flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        assert!(
            !text.contains("Jansen-Testkind"),
            "pupil name in a mail: {text}"
        );
    }
    app.stop().await;
}

async fn arts_id(db: &passend_store::Db, tenant: i64) -> i64 {
    passend_store::accounts::user_by_email(db, tenant, "arts@deskundig.nl")
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn advice_of(db: &passend_store::Db, tenant: i64, request: i64, expert: i64) -> i64 {
    passend_store::casework::advices_for_expert(db, tenant, expert)
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.request_id == request)
        .unwrap()
        .id
}

/// "13 april 2026", as the pages write dates.
pub fn long(d: chrono::NaiveDate) -> String {
    const MONTHS: [&str; 12] = [
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
    ];
    format!("{} {} {}", d.day(), MONTHS[d.month0() as usize], d.year())
}
