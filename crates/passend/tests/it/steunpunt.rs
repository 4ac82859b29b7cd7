//! The Oudersteunpunt through HTTP: a parent sends the public contact form (without an account;
//! messages at the field with the input kept; a reload makes no second case), gets a mail with
//! the reference number, an ouderadviseur takes the case, writes notes and contact moments, and
//! the signalering shows only counts of five or more. Nobody but the ouderadviseurs can find the
//! case: 20 surfaces are checked for the toeleider, the beheerder, school staff, an expert and a
//! parent account. The form refuses robots and floods without a captcha.

use crate::support::*;
use chrono::Datelike;
use passend_domain::accounts::Role;

/// What the parent writes: none of it may show up outside the Oudersteunpunt.
const NAME: &str = "Petronella Geheimhouding";
const EMAIL: &str = "petronella.geheim@example.nl";
const PHONE: &str = "036 555 0199";
const SCHOOL: &str = "Basisschool De Vertrouwelijke Vos";
const MESSAGE: &str = "Mijn zoon Bartholomeus zit sinds de herfstvakantie thuis. De school weet niet wat ze moet doen.";

fn contact_fields<'a>(token: &'a str, message: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("t", token),
        ("categorie", "klacht"),
        ("onderwerp", "thuiszitten"),
        ("naam", NAME),
        ("email", EMAIL),
        ("telefoon", PHONE),
        ("terugbellen", "ja"),
        ("wanneer", "dinsdag na drie uur"),
        ("school", SCHOOL),
        ("bericht", message),
        ("website", ""),
    ]
}

