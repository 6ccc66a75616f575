//! The logic of `ferry check KIND [VALUE...]`: validate identifiers one per
//! line and print a verdict per line.
//!
//! Output, one line per input line, in input order:
//! `valid<TAB><normalised value>` or `invalid<TAB><reason>`. Reasons are one
//! line without tabs, so the output splits cleanly on the first tab.

use std::fmt::{self, Display};
use std::io::{self, BufWriter, Write};
use std::str::FromStr;

use time::{Date, OffsetDateTime};

use crate::bank::{
    AbaRoutingNumber, AuBsb, Bic, CaRoutingNumber, Iban, JpZenginAccount, UkSortCode,
};
use crate::cn::{CnOrgCode, CnResidentId, CnUscc, UnionPayCard};
use crate::marketplace::{MwsAuthToken, SellerId};

/// What `ferry check` can validate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CheckKind {
    /// `cn-resident-id`: [`CnResidentId`].
    CnResidentId,
    /// `cn-uscc`: [`CnUscc`].
    CnUscc,
    /// `cn-org-code`: [`CnOrgCode`].
    CnOrgCode,
    /// `cn-bank-card`: [`UnionPayCard`].
    CnBankCard,
    /// `aba`: [`AbaRoutingNumber`].
    Aba,
    /// `iban`: [`Iban`].
    Iban,
    /// `bic`: [`Bic`].
    Bic,
    /// `uk-sort-code`: [`UkSortCode`].
    UkSortCode,
    /// `ca-routing`: [`CaRoutingNumber`].
    CaRouting,
    /// `au-bsb`: [`AuBsb`].
    AuBsb,
    /// `jp-zengin`: [`JpZenginAccount`].
    JpZengin,
    /// `seller-id`: [`SellerId`].
    SellerId,
    /// `mws-token`: [`MwsAuthToken`].
    MwsToken,
}

const ALL_KINDS: [CheckKind; 13] = [
    CheckKind::CnResidentId,
    CheckKind::CnUscc,
    CheckKind::CnOrgCode,
    CheckKind::CnBankCard,
    CheckKind::Aba,
    CheckKind::Iban,
    CheckKind::Bic,
    CheckKind::UkSortCode,
    CheckKind::CaRouting,
    CheckKind::AuBsb,
    CheckKind::JpZengin,
    CheckKind::SellerId,
    CheckKind::MwsToken,
];

impl CheckKind {
    /// Every kind, in the order of the usage text.
    pub fn all() -> &'static [CheckKind] {
        &ALL_KINDS
    }

    /// The command-line name, e.g. `cn-resident-id`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::CnResidentId => "cn-resident-id",
            Self::CnUscc => "cn-uscc",
            Self::CnOrgCode => "cn-org-code",
            Self::CnBankCard => "cn-bank-card",
            Self::Aba => "aba",
            Self::Iban => "iban",
            Self::Bic => "bic",
            Self::UkSortCode => "uk-sort-code",
            Self::CaRouting => "ca-routing",
            Self::AuBsb => "au-bsb",
            Self::JpZengin => "jp-zengin",
            Self::SellerId => "seller-id",
            Self::MwsToken => "mws-token",
        }
    }
}

impl fmt::Display for CheckKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An unknown `ferry check` kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown kind {name:?}; expected one of: {}", kind_names())]
pub struct UnknownCheckKind {
    /// The name given.
    pub name: String,
}

fn kind_names() -> String {
    ALL_KINDS.map(CheckKind::name).join(", ")
}

impl FromStr for CheckKind {
    type Err = UnknownCheckKind;

    /// Exactly the command-line names; no aliases, no case folding.
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        ALL_KINDS
            .into_iter()
            .find(|kind| kind.name() == name)
            .ok_or_else(|| UnknownCheckKind {
                name: name.to_owned(),
            })
    }
}

/// Validates one value: `Ok(normalised form)` or `Err(reason)`, the reason
/// being one line without tabs. Resident IDs are judged against today's UTC
/// date.
pub fn check(kind: CheckKind, input: &str) -> Result<String, String> {
    examine(kind, input, OffsetDateTime::now_utc().date(), ToStrings)
}

/// Validates every input and writes one verdict line per input to `out`
/// (`valid\t…` or `invalid\t…`), buffered; returns whether all were valid.
///
/// "Today" for resident-ID birth dates is read once, at the start. Write
/// errors (such as a closed pipe) are returned as they are.
pub fn run_check<S: AsRef<str>>(
    kind: CheckKind,
    inputs: impl Iterator<Item = S>,
    out: &mut impl Write,
) -> io::Result<bool> {
    let today = OffsetDateTime::now_utc().date();
    let mut out = BufWriter::with_capacity(64 * 1024, out);
    let mut all_valid = true;
    for input in inputs {
        all_valid &= examine(kind, input.as_ref(), today, Lines(&mut out))?;
    }
    out.flush()?;
    Ok(all_valid)
}

