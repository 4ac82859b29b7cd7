//! Accounts: the roles of Passend, the password policy (OWASP ASVS 5.0 V6, BIO 5.17), and the
//! session and sign-in throttling rules. Pure rules; storage and pages build on them.

use std::time::Duration;

/// A role a user acts in. Every role but `Ouder` must use two-factor sign-in (BIO 5.17.01).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Ouder of verzorger: sees only their own child's requests.
    Ouder,
    /// Schoolmedewerker (intern begeleider, directeur): scoped to one or more school locations.
    Schoolmedewerker,
    /// Toeleider: SWV staff handling requests.
    Toeleider,
    /// Deskundige: external expert; sees only the requests assigned to them.
    Deskundige,
    /// Ouderadviseur of the Oudersteunpunt: their cases are invisible to everyone else.
    Ouderadviseur,
    /// Beheerder: manages users, content and settings.
    Beheerder,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 6] = [
        Role::Ouder,
        Role::Schoolmedewerker,
        Role::Toeleider,
        Role::Deskundige,
        Role::Ouderadviseur,
        Role::Beheerder,
    ];

    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            Role::Ouder => "ouder",
            Role::Schoolmedewerker => "schoolmedewerker",
            Role::Toeleider => "toeleider",
            Role::Deskundige => "deskundige",
            Role::Ouderadviseur => "ouderadviseur",
            Role::Beheerder => "beheerder",
        }
    }

    /// Reads a stored code.
    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    /// The role's name in Dutch, as users see it.
    pub fn label_nl(self) -> &'static str {
        match self {
            Role::Ouder => "Ouder of verzorger",
            Role::Schoolmedewerker => "Schoolmedewerker",
            Role::Toeleider => "Toeleider",
            Role::Deskundige => "Deskundige",
            Role::Ouderadviseur => "Ouderadviseur",
            Role::Beheerder => "Beheerder",
        }
    }

    /// Whether signing in needs a second factor (every staff role).
    pub fn needs_second_factor(self) -> bool {
        self != Role::Ouder
    }

    /// Whether the role is limited to the school locations it is linked to.
    pub fn is_school_scoped(self) -> bool {
        self == Role::Schoolmedewerker
    }

    /// May be linked to school locations: school staff must be (they work there); an expert may
    /// be (the schools they work for or at, for which their advice is not independent, LBT
    /// 107632). Nobody else.
    pub fn may_link_schools(self) -> bool {
        matches!(self, Role::Schoolmedewerker | Role::Deskundige)
    }
}

/// The shortest password accepted (ASVS 6.2.1).
pub const MIN_PASSWORD_CHARS: usize = 8;
/// The longest password accepted: long passphrases are welcome (ASVS 6.2.9 asks for at least 64).
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Why a password is refused. No composition rules (ASVS 6.2.5): length, commonness and
/// personal words only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordProblem {
    /// Fewer than [`MIN_PASSWORD_CHARS`] characters.
    TooShort,
    /// More than [`MAX_PASSWORD_CHARS`] characters.
    TooLong,
    /// On the list of common and breached passwords.
    Common,
    /// It is (a form of) the user's own e-mail address or name.
    Personal,
}

impl PasswordProblem {
    /// The message shown at the field, in Dutch (B1, formal "u").
    pub fn message_nl(self) -> &'static str {
        match self {
            PasswordProblem::TooShort => {
                "Kies een wachtwoord van minstens 8 tekens. Een zin van een paar woorden is sterk en goed te onthouden."
            }
            PasswordProblem::TooLong => {
                "Dit wachtwoord is langer dan 256 tekens. Kies een korter wachtwoord."
            }
            PasswordProblem::Common => {
                "Dit wachtwoord wordt veel gebruikt of is eerder uitgelekt. Kies een ander wachtwoord."
            }
            PasswordProblem::Personal => "Gebruik niet uw e-mailadres of naam als wachtwoord.",
        }
    }

    /// The message in English.
    pub fn message_en(self) -> &'static str {
        match self {
            PasswordProblem::TooShort => {
                "Choose a password of at least 8 characters. A sentence of a few words is strong and easy to remember."
            }
            PasswordProblem::TooLong => {
                "This password is longer than 256 characters. Choose a shorter one."
            }
            PasswordProblem::Common => {
                "This password is used a lot or has leaked before. Choose another one."
            }
            PasswordProblem::Personal => "Do not use your e-mail address or name as your password.",
        }
    }
}

