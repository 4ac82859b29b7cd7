//! The audit trail: administrative actions are recorded, the table is append-only for the
//! application, and `passend audit verify` finds a changed or removed event.

use crate::support::*;
use passend_store::Db;
use passend_store::audit::{Event, append, recent, verify};

async fn tamper(db: &Db, sql: &str) {
    match db {
        Db::Sqlite(pool) => {
            sqlx::query("DROP TRIGGER IF EXISTS audit_events_no_update")
                .execute(pool)
                .await
                .unwrap();
            sqlx::query("DROP TRIGGER IF EXISTS audit_events_no_delete")
                .execute(pool)
                .await
                .unwrap();
            sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
                .execute(pool)
                .await
                .unwrap();
        }
        Db::Postgres(pool) => {
            sqlx::query("ALTER TABLE audit_events DISABLE TRIGGER USER")
                .execute(pool)
                .await
                .unwrap();
            sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
                .execute(pool)
                .await
                .unwrap();
        }
    }
}

fn verify_cli(url: &str) -> (bool, String) {
    let out = crate::support::passend_command()
        .args(["audit", "verify"])
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[tokio::test]
async fn imports_are_recorded_and_the_chain_verifies() {
    let app = TestApp::spawn().await;
    let db = &app.server().db;
    let events = recent(db, 100).await.unwrap();
    assert_eq!(
        events.len(),
        8,
        "five shipped files and three shipped profiles"
    );
    assert!(
        events
            .iter()
            .all(|e| e.origin == "eerste start" && e.outcome == "success")
    );
    assert_eq!(events.iter().filter(|e| e.action == "import").count(), 5);
    assert_eq!(
        events
            .iter()
            .filter(|e| e.object_type == "ondersteuningsprofiel")
            .count(),
        3
    );
    assert!(
        events
            .iter()
            .any(|e| e.detail.starts_with("bo: 75 rijen, 75 nieuw")),
        "{events:?}"
    );
    let v = verify(db).await.unwrap();
    assert_eq!((v.checked, v.problem), (8, None));
    let (ok, out) = verify_cli(&app.db.url);
    assert!(ok && out.contains("in orde: 8 gebeurtenissen"), "{out}");
    app.stop().await;
}

#[tokio::test]
async fn the_application_cannot_change_events_and_tampering_is_found() {
    let app = TestApp::spawn().await;
    let db = app.server().db.clone();
    for n in 0..3 {
        let id = n.to_string();
        append(&db, &Event::cli(None, "test", "object", &id, ""))
            .await
            .unwrap();
    }
    let update = passend_store::on_db!(&db, pool => sqlx::query("UPDATE audit_events SET detail = 'anders' WHERE id = 2").execute(pool).await.map(|_| ()));
    assert!(update.is_err(), "UPDATE is refused");
    let delete = passend_store::on_db!(&db, pool => sqlx::query("DELETE FROM audit_events WHERE id = 8").execute(pool).await.map(|_| ()));
    assert!(delete.is_err(), "DELETE is refused");
    assert_eq!(verify(&db).await.unwrap().problem, None);

    tamper(
        &db,
        "UPDATE audit_events SET detail = 'anders' WHERE id = 2",
    )
    .await;
    let v = verify(&db).await.unwrap();
    assert_eq!(v.checked, 1);
    assert_eq!(v.problem, Some((2, "de inhoud is gewijzigd".to_owned())));
    let (ok, out) = verify_cli(&app.db.url);
    assert!(!ok, "the command fails");
    assert!(
        out.contains("gebeurtenis 2: de inhoud is gewijzigd"),
        "{out}"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_removed_event_or_tail_is_found() {
    let app = TestApp::spawn().await;
    let db = app.server().db.clone();
    for n in 0..4 {
        let id = n.to_string();
        append(&db, &Event::cli(None, "test", "object", &id, ""))
            .await
            .unwrap();
    }
    tamper(&db, "DELETE FROM audit_events WHERE id = 12").await;
    let v = verify(&db).await.unwrap();
    assert_eq!(v.checked, 11);
    assert!(
        v.problem
            .unwrap()
            .1
            .contains("het einde van de keten ontbreekt")
    );
    tamper(&db, "DELETE FROM audit_events WHERE id = 3").await;
    let v = verify(&db).await.unwrap();
    assert_eq!(v.problem, Some((3, "ontbreekt (volgende is 4)".to_owned())));
    app.stop().await;
}
