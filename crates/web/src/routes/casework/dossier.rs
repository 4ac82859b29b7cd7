//! A pupil's dossier: guardians, documents, requests, registrations.

use crate::AppState;
use crate::access::Relation;
use crate::auth::{Principal, Visitor};
use crate::dates::when;
use crate::dates::{long, long_or};
use crate::error::AppResult;
use crate::extract::SignedIn;
use crate::extract::read_pupil;
use crate::files::size_label;
use crate::layout::{AppLayout, layout};
use crate::routes::casework::*;
use crate::texts::staff;
use askama::Template;
use axum::extract::{Path, Query};
use axum::response::{Html, IntoResponse, Response};
use passend_domain::accounts::valid_email;
use passend_domain::documents::DocumentKind;
use passend_store::casework::{self as cw, Pupil};

pub(crate) struct GuardianLine {
    pub(crate) position: usize,
    pub(crate) name: String,
    pub(crate) relation: String,
    pub(crate) authority: bool,
    pub(crate) email: String,
    pub(crate) phone: String,
    pub(crate) portal: String,
    pub(crate) invite_label: Option<&'static str>,
    pub(crate) can_revoke: bool,
}

pub(crate) struct DocLine {
    pub(crate) id: i64,
    pub(crate) kind: String,
    pub(crate) title: String,
    pub(crate) version: i64,
    pub(crate) file_name: String,
    pub(crate) size: String,
    pub(crate) uploaded: String,
    pub(crate) by: String,
    pub(crate) parents: Vec<String>,
    pub(crate) can_share: bool,
    pub(crate) kind_code: String,
}

pub(crate) struct RequestLine {
    pub(crate) id: i64,
    pub(crate) kind: String,
    pub(crate) status: String,
    pub(crate) created: String,
    pub(crate) due: String,
}

#[derive(Template)]
#[template(path = "casework/dossier/dossier.html")]
pub(crate) struct DossierView {
    pub(crate) layout: AppLayout,
    pub(crate) id: i64,
    pub(crate) name: String,
    pub(crate) birth: String,
    pub(crate) groep: String,
    pub(crate) school: String,
    pub(crate) onderwijsnummer: String,
    pub(crate) guardians: Vec<GuardianLine>,
    pub(crate) documents: Vec<DocLine>,
    pub(crate) requests: Vec<RequestLine>,
    pub(crate) can_write: bool,
    pub(crate) can_request: bool,
    pub(crate) upload: UploadForm,
    pub(crate) pupil_id: i64,
    pub(crate) request_id: Option<i64>,
    pub(crate) documents_hidden: bool,
    pub(crate) registers: Vec<RegisterRef>,
    /// Who else read or changed this pupil's data (when, who in which role, what), for those
    /// who carry the dossier: the pupil's school and toeleiding.
    pub(crate) log: Vec<(String, String, String)>,
    /// The log goes on beyond the lines shown.
    pub(crate) log_more: bool,
}

/// The lines of a dossier's log shown at most.
const DOSSIER_LOG_LIMIT: i64 = 100;

/// A registration under the school's zorgplicht, as the dossier lists it.
pub(crate) struct RegisterRef {
    pub(crate) href: String,
    pub(crate) label: String,
    pub(crate) state: String,
}

/// The pupil's aanmeldingen, thuiszitter and sickness registrations made at the viewer's own
/// school locations (a pupil who changed schools keeps the other school's registrations there).
pub(crate) async fn register_refs(
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

/// The dossier's documents as lists show them; receiving schools get the decision and the
/// letter, not the documents.
pub(crate) async fn doc_lines(
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

pub(crate) async fn dossier_view(
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
    let (log, log_more) = if relation.writes() {
        let t = crate::texts::portal::texts(passend_domain::Lang::Nl);
        let mut rows = passend_store::portal::access_log(
            &state.db,
            p.tenant_id,
            pupil.id,
            p.user_id,
            DOSSIER_LOG_LIMIT + 1,
        )
        .await?;
        let more = rows.len() > DOSSIER_LOG_LIMIT as usize;
        rows.truncate(DOSSIER_LOG_LIMIT as usize);
        let lines = rows
            .into_iter()
            .map(|a| {
                let role = t.role(&a.actor_role);
                (
                    when(a.occurred_at),
                    match a.actor_name {
                        Some(n) => format!("{n} ({role})"),
                        None => role.to_owned(),
                    },
                    t.action(&a.action, &a.object_type, &a.actor_role),
                )
            })
            .collect();
        (lines, more)
    } else {
        (Vec::new(), false)
    };
    Ok(DossierView {
        log,
        log_more,
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

pub(crate) async fn dossier(
    SignedIn { state, visitor, p }: SignedIn,
    Path(id): Path<i64>,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let (pupil, relation) = read_pupil(&state, &visitor, &p, id).await?;
    let upload = upload_form(&state, &p, pupil.id, relation, "groeidocument", "", "").await?;
    let mut view = dossier_view(&state, &visitor, &pupil, relation, upload).await?;
    view.layout.notice = staff::notice(staff::DOSSIER, &q.gedaan);
    Ok(Html(view.render()?).into_response())
}
