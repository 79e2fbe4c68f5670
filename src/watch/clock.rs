//! Timestamps for WATCH's log: UTC, ISO 8601 to the second (`2026-12-01T12:00:05Z`), computed
//! from the system clock without a time-zone database (a log read across zones stays
//! unambiguous). Pure apart from [`now`].

use std::time::{SystemTime, UNIX_EPOCH};

/// The current time as [`format`] writes it.
pub fn now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format(secs)
}

/// Seconds since the Unix epoch as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn format(epoch_secs: u64) -> String {
    let days = i64::try_from(epoch_secs / 86_400).unwrap_or(i64::MAX / 2);
    crate::utc::iso_seconds(days, (epoch_secs % 86_400) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_instants() {
        assert_eq!(format(0), "1970-01-01T00:00:00Z");
        assert_eq!(format(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(format(1_796_126_405), "2026-12-01T12:00:05Z");
        assert_eq!(format(4_107_542_399), "2100-02-28T23:59:59Z");
        // Far future: no panic, no overflow.
        let _ = format(u64::MAX);
    }
}
