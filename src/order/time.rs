//! Dates and times as orders carry them: `YYYY-MM-DD` dates, RFC 3339 times, and the calendar
//! date of an instant in Germany.
//!
//! Germany is on CET (UTC+1) and, in summer, on CEST (UTC+2). kontor knows the rules since
//! 1950 (the tz database's `Europe/Berlin`, checked against chrono-tz in the tests):
//! - 1950–1979: no summer time;
//! - 1980: 6 April to 28 September (first Sunday of April, last of September, 01:00 UTC);
//! - 1981–1995: last Sunday of March to last Sunday of September, 01:00 UTC;
//! - since 1996: last Sunday of March to last Sunday of October, 01:00 UTC (the EU rule,
//!   Directive 2000/84/EC).
//!
//! Instants before 1950 (with double summer time in 1945–1947) are refused: `None`. The
//! calendar arithmetic is proleptic Gregorian, days since 1970.

use std::fmt;

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year (1 to 9999).
    pub year: i32,
    /// Month, 1 to 12.
    pub month: u32,
    /// Day of the month, from 1.
    pub day: u32,
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    /// The date, if it exists (years 1 to 9999).
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        ((1..=9999).contains(&year) && day >= 1 && day <= days_in_month(year, month))
            .then_some(Date { year, month, day })
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days_since_epoch(&self) -> i64 {
        let (m, d) = (i64::from(self.month), i64::from(self.day));
        let y = i64::from(self.year) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01.
    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// Day of the week, 0 = Sunday.
    pub fn weekday_from_sunday(&self) -> i64 {
        (self.days_since_epoch() + 4).rem_euclid(7)
    }
}

impl fmt::Display for Date {
    /// `YYYY-MM-DD`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// An instant as RFC 3339 gives it: local date and time with its UTC offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timestamp {
    /// Local date.
    pub date: Date,
    /// Hour, 0 to 23.
    pub hour: u32,
    /// Minute, 0 to 59.
    pub minute: u32,
    /// Second, 0 to 60 (a leap second counts as 59).
    pub second: u32,
    /// UTC offset in minutes (`+02:00` is 120).
    pub offset_minutes: i32,
}

fn num(s: &str) -> Option<u32> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

impl Timestamp {
    /// Parses `2024-04-04T09:06:27Z`, `…T09:06:27.123+02:00` (`t` or a space for `T`, `z`
    /// for `Z`; fractions of a second are accepted and ignored).
    pub fn parse_rfc3339(s: &str) -> Option<Timestamp> {
        let date = parse_date(s.get(..10)?)?;
        let rest = s.get(10..)?;
        let rest = rest.strip_prefix(['T', 't', ' '])?;
        let (hour, minute, second) = (
            num(rest.get(0..2)?)?,
            num(rest.get(3..5)?)?,
            num(rest.get(6..8)?)?,
        );
        if rest.get(2..3)? != ":"
            || rest.get(5..6)? != ":"
            || hour > 23
            || minute > 59
            || second > 60
        {
            return None;
        }
        let mut tail = rest.get(8..)?;
        if let Some(frac) = tail.strip_prefix('.') {
            let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return None;
            }
            tail = frac.get(digits..)?;
        }
        let offset_minutes = match tail {
            "Z" | "z" => 0,
            _ => {
                let sign = match tail.get(0..1)? {
                    "+" => 1,
                    "-" => -1,
                    _ => return None,
                };
                if tail.len() != 6 || tail.get(3..4)? != ":" {
                    return None;
                }
                let (h, m) = (num(tail.get(1..3)?)?, num(tail.get(4..6)?)?);
                if h > 23 || m > 59 {
                    return None;
                }
                sign * (h * 60 + m) as i32
            }
        };
        Some(Timestamp {
            date,
            hour,
            minute,
            second: second.min(59),
            offset_minutes,
        })
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    pub fn unix_seconds(&self) -> i64 {
        self.date.days_since_epoch() * 86_400
            + i64::from(self.hour * 3600 + self.minute * 60 + self.second)
            - i64::from(self.offset_minutes) * 60
    }

