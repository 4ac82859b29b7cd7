//! The audit trail's hash chain. Each event's hash covers its own fields and the previous
//! event's hash, so changing, removing or reordering any stored event breaks the chain from
//! that point on. Pure: the store computes and checks hashes with these functions.

use sha2::{Digest, Sha256};

/// The `prev_hash` of the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields of an event that the hash covers, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fields<'a> {
    /// Sequence number (1, 2, …): gaps are detected.
    pub id: i64,
    /// Tenant.
    pub tenant_id: Option<i64>,
    /// Time in UTC, RFC 3339 with microseconds (what both databases keep exactly).
    pub occurred_at: &'a str,
    /// User.
    pub actor_id: Option<i64>,
    /// Role acted in.
    pub actor_role: &'a str,
    /// On whose behalf.
    pub on_behalf_of: Option<i64>,
    /// Action.
    pub action: &'a str,
    /// Object type.
    pub object_type: &'a str,
    /// Object id.
    pub object_id: &'a str,
    /// Pupil id.
    pub pupil_id: Option<i64>,
    /// Outcome.
    pub outcome: &'a str,
    /// Origin.
    pub origin: &'a str,
    /// Correlation id.
    pub request_id: &'a str,
    /// Detail.
    pub detail: &'a str,
}

/// The hash of an event given the previous event's hash: SHA-256 over every field, each
/// length-prefixed so no two different events serialise alike.
pub fn hash(prev_hash: &str, f: &Fields<'_>) -> String {
    let opt = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
    let parts = [
        prev_hash.to_owned(),
        f.id.to_string(),
        opt(f.tenant_id),
        f.occurred_at.to_owned(),
        opt(f.actor_id),
        f.actor_role.to_owned(),
        opt(f.on_behalf_of),
        f.action.to_owned(),
        f.object_type.to_owned(),
        f.object_id.to_owned(),
        opt(f.pupil_id),
        f.outcome.to_owned(),
        f.origin.to_owned(),
        f.request_id.to_owned(),
        f.detail.to_owned(),
    ];
    let mut h = Sha256::new();
    for p in &parts {
        h.update(p.len().to_string().as_bytes());
        h.update(b":");
        h.update(p.as_bytes());
        h.update(b";");
    }
    format!("{:x}", h.finalize())
}

/// The heads of the two hash chains (the audit trail and the Oudersteunpunt's log) at a moment,
/// signed with a key kept outside the database. Written to a file next to the database and into
/// every backup, so that a database that lost its newest events (a copy without its WAL, a
/// truncated restore, a failover to a replica that was behind) is found by `passend audit
/// verify`: its chain no longer reaches the recorded head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The audit trail's last event id and hash.
    pub audit: (i64, String),
    /// The Oudersteunpunt log's last line id and hash.
    pub log: (i64, String),
    /// When it was written (RFC 3339).
    pub written_at: String,
}

impl Checkpoint {
    /// The signature: HMAC-SHA-256 over every field, hex.
    pub fn mac(&self, key: &[u8]) -> String {
        use hmac::{Hmac, Mac};
        let Ok(mut m) = Hmac::<Sha256>::new_from_slice(key) else {
            return String::new();
        };
        for part in [
            "passend-audit-head",
            &self.audit.0.to_string(),
            &self.audit.1,
            &self.log.0.to_string(),
            &self.log.1,
            &self.written_at,
        ] {
            m.update(&(part.len() as u64).to_be_bytes());
            m.update(part.as_bytes());
        }
        m.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The file's text: one line of `key=value` pairs, the signature last.
    pub fn to_text(&self, key: &[u8]) -> String {
        format!(
            "audit_id={} audit_hash={} log_id={} log_hash={} written_at={} mac={}\n",
            self.audit.0,
            self.audit.1,
            self.log.0,
            self.log.1,
            self.written_at,
            self.mac(key)
        )
    }

    /// Reads a file's text and checks its signature.
    pub fn from_text(text: &str, key: &[u8]) -> Result<Checkpoint, CheckpointProblem> {
        let get = |name: &str| {
            text.split_whitespace()
                .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
                .map(str::to_owned)
                .ok_or(CheckpointProblem::Unreadable)
        };
        let number = |name: &str| -> Result<i64, CheckpointProblem> {
            get(name)?
                .parse()
                .map_err(|_| CheckpointProblem::Unreadable)
        };
        let c = Checkpoint {
            audit: (number("audit_id")?, get("audit_hash")?),
            log: (number("log_id")?, get("log_hash")?),
            written_at: get("written_at")?,
        };
        let mac = get("mac")?;
        if crate::text::constant_time_eq(mac.as_bytes(), c.mac(key).as_bytes()) {
            Ok(c)
        } else {
            Err(CheckpointProblem::BadSignature)
        }
    }
}

/// Why a head file is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckpointProblem {
    /// Not in the expected form.
    Unreadable,
    /// Changed, or signed with another key.
    BadSignature,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(detail: &str) -> Fields<'_> {
        Fields {
            id: 1,
            tenant_id: Some(1),
            occurred_at: "2026-11-28T10:00:00.000000Z",
            actor_id: None,
            actor_role: "systeem",
            on_behalf_of: None,
            action: "import",
            object_type: "locaties",
            object_id: "bo.csv",
            pupil_id: None,
            outcome: "success",
            origin: "cli",
            request_id: "-",
            detail,
        }
    }

    #[test]
    fn every_field_and_the_chain_count() {
        let a = hash(GENESIS, &fields("75 nieuw"));
        assert_eq!(a.len(), 64);
        assert_eq!(a, hash(GENESIS, &fields("75 nieuw")));
        assert_ne!(a, hash(GENESIS, &fields("76 nieuw")));
        assert_ne!(
            a,
            hash(&a, &fields("75 nieuw")),
            "the previous hash is part of it"
        );
        let mut f = fields("x");
        f.pupil_id = Some(7);
        assert_ne!(hash(GENESIS, &fields("x")), hash(GENESIS, &f));
    }

    #[test]
    fn a_checkpoint_reads_back_only_with_its_key_and_unchanged() {
        let c = Checkpoint {
            audit: (42, "ab".repeat(32)),
            log: (0, GENESIS.to_owned()),
            written_at: "2026-12-07T10:00:00Z".to_owned(),
        };
        let text = c.to_text(b"sleutel");
        assert_eq!(Checkpoint::from_text(&text, b"sleutel"), Ok(c.clone()));
        assert_eq!(
            Checkpoint::from_text(&text, b"andere sleutel"),
            Err(CheckpointProblem::BadSignature)
        );
        let changed = text.replace("audit_id=42", "audit_id=41");
        assert_eq!(
            Checkpoint::from_text(&changed, b"sleutel"),
            Err(CheckpointProblem::BadSignature)
        );
        assert_eq!(
            Checkpoint::from_text("onzin", b"sleutel"),
            Err(CheckpointProblem::Unreadable)
        );
    }
}
