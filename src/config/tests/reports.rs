//! `[reports]`, `[rules.ratify]` and `[appeals]`: one row per mistake, and the values a
//! good section gives.

use super::{check, parse};
use crate::config::{Config, ReportsConfig};
use crate::governance::reports::ReportSettings;
use crate::governance::{ActionKind, Method, Quorum, Rule};
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
        ("[reports]\npoll_every = \"4s\"\n", Err(r#"bot.toml:4: reports.poll_every "4s" is shorter than 5 seconds; the bot reads reports at most that often, so that members' votes keep the instance's rate limit: write "5s" or more, like poll_every = "5m""#)),
        ("[reports]\npoll_every = \"0\"\n", Err(r#"bot.toml:4: reports.poll_every "0" is shorter than 5 seconds"#)),
        ("[reports]\npoll_every = 0\n", Err(r#"bot.toml:4: reports.poll_every "0" is shorter than 5 seconds"#)),
        ("[reports]\npoll_every = \"2s\"\n", Err("bot.toml:4: reports.poll_every \"2s\" is shorter than 5 seconds")),
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
        cases: ReportSettings {
            open_after: 5,
            within: Duration::from_secs(3 * 86_400),
            propose: ActionKind::Suspend,
            resolve: false,
        },
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
        cases: ReportSettings {
            open_after: 3,
            within: Duration::from_secs(7 * 86_400),
            propose: ActionKind::Silence,
            resolve: true,
        },
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

#[test]
fn ratify_and_appeals_sections_are_accepted_or_refused_at_the_right_line() {
    let cases: &[(&str, Result<(), &str>)] = &[
        ("[rules.ratify]\n", Ok(())),
        ("[rules.ratify]\nmethod = \"consent\"\nquorum = 0\nmax_blocks = 0\nblock_override_ratio = 9\n", Ok(())),
        ("[rules.ratify]\nmethod = \"majority\"\nquorum = 3\nthreshold = 0.66\n", Ok(())),
        ("[appeals]\n", Ok(())),
        ("[appeals]\nwithin = \"0\"\n", Ok(())),
        ("[appeals]\nwithin = 0\n", Ok(())),
        ("[appeals]\nwithin = \"90d\"\n", Ok(())),
        // [rules.ratify] is any rule, checked as the others
        ("[rules.ratify]\nmethod = \"veto\"\n", Err(r#"bot.toml:4: rules.ratify.method "veto" is not a method; use "consensus", "consent" or "majority""#)),
        ("[rules.ratify]\nquorom = 1\n", Err("bot.toml:4: rules.ratify.quorom is not a known key; expected one of `method`, `quorum`")),
        ("[rules.ratify]\nthreshold = 1\n", Err("bot.toml:4: rules.ratify.threshold is 1; write a share from 0 up to (not including) 1, like 0.5")),
        ("[rules.ratify]\nmax_blocks = -1\n", Err("bot.toml:4: rules.ratify.max_blocks is -1; write a whole number from 0 up")),
        ("[rules.ratify]\nblock_override_ratio = -9\n", Err("bot.toml:4: rules.ratify.block_override_ratio is -9; write a positive number, like 9")),
        ("[rules.ratify]\nquorum = \"20%\"\n", Err(r#"bot.toml:4: rules.ratify.quorum "20%" is a share of the roster, but membership.voters is not "roster""#)),
        ("[membership]\nvoters = \"roster\"\nroster_file = \"m.txt\"\n[rules.ratify]\nquorum = \"20%\"\n", Ok(())),
        ("[rules.ratify]\nquorum = \"3\"\n", Err(r#"bot.toml:4: rules.ratify.quorum "3" is a number in quotes"#)),
        ("[rules]\nratify = 3\n", Err("bot.toml:4: rules.ratify is the integer `3`, but must be a table")),
        // a ratification the jury decides must be one a jury can pass
        ("[jury]\nsize = 5\n[rules.ratify]\nquorum = 5\n", Ok(())),
        ("[jury]\nsize = 5\n[rules.ratify]\nquorum = 6\n", Err("bot.toml:6: rules.ratify.quorum 6 is more than jury.size 5, and the jury decides the ratification of an urgent suspend or silence, so it could never pass and the urgent action would always be undone; lower the quorum in [rules.ratify] or seat more jurors")),
        ("[jury]\nsize = 5\ndecides = [\"silence\", \"motion\"]\n[rules.ratify]\nquorum = 6\n", Err("bot.toml:7: rules.ratify.quorum 6 is more than jury.size 5, and the jury decides the ratification of an urgent silence, so it could never pass")),
        ("[jury]\nsize = 5\ndecides = [\"unblock\"]\n[rules.ratify]\nquorum = 6\n", Ok(())),
        ("[membership]\nvoters = \"roster\"\nroster_file = \"m.txt\"\n[jury]\n[rules.ratify]\nquorum = \"20%\"\n", Err(r#"bot.toml:8: rules.ratify.quorum "20%" is a share of the roster, but the jury decides the ratification of an urgent suspend or silence, and a jury's quorum is a number of jurors; write one up to jury.size 5, like quorum = 0"#)),
        // [appeals]
        ("[appeals]\nwithin = \"30 days\"\n", Err(r#"bot.toml:4: appeals.within "30 days" is not a duration; write a number and a unit, like "90m", "48h" or "6d""#)),
        ("[appeals]\nwithin = 30\n", Err(r#"bot.toml:4: appeals.within: 30 has no unit; write a number and a unit, like "30m", "30h" or "30d""#)),
        ("[appeals]\nwithin = \"2y\"\n", Err(r#"bot.toml:4: appeals.within "2y" is not a duration"#)),
        ("[appeals]\nwithin = \"400d\"\n", Err(r#"bot.toml:4: appeals.within "400d" is longer than a year; write at most "365d""#)),
        ("[appeals]\nwithin = false\n", Err(r#"bot.toml:4: appeals.within is the boolean `false`, but must be a duration, like "90m""#)),
        ("[appeals]\nwithin = \"30d\"\nby = \"members\"\n", Err("bot.toml:5: appeals.by is not a known key; expected `within`")),
        ("[appeal]\nwithin = \"30d\"\n", Err("bot.toml:3: appeal is not a known key")),
    ];
    for (rest, expected) in cases {
        check(rest, *expected);
    }
}

#[test]
fn ratify_takes_what_it_leaves_out_from_its_own_base_not_the_default_rule() {
    // Without [rules.ratify]: consent, no quorum, no block unless overridden 9 to 1.
    let config = parse("");
    assert_eq!(config.rules.ratify, Rule::ratify());
    let base = Rule::ratify();
    assert_eq!(base.method, Method::Consent);
    assert_eq!(base.quorum, Quorum::Voters(0));
    assert_eq!((base.threshold, base.max_blocks), (0.5, 0));
    assert_eq!(base.block_override_ratio, Some(9.0));
    // [rules.default] changes every kind's rule, but not the ratification's.
    let text = "[rules.default]\nmethod = \"majority\"\nquorum = 10\nthreshold = 0.75\n\
                max_blocks = 2\nblock_override_ratio = 0\n\n[rules.ratify]\nquorum = 4\n";
    let config = parse(text);
    assert_eq!(config.rules.default.method, Method::Majority);
    let expected = Rule {
        quorum: Quorum::Voters(4),
        ..Rule::ratify()
    };
    assert_eq!(config.rules.ratify, expected);
    assert_eq!(parse("[rules.default]\nquorum = 10\n").rules.ratify, base);
    // block_override_ratio = 0 turns the ratification's override off
    let off = parse("[rules.ratify]\nblock_override_ratio = 0\n")
        .rules
        .ratify;
    assert_eq!(off.block_override_ratio, None);
}

#[test]
fn appeals_last_thirty_days_unless_said_otherwise_and_zero_turns_them_off() {
    let day = Duration::from_secs(86_400);
    assert_eq!(parse("").appeals_within, Some(30 * day));
    assert_eq!(parse("[appeals]\n").appeals_within, Some(30 * day));
    assert_eq!(
        parse("[appeals]\nwithin = \"14d\"\n").appeals_within,
        Some(14 * day)
    );
    assert_eq!(parse("[appeals]\nwithin = \"0\"\n").appeals_within, None);
    assert_eq!(parse("[appeals]\nwithin = \"0d\"\n").appeals_within, None);
    assert_eq!(parse("[appeals]\nwithin = 0\n").appeals_within, None);
}

/// The shipped bot.toml shows `[reports]`, `[rules.ratify]` and `[appeals]` commented
/// out; uncommenting them, with the jury or without, must just work and change nothing
/// but turning reports on: the other two show their defaults.
#[test]
fn uncommenting_reports_ratify_and_appeals_in_the_shipped_bot_toml_gives_their_defaults() {
    let (text, path) = super::shipped();
    let shipped = Config::parse(&text, path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        shipped.reports, None,
        "reports are an example, not on by default"
    );
    let mut edited = text.clone();
    for header in ["[reports]", "[rules.ratify]", "[appeals]"] {
        edited = super::uncomment(&edited, header);
        assert!(edited.contains(&format!("\n{header}\n")), "{edited}");
    }
    let with_jury = super::uncomment(&edited, "[jury]");
    for edited in [edited, with_jury] {
        let config = Config::parse(&edited, path).unwrap_or_else(|e| panic!("{e}\n{edited}"));
        let watched = parse("[reports]\nwatch = true\n").reports;
        assert_eq!(config.reports, watched);
        assert_eq!(config.rules.ratify, Rule::ratify());
        assert_eq!(config.appeals_within, shipped.appeals_within);
        assert_eq!(
            config.appeals_within,
            Some(Duration::from_secs(30 * 86_400))
        );
    }
}
