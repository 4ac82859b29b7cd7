//! Lists in pages of a hundred: each row shown is an audit event, so a page stays small.

use serde::Deserialize;

/// Rows a list page shows (each row shown is an audit event, so lists stay short).
pub const PAGE_SIZE: usize = 100;

/// Where a list is: page, pages, total, and the links to the pages around it.
#[derive(Debug, Clone, Default)]
pub struct Pager {
    /// This page (1-based).
    pub page: usize,
    /// How many pages.
    pub pages: usize,
    /// How many rows in all.
    pub total: usize,
    /// Link to the page before.
    pub prev: Option<String>,
    /// Link to the page after.
    pub next: Option<String>,
}

/// One page of rows; `query` is the list's other query parameters (already encoded).
pub fn paginate<T>(mut rows: Vec<T>, page: usize, path: &str, query: &str) -> (Vec<T>, Pager) {
    let total = rows.len();
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = page.clamp(1, pages);
    let start = (page - 1) * PAGE_SIZE;
    rows.truncate(start + PAGE_SIZE);
    let rows: Vec<T> = rows.into_iter().skip(start).collect();
    let link = |n: usize| {
        if query.is_empty() {
            format!("{path}?pagina={n}")
        } else {
            format!("{path}?{query}&pagina={n}")
        }
    };
    let pager = Pager {
        page,
        pages,
        total,
        prev: (page > 1).then(|| link(page - 1)),
        next: (page < pages).then(|| link(page + 1)),
    };
    (rows, pager)
}

/// A page number from the query; anything else is the first page.
pub fn page_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<usize>, D::Error> {
    let raw = String::deserialize(d)?;
    Ok(raw.trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_come_in_pages_of_a_hundred() {
        let (rows, pager) = paginate((1..=250).collect::<Vec<_>>(), 2, "/leerlingen", "q=");
        assert_eq!((rows.first(), rows.len()), (Some(&101), 100));
        assert_eq!((pager.page, pager.pages, pager.total), (2, 3, 250));
        assert_eq!(pager.prev.as_deref(), Some("/leerlingen?q=&pagina=1"));
        assert_eq!(pager.next.as_deref(), Some("/leerlingen?q=&pagina=3"));
        let (rows, pager) = paginate((1..=250).collect::<Vec<_>>(), 99, "/x", "");
        assert_eq!((rows.len(), pager.page, pager.next), (50, 3, None));
        let (rows, pager) = paginate(Vec::<u8>::new(), 0, "/x", "");
        assert_eq!((rows.len(), pager.page, pager.pages), (0, 1, 1));
    }
}
