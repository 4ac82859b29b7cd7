//! Extractors for the part every handler behind a sign-in repeats: the app state, the visitor
//! and the signed-in principal ([`SignedIn`]), and on top of it "this pupil or this request,
//! allowed for this visitor, the read recorded" ([`read_pupil`], [`read_school_pupil`],
//! [`read_request`]). A handler then states only what is particular to it. [`SiteLang`] reads a
//! public page's language from its address.
//!
//! The role-level check stays in `policy.rs` (a route not in the table answers 404 before any
//! handler runs); the object-level relations stay in `access.rs`; this module only puts them
//! together in the order every handler used them.

use crate::AppState;
use crate::access::{Relation, pupil_for, record_read, request_for, school_pupil};
use crate::auth::{Principal, Visitor};
use crate::error::{AppError, AppResult};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use passend_store::casework::{Pupil, Request};

/// A request by a signed-in user: the state, the visitor (CSRF token, origin, correlation id)
/// and the principal. Without a session the handler is never reached: "not found", as
/// `Visitor::signed_in` answered before.
pub struct SignedIn {
    /// The application state.
    pub state: AppState,
    /// The visitor, for audit events and forms.
    pub visitor: Visitor,
    /// Who is signed in.
    pub p: Principal,
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        let visitor = Visitor::from_request_parts(parts, state).await?;
        let p = visitor.signed_in()?.clone();
        Ok(SignedIn {
            state: state.clone(),
            visitor,
            p,
        })
    }
}

/// The language of a public page, from its address: `/en` and everything below it is English,
/// the rest Dutch. One handler then serves both `/kaart` and `/en/kaart`.
pub struct SiteLang(pub passend_domain::Lang);

impl<S: Send + Sync> FromRequestParts<S> for SiteLang {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let path = parts.uri.path();
        let english = path == "/en" || path.starts_with("/en/");
        Ok(SiteLang(if english {
            passend_domain::Lang::En
        } else {
            passend_domain::Lang::Nl
        }))
    }
}

/// The pupil with the visitor's relation to them, and the read recorded; a visitor without a
/// relation gets "not found", recorded as refused.
pub async fn read_pupil(
    state: &AppState,
    visitor: &Visitor,
    p: &Principal,
    id: i64,
) -> AppResult<(Pupil, Relation)> {
    let (pupil, relation) = pupil_for(state, visitor, p, id).await?;
    record_read(state, visitor, "leerling", id, pupil.id, "read").await?;
    Ok((pupil, relation))
}

/// The pupil of the visitor's own school, and the read of the pupil recorded; anyone else gets
/// "not found", recorded as refused.
pub async fn read_school_pupil(
    state: &AppState,
    visitor: &Visitor,
    p: &Principal,
    id: i64,
) -> AppResult<Pupil> {
    let pupil = school_pupil(state, visitor, p, id).await?;
    record_read(state, visitor, "leerling", id, pupil.id, "read").await?;
    Ok(pupil)
}

/// The request with its pupil and the visitor's relation, and the read recorded; otherwise
/// "not found", recorded as refused.
pub async fn read_request(
    state: &AppState,
    visitor: &Visitor,
    p: &Principal,
    id: i64,
) -> AppResult<(Request, Pupil, Relation)> {
    let (r, pupil, relation) = request_for(state, visitor, p, id).await?;
    record_read(state, visitor, "aanvraag", id, pupil.id, "read").await?;
    Ok((r, pupil, relation))
}
