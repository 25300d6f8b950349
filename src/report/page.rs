//! Text for people with its times left open, so that the reader's clock and time zone
//! fill them in: the running bot composes `list` and `show`, the command that asked
//! renders them where the person sits (`TZ` honoured).

use crate::governance::messages;
use chrono::{DateTime, FixedOffset, Local, Offset, TimeZone, Timelike, Utc};
use serde::{Deserialize, Serialize};

/// A piece of a line: words, or a time to be written for the reader.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Piece {
    Text(String),
    /// A time that matters (closes, closed, applied): in UTC, and in local time.
    At(DateTime<Utc>),
    /// How long from the reader's now until then: "in 5 days 3 hours".
    Until(DateTime<Utc>),
    /// When a line of history was written, in local time with its offset.
    Stamp(DateTime<Utc>),
}

/// One line of a page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line(Vec<Piece>);

impl Line {
    pub fn text(mut self, text: impl Into<String>) -> Line {
        self.0.push(Piece::Text(text.into()));
        self
    }

    pub fn at(mut self, at: DateTime<Utc>) -> Line {
        self.0.push(Piece::At(at));
        self
    }

    pub fn until(mut self, at: DateTime<Utc>) -> Line {
        self.0.push(Piece::Until(at));
        self
    }

    pub fn stamp(mut self, at: DateTime<Utc>) -> Line {
        self.0.push(Piece::Stamp(at));
        self
    }
}

/// An answer to `list`, `show` or `export`, ready to render.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page {
    lines: Vec<Line>,
}

impl Page {
    /// A page of plain text, printed exactly as it is (`export`).
    pub fn text(text: impl Into<String>) -> Page {
        Page {
            lines: vec![Line::default().text(text)],
        }
    }

    pub fn push(&mut self, line: Line) {
        self.lines.push(line);
    }

    pub fn render(&self, view: &View) -> String {
        let pieces = |line: &Line| {
            line.0
                .iter()
                .map(|piece| view.write(piece))
                .collect::<String>()
        };
        self.lines.iter().map(pieces).collect::<Vec<_>>().join("\n")
    }
}

impl From<Vec<Line>> for Page {
    fn from(lines: Vec<Line>) -> Page {
        Page { lines }
    }
}

/// Where and when a page is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct View {
    pub now: DateTime<Utc>,
    pub zone: Zone,
}

impl View {
    /// Here and now: this process's clock and local time zone.
    pub fn here() -> View {
        View {
            now: Utc::now(),
            zone: Zone::Local,
        }
    }

    fn write(&self, piece: &Piece) -> String {
        match piece {
            Piece::Text(text) => text.clone(),
            Piece::At(at) => moment(*at, self.zone.offset_at(*at)),
            Piece::Until(at) => until(self.now, *at),
            Piece::Stamp(at) => stamp(*at, self.zone.offset_at(*at)),
        }
    }
}

/// The reader's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// chrono's `Local`: `TZ`, else the system's zone.
    Local,
    Fixed(FixedOffset),
}

impl Zone {
    /// The offset from UTC at `at`: asked for each time, since summer time moves it.
    pub fn offset_at(self, at: DateTime<Utc>) -> FixedOffset {
        match self {
            Zone::Local => Local.offset_from_utc_datetime(&at.naive_utc()).fix(),
            Zone::Fixed(offset) => offset,
        }
    }
}

/// `2026-12-07 20:00 UTC (21:00 local time, +01:00)`; the local date too when it is not
/// UTC's; UTC alone when the local zone is UTC.
pub fn moment(at: DateTime<Utc>, offset: FixedOffset) -> String {
    let utc = messages::time(at);
    if offset.local_minus_utc() == 0 {
        return utc;
    }
    let local = at.with_timezone(&offset);
    let date = if local.date_naive() == at.date_naive() {
        ""
    } else {
        "%Y-%m-%d "
    };
    // As precise as the UTC time beside it.
    let time = if at.second() == 0 {
        "%H:%M"
    } else {
        "%H:%M:%S"
    };
    format!(
        "{utc} ({} local time, {})",
        local.format(&format!("{date}{time}")),
        local.format("%:z")
    )
}

/// A history line's time: local with its offset, or UTC when that is the local zone.
pub fn stamp(at: DateTime<Utc>, offset: FixedOffset) -> String {
    if offset.local_minus_utc() == 0 {
        return at.format("%Y-%m-%d %H:%M:%S UTC").to_string();
    }
    at.with_timezone(&offset)
        .format("%Y-%m-%d %H:%M:%S %:z")
        .to_string()
}

