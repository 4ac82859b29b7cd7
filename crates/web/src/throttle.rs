//! The keys sign-in attempts and mails are counted under: an account, a user's second factor,
//! a network address (IPv6 per /64).

use crate::auth::Visitor;
use passend_domain::accounts::token_hash;

pub fn account_key(tenant_id: i64, email: &str) -> String {
    format!("account:{tenant_id}:{}", &token_hash(email)[..32])
}

pub fn second_factor_key(user_id: i64) -> String {
    format!("second-factor:{user_id}")
}

/// The throttle key of a network address; IPv6 addresses count per /64 (one connection's range).
pub fn address_key(visitor: &Visitor) -> String {
    address_key_of(&visitor.origin)
}

/// The throttle key of a network address as text.
pub fn address_key_of(origin: &str) -> String {
    match origin.parse::<std::net::Ipv6Addr>() {
        Ok(v6) if v6.to_ipv4_mapped().is_none() => {
            let s = v6.segments();
            format!("address:{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        _ => format!("address:{origin}"),
    }
}
