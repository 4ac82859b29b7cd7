//! Notices: the mails Passend sends about casework (neutral text and a link, never pupil data),
//! and who among the parents gets them.

use crate::AppState;
use crate::error::AppResult;
use crate::texts::portal::{day, portal_mail, texts};
use chrono::NaiveDate;
use passend_domain::Lang;
use passend_store::casework::{self as cw, Notice, Request};
use passend_store::outbox::Combine;
use passend_store::portal;

/// A neutral notification: no pupil data, a link to sign in and look. Notices to one person
/// within the window (`PASSEND_MAIL_COMBINE_MINUTES`) go out as one mail.
pub fn notice(state: &AppState, key: String, to: &str, subject: &str, lines: &[&str]) -> Notice {
    Notice {
        key,
        to: to.to_owned(),
        subject: subject.to_owned(),
        body: mail_text(&state.site_name, lines),
        attachment: None,
        combine: Some(Combine {
            part: format!("{subject}\n\n{}", lines.join("\n\n")),
            frame: mail_text(&state.site_name, &[STAFF_COMBINED, "{parts}"]),
            subject: format!("Nieuws van {}", state.site_name),
        }),
    }
}

/// The opening of a mail that holds several notices for staff.
const STAFF_COMBINED: &str = "Er is nieuws over meer dan één onderwerp. Hieronder leest u alles.";

/// The line with the link to a request, for notices.
pub fn request_link(state: &AppState, id: i64) -> String {
    format!(
        "Bekijk de aanvraag na het inloggen:\n{}/aanvragen/{id}",
        state.base_url
    )
}

/// "Naam (e-mail) van het samenwerkingsverband", or the samenwerkingsverband itself.
pub fn contact_phrase(r: &Request) -> String {
    match (&r.contact_name, &r.contact_email) {
        (Some(n), Some(e)) => format!("{n} van het samenwerkingsverband ({e})"),
        _ => "het samenwerkingsverband".to_owned(),
    }
}

/// A plain mail: greeting, the lines as paragraphs, and the signature of the site.
pub fn mail_text(site: &str, lines: &[&str]) -> String {
    let mut body = String::from("Goedendag,\n\n");
    for l in lines {
        body.push_str(l);
        body.push_str("\n\n");
    }
    body.push_str("Met vriendelijke groet,\n");
    body.push_str(site);
    body.push('\n');
    body
}

/// What parents hear of. Each mail names the step, never the child.
#[derive(Debug, Clone, Copy)]
pub enum ParentNews {
    /// The school shares a concept and asks their view by this date.
    Shared(NaiveDate),
    /// The school submitted the request.
    Submitted,
    /// A toeleider took it (the contact person is known).
    InTreatment,
    /// Expert advice was asked.
    AdviceAsked,
    /// The term stands still: the samenwerkingsverband waits for information.
    Waiting,
    /// The term runs again.
    Resumed,
    /// A decision was taken.
    Decided,
    /// A letter (the decision's or a beslissing op bezwaar's) was sent: it is in the portal.
    LetterSent,
    /// The samenwerkingsverband decided on a bezwaar.
    BezwaarDecided,
    /// The request was withdrawn.
    Withdrawn,
    /// A document was shared (consent asked or not).
    DocumentShared(bool),
}

/// The mails to a child's parent accounts about a step, with a deep link; `key` makes each
/// mail once.
pub async fn parent_notices(
    state: &AppState,
    pupil_id: i64,
    request_id: Option<i64>,
    news: ParentNews,
    key: &str,
) -> AppResult<Vec<Notice>> {
    let mut out = Vec::new();
    // Parents hear only of requests they can follow: submitted (or being submitted now) or
    // shared with them. A withdrawn concept they never saw is not news to them; a document of
    // such a concept is linked from the child's page.
    let visible = match request_id {
        Some(r) => {
            matches!(news, ParentNews::Submitted | ParentNews::Shared(_))
                || cw::request(&state.db, state.tenant_id, r)
                    .await?
                    .is_some_and(|q| q.submitted_at.is_some())
                || portal::shared_request_ids(&state.db, pupil_id)
                    .await?
                    .contains(&r)
        }
        None => false,
    };
    if matches!(news, ParentNews::Withdrawn) && !visible {
        return Ok(out);
    }
    let request_id = request_id.filter(|_| visible);
    for parent in portal::parents_of(&state.db, pupil_id).await? {
        let t = texts(Lang::from_code(&parent.language).unwrap_or(Lang::Nl));
        let specific = match news {
            ParentNews::Shared(d) => t.news_shared.replace("{date}", &day(t, d)),
            ParentNews::Submitted => t.news_submitted.to_owned(),
            ParentNews::InTreatment => t.news_treatment.to_owned(),
            ParentNews::AdviceAsked => t.news_advice.to_owned(),
            ParentNews::Waiting => t.news_waiting.to_owned(),
            ParentNews::Resumed => t.news_resumed.to_owned(),
            ParentNews::Decided => t.news_decided.to_owned(),
            ParentNews::LetterSent => t.news_letter_sent.to_owned(),
            ParentNews::BezwaarDecided => t.news_bezwaar_decided.to_owned(),
            ParentNews::Withdrawn => t.news_withdrawn.to_owned(),
            ParentNews::DocumentShared(true) => t.news_consent.to_owned(),
            ParentNews::DocumentShared(false) => t.news_document.to_owned(),
        };
        let link = match request_id {
            Some(r) => format!("{}/ouders/aanvragen/{r}", state.base_url),
            None => format!("{}/ouders/kinderen/{pupil_id}", state.base_url),
        };
        let link_line = format!("{}\n{link}", t.mail_link);
        let (subject, first) = match news {
            ParentNews::DocumentShared(_) => (t.mail_subject_document, t.mail_new_document),
            _ => (t.mail_subject, t.mail_new_step),
        };
        out.push(Notice {
            key: format!("ouder-{key}-{}", parent.user_id),
            to: parent.email.clone(),
            subject: subject.to_owned(),
            body: portal_mail(
                &state.site_name,
                t,
                &[first, &specific, &link_line, t.mail_help],
            ),
            attachment: None,
            combine: Some(Combine {
                part: format!("{specific}\n{link_line}"),
                frame: portal_mail(
                    &state.site_name,
                    t,
                    &[t.mail_combined, "{parts}", t.mail_help],
                ),
                subject: t.mail_subject_combined.to_owned(),
            }),
        });
    }
    Ok(out)
}

/// The e-mail addresses of a child's parent accounts (they get the portal's mails instead of
/// the general ones).
pub async fn parent_addresses(state: &AppState, pupil_id: i64) -> AppResult<Vec<String>> {
    Ok(portal::parents_of(&state.db, pupil_id)
        .await?
        .into_iter()
        .map(|p| p.email)
        .collect())
}
