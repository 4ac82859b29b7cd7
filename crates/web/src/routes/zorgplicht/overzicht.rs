//! The overviews: the school's registers, the SWV's zorgplicht and thuiszitters, the Inspectie report.

use crate::AppState;
use crate::access::record_list;
use crate::auth::Visitor;
use crate::dates::{long, long_or, today};
use crate::error::AppResult;
use crate::exports::csv_response;
use crate::extract::SignedIn;
use crate::files::attachment;
use crate::forms::Field;
use crate::forms::date_field;
use crate::layout::{AppLayout, layout};
use crate::routes::zorgplicht::*;
use crate::texts::{domain_of, state_words};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use passend_domain::thuiszitters::{self as tz, Kind};
use passend_domain::zorgplicht::{self as zp, TermPolicy, TermState};
use passend_store::zorgplicht::{self as store, AanmeldingRow, ThuiszitterRow};
use serde::Deserialize;

pub(crate) struct AanmeldingLine {
    pub(crate) id: i64,
    pub(crate) pupil: String,
    pub(crate) school: String,
    pub(crate) received: String,
    pub(crate) due: String,
    pub(crate) state: String,
    pub(crate) late: bool,
}

pub(crate) struct ThuiszitterLine {
    pub(crate) id: i64,
    pub(crate) pupil: String,
    pub(crate) school: String,
    pub(crate) kind: String,
    pub(crate) since: String,
    pub(crate) weeks: i64,
    pub(crate) offer: bool,
    pub(crate) leerplicht: bool,
    pub(crate) until: String,
}

pub(crate) struct SickLine {
    pub(crate) id: i64,
    pub(crate) pupil: String,
    pub(crate) since: String,
    pub(crate) until: String,
    pub(crate) referral_needed: bool,
    pub(crate) referred: bool,
}

pub(crate) fn aanmelding_line(
    policy: &TermPolicy,
    a: &AanmeldingRow,
    name: String,
) -> AanmeldingLine {
    let d = domain_of(a);
    let (state, late) = state_words(policy, &d);
    AanmeldingLine {
        id: a.id,
        pupil: name,
        school: a.location_name.clone(),
        received: long(a.received_on),
        due: long(d.decision_due(policy)),
        state,
        late,
    }
}

pub(crate) fn thuiszitter_line(t: &ThuiszitterRow) -> ThuiszitterLine {
    ThuiszitterLine {
        id: t.id,
        pupil: format!("{} {}", t.given_name, t.family_name),
        school: t.location_name.clone(),
        kind: Kind::from_code(&t.kind)
            .map(|k| k.label_nl().to_owned())
            .unwrap_or_else(|| t.kind.clone()),
        since: long(t.since),
        weeks: (t.until.unwrap_or_else(today) - t.since).num_days().max(0) / 7,
        offer: t.has_offer,
        leerplicht: t.leerplicht_informed_on.is_some() || !t.leerplicht_contact.is_empty(),
        until: long_or(t.until, "nog thuis"),
    }
}

#[derive(Template)]
#[template(path = "zorgplicht/overzicht/school.html")]
pub(crate) struct SchoolView {
    pub(crate) layout: AppLayout,
    pub(crate) aanmeldingen: Vec<AanmeldingLine>,
    pub(crate) thuiszitters: Vec<ThuiszitterLine>,
    pub(crate) sick: Vec<SickLine>,
    pub(crate) all: bool,
}

#[derive(Debug, Deserialize, Default)]
pub(crate) struct ListQuery {
    #[serde(default)]
    pub(crate) weergave: String,
    #[serde(default)]
    pub(crate) peildatum: String,
    #[serde(default, deserialize_with = "crate::paging::page_number")]
    pub(crate) pagina: Option<usize>,
}

pub(crate) async fn school_overview(
    SignedIn { state, visitor, p }: SignedIn,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let all = q.weergave == "alle";
    let a = store::aanmeldingen(&state.db, p.tenant_id, Some(p.user_id), !all).await?;
    let t = store::thuiszitters(&state.db, p.tenant_id, Some(p.user_id), !all).await?;
    let z = store::sick_pupils(&state.db, p.tenant_id, Some(p.user_id), !all).await?;
    record_list(
        &state,
        &visitor,
        "search",
        "zorgplicht",
        a.iter()
            .map(|x| x.pupil_id)
            .chain(t.iter().map(|x| x.pupil_id))
            .chain(z.iter().map(|x| x.pupil_id)),
    )
    .await?;
    let days = state.casework.ozl_after_days;
    Ok(Html(
        SchoolView {
            layout: layout(
                &state,
                &visitor,
                "Zorgplicht en verzuim",
                "/school/zorgplicht",
            ),
            aanmeldingen: a
                .iter()
                .map(|x| {
                    aanmelding_line(
                        term_policy(&state),
                        x,
                        format!("{} {}", x.given_name, x.family_name),
                    )
                })
                .collect(),
            thuiszitters: t.iter().map(thuiszitter_line).collect(),
            sick: z
                .iter()
                .map(|x| SickLine {
                    id: x.id,
                    pupil: format!("{} {}", x.given_name, x.family_name),
                    since: long(x.since),
                    until: long(x.expected_until),
                    referral_needed: x.ozl_referred_on.is_none()
                        && x.ended_on.is_none()
                        && zp::ozl_referral_needed(x.since, x.expected_until, days),
                    referred: x.ozl_referred_on.is_some(),
                })
                .collect(),
            all,
        }
        .render()?,
    )
    .into_response())
}