/// Where a verdict goes: into strings for [`check`], onto lines for
/// [`run_check`].
trait Verdict {
    type Output;
    fn valid(self, value: &impl Display) -> Self::Output;
    fn invalid(self, reason: &impl Display) -> Self::Output;
}

fn examine<V: Verdict>(kind: CheckKind, input: &str, today: Date, verdict: V) -> V::Output {
    match kind {
        CheckKind::CnResidentId => deliver(CnResidentId::parse_at(input, today), verdict),
        CheckKind::CnUscc => deliver(CnUscc::parse(input), verdict),
        CheckKind::CnOrgCode => deliver(CnOrgCode::parse(input), verdict),
        CheckKind::CnBankCard => deliver(UnionPayCard::parse(input), verdict),
        CheckKind::Aba => deliver(AbaRoutingNumber::parse(input), verdict),
        CheckKind::Iban => deliver(Iban::parse(input), verdict),
        CheckKind::Bic => deliver(Bic::parse(input), verdict),
        CheckKind::UkSortCode => deliver(UkSortCode::parse(input), verdict),
        CheckKind::CaRouting => deliver(CaRoutingNumber::parse(input), verdict),
        CheckKind::AuBsb => deliver(AuBsb::parse(input), verdict),
        CheckKind::JpZengin => deliver(JpZenginAccount::parse(input), verdict),
        CheckKind::SellerId => deliver(SellerId::parse(input), verdict),
        CheckKind::MwsToken => deliver(MwsAuthToken::parse(input), verdict),
    }
}

fn deliver<T: Display, E: Display, V: Verdict>(parsed: Result<T, E>, verdict: V) -> V::Output {
    match parsed {
        Ok(value) => verdict.valid(&value),
        Err(reason) => verdict.invalid(&reason),
    }
}

struct ToStrings;

impl Verdict for ToStrings {
    type Output = Result<String, String>;

    fn valid(self, value: &impl Display) -> Self::Output {
        Ok(value.to_string())
    }

    fn invalid(self, reason: &impl Display) -> Self::Output {
        let mut line = String::new();
        // Writing into a String cannot fail.
        let _ = fmt::write(&mut OneLine(&mut line), format_args!("{reason}"));
        Err(line)
    }
}

struct Lines<'a, W: Write>(&'a mut W);

impl<W: Write> Verdict for Lines<'_, W> {
    type Output = io::Result<bool>;

    fn valid(self, value: &impl Display) -> Self::Output {
        writeln!(self.0, "valid\t{value}")?;
        Ok(true)
    }

    fn invalid(self, reason: &impl Display) -> Self::Output {
        self.0.write_all(b"invalid\t")?;
        let mut line = IoLine {
            out: &mut *self.0,
            error: None,
        };
        if fmt::write(&mut OneLine(&mut line), format_args!("{reason}")).is_err() {
            return Err(line
                .error
                .unwrap_or_else(|| io::Error::other("formatting a reason failed")));
        }
        self.0.write_all(b"\n")?;
        Ok(false)
    }
}

/// Passes text through with tabs and line breaks replaced by spaces, so a
/// reason can never break the line format (input characters in reasons are
/// already escaped by `{:?}`; this is the guarantee).
struct OneLine<W: fmt::Write>(W);

impl<W: fmt::Write> fmt::Write for OneLine<W> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        for piece in text.split_inclusive(['\t', '\n', '\r']) {
            match piece.strip_suffix(['\t', '\n', '\r']) {
                Some(kept) => {
                    self.0.write_str(kept)?;
                    self.0.write_char(' ')?;
                }
                None => self.0.write_str(piece)?,
            }
        }
        Ok(())
    }
}

/// `fmt::Write` over an `io::Write`, keeping the I/O error that `fmt`
/// cannot carry.
struct IoLine<'a, W: Write> {
    out: &'a mut W,
    error: Option<io::Error>,
}

