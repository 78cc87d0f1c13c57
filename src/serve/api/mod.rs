//! The HTTP API under `/api/` (docs/api.md). Every route is one entry of [`ROUTES`], from
//! which both the router and the `OpenAPI` description (`GET /api/openapi.json`) are made,
//! so the description cannot drift from what is served.

pub mod actions;
pub mod auth;
pub mod error;
pub mod events;
pub mod openapi;
pub mod runs;
pub mod workflows;

use axum::routing::{get, post, MethodRouter};
use axum::Router;

use super::app::Shared;

/// One route: how it is called, what it answers, and its handler.
pub struct Route {
    pub method: &'static str,
    /// With `{name}` path parameters (the syntax of axum and `OpenAPI` alike).
    pub path: &'static str,
    pub summary: &'static str,
    /// `(name, type, description)` of each query parameter.
    pub query: &'static [(&'static str, &'static str, &'static str)],
    /// The JSON request body's schema, as JSON text.
    pub body: Option<&'static str>,
    /// The success answer's media type.
    pub produces: &'static str,
    /// `(status, description)`.
    pub responses: &'static [(u16, &'static str)],
    handler: fn() -> MethodRouter<Shared>,
}

const JSON: &str = "application/json";

pub const ROUTES: &[Route] = &[
    Route {
        method: "get",
        path: "/api/workflows",
        summary: "The served workflows: params, strategy, triggers with next fire times and last fires, and each file's last check",
        query: &[],
        body: None,
        produces: JSON,
        responses: &[(200, "`{workflows: [...], files: [...]}`")],
        handler: || get(workflows::list),
    },
    Route {
        method: "get",
        path: "/api/status",
        summary: "This serve process: address, start time, runs it started that are still going, recent log lines",
        query: &[],
        body: None,
        produces: JSON,
        responses: &[(200, "the status")],
        handler: || get(workflows::status),
    },
    Route {
        method: "get",
        path: "/api/runs",
        summary: "Runs, newest first, a page at a time",
        query: &[
            ("workflow", "string", "only runs of this workflow (by name)"),
            ("state", "string", "only runs in this state: queued, running, succeeded, failed, timed_out, cancelled"),
            ("limit", "integer", "runs per page (1–500, default 50)"),
            ("before", "integer", "the `next` of the previous page"),
        ],
        body: None,
        produces: JSON,
        responses: &[(200, "`{runs: [...], next}`; `next` is null on the last page"), (400, "E0910: a bad filter")],
        handler: || get(runs::list),
    },
    Route {
        method: "post",
        path: "/api/runs",
        summary: "Start a run; its params are checked exactly as `maestroc run -p` checks them",
        query: &[],
        body: Some(r#"{"type":"object","required":["workflow"],"properties":{"workflow":{"type":"string","description":"a workflow name, or FILE::NAME"},"params":{"type":"object","description":"launch params by name; each value is read as `-p name=value` reads its text (a string's text, or the JSON of another value)"}}}"#),
        produces: JSON,
        responses: &[
            (201, "`{run_id}`: the run is recorded (queued or running)"),
            (404, "E0911: no such workflow"),
            (409, "E0915: the workflow's file does not check now"),
            (422, "E0401: launch params that cannot be used (all of them, in `errors`)"),
            (500, "E0916: the run could not be started"),
        ],
        handler: || post(actions::start),
    },
    Route {
        method: "get",
        path: "/api/runs/{id}",
        summary: "A run: params, outputs, timings, its steps summarised per graph node (counts by state and the first instances), attempts, errors, and the step graph",
        query: &[],
        body: None,
        produces: JSON,
        responses: &[(200, "the run"), (404, "E0404: no such run")],
        handler: || get(runs::get),
    },
    Route {
        method: "get",
        path: "/api/runs/{id}/steps",
        summary: "A run's step instances, a page at a time (e.g. the iterations of one foreach step)",
        query: &[
            ("node", "string", "only instances of this graph node (`load` lists `load[0]`, `load[1]`, …)"),
            ("offset", "integer", "instances to skip"),
            ("limit", "integer", "instances per page (1–1000, default 100)"),
        ],
        body: None,
        produces: JSON,
        responses: &[(200, "`{steps, total, offset}`"), (404, "E0404: no such run")],
        handler: || get(runs::steps),
    },
    Route {
        method: "get",
        path: "/api/runs/{id}/logs",
        summary: "What an attempt of a step wrote; with `follow=true` the answer stays open and streams until the attempt ends",
        query: &[
            ("step", "string", "the step instance, e.g. `extract` or `load[3]` (required)"),
            ("attempt", "integer", "the attempt (default: the last)"),
            ("stream", "string", "`stdout` (default) or `stderr`"),
            ("follow", "boolean", "stream until the attempt ends"),
        ],
        body: None,
        produces: "text/plain",
        responses: &[(200, "the log text"), (404, "E0404: no such run or attempt")],
        handler: || get(runs::logs),
    },
    Route {
        method: "get",
        path: "/api/runs/{id}/events",
        summary: "Server-sent events: `run` (the run's detail, whenever it changes), then `end` once it has ended",
        query: &[],
        body: None,
        produces: "text/event-stream",
        responses: &[(200, "the event stream"), (404, "E0404: no such run")],
        handler: || get(events::run),
    },
    Route {
        method: "get",
        path: "/api/events",
        summary: "Server-sent events: `runs` (the latest 100 runs' states) whenever any changes",
        query: &[],
        body: None,
        produces: "text/event-stream",
        responses: &[(200, "the event stream")],
        handler: || get(events::runs),
    },
    Route {
        method: "post",
        path: "/api/runs/{id}/cancel",
        summary: "Ask a running or queued run to stop (as `maestroc cancel`); a failed run is given up",
        query: &[],
        body: None,
        produces: JSON,
        responses: &[
            (202, "the run was asked to stop"),
            (200, "a failed run is now cancelled"),
            (404, "E0404: no such run"),
            (409, "E0912: the run is not running"),
        ],
        handler: || post(actions::cancel),
    },
    Route {
        method: "post",
        path: "/api/runs/{id}/resume",
        summary: "Run again what did not succeed in a run (as `maestroc resume`)",
        query: &[],
        body: None,
        produces: JSON,
        responses: &[
            (202, "`{run_id}`: the run is running again"),
            (404, "E0404: no such run"),
            (409, "E0912: the run is running, queued or succeeded"),
            (500, "E0916: the run could not be resumed"),
        ],
        handler: || post(actions::resume),
    },
    Route {
        method: "post",
        path: "/api/signals",
        summary: "Send a signal (as `maestroc signal send`): waiting steps and signal triggers see it",
        query: &[],
        body: Some(r#"{"type":"object","required":["name"],"properties":{"name":{"type":"string"},"payload":{"type":"object","description":"fields; each value is kept as text"}}}"#),
        produces: JSON,
        responses: &[(201, "`{id, name}`"), (422, "E0917: no name, or a field without a key"), (413, "E0917: the payload is over 64 KiB")],
        handler: || post(actions::signal),
    },
    Route {
        method: "get",
        path: "/api/openapi.json",
        summary: "This description (OpenAPI 3.1), made from the routes the server serves",
        query: &[],
        body: None,
        produces: JSON,
        responses: &[(200, "the OpenAPI description")],
        handler: || get(openapi::serve),
    },
];

/// The API's router (several entries of one path merge into one method router).
pub fn router() -> Router<Shared> {
    let mut paths: Vec<&'static str> = Vec::new();
    for r in ROUTES {
        if !paths.contains(&r.path) {
            paths.push(r.path);
        }
    }
    let mut router = Router::new();
    for path in paths {
        let mut method_router: Option<MethodRouter<Shared>> = None;
        for r in ROUTES.iter().filter(|r| r.path == path) {
            let m = (r.handler)();
            method_router = Some(match method_router {
                Some(existing) => existing.merge(m),
                None => m,
            });
        }
        if let Some(m) = method_router {
            router = router.route(path, m);
        }
    }
    router
}
