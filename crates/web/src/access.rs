//! Access to a dossier's objects by their own life cycle (`passend_domain::access`): which
//! documents a visitor may list, download or share, and whether an expert's access to a pupil
//! and a request still lasts. The role-level table is `policy.rs`; the relation to the pupil is
//! `routes::casework::pupil_for`; this module narrows that relation to each object.

use crate::AppState;
use crate::auth::Principal;
use crate::error::AppResult;
use crate::routes::casework::Relation;
use chrono::Utc;
use passend_domain::access::DocumentReader;
use passend_store::casework::{self as cw, DocumentLine, Request};

/// How long an expert keeps access after the advice (or the request's end).
pub fn expert_grace(state: &AppState) -> chrono::Duration {
    chrono::Duration::weeks(i64::from(state.casework.expert_grace_weeks))
}

/// Whether an expert still has access to a pupil: an advice asked and not finished, or finished
/// less than the grace period ago.
pub async fn expert_has_access(state: &AppState, user_id: i64, pupil_id: i64) -> AppResult<bool> {
    let windows = cw::advice_windows(&state.db, user_id, pupil_id).await?;
    Ok(DocumentReader::expert_has_access(
        &windows,
        Utc::now(),
        expert_grace(state),
    ))
}

/// Whether an expert may see this request: one they were asked to advise on, while that access
/// lasts.
pub async fn expert_sees_request(state: &AppState, user_id: i64, r: &Request) -> AppResult<bool> {
    let now = Utc::now();
    let grace = expert_grace(state);
    Ok(cw::advice_windows(&state.db, user_id, r.pupil_id)
        .await?
        .iter()
        .any(|w| w.request_id == r.id && w.open_at(now, grace)))
}

/// The reader of a pupil's documents this visitor is.
pub async fn reader(
    state: &AppState,
    p: &Principal,
    pupil_id: i64,
    relation: Relation,
) -> AppResult<DocumentReader> {
    Ok(match relation {
        Relation::School => DocumentReader::OwnSchool,
        Relation::Toeleider => DocumentReader::Swv,
        Relation::Receiving => DocumentReader::ReceivingSchool,
        Relation::Expert => {
            DocumentReader::Expert(cw::advice_windows(&state.db, p.user_id, pupil_id).await?)
        }
    })
}

/// A pupil's documents this reader may see, each at the newest version it may see (an expert
/// sees the version their advice was based on, not one added later).
pub async fn visible_documents(
    state: &AppState,
    tenant_id: i64,
    pupil_id: i64,
    reader: &DocumentReader,
) -> AppResult<Vec<DocumentLine>> {
    let now = Utc::now();
    let grace = expert_grace(state);
    let mut out: Vec<DocumentLine> = Vec::new();
    for v in cw::document_versions_of_pupil(&state.db, tenant_id, pupil_id).await? {
        // Newest version first per document: the first visible one is the one to show.
        if out.last().is_some_and(|d| d.id == v.id) || !reader.may_see(&v.facts(), now, grace) {
            continue;
        }
        out.push(DocumentLine {
            id: v.id,
            request_id: v.request_id,
            kind: v.kind,
            title: v.title,
            version: v.version,
            file_name: v.file_name,
            size_bytes: v.size_bytes,
            uploaded_at: v.uploaded_at,
            uploaded_by_name: v.uploaded_by_name,
        });
    }
    Ok(out)
}

/// Whether this reader may see one stored version.
pub fn may_see_version(state: &AppState, reader: &DocumentReader, v: &cw::VersionRow) -> bool {
    reader.may_see(&v.facts(), Utc::now(), expert_grace(state))
}
