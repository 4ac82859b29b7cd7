//! The Oudersteunpunt (`../shared/domain.md` §7): the independent parent advisers' intake, their
//! confidential caseload and the anonymised "signalering" for the samenwerkingsverband's board.
//!
//! - What a parent can ask for ([`Category`]), what it is about ([`Theme`], the unit of the
//!   signalering), and where a case stands ([`Status`]).
//! - The public contact form is protected without a third-party captcha: a signed form token that
//!   must be at least [`MIN_FILL_SECONDS`] and at most [`MAX_FORM_AGE_SECONDS`] old
//!   ([`form_token`], [`check_form_token`]), a field people never see that must stay empty, and a
//!   limit per network address (in the store).
//! - The signalering shows counts per theme and month, and hides every count below
//!   [`SUPPRESS_BELOW`] ([`Cell`]), so no single parent can be recognised.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The one rule for small numbers, used by the signalering as by every other figure.
pub use crate::figures::{Cell, SUPPRESS_BELOW};
/// A form sent faster than this after it was shown was not filled in by a person.
pub const MIN_FILL_SECONDS: i64 = 3;
/// A form older than this is refused (shown again, with what was typed).
pub const MAX_FORM_AGE_SECONDS: i64 = 24 * 3600;
/// Submissions per network address (IPv6 per /64) per hour.
pub const PER_ADDRESS_PER_HOUR: i64 = 5;
/// Submissions per network (IPv4 /24, IPv6 /48) per hour: a school or a library shares one.
pub const PER_NETWORK_PER_HOUR: i64 = 20;
/// Submissions per hour for the whole site above which cases are still taken, but the advisers
/// are no longer mailed per case: a flood must not shut the form for parents.
pub const QUIET_ABOVE_PER_HOUR: i64 = 100;
/// Confirmation mails to one address per hour.
pub const MAILS_PER_RECIPIENT_PER_HOUR: i64 = 3;

/// The network an address is in, for the per-network limit: IPv4 per /24, IPv6 per /48.
pub fn network_of(address: &str) -> String {
    if let Ok(v4) = address.parse::<std::net::Ipv4Addr>() {
        let o = v4.octets();
        return format!("{}.{}.{}.0/24", o[0], o[1], o[2]);
    }
    if let Ok(v6) = address.parse::<std::net::Ipv6Addr>() {
        if let Some(v4) = v6.to_ipv4_mapped() {
            let o = v4.octets();
            return format!("{}.{}.{}.0/24", o[0], o[1], o[2]);
        }
        let s = v6.segments();
        return format!("{:x}:{:x}:{:x}::/48", s[0], s[1], s[2]);
    }
    address.to_owned()
}
/// The longest message.
pub const MAX_MESSAGE_CHARS: usize = 5000;

/// What the parent asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    /// A question.
    Vraag,
    /// A complaint.
    Klacht,
    /// Someone to listen.
    LuisterendOor,
    /// Help with a procedure (a TLV, bezwaar, a registration).
    Procedure,
}

impl Category {
    /// Every category, in form order.
    pub const ALL: [Category; 4] = [
        Category::Vraag,
        Category::Klacht,
        Category::LuisterendOor,
        Category::Procedure,
    ];

    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            Category::Vraag => "vraag",
            Category::Klacht => "klacht",
            Category::LuisterendOor => "luisterend-oor",
            Category::Procedure => "procedure",
        }
    }

    /// Reads a stored code.
    pub fn from_code(code: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.code() == code)
    }

    /// Dutch label.
    pub fn label_nl(self) -> &'static str {
        match self {
            Category::Vraag => "Ik heb een vraag",
            Category::Klacht => "Ik wil een klacht bespreken",
            Category::LuisterendOor => "Ik zoek een luisterend oor",
            Category::Procedure => "Ik wil hulp bij een procedure",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            Category::Vraag => "I have a question",
            Category::Klacht => "I want to discuss a complaint",
            Category::LuisterendOor => "I would like someone to listen",
            Category::Procedure => "I want help with a procedure",
        }
    }

    /// Short Dutch name for lists.
    pub fn short_nl(self) -> &'static str {
        match self {
            Category::Vraag => "Vraag",
            Category::Klacht => "Klacht",
            Category::LuisterendOor => "Luisterend oor",
            Category::Procedure => "Hulp bij procedure",
        }
    }
}

