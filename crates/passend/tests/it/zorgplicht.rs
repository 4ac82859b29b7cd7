//! The school's zorgplicht registers through HTTP: an aanmelding received on 2 March 2026 is due
//! on 13 April 2026 and, extended by four weeks, on 11 May 2026; an extension told too late is
//! refused at the field; ten weeks without a decision mean temporary enrolment; the outcome is
//! recorded. Thuiszitters, the toeleider's register and the Inspectie's anonymised report (CSV
//! and XLSX, read back), sick pupils with the OZL referral and evaluation moments, reminders, the
//! samenwerkingsverband's overview with initials only, and who may see what.

use crate::support::*;
use chrono::Days;
use passend_domain::accounts::Role;
use passend_store::casework::{self as cw, GuardianInput, NewPupil};

async fn pupil(
    db: &passend_store::Db,
    tenant: i64,
    school_user: i64,
    location: i64,
    given: &str,
    family: &str,
) -> i64 {
    cw::create_pupil(
        db,
        &as_user(tenant, school_user, "schoolmedewerker"),
        &NewPupil {
            location_id: location,
            given_name: given.to_owned(),
            family_name: family.to_owned(),
            birth_date: chrono::NaiveDate::from_ymd_opt(2017, 5, 4).unwrap(),
            groep: "4".to_owned(),
            onderwijsnummer: None,
            guardians: vec![GuardianInput {
                name: "Ouder".to_owned(),
                relation: "moeder".to_owned(),
                parental_authority: true,
                email: String::new(),
                phone: String::new(),
            }],
        },
    )
    .await
    .unwrap()
}

/// The entries of a ZIP written with stored (uncompressed) entries, each CRC checked.
fn unzip_stored(bytes: &[u8]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut at = 0;
    while at + 30 <= bytes.len() && bytes[at..at + 4] == *b"PK\x03\x04" {
        let u16_at = |i: usize| u16::from_le_bytes([bytes[i], bytes[i + 1]]) as usize;
        let u32_at =
            |i: usize| u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
        assert_eq!(u16_at(at + 8), 0, "stored");
        let crc = u32_at(at + 14);
        let size = u32_at(at + 18) as usize;
        let name_len = u16_at(at + 26);
        let extra = u16_at(at + 28);
        let name = String::from_utf8(bytes[at + 30..at + 30 + name_len].to_vec()).unwrap();
        let start = at + 30 + name_len + extra;
        let data = &bytes[start..start + size];
        // CRC-32 computed here, independently of the product's.
        let mut c = 0xFFFF_FFFFu32;
        for &b in data {
            c ^= u32::from(b);
            for _ in 0..8 {
                c = if c & 1 == 1 {
                    (c >> 1) ^ 0xEDB8_8320
                } else {
                    c >> 1
                };
            }
        }
        assert_eq!(!c, crc, "CRC of {name}");
        out.push((name, String::from_utf8(data.to_vec()).unwrap()));
        at = start + size;
    }
    assert_eq!(
        &bytes[at..at + 4],
        b"PK\x01\x02",
        "the central directory follows"
    );
    out
}

