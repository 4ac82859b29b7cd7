//! `passend backup`, `passend restore` and `passend check` on the backend under test: a backup
//! taken while pupils and documents are being written restores into an empty database with the
//! same counts and every document whole; the audit chains verify; a database older than the
//! recorded head (a truncated restore) is found by `passend audit verify`; a damaged archive is
//! refused before anything is written; missing, damaged and orphaned files are found.

use crate::support::*;
use passend::Config;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// The `passend` binary with a configuration's places in its environment.
fn passend_for(config: &Config) -> std::process::Command {
    let mut c = crate::support::passend_command();
    c.env("DATABASE_URL", config.database_url.expose())
        .env("PASSEND_DOCUMENTS_DIR", &config.documents_dir)
        .env("PASSEND_AUDIT_HEAD_FILE", &config.audit_head_file)
        .env("PASSEND_AUDIT_KEY_FILE", &config.audit_key_file);
    c
}

/// A configuration for an empty target: a fresh database, empty folders.
async fn empty_target() -> (TestDb, Config) {
    let db = TestDb::new().await;
    let mut config = config_for(&db);
    let dir =
        std::env::temp_dir().join(format!("passend-restore-{}", uuid::Uuid::new_v4().simple()));
    config.documents_dir = dir.join("documenten");
    config.audit_head_file = dir.join("audit-head.json");
    config.audit_key_file = dir.join("audit-key");
    (db, config)
}

