//! The OpenAPI document: metadata here, paths collected from the registered routes
//! (`startup::routes`), and the error responses every operation can give, declared once from
//! the same rules that `error.rs` and the extractors apply.

use serde_json::{json, Map, Value};
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;

use crate::error::{FieldError, Problem};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "ctg",
        description = "Steering a Convention Territoriale Globale (CTG): the plan's structure \
            (axes, objectives, fiches-actions), its partners, evaluation and follow-up.\n\n\
            Conventions: JSON in UTF-8; errors are `application/problem+json` (RFC 9457) with a \
            stable `code`; lists take `limit` (1-200, default 50) and `offset`; single resources \
            carry a strong `ETag` and writes to them require `If-Match`; `PATCH` is JSON Merge \
            Patch (RFC 7396).",
        license(name = "MIT OR Apache-2.0", identifier = "MIT OR Apache-2.0")
    ),
    // Paths are absolute (`/api/v1/...`), so the server is wherever the document is served from.
    servers((url = "/", description = "The server this document is served from")),
    components(schemas(Problem, FieldError)),
    tags(
        (name = "health", description = "Liveness and readiness"),
        (name = "service", description = "The service itself: this document, its interactive reference, metrics"),
        (name = "auth", description = "Signing in and out; the caller"),
        (name = "users", description = "People and machine clients (platform admins)"),
        (name = "partners", description = "Organisations taking part in conventions"),
        (name = "conventions", description = "Conventions, their signatories and associated partners"),
        (name = "exchange", description = "A whole convention in and out of the exchange format (JSON Schema: openapi/convention-exchange.schema.json)"),
        (name = "axes", description = "Level 1 of a plan (orientations)"),
        (name = "objectives", description = "Level 2 of a plan"),
        (name = "actions", description = "Fiches-actions, level 3 of a plan"),
        (name = "indicators", description = "What a fiche-action's evaluation measures"),
        (name = "measurements", description = "Indicator values, period by period"),
        (name = "notes", description = "The follow-up journal of a fiche-action"),
        (name = "plan", description = "The whole plan with progress at every level"),
        (name = "reports", description = "The annual report (JSON for the Caf, CSV, XLSX) and dashboard statistics"),
        (name = "charts", description = "Self-contained SVG charts, readable on a phone"),
        (name = "committees", description = "The COPIL and the thematic technical committees"),
        (name = "memberships", description = "Who holds which role in a convention"),
        (name = "audit", description = "The change log")
    )
)]
struct ApiDoc;

/// The complete OpenAPI 3.1 document of the service, as `ctg openapi` prints it.
pub fn document() -> Value {
    let (_, api) = actix_web::App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(crate::startup::routes)
        .split_for_parts();
    let mut doc = serde_json::to_value(api).expect("the OpenAPI document serialises");
    declare_error_responses(&mut doc);
    reference_page_items(&mut doc);
    declare_service_routes(&mut doc);
    doc
}

/// The routes that serve the service itself rather than the plan, outside `/api/v1` and
/// without a token, described by hand: they are not handlers with utoipa paths (the document's
/// own bytes, the Swagger UI, the Prometheus middleware).
fn declare_service_routes(doc: &mut Value) {
    let get = |operation_id: &str, summary: &str, description: &str, ok: Value| {
        json!({"get": {
            "tags": ["service"],
            "operationId": operation_id,
            "summary": summary,
            "description": description,
            "security": [],
            "responses": {"200": ok},
        }})
    };
    doc["paths"]["/openapi.json"] = get(
        "openapi_document",
        "This OpenAPI document",
        "The document `ctg openapi` prints and `openapi/openapi.json` holds.",
        json!({"description": "The OpenAPI 3.1 document",
               "content": {"application/json": {"schema": {"type": "object"}}}}),
    );
    doc["paths"]["/docs/"] = get(
        "reference",
        "The interactive reference",
        "The Swagger UI over this document, served from the binary: it works offline. `/docs` \
         redirects here.",
        json!({"description": "An HTML page",
               "content": {"text/html": {"schema": {"type": "string"}}}}),
    );
    doc["paths"]["/metrics"] = get(
        "metrics",
        "Prometheus metrics",
        "Requests by route template and status with their latency, the connection pool, failed \
         sign-ins. Open unless `CTG_METRICS_TOKEN` is set; then only `Authorization: Bearer \
         <that token>` is answered. Keep it off the public load balancer.",
        json!({"description": "The Prometheus text exposition format",
               "content": {"text/plain": {"schema": {"type": "string"}}}}),
    );
    doc["paths"]["/metrics"]["get"]["responses"]["401"] =
        json!({"$ref": "#/components/responses/Unauthorized"});
}

