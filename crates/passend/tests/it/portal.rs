//! The parents' portal through HTTP: the school invites a parent with gezag, the parent makes an
//! account and lands on the portal, the school shares a concept, the parent reads it, gives a
//! zienswijze (refused first at the field, input kept) and signs; consent to an OPP version;
//! the parent's own document; every stage mailed without pupil data; after the decision the
//! letter and the bezwaar information; who has access and who looked. Then the matrix: another
//! parent's or another child's data is never visible.

use crate::support::*;
use chrono::Days;
use passend_domain::accounts::Role;
use passend_store::casework::{self as cw};
use passend_store::portal;

/// The id in a hidden field of the page.
fn hidden(html: &str, name: &str) -> String {
    field_value(html, name).unwrap_or_else(|| panic!("no field {name} in {html}"))
}

#[tokio::test]
async fn a_parent_follows_the_request_from_invitation_to_the_letter() {
    let app = TestApp::spawn().await;
    let db = app.server().db.clone();
    let tenant = tenant_id(&app).await;
    let bo = two_primary_schools(&db).await;
    let school_a = &bo[0];
    let (_, mut school) = school_user(&app, tenant, "ib@school-a.nl", school_a.id).await;
    let (toeleider_id, mut swv) =
        user(&app, tenant, "toeleider@swv.nl", Role::Toeleider, &[]).await;
    let (ortho, _) = user(&app, tenant, "ortho@swv.nl", Role::Deskundige, &[]).await;
    let (arts, _) = user(&app, tenant, "arts@swv.nl", Role::Deskundige, &[]).await;

    // The school adds a pupil with two parents with gezag.
    school.get("/leerlingen/nieuw").await;
    let birth = today().checked_sub_days(Days::new(9 * 365)).unwrap();
    let made = school
        .post_pairs(
            "/leerlingen/nieuw",
            &[
                ("locatie", school_a.id.to_string()),
                ("voornaam", "Noor".to_owned()),
                ("achternaam", "Portaaltest".to_owned()),
                ("geboortedatum", birth.format("%Y-%m-%d").to_string()),
                ("groep", "6".to_owned()),
                ("ouder1-naam", "Fatima El Amrani".to_owned()),
                ("ouder1-relatie", "moeder".to_owned()),
                ("ouder1-gezag", "ja".to_owned()),
                ("ouder1-email", "Fatima@Example.nl".to_owned()),
                ("ouder1-telefoon", "036 123 45 67".to_owned()),
                ("ouder2-naam", "Joost de Vries".to_owned()),
                ("ouder2-relatie", "vader".to_owned()),
                ("ouder2-gezag", "ja".to_owned()),
                ("ouder2-email", "joost@example.nl".to_owned()),
                ("ouder2-telefoon", "".to_owned()),
            ],
        )
        .await;
    assert_eq!(made.status, 303, "{}", made.body);
    let pupil = id_after(&made.location, "/leerlingen/");

    // 1. The school invites the mother; the dossier says so; the mail holds a link, no names.
    let dossier = school.get(&format!("/leerlingen/{pupil}")).await;
    assert!(dossier.body.contains("Ouderportaal: nog geen toegang"));
    // A page from before the parents' data changed acts on nobody.
    let stale = school
        .post(
            &format!("/leerlingen/{pupil}/ouders/1/uitnodigen"),
            &[("email", "iemand-anders@example.nl")],
        )
        .await;
    assert!(
        stale.location.contains("ouder-gewijzigd"),
        "{}",
        stale.location
    );
    let invited = school
        .post(
            &format!("/leerlingen/{pupil}/ouders/1/uitnodigen"),
            &[("email", "Fatima@Example.nl")],
        )
        .await;
    assert_eq!(
        invited.location,
        format!("/leerlingen/{pupil}?gedaan=ouder-uitgenodigd#ouderportaal")
    );
    let dossier = school.get(&format!("/leerlingen/{pupil}")).await;
    assert!(
        dossier.body.contains("Ouderportaal: uitgenodigd op"),
        "{}",
        dossier.body
    );
    let mail = mail_to(&app, "fatima@example.nl", "/uitnodiging/").await;
    assert!(mail.contains("ouderportaal") && mail.contains("parents' portal"));
    assert!(
        !mail.contains("Noor") && !mail.contains("Portaaltest"),
        "{mail}"
    );
    let path = link_in(&mail, "http://127.0.0.1/uitnodiging/");

    // 2. The parent makes an account (no second factor needed) and lands on the portal.
    let mut parent = Browser::new(&app);
    let form = parent.get(&path).await;
    assert!(form.body.contains("Fatima El Amrani"), "{}", form.body);
    let done = parent
        .post(
            &path,
            &[
                ("wachtwoord", "ouder van noor 2026"),
                ("herhaling", "ouder van noor 2026"),
            ],
        )
        .await;
    assert_eq!((done.status, done.location.as_str()), (303, "/ouders"));
    let home = parent.get("/ouders").await;
    assert_eq!(home.status, 200);
    assert!(home.body.contains("Noor Portaaltest"));
    assert!(home.body.contains("Er is nog geen aanvraag met u gedeeld."));
    // The parent's own way back to the portal after signing in again.
    assert_eq!(parent.get("/inloggen").await.location, "/ouders");

    // 3. A concept stays the school's until it is shared.
    let new = school
        .post(
            &format!("/leerlingen/{pupil}/aanvragen/nieuw"),
            &[
                ("soort", "tlv-sbo"),
                ("vraag", "Noor heeft een kleinere groep nodig."),
            ],
        )
        .await;
    assert_eq!(new.status, 303, "{}", new.body);
    let request = id_after(&new.location, "/aanvragen/");
    assert_eq!(
        parent
            .get(&format!("/ouders/aanvragen/{request}"))
            .await
            .status,
        404
    );
    let page = school.get(&format!("/aanvragen/{request}")).await;
    assert!(page.body.contains("Aanvraag delen met de ouders"));
    let version = hidden(&page.body, "versie");
    // A date in the past is refused at the field, the date kept.
    let past = school
        .post(
            &format!("/aanvragen/{request}/delen"),
            &[("versie", &version), ("reageren-voor", "2020-01-01")],
        )
        .await;
    assert_eq!(past.status, 422);
    assert!(past.body.contains("Kies een datum na vandaag"));
    assert!(past.body.contains("value=\"2020-01-01\""));
    let shared = school
        .post(
            &format!("/aanvragen/{request}/delen"),
            &[("versie", &version), ("reageren-voor", "")],
        )
        .await;
    assert_eq!(
        shared.location,
        format!("/aanvragen/{request}?gedaan=gedeeld#delen")
    );
    let due = passend_domain::portal::respond_by(today(), 14);
    let mail = mail_to(&app, "fatima@example.nl", "Nieuwe stap").await;
    assert!(
        mail.contains(&format!("/ouders/aanvragen/{request}")),
        "{mail}"
    );
    assert!(mail.contains(&long(due)), "{mail}");
    assert!(
        !mail.contains("Noor") && !mail.contains("kleinere groep"),
        "{mail}"
    );

    // 4. The tracker: the step, the date, the snapshot, the contact.
    let tracker = parent.get(&format!("/ouders/aanvragen/{request}")).await;
    assert_eq!(tracker.status, 200);
    for text in [
        "De school maakt de aanvraag klaar en vraagt uw mening.",
        "Uw mening graag vóór",
        &long(due),
        "Noor heeft een kleinere groep nodig.",
        "aria-current=\"step\"",
        "Er is nog geen contactpersoon bij het samenwerkingsverband.",
        "Oudersteunpunt",
    ] {
        assert!(tracker.body.contains(text), "{text}: {}", tracker.body);
    }
    // One ordered path: read, view (with its date), sign; nothing done yet.
    let path = |body: &str| -> Vec<String> {
        let at = body.find("class=\"passend-path\"").unwrap();
        let end = body[at..].find("</ol>").unwrap();
        body[at..at + end]
            .split("<li")
            .skip(1)
            .map(|li| {
                li.split("<strong>")
                    .nth(1)
                    .unwrap()
                    .split('<')
                    .next()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    };
    assert_eq!(path(&tracker.body), ["nog te doen"; 3]);
    let order = [
        "href=\"#gelezen-kop\"",
        "href=\"#zienswijze-kop\"",
        "href=\"#tekenen-kop\"",
    ]
    .map(|a| tracker.body.find(a).unwrap());
    assert!(
        order[0] < order[1] && order[1] < order[2],
        "read, view, sign in that order"
    );
    assert!(
        tracker
            .body
            .contains(&format!("Geef uw mening vóór {}", long(due)))
    );
    let share = hidden(&tracker.body, "deel");
    let read = parent
        .post(
            &format!("/ouders/aanvragen/{request}/gelezen"),
            &[("deel", &share)],
        )
        .await;
    assert_eq!(read.status, 303);
    let tracker = parent.get(&format!("/ouders/aanvragen/{request}")).await;
    assert_eq!(
        path(&tracker.body),
        ["gedaan", "nog te doen", "nog te doen"]
    );
    // A zienswijze without an answer is refused at the field, with the words kept.
    let bad = parent
        .post_file(
            &format!("/ouders/aanvragen/{request}/zienswijze"),
            &[("deel", &share), ("tekst", "Wij willen eerst praten.")],
            "",
            b"",
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(bad.body.contains("Kies of u het eens of niet eens bent"));
    assert!(bad.body.contains("Wij willen eerst praten.</textarea>"));
    let bad = parent
        .post_file(
            &format!("/ouders/aanvragen/{request}/zienswijze"),
            &[("deel", &share), ("mening", "oneens"), ("tekst", " ")],
            "",
            b"",
        )
        .await;
    assert!(
        bad.body.contains("Schrijf in een paar zinnen"),
        "{}",
        bad.body
    );
    let given = parent
        .post_file(
            &format!("/ouders/aanvragen/{request}/zienswijze"),
            &[
                ("deel", &share),
                ("mening", "oneens"),
                (
                    "tekst",
                    "Wij willen eerst praten over een plek dichtbij huis.",
                ),
            ],
            "zienswijze.pdf",
            &tiny_pdf("zienswijze"),
        )
        .await;
    assert_eq!(
        given.location,
        format!("/ouders/aanvragen/{request}?gedaan=zienswijze")
    );
    mail_to(&app, "ib@school-a.nl", "zienswijze gegeven").await;
    let wrong = parent
        .post(
            &format!("/ouders/aanvragen/{request}/ondertekenen"),
            &[("deel", &share), ("naam", "Fatima")],
        )
        .await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("value=\"Fatima\""));
    let signed = parent
        .post(
            &format!("/ouders/aanvragen/{request}/ondertekenen"),
            &[("deel", &share), ("naam", "fatima el amrani")],
        )
        .await;
    assert_eq!(signed.status, 303);
    let tracker = parent.get(&format!("/ouders/aanvragen/{request}")).await;
    assert!(tracker.body.contains("U: gelezen op"));
    assert!(tracker.body.contains("niet eens met de aanvraag"));
    assert!(tracker.body.contains("U: ondertekend op"));
    // Her view is shown back; the form to change it is folded away; no second signature.
    assert!(
        tracker
            .body
            .contains("Wij willen eerst praten over een plek dichtbij huis.")
    );
    assert!(tracker.body.contains("<summary>Mening wijzigen</summary>"));
    assert!(!tracker.body.contains("Aanvraag ondertekenen"));
    let again = parent
        .post(
            &format!("/ouders/aanvragen/{request}/ondertekenen"),
            &[("deel", &share), ("naam", "Fatima El Amrani")],
        )
        .await;
    assert_eq!(
        again.location,
        format!("/ouders/aanvragen/{request}?gedaan=ondertekend")
    );

    // Each response is tied to the version it concerns.
    let responses = portal::responses_of_pupil(&db, pupil).await.unwrap();
    assert_eq!(responses.len(), 3);
    assert!(
        responses
            .iter()
            .all(|r| r.request_version == Some(version.parse().unwrap()))
    );
    // The school sees the responses; the portal's zienswijze counts for completeness.
    let page = school.get(&format!("/aanvragen/{request}")).await;
    for text in [
        "heeft de aanvraag gelezen",
        "is het niet eens met de aanvraag",
        "Wij willen eerst praten over een plek dichtbij huis.",
        "heeft ondertekend als “fatima el amrani”",
        "Met een document: zienswijze.pdf",
    ] {
        assert!(page.body.contains(text), "{text}: {}", page.body);
    }
    assert!(!page.body.contains("de zienswijze van de ouders: wat zij"));

    // 5. An OPP shared with a request for consent; the parent answers (first without a choice).
    school.get(&format!("/leerlingen/{pupil}")).await;
    let up = school
        .post_file(
            &format!("/leerlingen/{pupil}/documenten"),
            &[("soort", "opp"), ("titel", "OPP 2026-2027")],
            "opp.pdf",
            &tiny_pdf("opp"),
        )
        .await;
    assert_eq!(up.status, 303, "{}", up.body);
    let opp = cw::documents_of_pupil(&db, tenant, pupil)
        .await
        .unwrap()
        .into_iter()
        .find(|d| d.kind == "opp")
        .unwrap();
    let shared = school
        .post(
            &format!("/documenten/{}/delen", opp.id),
            &[
                ("leerling", &pupil.to_string()),
                ("versie", "1"),
                ("toestemming", "ja"),
            ],
        )
        .await;
    assert!(
        shared.location.contains("gedaan=document-gedeeld"),
        "{}",
        shared.location
    );
    mail_to(&app, "fatima@example.nl", "De school vraagt uw toestemming").await;
    let child = parent.get(&format!("/ouders/kinderen/{pupil}")).await;
    assert!(child.body.contains("OPP 2026-2027"));
    assert!(child.body.contains("Geeft u toestemming?"));
    let version_id = portal::parent_documents(&db, tenant, 0, pupil)
        .await
        .unwrap()
        .into_iter()
        .find(|d| d.document_id == opp.id)
        .unwrap()
        .version_id;
    let (status, _, disposition, bytes) = parent
        .get_file(&format!("/ouders/documenten/{version_id}"))
        .await;
    assert_eq!(status, 200);
    assert!(disposition.starts_with("attachment"));
    assert_eq!(bytes, tiny_pdf("opp"));
    let bad = parent
        .post(
            &format!("/ouders/documenten/{version_id}/toestemming"),
            &[("toelichting", "Graag eerst uitleg.")],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("Kies of u toestemming geeft."));
    assert!(bad.body.contains("Graag eerst uitleg.</textarea>"));
    let ok = parent
        .post(
            &format!("/ouders/documenten/{version_id}/toestemming"),
            &[
                ("antwoord", "gegeven"),
                ("terug", &format!("/ouders/kinderen/{pupil}")),
            ],
        )
        .await;
    assert_eq!(
        ok.location,
        format!("/ouders/kinderen/{pupil}?gedaan=toestemming")
    );
    let dossier = school.get(&format!("/leerlingen/{pupil}")).await;
    assert!(
        dossier
            .body
            .contains("Fatima El Amrani gaf toestemming voor versie 1"),
        "{}",
        dossier.body
    );

    // 6. The parent adds a specialist's report (a wrong file first).
    let bad = parent
        .post_file(
            &format!("/ouders/kinderen/{pupil}/documenten"),
            &[("soort", "verslag"), ("titel", "Verslag kinderarts")],
            "virus.exe",
            b"MZ\x90\x00not a document",
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("value=\"Verslag kinderarts\""));
    let added = parent
        .post_file(
            &format!("/ouders/kinderen/{pupil}/documenten"),
            &[("soort", "verslag"), ("titel", "Verslag kinderarts")],
            "kinderarts.pdf",
            &tiny_pdf("kinderarts"),
        )
        .await;
    assert_eq!(
        added.location,
        format!("/ouders/kinderen/{pupil}?gedaan=document")
    );
    mail_to(&app, "ib@school-a.nl", "document toegevoegd").await;
    let dossier = school.get(&format!("/leerlingen/{pupil}")).await;
    assert!(dossier.body.contains("Verslag kinderarts"));

    // 7. The school submits (groeidocument and TLO added); the parent hears of each stage.
    school
        .post_file(
            &format!("/leerlingen/{pupil}/documenten"),
            &[("soort", "groeidocument"), ("titel", "Groeidocument")],
            "groei.pdf",
            &tiny_pdf("groei"),
        )
        .await;
    let page = school.get(&format!("/aanvragen/{request}")).await;
    let version = hidden(&page.body, "versie");
    let sent = school
        .post(
            &format!("/aanvragen/{request}/indienen"),
            &[
                ("versie", &version),
                ("vraag", "Noor heeft een kleinere groep nodig."),
                ("tlo-datum", &today().format("%Y-%m-%d").to_string()),
                ("tlo-aanwezig", "moeder, intern begeleider, orthopedagoog"),
            ],
        )
        .await;
    assert_eq!(
        sent.location,
        format!("/aanvragen/{request}?gedaan=ingediend"),
        "{}",
        sent.body
    );
    mail_to(
        &app,
        "fatima@example.nl",
        "ingediend bij het samenwerkingsverband",
    )
    .await;
    // Once submitted, the snapshot can no longer be answered.
    let late = parent
        .post(
            &format!("/ouders/aanvragen/{request}/ondertekenen"),
            &[("deel", &share), ("naam", "Fatima El Amrani")],
        )
        .await;
    assert_eq!(
        late.location,
        format!("/ouders/aanvragen/{request}?gedaan=verouderd")
    );
    // The parents' timeline has the steps, not the school's own notes.
    let tracker = parent.get(&format!("/ouders/aanvragen/{request}")).await;
    assert!(
        tracker
            .body
            .contains("Ingediend bij het samenwerkingsverband")
    );
    assert!(
        !tracker.body.contains("Concept bijgewerkt"),
        "{}",
        tracker.body
    );
    assert!(
        cw::timeline(&db, request)
            .await
            .unwrap()
            .iter()
            .any(|l| l.what == "Concept bijgewerkt")
    );
    swv.get(&format!("/aanvragen/{request}")).await;
    let taken = swv
        .post(
            &format!("/aanvragen/{request}/toewijzen"),
            &[("contact", &toeleider_id.to_string())],
        )
        .await;
    assert_eq!(taken.status, 303);
    mail_to(&app, "fatima@example.nl", "behandelt de aanvraag nu").await;
    let tracker = parent.get(&format!("/ouders/aanvragen/{request}")).await;
    assert!(
        tracker
            .body
            .contains("Test Persoon van het samenwerkingsverband")
    );
    assert!(tracker.body.contains("toeleider@swv.nl"));
    assert!(tracker.body.contains("Besluit uiterlijk"));
    let decision_due = cw::request(&db, tenant, request)
        .await
        .unwrap()
        .unwrap()
        .decision_due
        .unwrap();
    assert!(tracker.body.contains(&long(decision_due)));

    // 8. Two experts advise; the toeleider decides; the parent opens the letter and sees how to
    //    object.
    let r = cw::request(&db, tenant, request).await.unwrap().unwrap();
    let toeleider = as_user(tenant, toeleider_id, "toeleider");
    for (expert, profession) in [(ortho, "orthopedagoog"), (arts, "arts")] {
        let r = cw::request(&db, tenant, request).await.unwrap().unwrap();
        cw::ask_advice(
            &db,
            &toeleider,
            &r,
            expert,
            today(),
            "Vraag",
            "gevraagd",
            &[],
        )
        .await
        .unwrap();
        let advice = cw::advices_of(&db, request)
            .await
            .unwrap()
            .into_iter()
            .find(|a| a.expert_id == expert)
            .unwrap()
            .id;
        cw::give_advice(
            &db,
            &as_user(tenant, expert, "deskundige"),
            &r,
            advice,
            profession,
            "toelaatbaar",
            &format!("Advies als {profession}."),
            &[],
        )
        .await
        .unwrap();
    }
    drop(r);
    swv.get(&format!("/aanvragen/{request}")).await;
    let decided = swv
        .post_pairs(
            &format!("/aanvragen/{request}/besluit"),
            &[
                ("uitkomst", "ja".to_owned()),
                ("start", today().format("%Y-%m-%d").to_string()),
                ("geen-einde", "ja".to_owned()),
                ("motivering", "De adviezen zijn eensluidend.".to_owned()),
            ],
        )
        .await;
    assert_eq!(
        decided.location,
        format!("/aanvragen/{request}?gedaan=besluit"),
        "{}",
        decided.body
    );
    let mail = mail_to(&app, "fatima@example.nl", "een besluit genomen").await;
    assert!(mail.contains(&format!("/ouders/aanvragen/{request}")));
    // The second parent, not in the portal, gets the general letter notice.
    mail_to(&app, "joost@example.nl", "U krijgt de besluitbrief").await;
    let d = cw::decision_of(&db, tenant, request)
        .await
        .unwrap()
        .unwrap();
    // Until the letter is sent, the parent sees that it comes, not the letter nor a term.
    let tracker = parent.get(&format!("/ouders/aanvragen/{request}")).await;
    assert!(
        tracker
            .body
            .contains("De besluitbrief is nog niet verstuurd"),
        "{}",
        tracker.body
    );
    assert!(!tracker.body.contains("Bezwaar maken kan tot en met"));
    assert_eq!(
        parent
            .get_file(&format!("/ouders/besluiten/{}/brief.pdf", d.id))
            .await
            .0,
        404
    );
    // Toeleiding sends it through the portal: the parent hears of it, the term starts.
    send_letter_today(&mut swv, d.id, "portaal").await;
    let mail = mail_to(&app, "fatima@example.nl", "Er is een besluitbrief").await;
    assert!(mail.contains(&format!("/ouders/aanvragen/{request}")));
    let tracker = parent.get(&format!("/ouders/aanvragen/{request}")).await;
    let until = passend_domain::tlv::bezwaar_deadline(today());
    for text in [
        "Het samenwerkingsverband heeft de aanvraag toegekend.",
        "Niet eens met het besluit?",
        "Bezwaar maken kan tot en met",
        &long(until),
        &d.beschikkingsnummer,
        "Postbus 1, 1300 AA Almere",
        "Landelijke Bezwaaradviescommissie",
    ] {
        assert!(tracker.body.contains(text), "{text}: {}", tracker.body);
    }
    let (status, ct, _, letter) = parent
        .get_file(&format!("/ouders/besluiten/{}/brief.pdf", d.id))
        .await;
    assert_eq!((status, ct.as_str()), (200, "application/pdf"));
    assert!(pdf_text(&letter).contains(&d.beschikkingsnummer));

    // 9. English, and transparency: who can see the data and who looked.
    let child = parent.get(&format!("/ouders/kinderen/{pupil}")).await;
    let switched = parent
        .post(
            "/ouders/taal",
            &[
                ("taal", "en"),
                ("terug", &format!("/ouders/kinderen/{pupil}")),
            ],
        )
        .await;
    assert_eq!(
        switched.location,
        format!("/ouders/kinderen/{pupil}?gedaan=taal")
    );
    assert!(child.body.contains("Wie kan de gegevens van uw kind zien?"));
    let child = parent.get(&format!("/ouders/kinderen/{pupil}")).await;
    assert!(child.body.contains("<html lang=\"en\""));
    for text in [
        "Who can see your child",
        "Staff of ",
        "Test Persoon",
        "Who has looked at or changed the data?",
        "viewed: request",
        "Test Persoon (school)",
    ] {
        assert!(child.body.contains(text), "{text}: {}", child.body);
    }
    let tracker = parent.get(&format!("/ouders/aanvragen/{request}")).await;
    assert!(
        tracker
            .body
            .contains("The samenwerkingsverband has granted the request.")
    );
    assert!(tracker.body.contains("You can object until"));

    // 10. Ending access: the school takes it back and the parent sees nothing more.
    school.get(&format!("/leerlingen/{pupil}")).await;
    // Without "Ja, ik weet het zeker" nothing changes.
    let unsure = school
        .post(
            &format!("/leerlingen/{pupil}/ouders/1/intrekken"),
            &[("email", "fatima@example.nl")],
        )
        .await;
    assert!(unsure.body.contains("Er is niets veranderd"));
    assert_eq!(
        parent
            .get(&format!("/ouders/aanvragen/{request}"))
            .await
            .status,
        200
    );
    school.get(&format!("/leerlingen/{pupil}")).await;
    let revoked = school
        .post(
            &format!("/leerlingen/{pupil}/ouders/1/intrekken"),
            &[("email", "fatima@example.nl"), ("zeker", "ja")],
        )
        .await;
    assert!(revoked.location.contains("ouder-ingetrokken"));
    assert_eq!(
        parent
            .get(&format!("/ouders/aanvragen/{request}"))
            .await
            .status,
        404
    );
    assert!(!parent.get("/ouders").await.body.contains("Noor"));
    // She reads the portal in English now, so the mail is in English.
    mail_to(&app, "fatima@example.nl", "Your access to a child").await;

    // No mail ever named the child.
    for entry in std::fs::read_dir(&app.config.mail_dir).unwrap().flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        assert!(
            !text.contains("Noor") && !text.contains("Portaaltest"),
            "pupil data in a mail: {text}"
        );
    }
    app.stop().await;
}

/// What one child's parents can reach: request, concept, shared version, unshared version,
/// the other parent's upload, the decision.
struct Child {
    pupil: i64,
    request: i64,
    concept: i64,
    shared: i64,
    unshared: i64,
    upload_of_other: i64,
    decision: i64,
    /// A beslissing op bezwaar on the decision, its letter sent.
    beslissing: i64,
}

async fn child_objects(
    app: &TestApp,
    tenant: i64,
    location: i64,
    school_user: i64,
    toeleider: i64,
    other_parent: i64,
) -> (i64, Child) {
    let db = app.server().db.clone();
    let school = as_user(tenant, school_user, "schoolmedewerker");
    let (pupil, request) =
        submitted(&db, tenant, location, school_user, toeleider, "tlv-sbo").await;
    let concept = cw::create_request(
        &db,
        &school,
        &cw::NewRequest {
            pupil_id: pupil,
            location_id: location,
            kind: "advies".to_owned(),
            question: "Concept".to_owned(),
        },
    )
    .await
    .unwrap();
    let file = |n: &str| cw::StoredFile {
        storage_key: format!("documenten/matrix/{pupil}-{n}.pdf"),
        file_name: format!("{n}.pdf"),
        content_type: "application/pdf".to_owned(),
        size_bytes: 10,
        sha256: "0".repeat(64),
    };
    // The files themselves, where the object store keeps them.
    for n in ["gedeeld", "niet-gedeeld", "eigen"] {
        let path = app.config.documents_dir.join(file(n).storage_key);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, tiny_pdf(n)).unwrap();
    }
    let mut versions = Vec::new();
    for (n, by) in [("gedeeld", &school), ("niet-gedeeld", &school)] {
        let (doc, _) =
            cw::add_document_version(&db, by, pupil, None, None, "opp", n, &file(n), &[])
                .await
                .unwrap()
                .unwrap();
        versions.push(doc);
    }
    portal::share_document(&db, &school, pupil, versions[0], 1, true, &[])
        .await
        .unwrap();
    let other = as_user(tenant, other_parent, "ouder");
    cw::add_document_version(
        &db,
        &other,
        pupil,
        None,
        None,
        "verslag",
        "eigen",
        &file("eigen"),
        &[],
    )
    .await
    .unwrap();
    let id_of = |doc: i64| {
        let db = db.clone();
        async move {
            portal::parent_documents(&db, tenant, other_parent, pupil)
                .await
                .unwrap()
                .into_iter()
                .find(|d| d.document_id == doc)
                .map(|d| d.version_id)
        }
    };
    let shared = id_of(versions[0]).await.unwrap();
    let all = cw::documents_of_pupil(&db, tenant, pupil).await.unwrap();
    let version_id = |title: &str| {
        let db = db.clone();
        let doc = all.iter().find(|d| d.title == title).unwrap().id;
        async move {
            portal::parent_documents(&db, tenant, other_parent, pupil)
                .await
                .unwrap()
                .into_iter()
                .find(|d| d.document_id == doc)
                .map(|d| d.version_id)
                .unwrap_or(-1)
        }
    };
    let upload_of_other = version_id("eigen").await;
    // The unshared version's id: read from the store (no parent can list it).
    let unshared = {
        use passend_store::on_db;
        let doc = versions[1];
        on_db!(&db, pool => sqlx::query_scalar::<_, i64>("SELECT id FROM document_versions WHERE document_id = $1")
            .bind(doc)
            .fetch_one(pool)
            .await
            .unwrap())
    };
    let swv = as_user(tenant, toeleider, "toeleider");
    let sbo = granted("sbo", None);
    decide_in_store(&db, &swv, request, Some("in-behandeling"), &sbo).await;
    let decision = cw::decision_of(&db, tenant, request)
        .await
        .unwrap()
        .unwrap()
        .id;
    // The letter was sent; a bezwaar came, the LBT advised, and the beslissing was sent too.
    use passend_store::bezwaar as bz;
    let swv = as_user(tenant, toeleider, "toeleider");
    let r = cw::request(&db, tenant, request).await.unwrap().unwrap();
    let sent = bz::Letter::Decision(decision);
    assert!(
        bz::record_sent(&db, &swv, &r, sent, today(), "post", "verzonden", &[])
            .await
            .unwrap()
    );
    let bezwaar = cw::add_bezwaar(&db, &swv, &r, decision, today(), "ouders", "", "bezwaar")
        .await
        .unwrap();
    cw::update_bezwaar(
        &db,
        &swv,
        &r,
        bezwaar,
        Some(today()),
        Some(("ongegrond", today())),
        None,
        "advies",
    )
    .await
    .unwrap();
    let beslissing = bz::decide(
        &db,
        &swv,
        &r,
        bezwaar,
        &bz::NewBeslissing {
            outcome: "ongegrond".to_owned(),
            reasons: "Het besluit blijft staan.".to_owned(),
            deviation: String::new(),
            revokes: false,
            letter_on: today(),
            ..Default::default()
        },
        "beslissing op bezwaar",
        &[],
    )
    .await
    .unwrap()
    .unwrap();
    let sent = bz::Letter::Beslissing(beslissing);
    assert!(
        bz::record_sent(&db, &swv, &r, sent, today(), "post", "verzonden", &[])
            .await
            .unwrap()
    );
    (
        pupil,
        Child {
            pupil,
            request,
            concept,
            shared,
            unshared,
            upload_of_other,
            decision,
            beslissing,
        },
    )
}

