//! What an uploaded file is, judged by its bytes only (never its name or
//! Content-Type), and the cleaned bytes that are stored.
//!
//! - JPEG and PNG: the container is walked segment by segment (chunk by
//!   chunk) to its end marker; a file that stops early is truncated, and any
//!   bytes after the end marker (a script or archive appended to a picture)
//!   are refused. Metadata segments (EXIF, XMP, text chunks) are dropped
//!   without re-encoding, so the picture itself is unchanged. The cleaned
//!   bytes must then decode, within size limits, to at least 600×400.
//! - PDF: must end with `%%EOF`; any name that makes a reader act (run
//!   JavaScript, launch a program, carry embedded files or rich media) is
//!   refused, including names spelled with `#xx` escapes.

use image::{ImageFormat, ImageReader, Limits};
use std::io::Cursor;

/// The most we accept (10 MiB).
pub const MAX_DOCUMENT_BYTES: usize = 10 * 1024 * 1024;
/// The smallest picture on which a card or licence stays legible.
pub const MIN_LONG_SIDE_PX: u32 = 600;
pub const MIN_SHORT_SIDE_PX: u32 = 400;
/// Decoding limits against decompression bombs.
const MAX_SIDE_PX: u32 = 16_000;
const MAX_DECODE_ALLOC_BYTES: u64 = 512 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaType {
    Jpeg,
    Png,
    Pdf,
}

impl MediaType {
    pub fn mime(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Pdf => "application/pdf",
        }
    }

    pub fn from_mime(mime: &str) -> Option<Self> {
        match mime {
            "image/jpeg" => Some(Self::Jpeg),
            "image/png" => Some(Self::Png),
            "application/pdf" => Some(Self::Pdf),
            _ => None,
        }
    }
}

/// Why an upload was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    Empty,
    TooLarge,
    /// Not JPEG, PNG or PDF by its bytes; carries what it looked like.
    TypeNotAllowed(Option<&'static str>),
    /// The container stops before its end marker, or does not decode.
    Unreadable,
    TooSmall {
        width_px: u32,
        height_px: u32,
    },
    TrailingData,
    ActivePdfContent,
}

/// An accepted document: its cleaned bytes and what they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    pub media_type: MediaType,
    pub bytes: Vec<u8>,
    pub dimensions_px: Option<(u32, u32)>,
}

pub fn inspect(upload: &[u8]) -> Result<Accepted, Refusal> {
    if upload.is_empty() {
        return Err(Refusal::Empty);
    }
    if upload.len() > MAX_DOCUMENT_BYTES {
        return Err(Refusal::TooLarge);
    }
    let mime = infer::get(upload).map(|kind| kind.mime_type());
    let media_type = mime
        .and_then(MediaType::from_mime)
        .ok_or(Refusal::TypeNotAllowed(mime))?;
    match media_type {
        MediaType::Jpeg => accept_image(media_type, strip_jpeg(upload)?),
        MediaType::Png => accept_image(media_type, strip_png(upload)?),
        MediaType::Pdf => {
            check_pdf(upload)?;
            Ok(Accepted {
                media_type,
                bytes: upload.to_vec(),
                dimensions_px: None,
            })
        }
    }
}

