//! Storage of Passend.
//!
//! One [`Db`] value over SQLite (the embedded default) or PostgreSQL (when `DATABASE_URL` says
//! `postgres://…`). Every query is written once, in the SQL both understand, and runs on either
//! pool through the [`on_db!`] macro. The schema lives in `migrations/sqlite` and
//! `migrations/postgres` (identical file names) and is applied at start.
//!
//! Modules are per aggregate: [`content`] holds the versioned public pages and begrippenlijst;
//! [`audit`] the append-only audit trail; [`outbox`] the e-mail outbox; [`locations`] the school locations, coordinates, pupil counts and voorzieningen of the map.

use sqlx::Connection;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::str::FromStr;
use std::time::Duration;

pub mod accounts;
pub mod audit;
#[macro_use]
pub mod casework;
pub mod bezwaar;
pub mod contact;
pub mod content;
pub mod deelname;
pub mod files;
pub mod locations;
pub mod maintenance;
pub mod outbox;
pub mod portal;
pub mod steunpunt;
pub mod tenants;
pub mod today;
pub mod zorgplicht;

/// Runs the same code on whichever pool the [`Db`] holds. The body is compiled once per backend,
/// so one SQL text serves both.
#[macro_export]
macro_rules! on_db {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::Db::Sqlite($pool) => $body,
            $crate::Db::Postgres($pool) => $body,
        }
    };
}

/// A row type that loads on both backends.
pub trait AnyRow:
    Send
    + Unpin
    + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
    + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
{
}

impl<T> AnyRow for T where
    T: Send
        + Unpin
        + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
{
}

/// The row of a SELECT by key whose parameters are all ids, bound as `$1`, `$2`, … in order (a
/// query by key has at most one row).
pub(crate) async fn one_by_ids<R: AnyRow>(
    db: &Db,
    sql: &'static str,
    ids: &[i64],
) -> StoreResult<Option<R>> {
    Ok(all_by_ids(db, sql, ids).await?.into_iter().next())
}

/// The rows of a SELECT whose parameters are all ids, bound as `$1`, `$2`, … in order.
pub(crate) async fn all_by_ids<R: AnyRow>(
    db: &Db,
    sql: &'static str,
    ids: &[i64],
) -> StoreResult<Vec<R>> {
    Ok(on_db!(db, pool => {
        let mut q = sqlx::query_as::<_, R>(sql);
        for id in ids {
            q = q.bind(*id);
        }
        q.fetch_all(pool).await
    })?)
}

/// The rows of a register's list: `$1` the tenant, `$2` a school staff member whose locations
/// scope it (or none), `$3` whether to show only the open ones.
pub(crate) async fn scoped_list<R: AnyRow>(
    db: &Db,
    sql: &'static str,
    tenant_id: i64,
    staff: Option<i64>,
    open_only: bool,
) -> StoreResult<Vec<R>> {
    Ok(on_db!(db, pool => sqlx::query_as::<_, R>(sql)
        .bind(tenant_id)
        .bind(staff)
        .bind(open_only)
        .fetch_all(pool)
        .await)?)
}

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../../migrations/postgres");

/// Starts a transaction that is going to write. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`): a transaction that reads before it writes would otherwise fail with
/// "database is locked" when another writer committed in between (WAL snapshots cannot be
/// upgraded). PostgreSQL needs nothing special. Every transaction in this crate writes.
pub trait BeginWrite {
    /// The database of the pool.
    type Database: sqlx::Database;
    /// Begins the transaction.
    fn begin_write(
        &self,
    ) -> impl std::future::Future<
        Output = Result<sqlx::Transaction<'static, Self::Database>, sqlx::Error>,
    > + Send
    + '_;
}

impl BeginWrite for SqlitePool {
    type Database = sqlx::Sqlite;
    fn begin_write(
        &self,
    ) -> impl std::future::Future<
        Output = Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error>,
    > + Send
    + '_ {
        self.begin_with("BEGIN IMMEDIATE")
    }
}

impl BeginWrite for PgPool {
    type Database = sqlx::Postgres;
    fn begin_write(
        &self,
    ) -> impl std::future::Future<
        Output = Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error>,
    > + Send
    + '_ {
        self.begin()
    }
}

/// Whether a connection may go back to the pool. A transaction whose COMMIT failed (a full
/// disk: `SQLITE_FULL`, or a dropped connection) can leave the connection inside a transaction
/// that its rollback could not end; such a connection would refuse every later `BEGIN`. The
/// ping first flushes a pending rollback; a connection still in a transaction is then closed, so
/// the pool opens a fresh one and the server heals without a restart.
async fn healthy_on_release<C: sqlx::Connection>(conn: &mut C) -> Result<bool, sqlx::Error> {
    conn.ping().await?;
    if conn.is_in_transaction() {
        tracing::warn!("a database connection was left inside a failed transaction: closed");
        return Ok(false);
    }
    Ok(true)
}

