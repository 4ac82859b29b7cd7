//! Who may see a dossier's documents. Access follows each document's own life cycle, not only
//! the pupil it belongs to:
//!
//! - A document attached to a request belongs to that request. While the request is a concept it
//!   is the school's own (WPO art. 18a lid 13: the samenwerkingsverband receives a pupil's data
//!   with a request); toeleiding and experts see it once the request was submitted. A document of
//!   the dossier itself (no request) is seen by toeleiding once any request of the pupil was
//!   submitted.
//! - An expert sees what they were asked to advise on: the dossier's documents and those of the
//!   request of their advice. The access ends a grace period (default 4 weeks,
//!   `PASSEND_DESKUNDIGE_TOEGANG_WEKEN`) after the advice was given, or after the request was
//!   decided or withdrawn when it was not; it never covers a version added after the advice was
//!   given, or after the request closed.
//! - A receiving school gets the decision and its letter, never the documents.

use chrono::{DateTime, Duration, Utc};

/// The grace period of an expert's access after the advice, by default.
pub const EXPERT_GRACE_WEEKS: u8 = 4;

/// One advice asked of an expert, as far as access needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdviceWindow {
    /// The request the advice is about.
    pub request_id: i64,
    /// When the expert gave the advice.
    pub given_at: Option<DateTime<Utc>>,
    /// When the request was decided or withdrawn, if it was.
    pub request_closed_at: Option<DateTime<Utc>>,
}

impl AdviceWindow {
    /// The moment the expert's work on this advice ended: the advice given, or else the request
    /// closed. `None` while the advice is still asked of them.
    pub fn closed_at(&self) -> Option<DateTime<Utc>> {
        match (self.given_at, self.request_closed_at) {
            (Some(g), Some(c)) => Some(g.min(c)),
            (g, c) => g.or(c),
        }
    }

    /// Whether the expert still has access at `now`.
    pub fn open_at(&self, now: DateTime<Utc>, grace: Duration) -> bool {
        self.closed_at().is_none_or(|c| now < c + grace)
    }

    /// Whether this advice covers a document version: of the dossier or of the advised request,
    /// and uploaded before the expert's work ended (the advice given, or the request closed).
    pub fn covers(&self, document: &DocumentFacts) -> bool {
        let of_this = document.request.is_none_or(|(r, _)| r == self.request_id);
        of_this && self.closed_at().is_none_or(|c| document.uploaded_at <= c)
    }
}

/// How a visitor relates to a pupil's dossier, for its documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocumentReader {
    /// Staff of the pupil's school: every document.
    OwnSchool,
    /// Toeleiding: documents of submitted requests and of the dossier.
    Swv,
    /// An expert, with the advices asked of them on this pupil.
    Expert(Vec<AdviceWindow>),
    /// The school that received the pupil with a TLV: no documents.
    ReceivingSchool,
}

/// What access needs to know of one version of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocumentFacts {
    /// The request the document was attached to, and whether it was submitted; `None` for a
    /// document of the dossier.
    pub request: Option<(i64, bool)>,
    /// When this version was uploaded.
    pub uploaded_at: DateTime<Utc>,
}

impl DocumentReader {
    /// Whether this reader may see (list, download, share) this version at `now`.
    pub fn may_see(&self, document: &DocumentFacts, now: DateTime<Utc>, grace: Duration) -> bool {
        let submitted = document.request.is_none_or(|(_, s)| s);
        match self {
            DocumentReader::OwnSchool => true,
            DocumentReader::Swv => submitted,
            DocumentReader::Expert(windows) => {
                submitted
                    && windows
                        .iter()
                        .any(|w| w.open_at(now, grace) && w.covers(document))
            }
            DocumentReader::ReceivingSchool => false,
        }
    }

    /// Whether an expert with these advices still has access to the pupil at all.
    pub fn expert_has_access(
        windows: &[AdviceWindow],
        now: DateTime<Utc>,
        grace: Duration,
    ) -> bool {
        windows.iter().any(|w| w.open_at(now, grace))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(day: u32) -> DateTime<Utc> {
        DateTime::from_timestamp(1_790_000_000 + i64::from(day) * 86_400, 0).unwrap_or_default()
    }

    fn grace() -> Duration {
        Duration::weeks(i64::from(EXPERT_GRACE_WEEKS))
    }

    fn doc(request: Option<(i64, bool)>, day: u32) -> DocumentFacts {
        DocumentFacts {
            request,
            uploaded_at: at(day),
        }
    }

    #[test]
    fn a_concept_is_the_schools_own() {
        let concept = doc(Some((2, false)), 1);
        assert!(DocumentReader::OwnSchool.may_see(&concept, at(2), grace()));
        assert!(!DocumentReader::Swv.may_see(&concept, at(2), grace()));
        let expert = DocumentReader::Expert(vec![AdviceWindow {
            request_id: 1,
            given_at: None,
            request_closed_at: None,
        }]);
        assert!(!expert.may_see(&concept, at(2), grace()));
        // The same document once its request was submitted.
        let submitted = doc(Some((2, true)), 1);
        assert!(DocumentReader::Swv.may_see(&submitted, at(2), grace()));
        // Still not for the expert: it is another request's.
        assert!(!expert.may_see(&submitted, at(2), grace()));
        // The dossier's own documents, and the advised request's.
        assert!(expert.may_see(&doc(None, 1), at(2), grace()));
        assert!(expert.may_see(&doc(Some((1, true)), 1), at(2), grace()));
        assert!(!DocumentReader::ReceivingSchool.may_see(&doc(None, 1), at(2), grace()));
    }

    #[test]
    fn an_experts_access_ends_after_the_advice_and_never_covers_later_documents() {
        let w = AdviceWindow {
            request_id: 1,
            given_at: Some(at(10)),
            request_closed_at: None,
        };
        let expert = DocumentReader::Expert(vec![w]);
        let before = doc(Some((1, true)), 9);
        let after = doc(Some((1, true)), 11);
        assert!(expert.may_see(&before, at(12), grace()));
        assert!(!expert.may_see(&after, at(12), grace()));
        // Four weeks after the advice, nothing.
        assert!(expert.may_see(&before, at(37), grace()));
        assert!(!expert.may_see(&before, at(38), grace()));
        assert!(!DocumentReader::expert_has_access(&[w], at(38), grace()));
        assert!(DocumentReader::expert_has_access(&[w], at(37), grace()));
        // An advice never given ends with the request's decision.
        let open = AdviceWindow {
            request_id: 1,
            given_at: None,
            request_closed_at: Some(at(20)),
        };
        assert!(DocumentReader::expert_has_access(&[open], at(47), grace()));
        assert!(!DocumentReader::expert_has_access(&[open], at(48), grace()));
        // In the weeks after the decision, what is added to the dossier is no longer theirs.
        let unasked = DocumentReader::Expert(vec![open]);
        assert!(unasked.may_see(&doc(None, 19), at(25), grace()));
        assert!(!unasked.may_see(&doc(None, 21), at(25), grace()));
        let asked = AdviceWindow {
            request_closed_at: None,
            ..open
        };
        assert!(DocumentReader::expert_has_access(
            &[asked],
            at(999),
            grace()
        ));
    }
}
