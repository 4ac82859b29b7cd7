//! A bad DUO file changes nothing: `passend import duo` refuses a file with only its header, one
//! cut off, one in two encodings or with bytes no encoding has, a vestigingscode twice, an unknown
//! gemeente, and a release that would close many locations; the locations and the map stay as
//! they were.

use crate::support::*;
use passend::import::{ALMERE, import_bytes};
use passend_store::locations::all_locations;

const BO: &[u8] = include_bytes!("../../../../seed/almere/bo_alle_vestigingen_almere.csv");

/// A bad file: what it is, its bytes, the gemeente asked for, and what the refusal must say.
type BadFile<'a> = (&'a str, &'a [u8], Option<&'a str>, &'a [&'a str]);

/// The lines of a file, each with its line break.
fn lines(bytes: &[u8]) -> Vec<&[u8]> {
    bytes.split_inclusive(|b| *b == b'\n').collect()
}

/// Every location as (code, name, status), to compare before and after.
async fn locations_now(app: &TestApp) -> Vec<(String, String, String)> {
    let mut all: Vec<(String, String, String)> = all_locations(&app.server().db)
        .await
        .unwrap()
        .into_iter()
        .map(|l| (l.code, l.name, l.status))
        .collect();
    all.sort();
    all
}

/// The shipped BO file in UTF-8, as DUO's text, with `é` in the names of three schools.
fn bo_in_utf8() -> Vec<u8> {
    let text: String = BO
        .iter()
        .map(|b| match b {
            0xEF => 'ï',
            b => char::from(*b),
        })
        .collect();
    assert!(
        text.is_ascii() || text.contains('ï'),
        "the file is Windows-1252"
    );
    let mut out = Vec::new();
    for (n, line) in text.split_inclusive('\n').enumerate() {
        if (2..=4).contains(&n) {
            out.extend_from_slice(line.replacen(';', ";Café ", 5).as_bytes());
        } else {
            out.extend_from_slice(line.as_bytes());
        }
    }
    out
}

#[tokio::test]
async fn a_bad_duo_file_changes_nothing_and_says_why() {
    let app = TestApp::spawn().await;
    let db = &app.server().db;
    let before = locations_now(&app).await;
    let open_bo = before
        .iter()
        .filter(|(c, _, s)| s == "open" && BO.windows(6).any(|w| w == c.as_bytes()))
        .count();
    assert_eq!(open_bo, 75, "the shipped Almere BO locations are there");
    let (_, map_before) = app.text("/kaart.json").await;
    let all = lines(BO);

    let header_only = all[0].to_vec();
    let cut_mid_row = [all[..40].concat(), all[40][..30].to_vec()].concat();
    let cut_at_line_end = all[..20].concat();
    let mut mixed = bo_in_utf8();
    let stray = mixed.windows(5).position(|w| w == b"Caf\xc3\xa9").unwrap();
    // One name in Windows-1252 amid UTF-8 (line 3 holds the first "Café").
    mixed.splice(stray..stray + 5, b"Caf\xe9".iter().copied());
    let mut undefined = BO.to_vec();
    let at = undefined.windows(6).position(|w| w == b"Almere").unwrap();
    undefined[at] = 0x81;
    let line_of_undefined = BO[..at].iter().filter(|b| **b == b'\n').count() + 1;
    let duplicated = [BO, all[5]].concat();

    let cases: [BadFile; 8] = [
        (
            "header-only",
            &header_only,
            Some(ALMERE),
            &["alleen een kopregel"],
        ),
        (
            "cut mid-row",
            &cut_mid_row,
            Some(ALMERE),
            &["regel 41", "velden"],
        ),
        (
            "cut at a line end",
            &cut_at_line_end,
            Some(ALMERE),
            &[
                "zou 56 van de 75 open locaties sluiten",
                "--sta-sluiten-toe",
            ],
        ),
        (
            "mixed encoding",
            &mixed,
            Some(ALMERE),
            &["regel 3", "gemengde tekencodering"],
        ),
        (
            "undefined byte",
            &undefined,
            Some(ALMERE),
            &[&format!("regel {line_of_undefined}"), "0x81"],
        ),
        (
            "duplicate code",
            &duplicated,
            Some(ALMERE),
            &["regel 77", "staat ook op regel 6"],
        ),
        (
            "unknown gemeente by name",
            BO,
            Some("Amsterdam"),
            &["gemeente 'Amsterdam' komt niet voor"],
        ),
        (
            "unknown gemeente by code",
            BO,
            Some("0363"),
            &["gemeente '0363' komt niet voor"],
        ),
    ];
    for (what, bytes, gemeente, says) in cases {
        let refused = import_bytes(
            db,
            "02.-alle-schoolvestigingen-basisonderwijs.csv",
            bytes,
            gemeente,
        )
        .await
        .expect_err(what);
        let message = format!("{refused:#}");
        for s in says {
            assert!(message.contains(s), "{what}: '{s}' not in: {message}");
        }
        assert_eq!(
            locations_now(&app).await,
            before,
            "{what}: the locations are unchanged"
        );
    }
    let (_, map_after) = app.text("/kaart.json").await;
    assert_eq!(map_after, map_before, "the map is unchanged");

    // The good file still imports, by the gemeente's name as well as its code.
    let again = import_bytes(db, "bo.csv", BO, Some("Almere"))
        .await
        .unwrap();
    let c = again.changes.unwrap();
    assert_eq!((c.unchanged, c.closed), (75, 0));
    app.stop().await;
}

