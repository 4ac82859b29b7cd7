//! Password hashing (argon2id, OWASP's parameters: 19 MiB, 2 passes, 1 lane) on a fixed number
//! of threads so that a burst of sign-ins cannot exhaust memory or cores, and the list of common and breached
//! passwords new passwords are checked against.

use crate::error::AppError;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::collections::HashSet;
use std::sync::{Arc, LazyLock};

/// The 100,000 most common passwords of at least 8 characters (lower case), embedded at build
/// time from OWASP SecLists via npm, plus our own Dutch additions.
static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    let list: &'static str = include_str!(concat!(env!("OUT_DIR"), "/common-passwords.txt"));
    list.lines().chain(DUTCH.iter().copied()).collect()
});

/// Passwords Dutch users pick that international lists miss.
const DUTCH: &[&str] = &[
    "wachtwoord",
    "wachtwoord1",
    "wachtwoord123",
    "welkom01",
    "welkom123",
    "welkom2025",
    "welkom2026",
    "welkomwelkom",
    "almere123",
    "almere2026",
    "passend123",
    "passendonderwijs",
    "onderwijs123",
    "school123",
    "schooljaar2026",
    "zomer2026",
    "winter2026",
    "voorjaar2026",
    "najaar2026",
    "geheim123",
    "ajax1900",
    "feyenoord",
    "feyenoord1908",
    "psvpsvpsv",
    "nederland",
    "nederland1",
    "amsterdam1",
    "rotterdam1",
    "qwerty123!",
];

/// Whether a lower-cased password is on the list.
pub fn is_common(lower: &str) -> bool {
    COMMON.contains(lower)
}

/// How many passwords the list holds (for the start-up log and tests).
pub fn common_count() -> usize {
    COMMON.len()
}

type Job = Box<dyn FnOnce() + Send>;

/// Hashes and checks passwords on a few dedicated threads: at most `threads` hashes at a time,
/// the rest wait in a queue. Dedicated threads (not tokio's blocking pool, which may use many)
/// keep the 19 MiB blocks that the allocator holds on to after each hash to one per thread.
#[derive(Debug, Clone)]
pub struct Passwords {
    jobs: tokio::sync::mpsc::Sender<Job>,
    dummy: Arc<String>,
}

fn hasher() -> Result<Argon2<'static>, AppError> {
    let params = Params::new(19 * 1024, 2, 1, None)
        .map_err(|e| AppError::Internal(format!("argon2 parameters: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

fn hash_now(password: &str) -> Result<String, AppError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| AppError::Internal(format!("random: {e}")))?;
    let salt =
        SaltString::encode_b64(&salt).map_err(|e| AppError::Internal(format!("salt: {e}")))?;
    let hash = hasher()?
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| AppError::Internal(format!("argon2: {e}")))?;
    Ok(hash.to_string())
}

fn verify_now(stored: &str, password: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    let Ok(h) = hasher() else {
        return false;
    };
    h.verify_password(password.as_bytes(), &parsed).is_ok()
}

impl Passwords {
    /// Starts `threads` hashing threads (each hash takes 19 MiB and one core for a moment).
    pub fn new(threads: usize) -> Result<Passwords, AppError> {
        let (jobs, queue) = tokio::sync::mpsc::channel::<Job>(4096);
        let queue = Arc::new(std::sync::Mutex::new(queue));
        for n in 0..threads.max(1) {
            let queue = Arc::clone(&queue);
            std::thread::Builder::new()
                .name(format!("passend-hash-{n}"))
                .spawn(move || {
                    loop {
                        // Take one job; the lock is held only while waiting for it.
                        let job = match queue.lock() {
                            Ok(mut q) => q.blocking_recv(),
                            Err(_) => None,
                        };
                        match job {
                            Some(job) => job(),
                            None => break,
                        }
                    }
                })
                .map_err(|e| AppError::Internal(format!("hash thread: {e}")))?;
        }
        Ok(Passwords {
            jobs,
            dummy: Arc::new(hash_now("dummy password for unknown accounts")?),
        })
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.jobs
            .send(Box::new(move || {
                let _ = tx.send(work());
            }))
            .await
            .map_err(|_| AppError::Internal("hash threads stopped".to_owned()))?;
        rx.await
            .map_err(|_| AppError::Internal("hash job dropped".to_owned()))
    }

    /// Hashes a new password (argon2id, random salt, PHC string).
    pub async fn hash(&self, password: &str) -> Result<String, AppError> {
        let password = password.to_owned();
        self.run(move || hash_now(&password)).await?
    }

    /// Checks a password against a stored hash. Without a hash (unknown account, no password yet)
    /// it checks against a dummy hash and returns `false`, so the time taken does not tell
    /// whether an account exists.
    pub async fn verify(&self, stored: Option<&str>, password: &str) -> Result<bool, AppError> {
        let real = stored.is_some();
        let stored = stored.unwrap_or(self.dummy.as_str()).to_owned();
        let password = password.to_owned();
        let ok = self.run(move || verify_now(&stored, &password)).await?;
        Ok(real && ok)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_holds_common_passwords_only() {
        assert!(common_count() > 90_000);
        for p in ["password", "12345678", "iloveyou", "welkom01", "wachtwoord"] {
            assert!(is_common(p), "{p}");
        }
        assert!(!is_common("paard batterij nietje"));
        assert!(!is_common("kort"), "only passwords of 8 or more are listed");
    }

    #[tokio::test]
    async fn hashes_verify_and_dummies_never_do() -> Result<(), AppError> {
        let p = Passwords::new(2)?;
        let h = p.hash("paard batterij nietje").await?;
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(p.verify(Some(&h), "paard batterij nietje").await?);
        assert!(!p.verify(Some(&h), "paard batterij nietj").await?);
        assert!(
            !p.verify(None, "dummy password for unknown accounts")
                .await?
        );
        Ok(())
    }
}
