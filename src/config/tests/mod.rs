//! Table tests for `bot.toml`: each case is a file and the expected outcome.
//! (Over 400 lines: one row per mistake an admin can make in `bot.toml`.)

use super::*;
use crate::governance::{Method, Quorum};

mod advice;
mod jury;
mod publish;
mod reports;
mod settings;

/// The smallest valid file; cases append to it, so their lines start at 3.
const MINIMAL: &str = "[instance]\nurl = \"https://social.example\"\n";

/// Parses `MINIMAL` + `rest` as `bot.toml`; `Ok(())` or a substring of the error.
fn check(rest: &str, expected: Result<(), &str>) {
    let text = format!("{MINIMAL}{rest}");
    let result = Config::parse(&text, Path::new("bot.toml"));
    match (result, expected) {
        (Ok(_), Ok(())) => {}
        (Err(error), Err(wanted)) => {
            let shown = error.to_string();
            assert!(
                shown.contains(wanted),
                "for\n{text}\nwanted {wanted:?}\n   got {shown:?}"
            );
        }
        (Ok(config), Err(wanted)) => panic!("for\n{text}\nwanted {wanted:?}, got {config:?}"),
        (Err(error), Ok(())) => panic!("for\n{text}\nwanted Ok, got {error}"),
    }
}

/// The shipped bot.toml, and its path.
pub(crate) fn shipped() -> (String, &'static Path) {
    let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/bot.toml"));
    (std::fs::read_to_string(path).expect("the example"), path)
}

// The same reading of the examples as the end-to-end tests'.
#[path = "../../../tests/support/shipped.rs"]
mod shipped;
pub(crate) use shipped::uncomment;

fn parse(rest: &str) -> Config {
    let text = format!("{MINIMAL}{rest}");
    Config::parse(&text, Path::new("/etc/coopgov/bot.toml")).expect("valid config")
}