/// What a case is about: the unit of the signalering to the board.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    /// Finding or registering at a school; zorgplicht.
    Aanmelding,
    /// Support at the own school.
    Ondersteuning,
    /// A TLV, SBO or SO.
    Tlv,
    /// A child at home without (enough) education.
    Thuiszitten,
    /// A sick child.
    Ziekte,
    /// Talking with the school; trust.
    Communicatie,
    /// Going to secondary school.
    Overstap,
    /// Anything else.
    Anders,
}

impl Theme {
    /// Every theme, in form order.
    pub const ALL: [Theme; 8] = [
        Theme::Aanmelding,
        Theme::Ondersteuning,
        Theme::Tlv,
        Theme::Thuiszitten,
        Theme::Ziekte,
        Theme::Communicatie,
        Theme::Overstap,
        Theme::Anders,
    ];

    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            Theme::Aanmelding => "aanmelding",
            Theme::Ondersteuning => "ondersteuning",
            Theme::Tlv => "tlv",
            Theme::Thuiszitten => "thuiszitten",
            Theme::Ziekte => "ziekte",
            Theme::Communicatie => "communicatie",
            Theme::Overstap => "overstap",
            Theme::Anders => "anders",
        }
    }

    /// Reads a stored code.
    pub fn from_code(code: &str) -> Option<Theme> {
        Theme::ALL.into_iter().find(|c| c.code() == code)
    }

    /// Dutch label.
    pub fn label_nl(self) -> &'static str {
        match self {
            Theme::Aanmelding => "Een school vinden of aanmelden",
            Theme::Ondersteuning => "Extra ondersteuning op school",
            Theme::Tlv => "Speciaal (basis)onderwijs of een TLV",
            Theme::Thuiszitten => "Mijn kind zit thuis",
            Theme::Ziekte => "Mijn kind is ziek",
            Theme::Communicatie => "Contact met de school",
            Theme::Overstap => "Overstap naar het voortgezet onderwijs",
            Theme::Anders => "Iets anders",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            Theme::Aanmelding => "Finding or registering at a school",
            Theme::Ondersteuning => "Extra support at school",
            Theme::Tlv => "Special (primary) education or a TLV",
            Theme::Thuiszitten => "My child is at home, not at school",
            Theme::Ziekte => "My child is ill",
            Theme::Communicatie => "Contact with the school",
            Theme::Overstap => "Moving on to secondary school",
            Theme::Anders => "Something else",
        }
    }
}

/// Where a case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Not yet picked up.
    Nieuw,
    /// An adviser works on it.
    InBehandeling,
    /// Waiting for the parent or someone else.
    Wacht,
    /// Closed.
    Afgerond,
}

impl Status {
    /// Every status.
    pub const ALL: [Status; 4] = [
        Status::Nieuw,
        Status::InBehandeling,
        Status::Wacht,
        Status::Afgerond,
    ];

    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            Status::Nieuw => "nieuw",
            Status::InBehandeling => "in-behandeling",
            Status::Wacht => "wacht",
            Status::Afgerond => "afgerond",
        }
    }

    /// Reads a stored code.
    pub fn from_code(code: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|c| c.code() == code)
    }

    /// Dutch label.
    pub fn label_nl(self) -> &'static str {
        match self {
            Status::Nieuw => "Nieuw",
            Status::InBehandeling => "In behandeling",
            Status::Wacht => "Wacht op reactie",
            Status::Afgerond => "Afgerond",
        }
    }
}

/// How a case came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// The public contact form.
    Formulier,
    /// A phone call.
    Telefoon,
    /// An e-mail.
    Email,
    /// A conversation (walk-in, at school).
    Gesprek,
}

