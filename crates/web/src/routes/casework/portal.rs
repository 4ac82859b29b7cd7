//! Sharing with the parents' portal (staff): inviting and revoking parents, sharing a concept or a document.

use crate::AppState;
use crate::access::{Relation, actor, pupil_for, request_for};
use crate::auth::{Principal, Visitor, random_token};
use crate::dates::today;
use crate::error::{AppError, AppResult};
use crate::extract::SignedIn;
use crate::forms::FormBody;
use crate::forms::{form, val};
use crate::notices::{ParentNews, parent_notices};
use crate::texts::portal::{PortalTexts, portal_mail, texts};
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use passend_domain::Lang;
use passend_domain::accounts::{Role, TokenPurpose, token_hash, valid_email};
use passend_domain::documents::DocumentKind;
use passend_domain::portal::{self as rules};
use passend_store::accounts::{self as accounts, AccountError, NewToken};
use passend_store::casework::{self as cw, Notice, Pupil};
use passend_store::outbox::NewMail;
use passend_store::portal::{self as portal, ParentAccount};

/// The invitation mail, in Dutch and English (the parent has not chosen yet). No pupil data.
pub(crate) fn invitation_mail(state: &AppState, link: Option<&str>) -> (String, String) {
    let nl = texts(Lang::Nl);
    let en = texts(Lang::En);
    let part = |t: &PortalTexts| match link {
        Some(l) => format!(
            "{}\n\n{}\n{l}\n\n{}",
            t.invite_intro.replace("{site}", &state.site_name),
            t.invite_link,
            t.invite_unknown
        ),
        None => format!(
            "{}\n\n{}\n{}/ouders",
            t.invite_existing.replace("{site}", &state.site_name),
            t.mail_link,
            state.base_url
        ),
    };
    let body = format!(
        "{}\n\n{}\n\n{}\n{}\n\n-----\n\n{}\n\n{}\n\n{}\n{}\n",
        nl.mail_hello,
        part(nl),
        nl.mail_regards,
        state.site_name,
        en.mail_hello,
        part(en),
        en.mail_regards,
        state.site_name
    );
    (
        format!("{} / {}", nl.invite_subject, en.invite_subject),
        body,
    )
}

pub(crate) fn to_dossier(pupil_id: i64, done: &str) -> Response {
    Redirect::to(&format!(
        "/leerlingen/{pupil_id}?gedaan={done}#ouderportaal"
    ))
    .into_response()
}

/// The parent row at this place of a pupil the staff member may change, and whether it still
/// has the address the form showed (the rows may have been edited since).
pub(crate) async fn parent_row(
    state: &AppState,
    visitor: &Visitor,
    p: &Principal,
    pupil_id: i64,
    position: usize,
    body: &str,
) -> AppResult<(Pupil, cw::Guardian, bool)> {
    let (pupil, relation) = pupil_for(state, visitor, p, pupil_id).await?;
    let object = format!("{pupil_id}/{position}");
    if !relation.writes() {
        return Err(
            crate::access::refused(state, visitor, "ouderportaal", &object, "no relation").await,
        );
    }
    let guardians = cw::guardians(&state.db, pupil.id).await?;
    let Some(g) = position
        .checked_sub(1)
        .and_then(|i| guardians.get(i))
        .cloned()
    else {
        return Err(
            crate::access::refused(state, visitor, "ouderportaal", &object, "no relation").await,
        );
    };
    let expected = val(&form(body), "email");
    let same = passend_domain::accounts::normalize_email(&expected)
        == passend_domain::accounts::normalize_email(&g.email);
    Ok((pupil, g, same))
}

