//! Documents in a pupil's dossier: the kinds, and which files are accepted. A file is judged by
//! its content (its first bytes), never by the name or the type the browser claims, and is stored
//! under a name the server makes; the original name is kept only to offer it on download.

/// The kinds of document in a dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    /// The groeidocument.
    Groeidocument,
    /// The ontwikkelingsperspectief with its handelingsdeel.
    Opp,
    /// A report (observation, test, specialist).
    Verslag,
    /// The report of the toelaatbaarheidsoverleg.
    TloVerslag,
    /// The parents' zienswijze as a file.
    Zienswijze,
    /// Anything else.
    Overig,
}

impl DocumentKind {
    /// Every kind, in form order.
    pub const ALL: [DocumentKind; 6] = [
        DocumentKind::Groeidocument,
        DocumentKind::Opp,
        DocumentKind::Verslag,
        DocumentKind::TloVerslag,
        DocumentKind::Zienswijze,
        DocumentKind::Overig,
    ];

    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            DocumentKind::Groeidocument => "groeidocument",
            DocumentKind::Opp => "opp",
            DocumentKind::Verslag => "verslag",
            DocumentKind::TloVerslag => "tlo-verslag",
            DocumentKind::Zienswijze => "zienswijze",
            DocumentKind::Overig => "overig",
        }
    }

    /// Reads a stored code.
    pub fn from_code(code: &str) -> Option<DocumentKind> {
        DocumentKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The Dutch name.
    pub fn label_nl(self) -> &'static str {
        match self {
            DocumentKind::Groeidocument => "Groeidocument",
            DocumentKind::Opp => "Ontwikkelingsperspectief (OPP) met handelingsdeel",
            DocumentKind::Verslag => "Verslag (observatie, onderzoek, specialist)",
            DocumentKind::TloVerslag => "Verslag van het toelaatbaarheidsoverleg (TLO)",
            DocumentKind::Zienswijze => "Zienswijze van de ouders",
            DocumentKind::Overig => "Ander document",
        }
    }
}

/// The largest file accepted: 20 MiB.
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;

/// A file type Passend accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileType {
    /// The media type sent on download.
    pub content_type: &'static str,
    /// The extension of the stored file.
    pub extension: &'static str,
}

const PDF: FileType = FileType {
    content_type: "application/pdf",
    extension: "pdf",
};
const DOCX: FileType = FileType {
    content_type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    extension: "docx",
};
const ODT: FileType = FileType {
    content_type: "application/vnd.oasis.opendocument.text",
    extension: "odt",
};
const PNG: FileType = FileType {
    content_type: "image/png",
    extension: "png",
};
const JPEG: FileType = FileType {
    content_type: "image/jpeg",
    extension: "jpg",
};

/// Why a file is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileProblem {
    /// No file, or an empty one.
    Empty,
    /// Larger than [`MAX_FILE_BYTES`].
    TooLarge,
    /// Not a PDF, Word (docx), OpenDocument text, PNG or JPEG file.
    Type,
}

impl FileProblem {
    /// The message at the field.
    pub fn message_nl(self) -> &'static str {
        match self {
            FileProblem::Empty => "Kies een bestand.",
            FileProblem::TooLarge => "Het bestand is te groot: hooguit 20 MB.",
            FileProblem::Type => {
                "Dit soort bestand kan niet. Kies een PDF, Word-bestand (.docx), OpenDocument-tekst (.odt) of een foto (PNG of JPEG)."
            }
        }
    }
}

