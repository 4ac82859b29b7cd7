//! Files of dossiers (uploads, decision letters) in an object store: a local folder by default
//! (`PASSEND_DOCUMENTS_DIR`), in memory for tests that ask for it. Keys are made by the server
//! (`documenten/2026/11/<uuid>.pdf`); a user's file name never becomes a path.

use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use std::sync::Arc;

/// Where files live.
#[derive(Clone, Debug)]
pub struct Files {
    store: Arc<dyn ObjectStore>,
    /// The folder, for a local store.
    root: Option<std::path::PathBuf>,
}

/// A file could not be stored or read.
#[derive(Debug, thiserror::Error)]
#[error("bestandsopslag: {message}")]
pub struct FileError {
    message: String,
    full: bool,
    missing: bool,
}

impl FileError {
    fn of(e: &(dyn std::error::Error + 'static)) -> FileError {
        let mut full = false;
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
        while let Some(s) = source {
            if let Some(io) = s.downcast_ref::<std::io::Error>()
                && (io.kind() == std::io::ErrorKind::StorageFull || io.raw_os_error() == Some(28))
            {
                full = true;
            }
            source = s.source();
        }
        let missing = matches!(
            e.downcast_ref::<object_store::Error>(),
            Some(object_store::Error::NotFound { .. })
        );
        FileError {
            message: e.to_string(),
            full,
            missing,
        }
    }

    fn text(message: impl Into<String>) -> FileError {
        FileError {
            message: message.into(),
            full: false,
            missing: false,
        }
    }

    /// Whether the disk is full (nothing was stored).
    pub fn is_storage_full(&self) -> bool {
        self.full
    }

    /// Whether the file does not exist.
    pub fn is_missing(&self) -> bool {
        self.missing
    }
}

/// Where files nothing refers to wait before they are removed: `quarantaine/<day>/<key>`.
pub const QUARANTINE: &str = "quarantaine";

/// A stored file as a listing shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// Its key.
    pub key: String,
    /// Its size.
    pub size: u64,
    /// When it was last written.
    pub modified: chrono::DateTime<chrono::Utc>,
}

impl Files {
    /// Files in a local folder (made when missing). Every file is written to a staging file,
    /// flushed to disk with its folder (fsync) and then renamed into place, so a stored file is
    /// whole and durable, or absent.
    pub fn local(dir: &std::path::Path) -> Result<Files, FileError> {
        std::fs::create_dir_all(dir).map_err(|e| FileError::of(&e))?;
        let store = LocalFileSystem::new_with_prefix(dir)
            .map_err(|e| FileError::of(&e))?
            .with_fsync(true);
        Ok(Files {
            store: Arc::new(store),
            root: Some(dir.to_path_buf()),
        })
    }

    /// Files in memory.
    pub fn memory() -> Files {
        Files {
            store: Arc::new(InMemory::new()),
            root: None,
        }
    }

    /// A new key for a file of this extension, under `prefix` and the month.
    pub fn new_key(prefix: &str, extension: &str) -> String {
        let now = chrono::Utc::now();
        format!(
            "{prefix}/{}/{}.{extension}",
            now.format("%Y/%m"),
            uuid::Uuid::new_v4().simple()
        )
    }

