//! Object-level access, the one home of it: how a visitor relates to a pupil ([`pupil_for`],
//! [`school_pupil`]) and to a request ([`request_for`]), narrowed to each object's own life
//! cycle (`passend_domain::access`): which documents a visitor may list, download or share, and
//! whether an expert's access to a pupil and a request still lasts. Reads and lists of pupil
//! data are recorded here ([`record_read`], [`record_list`]). The role-level table is
//! `policy.rs`.

use crate::AppState;
use crate::auth::{Principal, Visitor};
use crate::error::{AppError, AppResult};
use chrono::Utc;
use passend_domain::access::DocumentReader;
use passend_domain::accounts::Role;
use passend_store::audit::Outcome;
use passend_store::casework::{self as cw, Actor, DocumentLine, Pupil, Request};

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

/// How the visitor relates to a pupil.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// Works at the pupil's school: reads and writes.
    School,
    /// Works at the school that received the pupil with a TLV: reads.
    Receiving,
    /// A toeleider: reads and writes everything of the tenant.
    Toeleider,
    /// An expert asked to advise on this pupil: reads.
    Expert,
}

impl Relation {
    /// May change the dossier (documents).
    pub fn writes(self) -> bool {
        matches!(self, Relation::School | Relation::Toeleider)
    }
}

/// The pupil, if this visitor may see them; otherwise "not found", recorded as refused.
pub async fn pupil_for(
    state: &AppState,
    visitor: &Visitor,
    p: &Principal,
    pupil_id: i64,
) -> AppResult<(Pupil, Relation)> {
    let pupil = cw::pupil(&state.db, p.tenant_id, pupil_id).await?;
    let relation = match &pupil {
        None => None,
        Some(pu) => match p.role {
            // The SWV receives a pupil's data with a request (WPO art. 18a lid 13): before the
            // school submits one, the dossier is the school's own.
            Role::Toeleider => cw::ever_submitted(&state.db, pu.id)
                .await?
                .then_some(Relation::Toeleider),
            Role::Schoolmedewerker => {
                if cw::works_at(&state.db, p.user_id, pu.location_id).await? {
                    Some(Relation::School)
                } else if cw::receives_pupil(&state.db, p.user_id, pu.id).await? {
                    Some(Relation::Receiving)
                } else {
                    None
                }
            }
            // An expert while their advice is asked, and a grace period after it was given or
            // the request was closed (`passend_domain::access`).
            Role::Deskundige => crate::access::expert_has_access(state, p.user_id, pu.id)
                .await?
                .then_some(Relation::Expert),
            _ => None,
        },
    };
    match (pupil, relation) {
        (Some(pu), Some(r)) => Ok((pu, r)),
        _ => Err(refused(
            state,
            visitor,
            "leerling",
            &pupil_id.to_string(),
            "no relation",
        )
        .await),
    }
}

/// Records a read of pupil data.
pub async fn record_read(
    state: &AppState,
    visitor: &Visitor,
    object_type: &str,
    object_id: impl std::fmt::Display,
    pupil_id: i64,
    action: &str,
) -> AppResult<()> {
    let object_id = object_id.to_string();
    let mut event = visitor.event(action, object_type, &object_id, Outcome::Success, "");
    event.pupil_id = Some(pupil_id);
    passend_store::audit::append(&state.db, &event).await?;
    Ok(())
}

/// Records that a list or an export showed these pupils: one event per pupil (NEN 7513 asks
/// whose data was seen), in one transaction.
pub async fn record_list(
    state: &AppState,
    visitor: &Visitor,
    action: &str,
    object_type: &str,
    pupils: impl IntoIterator<Item = i64>,
) -> AppResult<()> {
    let mut ids: Vec<i64> = pupils.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    let texts: Vec<String> = ids.iter().map(i64::to_string).collect();
    let events: Vec<_> = ids
        .iter()
        .zip(&texts)
        .map(|(id, text)| {
            let mut e = visitor.event(action, object_type, text, Outcome::Success, "list");
            e.pupil_id = Some(*id);
            e
        })
        .collect();
    if events.is_empty() {
        let e = visitor.event(action, object_type, "-", Outcome::Success, "0 results");
        passend_store::audit::append(&state.db, &e).await?;
    } else {
        passend_store::audit::append_many(&state.db, &events).await?;
    }
    Ok(())
}

/// The request, if this visitor may see it (through its pupil).
pub async fn request_for(
    state: &AppState,
    visitor: &Visitor,
    p: &Principal,
    request_id: i64,
) -> AppResult<(Request, Pupil, Relation)> {
    let request = cw::request(&state.db, p.tenant_id, request_id).await?;
    let id = request_id.to_string();
    let Some(r) = request else {
        return Err(refused(state, visitor, "aanvraag", &id, "not found").await);
    };
    let (pupil, relation) = pupil_for(state, visitor, p, r.pupil_id).await?;
    // Experts see only the requests they advise on, while their access lasts; receiving
    // schools only decided ones.
    let allowed = match relation {
        Relation::Expert => crate::access::expert_sees_request(state, p.user_id, &r).await?,
        Relation::Receiving => cw::receives_request(&state.db, p.user_id, r.id).await?,
        // A concept is the school's until it is submitted.
        Relation::Toeleider => r.submitted_at.is_some(),
        Relation::School => true,
    };
    if !allowed {
        return Err(refused(state, visitor, "aanvraag", &id, "no relation").await);
    }
    Ok((r, pupil, relation))
}

/// The pupil, if the visitor works at the pupil's school (a receiving school, a toeleider or an
/// expert is refused, and the refusal recorded).
pub(crate) async fn school_pupil(
    state: &AppState,
    visitor: &Visitor,
    p: &Principal,
    id: i64,
) -> AppResult<Pupil> {
    let (pupil, relation) = pupil_for(state, visitor, p, id).await?;
    if relation != Relation::School {
        return Err(refused(state, visitor, "leerling", &id.to_string(), "no relation").await);
    }
    Ok(pupil)
}

/// The actor of a change: the signed-in user.
pub fn actor<'a>(p: &'a Principal, v: &'a Visitor) -> Actor<'a> {
    Actor {
        tenant_id: p.tenant_id,
        user_id: p.user_id,
        role: p.role.code(),
        name: &p.name,
        origin: &v.origin,
        request_id: &v.request_id,
        form_token: "",
    }
}

/// The actor of a change that a form makes once: the form's single-use token goes with the
/// change, so a retried post is recognised instead of made twice.
pub fn actor_once<'a>(p: &'a Principal, v: &'a Visitor, once: &'a str) -> Actor<'a> {
    Actor {
        form_token: once,
        ..actor(p, v)
    }
}

/// Records a refusal in the audit trail (`why` says which relation was missing) and gives the
/// error to answer with: "not found", which reveals nothing.
pub async fn refused(
    state: &AppState,
    visitor: &Visitor,
    object_type: &str,
    id: &str,
    why: &str,
) -> AppError {
    refused_to(state, visitor, "read", object_type, id, why).await
}

/// [`refused`] for another action than reading (a download, …).
pub async fn refused_to(
    state: &AppState,
    visitor: &Visitor,
    action: &str,
    object_type: &str,
    id: &str,
    why: &str,
) -> AppError {
    let event = visitor.event(action, object_type, id, Outcome::Denied, why);
    match passend_store::audit::append(&state.db, &event).await {
        Ok(_) => AppError::NotFound,
        Err(e) => e.into(),
    }
}
