//! `bot.toml` turned into the core's settings: the jury and its pool_file (read again on
//! SIGHUP), reports, ratification and appeals, and every shipped example's room.

use crate::config::settings::{reread_jury_pool, settings, Learned};
use crate::config::Config;
use crate::governance::jury::PoolSource;
use crate::governance::reports::ReportSettings;
use crate::governance::settings::ServerTraits;
use crate::governance::{ActionKind, Settings};
use std::collections::BTreeMap;
use std::path::Path;

/// What start-up would learn of an instance of `max_characters` a post.
fn learned(
    can_silence: bool,
    max_characters: usize,
    working_group: BTreeMap<String, String>,
) -> Learned {
    Learned {
        bot_id: "1".into(),
        bot_acct: "coopbot".into(),
        instance_domain: "social.example".into(),
        max_characters,
        server: ServerTraits {
            name: if can_silence {
                "Mastodon"
            } else {
                "GoToSocial"
            }
            .into(),
            can_silence,
        },
        working_group,
    }
}

#[test]
fn the_jury_comes_from_its_section_and_its_pool_file_is_read_again_on_sighup() {
    let folder = std::env::temp_dir().join(format!("coopgov-jury-{}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("a folder");
    let pool_file = folder.join("jurors.txt");
    std::fs::write(&pool_file, "# jurors\n@Alice\nbob  # since May\n\n").expect("write");
    let text = "[instance]\nurl = \"https://social.example\"\n[jury]\npool = \"roster\"\n\
                pool_file = \"jurors.txt\"\nsize = 2\ndecides = [\"silence\"]\n\
                [rules.jury]\nquorum = 2\n";
    let config = Config::parse(text, &folder.join("bot.toml")).expect("a valid config");
    let at = |built: &Settings| built.jury.as_ref().map(|jury| jury.pool.clone());
    let pool = |accts: &[&str]| {
        let accts = accts.iter().map(|acct| acct.to_string()).collect();
        Some(PoolSource::Roster(accts))
    };
    let mut built = settings(&config, learned(true, 500, BTreeMap::new())).expect("settings");
    assert_eq!(at(&built), pool(&["alice", "bob"]));
    let jury = built.jury.as_ref().expect("a jury");
    assert_eq!(
        (jury.size, jury.rule.quorum),
        (2, crate::governance::Quorum::Voters(2))
    );
    assert!(jury.decides(ActionKind::Silence) && !jury.decides(ActionKind::Suspend));

    std::fs::write(&pool_file, "alice\ncarol\n").expect("write");
    assert!(matches!(reread_jury_pool(&config, &mut built), Some(Ok(2))));
    assert_eq!(at(&built), pool(&["alice", "carol"]));
    // an unreadable file keeps the pool the bot had
    std::fs::remove_file(&pool_file).expect("remove");
    assert!(matches!(
        reread_jury_pool(&config, &mut built),
        Some(Err(_))
    ));
    assert_eq!(at(&built), pool(&["alice", "carol"]));
    let refusal = settings_error(&config);
    assert!(
        refusal.starts_with("could not read the jury's pool_file ")
            && refusal.contains("jurors.txt; create it with one member's acct per line"),
        "{refusal}"
    );
    let _ = std::fs::remove_dir_all(&folder);

    // without [jury], or with volunteers, there is nothing to read
    let text = "[instance]\nurl = \"https://social.example\"\n";
    let config = Config::parse(text, Path::new("bot.toml")).expect("a valid config");
    let mut built = settings(&config, learned(true, 500, BTreeMap::new())).expect("settings");
    assert_eq!(built.jury, None);
    assert!(reread_jury_pool(&config, &mut built).is_none());
    let config = Config::parse(&format!("{text}[jury]\n"), Path::new("bot.toml")).expect("valid");
    let mut built = settings(&config, learned(true, 500, BTreeMap::new())).expect("settings");
    assert_eq!(at(&built), Some(PoolSource::Volunteers));
    assert!(reread_jury_pool(&config, &mut built).is_none());
}

fn settings_error(config: &Config) -> String {
    match settings(config, learned(true, 500, BTreeMap::new())) {
        Ok(_) => panic!("settings without their pool file"),
        Err(error) => format!("{error:#}"),
    }
}

#[test]
fn reports_ratification_and_appeals_come_from_their_sections() {
    let built = |rest: &str| {
        let text = format!("[instance]\nurl = \"https://social.example\"\n{rest}");
        let config = Config::parse(&text, Path::new("bot.toml")).expect("a valid config");
        settings(&config, learned(true, 500, BTreeMap::new())).expect("settings")
    };
    let day = std::time::Duration::from_secs(86_400);
    // without the sections: no reports read, the shipped ratification, 30 days to appeal
    let plain = built("");
    assert_eq!(plain.reports, None);
    assert_eq!(plain.ratify_rule, crate::governance::Rule::ratify());
    assert_eq!(plain.appeals_within, Some(30 * day));
    // [reports] without watch = true reads nothing
    assert_eq!(built("[reports]\nopen_after = 2\n").reports, None);
    let full = built(
        "[reports]\nwatch = true\npoll_every = \"2m\"\nopen_after = 2\nwithin = \"3d\"\n\
         propose = \"suspend\"\nresolve = false\n\n[rules.ratify]\nmethod = \"majority\"\n\
         quorum = 3\n\n[appeals]\nwithin = \"0\"\n",
    );
    let reports = ReportSettings {
        open_after: 2,
        within: 3 * day,
        propose: ActionKind::Suspend,
        resolve: false,
    };
    assert_eq!(full.reports, Some(reports));
    let ratify = crate::governance::Rule {
        method: crate::governance::Method::Majority,
        quorum: crate::governance::Quorum::Voters(3),
        ..crate::governance::Rule::ratify()
    };
    assert_eq!(full.ratify_rule, ratify);
    assert_eq!(full.appeals_within, None);
}

/// Every example the shipped bot.toml offers, turned on as its comments say, leaves a
/// ballot room for a real reason on a server of 500 characters a post (Mastodon's
/// default), whether it is an ordinary ballot or one ratifying an urgent action.
#[test]
fn every_shipped_example_leaves_room_for_a_real_reason_on_a_500_character_server() {
    use super::{shipped, uncomment};
    use crate::governance::messages::{room_for_ratification, room_for_reason, REASON_ROOM};
    let (text, path) = shipped();
    let sections = [
        "[jury]",
        "[reports]",
        "[rules.ratify]",
        "[appeals]",
        "[publish]",
    ];
    let mut examples = vec![("as shipped".to_string(), text.clone())];
    for section in sections {
        examples.push((section.to_string(), uncomment(&text, section)));
    }
    let everything = sections
        .iter()
        .fold(text.clone(), |text, section| uncomment(&text, section));
    examples.push(("every section".to_string(), everything));
    for (name, text) in examples {
        let config = Config::parse(&text, path).unwrap_or_else(|e| panic!("{name}: {e}"));
        for (software, can_silence) in [("Mastodon", true), ("GoToSocial", false)] {
            let working_group = config
                .membership
                .working_group
                .iter()
                .enumerate()
                .map(|(id, name)| (id.to_string(), name.clone()))
                .collect();
            let built = settings(&config, learned(can_silence, 500, working_group))
                .unwrap_or_else(|e| panic!("{name}: {e:#}"));
            let rooms = (room_for_reason(&built), room_for_ratification(&built));
            assert!(
                rooms.0 >= REASON_ROOM && rooms.1 >= REASON_ROOM,
                "{name} on {software}: {rooms:?} characters for the reason"
            );
        }
    }
}