#[tokio::test]
async fn parents_never_see_another_parents_or_another_childs_data() {
    let app = TestApp::spawn().await;
    let db = app.server().db.clone();
    let tenant = tenant_id(&app).await;
    let bo = two_primary_schools(&db).await;
    let (school_a, _) = school_user(&app, tenant, "a@school.nl", bo[0].id).await;
    let (school_b, _) = school_user(&app, tenant, "b@school.nl", bo[1].id).await;
    let (toeleider, _) = user(&app, tenant, "t@swv.nl", Role::Toeleider, &[]).await;
    // Parents: two of child 1 (one with gezag revoked later), one of child 2, one without a child.
    let (mother1, b_mother1) = user(&app, tenant, "m1@example.nl", Role::Ouder, &[]).await;
    let (father1, b_father1) = user(&app, tenant, "f1@example.nl", Role::Ouder, &[]).await;
    let (parent2, b_parent2) = user(&app, tenant, "p2@example.nl", Role::Ouder, &[]).await;
    let (_, b_nobody) = user(&app, tenant, "n@example.nl", Role::Ouder, &[]).await;
    let (stepmother1, b_step1) = user(&app, tenant, "s1@example.nl", Role::Ouder, &[]).await;
    let a = as_user(tenant, school_a, "schoolmedewerker");
    let b = as_user(tenant, school_b, "schoolmedewerker");
    let (_, c1) = child_objects(&app, tenant, bo[0].id, school_a, toeleider, father1).await;
    let (_, c2) = child_objects(&app, tenant, bo[1].id, school_b, toeleider, parent2).await;
    let (p1, p2) = (c1.pupil, c2.pupil);
    let g1 = set_parents(
        &db,
        &a,
        tenant,
        p1,
        "Eerste",
        &[
            ("M1", "m1@example.nl", true),
            ("F1", "f1@example.nl", true),
            ("S1", "s1@example.nl", false),
        ],
    )
    .await;
    let g2 = set_parents(
        &db,
        &b,
        tenant,
        p2,
        "Tweede",
        &[("P2", "p2@example.nl", true)],
    )
    .await;
    link(&db, &a, p1, g1[0], mother1).await;
    link(&db, &a, p1, g1[1], father1).await;
    // A parent without gezag can be linked by mistake: the portal still shows nothing.
    link(&db, &a, p1, g1[2], stepmother1).await;
    link(&db, &b, p2, g2[0], parent2).await;

    // Every parent route with the objects of one child.
    let routes = |c: &Child| -> Vec<(&'static str, String, Obj)> {
        vec![
            ("GET", format!("/ouders/kinderen/{}", c.pupil), Obj::Child),
            (
                "POST",
                format!("/ouders/kinderen/{}/documenten", c.pupil),
                Obj::Child,
            ),
            (
                "GET",
                format!("/ouders/aanvragen/{}", c.request),
                Obj::Child,
            ),
            (
                "GET",
                format!("/ouders/aanvragen/{}", c.concept),
                Obj::Hidden,
            ),
            (
                "POST",
                format!("/ouders/aanvragen/{}/gelezen", c.request),
                Obj::Child,
            ),
            (
                "POST",
                format!("/ouders/aanvragen/{}/zienswijze", c.request),
                Obj::Child,
            ),
            (
                "POST",
                format!("/ouders/aanvragen/{}/ondertekenen", c.request),
                Obj::Child,
            ),
            (
                "POST",
                format!("/ouders/aanvragen/{}/gelezen", c.concept),
                Obj::Hidden,
            ),
            (
                "GET",
                format!("/ouders/documenten/{}", c.shared),
                Obj::Child,
            ),
            (
                "GET",
                format!("/ouders/documenten/{}", c.unshared),
                Obj::Hidden,
            ),
            (
                "GET",
                format!("/ouders/documenten/{}", c.upload_of_other),
                Obj::OtherParents,
            ),
            (
                "POST",
                format!("/ouders/documenten/{}/toestemming", c.shared),
                Obj::Child,
            ),
            (
                "POST",
                format!("/ouders/documenten/{}/toestemming", c.unshared),
                Obj::Hidden,
            ),
            (
                "GET",
                format!("/ouders/besluiten/{}/brief.pdf", c.decision),
                Obj::Letter,
            ),
            (
                "GET",
                format!("/ouders/beslissingen/{}/brief.pdf", c.beslissing),
                Obj::Letter,
            ),
        ]
    };
    #[derive(Clone, Copy, PartialEq, Debug)]
    enum Obj {
        Child,
        Hidden,
        OtherParents,
        Letter,
    }
    let mut visitors: Vec<(&str, Browser, Option<i64>)> = vec![
        ("moeder 1", b_mother1, Some(p1)),
        ("vader 1", b_father1, Some(p1)),
        ("ouder 2", b_parent2, Some(p2)),
        ("zonder kind", b_nobody, None),
        ("zonder gezag", b_step1, None),
    ];
    let (_, b_school) = school_user(&app, tenant, "c@school.nl", bo[0].id).await;
    let (_, b_swv) = user(&app, tenant, "t2@swv.nl", Role::Toeleider, &[]).await;
    let (_, b_admin) = user(&app, tenant, "beheer@swv.nl", Role::Beheerder, &[]).await;
    let (_, b_adviser) = user(&app, tenant, "osp@swv.nl", Role::Ouderadviseur, &[]).await;
    visitors.push(("school", b_school, None));
    visitors.push(("toeleider", b_swv, None));
    visitors.push(("beheerder", b_admin, None));
    visitors.push(("ouderadviseur", b_adviser, None));
    visitors.push(("anoniem", Browser::new(&app), None));
    let mut cases = 0;
    for (who, browser, child) in visitors.iter_mut() {
        browser.get("/account").await;
        for c in [&c1, &c2] {
            for (method, path, obj) in routes(c) {
                let own = *child == Some(c.pupil);
                let page = if method == "GET" {
                    browser.get(&path).await
                } else if path.ends_with("/documenten") || path.ends_with("/zienswijze") {
                    browser
                        .post_file(&path, &[("soort", "verslag")], "x.pdf", &tiny_pdf("x"))
                        .await
                } else {
                    browser.post(&path, &[("antwoord", "gegeven")]).await
                };
                // The uploader's own document is theirs only.
                let allowed = own
                    && match obj {
                        Obj::Child | Obj::Letter => true,
                        Obj::Hidden => false,
                        Obj::OtherParents => *who == "vader 1" || *who == "ouder 2",
                    };
                if *who == "anoniem" {
                    assert_eq!(
                        (page.status, page.guard.as_str()),
                        (303, "sign-in"),
                        "{who} {method} {path}"
                    );
                } else if allowed {
                    assert!(
                        matches!(page.status, 200 | 303 | 422),
                        "{who} {method} {path}: {} {}",
                        page.status,
                        page.body
                    );
                } else {
                    assert_eq!(page.status, 404, "{who} {method} {path}: {}", page.body);
                }
                // Nothing of the other child on any page.
                let other_name = if c.pupil == p1 { "Tweede" } else { "Eerste" };
                assert!(!page.body.contains(&format!("{other_name} Matrix")) || own);
                cases += 1;
            }
        }
        // The home page lists only one's own children.
        let home = browser.get("/ouders").await;
        if who.starts_with("moeder") || who.starts_with("vader") {
            assert!(home.body.contains("Matrix") && !home.body.contains("Tweede"));
        }
        if *who == "ouder 2" {
            assert!(home.body.contains("Tweede Matrix") && !home.body.contains("M1"));
        }
        if matches!(*who, "zonder kind" | "zonder gezag") {
            assert!(
                home.body
                    .contains("Er is nog geen kind aan uw account gekoppeld")
            );
        }
    }
    assert!(cases >= 280, "{cases}");

    // Staff actions are not for parents, nor for another school.
    let mut m1 = Browser::with_session(
        &app,
        &crate::support::session_for(&app, tenant, mother1, passend_domain::accounts::Stage::Full)
            .await,
    );
    m1.get("/ouders").await;
    for path in [
        format!("/leerlingen/{p1}/ouders/1/uitnodigen"),
        format!("/leerlingen/{p1}/ouders/1/intrekken"),
        format!("/aanvragen/{}/delen", c1.concept),
        format!("/documenten/{}/delen", c1.shared),
        format!("/leerlingen/{p1}"),
        format!("/aanvragen/{}", c1.request),
    ] {
        let page = if path.ends_with("delen") || path.contains("/ouders/") {
            m1.post(&path, &[("leerling", &p1.to_string())]).await
        } else {
            m1.get(&path).await
        };
        assert_eq!(page.status, 404, "ouder {path}");
    }
    let (_, mut other_school) = school_user(&app, tenant, "d@school.nl", bo[1].id).await;
    other_school.get("/account").await;
    let page = other_school
        .post(&format!("/leerlingen/{p1}/ouders/1/uitnodigen"), &[])
        .await;
    assert_eq!(page.status, 404);

    // Removing gezag, or the parent row, ends access at once.
    set_parents(
        &db,
        &a,
        tenant,
        p1,
        "Eerste",
        &[("M1", "m1@example.nl", false)],
    )
    .await;
    assert!(
        portal::children_of(&db, tenant, mother1)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        portal::children_of(&db, tenant, father1)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(portal::links_of_pupil(&db, p1).await.unwrap().is_empty());
    app.stop().await;
}