/// "in 5 days 3 hours", "in 2 hours 5 minutes", "in less than a minute": the two largest
/// units, rounded down; "due now" once the time has come.
pub fn until(now: DateTime<Utc>, at: DateTime<Utc>) -> String {
    let seconds = (at - now).num_seconds();
    if seconds <= 0 {
        return "due now".to_string();
    }
    let (days, hours, minutes) = (seconds / 86_400, seconds / 3_600 % 24, seconds / 60 % 60);
    let amount = |count: i64, unit: &str| match count {
        1 => format!("1 {unit}"),
        _ => format!("{count} {unit}s"),
    };
    let words = match (days, hours, minutes) {
        (0, 0, 0) => "less than a minute".to_string(),
        (0, 0, minutes) => amount(minutes, "minute"),
        (0, hours, 0) => amount(hours, "hour"),
        (0, hours, minutes) => format!("{} {}", amount(hours, "hour"), amount(minutes, "minute")),
        (days, 0, _) => amount(days, "day"),
        (days, hours, _) => format!("{} {}", amount(days, "day"), amount(hours, "hour")),
    };
    format!("in {words}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("a test time")
            .with_timezone(&Utc)
    }

    fn offset(hours: i32, minutes: i32) -> FixedOffset {
        let sign = if hours < 0 { -1 } else { 1 };
        FixedOffset::east_opt(hours * 3600 + sign * minutes * 60).expect("a test offset")
    }

    #[test]
    fn key_times_are_given_in_utc_and_local_time() {
        for (at, (hours, minutes), expected) in [
            ("2026-12-07T20:00:00Z", (0, 0), "2026-12-07 20:00 UTC"),
            (
                "2026-12-07T20:00:00Z",
                (1, 0),
                "2026-12-07 20:00 UTC (21:00 local time, +01:00)",
            ),
            (
                "2026-12-07T20:00:05Z",
                (1, 0),
                "2026-12-07 20:00:05 UTC (21:00:05 local time, +01:00)",
            ),
            (
                "2026-12-07T23:30:00Z",
                (1, 0),
                "2026-12-07 23:30 UTC (2026-12-08 00:30 local time, +01:00)",
            ),
            (
                "2026-12-07T02:00:00Z",
                (-5, 0),
                "2026-12-07 02:00 UTC (2026-12-06 21:00 local time, -05:00)",
            ),
            (
                "2026-12-07T20:00:00Z",
                (5, 30),
                "2026-12-07 20:00 UTC (2026-12-08 01:30 local time, +05:30)",
            ),
        ] {
            assert_eq!(moment(utc(at), offset(hours, minutes)), expected, "{at}");
        }
    }

    #[test]
    fn history_times_are_local_with_their_offset() {
        for (at, hours, expected) in [
            ("2026-12-07T20:00:05Z", 0, "2026-12-07 20:00:05 UTC"),
            ("2026-12-07T20:00:05Z", 1, "2026-12-07 21:00:05 +01:00"),
            ("2026-12-07T23:30:00Z", 2, "2026-12-08 01:30:00 +02:00"),
            ("2026-12-07T01:00:00Z", -3, "2026-12-06 22:00:00 -03:00"),
        ] {
            assert_eq!(stamp(utc(at), offset(hours, 0)), expected, "{at}");
        }
    }

    #[test]
    fn time_left_in_its_two_largest_units() {
        let now = utc("2026-12-02T16:59:30Z");
        for (at, expected) in [
            ("2026-12-07T20:00:00Z", "in 5 days 3 hours"),
            ("2026-12-03T17:30:00Z", "in 1 day"),
            ("2026-12-03T18:30:00Z", "in 1 day 1 hour"),
            ("2026-12-02T19:04:30Z", "in 2 hours 5 minutes"),
            ("2026-12-02T17:59:30Z", "in 1 hour"),
            ("2026-12-02T18:58:30Z", "in 1 hour 59 minutes"),
            ("2026-12-02T17:00:30Z", "in 1 minute"),
            ("2026-12-02T17:00:00Z", "in less than a minute"),
            ("2026-12-02T16:59:30Z", "due now"),
            ("2026-12-01T00:00:00Z", "due now"),
        ] {
            assert_eq!(until(now, utc(at)), expected, "{at}");
        }
    }

    #[test]
    fn a_page_renders_its_times_for_the_reader() {
        let closes = utc("2026-12-07T20:00:00Z");
        let page = Page::from(vec![
            Line::default().text("#3 motion by @bob: open"),
            Line::default()
                .text("    closes ")
                .at(closes)
                .text(", ")
                .until(closes),
            Line::default()
                .stamp(utc("2026-12-02T10:00:00Z"))
                .text("  proposed"),
        ]);
        let in_paris = View {
            now: utc("2026-12-02T16:59:30Z"),
            zone: Zone::Fixed(offset(1, 0)),
        };
        assert_eq!(
            page.render(&in_paris),
            "#3 motion by @bob: open\n    closes 2026-12-07 20:00 UTC (21:00 local time, +01:00), in 5 days 3 hours\n2026-12-02 11:00:00 +01:00  proposed"
        );
        let travelled: Page =
            serde_json::from_str(&serde_json::to_string(&page).expect("a page serialises"))
                .expect("a page parses");
        assert_eq!(travelled, page, "a page crosses the socket unchanged");
        assert_eq!(Page::text("a\nb").render(&in_paris), "a\nb");
    }
}
