//! The API's error answer: an HTTP status and `{"error": {"code", "message", "help"}}`
//! (docs/api.md, "Errors"); launch params that cannot be used give every problem found.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub help: Option<String>,
    /// Further problems of the same request (all the bad launch params).
    pub more: Vec<(String, Option<String>)>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            help: None,
            more: Vec::new(),
        }
    }

    #[must_use]
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// A request that is not of the documented form (E0910).
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "E0910", message)
    }

    /// No run with this id (E0404, as `maestroc runs show`).
    pub fn no_run(id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "E0404",
            format!("there is no run `{id}` in this run store"),
        )
        .help("`GET /api/runs` lists the runs")
    }

    pub fn store(e: &crate::store::StoreError) -> Self {
        match e {
            crate::store::StoreError::NoRun(id) => Self::no_run(id),
            other @ (crate::store::StoreError::CreateHome { .. }
            | crate::store::StoreError::Open { .. }
            | crate::store::StoreError::TooNew { .. }
            | crate::store::StoreError::UnknownVersion { .. }
            | crate::store::StoreError::Migrate { .. }
            | crate::store::StoreError::Sql(_)
            | crate::store::StoreError::Io(_)) => {
                Self::new(StatusCode::INTERNAL_SERVER_ERROR, "E0601", other.to_string())
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({
            "code": self.code,
            "message": self.message,
            "help": self.help,
        });
        if !self.more.is_empty() {
            body["errors"] = self
                .more
                .iter()
                .map(|(m, h)| json!({"code": self.code, "message": m, "help": h}))
                .collect();
        }
        (self.status, axum::Json(json!({ "error": body }))).into_response()
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(e: crate::store::StoreError) -> Self {
        Self::store(&e)
    }
}