pub(crate) async fn invite_parent(
    SignedIn { state, visitor, p }: SignedIn,
    Path((id, position)): Path<(i64, usize)>,
    body: String,
) -> AppResult<Response> {
    let (pupil, g, same) = parent_row(&state, &visitor, &p, id, position, &body).await?;
    if !same {
        return Ok(to_dossier(pupil.id, "ouder-gewijzigd"));
    }
    if !g.parental_authority || !valid_email(&g.email) {
        return Ok(to_dossier(pupil.id, "ouder-geen-gezag"));
    }
    let email = passend_domain::accounts::normalize_email(&g.email);
    let existing = accounts::user_by_email(&state.db, p.tenant_id, &email).await?;
    let (account, needs_link) = match &existing {
        None => (
            ParentAccount::New {
                email: &email,
                name: &g.name,
            },
            true,
        ),
        Some(u) if u.role() != Some(Role::Ouder) => {
            return Ok(to_dossier(pupil.id, "ouder-medewerker"));
        }
        Some(u) if u.status == "disabled" => return Ok(to_dossier(pupil.id, "ouder-geblokkeerd")),
        Some(u) => (ParentAccount::Existing(u.id), u.status == "invited"),
    };
    let token = random_token()?;
    let hash = token_hash(&token);
    let purpose = TokenPurpose::Invitation;
    let expires = Utc::now() + chrono::Duration::from_std(purpose.lifetime()).unwrap_or_default();
    let link = format!("{}/uitnodiging/{token}", state.base_url);
    let (subject, body) = invitation_mail(&state, needs_link.then_some(link.as_str()));
    let key = format!("ouderportaal-{}-{}", g.id, &hash[..16]);
    let new_token = NewToken {
        token_hash: &hash,
        purpose,
        expires_at: expires,
    };
    let result = portal::link_parent(
        &state.db,
        &actor(&p, &visitor),
        pupil.id,
        g.id,
        &account,
        needs_link.then_some(&new_token),
        &NewMail {
            tenant_id: Some(p.tenant_id),
            idempotency_key: &key,
            to_address: &email,
            subject: &subject,
            body_text: &body,
            attachment: None,
            combine: None,
        },
    )
    .await;
    match result {
        Ok(_) => Ok(to_dossier(pupil.id, "ouder-uitgenodigd")),
        // Someone made an account with this address at the same moment: try again.
        Err(AccountError::EmailTaken) => Ok(to_dossier(pupil.id, "gewijzigd")),
        Err(e) => Err(AppError::Internal(e.to_string())),
    }
}

pub(crate) async fn revoke_parent(
    SignedIn { state, visitor, p }: SignedIn,
    Path((id, position)): Path<(i64, usize)>,
    body: String,
) -> AppResult<Response> {
    let (pupil, g, same) = parent_row(&state, &visitor, &p, id, position, &body).await?;
    if !same {
        return Ok(to_dossier(pupil.id, "ouder-gewijzigd"));
    }
    if !crate::forms::confirmed(&body) {
        return crate::layout::not_confirmed(
            &state,
            &visitor,
            format!("/leerlingen/{id}#ouderportaal"),
        );
    }
    // The parent hears that their access ended (no pupil data).
    let mut notices = Vec::new();
    for l in portal::links_of_pupil(&state.db, pupil.id).await? {
        if l.guardian_id != g.id {
            continue;
        }
        let lang = portal::language(&state.db, l.user_id).await?;
        let t = texts(Lang::from_code(&lang).unwrap_or(Lang::Nl));
        let line = t.revoked_text.replace("{site}", &state.site_name);
        notices.push(Notice {
            key: format!("ouder-ingetrokken-{}-{}", g.id, random_token()?),
            to: l.email.clone(),
            subject: t.revoked_subject.to_owned(),
            body: portal_mail(&state.site_name, t, &[&line]),
            attachment: None,
            combine: None,
        });
    }
    portal::revoke_link(&state.db, &actor(&p, &visitor), pupil.id, g.id, &notices).await?;
    Ok(to_dossier(pupil.id, "ouder-ingetrokken"))
}

