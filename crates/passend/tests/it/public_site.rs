//! The public information site: every page in both languages, the begrippenlijst and its
//! search without JavaScript, term links, versioned content.

use crate::support::*;
use passend_domain::Lang;
use passend_domain::accounts::Role;
use passend_store::content::{PageEdit, edit_page};

#[tokio::test]
async fn every_public_page_answers_in_dutch_and_english() {
    let app = TestApp::spawn().await;
    for lang in ["nl", "en"] {
        for slug in PAGES {
            let p = path(lang, slug);
            let r = app.get(&p).await;
            assert_eq!(r.status(), 200, "{p}");
            let ct = r.headers()["content-type"].to_str().unwrap().to_owned();
            assert!(ct.starts_with("text/html"), "{p}: {ct}");
            let body = r.text().await.unwrap();
            assert!(
                body.contains(&format!("<html lang=\"{lang}\"")),
                "{p}: wrong lang"
            );
            assert_eq!(body.matches("<h1 ").count(), 1, "{p}: one h1");
            assert!(body.contains("<main id=\"inhoud\""), "{p}: main landmark");
            assert!(body.contains("href=\"#inhoud\""), "{p}: skip link");
            let other = if lang == "nl" { "en" } else { "nl" };
            assert!(
                body.contains(&format!("href=\"{}\" lang=\"{other}\"", path(other, slug))),
                "{p}: language switch to the same page"
            );
            assert!(!body.contains("<script"), "{p}: no scripts on public pages");
            // hreflang pairs are absolute and name the page itself too.
            for (code, to) in [(lang, p.as_str()), (other, path(other, slug).as_str())] {
                let link = format!("hreflang=\"{code}\" href=\"{}{to}\"", app.config.base_url);
                assert!(body.contains(&link), "{p}: {link}");
            }
            assert!(body.contains(&format!(
                "hreflang=\"x-default\" href=\"{}{}\"",
                app.config.base_url,
                path("nl", slug)
            )));
            let map = if lang == "nl" { "/kaart" } else { "/en/kaart" };
            let map_link = format!("<a class=\"utrecht-nav-list__link\" href=\"{map}\">");
            assert!(body.contains(&map_link), "{p}: the map in the menu");
            let in_footer = format!("<li><a class=\"utrecht-link\" href=\"{map}\">");
            assert!(body.contains(&in_footer), "{p}: and in the footer");
        }
    }
    app.stop().await;
}

