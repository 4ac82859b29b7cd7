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
}

/// A file could not be stored or read.
#[derive(Debug, thiserror::Error)]
#[error("bestandsopslag: {0}")]
pub struct FileError(String);

impl Files {
    /// Files in a local folder (made when missing).
    pub fn local(dir: &std::path::Path) -> Result<Files, FileError> {
        std::fs::create_dir_all(dir).map_err(|e| FileError(e.to_string()))?;
        let store = LocalFileSystem::new_with_prefix(dir).map_err(|e| FileError(e.to_string()))?;
        Ok(Files {
            store: Arc::new(store),
        })
    }

    /// Files in memory.
    pub fn memory() -> Files {
        Files {
            store: Arc::new(InMemory::new()),
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
        let path = ObjectPath::parse(key).map_err(|e| FileError(e.to_string()))?;
        self.store
            .put(&path, PutPayload::from(bytes))
            .await
            .map_err(|e| FileError(e.to_string()))?;
        Ok(())
    }

    /// Reads a file.
    pub async fn get(&self, key: &str) -> Result<Vec<u8>, FileError> {
        let path = ObjectPath::parse(key).map_err(|e| FileError(e.to_string()))?;
        let result = self
            .store
            .get(&path)
            .await
            .map_err(|e| FileError(e.to_string()))?;
        let bytes = result.bytes().await.map_err(|e| FileError(e.to_string()))?;
        Ok(bytes.to_vec())
    }

    /// Deletes a file; a file that is already gone is fine.
    pub async fn delete(&self, key: &str) -> Result<(), FileError> {
        let path = ObjectPath::parse(key).map_err(|e| FileError(e.to_string()))?;
        match self.store.delete(&path).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(FileError(e.to_string())),
        }
    }
}
