//! The working group steering by direct message, rosters, quorums, urgency and reminders.

use crate::scenario::{text_of, Scenario, Setup};
use crate::support::{id_of, secs, wait_for};

/// The zone `list` and `show` are read in, whose offset from UTC they must state.
const PARIS: &str = "Europe/Paris";

fn assert_in_paris(shown: &str) {
    assert!(
        ["local time, +01:00)", "local time, +02:00)"]
            .iter()
            .any(|offset| shown.contains(offset)),
        "no Paris time:\n{shown}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_working_group_steers_proposals_by_direct_message() {
    let mut scenario = Scenario::start("confirm").await;
    let alice = scenario.member("alice");
    let list = alice.direct("@coopbot list").await;
    assert!(scenario
        .answer_to(&list)
        .await
        .contains("No proposal is open"));

    let bob = scenario.member("bob");
    bob.post("@coopbot propose suspend a.example 1h they host harassment")
        .await;
    let first = scenario.ballot(1).await;
    scenario
        .member("carol")
        .post("@coopbot propose silence b.example 1h spam")
        .await;
    scenario.ballot(2).await;
    bob.post("@coopbot propose motion 1h we adopt a code of conduct")
        .await;
    let third = scenario.ballot(3).await;
    bob.reply(&id_of(&first), "@coopbot agree").await;

    let extend = alice.direct("@coopbot extend 1 30m").await;
    assert!(scenario.answer_to(&extend).await.contains("now closes"));
    scenario
        .post_containing("extended voting on proposal #1 by 30m")
        .await;

    // Refusals: a member who is not in the group, the group's remote namesake, and
    // a group member writing publicly. None of them closes #3.
    let outsider = bob.direct("@coopbot close 3").await;
    assert!(scenario
        .answer_to(&outsider)
        .await
        .contains("Only the working group"));
    let namesake = scenario.mock.remote_member("alice", "evil.example");
    let remote = namesake.direct("@coopbot close 3").await;
    assert!(scenario
        .answer_to(&remote)
        .await
        .contains("Only the working group"));
    let public = alice.post("@coopbot close 3").await;
    let answer = scenario.answer_to(&public).await;
    assert!(answer.contains("only by direct message"), "{answer}");
    let early = alice.direct("@coopbot apply 2").await;
    assert!(scenario.answer_to(&early).await.contains("still open"));

    let close = alice.direct("@coopbot close 1").await;
    assert!(scenario
        .answer_to(&close)
        .await
        .contains("Closing proposal #1"));
    let result = scenario.result(1).await;
    assert!(result.contains("PASSED"), "{result}");
    assert!(
        result.contains("Waiting for the working group to confirm"),
        "{result}"
    );
    tokio::time::sleep(secs(1)).await;
    assert!(
        scenario.mock.domain_blocks().await.is_empty(),
        "confirm mode waits"
    );

    let apply = alice.direct("@coopbot apply 1").await;
    assert!(scenario
        .answer_to(&apply)
        .await
        .contains("Applying proposal #1"));
    scenario.post_containing("a.example is now suspended").await;
    let blocks = scenario.mock.domain_blocks().await;
    assert_eq!(blocks.len(), 1);
    assert_eq!(blocks[0]["domain"], "a.example");

    let cancel = alice
        .direct("@coopbot cancel 2 duplicate of a report we handled")
        .await;
    assert!(scenario.answer_to(&cancel).await.contains("cancelled"));
    scenario
        .post_containing("Proposal #2 was cancelled by the working group")
        .await;
    let list = alice.direct("@coopbot list").await;
    let listed = scenario.answer_to(&list).await;
    assert!(listed.contains("#3 motion: open"), "{listed}");
    assert!(!listed.contains("#2"), "{listed}");

    // #3 stays open: one vote counted, the namesake's refused and explained.
    bob.reply(&id_of(&third), "@coopbot agree").await;
    namesake.reply(&id_of(&third), "@coopbot agree").await;
    scenario.post_containing("was not counted").await;

    // While the bot runs it holds the database, and answers these over its socket; the
    // command renders the times for its own zone.
    let socket = scenario.dir.path().join("coopgov.db.sock");
    assert!(socket.exists(), "the running bot's socket");
    let explained = "told a member by direct message why their vote was not counted";
    let open = wait_for("the explanation in #3's history", secs(10), || async {
        let shown = scenario.cli_in_zone(&["show", "3"], Some(PARIS));
        shown.contains(explained).then_some(shown)
    })
    .await;
    for line in [
        "#3 motion by @bob: open",
        "    votes so far: agree 1",
        "(1 voter)",
        "    closes ",
        "vote not counted",
        "posted the ballot",
    ] {
        assert!(open.contains(line), "{line:?} missing from #3:\n{open}");
    }
    assert_in_paris(&open);
    // A proposal of one hour, seconds in (a slow machine may take a few minutes).
    assert!(
        [", in 1 hour\n", ", in 5"]
            .iter()
            .any(|left| open.contains(left)),
        "no time left:\n{open}"
    );
    let history = scenario.cli(&["show", "1"]);
    for line in [
        "proposed: suspend a.example",
        "@bob",
        "vote counted: agree",
        "command: extend 1 30m",
        "command: close 1",
        "closed: passed",
        "command: apply 1",
        "applied on the instance",
        "posted the result",
        "applied the decision on the instance, as the working group asked",
        "    done on the instance: suspended a.example, on 20",
    ] {
        assert!(
            history.contains(line),
            "{line:?} missing from the history:\n{history}"
        );
    }
    for shown in [&open, &history] {
        assert!(
            !shown.contains("done: ") && !shown.contains("explain-"),
            "an effect's key shown:\n{shown}"
        );
    }
    let blocklist = scenario.cli(&["export", "--format", "mastodon-csv"]);
    let rows: Vec<&str> = blocklist.lines().collect();
    assert_eq!(
        rows[0],
        "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate"
    );
    assert_eq!(rows.len(), 2, "one row per applied block: {blocklist}");
    assert!(
        rows[1].starts_with("a.example,suspend,false,false,Decided by the members in proposal #1"),
        "{blocklist}"
    );
    scenario.stop();
    assert!(scenario
        .mock
        .domain_blocks()
        .await
        .iter()
        .all(|b| b["domain"] != "b.example"));
    // Stopped, the record is read from the database itself.
    assert!(!socket.exists(), "the socket is removed at a clean stop");
    let json: serde_json::Value =
        serde_json::from_str(&scenario.cli(&["export", "--format", "json"])).expect("JSON");
    let decisions = json.as_array().expect("a list");
    assert_eq!(decisions.len(), 3);
    assert_eq!(decisions[0]["outcome"], "passed");
    assert_eq!(decisions[0]["agree"], 1);
    assert_eq!(decisions[1]["outcome"], "cancelled");
    let csv = scenario.cli(&["export", "--format", "csv"]);
    assert_eq!(csv.lines().count(), 4, "a header and three rows: {csv}");
    // Output cut short (`| head -1`) ends quietly, never with a panic.
    for args in [
        &["show", "1"][..],
        &["export", "--format", "csv"],
        &["list"],
    ] {
        let stderr = scenario.cli_cut_short(args);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
    let markdown = scenario.cli(&["export", "--format", "md"]);
    assert!(markdown.contains("| 1 | suspend a.example |"), "{markdown}");
    assert!(
        markdown.starts_with("| # | action | reason | origin | decided by | outcome |"),
        "{markdown}"
    );
    let listing = scenario.cli_in_zone(&["list"], Some(PARIS));
    for line in [
        "#1 suspend a.example by @bob: passed",
        "    done on the instance: suspended a.example, on 20",
        "#2 limit (silence) b.example by @carol: cancelled",
        "#3 motion by @bob: open",
        "    votes so far: agree 1",
    ] {
        assert!(listing.contains(line), "{line:?} missing from:\n{listing}");
    }
    assert_in_paris(&listing);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_roster_a_percentage_quorum_urgency_and_one_reminder() {
    let mut scenario = Scenario::start_with(Setup {
        membership: "voters = \"roster\"\nroster_file = \"members.txt\"",
        reminder_before: "8s",
        extra: "[rules.default]\nquorum = \"50%\"",
        files: &[(
            "members.txt",
            "# the cooperative's members\nalice\nbob\n\ncarol\n",
        )],
        ..Setup::default()
    })
    .await;
    let alice = scenario.member("alice");
    let too_short = alice
        .post("@coopbot propose urgent suspend c.example 1s raid")
        .await;
    assert!(scenario.answer_to(&too_short).await.contains("at least 2s"));
    let not_urgent = alice
        .post("@coopbot propose suspend c.example 2s raid")
        .await;
    let answer = scenario.answer_to(&not_urgent).await;
    assert!(
        answer.contains("at least 3s") && answer.contains("urgent"),
        "{answer}"
    );
    alice
        .post("@coopbot propose urgent suspend c.example 16s a raid is under way")
        .await;
    let ballot = scenario.ballot(1).await;
    assert!(text_of(&ballot).contains("URGENT"));
    let terms = scenario.terms(1).await;
    assert!(terms.contains("at least 50% of members vote"), "{terms}");

    let ballot_id = id_of(&ballot);
    scenario.reply_as("bob", &ballot_id, "@coopbot agree").await;
    scenario
        .reply_as("dave", &ballot_id, "@coopbot agree")
        .await;
    let refusal = scenario.post_containing("was not counted").await;
    assert!(text_of(&refusal).contains("@dave"));
    assert!(text_of(&refusal).contains("roster"));

    scenario
        .post_containing("Reminder: voting on proposal #1")
        .await;
    scenario.stop();
    scenario.restart();
    let result = scenario.result(1).await;
    assert!(result.contains("NO QUORUM"), "{result}");
    assert!(result.contains("Voters: 1 (quorum 2)"), "{result}");
    assert_eq!(
        scenario.bot_posts_containing("Reminder:").await.len(),
        1,
        "one reminder, across the restart"
    );
    assert!(scenario.mock.domain_blocks().await.is_empty());
}