/// Takes an exclusive lock on `<database>.start-lock`, waiting for another process to let go.
async fn lock_file(db_file: std::path::PathBuf) -> StoreResult<std::fs::File> {
    let path = std::path::PathBuf::from(format!("{}.start-lock", db_file.display()));
    let file = tokio::task::spawn_blocking(move || -> std::io::Result<std::fs::File> {
        let f = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)?;
        f.lock()?;
        Ok(f)
    })
    .await
    .map_err(|e| StoreError::Io(std::io::Error::other(e.to_string())))??;
    Ok(file)
}

/// The advisory lock's key: "passend\0\0" as a number, the same for every instance.
const STARTUP_LOCK_KEY: i64 = 0x7061_7373_656e_6400;

/// Held while a start writes; see [`Db::startup_lock`].
#[derive(Debug)]
pub struct StartupLock(
    Option<sqlx::pool::PoolConnection<sqlx::Postgres>>,
    Option<std::fs::File>,
);

impl Drop for StartupLock {
    /// A start that failed half-way does not give the connection back to the pool with the lock
    /// still held: the connection is closed, and PostgreSQL releases the lock with it.
    fn drop(&mut self) {
        if let Some(conn) = self.0.take() {
            drop(conn.detach());
        }
    }
}

impl StartupLock {
    /// For SQLite, the start lock taken before the first connection is opened (two processes
    /// that create a new database file at once can otherwise trip over each other's first
    /// pragmas); `None` for PostgreSQL, whose lock needs a connection ([`Db::startup_lock`]).
    pub async fn before_connect(url: &str) -> StoreResult<Option<StartupLock>> {
        if !url.starts_with("sqlite:") {
            return Ok(None);
        }
        let options = SqliteConnectOptions::from_str(url)?;
        let db_file = options.get_filename().to_path_buf();
        if db_file.as_os_str().is_empty() || db_file.as_os_str() == ":memory:" {
            return Ok(None);
        }
        if let Some(parent) = db_file.parent()
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent)?;
        }
        Ok(Some(StartupLock(None, Some(lock_file(db_file).await?))))
    }

    /// Lets the next instance go on.
    pub async fn release(mut self) -> StoreResult<()> {
        if let Some(f) = self.1.take() {
            f.unlock()?;
        }
        if let Some(mut conn) = self.0.take() {
            sqlx::query("SELECT pg_advisory_unlock($1)")
                .bind(STARTUP_LOCK_KEY)
                .execute(&mut *conn)
                .await?;
        }
        Ok(())
    }
}

/// What can go wrong in the storage layer. Messages never contain connection secrets.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database URL has a scheme we do not support.
    #[error("DATABASE_URL moet beginnen met sqlite: of postgres:// (gekregen: '{0}:…')")]
    UnsupportedUrl(String),
    /// A database error.
    #[error("databasefout: {0}")]
    Sqlx(#[from] sqlx::Error),
    /// A migration could not be applied.
    #[error("migratie mislukt: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The folder for the SQLite file could not be made.
    #[error("kan de map voor de database niet maken: {0}")]
    Io(#[from] std::io::Error),
}

impl StoreError {
    /// Whether the disk (SQLite) or the database server's disk (PostgreSQL) is full: nothing
    /// was written, and a retry may work once space returns.
    pub fn is_storage_full(&self) -> bool {
        match self {
            StoreError::Sqlx(e) => is_storage_full(e),
            StoreError::Io(e) => e.kind() == std::io::ErrorKind::StorageFull,
            StoreError::Migrate(_) | StoreError::UnsupportedUrl(_) => false,
        }
    }
}

/// Whether a database error says the disk is full: SQLite's `SQLITE_FULL` (13) or an I/O error
/// with "disk is full"; PostgreSQL's `disk_full` (53100). The rest of PostgreSQL's class 53 (out
/// of memory, too many connections) is no full disk and stays an internal error.
pub fn is_storage_full(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            let message = db.message().to_ascii_lowercase();
            code == "13"
                || code == "53100"
                || message.contains("database or disk is full")
                || message.contains("no space left on device")
        }
        sqlx::Error::Io(io) => io.kind() == std::io::ErrorKind::StorageFull,
        _ => false,
    }
}