/// Posts the public form as an anonymous browser does (no session, no anti-CSRF field).
async fn post_form(
    app: &TestApp,
    path: &str,
    fields: &[(&str, &str)],
) -> (u16, String, Option<String>) {
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    let r = crate::support::http_client()
        .post(format!("{}{path}", app.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let retry = r
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, r.text().await.unwrap(), retry)
}

async fn token_of(app: &TestApp, path: &str) -> String {
    let (status, html) = app.text(path).await;
    assert_eq!(status, 200, "{path}");
    field_value(&html, "t").expect("the form carries a token")
}

fn reference_in(html: &str) -> String {
    let at = html.find("OSP-").expect("a reference number");
    html[at..at + 13].to_owned()
}

/// Every mail written so far, unfolded.
fn all_mails(app: &TestApp) -> Vec<String> {
    std::fs::read_dir(&app.config.mail_dir)
        .map(|d| {
            d.flatten()
                .map(|e| {
                    std::fs::read_to_string(e.path())
                        .unwrap_or_default()
                        .replace("=\r\n", "")
                        .replace("=\n", "")
                        .replace("=3D", "=")
                })
                .collect()
        })
        .unwrap_or_default()
}

fn secrets(reference: &str) -> [&str; 6] {
    [NAME, EMAIL, PHONE, SCHOOL, "Bartholomeus", reference]
}

fn assert_hidden(what: &str, body: &str, reference: &str) {
    for s in secrets(reference) {
        assert!(!body.contains(s), "{what} shows '{s}'");
    }
}

/// A question an ouderadviseur took by phone from "Ouder {n}" about `theme`: its id.
async fn phoned_case(db: &passend_store::Db, tenant: i64, adviser: i64, theme: &str, n: u8) -> i64 {
    passend_store::steunpunt::add_case(
        db,
        &as_user(tenant, adviser, "ouderadviseur"),
        &passend_store::steunpunt::NewCase {
            channel: "telefoon".into(),
            category: "vraag".into(),
            theme: theme.into(),
            name: format!("Ouder {n}"),
            phone: "0612345678".into(),
            message: "Vraag".into(),
            language: "nl".into(),
            ..Default::default()
        },
        &[passend_domain::steunpunt::reference([
            n, 1, 2, 3, 4, 5, 6, 7,
        ])],
    )
    .await
    .unwrap()
    .unwrap()
}

async fn case_count(db: &passend_store::Db) -> i64 {
    passend_store::on_db!(db, pool => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM steunpunt_cases")
        .fetch_one(pool).await).unwrap()
}

async fn audit_count(db: &passend_store::Db) -> i64 {
    passend_store::on_db!(db, pool => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM audit_events")
        .fetch_one(pool).await).unwrap()
}

#[tokio::test]
async fn a_parents_question_reaches_the_ouderadviseurs_and_nobody_else() {
    let app = TestApp::spawn().await;
    let db = app.server().db.clone();
    let tenant = tenant_id(&app).await;
    let schools = two_primary_schools(&db).await;
    let (adviser_id, mut adviser) =
        user(&app, tenant, "adviseur@swv.nl", Role::Ouderadviseur, &[]).await;
    let (_, mut colleague) = user(&app, tenant, "adviseur2@swv.nl", Role::Ouderadviseur, &[]).await;
    let (_, mut toeleider) = user(&app, tenant, "toeleider@swv.nl", Role::Toeleider, &[]).await;
    let (_, mut beheerder) = user(&app, tenant, "beheer@swv.nl", Role::Beheerder, &[]).await;
    let (_, mut school) = school_user(&app, tenant, "ib@school.nl", schools[0].id).await;
    let (_, mut expert) = user(&app, tenant, "arts@swv.nl", Role::Deskundige, &[]).await;
    let (_, mut parent) = user(&app, tenant, "ouder@thuis.nl", Role::Ouder, &[]).await;

    // The beheerder's view of the mail queue before anything happened.
    let queue_before = beheerder.get("/beheer").await.body;
    let audit_before = audit_count(&db).await;

    // The form, without an account, in Dutch.
    let (status, html) = app.text("/oudersteunpunt/contact").await;
    assert_eq!(status, 200);
    for text in [
        "Contact met het Oudersteunpunt",
        "Ik wil een klacht bespreken",
        "Ik zoek een luisterend oor",
        "Ik wil hulp bij een procedure",
        "Wat gebeurt er met uw gegevens?",
        "24 maanden",
        "Alleen de ouderadviseurs",
        "U kunt het Oudersteunpunt ook zelf bereiken: 036 000 00 00 of steunpunt@swv.test.",
    ] {
        assert!(html.contains(text), "the form lacks '{text}'");
    }
    assert!(!html.contains("captcha"), "no third-party captcha");
    let token = field_value(&html, "t").unwrap();

    // Sent within seconds: not by a person; the text stays.
    let (status, body, _) = post_form(
        &app,
        "/oudersteunpunt/contact",
        &contact_fields(&token, MESSAGE),
    )
    .await;
    assert_eq!(status, 200);
    assert!(body.contains("erg snel verstuurd"), "{body}");
    assert!(body.contains("Bartholomeus"), "the message is kept");
    assert_eq!(case_count(&db).await, 0);
    // Sent fast and incomplete (a person who clicks Verstuur at once): the field messages only,
    // no word on the timing on top of them.
    let (status, body, _) =
        post_form(&app, "/oudersteunpunt/contact", &contact_fields(&token, "")).await;
    assert_eq!(status, 422);
    assert!(body.contains("Controleer het formulier"), "{body}");
    assert!(!body.contains("erg snel verstuurd"), "{body}");
    assert_eq!(case_count(&db).await, 0);

    // Missing fields: a message at each, the rest kept.
    tokio::time::sleep(std::time::Duration::from_millis(3100)).await;
    let mut bad = contact_fields(&token, "");
    bad.retain(|(k, _)| !matches!(*k, "categorie" | "email" | "telefoon"));
    let (status, body, _) = post_form(&app, "/oudersteunpunt/contact", &bad).await;
    assert_eq!(status, 422);
    for m in [
        "Kies waarvoor u contact opneemt.",
        "Vul uw e-mailadres of uw telefoonnummer in",
        "Schrijf uw vraag of bericht.",
    ] {
        assert!(body.contains(m), "missing message '{m}'");
    }
    assert!(
        body.contains(&format!("value=\"{NAME}\"")),
        "the name is kept"
    );
    assert!(body.contains("aria-invalid=\"true\""));
    let mut wrong = contact_fields(&token, MESSAGE);
    wrong.retain(|(k, _)| *k != "email");
    wrong.push(("email", "geen-adres"));
    let (status, body, _) = post_form(&app, "/oudersteunpunt/contact", &wrong).await;
    assert_eq!(status, 422);
    assert!(body.contains("naam@voorbeeld.nl"));
    // A robot fills the field people never see: nothing is sent, and the page says so.
    let mut robot = contact_fields(&token, MESSAGE);
    robot.retain(|(k, _)| *k != "website");
    robot.push(("website", "http://spam.example"));
    let (status, body, _) = post_form(&app, "/oudersteunpunt/contact", &robot).await;
    assert_eq!(status, 200);
    assert!(body.contains("Het formulier is niet verstuurd"));
    assert_eq!(case_count(&db).await, 0);

    // Sent: a confirmation page with the reference number.
    let (status, body, _) = post_form(
        &app,
        "/oudersteunpunt/contact",
        &contact_fields(&token, MESSAGE),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Uw bericht is verstuurd"));
    assert!(body.contains("binnen 3 werkdagen"));
    let reference = reference_in(&body);
    assert!(passend_domain::steunpunt::looks_like_reference(&reference));
    // A reload sends the same form again: the same case, not a second one.
    let (_, again, _) = post_form(
        &app,
        "/oudersteunpunt/contact",
        &contact_fields(&token, MESSAGE),
    )
    .await;
    assert_eq!(reference_in(&again), reference);
    assert_eq!(case_count(&db).await, 1);

    // The parent's mail names the reference, not the message; the advisers get a link.
    let mail = mail_to(&app, EMAIL, &reference).await;
    assert!(mail.contains("binnen 3 werkdagen"));
    assert!(
        mail.contains("036 000 00 00 of steunpunt@swv.test"),
        "how to reach them"
    );
    assert!(mail.contains("Veilig Thuis"));
    assert!(!mail.contains("Bartholomeus") && !mail.contains(SCHOOL));
    let notice = mail_to(
        &app,
        "adviseur2@swv.nl",
        "Nieuwe vraag bij het Oudersteunpunt",
    )
    .await;
    assert!(notice.contains("/steunpunt/zaken/"));
    assert_hidden(
        "the advisers' notice",
        &notice.replace("To: adviseur2@swv.nl", ""),
        &reference,
    );

    // In English too, with an English mail.
    let en_token = token_of(&app, "/en/oudersteunpunt/contact").await;
    tokio::time::sleep(std::time::Duration::from_millis(3100)).await;
    let en_fields = vec![
        ("t", en_token.as_str()),
        ("categorie", "luisterend-oor"),
        ("onderwerp", "communicatie"),
        ("naam", "Anna"),
        ("email", "anna.en@example.nl"),
        ("bericht", "I would like to talk to someone."),
    ];
    let (status, body, _) = post_form(&app, "/en/oudersteunpunt/contact", &en_fields).await;
    assert_eq!(status, 200);
    assert!(body.contains("Your message has been sent"));
    let en_reference = reference_in(&body);
    let en_mail = mail_to(&app, "anna.en@example.nl", &en_reference).await;
    assert!(en_mail.contains("working days"));

    // The adviser sees the case in the caseload, and opens it.
    let list = adviser.get("/steunpunt").await;
    assert_eq!(list.status, 200);
    assert!(list.body.contains(&reference) && list.body.contains(NAME));
    assert!(list.body.contains("Wil teruggebeld worden"));
    let found = adviser
        .get(&format!("/steunpunt?q={}", &reference[4..]))
        .await;
    assert!(found.body.contains(&reference) && !found.body.contains(&en_reference));
    let row = &list.body[..list.body.find(&reference).unwrap()];
    let case_id = crate::support::number_after(
        &row[row.rfind("/steunpunt/zaken/").unwrap()..],
        "/steunpunt/zaken/",
    );
    let page = adviser.get(&format!("/steunpunt/zaken/{case_id}")).await;
    assert_eq!(page.status, 200);
    for s in [MESSAGE, PHONE, "dinsdag na drie uur", SCHOOL] {
        assert!(page.body.contains(s), "the case page lacks '{s}'");
    }
    let version = field_value(&page.body, "versie").unwrap();
    // A follow-up date that is no date: a message at the field, nothing saved.
    let bad = adviser
        .post(
            &format!("/steunpunt/zaken/{case_id}"),
            &[
                ("versie", &version),
                ("status", "in-behandeling"),
                ("adviseur", ""),
                ("opvolgen", "morgen"),
                ("categorie", "klacht"),
                ("onderwerp", "thuiszitten"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("bestaande datum"));
    let follow = crate::support::today() + chrono::Days::new(2);
    let saved = adviser
        .post(
            &format!("/steunpunt/zaken/{case_id}"),
            &[
                ("versie", &version),
                ("status", "in-behandeling"),
                ("adviseur", ""),
                ("opvolgen", &follow.format("%Y-%m-%d").to_string()),
                ("categorie", "klacht"),
                ("onderwerp", "thuiszitten"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303);
    assert!(saved.location.ends_with("gedaan=opgeslagen"));
    // Nobody chosen: whoever picks the case up has it.
    let page = adviser.get(&format!("/steunpunt/zaken/{case_id}")).await;
    assert!(page.body.contains("In behandeling"));
    assert!(
        page.body
            .contains(&format!("<option value=\"{adviser_id}\" selected>"))
    );
    // The old version again: someone else was first.
    colleague.get("/steunpunt").await;
    let stale = colleague
        .post(
            &format!("/steunpunt/zaken/{case_id}"),
            &[
                ("versie", &version),
                ("status", "afgerond"),
                ("adviseur", ""),
                ("opvolgen", ""),
                ("categorie", "klacht"),
                ("onderwerp", "thuiszitten"),
            ],
        )
        .await;
    assert!(stale.location.ends_with("gedaan=gewijzigd"));
    // A contact moment without whom: a message; then with.
    let note = adviser
        .post(
            &format!("/steunpunt/zaken/{case_id}/notities"),
            &[
                ("soort", "contact"),
                ("kanaal", "telefoon"),
                ("met", ""),
                ("notitie", "Teruggebeld; gesprek op school afgesproken."),
            ],
        )
        .await;
    assert_eq!(note.status, 422);
    assert!(note.body.contains("Vul in met wie u contact had"));
    assert!(
        note.body.contains("gesprek op school afgesproken"),
        "the note is kept"
    );
    let note = adviser
        .post(
            &format!("/steunpunt/zaken/{case_id}/notities"),
            &[
                ("soort", "contact"),
                ("kanaal", "telefoon"),
                ("met", "moeder"),
                ("notitie", "Teruggebeld; gesprek op school afgesproken."),
            ],
        )
        .await;
    assert_eq!(note.status, 303);
    let page = colleague.get(&format!("/steunpunt/zaken/{case_id}")).await;
    assert!(page.body.contains("Contact (Telefoon)") && page.body.contains("met moeder"));
    // The Oudersteunpunt's own log shows who looked and changed.
    assert!(page.body.contains("bekeken") && page.body.contains("contactmoment toegevoegd"));

    // An adviser adds a case that came in by phone.
    let added = adviser
        .post(
            "/steunpunt/nieuw",
            &[
                ("kanaal", "telefoon"),
                ("categorie", "vraag"),
                ("onderwerp", "aanmelding"),
                ("naam", "Bellende ouder"),
                ("telefoon", "06 1234 5678"),
                ("bericht", "Vraag over aanmelden bij een school."),
            ],
        )
        .await;
    assert_eq!(added.status, 303, "{}", added.body);
    assert!(added.location.contains("/steunpunt/zaken/"));

    // Nothing the advisers did, and nothing the parent sent, is in the audit trail.
    assert_eq!(audit_count(&db).await, audit_before);
    let log: i64 = passend_store::on_db!(&db, pool => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM steunpunt_log WHERE case_id = $1")
        .bind(case_id).fetch_one(pool).await).unwrap();
    assert!(log >= 5, "{log}");

    // The signalering: counts per theme and month; below five hidden.
    for n in 0..5 {
        phoned_case(&db, tenant, adviser_id, "ziekte", n).await;
    }
    // Only completed months count: the five move to last month, Petronella's stays in this one.
    let last_month = crate::support::today()
        .with_day(1)
        .unwrap()
        .checked_sub_months(chrono::Months::new(1))
        .unwrap();
    let at = passend_domain::time::start_of_day(last_month + chrono::Days::new(3));
    passend_store::on_db!(&db, pool => sqlx::query("UPDATE steunpunt_cases SET received_at = $1 WHERE theme = 'ziekte'")
        .bind(at).execute(pool).await.map(|_| ())).unwrap();
    for b in [&mut adviser, &mut beheerder] {
        let report = b.get("/steunpunt/signalering").await;
        assert_eq!(report.status, 200);
        let row = |theme: &str| {
            let at = report.body.find(theme).unwrap();
            let end = report.body[at..].find("</tr>").unwrap();
            report.body[at..at + end].to_owned()
        };
        assert!(
            row("Mijn kind is ziek").contains(">5<"),
            "{}",
            row("Mijn kind is ziek")
        );
        let hidden = row("Mijn kind zit thuis");
        assert!(
            hidden.contains("&lt; 5") || hidden.contains("&#60; 5"),
            "{hidden}"
        );
        assert!(!row("Mijn kind zit thuis").contains(">1<"));
        assert_hidden("the signalering", &report.body, &reference);
        // The running month is not in it, also when asked for.
        let this_month = crate::support::today().with_day(1).unwrap();
        let label = passend_web::texts::public::month_short(this_month);
        assert!(!report.body.contains(&label), "{label} is still running");
        let asked = b
            .get(&format!(
                "/steunpunt/signalering?tot={}",
                this_month.format("%Y-%m")
            ))
            .await;
        assert!(!asked.body.contains(&label));
        assert!(asked.body.contains("alleen afgesloten maanden tellen mee"));
        assert!(!report.body.contains("Ouder 1"));
        let (status, _, _, csv) = b.get_file("/steunpunt/signalering.csv").await;
        assert_eq!(status, 200);
        let csv = String::from_utf8(csv).unwrap();
        assert!(
            csv.contains("\"Mijn kind is ziek\"")
                && csv.contains("\"5\"")
                && csv.contains("\"< 5\"")
        );
        assert_hidden("the signalering CSV", &csv, &reference);
    }

    // Nobody else finds the case. 20 surfaces, for every other role.
    let case_path = format!("/steunpunt/zaken/{case_id}");
    let version_now: i64 = passend_store::on_db!(&db, pool => sqlx::query_scalar::<_, i64>("SELECT version FROM steunpunt_cases WHERE id = $1")
        .bind(case_id).fetch_one(pool).await).unwrap();
    let notes_now: i64 = passend_store::on_db!(&db, pool => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM steunpunt_notes")
        .fetch_one(pool).await).unwrap();
    let mut surfaces = 0;
    for (who, b) in [
        ("toeleider", &mut toeleider),
        ("beheerder", &mut beheerder),
        ("school", &mut school),
        ("deskundige", &mut expert),
        ("ouder", &mut parent),
    ] {
        // 1-5: the caseload, its search, the case, a case that does not exist, the intake form.
        for path in [
            "/steunpunt".to_owned(),
            format!("/steunpunt?q={reference}"),
            case_path.clone(),
            "/steunpunt/zaken/999999".to_owned(),
            "/steunpunt/nieuw".to_owned(),
        ] {
            let p = b.get(&path).await;
            assert_eq!(p.status, 404, "{who} {path}");
            assert_hidden(&format!("{who} {path}"), &p.body, &reference);
            surfaces += 1;
        }
        // 6-8: changing the case, adding a note, adding a case: refused, nothing changed.
        b.get("/account").await;
        for (path, fields) in [
            (
                case_path.clone(),
                vec![
                    ("versie", version_now.to_string()),
                    ("status", "afgerond".to_owned()),
                    ("categorie", "vraag".to_owned()),
                    ("onderwerp", "anders".to_owned()),
                ],
            ),
            (
                format!("{case_path}/notities"),
                vec![
                    ("soort", "notitie".to_owned()),
                    ("notitie", "ingebroken".to_owned()),
                ],
            ),
            (
                "/steunpunt/nieuw".to_owned(),
                vec![
                    ("categorie", "vraag".to_owned()),
                    ("onderwerp", "anders".to_owned()),
                    ("naam", "x".to_owned()),
                    ("telefoon", "0612345678".to_owned()),
                    ("bericht", "x".to_owned()),
                ],
            ),
        ] {
            let p = b.post_pairs(&path, &fields).await;
            assert_eq!(p.status, 404, "{who} POST {path}");
            surfaces += 1;
        }
        // 9: the signalering is for advisers and the beheerder (for the board) only.
        let p = b.get("/steunpunt/signalering").await;
        assert_eq!(
            p.status,
            if who == "beheerder" { 200 } else { 404 },
            "{who}"
        );
        assert_hidden(who, &p.body, &reference);
        surfaces += 1;
        // 10: their own start page and menu.
        let p = b.get("/account").await;
        assert_hidden(&format!("{who} /account"), &p.body, &reference);
        assert!(
            !p.body.contains("href=\"/steunpunt\""),
            "{who} has no caseload link"
        );
        surfaces += 1;
    }
    assert_eq!(
        passend_store::on_db!(&db, pool => sqlx::query_scalar::<_, i64>("SELECT version FROM steunpunt_cases WHERE id = $1")
            .bind(case_id).fetch_one(pool).await).unwrap(),
        version_now
    );
    assert_eq!(
        passend_store::on_db!(&db, pool => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM steunpunt_notes")
            .fetch_one(pool).await).unwrap(),
        notes_now
    );
    // 11-13: the beheerder's audit viewer (list, filtered, CSV export).
    for path in [
        "/beheer/audit".to_owned(),
        "/beheer/audit?actie=read".to_owned(),
        format!("/beheer/audit?object={case_id}"),
    ] {
        let p = beheerder.get(&path).await;
        assert_eq!(p.status, 200, "{path}");
        assert_hidden(&path, &p.body, &reference);
        assert!(!p.body.contains("steunpunt-zaak"), "{path}");
        surfaces += 1;
    }
    let (_, _, _, csv) = beheerder.get_file("/beheer/audit.csv").await;
    let csv = String::from_utf8_lossy(&csv).to_string();
    assert_hidden("the audit CSV", &csv, &reference);
    surfaces += 1;
    // 14-15: the mail queue (list and the counts on the dashboard) neither lists nor counts the
    // Oudersteunpunt's mails; a beheerder cannot put one back either.
    let queue = beheerder.get("/beheer/e-mail").await;
    assert_hidden("the mail queue", &queue.body, &reference);
    for subject in [
        "Nieuwe vraag bij het Oudersteunpunt",
        "Uw bericht aan het Oudersteunpunt",
        "Your message",
    ] {
        assert!(
            !queue.body.contains(subject),
            "the mail queue lists '{subject}'"
        );
    }
    assert!(!queue.body.contains("anna.en@example.nl"));
    surfaces += 1;
    let dashboard = beheerder.get("/beheer").await;
    let counts = |html: &str| -> String {
        let at = html.find(" wachten, ").expect("the mail counts");
        let start = html[..at].rfind('>').unwrap();
        let end = html[at..].find("mislukt.").unwrap();
        html[start..at + end].to_owned()
    };
    assert_eq!(
        counts(&dashboard.body),
        counts(&queue_before),
        "the dashboard counts changed"
    );
    surfaces += 1;
    let confidential: i64 = passend_store::on_db!(&db, pool => sqlx::query_scalar::<_, i64>("SELECT MIN(id) FROM email_outbox WHERE to_address = $1")
        .bind(EMAIL).fetch_one(pool).await).unwrap();
    passend_store::on_db!(&db, pool => sqlx::query("UPDATE email_outbox SET status = 'failed' WHERE id = $1")
        .bind(confidential).execute(pool).await.map(|_| ())).unwrap();
    beheerder.get("/beheer/e-mail").await;
    let retry = beheerder
        .post(&format!("/beheer/e-mail/{confidential}/opnieuw"), &[])
        .await;
    let status: String = passend_store::on_db!(&db, pool => sqlx::query_scalar::<_, String>("SELECT status FROM email_outbox WHERE id = $1")
        .bind(confidential).fetch_one(pool).await).unwrap();
    assert_eq!(
        status, "failed",
        "a beheerder put a confidential mail back ({})",
        retry.status
    );
    surfaces += 1;
    // A beheerder cannot make anyone an ouderadviseur (and so read the cases).
    beheerder.get("/beheer/gebruikers/nieuw").await;
    let made = beheerder
        .post(
            "/beheer/gebruikers/nieuw",
            &[
                ("email", "nieuwsgierig@swv.nl"),
                ("naam", "Nieuwsgierig"),
                ("rol", "ouderadviseur"),
            ],
        )
        .await;
    assert_eq!(made.status, 422);
    assert!(made.body.contains("Een beheerder kan deze rol niet geven"));
    let (toeleider_id, _) = crate::support::ready_user(
        &app,
        tenant,
        "ander@swv.nl",
        Role::Toeleider,
        &[],
        "een zin voor de test",
        true,
    )
    .await;
    beheerder
        .get(&format!("/beheer/gebruikers/{toeleider_id}"))
        .await;
    let changed = beheerder
        .post(
            &format!("/beheer/gebruikers/{toeleider_id}"),
            &[("naam", "Ander"), ("rol", "ouderadviseur")],
        )
        .await;
    assert_eq!(changed.status, 422);
    let role: String = passend_store::on_db!(&db, pool => sqlx::query_scalar::<_, String>("SELECT role FROM users WHERE id = $1")
        .bind(toeleider_id).fetch_one(pool).await).unwrap();
    assert_eq!(role, "toeleider");
    // 16: the user list names the advisers, but nothing of their cases.
    let users = beheerder.get("/beheer/gebruikers").await;
    assert_hidden("the user list", &users.body, &reference);
    surfaces += 1;
    // 17-20: the toeleider's queue, register, CSV and the zorgplicht overviews.
    for path in [
        "/swv/aanvragen",
        "/swv/tlv",
        "/swv/zorgplicht",
        "/swv/thuiszitters",
    ] {
        let p = toeleider.get(path).await;
        assert_eq!(p.status, 200, "{path}");
        assert_hidden(path, &p.body, &reference);
        surfaces += 1;
    }
    let (_, _, _, csv) = toeleider.get_file("/swv/tlv.csv").await;
    assert_hidden("the TLV CSV", &String::from_utf8_lossy(&csv), &reference);
    let (_, _, _, csv) = toeleider.get_file("/swv/thuiszitters/inspectie.csv").await;
    assert_hidden(
        "the Inspectie CSV",
        &String::from_utf8_lossy(&csv),
        &reference,
    );
    surfaces += 2;
    // The school's lists and search, the expert's list, the parent's portal, the public site.
    for (who, path) in [
        ("school", "/leerlingen?q=Petronella"),
        ("school", "/school/zorgplicht"),
        ("school", "/school"),
        ("deskundige", "/adviezen"),
        ("ouder", "/ouders"),
    ] {
        let b = match who {
            "school" => &mut school,
            "deskundige" => &mut expert,
            _ => &mut parent,
        };
        let p = b.get(path).await;
        assert_eq!(p.status, 200, "{path}");
        assert_hidden(path, &p.body, &reference);
        surfaces += 1;
    }
    for path in ["/oudersteunpunt", "/kaart?q=Vertrouwelijke", "/healthz"] {
        let (_, body) = app.text(path).await;
        assert_hidden(path, &body, &reference);
        surfaces += 1;
    }
    // Mails: nothing about the case reached anyone but the parent and the advisers.
    for mail in all_mails(&app) {
        let to_adviser =
            mail.contains("To: adviseur@swv.nl") || mail.contains("To: adviseur2@swv.nl");
        let to_parent =
            mail.contains(&format!("To: {EMAIL}")) || mail.contains("To: anna.en@example.nl");
        if !to_adviser && !to_parent {
            assert!(
                !mail.contains("Subject: Nieuwe vraag bij het Oudersteunpunt"),
                "a mail about a case went to someone else:\n{mail}"
            );
            assert_hidden("a mail", &mail, &reference);
        }
    }
    surfaces += 1;
    assert_eq!(surfaces, 73, "every surface was checked");
}

#[tokio::test]
async fn the_contact_form_refuses_robots_and_floods_without_a_captcha() {
    let app = TestApp::spawn().await;
    let db = app.server().db.clone();
    let key = passend_store::steunpunt::site_key(&db, "oudersteunpunt-formulier")
        .await
        .unwrap();
    let now = chrono::Utc::now().timestamp();
    let token_at = |at: i64| {
        passend_domain::steunpunt::form_token(
            key.as_bytes(),
            at,
            &uuid::Uuid::new_v4().simple().to_string(),
        )
    };
    // Posted from another site: refused.
    let r = crate::support::http_client()
        .post(format!("{}/oudersteunpunt/contact", app.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "cross-site")
        .body("t=x")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    // A token signed with another key, or changed, is refused; the text stays.
    let forged = passend_domain::steunpunt::form_token(
        b"een andere sleutel",
        now - 60,
        "0123456789abcdef0123456789abcdef",
    );
    let (status, body, _) = post_form(
        &app,
        "/oudersteunpunt/contact",
        &contact_fields(&forged, MESSAGE),
    )
    .await;
    assert_eq!(status, 200);
    assert!(body.contains("Het formulier was verlopen") && body.contains("Bartholomeus"));
    // A day-old form too.
    let old = token_at(now - 25 * 3600);
    let (_, body, _) = post_form(
        &app,
        "/oudersteunpunt/contact",
        &contact_fields(&old, MESSAGE),
    )
    .await;
    assert!(body.contains("Het formulier was verlopen"));
    assert_eq!(case_count(&db).await, 0);
    // Five an hour from one address; the sixth waits, with the text kept.
    for n in 0..5 {
        let t = token_at(now - 60 - n);
        let (status, body, _) = post_form(
            &app,
            "/oudersteunpunt/contact",
            &contact_fields(&t, MESSAGE),
        )
        .await;
        assert_eq!(status, 200, "{n}: {body}");
        assert!(body.contains("Uw bericht is verstuurd"));
    }
    let t = token_at(now - 70);
    let (status, body, retry) = post_form(
        &app,
        "/oudersteunpunt/contact",
        &contact_fields(&t, MESSAGE),
    )
    .await;
    assert_eq!(status, 429);
    assert_eq!(retry.as_deref(), Some("3600"));
    assert!(body.contains("Probeer het over een uur opnieuw") && body.contains("Bartholomeus"));
    assert_eq!(case_count(&db).await, 5);
    // A body that is too large is refused before it is read.
    let huge = "x".repeat(70 * 1024);
    let (status, _, _) = post_form(
        &app,
        "/oudersteunpunt/contact",
        &contact_fields(&token_at(now - 80), &huge),
    )
    .await;
    assert_eq!(status, 413);
    // Retention: a case closed longer ago than the term goes, with its notes; the log keeps a
    // line; cases in use stay.
    passend_store::on_db!(&db, pool => sqlx::query("UPDATE steunpunt_cases SET status = 'afgerond', closed_at = $1 WHERE id = (SELECT MIN(id) FROM steunpunt_cases)")
        .bind(chrono::Utc::now() - chrono::Duration::days(800)).execute(pool).await.map(|_| ())).unwrap();
    // An open case nobody touched in the term goes too.
    passend_store::on_db!(&db, pool => sqlx::query("UPDATE steunpunt_cases SET updated_at = $1 WHERE id = (SELECT MAX(id) FROM steunpunt_cases)")
        .bind(chrono::Utc::now() - chrono::Duration::days(800)).execute(pool).await.map(|_| ())).unwrap();
    assert_eq!(
        passend::retention::steunpunt_once(&db, 24).await.unwrap(),
        2
    );
    assert_eq!(case_count(&db).await, 3);
    let deleted: i64 = passend_store::on_db!(&db, pool => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM steunpunt_log WHERE action = 'delete'")
        .fetch_one(pool).await).unwrap();
    assert_eq!(deleted, 2);
    // The log's chain verifies; `passend audit verify` checks it too.
    let v = passend_store::steunpunt::verify_log(&db).await.unwrap();
    assert_eq!(v.problem, None);
    assert_eq!(v.checked, 7, "five cases made, two removed");
    // The log cannot be changed.
    let changed = passend_store::on_db!(&db, pool => sqlx::query("UPDATE steunpunt_log SET detail = 'x'").execute(pool).await.map(|_| ()));
    assert!(changed.is_err(), "steunpunt_log is append-only");
    // Changed behind the application's back (the trigger removed), the chain shows where.
    match &db {
        passend_store::Db::Sqlite(pool) => {
            sqlx::query("DROP TRIGGER steunpunt_log_no_update")
                .execute(pool)
                .await
                .unwrap();
            sqlx::query("UPDATE steunpunt_log SET detail = 'x' WHERE id = 3")
                .execute(pool)
                .await
                .unwrap();
        }
        passend_store::Db::Postgres(pool) => {
            sqlx::query("ALTER TABLE steunpunt_log DISABLE TRIGGER USER")
                .execute(pool)
                .await
                .unwrap();
            sqlx::query("UPDATE steunpunt_log SET detail = 'x' WHERE id = 3")
                .execute(pool)
                .await
                .unwrap();
        }
    }
    let v = passend_store::steunpunt::verify_log(&db).await.unwrap();
    assert_eq!(v.problem.map(|p| p.0), Some(3));
    assert_eq!(v.checked, 2);
}

#[tokio::test]
async fn the_signalering_per_quarter_and_year_never_gives_a_hidden_count_away() {
    let app = TestApp::spawn().await;
    let db = app.server().db.clone();
    let tenant = tenant_id(&app).await;
    let (adviser, mut b) = user(&app, tenant, "adviseur@osp.nl", Role::Ouderadviseur, &[]).await;
    // "Extra ondersteuning": January 5, February 1, March 6; April 5, May 1, June 2 (2025).
    let mut n = 0u8;
    for (month, count) in [(1, 5), (2, 1), (3, 6), (4, 5), (5, 1), (6, 2)] {
        for _ in 0..count {
            n += 1;
            let id = phoned_case(&db, tenant, adviser, "ondersteuning", n).await;
            let day = chrono::NaiveDate::from_ymd_opt(2025, month, 10).unwrap();
            passend_store::on_db!(&db, pool => sqlx::query("UPDATE steunpunt_cases SET received_at = $1 WHERE id = $2")
                .bind(passend_domain::time::start_of_day(day)).bind(id).execute(pool).await.map(|_| ())).unwrap();
        }
    }
    let row = |body: &str, theme: &str| -> Vec<String> {
        let at = body.find(theme).unwrap();
        let end = body[at..].find("</tr>").unwrap();
        body[at..at + end]
            .split("<td class=\"utrecht-table__cell\">")
            .skip(1)
            .map(|c| {
                c.split('<')
                    .next()
                    .unwrap()
                    .replace("&lt;", "<")
                    .replace("&#60;", "<")
            })
            .collect()
    };
    let theme = "Extra ondersteuning op school";
    // Per month: the counts of five or more, the rest hidden; the total rounded.
    let months = b
        .get("/steunpunt/signalering?van=2025-01&tot=2025-06")
        .await;
    assert_eq!(
        row(&months.body, theme),
        ["5", "< 5", "6", "5", "< 5", "< 5", "ca. 20"]
    );
    // Per quarter: 12 in the first quarter would give February's 1 away (12 - 5 - 6), so it is
    // hidden; the second quarter holds two hidden months and is rounded.
    let quarters = b
        .get("/steunpunt/signalering?van=2025-01&tot=2025-06&per=kwartaal")
        .await;
    assert_eq!(quarters.status, 200);
    assert!(
        quarters.body.contains(">K1 2025<") && quarters.body.contains(">K2 2025<"),
        "{}",
        quarters.body
    );
    assert_eq!(row(&quarters.body, theme), ["< 5", "ca. 10", "ca. 20"]);
    // Per year: the part of 2025 asked for is named, and rounded.
    let year = b
        .get("/steunpunt/signalering?van=2025-01&tot=2025-06&per=jaar")
        .await;
    assert!(
        year.body.contains("2025 (jan 2025 t/m jun 2025)"),
        "{}",
        year.body
    );
    assert_eq!(row(&year.body, theme), ["ca. 20", "ca. 20"]);
    // No view shows the exact 12 of the first quarter, or a 1 or a 2.
    for page in [&months.body, &quarters.body, &year.body] {
        let cells = row(page, theme);
        assert!(
            !cells.iter().any(|c| c == "12" || c == "1" || c == "2"),
            "{cells:?}"
        );
    }
    let (status, _, _, csv) = b
        .get_file("/steunpunt/signalering.csv?van=2025-01&tot=2025-06&per=kwartaal")
        .await;
    assert_eq!(status, 200);
    let csv = String::from_utf8(csv).unwrap();
    assert!(
        csv.contains("\"K1 2025\"") && csv.contains("\"ca. 10\""),
        "{csv}"
    );
}
