//! The intake queue of toeleiding.

use crate::access::record_list;
use crate::dates::{long_or, today};
use crate::error::AppResult;
use crate::extract::SignedIn;
use crate::forms::{Opt, opts};
use crate::layout::{AppLayout, layout};
use askama::Template;
use axum::extract::Query;
use axum::response::{Html, IntoResponse, Response};
use passend_domain::accounts::Role;
use passend_domain::tlv::{RequestKind, Status};
use passend_store::casework::{self as cw, QueueFilter};
use serde::Deserialize;

pub(crate) struct QueueLine {
    pub(crate) id: i64,
    pub(crate) pupil: String,
    pub(crate) school: String,
    pub(crate) kind: String,
    pub(crate) status: String,
    pub(crate) contact: String,
    pub(crate) received: String,
    pub(crate) due: String,
    pub(crate) overdue: bool,
    pub(crate) soon: bool,
    pub(crate) suspended: bool,
}

#[derive(Template)]
#[template(path = "tlv/queue/queue.html")]
pub(crate) struct QueueView {
    pub(crate) layout: AppLayout,
    pub(crate) lines: Vec<QueueLine>,
    pub(crate) statuses: Vec<Opt>,
    pub(crate) kinds: Vec<Opt>,
    pub(crate) contacts: Vec<Opt>,
    pub(crate) due: Vec<Opt>,
    pub(crate) overdue_count: usize,
    pub(crate) q: String,
    pub(crate) pager: crate::paging::Pager,
}

#[derive(Debug, Deserialize, Default)]
pub(crate) struct QueueQuery {
    #[serde(default)]
    pub(crate) q: String,
    #[serde(default, deserialize_with = "crate::paging::page_number")]
    pub(crate) pagina: Option<usize>,
    #[serde(default)]
    pub(crate) status: String,
    #[serde(default)]
    pub(crate) soort: String,
    #[serde(default)]
    pub(crate) contact: String,
    #[serde(default)]
    pub(crate) termijn: String,
}

pub(crate) async fn queue(
    SignedIn { state, visitor, p }: SignedIn,
    Query(q): Query<QueueQuery>,
) -> AppResult<Response> {
    let filter = QueueFilter {
        status: Status::from_code(&q.status).map(|s| s.code().to_owned()),
        kind_prefix: match q.soort.as_str() {
            "tlv" => Some("tlv".to_owned()),
            "arrangement" => Some("arrangement".to_owned()),
            "advies" => Some("advies".to_owned()),
            _ => None,
        },
        contact_id: match q.contact.as_str() {
            "ik" => Some(p.user_id),
            c => c.parse().ok(),
        },
        unassigned: q.contact == "geen",
        due_by: match q.termijn.as_str() {
            "verlopen" => today().pred_opt(),
            "week" => Some(today() + chrono::Days::new(7)),
            _ => None,
        },
    };
    let needle = q.q.trim().to_lowercase();
    let rows: Vec<cw::Request> = cw::queue(&state.db, p.tenant_id, &filter)
        .await?
        .into_iter()
        .filter(|r| needle.is_empty() || r.pupil_name.to_lowercase().contains(&needle))
        .collect();
    let overdue_count = rows
        .iter()
        .filter(|r| {
            !r.suspended
                && Status::from_code(&r.status).is_some_and(|s| !s.is_final())
                && r.decision_due.is_some_and(|d| d < today())
        })
        .count();
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("q", &q.q)
        .append_pair("status", &q.status)
        .append_pair("soort", &q.soort)
        .append_pair("contact", &q.contact)
        .append_pair("termijn", &q.termijn)
        .finish();
    let (rows, pager) =
        crate::paging::paginate(rows, q.pagina.unwrap_or(1), "/swv/aanvragen", &query);
    let pupils = rows.iter().map(|r| r.pupil_id);
    record_list(&state, &visitor, "search", "aanvraag", pupils).await?;
    let mut lines = Vec::new();
    for r in rows {
        let kind = RequestKind::from_code(&r.kind).unwrap_or(RequestKind::Advies);
        let status = Status::from_code(&r.status).unwrap_or(Status::Ingediend);
        let overdue =
            !status.is_final() && !r.suspended && r.decision_due.is_some_and(|d| d < today());
        lines.push(QueueLine {
            id: r.id,
            pupil: r.pupil_name,
            school: r.location_name,
            kind: kind.label_nl().to_owned(),
            status: status.label_nl(kind).to_owned(),
            contact: r.contact_name.unwrap_or_else(|| "–".to_owned()),
            received: long_or(r.received_on, "–"),
            due: long_or(r.decision_due, "–"),
            overdue,
            suspended: r.suspended,
            soon: !overdue
                && !status.is_final()
                && !r.suspended
                && r.decision_due
                    .is_some_and(|d| d <= today() + chrono::Days::new(7)),
        });
    }
    let mut statuses = vec![Opt {
        value: String::new(),
        label: "Alle open aanvragen".to_owned(),
        selected: q.status.is_empty(),
    }];
    for s in Status::ALL.into_iter().filter(|s| *s != Status::Concept) {
        statuses.push(Opt {
            value: s.code().to_owned(),
            label: s.label_nl(RequestKind::Advies).to_owned(),
            selected: s.code() == q.status,
        });
    }
    let mut contacts = opts(
        [
            ("", "Iedereen"),
            ("ik", "Mijn aanvragen"),
            ("geen", "Nog niet toegewezen"),
        ],
        &q.contact,
    );
    for (id, name, _) in cw::staff_of_role(&state.db, p.tenant_id, Role::Toeleider.code()).await? {
        contacts.push(Opt {
            selected: id.to_string() == q.contact,
            value: id.to_string(),
            label: name,
        });
    }
    Ok(Html(
        QueueView {
            layout: layout(&state, &visitor, "Aanvragen", "/swv/aanvragen"),
            lines,
            statuses,
            kinds: opts(
                [
                    ("", "Alle soorten"),
                    ("tlv", "Toelaatbaarheidsverklaringen"),
                    ("arrangement", "Arrangementen"),
                    ("advies", "Advies en consultatie"),
                ],
                &q.soort,
            ),
            contacts,
            due: opts(
                [
                    ("", "Alle"),
                    ("verlopen", "Termijn verlopen"),
                    ("week", "Termijn binnen een week"),
                ],
                &q.termijn,
            ),
            overdue_count,
            q: q.q.clone(),
            pager,
        }
        .render()?,
    )
    .into_response())
}
