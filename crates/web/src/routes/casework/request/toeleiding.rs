//! Toeleiding's steps: taking the request, meetings, asking for information, expert advice.

use crate::AppState;
use crate::access::Relation;
use crate::access::actor;
use crate::auth::Principal;
use crate::auth::Visitor;
use crate::dates::{long, today};
use crate::error::AppResult;
use crate::extract::SignedIn;
use crate::forms::FormBody;
use crate::forms::{Field, summary};
use crate::forms::{Opt, date_field, opts, required, text_limit, val};
use crate::notices::{ParentNews, parent_notices};
use crate::notices::{notice, request_link};
use crate::routes::casework::*;
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Html;
use axum::response::Response;
use chrono::Utc;
use passend_domain::accounts::Role;
use passend_domain::tlv::{self, Status};
use passend_domain::tlv::{Category, Placement};
use passend_store::casework::{self as cw, Change, Step};

pub(crate) async fn assign(
    SignedIn { state, visitor, p }: SignedIn,
    Path(id): Path<i64>,
    FormBody { fields: f, .. }: FormBody,
) -> AppResult<Response> {
    let r = swv_request(&state, &visitor, &p, id).await?;
    let toeleiders = cw::staff_of_role(&state.db, p.tenant_id, Role::Toeleider.code()).await?;
    let Some((contact, name, email)) = val(&f, "contact")
        .parse::<i64>()
        .ok()
        .and_then(|c| toeleiders.into_iter().find(|t| t.0 == c))
    else {
        return Ok(see_request(r.id, "gewijzigd"));
    };
    let mut notices = Vec::new();
    if contact != p.user_id {
        notices.push(notice(
            &state,
            format!(
                "aanvraag-{}-contact-{contact}-{}",
                r.id,
                Utc::now().timestamp()
            ),
            &email,
            "U bent contactpersoon van een aanvraag",
            &[
                "U bent contactpersoon geworden van een aanvraag bij toeleiding.",
                &request_link(&state, r.id),
            ],
        ));
    }
    for (uid, _, school_email) in cw::staff_at(&state.db, p.tenant_id, r.location_id).await? {
        if r.created_by == Some(uid) {
            notices.push(notice(
                &state,
                format!("aanvraag-{}-contact-school-{uid}-{contact}", r.id),
                &school_email,
                "Uw aanvraag is in behandeling",
                &[&format!("Het samenwerkingsverband behandelt uw aanvraag. Uw contactpersoon is {name}."), &request_link(&state, r.id)],
            ));
        }
    }
    let what = format!("Contactpersoon: {name}");
    if status_of(&r)? == Status::Ingediend {
        notices.extend(
            parent_notices(
                &state,
                r.pupil_id,
                Some(r.id),
                ParentNews::InTreatment,
                &format!("behandeling-{}", r.id),
            )
            .await?,
        );
    }
    let change = if status_of(&r)? == Status::Ingediend {
        cw::step(
            &state.db,
            &actor(&p, &visitor),
            &r,
            &Step {
                from: Status::Ingediend.code(),
                to: Status::InBehandeling.code(),
                what: &format!("In behandeling genomen. {what}"),
                action: "update",
                contact_id: Some(contact),
                notices,
                ..Step::default()
            },
        )
        .await?
    } else if !status_of(&r)?.is_final() {
        cw::set_contact(
            &state.db,
            &actor(&p, &visitor),
            &r,
            contact,
            &what,
            &notices,
        )
        .await?;
        Change::Done
    } else {
        Change::Stale
    };
    Ok(after(r.id, change, "toegewezen"))
}