impl<W: Write> fmt::Write for IoLine<'_, W> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        self.out.write_all(text.as_bytes()).map_err(|error| {
            self.error = Some(error);
            fmt::Error
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse_from_exactly_their_names() {
        assert_eq!(CheckKind::all().len(), 13);
        for &kind in CheckKind::all() {
            assert_eq!(kind.name().parse::<CheckKind>(), Ok(kind));
            assert_eq!(kind.to_string(), kind.name());
        }
        assert!("IBAN".parse::<CheckKind>().is_err());
        assert!("cn_uscc".parse::<CheckKind>().is_err());
        let error = "swift".parse::<CheckKind>().unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("unknown kind \"swift\"; expected one of: cn-resident-id, cn-uscc,")
        );
    }

    #[test]
    fn check_returns_the_normalised_value_or_the_reason() {
        assert_eq!(
            check(CheckKind::Iban, "gb82 west 1234 5698 7654 32"),
            Ok("GB82WEST12345698765432".to_owned())
        );
        assert_eq!(
            check(CheckKind::UkSortCode, "12-34-56"),
            Ok("123456".to_owned())
        );
        assert_eq!(
            check(CheckKind::JpZengin, "0001 001 9876"),
            Ok("0001-001-0009876".to_owned())
        );
        assert_eq!(
            check(CheckKind::Aba, "021000022"),
            Err("check digit '2' does not match the other digits (expected '1')".to_owned())
        );
        assert_eq!(
            check(CheckKind::SellerId, "ATVPDKIKX0DER"),
            Err(
                "this is the marketplace ID of Amazon United States (US), not a seller ID"
                    .to_owned()
            )
        );
    }

    #[test]
    fn every_kind_accepts_a_known_good_value() {
        let samples = [
            (CheckKind::CnResidentId, "360426199101010071"),
            (CheckKind::CnUscc, "91110000600037341L"),
            (CheckKind::CnOrgCode, "60003734-1"),
            (CheckKind::CnBankCard, "6222021234567890128"),
            (CheckKind::Aba, "111000025"),
            (CheckKind::Iban, "DE89370400440532013000"),
            (CheckKind::Bic, "DEUTDEFF500"),
            (CheckKind::UkSortCode, "20-29-59"),
            (CheckKind::CaRouting, "12345-003"),
            (CheckKind::AuBsb, "062-000"),
            (CheckKind::JpZengin, "0001-001-1234567"),
            (CheckKind::SellerId, "A3FHEXAMPLEYWS"),
            (
                CheckKind::MwsToken,
                "amzn.mws.4ea38b7b-f563-7709-4bae-87aea15c5b2a",
            ),
        ];
        assert_eq!(samples.len(), CheckKind::all().len());
        for (kind, sample) in samples {
            assert!(check(kind, sample).is_ok(), "{kind} {sample}");
        }
    }

    #[test]
    fn reasons_never_contain_tabs_or_line_breaks() {
        for &kind in CheckKind::all() {
            for input in [
                "a\tb",
                "\t",
                "12\r34",
                "x\u{b}y",
                "",
                "  ",
                "６２２２",
                "\u{0}",
            ] {
                let reason = check(kind, input).unwrap_err();
                assert!(
                    !reason.contains(['\t', '\n', '\r']),
                    "{kind} {input:?}: {reason:?}"
                );
            }
        }
    }

    #[test]
    fn one_line_replaces_control_line_characters() {
        let mut text = String::new();
        fmt::write(&mut OneLine(&mut text), format_args!("a\tb\nc\r\nd")).unwrap();
        assert_eq!(text, "a b c  d");
    }

    #[test]
    fn run_check_writes_one_verdict_per_line() {
        let inputs = ["021000021", "", "021000022", " 111000025 "];
        let mut out = Vec::new();
        let all_valid = run_check(CheckKind::Aba, inputs.into_iter(), &mut out).unwrap();
        assert!(!all_valid);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "valid\t021000021\n\
             invalid\texpected 9 digits, found 0\n\
             invalid\tcheck digit '2' does not match the other digits (expected '1')\n\
             valid\t111000025\n"
        );
    }

    #[test]
    fn run_check_reports_all_valid() {
        let inputs = vec!["DEUTDEFF".to_owned(), "AGRIFRPP882".to_owned()];
        let mut out = Vec::new();
        assert!(run_check(CheckKind::Bic, inputs.into_iter(), &mut out).unwrap());
        assert_eq!(out, b"valid\tDEUTDEFF\nvalid\tAGRIFRPP882\n");
        let mut empty = Vec::new();
        assert!(run_check(CheckKind::Bic, std::iter::empty::<String>(), &mut empty).unwrap());
        assert!(empty.is_empty());
    }

    #[test]
    fn run_check_returns_write_errors() {
        struct Broken;
        impl Write for Broken {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::new(io::ErrorKind::BrokenPipe, "closed"))
            }
            fn flush(&mut self) -> io::Result<()> {
                Err(io::Error::new(io::ErrorKind::BrokenPipe, "closed"))
            }
        }
        let error = run_check(CheckKind::Bic, ["DEUTDEFF"].into_iter(), &mut Broken).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::BrokenPipe);
    }
}
