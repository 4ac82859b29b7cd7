//! The request page, as the school, toeleiding, an expert or a receiving school sees it.

use crate::AppState;
use crate::access::{Relation, request_for};
use crate::auth::{Principal, Visitor};
use crate::dates::when;
use crate::dates::{long, long_or, today};
use crate::error::{AppError, AppResult};
use crate::extract::SignedIn;
use crate::extract::read_request;
use crate::layout::{AppLayout, layout};
use crate::routes::casework::*;
use crate::texts::staff;
use askama::Template;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use passend_domain::documents::DocumentKind;
use passend_domain::procedure::{Facts, Forms};
use passend_domain::tlv::{
    self, Advice, Completeness, Placement, Profession, RequestKind, Status, Suspension,
};
use passend_store::casework::{self as cw, Request};

mod shape;

pub(crate) struct AdviceLine {
    pub(crate) expert: String,
    pub(crate) profession: String,
    pub(crate) due: String,
    pub(crate) given: String,
    pub(crate) conclusion: String,
    pub(crate) text: String,
}

pub(crate) struct MeetingLine {
    pub(crate) id: i64,
    pub(crate) sequence: i64,
    /// Cancelled (with when and why), or moved (why).
    pub(crate) cancelled: Option<String>,
    pub(crate) moved: Option<String>,
    /// Still to come and not cancelled: it can be moved or cancelled.
    pub(crate) to_come: bool,
    pub(crate) form: MeetingChangeForm,
    pub(crate) kind: &'static str,
    pub(crate) when: String,
    pub(crate) place: String,
    pub(crate) purpose: String,
    pub(crate) outcomes: String,
    pub(crate) attendees: String,
}

pub(crate) struct TimelineView {
    pub(crate) when: String,
    pub(crate) who: String,
    pub(crate) what: String,
}

pub(crate) struct DecisionView {
    pub(crate) id: i64,
    pub(crate) outcome: String,
    pub(crate) number: String,
    pub(crate) placement: String,
    pub(crate) start: String,
    pub(crate) end: String,
    pub(crate) receiving: String,
    pub(crate) reasons: String,
    pub(crate) letter_on: String,
    pub(crate) sent: Option<String>,
    pub(crate) bezwaar_until: Option<String>,
    pub(crate) is_tlv: bool,
    pub(crate) granted: bool,
    pub(crate) bezwaren: Vec<BezwaarLine>,
    /// Earlier content replaced by a beslissing op bezwaar.
    pub(crate) replaced: Vec<String>,
    /// A beslissing op bezwaar was taken: what follows is beroep, no new bezwaar here.
    pub(crate) bezwaar_decided: bool,
}

pub(crate) struct BezwaarLine {
    pub(crate) id: i64,
    pub(crate) notes: String,
    pub(crate) received: String,
    pub(crate) filed_by: String,
    pub(crate) late: bool,
    pub(crate) lbt_due: String,
    pub(crate) lbt_sent: String,
    pub(crate) lbt_advice: String,
    pub(crate) has_advice: bool,
    pub(crate) has_sent: bool,
    pub(crate) outcome: String,
    pub(crate) open: bool,
    pub(crate) beslissing: Option<String>,
}

#[derive(Template)]
#[template(path = "casework/request/page/request.html")]
pub(crate) struct RequestView {
    pub(crate) layout: AppLayout,
    pub(crate) id: i64,
    pub(crate) pupil_id: i64,
    pub(crate) pupil_name: String,
    pub(crate) school: String,
    pub(crate) kind: String,
    pub(crate) is_tlv: bool,
    pub(crate) is_arrangement: bool,
    pub(crate) is_so: bool,
    pub(crate) status: String,
    pub(crate) contact: String,
    pub(crate) received: String,
    pub(crate) due: String,
    pub(crate) awb_ceiling: String,
    pub(crate) overdue: bool,
    pub(crate) suspended: Option<String>,
    pub(crate) relation_school: bool,
    pub(crate) relation_swv: bool,
    pub(crate) concept: bool,
    pub(crate) open: bool,
    pub(crate) draft: DraftForm,
    pub(crate) swv: SwvForms,
    pub(crate) errors: Vec<(String, String)>,
    pub(crate) documents: Vec<DocLine>,
    pub(crate) upload: UploadForm,
    pub(crate) advices: Vec<AdviceLine>,
    pub(crate) meetings: Vec<MeetingLine>,
    pub(crate) decision: Option<DecisionView>,
    pub(crate) timeline: Vec<TimelineView>,
    /// The procedure's steps and what is needed next (school and toeleiding only).
    pub(crate) steps: Vec<shape::StaffStep>,
    pub(crate) next: Option<shape::NextLine>,
    /// The forms of this moment, and those behind "Andere acties" (open after a failed submit).
    pub(crate) now: Forms,
    pub(crate) more: Forms,
    pub(crate) more_open: Forms,
    pub(crate) can_write: bool,
    pub(crate) request_id: Option<i64>,
    pub(crate) documents_hidden: bool,
    pub(crate) receiving: bool,
    pub(crate) upcoming_meeting: Option<String>,
    pub(crate) period: String,
    pub(crate) zienswijze_label: String,
    pub(crate) zienswijze_on: String,
    pub(crate) tlo: String,
    pub(crate) parents_linked: bool,
    pub(crate) share_default: String,
    pub(crate) share_error: String,
    pub(crate) shares: Vec<String>,
    pub(crate) responses: Vec<(String, String)>,
}