impl Channel {
    /// Every channel.
    pub const ALL: [Channel; 4] = [
        Channel::Formulier,
        Channel::Telefoon,
        Channel::Email,
        Channel::Gesprek,
    ];

    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            Channel::Formulier => "formulier",
            Channel::Telefoon => "telefoon",
            Channel::Email => "e-mail",
            Channel::Gesprek => "gesprek",
        }
    }

    /// Reads a stored code.
    pub fn from_code(code: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.code() == code)
    }

    /// Dutch label.
    pub fn label_nl(self) -> &'static str {
        match self {
            Channel::Formulier => "Contactformulier",
            Channel::Telefoon => "Telefoon",
            Channel::Email => "E-mail",
            Channel::Gesprek => "Gesprek",
        }
    }
}

/// The characters of a reference number: no 0/O, 1/I/L, so it can be read out on the phone.
const REFERENCE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// A reference number from random bytes: `OSP-` and 8 characters in two groups, e.g.
/// `OSP-7KQ4-M2XD`. 31^8 ≈ 8.5·10^11 possibilities; the store checks uniqueness.
pub fn reference(random: [u8; 8]) -> String {
    let chars: Vec<char> = random
        .iter()
        .map(|b| char::from(REFERENCE_ALPHABET[usize::from(*b) % REFERENCE_ALPHABET.len()]))
        .collect();
    let a: String = chars[..4].iter().collect();
    let b: String = chars[4..].iter().collect();
    format!("OSP-{a}-{b}")
}

/// Whether a text looks like a reference number (for the adviser's search).
pub fn looks_like_reference(s: &str) -> bool {
    let s = s.trim().to_ascii_uppercase();
    s.len() == 13
        && s.starts_with("OSP-")
        && s.as_bytes()[8] == b'-'
        && s.bytes()
            .enumerate()
            .filter(|(i, _)| *i >= 4 && *i != 8)
            .all(|(_, b)| REFERENCE_ALPHABET.contains(&b))
}

