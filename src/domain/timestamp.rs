use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// A UTC instant with millisecond precision, written as RFC 3339
/// (`2026-11-21T22:02:46.123Z`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(try_from = "String")]
pub struct Timestamp(u64);

/// Serialized by reference: no copy of the value on the way out.
impl Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl Timestamp {
    pub fn now() -> Self {
        Self::from_system_time(SystemTime::now())
    }

    pub fn from_system_time(t: SystemTime) -> Self {
        let millis = t.duration_since(UNIX_EPOCH).unwrap_or_default().as_millis();
        Timestamp(
            u64::try_from(millis)
                .unwrap_or(u64::MAX)
                .min(Self::MAX_MILLIS),
        )
    }

    /// The last instant RFC 3339 can write (9999-12-31T23:59:59.999Z).
    pub const MAX_MILLIS: u64 = 253_402_300_799_999;

    /// `None` past the year 9999, which RFC 3339 cannot write.
    pub fn from_unix_millis(millis: u64) -> Option<Self> {
        (millis <= Self::MAX_MILLIS).then_some(Timestamp(millis))
    }

    pub fn from_unix_seconds(secs: u64) -> Self {
        Timestamp(secs.saturating_mul(1000).min(Self::MAX_MILLIS))
    }

    pub fn unix_millis(self) -> u64 {
        self.0
    }

    pub fn unix_seconds(self) -> u64 {
        self.0 / 1000
    }

    pub fn to_system_time(self) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(self.0)
    }

    /// Any RFC 3339 date-time, with an offset or `Z`, in either case:
    /// instants before 1970 are taken as 1970's first, the earliest this
    /// type holds (what a bound of a search means there).
    pub fn parse_rfc3339(s: &str) -> Result<Self, String> {
        let bad = || format!("not an RFC 3339 date-time: {s:?}");
        let b = s.as_bytes();
        let num = |range: std::ops::Range<usize>| -> Option<i64> {
            let part = s.get(range)?;
            part.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| part.parse().ok())
                .flatten()
        };
        if b.len() < 20
            || b[4] != b'-'
            || b[7] != b'-'
            || !matches!(b[10], b'T' | b't' | b' ')
            || b[13] != b':'
            || b[16] != b':'
        {
            return Err(bad());
        }
        let (year, month, day) = (num(0..4), num(5..7), num(8..10));
        let (hour, minute, second) = (num(11..13), num(14..16), num(17..19));
        let (Some(year), Some(month), Some(day), Some(hour), Some(minute), Some(second)) =
            (year, month, day, hour, minute, second)
        else {
            return Err(bad());
        };
        let mut rest = &s[19..];
        let mut millis = 0;
        if let Some(frac) = rest.strip_prefix('.') {
            let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return Err(bad());
            }
            let first3 = format!("{:0<3}", &frac[..digits.min(3)]);
            millis = first3.parse::<i64>().map_err(|_| bad())?;
            rest = &frac[digits..];
        }
        let offset_minutes = match rest {
            "Z" | "z" => 0,
            _ if rest.len() == 6
                && matches!(rest.as_bytes()[0], b'+' | b'-')
                && rest.as_bytes()[3] == b':' =>
            {
                let (Some(h), Some(m)) = (
                    rest[1..3].parse::<i64>().ok(),
                    rest[4..6].parse::<i64>().ok(),
                ) else {
                    return Err(bad());
                };
                if h > 23 || m > 59 {
                    return Err(bad());
                }
                let sign = if rest.starts_with('-') { -1 } else { 1 };
                sign * (h * 60 + m)
            }
            _ => return Err(bad()),
        };
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let month_days = [
            31,
            if leap { 29 } else { 28 },
            31,
            30,
            31,
            30,
            31,
            31,
            30,
            31,
            30,
            31,
        ];
        if !(1..=12).contains(&month)
            || day < 1
            || day > month_days[(month - 1) as usize]
            || hour > 23
            || minute > 59
            || second > 60
        {
            return Err(bad());
        }
        // Days since 1970-01-01 of a civil date (H. Hinnant's algorithm).
        let y = if month <= 2 { year - 1 } else { year };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (month + 9) % 12;
        let doy = (153 * mp + 2) / 5 + day - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let days = era * 146_097 + doe - 719_468;
        let secs = days * 86_400 + hour * 3600 + minute * 60 + second.min(59) - offset_minutes * 60;
        let millis = secs.saturating_mul(1000).saturating_add(millis);
        Ok(Timestamp(
            u64::try_from(millis).unwrap_or(0).min(Self::MAX_MILLIS),
        ))
    }

    pub fn parse(s: &str) -> Result<Self, String> {
        humantime::parse_rfc3339(s)
            .map(Self::from_system_time)
            .map_err(|e| format!("not an RFC 3339 UTC timestamp: {e}"))
    }
}

impl TryFrom<String> for Timestamp {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s)
    }
}

impl From<Timestamp> for String {
    fn from(t: Timestamp) -> String {
        t.to_string()
    }
}

