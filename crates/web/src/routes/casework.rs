//! Casework: the pupil dossier, its documents, and a support request from concept to decision.
//!
//! Who sees what (least privilege, checked on every request with the pupil's own row):
//! - school staff: pupils of the locations they work for (read and write), and the requests and
//!   letters of pupils who got a TLV for a location they work for (read);
//! - toeleiders: every pupil and request of their samenwerkingsverband once a request was
//!   submitted (a concept, and a dossier without a submitted request, stay the school's);
//! - experts: the requests (and that pupil's documents) they were asked to advise on;
//! - beheerders, ouderadviseurs and parents: nothing here (parents get their own portal).
//!
//! Every read of pupil data is recorded in the audit trail with the pupil's id; every change
//! also lands on the request's timeline, in the same transaction.

use crate::AppState;
use crate::access::{
    Relation, actor, pupil_for, record_list, record_read, request_for, school_pupil,
};
use crate::app::Routes;
use crate::auth::{Principal, Visitor};
use crate::dates::when;
use crate::dates::{long, long_or, today};
use crate::error::{AppError, AppResult};
use crate::files::{attachment, read_upload, size_label, store_file};
use crate::forms::{Field, summary};
use crate::forms::{Opt, date_field, form, once_token, opts, required, text_limit, val};
use crate::layout::{AppLayout, layout};
use crate::letters::{letter_bytes, make_letter};
use crate::notices::{ParentNews, parent_addresses, parent_notices};
use crate::notices::{contact_phrase, notice, request_link};
use crate::paging::{Pager, page_number, paginate};
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime, Utc};
use passend_domain::accounts::{Role, normalize_email, valid_email};
use passend_domain::documents::{DocumentKind, sniff};
use passend_domain::tlv::{
    self, Advice, Category, Completeness, Placement, Profession, RequestKind, Status, Suspension,
    TransitionProblem,
};
use passend_store::audit::Outcome;
use passend_store::casework::{
    self as cw, Actor, Change, GuardianInput, NewDecision, NewPupil, NewRequest, Notice, Pupil,
    Request, RequestDraft, Step,
};
use serde::Deserialize;
use std::collections::HashMap;

/// The routes of this area.
pub fn router() -> Routes {
    Routes::new()
        .get("/leerlingen", pupils)
        .get("/leerlingen/nieuw", new_pupil_form)
        .post("/leerlingen/nieuw", create_pupil)
        .get("/leerlingen/{id}", dossier)
        .get("/leerlingen/{id}/bewerken", edit_pupil_form)
        .post("/leerlingen/{id}/bewerken", update_pupil)
        .post("/leerlingen/{id}/documenten", upload)
        .get("/documenten/{id}/{version}", download)
        .get("/leerlingen/{id}/aanvragen/nieuw", new_request_form)
        .post("/leerlingen/{id}/aanvragen/nieuw", create_request)
        .get("/aanvragen/{id}", request_page)
        .post("/aanvragen/{id}", save_draft)
        .post("/aanvragen/{id}/indienen", submit)
        .post("/aanvragen/{id}/intrekken", withdraw)
        .post("/aanvragen/{id}/toewijzen", assign)
        .post("/aanvragen/{id}/overleg", plan_meeting)
        .post("/aanvragen/{id}/opschorten", suspend)
        .post("/aanvragen/{id}/aangevuld", information_sent)
        .post("/aanvragen/{id}/adviesvraag", ask_advice)
        .post("/aanvragen/{id}/besluit", decide)
        .get("/besluiten/{id}/brief.pdf", letter)
}

// ---------------------------------------------------------------------------------------------
// Shared

/// Back to the request after a change: with what was done, or that someone else was first.
fn after(id: i64, change: Change, done: &str) -> Response {
    see_request(
        id,
        if change == Change::Done {
            done
        } else {
            "gewijzigd"
        },
    )
}

fn see_request(id: i64, done: &str) -> Response {
    Redirect::to(&format!("/aanvragen/{id}?gedaan={done}")).into_response()
}

/// Who at the school hears about a request: the staff member who made it, when they still
/// work there; otherwise everyone at the location.
async fn request_school_staff(
    state: &AppState,
    tenant: i64,
    r: &Request,
) -> AppResult<Vec<(i64, String, String)>> {
    let staff = cw::staff_at(&state.db, tenant, r.location_id).await?;
    let author: Vec<_> = staff
        .iter()
        .filter(|(id, _, _)| Some(*id) == r.created_by)
        .cloned()
        .collect();
    Ok(if author.is_empty() { staff } else { author })
}

fn kind_of(r: &Request) -> AppResult<RequestKind> {
    RequestKind::from_code(&r.kind).ok_or_else(|| AppError::Internal("unknown kind".to_owned()))
}

fn status_of(r: &Request) -> AppResult<Status> {
    Status::from_code(&r.status).ok_or_else(|| AppError::Internal("unknown status".to_owned()))
}

// ---------------------------------------------------------------------------------------------
// Pupils

struct PupilLine {
    id: i64,
    name: String,
    birth: String,
    groep: String,
    school: String,
}

#[derive(Template)]
#[template(path = "app/pupils.html")]
struct PupilsView {
    layout: AppLayout,
    lines: Vec<PupilLine>,
    q: String,
    pager: Pager,
}

#[derive(Debug, Deserialize)]
struct PupilsQuery {
    #[serde(default)]
    q: String,
    #[serde(default, deserialize_with = "page_number")]
    pagina: Option<usize>,
}

async fn pupils(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<PupilsQuery>,
) -> AppResult<Response> {
    let p = visitor.signed_in()?;
    let needle = q.q.trim().to_lowercase();
    let found: Vec<Pupil> = cw::pupils_for_staff(&state.db, p.tenant_id, p.user_id)
        .await?
        .into_iter()
        .filter(|pu| needle.is_empty() || pu.full_name().to_lowercase().contains(&needle))
        .collect();
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("q", &q.q)
        .finish();
    let (found, pager) = paginate(found, q.pagina.unwrap_or(1), "/leerlingen", &query);
    let lines: Vec<PupilLine> = found
        .into_iter()
        .map(|pu| PupilLine {
            id: pu.id,
            name: pu.full_name(),
            birth: pu.birth_date.format("%d-%m-%Y").to_string(),
            groep: pu.groep.clone(),
            school: pu.location_name.clone(),
        })
        .collect();
    record_list(
        &state,
        &visitor,
        "search",
        "leerling",
        lines.iter().map(|l| l.id),
    )
    .await?;
    Ok(Html(
        PupilsView {
            layout: layout(&state, &visitor, "Leerlingen", "/leerlingen"),
            lines,
            q: q.q,
            pager,
        }
        .render()?,
    )
    .into_response())
}

struct GuardianFields {
    n: usize,
    name: Field,
    relation: Vec<Opt>,
    authority: bool,
    email: Field,
    phone: Field,
}

#[derive(Template)]
#[template(path = "app/pupil_form.html")]
struct PupilFormView {
    layout: AppLayout,
    errors: Vec<(String, String)>,
    locations: Vec<Opt>,
    location_error: Option<String>,
    given: Field,
    family: Field,
    birth: Field,
    groep: Field,
    onderwijsnummer: Field,
    guardians: Vec<GuardianFields>,
    heading: String,
    action: String,
    button: String,
}

const RELATIONS: [(&str, &str); 5] = [
    ("moeder", "Moeder"),
    ("vader", "Vader"),
    ("ouder", "Ouder"),
    ("voogd", "Voogd"),
    ("pleegouder", "Pleegouder"),
];

async fn pupil_form_view(
    state: &AppState,
    visitor: &Visitor,
    f: &HashMap<String, String>,
) -> AppResult<PupilFormView> {
    let p = visitor.signed_in()?;
    let chosen = val(f, "locatie");
    let locations = passend_store::accounts::user_locations(&state.db, p.user_id)
        .await?
        .into_iter()
        .map(|l| Opt {
            selected: l.id.to_string() == chosen,
            value: l.id.to_string(),
            label: l.name,
        })
        .collect();
    let guardians = (1..=2)
        .map(|n| GuardianFields {
            n,
            name: Field::of(val(f, &format!("ouder{n}-naam"))),
            relation: opts(RELATIONS, &val(f, &format!("ouder{n}-relatie"))),
            authority: f.is_empty() || val(f, &format!("ouder{n}-gezag")) == "ja",
            email: Field::of(val(f, &format!("ouder{n}-email"))),
            phone: Field::of(val(f, &format!("ouder{n}-telefoon"))),
        })
        .collect();
    Ok(PupilFormView {
        layout: layout(state, visitor, "Nieuwe leerling", ""),
        errors: Vec::new(),
        locations,
        location_error: None,
        given: Field::of(val(f, "voornaam")),
        family: Field::of(val(f, "achternaam")),
        birth: Field::of(val(f, "geboortedatum")),
        groep: Field::of(val(f, "groep")),
        onderwijsnummer: Field::of(val(f, "onderwijsnummer")),
        guardians,
        heading: "Leerling toevoegen".to_owned(),
        action: "/leerlingen/nieuw".to_owned(),
        button: "Leerling toevoegen".to_owned(),
    })
}

async fn new_pupil_form(State(state): State<AppState>, visitor: Visitor) -> AppResult<Response> {
    let view = pupil_form_view(&state, &visitor, &HashMap::new()).await?;
    Ok(Html(view.render()?).into_response())
}

