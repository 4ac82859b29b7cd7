//! The second factor: setting up TOTP, recovery codes.

use crate::AppState;
use crate::auth::{SESSION_COOKIE, Visitor, set_cookie};
use crate::error::{AppError, AppResult};
use crate::extract::SignedIn;
use crate::forms::{Field, summary};
use crate::layout::MessageView;
use crate::layout::layout;
use crate::routes::account::*;
use axum::Form;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use passend_domain::accounts::{Stage, token_hash};
use passend_domain::totp;
use passend_store::accounts::{self as store, User};

pub(crate) fn qr_svg(uri: &str) -> String {
    match qrcode::QrCode::with_error_correction_level(uri.as_bytes(), qrcode::EcLevel::M) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .dark_color(qrcode::render::svg::Color("#000000"))
            .light_color(qrcode::render::svg::Color("#ffffff"))
            .build()
            .replacen("<?xml version=\"1.0\" standalone=\"yes\"?>", "", 1)
            .replacen(
                "<svg ",
                "<svg role=\"img\" aria-label=\"QR-code om de app te koppelen\" ",
                1,
            ),
        Err(_) => String::new(),
    }
}

pub(crate) fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

pub(crate) async fn enroll_view(
    state: &AppState,
    visitor: &Visitor,
    user: &User,
    code: Field,
) -> AppResult<EnrollView> {
    let secret = match &user.totp_pending {
        Some(s) => s.clone(),
        None => {
            let mut bytes = [0u8; totp::SECRET_BYTES];
            getrandom::fill(&mut bytes).map_err(|e| AppError::Internal(format!("random: {e}")))?;
            let s = totp::base32_encode(&bytes);
            store::set_totp_pending(&state.db, user.id, &s).await?;
            s
        }
    };
    let uri = totp::otpauth_uri(&state.site_name, &user.email, &secret);
    let errors = summary(&[("code", &code)]);
    Ok(EnrollView {
        layout: layout(
            state,
            visitor,
            "Tweestapsverificatie instellen",
            "/account/tweestapsverificatie",
        ),
        errors,
        qr_svg: qr_svg(&uri),
        secret_groups: grouped(&secret),
        code,
    })
}

pub(crate) async fn enroll_form(SignedIn { state, visitor, p }: SignedIn) -> AppResult<Response> {
    let user = own_user(&state, &p).await?;
    if user.totp_secret.is_some() {
        return page(
            MessageView {
                layout: layout(&state, &visitor, "Tweestapsverificatie", "/account/tweestapsverificatie"),
                heading: "Tweestapsverificatie staat aan".to_owned(),
                paragraphs: vec![
                    "U logt in met uw wachtwoord en een code uit de app op uw telefoon. Heeft u een nieuwe telefoon? Log dan in met een herstelcode en vraag de beheerder om de tweestapsverificatie opnieuw in te stellen.".to_owned(),
                ],
                link: Some(("/account".to_owned(), "Naar mijn account".to_owned())),
            },
            StatusCode::OK,
        );
    }
    page(
        enroll_view(&state, &visitor, &user, Field::default()).await?,
        StatusCode::OK,
    )
}

pub(crate) async fn enroll(
    SignedIn { state, visitor, p }: SignedIn,
    Form(form): Form<CodeForm>,
) -> AppResult<Response> {
    let user = own_user(&state, &p).await?;
    let Some(pending) = user.totp_pending.clone() else {
        return Ok(Redirect::to("/account/tweestapsverificatie").into_response());
    };
    let step = totp::base32_decode(&pending)
        .and_then(|s| totp::verify(&s, &form.code, Utc::now().timestamp(), None));
    let Some(step) = step else {
        let mut code = Field::default();
        code.error = Some(if form.code.trim().is_empty() {
            "Vul de code van 6 cijfers uit uw app in.".to_owned()
        } else {
            "Deze code klopt niet. Kijk of de app het account van Passend toont en typ de code die er nu staat.".to_owned()
        });
        return page(
            enroll_view(&state, &visitor, &user, code).await?,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    let (codes, hashes) = new_codes()?;
    let keys = SessionKeys::new()?;
    let object = user.id.to_string();
    let event = visitor.on_user("totp_enroll", &object, "");
    let ok = store::confirm_totp(
        &state.db,
        user.id,
        &pending,
        step,
        &hashes,
        &p.session_hash,
        &keys.row(&visitor),
        &event,
    )
    .await?;
    if !ok {
        return Ok(Redirect::to("/account/tweestapsverificatie").into_response());
    }
    // The codes are shown once, on this response; the new session cookie comes with it.
    let mut visitor = visitor;
    visitor.csrf = keys.csrf.clone();
    if let Some(pr) = visitor.principal.as_mut() {
        pr.stage = Stage::Full;
    }
    let mut r = page(
        RecoveryView {
            layout: layout(&state, &visitor, "Uw herstelcodes", ""),
            codes,
            renewed: false,
        },
        StatusCode::OK,
    )?;
    r.headers_mut()
        .append(header::SET_COOKIE, set_cookie(SESSION_COOKIE, &keys.token));
    Ok(r)
}

/// A fresh set of recovery codes, to show once, and their hashes, to keep.
pub(crate) fn new_codes() -> AppResult<(Vec<String>, Vec<String>)> {
    let codes = (0..totp::RECOVERY_CODES)
        .map(|_| {
            let mut b = [0u8; 10];
            getrandom::fill(&mut b).map_err(|e| AppError::Internal(format!("random: {e}")))?;
            Ok(totp::recovery_code(&b))
        })
        .collect::<AppResult<Vec<String>>>()?;
    let hashes = codes
        .iter()
        .map(|c| token_hash(&totp::normalize_recovery_code(c)))
        .collect();
    Ok((codes, hashes))
}

#[derive(Template)]
#[template(path = "account/second_factor/enroll.html")]
pub(crate) struct EnrollView {
    pub(crate) layout: AppLayout,
    pub(crate) errors: Vec<(String, String)>,
    pub(crate) qr_svg: String,
    pub(crate) secret_groups: String,
    pub(crate) code: Field,
}

#[derive(Template)]
#[template(path = "account/second_factor/recovery.html")]
pub(crate) struct RecoveryView {
    pub(crate) layout: AppLayout,
    pub(crate) codes: Vec<String>,
    /// New codes replacing earlier ones (not the first set).
    pub(crate) renewed: bool,
}