pub(crate) async fn suspend(
    SignedIn { state, visitor, p }: SignedIn,
    Path(id): Path<i64>,
    FormBody { fields: f, .. }: FormBody,
) -> AppResult<Response> {
    let r = swv_request(&state, &visitor, &p, id).await?;
    let (Some(received), false) = (r.received_on, status_of(&r)?.is_final()) else {
        return Ok(see_request(r.id, "gewijzigd"));
    };
    let policy = state.casework.policy;
    let new_due = move |rows: &[cw::SuspensionRow]| {
        let s = suspensions_of(rows);
        policy
            .decision_due_with(received, &s, today())
            .min(tlv::awb_ceiling(received, &s, today()))
    };
    if val(&f, "actie") == "einde" {
        let change = cw::suspend(
            &state.db,
            &actor(&p, &visitor),
            &r,
            cw::Suspend::End(today()),
            new_due,
            "De gevraagde informatie is er; de beslistermijn loopt weer",
            &parent_notices(
                &state,
                r.pupil_id,
                Some(r.id),
                ParentNews::Resumed,
                &format!("hervat-{}-{}", r.id, Utc::now().timestamp()),
            )
            .await?,
        )
        .await?;
        return Ok(after(r.id, change, "hervat"));
    }
    let mut swv = swv_forms(&state, &p, &r, kind_of(&r)?).await?;
    swv.suspend_reason = Field::of(val(&f, "reden"));
    required(
        &mut swv.suspend_reason,
        "Schrijf op welke informatie nog ontbreekt; de school ziet dit.",
    );
    text_limit(&mut swv.suspend_reason, 1000, "de reden");
    let errors = summary(&[("reden", &swv.suspend_reason)]);
    if !errors.is_empty() {
        return rerender_swv(&state, &visitor, &r, swv, errors).await;
    }
    let mut notices = Vec::new();
    for (uid, _, email) in request_school_staff(&state, p.tenant_id, &r).await? {
        notices.push(notice(
            &state,
            format!("aanvraag-{}-opgeschort-{uid}-{}", r.id, Utc::now().timestamp()),
            &email,
            "Er is informatie nodig voor een aanvraag",
            &["Het samenwerkingsverband heeft meer informatie nodig om over een aanvraag te beslissen. Tot die er is, staat de beslistermijn stil.", &request_link(&state, r.id)],
        ));
    }
    notices.extend(
        parent_notices(
            &state,
            r.pupil_id,
            Some(r.id),
            ParentNews::Waiting,
            &format!("opgeschort-{}-{}", r.id, Utc::now().timestamp()),
        )
        .await?,
    );
    let reason = swv.suspend_reason.value.clone();
    let change = cw::suspend(
        &state.db,
        &actor(&p, &visitor),
        &r,
        cw::Suspend::Start(today(), &reason),
        new_due,
        &format!("Informatie gevraagd; de beslistermijn staat stil: {reason}"),
        &notices,
    )
    .await?;
    Ok(after(r.id, change, "opgeschort"))
}

/// The school tells toeleiding that the information asked for is there (documents added, or
/// sent otherwise). The term stands still until the toeleider has looked and resumes it.
pub(crate) async fn information_sent(
    SignedIn { state, visitor, p }: SignedIn,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (r, _) = school_request(&state, &visitor, &p, id).await?;
    if !r.suspended {
        return Ok(see_request(r.id, "gewijzigd"));
    }
    let mut notices = Vec::new();
    let recipients: Vec<String> = match &r.contact_email {
        Some(e) => vec![e.clone()],
        None => cw::staff_of_role(&state.db, p.tenant_id, Role::Toeleider.code())
            .await?
            .into_iter()
            .map(|(_, _, e)| e)
            .collect(),
    };
    for (i, email) in recipients.iter().enumerate() {
        notices.push(notice(
            &state,
            format!("aanvraag-{}-aangevuld-{}-{i}", r.id, Utc::now().timestamp()),
            email,
            "Gevraagde informatie aangeleverd",
            &[
                "Een school meldt dat de informatie die u vroeg er is. Kijk of de aanvraag nu compleet is en laat de beslistermijn weer lopen.",
                &request_link(&state, r.id),
            ],
        ));
    }
    cw::note(
        &state.db,
        &actor(&p, &visitor),
        &r,
        "De school meldt dat de gevraagde informatie er is",
        &notices,
    )
    .await?;
    Ok(see_request(r.id, "aangevuld"))
}

