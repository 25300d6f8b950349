//! Durations as members and `bot.toml` write them: `30s`, `90m`, `48h`, `6d`.

use std::time::Duration;

/// The largest duration accepted: one that still fits `chrono::TimeDelta` in milliseconds.
const MAX_SECONDS: u64 = i64::MAX as u64 / 1000;

/// Parses `<number>s|m|h|d` (case-insensitive, like `90m`, `48h`, `3d`), or `0` for none.
///
/// Returns `None` for anything else, including a number without unit other than `0`,
/// signs, fractions, spaces and durations too large to represent.
pub fn parse_duration(text: &str) -> Option<Duration> {
    if text == "0" {
        return Some(Duration::ZERO);
    }
    with_unit(text)
}

/// Like [`parse_duration`] but requires a unit: in a request, a bare number is text.
pub(crate) fn with_unit(text: &str) -> Option<Duration> {
    let unit = text.chars().last()?;
    let digits = &text[..text.len() - unit.len_utf8()];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let scale = match unit.to_ascii_lowercase() {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        'd' => 86_400,
        _ => return None,
    };
    let seconds = digits.parse::<u64>().ok()?.checked_mul(scale)?;
    (seconds <= MAX_SECONDS).then(|| Duration::from_secs(seconds))
}

/// Writes a duration in the largest unit that divides it exactly (`6d`, `90m`, `0`);
/// sub-second parts are dropped. [`parse_duration`] reads the result back.
pub fn format_duration(duration: Duration) -> String {
    let seconds = duration.as_secs();
    if seconds == 0 {
        return "0".to_string();
    }
    let (count, unit) = [(86_400, 'd'), (3600, 'h'), (60, 'm')]
        .into_iter()
        .find(|(scale, _)| seconds.is_multiple_of(*scale))
        .map_or((seconds, 's'), |(scale, unit)| (seconds / scale, unit));
    format!("{count}{unit}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(cases: &[(&str, Option<u64>)]) {
        for (input, expected) in cases {
            let got = parse_duration(input).map(|d| d.as_secs());
            assert_eq!(got, *expected, "input: {input:?}");
        }
    }

    #[test]
    fn parses_durations() {
        check(&[
            ("30s", Some(30)),
            ("90m", Some(5400)),
            ("48h", Some(172_800)),
            ("3d", Some(259_200)),
            ("6D", Some(518_400)),
            ("0", Some(0)),
            ("0h", Some(0)),
            ("007m", Some(420)),
            ("", None),
            ("h", None),
            ("5", None),
            ("5x", None),
            ("5 h", None),
            ("-5h", None),
            ("+5h", None),
            ("1.5h", None),
            ("5hh", None),
            ("5w", None),
            ("٣d", None),
            ("5ｈ", None),
            ("99999999999999999999d", None),
            ("106751991167300d", None),
            ("9223372036854775s", Some(9_223_372_036_854_775)),
        ]);
    }

    #[test]
    fn formats_durations() {
        for (seconds, expected) in [
            (0, "0"),
            (30, "30s"),
            (90, "90s"),
            (5400, "90m"),
            (3600, "1h"),
            (172_800, "2d"),
            (518_400, "6d"),
            (90_000, "25h"),
        ] {
            assert_eq!(format_duration(Duration::from_secs(seconds)), expected);
        }
    }

    proptest! {
        #[test]
        fn format_then_parse_round_trips(seconds in 0..=MAX_SECONDS) {
            let duration = Duration::from_secs(seconds);
            prop_assert_eq!(parse_duration(&format_duration(duration)), Some(duration));
        }

        #[test]
        fn never_panics(text in any::<String>()) {
            let _ = parse_duration(&text);
        }
    }
}
