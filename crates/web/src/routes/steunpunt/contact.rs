//! The Oudersteunpunt's public contact form (no account).

use crate::AppState;
use crate::auth::{RequestId, client_address};
use crate::error::{AppError, AppResult};
use crate::forms::{Field, summary};
use crate::forms::{Opt, form, opts, val};
use crate::notices::mail_text;
use crate::texts::steunpunt::{Texts, texts};
use askama::Template;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use passend_domain::Lang;
use passend_domain::accounts::{token_hash, valid_email};
use passend_domain::steunpunt::{self as sp, Category, Channel, Theme, TokenProblem};
use passend_store::steunpunt::{self as store, ConfidentialMail, NewCase};

/// The form as typed, with messages.
#[derive(Debug, Clone, Default)]
pub(crate) struct ContactInput {
    pub(crate) category: String,
    pub(crate) category_error: String,
    pub(crate) theme: String,
    pub(crate) theme_error: String,
    pub(crate) name: Field,
    pub(crate) email: Field,
    pub(crate) phone: Field,
    pub(crate) callback: bool,
    pub(crate) callback_when: Field,
    pub(crate) school: Field,
    pub(crate) message: Field,
}

impl ContactInput {
    /// The error summary of the form, in form order; `category_field` is the id the category's
    /// message links to (the first radio button, or the advisers' select).
    pub(crate) fn errors(&self, category_field: &str) -> Vec<(String, String)> {
        let mut errors = Vec::new();
        if !self.category_error.is_empty() {
            errors.push((category_field.to_owned(), self.category_error.clone()));
        }
        if !self.theme_error.is_empty() {
            errors.push(("onderwerp".to_owned(), self.theme_error.clone()));
        }
        errors.extend(summary(&[
            ("naam", &self.name),
            ("email", &self.email),
            ("telefoon", &self.phone),
            ("bericht", &self.message),
        ]));
        errors
    }
}

#[derive(Template)]
#[template(path = "steunpunt/contact/contact.html")]
pub(crate) struct ContactView {
    pub(crate) layout: crate::views::Layout,
    pub(crate) t: &'static Texts,
    pub(crate) action: String,
    pub(crate) token: String,
    pub(crate) input: ContactInput,
    pub(crate) categories: Vec<Opt>,
    pub(crate) themes: Vec<Opt>,
    pub(crate) errors: Vec<(String, String)>,
    pub(crate) problem: Option<&'static str>,
    pub(crate) privacy: Vec<String>,
    pub(crate) back_href: String,
    pub(crate) reach: String,
}

#[derive(Template)]
#[template(path = "steunpunt/contact/sent.html")]
pub(crate) struct SentView {
    pub(crate) layout: crate::views::Layout,
    pub(crate) t: &'static Texts,
    pub(crate) reference: String,
    pub(crate) next: String,
    pub(crate) mailed: bool,
    pub(crate) back_href: String,
    pub(crate) reach: String,
}

/// "U kunt het Oudersteunpunt ook zelf bereiken: …" with the phone, e-mail and hours a beheerder
/// saved (or, before that, `PASSEND_STEUNPUNT_CONTACT`); empty when nothing is known.
pub(crate) async fn reach_line(state: &AppState, lang: Lang, t: &Texts) -> AppResult<String> {
    let content = state.cache.get(&state.db, state.tenant_id, lang).await?;
    let c = crate::layout::footer_contact(state, &content.contact);
    let or = if lang == Lang::En { " or " } else { " of " };
    let ways: Vec<String> = c
        .steunpunt_phone
        .map(|(shown, _)| shown)
        .into_iter()
        .chain(c.steunpunt_email)
        .collect();
    let contact = match (ways.join(or), c.steunpunt_note) {
        (ways, Some(note)) if ways.is_empty() => note,
        (ways, Some(note)) => format!("{ways} ({})", note.trim_end_matches('.')),
        (ways, None) => ways,
    };
    Ok(if contact.trim().is_empty() {
        String::new()
    } else {
        t.reach_us
            .replace("{contact}", contact.trim().trim_end_matches('.'))
    })
}

pub(crate) fn contact_path(lang: Lang) -> String {
    match lang {
        Lang::Nl => "/oudersteunpunt/contact".to_owned(),
        Lang::En => "/en/oudersteunpunt/contact".to_owned(),
    }
}

pub(crate) async fn form_key(state: &AppState) -> AppResult<Vec<u8>> {
    Ok(store::site_key(&state.db, store::FORM_KEY)
        .await?
        .into_bytes())
}

