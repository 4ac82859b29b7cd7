//! The voorzieningenkaart: DUO import (Almere extracts, release updates, a national-size file),
//! the list and its filters without JavaScript, detail pages, and the open data exports.

use crate::support::*;
use passend::import::{ALMERE, import_bytes};

const BO: &[u8] = include_bytes!("../../../../seed/almere/bo_alle_vestigingen_almere.csv");
const BO_PREVIOUS: &[u8] =
    include_bytes!("../../../../seed/almere/bo_alle_vestigingen_almere_vorige_release.csv");

fn geojson_codes(body: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(body).unwrap();
    v["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            f["properties"]["vestigingscode"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

fn list_codes(body: &str) -> Vec<String> {
    body.match_indices("passend-result__name\"><a class=\"utrecht-link\" href=\"/kaart/")
        .map(|(i, m)| body[i + m.len()..i + m.len() + 6].to_owned())
        .collect()
}

#[tokio::test]
async fn a_first_start_shows_all_of_almere_with_coordinates() {
    let app = TestApp::spawn().await;
    let (status, csv) = app.text("/kaart.csv").await;
    assert_eq!(status, 200);
    assert!(csv.starts_with('\u{feff}'), "BOM for Dutch spreadsheets");
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), 86, "75 BO and 11 SBO/SO/(V)SO locations");
    assert_eq!(
        rows.iter()
            .filter(|r| r.split(';').nth(2) == Some("bo"))
            .count(),
        75
    );
    assert!(
        rows.iter()
            .all(|r| !r.split(';').nth(13).unwrap_or_default().is_empty()),
        "every location has coordinates"
    );
    assert!(
        csv.contains("23FD01;Shri Laksmi School;bo;Regentesseweg;1;1312 AA;Almere;Hindoeïstisch"),
        "Windows-1252 decoded right"
    );
    assert!(
        csv.contains("32LV00;Renaissanceschool Almere"),
        "the newest school is there"
    );

    let (_, geo) = app.text("/kaart.geojson").await;
    assert_eq!(geojson_codes(&geo).len(), 86);
    let v: serde_json::Value = serde_json::from_str(&geo).unwrap();
    let f = v["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["vestigingscode"] == "23FD01")
        .unwrap();
    let [lon, lat] = [
        f["geometry"]["coordinates"][0].as_f64().unwrap(),
        f["geometry"]["coordinates"][1].as_f64().unwrap(),
    ];
    assert!(
        (52.3..52.45).contains(&lat) && (5.1..5.35).contains(&lon),
        "{lat} {lon}"
    );

    let (_, page) = app.text("/kaart").await;
    assert!(page.contains("86 locaties"));
    assert_eq!(list_codes(&page).len(), 25, "25 per page");
    assert!(page.contains("Pagina 1 van 4"));
    assert!(page.contains("rel=\"next\""));
    app.stop().await;
}

#[tokio::test]
async fn filters_and_distance_agree_between_list_and_map() {
    let app = TestApp::spawn().await;
    let query = "thema=gedrag&postcode=1315&straal=3";
    let (_, page) = app.text(&format!("/kaart?{query}")).await;
    let listed = list_codes(&page);
    assert!(
        !listed.is_empty(),
        "gedrag within 3 km of 1315 finds SBO/SO locations"
    );
    assert!(page.contains("gesorteerd op afstand"));
    let (_, geo) = app.text(&format!("/kaart.geojson?{query}")).await;
    assert_eq!(
        geojson_codes(&geo),
        listed,
        "identical in list and map, in the same order"
    );
    let v: serde_json::Value = serde_json::from_str(&geo).unwrap();
    let distances: Vec<f64> = v["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["distance_m"].as_f64().unwrap())
        .collect();
    assert!(
        distances.windows(2).all(|w| w[0] <= w[1]),
        "sorted by distance: {distances:?}"
    );
    assert!(distances.iter().all(|d| *d <= 3000.0));
    let escaped = query.replace('&', "&#38;");
    assert!(
        page.contains(&format!("href=\"/kaart.geojson?{escaped}\"")),
        "the open data link keeps the filters"
    );

    let (_, so) = app.text("/kaart?soort=so").await;
    let so_codes = list_codes(&so);
    assert!(so_codes.contains(&"23HU12".to_owned()), "Nautilus SO");
    assert!(
        !so_codes.contains(&"23HU10".to_owned()),
        "a VSO-only location (pupil file) is not SO: {so_codes:?}"
    );
    let (_, vso) = app.text("/kaart?soort=vso").await;
    assert!(list_codes(&vso).contains(&"23HU10".to_owned()));
    let (_, sbo) = app.text("/kaart?soort=sbo").await;
    assert!(sbo.contains("3 locaties"));
    let (_, c3) = app.text("/kaart?cluster=3").await;
    assert!(c3.contains("Olivijn"));
    let (_, named) = app.text("/kaart?q=watertuin").await;
    assert_eq!(list_codes(&named), vec!["15SJ00"]);
    let (_, compact) = app.text("/kaart?q=1312AA").await;
    assert!(
        list_codes(&compact).contains(&"23FD01".to_owned()),
        "a postcode without its space"
    );
    let (_, street) = app.text("/kaart?q=Regentesseweg+1").await;
    assert!(
        list_codes(&street).contains(&"23FD01".to_owned()),
        "street and number"
    );
    let (_, hindu) = app.text("/kaart?denominatie=Hindoe%C3%AFstisch").await;
    assert_eq!(
        list_codes(&hindu),
        vec!["23FD01"],
        "a denominatie with a diaeresis"
    );
    assert!(hindu.contains("<option value=\"Hindoeïstisch\" selected>"));
    let (_, checked) = app.text("/kaart?soort=sbo&thema=gedrag").await;
    assert!(
        checked.contains("id=\"soort-sbo\" name=\"soort\" value=\"sbo\" checked"),
        "filters stay set"
    );
    assert!(checked.contains("id=\"thema-gedrag\" name=\"thema\" value=\"gedrag\" checked"));
    app.stop().await;
}

#[tokio::test]
async fn a_bad_postcode_is_explained_at_the_field_and_kept() {
    let app = TestApp::spawn().await;
    let (status, page) = app.text("/kaart?postcode=abc&soort=bo").await;
    assert_eq!(status, 200);
    assert!(page.contains("Vul een postcode in zoals 1315 of 1315 AB."));
    assert!(page.contains("value=\"abc\""), "the input is kept");
    assert!(page.contains("aria-invalid=\"true\""));
    assert!(
        page.contains("href=\"#postcode\""),
        "the error summary links to the field"
    );
    assert!(page.contains("75 locaties"), "the other filters still work");
    let (_, page) = app.text("/kaart?postcode=9999").await;
    assert!(page.contains("Deze postcode kennen we niet"));
    let (_, page) = app.text("/en/kaart?postcode=abc").await;
    assert!(page.contains("Enter a postcode such as 1315 or 1315 AB."));
    app.stop().await;
}

#[tokio::test]
async fn detail_pages_show_address_profile_and_pupils() {
    let app = TestApp::spawn().await;
    let (status, page) = app.text("/kaart/23FD01").await;
    assert_eq!(status, 200);
    assert!(page.contains("Shri Laksmi School"));
    assert!(page.contains("Regentesseweg 1, 1312 AA Almere"));
    assert!(page.contains("Hindoeïstisch"));
    assert!(
        page.contains("nog niet ingevuld"),
        "a regular school's profile is not invented"
    );
    assert!(page.contains("href=\"tel:0365232514\""));
    assert!(page.contains("href=\"https://www.shriganesha.nl\""));
    assert!(page.contains("Aantal leerlingen"));
    assert!(page.contains("openstreetmap.org/directions"));

    let (_, bongerd) = app.text("/kaart/30EF03").await;
    assert!(
        bongerd.contains("De Bongerd: speciaal onderwijs voor kinderen van groep 1 tot en met 8")
    );
    assert!(bongerd.contains("Het samenwerkingsverband heeft dit profiel ingevuld."));
    assert!(
        bongerd.contains("Gedrag") && !bongerd.contains("Motoriek"),
        "the SWV's profile replaces DUO's codes"
    );
    assert!(bongerd.contains("href=\"https://almere-speciaal.nl/Veel-gestelde-vragen\""));
    let (_, zml) = app.text("/kaart?thema=verstandelijke-beperking").await;
    assert!(
        list_codes(&zml).contains(&"30EF02".to_owned()),
        "Aventurijn is found by its profile"
    );

    // De Bongerd has no phone or website of its own in DUO's file: its school's main location's.
    assert!(bongerd.contains("href=\"tel:0365491919\""), "{bongerd}");
    assert!(bongerd.contains("href=\"https://www.almere-speciaal.nl\""));
    assert!(bongerd.contains("(van de hoofdlocatie Olivijn)"));

    let (_, so) = app.text("/kaart/23HU01").await;
    assert!(so.contains("Gedrag") && so.contains("toelaatbaarheidsverklaring (TLV)"));
    // DUO's codes in plain words; the codes themselves only folded away, for professionals.
    assert!(so.contains(
        "Speciaal onderwijs (basisschoolleeftijd) voor kinderen met ernstige gedragsproblemen"
    ));
    let codes = so
        .find("SO ZMOK + VSO ZMOK + RP-VSO ZMOK (cluster 4)")
        .unwrap();
    let fold = so
        .find("<summary>DUO-codes (voor professionals)</summary>")
        .unwrap();
    assert!(fold < codes, "the codes are inside the fold");
    let (_, en) = app.text("/en/kaart/23HU01").await;
    assert!(en.contains("Behaviour") && en.contains("<html lang=\"en\""));

    assert_eq!(app.get("/kaart/ZZ99ZZ").await.status(), 404);
    assert_eq!(app.get("/kaart/..%2Fetc").await.status(), 404);
    app.stop().await;
}

#[tokio::test]
async fn open_data_exports() {
    let app = TestApp::spawn().await;
    let r = app.get("/kaart.csv?soort=sbo").await;
    assert_eq!(
        r.headers()["content-disposition"],
        "attachment; filename=\"voorzieningenkaart.csv\""
    );
    assert_eq!(
        r.text().await.unwrap().lines().count(),
        4,
        "header and three SBO"
    );
    let (_, json) = app.text("/kaart.json?soort=sbo").await;
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["locations"].as_array().unwrap().len(), 3);
    assert!(!v["services"].as_array().unwrap().is_empty());
    assert_eq!(v["locations"][0]["addresses"][0]["country"], "NL");
    let r = app.get("/kaart.geojson").await;
    assert_eq!(r.headers()["content-type"], "application/geo+json");
    let geo: serde_json::Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert!(
        geo["features"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["id"].is_string()),
        "every feature has an id"
    );
    let (_, all) = app.text("/kaart.json").await;
    let v: serde_json::Value = serde_json::from_str(&all).unwrap();
    let almere_speciaal = v["organizations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == "30EF")
        .unwrap();
    assert_eq!(
        almere_speciaal["name"], "Olivijn",
        "named after its main location (30EF00)"
    );
    assert!(
        v["organizations"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["website"].is_null()
                || o["website"].as_str().unwrap().starts_with("https://"))
    );
    app.stop().await;
}

#[tokio::test]
async fn releases_update_without_losing_anything() {
    let db = TestDb::new().await;
    let pool = passend::open_database(&config_for(&db)).await.unwrap();
    let first = import_bytes(&pool, "vorige.csv", BO_PREVIOUS, Some(ALMERE))
        .await
        .unwrap();
    assert_eq!(first.changes.unwrap().new, 74);
    let second = import_bytes(&pool, "nieuw.csv", BO, Some(ALMERE))
        .await
        .unwrap();
    let c = second.changes.unwrap();
    assert_eq!(
        (c.new, c.closed, c.unchanged),
        (1, 0, 74),
        "the new school is added, nothing is lost"
    );
    let again = import_bytes(&pool, "nieuw.csv", BO, Some(ALMERE))
        .await
        .unwrap()
        .changes
        .unwrap();
    assert_eq!(
        (
            again.new,
            again.changed,
            again.renamed,
            again.closed,
            again.unchanged
        ),
        (0, 0, 0, 0, 75),
        "idempotent"
    );

    // Going back to the older release closes the school, and it comes back after.
    let back = import_bytes(&pool, "vorige.csv", BO_PREVIOUS, Some(ALMERE))
        .await
        .unwrap()
        .changes
        .unwrap();
    assert_eq!(back.closed, 1);
    let rows = passend_store::locations::all_locations(&pool)
        .await
        .unwrap();
    let renaissance = rows.iter().find(|l| l.code == "32LV00").unwrap();
    assert_eq!(renaissance.status, "closed", "marked closed, never deleted");
    assert_eq!(rows.len(), 75);
    let forward = import_bytes(&pool, "nieuw.csv", BO, Some(ALMERE))
        .await
        .unwrap()
        .changes
        .unwrap();
    assert_eq!(forward.reopened, 1);
    let events = passend_store::locations::location_events(&pool, renaissance.id)
        .await
        .unwrap();
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["reopened", "closed", "new"]);

    // A renamed school is recorded as such.
    let renamed: Vec<u8> = String::from_utf8_lossy(BO)
        .replace("Renaissanceschool Almere", "Renaissanceschool Almere Poort")
        .into_bytes();
    let r = import_bytes(&pool, "hernoemd.csv", &renamed, Some(ALMERE))
        .await
        .unwrap()
        .changes
        .unwrap();
    assert_eq!((r.renamed, r.new, r.closed), (1, 0, 0));
    pool.close().await;
}

#[tokio::test]
async fn a_former_name_still_finds_the_school_and_exports_use_each_location_s_own_data() {
    let app = TestApp::spawn().await;
    let renamed: Vec<u8> = BO
        .split(|b| *b == b'\n')
        .map(|line| {
            String::from_utf8_lossy(line)
                .replace("Renaissanceschool Almere", "Kindcentrum De Horizon")
                .into_bytes()
        })
        .collect::<Vec<_>>()
        .join(&b'\n');
    let r = import_bytes(&app.server().db, "hernoemd.csv", &renamed, Some(ALMERE))
        .await
        .unwrap();
    assert_eq!(r.changes.unwrap().renamed, 1);
    let (_, new_name) = app.text("/kaart?q=horizon&soort=bo").await;
    assert_eq!(list_codes(&new_name), ["32LV00"]);
    let (_, old_name) = app.text("/kaart?q=renaissanceschool").await;
    assert_eq!(
        list_codes(&old_name),
        ["32LV00"],
        "the former name finds it"
    );
    let (_, page) = app.text("/kaart/32LV00").await;
    assert!(page.contains("Eerder heette deze school: Renaissanceschool Almere."));

    let (_, json) = app.text("/kaart.json?soort=bo").await;
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let location = |code: &str| {
        v["locations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["id"] == code)
            .unwrap()
            .clone()
    };
    assert_eq!(
        location("16YS01")["url"],
        "https://www.flevoschool.asg-almere.nl",
        "a location keeps its own website"
    );
    assert_eq!(
        location("14QC00")["addresses"][0]["address_1"],
        "Randstad 22 113B",
        "the house number as the page writes it"
    );
    let (_, csv) = app.text("/kaart.csv?soort=bo").await;
    assert!(csv.contains(";Randstad 22;113B;1316 BW;Almere;"), "{csv}");
    app.stop().await;
}

#[tokio::test]
async fn a_national_size_file_imports() {
    let db = TestDb::new().await;
    let pool = passend::open_database(&config_for(&db)).await.unwrap();
    let file = crate::support::national_file(6100, "0363");
    let name = "02.-alle-schoolvestigingen-basisonderwijs.csv";
    // A broken row is an error with its line number, and the file is not applied.
    let broken = [file.as_slice(), b"kapotte regel zonder velden\r\n"].concat();
    let refused = import_bytes(&pool, name, &broken, None).await.unwrap_err();
    assert!(format!("{refused:#}").contains("regel 6102"), "{refused:#}");
    assert!(
        passend_store::locations::all_locations(&pool)
            .await
            .unwrap()
            .is_empty()
    );
    let all = import_bytes(&pool, name, &file, None).await.unwrap();
    assert_eq!(all.rows_read, 6100);
    assert_eq!(all.changes.unwrap().new, 6100);
    assert!(all.warnings.is_empty());
    pool.close().await;
}

#[tokio::test]
async fn voorzieningen_show_on_the_map_and_their_location() {
    let app = TestApp::spawn().await;
    let db = &app.server().db;
    let tenant = passend_store::tenants::ensure(db, "PO2401", "Passend Onderwijs Almere")
        .await
        .unwrap();
    let args = passend::voorzieningen::AddArgs {
        location: "24ft00".to_owned(),
        name: "Observatiegroep jonge kind".to_owned(),
        kind: "arrangement".to_owned(),
        description: "Kleine groep waar jonge kinderen een periode worden geobserveerd.".to_owned(),
        themes: vec!["jonge-risicoleerlingen".to_owned(), "gedrag".to_owned()],
        admission: "plaatsingsoverleg".to_owned(),
        capacity: Some(8),
        waiting_list: Some(3),
        contact: "Via de intern begeleider van de huidige school".to_owned(),
        verified: chrono::NaiveDate::from_ymd_opt(2024, 1, 15),
    };
    let slug = passend::voorzieningen::add(db, tenant.id, &args)
        .await
        .unwrap();
    assert_eq!(slug, "observatiegroep-jonge-kind");
    let err = passend::voorzieningen::add(db, tenant.id, &args)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("al een voorziening"), "{err}");
    let mut bad = args.clone();
    bad.themes = vec!["astrologie".to_owned()];
    bad.name = "Iets anders".to_owned();
    let err = passend::voorzieningen::add(db, tenant.id, &bad)
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("onbekend thema 'astrologie'")
            && err.to_string().contains("gedrag")
    );
    let mut nowhere = args.clone();
    nowhere.location = "99XX00".to_owned();
    nowhere.name = "Nergens".to_owned();
    let err = passend::voorzieningen::add(db, tenant.id, &nowhere)
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("locatie 99XX00 bestaat niet"),
        "{err}"
    );

    let (_, page) = app.text("/kaart?soort=voorziening").await;
    assert!(page.contains("1 locatie"), "only the voorziening");
    assert!(page.contains(
        "href=\"/kaart/24FT00#v-observatiegroep-jonge-kind\">Observatiegroep jonge kind<span"
    ));
    assert!(page.contains("Arrangement"));
    let (_, geo) = app
        .text("/kaart.geojson?thema=jonge-risicoleerlingen")
        .await;
    let v: serde_json::Value = serde_json::from_str(&geo).unwrap();
    assert_eq!(v["features"][0]["properties"]["type"], "voorziening");
    let (_, all) = app.text("/kaart").await;
    assert!(
        all.contains("87 locaties"),
        "86 locations and one voorziening"
    );

    let (_, host) = app.text("/kaart/24FT00").await;
    assert!(host.contains("id=\"v-observatiegroep-jonge-kind\""));
    assert!(host.contains("Jonge risicoleerlingen"));
    assert!(host.contains("Plaatsen</dt><dd>8</dd>"));
    assert!(host.contains("3 kinderen"));
    assert!(host.contains("Laatst gecontroleerd door het samenwerkingsverband op 15 januari 2024"));
    assert!(
        host.contains("ouder dan 12 maanden"),
        "old checks are flagged"
    );

    let (_, json) = app.text("/kaart.json?soort=voorziening").await;
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["services"][0]["id"], "v-observatiegroep-jonge-kind");
    assert_eq!(v["locations"].as_array().unwrap().len(), 1);

    assert!(
        passend_store::locations::remove_voorziening(db, tenant.id, &slug, None)
            .await
            .unwrap()
    );
    let (_, after) = app.text("/kaart?soort=voorziening").await;
    assert!(after.contains("Geen locaties gevonden"));
    // A new one may reuse the removed row's id on SQLite: the map still notices.
    let mut other = args.clone();
    other.name = "Taalklas".to_owned();
    passend::voorzieningen::add(db, tenant.id, &other)
        .await
        .unwrap();
    let (_, again) = app.text("/kaart?soort=voorziening").await;
    assert!(again.contains(">Taalklas<span"), "{again}");
    app.stop().await;
}

