//! Files over HTTP: a multipart upload read whole, a stored upload, an attachment to download,
//! a size in words.

use crate::AppState;
use crate::error::{AppError, AppResult};
use axum::extract::Multipart;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use passend_domain::documents::{download_name, sha256_hex};
use passend_store::casework::StoredFile;
use std::collections::HashMap;

pub(crate) struct Upload {
    pub(crate) fields: HashMap<String, String>,
    pub(crate) file_name: String,
    pub(crate) bytes: Vec<u8>,
}

pub(crate) async fn read_upload(mut m: Multipart) -> AppResult<Upload> {
    let mut fields = HashMap::new();
    let mut file_name = String::new();
    let mut bytes = Vec::new();
    while let Some(field) = m.next_field().await.map_err(|_| AppError::TooLarge)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "bestand" {
            file_name = field.file_name().unwrap_or_default().to_owned();
            bytes = field
                .bytes()
                .await
                .map_err(|_| AppError::TooLarge)?
                .to_vec();
        } else {
            let text = field.text().await.map_err(|_| AppError::TooLarge)?;
            fields.entry(name).or_insert(text);
        }
    }
    Ok(Upload {
        fields,
        file_name,
        bytes,
    })
}

/// Puts an uploaded file (already judged by its content) in the object store under a new key;
/// the caller records it.
pub(crate) async fn store_file(
    state: &AppState,
    file_name: &str,
    bytes: Vec<u8>,
    file_type: passend_domain::documents::FileType,
) -> AppResult<StoredFile> {
    let key = passend_store::files::Files::new_key("documenten", file_type.extension);
    let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
    let sha = sha256_hex(&bytes);
    state.casework.files.put(&key, bytes).await?;
    Ok(StoredFile {
        storage_key: key,
        file_name: download_name(file_name, file_type),
        content_type: file_type.content_type.to_owned(),
        size_bytes: size,
        sha256: sha,
    })
}

/// A file offered as a download (never shown inline), with a safe name.
pub fn attachment(bytes: Vec<u8>, content_type: &str, file_name: &str) -> Response {
    let ascii: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = form_urlencoded::byte_serialize(file_name.as_bytes())
        .collect::<String>()
        .replace('+', "%20");
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    r
}

pub(crate) fn size_label(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0)).replace('.', ",")
    } else {
        format!("{} kB", (bytes + 1023) / 1024)
    }
}