pub(crate) async fn share_request(
    SignedIn { state, visitor, p }: SignedIn,
    Path(id): Path<i64>,
    FormBody { fields: f, .. }: FormBody,
) -> AppResult<Response> {
    let (r, pupil, relation) = request_for(&state, &visitor, &p, id).await?;
    if relation != Relation::School {
        return Err(crate::access::refused(
            &state,
            &visitor,
            "aanvraag",
            &id.to_string(),
            "no relation",
        )
        .await);
    }
    let version: i64 = val(&f, "versie").parse().unwrap_or(-1);
    let default = rules::respond_by(today(), state.casework.zienswijze_days);
    let typed = val(&f, "reageren-voor");
    let respond_by = match crate::forms::parse_date(&typed) {
        Ok(Some(d)) if d > today() => d,
        Ok(None) => default,
        bad => {
            let message = if bad.is_err() {
                "Vul een bestaande datum in, bijvoorbeeld 15-03-2026."
            } else {
                "Kies een datum na vandaag: de ouders hebben tijd nodig om te reageren."
            };
            return crate::routes::casework::share_date_error(
                &state, &visitor, &r, &typed, message,
            )
            .await;
        }
    };
    if portal::parents_of(&state.db, pupil.id).await?.is_empty() {
        return Ok(
            Redirect::to(&format!("/aanvragen/{id}?gedaan=delen-geen-ouders#delen"))
                .into_response(),
        );
    }
    let notices = parent_notices(
        &state,
        pupil.id,
        Some(r.id),
        ParentNews::Shared(respond_by),
        &format!("gedeeld-{}-{version}", r.id),
    )
    .await?;
    let what = format!(
        "Gedeeld met de ouders (versie {version}); hun mening graag vóór {}",
        crate::dates::long(respond_by)
    );
    let done = portal::share_request(
        &state.db,
        &actor(&p, &visitor),
        &r,
        version,
        respond_by,
        &what,
        &notices,
    )
    .await?;
    Ok(Redirect::to(&format!(
        "/aanvragen/{id}?gedaan={}#delen",
        if done { "gedeeld" } else { "gewijzigd" }
    ))
    .into_response())
}

pub(crate) async fn share_document(
    SignedIn { state, visitor, p }: SignedIn,
    Path(id): Path<i64>,
    FormBody { fields: f, .. }: FormBody,
) -> AppResult<Response> {
    let pupil_id: i64 = val(&f, "leerling").parse().unwrap_or(-1);
    let (pupil, relation) = pupil_for(&state, &visitor, &p, pupil_id).await?;
    if !relation.writes() {
        return Err(crate::access::refused(
            &state,
            &visitor,
            "document",
            &id.to_string(),
            "no relation",
        )
        .await);
    }
    // Consent (instemming) is asked for the handelingsdeel of an OPP only.
    let consent_asked = val(&f, "toestemming") == "ja";
    if portal::parents_of(&state.db, pupil.id).await?.is_empty() {
        return Ok(to_dossier(pupil.id, "delen-geen-ouders"));
    }
    // Only a document this staff member may see: toeleiding shares a document of a submitted
    // request or of the dossier, never one of a concept (that is the school's own).
    let reader = crate::access::reader(&state, &p, pupil.id, relation).await?;
    let doc = crate::access::visible_documents(&state, p.tenant_id, pupil.id, &reader)
        .await?
        .into_iter()
        .find(|d| d.id == id);
    let Some(doc) = doc else {
        return Err(crate::access::refused(
            &state,
            &visitor,
            "document",
            &id.to_string(),
            "no relation",
        )
        .await);
    };
    let consent = consent_asked && doc.kind == DocumentKind::Opp.code();
    // The version the staff member saw; a newer one must be looked at first.
    let version: i64 = val(&f, "versie").parse().unwrap_or(-1);
    if version != doc.version {
        return Ok(to_dossier(pupil.id, "document-nieuwe-versie"));
    }
    let notices = parent_notices(
        &state,
        pupil.id,
        doc.request_id,
        ParentNews::DocumentShared(consent),
        &format!("document-{id}-{}", doc.version),
    )
    .await?;
    let done = portal::share_document(
        &state.db,
        &actor(&p, &visitor),
        pupil.id,
        id,
        version,
        consent,
        &notices,
    )
    .await?;
    match done {
        None => Err(AppError::NotFound),
        Some(true) => Ok(to_dossier(pupil.id, "document-gedeeld")),
        Some(false) => Ok(to_dossier(pupil.id, "document-al-gedeeld")),
    }
}
