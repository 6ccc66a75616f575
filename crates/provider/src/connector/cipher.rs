//! Sealing refresh tokens at rest with AES-256-GCM. A database reader alone
//! cannot use a stored token: the key lives in the settings (or, when unset,
//! in a file in the data folder that only the service reads).

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ferry_platform::secret::Secret;
use rand::RngCore;
use std::path::Path;

const NONCE_BYTES: usize = 12;
const KEY_BYTES: usize = 32;
/// Where the generated key is kept when the settings name none.
pub const KEY_FILE: &str = "token-encryption.key";

pub struct TokenCipher {
    cipher: Aes256Gcm,
}

impl TokenCipher {
    /// The cipher from a base64 key of 32 bytes.
    pub fn from_base64(key: &Secret<String>) -> Result<Self, String> {
        let bytes = STANDARD
            .decode(key.expose().trim())
            .map_err(|_| "token_encryption_key is not base64".to_string())?;
        let bytes: [u8; KEY_BYTES] = bytes
            .try_into()
            .map_err(|_| format!("token_encryption_key must be {KEY_BYTES} bytes"))?;
        Ok(Self {
            cipher: Aes256Gcm::new(&Key::<Aes256Gcm>::from(bytes)),
        })
    }

    /// The configured key, or the one in `data_dir`, created on first use.
    pub fn configured(key: Option<&Secret<String>>, data_dir: &Path) -> Result<Self, String> {
        if let Some(key) = key {
            return Self::from_base64(key);
        }
        let path = data_dir.join(KEY_FILE);
        let unreadable = |error: std::io::Error| format!("{}: {error}", path.display());
        if !path.exists() {
            std::fs::create_dir_all(data_dir).map_err(unreadable)?;
            let mut key = [0_u8; KEY_BYTES];
            rand::rng().fill_bytes(&mut key);
            write_private(&path, &STANDARD.encode(key)).map_err(unreadable)?;
        }
        let text = std::fs::read_to_string(&path).map_err(unreadable)?;
        Self::from_base64(&Secret::new(text))
    }

    /// Nonce then ciphertext; `context` (the row's id) must be given again
    /// to open it.
    pub fn seal(&self, plaintext: &str, context: &str) -> Result<Vec<u8>, String> {
        let mut nonce = [0_u8; NONCE_BYTES];
        rand::rng().fill_bytes(&mut nonce);
        let sealed = self
            .cipher
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: plaintext.as_bytes(),
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| "cannot seal the token".to_string())?;
        Ok([nonce.as_slice(), &sealed].concat())
    }

    pub fn open(&self, sealed: &[u8], context: &str) -> Result<String, String> {
        if sealed.len() <= NONCE_BYTES {
            return Err("the sealed token is truncated".into());
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_BYTES);
        let nonce: [u8; NONCE_BYTES] = nonce.try_into().map_err(|_| "bad nonce".to_string())?;
        let plain = self
            .cipher
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: ciphertext,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| "the sealed token does not open with this key".to_string())?;
        String::from_utf8(plain).map_err(|_| "the sealed token is not text".to_string())
    }
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_token_opens_only_with_its_key_and_context() {
        let dir = std::env::temp_dir().join(format!("ferry-cipher-{}", uuid::Uuid::now_v7()));
        let cipher = TokenCipher::configured(None, &dir).unwrap();
        let sealed = cipher.seal("Atzr|secret", "rcv_1").unwrap();
        assert!(!sealed.windows(6).any(|w| w == b"secret"));
        assert_eq!(cipher.open(&sealed, "rcv_1").unwrap(), "Atzr|secret");
        assert!(cipher.open(&sealed, "rcv_2").is_err());
        let again = TokenCipher::configured(None, &dir).unwrap();
        assert_eq!(again.open(&sealed, "rcv_1").unwrap(), "Atzr|secret");
        let other = TokenCipher::from_base64(&Secret::new(STANDARD.encode([7_u8; 32]))).unwrap();
        assert!(other.open(&sealed, "rcv_1").is_err());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