/// 128 random bits in hex: the nonce of a form token.
pub(crate) fn nonce() -> AppResult<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| AppError::Internal(format!("random: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// A page of the form: never kept in a cache (it may hold what the parent typed, or the
/// reference number).
pub(crate) fn private(status: StatusCode, html: String) -> Response {
    let mut r = (status, Html(html)).into_response();
    r.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    r
}

pub(crate) fn now_seconds() -> i64 {
    Utc::now().timestamp()
}

/// The form; `token` is the one it was sent with, kept when it still holds, so the time since
/// the form was first shown keeps counting (a parent who corrects one field quickly is not
/// taken for a robot).
pub(crate) async fn render_contact(
    state: &AppState,
    lang: Lang,
    input: ContactInput,
    problem: Option<&'static str>,
    token: Option<&str>,
) -> AppResult<String> {
    let t = texts(lang);
    let key = form_key(state).await?;
    let token = match token {
        Some(t) => t.to_owned(),
        None => sp::form_token(&key, now_seconds(), &nonce()?),
    };
    let failed = has_errors(&input) || problem.is_some();
    let title = if failed {
        match lang {
            Lang::Nl => format!("Fout: {}", t.title),
            Lang::En => format!("Error: {}", t.title),
        }
    } else {
        t.title.to_owned()
    };
    let layout = crate::layout::public_layout(
        state,
        lang,
        "oudersteunpunt",
        &title,
        t.intro,
        &contact_path(lang.other()),
    )
    .await?;
    let label = |c: Category| match lang {
        Lang::Nl => c.label_nl(),
        Lang::En => c.label_en(),
    };
    let theme_label = |c: Theme| match lang {
        Lang::Nl => c.label_nl(),
        Lang::En => c.label_en(),
    };
    let categories = opts(
        Category::ALL.iter().map(|c| (c.code(), label(*c))),
        &input.category,
    );
    let mut themes = vec![Opt {
        value: String::new(),
        label: t.choose.to_owned(),
        selected: input.theme.is_empty(),
    }];
    themes.extend(opts(
        Theme::ALL.iter().map(|c| (c.code(), theme_label(*c))),
        &input.theme,
    ));
    let errors = input.errors(&format!("categorie-{}", Category::ALL[0].code()));
    let months = state.casework.steunpunt_retention_months.to_string();
    Ok(ContactView {
        layout,
        t,
        action: contact_path(lang),
        token,
        input,
        categories,
        themes,
        errors,
        problem,
        privacy: t
            .privacy
            .iter()
            .map(|p| p.replace("{months}", &months))
            .collect(),
        back_href: lang.page_path("oudersteunpunt"),
        reach: reach_line(state, lang, t).await?,
    }
    .render()?)
}

pub(crate) async fn contact_form(State(state): State<AppState>, lang: Lang) -> AppResult<Response> {
    let html = render_contact(&state, lang, ContactInput::default(), None, None).await?;
    Ok(private(StatusCode::OK, html))
}

/// A Dutch or international phone number: digits with spaces, dashes, brackets, maybe a `+`.
pub(crate) fn valid_phone(s: &str) -> bool {
    let digits = s.chars().filter(char::is_ascii_digit).count();
    s.chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')' | '+' | '.'))
        && (10..=15).contains(&digits)
}

/// Reads and checks the fields shared by the public form and the advisers' intake.
pub(crate) fn read_contact(
    f: &std::collections::HashMap<String, String>,
    t: &Texts,
) -> ContactInput {
    let mut i = ContactInput {
        category: val(f, "categorie"),
        theme: val(f, "onderwerp"),
        name: Field::of(val(f, "naam").chars().take(200).collect::<String>()),
        email: Field::of(val(f, "email").chars().take(254).collect::<String>()),
        phone: Field::of(val(f, "telefoon").chars().take(40).collect::<String>()),
        callback: val(f, "terugbellen") == "ja",
        callback_when: Field::of(val(f, "wanneer").chars().take(200).collect::<String>()),
        school: Field::of(val(f, "school").chars().take(200).collect::<String>()),
        message: Field::of(
            f.get("bericht")
                .map(|m| m.trim().to_owned())
                .unwrap_or_default(),
        ),
        ..ContactInput::default()
    };
    if Category::from_code(&i.category).is_none() {
        i.category_error = t.e_category.to_owned();
    }
    if Theme::from_code(&i.theme).is_none() {
        i.theme_error = t.e_theme.to_owned();
    }
    if i.name.value.is_empty() {
        i.name.error = Some(t.e_name.to_owned());
    }
    if !i.email.value.is_empty() && !valid_email(&i.email.value) {
        i.email.error = Some(t.e_email.to_owned());
    }
    if !i.phone.value.is_empty() && !valid_phone(&i.phone.value) {
        i.phone.error = Some(t.e_phone.to_owned());
    }
    if i.email.value.is_empty() && i.phone.value.is_empty() {
        i.email.error = Some(t.e_reach.to_owned());
    }
    if i.callback && i.phone.value.is_empty() && i.phone.error.is_none() {
        i.phone.error = Some(t.e_callback_phone.to_owned());
    }
    if i.message.value.is_empty() {
        i.message.error = Some(t.e_message.to_owned());
    } else if i.message.value.chars().count() > sp::MAX_MESSAGE_CHARS {
        i.message.error = Some(t.e_message_long.to_owned());
    }
    i
}

