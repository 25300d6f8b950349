//! Hostile input, the pure cases (the server-backed ones are in tests/e2e/hostile.rs).
//! Each test is one threat of docs/SECURITY.md.
//! (Over 400 lines: one test per threat, in the order docs/SECURITY.md lists them.)

use super::support::engine;
use super::support::*;
use crate::commands::{
    normalize_domain, parse_request, parse_vote_reply, status_text, DomainError, MentionRef,
    Request, Vocabulary,
};
use crate::governance::{messages, Action, Author, Effect, Position, Post, Visibility};
use crate::mastodon::types::{decode_items, ErrorBody, Notification, Status};

fn reply(author: &Author, id: u64, text: &str) -> Post {
    post(author, id, text, Some("500"))
}

/// Votes on ballot #1 from each post; returns the tally as (agree, disagree) and effects.
fn vote_all(posts: &[Post]) -> ((u32, u32), Vec<Effect>) {
    let settings = settings();
    let mut memory = Memory::with_open_ballot(&settings);
    let mut effects = Vec::new();
    for post in posts {
        effects.extend(memory.apply(&engine::on_post(&settings, &memory, post, t0())));
    }
    let tally = memory.one().tally(settings.favourites_count_as);
    ((tally.agree, tally.disagree), effects)
}

fn text(html: &str) -> String {
    status_text(html, &[])
}

fn vote_word(html: &str) -> Option<Position> {
    parse_vote_reply(&text(html), &Vocabulary::standard()).map(|(position, _)| position)
}

// Identity

#[test]
fn a_remote_namesake_of_a_member_does_not_vote() {
    let mut evil = member("alice", 99);
    evil.identity.acct = "alice@evil.example".into();
    let ((agree, _), effects) = vote_all(&[reply(&evil, 600, "agree")]);
    assert_eq!(agree, 0);
    assert!(first_post_text(&effects).contains("another server"));
}

#[test]
fn a_renamed_account_is_the_same_voter() {
    let before = member("carol", 12);
    let mut renamed = member("carol_new", 12);
    renamed.identity.acct = "carol_new".into();
    let ((agree, disagree), _) = vote_all(&[
        reply(&before, 600, "agree"),
        reply(&renamed, 601, "disagree"),
    ]);
    assert_eq!((agree, disagree), (0, 1), "one account id, one vote");
}

#[test]
fn bot_and_suspended_accounts_never_vote() {
    let mut robot = member("robot", 20);
    robot.bot = true;
    let mut banned = member("banned", 21);
    banned.suspended = true;
    let ((agree, _), effects) =
        vote_all(&[reply(&robot, 600, "agree"), reply(&banned, 601, "agree")]);
    assert_eq!(agree, 0);
    assert_eq!(
        effects.len(),
        1,
        "the suspended account is told, the bot is not: {effects:?}"
    );
}

#[test]
fn the_bot_never_counts_or_answers_itself() {
    let itself = member("coopbot", BOT_ID.parse().expect("a number"));
    let ((agree, _), effects) = vote_all(&[
        reply(&itself, 600, "agree"),
        post(&itself, 601, "help", None),
    ]);
    assert_eq!(agree, 0);
    assert!(effects.is_empty(), "{effects:?}");
    let settings = settings();
    let memory = Memory::with_open_ballot(&settings);
    assert!(engine::on_favourite(&settings, &memory, &memory.one(), &itself).is_empty());
}

// Text

#[test]
fn full_width_words_are_normalised() {
    assert_eq!(vote_word("<p>ａｇｒｅｅ</p>"), Some(Position::Agree));
    let request = parse_request(
        &text("<p>ｐｒｏｐｏｓｅ ｓｕｓｐｅｎｄ ｂａｄ.ｅｘａｍｐｌｅ spam</p>"),
        &Vocabulary::standard(),
    );
    assert!(
        matches!(request, Ok(Request::Propose(p)) if p.action == Action::Suspend { domain: "bad.example".into() })
    );
}

#[test]
fn zero_width_and_bidirectional_characters_cannot_hide_a_word() {
    assert_eq!(vote_word("<p>ag\u{200B}ree</p>"), Some(Position::Agree));
    assert_eq!(
        vote_word("<p>\u{202E}disagree\u{202C}</p>"),
        Some(Position::Disagree)
    );
    assert_eq!(
        vote_word("<p>\u{FEFF}block\u{2060} it is spam</p>"),
        Some(Position::Block)
    );
}