/// A result of the storage layer.
pub type StoreResult<T> = Result<T, StoreError>;

/// The database: an SQLite pool or a PostgreSQL pool.
#[derive(Clone, Debug)]
pub enum Db {
    /// Embedded SQLite (WAL, `synchronous=FULL`, foreign keys on, busy timeout).
    Sqlite(SqlitePool),
    /// PostgreSQL.
    Postgres(PgPool),
}

/// Which backend a [`Db`] uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

impl Db {
    /// Opens the database named by `url` (`sqlite:…` or `postgres://…`). For SQLite the file and
    /// its folder are made when missing.
    pub async fn connect(url: &str) -> StoreResult<Db> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(5))
                .after_release(|conn, _| Box::pin(async move { healthy_on_release(conn).await }))
                .before_acquire(|conn, _| Box::pin(async move { Ok(!conn.is_in_transaction()) }))
                .connect_with(options)
                .await?;
            Ok(Db::Postgres(pool))
        } else if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5));
            if let Some(parent) = options.get_filename().parent()
                && !parent.as_os_str().is_empty()
            {
                std::fs::create_dir_all(parent)?;
            }
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(5))
                .after_release(|conn, _| Box::pin(async move { healthy_on_release(conn).await }))
                .before_acquire(|conn, _| Box::pin(async move { Ok(!conn.is_in_transaction()) }))
                .connect_with(options)
                .await?;
            Ok(Db::Sqlite(pool))
        } else {
            let scheme = url.split(':').next().unwrap_or_default();
            Err(StoreError::UnsupportedUrl(
                scheme.chars().take(20).collect(),
            ))
        }
    }

    /// Opens a copy of an SQLite database (a backup's snapshot) read-only, without changing a
    /// byte of it.
    pub async fn open_sqlite_copy(path: &std::path::Path) -> StoreResult<Db> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .read_only(true)
            .immutable(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await?;
        Ok(Db::Sqlite(pool))
    }

    /// The backend in use.
    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies every migration that has not run yet.
    pub async fn migrate(&self) -> StoreResult<()> {
        match self {
            Db::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await?,
            Db::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        Ok(())
    }

    /// A cheap round trip, for `/healthz`.
    pub async fn ping(&self) -> StoreResult<()> {
        on_db!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(|_| ()))?;
        Ok(())
    }

    /// A write probe for `/healthz`: one small write transaction, committed. Fails when the
    /// database cannot take writes (a full disk, a read-only file, a broken connection).
    pub async fn write_probe(&self) -> StoreResult<()> {
        let now = chrono::Utc::now();
        on_db!(self, pool => {
            let mut tx = pool.begin_write().await?;
            sqlx::query(
                "INSERT INTO health_probe (id, probed_at) VALUES (1, $1)
                 ON CONFLICT (id) DO UPDATE SET probed_at = excluded.probed_at",
            )
            .bind(now)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// The SQLite file, if this is SQLite on a file.
    pub fn sqlite_file(&self) -> Option<std::path::PathBuf> {
        match self {
            Db::Sqlite(pool) => {
                let f = pool.connect_options().get_filename().to_path_buf();
                (!f.as_os_str().is_empty() && f.as_os_str() != ":memory:").then_some(f)
            }
            Db::Postgres(_) => None,
        }
    }

    /// Serialises what a start writes (migrations, content seeding, the shipped data, demo
    /// accounts) between instances that start together on one database: on PostgreSQL a
    /// session-level advisory lock, held on its own connection until [`StartupLock::release`]
    /// (or until the process dies and the connection closes); on SQLite an exclusive lock on the
    /// file `<database>.start-lock`. The second instance then finds everything in place.
    pub async fn startup_lock(&self) -> StoreResult<StartupLock> {
        match self {
            Db::Sqlite(_) => {
                // Instances on one SQLite file: an exclusive lock on a file next to it, held
                // until released or the process ends (migrations have no lock of their own).
                let Some(db_file) = self.sqlite_file() else {
                    return Ok(StartupLock(None, None));
                };
                Ok(StartupLock(None, Some(lock_file(db_file).await?)))
            }
            Db::Postgres(pool) => {
                let mut conn = pool.acquire().await?;
                sqlx::query("SELECT pg_advisory_lock($1)")
                    .bind(STARTUP_LOCK_KEY)
                    .execute(&mut *conn)
                    .await?;
                Ok(StartupLock(Some(conn), None))
            }
        }
    }

    /// Closes every connection (at shutdown).
    pub async fn close(&self) {
        on_db!(self, pool => pool.close().await)
    }
}