pub(crate) struct SchoolCounts {
    pub(crate) name: String,
    pub(crate) open: usize,
    pub(crate) soon: usize,
    pub(crate) late: usize,
    pub(crate) temporary: usize,
    pub(crate) thuiszitters: usize,
    pub(crate) sick: usize,
}

pub(crate) struct LateLine {
    pub(crate) initials: String,
    pub(crate) birth_year: i32,
    pub(crate) school: String,
    pub(crate) received: String,
    pub(crate) state: String,
}

#[derive(Template)]
#[template(path = "zorgplicht/overzicht/swv.html")]
pub(crate) struct SwvView {
    pub(crate) layout: AppLayout,
    pub(crate) schools: Vec<SchoolCounts>,
    pub(crate) late: Vec<LateLine>,
    pub(crate) totals: [usize; 6],
}

/// A decision term that ends within this many days is counted as ending soon.
const SOON_DAYS: i64 = 14;

pub(crate) async fn swv_overview(SignedIn { state, visitor, p }: SignedIn) -> AppResult<Response> {
    let a = store::aanmeldingen(&state.db, p.tenant_id, None, true).await?;
    let t = store::thuiszitters(&state.db, p.tenant_id, None, true).await?;
    let z = store::sick_pupils(&state.db, p.tenant_id, None, true).await?;
    let mut schools: Vec<SchoolCounts> = Vec::new();
    let mut entry = |name: &str| -> usize {
        if let Some(i) = schools.iter().position(|s| s.name == name) {
            i
        } else {
            schools.push(SchoolCounts {
                name: name.to_owned(),
                open: 0,
                soon: 0,
                late: 0,
                temporary: 0,
                thuiszitters: 0,
                sick: 0,
            });
            schools.len() - 1
        }
    };
    let mut late = Vec::new();
    let mut late_pupils = Vec::new();
    let policy = term_policy(&state).clone();
    let mut indexes = Vec::new();
    for x in &a {
        indexes.push(entry(&x.location_name));
    }
    let mut t_idx = Vec::new();
    for x in &t {
        t_idx.push(entry(&x.location_name));
    }
    let mut z_idx = Vec::new();
    for x in &z {
        z_idx.push(entry(&x.location_name));
    }
    for (x, i) in a.iter().zip(indexes) {
        let d = domain_of(x);
        schools[i].open += 1;
        let st = d.state(&policy, today());
        let soon = matches!(st, TermState::Open { due } if (due - today()).num_days() <= SOON_DAYS);
        match st {
            TermState::Open { .. } if soon => schools[i].soon += 1,
            TermState::Overdue { .. } => schools[i].late += 1,
            TermState::TemporaryEnrolment { .. } => schools[i].temporary += 1,
            _ => {}
        }
        if soon
            || matches!(
                st,
                TermState::Overdue { .. } | TermState::TemporaryEnrolment { .. }
            )
        {
            late_pupils.push(x.pupil_id);
            late.push(LateLine {
                initials: tz::initials(&x.given_name, &x.family_name),
                birth_year: x.birth_date.year(),
                school: x.location_name.clone(),
                received: long(x.received_on),
                state: state_words(&policy, &d).0,
            });
        }
    }
    for i in t_idx {
        schools[i].thuiszitters += 1;
    }
    for i in z_idx {
        schools[i].sick += 1;
    }
    schools.sort_by(|a, b| a.name.cmp(&b.name));
    let pupils = late_pupils;
    record_list(&state, &visitor, "search", "zorgplicht-overzicht", pupils).await?;
    let totals = schools.iter().fold([0; 6], |t, s| {
        [
            t[0] + s.open,
            t[1] + s.soon,
            t[2] + s.late,
            t[3] + s.temporary,
            t[4] + s.thuiszitters,
            t[5] + s.sick,
        ]
    });
    Ok(Html(
        SwvView {
            layout: layout(
                &state,
                &visitor,
                "Zorgplicht in het samenwerkingsverband",
                "/swv/zorgplicht",
            ),
            schools,
            late,
            totals,
        }
        .render()?,
    )
    .into_response())
}

#[derive(Template)]
#[template(path = "zorgplicht/overzicht/swv_thuiszitters.html")]
pub(crate) struct SwvThuiszittersView {
    pub(crate) layout: AppLayout,
    pub(crate) lines: Vec<ThuiszitterLine>,
    pub(crate) pager: crate::paging::Pager,
    pub(crate) all: bool,
    pub(crate) peildatum: String,
    pub(crate) peildatum_error: String,
}