#[tokio::test]
async fn zorgplicht_terms_thuiszitters_and_sick_pupils_through_http() {
    let app = TestApp::spawn().await;
    let db = app.server().db.clone();
    let tenant = tenant_id(&app).await;
    let schools = two_primary_schools(&db).await;
    let (school_id, mut school) = school_user(&app, tenant, "ib@school-a.nl", schools[0].id).await;
    let (other_id, mut other) = school_user(&app, tenant, "ib@school-b.nl", schools[1].id).await;
    let (_, mut toeleider) = user(&app, tenant, "toeleider@swv.nl", Role::Toeleider, &[]).await;
    let (_, mut beheerder) = user(&app, tenant, "beheer@swv.nl", Role::Beheerder, &[]).await;
    let (_, mut adviser) = user(&app, tenant, "adviseur@swv.nl", Role::Ouderadviseur, &[]).await;
    let jan = pupil(&db, tenant, school_id, schools[0].id, "Jan", "de Vries").await;
    let eva = pupil(
        &db,
        tenant,
        school_id,
        schools[0].id,
        "Eva Maria",
        "van den Berg",
    )
    .await;
    let tom = pupil(&db, tenant, other_id, schools[1].id, "Tom", "Bakker").await;

    // The dossier offers the three registrations.
    let dossier = school.get(&format!("/leerlingen/{jan}")).await;
    assert!(
        dossier
            .body
            .contains(&format!("/leerlingen/{jan}/aanmelding"))
    );
    assert!(
        dossier
            .body
            .contains(&format!("/leerlingen/{jan}/thuiszitten"))
    );
    assert!(dossier.body.contains(&format!("/leerlingen/{jan}/ziek")));

    // An aanmelding: a date in the future and no preference are refused at the field, kept.
    let form = school.get(&format!("/leerlingen/{jan}/aanmelding")).await;
    assert_eq!(form.status, 200);
    let future = (today() + Days::new(3)).format("%Y-%m-%d").to_string();
    let bad = school
        .post(
            &format!("/leerlingen/{jan}/aanmelding"),
            &[
                ("ontvangen", &future),
                ("start", "2026-08-24"),
                ("ondersteuning", "Hulp bij rekenen"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("kan niet in de toekomst liggen"));
    assert!(bad.body.contains("Kies of deze school de eerste voorkeur"));
    assert!(bad.body.contains("Hulp bij rekenen"));
    let (aanmelding, page) = add_aanmelding(
        &mut school,
        jan,
        ("2026-03-02", "2026-08-24"),
        "Hulp bij rekenen",
    )
    .await;
    assert!(
        page.body.contains("uiterlijk maandag 13 april 2026"),
        "the 6 weeks"
    );
    assert!(
        page.body
            .contains("als de ouders het uiterlijk maandag 13 april 2026 schriftelijk horen")
    );
    // Months later without a decision: temporary enrolment (registered in time, not elsewhere).
    assert!(
        page.body.contains("tijdelijk worden ingeschreven"),
        "{}",
        page.body
    );
    let version = field_value(&page.body, "versie").unwrap();
    let base = [
        ("versie", version.as_str()),
        ("ontvangen", "2026-03-02"),
        ("start", "2026-08-24"),
        ("ondersteuning", "Hulp bij rekenen"),
        ("andere", "Geen"),
        ("voorkeur", "ja"),
        ("verlenging", "4"),
    ];
    // Told after the six weeks: refused at the field.
    let mut late = base.to_vec();
    late.push(("verlenging-gemeld", "2026-04-14"));
    let refused = school
        .post(&format!("/aanmeldingen/{aanmelding}"), &late)
        .await;
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("vóór de zes weken om zijn"));
    // Told in time: the decision is due 11 May 2026.
    let mut ok = base.to_vec();
    ok.push(("verlenging-gemeld", "2026-04-10"));
    let saved = school
        .post(&format!("/aanmeldingen/{aanmelding}"), &ok)
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let page = school.get(&format!("/aanmeldingen/{aanmelding}")).await;
    assert!(
        page.body.contains("Na verlenging") && page.body.contains("uiterlijk maandag 11 mei 2026")
    );
    // An outcome "other school" needs that school; then it is decided.
    let version = field_value(&page.body, "versie").unwrap();
    let mut decide = vec![
        ("versie", version.as_str()),
        ("ontvangen", "2026-03-02"),
        ("start", "2026-08-24"),
        ("voorkeur", "ja"),
        ("verlenging", "4"),
        ("verlenging-gemeld", "2026-04-10"),
        ("uitkomst", "andere-school"),
        ("besluitdatum", "2026-05-08"),
    ];
    let missing = school
        .post(&format!("/aanmeldingen/{aanmelding}"), &decide)
        .await;
    assert_eq!(missing.status, 422);
    assert!(
        missing
            .body
            .contains("Vul in welke school de ondersteuning kan bieden")
    );
    decide.push(("andere-school", "SBO De Watertuin"));
    let decided = school
        .post(&format!("/aanmeldingen/{aanmelding}"), &decide)
        .await;
    assert_eq!(decided.status, 303);
    let page = school.get(&format!("/aanmeldingen/{aanmelding}")).await;
    assert!(page.body.contains("Er is een besluit."));
    assert!(page.body.contains("Geplaatst op een andere school"));
    // The same old version again: someone else was first, nothing overwritten.
    let stale = school
        .post(&format!("/aanmeldingen/{aanmelding}"), &decide)
        .await;
    assert!(stale.location.ends_with("gedaan=gewijzigd"));
    // "No zorgplicht" needs the reason.
    let eva_added = school
        .post(
            &format!("/leerlingen/{eva}/aanmelding"),
            &[
                (
                    "ontvangen",
                    &(today() - Days::new(38)).format("%Y-%m-%d").to_string(),
                ),
                (
                    "start",
                    &(today() + Days::new(90)).format("%Y-%m-%d").to_string(),
                ),
                ("voorkeur", "ja"),
                ("uitkomst", "geen-zorgplicht"),
                ("besluitdatum", &today().format("%Y-%m-%d").to_string()),
            ],
        )
        .await;
    assert_eq!(eva_added.status, 422);
    assert!(
        eva_added
            .body
            .contains("Kies waarom de zorgplicht niet geldt")
    );
    let eva_added = school
        .post(
            &format!("/leerlingen/{eva}/aanmelding"),
            &[
                (
                    "ontvangen",
                    &(today() - Days::new(38)).format("%Y-%m-%d").to_string(),
                ),
                (
                    "start",
                    &(today() + Days::new(90)).format("%Y-%m-%d").to_string(),
                ),
                ("voorkeur", "ja"),
            ],
        )
        .await;
    assert_eq!(eva_added.status, 303);
    let eva_aanmelding = id_after(&eva_added.location, "/aanmeldingen/");

    // Tom's registration at the other school waits since March: temporary enrolment.
    passend_store::zorgplicht::add_aanmelding(
        &db,
        &as_user(tenant, other_id, "schoolmedewerker"),
        tom,
        schools[1].id,
        &passend_store::zorgplicht::AanmeldingInput {
            received_on: chrono::NaiveDate::from_ymd_opt(2026, 3, 2),
            desired_start: chrono::NaiveDate::from_ymd_opt(2026, 8, 24),
            first_preference: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();

    // Reminders: Eva's six weeks end within a week; the school hears it once, without a name.
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
    let first = passend::reminders::run_once(&db, &settings, today())
        .await
        .unwrap();
    assert!(first >= 1);
    assert_eq!(
        passend::reminders::run_once(&db, &settings, today())
            .await
            .unwrap(),
        0
    );
    let mail = mail_to(&app, "ib@school-a.nl", "loopt binnen een week af").await;
    assert!(mail.contains(&format!("/aanmeldingen/{eva_aanmelding}")));
    assert!(!mail.contains("Eva") && !mail.contains("Berg"));

    // Another school, a toeleider, a beheerder and an ouderadviseur cannot open it.
    for (who, b) in [
        ("other school", &mut other),
        ("toeleider", &mut toeleider),
        ("beheerder", &mut beheerder),
        ("ouderadviseur", &mut adviser),
    ] {
        for path in [
            format!("/aanmeldingen/{aanmelding}"),
            format!("/leerlingen/{jan}/aanmelding"),
            format!("/leerlingen/{jan}/thuiszitten"),
            format!("/leerlingen/{jan}/ziek"),
        ] {
            let p = b.get(&path).await;
            assert_eq!(p.status, 404, "{who} {path}");
            assert!(!p.body.contains("de Vries"), "{who} {path}");
        }
    }

    // Thuiszitters: the kind is required; Jan at home since 1 September, Eva with a vrijstelling
    // from 1 June to 15 September, Tom (other school) from March to June: last school year.
    let bad = school
        .post(
            &format!("/leerlingen/{jan}/thuiszitten"),
            &[("sinds", "2026-09-01"), ("acties", "Gesprek")],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("Kies om welk soort verzuim"));
    assert!(bad.body.contains("Gesprek"));
    let jan_tz = school
        .post(
            &format!("/leerlingen/{jan}/thuiszitten"),
            &[
                ("soort", "langdurig-relatief-verzuim"),
                ("sinds", "2026-09-01"),
                ("acties", "Gesprek met ouders; aangemeld bij de ATA."),
                ("perspectief", "Jan de Vries gaat naar De Bongerd"),
                ("leerplicht", "Mevrouw Leerplicht"),
                ("leerplicht-gemeld", "2026-09-10"),
            ],
        )
        .await;
    assert_eq!(jan_tz.status, 303, "{}", jan_tz.body);
    let jan_tz = id_after(&jan_tz.location, "/thuiszitters/");
    let r = school
        .post(
            &format!("/leerlingen/{eva}/thuiszitten"),
            &[
                ("soort", "vrijstelling-5a"),
                ("sinds", "2026-06-01"),
                ("tot", "2026-09-15"),
                ("acties", "Verklaring arts"),
                ("aanbod", "ja"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    other.get("/leerlingen").await;
    let r = other
        .post(
            &format!("/leerlingen/{tom}/thuiszitten"),
            &[
                ("soort", "absoluut-verzuim"),
                ("sinds", "2026-03-01"),
                ("tot", "2026-06-30"),
                ("acties", "Leerplicht"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    // The other school does not see Jan's; the toeleider sees all, and updates the actions.
    assert_eq!(
        other.get(&format!("/thuiszitters/{jan_tz}")).await.status,
        404
    );
    let register = toeleider.get("/swv/thuiszitters").await;
    assert_eq!(register.status, 200);
    assert!(
        register.body.contains("Jan de Vries") && !register.body.contains("Eva Maria"),
        "only current ones first"
    );
    let all = toeleider.get("/swv/thuiszitters?weergave=alle").await;
    assert!(all.body.contains("Eva Maria van den Berg") && all.body.contains("Tom Bakker"));
    let page = toeleider.get(&format!("/thuiszitters/{jan_tz}")).await;
    let version = field_value(&page.body, "versie").unwrap();
    let updated = toeleider
        .post(
            &format!("/thuiszitters/{jan_tz}"),
            &[
                ("versie", &version),
                ("soort", "langdurig-relatief-verzuim"),
                ("sinds", "2026-09-01"),
                ("acties", "Besproken aan de Actietafel Thuiszitters Almere."),
                ("perspectief", "Jan de Vries gaat naar De Bongerd"),
                ("aanbod", "ja"),
                ("leerplicht", "Mevrouw Leerplicht"),
                ("leerplicht-gemeld", "2026-09-10"),
            ],
        )
        .await;
    assert_eq!(updated.status, 303, "{}", updated.body);
    assert!(
        school
            .get(&format!("/thuiszitters/{jan_tz}"))
            .await
            .body
            .contains("Actietafel Thuiszitters")
    );

    // The Inspectie report up to the peildatum of 1 November 2026: cumulative over the school
    // year, anonymised.
    let (status, ct, cd, csv) = toeleider
        .get_file("/swv/thuiszitters/inspectie.csv?peildatum=2026-11-01")
        .await;
    assert_eq!(status, 200);
    assert!(ct.starts_with("text/csv"));
    assert!(cd.contains("thuiszitters-inspectie-2026-11-01.csv"));
    let csv = String::from_utf8(csv).unwrap();
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(lines[0].starts_with("\"Initialen\";\"Geboortejaar\""));
    assert!(
        csv.contains("\"E.M. v.d. B.\";\"2017\"")
            && csv.contains(
                "\"vrijstelling 5a\";\"01-06-2026\";\"15-09-2026\";\"15\";\"nee\";\"ja\""
            )
    );
    assert!(
        csv.contains("\"J. d. V.\";\"2017\"")
            && csv.contains(
                "\"langdurig relatief verzuim\";\"01-09-2026\";\"\";\"8\";\"ja\";\"ja\";\"ja\""
            )
    );
    for name in ["Jan", "Vries", "Eva", "Berg", "Tom", "Bakker", "Bongerd"] {
        assert!(!csv.contains(name), "the report names '{name}'");
    }
    let (status, ct, cd, xlsx) = toeleider
        .get_file("/swv/thuiszitters/inspectie.xlsx?peildatum=2026-11-01")
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        ct,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(cd.contains(".xlsx"));
    let parts = unzip_stored(&xlsx);
    let names: Vec<&str> = parts.iter().map(|(n, _)| n.as_str()).collect();
    for part in [
        "[Content_Types].xml",
        "_rels/.rels",
        "xl/workbook.xml",
        "xl/worksheets/sheet1.xml",
    ] {
        assert!(names.contains(&part), "{names:?}");
    }
    let sheet = &parts
        .iter()
        .find(|(n, _)| n == "xl/worksheets/sheet1.xml")
        .unwrap()
        .1;
    assert_eq!(sheet.matches("<row ").count(), 3);
    assert!(
        sheet.contains(">J. d. V.<")
            && sheet.contains(">E.M. v.d. B.<")
            && sheet.contains(">Initialen<")
    );
    for name in ["Jan", "Vries", "Eva", "Tom", "Bakker"] {
        assert!(!sheet.contains(name), "the XLSX names '{name}'");
    }
    // A peildatum in the future is refused with a message at the field.
    let future_peil = toeleider
        .get(&format!("/swv/thuiszitters?peildatum={future}"))
        .await;
    assert_eq!(future_peil.status, 422);
    assert!(
        future_peil
            .body
            .contains("De peildatum kan niet in de toekomst liggen.")
    );
    // School staff and beheerders do not get the register or the export.
    for b in [&mut school, &mut beheerder, &mut adviser] {
        assert_eq!(b.get("/swv/thuiszitters").await.status, 404);
        assert_eq!(b.get("/swv/thuiszitters/inspectie.csv").await.status, 404);
        assert_eq!(b.get("/swv/zorgplicht").await.status, 404);
    }

    // A sick pupil: expected away for more than three weeks, not yet referred: a warning.
    let bad = school
        .post(
            &format!("/leerlingen/{eva}/ziek"),
            &[
                ("sinds", &today().format("%Y-%m-%d").to_string()),
                (
                    "verwacht-tot",
                    &(today() - Days::new(1)).format("%Y-%m-%d").to_string(),
                ),
                ("plan", "Lesstof per week"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(
        bad.body
            .contains("‘Naar verwachting afwezig tot en met’ moet op of na ‘Ziek sinds’ liggen.")
    );
    assert!(bad.body.contains("Lesstof per week"));
    let sick = school
        .post(
            &format!("/leerlingen/{eva}/ziek"),
            &[
                (
                    "sinds",
                    &(today() - Days::new(2)).format("%Y-%m-%d").to_string(),
                ),
                (
                    "verwacht-tot",
                    &(today() + Days::new(30)).format("%Y-%m-%d").to_string(),
                ),
                ("plan", "Lesstof per week; contact met de klas"),
                ("contacten", "Moeder; ziekenhuisschool"),
            ],
        )
        .await;
    assert_eq!(sick.status, 303);
    let sick = id_after(&sick.location, "/ziek/");
    let page = school.get(&format!("/ziek/{sick}")).await;
    assert!(
        page.body
            .contains("nog geen verwijzing naar de OZL-consulent")
    );
    let evaluation = school
        .post(
            &format!("/ziek/{sick}/evaluaties"),
            &[("evaluatie", &today().format("%Y-%m-%d").to_string())],
        )
        .await;
    assert_eq!(evaluation.status, 303);
    passend::reminders::run_once(&db, &settings, today())
        .await
        .unwrap();
    let mail = mail_to(
        &app,
        "ib@school-a.nl",
        "Evaluatiemoment voor een zieke leerling",
    )
    .await;
    assert!(
        mail.contains(&format!("/ziek/{sick}"))
            && !mail.contains("Eva Maria")
            && !mail.contains("Berg")
    );
    let page = school.get(&format!("/ziek/{sick}")).await;
    let eval_id = number_after(&page.body, &format!("/ziek/{sick}/evaluaties/"));
    let held = school
        .post(
            &format!("/ziek/{sick}/evaluaties/{eval_id}"),
            &[("uitkomst", "Gaat goed met de lesstof")],
        )
        .await;
    assert_eq!(held.status, 303);
    let version = field_value(&school.get(&format!("/ziek/{sick}")).await.body, "versie").unwrap();
    let referred = school
        .post(
            &format!("/ziek/{sick}"),
            &[
                ("versie", &version),
                (
                    "sinds",
                    &(today() - Days::new(2)).format("%Y-%m-%d").to_string(),
                ),
                (
                    "verwacht-tot",
                    &(today() + Days::new(30)).format("%Y-%m-%d").to_string(),
                ),
                ("ozl-verwezen", &today().format("%Y-%m-%d").to_string()),
                ("ozl-consulent", "Consulent OZL, 1801"),
                ("plan", "Lesstof per week; contact met de klas"),
            ],
        )
        .await;
    assert_eq!(referred.status, 303);
    let page = school.get(&format!("/ziek/{sick}")).await;
    assert!(
        !page.body.contains("nog geen verwijzing")
            && page.body.contains("Gaat goed met de lesstof")
    );
    assert_eq!(other.get(&format!("/ziek/{sick}")).await.status, 404);

    // The school's overview, and the samenwerkingsverband's: counts, and initials for terms
    // that passed, never names.
    let overview = school.get("/school/zorgplicht").await;
    assert!(
        overview.body.contains("Jan de Vries") && overview.body.contains("Eva Maria van den Berg")
    );
    assert!(
        !overview.body.contains("Tom Bakker"),
        "another school's pupil"
    );
    let swv = toeleider.get("/swv/zorgplicht").await;
    assert_eq!(swv.status, 200);
    assert!(swv.body.contains(&schools[0].name) && swv.body.contains(&schools[1].name));
    assert!(
        swv.body.contains(">T. B.<"),
        "the late registration by its initials"
    );
    assert!(swv.body.contains("Tijdelijk inschrijven vanaf"));
    // Eva's six weeks end within a week: counted and listed before they pass.
    let totals: Vec<&str> = swv
        .body
        .split("scope=\"row\">Totaal</th>")
        .nth(1)
        .unwrap()
        .split("</tr>")
        .next()
        .unwrap()
        .split("<td class=\"utrecht-table__cell\">")
        .skip(1)
        .map(|c| c.split('<').next().unwrap())
        .collect();
    assert_eq!(
        totals[..4],
        ["2", "1", "0", "1"],
        "open, ending within two weeks, passed, temporary enrolment"
    );
    assert!(swv.body.contains("Open, beslis uiterlijk"), "{}", swv.body);
    let other_mail = mail_to(&app, "ib@school-b.nl", "tien weken zonder besluit").await;
    assert!(!other_mail.contains("Tom"));
    for name in ["Jan", "Vries", "Eva", "Berg", "Tom Bakker"] {
        assert!(!swv.body.contains(name), "the SWV overview names '{name}'");
    }

    // Every read and change is in the audit trail with the pupil's id.
    let events = passend_store::audit::search(
        &db,
        tenant,
        &passend_store::audit::Filter {
            pupil_id: Some(jan),
            ..Default::default()
        },
        500,
    )
    .await
    .unwrap();
    for (action, object) in [
        ("create", "aanmelding"),
        ("update", "aanmelding"),
        ("read", "aanmelding"),
        ("create", "thuiszitter"),
        ("update", "thuiszitter"),
        ("export", "thuiszitters-inspectie"),
    ] {
        assert!(
            events
                .iter()
                .any(|e| e.action == action && e.object_type == object),
            "no {action} {object}"
        );
    }
    // The pupil's removal takes the registrations along.
    cw::purge_pupil(&db, tenant, eva, "test").await.unwrap();
    assert_eq!(school.get(&format!("/ziek/{sick}")).await.status, 404);
}