fn mac(key: &[u8], issued_at: i64, nonce: &str) -> String {
    let Ok(mut m) = Hmac::<Sha256>::new_from_slice(key) else {
        return String::new();
    };
    m.update(b"oudersteunpunt-formulier:");
    m.update(issued_at.to_string().as_bytes());
    m.update(b".");
    m.update(nonce.as_bytes());
    m.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The token a contact form carries: when it was shown and a random nonce (so no two forms
/// share a token), signed with the site's key.
pub fn form_token(key: &[u8], issued_at: i64, nonce: &str) -> String {
    format!("{issued_at}.{nonce}.{}", mac(key, issued_at, nonce))
}

/// A keyed hash (HMAC-SHA-256, hex) of a value, e.g. a network address: not reversible without
/// the site's key, even for the small space of IPv4 addresses.
pub fn keyed_hash(key: &[u8], value: &str) -> String {
    let Ok(mut m) = Hmac::<Sha256>::new_from_slice(key) else {
        return String::new();
    };
    m.update(value.as_bytes());
    m.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Why a form token is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenProblem {
    /// Missing, changed or from another site.
    Invalid,
    /// Sent within seconds: not typed by a person.
    TooFast,
    /// Shown more than a day ago.
    Expired,
}

/// Checks a form token at `now` (seconds since the epoch).
pub fn check_form_token(key: &[u8], token: &str, now: i64) -> Result<(), TokenProblem> {
    let mut parts = token.splitn(3, '.');
    let (Some(at), Some(nonce), Some(sig)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(TokenProblem::Invalid);
    };
    let Ok(issued_at) = at.parse::<i64>() else {
        return Err(TokenProblem::Invalid);
    };
    if nonce.len() != 32 || !nonce.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(TokenProblem::Invalid);
    }
    let expected = mac(key, issued_at, nonce);
    // Compare without an early exit.
    let same = expected.len() == sig.len()
        && expected
            .bytes()
            .zip(sig.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if !same || expected.is_empty() {
        return Err(TokenProblem::Invalid);
    }
    let age = now - issued_at;
    if age < MIN_FILL_SECONDS {
        return Err(TokenProblem::TooFast);
    }
    if age > MAX_FORM_AGE_SECONDS {
        return Err(TokenProblem::Expired);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for c in Category::ALL {
            assert_eq!(Category::from_code(c.code()), Some(c));
        }
        for t in Theme::ALL {
            assert_eq!(Theme::from_code(t.code()), Some(t));
        }
        for s in Status::ALL {
            assert_eq!(Status::from_code(s.code()), Some(s));
        }
        for c in Channel::ALL {
            assert_eq!(Channel::from_code(c.code()), Some(c));
        }
        assert_eq!(Theme::from_code("x"), None);
    }

    #[test]
    fn references_are_readable_and_recognised() {
        let r = reference([0, 1, 2, 3, 30, 31, 200, 255]);
        assert_eq!(r, "OSP-2345-Z2G9");
        assert!(looks_like_reference(&r));
        assert!(looks_like_reference(" osp-2345-z2g9 "));
        assert!(!looks_like_reference("OSP-0345-Z2G9"));
        assert!(!looks_like_reference("OSP-2345Z2G9"));
        for b in 0..=255u8 {
            let r = reference([b; 8]);
            assert!(!r[4..].contains(['0', 'O', '1', 'I', 'L']), "{r}");
        }
    }

    #[test]
    fn networks() {
        assert_eq!(network_of("192.168.4.77"), "192.168.4.0/24");
        assert_eq!(network_of("::ffff:10.1.2.3"), "10.1.2.0/24");
        assert_eq!(network_of("2001:db8:abcd:12::1"), "2001:db8:abcd::/48");
        assert_eq!(network_of("-"), "-");
        assert_ne!(keyed_hash(b"a", "1.2.3.4"), keyed_hash(b"b", "1.2.3.4"));
        assert_eq!(keyed_hash(b"a", "1.2.3.4").len(), 64);
    }

    #[test]
    fn form_tokens() {
        let key = b"sleutel";
        let nonce = "0123456789abcdef0123456789abcdef";
        let t = form_token(key, 1_000, nonce);
        // Two forms shown in the same second differ.
        assert_ne!(
            t,
            form_token(key, 1_000, "fedcba9876543210fedcba9876543210")
        );
        assert_eq!(check_form_token(key, &t, 1_010), Ok(()));
        assert_eq!(check_form_token(key, &t, 1_001), Err(TokenProblem::TooFast));
        assert_eq!(
            check_form_token(key, &t, 1_000 + MAX_FORM_AGE_SECONDS + 1),
            Err(TokenProblem::Expired)
        );
        assert_eq!(
            check_form_token(b"ander", &t, 1_010),
            Err(TokenProblem::Invalid)
        );
        let forged = t.replacen("1000", "900", 1);
        assert_eq!(
            check_form_token(
                key,
                &t.replacen(nonce, "00000000000000000000000000000000", 1),
                1_010
            ),
            Err(TokenProblem::Invalid)
        );
        assert_eq!(
            check_form_token(key, &forged, 1_010),
            Err(TokenProblem::Invalid)
        );
        assert_eq!(check_form_token(key, "", 1_010), Err(TokenProblem::Invalid));
        assert_eq!(
            check_form_token(key, "abc.def", 1_010),
            Err(TokenProblem::Invalid)
        );
        assert_eq!(
            check_form_token(key, &format!("1000.short.{}", "0".repeat(64)), 1_010),
            Err(TokenProblem::Invalid)
        );
    }

    #[test]
    fn small_counts_are_hidden() {
        assert_eq!(Cell::of(0), Cell::Suppressed);
        assert_eq!(Cell::of(4), Cell::Suppressed);
        assert_eq!(Cell::of(5), Cell::Count(5));
        assert_eq!(Cell::of(4).label(), "< 5");
        assert_eq!(Cell::of(12).label(), "12");
    }
}
