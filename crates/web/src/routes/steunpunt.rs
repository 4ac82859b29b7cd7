//! The Oudersteunpunt: the public contact form (no account, Dutch and English), the confidential
//! caseload of the ouderadviseurs, and the anonymised signalering for the board.
//!
//! Confidentiality: only ouderadviseurs reach a case (`policy::ADVISERS`). Nothing about a case
//! goes into `audit_events`, the mail queue beheerders see, or any list, count or export of
//! another role; reads and changes are logged in the Oudersteunpunt's own `steunpunt_log`. The
//! signalering shows counts per theme and month only, and hides counts below five.

use crate::AppState;
use crate::access::actor;
use crate::app::Routes;
use crate::auth::{Principal, RequestId, Visitor, client_address};
use crate::dates::when;
use crate::dates::{long, today};
use crate::error::{AppError, AppResult};
use crate::forms::{Field, summary};
use crate::forms::{Opt, date_field, form, opts, val};
use crate::layout::{AppLayout, layout};
use crate::notices::mail_text;
use crate::paging::{Pager, page_number, paginate};
use askama::Template;
use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate, Utc};
use passend_domain::Lang;
use passend_domain::accounts::{token_hash, valid_email};
use passend_domain::steunpunt::{self as sp, Category, Cell, Channel, Status, Theme, TokenProblem};
use passend_store::steunpunt::{self as store, CaseFilter, CaseUpdate, ConfidentialMail, NewCase};
use serde::Deserialize;

/// The routes of this area.
pub fn router() -> Routes {
    Routes::new()
        .get("/oudersteunpunt/contact", |s: State<AppState>| {
            contact_form(s, Lang::Nl)
        })
        .post(
            "/oudersteunpunt/contact",
            |s: State<AppState>, r: Request| send_contact(s, Lang::Nl, r),
        )
        .get("/en/oudersteunpunt/contact", |s: State<AppState>| {
            contact_form(s, Lang::En)
        })
        .post(
            "/en/oudersteunpunt/contact",
            |s: State<AppState>, r: Request| send_contact(s, Lang::En, r),
        )
        .get("/steunpunt", caseload)
        .get("/steunpunt/nieuw", new_case_form)
        .post("/steunpunt/nieuw", add_case)
        .get("/steunpunt/zaken/{id}", case_page)
        .post("/steunpunt/zaken/{id}", update_case)
        .post("/steunpunt/zaken/{id}/notities", add_note)
        .get("/steunpunt/signalering", signalering)
        .get("/steunpunt/signalering.csv", signalering_csv)
}

// ---------------------------------------------------------------------------------------------
// The public contact form