/// Checks the pupil form: the pupil to store, or `None` with the messages in the view.
fn read_pupil(view: &mut PupilFormView, f: &HashMap<String, String>) -> Option<NewPupil> {
    let location_id = view
        .locations
        .iter()
        .find(|o| o.selected)
        .and_then(|o| o.value.parse::<i64>().ok());
    if location_id.is_none() {
        view.location_error = Some("Kies de school van de leerling.".to_owned());
    }
    required(&mut view.given, "Vul de voornaam in.");
    required(&mut view.family, "Vul de achternaam in.");
    text_limit(&mut view.given, 100, "de voornaam");
    text_limit(&mut view.family, 100, "de achternaam");
    let birth = date_field(
        &val(f, "geboortedatum"),
        &mut view.birth,
        true,
        "de geboortedatum",
    );
    if let Some(b) = birth {
        let age_days = (today() - b).num_days();
        if !(365..=365 * 16).contains(&age_days) {
            view.birth.error = Some(
                "Deze geboortedatum past niet bij een leerling in het primair onderwijs. Controleer de datum."
                    .to_owned(),
            );
        }
    }
    required(&mut view.groep, "Vul de groep in, bijvoorbeeld 5.");
    let groep_ok = view
        .groep
        .value
        .split('/')
        .all(|g| matches!(g.trim(), "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8"));
    if !view.groep.value.is_empty() && !groep_ok {
        view.groep.error = Some(
            "Vul de groep in als getal van 1 tot en met 8, of een combinatiegroep zoals 1/2."
                .to_owned(),
        );
    }
    let on = view.onderwijsnummer.value.clone();
    let valid_number = on.len() == 9 && on.chars().all(|c| c.is_ascii_digit());
    if !(on.is_empty() || valid_number) {
        view.onderwijsnummer.error =
            Some("Een onderwijsnummer heeft 9 cijfers. Laat het veld leeg als u het niet heeft. Vul nooit een BSN in.".to_owned());
    }
    let mut guardians = Vec::new();
    for g in &mut view.guardians {
        let any =
            !g.name.value.is_empty() || !g.email.value.is_empty() || !g.phone.value.is_empty();
        if g.n == 2 && !any {
            continue;
        }
        required(&mut g.name, "Vul de naam van de ouder of verzorger in.");
        text_limit(&mut g.name, 150, "de naam");
        let email = normalize_email(&g.email.value);
        if g.email.value.is_empty() && g.phone.value.is_empty() {
            g.email.error = Some("Vul een e-mailadres of telefoonnummer in, zodat het samenwerkingsverband de ouder kan bereiken.".to_owned());
        } else if !g.email.value.is_empty() && !valid_email(&email) {
            g.email.error =
                Some("Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl.".to_owned());
        }
        text_limit(&mut g.phone, 30, "het telefoonnummer");
        let relation = g
            .relation
            .iter()
            .find(|o| o.selected)
            .map(|o| o.value.clone())
            .unwrap_or_else(|| "ouder".to_owned());
        guardians.push(GuardianInput {
            name: g.name.value.clone(),
            relation,
            parental_authority: g.authority,
            email: if g.email.value.is_empty() {
                String::new()
            } else {
                email
            },
            phone: g.phone.value.clone(),
        });
    }
    let mut errors = Vec::new();
    if let Some(e) = &view.location_error {
        errors.push(("locatie".to_owned(), e.clone()));
    }
    errors.extend(summary(&[
        ("voornaam", &view.given),
        ("achternaam", &view.family),
        ("geboortedatum", &view.birth),
        ("groep", &view.groep),
        ("onderwijsnummer", &view.onderwijsnummer),
    ]));
    for g in &view.guardians {
        let n = g.n;
        errors.extend(summary(&[
            (&format!("ouder{n}-naam"), &g.name),
            (&format!("ouder{n}-email"), &g.email),
            (&format!("ouder{n}-telefoon"), &g.phone),
        ]));
    }
    let (Some(location_id), Some(birth), true) = (location_id, birth, errors.is_empty()) else {
        view.errors = errors;
        return None;
    };
    Some(NewPupil {
        location_id,
        given_name: view.given.value.clone(),
        family_name: view.family.value.clone(),
        birth_date: birth,
        groep: view.groep.value.clone(),
        onderwijsnummer: Some(on).filter(|o| !o.is_empty()),
        guardians,
    })
}

async fn create_pupil(
    State(state): State<AppState>,
    visitor: Visitor,
    body: String,
) -> AppResult<Response> {
    let p = visitor.signed_in()?.clone();
    let f = form(&body);
    let mut view = pupil_form_view(&state, &visitor, &f).await?;
    let Some(pupil) = read_pupil(&mut view, &f) else {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(view.render()?)).into_response());
    };
    let once = once_token(&f);
    let who = Actor {
        form_token: &once,
        ..actor(&p, &visitor)
    };
    let id = cw::create_pupil(&state.db, &who, &pupil).await?;
    Ok(Redirect::to(&format!("/leerlingen/{id}?gedaan=aangemaakt")).into_response())
}

/// The form filled in with a stored pupil.
async fn stored_pupil_form(state: &AppState, pupil: &Pupil) -> AppResult<HashMap<String, String>> {
    let mut f = HashMap::new();
    f.insert("locatie".to_owned(), pupil.location_id.to_string());
    f.insert("voornaam".to_owned(), pupil.given_name.clone());
    f.insert("achternaam".to_owned(), pupil.family_name.clone());
    f.insert(
        "geboortedatum".to_owned(),
        pupil.birth_date.format("%Y-%m-%d").to_string(),
    );
    f.insert("groep".to_owned(), pupil.groep.clone());
    f.insert(
        "onderwijsnummer".to_owned(),
        pupil.onderwijsnummer.clone().unwrap_or_default(),
    );
    for (i, g) in cw::guardians(&state.db, pupil.id)
        .await?
        .into_iter()
        .enumerate()
        .take(2)
    {
        let n = i + 1;
        f.insert(format!("ouder{n}-naam"), g.name);
        f.insert(format!("ouder{n}-relatie"), g.relation);
        if g.parental_authority {
            f.insert(format!("ouder{n}-gezag"), "ja".to_owned());
        }
        f.insert(format!("ouder{n}-email"), g.email);
        f.insert(format!("ouder{n}-telefoon"), g.phone);
    }
    Ok(f)
}

fn edit_view(
    mut view: PupilFormView,
    state: &AppState,
    visitor: &Visitor,
    pupil: &Pupil,
) -> PupilFormView {
    view.layout = layout(
        state,
        visitor,
        &format!("Gegevens van {}", pupil.full_name()),
        "",
    );
    view.heading = "Gegevens van de leerling wijzigen".to_owned();
    view.action = format!("/leerlingen/{}/bewerken", pupil.id);
    view.button = "Wijzigingen opslaan".to_owned();
    view
}

async fn edit_pupil_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let p = visitor.signed_in()?;
    let pupil = school_pupil(&state, &visitor, p, id).await?;
    record_read(
        &state,
        &visitor,
        "leerling",
        &id.to_string(),
        pupil.id,
        "read",
    )
    .await?;
    let f = stored_pupil_form(&state, &pupil).await?;
    let view = edit_view(
        pupil_form_view(&state, &visitor, &f).await?,
        &state,
        &visitor,
        &pupil,
    );
    Ok(Html(view.render()?).into_response())
}

async fn update_pupil(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    body: String,
) -> AppResult<Response> {
    let p = visitor.signed_in()?.clone();
    let pupil = school_pupil(&state, &visitor, &p, id).await?;
    let f = form(&body);
    let mut view = edit_view(
        pupil_form_view(&state, &visitor, &f).await?,
        &state,
        &visitor,
        &pupil,
    );
    let Some(changed) = read_pupil(&mut view, &f) else {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(view.render()?)).into_response());
    };
    cw::update_pupil(&state.db, &actor(&p, &visitor), pupil.id, &changed).await?;
    Ok(Redirect::to(&format!("/leerlingen/{}?gedaan=gewijzigd", pupil.id)).into_response())
}

// ---------------------------------------------------------------------------------------------
// Dossier

struct GuardianLine {
    position: usize,
    name: String,
    relation: String,
    authority: bool,
    email: String,
    phone: String,
    portal: String,
    invite_label: Option<&'static str>,
    can_revoke: bool,
}

struct DocLine {
    id: i64,
    kind: String,
    title: String,
    version: i64,
    file_name: String,
    size: String,
    uploaded: String,
    by: String,
    parents: Vec<String>,
    can_share: bool,
    kind_code: String,
}

struct RequestLine {
    id: i64,
    kind: String,
    status: String,
    created: String,
    due: String,
}

#[derive(Template)]
#[template(path = "app/dossier.html")]
struct DossierView {
    layout: AppLayout,
    id: i64,
    name: String,
    birth: String,
    groep: String,
    school: String,
    onderwijsnummer: String,
    guardians: Vec<GuardianLine>,
    documents: Vec<DocLine>,
    requests: Vec<RequestLine>,
    can_write: bool,
    can_request: bool,
    upload: UploadForm,
    pupil_id: i64,
    request_id: Option<i64>,
    documents_hidden: bool,
    registers: Vec<RegisterRef>,
}

/// A registration under the school's zorgplicht, as the dossier lists it.
struct RegisterRef {
    href: String,
    label: String,
    state: String,
}

/// The pupil's aanmeldingen, thuiszitter and sickness registrations made at the viewer's own
/// school locations (a pupil who changed schools keeps the other school's registrations there).
async fn register_refs(
    state: &AppState,
    user_id: i64,
    pupil_id: i64,
) -> AppResult<Vec<RegisterRef>> {
    use passend_store::zorgplicht as zs;
    let mine = |location: i64| cw::works_at(&state.db, user_id, location);
    let mut out = Vec::new();
    for a in zs::aanmeldingen_of_pupil(&state.db, pupil_id).await? {
        if !mine(a.location_id).await? {
            continue;
        }
        out.push(RegisterRef {
            href: format!("/aanmeldingen/{}", a.id),
            label: format!("Aanmelding, ontvangen {}", long(a.received_on)),
            state: match a.decided_on {
                Some(d) => format!("besluit op {}", long(d)),
                None => {
                    crate::texts::state_words(
                        &state.casework.zorgplicht_terms,
                        &crate::texts::domain_of(&a),
                    )
                    .0
                }
            },
        });
    }
    for t in zs::thuiszitters_of_pupil(&state.db, pupil_id).await? {
        if !mine(t.location_id).await? {
            continue;
        }
        out.push(RegisterRef {
            href: format!("/thuiszitters/{}", t.id),
            label: format!("Thuiszitter sinds {}", long(t.since)),
            state: long_or(t.until, "nog thuis"),
        });
    }
    for z in zs::sick_of_pupil(&state.db, pupil_id).await? {
        if !mine(z.location_id).await? {
            continue;
        }
        out.push(RegisterRef {
            href: format!("/ziek/{}", z.id),
            label: format!("Ziek sinds {}", long(z.since)),
            state: match z.ended_on {
                Some(d) => format!("weer op school {}", long(d)),
                None => format!("verwacht tot en met {}", long(z.expected_until)),
            },
        });
    }
    Ok(out)
}

/// The upload form's state.
pub struct UploadForm {
    kinds: Vec<Opt>,
    existing: Vec<Opt>,
    title: Field,
    file_error: Option<String>,
    errors: Vec<(String, String)>,
}

#[derive(Debug, Deserialize)]
struct DoneQuery {
    #[serde(default)]
    gedaan: String,
}

