//! Storage: the two schemas match, SQLite runs durable, bad URLs are refused, seeding is idempotent.

use crate::support::*;
use passend_store::Db;
use std::collections::BTreeMap;

async fn columns(db: &Db) -> BTreeMap<String, Vec<String>> {
    let rows: Vec<(String, String)> = match db {
        Db::Sqlite(pool) => sqlx::query_as(
            "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%'",
        )
        .fetch_all(pool)
        .await
        .unwrap(),
        Db::Postgres(pool) => sqlx::query_as(
            "SELECT table_name::text, column_name::text FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name NOT LIKE '_sqlx%'",
        )
        .fetch_all(pool)
        .await
        .unwrap(),
    };
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (table, column) in rows {
        map.entry(table).or_default().push(column);
    }
    for cols in map.values_mut() {
        cols.sort();
    }
    map
}

#[tokio::test]
async fn both_schemas_have_the_same_tables_and_columns() {
    let lite = TestDb::of(Backend::Sqlite).await;
    let pg = TestDb::of(Backend::Postgres).await;
    let lite_db = passend::open_database(&config_for(&lite)).await.unwrap();
    let pg_db = passend::open_database(&config_for(&pg)).await.unwrap();
    let (a, b) = (columns(&lite_db).await, columns(&pg_db).await);
    assert!(a.contains_key("content_page_versions"), "{a:?}");
    assert_eq!(a, b, "migrations/sqlite and migrations/postgres differ");
    lite_db.close().await;
    pg_db.close().await;
}

#[tokio::test]
async fn migration_folders_have_the_same_file_names() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations");
    let names = |dir: &str| {
        let mut v: Vec<String> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(names("sqlite"), names("postgres"));
}

#[tokio::test]
async fn sqlite_is_durable_and_checks_foreign_keys() {
    if backend() != Backend::Sqlite {
        return; // The PostgreSQL run covers the server's own settings.
    }
    let app = TestApp::spawn().await;
    let Db::Sqlite(pool) = &app.server().db else {
        panic!("expected SQLite")
    };
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(mode, "wal");
    let sync: i64 = sqlx::query_scalar("PRAGMA synchronous")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(sync, 2, "synchronous=FULL");
    let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(fk, 1);
    let timeout: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
        .fetch_one(pool)
        .await
        .unwrap();
    assert!(timeout >= 1000);
    app.stop().await;
}

#[tokio::test]
async fn foreign_keys_hold_on_this_backend() {
    let app = TestApp::spawn().await;
    let db = &app.server().db;
    let result = passend_store::on_db!(db, pool => sqlx::query(
        "INSERT INTO content_pages (tenant_id, lang, slug, created_at) VALUES (999999, 'nl', 'x', $1)",
    )
    .bind(chrono::Utc::now())
    .execute(pool)
    .await
    .map(|_| ()));
    assert!(
        result.is_err(),
        "a page for a tenant that does not exist is refused"
    );
    app.stop().await;
}

#[tokio::test]
async fn unsupported_database_urls_are_refused() {
    let err = Db::connect("mysql://root@127.0.0.1/test")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("DATABASE_URL"), "{err}");
}

#[tokio::test]
async fn seeding_twice_changes_nothing() {
    let app = TestApp::spawn().await;
    let db = app.server().db.clone();
    let tenant = passend_store::tenants::ensure(&db, "PO2401", "Passend Onderwijs Almere")
        .await
        .unwrap();
    let report = passend::seed::run(&db, tenant.id).await.unwrap();
    assert_eq!(
        (report.created, report.updated, report.kept),
        (0, 0, 0),
        "{report:?}"
    );
    let pages: i64 = passend_store::on_db!(&db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM content_page_versions").fetch_one(pool).await).unwrap();
    let required = i64::try_from(passend::seed::REQUIRED_PAGES.len()).unwrap();
    assert_eq!(
        required, 13,
        "the list of pages was changed: check this test"
    );
    assert_eq!(
        pages,
        2 * required,
        "every page in 2 languages, one version each"
    );
    app.stop().await;
}
