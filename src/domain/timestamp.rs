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
}