/// The dossier's documents as lists show them; receiving schools get the decision and the
/// letter, not the documents.
async fn doc_lines(
    state: &AppState,
    p: &Principal,
    pupil_id: i64,
    relation: Relation,
) -> AppResult<Vec<DocLine>> {
    if relation == Relation::Receiving {
        return Ok(Vec::new());
    }
    let reader = crate::access::reader(state, p, pupil_id, relation).await?;
    // What the parents got and answered (for the school and toeleiding).
    let (shared, responses, linked) = if relation.writes() {
        (
            passend_store::portal::shared_versions(&state.db, pupil_id).await?,
            passend_store::portal::responses_of_pupil(&state.db, pupil_id).await?,
            !passend_store::portal::parents_of(&state.db, pupil_id)
                .await?
                .is_empty(),
        )
    } else {
        (Vec::new(), Vec::new(), false)
    };
    Ok(
        crate::access::visible_documents(state, p.tenant_id, pupil_id, &reader)
            .await?
            .into_iter()
            .map(|d| {
                let mut parents: Vec<String> = shared
                    .iter()
                    .filter(|(doc, _, _)| *doc == d.id)
                    .map(|(_, v, consent)| {
                        if *consent {
                            format!("Versie {v} gedeeld met de ouders, met de vraag om toestemming")
                        } else {
                            format!("Versie {v} gedeeld met de ouders")
                        }
                    })
                    .collect();
                parents.extend(
                    responses
                        .iter()
                        .filter(|x| x.document_id == Some(d.id) && x.kind == "toestemming")
                        .map(|x| {
                            format!(
                                "{} {} toestemming voor versie {} ({})",
                                x.user_name,
                                if x.answer == "gegeven" {
                                    "gaf"
                                } else {
                                    "weigerde"
                                },
                                x.document_version.unwrap_or_default(),
                                when(x.responded_at)
                            )
                        }),
                );
                let can_share = linked
                    && !shared
                        .iter()
                        .any(|(doc, v, _)| *doc == d.id && *v == d.version);
                (d, parents, can_share)
            })
            .map(|(d, parents, can_share)| DocLine {
                parents,
                can_share,
                kind_code: d.kind.clone(),
                id: d.id,
                kind: DocumentKind::from_code(&d.kind)
                    .map(DocumentKind::label_nl)
                    .unwrap_or("Document")
                    .to_owned(),
                title: d.title,
                version: d.version,
                file_name: d.file_name,
                size: size_label(d.size_bytes),
                uploaded: when(d.uploaded_at),
                by: d.uploaded_by_name.unwrap_or_default(),
            })
            .collect(),
    )
}

async fn dossier_view(
    state: &AppState,
    visitor: &Visitor,
    pupil: &Pupil,
    relation: Relation,
    upload: UploadForm,
) -> AppResult<DossierView> {
    let p = visitor.signed_in()?;
    // A receiving school hears from the parents themselves; experts see who the parents are,
    // not how to reach them (least privilege).
    let guardians = if relation == Relation::Receiving {
        Vec::new()
    } else {
        cw::guardians(&state.db, pupil.id).await?
    };
    let contact_details = matches!(relation, Relation::School | Relation::Toeleider);
    let links = if contact_details {
        passend_store::portal::links_of_pupil(&state.db, pupil.id).await?
    } else {
        Vec::new()
    };
    let guardians = guardians
        .into_iter()
        .enumerate()
        .map(|(i, g)| {
            let link = links.iter().find(|l| l.guardian_id == g.id);
            let can_link = contact_details && g.parental_authority && valid_email(&g.email);
            let portal = match link {
                Some(l) if l.status == "invited" => format!(
                    "Ouderportaal: uitgenodigd op {}; het account is nog niet afgemaakt",
                    when(l.invited_at)
                ),
                Some(l) if l.status == "disabled" => {
                    "Ouderportaal: het account is geblokkeerd".to_owned()
                }
                Some(l) => format!(
                    "Ouderportaal: toegang sinds {}{}",
                    when(l.invited_at),
                    l.last_sign_in_at
                        .map(|t| format!(", laatst ingelogd {}", when(t)))
                        .unwrap_or_default()
                ),
                None if !g.parental_authority => {
                    "Ouderportaal: geen toegang (zonder gezag)".to_owned()
                }
                None if !valid_email(&g.email) => {
                    "Ouderportaal: geen toegang (geen e-mailadres)".to_owned()
                }
                None => "Ouderportaal: nog geen toegang".to_owned(),
            };
            let invite_label = match link {
                _ if !can_link => None,
                None => Some("Uitnodigen voor het ouderportaal"),
                Some(l) if l.status == "invited" => Some("Uitnodiging opnieuw sturen"),
                Some(_) => None,
            };
            (
                i + 1,
                g,
                portal,
                invite_label,
                link.is_some() && contact_details,
            )
        })
        .map(
            |(position, g, portal, invite_label, can_revoke)| GuardianLine {
                position,
                portal,
                invite_label,
                can_revoke,
                name: g.name,
                relation: RELATIONS
                    .iter()
                    .find(|(c, _)| *c == g.relation)
                    .map(|(_, l)| (*l).to_owned())
                    .unwrap_or(g.relation),
                authority: g.parental_authority,
                email: if contact_details {
                    g.email
                } else {
                    String::new()
                },
                phone: if contact_details {
                    g.phone
                } else {
                    String::new()
                },
            },
        )
        .collect();
    let documents = doc_lines(state, p, pupil.id, relation).await?;
    let mut requests = Vec::new();
    for r in cw::requests_of_pupil(&state.db, p.tenant_id, pupil.id).await? {
        // Experts see only the requests they advise on; receiving schools only the TLV that
        // sends the pupil to them.
        let visible = match relation {
            Relation::Expert => crate::access::expert_sees_request(state, p.user_id, &r).await?,
            Relation::Receiving => cw::receives_request(&state.db, p.user_id, r.id).await?,
            Relation::Toeleider => r.submitted_at.is_some(),
            Relation::School => true,
        };
        if !visible {
            continue;
        }
        let kind = kind_of(&r)?;
        requests.push(RequestLine {
            id: r.id,
            kind: kind.label_nl().to_owned(),
            status: status_of(&r)?.label_nl(kind).to_owned(),
            created: when(r.created_at),
            due: long_or(r.decision_due, "–"),
        });
    }
    Ok(DossierView {
        layout: layout(state, visitor, &pupil.full_name(), ""),
        id: pupil.id,
        name: pupil.full_name(),
        birth: long(pupil.birth_date),
        groep: pupil.groep.clone(),
        school: pupil.location_name.clone(),
        onderwijsnummer: pupil
            .onderwijsnummer
            .clone()
            .unwrap_or_else(|| "–".to_owned()),
        guardians,
        documents,
        requests,
        can_write: relation.writes(),
        can_request: relation == Relation::School,
        upload,
        pupil_id: pupil.id,
        request_id: None,
        documents_hidden: relation == Relation::Receiving,
        registers: if relation == Relation::School {
            register_refs(state, p.user_id, pupil.id).await?
        } else {
            Vec::new()
        },
    })
}

/// Documents this visitor may add a version to: the ones they may see, if they may write.
async fn writable_documents(
    state: &AppState,
    p: &Principal,
    pupil_id: i64,
    relation: Relation,
) -> AppResult<Vec<cw::DocumentLine>> {
    if !relation.writes() {
        return Ok(Vec::new());
    }
    let reader = crate::access::reader(state, p, pupil_id, relation).await?;
    crate::access::visible_documents(state, p.tenant_id, pupil_id, &reader).await
}

async fn upload_form(
    state: &AppState,
    p: &Principal,
    pupil_id: i64,
    relation: Relation,
    kind: &str,
    existing: &str,
    title: &str,
) -> AppResult<UploadForm> {
    let docs = writable_documents(state, p, pupil_id, relation).await?;
    let mut existing_opts = vec![Opt {
        value: String::new(),
        label: "Nee, een nieuw document".to_owned(),
        selected: existing.is_empty(),
    }];
    existing_opts.extend(docs.into_iter().map(|d| Opt {
        selected: d.id.to_string() == existing,
        value: d.id.to_string(),
        label: format!("Nieuwe versie van: {} (nu versie {})", d.title, d.version),
    }));
    Ok(UploadForm {
        kinds: opts(DocumentKind::ALL.map(|k| (k.code(), k.label_nl())), kind),
        existing: existing_opts,
        title: Field::of(title),
        file_error: None,
        errors: Vec::new(),
    })
}

async fn dossier(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let p = visitor.signed_in()?;
    let (pupil, relation) = pupil_for(&state, &visitor, p, id).await?;
    record_read(
        &state,
        &visitor,
        "leerling",
        &id.to_string(),
        pupil.id,
        "read",
    )
    .await?;
    let upload = upload_form(&state, p, pupil.id, relation, "groeidocument", "", "").await?;
    let mut view = dossier_view(&state, &visitor, &pupil, relation, upload).await?;
    view.layout.notice = match q.gedaan.as_str() {
        "aangemaakt" => Some(
            "De leerling is toegevoegd. U kunt nu documenten toevoegen en een aanvraag maken."
                .to_owned(),
        ),
        "document" => Some("Het document is opgeslagen.".to_owned()),
        "gewijzigd" => Some("De gegevens zijn gewijzigd.".to_owned()),
        "ouder-uitgenodigd" => Some("De ouder heeft een e-mail gekregen en kan nu in het ouderportaal volgen wat er met de aanvragen gebeurt.".to_owned()),
        "ouder-ingetrokken" => Some("De ouder heeft geen toegang meer tot het ouderportaal voor deze leerling.".to_owned()),
        "ouder-geen-gezag" => Some("Alleen een ouder met gezag en een geldig e-mailadres kan worden uitgenodigd. Pas de gegevens zo nodig aan.".to_owned()),
        "ouder-medewerker" => Some("Dit e-mailadres hoort bij een account van een medewerker. Vraag de ouder om een ander e-mailadres en pas de gegevens aan.".to_owned()),
        "ouder-geblokkeerd" => Some("Het account van deze ouder is geblokkeerd. Vraag de beheerder van het samenwerkingsverband om hulp.".to_owned()),
        "document-gedeeld" => Some("Het document is gedeeld met de ouders. Zij hebben een e-mail gekregen.".to_owned()),
        "document-al-gedeeld" => Some("Deze versie was al gedeeld met de ouders.".to_owned()),
        "document-nieuwe-versie" => Some("Er is intussen een nieuwe versie van dit document. Bekijk die eerst en deel hem dan opnieuw.".to_owned()),
        "ouder-gewijzigd" => Some("De gegevens van de ouders zijn intussen gewijzigd. Kijk of het om de goede ouder gaat en probeer het opnieuw.".to_owned()),
        "delen-geen-ouders" => Some("Er is nog geen ouder met toegang tot het ouderportaal. Nodig eerst een ouder uit.".to_owned()),
        _ => None,
    };
    Ok(Html(view.render()?).into_response())
}

// ---------------------------------------------------------------------------------------------
// Documents