#[test]
fn files_are_accepted_or_refused_at_the_right_line() {
    let cases: &[(&str, Result<(), &str>)] = &[
        ("", Ok(())),
        (FULL, Ok(())),
        // unknown keys, anywhere
        ("colour = 1\n", Err("bot.toml:3: instance.colour is not a known key; expected one of `url`")),
        ("[instance]\n", Err("bot.toml:3: instance: invalid table header")),
        ("[storage]\npath = \"x\"\nsize = 3\n", Err("bot.toml:5: storage.size is not a known key")),
        ("[rules.defaults]\nquorum = 1\n", Err("bot.toml:3: rules.defaults is not a known key")),
        ("[rules.suspend]\nquorom = 1\n", Err("bot.toml:4: rules.suspend.quorom is not a known key")),
        ("[vocabulary]\nyes = [\"ok\"]\n", Err("bot.toml:4: vocabulary.yes is not a known key")),
        // wrong types and TOML syntax
        ("[membership]\nmin_account_age_days = \"3\"\n", Err("bot.toml:4: membership.min_account_age_days is the string \"3\", but must be a whole number")),
        ("[membership]\nguide_url = \"wiki/coopgov\"\n", Err(r#"bot.toml:4: membership.guide_url "wiki/coopgov" is not a web address; write it with https://"#)),
        ("[membership]\nworking_group = \"bob\"\n", Err("bot.toml:4: membership.working_group is the string \"bob\", but must be a list")),
        ("[rules.default]\nthreshold = \"half\"\n", Err("bot.toml:4: rules.default.threshold is the string \"half\", but must be a number")),
        ("[proposals]\nreceipts = true\n", Err("bot.toml:4: proposals.receipts is the boolean `true`, but must be a string")),
        ("[proposals]\nvisibility = \"public\n", Err("bot.toml:4: proposals.visibility: invalid basic string")),
        // the key serde was reading, not the one a line starts with
        ("[membership]\nworking_group = [\"a\",\n  2]\n", Err("bot.toml:5: membership.working_group is the integer `2`, but must be a string")),
        ("[rules]\ndefault = { method = 3 }\n", Err("bot.toml:4: rules.default.method is the integer `3`, but must be a string")),
        // durations
        ("[proposals]\nmin_duration = \"5x\"\n", Err(r#"bot.toml:4: proposals.min_duration "5x" is not a duration; write a number and a unit, like "90m", "48h" or "6d""#)),
        ("[proposals]\nmax_duration = \"d\"\n", Err("bot.toml:4: proposals.max_duration \"d\" is not a duration")),
        ("[proposals]\nmax_duration = \"1.5d\"\n", Err("bot.toml:4: proposals.max_duration \"1.5d\" is not a duration")),
        ("[proposals]\nmin_duration = \"7d\"\n", Err(r#"bot.toml:4: proposals.min_duration "7d" is longer than proposals.default_duration "6d" (the default)"#)),
        ("[proposals]\nmax_duration = \"3d\"\n", Err(r#"bot.toml:4: proposals.default_duration "6d" (the default) is longer than proposals.max_duration "3d""#)),
        ("[proposals]\nurgent_min_duration = \"7d\"\n", Err(r#"bot.toml:4: proposals.urgent_min_duration "7d" is longer than proposals.min_duration"#)),
        ("[proposals]\nmin_duration = \"0\"\n", Err(r#"bot.toml:4: proposals.min_duration "0" must be longer than zero"#)),
        ("[proposals]\nurgent_min_duration = \"0m\"\n", Err(r#"bot.toml:4: proposals.urgent_min_duration "0m" must be longer than zero"#)),
        ("[proposals]\nreminder_before = \"0\"\n", Ok(())),
        ("[proposals]\nreminder_before = 0\n", Ok(())),
        ("[proposals]\nmax_duration = 30\n", Err(r#"bot.toml:4: proposals.max_duration: 30 has no unit; write a number and a unit, like "30m", "30h" or "30d""#)),
        ("[proposals]\nmax_duration = true\n", Err(r#"bot.toml:4: proposals.max_duration is the boolean `true`, but must be a duration, like "90m""#)),
        ("[[rules]]\n", Err("bot.toml:3: rules must be a table, [rules], not an array of tables")),
        ("[proposals]\nmax_duration = \"400d\"\n", Err(r#"bot.toml:4: proposals.max_duration "400d" is longer than a year"#)),
        ("[proposals]\ndefault_duration = \"90m\"\nmin_duration = \"60m\"\nurgent_min_duration = \"30s\"\n", Ok(())),
        // choices
        ("[rules.default]\nmethod = \"unanimity\"\n", Err(r#"bot.toml:4: rules.default.method "unanimity" is not a method; use "consensus", "consent" or "majority""#)),
        ("[actions]\nmode = \"manual\"\n", Err(r#"bot.toml:4: actions.mode "manual" is not an action mode; use "auto", "confirm" or "dry_run""#)),
        ("[proposals]\nvisibility = \"direct\"\n", Err(r#"bot.toml:4: proposals.visibility "direct" is not a visibility; use "public" or "unlisted""#)),
        ("[proposals]\nfavourites_count_as = \"block\"\n", Err(r#"bot.toml:4: proposals.favourites_count_as "block" is not"#)),
        ("[proposals]\nreceipts = \"reply\"\n", Err(r#"bot.toml:4: proposals.receipts "reply" is not a kind of receipt; use "favourite" or "none""#)),
        ("[membership]\nvoters = \"everyone\"\n", Err(r#"bot.toml:4: membership.voters "everyone" is not a kind of voters"#)),
        ("[membership]\nproposers = \"anyone\"\n", Err(r#"bot.toml:4: membership.proposers "anyone" is not"#)),
        ("[vocabulary]\nmode = \"merge\"\n", Err(r#"bot.toml:4: vocabulary.mode "merge" is not a vocabulary mode; use "extend" or "replace""#)),
        // rules
        ("[rules.default]\nthreshold = 1\n", Err("bot.toml:4: rules.default.threshold is 1; write a share from 0 up to (not including) 1")),
        ("[rules.motion]\nthreshold = -0.1\n", Err("bot.toml:4: rules.motion.threshold is -0.1")),
        ("[rules.default]\nthreshold = 0\n", Ok(())),
        ("[rules.default]\nmax_blocks = -1\n", Err("bot.toml:4: rules.default.max_blocks is -1; write a whole number from 0 up")),
        ("[rules.default]\nblock_override_ratio = -2\n", Err("bot.toml:4: rules.default.block_override_ratio is -2; write a positive number")),
        ("[rules.default]\nblock_override_ratio = 0\n", Ok(())),
        ("[rules.suspend]\nsealed = true\n", Ok(())),
        ("[rules.suspend]\nsealed = \"yes\"\n", Err("bot.toml:4: rules.suspend.sealed is the string \"yes\", but must be a boolean")),
        ("[rules.default]\nquorum = \"20%\"\n", Err(r#"bot.toml:4: rules.default.quorum "20%" is a share of the roster, but membership.voters is not "roster""#)),
        ("[membership]\nvoters = \"roster\"\nroster_file = \"m.txt\"\n[rules.unblock]\nquorum = \"120%\"\n", Err(r#"bot.toml:7: rules.unblock.quorum "120%" is not a percentage"#)),
        ("[rules.suspend]\nquorum = \"ten\"\n", Err(r#"bot.toml:4: rules.suspend.quorum "ten" is neither a number of voters (like 10) nor a percentage of the roster (like "20%")"#)),
        ("[rules.suspend]\nquorum = \"10\"\n", Err(r#"bot.toml:4: rules.suspend.quorum "10" is a number in quotes; write a number of voters without them, like 10"#)),
        ("[rules.default]\nquorum = -3\n", Err("bot.toml:4: rules.default.quorum is -3")),
        ("[rules.default]\nquorum = 2.5\n", Err("bot.toml:4: rules.default.quorum must be a number of voters")),
        // membership and actions
        ("[membership]\nvoters = \"roster\"\n", Err(r#"bot.toml:4: membership.voters = "roster" needs roster_file"#)),
        ("[membership]\nroster_file = \"m.txt\"\n", Err(r#"bot.toml:4: membership.roster_file is only read when voters = "roster""#)),
        ("[membership]\nworking_group = [\"alice\", \"bob@evil.example\"]\n", Err(r#"bot.toml:4: membership.working_group "bob@evil.example": working_group names local accounts only"#)),
        ("[membership]\nworking_group = [\"@@bob\"]\n", Err("working_group names local accounts only")),
        ("[membership]\nworking_group = [\"\"]\n", Err("bot.toml:4: membership.working_group \"\": is not a username")),
        ("[membership]\nproposers = \"working_group\"\n", Err(r#"bot.toml:4: membership.proposers = "working_group" but membership.working_group is empty"#)),
        ("[actions]\nmode = \"confirm\"\n", Err(r#"bot.toml:4: actions.mode = "confirm" needs a working group"#)),
        ("[membership]\nworking_group = [\"alice\"]\n[actions]\nmode = \"confirm\"\n", Ok(())),
        // instance
        ("[storage]\npath = \"\"\n", Err("bot.toml:4: storage.path is empty")),
        // vocabulary
        ("[vocabulary]\nagree = [\"fully agree\"]\n", Err(r#"bot.toml:4: vocabulary.agree "fully agree" is not one word"#)),
        ("[vocabulary]\nagree = [\"ok\"]\nblock = [\"OK\"]\n", Err(r#"bot.toml:5: vocabulary.block "OK" is also listed under agree"#)),
        ("[vocabulary]\nmode = \"replace\"\nagree = [\"ok\"]\n", Err(r#"bot.toml:4: vocabulary.mode = "replace" leaves abstain with no words"#)),
        ("[vocabulary]\nagree = [\"oui/ja\"]\n", Err(r#"bot.toml:4: vocabulary.agree "oui/ja" contains '/'; ballots list the words"#)),
    ];
    for (rest, expected) in cases {
        check(rest, *expected);
    }
}

#[test]
fn the_instance_table_is_required_and_checked() {
    let cases: &[(&str, Result<(), &str>)] = &[
        ("", Err("bot.toml: has no [instance] table")),
        ("[storage]\n", Err("bot.toml: has no [instance] table")),
        (
            "colour = 1\n[instance]\n",
            Err("bot.toml:1: colour is not a known key; expected one of `instance`"),
        ),
        (
            "[instance]\nsoftware = \"pleroma\"\n",
            Err(r#"bot.toml:1: [instance] has no url; add url = "https://your.instance""#),
        ),
        (
            "[instance]\nurl = \"social.example\"\n",
            Err(r#"bot.toml:2: instance.url "social.example" is not a web address"#),
        ),
        (
            "[instance]\nurl = \"ftp://social.example\"\n",
            Err("bot.toml:2: instance.url \"ftp://social.example\" is not"),
        ),
        (
            "[instance]\nurl = \"https://\"\n",
            Err("bot.toml:2: instance.url"),
        ),
        ("[instance]\nurl = \"http://localhost:3000/\"\n", Ok(())),
        (
            "[instance]\nurl = \"https://a.example\"\nsoftware = \"misskey\"\n",
            Err(
                r#"bot.toml:3: instance.software "misskey" is not a supported platform; use "auto", "mastodon", "pleroma""#,
            ),
        ),
        (
            "[instance]\nurl = \"https://a.example\"\ntoken_env = \"T\"\ntoken_file = \"t.txt\"\n",
            Err("bot.toml:4: instance.token_env and instance.token_file are both set"),
        ),
        (
            "[instance]\nurl = \"https://a.example\"\ntoken_env = \"\"\n",
            Err("bot.toml:3: instance.token_env \"\" is not an environment variable's name"),
        ),
        (
            "[instance]\nurl = \"https://a.example\"\npoll_interval = \"0\"\n",
            Err("bot.toml:3: instance.poll_interval \"0\" must be longer than zero"),
        ),
        (
            "[instance]\nurl = \"https://a.example\"\ntoken = \"abc\"\n",
            Err("bot.toml:3: instance.token is not a known key"),
        ),
    ];
    for (text, expected) in cases {
        // `check` prepends MINIMAL, so these go straight to `parse`.
        let result = Config::parse(text, Path::new("bot.toml")).map(|_| ());
        match (result, expected) {
            (Ok(()), Ok(())) => {}
            (Err(error), Err(wanted)) => {
                assert!(error.to_string().contains(wanted), "{text}: {error}")
            }
            (result, expected) => panic!("{text}: wanted {expected:?}, got {result:?}"),
        }
    }
}

/// Every key set to something other than its default.
const FULL: &str = r#"
[storage]
path = "/var/lib/coopgov"

[membership]
voters = "roster"
roster_file = "members.txt"
min_account_age_days = 30
proposers = "working_group"
working_group = ["@Alice", "bob", "alice"]
guide_url = "https://wiki.social.example/coopgov/"

[proposals]
default_duration = "7d"
min_duration = "3d"
urgent_min_duration = "1d"
max_duration = "14d"
reminder_before = "0"
visibility = "unlisted"
favourites_count_as = "nothing"
receipts = "none"
block_requires_reason = false

[rules.default]
method = "consent"
quorum = "20%"
threshold = 0.6
max_blocks = 1
block_override_ratio = 0

[rules.suspend]
method = "majority"
quorum = 10

[actions]
mode = "dry_run"

[vocabulary]
mode = "replace"
agree = ["Oui", "👍"]
abstain = ["bof"]
disagree = ["non"]
block = ["veto", "🛑"]
"#;

#[test]
fn a_full_file_sets_every_value() {
    let config = parse(FULL);
    assert_eq!(config.instance.url, "https://social.example");
    assert_eq!(config.storage.path, PathBuf::from("/var/lib/coopgov"));
    let roster = PathBuf::from("/etc/coopgov/members.txt");
    assert_eq!(config.membership.voters, Voters::Roster { file: roster });
    assert_eq!(config.membership.min_account_age_days, 30);
    assert_eq!(config.membership.proposers, Proposers::WorkingGroup);
    assert_eq!(config.membership.working_group, ["Alice", "bob"]);
    assert_eq!(
        config.membership.guide_url.as_deref(),
        Some("https://wiki.social.example/coopgov")
    );
    assert!(config.membership.is_working_group("alice"));
    assert!(!config.membership.is_working_group("alice@evil.example"));
    let proposals = &config.proposals;
    assert_eq!(proposals.durations.default, Duration::from_secs(7 * 86_400));
    assert_eq!(proposals.durations.urgent_min, Duration::from_secs(86_400));
    assert_eq!(proposals.reminder_before, None);
    assert_eq!(proposals.visibility, Visibility::Unlisted);
    assert_eq!(proposals.favourites_count_as, None);
    assert!(!proposals.receipts && !proposals.block_requires_reason);
    let default = config.rules.default;
    assert_eq!(default.method, Method::Consent);
    assert_eq!(default.quorum, Quorum::PercentOfRoster(20.0));
    assert_eq!((default.threshold, default.max_blocks), (0.6, 1));
    assert_eq!(default.block_override_ratio, None);
    // a kind's rule takes what it leaves out from the default
    let suspend = config.rules.for_kind(ActionKind::Suspend);
    assert_eq!(
        (suspend.method, suspend.quorum),
        (Method::Majority, Quorum::Voters(10))
    );
    assert_eq!((suspend.threshold, suspend.max_blocks), (0.6, 1));
    assert_eq!(config.rules.for_kind(ActionKind::Motion), &default);
    assert_eq!(config.actions.mode, Mode::DryRun);
    assert!(config.vocabulary.replace);
    let words = config.vocabulary.words();
    assert_eq!(
        words[0],
        (Position::Agree, vec!["oui".to_owned(), "👍".to_owned()])
    );
    assert_eq!(words[3].0, Position::Block);
}

#[test]
fn a_minimal_file_takes_the_defaults_of_spec_section_7() {
    let config = parse("");
    assert_eq!(config.path, PathBuf::from("/etc/coopgov/bot.toml"));
    assert_eq!(config.instance.software, "auto");
    assert_eq!(
        config.instance.token,
        TokenSource::Env("COOPGOV_TOKEN".into())
    );
    assert_eq!(config.instance.poll_interval, Duration::from_secs(20));
    assert_eq!(
        config.storage.path,
        PathBuf::from("/etc/coopgov/coopgov.db")
    );
    assert_eq!(config.membership.voters, Voters::Local);
    assert_eq!(config.membership.proposers, Proposers::Members);
    assert!(config.membership.working_group.is_empty());
    let proposals = &config.proposals;
    assert_eq!(proposals.durations.min, Duration::from_secs(6 * 86_400));
    assert_eq!(proposals.durations.max, Duration::from_secs(30 * 86_400));
    assert_eq!(proposals.reminder_before, Some(Duration::from_secs(86_400)));
    assert_eq!(proposals.favourites_count_as, Some(Position::Agree));
    assert!(proposals.receipts && proposals.block_requires_reason);
    for kind in [
        ActionKind::Suspend,
        ActionKind::Silence,
        ActionKind::Unblock,
        ActionKind::Motion,
    ] {
        assert_eq!(config.rules.for_kind(kind), &Rule::social_coop());
    }
    assert_eq!(config.actions.mode, Mode::Auto);
    assert!(!config.vocabulary.replace);
    assert!(config
        .vocabulary
        .words()
        .iter()
        .all(|(_, words)| words.is_empty()));
}

#[test]
fn paths_are_resolved_against_the_config_folder() {
    let text = "[instance]\nurl = \"https://a.example/\"\ntoken_file = \"secret/token\"\n";
    let config = Config::parse(text, Path::new("bot.toml")).expect("valid");
    assert_eq!(config.instance.url, "https://a.example");
    assert_eq!(
        config.instance.token,
        TokenSource::File("secret/token".into())
    );
    assert_eq!(config.storage.path, PathBuf::from("coopgov.db"));
    let config = Config::parse(text, Path::new("conf/bot.toml")).expect("valid");
    assert_eq!(
        config.instance.token,
        TokenSource::File("conf/secret/token".into())
    );
}

#[test]
fn the_shipped_bot_toml_loads() {
    let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/bot.toml"));
    let config = Config::load(path).unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(config.instance.url, "https://social.example");
    assert_eq!(config.rules.default, Rule::social_coop());
    let suspend = config.rules.for_kind(ActionKind::Suspend);
    assert!(suspend.threshold >= 0.5 && suspend.max_blocks == 0);
    assert_eq!(config.membership.working_group, ["alice", "bob"]);
    assert_eq!(config.actions.mode, Mode::Auto);
    assert!(
        !suspend.sealed,
        "sealed ballots are the cooperative's choice"
    );
}

#[test]
fn uncommenting_sealed_in_the_shipped_bot_toml_seals_suspensions_only() {
    let (text, path) = shipped();
    let text = text.replace("# sealed = true", "sealed = true");
    let config = Config::parse(&text, path).unwrap_or_else(|error| panic!("{error}"));
    assert!(config.rules.for_kind(ActionKind::Suspend).sealed);
    assert!(!config.rules.for_kind(ActionKind::Silence).sealed);
}

/// `coopgov login` says to set token_file; doing that to the example must just work.
#[test]
fn uncommenting_token_file_in_the_shipped_bot_toml_follows_login_advice() {
    let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/bot.toml"));
    let text = std::fs::read_to_string(path).expect("the example");
    let edited = text.replace("# token_file = ", "token_file = ");
    assert_ne!(edited, text, "the example shows token_file");
    let config = Config::parse(&edited, path).unwrap_or_else(|error| panic!("{error}"));
    let expected = path.with_file_name("coopgov.token");
    assert_eq!(config.instance.token, TokenSource::File(expected));
}

#[test]
fn an_unreadable_file_names_the_file_and_what_to_do() {
    let error = Config::load(Path::new("/nonexistent/coopgov/bot.toml")).unwrap_err();
    let shown = error.to_string();
    assert!(
        shown.starts_with("/nonexistent/coopgov/bot.toml: cannot read"),
        "{shown}"
    );
    assert!(shown.contains("--config"), "{shown}");
}

#[test]
fn the_token_is_read_trimmed_and_never_shown() {
    let folder = std::env::temp_dir().join(format!("coopgov-config-{}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("temp folder");
    let file = folder.join("token");
    std::fs::write(&file, "  s3cret-token\n").expect("write token");
    let secret = TokenSource::File(file.clone()).read().expect("token");
    assert_eq!(secret.expose(), "s3cret-token");
    assert_eq!(format!("{secret:?}"), "[redacted]");
    std::fs::write(&file, " \n").expect("write token");
    let error = TokenSource::File(file.clone())
        .read()
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("is empty") && error.contains("token"),
        "{error}"
    );
    let error = TokenSource::File(folder.join("absent"))
        .read()
        .unwrap_err()
        .to_string();
    assert!(error.contains("cannot read the token file"), "{error}");
    let _ = std::fs::remove_dir_all(&folder);

    // a variable name no other test uses, so parallel tests do not race on it
    let name = "COOPGOV_CONFIG_TEST_TOKEN_VARIABLE";
    let error = TokenSource::Env(name.into())
        .read()
        .unwrap_err()
        .to_string();
    assert!(
        error.contains(name) && error.contains("is not set"),
        "{error}"
    );
    std::env::set_var(name, "\thunter2 ");
    let secret = TokenSource::Env(name.into()).read().expect("token");
    assert_eq!(secret.expose(), "hunter2");
    assert!(!format!("{secret:?}{:?}", TokenSource::Env(name.into())).contains("hunter2"));
    std::env::remove_var(name);
}

#[test]
fn an_instance_on_the_command_line_may_be_its_host_alone() {
    let cases: &[(&str, Result<&str, &str>)] = &[
        ("social.example", Ok("https://social.example")),
        ("social.example/", Ok("https://social.example")),
        (" social.example:8443 ", Ok("https://social.example:8443")),
        ("https://social.example/", Ok("https://social.example")),
        ("http://127.0.0.1:3000", Ok("http://127.0.0.1:3000")),
        (
            "https://social.example/mastodon",
            Ok("https://social.example/mastodon"),
        ),
        (
            "",
            Err(
                r#""" is not a web address; write it with https://, like "https://social.example", or give the host alone, like "social.example""#,
            ),
        ),
        (
            "ftp://social.example",
            Err(r#""ftp://social.example" is not a web address"#),
        ),
        ("social.example/mastodon", Err("is not a web address")),
        ("https://", Err("is not a web address")),
        ("social example", Err("is not a web address")),
        ("/social.example", Err("is not a web address")),
    ];
    for (typed, expected) in cases {
        match (instance_address(typed), expected) {
            (Ok(address), Ok(wanted)) => assert_eq!(&address, wanted, "{typed:?}"),
            (Err(error), Err(wanted)) => {
                assert!(error.to_string().contains(wanted), "{typed:?}: {error}")
            }
            (got, wanted) => panic!("{typed:?}: wanted {wanted:?}, got {got:?}"),
        }
    }
}

/// `coopgov login` sets token_file in a copy of the shipped bot.toml, as operators keep it.
#[test]
fn login_sets_token_file_in_the_shipped_bot_toml_keeping_its_comments() {
    let shipped = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/bot.toml"));
    let text = std::fs::read_to_string(shipped).expect("the example");
    let folder = std::env::temp_dir().join(format!("coopgov-edit-{}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("a folder");
    let path = folder.join("bot.toml");
    let with_env = text.replace("# token_env = ", "token_env = ");
    assert_ne!(with_env, text, "the example shows token_env");
    for original in [&text, &with_env] {
        let edited = set_token_file(original, "secrets/coopgov.token").expect("edited");
        std::fs::write(&path, &edited).expect("write the edited file");
        let config = Config::load(&path).unwrap_or_else(|error| panic!("{error}\n{edited}"));
        let token = TokenSource::File(folder.join("secrets/coopgov.token"));
        assert_eq!(config.instance.token, token);
        // The example line became the real one, keeping its comment; nothing else moved.
        assert!(
            edited.contains("\ntoken_file = \"secrets/coopgov.token\"   # ...or from this file; `coopgov login` offers to set this line (not both)\npoll_interval = \"20s\""),
            "{edited}"
        );
        assert!(
            edited.contains("\n# token_env = \"COOPGOV_TOKEN\"    # the access token is read from this variable (the default)...\ntoken_file"),
            "{edited}"
        );
        let kept: Vec<&str> = edited
            .lines()
            .filter(|line| !line.contains("token_"))
            .collect();
        let before: Vec<&str> = text
            .lines()
            .filter(|line| !line.contains("token_"))
            .collect();
        assert_eq!(kept, before, "every other line as it was");
        assert_eq!(
            set_token_file(&edited, "secrets/coopgov.token").as_deref(),
            Ok(edited.as_str()),
            "a second run changes nothing"
        );
    }
    let _ = std::fs::remove_dir_all(&folder);
}

#[test]
fn login_sets_token_file_in_any_shape_of_instance_table() {
    let cases: &[(&str, &str)] = &[
        // no example line: added at the end of [instance]
        (
            "[instance]\nurl = \"https://a.example\"\n\n[storage]\npath = \"x.db\"\n",
            "[instance]\nurl = \"https://a.example\"\ntoken_file = \"t\"\n\n[storage]\npath = \"x.db\"\n",
        ),
        // token_env, last in the table: commented out above the new line
        (
            "[instance]\nurl = \"https://a.example\"\n# where the token is\ntoken_env = \"BOT\" # mine\n",
            "[instance]\nurl = \"https://a.example\"\n# where the token is\n# token_env = \"BOT\" # mine\ntoken_file = \"t\"\n",
        ),
        // token_env in the middle: its line becomes a comment in place
        (
            "[instance]\ntoken_env = \"BOT\"\nurl = \"https://a.example\"\n",
            "[instance]\n# token_env = \"BOT\"\nurl = \"https://a.example\"\ntoken_file = \"t\"\n",
        ),
        // an existing token_file keeps its comment
        (
            "[instance]\nurl = \"https://a.example\"\ntoken_file = \"old\"  # from login\n",
            "[instance]\nurl = \"https://a.example\"\ntoken_file = \"t\"  # from login\n",
        ),
        // an inline table
        (
            "instance = { url = \"https://a.example\", token_env = \"BOT\" }\n",
            "instance = { url = \"https://a.example\", token_file = \"t\" }\n",
        ),
    ];
    for (original, wanted) in cases {
        let edited = set_token_file(original, "t").expect("edited");
        assert_eq!(&edited, wanted, "from\n{original}");
        let config = Config::parse(&edited, Path::new("bot.toml"))
            .unwrap_or_else(|error| panic!("{error}\n{edited}"));
        assert_eq!(config.instance.token, TokenSource::File("t".into()));
    }
    for (broken, why) in [
        ("[storage]\npath = \"x\"\n", "it has no [instance] table"),
        ("instance = 3\n", "its instance is not a table"),
        ("[instance\n", "it is not valid TOML"),
    ] {
        let refusal = set_token_file(broken, "t")
            .expect_err("refused")
            .to_string();
        assert!(refusal.starts_with(why), "{refusal}");
    }
}