pub(crate) fn has_errors(i: &ContactInput) -> bool {
    !i.category_error.is_empty()
        || !i.theme_error.is_empty()
        || [&i.name, &i.email, &i.phone, &i.message]
            .iter()
            .any(|f| f.has_error())
}

pub(crate) fn new_case(i: &ContactInput, channel: Channel, lang: Lang) -> NewCase {
    NewCase {
        channel: channel.code().to_owned(),
        category: i.category.clone(),
        theme: i.theme.clone(),
        name: i.name.value.clone(),
        email: i.email.value.clone(),
        phone: i.phone.value.clone(),
        callback: i.callback,
        callback_when: if i.callback {
            i.callback_when.value.clone()
        } else {
            String::new()
        },
        school: i.school.value.clone(),
        message: i.message.value.clone(),
        language: lang.code().to_owned(),
    }
}

pub(crate) fn references() -> AppResult<Vec<String>> {
    (0..4)
        .map(|_| {
            let mut bytes = [0u8; 8];
            getrandom::fill(&mut bytes).map_err(|e| AppError::Internal(format!("random: {e}")))?;
            Ok(sp::reference(bytes))
        })
        .collect()
}

/// The mail to the parent (their language, no content) and the notices to the advisers.
pub(crate) fn submission_mails(
    state: &AppState,
    (lang, reach): (Lang, &str),
    email: &str,
    advisers: &[(i64, String, String)],
    id: i64,
    reference: &str,
) -> Vec<ConfidentialMail> {
    let t = texts(lang);
    let days = state.casework.steunpunt_response_days.to_string();
    let mut mails = Vec::new();
    if !email.is_empty() {
        let mut body = format!("{}\n\n", t.mail_greeting);
        for l in t.mail_lines {
            body.push_str(&l.replace("{reference}", reference).replace("{days}", &days));
            body.push_str("\n\n");
        }
        if !reach.is_empty() {
            body.push_str(reach);
            body.push_str("\n\n");
        }
        body.push_str(&format!("{} {}\n", t.mail_closing, state.site_name));
        mails.push(ConfidentialMail {
            key: format!("steunpunt-ontvangen-{reference}"),
            to: email.to_owned(),
            subject: format!("{} ({reference})", t.mail_subject),
            body,
            attachment: None,
            combine: None,
        });
    }
    for (uid, _, address) in advisers {
        mails.push(ConfidentialMail {
            key: format!("steunpunt-nieuw-{id}-{uid}"),
            to: address.clone(),
            subject: "Nieuwe vraag bij het Oudersteunpunt".to_owned(),
            body: mail_text(
                &state.site_name,
                &[
                    "Er is een nieuwe vraag binnengekomen via het contactformulier van het Oudersteunpunt.",
                    &format!(
                        "Bekijk de vraag na het inloggen:\n{}/steunpunt/zaken/{id}",
                        state.base_url
                    ),
                ],
            ),
            attachment: None,
            combine: None,
        });
    }
    mails
}

