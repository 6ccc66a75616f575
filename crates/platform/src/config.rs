//! Layered configuration: built-in defaults, then an optional TOML file, then
//! environment variables named `FERRY__SECTION__KEY` (double underscores
//! separate the levels, names are case-insensitive).
//!
//! Environment values are plain strings; each is converted to the type the
//! default has at the same path (integer, boolean, or string), so a numeric
//! password stays a string and a port stays a number.

use serde::{Serialize, de::DeserializeOwned};
use std::path::Path;
use toml::{Table, Value};

pub const ENV_PREFIX: &str = "FERRY__";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the configuration file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("the configuration file {path} is not valid TOML: {source}")]
    Syntax {
        path: String,
        source: toml::de::Error,
    },
    #[error("environment variable {name}: expected {expected}, found {found:?}")]
    EnvType {
        name: String,
        expected: &'static str,
        found: String,
    },
    #[error("the configuration is invalid: {0}")]
    Shape(String),
}

/// Loads settings of type `T`: `T::default()`, overlaid by the file at
/// `file` (if any), overlaid by `FERRY__…` variables from `env`.
pub fn load<T>(
    file: Option<&Path>,
    env: impl IntoIterator<Item = (String, String)>,
) -> Result<T, ConfigError>
where
    T: Default + Serialize + DeserializeOwned,
{
    let defaults = Value::try_from(T::default()).map_err(|e| ConfigError::Shape(e.to_string()))?;
    let mut merged = defaults.clone();
    if let Some(path) = file {
        merge(&mut merged, read_file(path)?);
    }
    for (name, raw) in env {
        let Some(rest) = name.strip_prefix(ENV_PREFIX) else {
            continue;
        };
        let keys: Vec<String> = rest.split("__").map(|k| k.to_ascii_lowercase()).collect();
        let typed = typed_env_value(&defaults, &keys, &name, raw)?;
        set_path(&mut merged, &keys, typed);
    }
    merged
        .try_into()
        .map_err(|e: toml::de::Error| ConfigError::Shape(e.to_string()))
}

fn read_file(path: &Path) -> Result<Value, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.display().to_string(),
        source,
    })?;
    let table: Table = toml::from_str(&text).map_err(|source| ConfigError::Syntax {
        path: path.display().to_string(),
        source,
    })?;
    Ok(Value::Table(table))
}

/// Deep merge: tables merge key by key, everything else is replaced.
fn merge(base: &mut Value, overlay: Value) {
    match (base, overlay) {
        (Value::Table(base), Value::Table(overlay)) => {
            for (key, value) in overlay {
                match base.get_mut(&key) {
                    Some(existing) => merge(existing, value),
                    None => {
                        base.insert(key, value);
                    }
                }
            }
        }
        (base, overlay) => *base = overlay,
    }
}

fn typed_env_value(
    defaults: &Value,
    keys: &[String],
    name: &str,
    raw: String,
) -> Result<Value, ConfigError> {
    let existing = keys.iter().try_fold(defaults, |v, k| v.get(k));
    let type_error = |expected| ConfigError::EnvType {
        name: name.to_string(),
        expected,
        found: raw.clone(),
    };
    match existing {
        Some(Value::Integer(_)) => raw
            .trim()
            .parse()
            .map(Value::Integer)
            .map_err(|_| type_error("an integer")),
        Some(Value::Boolean(_)) => match raw.trim() {
            "true" | "1" => Ok(Value::Boolean(true)),
            "false" | "0" => Ok(Value::Boolean(false)),
            _ => Err(type_error("true or false")),
        },
        _ => Ok(Value::String(raw)),
    }
}

fn set_path(root: &mut Value, keys: &[String], value: Value) {
    let Some((last, parents)) = keys.split_last() else {
        return;
    };
    let mut node = root;
    for key in parents {
        let Value::Table(table) = node else { return };
        node = table
            .entry(key.clone())
            .or_insert_with(|| Value::Table(Table::new()));
    }
    if let Value::Table(table) = node {
        table.insert(last.clone(), value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Default, Serialize, Deserialize, PartialEq)]
    #[serde(default)]
    struct Settings {
        server: Server,
    }

    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    #[serde(default)]
    struct Server {
        port: u16,
        secure: bool,
        name: String,
    }

    impl Default for Server {
        fn default() -> Self {
            Self {
                port: 8080,
                secure: false,
                name: "ferry".into(),
            }
        }
    }

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn file_then_environment_override_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ferry.toml");
        std::fs::write(&path, "[server]\nport = 9000\nname = \"from-file\"\n").unwrap();
        let settings: Settings = load(
            Some(&path),
            env(&[
                ("FERRY__SERVER__NAME", "12345"),
                ("FERRY__SERVER__SECURE", "true"),
            ]),
        )
        .unwrap();
        assert_eq!(settings.server.port, 9000);
        assert_eq!(
            settings.server.name, "12345",
            "a numeric string stays a string"
        );
        assert!(settings.server.secure);
    }

    #[test]
    fn a_wrongly_typed_environment_value_names_the_variable() {
        let err = load::<Settings>(None, env(&[("FERRY__SERVER__PORT", "eighty")])).unwrap_err();
        assert!(err.to_string().contains("FERRY__SERVER__PORT"), "{err}");
    }

    #[test]
    fn unrelated_variables_are_ignored() {
        let settings: Settings = load(None, env(&[("PATH", "/bin"), ("FERRY_X", "1")])).unwrap();
        assert_eq!(settings, Settings::default());
    }
}
