//! Registering a bezwaar and the LBT's steps.

use crate::AppState;
use crate::access::{Relation, actor, request_for};
use crate::auth::Visitor;
use crate::dates::{long, today};
use crate::error::{AppError, AppResult};
use crate::extract::SignedIn;
use crate::forms::Field;
use crate::forms::FormBody;
use crate::forms::{date_field, val};
use crate::layout::layout;
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use passend_domain::tlv::{self};
use passend_store::casework::{self as cw};

pub(crate) async fn add_bezwaar(
    SignedIn { state, visitor, p }: SignedIn,
    Path(id): Path<i64>,
    FormBody { fields: f, .. }: FormBody,
) -> AppResult<Response> {
    let Some(d) = cw::decision(&state.db, p.tenant_id, id).await? else {
        return Err(AppError::NotFound);
    };
    let (r, _, relation) = request_for(&state, &visitor, &p, d.request_id).await?;
    if relation != Relation::Toeleider {
        return Err(AppError::NotFound);
    }
    let mut received = Field::of(val(&f, "ontvangen"));
    let date = date_field(
        &received.value.clone(),
        &mut received,
        true,
        "de datum van ontvangst",
    );
    if date.is_some_and(|x| x > today() || x < d.letter_on) {
        received.error = Some(
            "Vul een datum van ontvangst in vanaf de datum van het besluit tot en met vandaag."
                .to_owned(),
        );
    }
    let filed_by = match val(&f, "door").as_str() {
        "school" => "school",
        "anders" => "anders",
        _ => "ouders",
    };
    let notes = val(&f, "notitie").chars().take(2000).collect::<String>();
    let (Some(date), None) = (date, &received.error) else {
        let paragraphs = vec![received.message().to_owned()];
        let title = (
            "Bezwaar niet geregistreerd",
            "Het bezwaar is niet geregistreerd",
        );
        return not_taken(&state, &visitor, r.id, title, paragraphs);
    };
    // Late only after the term that runs from the sending (Awb 6:7, 6:8); a bezwaar before the
    // letter was sent is early, not late (Awb 6:10).
    let late = !passend_store::bezwaar::in_time(d.sent_on, date);
    let what = format!(
        "Bezwaar ontvangen op {}{}; uiterlijk {} naar de LBT",
        long(date),
        if late { " (na de bezwaartermijn)" } else { "" },
        long(tlv::lbt_deadline(date))
    );
    let once = crate::forms::once_token(&f);
    let who = crate::access::actor_once(&p, &visitor, &once);
    cw::add_bezwaar(&state.db, &who, &r, d.id, date, filed_by, &notes, &what).await?;
    Ok(Redirect::to(&format!("/aanvragen/{}?gedaan=bezwaar#bezwaar", r.id)).into_response())
}

pub(crate) async fn update_bezwaar(
    SignedIn { state, visitor, p }: SignedIn,
    Path(id): Path<i64>,
    FormBody { fields: f, .. }: FormBody,
) -> AppResult<Response> {
    let request_id = val(&f, "aanvraag")
        .parse::<i64>()
        .map_err(|_| AppError::NotFound)?;
    let (r, _, relation) = request_for(&state, &visitor, &p, request_id).await?;
    if relation != Relation::Toeleider {
        return Err(AppError::NotFound);
    }
    let Some(b) = cw::bezwaar(&state.db, p.tenant_id, id).await? else {
        return Err(AppError::NotFound);
    };
    // The days as they happened: put to the LBT on, the advice dated (from the bezwaar's
    // receipt to today).
    let mut problems = Vec::new();
    let mut day = |name: &str, label: &str, from: NaiveDate| -> Option<NaiveDate> {
        let mut field = Field::of(val(&f, name));
        if field.value.trim().is_empty() {
            return None;
        }
        let date = date_field(&field.value.clone(), &mut field, false, label);
        match date {
            Some(d) if d > today() || d < from => {
                problems.push(format!(
                    "Vul voor {label} een datum in vanaf {} tot en met vandaag.",
                    long(from)
                ));
                None
            }
            Some(d) => Some(d),
            None => {
                problems.push(field.message().to_owned());
                None
            }
        }
    };
    let lbt = day("lbt-op", "de dag van voorleggen aan de LBT", b.received_on);
    let advice_on = day(
        "lbt-advies-op",
        "de datum van het advies",
        lbt.or(b.lbt_sent_on).unwrap_or(b.received_on),
    );
    // The LBT's advice (the beslissing op bezwaar itself is taken on its own page).
    let advice = match (val(&f, "lbt-advies").as_str(), advice_on) {
        (a @ ("gegrond" | "ongegrond" | "niet-ontvankelijk"), Some(on)) => Some((a.to_owned(), on)),
        ("gegrond" | "ongegrond" | "niet-ontvankelijk", None) => {
            if problems.is_empty() {
                problems.push("Vul ook de datum van het advies van de LBT in.".to_owned());
            }
            None
        }
        _ => None,
    };
    if !problems.is_empty() {
        let title = ("Bezwaar niet bijgewerkt", "Het bezwaar is niet bijgewerkt");
        return not_taken(&state, &visitor, r.id, title, problems);
    }
    let withdrawn = (val(&f, "ingetrokken") == "ja").then(today);
    if lbt.is_none() && advice.is_none() && withdrawn.is_none() {
        return Ok(Redirect::to(&format!("/aanvragen/{}#bezwaar", r.id)).into_response());
    }
    let mut what = Vec::new();
    if let Some(on) = lbt {
        what.push(format!("Bezwaar voorgelegd aan de LBT op {}", long(on)));
    }
    if let Some((a, on)) = &advice {
        what.push(format!("Advies van de LBT van {}: {a}", long(*on)));
    }
    if withdrawn.is_some() {
        what.push("Bezwaar ingetrokken".to_owned());
    }
    let done = cw::update_bezwaar(
        &state.db,
        &actor(&p, &visitor),
        &r,
        id,
        lbt,
        advice.as_ref().map(|(a, d)| (a.as_str(), *d)),
        withdrawn,
        &what.join("; "),
    )
    .await?;
    if !done {
        return Err(AppError::NotFound);
    }
    Ok(Redirect::to(&format!(
        "/aanvragen/{}?gedaan=bezwaar-bijgewerkt#bezwaar",
        r.id
    ))
    .into_response())
}

/// A bezwaar form that could not be taken: 422 with the problems and the way back to the
/// request. `title` is the page's title and its heading.
fn not_taken(
    state: &AppState,
    visitor: &Visitor,
    request_id: i64,
    title: (&str, &str),
    problems: Vec<String>,
) -> AppResult<Response> {
    let view = crate::layout::MessageView {
        layout: layout(state, visitor, title.0, ""),
        heading: title.1.to_owned(),
        paragraphs: problems,
        link: Some((
            format!("/aanvragen/{request_id}#bezwaar"),
            "Terug naar de aanvraag".to_owned(),
        )),
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(view.render()?)).into_response())
}
