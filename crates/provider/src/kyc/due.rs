//! The date by which a review's next step is due: a number of business days
//! after the submission, counted in China Standard Time (UTC+8), skipping
//! Saturdays and Sundays. Public holidays are not modelled (their dates are
//! announced yearly); a holiday makes a due date earlier, never later, than
//! a calendar would, which errs on the side of the seller.

use ferry_platform::db::{from_unix_ms, unix_ms};
use time::{Duration, UtcOffset, Weekday};

const CHINA_STANDARD_TIME: UtcOffset = match UtcOffset::from_hms(8, 0, 0) {
    Ok(offset) => offset,
    Err(_) => panic!("UTC+8 is a valid offset"),
};

/// `business_days` working days after `from_ms`, at the same time of day.
pub fn due_at_ms(from_ms: i64, business_days: i64) -> i64 {
    let mut at = from_unix_ms(from_ms).to_offset(CHINA_STANDARD_TIME);
    let mut counted = 0;
    while counted < business_days {
        at += Duration::days(1);
        if !matches!(at.weekday(), Weekday::Saturday | Weekday::Sunday) {
            counted += 1;
        }
    }
    unix_ms(at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn ms(at: time::OffsetDateTime) -> i64 {
        unix_ms(at)
    }

    #[test]
    fn weekends_are_skipped() {
        // Thursday 10:00 in Shenzhen + 2 business days = Monday 10:00.
        assert_eq!(
            due_at_ms(ms(datetime!(2026-11-26 10:00 +8)), 2),
            ms(datetime!(2026-11-30 10:00 +8))
        );
        // Monday + 2 = Wednesday.
        assert_eq!(
            due_at_ms(ms(datetime!(2026-11-23 09:00 +8)), 2),
            ms(datetime!(2026-11-25 09:00 +8))
        );
        // Saturday + 1 = Monday.
        assert_eq!(
            due_at_ms(ms(datetime!(2026-11-28 12:00 +8)), 1),
            ms(datetime!(2026-11-30 12:00 +8))
        );
    }

    #[test]
    fn the_weekday_is_judged_in_china_time() {
        // Friday 23:00 UTC is already Saturday 07:00 in Shenzhen.
        assert_eq!(
            due_at_ms(ms(datetime!(2026-11-27 23:00 UTC)), 1),
            ms(datetime!(2026-11-30 07:00 +8))
        );
    }
}