async fn upload(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    multipart: Multipart,
) -> AppResult<Response> {
    let p = visitor.signed_in()?.clone();
    let (pupil, relation) = pupil_for(&state, &visitor, &p, id).await?;
    if !relation.writes() {
        return Err(AppError::NotFound);
    }
    let up = read_upload(multipart).await?;
    let kind_code = val(&up.fields, "soort");
    let existing = val(&up.fields, "bestaand");
    let request_id = val(&up.fields, "aanvraag").parse::<i64>().ok();
    let back = val(&up.fields, "terug");
    let mut form = upload_form(
        &state,
        &p,
        pupil.id,
        relation,
        &kind_code,
        &existing,
        &val(&up.fields, "titel"),
    )
    .await?;
    // A request given must be this pupil's, and one this visitor may see: toeleiding adds to a
    // submitted request only (a concept is the school's own). The same check holds for the
    // page shown again with an error.
    let on_request = match request_id {
        Some(r) => cw::request(&state.db, p.tenant_id, r)
            .await?
            .filter(|r| r.pupil_id == pupil.id)
            .filter(|r| relation == Relation::School || r.submitted_at.is_some()),
        None => None,
    };
    let request_id = on_request.as_ref().map(|r| r.id);
    let kind = DocumentKind::from_code(&kind_code);
    let existing_id = existing.parse::<i64>().ok();
    if existing_id.is_none() {
        required(
            &mut form.title,
            "Geef het document een titel, bijvoorbeeld: OPP schooljaar 2026-2027.",
        );
    }
    text_limit(&mut form.title, 150, "de titel");
    let file_type = match sniff(&up.bytes) {
        Ok(t) => Some(t),
        Err(problem) => {
            form.file_error = Some(problem.message_nl().to_owned());
            None
        }
    };
    let mut errors = summary(&[("titel", &form.title)]);
    if let Some(e) = &form.file_error {
        errors.push(("bestand".to_owned(), e.clone()));
    }
    let (Some(kind), Some(file_type), true) = (kind, file_type, errors.is_empty()) else {
        if kind.is_none() {
            errors.push((
                "soort".to_owned(),
                "Kies wat voor document het is.".to_owned(),
            ));
        }
        form.errors = errors;
        // Back on the page the form came from: the request's, or the dossier's.
        let on_request = on_request.filter(|_| back == "aanvraag");
        let html = match on_request {
            Some(r) => request_view(
                &state,
                &visitor,
                &r,
                relation,
                None,
                None,
                Some(form),
                Vec::new(),
            )
            .await?
            .render()?,
            None => dossier_view(&state, &visitor, &pupil, relation, form)
                .await?
                .render()?,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response());
    };
    // A new version must be of a document of this pupil that this visitor may see: check
    // before the file is stored.
    if let Some(existing) = existing_id
        && !writable_documents(&state, &p, pupil.id, relation)
            .await?
            .iter()
            .any(|d| d.id == existing)
    {
        return Err(AppError::NotFound);
    }
    let stored = store_file(&state, &up.file_name, up.bytes, file_type).await?;
    let title = if form.title.value.is_empty() {
        kind.label_nl().to_owned()
    } else {
        form.title.value.clone()
    };
    let once = once_token(&up.fields);
    let who = Actor {
        form_token: &once,
        ..actor(&p, &visitor)
    };
    let stored = cw::add_document_version(
        &state.db,
        &who,
        pupil.id,
        request_id,
        existing_id,
        kind.code(),
        &title,
        &stored,
        &[],
    )
    .await?;
    if stored.is_none() {
        return Err(AppError::NotFound);
    }
    let target = match (back.as_str(), request_id) {
        ("aanvraag", Some(r)) => format!("/aanvragen/{r}?gedaan=document"),
        _ => format!("/leerlingen/{}?gedaan=document", pupil.id),
    };
    Ok(Redirect::to(&target).into_response())
}

async fn download(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((id, version)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let p = visitor.signed_in()?;
    let Some(v) = cw::document_version(&state.db, p.tenant_id, id, version).await? else {
        let object = format!("{id}/{version}");
        let event = visitor.event(
            "download",
            "document",
            &object,
            Outcome::Denied,
            "not found",
        );
        passend_store::audit::append(&state.db, &event).await?;
        return Err(AppError::NotFound);
    };
    let (pupil, relation) = pupil_for(&state, &visitor, p, v.pupil_id).await?;
    // Each version by its own life cycle: a concept's documents are the school's, an expert
    // sees what their advice was based on, receiving schools get decisions and letters only.
    let reader = crate::access::reader(&state, p, pupil.id, relation).await?;
    if !crate::access::may_see_version(&state, &reader, &v) {
        let object = format!("{id}/{version}");
        let event = visitor.event(
            "download",
            "document",
            &object,
            Outcome::Denied,
            "life cycle",
        );
        passend_store::audit::append(&state.db, &event).await?;
        return Err(AppError::NotFound);
    }
    let bytes = state.casework.files.get(&v.storage_key).await?;
    record_read(
        &state,
        &visitor,
        "document",
        &format!("{id}/{version}"),
        pupil.id,
        "download",
    )
    .await?;
    Ok(attachment(bytes, &v.content_type, &v.file_name))
}

// ---------------------------------------------------------------------------------------------
// New request

#[derive(Template)]
#[template(path = "app/request_new.html")]
struct NewRequestView {
    layout: AppLayout,
    pupil_id: i64,
    pupil_name: String,
    kinds: Vec<Opt>,
    kind_error: Option<String>,
    question: Field,
    errors: Vec<(String, String)>,
}

fn kind_options(chosen: &str) -> Vec<Opt> {
    RequestKind::ALL
        .into_iter()
        .map(|k| Opt {
            value: k.code().to_owned(),
            label: k.label_nl().to_owned(),
            selected: k.code() == chosen,
        })
        .collect()
}

async fn new_request_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let p = visitor.signed_in()?;
    let pupil = school_pupil(&state, &visitor, p, id).await?;
    Ok(Html(
        NewRequestView {
            layout: layout(&state, &visitor, "Nieuwe aanvraag", ""),
            pupil_id: pupil.id,
            pupil_name: pupil.full_name(),
            kinds: kind_options(""),
            kind_error: None,
            question: Field::default(),
            errors: Vec::new(),
        }
        .render()?,
    )
    .into_response())
}

async fn create_request(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    body: String,
) -> AppResult<Response> {
    let p = visitor.signed_in()?.clone();
    let pupil = school_pupil(&state, &visitor, &p, id).await?;
    let f = form(&body);
    let kind = RequestKind::from_code(&val(&f, "soort"));
    let mut question = Field::of(val(&f, "vraag"));
    required(
        &mut question,
        "Beschrijf wat u vraagt en waarom: wat heeft de leerling nodig, wat heeft de school al gedaan?",
    );
    text_limit(&mut question, 5000, "de vraag");
    let mut errors = Vec::new();
    let kind_error = kind.is_none().then(|| "Kies wat u aanvraagt.".to_owned());
    if let Some(e) = &kind_error {
        errors.push(("soort-advies".to_owned(), e.clone()));
    }
    errors.extend(summary(&[("vraag", &question)]));
    let (Some(kind), true) = (kind, errors.is_empty()) else {
        let view = NewRequestView {
            layout: layout(&state, &visitor, "Nieuwe aanvraag", ""),
            pupil_id: pupil.id,
            pupil_name: pupil.full_name(),
            kinds: kind_options(&val(&f, "soort")),
            kind_error,
            question,
            errors,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(view.render()?)).into_response());
    };
    let once = once_token(&f);
    let who = Actor {
        form_token: &once,
        ..actor(&p, &visitor)
    };
    let rid = cw::create_request(
        &state.db,
        &who,
        &NewRequest {
            pupil_id: pupil.id,
            location_id: pupil.location_id,
            kind: kind.code().to_owned(),
            question: question.value,
        },
    )
    .await?;
    Ok(see_request(rid, "aangemaakt"))
}

// ---------------------------------------------------------------------------------------------
// The request page

/// What the school fills in while the request is a concept.
#[derive(Debug, Clone, Default)]
pub struct DraftForm {
    question: Field,
    goals: Field,
    budget: Field,
    period_start: Field,
    period_end: Field,
    zienswijze: Vec<Opt>,
    zienswijze_text: Field,
    zienswijze_on: Field,
    tlo_held_on: Field,
    tlo_attendees: Field,
    version: i64,
}

/// The toeleider's forms.
#[derive(Debug, Clone, Default)]
pub struct SwvForms {
    contacts: Vec<Opt>,
    meeting_kind: Vec<Opt>,
    meeting_date: Field,
    meeting_time: Field,
    meeting_place: Field,
    meeting_attendees: Vec<Opt>,
    meeting_attendees_error: Option<String>,
    suspend_reason: Field,
    experts: Vec<Opt>,
    expert_error: Option<String>,
    advice_due: Field,
    advice_question: Field,
    decision_outcome: Vec<Opt>,
    decision_category: Vec<Opt>,
    decision_start: Field,
    decision_end: Field,
    decision_no_end: bool,
    decision_receiving: Vec<Opt>,
    decision_reasons: Field,
    decision_blocked: Option<String>,
}

struct AdviceLine {
    expert: String,
    profession: String,
    due: String,
    given: String,
    conclusion: String,
    text: String,
}

struct MeetingLine {
    kind: &'static str,
    when: String,
    place: String,
    purpose: String,
    outcomes: String,
    attendees: String,
}

struct TimelineView {
    when: String,
    who: String,
    what: String,
}

struct DecisionView {
    id: i64,
    outcome: String,
    number: String,
    placement: String,
    start: String,
    end: String,
    receiving: String,
    reasons: String,
    letter_on: String,
    sent: Option<String>,
    bezwaar_until: Option<String>,
    is_tlv: bool,
    granted: bool,
    bezwaren: Vec<BezwaarLine>,
    /// Earlier content replaced by a beslissing op bezwaar.
    replaced: Vec<String>,
    /// A beslissing op bezwaar was taken: what follows is beroep, no new bezwaar here.
    bezwaar_decided: bool,
}

struct BezwaarLine {
    id: i64,
    notes: String,
    received: String,
    filed_by: String,
    late: bool,
    lbt_due: String,
    lbt_sent: String,
    lbt_advice: String,
    has_advice: bool,
    has_sent: bool,
    outcome: String,
    open: bool,
    beslissing: Option<String>,
}

#[derive(Template)]
#[template(path = "app/request.html")]
struct RequestView {
    layout: AppLayout,
    id: i64,
    pupil_id: i64,
    pupil_name: String,
    school: String,
    kind: String,
    is_tlv: bool,
    is_arrangement: bool,
    is_so: bool,
    status: String,
    contact: String,
    received: String,
    due: String,
    awb_ceiling: String,
    overdue: bool,
    suspended: Option<String>,
    relation_school: bool,
    relation_swv: bool,
    concept: bool,
    open: bool,
    missing: Vec<&'static str>,
    draft: DraftForm,
    swv: SwvForms,
    errors: Vec<(String, String)>,
    documents: Vec<DocLine>,
    upload: UploadForm,
    advices: Vec<AdviceLine>,
    meetings: Vec<MeetingLine>,
    decision: Option<DecisionView>,
    timeline: Vec<TimelineView>,
    can_assign: bool,
    can_ask_advice: bool,
    can_decide: bool,
    can_withdraw: bool,
    can_write: bool,
    request_id: Option<i64>,
    documents_hidden: bool,
    receiving: bool,
    upcoming_meeting: Option<String>,
    period: String,
    zienswijze_label: String,
    zienswijze_on: String,
    tlo: String,
    parents_linked: bool,
    share_default: String,
    share_error: String,
    shares: Vec<String>,
    responses: Vec<(String, String)>,
}

