//! Start-up's refusals and waits: the token, the working group, a busy store.

use super::*;

#[test]
fn a_refused_token_is_one_sentence_naming_where_it_was_read() {
    let text = "[instance]\nurl = \"https://social.example\"\ntoken_env = \"BOT_TOKEN\"\n";
    let config = Config::parse(text, Path::new("bot.toml")).expect("a valid config");
    let http = |status| ApiError::Http {
        status,
        what: "checking the access token".into(),
        message: "The access token is invalid".into(),
        body: Box::default(),
    };
    let unreachable = || ApiError::Transport("could not connect".into());
    let cases = [
        (http(401), "the instance refused the access token in the environment variable BOT_TOKEN (it answered 401: \"The access token is invalid\"); it is mistyped", false),
        (http(403), "the access token in the environment variable BOT_TOKEN may not read its own account (it answered 403", false),
        (unreachable(), "could not verify the access token: could not reach the instance", true),
    ];
    for (error, wanted, transient) in cases {
        let error = refused_token(&config, error);
        let shown = format!("{error:#}");
        assert!(shown.starts_with(wanted), "{shown}");
        assert!(!shown.contains("while checking"), "said twice: {shown}");
        assert_eq!(is_transient(&error), transient, "{shown}");
    }
}

#[test]
fn a_working_group_of_only_unknown_names_is_refused_and_some_are_left_out() {
    let text = "[instance]\nurl = \"https://social.example\"\n";
    let config = Config::parse(text, Path::new("bot.toml")).expect("a valid config");
    let lookup = |found: &[&str], unknown: &[&str]| Lookup {
        found: found
            .iter()
            .map(|acct| (format!("id-{acct}"), acct.to_string()))
            .collect(),
        unknown: unknown.iter().map(|name| name.to_string()).collect(),
    };
    let kept = |found, unknown| {
        usable_working_group(&config, lookup(found, unknown))
            .map(|members| members.into_values().collect::<Vec<_>>())
            .map_err(|error| error.to_string())
    };
    assert_eq!(kept(&[], &[]), Ok(vec![]), "working_group = [] is allowed");
    assert_eq!(kept(&["alice"], &[]), Ok(vec!["alice".to_string()]));
    assert_eq!(kept(&["alice"], &["bobb"]), Ok(vec!["alice".to_string()]));
    let refusal = kept(&[], &["bobb", "alicia"]).expect_err("nobody could steer");
    assert!(
        refusal.starts_with("none of the names in membership.working_group (bobb, alicia) is a local account of https://social.example"),
        "{refusal}"
    );
}

#[tokio::test]
async fn a_starting_bot_waits_for_a_command_reading_the_store() {
    let folder = std::env::temp_dir().join(format!("coopgov-wait-{}", std::process::id()));
    let reader = Store::open(&folder).expect("a command reads the store");
    let done_reading = tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(700)).await;
        drop(reader);
    });
    let bot = open_store(&folder).await;
    assert!(bot.is_ok(), "{:?}", bot.err());
    done_reading.await.expect("the reader ends");
    drop(bot);
    let _ = std::fs::remove_dir_all(&folder);
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
    let me = BotAccount {
        id: "1".into(),
        acct: "coopbot".into(),
        bot: true,
    };
    let at = |built: &Settings| built.jury.as_ref().map(|jury| jury.pool.clone());
    let pool = |accts: &[&str]| {
        let accts = accts.iter().map(|acct| acct.to_string()).collect();
        Some(PoolSource::Roster(accts))
    };
    let software = Software::Mastodon;
    let instance = InstanceInfo::default();
    let mut built =
        settings(&config, &me, &instance, &software, BTreeMap::new()).expect("settings");
    assert_eq!(at(&built), pool(&["alice", "bob"]));
    let jury = built.jury.as_ref().expect("a jury");
    assert_eq!(
        (jury.size, jury.rule.quorum),
        (2, crate::governance::Quorum::Voters(2))
    );
    assert!(jury.decides(ActionKind::Silence) && !jury.decides(ActionKind::Suspend));

    std::fs::write(&pool_file, "alice\ncarol\n").expect("write");
    assert!(reload_jury_pool(&config, &mut built));
    assert_eq!(at(&built), pool(&["alice", "carol"]));
    // an unreadable file keeps the pool the bot had
    std::fs::remove_file(&pool_file).expect("remove");
    assert!(reload_jury_pool(&config, &mut built));
    assert_eq!(at(&built), pool(&["alice", "carol"]));
    let refusal = settings_error(&config, &me, &instance, &software);
    assert!(
        refusal.starts_with("could not read the jury's pool_file ")
            && refusal.contains("jurors.txt; create it with one member's acct per line"),
        "{refusal}"
    );
    let _ = std::fs::remove_dir_all(&folder);

    // without [jury], or with volunteers, there is nothing to read
    let text = "[instance]\nurl = \"https://social.example\"\n";
    let config = Config::parse(text, Path::new("bot.toml")).expect("a valid config");
    let mut built =
        settings(&config, &me, &instance, &software, BTreeMap::new()).expect("settings");
    assert_eq!(built.jury, None);
    assert!(!reload_jury_pool(&config, &mut built));
    let config = Config::parse(&format!("{text}[jury]\n"), Path::new("bot.toml")).expect("valid");
    let mut built =
        settings(&config, &me, &instance, &software, BTreeMap::new()).expect("settings");
    assert_eq!(at(&built), Some(PoolSource::Volunteers));
    assert!(!reload_jury_pool(&config, &mut built));
}

fn settings_error(
    config: &Config,
    me: &BotAccount,
    instance: &InstanceInfo,
    software: &Software,
) -> String {
    match settings(config, me, instance, software, BTreeMap::new()) {
        Ok(_) => panic!("settings without their pool file"),
        Err(error) => format!("{error:#}"),
    }
}

#[test]
fn reports_ratification_and_appeals_come_from_their_sections() {
    let me = BotAccount {
        id: "1".into(),
        acct: "coopbot".into(),
        bot: true,
    };
    let built = |rest: &str| {
        let text = format!("[instance]\nurl = \"https://social.example\"\n{rest}");
        let config = Config::parse(&text, Path::new("bot.toml")).expect("a valid config");
        let instance = InstanceInfo::default();
        settings(
            &config,
            &me,
            &instance,
            &Software::Mastodon,
            BTreeMap::new(),
        )
        .expect("settings")
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
    use crate::config::tests::{shipped, uncomment};
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
    let me = BotAccount {
        id: "1".into(),
        acct: "coopbot".into(),
        bot: true,
    };
    let instance = InstanceInfo {
        max_characters: 500,
        ..InstanceInfo::default()
    };
    for (name, text) in examples {
        let config = Config::parse(&text, path).unwrap_or_else(|e| panic!("{name}: {e}"));
        for software in [Software::Mastodon, Software::GoToSocial] {
            let working_group = config
                .membership
                .working_group
                .iter()
                .enumerate()
                .map(|(id, name)| (id.to_string(), name.clone()))
                .collect();
            let built = settings(&config, &me, &instance, &software, working_group)
                .unwrap_or_else(|e| panic!("{name}: {e:#}"));
            let rooms = (room_for_reason(&built), room_for_ratification(&built));
            assert!(
                rooms.0 >= REASON_ROOM && rooms.1 >= REASON_ROOM,
                "{name} on {software}: {rooms:?} characters for the reason"
            );
        }
    }
}