/// Checks a new password. `personal` holds the user's e-mail address and name; `is_common` tells
/// whether a lower-cased password is on the list of common and breached passwords.
pub fn check_password(
    password: &str,
    personal: &[&str],
    is_common: impl Fn(&str) -> bool,
) -> Result<(), PasswordProblem> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(PasswordProblem::TooShort);
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(PasswordProblem::TooLong);
    }
    let lower = password.to_lowercase();
    if is_common(&lower) {
        return Err(PasswordProblem::Common);
    }
    let squashed: String = lower.chars().filter(|c| c.is_alphanumeric()).collect();
    for word in personal {
        let word = word.trim().to_lowercase();
        let local = word.split('@').next().unwrap_or_default();
        let word_squashed: String = word.chars().filter(|c| c.is_alphanumeric()).collect();
        let local_squashed: String = local.chars().filter(|c| c.is_alphanumeric()).collect();
        let hits = |w: &str| w.chars().count() >= 4 && (squashed == w || lower == w);
        if hits(&word) || hits(local) || hits(&word_squashed) || hits(&local_squashed) {
            return Err(PasswordProblem::Personal);
        }
    }
    Ok(())
}

/// Session lifetimes (ASVS 7.3): idle and absolute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    /// A session without a request for this long ends (30 minutes).
    pub idle: Duration,
    /// A session ends this long after sign-in, whatever happens (12 hours).
    pub absolute: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        SessionPolicy {
            idle: Duration::from_secs(30 * 60),
            absolute: Duration::from_secs(12 * 3600),
        }
    }
}

impl SessionPolicy {
    /// Whether a session signed in `since_sign_in` ago, last used `since_last_use` ago, still holds.
    pub fn holds(&self, since_sign_in: Duration, since_last_use: Duration) -> bool {
        since_sign_in < self.absolute && since_last_use < self.idle
    }
}

/// Sign-in throttling (ASVS 6.3.1), counted per account and per network address in the database
/// so that it holds across instances.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttle {
    /// Failures allowed within the window before sign-in is refused.
    pub allowed_failures: u32,
    /// The window.
    pub window: Duration,
}

impl Default for Throttle {
    fn default() -> Self {
        Throttle {
            allowed_failures: 10,
            window: Duration::from_secs(15 * 60),
        }
    }
}

impl Throttle {
    /// With `failures` failures in the window, the oldest `since_first` ago: `None` to allow a
    /// try, or the time to wait (for `Retry-After`).
    pub fn wait(&self, failures: u32, since_first: Duration) -> Option<Duration> {
        if failures < self.allowed_failures || since_first >= self.window {
            None
        } else {
            Some(self.window - since_first)
        }
    }
}

/// How far a session has come. A session is made at the password step; it becomes `Full` after
/// the second factor (a new session id each time the stage rises).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Password (or link) accepted; the code of the second factor is still needed.
    SecondFactor,
    /// Signed in, but a staff user without a second factor must set one up first.
    Enroll,
    /// Fully signed in.
    Full,
}

impl Stage {
    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            Stage::SecondFactor => "second_factor",
            Stage::Enroll => "enroll",
            Stage::Full => "full",
        }
    }

    /// Reads a stored code.
    pub fn from_code(code: &str) -> Option<Stage> {
        [Stage::SecondFactor, Stage::Enroll, Stage::Full]
            .into_iter()
            .find(|s| s.code() == code)
    }
}

/// The stage a user reaches after the first factor: a second factor when they have one, setting
/// one up when their role needs it and they have none, else fully signed in.
pub fn stage_after_first_factor(role: Role, has_second_factor: bool) -> Stage {
    if has_second_factor {
        Stage::SecondFactor
    } else if role.needs_second_factor() {
        Stage::Enroll
    } else {
        Stage::Full
    }
}

/// The e-mail address in the form it is stored and compared: trimmed and lower-cased.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Whether an e-mail address looks deliverable: one `@`, a local part, a domain with a dot, no
/// spaces or control characters, at most 254 characters (RFC 5321).
pub fn valid_email(email: &str) -> bool {
    let email = email.trim();
    if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && local.len() <= 64
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
}

/// How long a single-use link stays valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    /// An invitation to make an account: 7 days.
    Invitation,
    /// A password reset: 1 hour.
    PasswordReset,
    /// A sign-in link for parents: 15 minutes.
    SignInLink,
}

impl TokenPurpose {
    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            TokenPurpose::Invitation => "invitation",
            TokenPurpose::PasswordReset => "password_reset",
            TokenPurpose::SignInLink => "sign_in_link",
        }
    }

    /// How long the link works.
    pub fn lifetime(self) -> Duration {
        match self {
            TokenPurpose::Invitation => Duration::from_secs(7 * 24 * 3600),
            TokenPurpose::PasswordReset => Duration::from_secs(3600),
            TokenPurpose::SignInLink => Duration::from_secs(15 * 60),
        }
    }
}

