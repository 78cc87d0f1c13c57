//! `GET /api/openapi.json`: the `OpenAPI` 3.1 description, made from [`super::ROUTES`].

use axum::Json;
use serde_json::{json, Map, Value};

/// The description of every route.
#[must_use]
pub fn document() -> Value {
    let mut paths = Map::new();
    for r in super::ROUTES {
        let mut parameters: Vec<Value> = r
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
            .collect();
        parameters.extend(r.query.iter().map(|(name, ty, description)| {
            json!({"name": name, "in": "query", "required": *name == "step", "description": description, "schema": {"type": ty}})
        }));
        let mut responses = Map::new();
        for (status, description) in r.responses {
            let content = if *status < 300 {
                json!({ r.produces: {} })
            } else {
                json!({"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}})
            };
            responses.insert(
                status.to_string(),
                json!({"description": description, "content": content}),
            );
        }
        responses.insert(
            "401".into(),
            json!({"description": "E0913: the server has a token and the request did not send it", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}),
        );
        let mut op = json!({
            "summary": r.summary,
            "operationId": format!("{}{}", r.method, r.path.replace(['/', '{', '}', '.'], "_")),
            "parameters": parameters,
            "responses": responses,
        });
        if let Some(schema) = r.body {
            let schema: Value = serde_json::from_str(schema).unwrap_or(Value::Null);
            op["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": schema}}});
        }
        let entry = paths.entry(r.path.to_string()).or_insert_with(|| json!({}));
        entry[r.method] = op;
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "maestroc serve",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Runs, triggers and signals of the workflows a `maestroc serve` process serves (docs/api.md).",
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {
                    "type": "object",
                    "properties": {"error": {"type": "object", "properties": {
                        "code": {"type": "string"}, "message": {"type": "string"}, "help": {"type": ["string", "null"]},
                        "errors": {"type": "array"}
                    }}}
                }
            }
        },
        "security": [{"bearer": []}, {}],
        "paths": paths,
    })
}

pub async fn serve() -> Json<Value> {
    Json(document())
}