    /// Stores a file under a key.
    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), FileError> {
        let path = ObjectPath::parse(key).map_err(|e| FileError::of(&e))?;
        self.store
            .put(&path, PutPayload::from(bytes))
            .await
            .map_err(|e| FileError::of(&e))?;
        Ok(())
    }

    /// Reads a file.
    pub async fn get(&self, key: &str) -> Result<Vec<u8>, FileError> {
        let path = ObjectPath::parse(key).map_err(|e| FileError::of(&e))?;
        let result = self.store.get(&path).await.map_err(|e| FileError::of(&e))?;
        let bytes = result.bytes().await.map_err(|e| FileError::of(&e))?;
        Ok(bytes.to_vec())
    }

    /// Deletes a file; a file that is already gone is fine.
    pub async fn delete(&self, key: &str) -> Result<(), FileError> {
        let path = ObjectPath::parse(key).map_err(|e| FileError::of(&e))?;
        match self.store.delete(&path).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(FileError::of(&e)),
        }
    }

    /// Moves a file aside to `quarantaine/<day>/<key>`: out of the way of every listing, but not
    /// gone, in case the database turns out to have been behind. A file already gone is fine.
    pub async fn quarantine(&self, key: &str, day: chrono::NaiveDate) -> Result<(), FileError> {
        let from = ObjectPath::parse(key).map_err(|e| FileError::of(&e))?;
        let to = ObjectPath::parse(format!("{QUARANTINE}/{day}/{key}"))
            .map_err(|e| FileError::of(&e))?;
        match self.store.rename(&from, &to).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(FileError::of(&e)),
        }
    }

    /// Every file under a prefix (`documenten`, `brieven`), staging files left by a crash
    /// included.
    pub async fn list(&self, prefix: &str) -> Result<Vec<Listed>, FileError> {
        let prefix = ObjectPath::parse(prefix).map_err(|e| FileError::of(&e))?;
        let mut stream = self.store.list(Some(&prefix));
        let mut out = Vec::new();
        while let Some(item) = std::future::poll_fn(|cx| stream.as_mut().poll_next(cx)).await {
            let meta = item.map_err(|e| FileError::of(&e))?;
            out.push(Listed {
                key: meta.location.to_string(),
                size: meta.size,
                modified: meta.last_modified,
            });
        }
        out.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(out)
    }

    /// Staging files a killed process left behind (`<key>#<n>`: written, never renamed into
    /// place), last written before `before`, removed; returns how many. Listings skip them.
    pub async fn remove_staging_leftovers(
        &self,
        before: chrono::DateTime<chrono::Utc>,
    ) -> Result<usize, FileError> {
        let Some(root) = self.root.clone() else {
            return Ok(0);
        };
        let removed = tokio::task::spawn_blocking(move || -> std::io::Result<usize> {
            fn walk(
                dir: &std::path::Path,
                before: std::time::SystemTime,
                n: &mut usize,
            ) -> std::io::Result<()> {
                let entries = match std::fs::read_dir(dir) {
                    Ok(e) => e,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
                    Err(e) => return Err(e),
                };
                for entry in entries {
                    let entry = entry?;
                    let kind = entry.file_type()?;
                    let path = entry.path();
                    if kind.is_dir() {
                        walk(&path, before, n)?;
                    } else if kind.is_file() {
                        let name = entry.file_name().to_string_lossy().into_owned();
                        let staging = name.split_once('#').is_some_and(|(_, suffix)| {
                            !suffix.is_empty() && suffix.bytes().all(|b| b.is_ascii_digit())
                        });
                        if staging && entry.metadata()?.modified()? < before {
                            std::fs::remove_file(&path)?;
                            *n += 1;
                        }
                    }
                }
                Ok(())
            }
            let mut n = 0;
            walk(&root, before.into(), &mut n)?;
            Ok(n)
        })
        .await
        .map_err(|e| FileError::text(e.to_string()))?
        .map_err(|e| FileError::of(&e))?;
        Ok(removed)
    }

    /// Writes, reads back and removes a small file (the health check): fails when the folder
    /// takes no file, e.g. because the disk is full.
    pub async fn probe(&self) -> Result<(), FileError> {
        let key = format!("probe/{}.bin", uuid::Uuid::new_v4().simple());
        let written = self.put(&key, vec![0u8; 4096]).await;
        let _ = self.delete(&key).await;
        written
    }

    /// Stores a file that must not exist yet (a restore); refused when it does.
    pub async fn put_new(&self, key: &str, bytes: Vec<u8>) -> Result<(), FileError> {
        let path = ObjectPath::parse(key).map_err(|e| FileError::of(&e))?;
        let opts = object_store::PutOptions {
            mode: object_store::PutMode::Create,
            ..object_store::PutOptions::default()
        };
        self.store
            .put_opts(&path, PutPayload::from(bytes), opts)
            .await
            .map_err(|e| FileError::of(&e))?;
        Ok(())
    }
}

/// Whether this text names a stored file's key as Passend makes them (for the checks).
pub fn is_key(key: &str) -> bool {
    !key.is_empty() && ObjectPath::parse(key).is_ok()
}

impl From<std::io::Error> for FileError {
    fn from(e: std::io::Error) -> Self {
        FileError::of(&e)
    }
}

impl FileError {
    /// A file error with a message of our own.
    pub fn new(message: impl Into<String>) -> FileError {
        FileError::text(message)
    }
}
