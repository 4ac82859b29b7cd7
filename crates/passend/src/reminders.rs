//! Reminders through the e-mail outbox: a decision term that ends within a week or has ended,
//! a TLV that ends within the policy's months (time for herindicatie or verlenging), the
//! zorgplicht terms of an aanmelding (a week before the 6 weeks or the extension end, when they
//! passed, and at 10 weeks: temporary enrolment), a sick pupil's evaluation moment, and an
//! Oudersteunpunt case's follow-up date (a confidential mail to the adviser). Each
//! reminder goes out once (a key per request or decision and day), and no mail holds pupil data.

use chrono::{Days, Months, NaiveDate};
use passend_domain::accounts::Role;
use passend_domain::tlv::TlvPolicy;
use passend_store::Db;
use passend_store::casework::{self as cw, Notice};
use std::time::Duration;

/// What the mails need to say.
#[derive(Debug, Clone)]
pub struct ReminderSettings {
    /// The site's name (signature).
    pub site_name: String,
    /// The public base URL.
    pub base_url: String,
    /// The TLV policy (reminder months).
    pub policy: TlvPolicy,
    /// Where dossier files are (for retention).
    pub files: passend_store::files::Files,
    /// Years a closed dossier is kept.
    pub retention_years: u8,
    /// Months a closed Oudersteunpunt case is kept.
    pub steunpunt_retention_months: u16,
    /// How zorgplicht terms are counted.
    pub zorgplicht_terms: passend_domain::zorgplicht::TermPolicy,
    /// The audit head outside the database (the sweep of orphans checks it first).
    pub heads: crate::audit_head::HeadFiles,
}

fn body(s: &ReminderSettings, lines: &[&str]) -> String {
    passend_web::notices::mail_text(&s.site_name, lines)
}

/// The named person, or else every toeleider of the samenwerkingsverband.
async fn person_or_toeleiders(
    db: &Db,
    tenant: i64,
    person: Option<String>,
) -> anyhow::Result<Vec<String>> {
    Ok(match person {
        Some(e) => vec![e],
        None => cw::staff_of_role(db, tenant, Role::Toeleider.code())
            .await?
            .into_iter()
            .map(|(_, _, e)| e)
            .collect(),
    })
}

/// One mail per recipient with the same text, keyed `<key>-<n>`.
fn notices_to(
    s: &ReminderSettings,
    key: &str,
    recipients: &[String],
    subject: &str,
    lines: &[&str],
) -> Vec<Notice> {
    recipients
        .iter()
        .enumerate()
        .map(|(i, to)| Notice {
            key: format!("{key}-{i}"),
            to: to.clone(),
            subject: subject.to_owned(),
            body: body(s, lines),
            attachment: None,
            combine: None,
        })
        .collect()
}

