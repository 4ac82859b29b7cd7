//! The ouderadviseurs' confidential caseload: the list, a case, notes, intake.

use crate::AppState;
use crate::access::actor;
use crate::auth::{Principal, Visitor};
use crate::dates::when;
use crate::dates::{long, today};
use crate::error::{AppError, AppResult};
use crate::extract::SignedIn;
use crate::forms::FormBody;
use crate::forms::{Field, summary};
use crate::forms::{Opt, date_field, opts, val};
use crate::layout::{AppLayout, layout};
use crate::paging::{Pager, page_number, paginate};
use crate::routes::steunpunt::*;
use crate::texts::staff;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use passend_domain::Lang;
use passend_domain::steunpunt::{Category, Channel, Status, Theme};
use passend_store::steunpunt::{self as store, CaseFilter, CaseUpdate};
use serde::Deserialize;

pub(crate) fn category_label(code: &str) -> String {
    Category::from_code(code)
        .map(|c| c.short_nl().to_owned())
        .unwrap_or_else(|| code.to_owned())
}

pub(crate) fn theme_label(code: &str) -> String {
    Theme::from_code(code)
        .map(|c| c.label_nl().to_owned())
        .unwrap_or_else(|| code.to_owned())
}

pub(crate) fn status_label(code: &str) -> String {
    Status::from_code(code)
        .map(|c| c.label_nl().to_owned())
        .unwrap_or_else(|| code.to_owned())
}

pub(crate) fn channel_label(code: &str) -> String {
    Channel::from_code(code)
        .map(|c| c.label_nl().to_owned())
        .unwrap_or_else(|| code.to_owned())
}

/// Whether an open case's follow-up date is today or has passed.
pub(crate) fn due_label(c: &store::Case, today: NaiveDate) -> &'static str {
    match c.follow_up_on {
        Some(d) if c.status != "afgerond" && d == today => "vandaag",
        Some(d) if c.status != "afgerond" && d < today => "verlopen",
        _ => "",
    }
}

pub(crate) struct CaseLine {
    pub(crate) id: i64,
    pub(crate) reference: String,
    pub(crate) received: String,
    pub(crate) category: String,
    pub(crate) theme: String,
    pub(crate) name: String,
    pub(crate) status: String,
    pub(crate) adviser: String,
    pub(crate) follow_up: String,
    /// "vandaag", "verlopen" or "".
    pub(crate) follow_up_when: &'static str,
    pub(crate) callback: bool,
}

#[derive(Template)]
#[template(path = "steunpunt/caseload/caseload.html")]
pub(crate) struct CaseloadView {
    pub(crate) layout: AppLayout,
    pub(crate) lines: Vec<CaseLine>,
    pub(crate) pager: Pager,
    pub(crate) statuses: Vec<Opt>,
    pub(crate) q: String,
    pub(crate) mine: bool,
    pub(crate) new_count: usize,
    pub(crate) due_count: usize,
}

#[derive(Debug, Deserialize, Default)]
pub(crate) struct CaseloadQuery {
    #[serde(default)]
    pub(crate) status: String,
    #[serde(default)]
    pub(crate) q: String,
    #[serde(default)]
    pub(crate) mijn: String,
    #[serde(default, deserialize_with = "page_number")]
    pub(crate) pagina: Option<usize>,
}

