//! Time-based one-time passwords (RFC 6238, the codes of authenticator apps) and recovery codes.
//! Pure: the caller brings the secret, the clock and the last step used.

use hmac::{Hmac, Mac};
use sha1::Sha1;

/// Seconds per step.
pub const STEP_SECONDS: i64 = 30;
/// Digits per code.
pub const DIGITS: u32 = 6;
/// Bytes of a new secret (160 bits, as RFC 4226 recommends).
pub const SECRET_BYTES: usize = 20;

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// Base32 (RFC 4648) without padding, as authenticator apps expect.
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let mut buffer: u32 = 0;
    let mut bits = 0u32;
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(BASE32[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(BASE32[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// Reads base32, ignoring case, spaces and padding; `None` on any other character.
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let mut buffer: u32 = 0;
    let mut bits = 0u32;
    for c in text.chars() {
        if c == ' ' || c == '=' || c == '-' {
            continue;
        }
        let c = c.to_ascii_uppercase();
        let v = BASE32.iter().position(|&x| char::from(x) == c)? as u32;
        buffer = (buffer << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(((buffer >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

/// The time step of a Unix time.
pub fn step_of(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(STEP_SECONDS)
}

/// The code for one step (HOTP with the step as counter, SHA-1, 6 digits).
pub fn code_at(secret: &[u8], step: i64) -> u32 {
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(secret) else {
        return 0;
    };
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[digest.len() - 1] & 0x0f);
    let value = (u32::from(digest[offset]) & 0x7f) << 24
        | u32::from(digest[offset + 1]) << 16
        | u32::from(digest[offset + 2]) << 8
        | u32::from(digest[offset + 3]);
    value % 10u32.pow(DIGITS)
}

/// The code for a step as shown: six digits with leading zeros.
pub fn format_code(code: u32) -> String {
    format!("{code:06}")
}

/// Checks a typed code against the steps around `now` (one step of clock drift either way).
/// A step at or before `last_step` is refused, so a code works only once (RFC 6238 §5.2).
/// Returns the step matched, to be stored as the new last step.
pub fn verify(
    secret: &[u8],
    typed: &str,
    unix_seconds: i64,
    last_step: Option<i64>,
) -> Option<i64> {
    let digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() != DIGITS as usize || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let typed: u32 = digits.parse().ok()?;
    let now = step_of(unix_seconds);
    let mut matched = None;
    for step in [now - 1, now, now + 1] {
        // Compare every candidate so timing does not tell which step matched.
        if code_at(secret, step) == typed && last_step.is_none_or(|last| step > last) {
            matched = Some(step);
        }
    }
    matched
}

/// The `otpauth://` link an authenticator app reads from the QR code.
pub fn otpauth_uri(issuer: &str, account: &str, secret_base32: &str) -> String {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~@".contains(&b) {
                    char::from(b).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    };
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        enc(issuer),
        enc(account),
        secret_base32,
        enc(issuer)
    )
}

/// How many recovery codes a user gets.
pub const RECOVERY_CODES: usize = 10;
/// The characters of a recovery code: no 0/O, 1/I/L to avoid misreading.
const RECOVERY_ALPHABET: &[u8; 31] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// Makes a recovery code (`xxxxx-xxxxx`) from 10 random bytes.
pub fn recovery_code(random: &[u8; 10]) -> String {
    let mut out = String::with_capacity(11);
    for (i, b) in random.iter().enumerate() {
        if i == 5 {
            out.push('-');
        }
        out.push(char::from(
            RECOVERY_ALPHABET[usize::from(*b) % RECOVERY_ALPHABET.len()],
        ));
    }
    out
}

/// A typed recovery code in the form it is hashed: lower case, without spaces or dashes.
pub fn normalize_recovery_code(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 6238 appendix B, SHA-1 secret "12345678901234567890"; the RFC lists 8 digits, the last
    // six of which are the 6-digit codes.
    const RFC_SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn rfc_6238_test_vectors() {
        for (time, code8) in [
            (59i64, 94287082u32),
            (1111111109, 7081804),
            (1111111111, 14050471),
            (1234567890, 89005924),
            (2000000000, 69279037),
            (20000000000, 65353130),
        ] {
            assert_eq!(
                code_at(RFC_SECRET, step_of(time)),
                code8 % 1_000_000,
                "t={time}"
            );
        }
    }

    #[test]
    fn base32_round_trips_and_matches_rfc_4648() {
        assert_eq!(base32_encode(b"foobar"), "MZXW6YTBOI");
        assert_eq!(
            base32_decode("mzxw6ytboi======").as_deref(),
            Some(&b"foobar"[..])
        );
        assert_eq!(
            base32_decode("MZXW 6YTB OI").as_deref(),
            Some(&b"foobar"[..])
        );
        assert_eq!(base32_decode("MZ1"), None);
        let secret: Vec<u8> = (0..20).collect();
        assert_eq!(base32_decode(&base32_encode(&secret)), Some(secret));
    }

    #[test]
    fn codes_work_once_and_within_one_step() {
        let now = 1_700_000_000i64;
        let code = format_code(code_at(RFC_SECRET, step_of(now)));
        assert_eq!(verify(RFC_SECRET, &code, now, None), Some(step_of(now)));
        assert_eq!(
            verify(RFC_SECRET, &code, now + 30, None),
            Some(step_of(now)),
            "drift"
        );
        assert_eq!(verify(RFC_SECRET, &code, now + 90, None), None, "too old");
        assert_eq!(
            verify(RFC_SECRET, &code, now, Some(step_of(now))),
            None,
            "replay"
        );
        assert_eq!(verify(RFC_SECRET, "12345", now, None), None);
        assert_eq!(verify(RFC_SECRET, "abcdef", now, None), None);
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert_eq!(verify(RFC_SECRET, &spaced, now, None), Some(step_of(now)));
    }

    #[test]
    fn recovery_codes_read_back_in_any_form() {
        let code = recovery_code(&[0, 1, 2, 3, 4, 250, 251, 252, 253, 254]);
        assert_eq!(code.len(), 11);
        assert_eq!(&code[5..6], "-");
        assert_eq!(
            normalize_recovery_code(&code.to_uppercase().replace('-', " ")),
            code.replace('-', "")
        );
    }

    #[test]
    fn otpauth_uri_escapes_names() {
        let uri = otpauth_uri("Passend Almere", "ib@school.nl", "ABC");
        assert_eq!(
            uri,
            "otpauth://totp/Passend%20Almere:ib@school.nl?secret=ABC&issuer=Passend%20Almere&algorithm=SHA1&digits=6&period=30"
        );
    }
}