/// The document as pretty JSON with a final newline: the exact bytes of `openapi/openapi.json`.
pub fn document_text() -> String {
    text_of(&document())
}

/// `document` as `document_text` writes it.
pub fn text_of(document: &Value) -> String {
    let mut text = serde_json::to_string_pretty(document).expect("serialises");
    text.push('\n');
    text
}

/// Each error response, its description, and the operations that can give it.
const ERRORS: &[(&str, &str, &str)] = &[
    ("400", "BadRequest", "The request cannot be understood: malformed JSON, an unknown field, or an invalid query parameter (`errors` names it)."),
    ("404", "NotFound", "No such resource, or not visible to the caller."),
    ("409", "Conflict", "The change conflicts with stored data: a duplicate, or records that still refer to this one."),
    ("401", "Unauthorized", "No valid access token: sign in (or refresh) and send it as `Authorization: Bearer <token>`."),
    ("403", "Forbidden", "Your role does not allow this on this object."),
    ("412", "PreconditionFailed", "`If-Match` does not hold the current version: read the resource again (its current `ETag` is returned)."),
    ("413", "PayloadTooLarge", "The body exceeds the limit."),
    ("415", "UnsupportedMediaType", "The body is not sent as JSON."),
    ("422", "UnprocessableContent", "A field is missing or breaks its rules (`errors` names each field at fault)."),
    ("428", "PreconditionRequired", "`If-Match` is required for this change."),
    ("429", "TooManyRequests", "Too many failed sign-ins for this account or address: retry after `Retry-After` seconds."),
    ("500", "InternalError", "An unexpected error; its cause is logged, never returned."),
    ("503", "ServiceUnavailable", "The database is unavailable: retry after `Retry-After` seconds."),
];

/// Operations anyone may call, without a token.
const PUBLIC: &[&str] = &["login", "refresh", "logout", "live", "ready"];

/// Secured operations that every signed-in user may call: no 403.
const OPEN_TO_ALL_USERS: &[&str] = &[
    "me",
    "list_partners",
    "get_partner",
    "list_conventions",
    "get_user",
];

fn applicable_errors(method: &str, path: &str, op: &Value) -> Vec<&'static str> {
    let operation_id = op["operationId"].as_str().unwrap_or_default();
    let public = PUBLIC.contains(&operation_id);
    let has_path_params = path.contains('{');
    let has_body = op.get("requestBody").is_some();
    let has_query = op["parameters"]
        .as_array()
        .is_some_and(|params| params.iter().any(|p| p["in"] == "query"));
    let writes = matches!(method, "post" | "patch" | "put" | "delete");
    let needs_database = path != "/health/live";
    let mut codes = Vec::new();
    if has_body || has_query {
        codes.push("400");
    }
    if !public {
        codes.push("401");
        if !OPEN_TO_ALL_USERS.contains(&operation_id) {
            codes.push("403");
        }
    }
    if operation_id == "login" || operation_id == "update_user" {
        codes.push("429");
    }
    if has_path_params {
        codes.push("404");
    }
    if writes {
        codes.push("409");
    }
    if matches!(method, "patch" | "delete") {
        codes.extend(["412", "428"]);
    }
    if has_body {
        codes.extend(["413", "415", "422"]);
    }
    codes.push("500");
    if needs_database {
        codes.push("503");
    }
    codes
}

fn problem_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    })
}

fn header(description: &str) -> Value {
    json!({"description": description, "schema": {"type": "string"}})
}