#[tokio::test]
async fn the_home_page_finds_schools_by_postcode_and_the_guide_leads_to_a_next_step() {
    let app = TestApp::spawn().await;
    let (_, home) = app.text("/").await;
    let form = home.find("action=\"/kaart#resultaten-kop\"").unwrap();
    let postcode = home.find("name=\"postcode\"").unwrap();
    let content = home.find("Wat is zorgplicht?").unwrap();
    assert!(
        form < postcode && postcode < content,
        "the search comes before the text"
    );
    assert!(home.contains("<option value=\"so\">Speciaal onderwijs (so)</option>"));
    assert!(home.contains("href=\"/wat-kan-ik-doen\""));
    let (_, en) = app.text("/en/").await;
    assert!(
        en.contains("action=\"/en/kaart#resultaten-kop\"")
            && en.contains("href=\"/en/wat-kan-ik-doen\"")
    );
    // What the home page's form sends.
    let (status, found) = app.text("/kaart?postcode=1315&soort=so").await;
    assert_eq!(status, 200);
    let results = found.find("id=\"resultaten-kop\"").unwrap();
    let filters = found.find("id=\"kaart-zoeken\"").unwrap();
    assert!(results < filters, "after a search the results come first");
    assert!(found.contains("href=\"#kaart-zoeken\">Zoekopdracht aanpassen</a>"));
    assert!(
        found.contains("data-origin-lat=\"52."),
        "the postcode's marker"
    );
    assert!(found.contains("<details class=\"passend-details passend-more-filters\">"));
    let (_, empty_form) = app.text("/kaart?postcode=&soort=").await;
    assert!(
        empty_form.find("id=\"kaart-zoeken\"").unwrap()
            < empty_form.find("id=\"resultaten-kop\"").unwrap(),
        "an empty form sent is no search"
    );
    let (_, fresh) = app.text("/kaart").await;
    assert!(
        fresh.find("id=\"kaart-zoeken\"").unwrap() < fresh.find("id=\"resultaten-kop\"").unwrap(),
        "before any search the form comes first"
    );

    // The guide: one question at a time, in the address only.
    let (_, start) = app.text("/wat-kan-ik-doen").await;
    assert!(start.contains("Waar gaat uw vraag over?"));
    assert!(start.contains("name=\"stap\" value=\"zorg\""));
    let (_, next) = app.text("/wat-kan-ik-doen?huidige=start&stap=zorg").await;
    assert!(next.contains("Hebt u al met de leerkracht of de intern begeleider gepraat?"));
    let (status, again) = app.text("/wat-kan-ik-doen?huidige=zorg").await;
    assert_eq!(status, 200);
    assert!(again.contains("Kies een antwoord.") && again.contains("aria-invalid=\"true\""));
    assert!(
        again.contains("Hebt u al met de leerkracht"),
        "the same question again"
    );
    let (_, end) = app.text("/wat-kan-ik-doen?huidige=start&stap=school").await;
    assert!(end.contains("Meld uw kind schriftelijk aan"));
    assert!(end.contains("href=\"/kaart\">Scholen en voorzieningen zoeken</a>"));
    assert!(end.contains("href=\"/zorgplicht\">Wat is zorgplicht?</a>"));
    assert!(end.contains("Uw antwoorden worden nergens bewaard."));
    assert!(!end.contains("<script"));
    let (_, en_end) = app.text("/en/wat-kan-ik-doen?stap=bezwaar").await;
    assert!(en_end.contains("within 6 weeks") && en_end.contains("href=\"/en/oudersteunpunt\""));
    assert!(en_end.contains("href=\"/wat-kan-ik-doen?stap=bezwaar\" lang=\"nl\""));
    let (status, odd) = app.text("/wat-kan-ik-doen?stap=%3Cscript%3E").await;
    assert_eq!(status, 200);
    assert!(
        odd.contains("Waar gaat uw vraag over?"),
        "an unknown step starts over"
    );
    app.stop().await;
}

#[tokio::test]
async fn menu_marks_the_current_page() {
    let app = TestApp::spawn().await;
    let (_, body) = app.text("/zorgplicht").await;
    assert!(body.contains(
        "<a class=\"utrecht-nav-list__link\" href=\"/zorgplicht\" aria-current=\"page\">"
    ));
    assert_eq!(body.matches("aria-current=\"page\"").count(), 1);
    let (_, body) = app.text("/en/begrippen").await;
    assert!(body.contains("href=\"/en/begrippen\" aria-current=\"page\">Glossary</a>"));
    app.stop().await;
}

#[tokio::test]
async fn glossary_lists_at_least_50_terms_with_anchors_and_an_index() {
    let app = TestApp::spawn().await;
    for lang in ["nl", "en"] {
        let (status, body) = app.text(&path(lang, "begrippen")).await;
        assert_eq!(status, 200);
        let terms = body.matches("<dt id=\"").count();
        assert!(terms >= 50, "{lang}: {terms} terms");
        assert_eq!(
            body.matches("<dfn>").count(),
            terms,
            "{lang}: every term is a <dfn>"
        );
        for anchor in ["tlv", "zorgplicht", "opp", "sbo", "lbt", "zienswijze"] {
            assert!(
                body.contains(&format!("<dt id=\"{anchor}\">")),
                "{lang}: anchor {anchor}"
            );
        }
        assert!(
            body.contains("<abbr title=\"toelaatbaarheidsverklaring\">TLV</abbr>"),
            "{lang}"
        );
        assert!(body.contains("href=\"#letter-T\""), "{lang}: A-Z index");
        assert!(body.contains("id=\"letter-T\""), "{lang}: letter sections");
    }
    app.stop().await;
}