/// The SHA-256 of a random token or recovery code, as stored (hex). Tokens carry 256 random bits,
/// so a fast hash is enough; passwords use argon2id instead.
pub fn token_hash(token: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn never(_: &str) -> bool {
        false
    }

    #[test]
    fn roles_round_trip_and_staff_need_a_second_factor() {
        for r in Role::ALL {
            assert_eq!(Role::from_code(r.code()), Some(r));
        }
        assert!(!Role::Ouder.needs_second_factor());
        assert!(
            Role::ALL
                .iter()
                .filter(|r| **r != Role::Ouder)
                .all(|r| r.needs_second_factor())
        );
        assert!(Role::Schoolmedewerker.is_school_scoped() && !Role::Toeleider.is_school_scoped());
        assert!(Role::Deskundige.may_link_schools() && !Role::Deskundige.is_school_scoped());
        assert!(!Role::Toeleider.may_link_schools() && !Role::Beheerder.may_link_schools());
        assert_eq!(Role::from_code("admin"), None);
    }

    #[test]
    fn passwords_by_length_list_and_person_only() {
        assert_eq!(
            check_password("kort", &[], never),
            Err(PasswordProblem::TooShort)
        );
        assert_eq!(
            check_password("ééééééé", &[], never),
            Err(PasswordProblem::TooShort),
            "characters, not bytes"
        );
        assert_eq!(
            check_password("alllowercasewithnodigits", &[], never),
            Ok(()),
            "no composition rules"
        );
        assert_eq!(
            check_password(&"a".repeat(257), &[], never),
            Err(PasswordProblem::TooLong)
        );
        assert_eq!(
            check_password(&"a b ".repeat(64), &[], never),
            Ok(()),
            "256 characters with spaces"
        );
        let common = |p: &str| p == "welkom123";
        assert_eq!(
            check_password("Welkom123", &[], common),
            Err(PasswordProblem::Common),
            "any case"
        );
        let me = ["j.de.vries@school.nl", "Jan de Vries"];
        assert_eq!(
            check_password("j.de.vries", &me, never),
            Err(PasswordProblem::Personal)
        );
        assert_eq!(
            check_password("jandevries", &me, never),
            Err(PasswordProblem::Personal)
        );
        assert_eq!(check_password("paard batterij nietje", &me, never), Ok(()));
        assert!(PasswordProblem::Common.message_nl().contains("uitgelekt"));
    }

    #[test]
    fn sessions_end_when_idle_or_old() {
        let p = SessionPolicy::default();
        let min = Duration::from_secs(60);
        assert!(p.holds(min * 60, min * 29));
        assert!(!p.holds(min * 60, min * 30), "idle 30 minutes");
        assert!(!p.holds(min * 60 * 12, min), "absolute 12 hours");
    }

    #[test]
    fn stages_and_addresses() {
        assert_eq!(stage_after_first_factor(Role::Ouder, false), Stage::Full);
        assert_eq!(
            stage_after_first_factor(Role::Ouder, true),
            Stage::SecondFactor
        );
        assert_eq!(
            stage_after_first_factor(Role::Beheerder, false),
            Stage::Enroll
        );
        assert_eq!(
            stage_after_first_factor(Role::Toeleider, true),
            Stage::SecondFactor
        );
        for s in [Stage::SecondFactor, Stage::Enroll, Stage::Full] {
            assert_eq!(Stage::from_code(s.code()), Some(s));
        }
        assert_eq!(normalize_email("  Ib@School.NL "), "ib@school.nl");
        assert!(valid_email("ib@school.nl"));
        for bad in [
            "",
            "ib",
            "ib@",
            "@school.nl",
            "ib@school",
            "i b@school.nl",
            "ib@@school.nl",
            "ib@school..nl",
            "ib@.nl",
        ] {
            assert!(!valid_email(bad), "{bad}");
        }
        assert_eq!(
            TokenPurpose::SignInLink.lifetime(),
            Duration::from_secs(900)
        );
        assert_eq!(token_hash("abc").len(), 64);
        assert_ne!(token_hash("abc"), token_hash("abd"));
    }

    #[test]
    fn throttling_waits_out_the_window() {
        let t = Throttle::default();
        let min = Duration::from_secs(60);
        assert_eq!(t.wait(9, min), None);
        assert_eq!(t.wait(10, min * 5), Some(min * 10));
        assert_eq!(t.wait(20, min * 15), None, "a new window");
    }
}