pub(crate) async fn send_contact(
    State(state): State<AppState>,
    lang: Lang,
    request: Request,
) -> AppResult<Response> {
    let t = texts(lang);
    // Another site may not post this form from its visitors' browsers.
    if !crate::auth::same_origin(request.headers()) {
        return Ok((
            StatusCode::FORBIDDEN,
            "Dit formulier kan alleen vanaf deze website worden verstuurd.",
        )
            .into_response());
    }
    let origin = client_address(&request, state.auth.trust_proxy);
    let request_id = request
        .extensions()
        .get::<RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_else(|| "-".to_owned());
    let bytes = axum::body::to_bytes(request.into_body(), 64 * 1024)
        .await
        .map_err(|_| AppError::TooLarge)?;
    let body = String::from_utf8_lossy(&bytes);
    let f = form(&body);
    let mut input = read_contact(&f, t);
    let key = form_key(&state).await?;
    let token = val(&f, "t");
    let checked = sp::check_form_token(&key, &token, now_seconds());
    // A token that holds (or was only sent too fast) goes back with the form.
    let keep = matches!(checked, Ok(()) | Err(TokenProblem::TooFast)).then_some(token.as_str());
    let problem = if !val(&f, "website").is_empty() {
        Some(t.e_honeypot)
    } else {
        match checked {
            Ok(()) => None,
            // With messages at the fields the form goes back anyway; "sent very fast" on top
            // of them would only confuse (a person who sends an empty form is quick too).
            Err(TokenProblem::TooFast) if has_errors(&input) => None,
            Err(TokenProblem::TooFast) => Some(t.e_fast),
            Err(TokenProblem::Expired | TokenProblem::Invalid) => Some(t.e_expired),
        }
    };
    if has_errors(&input) || problem.is_some() {
        let status = if has_errors(&input) {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        };
        let html = render_contact(&state, lang, input, problem, keep).await?;
        return Ok(private(status, html));
    }
    let advisers = store::advisers(&state.db, state.tenant_id).await?;
    let case = new_case(&input, Channel::Formulier, lang);
    let reach = reach_line(&state, lang, t).await?;
    let content = passend_domain::text::stable_hash(&[
        &case.category,
        &case.theme,
        &case.name,
        &case.email,
        &case.phone,
        if case.callback { "ja" } else { "nee" },
        &case.callback_when,
        &case.school,
        &case.message,
        &case.language,
    ]);
    let address = crate::throttle::address_key_of(&origin);
    let email = input.email.value.clone();
    let result = store::submit(
        &state.db,
        state.tenant_id,
        &case,
        &store::Submission {
            origin_hash: &sp::keyed_hash(&key, &address),
            network_hash: &sp::keyed_hash(&key, &sp::network_of(&origin)),
            token_hash: &token_hash(&token),
            content_hash: &content,
        },
        store::Limits {
            per_address: sp::PER_ADDRESS_PER_HOUR,
            per_network: sp::PER_NETWORK_PER_HOUR,
            quiet_above: sp::QUIET_ABOVE_PER_HOUR,
            mails_per_recipient: sp::MAILS_PER_RECIPIENT_PER_HOUR,
        },
        &references()?,
        |id, reference, to_parent, to_advisers| {
            submission_mails(
                &state,
                (lang, &reach),
                if to_parent { &email } else { "" },
                if to_advisers { &advisers } else { &[] },
                id,
                reference,
            )
        },
        &request_id,
    )
    .await?;
    let reference = match result {
        Ok((_, reference)) => reference,
        Err(store::Refused::TokenUsed) => {
            let html = render_contact(&state, lang, input, Some(t.e_expired), None).await?;
            return Ok(private(StatusCode::OK, html));
        }
        Err(store::Refused::Throttled) => {
            input.callback_when.error = None;
            let html = render_contact(&state, lang, input, Some(t.e_throttled), keep).await?;
            let mut r = private(StatusCode::TOO_MANY_REQUESTS, html);
            r.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("3600"),
            );
            return Ok(r);
        }
    };
    let layout = crate::layout::public_layout(
        &state,
        lang,
        "oudersteunpunt",
        t.done_title,
        t.done_title,
        &lang.other().page_path("oudersteunpunt"),
    )
    .await?;
    let html = SentView {
        layout,
        t,
        reference,
        next: t.done_next.replace(
            "{days}",
            &state.casework.steunpunt_response_days.to_string(),
        ),
        mailed: !email.is_empty(),
        back_href: lang.page_path("oudersteunpunt"),
        reach: reach_line(&state, lang, t).await?,
    }
    .render()?;
    Ok(private(StatusCode::OK, html))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers() {
        assert!(valid_phone("036 123 4567"));
        assert!(valid_phone("+31 6 1234 5678"));
        assert!(valid_phone("06-12345678"));
        assert!(!valid_phone("12345"));
        assert!(!valid_phone("bel mij"));
    }
}
