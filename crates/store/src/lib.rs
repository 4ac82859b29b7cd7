//! Storage of Passend.
//!
//! One [`Db`] value over SQLite (the embedded default) or PostgreSQL (when `DATABASE_URL` says
//! `postgres://…`). Every query is written once, in the SQL both understand, and runs on either
//! pool through the [`on_db!`] macro. The schema lives in `migrations/sqlite` and
//! `migrations/postgres` (identical file names) and is applied at start.
//!
//! Modules are per aggregate: [`content`] holds the versioned public pages and begrippenlijst;
//! [`audit`] the append-only audit trail; [`outbox`] the e-mail outbox; [`locations`] the school locations, coordinates, pupil counts and voorzieningen of the map.

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
pub mod content;
pub mod files;
pub mod locations;
pub mod outbox;
pub mod portal;
pub mod steunpunt;
pub mod tenants;
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

    /// Closes every connection (at shutdown).
    pub async fn close(&self) {
        on_db!(self, pool => pool.close().await)
    }
}