pub(crate) async fn ask_advice(
    SignedIn { state, visitor, p }: SignedIn,
    Path(id): Path<i64>,
    FormBody { fields: f, .. }: FormBody,
) -> AppResult<Response> {
    let r = swv_request(&state, &visitor, &p, id).await?;
    let kind = kind_of(&r)?;
    if !matches!(
        status_of(&r)?,
        Status::InBehandeling | Status::AdviesGevraagd
    ) {
        return Ok(see_request(r.id, "gewijzigd"));
    }
    let mut swv = swv_forms(&state, &p, &r, kind).await?;
    let chosen = val(&f, "deskundige");
    for o in &mut swv.experts {
        o.selected = o.value == chosen;
    }
    swv.advice_due = Field::of(val(&f, "advies-datum"));
    swv.advice_question = Field::of(val(&f, "advies-vraag"));
    let experts = cw::staff_of_role(&state.db, p.tenant_id, Role::Deskundige.code()).await?;
    let expert = chosen
        .parse::<i64>()
        .ok()
        .and_then(|c| experts.into_iter().find(|e| e.0 == c));
    let already = cw::advices_of(&state.db, r.id).await?;
    match &expert {
        None => swv.expert_error = Some("Kies een deskundige.".to_owned()),
        Some((eid, _, _)) => {
            if cw::works_at(&state.db, *eid, r.location_id).await? {
                swv.expert_error = Some("Deze deskundige werkt bij of voor de aanvragende school en is daarom niet onafhankelijk. Kies een andere deskundige.".to_owned());
            } else if r.created_by == Some(*eid) || r.contact_id == Some(*eid) {
                swv.expert_error = Some("Deze deskundige hielp bij de aanvraag of beoordeelt hem zelf en is daarom niet onafhankelijk.".to_owned());
            } else if already.iter().any(|a| a.expert_id == *eid) {
                swv.expert_error = Some("Aan deze deskundige is al advies gevraagd. Elk advies moet van een andere deskundige komen.".to_owned());
            }
        }
    }
    let due = date_field(
        &swv.advice_due.value.clone(),
        &mut swv.advice_due,
        true,
        "de datum waarop het advies er moet zijn",
    );
    if due.is_some_and(|d| d < today()) {
        swv.advice_due.error = Some("Deze datum is al voorbij.".to_owned());
    }
    required(
        &mut swv.advice_question,
        "Schrijf op wat u de deskundige vraagt.",
    );
    text_limit(&mut swv.advice_question, 2000, "de vraag");
    let mut errors = Vec::new();
    if let Some(e) = &swv.expert_error {
        errors.push(("deskundige".to_owned(), e.clone()));
    }
    errors.extend(summary(&[
        ("advies-datum", &swv.advice_due),
        ("advies-vraag", &swv.advice_question),
    ]));
    let (Some((eid, name, email)), Some(due), true) = (expert, due, errors.is_empty()) else {
        return rerender_swv(&state, &visitor, &r, swv, errors).await;
    };
    let mut notices = vec![notice(
        &state,
        format!("advies-{}-{eid}", r.id),
        &email,
        "Adviesvraag van toeleiding",
        &[
            &format!(
                "Toeleiding vraagt uw deskundigenadvies over een aanvraag. Graag uiterlijk {}.",
                long(due)
            ),
            &format!(
                "Bekijk de vraag na het inloggen:\n{}/adviezen",
                state.base_url
            ),
        ],
    )];
    // Parents hear once that advice is asked (the first expert), not per expert.
    if status_of(&r)? == Status::InBehandeling {
        notices.extend(
            parent_notices(
                &state,
                r.pupil_id,
                Some(r.id),
                ParentNews::AdviceAsked,
                &format!("advies-{}", r.id),
            )
            .await?,
        );
    }
    let change = cw::ask_advice(
        &state.db,
        &actor(&p, &visitor),
        &r,
        eid,
        due,
        &swv.advice_question.value,
        &format!(
            "Deskundigenadvies gevraagd aan {name}, uiterlijk {}",
            long(due)
        ),
        &notices,
    )
    .await?;
    Ok(after(r.id, change, "adviesvraag"))
}

