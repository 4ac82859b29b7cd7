//! Retention (AVG art. 5 lid 1e): a closed dossier is removed `PASSEND_BEWAARTERMIJN_JAREN`
//! (default 3) years after the later of its last activity and the end of its last TLV
//! (`passend_domain::tlv::keep_until`). A dossier with an open request, an open bezwaar, a TLV
//! without end date, an undecided aanmelding or a running thuiszitter or sickness registration
//! is kept; the last change of those registrations counts as activity. The removal is one transaction with an audit event (ids only);
//! the files go from the object store after it.

use chrono::NaiveDate;
use passend_domain::tlv::{dutch_day, keep_until};
use passend_store::Db;
use passend_store::casework as cw;
use passend_store::files::Files;

/// Removes the dossiers whose retention ended before `today`; returns how many.
pub async fn run_once(
    db: &Db,
    files: &Files,
    years: u8,
    today: NaiveDate,
) -> anyhow::Result<usize> {
    let mut removed = 0;
    for a in cw::dossier_activity(db).await? {
        if a.open_requests > 0 || a.open_bezwaren > 0 || a.open_ended_tlvs > 0 {
            continue;
        }
        let last = [
            Some(dutch_day(a.pupil_updated_at)),
            a.request_updated_at.map(dutch_day),
            a.register_updated_at.map(dutch_day),
            a.last_letter_on,
        ]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(today);
        if keep_until(last, a.last_tlv_end, years) >= today {
            continue;
        }
        let detail = format!("bewaartermijn {years} jaar verstreken");
        let keys = cw::purge_pupil(db, a.tenant_id, a.pupil_id, &detail).await?;
        for key in keys {
            if let Err(e) = files.delete(&key).await {
                tracing::error!(error = %e, "a file of a removed dossier could not be deleted");
            }
        }
        removed += 1;
    }
    Ok(removed)
}

/// Days the Oudersteunpunt's sent or failed mails stay in the outbox (they hold the parent's
/// address): long enough to see a delivery problem, not longer.
pub const STEUNPUNT_MAIL_DAYS: i64 = 30;

/// Removes Oudersteunpunt cases closed more than `months` ago, and open ones nobody touched in
/// that time (their notes with them; the Oudersteunpunt's log keeps a line with the id), and its
/// mails after [`STEUNPUNT_MAIL_DAYS`]. Returns how many cases went.
pub async fn steunpunt_once(db: &Db, months: u16) -> anyhow::Result<usize> {
    let now = chrono::Utc::now();
    let before = now
        .checked_sub_months(chrono::Months::new(u32::from(months)))
        .unwrap_or(now);
    let mails_before = now - chrono::Duration::days(STEUNPUNT_MAIL_DAYS);
    Ok(passend_store::steunpunt::purge(db, before, mails_before).await?)
}
