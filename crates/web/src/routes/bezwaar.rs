//! After a decision: sending its letter (Awb 3:41: the bezwaar term runs from the day the letter
//! was sent or handed over, not from the day the decision was recorded), and the beslissing op
//! bezwaar (Awb 7:11, 7:12) after the LBT's advice, with its own letter that names beroep at the
//! rechtbank. Toeleiders only; the applying school and the parents read the letters once sent.

use crate::AppState;
use crate::access::{Relation, actor, record_read, request_for};
use crate::app::Routes;
use crate::auth::{Principal, Visitor};
use crate::dates::{long, long_or, today};
use crate::error::{AppError, AppResult};
use crate::files::attachment;
use crate::forms::{Field, summary};
use crate::forms::{Opt, date_field, form, opts, val};
use crate::layout::{AppLayout, layout};
use crate::letters::{
    HOW, bob_letter_bytes, filed_by_words, how_label, make_bob_letter, new_decision_sentence,
    outcome_words,
};
use crate::notices::request_link;
use crate::notices::{ParentNews, parent_notices};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use passend_domain::tlv::{self, Category, Placement, RequestKind};
use passend_store::audit::Outcome;
use passend_store::bezwaar::{self as bz, BeslissingRow, Letter, NewBeslissing};
use passend_store::casework::{self as cw, DecisionRow, Notice, Request};
use serde::Deserialize;

/// The routes of this area.
pub fn router() -> Routes {
    Routes::new()
        .get("/besluiten/{id}/verzending", decision_send_form)
        .post("/besluiten/{id}/verzending", send_decision)
        .get("/bezwaren/{id}/beslissing", beslissing_page)
        .post("/bezwaren/{id}/beslissing", take_beslissing)
        .post("/beslissingen/{id}/verzending", send_beslissing)
        .get("/beslissingen/{id}/brief.pdf", beslissing_letter)
}

/// Records a refusal and answers "not found".
async fn refuse(state: &AppState, visitor: &Visitor, object: &str, id: i64) -> AppError {
    let id = id.to_string();
    let event = visitor.event("read", object, &id, Outcome::Denied, "not toeleiding");
    match passend_store::audit::append(&state.db, &event).await {
        Ok(_) => AppError::NotFound,
        Err(e) => e.into(),
    }
}

