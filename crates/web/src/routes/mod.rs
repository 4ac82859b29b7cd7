//! Routes, grouped by area. Each area has its own router; [`crate::router`] puts them together.
//!
//! - [`public`]: the public information site (no account): pages and the begrippenlijst.
//! - [`kaart`]: the voorzieningenkaart (list, map, detail pages, open data).
//! - [`system`]: machine endpoints (`/healthz`).

pub mod kaart;
pub mod public;
pub mod system;
