//! The Oudersteunpunt: the public contact form (no account, Dutch and English), the confidential
//! caseload of the ouderadviseurs, and the anonymised signalering for the board.
//!
//! Confidentiality: only ouderadviseurs reach a case (`policy::ADVISERS`). Nothing about a case
//! goes into `audit_events`, the mail queue beheerders see, or any list, count or export of
//! another role; reads and changes are logged in the Oudersteunpunt's own `steunpunt_log`. The
//! signalering shows counts per theme and month only, and hides counts below five.

mod caseload;
mod contact;
mod signalering;

pub(crate) use caseload::*;
pub(crate) use contact::*;
pub(crate) use signalering::*;

use crate::AppState;
use crate::app::Routes;
use axum::extract::{Request, State};
use passend_domain::Lang;

/// The routes of this area.
pub(crate) fn router() -> Routes {
    Routes::new()
        .get("/oudersteunpunt/contact", |s: State<AppState>| {
            contact_form(s, Lang::Nl)
        })
        .post(
            "/oudersteunpunt/contact",
            |s: State<AppState>, r: Request| send_contact(s, Lang::Nl, r),
        )
        .get("/en/oudersteunpunt/contact", |s: State<AppState>| {
            contact_form(s, Lang::En)
        })
        .post(
            "/en/oudersteunpunt/contact",
            |s: State<AppState>, r: Request| send_contact(s, Lang::En, r),
        )
        .get("/steunpunt", caseload)
        .get("/steunpunt/nieuw", new_case_form)
        .post("/steunpunt/nieuw", add_case)
        .get("/steunpunt/zaken/{id}", case_page)
        .post("/steunpunt/zaken/{id}", update_case)
        .post("/steunpunt/zaken/{id}/notities", add_note)
        .get("/steunpunt/signalering", signalering)
        .get("/steunpunt/signalering.csv", signalering_csv)
}