/// A decision and its request, for toeleiding only.
async fn toeleider_decision(
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
struct DoneQuery {
    #[serde(default)]
    gedaan: String,
}

/// The sending form's fields.
struct SendForm {
    date: Field,
    how: Vec<Opt>,
    how_error: String,
    /// Whether the LBT's advice must go with the letter (a beslissing after its advice).
    ask_enclosure: bool,
    enclosure: bool,
    enclosure_error: String,
}

impl SendForm {
    fn new() -> SendForm {
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
async fn read_send(
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

// ---------------------------------------------------------------------------------------------
// Sending the decision letter

#[derive(Template)]
#[template(path = "app/verzending.html")]
struct SendView {
    layout: AppLayout,
    request_id: i64,
    decision_id: i64,
    number: String,
    pupil: String,
    decided_on: String,
    sent: Option<String>,
    bezwaar_until: Option<String>,
    send: SendForm,
    errors: Vec<(String, String)>,
}

fn send_view(
    state: &AppState,
    visitor: &Visitor,
    d: &DecisionRow,
    send: SendForm,
    errors: Vec<(String, String)>,
) -> SendView {
    let mut l = layout(
        state,
        visitor,
        "Verzending van de besluitbrief",
        "/swv/aanvragen",
    );
    if d.sent_on.is_some() {
        l.notice = Some(
            "De verzending is vastgelegd. De bezwaartermijn loopt vanaf de dag na de verzending."
                .to_owned(),
        );
    }
    SendView {
        layout: l,
        request_id: d.request_id,
        decision_id: d.id,
        number: d.beschikkingsnummer.clone(),
        pupil: d.pupil_name.clone(),
        decided_on: long(d.letter_on),
        sent: d.sent_on.map(|s| {
            format!(
                "{}, {}",
                long(s),
                how_label(d.sent_how.as_deref().unwrap_or_default())
            )
        }),
        bezwaar_until: d.sent_on.map(|s| long(tlv::bezwaar_deadline(s))),
        send,
        errors,
    }
}

async fn decision_send_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let p = visitor.signed_in()?.clone();
    let (d, r) = toeleider_decision(&state, &visitor, &p, id).await?;
    record_read(
        &state,
        &visitor,
        "besluit",
        &d.id.to_string(),
        r.pupil_id,
        "read",
    )
    .await?;
    let view = send_view(&state, &visitor, &d, SendForm::new(), Vec::new());
    Ok(Html(view.render()?).into_response())
}

async fn send_decision(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    body: String,
) -> AppResult<Response> {
    let p = visitor.signed_in()?.clone();
    let (d, r) = toeleider_decision(&state, &visitor, &p, id).await?;
    if d.sent_on.is_some() {
        return Ok(Redirect::to(&format!("/besluiten/{id}/verzending")).into_response());
    }
    let decided = tlv::dutch_day(d.decided_at);
    let (send, ok) = read_send(&state, &body, decided, r.pupil_id).await?;
    let Some((date, how)) = ok else {
        let errors = send_errors(&send);
        let view = send_view(&state, &visitor, &d, send, errors);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(view.render()?)).into_response());
    };
    record_sending(&state, &visitor, &p, &r, Letter::Decision(d.id), date, how).await?;
    Ok(Redirect::to(&format!("/aanvragen/{}?gedaan=verzonden#besluit-kop", r.id)).into_response())
}

/// Records that a letter was sent (once), with its timeline line and the parents' mail, and
/// makes the letter as sent: with the day of sending and the last day for bezwaar or beroep.
#[allow(clippy::too_many_arguments)]
async fn record_sending(
    state: &AppState,
    visitor: &Visitor,
    p: &Principal,
    r: &Request,
    letter: Letter,
    date: NaiveDate,
    how: &str,
) -> AppResult<()> {
    // The parents with a portal account read the letter there from now on.
    let (key, what) = match letter {
        Letter::Decision(id) => (
            format!("brief-{id}"),
            format!(
                "Besluitbrief verzonden op {} ({}); bezwaar kan tot en met {}",
                long(date),
                how_label(how),
                long(tlv::bezwaar_deadline(date))
            ),
        ),
        Letter::Beslissing(id) => (
            format!("bob-brief-{id}"),
            format!(
                "Beslissing op bezwaar verzonden op {} ({}); beroep kan tot en met {}",
                long(date),
                how_label(how),
                long(tlv::beroep_deadline(date))
            ),
        ),
    };
    let notices = sending_notices(state, p.tenant_id, r, letter, &key).await?;
    let done = bz::record_sent(
        &state.db,
        &actor(p, visitor),
        r,
        letter,
        date,
        how,
        &what,
        &notices,
    )
    .await?;
    if !done {
        return Ok(());
    }
    let made = match letter {
        Letter::Decision(id)
            if RequestKind::from_code(&r.kind).is_some_and(RequestKind::is_tlv) =>
        {
            crate::letters::make_letter(state, p.tenant_id, id)
                .await
                .map(|_| ())
        }
        Letter::Decision(_) => Ok(()),
        Letter::Beslissing(id) => make_bob_letter(state, p.tenant_id, id).await.map(|_| ()),
    };
    if let Err(e) = made {
        tracing::error!(error = %e, "the letter as sent was not made now; the download makes it");
    }
    Ok(())
}

/// Who hears of a letter's sending: it makes the decision known (Awb 3:41), so only now do the
/// parents read it in the portal and does a receiving school learn that a pupil with a TLV may
/// come. A beslissing op bezwaar is told to the applying school and the parents too, and when it
/// revokes the decision, to the school that would have received the pupil and the one that now
/// does. No pupil data in any mail.
async fn sending_notices(
    state: &AppState,
    tenant: i64,
    r: &Request,
    letter: Letter,
    key: &str,
) -> AppResult<Vec<Notice>> {
    let mut notices = Vec::new();
    let receiving = |key: String, email: &str| {
        crate::notices::notice(
            state,
            key,
            email,
            "Bericht van het samenwerkingsverband",
            &[
                "Er komt mogelijk een leerling met een toelaatbaarheidsverklaring naar uw school.",
                &format!(
                    "Bekijk de gegevens na het inloggen:\n{}/school/tlv",
                    state.base_url
                ),
            ],
        )
    };
    match letter {
        Letter::Decision(id) => {
            notices.extend(
                parent_notices(state, r.pupil_id, Some(r.id), ParentNews::LetterSent, key).await?,
            );
            if let Some(d) = cw::decision(&state.db, tenant, id).await?
                && d.granted
                && let Some(rid) = d.receiving_location_id
            {
                for (uid, _, email) in cw::staff_at(&state.db, tenant, rid).await? {
                    notices.push(receiving(
                        format!("besluit-{}-ontvangend-{uid}", r.id),
                        &email,
                    ));
                }
            }
        }
        Letter::Beslissing(id) => {
            let t = bz::beslissing(&state.db, tenant, id)
                .await?
                .ok_or(AppError::NotFound)?;
            for (uid, _, email) in cw::staff_at(&state.db, tenant, r.location_id).await? {
                notices.push(crate::notices::notice(
                    state,
                    format!("bob-{}-school-{uid}", t.bezwaar_id),
                    &email,
                    "Er is een beslissing op een bezwaar",
                    &[
                        "Het samenwerkingsverband heeft beslist op een bezwaar tegen een besluit over een aanvraag van uw school. De brief staat klaar na het inloggen.",
                        &request_link(state, r.id),
                    ],
                ));
            }
            notices.extend(
                parent_notices(
                    state,
                    r.pupil_id,
                    Some(r.id),
                    ParentNews::BezwaarDecided,
                    &format!("bob-{}", t.bezwaar_id),
                )
                .await?,
            );
            if t.revokes {
                let new_school = t.receiving_location_id.filter(|_| t.granted == Some(true));
                let old = cw::decision(&state.db, tenant, t.decision_id).await?;
                let old_school = old
                    .filter(|d| d.granted && d.sent_on.is_some())
                    .and_then(|d| d.receiving_location_id);
                if let Some(rid) = old_school.filter(|o| Some(*o) != new_school) {
                    for (uid, _, email) in cw::staff_at(&state.db, tenant, rid).await? {
                        notices.push(crate::notices::notice(
                            state,
                            format!("bob-{}-vorige-ontvangend-{uid}", t.id),
                            &email,
                            "Bericht van het samenwerkingsverband",
                            &[
                                "Een toelaatbaarheidsverklaring waarbij uw school als ontvangende school was genoemd, is na een bezwaar gewijzigd. De leerling komt niet meer met die verklaring naar uw school. Deze leerling staat niet meer in uw overzicht van toelaatbaarheidsverklaringen.",
                            ],
                        ));
                    }
                }
                if let Some(rid) = new_school.filter(|n| Some(*n) != old_school) {
                    for (uid, _, email) in cw::staff_at(&state.db, tenant, rid).await? {
                        notices.push(receiving(format!("bob-{}-ontvangend-{uid}", t.id), &email));
                    }
                }
            }
        }
    }
    Ok(notices)
}

fn send_errors(send: &SendForm) -> Vec<(String, String)> {
    let mut errors = summary(&[("verzonden-op", &send.date)]);
    if !send.enclosure_error.is_empty() {
        errors.push(("bijlage".to_owned(), send.enclosure_error.clone()));
    }
    if !send.how_error.is_empty() {
        errors.push(("wijze-post".to_owned(), send.how_error.clone()));
    }
    errors
}

// ---------------------------------------------------------------------------------------------
// The beslissing op bezwaar

#[derive(Template)]
#[template(path = "app/beslissing.html")]
struct BeslissingView {
    layout: AppLayout,
    bezwaar_id: i64,
    request_id: i64,
    pupil: String,
    number: String,
    decision: String,
    decided_on: String,
    received: String,
    filed_by: String,
    lbt_sent: String,
    lbt_advice: String,
    due: String,
    /// How the deadline is counted, with the configured weeks.
    due_rule: String,
    is_tlv: bool,
    is_so: bool,
    /// The beslissing, once taken.
    taken: Option<TakenLines>,
    f: BeslissingForm,
    send: SendForm,
    errors: Vec<(String, String)>,
}

struct TakenLines {
    id: i64,
    outcome: String,
    revoked: Option<String>,
    reasons: String,
    deviation: String,
    letter_on: String,
    sent: Option<String>,
    beroep_until: Option<String>,
}

/// The beslissing form, as typed.
#[derive(Default)]
struct BeslissingForm {
    outcome: Vec<Opt>,
    outcome_error: String,
    granted: Vec<Opt>,
    granted_error: String,
    category: Vec<Opt>,
    category_error: String,
    start: Field,
    end: Field,
    no_end: bool,
    receiving: Vec<Opt>,
    reasons: Field,
    /// Why the beslissing deviates from the LBT's advice (Awb 7:13 lid 7).
    deviation: Field,
}

const OUTCOMES: [(&str, &str); 3] = [
    ("gegrond", "Gegrond: de bezwaarmaker krijgt (deels) gelijk"),
    ("ongegrond", "Ongegrond: het besluit blijft staan"),
    (
        "niet-ontvankelijk",
        "Niet-ontvankelijk: het bezwaar wordt niet inhoudelijk beoordeeld (te laat, of niet door een belanghebbende)",
    ),
];

async fn receiving_options(
    state: &AppState,
    kind: RequestKind,
    chosen: &str,
) -> AppResult<Vec<Opt>> {
    let mut out = vec![Opt {
        value: String::new(),
        label: "Nog niet bekend".to_owned(),
        selected: chosen.is_empty(),
    }];
    for l in passend_store::locations::location_choices(&state.db).await? {
        let fits = match kind.placement() {
            Some(Placement::Sbo) => l.school_type == "sbo",
            Some(Placement::So(_)) => matches!(l.school_type.as_str(), "so" | "so-vso"),
            None => false,
        };
        if fits {
            out.push(Opt {
                selected: l.id.to_string() == chosen,
                value: l.id.to_string(),
                label: format!("{} ({})", l.name, crate::map::title_case(&l.place)),
            });
        }
    }
    Ok(out)
}

async fn blank_form(
    state: &AppState,
    kind: RequestKind,
    d: &DecisionRow,
) -> AppResult<BeslissingForm> {
    let start = today();
    let end = state.casework.policy.default_end(kind, start);
    Ok(BeslissingForm {
        outcome: opts(OUTCOMES, ""),
        granted: opts([("ja", "Toelaatbaar"), ("nee", "Niet toelaatbaar")], ""),
        category: opts(
            [
                ("laag", "Laag (categorie 1)"),
                ("midden", "Midden (categorie 2)"),
                ("hoog", "Hoog (categorie 3)"),
            ],
            d.category.as_deref().unwrap_or("laag"),
        ),
        start: Field::of(start.format("%Y-%m-%d").to_string()),
        end: Field::of(
            end.map(|e| e.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
        ),
        receiving: receiving_options(
            state,
            kind,
            &d.receiving_location_id
                .map(|x| x.to_string())
                .unwrap_or_default(),
        )
        .await?,
        ..BeslissingForm::default()
    })
}

/// The bezwaar with its decision and request, for toeleiding only.
async fn toeleider_bezwaar(
    state: &AppState,
    visitor: &Visitor,
    p: &Principal,
    bezwaar_id: i64,
) -> AppResult<(cw::BezwaarRow, DecisionRow, Request)> {
    let found = cw::bezwaar(&state.db, p.tenant_id, bezwaar_id).await?;
    let Some(b) = found else {
        return Err(refuse(state, visitor, "bezwaar", bezwaar_id).await);
    };
    let (d, r) = toeleider_decision(state, visitor, p, b.decision_id).await?;
    Ok((b, d, r))
}

#[allow(clippy::too_many_arguments)]
async fn beslissing_view(
    state: &AppState,
    visitor: &Visitor,
    b: &cw::BezwaarRow,
    d: &DecisionRow,
    r: &Request,
    f: Option<BeslissingForm>,
    send: SendForm,
    errors: Vec<(String, String)>,
) -> AppResult<BeslissingView> {
    let p = visitor.signed_in()?;
    let kind = RequestKind::from_code(&r.kind)
        .ok_or_else(|| AppError::Internal("unknown kind".to_owned()))?;
    let taken = bz::beslissing_of_bezwaar(&state.db, p.tenant_id, b.id).await?;
    let mut send = send;
    send.ask_enclosure = b.lbt_advice.is_some();
    let f = match f {
        Some(f) => f,
        None => blank_form(state, kind, d).await?,
    };
    // Awb 7:10: twelve weeks (with the LBT) after the bezwaar term; without a sending date, from
    // the bezwaar's receipt.
    let term_end = d.sent_on.map_or(b.received_on, tlv::bezwaar_deadline);
    let due = tlv::bob_due(term_end, state.casework.bob_decision_weeks);
    Ok(BeslissingView {
        layout: layout(state, visitor, "Beslissing op bezwaar", "/swv/aanvragen"),
        bezwaar_id: b.id,
        request_id: r.id,
        pupil: d.pupil_name.clone(),
        number: d.beschikkingsnummer.clone(),
        decision: decision_sentence(d),
        decided_on: long(d.letter_on),
        received: long(b.received_on),
        filed_by: filed_by_words(&b.filed_by).to_owned(),
        lbt_sent: long_or(b.lbt_sent_on, "nog niet"),
        lbt_advice: match (&b.lbt_advice, b.lbt_advice_on) {
            (Some(a), Some(on)) => format!("{} (op {})", outcome_words(a), long(on)),
            _ => "nog geen advies".to_owned(),
        },
        due: long(due),
        due_rule: format!(
            "{} weken na het einde van de bezwaartermijn, Awb artikel 7:10",
            state.casework.bob_decision_weeks
        ),
        is_tlv: kind.is_tlv(),
        is_so: matches!(kind.placement(), Some(Placement::So(_))),
        taken: taken.map(|t| taken_lines(&t)),
        f,
        send,
        errors,
    })
}

fn taken_lines(t: &BeslissingRow) -> TakenLines {
    TakenLines {
        id: t.id,
        outcome: outcome_words(&t.outcome).to_owned(),
        revoked: t.revokes.then(|| new_decision_sentence(t)),
        reasons: t.reasons.clone(),
        deviation: t.deviation.clone(),
        letter_on: long(t.letter_on),
        sent: t.sent_on.map(|s| {
            format!(
                "{}, {}",
                long(s),
                how_label(t.sent_how.as_deref().unwrap_or_default())
            )
        }),
        beroep_until: t.sent_on.map(|s| long(tlv::beroep_deadline(s))),
    }
}

/// What a decision says, in one sentence.
fn decision_sentence(d: &DecisionRow) -> String {
    let placement = d
        .placement
        .as_deref()
        .and_then(|t| Placement::from_codes(t, d.category.as_deref()));
    match (d.granted, placement) {
        (true, Some(pl)) => format!(
            "toelaatbaar tot het {}{}",
            pl.education_nl(),
            pl.category()
                .map(|c| format!(", categorie {}", c.label_nl()))
                .unwrap_or_default()
        ),
        (true, None) => "toegekend".to_owned(),
        (false, _) => "niet toelaatbaar (afgewezen)".to_owned(),
    }
}

async fn beslissing_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let p = visitor.signed_in()?.clone();
    let (b, d, r) = toeleider_bezwaar(&state, &visitor, &p, id).await?;
    record_read(
        &state,
        &visitor,
        "bezwaar",
        &b.id.to_string(),
        r.pupil_id,
        "read",
    )
    .await?;
    let mut view = beslissing_view(
        &state,
        &visitor,
        &b,
        &d,
        &r,
        None,
        SendForm::new(),
        Vec::new(),
    )
    .await?;
    view.layout.notice = match q.gedaan.as_str() {
        "genomen" => Some("De beslissing op bezwaar is genomen en de brief is gemaakt. Leg hieronder vast wanneer de brief is verzonden: dan gaat de beroepstermijn lopen.".to_owned()),
        "verzonden" => Some("De verzending is vastgelegd.".to_owned()),
        _ => None,
    };
    Ok(Html(view.render()?).into_response())
}

async fn take_beslissing(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    body: String,
) -> AppResult<Response> {
    let p = visitor.signed_in()?.clone();
    let (b, d, r) = toeleider_bezwaar(&state, &visitor, &p, id).await?;
    if b.outcome.is_some() {
        return Ok(Redirect::to(&format!("/bezwaren/{id}/beslissing")).into_response());
    }
    let kind = RequestKind::from_code(&r.kind)
        .ok_or_else(|| AppError::Internal("unknown kind".to_owned()))?;
    let f = form(&body);
    let outcome = val(&f, "uitkomst");
    let mut bf = blank_form(&state, kind, &d).await?;
    bf.outcome = opts(OUTCOMES, &outcome);
    let granted_code = val(&f, "toelaatbaar");
    bf.granted = opts(
        [("ja", "Toelaatbaar"), ("nee", "Niet toelaatbaar")],
        &granted_code,
    );
    let category_code = val(&f, "categorie");
    bf.category = opts(
        [
            ("laag", "Laag (categorie 1)"),
            ("midden", "Midden (categorie 2)"),
            ("hoog", "Hoog (categorie 3)"),
        ],
        &category_code,
    );
    bf.start = Field::of(val(&f, "start"));
    bf.end = Field::of(val(&f, "einde"));
    bf.no_end = val(&f, "geen-einde") == "ja";
    let receiving = val(&f, "ontvangend");
    bf.receiving = receiving_options(&state, kind, &receiving).await?;
    bf.reasons = Field::of(val(&f, "motivering"));
    bf.deviation = Field::of(val(&f, "afwijking"));
    if !OUTCOMES.iter().any(|(c, _)| *c == outcome) {
        bf.outcome_error = "Kies de uitkomst van de beslissing op bezwaar.".to_owned();
    }
    if bf.reasons.value.trim().is_empty() {
        bf.reasons.error = Some("Schrijf op waarom u zo beslist: dat komt in de brief.".to_owned());
    } else if bf.reasons.value.chars().count() > 5000 {
        bf.reasons.error = Some("Maak de motivering korter: hooguit 5.000 tekens.".to_owned());
    }
    // Without the LBT's advice only a bezwaar granted in full may be decided (LBT reglement
    // art. 2); deviating from the advice must be reasoned (Awb 7:13 lid 7).
    match &b.lbt_advice {
        None if outcome != "gegrond" && bf.outcome_error.is_empty() => {
            bf.outcome_error = "Zonder advies van de LBT kunt u het bezwaar alleen helemaal gegrond verklaren. Leg eerst het advies van de LBT vast.".to_owned();
        }
        Some(a) if *a != outcome && !outcome.is_empty() && bf.deviation.value.trim().is_empty() => {
            bf.deviation.error = Some(format!(
                "U wijkt af van het advies van de LBT ({}). Schrijf op waarom: dat moet in de brief staan.",
                outcome_words(a)
            ));
        }
        _ => {}
    }
    if bf.deviation.value.chars().count() > 3000 {
        bf.deviation.error = Some("Maak de uitleg korter: hooguit 3.000 tekens.".to_owned());
    }
    // Only a deviation from an advice that was given is kept.
    let deviates = b
        .lbt_advice
        .as_deref()
        .is_some_and(|a| a != outcome && !outcome.is_empty());
    // A gegrond bezwaar revokes the decision (Awb 7:11 lid 2): the new decision is always
    // given, even when it says the same with better reasons.
    let mut new = NewBeslissing {
        outcome: outcome.clone(),
        reasons: bf.reasons.value.trim().to_owned(),
        deviation: if deviates {
            bf.deviation.value.trim().to_owned()
        } else {
            String::new()
        },
        revokes: outcome == "gegrond",
        granted: None,
        placement: None,
        category: None,
        start_on: None,
        end_on: None,
        receiving_location_id: None,
        letter_on: today(),
    };
    if new.revokes {
        let granted = match granted_code.as_str() {
            "ja" => Some(true),
            "nee" => Some(false),
            _ => {
                bf.granted_error =
                    "Een gegrond bezwaar herroept het besluit: kies wat het nieuwe besluit is."
                        .to_owned();
                None
            }
        };
        if let Some(g) = granted {
            new.granted = Some(g);
            let placement = match kind.placement() {
                Some(Placement::Sbo) => Some(Placement::Sbo),
                Some(Placement::So(_)) => match Category::from_code(&category_code) {
                    Some(c) => Some(Placement::So(c)),
                    None if !g => None,
                    None => {
                        bf.category_error = "Kies de bekostigingscategorie.".to_owned();
                        None
                    }
                },
                None => None,
            };
            if g {
                new.placement = placement.map(|pl| pl.type_code().to_owned());
                new.category = placement
                    .and_then(Placement::category)
                    .map(|c| c.label_nl().to_owned());
                new.start_on = date_field(
                    &bf.start.value.clone(),
                    &mut bf.start,
                    true,
                    "de startdatum",
                );
                new.end_on = if bf.no_end {
                    None
                } else {
                    date_field(
                        &bf.end.value.clone(),
                        &mut bf.end,
                        true,
                        "de einddatum (of kies: geen einddatum)",
                    )
                };
                if let (Some(s), Some(e)) = (new.start_on, new.end_on)
                    && e <= s
                {
                    bf.end.error = Some("De einddatum moet na de startdatum liggen.".to_owned());
                }
                new.receiving_location_id = receiving
                    .parse::<i64>()
                    .ok()
                    .filter(|rid| bf.receiving.iter().any(|o| o.value == rid.to_string()));
            }
        }
    }
    // Without the LBT a bezwaar may only be met in full: the same decision again (with better
    // reasons) needs the LBT's advice first.
    let same_again = new.granted == Some(d.granted)
        && (!d.granted
            || (new.placement == d.placement
                && new.category == d.category
                && new.start_on == d.start_on
                && new.end_on == d.end_on
                && new.receiving_location_id == d.receiving_location_id));
    if new.revokes
        && b.lbt_advice.is_none()
        && same_again
        && bf.outcome_error.is_empty()
        && bf.granted_error.is_empty()
    {
        bf.outcome_error = "Zonder advies van de LBT kunt u alleen beslissen als u de bezwaarmaker helemaal gelijk geeft: dan is het nieuwe besluit anders dan het oude. Wilt u hetzelfde besluit houden, met een betere motivering? Vraag dan eerst advies aan de LBT.".to_owned();
    }
    let mut errors = Vec::new();
    if !bf.outcome_error.is_empty() {
        errors.push(("uitkomst-gegrond".to_owned(), bf.outcome_error.clone()));
    }
    if !bf.granted_error.is_empty() {
        errors.push(("toelaatbaar-ja".to_owned(), bf.granted_error.clone()));
    }
    if !bf.category_error.is_empty() {
        errors.push(("categorie".to_owned(), bf.category_error.clone()));
    }
    errors.extend(summary(&[
        ("start", &bf.start),
        ("einde", &bf.end),
        ("motivering", &bf.reasons),
    ]));
    errors.extend(summary(&[("afwijking", &bf.deviation)]));
    if !errors.is_empty() {
        let view = beslissing_view(
            &state,
            &visitor,
            &b,
            &d,
            &r,
            Some(bf),
            SendForm::new(),
            errors,
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(view.render()?)).into_response());
    }
    let what = format!(
        "Beslissing op bezwaar: {}{}",
        outcome_words(&outcome),
        if new.revokes {
            "; het besluit is herroepen en vervangen"
        } else {
            ""
        }
    );
    // Nobody is told yet: the beslissing is made known with its letter (the school, the parents
    // and the receiving schools hear of it when the sending is recorded).
    let taken = bz::decide(&state.db, &actor(&p, &visitor), &r, b.id, &new, &what, &[]).await?;
    let Some(bob_id) = taken else {
        return Ok(Redirect::to(&format!("/bezwaren/{id}/beslissing")).into_response());
    };
    if let Err(e) = make_bob_letter(&state, p.tenant_id, bob_id).await {
        tracing::error!(error = %e, "the letter of a beslissing op bezwaar was not made now");
    }
    Ok(Redirect::to(&format!("/bezwaren/{id}/beslissing?gedaan=genomen")).into_response())
}

