//! The date shapes settlement reports use, by locale and layout.
//!
//! Date shapes are told apart by their punctuation, so each value is read
//! on its own (unlike amounts, whose style is decided per file):
//! - `2026-11-24 06:00:00 UTC`: V2 date-times, decimal-point marketplaces;
//! - `24.11.2026 06:00:00 UTC`: V2 date-times, German-style marketplaces;
//! - `2025-06-05T22:07:18+00:00`: V1 (RFC 3339, any offset);
//! - `11/24/26` or `11/24/2026`: US `posted-date` (month first, as
//!   documented; two-digit years are 20YY);
//! - `24.11.2026` and `2026-11-24`: other `posted-date` values.

use time::format_description::BorrowedFormatItem;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, UtcOffset};

use super::ReportLocale;

const US_DATE_TIME: &[BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
const DE_DATE_TIME: &[BorrowedFormatItem<'static>] =
    format_description!("[day].[month].[year] [hour]:[minute]:[second] UTC");
const ISO_DATE: &[BorrowedFormatItem<'static>] = format_description!("[year]-[month]-[day]");
const DE_DATE: &[BorrowedFormatItem<'static>] = format_description!("[day].[month].[year]");
const US_DATE_FULL_YEAR: &[BorrowedFormatItem<'static>] =
    format_description!("[month]/[day]/[year]");

/// Reads a date-time in any known shape, as an instant.
pub(crate) fn parse_date_time(value: &str) -> Option<OffsetDateTime> {
    [US_DATE_TIME, DE_DATE_TIME]
        .iter()
        .find_map(|format| PrimitiveDateTime::parse(value, format).ok())
        .map(PrimitiveDateTime::assume_utc)
        .or_else(|| OffsetDateTime::parse(value, &Rfc3339).ok())
}

/// Reads a date in any known shape. A full date-time is accepted too (V1
/// `posted-date` carries one) and returned alongside its UTC date.
pub(crate) fn parse_date(value: &str) -> Option<(Date, Option<OffsetDateTime>)> {
    if let Some(date) = parse_date_only(value) {
        return Some((date, None));
    }
    let instant = parse_date_time(value)?;
    Some((instant.to_offset(UtcOffset::UTC).date(), Some(instant)))
}

fn parse_date_only(value: &str) -> Option<Date> {
    [ISO_DATE, DE_DATE, US_DATE_FULL_YEAR]
        .iter()
        .find_map(|format| Date::parse(value, format).ok())
        .or_else(|| parse_us_short_date(value))
}

/// `MM/DD/YY`, read as 20YY: settlement reports only exist from 2000 on.
fn parse_us_short_date(value: &str) -> Option<Date> {
    let mut parts = value.split('/');
    let (month, day, year) = (parts.next()?, parts.next()?, parts.next()?);
    let all_digits = [month, day, year]
        .iter()
        .all(|part| part.len() == 2 && part.bytes().all(|b| b.is_ascii_digit()));
    if parts.next().is_some() || !all_digits {
        return None;
    }
    let month = Month::try_from(month.parse::<u8>().ok()?).ok()?;
    let year = 2000 + year.parse::<i32>().ok()?;
    Date::from_calendar_date(year, month, day.parse().ok()?).ok()
}

/// A summary or `posted-date-time` value in `locale`, in UTC.
pub(crate) fn format_date_time(instant: OffsetDateTime, locale: ReportLocale) -> String {
    let utc = instant.to_offset(UtcOffset::UTC);
    let format = match locale {
        ReportLocale::Us => US_DATE_TIME,
        ReportLocale::De => DE_DATE_TIME,
    };
    // Formatting a valid date with a fixed description cannot fail.
    utc.format(format).unwrap_or_default()
}

/// A `posted-date` value in `locale`. US dates outside 2000-2099 keep a
/// four-digit year, since `MM/DD/YY` could not say which century.
pub(crate) fn format_posted_date(date: Date, locale: ReportLocale) -> String {
    let text = match locale {
        ReportLocale::De => date.format(DE_DATE),
        ReportLocale::Us if (2000..=2099).contains(&date.year()) => Ok(format!(
            "{:02}/{:02}/{:02}",
            u8::from(date.month()),
            date.day(),
            date.year() - 2000
        )),
        ReportLocale::Us => date.format(US_DATE_FULL_YEAR),
    };
    text.unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn reads_every_observed_date_time_shape() {
        let expected = datetime!(2023-03-14 07:49:55 UTC);
        assert_eq!(parse_date_time("2023-03-14 07:49:55 UTC"), Some(expected));
        assert_eq!(parse_date_time("14.03.2023 07:49:55 UTC"), Some(expected));
        assert_eq!(parse_date_time("2023-03-14T07:49:55+00:00"), Some(expected));
        assert_eq!(parse_date_time("2023-03-14T09:49:55+02:00"), Some(expected));
        assert_eq!(parse_date_time("2023-03-14 07:49:55"), None);
        assert_eq!(parse_date_time("31.02.2023 07:49:55 UTC"), None);
    }

    #[test]
    fn reads_every_observed_date_shape() {
        let expected = Some((date!(2025 - 09 - 06), None));
        assert_eq!(parse_date("09/06/25"), expected);
        assert_eq!(parse_date("09/06/2025"), expected);
        assert_eq!(parse_date("06.09.2025"), expected);
        assert_eq!(parse_date("2025-09-06"), expected);
        let instant = datetime!(2025-09-06 22:07:18 UTC);
        assert_eq!(
            parse_date("2025-09-06T22:07:18+00:00"),
            Some((date!(2025 - 09 - 06), Some(instant)))
        );
        assert_eq!(parse_date("13/06/25"), None);
        assert_eq!(parse_date("9/6/25"), None);
        assert_eq!(parse_date("09/06/25/1"), None);
    }

    #[test]
    fn writes_per_locale() {
        let instant = datetime!(2026-11-24 07:00:00 +01:00);
        assert_eq!(
            format_date_time(instant, ReportLocale::Us),
            "2026-11-24 06:00:00 UTC"
        );
        assert_eq!(
            format_date_time(instant, ReportLocale::De),
            "24.11.2026 06:00:00 UTC"
        );
        assert_eq!(
            format_posted_date(date!(2026 - 11 - 04), ReportLocale::Us),
            "11/04/26"
        );
        assert_eq!(
            format_posted_date(date!(2026 - 11 - 04), ReportLocale::De),
            "04.11.2026"
        );
        assert_eq!(
            format_posted_date(date!(1999 - 12 - 31), ReportLocale::Us),
            "12/31/1999"
        );
        assert_eq!(
            parse_date("12/31/1999"),
            Some((date!(1999 - 12 - 31), None))
        );
    }
}