/// Keeps writing pupils and documents through HTTP until `stop`; returns how many.
async fn keep_writing(
    app_base: String,
    cookie: String,
    location: i64,
    stop: Arc<AtomicBool>,
) -> usize {
    let mut b = Browser::from_base(app_base);
    b.set_cookie("__Host-passend-sessie", &cookie);
    b.get("/leerlingen/nieuw").await;
    let mut n = 0;
    while !stop.load(Ordering::Relaxed) {
        let made = b
            .post_pairs(
                "/leerlingen/nieuw",
                &[
                    ("locatie", location.to_string()),
                    ("voornaam", format!("Last{n}")),
                    ("achternaam", "Onderweg".to_owned()),
                    (
                        "geboortedatum",
                        (today() - chrono::Days::new(8 * 365))
                            .format("%Y-%m-%d")
                            .to_string(),
                    ),
                    ("groep", "4".to_owned()),
                    ("ouder1-naam", "Ouder Onderweg".to_owned()),
                    ("ouder1-relatie", "moeder".to_owned()),
                    ("ouder1-gezag", "ja".to_owned()),
                    ("ouder1-telefoon", "036 000 00 00".to_owned()),
                ],
            )
            .await;
        assert_eq!(made.status, 303, "{}", made.body);
        let pupil = crate::support::id_after(&made.location, "/leerlingen/");
        let up = b
            .post_file(
                &format!("/leerlingen/{pupil}/documenten"),
                &[("soort", "verslag"), ("titel", &format!("Verslag {n}"))],
                "v.pdf",
                &tiny_pdf(&format!("document {n} {}", "x".repeat(n % 50))),
            )
            .await;
        assert_eq!(up.status, 303, "{}", up.body);
        n += 1;
    }
    n
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_under_load_restores_whole_and_a_truncated_restore_is_found() {
    let app = TestApp::spawn().await;
    let db = app.server().db.clone();
    let tenant = tenant_id(&app).await;
    let bo = two_primary_schools(&db).await;
    let (school_id, _) = school_user(&app, tenant, "ib@school.nl", bo[0].id).await;
    let cookie = crate::support::session_for(
        &app,
        tenant,
        school_id,
        passend_domain::accounts::Stage::Full,
    )
    .await;
    let stop = Arc::new(AtomicBool::new(false));
    let writer = tokio::spawn(keep_writing(
        app.base.clone(),
        cookie,
        bo[0].id,
        stop.clone(),
    ));
    tokio::time::sleep(Duration::from_millis(800)).await;
    let dir =
        std::env::temp_dir().join(format!("passend-backup-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let older = dir.join("eerder.tar");
    let a = passend::backup::create(&app.config, &db, &older)
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(800)).await;
    let newer = dir.join("later.tar");
    let b = passend::backup::create(&app.config, &db, &newer)
        .await
        .unwrap();
    // The command line refuses to overwrite an archive.
    let again = passend_for(&app.config)
        .arg("backup")
        .arg(&newer)
        .output()
        .unwrap();
    assert!(!again.status.success());
    stop.store(true, Ordering::Relaxed);
    let written = writer.await.unwrap();
    assert!(written > 2, "only {written} writes during the backups");
    let count = |m: &passend::backup::Manifest, t: &str| {
        m.counts
            .iter()
            .find(|(n, _)| n == t)
            .map(|(_, c)| *c)
            .unwrap()
    };
    assert!(
        count(&b.manifest, "pupils") > count(&a.manifest, "pupils"),
        "the second backup holds the writes in between"
    );
    assert_eq!(
        b.manifest.files.len() as i64,
        count(&b.manifest, "document_versions"),
        "every document of the copy, none of later writes"
    );
    assert!(b.text().contains("Back-up geschreven"));

    // Restore the newer backup into an empty database and folder: the same counts, every
    // document's hash right, the chains whole.
    let (target_db, target) = empty_target().await;
    let restored = passend::backup::restore(&target, &newer).await.unwrap();
    assert_eq!(restored.counts, b.manifest.counts);
    assert!(restored.check.is_ok(), "{}", restored.check.text());
    assert_eq!(restored.check.hashed, b.manifest.files.len());
    assert!(restored.check.orphans.is_empty());
    let verify = passend_for(&target)
        .args(["audit", "verify"])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&verify.stdout);
    assert!(
        verify.status.success(),
        "{out} {}",
        String::from_utf8_lossy(&verify.stderr)
    );
    assert!(out.contains("De database bevat de kop"), "{out}");
    let check = passend_for(&target).arg("check").output().unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    // The restored site works.
    let restored_app = TestApp::start(target_db, target.clone()).await;
    let page = restored_app.get("/kaart").await;
    assert_eq!(page.status(), 200);
    let (target_db, _) = restored_app.stop().await;
    // A restore never overwrites: the target is no longer empty.
    let refused = passend::backup::restore(&target, &newer).await;
    assert!(refused.is_err());
    drop(target_db);

    // A truncated restore: the older database under the newer head. The chain inside the
    // database is whole, but it does not reach the head recorded outside it.
    let (_older_db, truncated) = empty_target().await;
    passend::backup::restore(&truncated, &older).await.unwrap();
    passend::durable::write_atomic(
        &truncated.audit_head_file,
        b.manifest.head.as_bytes(),
        false,
    )
    .unwrap();
    let verify = passend_for(&truncated)
        .args(["audit", "verify"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&verify.stderr);
    assert!(!verify.status.success(), "a truncated database passed");
    assert!(err.contains("mist wijzigingen"), "{err}");
    // A server started on it keeps the head as evidence: it never writes a head behind it.
    let started = TestApp::start(_older_db, truncated.clone()).await;
    assert_eq!(started.get("/kaart").await.status(), 200);
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (_older_db, _) = started.stop().await;
    assert_eq!(
        std::fs::read_to_string(&truncated.audit_head_file).unwrap(),
        b.manifest.head,
        "the head file was moved back"
    );
    // A head file changed by hand is found too.
    let forged = b.manifest.head.replace("audit_id=", "audit_id=1");
    passend::durable::write_atomic(&truncated.audit_head_file, forged.as_bytes(), false).unwrap();
    let verify = passend_for(&truncated)
        .args(["audit", "verify"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&verify.stderr).contains("handtekening"));
    // And one removed while its key is still there.
    std::fs::remove_file(&truncated.audit_head_file).unwrap();
    let verify = passend_for(&truncated)
        .args(["audit", "verify"])
        .output()
        .unwrap();
    assert!(!verify.status.success());
    assert!(
        String::from_utf8_lossy(&verify.stderr).contains("geen kopbestand"),
        "{}",
        String::from_utf8_lossy(&verify.stderr)
    );
    // A server started then writes no new head over the gap either.
    let started = TestApp::start(_older_db, truncated.clone()).await;
    assert_eq!(started.get("/kaart").await.status(), 200);
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (_older_db, _) = started.stop().await;
    assert!(
        !truncated.audit_head_file.exists(),
        "a head was written over the gap"
    );

    // Archives are readable by their owner only.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&newer).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }
    // An archive with an entry twice is refused: a check could read one and a restore the
    // other.
    let doubled = dir.join("dubbel.tar");
    {
        use std::io::Read;
        let mut out = tar::Builder::new(std::fs::File::create(&doubled).unwrap());
        let mut archive = tar::Archive::new(std::fs::File::open(&newer).unwrap());
        let mut first: Option<(tar::Header, Vec<u8>)> = None;
        for entry in archive.entries().unwrap() {
            let mut entry = entry.unwrap();
            let header = entry.header().clone();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            if first.is_none() {
                first = Some((header.clone(), bytes.clone()));
            }
            out.append(&header, bytes.as_slice()).unwrap();
        }
        let (header, bytes) = first.unwrap();
        out.append(&header, bytes.as_slice()).unwrap();
        out.finish().unwrap();
    }
    let (_d2, fresh) = empty_target().await;
    let err = passend::backup::restore(&fresh, &doubled)
        .await
        .unwrap_err();
    assert!(format!("{err:#}").contains("twee keer"), "{err:#}");

    // A damaged archive is refused before anything is written.
    let damaged = dir.join("beschadigd.tar");
    let mut bytes = std::fs::read(&newer).unwrap();
    bytes[512 + 200] ^= 0x55;
    std::fs::write(&damaged, bytes).unwrap();
    let (_d, fresh) = empty_target().await;
    let err = passend::backup::restore(&fresh, &damaged)
        .await
        .unwrap_err();
    assert!(format!("{err:#}").contains("beschadigd"), "{err:#}");
    assert!(
        std::fs::read_dir(&fresh.documents_dir).map_or(true, |mut d| d.next().is_none()),
        "nothing written"
    );
    let _ = std::fs::remove_dir_all(&dir);
    app.stop().await;
}

#[tokio::test]
async fn check_finds_missing_damaged_and_orphaned_files_and_the_sweep_removes_orphans() {
    let app = TestApp::spawn().await;
    let db = app.server().db.clone();
    let tenant = tenant_id(&app).await;
    let bo = two_primary_schools(&db).await;
    let (school_id, mut school) = school_user(&app, tenant, "ib@school.nl", bo[0].id).await;
    let (pupil, _) = crate::support::concept(
        &db,
        &crate::support::as_user(tenant, school_id, "schoolmedewerker"),
        bo[0].id,
        "advies",
    )
    .await;
    school.get(&format!("/leerlingen/{pupil}")).await;
    for n in 0..3 {
        let up = school
            .post_file(
                &format!("/leerlingen/{pupil}/documenten"),
                &[("soort", "verslag"), ("titel", &format!("Stuk {n}"))],
                "s.pdf",
                &tiny_pdf(&format!("stuk {n}")),
            )
            .await;
        assert_eq!(up.status, 303, "{}", up.body);
    }
    let files = passend_store::files::Files::local(&app.config.documents_dir).unwrap();
    let report = passend::check::run(&db, &files).await.unwrap();
    assert!(
        report.is_ok() && report.orphans.is_empty(),
        "{}",
        report.text()
    );
    assert_eq!(report.hashed, 3);
    let keys = passend_store::maintenance::file_refs(&db).await.unwrap();
    std::fs::remove_file(app.config.documents_dir.join(&keys[0].key)).unwrap();
    std::fs::write(
        app.config.documents_dir.join(&keys[1].key),
        b"%PDF-1.4 anders",
    )
    .unwrap();
    let orphan = app.config.documents_dir.join("documenten/2020/01/wees.pdf");
    std::fs::create_dir_all(orphan.parent().unwrap()).unwrap();
    std::fs::write(&orphan, b"%PDF-1.4 niemand").unwrap();
    let staging = app
        .config
        .documents_dir
        .join("documenten/2020/01/half.pdf#3");
    std::fs::write(&staging, b"%PDF-1.4 half").unwrap();
    let report = passend::check::run(&db, &files).await.unwrap();
    assert_eq!(report.missing, vec![keys[0].key.clone()]);
    assert_eq!(report.damaged, vec![keys[1].key.clone()]);
    assert_eq!(report.orphans.len(), 1, "{}", report.text());
    assert!(!report.is_ok());
    let cli = passend_for(&app.config).arg("check").output().unwrap();
    assert!(!cli.status.success());
    assert!(String::from_utf8_lossy(&cli.stdout).contains("ONTBREEKT"));
    // The hourly sweep leaves young orphans alone, moves old ones aside to quarantine and
    // removes staging leftovers.
    let heads = passend::audit_head::HeadFiles::of(&app.config);
    assert_eq!(
        passend::check::sweep_orphans(&db, &files, Some(&heads), chrono::Duration::days(1))
            .await
            .unwrap(),
        passend::check::Swept::default()
    );
    let swept = passend::check::sweep_orphans(&db, &files, Some(&heads), chrono::Duration::zero())
        .await
        .unwrap();
    assert_eq!((swept.quarantined, swept.staging, swept.purged), (1, 1, 0));
    assert!(!orphan.exists() && !staging.exists());
    let today = chrono::Utc::now().date_naive();
    let aside = app
        .config
        .documents_dir
        .join(format!("quarantaine/{today}/documenten/2020/01/wees.pdf"));
    assert!(aside.exists(), "the orphan waits in quarantine");
    assert!(app.config.documents_dir.join(&keys[2].key).exists());
    // A file in quarantine longer than 30 days goes for good.
    let old = app
        .config
        .documents_dir
        .join("quarantaine/2020-01-01/documenten/2019/12/oud.pdf");
    std::fs::create_dir_all(old.parent().unwrap()).unwrap();
    std::fs::write(&old, b"%PDF-1.4 oud").unwrap();
    let swept = passend::check::sweep_orphans(&db, &files, Some(&heads), chrono::Duration::zero())
        .await
        .unwrap();
    assert_eq!(swept.purged, 1);
    assert!(!old.exists() && aside.exists());
    // A head file the database does not reach (restored from an older copy): nothing is swept.
    std::fs::write(&orphan, b"%PDF-1.4 niemand").unwrap();
    let key = heads.key_or_new().unwrap();
    let ahead = passend_domain::audit::Checkpoint {
        audit: (1_000_000, "f".repeat(64)),
        log: (0, String::new()),
        written_at: "2026-12-07T00:00:00Z".to_owned(),
    };
    heads.write(&ahead, &key).unwrap();
    let refused =
        passend::check::sweep_orphans(&db, &files, Some(&heads), chrono::Duration::zero())
            .await
            .unwrap_err();
    assert!(refused.to_string().contains("blijven staan"), "{refused}");
    assert!(orphan.exists());
    app.stop().await;
}
