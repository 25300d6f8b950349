//! `[publish]`: one row per mistake, the values a good section gives, and the shipped
//! example.

use super::{check, parse};
use crate::config::{Config, PublishConfig};
use std::path::PathBuf;

#[test]
fn publish_sections_are_accepted_or_refused_at_the_right_line() {
    let cases: &[(&str, Result<(), &str>)] = &[
        ("[publish]\n", Ok(())),
        (GOOD, Ok(())),
        ("[publish]\ndir = \"site\"\n", Ok(())),
        ("[publish]\nbase_url = \"http://localhost:8080/gov/\"\n", Ok(())),
        ("[publish]\nbase_url = \"https://governance.social.example/\"\n", Ok(())),
        // unknown keys and wrong types
        ("[publish]\ndir = \"site\"\nfolder = \"x\"\n", Err("bot.toml:5: publish.folder is not a known key; expected `dir` or `base_url`")),
        ("[publishing]\ndir = \"site\"\n", Err("bot.toml:3: publishing is not a known key")),
        ("[[publish]]\ndir = \"site\"\n", Err("bot.toml:3: publish must be a table, [publish], not an array of tables")),
        ("[publish]\ndir = 3\n", Err("bot.toml:4: publish.dir is the integer `3`, but must be a string")),
        ("[publish]\nbase_url = true\n", Err("bot.toml:4: publish.base_url is the boolean `true`, but must be a string")),
        // dir
        ("[publish]\ndir = \"\"\n", Err(r#"bot.toml:4: publish.dir is empty; write the site's folder, like "/var/www/governance""#)),
        ("[publish]\ndir = \"  \"\n", Err("bot.toml:4: publish.dir is empty")),
        ("[publish]\ndir = \"/\"\n", Err(r#"bot.toml:4: publish.dir "/" cannot hold the site: it is the root folder; give the site a folder of its own, like /var/www/governance"#)),
        ("[publish]\ndir = \"coopgov.db\"\n", Err(r#"bot.toml:4: publish.dir "coopgov.db" cannot hold the site: it holds the bot's database"#)),
        ("[publish]\ndir = \"coopgov.db/site\"\n", Err(r#"bot.toml:4: publish.dir "coopgov.db/site" cannot hold the site: it is inside the bot's database"#)),
        ("[storage]\npath = \"data/coopgov.db\"\n[publish]\ndir = \"data\"\n", Err(r#"bot.toml:6: publish.dir "data" cannot hold the site: it holds the bot's database"#)),
        ("[storage]\npath = \"data/coopgov.db\"\n[publish]\ndir = \"data/../data/\"\n", Err("bot.toml:6: publish.dir \"data/../data/\" cannot hold the site: it holds the bot's database")),
        ("[storage]\npath = \"data/coopgov.db\"\n[publish]\ndir = \"data/site\"\n", Ok(())),
        // base_url
        ("[publish]\nbase_url = \"social.example/governance/\"\n", Err(r#"bot.toml:4: publish.base_url "social.example/governance/" is not a web address; write where the site is served, starting with https://, like "https://social.example/governance/""#)),
        ("[publish]\nbase_url = \"ftp://social.example/\"\n", Err("bot.toml:4: publish.base_url \"ftp://social.example/\" is not a web address")),
        ("[publish]\nbase_url = \"https:///governance/\"\n", Err("bot.toml:4: publish.base_url \"https:///governance/\" is not a web address")),
        ("[publish]\nbase_url = \"https://social.example/our governance/\"\n", Err("is not a web address")),
        ("[publish]\nbase_url = \"https://social.example/?page=governance/\"\n", Err("is not a web address")),
        ("[publish]\nbase_url = \"https://social.example/governance\"\n", Err(r#"bot.toml:4: publish.base_url "https://social.example/governance" must end with "/", like "https://social.example/governance/": the feed's links are the pages' names added to it"#)),
        ("[publish]\nbase_url = \"https://social.example\"\n", Err("must end with \"/\"")),
    ];
    for (rest, expected) in cases {
        check(rest, *expected);
    }
}

/// SPEC §12's example.
const GOOD: &str = r#"
[publish]
dir = "/var/www/governance"
base_url = "https://social.example/governance/"
"#;

#[test]
fn a_good_publish_section_sets_every_value_and_relative_folders_are_beside_the_file() {
    let expected = PublishConfig {
        dir: Some(PathBuf::from("/var/www/governance")),
        base_url: Some("https://social.example/governance/".to_string()),
    };
    assert_eq!(parse(GOOD).publish, Some(expected.clone()));
    assert_eq!(expected.warning(), None);
    let relative = parse("[publish]\ndir = \"site\"\n")
        .publish
        .expect("[publish]");
    assert_eq!(relative.dir, Some(PathBuf::from("/etc/coopgov/site")));
    assert_eq!(relative.base_url, None);
    assert_eq!(parse("").publish, None);
    // `~/…` is in the home folder, as check's own advice writes it; never `./~/…`.
    let home = PathBuf::from(std::env::var_os("HOME").expect("HOME is set for the tests"));
    let in_home = parse("[publish]\ndir = \"~/governance-site\"\n")
        .publish
        .expect("[publish]");
    assert_eq!(in_home.dir, Some(home.join("governance-site")));
}

#[test]
fn a_publish_section_without_a_folder_publishes_nothing_and_says_so() {
    let bare = parse("[publish]\nbase_url = \"https://social.example/gov/\"\n")
        .publish
        .expect("[publish]");
    assert_eq!(bare.dir, None);
    let warning = bare.warning().expect("a warning");
    assert!(
        warning.starts_with(
            "[publish] has no dir, so the running bot does not write the public record"
        ) && warning.contains("coopgov publish --out"),
        "{warning}"
    );
}

#[test]
fn uncommenting_publish_in_the_shipped_bot_toml_gives_a_folder_of_its_own_and_the_address() {
    let (text, path) = super::shipped();
    let shipped = Config::parse(&text, path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        shipped.publish, None,
        "publishing is an example, not on by default"
    );
    let edited = super::uncomment(&text, "[publish]");
    assert!(edited.contains("\n[publish]\n"), "{edited}");
    let config = Config::parse(&edited, path).unwrap_or_else(|e| panic!("{e}\n{edited}"));
    let expected = PublishConfig {
        dir: Some(PathBuf::from("/var/www/coopgov/site")),
        base_url: Some("https://social.example/governance/".to_string()),
    };
    assert_eq!(config.publish, Some(expected));
}

#[test]
fn without_base_url_the_site_has_no_fires_dataset_and_check_says_why() {
    let text = "[instance]\nurl = \"https://social.example\"\n[publish]\ndir = \"/var/www/coopgov/site\"\n";
    let config = Config::parse(text, std::path::Path::new("bot.toml")).expect("valid");
    let warning = config
        .publish
        .expect("[publish]")
        .fires_warning()
        .expect("a warning");
    assert!(
        warning.contains("without fires/") && warning.contains("set base_url"),
        "{warning}"
    );
}
