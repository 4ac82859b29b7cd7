//! The `passend` binary itself: `migrate`, `healthcheck`, and a clean stop on SIGTERM.

use crate::support::*;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn passend() -> Command {
    crate::support::passend_command()
}

#[tokio::test]
async fn migrate_then_serve_then_stop_on_sigterm() {
    let db = TestDb::new().await;
    let out = passend()
        .arg("migrate")
        .env("DATABASE_URL", &db.url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Migraties toegepast"));

    let mut child = passend()
        .arg("serve")
        .env("DATABASE_URL", &db.url)
        .env("PASSEND_ADDR", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .rsplit(' ')
        .next()
        .unwrap()
        .trim_end_matches('/')
        .to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{line}");

    let ok = passend()
        .args(["healthcheck", "--url", &url])
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "healthcheck: {}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let body = crate::support::http_client()
        .get(format!("{url}/toelaatbaarheidsverklaring"))
        .send()
        .await
        .unwrap();
    assert_eq!(body.status(), 200);

    // A request in flight when SIGTERM arrives: its head is half sent.
    let host = url.trim_start_matches("http://").to_owned();
    let mut in_flight = tokio::net::TcpStream::connect(&host).await.unwrap();
    in_flight
        .write_all(b"GET /zorgplicht HTTP/1.1\r\nHost: passend\r\n")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;

    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    in_flight
        .write_all(b"Accept-Encoding: identity\r\n\r\n")
        .await
        .unwrap();
    let mut response = Vec::new();
    tokio::time::timeout(
        Duration::from_secs(10),
        in_flight.read_to_end(&mut response),
    )
    .await
    .expect("the request in flight is answered")
    .unwrap();
    let response = String::from_utf8_lossy(&response);
    assert!(
        response.starts_with("HTTP/1.1 200"),
        "{}",
        &response[..response.len().min(200)]
    );
    assert!(
        response.trim_end().ends_with("</html>"),
        "the whole page arrives"
    );
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "no stop after SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(
        status.success(),
        "SIGTERM ends the server cleanly: {status:?}"
    );

    let down = passend()
        .args(["healthcheck", "--url", &url])
        .output()
        .unwrap();
    assert!(
        !down.status.success(),
        "healthcheck fails when nothing listens"
    );
}

#[tokio::test]
async fn bad_configuration_is_explained() {
    let out = passend()
        .arg("migrate")
        .env("PASSEND_ADDR", "nergens")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("PASSEND_ADDR"));
    let out = passend()
        .arg("migrate")
        .env("DATABASE_URL", "mysql://x")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("DATABASE_URL"));
}

