//! The letters: the TLV decision letter and the letter of a beslissing op bezwaar, made (on a
//! blocking thread, by `passend-pdf`), kept in the object store, and made again with the sending
//! day once the sending is recorded; the words they share with the pages.

use crate::AppState;
use crate::auth::Visitor;
use crate::dates::{long, long_or};
use crate::error::{AppError, AppResult};
use passend_domain::tlv::{self, Placement, Profession, RequestKind};
use passend_store::bezwaar::{self as bz, BeslissingRow, Letter};
use passend_store::casework as cw;

/// The ways a letter is sent or handed over, as stored and as shown.
pub const HOW: [(&str, &str); 4] = [
    ("post", "per post"),
    ("e-mail", "per e-mail"),
    ("portaal", "in het ouderportaal (de ouders krijgen bericht)"),
    ("uitgereikt", "uitgereikt in een gesprek"),
];

/// The words for a way of sending.
pub fn how_label(code: &str) -> &'static str {
    HOW.iter().find(|(c, _)| *c == code).map_or("", |(_, l)| l)
}

/// The key suffix of a letter made after it was sent: it names the sending date and the last
/// day for bezwaar or beroep. A stored letter without it was a concept.
pub const SENT_SUFFIX: &str = "verzonden.pdf";

/// Who filed a bezwaar, in words.
pub fn filed_by_words(code: &str) -> &'static str {
    match code {
        "ouders" => "de ouders",
        "school" => "de school",
        _ => "een andere belanghebbende",
    }
}

pub(crate) fn outcome_words(code: &str) -> &'static str {
    match code {
        "gegrond" => "gegrond",
        "ongegrond" => "ongegrond",
        _ => "niet-ontvankelijk",
    }
}

/// The new decision of a revoking beslissing, in one sentence (also for the letter).
pub(crate) fn new_decision_sentence(t: &BeslissingRow) -> String {
    let placement = t
        .placement
        .as_deref()
        .and_then(|p| Placement::from_codes(p, t.category.as_deref()));
    match (t.granted, placement) {
        (Some(true), Some(pl)) => {
            let period = match (t.start_on, t.end_on) {
                (Some(s), Some(e)) => format!(", van {} tot en met {}", long(s), long(e)),
                (Some(s), None) => format!(", vanaf {} zonder einddatum", long(s)),
                _ => String::new(),
            };
            format!(
                "toelaatbaar tot het {}{}{period}",
                pl.education_nl(),
                pl.category()
                    .map(|c| format!(", bekostigingscategorie {}", c.label_nl()))
                    .unwrap_or_default()
            )
        }
        (Some(true), None) => "toegekend".to_owned(),
        _ => "niet toelaatbaar".to_owned(),
    }
}

/// A beslissing's letter as it was made (as sent, once it was sent); made now if that failed.
pub(crate) async fn bob_letter_bytes(
    state: &AppState,
    tenant: i64,
    t: &BeslissingRow,
) -> AppResult<Vec<u8>> {
    match &t.letter_key {
        Some(key) if t.sent_on.is_none() || key.ends_with(SENT_SUFFIX) => {
            Ok(state.casework.files.get(key).await?)
        }
        _ => make_bob_letter(state, tenant, t.id).await,
    }
}