fn accept_image(media_type: MediaType, bytes: Vec<u8>) -> Result<Accepted, Refusal> {
    let format = match media_type {
        MediaType::Png => ImageFormat::Png,
        _ => ImageFormat::Jpeg,
    };
    let mut reader = ImageReader::with_format(Cursor::new(&bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE_PX);
    limits.max_image_height = Some(MAX_SIDE_PX);
    limits.max_alloc = Some(MAX_DECODE_ALLOC_BYTES);
    reader.limits(limits);
    let image = reader.decode().map_err(|_| Refusal::Unreadable)?;
    let (width_px, height_px) = (image.width(), image.height());
    let (long, short) = (width_px.max(height_px), width_px.min(height_px));
    if long < MIN_LONG_SIDE_PX || short < MIN_SHORT_SIDE_PX {
        return Err(Refusal::TooSmall {
            width_px,
            height_px,
        });
    }
    Ok(Accepted {
        media_type,
        bytes,
        dimensions_px: Some((width_px, height_px)),
    })
}

/// Bytes after an end marker that are only zero padding (some cameras pad
/// files) are harmless; anything else is refused.
fn only_padding(rest: &[u8]) -> bool {
    rest.iter().all(|&byte| byte == 0)
}

const JPEG_SOI: u8 = 0xD8;
const JPEG_EOI: u8 = 0xD9;
const JPEG_SOS: u8 = 0xDA;
/// APP1 holds EXIF and XMP; APP13 holds Photoshop/IPTC metadata.
const JPEG_METADATA: [u8; 2] = [0xE1, 0xED];

/// Walks the JPEG's segments to its end marker, dropping metadata.
fn strip_jpeg(data: &[u8]) -> Result<Vec<u8>, Refusal> {
    if data.len() < 4 || data[0] != 0xFF || data[1] != JPEG_SOI {
        return Err(Refusal::Unreadable);
    }
    let mut out = Vec::with_capacity(data.len());
    out.extend_from_slice(&data[..2]);
    let mut at = 2;
    loop {
        // Markers may be preceded by 0xFF fill bytes.
        while data.get(at) == Some(&0xFF) && data.get(at + 1) == Some(&0xFF) {
            at += 1;
        }
        let (Some(&0xFF), Some(&marker)) = (data.get(at), data.get(at + 1)) else {
            return Err(Refusal::Unreadable);
        };
        if marker == JPEG_EOI {
            out.extend_from_slice(&data[at..at + 2]);
            return if only_padding(&data[at + 2..]) {
                Ok(out)
            } else {
                Err(Refusal::TrailingData)
            };
        }
        let length = usize::from(u16::from_be_bytes([
            *data.get(at + 2).ok_or(Refusal::Unreadable)?,
            *data.get(at + 3).ok_or(Refusal::Unreadable)?,
        ]));
        let segment_end = at + 2 + length;
        if length < 2 || segment_end > data.len() {
            return Err(Refusal::Unreadable);
        }
        if !JPEG_METADATA.contains(&marker) {
            out.extend_from_slice(&data[at..segment_end]);
        }
        at = segment_end;
        if marker == JPEG_SOS {
            let scan_end = entropy_coded_end(data, at).ok_or(Refusal::Unreadable)?;
            out.extend_from_slice(&data[at..scan_end]);
            at = scan_end;
        }
    }
}

/// The offset of the marker that ends the entropy-coded data starting at
/// `from`: the first 0xFF that is neither a stuffed 0x00 nor a restart
/// marker. `None` when the data runs out first (a truncated file).
fn entropy_coded_end(data: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    while at + 1 < data.len() {
        if data[at] == 0xFF {
            let next = data[at + 1];
            let continues = next == 0x00 || (0xD0..=0xD7).contains(&next);
            if !continues {
                return Some(at);
            }
            at += 2;
        } else {
            at += 1;
        }
    }
    None
}

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
/// Ancillary chunks that carry metadata (EXIF, text, time).
const PNG_METADATA: [&[u8; 4]; 5] = [b"eXIf", b"tEXt", b"zTXt", b"iTXt", b"tIME"];

/// Walks the PNG's chunks to `IEND`, dropping metadata chunks.
fn strip_png(data: &[u8]) -> Result<Vec<u8>, Refusal> {
    if !data.starts_with(PNG_SIGNATURE) {
        return Err(Refusal::Unreadable);
    }
    let mut out = Vec::with_capacity(data.len());
    out.extend_from_slice(PNG_SIGNATURE);
    let mut at = PNG_SIGNATURE.len();
    loop {
        let header = data.get(at..at + 8).ok_or(Refusal::Unreadable)?;
        let length = u32::from_be_bytes([header[0], header[1], header[2], header[3]]);
        let length = usize::try_from(length).map_err(|_| Refusal::Unreadable)?;
        let kind = &header[4..8];
        // Length, type, data and CRC.
        let chunk_end = at
            .checked_add(12 + length)
            .filter(|&end| end <= data.len())
            .ok_or(Refusal::Unreadable)?;
        if !PNG_METADATA.iter().any(|meta| meta.as_slice() == kind) {
            out.extend_from_slice(&data[at..chunk_end]);
        }
        at = chunk_end;
        if kind == b"IEND" {
            return if only_padding(&data[at..]) {
                Ok(out)
            } else {
                Err(Refusal::TrailingData)
            };
        }
    }
}

/// PDF names that make a reader act on its own.
const ACTIVE_PDF_NAMES: [&str; 6] = [
    "JavaScript",
    "JS",
    "Launch",
    "EmbeddedFile",
    "EmbeddedFiles",
    "RichMedia",
];

fn check_pdf(data: &[u8]) -> Result<(), Refusal> {
    let tail_start = data.len().saturating_sub(1024);
    let tail = &data[tail_start..];
    let Some(eof) = tail.windows(5).rposition(|window| window == b"%%EOF") else {
        return Err(Refusal::Unreadable);
    };
    if !tail[eof + 5..].iter().all(u8::is_ascii_whitespace) {
        return Err(Refusal::TrailingData);
    }
    if pdf_names(data).any(|name| ACTIVE_PDF_NAMES.contains(&name.as_str())) {
        return Err(Refusal::ActivePdfContent);
    }
    Ok(())
}

/// Every `/Name` token in the file, with `#xx` escapes decoded.
fn pdf_names(data: &[u8]) -> impl Iterator<Item = String> + '_ {
    const DELIMITERS: &[u8] = b"()<>[]{}/%";
    data.iter()
        .enumerate()
        .filter(|&(_, &byte)| byte == b'/')
        .map(move |(start, _)| {
            let raw: Vec<u8> = data[start + 1..]
                .iter()
                .take_while(|byte| !byte.is_ascii_whitespace() && !DELIMITERS.contains(byte))
                .copied()
                .collect();
            decode_name(&raw)
        })
}

