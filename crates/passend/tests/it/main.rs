//! The one integration-test binary of Passend (one binary keeps compile time down on 2 cores).
//!
//! Every test starts the real server on port 0 and talks HTTP to it. The backend comes from
//! `PASSEND_TEST_BACKEND` (`sqlite`, the default, or `postgres`); `scripts/test` runs the whole
//! binary once for each, so every test runs on both databases.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod accounts;
mod audit;
mod backup;
mod bezwaar;
mod casework;
mod commands;
mod hardening;
mod http_hygiene;
mod import;
mod kaart;
mod mail;
mod meetings;
mod portal;
mod public_site;
mod steunpunt;
mod storage;
mod support;
mod today;
mod zorgplicht;