/// Judges a file by its content: the type it really is, or why it is refused. Word and
/// OpenDocument files are ZIP archives; they are told apart by the entries ZIP names first.
pub fn sniff(bytes: &[u8]) -> Result<FileType, FileProblem> {
    if bytes.is_empty() {
        return Err(FileProblem::Empty);
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(FileProblem::TooLarge);
    }
    if bytes.starts_with(b"%PDF-") {
        return Ok(PDF);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(PNG);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(JPEG);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        // An OpenDocument file starts with the stored entry "mimetype" and its value.
        if bytes.get(30..38) == Some(b"mimetype")
            && find(
                &bytes[..bytes.len().min(200)],
                b"application/vnd.oasis.opendocument.text",
            )
        {
            return Ok(ODT);
        }
        // A Word file names "word/" parts; look in the local headers near the start.
        let head = &bytes[..bytes.len().min(64 * 1024)];
        if find(head, b"[Content_Types].xml") && find(head, b"word/") {
            return Ok(DOCX);
        }
    }
    Err(FileProblem::Type)
}

/// The SHA-256 of a file as hex, kept with each version (integrity, duplicates).
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// SHA-256 computed piece by piece, for files streamed and never held whole in memory. Gives
/// the same hex as [`sha256_hex`] over all the pieces together.
#[derive(Debug, Clone, Default)]
pub struct Sha256Stream {
    inner: sha2::Sha256,
    bytes: u64,
}

impl Sha256Stream {
    /// Adds the next piece.
    pub fn update(&mut self, piece: &[u8]) {
        use sha2::Digest;
        self.inner.update(piece);
        self.bytes += piece.len() as u64;
    }

    /// How many bytes so far.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// The hash as hex.
    pub fn hex(self) -> String {
        use sha2::Digest;
        self.inner
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A file name fit to offer on download: the last path part, only letters, digits, spaces and
/// `-_.()`, at most 100 characters, with the extension of the real type.
pub fn download_name(original: &str, t: FileType) -> String {
    let last = original.rsplit(['/', '\\']).next().unwrap_or_default();
    let stem = last.rsplit_once('.').map_or(last, |(s, _)| s);
    let mut clean: String = stem
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '(' | ')' | '.'))
        .take(100)
        .collect();
    clean = clean.trim().trim_matches('.').to_owned();
    if clean.is_empty() {
        clean = "document".to_owned();
    }
    format!("{clean}.{}", t.extension)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_in_pieces_is_the_hash_of_the_whole() {
        let whole: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
        let mut s = Sha256Stream::default();
        for piece in whole.chunks(777) {
            s.update(piece);
        }
        assert_eq!(s.bytes(), 10_000);
        assert_eq!(s.hex(), sha256_hex(&whole));
        assert_eq!(
            Sha256Stream::default().hex(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn files_are_judged_by_their_content() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Ok(PDF));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Ok(PNG));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]), Ok(JPEG));
        assert_eq!(sniff(b""), Err(FileProblem::Empty));
        // A script renamed to .pdf, HTML and a plain ZIP are refused.
        assert_eq!(sniff(b"#!/bin/sh\nrm -rf /"), Err(FileProblem::Type));
        assert_eq!(sniff(b"<html><script>"), Err(FileProblem::Type));
        assert_eq!(sniff(b"PK\x03\x04 nothing else"), Err(FileProblem::Type));
        let mut docx = b"PK\x03\x04".to_vec();
        docx.extend_from_slice(&[0; 26]);
        docx.extend_from_slice(b"[Content_Types].xml....PK\x03\x04....word/document.xml");
        assert_eq!(sniff(&docx), Ok(DOCX));
        let mut odt = b"PK\x03\x04".to_vec();
        odt.extend_from_slice(&[0; 26]);
        odt.extend_from_slice(b"mimetypeapplication/vnd.oasis.opendocument.text");
        assert_eq!(sniff(&odt), Ok(ODT));
        assert_eq!(
            sniff(&vec![b'%'; MAX_FILE_BYTES + 1]),
            Err(FileProblem::TooLarge)
        );
    }

    #[test]
    fn download_names_are_clean() {
        assert_eq!(download_name("C:\\map\\OPP Sam.pdf", PDF), "OPP Sam.pdf");
        assert_eq!(download_name("../../etc/passwd", PDF), "passwd.pdf");
        assert_eq!(download_name("\"evil\r\n.docx", PDF), "evil.pdf");
        assert_eq!(download_name("...", PNG), "document.png");
    }
}
