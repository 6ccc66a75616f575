//! Envelope encryption of documents: each document gets its own random
//! 256-bit data key; the content is sealed with AES-256-GCM under that key,
//! and the data key is sealed (wrapped) under a master key. Both seals bind
//! the document id as associated data, so a blob or a wrapped key copied to
//! another document's row does not open.
//!
//! Master keys have ids; a document row keeps the id of the key that wraps
//! its data key, which is what lets `ferry ops rotate-document-key` re-wrap
//! data keys under a new master key without touching the stored objects.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rand::RngCore;
use std::collections::BTreeMap;

const KEY_BYTES: usize = 32;
const NONCE_BYTES: usize = 12;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("master key {0} is not configured")]
    UnknownKey(String),
    #[error("master key {0} is not 32 bytes of base64")]
    BadKey(String),
    #[error("no master key is configured")]
    NoKey,
    #[error("the sealed data does not open (wrong key or altered data)")]
    Unsealable,
}

/// A 256-bit secret key that never prints.
#[derive(Clone)]
pub struct Key([u8; KEY_BYTES]);

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key([redacted])")
    }
}

impl Key {
    pub fn random() -> Self {
        let mut bytes = [0_u8; KEY_BYTES];
        rand::rng().fill_bytes(&mut bytes);
        Self(bytes)
    }

    /// A key written as standard base64 (how configuration and key files
    /// hold them).
    pub fn from_base64(id: &str, text: &str) -> Result<Self, CryptoError> {
        let bytes = STANDARD
            .decode(text.trim())
            .map_err(|_| CryptoError::BadKey(id.to_string()))?;
        let bytes: [u8; KEY_BYTES] = bytes
            .try_into()
            .map_err(|_| CryptoError::BadKey(id.to_string()))?;
        Ok(Self(bytes))
    }

    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0)
    }

    fn cipher(&self) -> Aes256Gcm {
        // Infallible: the slice has the cipher's key length by construction.
        Aes256Gcm::new_from_slice(&self.0).expect("a 32-byte AES-256 key")
    }

    /// `nonce || ciphertext || tag`, with a fresh random 96-bit nonce (data
    /// keys are used once and master keys for far fewer than 2^32 seals, so
    /// random nonces stay well inside GCM's collision bound).
    pub fn seal(&self, plaintext: &[u8], aad: &[u8]) -> Vec<u8> {
        let mut nonce = [0_u8; NONCE_BYTES];
        rand::rng().fill_bytes(&mut nonce);
        let sealed = self
            .cipher()
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: plaintext,
                    aad,
                },
            )
            .expect("AES-GCM encryption of an in-memory buffer");
        let mut out = Vec::with_capacity(NONCE_BYTES + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    pub fn open(&self, sealed: &[u8], aad: &[u8]) -> Result<Vec<u8>, CryptoError> {
        if sealed.len() < NONCE_BYTES {
            return Err(CryptoError::Unsealable);
        }
        let (nonce, body) = sealed.split_at(NONCE_BYTES);
        let nonce: [u8; NONCE_BYTES] = nonce.try_into().map_err(|_| CryptoError::Unsealable)?;
        self.cipher()
            .decrypt(&Nonce::from(nonce), Payload { msg: body, aad })
            .map_err(|_| CryptoError::Unsealable)
    }
}

/// The configured master keys and the one new data keys are wrapped with.
#[derive(Debug, Clone)]
pub struct MasterKeys {
    keys: BTreeMap<String, Key>,
    current: String,
}

impl MasterKeys {
    pub fn new(keys: BTreeMap<String, Key>, current: String) -> Result<Self, CryptoError> {
        if !keys.contains_key(&current) {
            return Err(CryptoError::UnknownKey(current));
        }
        Ok(Self { keys, current })
    }

    pub fn current_id(&self) -> &str {
        &self.current
    }

    /// Wraps a data key under the current master key: (key id, base64).
    pub fn wrap(&self, data_key: &Key, document_id: &str) -> (String, String) {
        let master = &self.keys[&self.current];
        let sealed = master.seal(&data_key.0, document_id.as_bytes());
        (self.current.clone(), STANDARD.encode(sealed))
    }

    pub fn unwrap(
        &self,
        key_id: &str,
        wrapped: &str,
        document_id: &str,
    ) -> Result<Key, CryptoError> {
        let master = self
            .keys
            .get(key_id)
            .ok_or_else(|| CryptoError::UnknownKey(key_id.to_string()))?;
        let sealed = STANDARD
            .decode(wrapped)
            .map_err(|_| CryptoError::Unsealable)?;
        let bytes = master.open(&sealed, document_id.as_bytes())?;
        let bytes: [u8; KEY_BYTES] = bytes.try_into().map_err(|_| CryptoError::Unsealable)?;
        Ok(Key(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(ids: &[&str], current: &str) -> MasterKeys {
        let keys = ids
            .iter()
            .map(|id| (id.to_string(), Key::random()))
            .collect();
        MasterKeys::new(keys, current.to_string()).unwrap()
    }

    #[test]
    fn sealed_data_opens_only_with_the_same_key_and_document() {
        let key = Key::random();
        let sealed = key.seal(b"identity card", b"doc_1");
        assert!(!sealed.windows(13).any(|w| w == b"identity card"));
        assert_eq!(key.open(&sealed, b"doc_1").unwrap(), b"identity card");
        assert_eq!(key.open(&sealed, b"doc_2"), Err(CryptoError::Unsealable));
        assert_eq!(
            Key::random().open(&sealed, b"doc_1"),
            Err(CryptoError::Unsealable)
        );
    }

    #[test]
    fn wrapped_data_keys_name_their_master_key() {
        let masters = keys(&["k1", "k2"], "k2");
        let data_key = Key::random();
        let (id, wrapped) = masters.wrap(&data_key, "doc_1");
        assert_eq!(id, "k2");
        let unwrapped = masters.unwrap(&id, &wrapped, "doc_1").unwrap();
        assert_eq!(unwrapped.0, data_key.0);
        assert!(masters.unwrap("k1", &wrapped, "doc_1").is_err());
        assert!(masters.unwrap(&id, &wrapped, "doc_2").is_err());
    }

    #[test]
    fn the_current_key_must_be_configured() {
        let result = MasterKeys::new(BTreeMap::new(), "k1".into());
        assert_eq!(result.err(), Some(CryptoError::UnknownKey("k1".into())));
    }
}
