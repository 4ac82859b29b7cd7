//! The route builder: every area's routes are added through it, so that a test can hold the
//! router against the policy table (`policy.rs`).

use crate::AppState;
use axum::Router;
use axum::handler::Handler;

/// A router that remembers every (method, path) it was given.
pub struct Routes {
    router: Router<AppState>,
    table: Vec<(&'static str, &'static str)>,
}

impl Default for Routes {
    fn default() -> Self {
        Routes::new()
    }
}

impl Routes {
    /// No routes yet.
    pub fn new() -> Routes {
        Routes {
            router: Router::new(),
            table: Vec::new(),
        }
    }

    /// Adds a GET (and HEAD) route.
    pub fn get<H, T>(mut self, path: &'static str, handler: H) -> Routes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.table.push(("GET", path));
        self.router = self.router.route(path, axum::routing::get(handler));
        self
    }

    /// Adds a POST route.
    pub fn post<H, T>(mut self, path: &'static str, handler: H) -> Routes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.table.push(("POST", path));
        self.router = self.router.route(path, axum::routing::post(handler));
        self
    }

    /// Adds every route of another group.
    pub fn merge(mut self, other: Routes) -> Routes {
        self.table.extend(other.table);
        self.router = self.router.merge(other.router);
        self
    }

    /// The routes, as (method, path).
    pub fn table(&self) -> &[(&'static str, &'static str)] {
        &self.table
    }

    /// The router.
    pub fn into_router(self) -> Router<AppState> {
        self.router
    }
}
