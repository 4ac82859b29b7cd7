//! Calendar files (iCalendar, RFC 5545) for meeting invitations, following iTIP (RFC 5546): an
//! invitation and a move are a `REQUEST`, a cancellation a `CANCEL`; all three carry the same UID
//! and a rising SEQUENCE, so a calendar replaces or removes the earlier entry instead of adding
//! one. The text holds no names: the meeting's kind, place and purpose only.

use chrono::{DateTime, Utc};

/// What a calendar file says about a meeting.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    /// Stable over the meeting's life.
    pub uid: &'a str,
    /// Changes so far.
    pub sequence: i64,
    /// When.
    pub starts_at: DateTime<Utc>,
    /// How long (minutes).
    pub minutes: i64,
    /// The title in the calendar.
    pub summary: &'a str,
    /// Where.
    pub location: &'a str,
    /// The purpose and, for a change, its reason.
    pub description: &'a str,
    /// The organiser's address (the site's sender).
    pub organizer: &'a str,
    /// The invited person's address (the mail's recipient).
    pub attendee: &'a str,
    /// A cancellation rather than an invitation or a move.
    pub cancelled: bool,
}

/// The content type of the attachment, with its iTIP method.
pub fn content_type(cancelled: bool) -> &'static str {
    if cancelled {
        "text/calendar; charset=utf-8; method=CANCEL"
    } else {
        "text/calendar; charset=utf-8; method=REQUEST"
    }
}

/// The calendar file, with CRLF line ends and lines folded at 75 octets.
pub fn ics(e: &Event<'_>, now: DateTime<Utc>) -> String {
    let stamp = |t: DateTime<Utc>| t.format("%Y%m%dT%H%M%SZ").to_string();
    let ends = e.starts_at + chrono::Duration::minutes(e.minutes);
    let method = if e.cancelled { "CANCEL" } else { "REQUEST" };
    let status = if e.cancelled {
        "CANCELLED"
    } else {
        "CONFIRMED"
    };
    let lines = [
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//Passend//Passend//NL".to_owned(),
        format!("METHOD:{method}"),
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}", text(e.uid)),
        format!("SEQUENCE:{}", e.sequence),
        format!("DTSTAMP:{}", stamp(now)),
        format!("DTSTART:{}", stamp(e.starts_at)),
        format!("DTEND:{}", stamp(ends)),
        format!("SUMMARY:{}", text(e.summary)),
        format!("LOCATION:{}", text(e.location)),
        format!("DESCRIPTION:{}", text(e.description)),
        format!("STATUS:{status}"),
        format!("ORGANIZER:mailto:{}", e.organizer),
        format!(
            "ATTENDEE;ROLE=REQ-PARTICIPANT;RSVP=FALSE:mailto:{}",
            e.attendee
        ),
        "END:VEVENT".to_owned(),
        "END:VCALENDAR".to_owned(),
    ];
    let mut out = String::new();
    for l in lines {
        fold(&l, &mut out);
    }
    out
}

/// Escapes a TEXT value (RFC 5545 §3.3.11).
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Writes a content line folded at 75 octets, never inside a character (§3.1).
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn event(cancelled: bool) -> Event<'static> {
        Event {
            uid: "overleg-abc@passend.test",
            sequence: 2,
            starts_at: Utc.with_ymd_and_hms(2026, 12, 14, 13, 30, 0).unwrap(),
            minutes: 60,
            summary: "Toelaatbaarheidsoverleg (TLO)",
            location: "De Regenboog, lokaal 3; of online",
            description: "Samen bespreken, wat de leerling nodig heeft.\nVerzet: ziekte",
            organizer: "noreply@passend.test",
            attendee: "ouder@example.nl",
            cancelled,
        }
    }

    /// Unfolds and splits into (name with parameters, value).
    fn parse(ics: &str) -> Vec<(String, String)> {
        ics.replace("\r\n ", "")
            .split("\r\n")
            .filter(|l| !l.is_empty())
            .map(|l| {
                let (k, v) = l.split_once(':').unwrap();
                (k.to_owned(), v.to_owned())
            })
            .collect()
    }

    #[test]
    fn an_invitation_is_a_request_with_utc_times_and_escaped_text() {
        let now = Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0).unwrap();
        let f = ics(&event(false), now);
        assert!(f.lines().all(|l| l.len() <= 76), "{f}");
        assert!(f.ends_with("END:VCALENDAR\r\n"));
        let p = parse(&f);
        let get = |k: &str| p.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("METHOD"), Some("REQUEST"));
        assert_eq!(get("DTSTART"), Some("20261214T133000Z"));
        assert_eq!(get("DTEND"), Some("20261214T143000Z"));
        assert_eq!(get("SEQUENCE"), Some("2"));
        assert_eq!(get("STATUS"), Some("CONFIRMED"));
        assert_eq!(
            get("LOCATION"),
            Some("De Regenboog\\, lokaal 3\\; of online")
        );
        assert_eq!(
            get("DESCRIPTION"),
            Some("Samen bespreken\\, wat de leerling nodig heeft.\\nVerzet: ziekte")
        );
    }

    #[test]
    fn a_cancellation_keeps_the_uid_and_says_cancel() {
        let now = Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0).unwrap();
        let p = parse(&ics(&event(true), now));
        let get = |k: &str| p.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("METHOD"), Some("CANCEL"));
        assert_eq!(get("STATUS"), Some("CANCELLED"));
        assert_eq!(get("UID"), Some("overleg-abc@passend.test"));
        assert_eq!(
            content_type(true),
            "text/calendar; charset=utf-8; method=CANCEL"
        );
    }

    #[test]
    fn long_lines_fold_between_characters() {
        let mut out = String::new();
        fold(&format!("DESCRIPTION:{}", "é".repeat(80)), &mut out);
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{l}");
        }
        assert_eq!(
            out.replace("\r\n ", "").trim_end(),
            format!("DESCRIPTION:{}", "é".repeat(80))
        );
    }
}