#[tokio::test]
async fn import_and_voorziening_commands_report_in_dutch() {
    let db = TestDb::new().await;
    let dir =
        std::env::temp_dir().join(format!("passend-import-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let seed = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../seed/almere");
    let mut broken = std::fs::read(seed.join("bo_alle_vestigingen_almere.csv")).unwrap();
    broken.extend_from_slice(
        b"Flevoland;1;XX;kapot;Kapot;Straat;1;1312 AA;ALMERE;0034;ALMERE;Openbaar; ; ;Postbus;1;1000 AA;PLAATS;01;A;01;A;01;A;01;A;01;A;01;A;Noord\r\n",
    );
    let file = dir.join("02.-alle-schoolvestigingen-basisonderwijs.csv");
    std::fs::write(&file, &broken).unwrap();
    let out = passend()
        .args(["import", "duo", "--gemeente", "0034"])
        .arg(&file)
        .arg(seed.join("09.-alle-vestigingen-sbo-so-en-vso_almere.csv"))
        .arg(dir.join("bestaat-niet.csv"))
        .env("DATABASE_URL", &db.url)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "a missing file makes the command fail"
    );
    assert!(
        stdout.contains("(bo): 76 rijen gelezen, 75 verwerkt"),
        "{stdout}"
    );
    assert!(stdout.contains("locaties: 75 nieuw"), "{stdout}");
    assert!(
        stdout.contains("regel 77: ongeldige vestigingscode"),
        "{stdout}"
    );
    assert!(
        stdout.contains("(sbo-so-vso): 11 rijen gelezen"),
        "the other files still run"
    );
    assert!(stdout.contains("FOUT bestaat-niet.csv"), "{stdout}");
    assert!(stderr.contains("3/3"), "a progress bar: {stderr}");

    let add = passend()
        .args([
            "voorziening",
            "add",
            "--locatie",
            "15SJ00",
            "--naam",
            "Taalklas",
            "--soort",
            "arrangement",
            "--thema",
            "taal-spraak,nt2",
            "--toelating",
            "direct",
        ])
        .env("DATABASE_URL", &db.url)
        .output()
        .unwrap();
    assert!(
        add.status.success(),
        "{}",
        String::from_utf8_lossy(&add.stderr)
    );
    let list = passend()
        .args(["voorziening", "list"])
        .env("DATABASE_URL", &db.url)
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&list.stdout).contains("taalklas\tTaalklas\tarrangement\t15SJ00")
    );
    let bad = passend()
        .args([
            "voorziening",
            "add",
            "--locatie",
            "15SJ00",
            "--naam",
            "X",
            "--soort",
            "klas",
        ])
        .env("DATABASE_URL", &db.url)
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr)
            .contains("--soort moet stedelijke-voorziening of arrangement zijn")
    );
    let rm = passend()
        .args(["voorziening", "remove", "taalklas"])
        .env("DATABASE_URL", &db.url)
        .output()
        .unwrap();
    assert!(rm.status.success());
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn an_import_killed_midway_leaves_nothing_half_written() {
    let db = TestDb::new().await;
    let dir = std::env::temp_dir().join(format!("passend-kill-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("02.-alle-schoolvestigingen-basisonderwijs.csv");
    std::fs::write(&file, crate::support::national_file(6100, "0363")).unwrap();
    let mut child = passend()
        .args(["import", "duo"])
        .arg(&file)
        .env("DATABASE_URL", &db.url)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The progress bar shows "0/1" when the database is open and the file is being read; kill it
    // a moment later, while it writes (SIGKILL: no chance to clean up).
    let mut stderr = child.stderr.take().unwrap();
    let mut seen = Vec::new();
    let mut buf = [0u8; 256];
    while !String::from_utf8_lossy(&seen).contains("0/1") {
        let n = std::io::Read::read(&mut stderr, &mut buf).unwrap();
        assert!(
            n > 0,
            "the import started: {}",
            String::from_utf8_lossy(&seen)
        );
        seen.extend_from_slice(&buf[..n]);
    }
    tokio::time::sleep(Duration::from_millis(150)).await;
    let _ = Command::new("kill")
        .args(["-KILL", &child.id().to_string()])
        .status();
    let status = child.wait().unwrap();
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(
            status.signal(),
            Some(9),
            "the kill landed while the import ran (it takes about a second)"
        );
    }

    let pool = passend::open_database(&crate::support::config_for(&db))
        .await
        .unwrap();
    if let passend_store::Db::Sqlite(p) = &pool {
        let check: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(p)
            .await
            .unwrap();
        assert_eq!(check, "ok");
    }
    let (locations, imports): (i64, i64) = passend_store::on_db!(&pool, p => sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM locations), (SELECT COUNT(*) FROM data_imports)",
    )
    .fetch_one(p)
    .await)
    .unwrap();
    assert!(
        (locations, imports) == (0, 0) || (locations, imports) == (6100, 1),
        "all or nothing, never half: {locations} locations, {imports} imports"
    );
    let v = passend_store::audit::verify(&pool).await.unwrap();
    assert_eq!(v.problem, None, "the audit trail is whole");
    assert_eq!(
        v.checked, imports as u64,
        "an import is recorded exactly when it happened"
    );
    pool.close().await;
    let _ = std::fs::remove_dir_all(dir);
}
