//! Meetings through HTTP: planned with a calendar file, moved and cancelled with a reason (the
//! calendar files parsed: same UID, rising SEQUENCE, REQUEST then CANCEL), the parents' tracker
//! following, a stale form refused, and a decision that cancels a meeting still to come.

use crate::support::*;
use chrono::Days;
use passend_store::casework as cw;

/// The calendar file in a mail: its properties, unfolded (7bit or quoted-printable parts).
fn calendar_of(mail: &str) -> Vec<(String, String)> {
    let at = mail
        .find("Content-Type: text/calendar")
        .unwrap_or_else(|| panic!("no calendar file in {mail}"));
    let part = &mail[at..];
    let body_at = part.find("\r\n\r\n").map(|i| i + 4).unwrap();
    let headers = &part[..body_at];
    assert!(
        !headers.contains("base64"),
        "an ASCII calendar file is sent readable: {headers}"
    );
    let body = &part[body_at..];
    let body = &body[..body.find("\r\n--").unwrap_or(body.len())];
    let unfolded = body.replace("\r\n ", "");
    unfolded
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (k, v) = l.split_once(':').unwrap_or((l, ""));
            (k.to_owned(), v.to_owned())
        })
        .collect()
}

fn prop<'a>(cal: &'a [(String, String)], name: &str) -> &'a str {
    cal.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {name} in {cal:?}"))
}

/// Every mail in the folder to `to` that contains `text`.
fn mails(app: &TestApp, to: &str, text: &str) -> Vec<String> {
    std::fs::read_dir(&app.config.mail_dir)
        .unwrap()
        .flatten()
        .map(|e| {
            std::fs::read_to_string(e.path())
                .unwrap_or_default()
                .replace("=\r\n", "")
                .replace("=3D", "=")
        })
        .filter(|m| m.contains(&format!("To: {to}")) && m.contains(text))
        .collect()
}

/// Posts a meeting's move-or-cancel form: the version read, the action and its fields (`datum`,
/// `tijd`, `plaats`, `reden`), named as the page names them for meeting `m`.
async fn change(
    b: &mut Browser,
    request: i64,
    m: i64,
    (version, action): (&str, &str),
    fields: &[(&str, String)],
) -> Page {
    let mut form = vec![
        ("versie".to_owned(), version.to_owned()),
        (format!("overleg-{m}-actie"), action.to_owned()),
    ];
    form.extend(
        fields
            .iter()
            .map(|(k, v)| (format!("overleg-{m}-{k}"), v.clone())),
    );
    let pairs: Vec<(&str, String)> = form.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    b.post_pairs(&format!("/aanvragen/{request}/overleg/{m}"), &pairs)
        .await
}

