//! The audit trail viewer and its CSV export.

use crate::AppState;
use crate::auth::Visitor;
use crate::dates::when;
use crate::error::AppResult;
use crate::exports::csv_cell;
use crate::forms::{Field, summary};
use crate::layout::{AppLayout, layout};
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use chrono::NaiveDate;
use passend_store::accounts::{self as store};
use passend_store::audit::{self, Filter, Outcome};

/// The actions the viewer's filter offers.
pub(crate) const ACTIONS: &[&str] = &[
    "login",
    "login_first_factor",
    "login_link",
    "logout",
    "logout_session",
    "logout_everywhere",
    "invite",
    "invitation_accept",
    "password_reset_request",
    "password_reset",
    "password_change",
    "sign_in_link_request",
    "totp_enroll",
    "totp_reset",
    "recovery_codes_renew",
    "disable",
    "enable",
    "create",
    "update",
    "delete",
    "read",
    "search",
    "export",
    "access",
    "check",
    "import",
];

/// A readable name for an audit action.
pub(crate) fn action_label(action: &str) -> &str {
    match action {
        "login" => "ingelogd",
        "login_first_factor" => "wachtwoord goed, code gevraagd",
        "login_link" => "ingelogd met link",
        "logout" => "uitgelogd",
        "logout_session" => "sessie beëindigd",
        "logout_everywhere" => "overal uitgelogd",
        "invite" => "uitgenodigd",
        "invitation_accept" => "account gemaakt",
        "password_reset_request" => "nieuw wachtwoord gevraagd",
        "password_reset" => "nieuw wachtwoord ingesteld",
        "password_change" => "wachtwoord gewijzigd",
        "sign_in_link_request" => "inloglink gevraagd",
        "totp_enroll" => "tweestapsverificatie ingesteld",
        "totp_reset" => "tweestapsverificatie gewist",
        "recovery_codes_renew" => "nieuwe herstelcodes",
        "disable" => "geblokkeerd",
        "enable" => "gedeblokkeerd",
        "update" => "gewijzigd",
        "create" => "aangemaakt",
        "delete" => "verwijderd",
        "read" => "bekeken",
        "search" => "gezocht",
        "export" => "geëxporteerd",
        "access" => "toegang gevraagd",
        "check" => "gecontroleerd",
        "import" => "geïmporteerd",
        other => other,
    }
}

pub(crate) struct AuditLine {
    pub(crate) id: i64,
    pub(crate) at: String,
    pub(crate) actor: String,
    pub(crate) role: String,
    pub(crate) action: String,
    pub(crate) object: String,
    pub(crate) pupil: String,
    pub(crate) outcome: &'static str,
    pub(crate) origin: String,
    pub(crate) request_id: String,
}

#[derive(Template)]
#[template(path = "beheer/audit_trail/audit.html")]
pub(crate) struct AuditView {
    pub(crate) layout: AppLayout,
    pub(crate) errors: Vec<(String, String)>,
    pub(crate) actors: Vec<(String, String, bool)>,
    pub(crate) actions: Vec<(&'static str, &'static str, bool)>,
    pub(crate) object_type: Field,
    pub(crate) object_id: Field,
    pub(crate) pupil: Field,
    pub(crate) outcomes: Vec<(&'static str, &'static str, bool)>,
    pub(crate) from: Field,
    pub(crate) until: Field,
    pub(crate) lines: Vec<AuditLine>,
    pub(crate) next_href: Option<String>,
    pub(crate) csv_href: String,
}

#[derive(Debug, Default)]
pub(crate) struct AuditQuery {
    pub(crate) pairs: Vec<(String, String)>,
}

impl AuditQuery {
    /// The query string's fields, repeated ones kept.
    pub(crate) fn of(raw: Option<String>) -> AuditQuery {
        AuditQuery {
            pairs: form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        }
    }

    pub(crate) fn get(&self, k: &str) -> String {
        self.pairs
            .iter()
            .find(|(a, _)| a == k)
            .map(|(_, v)| v.trim().chars().take(100).collect())
            .unwrap_or_default()
    }
}