/// Every text of the contact form and its mail, per language.
struct Texts {
    title: &'static str,
    intro: &'static str,
    required: &'static str,
    category: &'static str,
    theme: &'static str,
    theme_hint: &'static str,
    choose: &'static str,
    name: &'static str,
    name_hint: &'static str,
    email: &'static str,
    phone: &'static str,
    reach_hint: &'static str,
    callback: &'static str,
    callback_when: &'static str,
    callback_when_hint: &'static str,
    school: &'static str,
    school_hint: &'static str,
    message: &'static str,
    message_hint: &'static str,
    privacy_title: &'static str,
    privacy: [&'static str; 4],
    honeypot: &'static str,
    send: &'static str,
    summary: &'static str,
    e_category: &'static str,
    e_theme: &'static str,
    e_name: &'static str,
    e_reach: &'static str,
    e_callback_phone: &'static str,
    e_email: &'static str,
    e_phone: &'static str,
    e_message: &'static str,
    e_message_long: &'static str,
    e_fast: &'static str,
    e_expired: &'static str,
    e_honeypot: &'static str,
    e_throttled: &'static str,
    done_title: &'static str,
    done_reference: &'static str,
    done_next: &'static str,
    done_mail: &'static str,
    done_no_mail: &'static str,
    done_urgent: &'static str,
    done_who: &'static str,
    reach_us: &'static str,
    back: &'static str,
    mail_subject: &'static str,
    mail_lines: [&'static str; 5],
    mail_greeting: &'static str,
    mail_closing: &'static str,
}

const NL: Texts = Texts {
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

const EN: Texts = Texts {
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
const STAFF: Texts = Texts {
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

fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::Nl => &NL,
        Lang::En => &EN,
    }
}

/// The form as typed, with messages.
#[derive(Debug, Clone, Default)]
struct ContactInput {
    category: String,
    category_error: String,
    theme: String,
    theme_error: String,
    name: Field,
    email: Field,
    phone: Field,
    callback: bool,
    callback_when: Field,
    school: Field,
    message: Field,
}

#[derive(Template)]
#[template(path = "steunpunt/contact.html")]
struct ContactView {
    layout: crate::views::Layout,
    t: &'static Texts,
    action: String,
    token: String,
    input: ContactInput,
    categories: Vec<Opt>,
    themes: Vec<Opt>,
    errors: Vec<(String, String)>,
    problem: Option<&'static str>,
    privacy: Vec<String>,
    back_href: String,
    reach: String,
}

#[derive(Template)]
#[template(path = "steunpunt/sent.html")]
struct SentView {
    layout: crate::views::Layout,
    t: &'static Texts,
    reference: String,
    next: String,
    mailed: bool,
    back_href: String,
    reach: String,
}

/// "U kunt het Oudersteunpunt ook zelf bereiken: …", when the contact is configured.
fn reach_line(state: &AppState, t: &Texts) -> String {
    let contact = state.casework.steunpunt_contact.trim();
    if contact.is_empty() {
        String::new()
    } else {
        t.reach_us
            .replace("{contact}", contact.trim_end_matches('.'))
    }
}

fn contact_path(lang: Lang) -> String {
    match lang {
        Lang::Nl => "/oudersteunpunt/contact".to_owned(),
        Lang::En => "/en/oudersteunpunt/contact".to_owned(),
    }
}

async fn form_key(state: &AppState) -> AppResult<Vec<u8>> {
    Ok(store::site_key(&state.db, store::FORM_KEY)
        .await?
        .into_bytes())
}

/// 128 random bits in hex: the nonce of a form token.
fn nonce() -> AppResult<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| AppError::Internal(format!("random: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// A page of the form: never kept in a cache (it may hold what the parent typed, or the
/// reference number).
fn private(status: StatusCode, html: String) -> Response {
    let mut r = (status, Html(html)).into_response();
    r.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    r
}

fn now_seconds() -> i64 {
    Utc::now().timestamp()
}

/// The form; `token` is the one it was sent with, kept when it still holds, so the time since
/// the form was first shown keeps counting (a parent who corrects one field quickly is not
/// taken for a robot).
async fn render_contact(
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

async fn contact_form(State(state): State<AppState>, lang: Lang) -> AppResult<Response> {
    let html = render_contact(&state, lang, ContactInput::default(), None, None).await?;
    Ok(private(StatusCode::OK, html))
}

/// A Dutch or international phone number: digits with spaces, dashes, brackets, maybe a `+`.
fn valid_phone(s: &str) -> bool {
    let digits = s.chars().filter(char::is_ascii_digit).count();
    s.chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')' | '+' | '.'))
        && (10..=15).contains(&digits)
}

/// Reads and checks the fields shared by the public form and the advisers' intake.
fn read_contact(f: &std::collections::HashMap<String, String>, t: &Texts) -> ContactInput {
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

fn has_errors(i: &ContactInput) -> bool {
    !i.category_error.is_empty()
        || !i.theme_error.is_empty()
        || [&i.name, &i.email, &i.phone, &i.message]
            .iter()
            .any(|f| f.has_error())
}

fn new_case(i: &ContactInput, channel: Channel, lang: Lang) -> NewCase {
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

fn references() -> AppResult<Vec<String>> {
    (0..4)
        .map(|_| {
            let mut bytes = [0u8; 8];
            getrandom::fill(&mut bytes).map_err(|e| AppError::Internal(format!("random: {e}")))?;
            Ok(sp::reference(bytes))
        })
        .collect()
}

/// The mail to the parent (their language, no content) and the notices to the advisers.
fn submission_mails(
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

async fn send_contact(
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

// ---------------------------------------------------------------------------------------------
// The caseload

fn category_label(code: &str) -> String {
    Category::from_code(code)
        .map(|c| c.short_nl().to_owned())
        .unwrap_or_else(|| code.to_owned())
}

fn theme_label(code: &str) -> String {
    Theme::from_code(code)
        .map(|c| c.label_nl().to_owned())
        .unwrap_or_else(|| code.to_owned())
}

fn status_label(code: &str) -> String {
    Status::from_code(code)
        .map(|c| c.label_nl().to_owned())
        .unwrap_or_else(|| code.to_owned())
}

fn channel_label(code: &str) -> String {
    Channel::from_code(code)
        .map(|c| c.label_nl().to_owned())
        .unwrap_or_else(|| code.to_owned())
}

/// Whether an open case's follow-up date is today or has passed.
fn due_label(c: &store::Case, today: NaiveDate) -> &'static str {
    match c.follow_up_on {
        Some(d) if c.status != "afgerond" && d == today => "vandaag",
        Some(d) if c.status != "afgerond" && d < today => "verlopen",
        _ => "",
    }
}

struct CaseLine {
    id: i64,
    reference: String,
    received: String,
    category: String,
    theme: String,
    name: String,
    status: String,
    adviser: String,
    follow_up: String,
    /// "vandaag", "verlopen" or "".
    follow_up_when: &'static str,
    callback: bool,
}

#[derive(Template)]
#[template(path = "steunpunt/caseload.html")]
struct CaseloadView {
    layout: AppLayout,
    lines: Vec<CaseLine>,
    pager: Pager,
    statuses: Vec<Opt>,
    q: String,
    mine: bool,
    new_count: usize,
    due_count: usize,
}

#[derive(Debug, Deserialize, Default)]
struct CaseloadQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    mijn: String,
    #[serde(default, deserialize_with = "page_number")]
    pagina: Option<usize>,
}

async fn caseload(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<CaseloadQuery>,
) -> AppResult<Response> {
    let p = visitor.signed_in()?;
    let status = match q.status.as_str() {
        "" => Some("open".to_owned()),
        "alle" => None,
        s if Status::from_code(s).is_some() => Some(s.to_owned()),
        _ => Some("open".to_owned()),
    };
    let mine = q.mijn == "ja";
    let text = Some(q.q.trim().chars().take(100).collect::<String>()).filter(|s| !s.is_empty());
    let rows = store::cases(
        &state.db,
        p.tenant_id,
        &CaseFilter {
            status,
            adviser: mine.then_some(p.user_id),
            text,
        },
    )
    .await?;
    let t = today();
    let open = store::cases(
        &state.db,
        p.tenant_id,
        &CaseFilter {
            status: Some("open".to_owned()),
            ..CaseFilter::default()
        },
    )
    .await?;
    let new_count = open.iter().filter(|c| c.status == "nieuw").count();
    let due_count = open
        .iter()
        .filter(|c| c.follow_up_on.is_some_and(|d| d <= t))
        .count();
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("status", &q.status)
        .append_pair("q", &q.q)
        .append_pair("mijn", &q.mijn)
        .finish();
    let (rows, pager) = paginate(rows, q.pagina.unwrap_or(1), "/steunpunt", &query);
    // Which cases were shown, by id (the log holds no names).
    let shown: Vec<String> = rows.iter().map(|c| c.id.to_string()).collect();
    store::log_read(
        &state.db,
        &actor(p, &visitor),
        "search",
        "success",
        None,
        &format!("zaken {}", shown.join(",")),
    )
    .await?;
    let lines = rows
        .into_iter()
        .map(|c| CaseLine {
            follow_up_when: due_label(&c, t),
            id: c.id,
            reference: c.reference,
            received: when(c.received_at),
            category: category_label(&c.category),
            theme: theme_label(&c.theme),
            name: c.name,
            status: status_label(&c.status),
            adviser: c.adviser_name.unwrap_or_else(|| "–".to_owned()),
            follow_up: c.follow_up_on.map(long).unwrap_or_else(|| "–".to_owned()),
            callback: c.callback && c.status == "nieuw",
        })
        .collect();
    let mut statuses = opts([("", "Open zaken"), ("alle", "Alle zaken")], &q.status);
    statuses.extend(opts(
        Status::ALL.iter().map(|s| (s.code(), s.label_nl())),
        &q.status,
    ));
    Ok(Html(
        CaseloadView {
            layout: layout(&state, &visitor, "Oudersteunpunt", "/steunpunt"),
            lines,
            pager,
            statuses,
            q: q.q.clone(),
            mine,
            new_count,
            due_count,
        }
        .render()?,
    )
    .into_response())
}

#[derive(Template)]
#[template(path = "steunpunt/case.html")]
struct CaseView {
    layout: AppLayout,
    c: store::Case,
    received: String,
    category: String,
    theme: String,
    status: String,
    channel: String,
    follow_up: String,
    follow_up_when: &'static str,
    notes: Vec<NoteLine>,
    log: Vec<LogLine>,
    statuses: Vec<Opt>,
    advisers: Vec<Opt>,
    categories: Vec<Opt>,
    themes: Vec<Opt>,
    follow_field: Field,
    note_kinds: Vec<Opt>,
    note: Field,
    contact_with: Field,
    note_channels: Vec<Opt>,
    errors: Vec<(String, String)>,
}

struct NoteLine {
    at: String,
    author: String,
    kind: String,
    with: String,
    body: String,
}

struct LogLine {
    at: String,
    who: String,
    what: String,
}

/// The case, if it belongs to this samenwerkingsverband; otherwise "not found" (the refusal is
/// written to the Oudersteunpunt's own log, not the audit trail).
async fn case_for(
    state: &AppState,
    visitor: &Visitor,
    p: &Principal,
    id: i64,
) -> AppResult<store::Case> {
    match store::case(&state.db, p.tenant_id, id).await? {
        Some(c) => Ok(c),
        None => {
            store::log_read(
                &state.db,
                &actor(p, visitor),
                "read",
                "denied",
                None,
                &format!("zaak {id} niet gevonden"),
            )
            .await?;
            Err(AppError::NotFound)
        }
    }
}

#[derive(Default)]
struct CaseForm {
    follow_up: Field,
    note: Field,
    contact_with: Field,
    kind: String,
    channel: String,
    status: Option<String>,
    adviser: Option<String>,
    category: Option<String>,
    theme: Option<String>,
    notice: Option<String>,
}

async fn render_case(
    state: &AppState,
    visitor: &Visitor,
    p: &Principal,
    c: store::Case,
    form: CaseForm,
) -> AppResult<String> {
    let notes = store::notes(&state.db, p.tenant_id, c.id).await?;
    let log = store::log_of_case(&state.db, p.tenant_id, c.id).await?;
    let advisers = store::advisers(&state.db, p.tenant_id).await?;
    let t = today();
    let chosen_adviser = form
        .adviser
        .clone()
        .unwrap_or_else(|| c.adviser_id.map(|a| a.to_string()).unwrap_or_default());
    let mut adviser_opts = vec![Opt {
        value: String::new(),
        label: "Nog niemand".to_owned(),
        selected: chosen_adviser.is_empty(),
    }];
    adviser_opts.extend(advisers.iter().map(|(id, name, _)| Opt {
        value: id.to_string(),
        label: name.clone(),
        selected: id.to_string() == chosen_adviser,
    }));
    let follow_field = if form.follow_up.value.is_empty() && form.follow_up.error.is_none() {
        Field::of(
            c.follow_up_on
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
        )
    } else {
        form.follow_up.clone()
    };
    let errors = summary(&[
        ("opvolgen", &form.follow_up),
        ("notitie", &form.note),
        ("met", &form.contact_with),
    ]);
    let mut l = layout(
        state,
        visitor,
        &format!("Zaak {}", c.reference),
        "/steunpunt",
    );
    l.notice = form.notice.clone();
    let view = CaseView {
        layout: l,
        received: when(c.received_at),
        category: category_label(&c.category),
        theme: theme_label(&c.theme),
        status: status_label(&c.status),
        channel: channel_label(&c.channel),
        follow_up: c.follow_up_on.map(long).unwrap_or_else(|| "–".to_owned()),
        follow_up_when: due_label(&c, t),
        notes: notes
            .into_iter()
            .map(|n| NoteLine {
                at: when(n.occurred_at),
                author: n.author_name,
                kind: if n.kind == "contact" {
                    format!("Contact ({})", channel_label(&n.channel))
                } else {
                    "Notitie".to_owned()
                },
                with: n.contact_with,
                body: n.body,
            })
            .collect(),
        log: log
            .into_iter()
            .map(|l| LogLine {
                at: when(l.occurred_at),
                who: l.actor_name,
                what: match (l.action.as_str(), l.detail.as_str()) {
                    ("read", _) => "bekeken".to_owned(),
                    ("create", _) => "aangemaakt".to_owned(),
                    ("update", "contact") => "contactmoment toegevoegd".to_owned(),
                    ("update", "notitie") => "notitie toegevoegd".to_owned(),
                    ("update", s) => format!("bijgewerkt, stand: {}", status_label(s)),
                    (other, _) => other.to_owned(),
                },
            })
            .collect(),
        statuses: opts(
            Status::ALL.iter().map(|s| (s.code(), s.label_nl())),
            form.status.as_deref().unwrap_or(&c.status),
        ),
        advisers: adviser_opts,
        categories: opts(
            Category::ALL.iter().map(|s| (s.code(), s.short_nl())),
            form.category.as_deref().unwrap_or(&c.category),
        ),
        themes: opts(
            Theme::ALL.iter().map(|s| (s.code(), s.label_nl())),
            form.theme.as_deref().unwrap_or(&c.theme),
        ),
        follow_field,
        note_kinds: opts(
            [("notitie", "Notitie"), ("contact", "Contactmoment")],
            if form.kind.is_empty() {
                "notitie"
            } else {
                &form.kind
            },
        ),
        note: form.note,
        contact_with: form.contact_with,
        note_channels: opts(
            [
                ("telefoon", "Telefoon"),
                ("e-mail", "E-mail"),
                ("gesprek", "Gesprek"),
                ("video", "Videogesprek"),
            ],
            if form.channel.is_empty() {
                "telefoon"
            } else {
                &form.channel
            },
        ),
        errors,
        c,
    };
    Ok(view.render()?)
}

#[derive(Debug, Deserialize, Default)]
struct DoneQuery {
    #[serde(default)]
    gedaan: String,
}

async fn case_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let p = visitor.signed_in()?;
    let c = case_for(&state, &visitor, p, id).await?;
    store::log_read(
        &state.db,
        &actor(p, &visitor),
        "read",
        "success",
        Some(c.id),
        "",
    )
    .await?;
    let notice = match q.gedaan.as_str() {
        "opgeslagen" => Some("De zaak is bijgewerkt.".to_owned()),
        "notitie" => Some("De notitie is toegevoegd.".to_owned()),
        "nieuw" => Some("De zaak is aangemaakt.".to_owned()),
        "gewijzigd" => Some(
            "Iemand anders heeft de zaak intussen gewijzigd. Hieronder staat de nieuwste versie; voer uw wijziging opnieuw in."
                .to_owned(),
        ),
        _ => None,
    };
    let html = render_case(
        &state,
        &visitor,
        p,
        c,
        CaseForm {
            notice,
            ..CaseForm::default()
        },
    )
    .await?;
    Ok(Html(html).into_response())
}

async fn update_case(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    body: String,
) -> AppResult<Response> {
    let p = visitor.signed_in()?.clone();
    let c = case_for(&state, &visitor, &p, id).await?;
    let f = form(&body);
    let status = val(&f, "status");
    let category = val(&f, "categorie");
    let theme = val(&f, "onderwerp");
    let adviser_raw = val(&f, "adviseur");
    let advisers = store::advisers(&state.db, p.tenant_id).await?;
    let adviser_id = adviser_raw
        .parse::<i64>()
        .ok()
        .filter(|a| advisers.iter().any(|(id, _, _)| id == a));
    let mut follow = Field::of(val(&f, "opvolgen"));
    let follow_on = date_field(
        &follow.value.clone(),
        &mut follow,
        false,
        "de datum om op te volgen",
    );
    if follow_on.is_some_and(|d| d < today() && Some(d) != c.follow_up_on) {
        follow.error = Some("Kies vandaag of een datum die nog komt.".to_owned());
    }
    let version = val(&f, "versie").parse::<i64>().unwrap_or(-1);
    if Status::from_code(&status).is_none()
        || Category::from_code(&category).is_none()
        || Theme::from_code(&theme).is_none()
    {
        return Err(AppError::NotFound);
    }
    if follow.has_error() {
        let html = render_case(
            &state,
            &visitor,
            &p,
            c,
            CaseForm {
                follow_up: follow,
                status: Some(status),
                adviser: Some(adviser_raw),
                category: Some(category),
                theme: Some(theme),
                ..CaseForm::default()
            },
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response());
    }
    // Picking up a new case means it is being handled, by whoever picks it up.
    let (status, adviser_id) = if status == "nieuw" && adviser_id.is_some() {
        ("in-behandeling".to_owned(), adviser_id)
    } else if status != "nieuw" && adviser_id.is_none() {
        (status, Some(p.user_id))
    } else {
        (status, adviser_id)
    };
    let done = store::update_case(
        &state.db,
        &actor(&p, &visitor),
        c.id,
        version,
        &CaseUpdate {
            // A closed case has nothing to follow up.
            follow_up_on: follow_on.filter(|_| status != "afgerond"),
            status,
            adviser_id,
            category,
            theme,
        },
    )
    .await?;
    let what = if done { "opgeslagen" } else { "gewijzigd" };
    Ok(Redirect::to(&format!("/steunpunt/zaken/{}?gedaan={what}", c.id)).into_response())
}

async fn add_note(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    body: String,
) -> AppResult<Response> {
    let p = visitor.signed_in()?.clone();
    let c = case_for(&state, &visitor, &p, id).await?;
    let f = form(&body);
    let kind = if val(&f, "soort") == "contact" {
        "contact"
    } else {
        "notitie"
    };
    let channel = match val(&f, "kanaal").as_str() {
        k @ ("telefoon" | "e-mail" | "gesprek" | "video") => k.to_owned(),
        _ => "telefoon".to_owned(),
    };
    let mut note = Field::of(
        f.get("notitie")
            .map(|s| s.trim().to_owned())
            .unwrap_or_default(),
    );
    let mut with = Field::of(val(&f, "met").chars().take(200).collect::<String>());
    if note.value.is_empty() {
        note.error = Some(if kind == "contact" {
            "Schrijf kort wat er besproken is.".to_owned()
        } else {
            "Schrijf de notitie.".to_owned()
        });
    } else if note.value.chars().count() > 10_000 {
        note.error = Some("Een notitie is hooguit 10.000 tekens.".to_owned());
    }
    if kind == "contact" && with.value.is_empty() {
        with.error = Some(
            "Vul in met wie u contact had, bijvoorbeeld: moeder, of de intern begeleider."
                .to_owned(),
        );
    }
    if note.has_error() || with.has_error() {
        let html = render_case(
            &state,
            &visitor,
            &p,
            c,
            CaseForm {
                note,
                contact_with: with,
                kind: kind.to_owned(),
                channel,
                ..CaseForm::default()
            },
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response());
    }
    let (with_value, channel_value) = if kind == "contact" {
        (with.value.as_str(), channel.as_str())
    } else {
        ("", "")
    };
    store::add_note(
        &state.db,
        &actor(&p, &visitor),
        c.id,
        kind,
        with_value,
        channel_value,
        &note.value,
    )
    .await?;
    Ok(Redirect::to(&format!(
        "/steunpunt/zaken/{}?gedaan=notitie#notities",
        c.id
    ))
    .into_response())
}

#[derive(Template)]
#[template(path = "steunpunt/new_case.html")]
struct NewCaseView {
    layout: AppLayout,
    input: ContactInput,
    categories: Vec<Opt>,
    themes: Vec<Opt>,
    channels: Vec<Opt>,
    errors: Vec<(String, String)>,
}

fn new_case_view(
    state: &AppState,
    visitor: &Visitor,
    input: ContactInput,
    channel: &str,
) -> NewCaseView {
    let mut themes = vec![Opt {
        value: String::new(),
        label: "Kies een onderwerp".to_owned(),
        selected: input.theme.is_empty(),
    }];
    themes.extend(opts(
        Theme::ALL.iter().map(|c| (c.code(), c.label_nl())),
        &input.theme,
    ));
    let mut errors = Vec::new();
    if !input.category_error.is_empty() {
        errors.push(("categorie-vraag".to_owned(), input.category_error.clone()));
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
    NewCaseView {
        layout: layout(
            state,
            visitor,
            if errors.is_empty() {
                "Zaak toevoegen"
            } else {
                "Fout: Zaak toevoegen"
            },
            "/steunpunt",
        ),
        categories: opts(
            Category::ALL.iter().map(|c| (c.code(), c.short_nl())),
            &input.category,
        ),
        themes,
        channels: opts(
            Channel::ALL
                .iter()
                .filter(|c| **c != Channel::Formulier)
                .map(|c| (c.code(), c.label_nl())),
            channel,
        ),
        input,
        errors,
    }
}

async fn new_case_form(State(state): State<AppState>, visitor: Visitor) -> AppResult<Response> {
    visitor.signed_in()?;
    Ok(
        Html(new_case_view(&state, &visitor, ContactInput::default(), "telefoon").render()?)
            .into_response(),
    )
}

async fn add_case(
    State(state): State<AppState>,
    visitor: Visitor,
    body: String,
) -> AppResult<Response> {
    let p = visitor.signed_in()?.clone();
    let f = form(&body);
    let input = read_contact(&f, &STAFF);
    let channel = Channel::from_code(&val(&f, "kanaal"))
        .filter(|c| *c != Channel::Formulier)
        .unwrap_or(Channel::Telefoon);
    if has_errors(&input) {
        let view = new_case_view(&state, &visitor, input, channel.code());
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(view.render()?)).into_response());
    }
    let case = new_case(&input, channel, Lang::Nl);
    let Some(id) = store::add_case(&state.db, &actor(&p, &visitor), &case, &references()?).await?
    else {
        return Err(AppError::Internal("no free reference number".to_owned()));
    };
    Ok(Redirect::to(&format!("/steunpunt/zaken/{id}?gedaan=nieuw")).into_response())
}

// ---------------------------------------------------------------------------------------------
// Signalering

#[derive(Debug, Deserialize, Default)]
struct PeriodQuery {
    #[serde(default)]
    van: String,
    #[serde(default)]
    tot: String,
}

/// A month as `2026-11`.
fn month_of(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(&format!("{}-01", s.trim()), "%Y-%m-%d").ok()
}

fn add_months(d: NaiveDate, n: u32) -> NaiveDate {
    d.checked_add_months(chrono::Months::new(n)).unwrap_or(d)
}

struct Report {
    months: Vec<String>,
    rows: Vec<(String, Vec<String>)>,
    from: String,
    to: String,
    /// Why the period shown differs from the one asked for, if it does.
    corrected: Option<String>,
}

/// The signalering over completed months (at most 24): counts per theme and month, below five
/// hidden. The running month is left out: comparing it day by day would show single cases. A
/// period that cannot be shown is replaced, and the page says why.
async fn report(state: &AppState, tenant: i64, q: &PeriodQuery) -> AppResult<Report> {
    let this_month = today().with_day(1).unwrap_or_else(today);
    let last_month = this_month
        .checked_sub_months(chrono::Months::new(1))
        .unwrap_or(this_month);
    let asked_to = month_of(&q.tot);
    let asked_from = month_of(&q.van);
    let to = asked_to.filter(|d| *d <= last_month).unwrap_or(last_month);
    let earliest = to.checked_sub_months(chrono::Months::new(23)).unwrap_or(to);
    let from = asked_from
        .filter(|d| *d <= to && *d >= earliest)
        .unwrap_or_else(|| to.checked_sub_months(chrono::Months::new(11)).unwrap_or(to));
    let mut corrected = Vec::new();
    if (!q.tot.trim().is_empty() && asked_to.is_none())
        || (!q.van.trim().is_empty() && asked_from.is_none())
    {
        corrected.push("een maand is niet als jaar-maand geschreven (bijvoorbeeld 2026-11)");
    }
    if asked_to.is_some_and(|d| d > last_month) {
        corrected.push("alleen afgesloten maanden tellen mee");
    }
    if asked_from.is_some_and(|d| d > to) {
        corrected.push("de beginmaand lag na de eindmaand");
    }
    if asked_from.is_some_and(|d| d < earliest) {
        corrected.push("er passen hooguit 24 maanden in het overzicht");
    }
    let corrected = (!corrected.is_empty()).then(|| {
        format!(
            "Het overzicht toont een andere periode dan gevraagd: {}.",
            corrected.join("; ")
        )
    });
    let mut months = Vec::new();
    let mut m = from;
    while m <= to {
        months.push(m);
        m = add_months(m, 1);
    }
    let start = passend_domain::time::start_of_day(from);
    let end = passend_domain::time::start_of_day(add_months(to, 1));
    let cases = store::themes_between(&state.db, tenant, start, end).await?;
    let month_index = |at: chrono::DateTime<Utc>| {
        let local = passend_domain::time::to_local(at).date();
        let first = local.with_day(1).unwrap_or(local);
        months.iter().position(|m| *m == first)
    };
    let mut counts = vec![vec![0i64; months.len()]; Theme::ALL.len()];
    for (theme, at) in &cases {
        let Some(ti) = Theme::ALL.iter().position(|t| t.code() == theme) else {
            continue;
        };
        if let Some(mi) = month_index(*at) {
            counts[ti][mi] += 1;
        }
    }
    let rows = Theme::ALL
        .iter()
        .zip(counts)
        .map(|(t, c)| {
            (
                t.label_nl().to_owned(),
                c.into_iter().map(|n| Cell::of(n).label()).collect(),
            )
        })
        .collect();
    Ok(Report {
        months: months.iter().map(|m| crate::i18n::month_year(*m)).collect(),
        rows,
        from: from.format("%Y-%m").to_string(),
        to: to.format("%Y-%m").to_string(),
        corrected,
    })
}

#[derive(Template)]
#[template(path = "steunpunt/signalering.html")]
struct SignaleringView {
    layout: AppLayout,
    report: Report,
    csv_href: String,
}

async fn signalering(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<PeriodQuery>,
) -> AppResult<Response> {
    let p = visitor.signed_in()?;
    let report = report(&state, p.tenant_id, &q).await?;
    store::log_read(
        &state.db,
        &actor(p, &visitor),
        "report",
        "success",
        None,
        "signalering",
    )
    .await?;
    let csv_href = format!(
        "/steunpunt/signalering.csv?van={}&tot={}",
        report.from, report.to
    );
    Ok(Html(
        SignaleringView {
            layout: layout(
                &state,
                &visitor,
                "Signalering Oudersteunpunt",
                "/steunpunt/signalering",
            ),
            report,
            csv_href,
        }
        .render()?,
    )
    .into_response())
}

async fn signalering_csv(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<PeriodQuery>,
) -> AppResult<Response> {
    let p = visitor.signed_in()?;
    let report = report(&state, p.tenant_id, &q).await?;
    store::log_read(
        &state.db,
        &actor(p, &visitor),
        "export",
        "success",
        None,
        "signalering",
    )
    .await?;
    let mut header = vec!["Onderwerp".to_owned()];
    header.extend(report.months.iter().cloned());
    let rows: Vec<Vec<String>> = report
        .rows
        .into_iter()
        .map(|(theme, cells)| std::iter::once(theme).chain(cells).collect())
        .collect();
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    Ok(crate::exports::csv_response(
        &format!(
            "signalering-oudersteunpunt-{}-{}.csv",
            report.from, report.to
        ),
        &header_refs,
        rows,
    ))
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