#[tokio::test]
async fn glossary_search_works_on_the_server() {
    let app = TestApp::spawn().await;
    let (_, all) = app.text("/begrippen").await;
    let total = all.matches("<dt id=\"").count();

    let (status, body) = app.text("/begrippen?q=tlv").await;
    assert_eq!(status, 200);
    assert!(body.contains("<dt id=\"tlv\">"), "TLV found");
    let hits = body.matches("<dt id=\"").count();
    assert!(
        hits >= 1 && hits < total,
        "search narrows: {hits} of {total}"
    );
    assert!(body.contains("gevonden voor ‘tlv’"));
    assert!(body.contains("value=\"tlv\""), "the input is kept");
    let first = body.find("<dt id=\"").unwrap();
    assert!(
        body[first..].starts_with("<dt id=\"tlv\">"),
        "exact term first"
    );

    let (_, body) = app.text("/begrippen?q=IBer").await;
    assert!(body.find("<dt id=\"ib-er\">").is_some(), "IBer finds IB'er");
    let (_, body) = app.text("/begrippen?q=so").await;
    let hits = body.matches("<dt id=\"").count();
    assert!(hits < 10, "a short word matches whole words only: {hits}");

    let (_, body) = app.text("/begrippen?q=Toelaatbaarheidsverklaring").await;
    assert!(
        body.contains("<dt id=\"tlv\">"),
        "found by its full form, any case"
    );

    let (_, body) = app.text("/en/begrippen?q=tlv").await;
    assert!(body.contains("<dt id=\"tlv\">"));
    assert!(body.contains("found for ‘tlv’"));

    let (status, body) = app.text("/begrippen?q=xyzzyq").await;
    assert_eq!(status, 200);
    assert_eq!(body.matches("<dt id=\"").count(), 0);
    assert!(body.contains("Geen begrippen gevonden voor ‘xyzzyq’"));

    let (_, body) = app
        .text("/begrippen?q=%3Cscript%3Ealert(1)%3C/script%3E")
        .await;
    assert!(!body.contains("<script>alert"), "search text is escaped");
    assert!(
        body.contains("value=\"&#60;script&#62;alert(1)&#60;/script&#62;\""),
        "and kept in the field"
    );
    app.stop().await;
}

#[tokio::test]
async fn terms_link_once_per_page_to_an_existing_definition() {
    let app = TestApp::spawn().await;
    for lang in ["nl", "en"] {
        let (_, glossary) = app.text(&path(lang, "begrippen")).await;
        let prefix = format!("href=\"{}#", path(lang, "begrippen"));
        let mut abbr_seen = false;
        for slug in PAGES.iter().filter(|s| **s != "begrippen") {
            let (_, body) = app.text(&path(lang, slug)).await;
            let main = &body[body.find("<main").unwrap()..body.find("</main>").unwrap()];
            let mut keys = Vec::new();
            for (i, _) in main.match_indices(&prefix) {
                let rest = &main[i + prefix.len()..];
                let key = &rest[..rest.find('"').unwrap()];
                assert!(
                    glossary.contains(&format!("<dt id=\"{key}\">")),
                    "{lang}/{slug}: #{key} exists"
                );
                keys.push(key.to_owned());
            }
            let count = keys.len();
            keys.sort();
            keys.dedup();
            assert_eq!(
                keys.len(),
                count,
                "{lang}/{slug}: each term linked at most once"
            );
            abbr_seen |= main.contains("passend-term\" href=") && main.contains("<abbr title=");
        }
        assert!(abbr_seen, "{lang}: abbreviations are marked up with <abbr>");
    }
    let (_, home) = app.text("/").await;
    assert!(
        home.contains("href=\"/begrippen#zorgplicht\""),
        "home links zorgplicht"
    );
    app.stop().await;
}

/// An edit of a page's title and text, made from its first version.
fn page_edit<'a>(title: &'a str, body_md: &'a str) -> PageEdit<'a> {
    PageEdit {
        title,
        summary: "Kort",
        nav_order: None,
        nav_label: None,
        no_link_terms: "",
        body_md,
        author_id: None,
        base_version: Some(1),
        draft_revision: None,
    }
}

