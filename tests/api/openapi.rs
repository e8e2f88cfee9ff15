//! The committed OpenAPI document is the one the code generates, and it documents every error.

#[test]
fn committed_spec_matches_the_code() {
    let committed_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/openapi.json");
    let committed = std::fs::read_to_string(committed_path).unwrap_or_default();
    let generated = ctg::openapi::document_text();
    assert!(
        committed == generated,
        "openapi/openapi.json is out of date: regenerate it with\n\n    cargo run -q -- openapi > openapi/openapi.json\n"
    );
}

/// Every `$ref` in `value`, with where it was found.
fn refs<'a>(value: &'a serde_json::Value, at: String, found: &mut Vec<(String, &'a str)>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, child) in map {
                match (key.as_str(), child.as_str()) {
                    ("$ref", Some(target)) => found.push((at.clone(), target)),
                    _ => refs(child, format!("{at}/{key}"), found),
                }
            }
        }
        serde_json::Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                refs(child, format!("{at}/{index}"), found);
            }
        }
        _ => {}
    }
}

#[test]
fn every_reference_resolves() {
    let doc = ctg::openapi::document();
    let mut found = Vec::new();
    refs(&doc, String::new(), &mut found);
    assert!(!found.is_empty());
    for (at, target) in found {
        let pointer = target
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("{at}: {target} is not local"));
        assert!(
            doc.pointer(pointer).is_some(),
            "{at}: {target} resolves to nothing (a schema used only as a parameter's value_type \
             must be registered or inlined)"
        );
    }
}

#[test]
fn is_openapi_3_1_with_absolute_paths() {
    let doc = ctg::openapi::document();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = doc["paths"].as_object().unwrap();
    for path in paths.keys() {
        assert!(
            path.starts_with("/api/v1/")
                || path.starts_with("/health/")
                || ["/openapi.json", "/docs/", "/metrics"].contains(&path.as_str()),
            "{path}"
        );
    }
}

#[test]
fn every_operation_documents_its_errors_as_problems() {
    let doc = ctg::openapi::document();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            let id = op["operationId"].as_str().unwrap_or_default();
            assert!(
                !op["summary"].as_str().unwrap_or_default().is_empty(),
                "{id} has no summary"
            );
            // Liveness and the service's own routes answer without the database.
            let without_database = ["/health/live", "/openapi.json", "/docs/", "/metrics"];
            if !without_database.contains(&path.as_str()) {
                assert!(responses.contains_key("503"), "{method} {path} lacks 503");
            }
            if path.contains('{') {
                assert!(responses.contains_key("404"), "{method} {path} lacks 404");
            }
            if method == "patch" || method == "delete" {
                for code in ["412", "428"] {
                    assert!(responses.contains_key(code), "{method} {path} lacks {code}");
                }
            }
            if op.get("requestBody").is_some() {
                for code in ["400", "413", "415", "422"] {
                    assert!(responses.contains_key(code), "{method} {path} lacks {code}");
                }
            }
        }
    }
}

#[actix_web::test]
async fn the_server_serves_its_spec_and_an_offline_reference() {
    let app = crate::support::TestApp::spawn().await;
    let spec = app.get("/openapi.json").await;
    assert_eq!(spec.status, 200);
    assert_eq!(spec.body["paths"], ctg::openapi::document()["paths"]);
    let docs = app.get("/docs/").await;
    assert_eq!(docs.status, 200);
    assert!(docs.text.contains("swagger-ui"), "{}", docs.text);
    // Every asset the page loads comes from the binary, not from a CDN.
    assert!(
        !docs.text.contains("https://"),
        "the page loads nothing from the internet"
    );
    let bundle = app.get("/docs/swagger-ui-bundle.js").await;
    assert_eq!(bundle.status, 200);
    assert!(bundle.text.len() > 100_000);
    let redirect = app.get("/docs").await;
    assert!(
        matches!(redirect.status, 200 | 307 | 308),
        "{}",
        redirect.status
    );
}

#[test]
fn enums_are_documented_with_their_wire_words() {
    let doc = ctg::openapi::document();
    let mut checked = 0;
    for (name, schema) in doc["components"]["schemas"].as_object().unwrap() {
        if let Some(values) = schema["enum"].as_array() {
            for value in values {
                let word = value.as_str().unwrap_or_default();
                assert!(
                    !word.is_empty() && word.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                    "{name}: {value} is not what the server sends"
                );
            }
            checked += 1;
        }
    }
    assert!(
        checked >= 5,
        "the contract's vocabularies are documented as enums"
    );
    let kinds = &doc["components"]["schemas"]["PartnerKind"]["enum"];
    assert_eq!(kinds[0], "caf");
}

/// A failed sign-in and a dead refresh token answer 401 (the contract), so the document says so
/// although these operations need no token.
#[test]
fn sign_in_and_refresh_declare_their_401() {
    let doc = ctg::openapi::document();
    for path in ["/api/v1/auth/login", "/api/v1/auth/refresh"] {
        let unauthorized = &doc["paths"][path]["post"]["responses"]["401"];
        assert!(
            unauthorized["content"]["application/problem+json"].is_object(),
            "{path} does not declare its 401"
        );
    }
}