fn ymd(d: chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

#[tokio::test]
async fn a_meeting_is_moved_and_cancelled_and_every_calendar_follows() {
    let app = TestApp::spawn().await;
    let db = app.server().db.clone();
    let Followed {
        mut school,
        mut swv,
        mut ouder,
        request,
        ..
    } = followed(&app).await;
    let path = format!("/aanvragen/{request}");

    // Planned: the parent's invitation says the day in words and carries a REQUEST.
    let day = today() + Days::new(7);
    swv.get(&path).await;
    let planned = swv
        .post_pairs(
            &format!("{path}/overleg"),
            &[
                ("overleg-soort", "mdo".to_owned()),
                ("overleg-datum", ymd(day)),
                ("overleg-tijd", "14:30".to_owned()),
                ("overleg-plaats", "De school, lokaal 3".to_owned()),
                ("aanwezig", "ouders".to_owned()),
                ("aanwezig", "ib".to_owned()),
            ],
        )
        .await;
    assert_eq!(planned.status, 303, "{}", planned.body);
    let invitation = mail_to(&app, "een@example.nl", "Uitnodiging voor een overleg").await;
    assert!(invitation.contains("14.30 uur"), "{invitation}");
    assert!(!invitation.contains("Mila"), "no pupil data: {invitation}");
    let cal = calendar_of(&invitation);
    assert_eq!(prop(&cal, "METHOD"), "REQUEST");
    assert_eq!(prop(&cal, "SEQUENCE"), "0");
    assert_eq!(prop(&cal, "LOCATION"), "De school\\, lokaal 3");
    let uid = prop(&cal, "UID").to_owned();
    let start = passend_domain::time::from_local(day.and_hms_opt(14, 30, 0).unwrap());
    assert_eq!(
        prop(&cal, "DTSTART"),
        start.format("%Y%m%dT%H%M%SZ").to_string()
    );
    // The school's staff member is invited too.
    mail_to(&app, "ib@a.nl", "Uitnodiging voor een overleg").await;
    let tracker = ouder.get(&format!("/ouders/aanvragen/{request}")).await;
    assert!(
        tracker.body.contains("14.30 uur, De school, lokaal 3"),
        "{}",
        tracker.body
    );

    let meeting = cw::meetings(&db, request).await.unwrap()[0].clone();
    let m = meeting.id;
    let change_path = format!("{path}/overleg/{m}");
    // A move without a reason is refused at the field, the input kept.
    swv.get(&path).await;
    let moved_day = today() + Days::new(8);
    let refused = change(
        &mut swv,
        request,
        m,
        ("0", "verzetten"),
        &[
            ("datum", ymd(moved_day)),
            ("tijd", "15:00".to_owned()),
            ("plaats", "Online".to_owned()),
            ("reden", String::new()),
        ],
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused
            .body
            .contains("Schrijf op waarom het overleg verandert")
    );
    assert!(
        refused.body.contains(&format!(
            "id=\"overleg-{m}-plaats\" name=\"overleg-{m}-plaats\" value=\"Online\""
        )),
        "{}",
        refused.body
    );
    // Moved: same UID, SEQUENCE 1, the new moment, the reason.
    let moved = change(
        &mut swv,
        request,
        m,
        ("0", "verzetten"),
        &[
            ("datum", ymd(moved_day)),
            ("tijd", "15:00".to_owned()),
            ("plaats", "Online".to_owned()),
            ("reden", "De school is die dag dicht".to_owned()),
        ],
    )
    .await;
    assert_eq!(moved.status, 303, "{}", moved.body);
    let mail = mail_to(&app, "een@example.nl", "Overleg verzet").await;
    assert!(mail.contains("Reden: De school is die dag dicht"), "{mail}");
    let cal = calendar_of(&mail);
    assert_eq!(prop(&cal, "METHOD"), "REQUEST");
    assert_eq!(prop(&cal, "UID"), uid);
    assert_eq!(prop(&cal, "SEQUENCE"), "1");
    let new_start = passend_domain::time::from_local(moved_day.and_hms_opt(15, 0, 0).unwrap());
    assert_eq!(
        prop(&cal, "DTSTART"),
        new_start.format("%Y%m%dT%H%M%SZ").to_string()
    );
    assert_eq!(prop(&cal, "LOCATION"), "Online");
    let tracker = ouder.get(&format!("/ouders/aanvragen/{request}")).await;
    assert!(
        tracker.body.contains("15.00 uur, Online"),
        "{}",
        tracker.body
    );
    assert!(
        tracker
            .body
            .contains("Dit gesprek is verzet. Reden: De school is die dag dicht")
    );

    // The form read before the move is stale: nothing changes, nobody is mailed again.
    let stale = change(
        &mut swv,
        request,
        m,
        ("0", "afzeggen"),
        &[("reden", "Oude pagina".to_owned())],
    )
    .await;
    assert_eq!(stale.status, 303);
    assert!(
        stale.location.ends_with("gedaan=gewijzigd"),
        "{}",
        stale.location
    );
    assert!(
        cw::meetings(&db, request).await.unwrap()[0]
            .cancelled_at
            .is_none()
    );

    // Cancelled: CANCEL with the same UID and SEQUENCE 2; the tracker keeps it as cancelled.
    swv.get(&path).await;
    let cancelled = change(
        &mut swv,
        request,
        m,
        ("1", "afzeggen"),
        &[("reden", "Het overleg is niet meer nodig".to_owned())],
    )
    .await;
    assert_eq!(cancelled.status, 303, "{}", cancelled.body);
    let mail = mail_to(&app, "een@example.nl", "Overleg gaat niet door").await;
    let cal = calendar_of(&mail);
    assert_eq!(prop(&cal, "METHOD"), "CANCEL");
    assert_eq!(prop(&cal, "STATUS"), "CANCELLED");
    assert_eq!(prop(&cal, "UID"), uid);
    assert_eq!(prop(&cal, "SEQUENCE"), "2");
    let tracker = ouder.get(&format!("/ouders/aanvragen/{request}")).await;
    assert!(
        tracker
            .body
            .contains("Dit gesprek gaat niet door. Reden: Het overleg is niet meer nodig"),
        "{}",
        tracker.body
    );
    let page = swv.get(&path).await;
    assert!(page.body.contains("Gaat niet door."), "{}", page.body);
    assert!(
        !page.body.contains(&format!("action=\"{change_path}\"")),
        "a cancelled meeting has no form"
    );
    assert_eq!(
        mails(&app, "een@example.nl", "BEGIN:VCALENDAR").len(),
        3,
        "invitation, move, cancellation"
    );

    // Only toeleiding moves meetings.
    school.get(&path).await;
    let refused = school
        .post(
            &change_path,
            &[("versie", "2"), (&format!("overleg-{m}-actie"), "afzeggen")],
        )
        .await;
    assert_eq!(refused.status, 404);
}

#[tokio::test]
async fn a_decision_cancels_a_meeting_still_to_come_and_tells_the_parents() {
    let app = TestApp::spawn().await;
    let db = app.server().db.clone();
    let Followed {
        mut swv,
        mut ouder,
        request,
        ..
    } = followed(&app).await;
    let path = format!("/aanvragen/{request}");
    swv.get(&path).await;
    let planned = swv
        .post_pairs(
            &format!("{path}/overleg"),
            &[
                ("overleg-soort", "mdo".to_owned()),
                ("overleg-datum", ymd(today() + Days::new(7))),
                ("overleg-tijd", "09:00".to_owned()),
                ("overleg-plaats", "De school".to_owned()),
                ("aanwezig", "ouders".to_owned()),
            ],
        )
        .await;
    assert_eq!(planned.status, 303, "{}", planned.body);
    let invitation = mail_to(&app, "een@example.nl", "Uitnodiging voor een overleg").await;
    let uid = prop(&calendar_of(&invitation), "UID").to_owned();

    let page = swv.get(&path).await;
    assert!(
        page.body.contains("er is nog een overleg gepland"),
        "{}",
        page.body
    );
    let decided = swv
        .post_pairs(
            &format!("{path}/besluit"),
            &[
                ("uitkomst", "ja".to_owned()),
                ("start", ymd(today())),
                ("einde", ymd(today() + Days::new(180))),
                (
                    "motivering",
                    "Het arrangement past bij wat de leerling nodig heeft.".to_owned(),
                ),
            ],
        )
        .await;
    assert_eq!(decided.status, 303, "{}", decided.body);
    let meetings = cw::meetings(&db, request).await.unwrap();
    assert!(
        meetings[0].cancelled_at.is_some(),
        "the decision cancelled the meeting"
    );
    let mail = mail_to(&app, "een@example.nl", "Overleg gaat niet door").await;
    assert!(
        mail.contains("Er is een besluit genomen over de aanvraag."),
        "{mail}"
    );
    let cal = calendar_of(&mail);
    assert_eq!(prop(&cal, "METHOD"), "CANCEL");
    assert_eq!(prop(&cal, "UID"), uid);
    assert_eq!(prop(&cal, "SEQUENCE"), "1");
    let tracker = ouder.get(&format!("/ouders/aanvragen/{request}")).await;
    assert!(
        tracker.body.contains(
            "Dit gesprek gaat niet door. Reden: Er is een besluit genomen over de aanvraag."
        ),
        "{}",
        tracker.body
    );
}