pub(crate) const AUDIT_PAGE: i64 = 100;

pub(crate) fn parse_day(raw: &str, field: &mut Field) -> Option<NaiveDate> {
    if raw.is_empty() {
        return None;
    }
    match NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(raw, "%d-%m-%Y"))
    {
        Ok(d) => Some(d),
        Err(_) => {
            field.error =
                Some("Vul een datum in als dd-mm-jjjj, bijvoorbeeld 01-09-2026.".to_owned());
            None
        }
    }
}

pub(crate) fn parse_id(raw: &str, field: &mut Field) -> Option<i64> {
    if raw.is_empty() {
        return None;
    }
    match raw.parse::<i64>() {
        Ok(n) if n > 0 => Some(n),
        _ => {
            field.error = Some("Vul een nummer in (alleen cijfers).".to_owned());
            None
        }
    }
}

/// Reads the viewer's filters; fields with a message are left out of the filter.
pub(crate) fn audit_filter(q: &AuditQuery) -> (Filter, [Field; 7]) {
    let mut actor = Field::of(q.get("gebruiker"));
    let action = Field::of(q.get("actie"));
    let object_type = Field::of(q.get("soort"));
    let object_id = Field::of(q.get("object"));
    let mut pupil = Field::of(q.get("leerling"));
    let mut from = Field::of(q.get("van"));
    let mut until = Field::of(q.get("tot"));
    let filter = Filter {
        actor_id: parse_id(&actor.value.clone(), &mut actor),
        action: (!action.value.is_empty()).then(|| action.value.clone()),
        object_type: (!object_type.value.is_empty()).then(|| object_type.value.clone()),
        object_id: (!object_id.value.is_empty()).then(|| object_id.value.clone()),
        pupil_id: parse_id(&pupil.value.clone(), &mut pupil),
        outcome: ["success", "denied", "failure"]
            .into_iter()
            .find(|o| *o == q.get("uitkomst"))
            .map(str::to_owned),
        from: parse_day(&from.value.clone(), &mut from).map(passend_domain::time::start_of_day),
        until: parse_day(&until.value.clone(), &mut until)
            .and_then(|d| d.succ_opt())
            .map(passend_domain::time::start_of_day),
        before_id: q.get("voor").parse().ok(),
    };
    (
        filter,
        [actor, action, object_type, object_id, pupil, from, until],
    )
}

pub(crate) fn outcome_label(o: &str) -> &'static str {
    match o {
        "success" => "gelukt",
        "denied" => "geweigerd",
        _ => "mislukt",
    }
}