    /// The UTC instant `unix_seconds` (offset `+00:00`).
    pub fn from_unix(unix_seconds: i64) -> Timestamp {
        let secs = unix_seconds.rem_euclid(86_400) as u32;
        Timestamp {
            date: Date::from_days_since_epoch(unix_seconds.div_euclid(86_400)),
            hour: secs / 3600,
            minute: secs / 60 % 60,
            second: secs % 60,
            offset_minutes: 0,
        }
    }

    /// Reads a German wall-clock time without zone (`2021-02-17 13:50:25`, as OXID writes
    /// it) and gives it its Berlin offset. In the autumn's repeated hour the earlier (summer)
    /// instant is taken; a time in the spring gap does not exist and is `None`, and so is a
    /// time before 1950 (rules not known).
    pub fn from_berlin_local(s: &str) -> Option<Timestamp> {
        let naive = Timestamp::parse_rfc3339(&format!("{}Z", s.trim()))?;
        let wall = naive.unix_seconds();
        [2i64, 1].into_iter().find_map(|off| {
            (berlin_offset_hours(wall - off * 3600) == Some(off)).then_some(Timestamp {
                offset_minutes: (off * 60) as i32,
                ..naive
            })
        })
    }

    /// The year of the local date.
    pub fn year(&self) -> i32 {
        self.date.year
    }
}

/// Parses `YYYY-MM-DD` (exactly that shape) into a date.
pub fn parse_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b.get(4) == Some(&b'-')
        && b.get(7) == Some(&b'-')
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return None;
    }
    Date::from_ymd(
        s.get(0..4)?.parse().ok()?,
        s.get(5..7)?.parse().ok()?,
        s.get(8..10)?.parse().ok()?,
    )
}

/// Formats a date as `YYYY-MM-DD`.
pub fn format_date(d: Date) -> String {
    d.to_string()
}

/// Formats a time as RFC 3339 (`2019-08-20T10:00:00+00:00`), seconds precision.
pub fn format_rfc3339(t: &Timestamp) -> String {
    let sign = if t.offset_minutes < 0 { '-' } else { '+' };
    let off = t.offset_minutes.unsigned_abs();
    format!(
        "{}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
        t.date,
        t.hour,
        t.minute,
        t.second,
        off / 60,
        off % 60
    )
}

/// The last Sunday of `month` in `year`, at 01:00 UTC, in Unix seconds.
fn last_sunday_0100_utc(year: i32, month: u32) -> Option<i64> {
    let last = Date::from_ymd(year, month, days_in_month(year, month))?;
    let sunday = last.days_since_epoch() - last.weekday_from_sunday();
    Some(sunday * 86_400 + 3600)
}

/// The first Sunday of `month` in `year`, at 01:00 UTC, in Unix seconds.
fn first_sunday_0100_utc(year: i32, month: u32) -> Option<i64> {
    let first = Date::from_ymd(year, month, 1)?;
    let sunday = first.days_since_epoch() + (7 - first.weekday_from_sunday()) % 7;
    Some(sunday * 86_400 + 3600)
}

/// 1950-01-01T00:00:00Z: the first instant whose German offset kontor knows.
pub const BERLIN_RULES_FROM: i64 = -631_152_000;

/// The UTC offset of Germany at `unix_seconds`, in hours (1 or 2); `None` before 1950.
pub fn berlin_offset_hours(unix_seconds: i64) -> Option<i64> {
    if unix_seconds < BERLIN_RULES_FROM {
        return None;
    }
    let year = Date::from_days_since_epoch(unix_seconds.div_euclid(86_400)).year;
    if year < 1980 {
        return Some(1);
    }
    let start = if year == 1980 {
        first_sunday_0100_utc(year, 4)
    } else {
        last_sunday_0100_utc(year, 3)
    };
    let end = last_sunday_0100_utc(year, if year <= 1995 { 9 } else { 10 });
    Some(match (start, end) {
        (Some(start), Some(end)) if unix_seconds >= start && unix_seconds < end => 2,
        _ => 1,
    })
}