/// Sends the reminders due on `today`; returns how many reminders were new.
pub async fn run_once(db: &Db, s: &ReminderSettings, today: NaiveDate) -> anyhow::Result<usize> {
    let mut sent = 0;
    // Decision terms: a week before, and once when passed.
    for (tenant, request, due, contact) in cw::due_requests(db, today + Days::new(7)).await? {
        let overdue = due < today;
        let key = format!(
            "termijn-{request}-{}-{}",
            if overdue { "verlopen" } else { "week" },
            due
        );
        let recipients = person_or_toeleiders(db, tenant, contact).await?;
        let link = format!(
            "Bekijk de aanvraag na het inloggen:\n{}/aanvragen/{request}",
            s.base_url
        );
        let (subject, text) = if overdue {
            (
                "Beslistermijn verlopen",
                "De beslistermijn van een aanvraag is verlopen. Neem zo snel mogelijk een besluit, of vraag de ontbrekende informatie op.",
            )
        } else {
            (
                "Beslistermijn loopt binnen een week af",
                "De beslistermijn van een aanvraag loopt binnen een week af.",
            )
        };
        let notices = notices_to(s, &key, &recipients, subject, &[text, &link]);
        if cw::remind_once(db, tenant, &key, &notices).await? {
            sent += 1;
        }
    }
    // TLVs that end within the policy's months: the school where the pupil is, and toeleiding.
    let horizon = today
        .checked_add_months(Months::new(u32::from(s.policy.remind_months_before_end)))
        .unwrap_or(today);
    for (tenant, decision, location, end) in cw::ending_tlvs(db, horizon, today).await? {
        let key = format!("tlv-einde-{decision}-{end}");
        let school: Vec<String> = cw::staff_at(db, tenant, location)
            .await?
            .into_iter()
            .map(|(_, _, e)| e)
            .collect();
        let swv: Vec<String> = cw::staff_of_role(db, tenant, Role::Toeleider.code())
            .await?
            .into_iter()
            .map(|(_, _, e)| e)
            .collect();
        let text = format!(
            "Een toelaatbaarheidsverklaring eindigt op {}. Bespreek op tijd of de leerling een nieuwe TLV nodig heeft (herindicatie of verlenging) of terug kan naar het regulier onderwijs.",
            end.format("%d-%m-%Y")
        );
        let school_link = format!(
            "Bekijk de toelaatbaarheidsverklaringen van uw school na het inloggen:\n{}/school/tlv",
            s.base_url
        );
        let swv_link = format!(
            "Bekijk de TLV's die binnenkort aflopen na het inloggen:\n{}/swv/tlv?weergave=aflopend",
            s.base_url
        );
        let notices: Vec<Notice> = school
            .iter()
            .map(|to| (to, &school_link))
            .chain(swv.iter().map(|to| (to, &swv_link)))
            .enumerate()
            .map(|(i, (to, link))| Notice {
                key: format!("{key}-{i}"),
                to: to.clone(),
                subject: "Een toelaatbaarheidsverklaring loopt af".to_owned(),
                body: body(s, &[&text, link]),
                attachment: None,
                combine: None,
            })
            .collect();
        if cw::remind_once(db, tenant, &key, &notices).await? {
            sent += 1;
        }
    }
    // Letters decided three days ago or more whose sending was not recorded: no term runs and
    // nobody was told until it is. Once, to who decided (or every toeleider).
    for (tenant, request, what, id, decider) in
        passend_store::bezwaar::unsent_letters(db, today - Days::new(UNSENT_LETTER_DAYS)).await?
    {
        let key = format!("brief-niet-verzonden-{what}-{id}");
        let recipients = person_or_toeleiders(db, tenant, decider).await?;
        let text = if what == "beslissing" {
            "De brief van een beslissing op bezwaar is nog niet als verzonden vastgelegd. Pas als de verzending is vastgelegd, gaat de beroepstermijn lopen en krijgen de school en de ouders bericht."
        } else {
            "De brief van een besluit over een toelaatbaarheidsverklaring is nog niet als verzonden vastgelegd. Pas als de verzending is vastgelegd, gaat de bezwaartermijn lopen en zien de ouders de brief in het ouderportaal."
        };
        let link = format!(
            "Bekijk de aanvraag en leg de verzending vast na het inloggen:\n{}/aanvragen/{request}",
            s.base_url
        );
        let notices = notices_to(
            s,
            &key,
            &recipients,
            "Een brief is nog niet verzonden",
            &[text, &link],
        );
        if cw::remind_once(db, tenant, &key, &notices).await? {
            sent += 1;
        }
    }
    sent += zorgplicht_reminders(db, s, today).await?;
    sent += steunpunt_reminders(db, s, today).await?;
    Ok(sent)
}

/// Days after its date that an unsent letter is reminded of.
pub const UNSENT_LETTER_DAYS: u64 = 3;

/// The zorgplicht terms of open aanmeldingen, and evaluation moments of sick pupils' plans, to
/// the staff of the school.
async fn zorgplicht_reminders(
    db: &Db,
    s: &ReminderSettings,
    today: NaiveDate,
) -> anyhow::Result<usize> {
    use passend_domain::zorgplicht::Aanmelding;
    let mut sent = 0;
    let policy = &s.zorgplicht_terms;
    for (tenant, id, location, received, desired, ext_weeks, elsewhere) in
        passend_store::zorgplicht::open_aanmeldingen_all(db).await?
    {
        let a = Aanmelding {
            received_on: received,
            desired_start: desired,
            extension: ext_weeks.map(|w| (u8::try_from(w).unwrap_or(0), received)),
            decided_on: None,
            enrolled_elsewhere: elsewhere.is_some(),
        };
        let due = a.decision_due(policy);
        let ten = a.ten_weeks(policy);
        let (key, subject, text) = if today > ten && a.in_time() && !a.enrolled_elsewhere {
            (
                format!("aanmelding-{id}-tien-weken"),
                "Tijdelijk inschrijven: tien weken zonder besluit",
                "Op een aanmelding is na tien weken nog geen besluit genomen. De leerling moet nu tijdelijk worden ingeschreven en geplaatst, tot er een besluit is.",
            )
        } else if today > due {
            (
                format!("aanmelding-{id}-verlopen-{due}"),
                "Beslistermijn van een aanmelding verlopen",
                "De beslistermijn van een aanmelding is verlopen. Neem zo snel mogelijk een besluit. Na tien weken moet de leerling tijdelijk worden ingeschreven.",
            )
        } else if today + Days::new(7) >= due {
            (
                format!("aanmelding-{id}-week-{due}"),
                "Beslistermijn van een aanmelding loopt binnen een week af",
                "De beslistermijn van een aanmelding loopt binnen een week af. Neem een besluit, of verleng de termijn één keer met hooguit vier weken en laat de ouders dat schriftelijk weten.",
            )
        } else {
            continue;
        };
        let link = format!(
            "Bekijk de aanmelding na het inloggen:\n{}/aanmeldingen/{id}",
            s.base_url
        );
        let notices: Vec<Notice> = cw::staff_at(db, tenant, location)
            .await?
            .into_iter()
            .enumerate()
            .map(|(i, (_, _, to))| Notice {
                key: format!("{key}-{i}"),
                to,
                subject: subject.to_owned(),
                body: body(s, &[text, &link]),
                attachment: None,
                combine: None,
            })
            .collect();
        if cw::remind_once(db, tenant, &key, &notices).await? {
            sent += 1;
        }
    }
    for (tenant, sick, location) in passend_store::zorgplicht::evaluations_on(db, today).await? {
        let key = format!("ziek-{sick}-evaluatie-{today}");
        let link = format!(
            "Bekijk het plan na het inloggen:\n{}/ziek/{sick}#evaluaties",
            s.base_url
        );
        let notices: Vec<Notice> = cw::staff_at(db, tenant, location)
            .await?
            .into_iter()
            .enumerate()
            .map(|(i, (_, _, to))| Notice {
                key: format!("{key}-{i}"),
                to,
                subject: "Evaluatiemoment voor een zieke leerling".to_owned(),
                body: body(
                    s,
                    &[
                        "Vandaag staat een evaluatiemoment gepland in het plan voor een zieke leerling.",
                        &link,
                    ],
                ),
                    attachment: None,
                    combine: None,
            })
            .collect();
        if cw::remind_once(db, tenant, &key, &notices).await? {
            sent += 1;
        }
    }
    Ok(sent)
}

