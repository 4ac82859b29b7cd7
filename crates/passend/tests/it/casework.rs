//! Casework through HTTP: a school makes a pupil and a TLV SO request, fills it in (documents
//! checked by their content, the zienswijze, the TLO), submits it; a toeleider takes it, plans the
//! TLO, asks two experts; the decision is refused until the advices meet the law; the decision
//! gives a beschikkingsnummer and a PDF letter whose text is checked; the receiving school sees
//! the TLV and its DUO data; bezwaar starts the LBT clock. Along the way: who may see what, the
//! audit trail, the timeline, and mails without pupil data.

use crate::support::*;
use chrono::{Datelike, Days, Utc};
use passend_domain::accounts::Role;
use passend_store::audit::Filter;

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

    let (_, mut school) = school_user(&app, tenant, "ib@school-a.nl", school_a.id).await;
    let (_, mut elsewhere) = school_user(&app, tenant, "ib@school-b.nl", school_b.id).await;
    let (_, mut receiving) = school_user(&app, tenant, "ib@so-school.nl", so.id).await;
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
    // The school corrects the groep (and keeps the rest).
    let form = school.get(&format!("/leerlingen/{pupil}/bewerken")).await;
    assert!(form.body.contains("value=\"Ouder Testpersoon\""));
    let mut corrected = pupil_form.clone();
    corrected[4].1 = "6".to_owned();
    corrected[2].1 = String::new();
    let bad = school
        .post_pairs(&format!("/leerlingen/{pupil}/bewerken"), &corrected)
        .await;
    assert_eq!(bad.status, 422);
    corrected[2].1 = "Jansen-Testkind".to_owned();
    let saved = school
        .post_pairs(&format!("/leerlingen/{pupil}/bewerken"), &corrected)
        .await;
    assert_eq!(
        saved.location,
        format!("/leerlingen/{pupil}?gedaan=gewijzigd")
    );
    let p = passend_store::casework::pupil(&db, tenant, pupil)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (p.groep.as_str(), p.family_name.as_str()),
        ("6", "Jansen-Testkind")
    );
    assert_eq!(
        passend_store::casework::guardians(&db, pupil)
            .await
            .unwrap()
            .len(),
        1
    );
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
    // Too large: at the field just above 20 MiB, an error page far above it.
    let mut big = b"%PDF-1.4\n".to_vec();
    big.resize(20 * 1024 * 1024 + 1, b'x');
    let too_big = school
        .post_file(
            &upload,
            &[("soort", "opp"), ("titel", "Groot")],
            "groot.pdf",
            &big,
        )
        .await;
    assert_eq!(too_big.status, 422);
    assert!(
        too_big
            .body
            .contains("Het bestand is te groot: hooguit 20 MB.")
    );
    big.resize(22 * 1024 * 1024, b'x');
    let far_too_big = school
        .post_file(
            &upload,
            &[("soort", "opp"), ("titel", "Groot")],
            "groot.pdf",
            &big,
        )
        .await;
    assert_eq!(far_too_big.status, 413);
    assert!(
        far_too_big.body.contains("hooguit 20 MB"),
        "{}",
        far_too_big.body
    );
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

    // A concept is the school's own: the toeleider does not see it, nor the pupil, yet.
    assert_eq!(swv.get(&format!("/aanvragen/{request}")).await.status, 404);
    assert_eq!(swv.get(&format!("/leerlingen/{pupil}")).await.status, 404);

    // 5. Zienswijze and TLO, then submit.
    let page = school.get(&format!("/aanvragen/{request}")).await;
    let version = crate::support::field_value(&page.body, "versie").unwrap();
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
    // The school's page says the samenwerkingsverband is at work and offers no form of its own
    // but withdrawing (behind "Andere acties").
    let page = school.get(&format!("/aanvragen/{request}")).await;
    assert_eq!(
        next_title(&page.body),
        "Het samenwerkingsverband is aan zet"
    );
    assert_eq!(now_forms(&page.body, request), Vec::<String>::new());
    assert_eq!(forms_of(&page.body, request), ["intrekken"]);
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
        page.body.contains(&crate::support::long(due)),
        "due date shown"
    );
    // The school sees on the dossier who at the samenwerkingsverband opened it, by name.
    let dossier = school.get(&format!("/leerlingen/{pupil}")).await;
    assert!(
        dossier
            .body
            .contains("<td class=\"utrecht-table__cell\">Test Persoon (samenwerkingsverband)</td><td class=\"utrecht-table__cell\">bekeken: aanvraag</td>"),
        "{}",
        dossier.body
    );
    // The request as steps: taking it is what is needed now; no advice or decision yet.
    assert_eq!(next_title(&page.body), "Neem de aanvraag in behandeling");
    assert_eq!(now_forms(&page.body, request), ["toewijzen"]);
    assert_eq!(
        forms_of(&page.body, request),
        ["toewijzen", "overleg", "opschorten", "intrekken"]
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
    // The form with its message opens under "Andere acties", the input kept.
    assert!(
        bad.body
            .contains("<details class=\"passend-details\" open><summary>Overleg plannen"),
        "{}",
        bad.body
    );
    // After taking it, asking the experts is what is needed now.
    let page = swv.get(&format!("/aanvragen/{request}")).await;
    assert_eq!(next_title(&page.body), "Vraag advies aan deskundigen");
    assert_eq!(now_forms(&page.body, request), ["adviesvraag"]);
    assert!(!forms_of(&page.body, request).contains(&"besluit".to_owned()));
    let planned = swv
        .post(
            &format!("/aanvragen/{request}/overleg"),
            &[
                ("overleg-soort", "tlo"),
                ("overleg-datum", &date),
                ("overleg-tijd", "14:30"),
                ("overleg-plaats", "School A, kamer van de intern begeleider"),
                ("aanwezig", "ouders"),
                ("aanwezig", "ib"),
                ("aanwezig", "toeleider"),
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
    // The weekday and the time in words, as people say them.
    let weekday = passend_web::texts::public::ui(passend_domain::Lang::Nl).weekdays
        [(today() + Days::new(7)).weekday().num_days_from_monday() as usize];
    assert!(
        invite.contains(&format!("Wanneer: {weekday} "))
            && invite.contains(", 14.30 uur")
            && invite.contains("Wie zijn er bij"),
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

    // 10. No decision without two valid advices: the page says plainly what is missing and
    // offers no decision form; a decision posted anyway is refused, its input kept.
    let page = swv.get(&format!("/aanvragen/{request}")).await;
    assert_eq!(next_title(&page.body), "Wacht op de deskundigenadviezen");
    assert!(
        page.body.contains(
            "2 gevraagd, 0 gegeven. Nog geen besluit mogelijk: er zijn twee deskundigenadviezen nodig."
        ),
        "{}",
        page.body
    );
    assert_eq!(now_forms(&page.body, request), Vec::<String>::new());
    assert!(!forms_of(&page.body, request).contains(&"besluit".to_owned()));
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
    assert!(
        forms_of(&refused.body, request).contains(&"besluit".to_owned())
            && refused.body.contains("het SO kan dat bieden."),
        "the refused decision keeps its form and input"
    );

    // 11. The experts see only their own question, and give their advice.
    let list = ortho.get("/adviezen").await;
    assert!(
        list.body
            .contains("TLV speciaal onderwijs (SO), categorie midden")
            && list.body.contains("Sam Jansen-Testkind"),
        "{}",
        list.body
    );
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

    // 12. The advices allow it: the decision is what is needed now, its form below the advices.
    let page = swv.get(&format!("/aanvragen/{request}")).await;
    assert_eq!(next_title(&page.body), "Neem het besluit");
    let advices_at = page.body.find(">Deskundigenadviezen</h2>").unwrap();
    let form_at = page
        .body
        .find(&format!("action=\"/aanvragen/{request}/besluit\""))
        .unwrap();
    assert!(
        advices_at < form_at,
        "the decision form follows the advices"
    );
    // The decision: toelaatbaar, SO midden, to the SO school.
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

    // The parents hear of it, without any detail.
    let to_parent = mail_to(
        &app,
        "ouder@example.nl",
        "besluit genomen over de aanvraag voor uw kind",
    )
    .await;
    assert!(
        !to_parent.contains("Jansen") && !to_parent.contains("toelaatbaar"),
        "{to_parent}"
    );

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
        so.name.as_str(),
    ] {
        assert!(flat.contains(expected), "letter lacks {expected:?}: {flat}");
    }
    // Not sent yet: the letter names the term without a date (Awb 3:41, 6:8), and the request
    // page says the term starts with the sending.
    assert!(
        flat.contains("binnen zes weken na de dag waarop deze brief aan u is verzonden"),
        "{flat}"
    );
    assert!(!flat.contains("uiterlijk op"), "{flat}");
    assert!(
        flat.contains("Concept: deze brief is nog niet verzonden"),
        "{flat}"
    );
    // Nor does the receiving school know of it yet: the decision is made known by its letter.
    assert!(!receiving.get("/school/tlv").await.body.contains(&number));
    assert_eq!(
        receiving.get(&format!("/aanvragen/{request}")).await.status,
        404
    );
    assert_eq!(
        receiving
            .get_file(&format!("/besluiten/{}/brief.pdf", decision.id))
            .await
            .0,
        404
    );
    let page = swv.get(&format!("/aanvragen/{request}")).await;
    assert!(page.body.contains("nog niet verzonden"), "{}", page.body);
    // A decided request keeps no form of its finished steps; what is left is the letter.
    assert_eq!(
        next_title(&page.body),
        "Leg de verzending van de brief vast"
    );
    assert!(
        forms_of(&page.body, request).is_empty(),
        "{:?}",
        forms_of(&page.body, request)
    );
    assert!(
        page.body
            .contains("de termijn begint als de brief is verzonden")
    );
    // 13b. Toeleiding records the sending; the letter as sent names the day and the last day.
    let form_page = swv
        .get(&format!("/besluiten/{}/verzending", decision.id))
        .await;
    assert_eq!(form_page.status, 200, "{}", form_page.body);
    let future = (today() + chrono::Days::new(2))
        .format("%Y-%m-%d")
        .to_string();
    let refused = swv
        .post_pairs(
            &format!("/besluiten/{}/verzending", decision.id),
            &[
                ("verzonden-op", future.clone()),
                ("wijze", "post".to_owned()),
            ],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(
        refused.body.contains("kan niet in de toekomst liggen"),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains(&format!("value=\"{future}\"")),
        "the input is kept"
    );
    send_letter_today(&mut swv, decision.id, "post").await;
    let (_, _, _, pdf) = school
        .get_file(&format!("/besluiten/{}/brief.pdf", decision.id))
        .await;
    let flat = pdf_text(&pdf)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let bezwaar_until = crate::support::long(passend_domain::tlv::bezwaar_deadline(today()));
    assert!(
        flat.contains(&bezwaar_until),
        "letter lacks the bezwaar date {bezwaar_until}: {flat}"
    );
    assert!(
        flat.contains(&format!("Verzonden: {}", crate::support::long(today()))),
        "{flat}"
    );
    assert!(!flat.contains("Concept"), "{flat}");
    let page = swv.get(&format!("/aanvragen/{request}")).await;
    assert!(page.body.contains(&bezwaar_until), "{}", page.body);
    // Now the receiving school hears of it, without the pupil's name.
    let to_receiving = mail_to(&app, "ib@so-school.nl", "toelaatbaarheidsverklaring").await;
    assert!(!to_receiving.contains("Jansen"), "{to_receiving}");

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

    // A later request for the same pupil is not the receiving school's business, nor are the
    // parents' contact details.
    school
        .get(&format!("/leerlingen/{pupil}/aanvragen/nieuw"))
        .await;
    let later = school
        .post(
            &format!("/leerlingen/{pupil}/aanvragen/nieuw"),
            &[
                ("soort", "advies"),
                ("vraag", "Een vraag over de overstap."),
            ],
        )
        .await;
    let later = id_after(&later.location, "/aanvragen/");
    assert_eq!(
        receiving.get(&format!("/aanvragen/{later}")).await.status,
        404
    );
    let seen_by_receiving = receiving.get(&format!("/leerlingen/{pupil}")).await;
    assert_eq!(seen_by_receiving.status, 200);
    assert!(
        !seen_by_receiving
            .body
            .contains(&format!("/aanvragen/{later}"))
    );
    assert!(!seen_by_receiving.body.contains("ouder@example.nl"));
    assert!(
        !ortho
            .get(&format!("/leerlingen/{pupil}"))
            .await
            .body
            .contains("ouder@example.nl")
    );
    // After the decision the school reads the advices it rests on.
    assert!(
        school
            .get(&format!("/aanvragen/{request}"))
            .await
            .body
            .contains("Medisch gezien")
    );

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
    let lbt = crate::support::long(passend_domain::tlv::lbt_deadline(today()));
    let page = swv.get(&format!("/aanvragen/{request}")).await;
    assert!(
        page.body.contains(&format!("Naar de LBT uiterlijk {lbt}")),
        "{}",
        page.body
    );
    assert!(swv.get("/swv/tlv").await.body.contains("Lopende bezwaren"));
    // An outcome, once recorded, stays.
    let bezwaar = passend_store::casework::bezwaren(&db, decision.id)
        .await
        .unwrap()[0]
        .id;
    // The LBT's advice is recorded once (the beslissing op bezwaar itself: tests/it/bezwaar.rs).
    let on = today().format("%Y-%m-%d").to_string();
    for advice in ["ongegrond", "gegrond"] {
        swv.post(
            &format!("/bezwaren/{bezwaar}"),
            &[
                ("aanvraag", request.to_string().as_str()),
                ("lbt-advies", advice),
                ("lbt-advies-op", &on),
            ],
        )
        .await;
    }
    let b = &passend_store::casework::bezwaren(&db, decision.id)
        .await
        .unwrap()[0];
    assert_eq!(b.lbt_advice.as_deref(), Some("ongegrond"));
    assert_eq!(b.outcome, None);

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
        ("search", "leerling"),
        ("search", "aanvraag"),
        ("search", "tlv-register"),
        ("export", "tlv-register"),
        ("export", "tlv-duo"),
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

    // The chain holds, with the lists' batches in it.
    let verified = passend_store::audit::verify(&db).await.unwrap();
    assert_eq!(verified.problem, None);
    assert!(verified.checked > 50, "{}", verified.checked);

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

/// The title of the request page's "Nu nodig" part.
fn next_title(body: &str) -> String {
    let marker = "id=\"nu-kop\">Nu nodig: ";
    let start = body.find(marker).expect("a next step") + marker.len();
    body[start..][..body[start..].find("</h2>").unwrap()].to_owned()
}

/// What the request's forms do (the last part of their action), in page order.
fn forms_of(body: &str, request: i64) -> Vec<String> {
    let prefix = format!("<form method=\"post\" action=\"/aanvragen/{request}/");
    body.match_indices(&prefix)
        .map(|(at, _)| {
            let rest = &body[at + prefix.len()..];
            rest[..rest.find('"').unwrap()].to_owned()
        })
        .collect()
}

/// The forms in the "Nu nodig" part: what the moment asks.
fn now_forms(body: &str, request: i64) -> Vec<String> {
    let Some(start) = body.find("id=\"nu\">") else {
        return Vec::new();
    };
    let part = &body[start..];
    forms_of(&part[..part.find("</section>").unwrap()], request)
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

// ---------------------------------------------------------------------------------------------
// Who may see and do what: every casework route × every kind of visitor × own school, other
// school and other samenwerkingsverband.

#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Anonymous,
    OtherTenant,
    SchoolA,
    Receiving,
    Toeleider,
    ExpertAsked,
    ExpertOther,
    Beheerder,
    Ouderadviseur,
    Ouder,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Set {
    /// No object (lists, new forms).
    None,
    /// School A's pupil, with a decided TLV for the SO school.
    A,
    /// School B's pupil.
    B,
    /// A pupil of another samenwerkingsverband.
    O,
    /// School A's pupil with a submitted request (an expert asked) and a new concept request
    /// with a document: the concept and its document are the school's own.
    C,
    /// School A's pupil whose expert gave the advice five weeks ago: the expert's access ended.
    E,
    /// School A's pupil with a decided request, the expert's advice given yesterday, and a
    /// document added after it: not for the expert.
    D,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Obj {
    None,
    Pupil,
    Request,
    Document,
    Decision,
    Advice,
    Bezwaar,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Seen {
    Answered,
    SignIn,
    NotFound,
}

const SCHOOL: &[Who] = &[Who::SchoolA];
const READERS: &[Who] = &[Who::SchoolA, Who::Toeleider, Who::ExpertAsked];
const WRITERS: &[Who] = &[Who::SchoolA, Who::Toeleider];
const SWV: &[Who] = &[Who::Toeleider];
const EXPERT: &[Who] = &[Who::ExpertAsked];

/// (method, path, object, who gets an answer for school A's objects, and whether the receiving
/// school does too). For school B's objects only the toeleider gets one; for another
/// samenwerkingsverband's, nobody.
#[rustfmt::skip]
const ROUTES: &[(&str, &str, Obj, &[Who], bool)] = &[
    ("GET", "/leerlingen", Obj::None, SCHOOL, true),
    ("GET", "/leerlingen/nieuw", Obj::None, SCHOOL, true),
    ("POST", "/leerlingen/nieuw", Obj::None, SCHOOL, true),
    ("GET", "/leerlingen/{id}", Obj::Pupil, READERS, true),
    ("GET", "/leerlingen/{id}/bewerken", Obj::Pupil, SCHOOL, false),
    ("POST", "/leerlingen/{id}/bewerken", Obj::Pupil, SCHOOL, false),
    ("POST", "/leerlingen/{id}/documenten", Obj::Pupil, WRITERS, false),
    ("GET", "/documenten/{id}/1", Obj::Document, READERS, false),
    ("GET", "/leerlingen/{id}/aanvragen/nieuw", Obj::Pupil, SCHOOL, false),
    ("POST", "/leerlingen/{id}/aanvragen/nieuw", Obj::Pupil, SCHOOL, false),
    ("GET", "/aanvragen/{id}", Obj::Request, READERS, true),
    ("POST", "/aanvragen/{id}", Obj::Request, SCHOOL, false),
    ("POST", "/aanvragen/{id}/indienen", Obj::Request, SCHOOL, false),
    ("POST", "/aanvragen/{id}/intrekken", Obj::Request, WRITERS, false),
    ("POST", "/aanvragen/{id}/toewijzen", Obj::Request, SWV, false),
    ("POST", "/aanvragen/{id}/overleg", Obj::Request, SWV, false),
    ("POST", "/aanvragen/{id}/opschorten", Obj::Request, SWV, false),
    ("POST", "/aanvragen/{id}/adviesvraag", Obj::Request, SWV, false),
    ("POST", "/aanvragen/{id}/besluit", Obj::Request, SWV, false),
    ("GET", "/besluiten/{id}/brief.pdf", Obj::Decision, WRITERS, true),
    ("GET", "/adviezen", Obj::None, EXPERT, false),
    ("GET", "/adviezen/{id}", Obj::Advice, EXPERT, false),
    ("POST", "/adviezen/{id}", Obj::Advice, EXPERT, false),
    ("POST", "/adviezen/{id}/teruggeven", Obj::Advice, EXPERT, false),
    ("GET", "/swv/aanvragen", Obj::None, SWV, false),
    ("GET", "/swv/tlv", Obj::None, SWV, false),
    ("GET", "/swv/tlv.csv", Obj::None, SWV, false),
    ("POST", "/besluiten/{id}/bezwaar", Obj::Decision, SWV, false),
    ("POST", "/bezwaren/{id}", Obj::Bezwaar, SWV, false),
    ("GET", "/school/tlv", Obj::None, SCHOOL, true),
    ("GET", "/school/tlv.csv", Obj::None, SCHOOL, true),
];

fn expect(who: Who, set: Set, answered_by: &[Who], receiving: bool, obj: Obj) -> Seen {
    // Role-level: what the policy table lets each role use.
    let school_role = matches!(who, Who::SchoolA | Who::Receiving);
    let role_allowed = answered_by.iter().any(|w| match w {
        Who::SchoolA => school_role,
        Who::ExpertAsked => matches!(who, Who::ExpertAsked | Who::ExpertOther),
        other => *other == who,
    });
    match who {
        Who::Anonymous | Who::OtherTenant => return Seen::SignIn,
        _ if !role_allowed => return Seen::NotFound,
        _ => {}
    }
    let answered = match (set, who) {
        (Set::None, _) => true,
        (Set::O, _) => false,
        // Each object's own life cycle.
        (Set::C | Set::E | Set::D, Who::SchoolA) => true,
        (Set::C, Who::Toeleider) => !matches!(obj, Obj::Request | Obj::Document),
        (Set::C, Who::ExpertAsked) => matches!(obj, Obj::Pupil | Obj::Advice),
        (Set::E, Who::Toeleider) => true,
        (Set::E, Who::ExpertAsked) => false,
        (Set::D, Who::Toeleider) => true,
        (Set::D, Who::ExpertAsked) => obj != Obj::Document,
        (Set::C | Set::E | Set::D, _) => false,
        (_, Who::Toeleider) => true,
        (Set::A, Who::SchoolA) => true,
        (Set::A, Who::Receiving) => receiving,
        (Set::A, Who::ExpertAsked) => true,
        _ => false,
    };
    if answered {
        Seen::Answered
    } else {
        Seen::NotFound
    }
}

fn seen(status: u16, guard: &str) -> Seen {
    match (status, guard) {
        (404, _) => Seen::NotFound,
        (_, "sign-in") => Seen::SignIn,
        (200..=299 | 303 | 409 | 422, _) => Seen::Answered,
        (s, g) => panic!("unexpected status {s} ({g})"),
    }
}

/// The objects of one pupil, made directly in the store.
struct Objects {
    pupil: i64,
    request: i64,
    document: i64,
    decision: Option<i64>,
    advice: Option<i64>,
    bezwaar: Option<i64>,
}

#[allow(clippy::too_many_arguments)]
async fn objects(
    db: &passend_store::Db,
    tenant: i64,
    location: i64,
    school_user: i64,
    toeleider: i64,
    expert: Option<i64>,
    receiving: Option<i64>,
    decide: bool,
) -> Objects {
    use passend_store::casework::{self as cw, NewDecision, Step, StoredFile};
    let school = as_user(tenant, school_user, "schoolmedewerker");
    let swv = as_user(tenant, toeleider, "toeleider");
    let kind = if decide { "tlv-so-laag" } else { "advies" };
    let (pupil, request) = concept(db, &school, location, kind).await;
    let (document, _) = cw::add_document_version(
        db,
        &school,
        pupil,
        Some(request),
        None,
        "groeidocument",
        "Groeidocument",
        &StoredFile {
            storage_key: format!("documenten/matrix/{pupil}.pdf"),
            file_name: "g.pdf".to_owned(),
            content_type: "application/pdf".to_owned(),
            size_bytes: 10,
            sha256: "0".repeat(64),
        },
        &[],
    )
    .await
    .unwrap()
    .unwrap();
    let mut out = Objects {
        pupil,
        request,
        document,
        decision: None,
        advice: None,
        bezwaar: None,
    };
    let r = || async { cw::request(db, tenant, request).await.unwrap().unwrap() };
    if !decide {
        // Submitted, so the toeleider may see it (a concept is the school's own).
        let submit = Step {
            from: "concept",
            to: "ingediend",
            what: "stap",
            action: "update",
            received: Some((today(), today())),
            ..Step::default()
        };
        cw::step(db, &school, &r().await, &submit).await.unwrap();
        return out;
    }
    for (from, to) in [("concept", "ingediend"), ("ingediend", "in-behandeling")] {
        cw::step(
            db,
            &swv,
            &r().await,
            &Step {
                from,
                to,
                what: "stap",
                action: "update",
                received: Some((today(), today())),
                contact_id: Some(toeleider),
                notices: vec![],
            },
        )
        .await
        .unwrap();
    }
    if let Some(e) = expert {
        cw::ask_advice(
            db,
            &swv,
            &r().await,
            e,
            today(),
            "Vraag",
            "advies gevraagd",
            &[],
        )
        .await
        .unwrap();
        out.advice = Some(cw::advices_of(db, request).await.unwrap()[0].id);
    }
    let new = NewDecision {
        receiving_location_id: receiving,
        swv_code: format!("PO{tenant:04}"),
        ..granted("so", Some("laag"))
    };
    let decision = decide_in_store(db, &swv, request, None, &new).await;
    out.decision = Some(decision);
    // Sent: only a decision made known reaches the receiving school.
    assert!(
        passend_store::bezwaar::record_sent(
            db,
            &swv,
            &r().await,
            passend_store::bezwaar::Letter::Decision(decision),
            today(),
            "post",
            "Besluitbrief verzonden",
            &[],
        )
        .await
        .unwrap()
    );
    out.bezwaar = Some(
        cw::add_bezwaar(
            db,
            &swv,
            &r().await,
            decision,
            today(),
            "ouders",
            "",
            "bezwaar",
        )
        .await
        .unwrap(),
    );
    out
}

#[tokio::test]
async fn casework_authorization_matrix() {
    let app = TestApp::spawn().await;
    let db = app.server().db.clone();
    let tenant = tenant_id(&app).await;
    let other = passend_store::tenants::ensure(&db, "PO9999", "Ander samenwerkingsverband")
        .await
        .unwrap()
        .id;
    let bo = two_primary_schools(&db).await;
    let so = passend_store::locations::location_choices(&db)
        .await
        .unwrap()
        .into_iter()
        .find(|l| matches!(l.school_type.as_str(), "so" | "so-vso"))
        .unwrap();
    let mut visitors: Vec<(Who, Browser)> = vec![(Who::Anonymous, Browser::new(&app))];
    let (school_a, b) = school_user(&app, tenant, "a@school.nl", bo[0].id).await;
    visitors.push((Who::SchoolA, b));
    let (school_b, _) = school_user(&app, tenant, "b@school.nl", bo[1].id).await;
    let (_, b) = school_user(&app, tenant, "so@school.nl", so.id).await;
    visitors.push((Who::Receiving, b));
    let (toeleider, b) = user(&app, tenant, "t@swv.nl", Role::Toeleider, &[]).await;
    visitors.push((Who::Toeleider, b));
    let (expert, b) = user(&app, tenant, "e1@swv.nl", Role::Deskundige, &[]).await;
    visitors.push((Who::ExpertAsked, b));
    let (_, b) = user(&app, tenant, "e2@swv.nl", Role::Deskundige, &[]).await;
    visitors.push((Who::ExpertOther, b));
    for (who, email, role) in [
        (Who::Beheerder, "beheer@swv.nl", Role::Beheerder),
        (Who::Ouderadviseur, "oa@swv.nl", Role::Ouderadviseur),
        (Who::Ouder, "ouder@x.nl", Role::Ouder),
    ] {
        let (_, b) = user(&app, tenant, email, role, &[]).await;
        visitors.push((who, b));
    }
    let (foreign_school, _) = school_user(&app, other, "a@ander.nl", bo[0].id).await;
    let (foreign_toeleider, b) = user(&app, other, "t@ander.nl", Role::Toeleider, &[]).await;
    visitors.push((Who::OtherTenant, b));
    let (foreign_expert, _) = user(&app, other, "e@ander.nl", Role::Deskundige, &[]).await;

    let a = objects(
        &db,
        tenant,
        bo[0].id,
        school_a,
        toeleider,
        Some(expert),
        Some(so.id),
        true,
    )
    .await;
    let b_set = objects(
        &db, tenant, bo[1].id, school_b, toeleider, None, None, false,
    )
    .await;
    let o = objects(
        &db,
        other,
        bo[0].id,
        foreign_school,
        foreign_toeleider,
        Some(foreign_expert),
        None,
        true,
    )
    .await;
    let lifecycle = lifecycle_objects(&db, tenant, bo[0].id, school_a, toeleider, expert).await;
    // The fixtures' files, where the server's object store looks for them.
    for key in passend_store::maintenance::file_refs(&db).await.unwrap() {
        let file = app.config.documents_dir.join(&key.key);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, tiny_pdf("matrix")).unwrap();
    }

    let mut cases = 0;
    let mut failures = Vec::new();
    for (who, browser) in &mut visitors {
        for (method, template, obj, answered_by, receiving) in ROUTES {
            let sets: &[Set] = match obj {
                Obj::None => &[Set::None],
                Obj::Pupil | Obj::Request | Obj::Document => {
                    &[Set::A, Set::B, Set::O, Set::C, Set::E, Set::D]
                }
                Obj::Advice => &[Set::A, Set::O, Set::C, Set::E, Set::D],
                _ => &[Set::A, Set::O],
            };
            for set in sets {
                let objs = match set {
                    Set::A | Set::None => &a,
                    Set::B => &b_set,
                    Set::O => &o,
                    Set::C => &lifecycle[0],
                    Set::E => &lifecycle[1],
                    Set::D => &lifecycle[2],
                };
                let id = match obj {
                    Obj::None => 0,
                    Obj::Pupil => objs.pupil,
                    Obj::Request => objs.request,
                    Obj::Document => objs.document,
                    Obj::Decision => objs.decision.unwrap(),
                    Obj::Advice => objs.advice.unwrap(),
                    Obj::Bezwaar => objs.bezwaar.unwrap(),
                };
                let path = template.replace("{id}", &id.to_string());
                if *method == "POST" {
                    browser.get("/inloggen").await;
                }
                let (status, guard) = if *method == "GET" {
                    if path.ends_with(".pdf")
                        || path.ends_with(".csv")
                        || path.starts_with("/documenten/")
                    {
                        let (s, _, _, _) = browser.get_file(&path).await;
                        (
                            s,
                            if s == 303 {
                                "sign-in".to_owned()
                            } else {
                                String::new()
                            },
                        )
                    } else {
                        let p = browser.get(&path).await;
                        (p.status, p.guard)
                    }
                } else if path.ends_with("/documenten") {
                    let p = browser
                        .post_file(&path, &[("soort", "groeidocument")], "leeg.pdf", b"")
                        .await;
                    (p.status, p.guard)
                } else if path.starts_with("/bezwaren/") {
                    let p = browser
                        .post(&path, &[("aanvraag", &objs.request.to_string())])
                        .await;
                    (p.status, p.guard)
                } else {
                    let p = browser.post(&path, &[]).await;
                    (p.status, p.guard)
                };
                let want = expect(*who, *set, answered_by, *receiving, *obj);
                if status >= 500 || status == 400 {
                    failures.push(format!(
                        "{method} {path} as {who:?} ({set:?}): status {status}"
                    ));
                    continue;
                }
                let got = seen(status, &guard);
                cases += 1;
                if want != got {
                    failures.push(format!("{method} {path} as {who:?} ({set:?}): expected {want:?}, got {got:?} ({status})"));
                }
            }
        }
    }
    println!(
        "casework authorization matrix ({:?}): {cases} cases",
        crate::support::backend()
    );
    assert!(cases >= 500, "only {cases} cases");
    assert!(
        failures.is_empty(),
        "{} of {cases} cases wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // Nothing changed: the decided request is still decided, the concept still a concept.
    let r = passend_store::casework::request(&db, tenant, a.request)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(r.status, "toegekend");
    let r = passend_store::casework::request(&db, tenant, b_set.request)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(r.status, "ingediend");
    app.stop().await;
}

/// A document of a pupil, made directly in the store; returns its id.
async fn fixture_document(
    db: &passend_store::Db,
    by: &passend_store::casework::Actor<'_>,
    pupil: i64,
    request: Option<i64>,
    title: &str,
) -> i64 {
    use passend_store::casework::{self as cw, StoredFile};
    cw::add_document_version(
        db,
        by,
        pupil,
        request,
        None,
        "verslag",
        title,
        &StoredFile {
            storage_key: format!("documenten/matrix/{}.pdf", uuid::Uuid::new_v4().simple()),
            file_name: "m.pdf".to_owned(),
            content_type: "application/pdf".to_owned(),
            size_bytes: 10,
            sha256: "0".repeat(64),
        },
        &[],
    )
    .await
    .unwrap()
    .unwrap()
    .0
}

/// Moves an advice's giving into the past.
async fn advice_given_ago(db: &passend_store::Db, advice: i64, days: i64) {
    use passend_store::on_db;
    let at = Utc::now() - chrono::Duration::days(days);
    on_db!(db, pool => sqlx::query("UPDATE advices SET submitted_at = $1 WHERE id = $2")
        .bind(at)
        .bind(advice)
        .execute(pool)
        .await
        .map(|_| ())
        .unwrap());
}

/// The objects of sets C, E and D of the matrix (see [`Set`]).
async fn lifecycle_objects(
    db: &passend_store::Db,
    tenant: i64,
    location: i64,
    school_user: i64,
    toeleider: i64,
    expert: i64,
) -> [Objects; 3] {
    use passend_store::casework::{self as cw, NewRequest};
    let school = as_user(tenant, school_user, "schoolmedewerker");
    let swv = as_user(tenant, toeleider, "toeleider");
    let me = as_user(tenant, expert, "deskundige");
    let ask = |request: i64| async move {
        let r = cw::request(db, tenant, request).await.unwrap().unwrap();
        cw::ask_advice(db, &swv, &r, expert, today(), "Vraag", "gevraagd", &[])
            .await
            .unwrap();
        cw::advices_of(db, request).await.unwrap()[0].id
    };
    let give = |request: i64, advice: i64| async move {
        let r = cw::request(db, tenant, request).await.unwrap().unwrap();
        let given = cw::give_advice(
            db,
            &me,
            &r,
            advice,
            "orthopedagoog",
            "toelaatbaar",
            "Een eigen advies.",
            &[],
        )
        .await
        .unwrap();
        assert_eq!(given, cw::Given::Done);
    };
    // C: a submitted request (the expert asked) and a new concept with a document.
    let (pupil_c, submitted_c) =
        submitted(db, tenant, location, school_user, toeleider, "tlv-sbo").await;
    let advice_c = ask(submitted_c).await;
    // A TLV concept: the matrix's empty "submit" cannot submit it (it lacks what a TLV needs).
    let concept_c = cw::create_request(
        db,
        &school,
        &NewRequest {
            pupil_id: pupil_c,
            location_id: location,
            kind: "tlv-so-laag".to_owned(),
            question: "Nog een vraag".to_owned(),
        },
    )
    .await
    .unwrap();
    let doc_c = fixture_document(db, &school, pupil_c, Some(concept_c), "Concept").await;
    // E: the expert gave the advice five weeks ago.
    let (pupil_e, request_e) =
        submitted(db, tenant, location, school_user, toeleider, "tlv-sbo").await;
    let doc_e = fixture_document(db, &school, pupil_e, Some(request_e), "Eerder").await;
    let advice_e = ask(request_e).await;
    give(request_e, advice_e).await;
    advice_given_ago(db, advice_e, 35).await;
    // D: decided; the advice given yesterday; a document added today.
    let (pupil_d, request_d) =
        submitted(db, tenant, location, school_user, toeleider, "tlv-sbo").await;
    let advice_d = ask(request_d).await;
    give(request_d, advice_d).await;
    advice_given_ago(db, advice_d, 1).await;
    let refusal = cw::NewDecision {
        granted: false,
        placement: None,
        start_on: None,
        status: "afgewezen".to_owned(),
        ..granted("sbo", None)
    };
    let decision_d = decide_in_store(db, &swv, request_d, None, &refusal).await;
    let doc_d = fixture_document(db, &school, pupil_d, Some(request_d), "Later").await;
    [
        Objects {
            pupil: pupil_c,
            request: concept_c,
            document: doc_c,
            decision: None,
            advice: Some(advice_c),
            bezwaar: None,
        },
        Objects {
            pupil: pupil_e,
            request: request_e,
            document: doc_e,
            decision: None,
            advice: Some(advice_e),
            bezwaar: None,
        },
        Objects {
            pupil: pupil_d,
            request: request_d,
            document: doc_d,
            decision: Some(decision_d),
            advice: Some(advice_d),
            bezwaar: None,
        },
    ]
}

#[tokio::test]
async fn decisions_follow_the_law_terms_stand_still_and_reminders_go_once() {
    let app = TestApp::spawn().await;
    let db = app.server().db.clone();
    let tenant = tenant_id(&app).await;
    let bo = two_primary_schools(&db).await;
    let (school_a, mut school) =
        user(&app, tenant, "ib@a.nl", Role::Schoolmedewerker, &[bo[0].id]).await;
    let (toeleider, mut swv) = user(&app, tenant, "t@swv.nl", Role::Toeleider, &[]).await;
    let mut experts = Vec::new();
    for n in 0..3 {
        experts.push(user(&app, tenant, &format!("e{n}@swv.nl"), Role::Deskundige, &[]).await);
    }
    let give = |request: i64, expert: usize, profession: &'static str| {
        let db = db.clone();
        let expert_id = experts[expert].0;
        async move {
            use passend_store::casework::{self as cw};
            let swv = as_user(tenant, toeleider, "toeleider");
            let r = cw::request(&db, tenant, request).await.unwrap().unwrap();
            cw::ask_advice(&db, &swv, &r, expert_id, today(), "Vraag", "gevraagd", &[])
                .await
                .unwrap();
            let advice = cw::advices_of(&db, request)
                .await
                .unwrap()
                .into_iter()
                .find(|a| a.expert_id == expert_id)
                .unwrap()
                .id;
            let me = as_user(tenant, expert_id, "deskundige");
            // Each expert writes their own advice: the same text twice is refused.
            let text =
                format!("Een schriftelijk advies met onderbouwing, als {profession} ({expert}).");
            let given =
                cw::give_advice(&db, &me, &r, advice, profession, "toelaatbaar", &text, &[])
                    .await
                    .unwrap();
            assert_eq!(given, cw::Given::Done);
        }
    };
    let decide = |request: i64| {
        vec![
            ("uitkomst", "ja".to_owned()),
            ("start", today().format("%Y-%m-%d").to_string()),
            ("geen-einde", "ja".to_owned()),
            (
                "motivering",
                format!("Motivering voor de brief van aanvraag {request}."),
            ),
        ]
    };

    // Neither advice by an orthopedagoog or psycholoog.
    let (_, r1) = submitted(&db, tenant, bo[0].id, school_a, toeleider, "tlv-sbo").await;
    give(r1, 0, "arts").await;
    give(r1, 1, "pedagoog").await;
    swv.get(&format!("/aanvragen/{r1}")).await;
    let refused = swv
        .post_pairs(&format!("/aanvragen/{r1}/besluit"), &decide(r1))
        .await;
    assert_eq!(refused.status, 422);
    assert!(
        refused
            .body
            .contains("Eén advies moet van een orthopedagoog of psycholoog komen."),
        "{}",
        refused.body
    );

    // Two psychologen: the second must come from the other list.
    let (_, r2) = submitted(&db, tenant, bo[0].id, school_a, toeleider, "tlv-sbo").await;
    give(r2, 0, "psycholoog").await;
    give(r2, 1, "psycholoog").await;
    let refused = swv
        .post_pairs(&format!("/aanvragen/{r2}/besluit"), &decide(r2))
        .await;
    assert!(
        refused
            .body
            .contains("Het tweede advies moet van een andere deskundige komen"),
        "{}",
        refused.body
    );

    // An expert who works for the applying school (linked after being asked) is not independent.
    let (_, r3) = submitted(&db, tenant, bo[0].id, school_a, toeleider, "tlv-sbo").await;
    give(r3, 0, "orthopedagoog").await;
    give(r3, 2, "arts").await;
    passend_store::on_db!(&db, pool => sqlx::query("INSERT INTO user_locations (user_id, location_id) VALUES ($1, $2)")
        .bind(experts[2].0).bind(bo[0].id).execute(pool).await.map(|_| ())).unwrap();
    let refused = swv
        .post_pairs(&format!("/aanvragen/{r3}/besluit"), &decide(r3))
        .await;
    assert!(
        refused.body.contains("niet onafhankelijk"),
        "{}",
        refused.body
    );
    // With two valid advices the same form decides, without an end date.
    let (_, r4) = submitted(&db, tenant, bo[0].id, school_a, toeleider, "tlv-sbo").await;
    give(r4, 0, "orthopedagoog").await;
    give(r4, 1, "maatschappelijk-werker").await;
    let decided = swv
        .post_pairs(&format!("/aanvragen/{r4}/besluit"), &decide(r4))
        .await;
    assert_eq!(
        decided.location,
        format!("/aanvragen/{r4}?gedaan=besluit"),
        "{}",
        decided.body
    );
    let d = passend_store::casework::decision_of(&db, tenant, r4)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (d.placement.as_deref(), d.category.as_deref(), d.end_on),
        (Some("sbo"), None, None)
    );
    assert!(
        swv.get(&format!("/aanvragen/{r4}"))
            .await
            .body
            .contains("geen einddatum")
    );

    // An expert gives a question back: the request is in treatment again.
    let (_, r7) = submitted(&db, tenant, bo[0].id, school_a, toeleider, "tlv-sbo").await;
    {
        let r = passend_store::casework::request(&db, tenant, r7)
            .await
            .unwrap()
            .unwrap();
        passend_store::casework::ask_advice(
            &db,
            &as_user(tenant, toeleider, "toeleider"),
            &r,
            experts[1].0,
            today(),
            "Vraag",
            "gevraagd",
            &[],
        )
        .await
        .unwrap();
    }
    let advice = advice_of(&db, tenant, r7, experts[1].0).await;
    let mut expert = user(&app, tenant, "e1@swv.nl", Role::Deskundige, &[])
        .await
        .1;
    expert.get(&format!("/adviezen/{advice}")).await;
    let no_reason = expert
        .post(&format!("/adviezen/{advice}/teruggeven"), &[("reden", "")])
        .await;
    assert_eq!(no_reason.status, 422);
    assert!(no_reason.body.contains("Schrijf kort waarom"));
    let back = expert
        .post(
            &format!("/adviezen/{advice}/teruggeven"),
            &[("reden", "Ik werk voor deze school.")],
        )
        .await;
    assert_eq!(back.location, "/adviezen?gedaan=teruggegeven");
    let r = passend_store::casework::request(&db, tenant, r7)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(r.status, "in-behandeling");
    assert!(
        swv.get(&format!("/aanvragen/{r7}"))
            .await
            .body
            .contains("Adviesvraag teruggegeven")
    );
    mail_to(
        &app,
        "t@swv.nl",
        "Een deskundige heeft een adviesvraag teruggegeven",
    )
    .await;

    // Awb 4:15: asking for information stops the term; the days it stood still move it on.
    let (_, r5) = submitted(&db, tenant, bo[0].id, school_a, toeleider, "tlv-sbo").await;
    let page = swv.get(&format!("/aanvragen/{r5}")).await;
    let due = passend_domain::tlv::TlvPolicy::default().decision_due(today());
    assert!(page.body.contains(&long(due)));
    let empty = swv
        .post(&format!("/aanvragen/{r5}/opschorten"), &[("reden", "")])
        .await;
    assert_eq!(empty.status, 422);
    assert!(
        empty
            .body
            .contains("Schrijf op welke informatie nog ontbreekt")
    );
    let stopped = swv
        .post(
            &format!("/aanvragen/{r5}/opschorten"),
            &[
                ("actie", "start"),
                ("reden", "Het verslag van het TLO ontbreekt."),
            ],
        )
        .await;
    // A second start (a double click, another toeleider) changes nothing.
    let twice = swv
        .post(
            &format!("/aanvragen/{r5}/opschorten"),
            &[("actie", "start"), ("reden", "Nog iets.")],
        )
        .await;
    assert_eq!(twice.location, format!("/aanvragen/{r5}?gedaan=gewijzigd"));
    assert_eq!(
        stopped.location,
        format!("/aanvragen/{r5}?gedaan=opgeschort")
    );
    mail_to(&app, "ib@a.nl", "Er is informatie nodig").await;
    // Each side's page puts what the stand-still asks first: the school adds the information
    // and says so; toeleiding lets the term run again once it is there.
    let page = school.get(&format!("/aanvragen/{r5}")).await;
    assert!(page.body.contains("Het verslag van het TLO ontbreekt."));
    assert_eq!(
        next_title(&page.body),
        "Het samenwerkingsverband vraagt informatie"
    );
    assert_eq!(now_forms(&page.body, r5), ["aangevuld"]);
    let page = swv.get(&format!("/aanvragen/{r5}")).await;
    assert_eq!(
        next_title(&page.body),
        "Wacht op de informatie van de school"
    );
    assert_eq!(now_forms(&page.body, r5), ["opschorten"]);
    assert_eq!(
        forms_of(&page.body, r5)
            .iter()
            .filter(|f| *f == "opschorten")
            .count(),
        1,
        "no second stand-still offered"
    );
    // The school says the information is there; toeleiding hears of it.
    let sent = school
        .post(&format!("/aanvragen/{r5}/aangevuld"), &[])
        .await;
    assert_eq!(sent.location, format!("/aanvragen/{r5}?gedaan=aangevuld"));
    mail_to(
        &app,
        "t@swv.nl",
        "Een school meldt dat de informatie die u vroeg er is",
    )
    .await;
    // As if the information was asked 10 days ago.
    let ten_days_ago = today().checked_sub_days(Days::new(10)).unwrap();
    passend_store::on_db!(&db, pool => sqlx::query("UPDATE request_suspensions SET from_on = $1 WHERE request_id = $2")
        .bind(ten_days_ago).bind(r5).execute(pool).await.map(|_| ())).unwrap();
    let resumed = swv
        .post(
            &format!("/aanvragen/{r5}/opschorten"),
            &[("actie", "einde")],
        )
        .await;
    assert_eq!(resumed.location, format!("/aanvragen/{r5}?gedaan=hervat"));
    let r = passend_store::casework::request(&db, tenant, r5)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(r.decision_due, Some(due + Days::new(10)));
    assert!(
        swv.get(&format!("/aanvragen/{r5}"))
            .await
            .body
            .contains(&long(due + Days::new(10)))
    );

    // An arrangement: goals, budget and period, then approved with a beschikkingsnummer and no TLV letter.
    school.get(&format!("/leerlingen/{}", r.pupil_id)).await;
    let made = school
        .post(
            &format!("/leerlingen/{}/aanvragen/nieuw", r.pupil_id),
            &[
                ("soort", "arrangement"),
                ("vraag", "Extra begeleiding in de klas."),
            ],
        )
        .await;
    let arrangement = id_after(&made.location, "/aanvragen/");
    let page = school.get(&format!("/aanvragen/{arrangement}")).await;
    let version = crate::support::field_value(&page.body, "versie").unwrap();
    let bad = school
        .post(
            &format!("/aanvragen/{arrangement}"),
            &[
                ("versie", &version),
                ("vraag", "Extra begeleiding in de klas."),
                ("begroting", "veel"),
                ("periode-van", "2026-09-01"),
                ("periode-tot", "2026-08-01"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("Vul de begroting in hele euro"));
    assert!(
        bad.body
            .contains("Het einde van de periode moet na het begin liggen.")
    );
    assert!(bad.body.contains("value=\"veel\""), "input kept");
    let saved = school
        .post(
            &format!("/aanvragen/{arrangement}/indienen"),
            &[
                ("versie", &version),
                ("vraag", "Extra begeleiding in de klas."),
                ("doelen", "Sam leest op niveau E4."),
                ("begroting", "4.500"),
                ("periode-van", "2026-09-01"),
                ("periode-tot", "2027-07-15"),
                ("zienswijze", "geweigerd"),
            ],
        )
        .await;
    // "Opslaan en indienen" keeps what was typed, and says the groeidocument is missing.
    assert_eq!(saved.status, 422, "{}", saved.body);
    assert!(saved.body.contains("Nog nodig: het groeidocument."));
    let kept = passend_store::casework::request(&db, tenant, arrangement)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(kept.draft.goals, "Sam leest op niveau E4.");
    let up = school
        .post_file(
            &format!("/leerlingen/{}/documenten", r.pupil_id),
            &[("soort", "groeidocument"), ("titel", "Groeidocument")],
            "g.pdf",
            &tiny_pdf("g"),
        )
        .await;
    assert_eq!(up.status, 303);
    school.get(&format!("/aanvragen/{arrangement}")).await;
    assert_eq!(
        school
            .post(&format!("/aanvragen/{arrangement}/indienen"), &[])
            .await
            .location,
        format!("/aanvragen/{arrangement}?gedaan=ingediend")
    );
    let a = passend_store::casework::request(&db, tenant, arrangement)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(a.draft.budget_euros, Some(4500));
    swv.get(&format!("/aanvragen/{arrangement}")).await;
    swv.post(
        &format!("/aanvragen/{arrangement}/toewijzen"),
        &[("contact", &toeleider.to_string())],
    )
    .await;
    let approved = swv
        .post(
            &format!("/aanvragen/{arrangement}/besluit"),
            &[
                ("uitkomst", "ja"),
                ("start", "2026-09-01"),
                ("einde", "2027-07-15"),
                (
                    "motivering",
                    "Het arrangement past bij wat Sam nodig heeft.",
                ),
            ],
        )
        .await;
    assert_eq!(
        approved.location,
        format!("/aanvragen/{arrangement}?gedaan=besluit"),
        "{}",
        approved.body
    );
    let d = passend_store::casework::decision_of(&db, tenant, arrangement)
        .await
        .unwrap()
        .unwrap();
    assert!(d.beschikkingsnummer.starts_with("PO2401-"));
    assert_eq!(
        swv.get_file(&format!("/besluiten/{}/brief.pdf", d.id))
            .await
            .0,
        404,
        "no TLV letter for an arrangement"
    );
    assert!(
        !swv.get("/swv/tlv")
            .await
            .body
            .contains(&d.beschikkingsnummer),
        "arrangements are not in the TLV register"
    );

    // Reminders: a week before the term, once; and a TLV that ends within the policy's months.
    let settings = passend::reminders::ReminderSettings {
        site_name: "Passend Onderwijs Almere".to_owned(),
        base_url: "http://127.0.0.1".to_owned(),
        policy: passend_domain::tlv::TlvPolicy::default(),
        files: passend_store::files::Files::memory(),
        retention_years: 3,
        steunpunt_retention_months: 24,
        zorgplicht_terms: passend_domain::zorgplicht::TermPolicy::default(),
        heads: passend::audit_head::HeadFiles::of(&app.config),
    };
    let soon = due + Days::new(10) - Days::new(3);
    let first = passend::reminders::run_once(&db, &settings, soon)
        .await
        .unwrap();
    assert!(first >= 1, "{first}");
    assert_eq!(
        passend::reminders::run_once(&db, &settings, soon)
            .await
            .unwrap(),
        0,
        "each reminder once"
    );
    mail_to(&app, "t@swv.nl", "Beslistermijn loopt binnen een week af").await;
    let swv_actor = as_user(tenant, toeleider, "toeleider");
    let (_, r6) = submitted(&db, tenant, bo[0].id, school_a, toeleider, "tlv-sbo").await;
    give(r6, 0, "orthopedagoog").await;
    give(r6, 1, "arts").await;
    let new = passend_store::casework::NewDecision {
        end_on: Some(today() + Days::new(60)),
        ..granted("sbo", None)
    };
    decide_in_store(&db, &swv_actor, r6, Some("advies-gevraagd"), &new).await;
    assert!(
        passend::reminders::run_once(&db, &settings, today())
            .await
            .unwrap()
            >= 1
    );
    let mail = mail_to(&app, "ib@a.nl", "Een toelaatbaarheidsverklaring eindigt op").await;
    assert!(!mail.contains(&format!("Leerling{}", bo[0].id)), "{mail}");
    // Its letter was never recorded as sent: three days on, who decided hears of it, once.
    let later = today() + Days::new(passend::reminders::UNSENT_LETTER_DAYS);
    assert!(
        passend::reminders::run_once(&db, &settings, later)
            .await
            .unwrap()
            >= 1
    );
    let mail = mail_to(&app, "t@swv.nl", "nog niet als verzonden vastgelegd").await;
    assert!(mail.contains("/aanvragen/"), "{mail}");
    assert!(!mail.contains(&format!("Leerling{}", bo[0].id)), "{mail}");
    let again = passend::reminders::run_once(&db, &settings, later)
        .await
        .unwrap();
    assert_eq!(again, 0, "once");
    assert!(
        swv.get("/swv/tlv?weergave=aflopend")
            .await
            .body
            .contains("loopt af")
    );
    app.stop().await;
}

#[tokio::test]
async fn closed_dossiers_are_removed_after_their_retention() {
    let app = TestApp::spawn().await;
    let db = app.server().db.clone();
    let tenant = tenant_id(&app).await;
    let bo = two_primary_schools(&db).await;
    let (school_a, mut school) =
        user(&app, tenant, "ib@a.nl", Role::Schoolmedewerker, &[bo[0].id]).await;
    let (toeleider, _) = user(&app, tenant, "t@swv.nl", Role::Toeleider, &[]).await;
    // Three dossiers: one closed (withdrawn) long ago, one still open, one with a TLV that runs on.
    let (closed, closed_request) =
        submitted(&db, tenant, bo[0].id, school_a, toeleider, "arrangement").await;
    school.get(&format!("/leerlingen/{closed}")).await;
    let up = school
        .post_file(
            &format!("/leerlingen/{closed}/documenten"),
            &[("soort", "groeidocument"), ("titel", "Groeidocument")],
            "g.pdf",
            &tiny_pdf("g"),
        )
        .await;
    assert_eq!(up.status, 303, "{}", up.body);
    let swv = as_user(tenant, toeleider, "toeleider");
    let r = passend_store::casework::request(&db, tenant, closed_request)
        .await
        .unwrap()
        .unwrap();
    passend_store::casework::step(
        &db,
        &swv,
        &r,
        &passend_store::casework::Step {
            from: "in-behandeling",
            to: "ingetrokken",
            what: "Ingetrokken",
            action: "update",
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let (open, _) = submitted(&db, tenant, bo[0].id, school_a, toeleider, "advies").await;
    let keys_before = std::fs::read_dir(app.config.documents_dir.join("documenten"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert!(keys_before > 0, "the upload is on disk");
    // Four years later.
    let later = today().checked_add_days(Days::new(4 * 366)).unwrap();
    let removed = passend::retention::run_once(
        &db,
        &passend_store::files::Files::local(&app.config.documents_dir).unwrap(),
        3,
        later,
    )
    .await
    .unwrap();
    assert_eq!(removed, 1);
    assert!(
        passend_store::casework::pupil(&db, tenant, closed)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        passend_store::casework::request(&db, tenant, closed_request)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        passend_store::casework::pupil(&db, tenant, open)
            .await
            .unwrap()
            .is_some(),
        "open requests keep a dossier"
    );
    assert_eq!(
        school.get(&format!("/leerlingen/{closed}")).await.status,
        404
    );
    // The files are gone; the audit trail keeps only the id and why.
    let files_left: usize = walk(&app.config.documents_dir);
    assert_eq!(files_left, 0, "the removed dossier's files are deleted");
    let events = passend_store::audit::search(
        &db,
        tenant,
        &Filter {
            pupil_id: Some(closed),
            action: Some("delete".to_owned()),
            ..Default::default()
        },
        10,
    )
    .await
    .unwrap();
    assert_eq!(events.len(), 1);
    assert!(events[0].detail.contains("bewaartermijn"));
    // Not yet: a day too early nothing goes.
    assert_eq!(
        passend::retention::run_once(&db, &passend_store::files::Files::memory(), 3, today())
            .await
            .unwrap(),
        0
    );
    app.stop().await;
}

fn walk(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| {
                    if e.path().is_dir() {
                        walk(&e.path())
                    } else {
                        1
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}