/// The toeleider's forms.
#[derive(Debug, Clone, Default)]
pub(crate) struct SwvForms {
    pub(crate) contacts: Vec<Opt>,
    pub(crate) meeting_kind: Vec<Opt>,
    pub(crate) meeting_date: Field,
    pub(crate) meeting_time: Field,
    pub(crate) meeting_place: Field,
    pub(crate) meeting_attendees: Vec<Opt>,
    pub(crate) meeting_attendees_error: Option<String>,
    pub(crate) suspend_reason: Field,
    pub(crate) experts: Vec<Opt>,
    pub(crate) expert_error: Option<String>,
    pub(crate) advice_due: Field,
    pub(crate) advice_question: Field,
    pub(crate) decision_outcome: Vec<Opt>,
    pub(crate) decision_category: Vec<Opt>,
    pub(crate) decision_start: Field,
    pub(crate) decision_end: Field,
    pub(crate) decision_no_end: bool,
    pub(crate) decision_receiving: Vec<Opt>,
    pub(crate) decision_reasons: Field,
    pub(crate) decision_blocked: Option<String>,
    /// A meeting's move-or-cancel form after an error.
    pub(crate) meeting_change: Option<MeetingChangeForm>,
}

pub(crate) async fn swv_forms(
    state: &AppState,
    p: &Principal,
    r: &Request,
    kind: RequestKind,
) -> AppResult<SwvForms> {
    let contacts = cw::staff_of_role(&state.db, p.tenant_id, Role::Toeleider.code())
        .await?
        .into_iter()
        .map(|(id, name, _)| Opt {
            selected: r.contact_id.map_or(id == p.user_id, |c| c == id),
            value: id.to_string(),
            label: name,
        })
        .collect();
    let mut experts = vec![Opt {
        value: String::new(),
        label: "Kies een deskundige".to_owned(),
        selected: true,
    }];
    for (id, name, _) in cw::staff_of_role(&state.db, p.tenant_id, Role::Deskundige.code()).await? {
        experts.push(Opt {
            value: id.to_string(),
            label: name,
            selected: false,
        });
    }
    let placement = kind.placement();
    let start = today();
    let default_end = state.casework.policy.default_end(kind, start);
    let mut receiving = vec![Opt {
        value: String::new(),
        label: "Nog niet bekend".to_owned(),
        selected: true,
    }];
    for l in passend_store::locations::location_choices(&state.db).await? {
        let fits = match placement {
            Some(Placement::Sbo) => l.school_type == "sbo",
            Some(Placement::So(_)) => matches!(l.school_type.as_str(), "so" | "so-vso"),
            None => false,
        };
        if fits {
            receiving.push(Opt {
                value: l.id.to_string(),
                label: format!("{} ({})", l.name, passend_domain::duo::place_name(&l.place)),
                selected: false,
            });
        }
    }
    let outcome = if kind.is_tlv() {
        opts([("ja", "Toelaatbaar"), ("nee", "Niet toelaatbaar")], "")
    } else {
        opts([("ja", "Toekennen"), ("nee", "Afwijzen")], "")
    };
    let category = placement
        .and_then(Placement::category)
        .map(Category::label_nl)
        .unwrap_or_default();
    Ok(SwvForms {
        contacts,
        meeting_kind: opts(
            [
                ("tlo", "Toelaatbaarheidsoverleg (TLO)"),
                ("mdo", "Multidisciplinair overleg (MDO)"),
            ],
            if kind.is_tlv() { "tlo" } else { "mdo" },
        ),
        meeting_place: Field::of(r.location_name.clone()),
        meeting_attendees: attendee_options(&[]),
        advice_due: Field::of(
            (today() + chrono::Days::new(14))
                .format("%Y-%m-%d")
                .to_string(),
        ),
        experts,
        decision_outcome: outcome,
        decision_category: opts(
            [
                ("laag", "Laag (categorie 1)"),
                ("midden", "Midden (categorie 2)"),
                ("hoog", "Hoog (categorie 3)"),
            ],
            category,
        ),
        decision_start: Field::of(start.format("%Y-%m-%d").to_string()),
        decision_end: Field::of(
            default_end
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
        ),
        decision_receiving: receiving,
        ..SwvForms::default()
    })
}

pub(crate) async fn rerender_swv(
    state: &AppState,
    visitor: &Visitor,
    r: &Request,
    swv: SwvForms,
    errors: Vec<(String, String)>,
) -> AppResult<Response> {
    let view = request_view(
        state,
        visitor,
        r,
        Relation::Toeleider,
        None,
        Some(swv),
        None,
        errors,
    )
    .await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(view.render()?)).into_response())
}
