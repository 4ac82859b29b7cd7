//! Exports: CSV for Dutch spreadsheets (`;`, a BOM, formulas defused) and the XLSX writer
//! (`crate::xlsx`).

use crate::files::attachment;
use axum::response::Response;

/// How a CSV cell is quoted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quote {
    /// Every cell (the staff's exports).
    Always,
    /// Only a cell with a separator, a quote or a line break (the open data, read by programs).
    WhenNeeded,
}

/// A CSV cell for Dutch spreadsheets (`;`-separated), with formula injection neutralised: a
/// cell that starts like a formula gets a `'` first (OWASP CSV injection).
pub fn csv_cell(value: &str, quote: Quote) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if quote == Quote::Always || value.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// A CSV download: a BOM (so Excel reads UTF-8), the header and the rows, every cell quoted.
pub fn csv_response(name: &str, header: &[&str], rows: Vec<Vec<String>>) -> Response {
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        cells
            .map(|c| csv_cell(c, Quote::Always))
            .collect::<Vec<_>>()
            .join(";")
    };
    let mut out = String::from("\u{feff}");
    out.push_str(&line(&mut header.iter().copied()));
    out.push_str("\r\n");
    for r in rows {
        out.push_str(&line(&mut r.iter().map(String::as_str)));
        out.push_str("\r\n");
    }
    attachment(out.into_bytes(), "text/csv; charset=utf-8", name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_formulas_defused() {
        assert_eq!(csv_cell("a;b", Quote::WhenNeeded), "\"a;b\"");
        assert_eq!(csv_cell("ab", Quote::WhenNeeded), "ab");
        assert_eq!(csv_cell("=SUM(A1)", Quote::WhenNeeded), "'=SUM(A1)");
        assert_eq!(csv_cell("ab", Quote::Always), "\"ab\"");
        assert_eq!(csv_cell("-1\"x", Quote::Always), "\"'-1\"\"x\"");
    }
}
