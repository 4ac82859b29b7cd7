//! After a decision: sending its letter (Awb 3:41: the bezwaar term runs from the day the letter
//! was sent or handed over, not from the day the decision was recorded), and the beslissing op
//! bezwaar (Awb 7:11, 7:12) after the LBT's advice, with its own letter that names beroep at the
//! rechtbank. Toeleiders only; the applying school and the parents read the letters once sent.

mod beslissing;
mod registration;
mod sending;

pub(crate) use beslissing::*;
pub(crate) use registration::*;
pub(crate) use sending::*;

use crate::AppState;
use crate::access::{Relation, request_for};
use crate::app::Routes;
use crate::auth::{Principal, Visitor};
use crate::dates::{long, today};
use crate::error::{AppError, AppResult};
use crate::forms::Field;
use crate::forms::{Opt, date_field, form, opts, val};
use crate::letters::HOW;
use chrono::NaiveDate;
use passend_store::casework::{self as cw, DecisionRow, Request};
use serde::Deserialize;

/// The routes of this area.
pub(crate) fn router() -> Routes {
    Routes::new()
        .post("/besluiten/{id}/bezwaar", add_bezwaar)
        .post("/bezwaren/{id}", update_bezwaar)
        .get("/besluiten/{id}/verzending", decision_send_form)
        .post("/besluiten/{id}/verzending", send_decision)
        .get("/bezwaren/{id}/beslissing", beslissing_page)
        .post("/bezwaren/{id}/beslissing", take_beslissing)
        .post("/beslissingen/{id}/verzending", send_beslissing)
        .get("/beslissingen/{id}/brief.pdf", beslissing_letter)
}

/// Records a refusal and answers "not found".
pub(crate) async fn refuse(state: &AppState, visitor: &Visitor, object: &str, id: i64) -> AppError {
    crate::access::refused(state, visitor, object, &id.to_string(), "not toeleiding").await
}

/// A decision and its request, for toeleiding only.
pub(crate) async fn toeleider_decision(
    state: &AppState,
    visitor: &Visitor,
    p: &Principal,
    id: i64,
) -> AppResult<(DecisionRow, Request)> {
    let Some(d) = cw::decision(&state.db, p.tenant_id, id).await? else {
        return Err(refuse(state, visitor, "besluit", id).await);
    };
    let (r, _, relation) = request_for(state, visitor, p, d.request_id).await?;
    if relation != Relation::Toeleider {
        return Err(refuse(state, visitor, "besluit", id).await);
    }
    Ok((d, r))
}

#[derive(Debug, Deserialize, Default)]
pub(crate) struct DoneQuery {
    #[serde(default)]
    pub(crate) gedaan: String,
}

/// The sending form's fields.
pub(crate) struct SendForm {
    pub(crate) date: Field,
    pub(crate) how: Vec<Opt>,
    pub(crate) how_error: String,
    /// Whether the LBT's advice must go with the letter (a beslissing after its advice).
    pub(crate) ask_enclosure: bool,
    pub(crate) enclosure: bool,
    pub(crate) enclosure_error: String,
}

impl SendForm {
    pub(crate) fn new() -> SendForm {
        SendForm {
            date: Field::of(today().format("%Y-%m-%d").to_string()),
            how: opts(HOW, ""),
            how_error: String::new(),
            ask_enclosure: false,
            enclosure: false,
            enclosure_error: String::new(),
        }
    }
}

/// Reads a sending form: the day (from `earliest` to today) and the way. The portal is a way
/// only when a parent has an account there.
pub(crate) async fn read_send(
    state: &AppState,
    body: &str,
    earliest: NaiveDate,
    pupil_id: i64,
) -> AppResult<(SendForm, Option<(NaiveDate, &'static str)>)> {
    let f = form(body);
    let mut s = SendForm {
        date: Field::of(val(&f, "verzonden-op")),
        how: opts(HOW, &val(&f, "wijze")),
        how_error: String::new(),
        ask_enclosure: false,
        enclosure: val(&f, "bijlage") == "ja",
        enclosure_error: String::new(),
    };
    let date = date_field(
        &s.date.value.clone(),
        &mut s.date,
        true,
        "de dag van verzending",
    );
    if date.is_some_and(|d| d > today()) {
        s.date.error = Some(
            "Leg de verzending vast als de brief verstuurd is: de dag kan niet in de toekomst liggen."
                .to_owned(),
        );
    } else if date.is_some_and(|d| d < earliest) {
        s.date.error = Some(format!(
            "De brief kan niet eerder verzonden zijn dan het besluit ({}).",
            long(earliest)
        ));
    }
    let how = HOW
        .iter()
        .find(|(c, _)| *c == val(&f, "wijze"))
        .map(|(c, _)| *c);
    match how {
        None => s.how_error = "Kies hoe de brief is verzonden of uitgereikt.".to_owned(),
        Some("portaal")
            if passend_store::portal::parents_of(&state.db, pupil_id)
                .await?
                .is_empty() =>
        {
            s.how_error = "Geen ouder heeft toegang tot het ouderportaal. Kies een andere manier, of nodig de ouders eerst uit.".to_owned();
        }
        Some(_) => {}
    }
    let ok = match (date, how) {
        (Some(d), Some(h)) if !s.date.has_error() && s.how_error.is_empty() => Some((d, h)),
        _ => None,
    };
    Ok((s, ok))
}