impl Timestamp {
    /// RFC 3339 in UTC with milliseconds (`2026-11-21T22:02:46.123Z`), as
    /// bytes: written on every line of an export and every user shown, so
    /// made without a formatter.
    pub fn rfc3339(self) -> [u8; 24] {
        let millis = self.0;
        let secs = millis / 1000;
        let (days, rem) = (secs / 86_400, secs % 86_400);
        // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
        let z = days + 719_468;
        let era = z / 146_097;
        let doe = z % 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + u64::from(month <= 2);
        let mut text = *b"0000-00-00T00:00:00.000Z";
        let mut put = |at: usize, width: usize, mut n: u64| {
            for i in (at..at + width).rev() {
                text[i] = b'0' + (n % 10) as u8;
                n /= 10;
            }
        };
        put(0, 4, year);
        put(5, 2, month);
        put(8, 2, day);
        put(11, 2, rem / 3600);
        put(14, 2, rem % 3600 / 60);
        put(17, 2, rem % 60);
        put(20, 3, millis % 1000);
        text
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Only ASCII digits and punctuation are ever written.
        f.write_str(std::str::from_utf8(&self.rfc3339()).map_err(|_| fmt::Error)?)
    }
}

#[cfg(test)]
mod rfc3339_tests {
    use super::Timestamp;

    #[test]
    fn any_rfc3339_date_time_is_read_offsets_included() {
        let z = Timestamp::parse("2026-11-21T22:02:46.123Z").unwrap();
        for same in [
            "2026-11-21T22:02:46.123Z",
            "2026-11-21t22:02:46.123z",
            "2026-11-22T00:02:46.123+02:00",
            "2026-11-21T20:32:46.1234-01:30",
        ] {
            assert_eq!(Timestamp::parse_rfc3339(same).unwrap(), z, "{same}");
        }
        assert_eq!(
            Timestamp::parse_rfc3339("1900-01-01T00:00:00Z")
                .unwrap()
                .unix_millis(),
            0
        );
        assert_eq!(
            Timestamp::parse_rfc3339("2024-02-29T00:00:00Z").unwrap(),
            Timestamp::parse("2024-02-29T00:00:00Z").unwrap()
        );
        for bad in [
            "2023-02-29T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-01-01T24:00:00Z",
            "2026-01-01T00:00:00",
            "2026-01-01T00:00:00+2:00",
            "yesterday",
            "2026-01-01T00:00:00.Z",
        ] {
            assert!(Timestamp::parse_rfc3339(bad).is_err(), "{bad}");
        }
    }
}

/// An age as people write it: a whole number (1 to 999999, no leading
/// zero) and a unit, `s`, `m`, `h`, `d` or `w` (`90d`); in seconds.
pub fn parse_age(value: &str) -> Option<u64> {
    // The unit is the last character, which need not be one byte.
    let (digits, unit) = value.split_at(value.char_indices().last()?.0);
    let valid = (1..=6).contains(&digits.len())
        && !digits.starts_with('0')
        && digits.bytes().all(|b| b.is_ascii_digit());
    let n: u64 = digits.parse().ok().filter(|_| valid)?;
    let unit = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 604_800,
        _ => return None,
    };
    Some(n * unit)
}

/// Seconds in the largest unit that divides them: `30d`, `36h`, `90m`.
pub fn age_text(secs: u64) -> String {
    for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60)] {
        if secs >= size && secs.is_multiple_of(size) {
            return format!("{}{unit}", secs / size);
        }
    }
    format!("{secs}s")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_round_trips_through_rfc_3339() {
        let t = Timestamp::parse("2026-11-21T22:02:46.123Z").unwrap();
        assert_eq!(t.to_string(), "2026-11-21T22:02:46.123Z");
        assert_eq!(Timestamp::parse(&t.to_string()).unwrap(), t);
    }

    #[test]
    fn instants_past_the_year_9999_are_refused_not_displayed() {
        assert!(Timestamp::from_unix_millis(Timestamp::MAX_MILLIS).is_some());
        assert!(Timestamp::from_unix_millis(Timestamp::MAX_MILLIS + 1).is_none());
        assert_eq!(
            Timestamp::from_unix_seconds(u64::MAX).to_string(),
            "9999-12-31T23:59:59.999Z"
        );
    }

    #[test]
    fn it_is_written_as_humantime_writes_it() {
        let mut millis = vec![
            0,
            1,
            999,
            1000,
            86_399_999,
            86_400_000,
            Timestamp::MAX_MILLIS,
        ];
        // Every few days through the years, at varying times of day.
        let mut m = 0u64;
        while m <= Timestamp::MAX_MILLIS {
            millis.push(m);
            m += 3 * 86_400_000 + 3_599_001;
        }
        for m in millis {
            let t = Timestamp::from_unix_millis(m).unwrap();
            assert_eq!(
                t.to_string(),
                humantime::format_rfc3339_millis(t.to_system_time()).to_string()
            );
        }
    }

    #[test]
    fn garbage_is_refused() {
        assert!(Timestamp::parse("yesterday").is_err());
    }

    #[test]
    fn ages_read_and_print_in_whole_units() {
        assert_eq!(parse_age("30d"), Some(30 * 86_400));
        assert_eq!(parse_age("2w"), Some(14 * 86_400));
        assert_eq!(parse_age("999999w"), Some(999_999 * 604_800));
        for bad in [
            "", "d", "0d", "030d", "30", "-1d", "1.5d", "30 d", "1234567d", "ö&Ê", "1\u{80}",
        ] {
            assert_eq!(parse_age(bad), None, "{bad}");
        }
        assert_eq!(age_text(30 * 86_400), "30d");
        assert_eq!(age_text(36 * 3600), "36h");
        assert_eq!(age_text(90 * 60), "90m");
        assert_eq!(age_text(61), "61s");
    }
}
