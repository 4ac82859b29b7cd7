//! Single-use links by mail: invitations, password resets and parents' sign-in links, each with
//! its neutral mail and audit event, written in one transaction.

use crate::AppState;
use crate::auth::{Visitor, random_token};
use crate::error::{AppError, AppResult};
use crate::notices::mail_text;
use chrono::Utc;
use passend_domain::accounts::{Role, TokenPurpose, token_hash};
use passend_store::accounts::{self as store, NewToken, User};
use passend_store::outbox::NewMail;

/// Writes a single-use link for a user with its mail (no pupil data, a neutral text).
/// Looks the address up and writes the link and its mail after the answer has gone out, so the
/// time the answer takes does not tell whether the address has an account. Sign-in links are for
/// parents only; resets for active accounts.
pub(crate) fn send_link_later(
    state: AppState,
    visitor: Visitor,
    email: String,
    purpose: TokenPurpose,
) {
    tokio::spawn(async move {
        let result = async {
            let Some(user) = store::user_by_email(&state.db, state.tenant_id, &email).await? else {
                return Ok(());
            };
            let wanted = match purpose {
                TokenPurpose::SignInLink => {
                    user.role() == Some(Role::Ouder) && user.status != "disabled"
                }
                _ => user.status == "active",
            };
            if wanted && (state.auth.demo || !user.email.ends_with(crate::DEMO_DOMAIN)) {
                send_link(&state, &visitor, &user, purpose).await?;
            }
            Ok::<(), AppError>(())
        }
        .await;
        if let Err(e) = result {
            tracing::error!(error = %e, purpose = purpose.code(), "could not write a link mail");
        }
    });
}

pub(crate) async fn send_link(
    state: &AppState,
    visitor: &Visitor,
    user: &User,
    purpose: TokenPurpose,
) -> AppResult<()> {
    let token = random_token()?;
    let hash = token_hash(&token);
    let expires = Utc::now() + chrono::Duration::from_std(purpose.lifetime()).unwrap_or_default();
    let (subject, body, action) = link_mail(
        &state.site_name,
        &state.base_url,
        user.role(),
        purpose,
        &token,
    );
    let key = format!("{}-{}", purpose.code(), &hash[..24]);
    let object = user.id.to_string();
    let mut event = visitor.on_user(action, &object, purpose.code());
    event.tenant_id = Some(state.tenant_id);
    store::issue_token(
        &state.db,
        state.tenant_id,
        user.id,
        &NewToken {
            token_hash: &hash,
            purpose,
            expires_at: expires,
        },
        visitor.principal.as_ref().map(|p| p.user_id),
        &NewMail {
            tenant_id: Some(state.tenant_id),
            idempotency_key: &key,
            to_address: &user.email,
            subject: &subject,
            body_text: &body,
            attachment: None,
            combine: None,
        },
        &event,
    )
    .await?;
    Ok(())
}

/// Invites a new user: the user, the single-use link, its mail and the audit event in one
/// transaction (the beheer page and `passend gebruiker uitnodigen` both come here). Returns the
/// link's token, which only the mail (and the command line's output) ever holds.
pub async fn invite(
    db: &passend_store::Db,
    site: &str,
    base_url: &str,
    user: &store::NewUser<'_>,
    event: &passend_store::audit::Event<'_>,
) -> Result<String, store::AccountError> {
    let token = random_token().map_err(|e| {
        store::AccountError::Store(passend_store::StoreError::Io(std::io::Error::other(
            e.to_string(),
        )))
    })?;
    let hash = token_hash(&token);
    let purpose = TokenPurpose::Invitation;
    let (subject, text, _) = link_mail(site, base_url, Some(user.role), purpose, &token);
    let key = format!("{}-{}", purpose.code(), &hash[..24]);
    store::invite(
        db,
        user,
        &NewToken {
            token_hash: &hash,
            purpose,
            expires_at: Utc::now()
                + chrono::Duration::from_std(purpose.lifetime()).unwrap_or_default(),
        },
        &NewMail {
            tenant_id: Some(user.tenant_id),
            idempotency_key: &key,
            to_address: user.email,
            subject: &subject,
            body_text: &text,
            attachment: None,
            combine: None,
        },
        event,
    )
    .await?;
    Ok(token)
}

/// Subject, body and audit action of a link mail.
pub fn link_mail(
    site: &str,
    base_url: &str,
    role: Option<Role>,
    purpose: TokenPurpose,
    token: &str,
) -> (String, String, &'static str) {
    let role = role.map(Role::label_nl).unwrap_or("gebruiker");
    match purpose {
        TokenPurpose::Invitation => (
            format!("Uitnodiging voor {site}"),
            mail_text(
                site,
                &[
                    &format!(
                        "U bent uitgenodigd om een account te maken bij {site} als {}.",
                        role.to_lowercase()
                    ),
                    &format!("Maak uw account aan via deze link:\n{base_url}/uitnodiging/{token}"),
                    "De link werkt 7 dagen en maar één keer. Heeft u deze uitnodiging niet verwacht? Dan kunt u deze e-mail negeren.",
                ],
            ),
            "invite",
        ),
        TokenPurpose::PasswordReset => (
            format!("Nieuw wachtwoord voor {site}"),
            mail_text(
                site,
                &[
                    "U heeft gevraagd om een nieuw wachtwoord.",
                    &format!(
                        "Kies een nieuw wachtwoord via deze link:\n{base_url}/wachtwoord-herstellen/{token}"
                    ),
                    "De link werkt 1 uur en maar één keer. Heeft u dit niet gevraagd? Dan hoeft u niets te doen: uw wachtwoord blijft hetzelfde.",
                ],
            ),
            "password_reset_request",
        ),
        TokenPurpose::SignInLink => (
            format!("Inloggen bij {site}"),
            mail_text(
                site,
                &[
                    "U heeft gevraagd om in te loggen met een link.",
                    &format!("Log in via deze link:\n{base_url}/inloggen/link/{token}"),
                    "De link werkt 15 minuten en maar één keer. Heeft u dit niet gevraagd? Dan kunt u deze e-mail negeren.",
                ],
            ),
            "sign_in_link_request",
        ),
    }
}
