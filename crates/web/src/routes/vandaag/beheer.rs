//! The beheerder's day: the set-up checklist (who is needed before the procedure can run, and
//! what parents must be able to find), mails that failed, accounts that are blocked and
//! invitations not accepted. No pupil data.

use super::{Check, Section, Viewer};
use crate::dates::when;
use crate::error::AppResult;
use passend_domain::accounts::Role;
use passend_store::accounts::{self as store, UserRow};
use passend_store::audit::Outcome;
use passend_store::outbox;

fn count(users: &[UserRow], role: Role) -> usize {
    users
        .iter()
        .filter(|u| u.role == role.code() && u.status == "active")
        .count()
}

pub(super) async fn sections(v: Viewer<'_>) -> AppResult<(Vec<Check>, Vec<Section>)> {
    let Viewer { state, visitor, .. } = v;
    let users = store::users(&state.db, state.tenant_id, None, None, None).await?;
    let (_, contact) = passend_store::contact::current(&state.db, state.tenant_id).await?;
    let missing: Vec<&str> = contact
        .missing(&state.casework.postal_address)
        .into_iter()
        .map(passend_domain::contact::ContactField::label)
        .collect();
    let people = |role: Role, need: usize, one: &str, many: &str| {
        let n = count(&users, role);
        Check {
            done: n >= need,
            text: format!("{} {}", n, if n == 1 { one } else { many })
                + &if n >= need {
                    String::new()
                } else {
                    format!(" (nodig: minstens {need})")
                },
            href: "/beheer/gebruikers/nieuw",
            link: "Iemand uitnodigen",
        }
    };
    let checklist = vec![
        Check {
            done: missing.is_empty(),
            text: if missing.is_empty() {
                "De contactgegevens voor ouders en de brieven zijn compleet".to_owned()
            } else {
                format!("In de contactgegevens ontbreekt: {}", missing.join(", "))
            },
            href: "/beheer/contact",
            link: "Contactgegevens",
        },
        people(
            Role::Toeleider,
            1,
            "actieve toeleider",
            "actieve toeleiders",
        ),
        // A TLV needs two independent experts' advices.
        people(
            Role::Deskundige,
            2,
            "actieve deskundige",
            "actieve deskundigen",
        ),
        people(
            Role::Ouderadviseur,
            1,
            "actieve ouderadviseur",
            "actieve ouderadviseurs",
        ),
        people(
            Role::Schoolmedewerker,
            1,
            "actieve schoolmedewerker",
            "actieve schoolmedewerkers",
        ),
    ];

    let mut failed = Section::new("mislukt", "Mislukte e-mails", "Er is geen e-mail mislukt.")
        .more("/beheer/e-mail?status=failed", "Alle mislukte e-mails");
    for m in outbox::list(&state.db, state.tenant_id, Some("failed"), 50).await? {
        failed.push(
            "/beheer/e-mail?status=failed".to_owned(),
            m.to_address,
            format!(
                "{}: {} ({})",
                m.subject,
                m.last_error.unwrap_or_default(),
                when(m.created_at)
            ),
            true,
        );
    }
    let mut blocked = Section::new(
        "geblokkeerd",
        "Geblokkeerde accounts",
        "Er is geen account geblokkeerd.",
    )
    .more(
        "/beheer/gebruikers?status=disabled",
        "Alle geblokkeerde accounts",
    );
    let mut invited = Section::new(
        "uitgenodigd",
        "Uitnodigingen die nog niet zijn aangenomen",
        "Iedereen die is uitgenodigd heeft een account gemaakt.",
    )
    .more(
        "/beheer/gebruikers?status=invited",
        "Alle uitgenodigde accounts",
    );
    for u in &users {
        let role = Role::from_code(&u.role).map_or("", Role::label_nl);
        let line = (
            format!("/beheer/gebruikers/{}", u.id),
            format!("{} ({role})", u.name),
        );
        match u.status.as_str() {
            "disabled" => blocked.push(
                line.0,
                line.1,
                "Geblokkeerd: kan niet inloggen. Deblokkeer het account als dat weer mag."
                    .to_owned(),
                false,
            ),
            "invited" => invited.push(
                line.0,
                line.1,
                "Heeft de uitnodiging nog niet gebruikt. Stuur zo nodig een nieuwe.".to_owned(),
                false,
            ),
            _ => {}
        }
    }
    let event = visitor.event("read", "vandaag", "-", Outcome::Success, "beheer");
    passend_store::audit::append(&state.db, &event).await?;
    Ok((checklist, vec![failed, blocked, invited]))
}
