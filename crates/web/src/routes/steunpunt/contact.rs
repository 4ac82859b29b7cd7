//! The Oudersteunpunt's public contact form (no account).

use crate::AppState;
use crate::auth::{RequestId, client_address};
use crate::error::{AppError, AppResult};
use crate::forms::{Field, summary};
use crate::forms::{Opt, form, opts, val};
use crate::notices::mail_text;
use askama::Template;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use passend_domain::Lang;
use passend_domain::accounts::{token_hash, valid_email};
use passend_domain::steunpunt::{self as sp, Category, Channel, Theme, TokenProblem};
use passend_store::steunpunt::{self as store, ConfidentialMail, NewCase};

/// Every text of the contact form and its mail, per language.
pub(crate) struct Texts {
    pub(crate) title: &'static str,
    pub(crate) intro: &'static str,
    pub(crate) required: &'static str,
    pub(crate) category: &'static str,
    pub(crate) theme: &'static str,
    pub(crate) theme_hint: &'static str,
    pub(crate) choose: &'static str,
    pub(crate) name: &'static str,
    pub(crate) name_hint: &'static str,
    pub(crate) email: &'static str,
    pub(crate) phone: &'static str,
    pub(crate) reach_hint: &'static str,
    pub(crate) callback: &'static str,
    pub(crate) callback_when: &'static str,
    pub(crate) callback_when_hint: &'static str,
    pub(crate) school: &'static str,
    pub(crate) school_hint: &'static str,
    pub(crate) message: &'static str,
    pub(crate) message_hint: &'static str,
    pub(crate) privacy_title: &'static str,
    pub(crate) privacy: [&'static str; 4],
    pub(crate) honeypot: &'static str,
    pub(crate) send: &'static str,
    pub(crate) summary: &'static str,
    pub(crate) e_category: &'static str,
    pub(crate) e_theme: &'static str,
    pub(crate) e_name: &'static str,
    pub(crate) e_reach: &'static str,
    pub(crate) e_callback_phone: &'static str,
    pub(crate) e_email: &'static str,
    pub(crate) e_phone: &'static str,
    pub(crate) e_message: &'static str,
    pub(crate) e_message_long: &'static str,
    pub(crate) e_fast: &'static str,
    pub(crate) e_expired: &'static str,
    pub(crate) e_honeypot: &'static str,
    pub(crate) e_throttled: &'static str,
    pub(crate) done_title: &'static str,
    pub(crate) done_reference: &'static str,
    pub(crate) done_next: &'static str,
    pub(crate) done_mail: &'static str,
    pub(crate) done_no_mail: &'static str,
    pub(crate) done_urgent: &'static str,
    pub(crate) done_who: &'static str,
    pub(crate) reach_us: &'static str,
    pub(crate) back: &'static str,
    pub(crate) mail_subject: &'static str,
    pub(crate) mail_lines: [&'static str; 5],
    pub(crate) mail_greeting: &'static str,
    pub(crate) mail_closing: &'static str,
}

pub(crate) const NL: Texts = Texts {
    title: "Contact met het Oudersteunpunt",
    intro: "Stel hier uw vraag aan de onafhankelijke ouderadviseurs. U heeft geen account nodig. Een ouderadviseur neemt contact met u op.",
    required: "Velden met (verplicht) moet u invullen.",
    category: "Waarvoor neemt u contact op? (verplicht)",
    theme: "Waar gaat het over? (verplicht)",
    theme_hint: "Kies wat het beste past.",
    choose: "Kies een onderwerp",
    name: "Uw naam (verplicht)",
    name_hint: "Uw voornaam is genoeg.",
    email: "E-mailadres",
    phone: "Telefoonnummer",
    reach_hint: "Vul uw e-mailadres of uw telefoonnummer in, of allebei. Zo kunnen wij u bereiken.",
    callback: "Ja, bel mij terug",
    callback_when: "Wanneer kunnen wij u het beste bellen?",
    callback_when_hint: "Bijvoorbeeld: dinsdag na 15.00 uur.",
    school: "School van uw kind",
    school_hint: "Mag leeg. U hoeft de naam van uw kind niet te noemen.",
    message: "Uw vraag of bericht (verplicht)",
    message_hint: "Schrijf in uw eigen woorden wat er speelt, in hooguit 5000 tekens. U kunt later in het gesprek meer vertellen.",
    privacy_title: "Wat gebeurt er met uw gegevens?",
    privacy: [
        "Alleen de ouderadviseurs van het Oudersteunpunt lezen uw bericht. De school van uw kind en de medewerkers van het samenwerkingsverband zien het niet.",
        "Wij gebruiken uw gegevens alleen om u te helpen. Zonder uw toestemming vertellen wij niets aan de school of aan anderen.",
        "Aan het bestuur van het samenwerkingsverband geven wij alleen aantallen per onderwerp door, zonder namen. Kleine aantallen laten wij weg.",
        "Wij bewaren uw gegevens tot {months} maanden nadat uw vraag is afgerond. Daarna verwijderen wij ze. U mag altijd vragen welke gegevens wij hebben, en vragen om ze te verbeteren of te verwijderen.",
    ],
    honeypot: "Laat dit veld leeg",
    send: "Verstuur",
    summary: "Controleer het formulier",
    e_category: "Kies waarvoor u contact opneemt.",
    e_theme: "Kies waar uw vraag over gaat.",
    e_name: "Vul uw naam in. Uw voornaam is genoeg.",
    e_reach: "Vul uw e-mailadres of uw telefoonnummer in, zodat wij u kunnen bereiken.",
    e_callback_phone: "U wilt teruggebeld worden. Vul uw telefoonnummer in.",
    e_email: "Vul een e-mailadres in zoals naam@voorbeeld.nl.",
    e_phone: "Vul een telefoonnummer in met 10 cijfers, zoals 036 123 4567, of met +.",
    e_message: "Schrijf uw vraag of bericht.",
    e_message_long: "Uw bericht is te lang. Schrijf het in maximaal 5000 tekens.",
    e_fast: "Het formulier is erg snel verstuurd. Controleer uw bericht en klik nog een keer op Verstuur.",
    e_expired: "Het formulier was verlopen. Uw tekst staat er nog. Klik nog een keer op Verstuur.",
    e_honeypot: "Het formulier is niet verstuurd. Controleer uw bericht en klik nog een keer op Verstuur.",
    e_throttled: "Er zijn vanaf uw internetaansluiting veel berichten verstuurd. Probeer het over een uur opnieuw, of bel ons.",
    done_title: "Uw bericht is verstuurd",
    done_reference: "Uw referentienummer",
    done_next: "Een ouderadviseur neemt binnen {days} werkdagen contact met u op.",
    done_mail: "U krijgt ook een e-mail met dit nummer.",
    done_no_mail: "Schrijf dit nummer op. Noem het als u contact met ons opneemt.",
    done_urgent: "Is het dringend, of gaat het om de veiligheid van uw kind? Wacht dan niet. Bel de school of Veilig Thuis: 0800 2000 (gratis, dag en nacht).",
    done_who: "Alleen de ouderadviseurs van het Oudersteunpunt lezen uw bericht. De school en de medewerkers van het samenwerkingsverband zien het niet.",
    reach_us: "U kunt het Oudersteunpunt ook zelf bereiken: {contact}.",
    back: "Terug naar de informatie over het Oudersteunpunt",
    mail_subject: "Uw bericht aan het Oudersteunpunt",
    mail_lines: [
        "Wij hebben uw bericht aan het Oudersteunpunt goed ontvangen.",
        "Uw referentienummer is {reference}. Noem dit nummer als u contact met ons opneemt.",
        "Een ouderadviseur neemt binnen {days} werkdagen contact met u op.",
        "Alleen de ouderadviseurs lezen uw bericht. Daarom staat het niet in deze e-mail.",
        "Is het dringend, of gaat het om de veiligheid van uw kind? Wacht dan niet. Bel de school of Veilig Thuis: 0800 2000 (gratis, dag en nacht).",
    ],
    mail_greeting: "Goedendag,",
    mail_closing: "Met vriendelijke groet,\nHet Oudersteunpunt van",
};

pub(crate) const EN: Texts = Texts {
    title: "Contact the Oudersteunpunt (parent support)",
    intro: "Ask the independent parent advisers your question here. You do not need an account. A parent adviser will contact you.",
    required: "Fields marked (required) must be filled in.",
    category: "Why are you contacting us? (required)",
    theme: "What is it about? (required)",
    theme_hint: "Choose what fits best.",
    choose: "Choose a subject",
    name: "Your name (required)",
    name_hint: "Your first name is enough.",
    email: "E-mail address",
    phone: "Phone number",
    reach_hint: "Fill in your e-mail address or your phone number, or both, so we can reach you.",
    callback: "Yes, please call me back",
    callback_when: "When is the best time to call you?",
    callback_when_hint: "For example: Tuesday after 3 pm.",
    school: "Your child's school",
    school_hint: "May be left empty. You do not have to give your child's name.",
    message: "Your question or message (required)",
    message_hint: "Tell us in your own words what is going on, in at most 5000 characters. You can tell us more later in a conversation.",
    privacy_title: "What happens to your data?",
    privacy: [
        "Only the parent advisers of the Oudersteunpunt read your message. Your child's school and the staff of the samenwerkingsverband do not see it.",
        "We only use your data to help you. We tell nothing to the school or to others without your permission.",
        "We only tell the board of the samenwerkingsverband how many questions there were per subject, without names. Small numbers are left out.",
        "We keep your data until {months} months after your question was closed. Then we delete it. You may always ask which data we hold, and ask us to correct or delete it.",
    ],
    honeypot: "Leave this field empty",
    send: "Send",
    summary: "Please check the form",
    e_category: "Choose why you are contacting us.",
    e_theme: "Choose what your question is about.",
    e_name: "Fill in your name. Your first name is enough.",
    e_reach: "Fill in your e-mail address or your phone number, so we can reach you.",
    e_callback_phone: "You would like us to call you back. Please fill in your phone number.",
    e_email: "Fill in an e-mail address like name@example.com.",
    e_phone: "Fill in a phone number of 10 digits, like 036 123 4567, or one with +.",
    e_message: "Write your question or message.",
    e_message_long: "Your message is too long. Please use at most 5000 characters.",
    e_fast: "The form was sent very quickly. Please check your message and click Send once more.",
    e_expired: "The form had expired. Your text is still here. Please click Send once more.",
    e_honeypot: "The form was not sent. Please check your message and click Send once more.",
    e_throttled: "Many messages were sent from your internet connection. Please try again in an hour, or call us.",
    done_title: "Your message has been sent",
    done_reference: "Your reference number",
    done_next: "A parent adviser will contact you within {days} working days.",
    done_mail: "You will also get an e-mail with this number.",
    done_no_mail: "Please write this number down, and mention it when you contact us.",
    done_urgent: "Is it urgent, or about your child's safety? Do not wait. Call the school or Veilig Thuis: 0800 2000 (free, day and night).",
    done_who: "Only the parent advisers of the Oudersteunpunt read your message. The school and the staff of the samenwerkingsverband do not see it.",
    reach_us: "You can also reach the Oudersteunpunt yourself: {contact}.",
    back: "Back to the information about the Oudersteunpunt",
    mail_subject: "Your message to the Oudersteunpunt",
    mail_lines: [
        "We have received your message to the Oudersteunpunt.",
        "Your reference number is {reference}. Please mention it when you contact us.",
        "A parent adviser will contact you within {days} working days.",
        "Only the parent advisers read your message. That is why it is not in this e-mail.",
        "Is it urgent, or about your child's safety? Do not wait. Call the school or Veilig Thuis: 0800 2000 (free, day and night).",
    ],
    mail_greeting: "Hello,",
    mail_closing: "Kind regards,\nThe Oudersteunpunt of",
};

/// The messages of the advisers' own intake form: about the parent, not to them.
pub(crate) const STAFF: Texts = Texts {
    e_category: "Kies de soort vraag.",
    e_theme: "Kies het onderwerp.",
    e_name: "Vul de naam van de ouder in. Een voornaam is genoeg.",
    e_reach: "Vul een e-mailadres of een telefoonnummer van de ouder in.",
    e_callback_phone: "De ouder wil teruggebeld worden. Vul het telefoonnummer in.",
    e_email: "Vul een e-mailadres in zoals naam@voorbeeld.nl.",
    e_message: "Schrijf de vraag van de ouder op.",
    e_message_long: "De vraag is te lang: hooguit 5000 tekens. Zet de rest in een notitie.",
    ..NL
};

pub(crate) fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::Nl => &NL,
        Lang::En => &EN,
    }
}

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