pub(crate) fn peildatum_of(raw: &str) -> Result<NaiveDate, String> {
    if raw.trim().is_empty() {
        return Ok(tz::last_peildatum(today()));
    }
    let mut f = Field::of(raw);
    match date_field(raw, &mut f, true, "de peildatum") {
        Some(d) if d > today() => Err("De peildatum kan niet in de toekomst liggen.".to_owned()),
        Some(d) if d.day() != 1 || ![2, 5, 8, 11].contains(&d.month()) => Err(
            "Kies de eerste dag van een kwartaal: 1 november, 1 februari, 1 mei of 1 augustus."
                .to_owned(),
        ),
        Some(d) => Ok(d),
        None => Err(f.error.unwrap_or_default()),
    }
}

pub(crate) async fn swv_thuiszitters(
    SignedIn { state, visitor, p }: SignedIn,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let all = q.weergave == "alle";
    let rows = store::thuiszitters(&state.db, p.tenant_id, None, !all).await?;
    // 100 a page: every row shown is an audit event.
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("weergave", &q.weergave)
        .finish();
    let (rows, pager) =
        crate::paging::paginate(rows, q.pagina.unwrap_or(1), "/swv/thuiszitters", &query);
    let pupils = rows.iter().map(|t| t.pupil_id);
    record_list(&state, &visitor, "search", "thuiszitters", pupils).await?;
    let (peildatum, peildatum_error) = match peildatum_of(&q.peildatum) {
        Ok(d) => (date_value(Some(d)), String::new()),
        Err(e) => (q.peildatum.clone(), e),
    };
    let status = if peildatum_error.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((
        status,
        Html(
            SwvThuiszittersView {
                layout: layout(&state, &visitor, "Thuiszitters", "/swv/thuiszitters"),
                lines: rows.iter().map(thuiszitter_line).collect(),
                pager,
                all,
                peildatum,
                peildatum_error,
            }
            .render()?,
        ),
    )
        .into_response())
}

/// The Inspectie report's lines up to a peildatum, recorded as an export of those pupils.
pub(crate) async fn inspectie_lines(
    state: &AppState,
    visitor: &Visitor,
    q: &ListQuery,
) -> AppResult<Option<(NaiveDate, Vec<tz::ReportLine>)>> {
    let p = visitor.signed_in()?;
    let Ok(peildatum) = peildatum_of(&q.peildatum) else {
        return Ok(None);
    };
    let rows = store::thuiszitters(&state.db, p.tenant_id, None, false).await?;
    let regs: Vec<(i64, tz::Registration)> = rows
        .iter()
        .filter_map(|t| {
            Some((
                t.pupil_id,
                tz::Registration {
                    given_name: t.given_name.clone(),
                    family_name: t.family_name.clone(),
                    birth_date: t.birth_date,
                    school_code: t.location_code.clone(),
                    kind: Kind::from_code(&t.kind)?,
                    since: t.since,
                    until: t.until,
                    has_offer: t.has_offer,
                    leerplicht_informed: t.leerplicht_informed_on.is_some(),
                    perspective: t.perspective.clone(),
                },
            ))
        })
        .collect();
    let last = peildatum.pred_opt().unwrap_or(peildatum);
    let start = tz::school_year_start(last);
    let included = regs
        .iter()
        .filter(|(_, r)| {
            r.kind.in_inspectie_report() && r.since <= last && r.until.is_none_or(|u| u >= start)
        })
        .map(|(id, _)| *id);
    record_list(state, visitor, "export", "thuiszitters-inspectie", included).await?;
    let plain: Vec<tz::Registration> = regs.into_iter().map(|(_, r)| r).collect();
    Ok(Some((peildatum, tz::report(&plain, peildatum))))
}

/// Back to the register, where the peildatum as typed gets its message.
pub(crate) fn bad_peildatum(q: &ListQuery) -> Response {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("peildatum", &q.peildatum)
        .finish();
    Redirect::to(&format!("/swv/thuiszitters?{query}#inspectie")).into_response()
}

pub(crate) async fn inspectie_csv(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let Some((peildatum, lines)) = inspectie_lines(&state, &visitor, &q).await? else {
        return Ok(bad_peildatum(&q));
    };
    Ok(csv_response(
        &format!(
            "thuiszitters-inspectie-{}.csv",
            peildatum.format("%Y-%m-%d")
        ),
        &tz::REPORT_COLUMNS,
        lines.iter().map(tz::ReportLine::cells).collect(),
    ))
}

pub(crate) async fn inspectie_xlsx(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let Some((peildatum, lines)) = inspectie_lines(&state, &visitor, &q).await? else {
        return Ok(bad_peildatum(&q));
    };
    let mut rows: Vec<Vec<String>> =
        vec![tz::REPORT_COLUMNS.iter().map(|c| (*c).to_owned()).collect()];
    rows.extend(lines.iter().map(tz::ReportLine::cells));
    let sheet = format!("Peildatum {}", peildatum.format("%d-%m-%Y"));
    Ok(attachment(
        crate::xlsx::workbook(&sheet, &rows),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &format!(
            "thuiszitters-inspectie-{}.xlsx",
            peildatum.format("%Y-%m-%d")
        ),
    ))
}