/// The calendar date in Germany at `t`; `None` before 1950.
pub fn berlin_date(t: &Timestamp) -> Option<Date> {
    let utc = t.unix_seconds();
    let local = utc + berlin_offset_hours(utc)? * 3600;
    Some(Date::from_days_since_epoch(local.div_euclid(86_400)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_seconds_and_berlin_wall_clock_round_trip() {
        let t = Timestamp::from_unix(1_613_569_829);
        assert_eq!(format_rfc3339(&t), "2021-02-17T13:50:29+00:00");
        assert_eq!(Timestamp::from_unix(-1).date.to_string(), "1969-12-31");
        let winter = Timestamp::from_berlin_local("2021-02-17 13:50:25").unwrap();
        assert_eq!(format_rfc3339(&winter), "2021-02-17T13:50:25+01:00");
        let summer = Timestamp::from_berlin_local("2024-07-01 08:00:00").unwrap();
        assert_eq!(format_rfc3339(&summer), "2024-07-01T08:00:00+02:00");
        // 2024-10-27 02:30 happens twice: the earlier (summer) one is taken.
        let repeated = Timestamp::from_berlin_local("2024-10-27 02:30:00").unwrap();
        assert_eq!(repeated.offset_minutes, 120);
        // 2024-03-31 02:30 does not exist in Germany.
        assert_eq!(Timestamp::from_berlin_local("2024-03-31 02:30:00"), None);
        assert_eq!(
            Timestamp::from_berlin_local("2024-03-31T02:30:00+02:00"),
            None
        );
        assert_eq!(Timestamp::from_berlin_local("yesterday"), None);
    }

    fn ts(s: &str) -> Timestamp {
        Timestamp::parse_rfc3339(s).unwrap()
    }

    fn date(s: &str) -> String {
        berlin_date(&ts(s))
            .map(|d| d.to_string())
            .unwrap_or_default()
    }

    #[test]
    fn calendar_arithmetic_round_trips() {
        for days in [-800_000i64, -1, 0, 1, 19_000, 20_000, 2_932_896] {
            let d = Date::from_days_since_epoch(days);
            assert_eq!(d.days_since_epoch(), days, "{d}");
        }
        assert_eq!(Date::from_days_since_epoch(0).to_string(), "1970-01-01");
        assert_eq!(
            parse_date("2024-02-29").map(|d| d.days_since_epoch()),
            Some(19_782)
        );
        assert_eq!(
            parse_date("2024-03-31").map(|d| d.weekday_from_sunday()),
            Some(0)
        );
    }

    #[test]
    fn rfc3339_parses_and_prints() {
        assert_eq!(ts("2024-04-04T09:06:27Z").unix_seconds(), 1_712_221_587);
        assert_eq!(
            ts("2024-04-04T11:06:27+02:00").unix_seconds(),
            1_712_221_587
        );
        assert_eq!(
            ts("2024-04-04t09:06:27.123456z").unix_seconds(),
            1_712_221_587
        );
        assert_eq!(
            format_rfc3339(&ts("2024-12-31T23:59:59-05:30")),
            "2024-12-31T23:59:59-05:30"
        );
        assert_eq!(
            format_rfc3339(&ts("2019-08-20T10:00:00Z")),
            "2019-08-20T10:00:00+00:00"
        );
        for bad in [
            "2024-04-04",
            "2024-04-04T25:00:00Z",
            "2024-02-30T10:00:00Z",
            "2024-04-04T09:06:27",
            "2024-04-04T09:06:27+2:00",
            "2024-04-04T09:06:27.Z",
            "04.04.2024 09:06",
        ] {
            assert_eq!(Timestamp::parse_rfc3339(bad), None, "{bad}");
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
        assert_eq!(date("2024-04-04T22:30:00Z"), "2024-04-05");
        assert_eq!(date("2024-01-04T22:30:00Z"), "2024-01-04");
        assert_eq!(date("2024-01-04T23:00:00Z"), "2024-01-05");
    }

    #[test]
    fn dst_switches_at_one_utc_on_the_last_sundays() {
        // 2024: CEST from 31 March 01:00 UTC to 27 October 01:00 UTC.
        assert_eq!(
            berlin_offset_hours(ts("2024-03-31T00:59:59Z").unix_seconds()),
            Some(1)
        );
        assert_eq!(
            berlin_offset_hours(ts("2024-03-31T01:00:00Z").unix_seconds()),
            Some(2)
        );
        assert_eq!(
            berlin_offset_hours(ts("2024-10-27T00:59:59Z").unix_seconds()),
            Some(2)
        );
        assert_eq!(
            berlin_offset_hours(ts("2024-10-27T01:00:00Z").unix_seconds()),
            Some(1)
        );
    }

    #[test]
    fn offsets_in_the_input_are_respected() {
        assert_eq!(date("2024-04-05T00:30:00+02:00"), "2024-04-05");
        assert_eq!(date("2024-04-04T18:00:00-05:00"), "2024-04-05");
    }

    #[test]
    fn before_1996_summer_time_ended_in_september_and_before_1950_is_refused() {
        // 1995: CEST until 24 September 01:00 UTC, not the October rule.
        assert_eq!(date("1995-09-24T22:30:00Z"), "1995-09-24");
        assert_eq!(date("1995-09-23T22:30:00Z"), "1995-09-24");
        // 1980: from 6 April; 1979: no summer time at all.
        assert_eq!(date("1980-04-05T22:30:00Z"), "1980-04-05");
        assert_eq!(date("1980-04-06T22:30:00Z"), "1980-04-07");
        assert_eq!(date("1979-07-01T22:30:00Z"), "1979-07-01");
        assert_eq!(berlin_date(&ts("1949-12-31T23:59:59Z")), None);
        assert_eq!(berlin_offset_hours(BERLIN_RULES_FROM), Some(1));
        assert_eq!(Timestamp::from_berlin_local("1945-06-01 12:00:00"), None);
    }
}

/// Differential tests against the tz database (chrono-tz's `Europe/Berlin`), 1950 to 2099
/// (chrono-tz lists transitions up to 2099; kontor goes on with the EU rule).
#[cfg(test)]
mod against_chrono_tz {
    use super::*;
    use chrono::{Offset, TimeZone};
    use chrono_tz::Europe::Berlin;

    fn tz_offset_hours(unix: i64) -> i64 {
        let utc = chrono::DateTime::from_timestamp(unix, 0)
            .unwrap()
            .naive_utc();
        i64::from(
            Berlin
                .offset_from_utc_datetime(&utc)
                .fix()
                .local_minus_utc(),
        ) / 3600
    }

    #[test]
    fn offsets_match_at_every_possible_switch_and_at_noon() {
        let (first, last) = (
            Date::from_ymd(1950, 1, 1).unwrap().days_since_epoch(),
            Date::from_ymd(2099, 12, 31).unwrap().days_since_epoch(),
        );
        for day in first..=last {
            for second in [0, 3599, 3600, 43_200] {
                let unix = day * 86_400 + second;
                assert_eq!(
                    berlin_offset_hours(unix),
                    Some(tz_offset_hours(unix)),
                    "{}",
                    format_rfc3339(&Timestamp::from_unix(unix))
                );
            }
        }
    }

    #[test]
    fn wall_clock_times_match_including_gaps_and_repeats() {
        let (first, last) = (
            Date::from_ymd(1950, 1, 1).unwrap().days_since_epoch(),
            Date::from_ymd(2099, 12, 31).unwrap().days_since_epoch(),
        );
        for day in first..=last {
            let d = Date::from_days_since_epoch(day);
            for (h, m) in [(2, 30), (3, 0), (12, 0)] {
                let text = format!("{d} {h:02}:{m:02}:00");
                let naive =
                    chrono::NaiveDateTime::parse_from_str(&text, "%Y-%m-%d %H:%M:%S").unwrap();
                let want = Berlin
                    .from_local_datetime(&naive)
                    .earliest()
                    .map(|t| t.offset().fix().local_minus_utc() / 60);
                let got = Timestamp::from_berlin_local(&text).map(|t| t.offset_minutes);
                assert_eq!(got, want, "{text}");
            }
        }
    }
}