fn decode_name(raw: &[u8]) -> String {
    let mut out = Vec::with_capacity(raw.len());
    let mut at = 0;
    while at < raw.len() {
        let escaped = (raw[at] == b'#')
            .then(|| raw.get(at + 1..at + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                at += 3;
            }
            None => {
                out.push(raw[at]);
                at += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod samples {
    //! Generated test files.
    use image::{ImageFormat, RgbImage};
    use std::io::Cursor;

    pub fn image(format: ImageFormat, width: u32, height: u32) -> Vec<u8> {
        let picture = RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x % 251) as u8, (y % 241) as u8, ((x + y) % 239) as u8])
        });
        let mut out = Cursor::new(Vec::new());
        picture.write_to(&mut out, format).unwrap();
        out.into_inner()
    }

    /// A JPEG with an EXIF APP1 segment (GPS-ish marker text) after SOI,
    /// and the same JPEG without it.
    pub fn jpeg_with_exif() -> (Vec<u8>, Vec<u8>) {
        let jpeg = image(ImageFormat::Jpeg, 800, 600);
        let payload = b"Exif\0\0GPSLatitude 22.54 secret-camera-serial";
        let length = u16::try_from(payload.len() + 2).unwrap().to_be_bytes();
        let mut out = jpeg[..2].to_vec();
        out.extend_from_slice(&[0xFF, 0xE1, length[0], length[1]]);
        out.extend_from_slice(payload);
        out.extend_from_slice(&jpeg[2..]);
        (out, jpeg)
    }

    pub fn pdf(body: &str) -> Vec<u8> {
        format!("%PDF-1.4\n1 0 obj\n<< /Type /Catalog {body} >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n").into_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::samples::*;
    use super::*;

    #[test]
    fn pictures_of_the_right_size_are_accepted() {
        let accepted = inspect(&image(ImageFormat::Png, 800, 600)).unwrap();
        assert_eq!(accepted.media_type, MediaType::Png);
        assert_eq!(accepted.dimensions_px, Some((800, 600)));
        let portrait = inspect(&image(ImageFormat::Jpeg, 400, 600)).unwrap();
        assert_eq!(portrait.media_type, MediaType::Jpeg);
    }

    #[test]
    fn exif_is_stripped_without_touching_the_picture() {
        let (with_exif, plain) = jpeg_with_exif();
        let accepted = inspect(&with_exif).unwrap();
        assert!(!accepted.bytes.windows(11).any(|w| w == b"GPSLatitude"));
        assert_eq!(accepted.bytes, plain);
    }

    #[test]
    fn small_truncated_and_padded_pictures() {
        assert_eq!(
            inspect(&image(ImageFormat::Png, 599, 400)),
            Err(Refusal::TooSmall {
                width_px: 599,
                height_px: 400
            })
        );
        let jpeg = image(ImageFormat::Jpeg, 800, 600);
        assert_eq!(inspect(&jpeg[..jpeg.len() / 2]), Err(Refusal::Unreadable));
        let png = image(ImageFormat::Png, 800, 600);
        assert_eq!(inspect(&png[..png.len() - 20]), Err(Refusal::Unreadable));
        let mut padded = jpeg.clone();
        padded.extend_from_slice(&[0; 16]);
        assert!(inspect(&padded).is_ok());
    }

    #[test]
    fn anything_after_the_end_marker_is_refused() {
        for format in [ImageFormat::Jpeg, ImageFormat::Png] {
            let mut picture = image(format, 800, 600);
            picture.extend_from_slice(b"<script>alert(1)</script>");
            assert_eq!(inspect(&picture), Err(Refusal::TrailingData), "{format:?}");
        }
    }

    #[test]
    fn other_types_are_refused_by_their_bytes() {
        let elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0>\0".repeat(10);
        assert_eq!(
            inspect(&elf),
            Err(Refusal::TypeNotAllowed(Some("application/x-executable")))
        );
        assert_eq!(
            inspect(b"just some text"),
            Err(Refusal::TypeNotAllowed(None))
        );
        assert_eq!(inspect(b""), Err(Refusal::Empty));
        assert_eq!(
            inspect(&vec![0xFF; MAX_DOCUMENT_BYTES + 1]),
            Err(Refusal::TooLarge)
        );
    }

    #[test]
    fn pdfs_that_act_on_their_own_are_refused() {
        assert!(inspect(&pdf("/Pages 2 0 R")).is_ok());
        for body in [
            "/OpenAction << /S /JavaScript /JS (app.alert(1)) >>",
            "/AA << /O << /S /J#61vaScript >> >>",
            "/OpenAction << /S /Launch /F (cmd.exe) >>",
            "/Names << /EmbeddedFiles 3 0 R >>",
        ] {
            assert_eq!(
                inspect(&pdf(body)),
                Err(Refusal::ActivePdfContent),
                "{body}"
            );
        }
        let mut truncated = pdf("/Pages 2 0 R");
        truncated.truncate(truncated.len() - 7);
        assert_eq!(inspect(&truncated), Err(Refusal::Unreadable));
    }
}
