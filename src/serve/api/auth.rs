//! Who may use the API. With a token (required off loopback), every `/api/` request needs
//! `Authorization: Bearer TOKEN` (or `?access_token=TOKEN`, for `EventSource`, which sends
//! no headers). Always: a request from a web page of another origin is refused (E0914), so
//! a page in the user's browser cannot start or cancel runs on a loopback `serve`; and on
//! loopback the `Host` must be a loopback name, so DNS rebinding cannot reach it either.

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::ApiError;
use crate::serve::app::Shared;

/// Compares without stopping at the first difference, so timing tells nothing.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn query_token(query: Option<&str>) -> Option<String> {
    query?
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == "access_token")
        .map(|(_, v)| v.replace("%2B", "+").replace("%2F", "/").replace("%3D", "="))
}

fn host_name(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    host.rsplit_once(':').map_or(host, |(h, _)| h)
}

fn is_loopback_name(host: &str) -> bool {
    let name = host_name(host);
    name.eq_ignore_ascii_case("localhost") || name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

pub async fn guard(State(app): State<Shared>, req: Request, next: Next) -> Response {
    let headers = req.headers();
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    if app.token.is_none() && !is_loopback_name(host) {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "E0914",
            format!("refused a request for host `{host}`: this server answers loopback names only"),
        )
        .help("open it as http://127.0.0.1:PORT/, or start `serve` with a token to reach it by another name")
        .into_response();
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|h| h.to_str().ok()) {
        let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
        if origin_host != host {
            return ApiError::new(
                StatusCode::FORBIDDEN,
                "E0914",
                format!("refused a request from a page of another origin (`{origin}`)"),
            )
            .help("the API answers its own web view and clients that send no `Origin`")
            .into_response();
        }
    }
    if let Some(token) = &app.token {
        if req.uri().path().starts_with("/api/") && req.uri().path() != "/api/openapi.json" {
            let given = headers
                .get(header::AUTHORIZATION)
                .and_then(|h| h.to_str().ok())
                .and_then(|h| h.strip_prefix("Bearer "))
                .map(str::to_string)
                .or_else(|| query_token(req.uri().query()));
            if !given.is_some_and(|g| same(g.trim().as_bytes(), token.as_bytes())) {
                return ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "E0913",
                    "this API needs the server's bearer token",
                )
                .help("send `Authorization: Bearer TOKEN` with the token `serve` was started with")
                .into_response();
            }
        }
    }
    next.run(req).await
}