fn declare_error_responses(doc: &mut Value) {
    let mut responses = Map::new();
    for (_, name, description) in ERRORS {
        let mut response = problem_response(description);
        match *name {
            "ServiceUnavailable" | "TooManyRequests" => {
                response["headers"] =
                    json!({"Retry-After": header("Seconds to wait before retrying.")});
            }
            "PreconditionFailed" => {
                response["headers"] = json!({"ETag": header("The resource's current version.")});
            }
            _ => {}
        }
        responses.insert((*name).to_string(), response);
    }
    doc["components"]["responses"] = Value::Object(responses);
    doc["components"]["securitySchemes"] = json!({
        "bearer": {
            "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
            "description": "An access token from `POST /api/v1/auth/login` (15 minutes; renew it at `/auth/refresh`)."
        }
    });
    doc["components"]["parameters"] = json!({
        "IfMatch": {
            "name": "If-Match", "in": "header", "required": true,
            "description": "The `ETag` of the version being changed (`\"3\"`), or `*`.",
            "schema": {"type": "string"}
        }
    });

    let Some(paths) = doc["paths"].as_object_mut() else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, op) in item.iter_mut() {
            let codes = applicable_errors(method, path, op);
            let public = PUBLIC.contains(&op["operationId"].as_str().unwrap_or_default());
            op["security"] = if public {
                json!([])
            } else {
                json!([{"bearer": []}])
            };
            let op_responses = op["responses"].as_object_mut().expect("responses");
            for code in codes {
                let (_, name, description) = ERRORS
                    .iter()
                    .find(|(c, ..)| *c == code)
                    .expect("known code");
                match op_responses.get_mut(code) {
                    // An operation that gives this status its own body (the measurements
                    // batch's row-by-row 422) keeps it; the problem is its other form.
                    Some(own) => {
                        own["content"]["application/problem+json"] =
                            json!({"schema": {"$ref": "#/components/schemas/Problem"}});
                        let own_description = own["description"].as_str().unwrap_or_default();
                        own["description"] =
                            json!(format!("{own_description}. Otherwise: {description}"));
                    }
                    None => {
                        op_responses.insert(
                            code.to_string(),
                            json!({"$ref": format!("#/components/responses/{name}")}),
                        );
                    }
                }
            }
            declare_success_headers(method, path, op_responses);
            if matches!(method.as_str(), "patch" | "delete") {
                let params = op["parameters"].as_array_mut();
                let if_match = json!({"$ref": "#/components/parameters/IfMatch"});
                match params {
                    Some(params) => params.push(if_match),
                    None => op["parameters"] = json!([if_match]),
                }
            }
        }
    }
}

/// utoipa inlines the item schema of each generic `Paged<T>`; point it at `T`'s component
/// instead (when it is the same schema), so clients see `Paged_ActionOut.items` as `ActionOut[]`.
fn reference_page_items(doc: &mut Value) {
    let Some(schemas) = doc["components"]["schemas"].as_object_mut() else {
        return;
    };
    let pages: Vec<(String, String)> = schemas
        .iter()
        .filter_map(|(name, page)| {
            let item = name.strip_prefix("Paged_")?;
            (schemas.get(item) == Some(&page["properties"]["items"]["items"]))
                .then(|| (name.clone(), item.to_string()))
        })
        .collect();
    for (page, item) in pages {
        schemas[&page]["properties"]["items"]["items"] =
            json!({"$ref": format!("#/components/schemas/{item}")});
    }
}

/// Single resources carry their `ETag`; creations their `Location` too. Every response has the
/// description OpenAPI requires.
fn declare_success_headers(method: &str, path: &str, responses: &mut Map<String, Value>) {
    for (status, response) in responses.iter_mut() {
        let described = response.get("$ref").is_some()
            || response["description"]
                .as_str()
                .is_some_and(|d| !d.is_empty());
        if !described {
            let reason = status
                .parse::<u16>()
                .ok()
                .and_then(|code| actix_web::http::StatusCode::from_u16(code).ok())
                .and_then(|code| code.canonical_reason())
                .unwrap_or("Success");
            response["description"] = Value::String(reason.to_string());
        }
    }
    let single = path.ends_with('}');
    // A batch creates many resources: no single `Location` nor `ETag`.
    let batch = path.ends_with("/batch");
    if let Some(created) = responses.get_mut("201").filter(|_| !batch) {
        created["headers"] = json!({
            "Location": header("The created resource's URL."),
            "ETag": header("The created resource's version."),
        });
    }
    if single && matches!(method, "get" | "patch") {
        if let Some(ok) = responses.get_mut("200") {
            ok["headers"] = json!({"ETag": header("The resource's version, for `If-Match`.")});
        }
    }
}
