//! Sending e-mail through lettre: over SMTP when a relay is configured, or
//! into a folder (one `.eml` file per message) by default, so that `ferry up`
//! works offline and tests can read the real messages.
//!
//! Features never call the mailer directly: they enqueue a [`MailMessage`]
//! in the outbox (topic [`MAIL_TOPIC`]) in the same transaction as the change,
//! and the outbox worker hands it to [`Mailer::send`].

use crate::Secret;
use crate::outbox::Outcome;
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The outbox topic of e-mails.
pub const MAIL_TOPIC: &str = "mail";

/// The folder, under a service's data folder, that holds written messages.
pub const OUTBOX_FOLDER: &str = "mail-outbox";

/// Mail settings (`[provider.mail]` and the like).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct MailSettings {
    /// The sender, e.g. `Ferry <no-reply@ferry.example>`.
    pub from: String,
    /// `smtps://USER:PASSWORD@HOST:465` or `smtp://HOST:25?tls=required`;
    /// unset means "write files under the data folder".
    pub smtp_url: Option<Secret<String>>,
}

impl Default for MailSettings {
    fn default() -> Self {
        Self {
            from: "Ferry <no-reply@ferry.localhost>".into(),
            smtp_url: None,
        }
    }
}

/// One e-mail with a plain-text and an HTML body, as stored in the outbox.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct MailMessage {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("the SMTP URL is invalid: {0}")]
    SmtpUrl(String),
    #[error("the sender address {0:?} is invalid")]
    From(String),
}

#[derive(Clone)]
enum Transport {
    Files {
        folder: PathBuf,
        transport: AsyncFileTransport<Tokio1Executor>,
    },
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

/// Sends [`MailMessage`]s through the configured transport.
#[derive(Clone)]
pub struct Mailer {
    from: Mailbox,
    transport: Transport,
}

impl Mailer {
    /// SMTP when `settings.smtp_url` is set, otherwise files under
    /// `<data_dir>/mail-outbox`.
    pub fn new(settings: &MailSettings, data_dir: &Path) -> Result<Self, MailError> {
        let from = settings
            .from
            .parse()
            .map_err(|_| MailError::From(settings.from.clone()))?;
        let transport = match &settings.smtp_url {
            Some(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())
                    // The message names the problem, not the URL (it holds a password).
                    .map_err(|error| MailError::SmtpUrl(error.to_string()))?
                    .build(),
            ),
            None => {
                let folder = data_dir.join(OUTBOX_FOLDER);
                Transport::Files {
                    transport: AsyncFileTransport::new(&folder),
                    folder,
                }
            }
        };
        Ok(Self { from, transport })
    }

    /// Sends one message. A bad recipient is permanent; a transport failure
    /// is retried by the outbox.
    pub async fn send(&self, message: &MailMessage) -> Outcome {
        let email = match self.build(message) {
            Ok(email) => email,
            Err(reason) => return Outcome::GiveUp(reason),
        };
        match &self.transport {
            Transport::Files { folder, transport } => {
                if let Err(error) = tokio::fs::create_dir_all(folder).await {
                    return Outcome::Retry(format!("cannot create {}: {error}", folder.display()));
                }
                match transport.send(email).await {
                    Ok(id) => {
                        // Without SMTP the log is how an operator finds the link.
                        tracing::info!(to = %message.to, subject = %message.subject, file = %format!("{}/{id}.eml", folder.display()), text = %message.text, "mail written to the outbox folder");
                        Outcome::Delivered
                    }
                    Err(error) => Outcome::Retry(error.to_string()),
                }
            }
            Transport::Smtp(transport) => match transport.send(email).await {
                Ok(_) => Outcome::Delivered,
                Err(error) if error.is_permanent() => Outcome::GiveUp(error.to_string()),
                Err(error) => Outcome::Retry(error.to_string()),
            },
        }
    }

    fn build(&self, message: &MailMessage) -> Result<Message, String> {
        let to: Mailbox = message
            .to
            .parse()
            .map_err(|_| format!("invalid recipient {:?}", message.to))?;
        // Base64 keeps long links intact (quoted-printable would wrap them).
        let part = |content_type: ContentType, body: &str| {
            SinglePart::builder()
                .header(content_type)
                .header(ContentTransferEncoding::Base64)
                .body(body.to_string())
        };
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&message.subject)
            .multipart(
                MultiPart::alternative()
                    .singlepart(part(ContentType::TEXT_PLAIN, &message.text))
                    .singlepart(part(ContentType::TEXT_HTML, &message.html)),
            )
            .map_err(|error| error.to_string())
    }
}

/// The messages written to an outbox folder, oldest first, read back from
/// their `.eml` files: for people and programs that follow e-mailed links
/// without a mail server (`ferry demo`, browser tests).
pub fn read_outbox_folder(folder: &Path) -> Vec<MailMessage> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut files: Vec<(std::time::SystemTime, PathBuf)> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "eml"))
        .filter_map(|path| Some((std::fs::metadata(&path).ok()?.modified().ok()?, path)))
        .collect();
    files.sort();
    files
        .into_iter()
        .filter_map(|(_, path)| parse_eml(&std::fs::read_to_string(path).ok()?))
        .collect()
}

/// Reads the headers and the two base64 body parts this mailer writes.
fn parse_eml(raw: &str) -> Option<MailMessage> {
    use base64::Engine;
    let raw = raw.replace("\r\n", "\n");
    let (head, body) = raw.split_once("\n\n")?;
    let unfolded = head.replace("\n ", " ").replace("\n\t", " ");
    let header = |name: &str| {
        unfolded
            .lines()
            .find_map(|line| line.strip_prefix(&format!("{name}: ")))
            .unwrap_or_default()
            .to_string()
    };
    let mut parts = Vec::new();
    for section in body.split("Content-Transfer-Encoding: base64").skip(1) {
        let (_, rest) = section.split_once("\n\n")?;
        let encoded: String = rest
            .lines()
            .take_while(|line| !line.starts_with("--"))
            .collect();
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .ok()?;
        parts.push(String::from_utf8(decoded).ok()?);
    }
    let mut parts = parts.into_iter();
    Some(MailMessage {
        to: header("To"),
        subject: decode_words(&header("Subject")),
        text: parts.next().unwrap_or_default(),
        html: parts.next().unwrap_or_default(),
    })
}

/// Decodes RFC 2047 `=?utf-8?b?…?=` words (how lettre writes a non-ASCII
/// subject); the space between two encoded words is not part of the text.
fn decode_words(value: &str) -> String {
    use base64::Engine;
    let mut text = String::new();
    let mut previous_encoded = false;
    for word in value.split_whitespace() {
        let encoded = word.to_ascii_lowercase().starts_with("=?utf-8?b?") && word.ends_with("?=");
        let joins_encoded_words = encoded && previous_encoded;
        if !text.is_empty() && !joins_encoded_words {
            text.push(' ');
        }
        let decoded = encoded
            .then(|| {
                base64::engine::general_purpose::STANDARD
                    .decode(&word[10..word.len() - 2])
                    .ok()
            })
            .flatten()
            .and_then(|bytes| String::from_utf8(bytes).ok());
        text.push_str(decoded.as_deref().unwrap_or(word));
        previous_encoded = encoded;
    }
    text
}