#[test]
fn look_alikes_from_other_scripts_are_refused_not_half_matched() {
    assert_eq!(vote_word("<p>\u{0430}gree</p>"), None, "Cyrillic а");
    assert_eq!(vote_word("<p>\u{03BF}ppose</p>"), None, "Greek ο");
}

#[test]
fn a_link_counts_as_the_words_it_shows() {
    assert_eq!(
        vote_word(r#"<p><a href="https://x.example/disagree">agree</a></p>"#),
        Some(Position::Agree)
    );
}

#[test]
fn the_content_warning_is_not_read_the_body_is() {
    let status: Status = serde_json::from_value(serde_json::json!({
        "id": "1", "account": {"id": "2", "username": "a", "acct": "a"},
        "spoiler_text": "agree", "content": "<p>still thinking</p>", "in_reply_to_id": "500"
    }))
    .expect("a status");
    let post = crate::mastodon::convert::post(&status, BOT_ID);
    assert_eq!(parse_vote_reply(&post.text, &Vocabulary::standard()), None);
}

#[test]
fn a_quoted_post_does_not_speak_for_the_quoter() {
    let html =
        r#"<p class="quote-inline">RE: <a href="https://x.example/1">agree</a></p><p>hmm</p>"#;
    assert_eq!(vote_word(html), None);
}

#[test]
fn entities_scripts_and_styles() {
    assert_eq!(
        vote_word("<p>&#97;gree</p>"),
        Some(Position::Agree),
        "entities are decoded"
    );
    assert_eq!(
        vote_word("<script>agree</script><p>maybe</p>"),
        None,
        "scripts are not text"
    );
    assert_eq!(
        vote_word("<style>agree</style><p>maybe</p>"),
        None,
        "styles are not text"
    );
}

#[test]
fn a_mention_written_as_text_is_not_a_mention() {
    // Only `mentions[]` names the bot; text that merely looks like a mention stays text.
    let fake = status_text("<p>@coopbot agree</p>", &[]);
    assert_eq!(fake, "@coopbot agree");
    let real = MentionRef {
        username: "coopbot".into(),
        acct: "coopbot".into(),
        url: "https://social.example/@coopbot".into(),
    };
    assert_eq!(status_text("<p>@coopbot agree</p>", &[real]), "agree");
}

#[test]
fn oversize_reasons_are_cut_at_character_boundaries() {
    let settings = settings();
    let reason = "🛑é".repeat(3000);
    let request = post(
        &member("alice", 10),
        90,
        &format!("propose suspend bad.example {reason}"),
        None,
    );
    let step = engine::on_post(&settings, &Memory::default(), &request, t0());
    let ballot = first_post_text(&step.effects);
    assert!(
        ballot.chars().count() <= settings.max_characters,
        "{} characters",
        ballot.chars().count()
    );
    assert!(ballot.contains('…'));
    assert_eq!(
        step.proposals[0].reason.chars().count(),
        6000,
        "the record keeps it whole"
    );
    assert_eq!(messages::shorten("ab🛑cd", 3), "ab…");
}

#[test]
fn a_huge_status_is_capped() {
    let status: Status = serde_json::from_value(serde_json::json!({
        "id": "1", "account": {"id": "2", "username": "a", "acct": "a"},
        "content": format!("<p>{}</p>", "é".repeat(100_000))
    }))
    .expect("a status");
    assert_eq!(
        crate::mastodon::convert::post(&status, BOT_ID)
            .text
            .chars()
            .count(),
        20_000
    );
}

// Domains

#[test]
fn domains_are_normalised() {
    let cases = [
        ("bücher.example", "xn--bcher-kva.example"),
        ("Bad.Example.", "bad.example"),
        ("ＢＡＤ.example", "bad.example"),
    ];
    for (input, expected) in cases {
        assert_eq!(normalize_domain(input).as_deref(), Ok(expected), "{input}");
    }
}

#[test]
fn malformed_hosts_are_refused() {
    let cases = [
        ("192.168.1.1", DomainError::IpAddress),
        ("https://bad.example", DomainError::NotBare),
        ("bad.example/path", DomainError::NotBare),
        ("user@bad.example", DomainError::NotBare),
        ("*.bad.example", DomainError::Wildcard),
        ("localhost", DomainError::SingleLabel),
    ];
    for (input, expected) in cases {
        let got = normalize_domain(input);
        assert!(got.is_err(), "{input} was accepted: {got:?}");
        if input != "user@bad.example" {
            assert_eq!(got, Err(expected), "{input}");
        }
    }
}

#[test]
fn the_instance_itself_and_its_subdomains_are_refused() {
    let settings = settings();
    for domain in ["social.example", "SOCIAL.example.", "media.social.example"] {
        let request = post(
            &member("alice", 10),
            90,
            &format!("propose suspend {domain} spam"),
            None,
        );
        let step = engine::on_post(&settings, &Memory::default(), &request, t0());
        assert!(step.proposals.is_empty(), "{domain}");
    }
}

// Amplification

#[test]
fn a_flood_of_mentions_gets_a_bounded_number_of_answers() {
    let settings = settings();
    let mut memory = Memory::default();
    let flooder = member("flood", 70);
    let mut answers = 0;
    for id in 0..500 {
        let step = engine::on_post(
            &settings,
            &memory,
            &post(&flooder, 10_000 + id, "gimme", None),
            t0(),
        );
        answers += memory.apply(&step).len();
    }
    assert_eq!(answers, settings.answers_per_day as usize);
}

#[test]
fn the_working_group_is_not_rationed() {
    let settings = settings();
    let mut memory = Memory::default();
    let mut answers = 0;
    for id in 0..50 {
        let mut command = post(&member("wg", 50), 10_000 + id, "list", None);
        command.direct = true;
        answers += memory
            .apply(&engine::on_post(&settings, &memory, &command, t0()))
            .len();
    }
    assert_eq!(answers, 50);
}

#[test]
fn proposals_per_member_per_day_are_bounded() {
    let settings = settings();
    let mut memory = Memory::default();
    let bob = member("bob", 11);
    for id in 0..5 {
        let request = post(
            &bob,
            100 + id,
            &format!("propose motion we do thing {id}"),
            None,
        );
        memory.apply(&engine::on_post(&settings, &memory, &request, t0()));
    }
    assert_eq!(memory.proposal_count(), settings.proposals_per_day as usize);
    let tomorrow = post(&bob, 200, "propose motion 7d again", None);
    memory.apply(&engine::on_post(
        &settings,
        &memory,
        &tomorrow,
        t0() + days(1) + days(1),
    ));
    assert_eq!(
        memory.proposal_count(),
        settings.proposals_per_day as usize + 1
    );
}

#[test]
fn answers_mention_only_the_requester() {
    let settings = settings();
    let bait = post(
        &member("alice", 10),
        90,
        "propose @victim @other@remote.example",
        None,
    );
    let step = engine::on_post(&settings, &Memory::default(), &bait, t0());
    let answer = first_post_text(&step.effects);
    assert!(answer.starts_with("@alice "), "{answer}");
    assert!(
        !answer[1..].contains("@v") && !answer.contains("@o"),
        "{answer:?}"
    );
    assert!(matches!(
        &step.effects[..],
        [Effect::Post {
            visibility: Visibility::Unlisted,
            ..
        }]
    ));
}

#[test]
fn quoted_reasons_cannot_mention_anyone_but_links_survive() {
    let z = '\u{200B}';
    let cases = [
        ("ask @bob", format!("ask @{z}bob")),
        ("(@bob)", format!("(@{z}bob)")),
        ("@bob@evil.example", format!("@{z}bob@{z}evil.example")),
        // A lax server reads `@b` here as the local account b.
        ("mail a@b.example", format!("mail a@{z}b.example")),
        (
            "an @ alone, and at the end@",
            "an @ alone, and at the end@".to_string(),
        ),
        // A status's address on its own server: only that server's account, kept whole.
        (
            "https://social.example/@bob/1",
            "https://social.example/@bob/1".to_string(),
        ),
        (
            "see HTTPS://social.example/@coop_bot/statuses/01ABC.",
            "see HTTPS://social.example/@coop_bot/statuses/01ABC.".to_string(),
        ),
        // A local copy of a remote account's post names the remote account: defanged.
        (
            "https://social.example/@raider@raid.example/9",
            format!("https://social.example/@{z}raider@{z}raid.example/9"),
        ),
        (
            "https://user@social.example/@bob/1",
            format!("https://user@{z}social.example/@{z}bob/1"),
        ),
        (
            "https://social.example/x@bob",
            format!("https://social.example/x@{z}bob"),
        ),
        ("line\n@bob", format!("line\n@{z}bob")),
    ];
    for (text, expected) in cases {
        assert_eq!(messages::defang(text), expected, "{text}");
        // Defanging twice changes nothing more.
        assert_eq!(messages::defang(&expected), expected, "{text}");
    }
    assert_eq!(
        messages::defang_all("see https://social.example/@bob/1 or @carol"),
        format!("see https://social.example/@{z}bob/1 or @{z}carol")
    );
    let settings = settings();
    let request = post(
        &member("alice", 10),
        90,
        "propose suspend bad.example ask @bob",
        None,
    );
    let ballot =
        first_post_text(&engine::on_post(&settings, &Memory::default(), &request, t0()).effects);
    assert!(ballot.contains("ask @\u{200B}bob"), "{ballot}");
}

// The server as an adversary

#[test]
fn unknown_notification_types_and_broken_items_are_skipped_alone() {
    let page = vec![
        serde_json::json!({"id": "1", "type": "severed_relationships", "relationship_severance_event": {}}),
        serde_json::json!({"id": "2", "type": "moderation_warning"}),
        serde_json::json!({"id": "3"}),
        serde_json::json!("not an object"),
        serde_json::json!({"id": "4", "type": "mention", "status": {"id": "9", "account": {"id": "2", "username": "a", "acct": "a"}}}),
    ];
    let (notifications, broken) = decode_items::<Notification>(page);
    assert_eq!(
        notifications.len(),
        3,
        "two unknown types are read and then ignored"
    );
    assert_eq!(broken.len(), 2);
    assert!(notifications
        .iter()
        .any(|n| n.kind == "mention" && n.status.is_some()));
}

#[test]
fn missing_optional_fields_and_odd_ids_are_accepted() {
    let status: Status = serde_json::from_value(serde_json::json!({
        "id": "01HZX3K9QZ7Y6V5T4S3R2Q1P0N", "account": {"id": "9f8e7d", "username": "a", "acct": "a", "bot": null, "created_at": "not a time"}
    }))
    .expect("a minimal status");
    assert!(status.mentions.is_empty() && status.content.is_empty());
    assert!(status.account.created_at.is_none());
    assert_eq!(
        crate::governance::id_order("20", "117"),
        std::cmp::Ordering::Less
    );
    assert_eq!(
        crate::mastodon::client::path_segment("1/../../admin?x=1"),
        "1adminx1"
    );
}

#[test]
fn error_bodies_of_any_shape_are_read_safely() {
    for body in [
        "",
        "<html>oops</html>",
        "{\"error\": 5}",
        "{\"error\": \"ошибка\"}",
        "null",
    ] {
        let parsed: ErrorBody = serde_json::from_str(body).unwrap_or_default();
        assert!(parsed.existing_domain_block.is_none(), "{body}");
    }
}

#[test]
fn garbled_stream_frames_are_ignored() {
    use crate::mastodon::streaming::parse_frame;
    for frame in [
        "",
        "{",
        "[]",
        r#"{"event":"notification"}"#,
        r#"{"event":"notification","payload":"{not json"}"#,
        r#"{"event":"notification","payload":42}"#,
        r#"{"event":"delete"}"#,
        r#"{"event":"delete","payload":""}"#,
        r#"{"event":"delete","payload":{"id":"1"}}"#,
    ] {
        assert!(parse_frame(frame).is_none(), "{frame}");
    }
}

// Secrets

#[test]
fn the_token_never_shows_in_debug_output() {
    let path = std::env::temp_dir().join(format!("coopgov-token-{}", std::process::id()));
    std::fs::write(&path, "s3cret-token\n").expect("write a token file");
    let source = crate::config::TokenSource::File(path.clone());
    let secret = source.read().expect("a token");
    assert_eq!(secret.expose(), "s3cret-token");
    let client = crate::mastodon::Client::new(
        "https://social.example",
        secret.clone(),
        std::time::Duration::from_secs(1),
    )
    .expect("a client");
    for shown in [
        format!("{secret:?}"),
        format!("{client:?}"),
        format!("{source:?}"),
    ] {
        assert!(!shown.contains("s3cret"), "{shown}");
    }
    let _ = std::fs::remove_file(path);
}

#[test]
fn a_token_file_others_can_read_is_warned_about() {
    use std::os::unix::fs::PermissionsExt;
    let path = std::env::temp_dir().join(format!("coopgov-open-token-{}", std::process::id()));
    std::fs::write(&path, "t").expect("write a token file");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let source = crate::config::TokenSource::File(path.clone());
    assert!(source
        .permission_warning()
        .is_some_and(|w| w.contains("chmod 600")));
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    assert_eq!(source.permission_warning(), None);
    let _ = std::fs::remove_file(path);
}

// Bad configuration

fn config_error(text: &str) -> String {
    let full = format!("[instance]\nurl = \"https://social.example\"\n{text}");
    match crate::config::Config::parse(&full, std::path::Path::new("bot.toml")) {
        Ok(_) => panic!("accepted: {text}"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn an_unknown_config_key_is_refused_with_its_file_and_line() {
    let error = config_error("[proposals]\nduraton = \"6d\"\n");
    assert!(
        error.starts_with("bot.toml:4:") && error.contains("duraton"),
        "{error}"
    );
}

#[test]
fn a_bad_duration_is_refused_with_what_is_allowed() {
    let error = config_error("[proposals]\nmin_duration = \"6 days\"\n");
    assert!(
        error.contains("proposals.min_duration") && error.contains("48h"),
        "{error}"
    );
}

#[test]
fn a_threshold_outside_zero_to_one_is_refused() {
    assert!(config_error("[rules.default]\nthreshold = 1.5\n").contains("rules.default.threshold"));
}

#[test]
fn a_percentage_quorum_without_a_roster_is_refused() {
    assert!(config_error("[rules.default]\nquorum = \"20%\"\n").contains("roster"));
}

#[test]
fn confirm_mode_without_a_working_group_is_refused() {
    let error = config_error("[membership]\nworking_group = []\n[actions]\nmode = \"confirm\"\n");
    assert!(error.contains("working_group"), "{error}");
}

#[test]
fn a_missing_token_is_refused_and_says_where_to_put_it() {
    let source = crate::config::TokenSource::Env("COOPGOV_TEST_UNSET_TOKEN_VARIABLE".into());
    let error = source.read().expect_err("no token").to_string();
    assert!(
        error.contains("COOPGOV_TEST_UNSET_TOKEN_VARIABLE"),
        "{error}"
    );
}

// Votes that must not count

#[test]
fn a_block_without_a_reason_is_not_counted() {
    let ((agree, disagree), effects) = vote_all(&[reply(&member("bob", 11), 600, "block")]);
    assert_eq!((agree, disagree), (0, 0));
    assert!(first_post_text(&effects).contains("a block needs a reason"));
}

#[test]
fn a_vote_on_a_proposal_that_does_not_exist_counts_nowhere() {
    let (_, effects) = vote_all(&[post(&member("bob", 11), 600, "vote 42 agree", None)]);
    assert!(first_post_text(&effects).contains("no proposal #42"));
}

#[test]
fn a_reply_to_a_reply_is_discussion_not_a_vote() {
    let settings = settings();
    let mut memory = Memory::with_open_ballot(&settings);
    let nested = engine::ThreadRecord {
        replies: vec![post(&member("bob", 11), 601, "agree", Some("600"))],
        favourited_by: vec![],
    };
    memory.apply(&engine::close(
        &settings,
        &memory.one(),
        &nested,
        t0() + days(6),
    ));
    assert_eq!(memory.one().closing().map(|c| c.tally.voters()), Some(0));
}

#[test]
fn a_working_group_command_sent_publicly_is_not_obeyed() {
    let settings = settings();
    let memory = Memory::with_open_ballot(&settings);
    let public = post(&member("wg", 50), 90, "cancel 1 spam", None);
    let step = engine::on_post(&settings, &memory, &public, t0());
    assert!(step.proposals.is_empty());
    assert!(matches!(
        &step.effects[..],
        [Effect::Post {
            visibility: Visibility::Direct,
            ..
        }]
    ));
}

#[test]
fn emoji_votes_count_with_or_without_variation_selectors() {
    for (html, position) in [
        ("<p>👍</p>", Position::Agree),
        ("<p>👍\u{FE0F}</p>", Position::Agree),
        ("<p>✅</p>", Position::Agree),
        ("<p>👎🏽</p>", Position::Disagree),
        ("<p>🛑 they harass us</p>", Position::Block),
    ] {
        assert_eq!(vote_word(html), Some(position), "{html}");
    }
}

#[test]
fn a_vote_posted_after_the_close_is_refused() {
    let mut late = reply(&member("bob", 11), 600, "agree");
    late.created_at = Some(t0() + days(30));
    let ((agree, _), effects) = vote_all(&[late]);
    assert_eq!(agree, 0);
    assert!(first_post_text(&effects).contains("voting closed"));
}