/// Oudersteunpunt cases whose follow-up date has come (also when a day was missed): a
/// confidential mail, once per date, to the adviser who has the case,
/// or to every adviser when nobody has it. No content, only the link.
async fn steunpunt_reminders(
    db: &Db,
    s: &ReminderSettings,
    today: NaiveDate,
) -> anyhow::Result<usize> {
    use passend_store::steunpunt::{self as sp, ConfidentialMail};
    let mut sent = 0;
    for (tenant, case, due, adviser) in sp::follow_ups_due(db, today).await? {
        let recipients: Vec<String> = match adviser {
            Some(e) => vec![e],
            None => sp::advisers(db, tenant)
                .await?
                .into_iter()
                .map(|(_, _, e)| e)
                .collect(),
        };
        let key = format!("steunpunt-opvolgen-{case}-{due}");
        let link = format!(
            "Bekijk de zaak na het inloggen:\n{}/steunpunt/zaken/{case}",
            s.base_url
        );
        let mails: Vec<ConfidentialMail> = recipients
            .into_iter()
            .enumerate()
            .map(|(i, to)| ConfidentialMail {
                key: format!("{key}-{i}"),
                to,
                subject: "Een zaak van het Oudersteunpunt opvolgen".to_owned(),
                body: body(
                    s,
                    &[
                        "Vandaag is de datum om een zaak van het Oudersteunpunt op te volgen.",
                        &link,
                    ],
                ),
                attachment: None,
                combine: None,
            })
            .collect();
        if sp::remind_once(db, tenant, &key, &mails).await? {
            sent += 1;
        }
    }
    Ok(sent)
}

/// Runs [`run_once`] and the retention rule ([`crate::retention::run_once`]) at start and then
/// every hour until `stop` resolves.
pub async fn run(db: Db, s: ReminderSettings, stop: impl std::future::Future<Output = ()>) {
    tokio::pin!(stop);
    loop {
        let today = passend_domain::time::to_local(chrono::Utc::now()).date();
        match run_once(&db, &s, today).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(reminders = n, "reminders queued"),
            Err(e) => tracing::error!(error = %e, "reminders failed"),
        }
        match crate::retention::run_once(&db, &s.files, s.retention_years, today).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                dossiers = n,
                "closed dossiers removed after their retention"
            ),
            Err(e) => tracing::error!(error = %e, "retention failed"),
        }
        match crate::retention::steunpunt_once(&db, s.steunpunt_retention_months).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(cases = n, "closed Oudersteunpunt cases removed"),
            Err(e) => tracing::error!(error = %e, "Oudersteunpunt retention failed"),
        }
        // Files nothing refers to (a process killed between storing a file and committing its
        // row), once they are a day old.
        match crate::check::sweep_orphans(&db, &s.files, Some(&s.heads), chrono::Duration::days(1))
            .await
        {
            Ok(n) if n == crate::check::Swept::default() => {}
            Ok(n) => tracing::info!(
                quarantined = n.quarantined,
                staging = n.staging,
                purged = n.purged,
                "orphaned files swept"
            ),
            Err(e) => tracing::error!(error = %e, "the sweep of orphaned files failed"),
        }
        let day_ago = chrono::Utc::now() - chrono::Duration::days(1);
        if let Err(e) = passend_store::maintenance::prune_form_submissions(&db, day_ago).await {
            tracing::error!(error = %e, "old form tokens could not be removed");
        }
        // Sign-in attempts count within 15 minutes; a day old, they count for nothing.
        if let Err(e) = passend_store::accounts::prune_attempts(&db, day_ago).await {
            tracing::error!(error = %e, "old sign-in attempts could not be removed");
        }
        tokio::select! {
            () = &mut stop => break,
            () = tokio::time::sleep(Duration::from_secs(3600)) => {}
        }
    }
}
