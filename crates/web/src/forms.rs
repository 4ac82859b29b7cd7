//! Forms: reading a posted body, fields with their messages, the error summary, the checks
//! every form uses (required, length, dates), options for selects and radios, the one-time token
//! of create forms, and the confirmation box of destructive actions.

use chrono::NaiveDate;
use std::collections::HashMap;

/// A form field: what was typed and the message for it.
#[derive(Debug, Clone, Default)]
pub struct Field {
    /// The value as typed (kept after an error).
    pub value: String,
    /// The message at the field, if the value was not accepted.
    pub error: Option<String>,
}

impl Field {
    /// A field with a value.
    pub fn of(value: impl Into<String>) -> Field {
        Field {
            value: value.into(),
            error: None,
        }
    }

    /// Whether the field has a message.
    pub fn has_error(&self) -> bool {
        self.error.is_some()
    }

    /// The message or nothing.
    pub fn message(&self) -> &str {
        self.error.as_deref().unwrap_or_default()
    }
}

/// The error summary above a form: (field id, message), in form order.
pub fn summary(fields: &[(&str, &Field)]) -> Vec<(String, String)> {
    fields
        .iter()
        .filter_map(|(id, f)| f.error.as_ref().map(|e| ((*id).to_owned(), e.clone())))
        .collect()
}

/// The field a destructive action's form must carry checked ("Ja, ik weet het zeker"), so that a
/// slip of the mouse does not block an account or remove a voorziening. Works without JavaScript.
pub const CONFIRM_FIELD: &str = "zeker";

/// Whether a form body has the confirmation checked.
pub fn confirmed(body: &str) -> bool {
    form_urlencoded::parse(body.as_bytes()).any(|(k, v)| k == CONFIRM_FIELD && v == "ja")
}

/// Reads a URL-encoded body: the first value of every field, without control characters other
/// than line breaks and tabs (a NUL byte is refused by PostgreSQL, and none belongs in a form).
pub fn form(body: &str) -> HashMap<String, String> {
    let mut m = HashMap::new();
    for (k, v) in form_urlencoded::parse(body.as_bytes()) {
        m.entry(k.into_owned()).or_insert_with(|| {
            v.chars()
                .filter(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'))
                .collect()
        });
    }
    m
}

/// Every value of a field that repeats (checkboxes), in form order.
pub fn every(body: &str, name: &str) -> Vec<String> {
    form_urlencoded::parse(body.as_bytes())
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .collect()
}

/// A posted form body, read once: its fields (the first value of each, as [`form`] reads them)
/// and the body as sent (for repeated fields and the confirmation box). The extractor for every
/// form a handler reads; the body's size is limited like any other.
pub struct FormBody {
    /// The first value of each field.
    pub fields: HashMap<String, String>,
    /// The body as sent.
    pub raw: String,
}

impl<S: Send + Sync> axum::extract::FromRequest<S> for FormBody {
    type Rejection = axum::extract::rejection::StringRejection;
    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let raw = String::from_request(req, state).await?;
        Ok(FormBody {
            fields: form(&raw),
            raw,
        })
    }
}

/// A field's value, trimmed ("" when missing).
pub fn val(f: &HashMap<String, String>, k: &str) -> String {
    f.get(k).map(|v| v.trim().to_owned()).unwrap_or_default()
}

/// The field with a create form's own token: a retried post with it gives the first result
/// again (`passend_store::claim_form_tx!`), so a pupil, request, registration or document is
/// never made twice when a browser repeats a post whose answer it never got.
pub const ONCE_FIELD: &str = "_eenmalig";

/// The form's token, if it is one Passend made (32 hex characters); else "" (no claim).
pub fn once_token(f: &HashMap<String, String>) -> String {
    let t = val(f, ONCE_FIELD);
    if t.len() == 32 && t.chars().all(|c| c.is_ascii_hexdigit()) {
        t
    } else {
        String::new()
    }
}

/// A date that could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadDate;

/// Reads a date as typed: `2026-03-02` (the date picker) or `2-3-2026`. Empty is `Ok(None)`.
pub fn parse_date(raw: &str) -> Result<Option<NaiveDate>, BadDate> {
    let t = raw.trim();
    if t.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(t, "%d-%m-%Y"))
        .map(Some)
        .map_err(|_| BadDate)
}

/// A date field: the value or a message at the field.
pub fn date_field(raw: &str, field: &mut Field, required: bool, label: &str) -> Option<NaiveDate> {
    match parse_date(raw) {
        Ok(Some(d)) if d.year_ok() => Some(d),
        Ok(None) if !required => None,
        Ok(None) => {
            field.error = Some(format!(
                "Vul {label} in, als dag-maand-jaar, bijvoorbeeld 14-5-2027."
            ));
            None
        }
        _ => {
            field.error = Some(format!(
                "Vul bij {label} een bestaande datum in, als dag-maand-jaar, bijvoorbeeld 14-5-2027."
            ));
            None
        }
    }
}

/// A choice in a select or a group of radio buttons.
#[derive(Debug, Clone)]
pub struct Opt {
    /// Value.
    pub value: String,
    /// Label.
    pub label: String,
    /// Chosen.
    pub selected: bool,
}

/// Options from (value, label) pairs, with `chosen` selected.
pub fn opts<'a>(items: impl IntoIterator<Item = (&'a str, &'a str)>, chosen: &str) -> Vec<Opt> {
    items
        .into_iter()
        .map(|(v, l)| Opt {
            value: v.to_owned(),
            label: l.to_owned(),
            selected: v == chosen,
        })
        .collect()
}

pub fn text_limit(field: &mut Field, max: usize, label: &str) {
    if field.value.chars().count() > max {
        field.error = Some(format!("Maak {label} korter: hooguit {max} tekens."));
    }
}

pub fn required(field: &mut Field, message: &str) {
    if field.value.is_empty() && field.error.is_none() {
        field.error = Some(message.to_owned());
    }
}

/// A date a person could mean in a form here: between 1990 and 2100.
trait YearOk {
    fn year_ok(&self) -> bool;
}

impl YearOk for NaiveDate {
    fn year_ok(&self) -> bool {
        use chrono::Datelike;
        (1990..=2100).contains(&self.year())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_as_people_type_them() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 2);
        assert_eq!(parse_date("2026-03-02"), Ok(d));
        assert_eq!(parse_date(" 2-3-2026 "), Ok(d));
        assert_eq!(parse_date(""), Ok(None));
        assert_eq!(parse_date("31-02-2026"), Err(BadDate));
        assert_eq!(parse_date("morgen"), Err(BadDate));
    }
}