fn draft_from(r: &Request) -> DraftForm {
    let dm = |d: Option<NaiveDate>| {
        d.map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default()
    };
    DraftForm {
        question: Field::of(r.question.clone()),
        goals: Field::of(r.goals.clone()),
        budget: Field::of(r.budget_euros.map(|b| b.to_string()).unwrap_or_default()),
        period_start: Field::of(dm(r.period_start)),
        period_end: Field::of(dm(r.period_end)),
        zienswijze: zienswijze_opts(r.zienswijze.as_deref().unwrap_or_default()),
        zienswijze_text: Field::of(r.zienswijze_text.clone()),
        zienswijze_on: Field::of(dm(r.zienswijze_on)),
        tlo_held_on: Field::of(dm(r.tlo_held_on)),
        tlo_attendees: Field::of(r.tlo_attendees.clone()),
        version: r.version,
    }
}

fn zienswijze_opts(chosen: &str) -> Vec<Opt> {
    opts(
        [
            ("", "Nog niet gegeven"),
            ("eens", "De ouders zijn het eens met de aanvraag"),
            ("oneens", "De ouders zijn het niet eens met de aanvraag"),
            (
                "geweigerd",
                "De ouders willen geen zienswijze geven (vastgelegd)",
            ),
        ],
        chosen,
    )
}

async fn completeness(state: &AppState, tenant: i64, r: &Request) -> AppResult<Completeness> {
    let kinds = cw::document_kinds(&state.db, tenant, r.pupil_id, r.id).await?;
    let has = |k: DocumentKind| kinds.iter().any(|c| c == k.code());
    Ok(Completeness {
        groeidocument: has(DocumentKind::Groeidocument),
        opp: has(DocumentKind::Opp),
        zienswijze_or_refusal: (r.zienswijze.is_some()
            && (r.zienswijze.as_deref() == Some("geweigerd")
                || !r.zienswijze_text.is_empty()
                || has(DocumentKind::Zienswijze)))
            || passend_store::portal::zienswijze_given(&state.db, r.id).await?,
        tlo_recorded: r.tlo_held_on.is_some() && !r.tlo_attendees.trim().is_empty(),
        arrangement_plan: !r.goals.trim().is_empty()
            && r.budget_euros.is_some()
            && r.period_start.is_some()
            && r.period_end.is_some(),
    })
}