pub(crate) async fn completeness(
    state: &AppState,
    tenant: i64,
    r: &Request,
) -> AppResult<Completeness> {
    let kinds = cw::document_kinds(&state.db, tenant, r.pupil_id, r.id).await?;
    let has = |k: DocumentKind| kinds.iter().any(|c| c == k.code());
    Ok(Completeness {
        groeidocument: has(DocumentKind::Groeidocument),
        opp: has(DocumentKind::Opp),
        zienswijze_or_refusal: (r.draft.zienswijze.is_some()
            && (r.draft.zienswijze.as_deref() == Some("geweigerd")
                || !r.draft.zienswijze_text.is_empty()
                || has(DocumentKind::Zienswijze)))
            || passend_store::portal::zienswijze_given(&state.db, r.id).await?,
        tlo_recorded: r.draft.tlo_held_on.is_some() && !r.draft.tlo_attendees.trim().is_empty(),
        arrangement_plan: !r.draft.goals.trim().is_empty()
            && r.draft.budget_euros.is_some()
            && r.draft.period_start.is_some()
            && r.draft.period_end.is_some(),
    })
}

/// The advices as the domain rule needs them, with independence checked against the data.
pub(crate) async fn domain_advices(state: &AppState, r: &Request) -> AppResult<Vec<Advice>> {
    let all = cw::advices_of(&state.db, r.id).await?;
    domain_advices_of(state, r, &all).await
}

/// [`domain_advices`] of advice rows already loaded (`cw::advices_of`).
async fn domain_advices_of(
    state: &AppState,
    r: &Request,
    all: &[cw::AdviceRow],
) -> AppResult<Vec<Advice>> {
    let mut out = Vec::new();
    for a in all {
        if a.submitted_at.is_none() {
            continue;
        }
        // The same text as another advice is one advice signed twice, not a separate one.
        let copied = all.iter().any(|o| {
            o.id != a.id
                && o.submitted_at.is_some()
                && tlv::same_advice_text(&o.advice_text, &a.advice_text)
        });
        let Some(profession) = a.profession.as_deref().and_then(Profession::from_code) else {
            continue;
        };
        out.push(Advice {
            expert_id: a.expert_id,
            profession,
            declared_independent: a.declared_independent,
            // Per bevoegd gezag: linked to any school of the applying board.
            linked_to_applying_school: cw::linked_to_board(&state.db, a.expert_id, r.location_id)
                .await?,
            helped_draft_application: r.created_by == Some(a.expert_id),
            is_assessing_official: r.contact_id == Some(a.expert_id),
            separate_and_written: !a.advice_text.trim().is_empty() && !copied,
        });
    }
    Ok(out)
}

