//! Where the master keys come from: the configuration
//! (`[provider.documents.master_keys]`, e.g.
//! `FERRY__PROVIDER__DOCUMENTS__MASTER_KEYS__K2=<base64>`), or, when none is
//! configured, key files `local-N.key` in `<data_dir>/document-keys/` (one
//! is created on first start so that `ferry up` works out of the box).
//!
//! Rotation: configure a new key id next to the old one and make it
//! `current_key_id` (or, with local keys, let `ferry ops
//! rotate-document-key --new-local-key` create `local-N+1`), run `ferry ops
//! rotate-document-key`, then the old key may be removed.

use super::crypto::{CryptoError, Key, MasterKeys};
use crate::settings::Settings;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const LOCAL_PREFIX: &str = "local-";

#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> KeyFileError + '_ {
    move |source| KeyFileError::Io {
        path: path.display().to_string(),
        source,
    }
}

pub fn local_key_dir(settings: &Settings) -> PathBuf {
    Path::new(&settings.data_dir).join("document-keys")
}

/// The master keys the settings name, or the local ones (creating the
/// first when there is none).
pub fn load(settings: &Settings) -> Result<MasterKeys, KeyFileError> {
    let configured = &settings.documents.master_keys;
    if !configured.is_empty() {
        let keys = configured
            .iter()
            .map(|(id, text)| Ok((id.clone(), Key::from_base64(id, text.expose())?)))
            .collect::<Result<BTreeMap<_, _>, CryptoError>>()?;
        let current = match &settings.documents.current_key_id {
            Some(id) => id.clone(),
            None if keys.len() == 1 => keys.keys().next().cloned().unwrap_or_default(),
            None => return Err(CryptoError::NoKey.into()),
        };
        return Ok(MasterKeys::new(keys, current)?);
    }
    let dir = local_key_dir(settings);
    let mut keys = read_local_keys(&dir)?;
    if keys.is_empty() {
        create_local_key(&dir, 1)?;
        keys = read_local_keys(&dir)?;
    }
    let current = match &settings.documents.current_key_id {
        Some(id) => id.clone(),
        None => newest_local(&keys).ok_or(CryptoError::NoKey)?,
    };
    Ok(MasterKeys::new(keys, current)?)
}

/// Adds `local-N+1` to the local key folder; the next [`load`] makes it
/// current. Returns its id.
pub fn add_local_key(settings: &Settings) -> Result<String, KeyFileError> {
    let dir = local_key_dir(settings);
    let keys = read_local_keys(&dir)?;
    let next = keys
        .keys()
        .filter_map(|id| local_number(id))
        .max()
        .unwrap_or(0)
        + 1;
    create_local_key(&dir, next)
}

fn local_number(id: &str) -> Option<u64> {
    id.strip_prefix(LOCAL_PREFIX)?.parse().ok()
}

fn newest_local(keys: &BTreeMap<String, Key>) -> Option<String> {
    keys.keys()
        .filter_map(|id| Some((local_number(id)?, id.clone())))
        .max()
        .map(|(_, id)| id)
}

fn read_local_keys(dir: &Path) -> Result<BTreeMap<String, Key>, KeyFileError> {
    let mut keys = BTreeMap::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(keys),
        Err(error) => return Err(io_error(dir)(error)),
    };
    for entry in entries {
        let path = entry.map_err(io_error(dir))?.path();
        let Some(id) = path
            .file_name()
            .and_then(|name| name.to_str())
            .and_then(|name| name.strip_suffix(".key"))
            .filter(|id| local_number(id).is_some())
        else {
            continue;
        };
        let text = std::fs::read_to_string(&path).map_err(io_error(&path))?;
        keys.insert(id.to_string(), Key::from_base64(id, &text)?);
    }
    Ok(keys)
}

fn create_local_key(dir: &Path, number: u64) -> Result<String, KeyFileError> {
    std::fs::create_dir_all(dir).map_err(io_error(dir))?;
    let id = format!("{LOCAL_PREFIX}{number}");
    let path = dir.join(format!("{id}.key"));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&path).map_err(io_error(&path))?;
    std::io::Write::write_all(&mut file, Key::random().to_base64().as_bytes())
        .map_err(io_error(&path))?;
    tracing::warn!(
        key = %path.display(),
        "created a document master key in the data folder; in production configure provider.documents.master_keys instead"
    );
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_local_key_is_created_once_and_new_ones_become_current() {
        let dir = tempfile::tempdir().unwrap();
        let settings = Settings {
            data_dir: dir.path().display().to_string(),
            ..Settings::default()
        };
        let first = load(&settings).unwrap();
        assert_eq!(first.current_id(), "local-1");
        assert_eq!(load(&settings).unwrap().current_id(), "local-1");
        assert_eq!(add_local_key(&settings).unwrap(), "local-2");
        assert_eq!(load(&settings).unwrap().current_id(), "local-2");
    }

    #[test]
    fn configured_keys_win_and_must_be_valid() {
        let mut settings = Settings::default();
        settings.documents.master_keys.insert(
            "k1".into(),
            ferry_platform::Secret::new(Key::random().to_base64()),
        );
        assert_eq!(load(&settings).unwrap().current_id(), "k1");
        settings
            .documents
            .master_keys
            .insert("k2".into(), ferry_platform::Secret::new("short".into()));
        settings.documents.current_key_id = Some("k1".into());
        assert!(matches!(
            load(&settings),
            Err(KeyFileError::Crypto(CryptoError::BadKey(id))) if id == "k2"
        ));
    }
}
