//! Routes, grouped by area. Each area has its own router; [`crate::router`] puts them together.
//!
//! - [`public`]: the public information site (no account): pages and the begrippenlijst.
//! - [`system`]: machine endpoints (`/healthz`).

pub mod public;
pub mod system;
