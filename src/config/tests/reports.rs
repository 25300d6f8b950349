//! `[reports]`: one row per mistake, and the values a good section gives.

use super::{check, parse};
use crate::config::ReportsConfig;
use crate::governance::ActionKind;
use std::time::Duration;

#[test]
fn reports_sections_are_accepted_or_refused_at_the_right_line() {
    let cases: &[(&str, Result<(), &str>)] = &[
        ("[reports]\n", Ok(())),
        (GOOD, Ok(())),
        ("[reports]\nwatch = true\npoll_every = \"1m\"\nopen_after = 1\nwithin = \"1h\"\n", Ok(())),
        ("[reports]\npropose = \"suspend\"\nresolve = false\n", Ok(())),
        // unknown keys
        ("[reports]\nwatch = true\nwatched = true\n", Err("bot.toml:5: reports.watched is not a known key; expected one of `watch`, `poll_every`, `open_after`, `within`, `propose`, `resolve`")),
        ("[report]\nwatch = true\n", Err("bot.toml:3: report is not a known key")),
        ("[[reports]]\nwatch = true\n", Err("bot.toml:3: reports must be a table, [reports], not an array of tables")),
        // watch and resolve
        ("[reports]\nwatch = \"yes\"\n", Err(r#"bot.toml:4: reports.watch is the string "yes", but must be a boolean"#)),
        ("[reports]\nwatch = 1\n", Err("bot.toml:4: reports.watch is the integer `1`, but must be a boolean")),
        ("[reports]\nresolve = \"true\"\n", Err(r#"bot.toml:4: reports.resolve is the string "true", but must be a boolean"#)),
        // poll_every
        ("[reports]\npoll_every = \"30s\"\n", Err(r#"bot.toml:4: reports.poll_every "30s" is shorter than a minute; the bot reads reports at most once a minute, so that members' votes keep the instance's rate limit: write "1m" or more, like poll_every = "5m""#)),
        ("[reports]\npoll_every = \"0\"\n", Err(r#"bot.toml:4: reports.poll_every "0" is shorter than a minute"#)),
        ("[reports]\npoll_every = 0\n", Err(r#"bot.toml:4: reports.poll_every "0" is shorter than a minute"#)),
        ("[reports]\npoll_every = \"59s\"\n", Err("bot.toml:4: reports.poll_every \"59s\" is shorter than a minute")),
        ("[reports]\npoll_every = \"60s\"\n", Ok(())),
        ("[reports]\npoll_every = \"5 minutes\"\n", Err(r#"bot.toml:4: reports.poll_every "5 minutes" is not a duration; write a number and a unit, like "90m", "48h" or "6d""#)),
        ("[reports]\npoll_every = 5\n", Err(r#"bot.toml:4: reports.poll_every: 5 has no unit; write a number and a unit, like "5m""#)),
        ("[reports]\npoll_every = \"400d\"\n", Err(r#"bot.toml:4: reports.poll_every "400d" is longer than a year"#)),
        // open_after
        ("[reports]\nopen_after = 0\n", Err("bot.toml:4: reports.open_after is 0; a case needs at least one member's report, like open_after = 3")),
        ("[reports]\nopen_after = -3\n", Err("bot.toml:4: reports.open_after is -3; a case needs at least one member's report")),
        ("[reports]\nopen_after = \"3\"\n", Err(r#"bot.toml:4: reports.open_after is the string "3", but must be a whole number"#)),
        ("[reports]\nopen_after = 2.5\n", Err("bot.toml:4: reports.open_after is the floating point `2.5`, but must be a whole number")),
        // within
        ("[reports]\nwithin = \"0\"\n", Err(r#"bot.toml:4: reports.within "0" must be longer than zero; write a number and a unit, like "90m""#)),
        ("[reports]\nwithin = \"a week\"\n", Err(r#"bot.toml:4: reports.within "a week" is not a duration"#)),
        ("[reports]\nwithin = 7\n", Err(r#"bot.toml:4: reports.within: 7 has no unit; write a number and a unit, like "7m", "7h" or "7d""#)),
        // propose
        ("[reports]\npropose = \"limit\"\n", Err(r#"bot.toml:4: reports.propose "limit" is not an action a case can propose; use "suspend" or "silence""#)),
        ("[reports]\npropose = \"unblock\"\n", Err(r#"bot.toml:4: reports.propose "unblock" is not an action a case can propose; use "suspend" or "silence""#)),
        ("[reports]\npropose = \"Silence\"\n", Err(r#"bot.toml:4: reports.propose "Silence" is not an action a case can propose"#)),
        ("[reports]\npropose = [\"silence\"]\n", Err("bot.toml:4: reports.propose is the sequence, but must be a string")),
    ];
    for (rest, expected) in cases {
        check(rest, *expected);
    }
}

/// SPEC §11's example, every key written, none at its default but watch.
const GOOD: &str = r#"
[reports]
watch = true
poll_every = "10m"
open_after = 5
within = "3d"
propose = "suspend"
resolve = false
"#;

#[test]
fn a_good_reports_section_sets_every_value() {
    let config = parse(GOOD);
    let expected = ReportsConfig {
        watch: true,
        poll_every: Duration::from_secs(600),
        open_after: 5,
        within: Duration::from_secs(3 * 86_400),
        propose: ActionKind::Suspend,
        resolve: false,
    };
    assert_eq!(config.reports.as_ref(), Some(&expected));
    assert_eq!(config.watched_reports(), Some(&expected));
    assert_eq!(expected.warning(), None);
}

#[test]
fn a_bare_reports_section_takes_the_defaults_and_watches_nothing() {
    let config = parse("[reports]\n");
    let expected = ReportsConfig {
        watch: false,
        poll_every: Duration::from_secs(300),
        open_after: 3,
        within: Duration::from_secs(7 * 86_400),
        propose: ActionKind::Silence,
        resolve: true,
    };
    assert_eq!(config.reports.as_ref(), Some(&expected));
    assert_eq!(config.watched_reports(), None);
    let warning = expected.warning().expect("a warning");
    assert!(
        warning
            .starts_with("[reports] has watch = false, so the bot does not read members' reports")
            && warning.contains("set watch = true"),
        "{warning}"
    );
    // watching with the defaults is SPEC §11's example, and says nothing more
    let watched = parse("[reports]\nwatch = true\n");
    let watching = ReportsConfig {
        watch: true,
        ..expected
    };
    assert_eq!(watched.watched_reports(), Some(&watching));
    assert_eq!(watching.warning(), None);
}

#[test]
fn without_a_reports_section_no_report_is_read() {
    assert_eq!(parse("").reports, None);
    assert_eq!(parse(super::FULL).watched_reports(), None);
}