pub(crate) async fn caseload(
    SignedIn { state, visitor, p }: SignedIn,
    Query(q): Query<CaseloadQuery>,
) -> AppResult<Response> {
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
    let open = store::open_cases(&state.db, p.tenant_id).await?;
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
        &actor(&p, &visitor),
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
#[template(path = "steunpunt/caseload/case.html")]
pub(crate) struct CaseView {
    pub(crate) layout: AppLayout,
    pub(crate) c: store::Case,
    pub(crate) received: String,
    pub(crate) category: String,
    pub(crate) theme: String,
    pub(crate) status: String,
    pub(crate) channel: String,
    pub(crate) follow_up: String,
    pub(crate) follow_up_when: &'static str,
    pub(crate) notes: Vec<NoteLine>,
    pub(crate) log: Vec<LogLine>,
    pub(crate) statuses: Vec<Opt>,
    pub(crate) advisers: Vec<Opt>,
    pub(crate) categories: Vec<Opt>,
    pub(crate) themes: Vec<Opt>,
    pub(crate) follow_field: Field,
    pub(crate) note_kinds: Vec<Opt>,
    pub(crate) note: Field,
    pub(crate) contact_with: Field,
    pub(crate) note_channels: Vec<Opt>,
    pub(crate) errors: Vec<(String, String)>,
}

pub(crate) struct NoteLine {
    pub(crate) at: String,
    pub(crate) author: String,
    pub(crate) kind: String,
    pub(crate) with: String,
    pub(crate) body: String,
}

pub(crate) struct LogLine {
    pub(crate) at: String,
    pub(crate) who: String,
    pub(crate) what: String,
}

/// The case, if it belongs to this samenwerkingsverband; otherwise "not found" (the refusal is
/// written to the Oudersteunpunt's own log, not the audit trail).
pub(crate) async fn case_for(
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
pub(crate) struct CaseForm {
    pub(crate) follow_up: Field,
    pub(crate) note: Field,
    pub(crate) contact_with: Field,
    pub(crate) kind: String,
    pub(crate) channel: String,
    pub(crate) status: Option<String>,
    pub(crate) adviser: Option<String>,
    pub(crate) category: Option<String>,
    pub(crate) theme: Option<String>,
    pub(crate) notice: Option<String>,
}

pub(crate) async fn render_case(
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
pub(crate) struct DoneQuery {
    #[serde(default)]
    pub(crate) gedaan: String,
}

pub(crate) async fn case_page(
    SignedIn { state, visitor, p }: SignedIn,
    Path(id): Path<i64>,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let c = case_for(&state, &visitor, &p, id).await?;
    store::log_read(
        &state.db,
        &actor(&p, &visitor),
        "read",
        "success",
        Some(c.id),
        "",
    )
    .await?;
    let notice = staff::notice(staff::CASE, &q.gedaan);
    let html = render_case(
        &state,
        &visitor,
        &p,
        c,
        CaseForm {
            notice,
            ..CaseForm::default()
        },
    )
    .await?;
    Ok(Html(html).into_response())
}

pub(crate) async fn update_case(
    SignedIn { state, visitor, p }: SignedIn,
    Path(id): Path<i64>,
    FormBody { fields: f, .. }: FormBody,
) -> AppResult<Response> {
    let c = case_for(&state, &visitor, &p, id).await?;
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

pub(crate) async fn add_note(
    SignedIn { state, visitor, p }: SignedIn,
    Path(id): Path<i64>,
    FormBody { fields: f, .. }: FormBody,
) -> AppResult<Response> {
    let c = case_for(&state, &visitor, &p, id).await?;
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
#[template(path = "steunpunt/caseload/new_case.html")]
pub(crate) struct NewCaseView {
    pub(crate) layout: AppLayout,
    pub(crate) input: ContactInput,
    pub(crate) categories: Vec<Opt>,
    pub(crate) themes: Vec<Opt>,
    pub(crate) channels: Vec<Opt>,
    pub(crate) errors: Vec<(String, String)>,
}

pub(crate) fn new_case_view(
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
    let errors = input.errors("categorie-vraag");
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

pub(crate) async fn new_case_form(
    State(state): State<AppState>,
    visitor: Visitor,
) -> AppResult<Response> {
    visitor.signed_in()?;
    Ok(
        Html(new_case_view(&state, &visitor, ContactInput::default(), "telefoon").render()?)
            .into_response(),
    )
}

pub(crate) async fn add_case(
    SignedIn { state, visitor, p }: SignedIn,
    FormBody { fields: f, .. }: FormBody,
) -> AppResult<Response> {
    let input = read_contact(&f, &crate::texts::steunpunt::STAFF);
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