/// Renders the beslissing's letter (on a blocking thread), stores it in place of the earlier one
/// and returns its bytes.
pub(crate) async fn make_bob_letter(state: &AppState, tenant: i64, id: i64) -> AppResult<Vec<u8>> {
    let t = bz::beslissing(&state.db, tenant, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let d = cw::decision(&state.db, tenant, t.decision_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let r = cw::request(&state.db, tenant, d.request_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let kind = RequestKind::from_code(&r.kind);
    let education = kind
        .and_then(RequestKind::placement)
        .map(Placement::education_nl)
        .unwrap_or("speciaal onderwijs")
        .to_owned();
    let (signed_by, signed_role) = signature(state, t.decided_by_name.as_deref());
    let letter = passend_pdf::BezwaarLetter {
        swv: state.site_name.clone(),
        swv_address: postal_address(state).await?,
        date: long(t.letter_on),
        sent: t.sent_on.map(|s| (long(s), long(tlv::beroep_deadline(s)))),
        beschikkingsnummer: d.beschikkingsnummer.clone(),
        decision_date: long(d.letter_on),
        pupil: d.pupil_name.clone(),
        addressee: match t.filed_by.as_str() {
            "ouders" => format!("de ouders of verzorgers van {}", d.pupil_name),
            "school" => format!("de directie van {}", d.location_name),
            _ => "de bezwaarmaker".to_owned(),
        },
        salutation: match t.filed_by.as_str() {
            "ouders" => "Beste ouders of verzorgers".to_owned(),
            "school" => "Beste directie".to_owned(),
            _ => "Beste heer, mevrouw".to_owned(),
        },
        // The other belanghebbenden get the beslissing too (Awb 7:12 lid 2).
        copies: match t.filed_by.as_str() {
            "ouders" => d.location_name.clone(),
            "school" => format!("de ouders of verzorgers van {}", d.pupil_name),
            _ => format!(
                "de ouders of verzorgers van {} en {}",
                d.pupil_name, d.location_name
            ),
        },
        received: long(t.bezwaar_received_on),
        education,
        outcome: t.outcome.clone(),
        lbt: t
            .lbt_advice
            .as_deref()
            .zip(t.lbt_advice_on)
            .map(|(a, on)| (outcome_words(a).to_owned(), long(on))),
        lbt_asked: match (&t.lbt_advice, t.lbt_sent_on) {
            (None, Some(on)) => long(on),
            _ => String::new(),
        },
        deviation: t.deviation.clone(),
        new_decision: t
            .revokes
            .then(|| format!("{} is {}.", d.pupil_name, new_decision_sentence(&t))),
        reasons: t.reasons.clone(),
        rechtbank: state.casework.rechtbank.clone(),
        contact: contact_line(state, &r).await?,
        signed_by,
        signed_role,
    };
    let bytes = typeset(move || passend_pdf::bezwaar_letter(&letter)).await?;
    let key = passend_store::files::Files::new_key(
        "brieven",
        if t.sent_on.is_some() {
            SENT_SUFFIX
        } else {
            "pdf"
        },
    );
    state.casework.files.put(&key, bytes.clone()).await?;
    if bz::set_letter(
        &state.db,
        Letter::Beslissing(t.id),
        t.letter_key.as_deref(),
        &key,
    )
    .await?
    {
        // The letter it replaces stays until the hourly sweep moves it aside (see
        // `make_letter`).
        return Ok(bytes);
    }
    // Another request put a letter in place first: that one is kept.
    let _ = state.casework.files.delete(&key).await;
    let kept = bz::beslissing(&state.db, tenant, id)
        .await?
        .and_then(|t| t.letter_key)
        .ok_or(AppError::NotFound)?;
    Ok(state.casework.files.get(&kept).await?)
}

fn professions_text(list: &[Profession]) -> String {
    if let [a, b] = list
        && a == b
    {
        return format!("twee {}", a.plural_nl());
    }
    let names: Vec<String> = list
        .iter()
        .map(|p| format!("een {}", p.label_nl()))
        .collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} en {last}", rest.join(", ")),
    }
}

/// Renders the decision letter (on a blocking thread), stores it and returns its bytes.
/// A decision's letter as it was made; made now if that failed at the decision.
pub(crate) async fn letter_bytes(
    state: &AppState,
    tenant: i64,
    d: &cw::DecisionRow,
) -> AppResult<Vec<u8>> {
    match &d.letter_key {
        // Once sent, the letter kept is the one that names the sending day and the last day for
        // bezwaar; a concept made at the decision is made again.
        Some(key) if d.sent_on.is_none() || key.ends_with(crate::letters::SENT_SUFFIX) => {
            Ok(state.casework.files.get(key).await?)
        }
        _ => make_letter(state, tenant, d.id).await,
    }
}

/// Renders the decision letter (on a blocking thread), stores it in place of an earlier one
/// (a concept, before the letter was sent) and returns its bytes.
pub(crate) async fn make_letter(
    state: &AppState,
    tenant: i64,
    decision_id: i64,
) -> AppResult<Vec<u8>> {
    let mut d = cw::decision(&state.db, tenant, decision_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let r = cw::request(&state.db, tenant, d.request_id)
        .await?
        .ok_or(AppError::NotFound)?;
    // The letter says what the decision said when it was taken: after a revocation that is the
    // first content kept in the history, not what holds now (that is in the beslissing's letter).
    if let Some(h) = passend_store::bezwaar::history(&state.db, d.id)
        .await?
        .into_iter()
        .next()
    {
        d.granted = h.granted;
        d.placement = h.placement;
        d.category = h.category;
        d.start_on = h.start_on;
        d.end_on = h.end_on;
        d.receiving_location_id = h.receiving_location_id;
        d.receiving_name = h.receiving_name;
    }
    let professions: Vec<Profession> = cw::advices_of(&state.db, r.id)
        .await?
        .iter()
        .filter(|a| a.submitted_at.is_some())
        .filter_map(|a| a.profession.as_deref().and_then(Profession::from_code))
        .collect();
    let placement = d
        .placement
        .as_deref()
        .and_then(|t| Placement::from_codes(t, d.category.as_deref()))
        .or_else(|| RequestKind::from_code(&r.kind).and_then(RequestKind::placement));
    let (signed_by, signed_role) = signature(state, d.decided_by_name.as_deref());
    let postal = postal_address(state).await?;
    let letter = passend_pdf::DecisionLetter {
        swv: state.site_name.clone(),
        // Without a configured postal address, bezwaar goes to the named contact by e-mail.
        swv_address: if postal.trim().is_empty() {
            r.contact_email
                .as_ref()
                .map(|e| format!("per e-mail: {e}"))
                .unwrap_or_default()
        } else {
            postal
        },
        date: long(d.letter_on),
        beschikkingsnummer: d.beschikkingsnummer.clone(),
        pupil: d.pupil_name.clone(),
        birth_date: long(d.birth_date),
        school: d.location_name.clone(),
        received: long_or(d.received_on, "–"),
        toelaatbaar: d.granted,
        education: placement
            .map(Placement::education_nl)
            .unwrap_or_default()
            .to_owned(),
        category: placement
            .and_then(Placement::category)
            .map(|c| c.label_nl().to_owned()),
        start: long_or(d.start_on, "–"),
        end: d.end_on.map(long),
        receiving_school: d.receiving_name.clone(),
        reasons: d.reasons.clone(),
        experts: professions_text(&professions),
        sent: d.sent_on.map(|s| (long(s), long(tlv::bezwaar_deadline(s)))),
        contact: contact_line(state, &r).await?,
        signed_by,
        signed_role,
    };
    let bytes = typeset(move || passend_pdf::decision_letter(&letter)).await?;
    let sent = d.sent_on.is_some();
    let key = passend_store::files::Files::new_key(
        "brieven",
        if sent {
            crate::letters::SENT_SUFFIX
        } else {
            "pdf"
        },
    );
    state.casework.files.put(&key, bytes.clone()).await?;
    let letter = passend_store::bezwaar::Letter::Decision(decision_id);
    if passend_store::bezwaar::set_letter(&state.db, letter, d.letter_key.as_deref(), &key).await? {
        // The letter it replaces stays until the hourly sweep moves it aside: a reader that
        // looked up the old key a moment ago still finds it.
        return Ok(bytes);
    }
    // Another request put a letter in place first: that one is kept.
    let _ = state.casework.files.delete(&key).await;
    let kept = cw::decision(&state.db, tenant, decision_id)
        .await?
        .and_then(|d| d.letter_key)
        .ok_or(AppError::NotFound)?;
    Ok(state.casework.files.get(&kept).await?)
}

/// A decision's letter as a download for this pupil, its reading recorded.
pub async fn letter_download(
    state: &AppState,
    visitor: &Visitor,
    tenant_id: i64,
    d: &cw::DecisionRow,
    pupil_id: i64,
) -> AppResult<axum::response::Response> {
    let bytes = letter_bytes(state, tenant_id, d).await?;
    crate::access::record_read(state, visitor, "besluit", d.id, pupil_id, "download").await?;
    let name = format!("besluit-{}.pdf", d.beschikkingsnummer);
    Ok(crate::files::attachment(bytes, "application/pdf", &name))
}

/// A beslissing op bezwaar's letter as a download for this pupil, its reading recorded.
pub async fn bob_letter_download(
    state: &AppState,
    visitor: &Visitor,
    tenant_id: i64,
    bob: &BeslissingRow,
    pupil_id: i64,
) -> AppResult<axum::response::Response> {
    let bytes = bob_letter_bytes(state, tenant_id, bob).await?;
    let object = "beslissing-op-bezwaar";
    crate::access::record_read(state, visitor, object, bob.id, pupil_id, "download").await?;
    let name = format!("beslissing-op-bezwaar-{}.pdf", bob.id);
    Ok(crate::files::attachment(bytes, "application/pdf", &name))
}

/// The samenwerkingsverband's postal address, where letters say bezwaar goes: the one a
/// beheerder saved, else `PASSEND_POSTADRES`.
pub(crate) async fn postal_address(state: &AppState) -> AppResult<String> {
    let content = state
        .cache
        .get(&state.db, state.tenant_id, passend_domain::Lang::Nl)
        .await?;
    let saved = content.contact.swv_postal_address.trim();
    Ok(if saved.is_empty() {
        state.casework.postal_address.clone()
    } else {
        saved.to_owned()
    })
}

/// Whom the letter names to contact: the request's contact person, else the samenwerkingsverband
/// with the phone number and e-mail address a beheerder saved.
async fn contact_line(state: &AppState, r: &cw::Request) -> AppResult<String> {
    if let (Some(n), Some(e)) = (&r.contact_name, &r.contact_email) {
        return Ok(format!("{n}, {e}"));
    }
    let content = state
        .cache
        .get(&state.db, state.tenant_id, passend_domain::Lang::Nl)
        .await?;
    let c = &content.contact;
    let reach = [c.swv_phone.trim(), c.swv_email.trim()];
    Ok(std::iter::once(state.site_name.as_str())
        .chain(reach.into_iter().filter(|v| !v.is_empty()))
        .collect::<Vec<_>>()
        .join(", "))
}

/// Who signs a letter: the configured signatory, else the one who decided; the configured role,
/// else "Toeleiding".
fn signature(state: &AppState, decided_by: Option<&str>) -> (String, String) {
    let (by, role) = &state.casework.signatory;
    let by = if by.is_empty() {
        decided_by.unwrap_or_default().to_owned()
    } else {
        by.clone()
    };
    let role = if role.is_empty() {
        "Toeleiding".to_owned()
    } else {
        role.clone()
    };
    (by, role)
}

/// Typesets a letter on a blocking thread (typst holds the CPU).
async fn typeset(
    make: impl FnOnce() -> Result<Vec<u8>, passend_pdf::PdfError> + Send + 'static,
) -> AppResult<Vec<u8>> {
    tokio::task::spawn_blocking(make)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))
}
