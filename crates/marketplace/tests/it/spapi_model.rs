//! A small validator for SP-API responses against Amazon's Swagger 2.0
//! models (vendored in `spapi-models/`): `$ref`s into `definitions`,
//! required properties, JSON types, enums and the `^([A-Z]{2})$` country
//! pattern. It is strict about property names: a property the model does
//! not define fails, because a misspelt field is exactly what a client
//! written for Amazon would trip on.

use serde_json::Value;

pub struct Model {
    document: Value,
}

impl Model {
    pub fn load(file: &str) -> Self {
        let path = format!("{}/spapi-models/{file}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        Self {
            document: serde_json::from_str(&text).expect("a JSON model"),
        }
    }

    /// Panics with every violation of the response schema of
    /// `GET path` with `status`.
    pub fn assert_response(&self, path: &str, status: u16, body: &Value) {
        let schema =
            &self.document["paths"][path]["get"]["responses"][status.to_string()]["schema"];
        assert!(
            !schema.is_null(),
            "the model has no schema for GET {path} {status}"
        );
        let mut problems = Vec::new();
        self.check(schema, body, "$", &mut problems);
        assert!(
            problems.is_empty(),
            "GET {path} {status} does not match the model:\n{}\n{body:#}",
            problems.join("\n")
        );
    }

    fn resolve<'a>(&'a self, schema: &'a Value) -> &'a Value {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let name = reference
                    .strip_prefix("#/definitions/")
                    .expect("a local definition");
                self.resolve(&self.document["definitions"][name])
            }
            None => schema,
        }
    }

    fn check(&self, schema: &Value, value: &Value, at: &str, problems: &mut Vec<String>) {
        let schema = self.resolve(schema);
        let kind = schema
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("object");
        let type_ok = match kind {
            "object" => value.is_object(),
            "array" => value.is_array(),
            "string" => value.is_string(),
            "boolean" => value.is_boolean(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            other => panic!("the validator does not know type {other}"),
        };
        if !type_ok {
            problems.push(format!("{at}: expected {kind}, found {value}"));
            return;
        }
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
            && !allowed.contains(value)
        {
            problems.push(format!("{at}: {value} is not one of {allowed:?}"));
        }
        if schema.get("pattern").and_then(Value::as_str) == Some("^([A-Z]{2})$") {
            let text = value.as_str().unwrap_or_default();
            if text.len() != 2 || !text.bytes().all(|b| b.is_ascii_uppercase()) {
                problems.push(format!("{at}: {value} is not two upper-case letters"));
            }
        }
        match value {
            Value::Object(fields) => self.check_object(schema, fields, at, problems),
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    self.check(&schema["items"], item, &format!("{at}[{index}]"), problems);
                }
            }
            _ => {}
        }
    }

    fn check_object(
        &self,
        schema: &Value,
        fields: &serde_json::Map<String, Value>,
        at: &str,
        problems: &mut Vec<String>,
    ) {
        let empty = serde_json::Map::new();
        let properties = schema
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        for required in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let name = required.as_str().expect("a property name");
            if !fields.contains_key(name) {
                problems.push(format!("{at}: missing required {name}"));
            }
        }
        for (name, value) in fields {
            match properties.get(name) {
                Some(property) => self.check(property, value, &format!("{at}.{name}"), problems),
                None => problems.push(format!("{at}: {name} is not in the model")),
            }
        }
    }
}

#[test]
fn the_validator_catches_missing_misspelt_and_mistyped_fields() {
    let model = Model::load("sellers.json");
    let good = serde_json::json!({ "payload": [{
        "marketplace": { "id": "ATVPDKIKX0DER", "name": "Amazon.com", "countryCode": "US",
            "defaultCurrencyCode": "USD", "defaultLanguageCode": "en_US", "domainName": "www.amazon.com" },
        "participation": { "isParticipating": true, "hasSuspendedListings": false },
        "storeName": "Store" }] });
    model.assert_response("/sellers/v1/marketplaceParticipations", 200, &good);
    let mutations: [(&str, Value); 4] = [
        ("/payload/0/storeName", Value::Null),
        (
            "/payload/0/marketplace/countryCode",
            Value::String("usa".into()),
        ),
        (
            "/payload/0/participation/isParticipating",
            Value::String("true".into()),
        ),
        ("/payload/0/marketplace/domain", Value::String("x".into())),
    ];
    for (pointer, replacement) in mutations {
        let mut bad = good.clone();
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        let object = bad.pointer_mut(parent).unwrap().as_object_mut().unwrap();
        if replacement.is_null() {
            object.remove(key);
        } else {
            object.insert(key.to_string(), replacement);
        }
        let caught = std::panic::catch_unwind(|| {
            model.assert_response("/sellers/v1/marketplaceParticipations", 200, &bad);
        });
        assert!(caught.is_err(), "{pointer} was not caught");
    }
}