#[tokio::test]
async fn the_command_refuses_a_release_that_closes_many_unless_told() {
    let db = TestDb::new().await;
    let dir =
        std::env::temp_dir().join(format!("passend-import-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let full = dir.join("bo.csv");
    std::fs::write(&full, BO).unwrap();
    let short = dir.join("bo-kort.csv");
    std::fs::write(&short, lines(BO)[..20].concat()).unwrap();
    let import = |extra: &[&str], file: &std::path::Path| {
        passend_command()
            .args(["import", "duo"])
            .args(extra)
            .arg(file)
            .env("DATABASE_URL", &db.url)
            .output()
            .unwrap()
    };
    let almere: &[&str] = &["--gemeente", "Almere"];
    let first = import(almere, &full);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(String::from_utf8_lossy(&first.stdout).contains("75 nieuw"));

    let refused = import(almere, &short);
    assert!(
        !refused.status.success(),
        "a short release exits with an error"
    );
    let said = String::from_utf8_lossy(&refused.stdout);
    assert!(
        said.contains("geweigerd") && said.contains("--sta-sluiten-toe"),
        "{said}"
    );
    let pool = passend::open_database(&config_for(&db)).await.unwrap();
    let open = |rows: Vec<passend_store::locations::Location>| {
        rows.iter().filter(|l| l.status == "open").count()
    };
    assert_eq!(
        open(all_locations(&pool).await.unwrap()),
        75,
        "nothing closed"
    );

    let higher = import(&["--gemeente", "Almere", "--max-sluiten", "80"], &short);
    assert!(
        higher.status.success(),
        "{}",
        String::from_utf8_lossy(&higher.stdout)
    );
    assert!(String::from_utf8_lossy(&higher.stdout).contains("56 gesloten"));
    let back = import(almere, &full);
    assert!(back.status.success());
    // A header-only file cannot name its gemeente: the code is needed, and the permission.
    let everything = ["--gemeente", "0034", "--sta-sluiten-toe"];
    let header = import(&everything, &dir.join("alleen-kop.csv"));
    assert!(
        !header.status.success(),
        "a file that is not there is an error"
    );
    std::fs::write(dir.join("alleen-kop.csv"), lines(BO)[0]).unwrap();
    let by_name = import(
        &["--gemeente", "Almere", "--sta-sluiten-toe"],
        &dir.join("alleen-kop.csv"),
    );
    assert!(!by_name.status.success(), "a name no row has is refused");
    let emptied = import(&everything, &dir.join("alleen-kop.csv"));
    assert!(
        emptied.status.success(),
        "told to, it applies even a header-only file"
    );
    assert_eq!(open(all_locations(&pool).await.unwrap()), 0);
    pool.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// The national files through the command, on the test's database: the deelnamepercentages are
/// stored for every samenwerkingsverband and the country, the same as the hand count of the
/// domain's test; an extract of one gemeente gives no "country" figure; a broken regio-indeling
/// is refused and changes nothing.
#[tokio::test]
async fn the_national_files_give_deelnamepercentages_and_an_extract_gives_none() {
    let db = TestDb::new().await;
    let seed = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../seed");
    let import = |files: &[std::path::PathBuf]| {
        passend_command()
            .args(["import", "duo"])
            .args(files)
            .env("DATABASE_URL", &db.url)
            .output()
            .unwrap()
    };
    // The Almere extract alone: pupils of one gemeente are no country.
    let almere = import(&[seed.join("almere/leerlingen_historisch_almere.csv")]);
    assert!(almere.status.success(), "{almere:?}");
    assert!(
        String::from_utf8_lossy(&almere.stdout).contains("Deelnamepercentages niet berekend"),
        "{almere:?}"
    );
    // A regio-indeling without samenwerkingsverbanden is refused.
    let dir = std::env::temp_dir().join(format!("passend-regio-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let broken = dir.join("regio.csv");
    std::fs::write(
        &broken,
        "PC4;gemeente;PO SWV;VO SWV\n1311;Almere;?;?\n1312;Almere;?;?\n",
    )
    .unwrap();
    let refused = import(&[broken]);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stdout).contains("noemen geen samenwerkingsverband"),
        "{refused:?}"
    );
    let national = import(&[
        seed.join("national/regio_indeling_swv_pc4_BWBR0032324_2015-04-23.csv"),
        seed.join("national/edugis_scholen_20241122_nl.csv"),
        seed.join("national/06.-historisch-overzicht-aantal-leerlingen-per-schoolvestiging.csv"),
    ]);
    let out = String::from_utf8_lossy(&national.stdout);
    assert!(national.status.success(), "{national:?}");
    assert!(
        out.contains("In 2025 geplaatst: 6881 vestigingen op postcode, 61 op gemeente, 12 niet"),
        "{out}"
    );
    let config = config_for(&db);
    let app = TestApp::start(db, config).await;
    let store = &app.server().db;
    let year = |rows: Vec<passend_store::deelname::DeelnameRow>, y: i64| {
        let r = rows.into_iter().find(|r| r.year == y).unwrap();
        (r.bao, r.sbo, r.so, r.so_vso)
    };
    let almere = passend_store::deelname::of_area(store, "PO2401")
        .await
        .unwrap();
    assert_eq!(year(almere.clone(), 2025), (20_724, 576, 286, 461));
    assert_eq!(year(almere, 2024), (20_436, 527, 285, 446));
    let country = passend_store::deelname::of_area(store, "NL").await.unwrap();
    assert_eq!(year(country, 2025), (1_356_911, 31_612, 15_291, 44_620));
    let swvs = passend_store::deelname::in_year(store, 2025).await.unwrap();
    assert!(
        swvs.len() > 70 && swvs.iter().all(|r| r.area.starts_with("PO")),
        "{}",
        swvs.len()
    );
    std::fs::remove_dir_all(&dir).ok();
    app.stop().await;
}
