//! The beslissing op bezwaar: the form, taking it, sending its letter.

use crate::AppState;
use crate::access::{Relation, actor, record_read, request_for};
use crate::auth::{Principal, Visitor};
use crate::dates::{long, long_or, today};
use crate::error::{AppError, AppResult};
use crate::extract::SignedIn;
use crate::forms::FormBody;
use crate::forms::{Field, summary};
use crate::forms::{Opt, date_field, opts, val};
use crate::layout::{AppLayout, layout};
use crate::letters::{
    filed_by_words, how_label, make_bob_letter, new_decision_sentence, outcome_words,
};
use crate::routes::bezwaar::*;
use crate::texts::staff;
use askama::Template;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use passend_domain::tlv::{self, Category, Placement, RequestKind};
use passend_store::bezwaar::{self as bz, BeslissingRow, Letter, NewBeslissing};
use passend_store::casework::{self as cw, DecisionRow, Request};

#[derive(Template)]
#[template(path = "bezwaar/beslissing/beslissing.html")]
pub(crate) struct BeslissingView {
    pub(crate) layout: AppLayout,
    pub(crate) bezwaar_id: i64,
    pub(crate) request_id: i64,
    pub(crate) pupil: String,
    pub(crate) number: String,
    pub(crate) decision: String,
    pub(crate) decided_on: String,
    pub(crate) received: String,
    pub(crate) filed_by: String,
    pub(crate) lbt_sent: String,
    pub(crate) lbt_advice: String,
    pub(crate) due: String,
    /// How the deadline is counted, with the configured weeks.
    pub(crate) due_rule: String,
    pub(crate) is_tlv: bool,
    pub(crate) is_so: bool,
    /// The beslissing, once taken.
    pub(crate) taken: Option<TakenLines>,
    pub(crate) f: BeslissingForm,
    pub(crate) send: SendForm,
    pub(crate) errors: Vec<(String, String)>,
}

pub(crate) struct TakenLines {
    pub(crate) id: i64,
    pub(crate) outcome: String,
    pub(crate) revoked: Option<String>,
    pub(crate) reasons: String,
    pub(crate) deviation: String,
    pub(crate) letter_on: String,
    pub(crate) sent: Option<String>,
    pub(crate) beroep_until: Option<String>,
}

/// The beslissing form, as typed.
#[derive(Default)]
pub(crate) struct BeslissingForm {
    pub(crate) outcome: Vec<Opt>,
    pub(crate) outcome_error: String,
    pub(crate) granted: Vec<Opt>,
    pub(crate) granted_error: String,
    pub(crate) category: Vec<Opt>,
    pub(crate) category_error: String,
    pub(crate) start: Field,
    pub(crate) end: Field,
    pub(crate) no_end: bool,
    pub(crate) receiving: Vec<Opt>,
    pub(crate) reasons: Field,
    /// Why the beslissing deviates from the LBT's advice (Awb 7:13 lid 7).
    pub(crate) deviation: Field,
}

pub(crate) const OUTCOMES: [(&str, &str); 3] = [
    ("gegrond", "Gegrond: de bezwaarmaker krijgt (deels) gelijk"),
    ("ongegrond", "Ongegrond: het besluit blijft staan"),
    (
        "niet-ontvankelijk",
        "Niet-ontvankelijk: het bezwaar wordt niet inhoudelijk beoordeeld (te laat, of niet door een belanghebbende)",
    ),
];

pub(crate) async fn receiving_options(
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
                label: format!("{} ({})", l.name, passend_domain::duo::place_name(&l.place)),
            });
        }
    }
    Ok(out)
}

pub(crate) async fn blank_form(
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
pub(crate) async fn toeleider_bezwaar(
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
pub(crate) async fn beslissing_view(
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

pub(crate) fn taken_lines(t: &BeslissingRow) -> TakenLines {
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
pub(crate) fn decision_sentence(d: &DecisionRow) -> String {
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

pub(crate) async fn beslissing_page(
    SignedIn { state, visitor, p }: SignedIn,
    Path(id): Path<i64>,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let (b, d, r) = toeleider_bezwaar(&state, &visitor, &p, id).await?;
    record_read(&state, &visitor, "bezwaar", b.id, r.pupil_id, "read").await?;
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
    view.layout.notice = staff::notice(staff::BESLISSING, &q.gedaan);
    Ok(Html(view.render()?).into_response())
}

pub(crate) async fn take_beslissing(
    SignedIn { state, visitor, p }: SignedIn,
    Path(id): Path<i64>,
    FormBody { fields: f, .. }: FormBody,
) -> AppResult<Response> {
    let (b, d, r) = toeleider_bezwaar(&state, &visitor, &p, id).await?;
    if b.outcome.is_some() {
        return Ok(Redirect::to(&format!("/bezwaren/{id}/beslissing")).into_response());
    }
    let kind = RequestKind::from_code(&r.kind)
        .ok_or_else(|| AppError::Internal("unknown kind".to_owned()))?;
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
        letter_on: today(),
        ..NewBeslissing::default()
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

pub(crate) async fn send_beslissing(
    SignedIn { state, visitor, p }: SignedIn,
    Path(id): Path<i64>,
    body: String,
) -> AppResult<Response> {
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
pub(crate) async fn beslissing_letter(
    SignedIn { state, visitor, p }: SignedIn,
    Path(id): Path<i64>,
) -> AppResult<Response> {
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
    crate::letters::bob_letter_download(&state, &visitor, p.tenant_id, &t, pupil.id).await
}
