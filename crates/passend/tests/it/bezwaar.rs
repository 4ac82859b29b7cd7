//! The legal details through HTTP, with fixed dates: statutory terms run on past a weekend or
//! holiday (Algemene termijnenwet), the bezwaar term runs from the day the letter was sent (Awb
//! 3:41, 6:8), and the beslissing op bezwaar revokes a decision with its own letter that names
//! beroep at the rechtbank, in the register and in the parents' tracker.

use crate::support::*;
use passend_domain::accounts::Role;
use passend_store::casework as cw;
use passend_store::on_db;

/// A PDF letter fetched by a visitor (it must be there), as its words read back.
async fn letter_text(browser: &mut Browser, path: &str) -> String {
    let (status, _, _, pdf) = browser.get_file(path).await;
    assert_eq!(status, 200, "{path}");
    pdf_text(&pdf)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn day(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Two experts give their own advices on a request (store fixtures).
async fn two_advices(
    db: &passend_store::Db,
    tenant: i64,
    toeleider: i64,
    request: i64,
    experts: [i64; 2],
) {
    let swv = as_user(tenant, toeleider, "toeleider");
    for (expert, profession) in experts.into_iter().zip(["orthopedagoog", "arts"]) {
        let r = cw::request(db, tenant, request).await.unwrap().unwrap();
        cw::ask_advice(db, &swv, &r, expert, today(), "Vraag", "gevraagd", &[])
            .await
            .unwrap();
        let advice = cw::advices_of(db, request)
            .await
            .unwrap()
            .into_iter()
            .find(|a| a.expert_id == expert)
            .unwrap()
            .id;
        let given = cw::give_advice(
            db,
            &as_user(tenant, expert, "deskundige"),
            &r,
            advice,
            profession,
            "toelaatbaar",
            &format!("Het advies van de {profession}, in eigen woorden."),
            &[],
        )
        .await
        .unwrap();
        assert_eq!(given, cw::Given::Done);
    }
}

#[tokio::test]
async fn statutory_terms_run_on_past_weekends_and_the_bezwaar_term_from_the_sending() {
    let app = TestApp::spawn().await;
    let db = app.server().db.clone();
    let tenant = tenant_id(&app).await;
    let bo = two_primary_schools(&db).await;
    let (school_id, mut school) = school_user(&app, tenant, "ib@school.nl", bo[0].id).await;
    let (toeleider, mut swv) = user(&app, tenant, "t@swv.nl", Role::Toeleider, &[]).await;
    let (e1, _) = user(&app, tenant, "e1@swv.nl", Role::Deskundige, &[]).await;
    let (e2, _) = user(&app, tenant, "e2@swv.nl", Role::Deskundige, &[]).await;

    // Zorgplicht: received on Sunday 25 October 2026, due Monday 7 December 2026.
    let (pupil, _) = crate::support::concept(
        &db,
        &as_user(tenant, school_id, "schoolmedewerker"),
        bo[0].id,
        "advies",
    )
    .await;
    school.get(&format!("/leerlingen/{pupil}/aanmelding")).await;
    let (aanmelding, page) = add_aanmelding(
        &mut school,
        pupil,
        ("2026-10-25", "2027-08-23"),
        "Hulp bij taal",
    )
    .await;
    assert!(
        page.body.contains("maandag 7 december 2026"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("zondag 6 december 2026"));
    // Extended by four weeks: Sunday 3 January 2027 → Monday 4 January 2027.
    let extended = school
        .post(
            &format!("/aanmeldingen/{aanmelding}"),
            &[
                ("versie", "1"),
                ("ontvangen", "2026-10-25"),
                ("start", "2027-08-23"),
                ("ondersteuning", "Hulp bij taal"),
                ("andere", "Geen"),
                ("voorkeur", "ja"),
                ("verlenging", "4"),
                ("verlenging-gemeld", "2026-12-07"),
            ],
        )
        .await;
    assert_eq!(extended.status, 303, "{}", extended.body);
    let page = school.get(&format!("/aanmeldingen/{aanmelding}")).await;
    assert!(
        page.body.contains("maandag 4 januari 2027"),
        "{}",
        page.body
    );

    // The Awb's 8 weeks from Sunday 11 October 2026 end on Sunday 6 December: Monday 7.
    let (_, request) = submitted(&db, tenant, bo[0].id, school_id, toeleider, "tlv-sbo").await;
    on_db!(&db, pool => sqlx::query("UPDATE support_requests SET received_on = $1, decision_due = $2 WHERE id = $3")
        .bind(day(2026, 10, 11))
        .bind(day(2026, 11, 22))
        .bind(request)
        .execute(pool)
        .await
        .map(|_| ())
        .unwrap());
    let page = swv.get(&format!("/aanvragen/{request}")).await;
    assert!(page.body.contains("Uiterste termijn (Awb, 8 weken)"));
    assert!(
        page.body.contains("<dd>maandag 7 december 2026</dd>"),
        "{}",
        page.body
    );

    // Recorded on Thursday 12 November 2026, sent on Monday 16 November 2026: bezwaar until
    // Monday 28 December 2026, not Thursday 24 December.
    two_advices(&db, tenant, toeleider, request, [e1, e2]).await;
    let decided = swv
        .post_pairs(
            &format!("/aanvragen/{request}/besluit"),
            &[
                ("uitkomst", "ja".to_owned()),
                ("start", "2027-01-04".to_owned()),
                ("geen-einde", "ja".to_owned()),
                ("motivering", "De adviezen zijn eensluidend.".to_owned()),
            ],
        )
        .await;
    assert_eq!(decided.status, 303, "{}", decided.body);
    let d = cw::decision_of(&db, tenant, request)
        .await
        .unwrap()
        .unwrap();
    let recorded = chrono::NaiveDate::from_ymd_opt(2026, 11, 12)
        .unwrap()
        .and_hms_opt(10, 0, 0)
        .unwrap()
        .and_utc();
    on_db!(&db, pool => sqlx::query("UPDATE decisions SET decided_at = $1, letter_on = $2 WHERE id = $3")
        .bind(recorded)
        .bind(day(2026, 11, 12))
        .bind(d.id)
        .execute(pool)
        .await
        .map(|_| ())
        .unwrap());
    swv.get(&format!("/besluiten/{}/verzending", d.id)).await;
    let early = swv
        .post(
            &format!("/besluiten/{}/verzending", d.id),
            &[("verzonden-op", "2026-11-11"), ("wijze", "post")],
        )
        .await;
    assert_eq!(early.status, 422);
    assert!(
        early
            .body
            .contains("niet eerder verzonden zijn dan het besluit")
    );
    let sent = swv
        .post(
            &format!("/besluiten/{}/verzending", d.id),
            &[("verzonden-op", "2026-11-16"), ("wijze", "post")],
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let page = swv.get(&format!("/aanvragen/{request}")).await;
    assert!(
        page.body.contains("maandag 28 december 2026"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("donderdag 24 december 2026"));
    assert!(page.body.contains("maandag 16 november 2026, per post"));
    // The letter as sent says so too.
    let text = letter_text(&mut swv, &format!("/besluiten/{}/brief.pdf", d.id)).await;
    assert!(
        text.contains("uiterlijk op maandag 28 december 2026"),
        "{text}"
    );
    // Recording the sending twice changes nothing.
    let again = swv
        .post(
            &format!("/besluiten/{}/verzending", d.id),
            &[("verzonden-op", "2026-11-20"), ("wijze", "post")],
        )
        .await;
    assert_eq!(again.status, 303);
    let d = cw::decision_of(&db, tenant, request)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(d.sent_on, Some(day(2026, 11, 16)));
    // A bezwaar received today is in time when the letter went out ten days ago, and late when
    // it went out sixty days ago.
    let received = today().format("%Y-%m-%d").to_string();
    for (days, late) in [(10u64, false), (60, true)] {
        on_db!(&db, pool => sqlx::query("UPDATE decisions SET sent_on = $1 WHERE id = $2")
            .bind(today() - chrono::Days::new(days))
            .bind(d.id)
            .execute(pool)
            .await
            .map(|_| ())
            .unwrap());
        swv.get(&format!("/aanvragen/{request}")).await;
        let b = swv
            .post(
                &format!("/besluiten/{}/bezwaar", d.id),
                &[("ontvangen", &received), ("door", "ouders")],
            )
            .await;
        assert_eq!(b.status, 303, "{}", b.body);
        let line = cw::timeline(&db, request)
            .await
            .unwrap()
            .into_iter()
            .rev()
            .find(|l| l.what.starts_with("Bezwaar ontvangen"))
            .unwrap()
            .what;
        assert_eq!(
            line.contains("na de bezwaartermijn"),
            late,
            "{days}: {line}"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn a_beslissing_op_bezwaar_revokes_the_decision_with_its_own_letter() {
    let app = TestApp::spawn().await;
    let db = app.server().db.clone();
    let tenant = tenant_id(&app).await;
    let bo = two_primary_schools(&db).await;
    let (school_id, mut school) = school_user(&app, tenant, "ib@school.nl", bo[0].id).await;
    let (toeleider, mut swv) = user(&app, tenant, "t@swv.nl", Role::Toeleider, &[]).await;
    let (e1, _) = user(&app, tenant, "e1@swv.nl", Role::Deskundige, &[]).await;
    let (e2, _) = user(&app, tenant, "e2@swv.nl", Role::Deskundige, &[]).await;
    let (pupil, request) = submitted(&db, tenant, bo[0].id, school_id, toeleider, "tlv-sbo").await;
    // A parent with gezag follows it in the portal.
    let school_actor = as_user(tenant, school_id, "schoolmedewerker");
    let rows = crate::support::set_parents(
        &db,
        &school_actor,
        tenant,
        pupil,
        "Noor",
        &[("Moeder Bezwaar", "moeder@example.nl", true)],
    )
    .await;
    let parent_id = ready_parent(&app, tenant, "moeder@example.nl", "een zin voor de test").await;
    crate::support::link(&db, &school_actor, pupil, rows[0], parent_id).await;
    let mut parent = Browser::with_session(
        &app,
        &crate::support::session_for(
            &app,
            tenant,
            parent_id,
            passend_domain::accounts::Stage::Full,
        )
        .await,
    );

    // Refused, sent by post.
    two_advices(&db, tenant, toeleider, request, [e1, e2]).await;
    swv.get(&format!("/aanvragen/{request}")).await;
    let decided = swv
        .post_pairs(
            &format!("/aanvragen/{request}/besluit"),
            &[
                ("uitkomst", "nee".to_owned()),
                (
                    "motivering",
                    "De basisschool kan met een arrangement verder.".to_owned(),
                ),
            ],
        )
        .await;
    assert_eq!(decided.status, 303, "{}", decided.body);
    let d = cw::decision_of(&db, tenant, request)
        .await
        .unwrap()
        .unwrap();
    assert!(!d.granted);
    send_letter_today(&mut swv, d.id, "portaal").await;
    let today_text = today().format("%Y-%m-%d").to_string();
    mail_to(&app, "moeder@example.nl", "Er is een besluitbrief").await;

    // The parents object; toeleiding registers it and sends it to the LBT.
    swv.get(&format!("/aanvragen/{request}")).await;
    let b = swv
        .post(
            &format!("/besluiten/{}/bezwaar", d.id),
            &[("ontvangen", &today_text), ("door", "ouders")],
        )
        .await;
    assert_eq!(b.status, 303, "{}", b.body);
    let bezwaar = cw::bezwaren(&db, d.id).await.unwrap()[0].id;
    // Without the LBT's advice only a bezwaar granted in full may be decided.
    let page = swv.get(&format!("/bezwaren/{bezwaar}/beslissing")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let refused = swv
        .post(
            &format!("/bezwaren/{bezwaar}/beslissing"),
            &[
                ("uitkomst", "ongegrond"),
                ("motivering", "Het besluit blijft staan."),
            ],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(
        refused.body.contains("Zonder advies van de LBT"),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("Het besluit blijft staan."),
        "the input is kept"
    );
    // Nor "gegrond" with the same decision again: that needs the LBT's advice first.
    let same = swv
        .post(
            &format!("/bezwaren/{bezwaar}/beslissing"),
            &[
                ("uitkomst", "gegrond"),
                ("toelaatbaar", "nee"),
                ("motivering", "Het besluit blijft, beter uitgelegd."),
            ],
        )
        .await;
    assert_eq!(same.status, 422, "{}", same.body);
    assert!(
        same.body.contains("Vraag dan eerst advies aan de LBT"),
        "{}",
        same.body
    );
    // The LBT: the days as they happened; an advice needs its date.
    let undated = swv
        .post(
            &format!("/bezwaren/{bezwaar}"),
            &[
                ("aanvraag", &request.to_string()),
                ("lbt-op", &today_text),
                ("lbt-advies", "gegrond"),
            ],
        )
        .await;
    assert_eq!(undated.status, 422, "{}", undated.body);
    assert!(
        undated.body.contains("datum van het advies"),
        "{}",
        undated.body
    );
    let early = swv
        .post(
            &format!("/bezwaren/{bezwaar}"),
            &[("aanvraag", &request.to_string()), ("lbt-op", "2020-01-01")],
        )
        .await;
    assert_eq!(early.status, 422, "{}", early.body);
    let advised = swv
        .post(
            &format!("/bezwaren/{bezwaar}"),
            &[
                ("aanvraag", &request.to_string()),
                ("lbt-op", &today_text),
                ("lbt-advies", "gegrond"),
                ("lbt-advies-op", &today_text),
            ],
        )
        .await;
    assert_eq!(advised.status, 303, "{}", advised.body);
    let row = cw::bezwaar(&db, tenant, bezwaar).await.unwrap().unwrap();
    assert_eq!(
        (
            row.lbt_sent_on,
            row.lbt_advice.as_deref(),
            row.lbt_advice_on
        ),
        (Some(today()), Some("gegrond"), Some(today()))
    );
    // Deviating from the advice must be explained: it goes into the letter.
    let deviating = swv
        .post(
            &format!("/bezwaren/{bezwaar}/beslissing"),
            &[
                ("uitkomst", "ongegrond"),
                ("motivering", "Het besluit blijft staan."),
            ],
        )
        .await;
    assert_eq!(deviating.status, 422);
    assert!(
        deviating
            .body
            .contains("U wijkt af van het advies van de LBT")
    );
    // Gegrond always revokes: without the new decision it is refused.
    let bare = swv
        .post(
            &format!("/bezwaren/{bezwaar}/beslissing"),
            &[("uitkomst", "gegrond"), ("motivering", "U heeft gelijk.")],
        )
        .await;
    assert_eq!(bare.status, 422);
    assert!(
        bare.body
            .contains("Een gegrond bezwaar herroept het besluit"),
        "{}",
        bare.body
    );
    // Gegrond: a TLV for the SBO, at an SBO school; it holds once its letter is sent.
    let sbo = passend_store::locations::location_choices(&db)
        .await
        .unwrap()
        .into_iter()
        .find(|l| l.school_type == "sbo")
        .expect("the shipped Almere data has an SBO school");
    let (_, mut receiving) =
        user(&app, tenant, "ib@sbo.nl", Role::Schoolmedewerker, &[sbo.id]).await;
    let start = today().format("%Y-%m-%d").to_string();
    let taken = swv
        .post(
            &format!("/bezwaren/{bezwaar}/beslissing"),
            &[
                ("uitkomst", "gegrond"),
                ("toelaatbaar", "ja"),
                ("start", &start),
                ("geen-einde", "ja"),
                ("ontvangend", &sbo.id.to_string()),
                (
                    "motivering",
                    "Na het advies van de LBT zien wij dat Noor meer nodig heeft.",
                ),
            ],
        )
        .await;
    assert_eq!(taken.status, 303, "{}", taken.body);
    let bob = passend_store::bezwaar::beslissing_of_bezwaar(&db, tenant, bezwaar)
        .await
        .unwrap()
        .unwrap();
    assert!(bob.revokes);
    // Not sent: the decision still says what it said, nobody was told, the parent reads only
    // that there is a beslissing.
    let d = cw::decision_of(&db, tenant, request)
        .await
        .unwrap()
        .unwrap();
    assert!(!d.granted);
    let r = cw::request(&db, tenant, request).await.unwrap().unwrap();
    assert_eq!(r.status, "afgewezen");
    assert!(
        !swv.get("/swv/tlv")
            .await
            .body
            .contains(&d.beschikkingsnummer)
    );
    assert!(
        !receiving
            .get("/school/tlv")
            .await
            .body
            .contains(&d.beschikkingsnummer)
    );
    let page = swv.get(&format!("/bezwaren/{bezwaar}/beslissing")).await;
    assert!(
        page.body
            .contains("wordt herroepen op de dag dat deze brief wordt verzonden"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("12 weken na het einde van de bezwaartermijn")
    );
    let tracker = parent.get(&format!("/ouders/aanvragen/{request}")).await;
    assert!(
        tracker.body.contains("Beslissing op het bezwaar"),
        "{}",
        tracker.body
    );
    assert!(
        tracker.body.contains("beslist; de brief volgt"),
        "{}",
        tracker.body
    );
    assert!(
        !tracker.body.contains("Dan kunt u bezwaar maken"),
        "the parents objected already: {}",
        tracker.body
    );
    assert!(
        tracker
            .body
            .contains("Het samenwerkingsverband beslist op het bezwaar")
    );
    assert!(
        !tracker.body.contains("het bezwaar klopt"),
        "{}",
        tracker.body
    );
    assert_eq!(
        parent
            .get_file(&format!("/ouders/beslissingen/{}/brief.pdf", bob.id))
            .await
            .0,
        404
    );
    assert_eq!(
        school
            .get_file(&format!("/beslissingen/{}/brief.pdf", bob.id))
            .await
            .0,
        404,
        "the applying school reads it once sent"
    );
    // Its concept letter: the outcome, the new decision, the LBT's advice, beroep.
    let (status, ct, _, pdf) = swv
        .get_file(&format!("/beslissingen/{}/brief.pdf", bob.id))
        .await;
    assert_eq!((status, ct.as_str()), (200, "application/pdf"));
    let text = pdf_text(&pdf)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for expected in [
        "Concept: deze brief is nog niet verzonden",
        "Beslissing op uw bezwaar",
        "Beste ouders of verzorgers,",
        "Wij vinden uw bezwaar gegrond",
        "Wij trekken ons besluit van",
        "toelaatbaar tot het speciaal basisonderwijs",
        "Het advies van de LBT zit bij deze brief",
        "Een kopie gaat naar",
        "in beroep gaan bij de rechtbank in het gebied waar u woont",
        "binnen zes weken na de dag waarop deze brief aan u is verzonden",
        &d.beschikkingsnummer,
    ] {
        assert!(text.contains(expected), "{expected:?} not in {text}");
    }
    // Sent: now the decision is revoked and replaced, and everyone hears of it.
    assert!(page.body.contains("Verzending vastleggen"));
    assert!(
        page.body
            .contains("Het advies van de LBT gaat mee met de brief")
    );
    // Not without the LBT's advice enclosed: the letter says it is.
    let without = swv
        .post(
            &format!("/beslissingen/{}/verzending", bob.id),
            &[("verzonden-op", &today_text), ("wijze", "portaal")],
        )
        .await;
    assert_eq!(without.status, 422, "{}", without.body);
    assert!(without.body.contains("Stuur het advies van de LBT mee"));
    let sent = swv
        .post(
            &format!("/beslissingen/{}/verzending", bob.id),
            &[
                ("verzonden-op", &today_text),
                ("wijze", "portaal"),
                ("bijlage", "ja"),
            ],
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let d = cw::decision_of(&db, tenant, request)
        .await
        .unwrap()
        .unwrap();
    assert!(d.granted);
    assert_eq!(d.placement.as_deref(), Some("sbo"));
    assert_eq!(d.receiving_location_id, Some(sbo.id));
    assert_eq!(
        d.reasons, "De basisschool kan met een arrangement verder.",
        "the decision's own reasons stay"
    );
    let r = cw::request(&db, tenant, request).await.unwrap().unwrap();
    assert_eq!(r.status, "toegekend");
    let register = swv.get("/swv/tlv").await;
    assert!(
        register.body.contains(&d.beschikkingsnummer),
        "{}",
        register.body
    );
    let page = swv.get(&format!("/aanvragen/{request}")).await;
    assert!(
        page.body.contains("luidde het besluit: niet toelaatbaar"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Beslissing op bezwaar: gegrond"));
    assert!(page.body.contains("Er is op bezwaar beslist"));
    mail_to(&app, "ib@school.nl", "Er is een beslissing op een bezwaar").await;
    mail_to(
        &app,
        "moeder@example.nl",
        "De brief met de beslissing is verstuurd",
    )
    .await;
    let to_receiving = mail_to(&app, "ib@sbo.nl", "toelaatbaarheidsverklaring").await;
    assert!(!to_receiving.contains("Noor"), "{to_receiving}");
    // The receiving school sees the TLV that holds; not the history, nor a letter (the first
    // says what no longer holds, the beslissing's is written to the objector).
    assert!(
        receiving
            .get("/school/tlv")
            .await
            .body
            .contains(&d.beschikkingsnummer)
    );
    let seen = receiving.get(&format!("/aanvragen/{request}")).await;
    assert_eq!(seen.status, 200);
    assert!(!seen.body.contains("luidde het besluit"), "{}", seen.body);
    assert!(!seen.body.contains("arrangement verder"), "{}", seen.body);
    assert!(
        receiving
            .get("/school/tlv")
            .await
            .body
            .contains("gewijzigd na bezwaar")
    );
    for path in [
        format!("/besluiten/{}/brief.pdf", d.id),
        format!("/beslissingen/{}/brief.pdf", bob.id),
    ] {
        assert_eq!(receiving.get_file(&path).await.0, 404, "{path}");
    }
    // The original letter, made again, still says what the decision said then.
    on_db!(&db, pool => sqlx::query("UPDATE decisions SET letter_key = NULL WHERE id = $1")
        .bind(d.id)
        .execute(pool)
        .await
        .map(|_| ())
        .unwrap());
    let text = letter_text(&mut swv, &format!("/besluiten/{}/brief.pdf", d.id)).await;
    assert!(text.contains("is niet toelaatbaar"), "{text}");
    assert!(text.contains("arrangement verder"), "{text}");
    // The parent reads the outcome and beroep now.
    let beroep = crate::support::long(passend_domain::tlv::beroep_deadline(today()));
    let tracker = parent.get(&format!("/ouders/aanvragen/{request}")).await;
    assert!(tracker.body.contains(&beroep), "{}", tracker.body);
    assert!(tracker.body.contains("rechtbank"));
    assert!(
        tracker.body.contains("het bezwaar klopt"),
        "{}",
        tracker.body
    );
    assert!(
        tracker
            .body
            .contains("Dan kunt u in beroep gaan bij de rechtbank")
    );
    let text = letter_text(
        &mut parent,
        &format!("/ouders/beslissingen/{}/brief.pdf", bob.id),
    )
    .await;
    assert!(text.contains(&format!("uiterlijk op {beroep}")), "{text}");
    assert!(!text.contains("Concept"), "{text}");
    // The school reads it too; a second beslissing on the same bezwaar is not possible.
    assert_eq!(
        school
            .get_file(&format!("/beslissingen/{}/brief.pdf", bob.id))
            .await
            .0,
        200
    );
    let twice = swv
        .post(
            &format!("/bezwaren/{bezwaar}/beslissing"),
            &[
                ("uitkomst", "ongegrond"),
                ("motivering", "Toch niet."),
                ("afwijking", "Toch niet."),
            ],
        )
        .await;
    assert_eq!(twice.status, 303);
    assert!(
        cw::decision_of(&db, tenant, request)
            .await
            .unwrap()
            .unwrap()
            .granted
    );
    app.stop().await;
}
