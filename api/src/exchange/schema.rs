//! The JSON Schema (2020-12) of the exchange format, generated from the types that read and
//! write it; `openapi/convention-exchange.schema.json` is this document, and a test fails when
//! it drifts.

use serde_json::{json, Map, Value};
use utoipa::{PartialSchema, ToSchema};

use super::format::{ExchangeDocument, FORMAT_NAME, FORMAT_VERSION};

/// Where the committed schema lives, from the repository's root.
pub const SCHEMA_PATH: &str = "openapi/convention-exchange.schema.json";

/// The schema as a JSON value.
pub fn document() -> Value {
    let mut definitions = Vec::new();
    <ExchangeDocument as ToSchema>::schemas(&mut definitions);
    let mut defs = Map::new();
    for (name, schema) in definitions {
        defs.insert(name, to_value(&schema));
    }
    let root = to_value(&<ExchangeDocument as PartialSchema>::schema());
    let mut schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": format!("urn:ctg:schema:{FORMAT_NAME}:{FORMAT_VERSION}"),
        "title": format!("ctg convention exchange format, version {FORMAT_VERSION}"),
    });
    let object = schema.as_object_mut().expect("an object");
    if let Value::Object(root) = root {
        object.extend(root);
    }
    object.insert(
        "description".into(),
        Value::String(format!(
            "A whole Convention Territoriale Globale in one document, as `ctg export` and \
             `GET /api/v1/conventions/{{id}}/export` write it and `ctg import` and \
             `POST /api/v1/conventions/import` read it. Inside the document, partners are named \
             by their `ref`, axes by their `number` and fiches-actions by their code \
             (\"1.2.1\"). Unknown fields are refused. Beyond this schema, the API's rules for \
             each object apply (texts not blank, numbers 1-999, years 2000-2100, each partner \
             once per list, a measurement's period of its indicator's frequency within the \
             convention's years and not in the future…). `format` is always \
             \"{FORMAT_NAME}\" and `format_version` {FORMAT_VERSION}."
        )),
    );
    object.insert("$defs".into(), Value::Object(defs));
    let mut schema = Value::Object(std::mem::take(object));
    point_refs_at_defs(&mut schema);
    schema
}

/// The schema as pretty JSON with a final newline: the exact bytes of the committed file.
pub fn document_text() -> String {
    let mut text = serde_json::to_string_pretty(&document()).expect("serialises");
    text.push('\n');
    text
}

fn to_value<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("a schema serialises")
}

/// utoipa writes references for an OpenAPI document (`#/components/schemas/X`); a standalone
/// schema keeps its definitions under `$defs`.
fn point_refs_at_defs(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                match item {
                    Value::String(target) if key == "$ref" => {
                        if let Some(name) = target.strip_prefix("#/components/schemas/") {
                            *target = format!("#/$defs/{name}");
                        }
                    }
                    _ => point_refs_at_defs(item),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(point_refs_at_defs),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(value: &Value, found: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, item) in map {
                    match item {
                        Value::String(target) if key == "$ref" => found.push(target.clone()),
                        _ => refs(item, found),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|i| refs(i, found)),
            _ => {}
        }
    }

    #[test]
    fn every_reference_resolves_within_the_schema() {
        let schema = document();
        let mut found = Vec::new();
        refs(&schema, &mut found);
        assert!(!found.is_empty());
        for target in found {
            let name = target
                .strip_prefix("#/$defs/")
                .unwrap_or_else(|| panic!("{target} is not local"));
            assert!(schema["$defs"].get(name).is_some(), "{target} is missing");
        }
        assert_eq!(schema["additionalProperties"], json!(false));
        assert_eq!(schema["properties"]["format"]["enum"], json!([FORMAT_NAME]));
    }
}