/// Saves an edit of a Dutch page straight in the database, as the command line or another
/// instance would.
async fn save_page(
    app: &TestApp,
    slug: &str,
    edit: &PageEdit<'_>,
) -> passend_store::content::EditOutcome {
    let tenant =
        passend_store::tenants::ensure(&app.server().db, "PO2401", "Passend Onderwijs Almere")
            .await
            .unwrap();
    let object = format!("nl/{slug}");
    let event =
        passend_store::audit::Event::cli(Some(tenant.id), "update", "pagina", &object, "test");
    edit_page(&app.server().db, tenant.id, Lang::Nl, slug, edit, &event)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_edit_shows_at_once_and_raw_html_never_passes() {
    let app = TestApp::spawn().await;
    let tenant =
        passend_store::tenants::ensure(&app.server().db, "PO2401", "Passend Onderwijs Almere")
            .await
            .unwrap();
    let (_, before) = app.text("/privacy").await;
    assert!(before.contains("Laatst bijgewerkt op "));
    assert!(!before.contains("Privacy bij Passend"));
    let edit = page_edit(
        "Privacy bij Passend",
        "Tekst met <script>alert(1)</script> en <img src=x onerror=alert(2)> en **vet**.\n\n[klik](javascript:alert(3))",
    );
    let version = save_page(&app, "privacy", &edit).await;
    assert_eq!(version, passend_store::content::EditOutcome::Saved(2));
    let stale = save_page(&app, "privacy", &edit).await;
    assert_eq!(
        stale,
        passend_store::content::EditOutcome::Stale(2),
        "an edit from an old version is refused"
    );
    let (_, after) = app.text("/privacy").await;
    assert!(after.contains("<h1 class=\"utrecht-heading-1\">Privacy bij Passend</h1>"));
    assert!(!after.contains("<script>alert"), "raw HTML is not rendered");
    assert!(!after.contains("<img"), "raw HTML is not rendered");
    assert!(
        !after.contains("javascript:"),
        "unsafe link targets are dropped"
    );
    assert!(after.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(
        after.contains("<strong class=\"utrecht-emphasis utrecht-emphasis--strong\">vet</strong>")
    );
    let missing = save_page(&app, "bestaat-niet", &edit).await;
    assert_eq!(missing, passend_store::content::EditOutcome::Missing);

    // A restart seeds again, but a person's edit wins over the files.
    let (db, config) = app.stop().await;
    let app = TestApp::start(db, config).await;
    let (_, again) = app.text("/privacy").await;
    assert!(again.contains("Privacy bij Passend"));
    let report = passend::seed::run(&app.server().db, tenant.id)
        .await
        .unwrap();
    assert_eq!(report.created, 0);
    assert_eq!(report.updated, 0);
    assert_eq!(report.kept, 1, "the edited page is kept");
    assert!(
        report.unchanged >= 12 + 50,
        "everything else is unchanged: {report:?}"
    );
    app.stop().await;
}

#[tokio::test]
async fn old_and_odd_paths_are_handled() {
    let app = TestApp::spawn().await;
    let r = app.get("/en").await;
    assert_eq!(r.status(), 308);
    assert_eq!(r.headers()["location"], "/en/");
    let r = app.get("/home").await;
    assert_eq!(r.status(), 308);
    assert_eq!(r.headers()["location"], "/");
    for odd in [
        "/Zorgplicht",
        "/zorgplicht-",
        "/en/xx",
        "/static/onbekend.css",
        "/../etc/passwd",
    ] {
        assert_eq!(app.get(odd).await.status(), 404, "{odd}");
    }
    app.stop().await;
}

#[tokio::test]
async fn a_beheerder_keeps_the_contact_details_and_parents_see_them_everywhere() {
    let app = TestApp::spawn().await;
    let tenant = tenant_id(&app).await;
    // As shipped: the footer says how to reach the SWV instead of showing nothing, and the
    // Oudersteunpunt's configured text stands in.
    let (_, before) = app.text("/zorgplicht").await;
    assert!(
        before.contains("Vraag het aan de school van uw kind"),
        "the fallback"
    );
    assert!(before.contains("036 000 00 00 of steunpunt@swv.test"));
    let (_, mut admin) = user(&app, tenant, "beheer@example.nl", Role::Beheerder, &[]).await;
    let start = admin.get("/beheer").await;
    assert!(start.body.contains("Nog te doen") && start.body.contains("href=\"/beheer/contact\""));
    assert!(
        start
            .body
            .contains("Telefoonnummer van het samenwerkingsverband")
    );
    assert!(
        !start.body.contains("Postadres (voor brieven en bezwaar)"),
        "PASSEND_POSTADRES stands in for a postal address nobody saved yet"
    );
    let form = admin.get("/beheer/contact").await;
    assert_eq!(form.status, 200);
    let base = field_value(&form.body, "versie").unwrap();
    assert_eq!(base, "0");
    let details = |phone: &str, version: &str| -> Vec<(&'static str, String)> {
        vec![
            ("versie", version.to_owned()),
            ("bezoekadres", "Stationsstraat 1, 1311 AA Almere".to_owned()),
            ("postadres", "Postbus 99, 1300 AB Almere".to_owned()),
            ("telefoon", phone.to_owned()),
            ("e-mail", "info@swv-almere.test".to_owned()),
            (
                "bereikbaar",
                "maandag tot en met vrijdag, 9.00 tot 17.00 uur".to_owned(),
            ),
            ("oudersteunpunt-telefoon", "036 765 43 21".to_owned()),
            ("oudersteunpunt-e-mail", "ouders@swv-almere.test".to_owned()),
            (
                "oudersteunpunt-bereikbaar",
                "dinsdag en donderdag, 9.00 tot 12.00 uur".to_owned(),
            ),
        ]
    };
    // A wrong phone number: a message at the field, and what was typed stays.
    let wrong = admin
        .post_pairs("/beheer/contact", &details("12345", &base))
        .await;
    assert_eq!(wrong.status, 422);
    assert!(
        wrong
            .body
            .contains("Vul een telefoonnummer van 10 cijfers in")
    );
    assert_eq!(
        field_value(&wrong.body, "telefoon").as_deref(),
        Some("12345")
    );
    assert_eq!(
        field_value(&wrong.body, "postadres").as_deref(),
        Some("Postbus 99, 1300 AB Almere")
    );
    let saved = admin
        .post_pairs("/beheer/contact", &details("036 123 45 67", &base))
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    // A second editor who started from the same version does not overwrite it.
    let stale = admin
        .post_pairs("/beheer/contact", &details("036 999 99 99", &base))
        .await;
    assert_eq!(stale.status, 409);
    assert!(
        stale
            .body
            .contains("Iemand anders heeft de contactgegevens intussen opgeslagen")
    );
    assert_eq!(
        field_value(&stale.body, "telefoon").as_deref(),
        Some("036 999 99 99")
    );
    // A mistake keeps the version the editor started from, so the next save still conflicts.
    let mistake = admin
        .post_pairs("/beheer/contact", &details("1", &base))
        .await;
    assert_eq!(mistake.status, 422);
    assert_eq!(
        field_value(&mistake.body, "versie").as_deref(),
        Some(base.as_str())
    );
    let page = admin.get("/beheer/contact?gedaan=opgeslagen").await;
    assert!(page.body.contains("De contactgegevens zijn opgeslagen"));
    assert!(
        page.body.contains("Postadres (voor brieven en bezwaar)"),
        "the history says what changed"
    );
    assert!(!admin.get("/beheer").await.body.contains("Nog te doen"));

    for path in [
        "/",
        "/zorgplicht",
        "/kaart",
        "/kaart/30EF03",
        "/en/begrippen",
    ] {
        let (_, body) = app.text(path).await;
        assert!(
            body.contains("href=\"tel:0361234567\">036 123 45 67</a>"),
            "{path}"
        );
        assert!(
            body.contains("href=\"mailto:info@swv-almere.test\""),
            "{path}"
        );
        assert!(body.contains("Stationsstraat 1, 1311 AA Almere"), "{path}");
        assert!(
            body.contains("href=\"tel:0367654321\""),
            "{path}: the Oudersteunpunt"
        );
        assert!(
            !body.contains("Vraag het aan de school van uw kind"),
            "{path}"
        );
    }
    let (_, contact_form) = app.text("/oudersteunpunt/contact").await;
    assert!(contact_form.contains(
        "U kunt het Oudersteunpunt ook zelf bereiken: 036 765 43 21 of ouders@swv-almere.test (dinsdag en donderdag, 9.00 tot 12.00 uur)."
    ));
    let audit = passend_store::audit::search(
        &app.server().db,
        tenant,
        &passend_store::audit::Filter {
            object_type: Some("contactgegevens".to_owned()),
            ..Default::default()
        },
        10,
    )
    .await
    .unwrap();
    assert_eq!(audit.len(), 1, "the save is in the audit trail");
    app.stop().await;
}

/// What the front answered: the headers that belong to the body (not the request id, the
/// timing or the date) and the body itself.
async fn answer(
    app: &TestApp,
    path: &str,
    encoding: &str,
) -> (bool, Vec<(String, String)>, Vec<u8>) {
    let r = app
        .client
        .get(format!("{}{path}", app.base))
        .header("accept-encoding", encoding)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{path}");
    let timing = r.headers()["server-timing"].to_str().unwrap().to_owned();
    assert!(r.headers().contains_key("x-request-id"), "{path}");
    let mut headers: Vec<(String, String)> = r
        .headers()
        .iter()
        .filter(|(n, _)| !["x-request-id", "server-timing", "date"].contains(&n.as_str()))
        .map(|(n, v)| (n.to_string(), v.to_str().unwrap().to_owned()))
        .collect();
    headers.sort();
    (
        timing.starts_with("kept"),
        headers,
        r.bytes().await.unwrap().to_vec(),
    )
}

#[tokio::test]
async fn the_front_answers_kept_pages_again_with_the_same_headers_until_the_data_changes() {
    // As in production, the caches ask the database at most once per interval.
    let interval = std::time::Duration::from_secs(3);
    let app = TestApp::spawn_with(|c| c.cache_check = interval).await;
    let kept = [
        "/",
        "/en/begrippen",
        "/privacy",
        "/wat-kan-ik-doen?huidige=start&stap=zorg",
        "/kaart/30EF03",
        "/kaart?postcode=1315&soort=so",
        "/kaart.geojson?soort=so",
        "/kaart.csv?soort=sbo",
    ];
    let without_encoding = |headers: &[(String, String)]| -> Vec<(String, String)> {
        headers
            .iter()
            .filter(|(n, _)| n != "content-encoding" && n != "content-length")
            .cloned()
            .collect()
    };
    for path in kept {
        let (first_from_front, full_headers, full_body) = answer(&app, path, "br").await;
        assert!(
            !first_from_front,
            "{path}: the first answer takes the whole way"
        );
        for needed in [
            "content-security-policy",
            "x-frame-options",
            "x-content-type-options",
            "referrer-policy",
            "vary",
        ] {
            assert!(
                full_headers.iter().any(|(n, _)| n == needed),
                "{path}: {needed}"
            );
        }
        for encoding in ["br", "gzip", "identity"] {
            let (from_front, headers, body) = answer(&app, path, encoding).await;
            assert!(from_front, "{path} ({encoding}) is answered by the front");
            assert_eq!(
                without_encoding(&headers),
                without_encoding(&full_headers),
                "{path} ({encoding}): the headers of the whole way"
            );
            let sent = headers.iter().find(|(n, _)| n == "content-encoding");
            match encoding {
                "identity" => assert!(sent.is_none(), "{path}"),
                e => assert_eq!(sent.map(|(_, v)| v.as_str()), Some(e), "{path}"),
            }
            if encoding == "br" {
                assert_eq!(body, full_body, "{path}: the same bytes");
            }
        }
    }
    // The CSV keeps its file name.
    let (_, csv_headers, _) = answer(&app, "/kaart.csv?soort=sbo", "br").await;
    assert!(
        csv_headers
            .iter()
            .any(|(n, v)| n == "content-disposition" && v.contains("voorzieningenkaart.csv"))
    );

    // Never from the front: what a visitor typed, a search of the begrippenlijst, a HEAD.
    for path in [
        "/kaart?q=bongerd",
        "/begrippen?q=tlv",
        "/kaart?postcode=1315AB",
    ] {
        answer(&app, path, "br").await;
        assert!(
            !answer(&app, path, "br").await.0,
            "{path} is made for each request"
        );
    }
    let head = app
        .client
        .head(format!("{}/privacy", app.base))
        .send()
        .await
        .unwrap();
    assert!(
        !head.headers()["server-timing"]
            .to_str()
            .unwrap()
            .starts_with("kept")
    );

    // An edit in the database (as another instance would make it) shows once the interval has
    // passed, and the new page is kept in its turn.
    let edited = page_edit("Privacy, opnieuw geschreven", "Nieuwe tekst.");
    save_page(&app, "privacy", &edited).await;
    tokio::time::sleep(interval + std::time::Duration::from_millis(200)).await;
    let (from_front, _, body) = answer(&app, "/privacy", "identity").await;
    assert!(!from_front, "a stale answer is not given again");
    assert!(
        String::from_utf8(body)
            .unwrap()
            .contains("Privacy, opnieuw geschreven")
    );
    let (from_front, _, body) = answer(&app, "/privacy", "identity").await;
    assert!(from_front);
    assert!(
        String::from_utf8(body)
            .unwrap()
            .contains("Privacy, opnieuw geschreven")
    );
    app.stop().await;

    // As shipped (no PASSEND_SERVER_TIMING), no answer says how long it took: that would tell a
    // visitor whether someone asked the same search before.
    let app = TestApp::spawn_with(|c| {
        c.cache_check = interval;
        c.server_timing = false;
    })
    .await;
    for _ in 0..2 {
        for path in ["/", "/kaart?postcode=1315&soort=so", "/kaart?q=bongerd"] {
            let r = app.get(path).await;
            assert_eq!(r.status(), 200);
            assert!(r.headers().get("server-timing").is_none(), "{path}");
        }
    }
    app.stop().await;
}

#[tokio::test]
async fn a_begrip_is_previewed_changed_retired_and_restored_and_every_page_follows() {
    let app = TestApp::spawn().await;
    let tenant = tenant_id(&app).await;
    let (_, mut b) = user(
        &app,
        tenant,
        "b@example.nl",
        passend_domain::accounts::Role::Beheerder,
        &[],
    )
    .await;
    let list = b.get("/beheer/begrippen").await;
    assert!(
        list.body
            .contains("href=\"/beheer/begrippen/nl/zorgplicht\"")
    );
    let path = "/beheer/begrippen/nl/zorgplicht";
    let form = b.get(path).await;
    let first = field_value(&form.body, "versie").unwrap();
    let term = field_value(&form.body, "begrip").unwrap();
    let fields = |action: &str, text: &str, version: &str| -> Vec<(&'static str, String)> {
        vec![
            ("versie", version.to_owned()),
            ("begrip", term.clone()),
            ("voluit", String::new()),
            ("ook", String::new()),
            ("uitleg", text.to_owned()),
            ("actie", action.to_owned()),
        ]
    };
    let text = "De school moet **een plek die echt past** zoeken. Dat heet zorgplicht.";
    // A preview renders the definition and saves nothing.
    let preview = b.post_pairs(path, &fields("voorbeeld", text, &first)).await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert!(
        preview.body.contains(">een plek die echt past</strong>"),
        "{}",
        preview.body
    );
    let (_, glossary) = app.text("/begrippen").await;
    assert!(!glossary.contains("een plek die echt past"));
    // A definition without words is refused at the field, the input kept.
    let refused = b.post_pairs(path, &fields("publiceren", "", &first)).await;
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("Leg het begrip uit in gewone taal."));
    // Published: the begrippenlijst follows.
    let saved = b
        .post_pairs(path, &fields("publiceren", text, &first))
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let (_, glossary) = app.text("/begrippen").await;
    assert!(
        glossary.contains("een plek die echt past"),
        "the list follows"
    );
    // Retired: gone from the list, and no page links to it any more.
    let second = (first.parse::<i64>().unwrap() + 1).to_string();
    let retired = b
        .post_pairs(path, &fields("intrekken", text, &second))
        .await;
    assert_eq!(retired.status, 303, "{}", retired.body);
    assert!(retired.location.ends_with("gedaan=ingetrokken"));
    let (_, home) = app.text("/").await;
    assert!(
        !home.contains("href=\"/begrippen#zorgplicht\""),
        "the term links follow"
    );
    let (_, glossary) = app.text("/begrippen").await;
    assert!(!glossary.contains("id=\"zorgplicht\""));
    // Compared with the first version and restored: back in the list and linked again.
    let compare = b.get(&format!("{path}/versies/{first}")).await;
    assert_eq!(compare.status, 200);
    assert!(compare.body.contains("weg:</span>") && compare.body.contains("nieuw:</span>"));
    let current = field_value(&compare.body, "huidig").unwrap();
    let restored = b
        .post(
            &format!("{path}/versies/{first}/terugzetten"),
            &[("huidig", &current)],
        )
        .await;
    assert_eq!(restored.status, 303, "{}", restored.body);
    let (_, home) = app.text("/").await;
    assert!(home.contains("href=\"/begrippen#zorgplicht\""));
    let (_, glossary) = app.text("/begrippen").await;
    assert!(glossary.contains("id=\"zorgplicht\"") && !glossary.contains("een plek die echt past"));
    // A new term, and one with a taken address refused at the field.
    let new = |key: &str| -> Vec<(&'static str, String)> {
        vec![
            ("sleutel", key.to_owned()),
            ("begrip", "Groeidocument".to_owned()),
            ("voluit", String::new()),
            ("ook", "groeidocumenten".to_owned()),
            (
                "uitleg",
                "Een document waarin de school beschrijft hoe uw kind groeit.".to_owned(),
            ),
            ("actie", "publiceren".to_owned()),
        ]
    };
    b.get("/beheer/begrippen/nl/nieuw").await;
    let taken = b
        .post_pairs("/beheer/begrippen/nl/nieuw", &new("zorgplicht"))
        .await;
    assert_eq!(taken.status, 409);
    assert!(taken.body.contains("Er is al een begrip met deze naam"));
    let made = b
        .post_pairs("/beheer/begrippen/nl/nieuw", &new("groeidocument-test"))
        .await;
    assert_eq!(made.status, 303, "{}", made.body);
    let (_, glossary) = app.text("/begrippen").await;
    assert!(glossary.contains("id=\"groeidocument-test\""));
    app.stop().await;
}

/// The public figures page: before the national files there are no figures, only the text;
/// after them, two charts with text alternatives and tables that hold the same numbers, for
/// this samenwerkingsverband against the country, in each language's number format. The page's
/// text (how the samenwerkingsverband decides) is editable content like every page.
#[tokio::test]
async fn the_figures_page_shows_the_deelname_against_the_country_in_both_languages() {
    let app = TestApp::spawn().await;
    let (status, empty) = app.text("/cijfers").await;
    assert_eq!(status, 200);
    assert!(
        empty.contains("De landelijke cijfers zijn nog niet ingelezen"),
        "{empty}"
    );
    assert!(empty.contains("Waar letten wij op bij een toelaatbaarheidsverklaring?"));
    assert!(!empty.contains("<svg class=\"passend-chart\""));
    let (_, home) = app.text("/").await;
    assert!(
        home.contains("href=\"/cijfers\""),
        "the menu links to the figures"
    );

    let db = &app.server().db;
    for (file, bytes) in [
        (
            "regio.csv",
            &include_bytes!(
                "../../../../seed/national/regio_indeling_swv_pc4_BWBR0032324_2015-04-23.csv"
            )[..],
        ),
        (
            "edugis.csv",
            &include_bytes!("../../../../seed/national/edugis_scholen_20241122_nl.csv")[..],
        ),
        (
            "06.csv",
            &include_bytes!(
                "../../../../seed/national/06.-historisch-overzicht-aantal-leerlingen-per-schoolvestiging.csv"
            )[..],
        ),
    ] {
        passend::import::import_bytes(db, file, bytes, None)
            .await
            .unwrap();
    }
    passend::import::refresh_deelname(db).await.unwrap();

    let (status, nl) = app.text("/cijfers").await;
    assert_eq!(status, 200);
    assert_eq!(nl.matches("<svg class=\"passend-chart\"").count(), 2);
    assert!(
        nl.contains("role=\"img\"") && nl.contains("<desc id="),
        "a text alternative"
    );
    assert!(nl.contains("over de jaren 2016–2025"), "{nl}");
    // The tables hold the numbers the charts draw: Almere's 2025 row, SBO then SO.
    let row = |sbo_here: &str, sbo_nl: &str| {
        format!(
            "2025</th><td class=\"utrecht-table__cell utrecht-table__cell--numeric-data\">{sbo_here}</td><td class=\"utrecht-table__cell utrecht-table__cell--numeric-data\">{sbo_nl}</td>"
        )
    };
    assert!(nl.contains(&row("2,70 %", "2,28 %")), "{nl}");
    assert!(nl.contains(&row("1,34 %", "1,10 %")), "{nl}");
    assert!(nl.contains("Het SO-cijfer is dus een benadering"));
    let (_, en) = app.text("/en/cijfers").await;
    assert!(en.contains(&row("2.70%", "2.28%")), "{en}");
    assert!(en.contains("What do we look at for an admission statement?"));
    app.stop().await;
}