pub(crate) fn suspensions_of(rows: &[cw::SuspensionRow]) -> Vec<Suspension> {
    rows.iter()
        .map(|s| Suspension {
            from: s.from_on,
            until: s.until_on,
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn request_view(
    state: &AppState,
    visitor: &Visitor,
    r: &Request,
    relation: Relation,
    draft: Option<DraftForm>,
    swv: Option<SwvForms>,
    upload: Option<UploadForm>,
    errors: Vec<(String, String)>,
) -> AppResult<RequestView> {
    let p = visitor.signed_in()?;
    let kind = kind_of(r)?;
    let status = status_of(r)?;
    let complete = completeness(state, p.tenant_id, r).await?;
    let suspension_rows = cw::suspensions(&state.db, r.id).await?;
    let open_suspension = suspension_rows.iter().find(|s| s.until_on.is_none());
    let swv_side = relation == Relation::Toeleider;
    let advice_rows = cw::advices_of(&state.db, r.id).await?;
    let advices = shape::advice_lines(&advice_rows, p.user_id, relation, status);
    let (upcoming_meeting, mut meetings) =
        shape::meeting_lines(cw::meetings(&state.db, r.id).await?, Utc::now());
    if let Some(typed) = swv.as_ref().and_then(|s| s.meeting_change.clone()) {
        for m in meetings.iter_mut().filter(|m| m.id == typed.meeting_id) {
            m.form = typed.clone();
        }
    }
    let decision_row = cw::decision_of(&state.db, p.tenant_id, r.id).await?;
    let decision = match &decision_row {
        Some(d) => {
            let beslissingen = passend_store::bezwaar::beslissingen(&state.db, d.id).await?;
            let bezwaren = cw::bezwaren(&state.db, d.id).await?;
            let history = passend_store::bezwaar::history(&state.db, d.id).await?;
            Some(shape::decision_view(
                d,
                kind,
                status,
                relation,
                bezwaren,
                &beslissingen,
                history,
            ))
        }
        None => None,
    };
    let timeline = cw::timeline(&state.db, r.id)
        .await?
        .into_iter()
        .map(|t| TimelineView {
            when: when(t.occurred_at),
            who: t.actor_name,
            what: t.what,
        })
        .collect();
    let documents = doc_lines(state, p, r.pupil_id, relation).await?;
    let upload = match upload {
        Some(u) => u,
        None => upload_form(state, p, r.pupil_id, relation, "groeidocument", "", "").await?,
    };
    let swv = match (swv, swv_side) {
        (Some(s), _) => s,
        (None, true) => swv_forms(state, p, r, kind).await?,
        (None, false) => SwvForms::default(),
    };
    let mut swv = swv;
    let given = domain_advices_of(state, r, &advice_rows).await?;
    let advice_problem = tlv::check_advices(&given).err();
    if kind.is_tlv()
        && status == Status::AdviesGevraagd
        && let Some(problem) = &advice_problem
    {
        swv.decision_blocked = Some(format!(
            "{} Er zijn nu {} gegeven.",
            shape::lower_first(&problem.message_nl()),
            given.len()
        ));
    }
    // The parents' part: what was shared with them and what they answered.
    let (parents_linked, shares, responses) = if relation != Relation::Receiving {
        let linked = !passend_store::portal::parents_of(&state.db, r.pupil_id)
            .await?
            .is_empty();
        let shares = shape::share_lines(&passend_store::portal::shares_of(&state.db, r.id).await?);
        let responses = passend_store::portal::responses_of_pupil(&state.db, r.pupil_id).await?;
        (linked, shares, shape::response_lines(responses, r.id))
    } else {
        (false, Vec::new(), Vec::new())
    };
    let received = r.received_on;
    let ceiling = received.map(|d| tlv::awb_ceiling(d, &suspensions_of(&suspension_rows), today()));
    let overdue = !status.is_final() && r.decision_due.is_some_and(|d| d < today());
    let missing = tlv::missing_for(kind, &complete);
    let facts = Facts {
        kind,
        status,
        suspended: open_suspension.is_some(),
        complete: missing.is_empty(),
        received: received.is_some(),
        advices_asked: advice_rows.len(),
        advices_given: advice_rows
            .iter()
            .filter(|a| a.submitted_at.is_some())
            .count(),
        advice_problem,
        letter_sent: decision.as_ref().is_some_and(|d| d.sent.is_some()),
        open_bezwaar: decision
            .as_ref()
            .is_some_and(|d| d.bezwaren.iter().any(|b| b.open)),
    };
    let plan = shape::plan_for(relation, &facts);
    let (steps, next, (now, more, more_open)) = match plan {
        Some(plan) => {
            let outcome = status.label_nl(kind);
            let situation = shape::Situation {
                facts: &facts,
                contact: r.contact_name.as_deref(),
                received,
                due: r.decision_due,
                suspended_reason: open_suspension.map(|s| s.reason.as_str()),
                missing: &missing,
                parents_to_ask: parents_linked && shares.is_empty(),
                swv: swv_side,
                decision: decision_row.as_ref().map(|d| {
                    (
                        outcome,
                        d.letter_on,
                        d.id,
                        d.sent_on.map(tlv::bezwaar_deadline),
                    )
                }),
            };
            (
                shape::staff_steps(&situation),
                Some(shape::next_line(plan.next, &situation, r.id)),
                shape::with_errors(plan, &errors),
            )
        }
        None => (Vec::new(), None, Default::default()),
    };
    Ok(RequestView {
        layout: layout(state, visitor, &format!("Aanvraag {}", r.id), ""),
        id: r.id,
        pupil_id: r.pupil_id,
        pupil_name: r.pupil_name.clone(),
        school: r.location_name.clone(),
        kind: kind.label_nl().to_owned(),
        is_tlv: kind.is_tlv(),
        is_arrangement: kind == RequestKind::Arrangement,
        is_so: matches!(kind.placement(), Some(Placement::So(_))),
        status: status.label_nl(kind).to_owned(),
        contact: match (&r.contact_name, &r.contact_email) {
            (Some(n), Some(e)) => format!("{n} ({e})"),
            _ => "nog niet toegewezen".to_owned(),
        },
        received: long_or(received, "nog niet ingediend"),
        due: long_or(r.decision_due, "–"),
        awb_ceiling: long_or(ceiling, "–"),
        overdue,
        suspended: open_suspension.map(|s| format!("sinds {}: {}", long(s.from_on), s.reason)),
        relation_school: relation == Relation::School,
        relation_swv: swv_side,
        concept: status == Status::Concept,
        open: !status.is_final(),
        draft: draft.unwrap_or_else(|| draft_from(r)),
        swv,
        errors,
        documents,
        upload,
        advices,
        meetings,
        decision,
        timeline,
        steps,
        next,
        now,
        more,
        more_open,
        can_write: relation.writes(),
        request_id: Some(r.id),
        documents_hidden: relation == Relation::Receiving,
        receiving: relation == Relation::Receiving,
        upcoming_meeting,
        period: match (r.draft.period_start, r.draft.period_end) {
            (Some(a), Some(b)) => format!("{} tot en met {}", long(a), long(b)),
            _ => "–".to_owned(),
        },
        zienswijze_label: match r.draft.zienswijze.as_deref() {
            Some("eens") => "De ouders zijn het eens met de aanvraag",
            Some("oneens") => "De ouders zijn het niet eens met de aanvraag",
            Some("geweigerd") => "De ouders wilden geen zienswijze geven",
            _ if passend_store::portal::zienswijze_given(&state.db, r.id).await? => {
                "Gegeven in het ouderportaal (zie hieronder bij “De ouders”)"
            }
            _ => "Niet gegeven",
        }
        .to_owned(),
        zienswijze_on: long_or(r.draft.zienswijze_on, ""),
        tlo: match r.draft.tlo_held_on {
            Some(d) => format!("{}; aanwezig: {}", long(d), r.draft.tlo_attendees),
            None => "–".to_owned(),
        },
        parents_linked,
        share_default: passend_domain::portal::respond_by(today(), state.casework.zienswijze_days)
            .format("%Y-%m-%d")
            .to_string(),
        share_error: String::new(),
        shares,
        responses,
    })
}

pub(crate) async fn request_page(
    SignedIn { state, visitor, p }: SignedIn,
    Path(id): Path<i64>,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let (r, _, relation) = read_request(&state, &visitor, &p, id).await?;
    let mut view =
        request_view(&state, &visitor, &r, relation, None, None, None, Vec::new()).await?;
    view.layout.notice = staff::notice(staff::REQUEST, &q.gedaan);
    Ok(Html(view.render()?).into_response())
}

/// The request page again with a message at the date of the share form, the date kept.
pub(crate) async fn share_date_error(
    state: &AppState,
    visitor: &Visitor,
    r: &Request,
    typed: &str,
    message: &str,
) -> AppResult<Response> {
    let mut view = request_view(
        state,
        visitor,
        r,
        Relation::School,
        None,
        None,
        None,
        vec![("reageren-voor".to_owned(), message.to_owned())],
    )
    .await?;
    view.share_default = typed.to_owned();
    view.share_error = message.to_owned();
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(view.render()?)).into_response())
}

pub(crate) async fn school_request(
    state: &AppState,
    visitor: &Visitor,
    p: &Principal,
    id: i64,
) -> AppResult<(Request, Relation)> {
    let (r, _, relation) = request_for(state, visitor, p, id).await?;
    if relation != Relation::School {
        return Err(AppError::NotFound);
    }
    Ok((r, relation))
}

pub(crate) async fn swv_request(
    state: &AppState,
    visitor: &Visitor,
    p: &Principal,
    id: i64,
) -> AppResult<Request> {
    let (r, _, relation) = request_for(state, visitor, p, id).await?;
    if relation != Relation::Toeleider {
        return Err(AppError::NotFound);
    }
    Ok(r)
}