/// The advices as the domain rule needs them, with independence checked against the data.
async fn domain_advices(state: &AppState, r: &Request) -> AppResult<Vec<Advice>> {
    let mut out = Vec::new();
    let all = cw::advices_of(&state.db, r.id).await?;
    for a in &all {
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

fn suspensions_of(rows: &[cw::SuspensionRow]) -> Vec<Suspension> {
    rows.iter()
        .map(|s| Suspension {
            from: s.from_on,
            until: s.until_on,
        })
        .collect()
}

async fn swv_forms(
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
                label: format!("{} ({})", l.name, crate::map::title_case(&l.place)),
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

#[allow(clippy::too_many_arguments)]
async fn request_view(
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
    let advices_rows = cw::advices_of(&state.db, r.id).await?;
    let advices = advices_rows
        .iter()
        // Toeleiders see every advice; the expert their own; the applying school the given
        // advices once the decision is taken (they are part of what the decision rests on).
        .filter(|a| {
            swv_side
                || a.expert_id == p.user_id
                || (relation == Relation::School && status.is_final() && a.submitted_at.is_some())
        })
        .map(|a| AdviceLine {
            expert: a.expert_name.clone(),
            profession: a
                .profession
                .as_deref()
                .and_then(Profession::from_code)
                .map(Profession::label_nl)
                .unwrap_or("–")
                .to_owned(),
            due: long(a.due_on),
            given: a
                .submitted_at
                .map(when)
                .unwrap_or_else(|| "nog niet".to_owned()),
            conclusion: match a.conclusion.as_deref() {
                Some("toelaatbaar") => "Toelaatbaar",
                Some("niet-toelaatbaar") => "Niet toelaatbaar",
                _ => "–",
            }
            .to_owned(),
            text: a.advice_text.clone(),
        })
        .collect();
    let meeting_rows = cw::meetings(&state.db, r.id).await?;
    let upcoming_meeting = meeting_rows
        .iter()
        .filter(|m| m.starts_at > Utc::now())
        .map(|m| when(m.starts_at))
        .next();
    let meetings = meeting_rows
        .into_iter()
        .map(|m| MeetingLine {
            kind: if m.kind == "tlo" {
                "Toelaatbaarheidsoverleg (TLO)"
            } else {
                "Multidisciplinair overleg (MDO)"
            },
            when: when(m.starts_at),
            place: m.place,
            purpose: m.purpose,
            outcomes: m.outcomes,
            attendees: m.attendees,
        })
        .collect();
    let decision = match cw::decision_of(&state.db, p.tenant_id, r.id).await? {
        Some(d) => {
            let beslissingen = passend_store::bezwaar::beslissingen(&state.db, d.id).await?;
            let bezwaren = cw::bezwaren(&state.db, d.id)
                .await?
                .into_iter()
                .map(|b| BezwaarLine {
                    id: b.id,
                    notes: b.notes.clone(),
                    received: long(b.received_on),
                    filed_by: crate::letters::filed_by_words(&b.filed_by).to_owned(),
                    late: !passend_store::bezwaar::in_time(d.sent_on, b.received_on),
                    lbt_due: long(tlv::lbt_deadline(b.received_on)),
                    lbt_sent: long_or(b.lbt_sent_on, "nog niet"),
                    lbt_advice: match (&b.lbt_advice, b.lbt_advice_on) {
                        (Some(a), Some(on)) => format!("{a} (op {})", long(on)),
                        _ => "nog niet".to_owned(),
                    },
                    has_advice: b.lbt_advice.is_some(),
                    has_sent: b.lbt_sent_on.is_some(),
                    outcome: match b.outcome.as_deref() {
                        Some("gegrond") => "Gegrond",
                        Some("ongegrond") => "Ongegrond",
                        Some("niet-ontvankelijk") => "Niet-ontvankelijk",
                        Some("ingetrokken") => "Ingetrokken",
                        _ => "Nog geen beslissing",
                    }
                    .to_owned(),
                    open: b.outcome.is_none(),
                    beslissing: beslissingen
                        .iter()
                        .find(|x| x.bezwaar_id == b.id)
                        .map(|x| match x.sent_on {
                            Some(s) => format!(
                                "brief verzonden op {}; beroep mogelijk tot en met {}",
                                long(s),
                                long(tlv::beroep_deadline(s))
                            ),
                            None if x.revokes => "brief nog niet verzonden; het besluit wordt herroepen op de dag dat de brief wordt verzonden".to_owned(),
                            None => "brief nog niet verzonden".to_owned(),
                        }),
                })
                .collect();
            let history = passend_store::bezwaar::history(&state.db, d.id).await?;
            let revoked = !history.is_empty();
            // A receiving school sees what holds, not what was before nor why.
            let replaced = if relation == Relation::Receiving {
                Vec::new()
            } else {
                history
                    .into_iter()
                    .map(|h| {
                        format!(
                            "Tot {} luidde het besluit: {}{}{}. Na het bezwaar is het vervangen door wat hierboven staat; de motivering hierboven is die van het eerste besluit.",
                            long(tlv::dutch_day(h.replaced_at)),
                            if h.granted {
                                "toelaatbaar"
                            } else {
                                "niet toelaatbaar"
                            },
                            h.category
                                .map(|c| format!(", categorie {c}"))
                                .unwrap_or_default(),
                            h.receiving_name
                                .map(|n| format!(", ontvangende school {n}"))
                                .unwrap_or_default()
                        )
                    })
                    .collect()
            };
            Some(DecisionView {
                id: d.id,
                outcome: status.label_nl(kind).to_owned(),
                number: d.beschikkingsnummer.clone(),
                placement: match (d.placement.as_deref(), d.category.as_deref()) {
                    (Some("sbo"), _) => "Speciaal basisonderwijs (SBO)".to_owned(),
                    (Some("so"), Some(c)) => format!("Speciaal onderwijs (SO), categorie {c}"),
                    _ => "–".to_owned(),
                },
                start: long_or(d.start_on, "–"),
                end: long_or(d.end_on, "geen einddatum"),
                receiving: d
                    .receiving_name
                    .clone()
                    .unwrap_or_else(|| "nog niet bekend".to_owned()),
                reasons: if revoked && relation == Relation::Receiving {
                    String::new()
                } else {
                    d.reasons.clone()
                },
                letter_on: long(d.letter_on),
                sent: d.sent_on.map(|s| {
                    format!(
                        "{}, {}",
                        long(s),
                        crate::letters::how_label(d.sent_how.as_deref().unwrap_or_default())
                    )
                }),
                bezwaar_until: d.sent_on.map(|s| long(tlv::bezwaar_deadline(s))),
                is_tlv: kind.is_tlv(),
                granted: d.granted,
                bezwaar_decided: !beslissingen.is_empty(),
                bezwaren,
                replaced,
            })
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
    let given = domain_advices(state, r).await?;
    if kind.is_tlv()
        && status == Status::AdviesGevraagd
        && let Err(problem) = tlv::check_advices(&given)
    {
        swv.decision_blocked = Some(format!(
            "{} Er zijn nu {} gegeven.",
            problem.message_nl(),
            given.len()
        ));
    }
    // The parents' part: what was shared with them and what they answered.
    let (parents_linked, shares, responses) = if relation != Relation::Receiving {
        let linked = !passend_store::portal::parents_of(&state.db, r.pupil_id)
            .await?
            .is_empty();
        let share_rows = passend_store::portal::shares_of(&state.db, r.id).await?;
        let shares = share_rows
            .iter()
            .map(|s| {
                format!(
                    "Versie {} gedeeld op {}{}; mening gevraagd vóór {}",
                    s.request_version,
                    when(s.shared_at),
                    s.shared_by_name
                        .as_ref()
                        .map(|n| format!(" door {n}"))
                        .unwrap_or_default(),
                    long(s.respond_by)
                )
            })
            .collect();
        let responses = passend_store::portal::responses_of_pupil(&state.db, r.pupil_id)
            .await?
            .into_iter()
            .filter(|x| x.request_id == Some(r.id))
            .map(|x| {
                let what = match (x.kind.as_str(), x.answer.as_str()) {
                    ("gelezen", _) => "heeft de aanvraag gelezen".to_owned(),
                    ("zienswijze", "eens") => "is het eens met de aanvraag".to_owned(),
                    ("zienswijze", _) => "is het niet eens met de aanvraag".to_owned(),
                    ("ondertekening", name) => format!("heeft ondertekend als “{name}”"),
                    _ => "reageerde".to_owned(),
                };
                let mut text = x.text.clone();
                if let Some(f) = &x.attachment_name {
                    text = if text.is_empty() {
                        format!("Met een document: {f}")
                    } else {
                        format!("{text}\n(Met een document: {f})")
                    };
                }
                (
                    format!(
                        "{} {what} (versie {}, {})",
                        x.user_name,
                        x.request_version.unwrap_or_default(),
                        when(x.responded_at)
                    ),
                    text,
                )
            })
            .collect();
        (linked, shares, responses)
    } else {
        (false, Vec::new(), Vec::new())
    };
    let received = r.received_on;
    let ceiling = received.map(|d| tlv::awb_ceiling(d, &suspensions_of(&suspension_rows), today()));
    let overdue = !status.is_final() && r.decision_due.is_some_and(|d| d < today());
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
        missing: tlv::missing_for(kind, &complete),
        draft: draft.unwrap_or_else(|| draft_from(r)),
        swv,
        errors,
        documents,
        upload,
        advices,
        meetings,
        decision,
        timeline,
        can_assign: swv_side
            && matches!(
                status,
                Status::Ingediend | Status::InBehandeling | Status::AdviesGevraagd
            ),
        can_ask_advice: swv_side
            && matches!(status, Status::InBehandeling | Status::AdviesGevraagd),
        can_decide: swv_side
            && ((kind.is_tlv() && status == Status::AdviesGevraagd)
                || (!kind.is_tlv()
                    && matches!(status, Status::InBehandeling | Status::AdviesGevraagd))),
        can_withdraw: (relation == Relation::School || swv_side) && !status.is_final(),
        can_write: relation.writes(),
        request_id: Some(r.id),
        documents_hidden: relation == Relation::Receiving,
        receiving: relation == Relation::Receiving,
        upcoming_meeting,
        period: match (r.period_start, r.period_end) {
            (Some(a), Some(b)) => format!("{} tot en met {}", long(a), long(b)),
            _ => "–".to_owned(),
        },
        zienswijze_label: match r.zienswijze.as_deref() {
            Some("eens") => "De ouders zijn het eens met de aanvraag",
            Some("oneens") => "De ouders zijn het niet eens met de aanvraag",
            Some("geweigerd") => "De ouders wilden geen zienswijze geven",
            _ if passend_store::portal::zienswijze_given(&state.db, r.id).await? => {
                "Gegeven in het ouderportaal (zie hieronder bij “De ouders”)"
            }
            _ => "Niet gegeven",
        }
        .to_owned(),
        zienswijze_on: long_or(r.zienswijze_on, ""),
        tlo: match r.tlo_held_on {
            Some(d) => format!("{}; aanwezig: {}", long(d), r.tlo_attendees),
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

async fn request_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let p = visitor.signed_in()?;
    let (r, pupil, relation) = request_for(&state, &visitor, p, id).await?;
    record_read(
        &state,
        &visitor,
        "aanvraag",
        &id.to_string(),
        pupil.id,
        "read",
    )
    .await?;
    let mut view =
        request_view(&state, &visitor, &r, relation, None, None, None, Vec::new()).await?;
    view.layout.notice = match q.gedaan.as_str() {
        "aangemaakt" => Some("De aanvraag is aangemaakt als concept. Vul hem aan en dien hem in als alles compleet is.".to_owned()),
        "opgeslagen" => Some("De aanvraag is opgeslagen.".to_owned()),
        "ingediend" => Some("De aanvraag is ingediend bij het samenwerkingsverband.".to_owned()),
        "ingetrokken" => Some("De aanvraag is ingetrokken.".to_owned()),
        "toegewezen" => Some("De contactpersoon is vastgelegd.".to_owned()),
        "overleg" => Some("Het overleg is gepland en de uitnodigingen zijn verstuurd.".to_owned()),
        "opgeschort" => Some("De beslistermijn staat stil tot de informatie er is.".to_owned()),
        "hervat" => Some("De beslistermijn loopt weer; de nieuwe uiterste datum staat hieronder.".to_owned()),
        "adviesvraag" => Some("De adviesvraag is verstuurd naar de deskundige.".to_owned()),
        "besluit" => Some("Het besluit is genomen en de brief is gemaakt. Leg vast wanneer de brief is verzonden: pas dan begint de bezwaartermijn en zien de ouders de brief in het ouderportaal.".to_owned()),
        "verzonden" => Some("De verzending van de brief is vastgelegd. De bezwaartermijn loopt vanaf de dag erna.".to_owned()),
        "document" => Some("Het document is opgeslagen.".to_owned()),
        "bezwaar" => Some("Het bezwaar is geregistreerd.".to_owned()),
        "aangevuld" => Some("Toeleiding heeft bericht gekregen dat de informatie er is. Zij laten de beslistermijn weer lopen als de aanvraag compleet is.".to_owned()),
        "bezwaar-bijgewerkt" => Some("Het bezwaar is bijgewerkt.".to_owned()),
        "gedeeld" => Some("De aanvraag is gedeeld met de ouders. Zij hebben een e-mail gekregen en zien de aanvraag in het ouderportaal.".to_owned()),
        "delen-datum" => Some("Kies een datum na vandaag waarvoor de ouders hun mening kunnen geven.".to_owned()),
        "delen-geen-ouders" => Some("Er is nog geen ouder met toegang tot het ouderportaal. Nodig eerst een ouder uit in het dossier.".to_owned()),
        "gewijzigd" => Some("Iemand anders heeft de aanvraag intussen gewijzigd. Hieronder ziet u de nieuwste stand; doe uw wijziging zo nodig opnieuw.".to_owned()),
        _ => None,
    };
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

async fn school_request(
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

async fn swv_request(
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

fn read_draft(
    f: &HashMap<String, String>,
    kind: RequestKind,
) -> (DraftForm, Option<RequestDraft>, Vec<(String, String)>) {
    let mut d = DraftForm {
        question: Field::of(val(f, "vraag")),
        goals: Field::of(val(f, "doelen")),
        budget: Field::of(val(f, "begroting")),
        period_start: Field::of(val(f, "periode-van")),
        period_end: Field::of(val(f, "periode-tot")),
        zienswijze: zienswijze_opts(&val(f, "zienswijze")),
        zienswijze_text: Field::of(val(f, "zienswijze-tekst")),
        zienswijze_on: Field::of(val(f, "zienswijze-datum")),
        tlo_held_on: Field::of(val(f, "tlo-datum")),
        tlo_attendees: Field::of(val(f, "tlo-aanwezig")),
        version: val(f, "versie").parse().unwrap_or(0),
    };
    required(&mut d.question, "Beschrijf wat u vraagt en waarom.");
    text_limit(&mut d.question, 5000, "de vraag");
    text_limit(&mut d.goals, 5000, "de doelen");
    text_limit(&mut d.zienswijze_text, 5000, "de zienswijze");
    text_limit(&mut d.tlo_attendees, 1000, "de lijst van aanwezigen");
    let budget = match d.budget.value.replace(['.', '€', ' '], "").as_str() {
        "" => None,
        b => match b.parse::<i64>() {
            Ok(n) if (0..=10_000_000).contains(&n) => Some(n),
            _ => {
                d.budget.error =
                    Some("Vul de begroting in hele euro's in, bijvoorbeeld 4500.".to_owned());
                None
            }
        },
    };
    let start = date_field(
        &d.period_start.value.clone(),
        &mut d.period_start,
        false,
        "het begin van de periode",
    );
    let end = date_field(
        &d.period_end.value.clone(),
        &mut d.period_end,
        false,
        "het einde van de periode",
    );
    if let (Some(s), Some(e)) = (start, end)
        && e <= s
    {
        d.period_end.error = Some("Het einde van de periode moet na het begin liggen.".to_owned());
    }
    let z_on = date_field(
        &d.zienswijze_on.value.clone(),
        &mut d.zienswijze_on,
        false,
        "de datum van de zienswijze",
    );
    let tlo = date_field(
        &d.tlo_held_on.value.clone(),
        &mut d.tlo_held_on,
        false,
        "de datum van het TLO",
    );
    for (field, date) in [(&mut d.zienswijze_on, z_on), (&mut d.tlo_held_on, tlo)] {
        if date.is_some_and(|x| x > today()) {
            field.error = Some(
                "Deze datum ligt in de toekomst. Vul de datum in waarop het gebeurde.".to_owned(),
            );
        }
    }
    let zienswijze = Some(val(f, "zienswijze"))
        .filter(|z| matches!(z.as_str(), "eens" | "oneens" | "geweigerd"));
    let errors = summary(&[
        ("vraag", &d.question),
        ("doelen", &d.goals),
        ("begroting", &d.budget),
        ("periode-van", &d.period_start),
        ("periode-tot", &d.period_end),
        ("zienswijze-tekst", &d.zienswijze_text),
        ("zienswijze-datum", &d.zienswijze_on),
        ("tlo-datum", &d.tlo_held_on),
        ("tlo-aanwezig", &d.tlo_attendees),
    ]);
    let _ = kind;
    if !errors.is_empty() {
        return (d, None, errors);
    }
    let draft = RequestDraft {
        question: d.question.value.clone(),
        goals: d.goals.value.clone(),
        budget_euros: budget,
        period_start: start,
        period_end: end,
        zienswijze,
        zienswijze_text: d.zienswijze_text.value.clone(),
        zienswijze_on: z_on,
        tlo_held_on: tlo,
        tlo_attendees: d.tlo_attendees.value.clone(),
    };
    (d, Some(draft), errors)
}

/// Saves the concept's fields as typed: the page again with the messages when something is
/// wrong (`Err`), or how the save went.
async fn save_typed(
    state: &AppState,
    visitor: &Visitor,
    p: &Principal,
    r: &Request,
    relation: Relation,
    f: &HashMap<String, String>,
) -> AppResult<Result<Change, Response>> {
    let (draft_form, draft, errors) = read_draft(f, kind_of(r)?);
    let Some(draft) = draft else {
        let view = request_view(
            state,
            visitor,
            r,
            relation,
            Some(draft_form),
            None,
            None,
            errors,
        )
        .await?;
        return Ok(Err((
            StatusCode::UNPROCESSABLE_ENTITY,
            Html(view.render()?),
        )
            .into_response()));
    };
    Ok(Ok(cw::save_draft(
        &state.db,
        &actor(p, visitor),
        r,
        draft_form.version,
        &draft,
    )
    .await?))
}

async fn save_draft(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    body: String,
) -> AppResult<Response> {
    let p = visitor.signed_in()?.clone();
    let (r, relation) = school_request(&state, &visitor, &p, id).await?;
    match save_typed(&state, &visitor, &p, &r, relation, &form(&body)).await? {
        Err(page) => Ok(page),
        Ok(change) => Ok(after(r.id, change, "opgeslagen")),
    }
}

async fn submit(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    body: String,
) -> AppResult<Response> {
    let p = visitor.signed_in()?.clone();
    let (r, relation) = school_request(&state, &visitor, &p, id).await?;
    // "Opslaan en indienen" sends the form: what was typed is saved first, never lost.
    let f = form(&body);
    let r = if f.contains_key("versie") {
        match save_typed(&state, &visitor, &p, &r, relation, &f).await? {
            Err(page) => return Ok(page),
            Ok(Change::Stale) => return Ok(see_request(r.id, "gewijzigd")),
            Ok(Change::Done) => {}
        }
        cw::request(&state.db, p.tenant_id, r.id)
            .await?
            .ok_or(AppError::NotFound)?
    } else {
        r
    };
    let kind = kind_of(&r)?;
    let missing = tlv::missing_for(kind, &completeness(&state, p.tenant_id, &r).await?);
    if status_of(&r)? != Status::Concept {
        return Ok(see_request(r.id, "gewijzigd"));
    }
    if !missing.is_empty() {
        let errors = missing
            .iter()
            .map(|m| ("compleet".to_owned(), format!("Nog nodig: {m}.")))
            .collect();
        let view = request_view(&state, &visitor, &r, relation, None, None, None, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(view.render()?)).into_response());
    }
    let received = today();
    let due = state.casework.policy.decision_due(received);
    let mut notices = Vec::new();
    for (uid, _, email) in cw::staff_of_role(&state.db, p.tenant_id, Role::Toeleider.code()).await?
    {
        notices.push(notice(
            &state,
            format!("aanvraag-{}-ingediend-{uid}", r.id),
            &email,
            "Nieuwe aanvraag bij toeleiding",
            &[
                "Een school heeft een aanvraag ingediend. Die staat in de wachtrij van toeleiding.",
                &request_link(&state, r.id),
            ],
        ));
    }
    notices.extend(
        parent_notices(
            &state,
            r.pupil_id,
            Some(r.id),
            ParentNews::Submitted,
            &format!("ingediend-{}", r.id),
        )
        .await?,
    );
    let change = cw::step(
        &state.db,
        &actor(&p, &visitor),
        &r,
        &Step {
            from: Status::Concept.code(),
            to: Status::Ingediend.code(),
            what: &format!(
                "Ingediend bij het samenwerkingsverband; besluit uiterlijk {}",
                long(due)
            ),
            action: "update",
            received: Some((received, due)),
            contact_id: None,
            notices,
        },
    )
    .await?;
    Ok(after(r.id, change, "ingediend"))
}

async fn withdraw(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    body: String,
) -> AppResult<Response> {
    let p = visitor.signed_in()?.clone();
    let (r, _, relation) = request_for(&state, &visitor, &p, id).await?;
    if !matches!(relation, Relation::School | Relation::Toeleider) {
        return Err(AppError::NotFound);
    }
    if !crate::forms::confirmed(&body) {
        return crate::layout::not_confirmed(&state, &visitor, format!("/aanvragen/{}", r.id));
    }
    let status = status_of(&r)?;
    if !status.next(kind_of(&r)?).contains(&Status::Ingetrokken) {
        return Ok(see_request(r.id, "gewijzigd"));
    }
    let change = cw::step(
        &state.db,
        &actor(&p, &visitor),
        &r,
        &Step {
            from: status.code(),
            to: Status::Ingetrokken.code(),
            what: "Aanvraag ingetrokken",
            action: "update",
            notices: parent_notices(
                &state,
                r.pupil_id,
                Some(r.id),
                ParentNews::Withdrawn,
                &format!("ingetrokken-{}", r.id),
            )
            .await?,
            ..Step::default()
        },
    )
    .await?;
    Ok(after(r.id, change, "ingetrokken"))
}

async fn assign(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    body: String,
) -> AppResult<Response> {
    let p = visitor.signed_in()?.clone();
    let r = swv_request(&state, &visitor, &p, id).await?;
    let f = form(&body);
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

async fn rerender_swv(
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

/// Who may attend a meeting: roles, never names, so the invitation holds no personal data.
const ATTENDEES: [(&str, &str); 9] = [
    ("ouders", "de ouders"),
    ("leerling", "de leerling (als dat past)"),
    ("ib", "de intern begeleider"),
    ("leerkracht", "de leerkracht"),
    ("directeur", "de directeur van de school"),
    ("toeleider", "een toeleider van het samenwerkingsverband"),
    ("deskundige", "een orthopedagoog of psycholoog"),
    ("jeugdhulp", "jeugdhulp of het wijkteam"),
    ("ontvangend", "iemand van de mogelijke nieuwe school"),
];

fn attendee_options(chosen: &[String]) -> Vec<Opt> {
    ATTENDEES
        .iter()
        .map(|(v, l)| Opt {
            value: (*v).to_owned(),
            label: (*l).to_owned(),
            selected: chosen.iter().any(|c| c == v),
        })
        .collect()
}

/// The purpose and the possible outcomes of a meeting, in the same words for everyone.
fn meeting_texts(kind: &str) -> (&'static str, &'static str) {
    if kind == "tlo" {
        (
            "Samen bespreken of een toelaatbaarheidsverklaring (TLV) de beste weg is, en wat de leerling nodig heeft.",
            "Een aanvraag voor een TLV voor het speciaal (basis)onderwijs; extra ondersteuning op de eigen school (een arrangement); of een andere school die kan bieden wat nodig is.",
        )
    } else {
        (
            "Samen bespreken wat de leerling nodig heeft en welke ondersteuning de school kan bieden.",
            "Een arrangement op de eigen school; advies aan de school; verder onderzoek; of een toelaatbaarheidsoverleg.",
        )
    }
}

async fn plan_meeting(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    body: String,
) -> AppResult<Response> {
    let p = visitor.signed_in()?.clone();
    let r = swv_request(&state, &visitor, &p, id).await?;
    if status_of(&r)?.is_final() {
        return Ok(see_request(r.id, "gewijzigd"));
    }
    let f = form(&body);
    let mut swv = swv_forms(&state, &p, &r, kind_of(&r)?).await?;
    let kind = if val(&f, "overleg-soort") == "mdo" {
        "mdo"
    } else {
        "tlo"
    };
    swv.meeting_kind = opts(
        [
            ("tlo", "Toelaatbaarheidsoverleg (TLO)"),
            ("mdo", "Multidisciplinair overleg (MDO)"),
        ],
        kind,
    );
    swv.meeting_date = Field::of(val(&f, "overleg-datum"));
    swv.meeting_time = Field::of(val(&f, "overleg-tijd"));
    swv.meeting_place = Field::of(val(&f, "overleg-plaats"));
    let chosen: Vec<String> = form_urlencoded::parse(body.as_bytes())
        .filter(|(k, _)| k == "aanwezig")
        .map(|(_, v)| v.into_owned())
        .filter(|v| ATTENDEES.iter().any(|(c, _)| c == v))
        .collect();
    swv.meeting_attendees = attendee_options(&chosen);
    let date = date_field(
        &swv.meeting_date.value.clone(),
        &mut swv.meeting_date,
        true,
        "de datum",
    );
    if date.is_some_and(|d| d < today()) {
        swv.meeting_date.error =
            Some("Deze datum is al voorbij. Kies een datum vanaf vandaag.".to_owned());
    }
    let time = NaiveTime::parse_from_str(&swv.meeting_time.value.replace('.', ":"), "%H:%M").ok();
    if time.is_none() {
        swv.meeting_time.error = Some("Vul een tijd in, bijvoorbeeld 14:30.".to_owned());
    }
    required(
        &mut swv.meeting_place,
        "Vul in waar het overleg is (of dat het online is).",
    );
    text_limit(&mut swv.meeting_place, 300, "de plaats");
    let mut errors = summary(&[
        ("overleg-datum", &swv.meeting_date),
        ("overleg-tijd", &swv.meeting_time),
        ("overleg-plaats", &swv.meeting_place),
    ]);
    if chosen.is_empty() {
        let m = "Kies wie er bij zijn.".to_owned();
        swv.meeting_attendees_error = Some(m.clone());
        errors.push(("aanwezig-ouders".to_owned(), m));
    }
    let (Some(date), Some(time), true) = (date, time, errors.is_empty()) else {
        return rerender_swv(&state, &visitor, &r, swv, errors).await;
    };
    let starts = passend_domain::time::from_local(NaiveDateTime::new(date, time));
    let label = if kind == "tlo" {
        "toelaatbaarheidsoverleg (TLO)"
    } else {
        "multidisciplinair overleg (MDO)"
    };
    let (purpose, outcomes) = meeting_texts(kind);
    let attendees = ATTENDEES
        .iter()
        .filter(|(c, _)| chosen.iter().any(|x| x == c))
        .map(|(_, l)| *l)
        .collect::<Vec<_>>()
        .join(", ");
    let details = [
        format!("Wanneer: {}", when(starts)),
        format!("Waar: {}", swv.meeting_place.value),
        format!("Wie zijn er bij: {attendees}"),
        format!("Doel: {purpose}"),
        format!("Mogelijke uitkomsten: {outcomes}"),
    ];
    let mut recipients: Vec<(String, String)> = Vec::new();
    for (uid, _, email) in request_school_staff(&state, p.tenant_id, &r).await? {
        recipients.push((format!("school-{uid}"), email));
    }
    if chosen.iter().any(|c| c == "ouders") {
        for g in cw::guardians(&state.db, r.pupil_id).await? {
            if g.parental_authority && !g.email.is_empty() {
                recipients.push((format!("ouder-{}", g.id), g.email));
            }
        }
    }
    let stamp = Utc::now().timestamp_micros();
    let school_intro = format!("U bent uitgenodigd voor een {label} over een leerling.");
    let parent_intro = format!("U bent uitgenodigd voor een {label} over uw kind.");
    let school_link = request_link(&state, r.id);
    let parent_contact = format!(
        "Heeft u vragen, of kunt u niet? Neem dan contact op met {}, of met de school. Het Oudersteunpunt helpt u gratis en onafhankelijk.",
        contact_phrase(&r)
    );
    let notices: Vec<Notice> = recipients
        .iter()
        .map(|(who, email)| {
            let school = who.starts_with("school");
            let mut lines: Vec<&str> = vec![if school { &school_intro } else { &parent_intro }];
            lines.extend(details.iter().map(String::as_str));
            lines.push(if school {
                &school_link
            } else {
                &parent_contact
            });
            // A neutral subject: the mail queue shows it next to the address.
            notice(
                &state,
                format!("overleg-{}-{stamp}-{who}", r.id),
                email,
                "Uitnodiging voor een overleg",
                &lines,
            )
        })
        .collect();
    cw::plan_meeting(
        &state.db,
        &actor(&p, &visitor),
        &r,
        kind,
        starts,
        &swv.meeting_place.value,
        purpose,
        outcomes,
        &attendees,
        &format!("Overleg gepland: {label} op {}", when(starts)),
        &notices,
    )
    .await?;
    Ok(see_request(r.id, "overleg"))
}

async fn suspend(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    body: String,
) -> AppResult<Response> {
    let p = visitor.signed_in()?.clone();
    let r = swv_request(&state, &visitor, &p, id).await?;
    let (Some(received), false) = (r.received_on, status_of(&r)?.is_final()) else {
        return Ok(see_request(r.id, "gewijzigd"));
    };
    let f = form(&body);
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
async fn information_sent(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let p = visitor.signed_in()?.clone();
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

async fn ask_advice(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    body: String,
) -> AppResult<Response> {
    let p = visitor.signed_in()?.clone();
    let r = swv_request(&state, &visitor, &p, id).await?;
    let kind = kind_of(&r)?;
    if !matches!(
        status_of(&r)?,
        Status::InBehandeling | Status::AdviesGevraagd
    ) {
        return Ok(see_request(r.id, "gewijzigd"));
    }
    let f = form(&body);
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

async fn decide(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    body: String,
) -> AppResult<Response> {
    let p = visitor.signed_in()?.clone();
    let r = swv_request(&state, &visitor, &p, id).await?;
    let kind = kind_of(&r)?;
    let status = status_of(&r)?;
    let f = form(&body);
    let mut swv = swv_forms(&state, &p, &r, kind).await?;
    let outcome = val(&f, "uitkomst");
    swv.decision_outcome = if kind.is_tlv() {
        opts(
            [("ja", "Toelaatbaar"), ("nee", "Niet toelaatbaar")],
            &outcome,
        )
    } else {
        opts([("ja", "Toekennen"), ("nee", "Afwijzen")], &outcome)
    };
    let category_code = val(&f, "categorie");
    swv.decision_category = opts(
        [
            ("laag", "Laag (categorie 1)"),
            ("midden", "Midden (categorie 2)"),
            ("hoog", "Hoog (categorie 3)"),
        ],
        &category_code,
    );
    swv.decision_start = Field::of(val(&f, "start"));
    swv.decision_end = Field::of(val(&f, "einde"));
    swv.decision_no_end = val(&f, "geen-einde") == "ja";
    let receiving = val(&f, "ontvangend");
    for o in &mut swv.decision_receiving {
        o.selected = o.value == receiving;
    }
    swv.decision_reasons = Field::of(val(&f, "motivering"));
    let mut errors = Vec::new();
    let granted = match outcome.as_str() {
        "ja" => Some(true),
        "nee" => Some(false),
        _ => {
            errors.push((
                "uitkomst-ja".to_owned(),
                "Kies de uitkomst van het besluit.".to_owned(),
            ));
            None
        }
    };
    required(
        &mut swv.decision_reasons,
        "Schrijf de motivering op: die komt in de brief.",
    );
    text_limit(&mut swv.decision_reasons, 5000, "de motivering");
    // The placement decided: SBO as asked, or SO with the category chosen.
    let placement = match kind.placement() {
        Some(Placement::Sbo) => Some(Placement::Sbo),
        Some(Placement::So(asked)) => match Category::from_code(&category_code) {
            Some(c) => Some(Placement::So(c)),
            // A refusal states no category: the one asked for is named in the letter.
            None if granted == Some(false) => Some(Placement::So(asked)),
            None => {
                errors.push((
                    "categorie".to_owned(),
                    "Kies de bekostigingscategorie.".to_owned(),
                ));
                None
            }
        },
        None => None,
    };
    let tlv_granted = kind.is_tlv() && granted == Some(true);
    let (start, end) = if tlv_granted || kind == RequestKind::Arrangement && granted == Some(true) {
        let start = date_field(
            &swv.decision_start.value.clone(),
            &mut swv.decision_start,
            true,
            "de startdatum",
        );
        let end = if swv.decision_no_end {
            None
        } else {
            date_field(
                &swv.decision_end.value.clone(),
                &mut swv.decision_end,
                true,
                "de einddatum (of kies: geen einddatum)",
            )
        };
        if let (Some(s), Some(e)) = (start, end)
            && e <= s
        {
            swv.decision_end.error = Some("De einddatum moet na de startdatum liggen.".to_owned());
        }
        (start, end)
    } else {
        (None, None)
    };
    errors.extend(summary(&[
        ("start", &swv.decision_start),
        ("einde", &swv.decision_end),
        ("motivering", &swv.decision_reasons),
    ]));
    let receiving_id = receiving.parse::<i64>().ok().filter(|_| tlv_granted);
    if receiving_id.is_some_and(|rid| {
        !swv.decision_receiving
            .iter()
            .any(|o| o.value == rid.to_string())
    }) {
        errors.push((
            "ontvangend".to_owned(),
            "Kies een school uit de lijst.".to_owned(),
        ));
    }
    // The law's check on the advices (TLV), through the state machine.
    let to = if granted == Some(true) {
        Status::Toegekend
    } else {
        Status::Afgewezen
    };
    let advices = domain_advices(&state, &r).await?;
    if let Err(problem) = tlv::transition(kind, status, to, &advices) {
        let message = match problem {
            TransitionProblem::Advices(a) => a.message_nl(),
            TransitionProblem::NotAllowed { .. } => {
                "In deze stap kan nog geen besluit worden genomen.".to_owned()
            }
        };
        errors.insert(0, ("besluit".to_owned(), message));
    }
    if !errors.is_empty() || granted.is_none() {
        return rerender_swv(&state, &visitor, &r, swv, errors).await;
    }
    let granted = granted == Some(true);
    let letter_on = today();
    let decided_kind = placement.map_or(kind, |pl| kind.with_placement(pl));
    // The receiving school hears of a TLV once its letter is sent (it is then made known):
    // `bezwaar::record_sending`.
    let mut recipients: Vec<(String, String)> = Vec::new();
    for (uid, _, email) in request_school_staff(&state, p.tenant_id, &r).await? {
        recipients.push((format!("school-{uid}"), email));
    }
    let link = request_link(&state, r.id);
    let parent_text = format!(
        "Het samenwerkingsverband heeft een besluit genomen over de aanvraag voor uw kind. U krijgt de besluitbrief, met uitleg over bezwaar. Heeft u die over een week nog niet, of heeft u vragen? Neem dan contact op met {}. Het Oudersteunpunt helpt u gratis en onafhankelijk.",
        contact_phrase(&r)
    );
    let mut notices: Vec<Notice> = recipients
        .iter()
        .map(|(who, email)| {
            notice(
                &state,
                format!("besluit-{}-{who}", r.id),
                email,
                "Er is een besluit over uw aanvraag",
                &["Het samenwerkingsverband heeft een besluit genomen over een aanvraag van uw school. De brief staat klaar na het inloggen.", &link],
            )
        })
        .collect();
    // The parents with gezag hear of it too, without any detail in the mail: through the
    // portal when they have an account there, else with the general text.
    notices.extend(
        parent_notices(
            &state,
            r.pupil_id,
            Some(r.id),
            ParentNews::Decided,
            &format!("besluit-{}", r.id),
        )
        .await?,
    );
    let in_portal = parent_addresses(&state, r.pupil_id).await?;
    for g in cw::guardians(&state.db, r.pupil_id).await? {
        let known = in_portal
            .iter()
            .any(|a| a.eq_ignore_ascii_case(g.email.trim()));
        if g.parental_authority && !g.email.is_empty() && !known {
            notices.push(notice(
                &state,
                format!("besluit-{}-ouder-{}", r.id, g.id),
                &g.email,
                "Bericht van het samenwerkingsverband",
                &[&parent_text],
            ));
        }
    }
    let what = format!(
        "Besluit: {}{}",
        to.label_nl(decided_kind).to_lowercase(),
        placement
            .filter(|_| granted)
            .map(|pl| match pl {
                Placement::Sbo => " tot het SBO".to_owned(),
                Placement::So(c) => format!(" tot het SO, categorie {}", c.label_nl()),
            })
            .unwrap_or_default()
    );
    let decided = cw::decide(
        &state.db,
        &actor(&p, &visitor),
        &r,
        status.code(),
        &NewDecision {
            granted,
            placement: placement
                .filter(|_| granted)
                .map(|pl| pl.type_code().to_owned()),
            category: placement
                .filter(|_| granted)
                .and_then(Placement::category)
                .map(|c| c.label_nl().to_owned()),
            start_on: start,
            end_on: end,
            receiving_location_id: receiving_id,
            reasons: swv.decision_reasons.value.clone(),
            letter_on,
            status: to.code().to_owned(),
            swv_code: state.casework.swv_code.clone(),
        },
        &what,
        &notices,
    )
    .await?;
    let Some((decision_id, _)) = decided else {
        return Ok(see_request(r.id, "gewijzigd"));
    };
    // The letter is made now and kept as sent; if that fails, the download makes it.
    if kind.is_tlv()
        && let Err(e) = make_letter(&state, p.tenant_id, decision_id).await
    {
        tracing::error!(error = %e, "decision letter not made at decision time");
    }
    Ok(see_request(r.id, "besluit"))
}

// ---------------------------------------------------------------------------------------------
// The letter

async fn letter(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let p = visitor.signed_in()?;
    let Some(d) = cw::decision(&state.db, p.tenant_id, id).await? else {
        let object = id.to_string();
        let event = visitor.event("download", "besluit", &object, Outcome::Denied, "not found");
        passend_store::audit::append(&state.db, &event).await?;
        return Err(AppError::NotFound);
    };
    let (_, pupil, relation) = request_for(&state, &visitor, p, d.request_id).await?;
    if relation == Relation::Expert
        || !RequestKind::from_code(&d.kind).is_some_and(RequestKind::is_tlv)
    {
        return Err(AppError::NotFound);
    }
    // After a revocation the letter no longer says what holds (it may name another school) and
    // the beslissing's letter is written to the objector, with the old decision and the LBT's
    // advice: a receiving school gets neither, and reads the TLV's data in its overview.
    if relation == Relation::Receiving
        && passend_store::bezwaar::was_replaced(&state.db, d.id).await?
    {
        let object = id.to_string();
        let event = visitor.event("download", "besluit", &object, Outcome::Denied, "replaced");
        passend_store::audit::append(&state.db, &event).await?;
        return Err(AppError::NotFound);
    }
    let bytes = letter_bytes(&state, p.tenant_id, &d).await?;
    record_read(
        &state,
        &visitor,
        "besluit",
        &id.to_string(),
        pupil.id,
        "download",
    )
    .await?;
    Ok(attachment(
        bytes,
        "application/pdf",
        &format!("besluit-{}.pdf", d.beschikkingsnummer),
    ))
}