/// A local server that answers like the PDOK Locatieserver v3.1 `/free` endpoint.
async fn fake_pdok() -> (String, tokio::task::JoinHandle<()>) {
    use axum::extract::RawQuery;
    use axum::routing::get;
    let app = axum::Router::new().route(
        "/bzk/locatieserver/search/v3_1/free",
        get(|RawQuery(q): RawQuery| async move {
            let q = q.unwrap_or_default();
            let params: Vec<(String, String)> = form_urlencoded::parse(q.as_bytes()).into_owned().collect();
            let get = |k: &str| params.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone()).unwrap_or_default();
            if get("fq") != "type:adres" || get("rows") != "1" {
                return (axum::http::StatusCode::BAD_REQUEST, "{\"error\":\"onbekende parameters\"}".to_owned());
            }
            let body = if get("q") == "postcode:1363CG AND huisnummer:50" {
                r#"{"response":{"numFound":1,"start":0,"maxScore":12.3,"numFoundExact":true,"docs":[{"bron":"BAG","woonplaatscode":"3167","type":"adres","woonplaatsnaam":"Almere","huis_nlt":"50","openbareruimtetype":"Weg","gemeentecode":"0034","weergavenaam":"Monacostraat 50, 1363CG Almere","straatnaam_verkort":"Monacostraat","id":"adr-0000","gemeentenaam":"Almere","postcode":"1363CG","provincienaam":"Flevoland","centroide_ll":"POINT(5.1623456 52.3817654)","huisnummer":50,"centroide_rd":"POINT(137000.1 486000.2)","straatnaam":"Monacostraat"}]}}"#
            } else {
                r#"{"response":{"numFound":0,"start":0,"maxScore":0.0,"numFoundExact":true,"docs":[]}}"#
            };
            (axum::http::StatusCode::OK, body.to_owned())
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "http://{}/bzk/locatieserver/search/v3_1",
        listener.local_addr().unwrap()
    );
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (url, task)
}

#[tokio::test]
async fn pdok_fills_in_coordinates_the_bag_file_lacks() {
    let (url, server) = fake_pdok().await;
    let db = TestDb::new().await;
    let pool = passend::open_database(&config_for(&db)).await.unwrap();
    import_bytes(&pool, "bo.csv", BO, Some(ALMERE))
        .await
        .unwrap();
    let pdok = passend::pdok::Pdok::new(&url).unwrap();
    let (found, missed) = passend::pdok::geocode_missing(&pool, &pdok).await.unwrap();
    assert_eq!((found, missed), (1, 74));
    let rows = passend_store::locations::all_locations(&pool)
        .await
        .unwrap();
    let school = rows.iter().find(|l| l.code == "32LV00").unwrap();
    assert_eq!(school.coord_source.as_deref(), Some("pdok"));
    assert!((school.lat.unwrap() - 52.3817654).abs() < 1e-6);
    // A later BAG file wins over nothing, and PDOK is not asked again for this school.
    let (found, missed) = passend::pdok::geocode_missing(&pool, &pdok).await.unwrap();
    assert_eq!((found, missed), (0, 74));
    // PDOK down: the import still holds, nothing is lost.
    let down = passend::pdok::Pdok::new("http://127.0.0.1:9/nergens").unwrap();
    let (found, missed) = passend::pdok::geocode_missing(&pool, &down).await.unwrap();
    assert_eq!((found, missed), (0, 74));
    server.abort();
    pool.close().await;
}

#[tokio::test]
async fn an_interrupted_first_start_finishes_next_time_and_a_moved_school_loses_its_old_point() {
    // A first start that stopped after the first file.
    let db = TestDb::new().await;
    let config = config_for(&db);
    let pool = passend::open_database(&config).await.unwrap();
    import_bytes(&pool, "bo_alle_vestigingen_almere.csv", BO, Some(ALMERE))
        .await
        .unwrap();
    pool.close().await;
    let app = TestApp::start(db, config).await;
    let (_, csv) = app.text("/kaart.csv").await;
    assert_eq!(
        csv.lines().count() - 1,
        86,
        "the SBO/SO file came in on the next start"
    );
    let (_, detail) = app.text("/kaart/23FD01").await;
    assert!(detail.contains("Aantal leerlingen"), "and the pupil counts");
    assert!(!detail.contains("bij benadering"), "and the BAG points");

    // The school moves: its BAG point no longer fits, the PC4 centroid stands in.
    let moved = passend_domain::duo::decode(BO)
        .0
        .replace("Regentesseweg;1;1312 AA", "Regentesseweg;9;1313 AA");
    // Back to Windows-1252 as DUO publishes it (the file has only Latin-1 letters).
    let bytes: Vec<u8> = moved
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap())
        .collect();
    let r = import_bytes(&app.server().db, "nieuw.csv", &bytes, Some(ALMERE))
        .await
        .unwrap();
    assert_eq!(r.changes.unwrap().changed, 1);
    let (_, detail) = app.text("/kaart/23FD01").await;
    assert!(detail.contains("Regentesseweg 9, 1313 AA Almere"));
    assert!(
        detail.contains("bij benadering"),
        "the old exact point is gone"
    );
    app.stop().await;
}