pub(crate) async fn audit_view(
    State(state): State<AppState>,
    visitor: Visitor,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let q = AuditQuery::of(raw);
    let (
        mut filter,
        [
            actor,
            _action,
            object_type,
            object_id,
            pupil,
            from,
            mut until,
        ],
    ) = audit_filter(&q);
    if let (Some(f), Some(u)) = (filter.from, filter.until)
        && f >= u
    {
        until.error =
            Some("De einddatum ligt vóór de begindatum. Kies een latere einddatum.".to_owned());
        filter.until = None;
    }
    let errors = summary(&[
        ("gebruiker", &actor),
        ("leerling", &pupil),
        ("van", &from),
        ("tot", &until),
    ]);
    // With a filter that could not be read nothing is searched: a full list would look filtered.
    let rows = if errors.is_empty() {
        audit::search(&state.db, state.tenant_id, &filter, AUDIT_PAGE).await?
    } else {
        Vec::new()
    };
    let people = store::users(&state.db, state.tenant_id, None, None, None).await?;
    let name_of = |id: i64| {
        people
            .iter()
            .find(|u| u.id == id)
            .map(|u| format!("{} ({id})", u.name))
            .unwrap_or_else(|| id.to_string())
    };
    // Reading the audit trail is itself recorded.
    let event = visitor.event("search", "audit", "-", Outcome::Success, "");
    audit::append(&state.db, &event).await?;
    let next_href = (rows.len() as i64 == AUDIT_PAGE).then(|| {
        let last = rows.last().map(|e| e.id).unwrap_or_default();
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in q.pairs.iter().filter(|(k, _)| k != "voor") {
            s.append_pair(k, v);
        }
        s.append_pair("voor", &last.to_string());
        format!("/beheer/audit?{}", s.finish())
    });
    let csv_href = {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in q.pairs.iter().filter(|(k, _)| k != "voor") {
            s.append_pair(k, v);
        }
        format!("/beheer/audit.csv?{}", s.finish())
    };
    let outcome = filter.outcome.clone().unwrap_or_default();
    let lines = rows
        .into_iter()
        .map(|e| AuditLine {
            id: e.id,
            at: when(e.occurred_at),
            actor: e.actor_id.map(name_of).unwrap_or_else(|| "-".to_owned()),
            role: e.actor_role,
            action: action_label(&e.action).to_owned(),
            // An account is named; pupils stay numbers (beheerders see no pupil data).
            object: match (e.object_type.as_str(), e.object_id.parse::<i64>()) {
                ("gebruiker", Ok(id)) => format!("gebruiker {}", name_of(id)),
                _ => format!("{} {}", e.object_type, e.object_id),
            },
            pupil: e.pupil_id.map(|p| p.to_string()).unwrap_or_default(),
            outcome: outcome_label(&e.outcome),
            origin: e.origin,
            request_id: e.request_id,
        })
        .collect();
    Ok(Html(
        AuditView {
            layout: layout(&state, &visitor, "Logboek", "/beheer/audit"),
            errors,
            actors: people
                .iter()
                .map(|u| {
                    (
                        u.id.to_string(),
                        format!("{} ({})", u.name, u.email),
                        filter.actor_id == Some(u.id),
                    )
                })
                .collect(),
            actions: ACTIONS
                .iter()
                .map(|a| (*a, action_label(a), filter.action.as_deref() == Some(*a)))
                .collect(),
            object_type,
            object_id,
            pupil,
            outcomes: [
                ("success", "Gelukt"),
                ("denied", "Geweigerd"),
                ("failure", "Mislukt"),
            ]
            .into_iter()
            .map(|(c, l)| (c, l, outcome == c))
            .collect(),
            from,
            until,
            lines,
            next_href,
            csv_href,
        }
        .render()?,
    )
    .into_response())
}

pub(crate) async fn audit_csv(
    State(state): State<AppState>,
    visitor: Visitor,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let q = AuditQuery::of(raw);
    let (filter, fields) = audit_filter(&q);
    let unreadable = fields.iter().any(Field::has_error)
        || matches!((filter.from, filter.until), (Some(f), Some(u)) if f >= u);
    // As on the page: a filter that could not be read exports nothing.
    let rows = if unreadable {
        Vec::new()
    } else {
        audit::search(&state.db, state.tenant_id, &filter, 50_000).await?
    };
    let event = visitor.event("export", "audit", "-", Outcome::Success, "csv");
    audit::append(&state.db, &event).await?;
    let mut out = String::from(
        "id;tijd;gebruiker;rol;namens;actie;soort;object;leerling;uitkomst;herkomst;verzoek;detail;hash\r\n",
    );
    for e in rows {
        let cells = [
            e.id.to_string(),
            e.occurred_at.to_rfc3339(),
            e.actor_id.map(|a| a.to_string()).unwrap_or_default(),
            e.actor_role,
            e.on_behalf_of.map(|a| a.to_string()).unwrap_or_default(),
            e.action,
            e.object_type,
            e.object_id,
            e.pupil_id.map(|a| a.to_string()).unwrap_or_default(),
            e.outcome,
            e.origin,
            e.request_id,
            e.detail,
            e.hash,
        ];
        out.push_str(
            &cells
                .iter()
                .map(|c| csv_cell(c, crate::exports::Quote::Always))
                .collect::<Vec<_>>()
                .join(";"),
        );
        out.push_str("\r\n");
    }
    let mut r = out.into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"logboek.csv\""),
    );
    Ok(r)
}