/// "U kunt het Oudersteunpunt ook zelf bereiken: …", when the contact is configured.
pub(crate) fn reach_line(state: &AppState, t: &Texts) -> String {
    let contact = state.casework.steunpunt_contact.trim();
    if contact.is_empty() {
        String::new()
    } else {
        t.reach_us
            .replace("{contact}", contact.trim_end_matches('.'))
    }
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
    let mut errors = Vec::new();
    if !input.category_error.is_empty() {
        errors.push((
            format!("categorie-{}", Category::ALL[0].code()),
            input.category_error.clone(),
        ));
    }
    if !input.theme_error.is_empty() {
        errors.push(("onderwerp".to_owned(), input.theme_error.clone()));
    }
    errors.extend(summary(&[
        ("naam", &input.name),
        ("email", &input.email),
        ("telefoon", &input.phone),
        ("bericht", &input.message),
    ]));
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
        reach: reach_line(state, t),
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
    lang: Lang,
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
        let reach = reach_line(state, t);
        if !reach.is_empty() {
            body.push_str(&reach);
            body.push_str("\n\n");
        }
        body.push_str(&format!("{} {}\n", t.mail_closing, state.site_name));
        mails.push(ConfidentialMail {
            key: format!("steunpunt-ontvangen-{reference}"),
            to: email.to_owned(),
            subject: format!("{} ({reference})", t.mail_subject),
            body,
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
                lang,
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
        reach: reach_line(&state, t),
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

    #[test]
    fn both_languages_name_the_same_placeholders() {
        for (a, b) in NL.mail_lines.iter().zip(EN.mail_lines.iter()) {
            for ph in ["{reference}", "{days}"] {
                assert_eq!(a.contains(ph), b.contains(ph), "{a} / {b}");
            }
        }
        for (a, b) in NL.privacy.iter().zip(EN.privacy.iter()) {
            assert_eq!(a.contains("{months}"), b.contains("{months}"));
        }
        assert_eq!(
            NL.done_next.contains("{days}"),
            EN.done_next.contains("{days}")
        );
        assert!(NL.reach_us.contains("{contact}") && EN.reach_us.contains("{contact}"));
    }
}
