//! Dates in Germany: the calendar date of an instant in Europe/Berlin.
//!
//! Germany is on CET (UTC+1) and, from the last Sunday of March 01:00 UTC to the last Sunday
//! of October 01:00 UTC, on CEST (UTC+2): the EU rule in force since 1996 (Directive
//! 2000/84/EC). kontor applies that rule rather than shipping a time-zone database, which
//! would cost more Wasm than the rest of the module; dates before 1996 are not expected on
//! invoices.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};

/// Parses `YYYY-MM-DD` (exactly that shape) into a date.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return None;
    }
    let y = s.get(0..4)?.parse().ok()?;
    let m = s.get(5..7)?.parse().ok()?;
    let d = s.get(8..10)?.parse().ok()?;
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Formats a date as `YYYY-MM-DD`.
pub fn format_date(d: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// Formats a time as RFC 3339 (`2019-08-20T10:00:00+00:00`), seconds precision, without
/// chrono's general formatter (which would cost the Wasm module several kilobytes).
pub fn format_rfc3339(t: &DateTime<chrono::FixedOffset>) -> String {
    use chrono::Timelike;
    let offset = t.offset().local_minus_utc();
    let sign = if offset < 0 { '-' } else { '+' };
    let off = offset.unsigned_abs();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        off / 3600,
        off % 3600 / 60
    )
}

/// The last Sunday of `month` in `year`, at 01:00 UTC.
fn last_sunday_0100_utc(year: i32, month: u32) -> Option<DateTime<Utc>> {
    let first_next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    let last = first_next.pred_opt()?;
    let back = last.weekday().num_days_from_sunday();
    let sunday = last - Duration::days(i64::from(back));
    debug_assert_eq!(sunday.weekday(), Weekday::Sun);
    Utc.from_utc_datetime(&sunday.and_hms_opt(1, 0, 0)?).into()
}

/// The UTC offset of Germany at `instant`, in hours (1 or 2).
pub fn berlin_offset_hours(instant: DateTime<Utc>) -> i64 {
    let year = instant.year();
    match (
        last_sunday_0100_utc(year, 3),
        last_sunday_0100_utc(year, 10),
    ) {
        (Some(start), Some(end)) if instant >= start && instant < end => 2,
        _ => 1,
    }
}

/// The calendar date in Germany at `instant`.
pub fn berlin_date<Tz: TimeZone>(instant: &DateTime<Tz>) -> NaiveDate {
    let utc = instant.with_timezone(&Utc);
    let local = utc + Duration::hours(berlin_offset_hours(utc));
    local.date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        berlin_date(&DateTime::parse_from_rfc3339(s).unwrap())
    }

    #[test]
    fn rfc3339_output_matches_chrono() {
        for text in [
            "2019-08-20T10:00:00Z",
            "2024-04-04T09:06:27+02:00",
            "2024-12-31T23:59:59-05:30",
        ] {
            let t = DateTime::parse_from_rfc3339(text).unwrap();
            assert_eq!(format_rfc3339(&t), t.to_rfc3339());
        }
    }

    #[test]
    fn dates_parse_only_in_iso_shape() {
        assert_eq!(
            parse_date("2024-02-29").map(format_date).as_deref(),
            Some("2024-02-29")
        );
        assert_eq!(parse_date("2023-02-29"), None);
        assert_eq!(parse_date("2024-2-9"), None);
        assert_eq!(parse_date("04.04.2024"), None);
        assert_eq!(parse_date("2024-04-04T00:00"), None);
    }

    #[test]
    fn late_evening_utc_is_the_next_day_in_germany() {
        assert_eq!(date("2024-04-04T22:30:00Z").to_string(), "2024-04-05");
        assert_eq!(date("2024-01-04T22:30:00Z").to_string(), "2024-01-04");
        assert_eq!(date("2024-01-04T23:00:00Z").to_string(), "2024-01-05");
    }

    #[test]
    fn dst_switches_at_one_utc_on_the_last_sundays() {
        // 2024: CEST from 31 March 01:00 UTC to 27 October 01:00 UTC.
        let before = DateTime::parse_from_rfc3339("2024-03-31T00:59:59Z")
            .unwrap()
            .with_timezone(&Utc);
        let after = DateTime::parse_from_rfc3339("2024-03-31T01:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(berlin_offset_hours(before), 1);
        assert_eq!(berlin_offset_hours(after), 2);
        let end = DateTime::parse_from_rfc3339("2024-10-27T01:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(berlin_offset_hours(end), 1);
    }

    #[test]
    fn offsets_in_the_input_are_respected() {
        assert_eq!(date("2024-04-05T00:30:00+02:00").to_string(), "2024-04-05");
        assert_eq!(date("2024-04-04T18:00:00-05:00").to_string(), "2024-04-05");
    }
}