/// A tile server on loopback: answers `/{z}/{x}/{y}.png` with `body` and `content_type`
/// (a 500 for y = 1351, a 404 for y = 1353), and counts what it was asked.
async fn tile_server(
    body: &'static [u8],
    content_type: &'static str,
) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let asked = std::sync::Arc::new(AtomicUsize::new(0));
    let counter = asked.clone();
    let app = axum::Router::new().route(
        "/{z}/{x}/{y}",
        axum::routing::get(
            move |axum::extract::Path((_z, _x, y)): axum::extract::Path<(u8, u32, String)>| {
                let counter = counter.clone();
                async move {
                    counter.fetch_add(1, Ordering::SeqCst);
                    if y == "1351.png" {
                        return (
                            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                            [("content-type", "text/plain")],
                            &b"kapot"[..],
                        );
                    }
                    if y == "1353.png" {
                        return (
                            axum::http::StatusCode::NOT_FOUND,
                            [("content-type", "text/plain")],
                            &b"geen tegel"[..],
                        );
                    }
                    (
                        axum::http::StatusCode::OK,
                        [("content-type", content_type)],
                        body,
                    )
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/{{z}}/{{x}}/{{y}}.png"), asked)
}

#[tokio::test]
async fn map_tiles_come_through_the_site_and_a_failing_tile_server_costs_no_error() {
    use std::sync::atomic::Ordering;
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n tegel";
    let (upstream, asked) = tile_server(PNG, "image/png").await;
    let app = TestApp::spawn_with(|c| c.map_tiles = upstream).await;

    // The browser asks this site only: the page names the proxy, the CSP allows no other origin.
    let page = app.get("/kaart?soort=so").await;
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("img-src 'self' data:;"), "{csp}");
    assert!(!csp.contains("127.0.0.1"), "{csp}");
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("data-tiles=\"/kaart/tegels/{z}/{x}/{y}\"")
    );

    let tile = app.get("/kaart/tegels/12/2100/1350").await;
    assert_eq!(tile.status(), 200);
    assert_eq!(tile.headers()["content-type"], "image/png");
    assert_eq!(tile.headers()["cache-control"], "public, max-age=86400");
    assert_eq!(tile.bytes().await.unwrap().as_ref(), PNG);
    let again = app.get("/kaart/tegels/12/2100/1350").await;
    assert_eq!(again.bytes().await.unwrap().as_ref(), PNG);
    assert_eq!(
        asked.load(Ordering::SeqCst),
        1,
        "a tile is fetched once and kept"
    );

    for missing in [
        "/kaart/tegels/20/0/0",
        "/kaart/tegels/1/2/0",
        "/kaart/tegels/12/x/1",
        "/kaart/tegels/12/-1/1",
    ] {
        assert_eq!(app.get(missing).await.status(), 404, "{missing}");
    }
    assert_eq!(
        asked.load(Ordering::SeqCst),
        1,
        "a tile that cannot exist is not asked for"
    );
    // Paris at zoom 12: outside the Netherlands, not fetched (and no error for the browser).
    assert_eq!(app.get("/kaart/tegels/12/2074/1409").await.status(), 204);
    assert_eq!(
        asked.load(Ordering::SeqCst),
        1,
        "only tiles over the Netherlands are fetched"
    );

    // One tile the tile server does not have: 204 for that tile, the others still come.
    assert_eq!(app.get("/kaart/tegels/12/2100/1353").await.status(), 204);
    assert_eq!(app.get("/kaart/tegels/12/2100/1354").await.status(), 200);
    assert_eq!(asked.load(Ordering::SeqCst), 3);

    // The tile server fails: 204 (no error in the visitor's console), not kept by the browser,
    // and for a while the tile server is not asked again.
    let failed = app.get("/kaart/tegels/12/2100/1351").await;
    assert_eq!(failed.status(), 204);
    assert_eq!(failed.headers()["cache-control"], "no-store");
    assert_eq!(asked.load(Ordering::SeqCst), 4);
    assert_eq!(app.get("/kaart/tegels/12/2100/1352").await.status(), 204);
    assert_eq!(
        asked.load(Ordering::SeqCst),
        4,
        "a failing tile server gets a rest"
    );
    assert_eq!(
        app.get("/kaart/tegels/12/2100/1350").await.status(),
        200,
        "kept tiles still come"
    );
    app.stop().await;

    // Something that is not an image, and a tile server that cannot be reached: 204 as well.
    let (html, _) = tile_server(b"<html>login</html>", "text/html").await;
    let app = TestApp::spawn_with(|c| c.map_tiles = html).await;
    assert_eq!(app.get("/kaart/tegels/12/2100/1350").await.status(), 204);
    app.stop().await;
    let app =
        TestApp::spawn_with(|c| c.map_tiles = "http://127.0.0.1:1/{z}/{x}/{y}.png".to_owned())
            .await;
    assert_eq!(app.get("/kaart/tegels/12/2100/1350").await.status(), 204);
    app.stop().await;
}
