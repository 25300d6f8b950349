//! `[jury]` and `[rules.jury]`: one row per mistake, and the values a good section gives.

use super::{check, parse};
use crate::config::{JuryConfig, JuryPool, JURY_RULE};
use crate::governance::jury::WhenShort;
use crate::governance::{ActionKind, Method, Quorum};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

#[test]
fn jury_sections_are_accepted_or_refused_at_the_right_line() {
    let cases: &[(&str, Result<(), &str>)] = &[
        ("[jury]\n", Ok(())),
        (GOOD, Ok(())),
        ("[jury]\npool = \"roster\"\npool_file = \"jury.txt\"\n", Ok(())),
        ("[jury]\ndecides = []\n", Ok(())),
        ("[jury]\nsize = 1\n[rules.jury]\nquorum = 1\n", Ok(())),
        // unknown keys
        ("[jury]\nsize = 5\njurors = 3\n", Err("bot.toml:5: jury.jurors is not a known key; expected one of `pool`, `pool_file`, `size`")),
        ("[jury]\n[rules.jury]\nquorom = 3\n", Err("bot.toml:5: rules.jury.quorom is not a known key")),
        ("[[jury]]\nsize = 3\n", Err("bot.toml:3: jury must be a table, [jury], not an array of tables")),
        // the pool
        ("[jury]\npool = \"everyone\"\n", Err(r#"bot.toml:4: jury.pool "everyone" is not a kind of pool; use "volunteers" or "roster""#)),
        ("[jury]\npool = \"roster\"\n", Err(r#"bot.toml:4: jury.pool = "roster" needs pool_file, the accts that may be drawn, one per line"#)),
        ("[jury]\npool_file = \"jury.txt\"\n", Err(r#"bot.toml:4: jury.pool_file is only read when pool = "roster""#)),
        ("[jury]\npool = \"volunteers\"\npool_file = \"jury.txt\"\n", Err(r#"bot.toml:5: jury.pool_file is only read when pool = "roster""#)),
        ("[jury]\npool = \"roster\"\npool_file = \" \"\n", Err("bot.toml:5: jury.pool_file is empty")),
        // size
        ("[jury]\nsize = 0\n", Err("bot.toml:4: jury.size is 0; seat at least one juror, like size = 5")),
        ("[jury]\nsize = -2\n", Err("bot.toml:4: jury.size is -2; seat at least one juror")),
        ("[jury]\nsize = \"5\"\n", Err("bot.toml:4: jury.size is the string \"5\", but must be a whole number")),
        // durations
        ("[jury]\nconsent_within = \"1 day\"\n", Err(r#"bot.toml:4: jury.consent_within "1 day" is not a duration; write a number and a unit"#)),
        ("[jury]\nconsent_within = \"0\"\n", Err(r#"bot.toml:4: jury.consent_within "0" must be longer than zero"#)),
        ("[jury]\nduration = 3\n", Err(r#"bot.toml:4: jury.duration: 3 has no unit"#)),
        ("[jury]\nduration = \"0h\"\n", Err(r#"bot.toml:4: jury.duration "0h" must be longer than zero"#)),
        ("[jury]\nduration = \"31d\"\n", Err(r#"bot.toml:4: jury.duration "31d" is longer than proposals.max_duration (30d); a jury votes at most as long as any proposal may run"#)),
        ("[proposals]\nmax_duration = \"2d\"\nurgent_min_duration = \"1d\"\nmin_duration = \"1d\"\ndefault_duration = \"1d\"\n\n[jury]\nsize = 5\n", Err(r#"bot.toml:9: jury.duration "3d" (the default) is longer than proposals.max_duration (2d)"#)),
        // a jury may vote for less than min_duration: its members were asked in person
        ("[jury]\nduration = \"90m\"\nconsent_within = \"30s\"\n", Ok(())),
        // decides
        ("[jury]\ndecides = [\"suspend\", \"block\"]\n", Err(r#"bot.toml:4: jury.decides "block" is not an action kind; use "suspend", "silence", "unblock" or "motion""#)),
        ("[jury]\ndecides = \"suspend\"\n", Err("bot.toml:4: jury.decides is the string \"suspend\", but must be a list")),
        // when_short
        ("[jury]\nwhen_short = \"wait\"\n", Err(r#"bot.toml:4: jury.when_short "wait" is not what to do when the pool runs out; use "members" or "cancel""#)),
        // [rules.jury]
        ("[rules.jury]\nquorum = 3\n", Err("bot.toml:3: [rules.jury] says how a jury decides, but there is no [jury] table, so no jury is ever drawn; add [jury]")),
        ("[rules.default]\nquorum = 1\n\n[rules.jury]\nquorum = 3\n", Err("bot.toml:6: [rules.jury] says how a jury decides, but there is no [jury] table")),
        ("[jury]\n[rules.jury]\nmethod = \"lottery\"\n", Err(r#"bot.toml:5: rules.jury.method "lottery" is not a method; use "consensus""#)),
        ("[jury]\n[rules.jury]\nthreshold = 1.5\n", Err("bot.toml:5: rules.jury.threshold is 1.5; write a share from 0 up to (not including) 1")),
        ("[jury]\n[rules.jury]\nquorum = \"50%\"\n", Err(r#"bot.toml:5: rules.jury.quorum "50%" is a share of the roster, but a jury's quorum is a number of jurors; write one up to jury.size, like 4"#)),
        ("[jury]\nsize = 5\n[rules.jury]\nquorum = 6\n", Err("bot.toml:6: rules.jury.quorum 6 is more than jury.size 5, so a jury could never decide; seat more jurors or lower the quorum in [rules.jury]")),
        ("[jury]\nsize = 3\n", Err("bot.toml:4: rules.jury.quorum 4 (the default) is more than jury.size 3")),
    ];
    for (rest, expected) in cases {
        check(rest, *expected);
    }
}

/// SPEC §10's example, every key written.
const GOOD: &str = r#"
[jury]
pool = "roster"
pool_file = "jurors.txt"
size = 7
consent_within = "12h"
duration = "2d"
decides = ["suspend", "motion", "suspend"]
when_short = "cancel"

[rules.jury]
method = "consent"
quorum = 5
max_blocks = 1
"#;

#[test]
fn a_good_jury_section_sets_every_value() {
    let config = parse(GOOD);
    let jury = config.jury.expect("a jury");
    let file = PathBuf::from("/etc/coopgov/jurors.txt");
    assert_eq!(jury.pool, JuryPool::Roster { file });
    assert_eq!(jury.size, 7);
    assert_eq!(jury.consent_within, Duration::from_secs(12 * 3600));
    assert_eq!(jury.duration, Duration::from_secs(2 * 86_400));
    let kinds = BTreeSet::from([ActionKind::Suspend, ActionKind::Motion]);
    assert_eq!(jury.decides, kinds);
    assert_eq!(jury.when_short, WhenShort::Cancel);
    // what [rules.jury] leaves out comes from the jury's own default, not [rules.default]
    assert_eq!(jury.rule.method, Method::Consent);
    assert_eq!(jury.rule.quorum, Quorum::Voters(5));
    assert_eq!(jury.rule.max_blocks, 1);
    assert_eq!(jury.rule.block_override_ratio, None);
    assert_eq!(jury.warning(), None);
    // the members' rules are untouched by [rules.jury]
    assert_eq!(config.rules.default, crate::governance::Rule::social_coop());
}

#[test]
fn a_bare_jury_section_takes_the_values_of_spec_section_10() {
    let jury = parse("[jury]\n").jury.expect("a jury");
    let expected = JuryConfig {
        pool: JuryPool::Volunteers,
        size: 5,
        consent_within: Duration::from_secs(86_400),
        duration: Duration::from_secs(3 * 86_400),
        decides: BTreeSet::from([ActionKind::Suspend, ActionKind::Silence]),
        when_short: WhenShort::Members,
        rule: JURY_RULE,
    };
    assert_eq!(jury, expected);
    assert_eq!(JURY_RULE.method, Method::Consensus);
    assert_eq!(JURY_RULE.quorum, Quorum::Voters(4));
    assert_eq!((JURY_RULE.threshold, JURY_RULE.max_blocks), (0.5, 0));
    // block_override_ratio = 0 is the written form of "no override"
    let written = parse("[jury]\n[rules.jury]\nblock_override_ratio = 0\n");
    assert_eq!(written.jury.map(|jury| jury.rule), Some(JURY_RULE));
}

#[test]
fn without_a_jury_section_there_is_no_jury() {
    assert_eq!(parse("").jury, None);
    assert_eq!(parse(super::FULL).jury, None);
}

#[test]
fn a_jury_that_decides_nothing_is_allowed_with_a_warning() {
    let jury = parse("[jury]\ndecides = []\n").jury.expect("a jury");
    assert!(jury.decides.is_empty());
    let warning = jury.warning().expect("a warning");
    assert!(
        warning.contains("every proposal still goes to all members"),
        "{warning}"
    );
}

/// The shipped bot.toml shows `[jury]` commented out; uncommenting it must just work and
/// give SPEC §10's jury.
#[test]
fn uncommenting_the_jury_in_the_shipped_bot_toml_gives_spec_section_10s_jury() {
    let (text, path) = super::shipped();
    let shipped = crate::config::Config::parse(&text, path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        shipped.jury, None,
        "the jury is an example, not on by default"
    );
    let edited = super::uncomment(&text, "[jury]");
    assert!(edited.contains("\n[jury]\n"), "{edited}");
    assert!(edited.contains("\n[rules.jury]"), "{edited}");
    let config =
        crate::config::Config::parse(&edited, path).unwrap_or_else(|e| panic!("{e}\n{edited}"));
    let jury = config.jury.expect("a jury");
    assert_eq!(jury, parse("[jury]\n").jury.expect("a jury"));
    assert_eq!(jury.rule, JURY_RULE);
}