async fn send_beslissing(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    body: String,
) -> AppResult<Response> {
    let p = visitor.signed_in()?.clone();
    let Some(t) = bz::beslissing(&state.db, p.tenant_id, id).await? else {
        return Err(refuse(&state, &visitor, "beslissing-op-bezwaar", id).await);
    };
    let (b, d, r) = toeleider_bezwaar(&state, &visitor, &p, t.bezwaar_id).await?;
    if t.sent_on.is_some() {
        return Ok(Redirect::to(&format!("/bezwaren/{}/beslissing", b.id)).into_response());
    }
    let (mut send, mut ok) =
        read_send(&state, &body, tlv::dutch_day(t.decided_at), r.pupil_id).await?;
    // The LBT's advice goes with the beslissing (Awb 7:13 lid 7); the letter says so.
    send.ask_enclosure = t.lbt_advice.is_some();
    if send.ask_enclosure && !send.enclosure {
        send.enclosure_error =
            "Stuur het advies van de LBT mee met de brief, en vink dat hier aan.".to_owned();
        ok = None;
    }
    let Some((date, how)) = ok else {
        let errors = send_errors(&send);
        let view = beslissing_view(&state, &visitor, &b, &d, &r, None, send, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(view.render()?)).into_response());
    };
    record_sending(
        &state,
        &visitor,
        &p,
        &r,
        Letter::Beslissing(t.id),
        date,
        how,
    )
    .await?;
    Ok(Redirect::to(&format!("/bezwaren/{}/beslissing?gedaan=verzonden", b.id)).into_response())
}

/// The beslissing's letter, for the applying school and toeleiding.
async fn beslissing_letter(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let p = visitor.signed_in()?.clone();
    let Some(t) = bz::beslissing(&state.db, p.tenant_id, id).await? else {
        return Err(refuse(&state, &visitor, "beslissing-op-bezwaar", id).await);
    };
    let (_, pupil, relation) = request_for(&state, &visitor, &p, t.request_id).await?;
    // The applying school reads it once sent (nobody is told before); the receiving school and
    // experts never (it is written to the objector).
    let allowed = match relation {
        Relation::Toeleider => true,
        Relation::School => t.sent_on.is_some(),
        Relation::Receiving | Relation::Expert => false,
    };
    if !allowed {
        return Err(refuse(&state, &visitor, "beslissing-op-bezwaar", id).await);
    }
    let bytes = bob_letter_bytes(&state, p.tenant_id, &t).await?;
    record_read(
        &state,
        &visitor,
        "beslissing-op-bezwaar",
        &id.to_string(),
        pupil.id,
        "download",
    )
    .await?;
    Ok(attachment(
        bytes,
        "application/pdf",
        &format!("beslissing-op-bezwaar-{id}.pdf"),
    ))
}
