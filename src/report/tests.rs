//! `list` and `show` as people read them, from records in each stage; `export`'s guards.
//! (Over 400 lines: one scenario per stage of a proposal, read top to bottom as a tour.)

use super::export::*;
use super::*;
use crate::governance::proposal::{Identity, StatusRef, Vote};
use crate::governance::{AuditEntry, Rule, Step, Tally, VoteChange};
use chrono::{DateTime, FixedOffset, Utc};

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("a test time")
        .with_timezone(&Utc)
}

/// Read on 2 December at 17:59:30 in Paris (winter, +01:00).
fn in_paris() -> View {
    View {
        now: utc("2026-12-02T16:59:30Z"),
        zone: Zone::Fixed(FixedOffset::east_opt(3600).expect("an offset")),
    }
}

fn member(name: &str, id: &str) -> Identity {
    Identity {
        account_id: id.to_string(),
        acct: name.to_string(),
    }
}

fn vote(name: &str, id: &str, position: Position) -> Vote {
    Vote {
        voter: member(name, id),
        position,
        reason: String::new(),
        status_id: format!("9{id}"),
        in_thread: true,
        receipt: None,
    }
}

/// #3, suspend bad.example by alice, closing 7 December 20:00 UTC; bob agrees, carol
/// blocks, and dave favourited the ballot.
fn proposal(action: Action, stage: Stage) -> Proposal {
    let votes = [
        vote("bob", "11", Position::Agree),
        vote("carol", "12", Position::Block),
    ];
    Proposal {
        number: 3,
        action,
        urgent: false,
        reason: "they host harassment".to_string(),
        proposer: member("alice", "10"),
        request: StatusRef {
            status_id: "90".to_string(),
            url: "https://social.example/@alice/90".to_string(),
        },
        rule: Rule::social_coop(),
        opened_at: utc("2026-12-01T20:00:00Z"),
        closes_at: utc("2026-12-07T20:00:00Z"),
        ballot: Some(StatusRef {
            status_id: "500".to_string(),
            url: "https://social.example/@coopbot/500".to_string(),
        }),
        votes: votes
            .into_iter()
            .map(|vote| (vote.voter.account_id.clone(), vote))
            .collect(),
        favourites: [("13".to_string(), member("dave", "13"))].into(),
        explained: Default::default(),
        stage,
        reminded: false,
        jury: None,
        origin: Default::default(),
    }
}

fn closed(outcome: Outcome, application: Application) -> Stage {
    Stage::Closed(Closing {
        outcome,
        tally: Tally {
            agree: 4,
            abstain: 1,
            disagree: 0,
            block: 0,
        },
        closed_at: utc("2026-12-07T20:00:00Z"),
        block_reasons: Vec::new(),
        application,
        unseen: Default::default(),
        announcement: None,
        sealed: None,
    })
}

fn suspend() -> Action {
    Action::Suspend {
        domain: "bad.example".to_string(),
    }
}

/// The counts as ballots and results write them.
fn counts(agree: u32, abstain: u32, disagree: u32, block: u32) -> String {
    messages::counts(&Tally {
        agree,
        abstain,
        disagree,
        block,
    })
}

const CLOSED: &str = "    closed 2026-12-07 20:00 UTC (21:00 local time, +01:00)";

/// "Blocked" read as if the server had been blocked: `list` names a ratification, the
/// outcome a member's block gave, and what was done on the instance in plain words.
#[test]
fn an_urgent_action_undone_reads_as_undone_never_as_blocked_and_applied() {
    use crate::governance::proposal::{Earlier, Origin, Provisional};
    let at = utc("2026-12-07T20:00:05Z");
    let mut undone = proposal(
        suspend(),
        closed(Outcome::Blocked, Application::Applied { at }),
    );
    undone.origin = Origin::Ratification(Provisional {
        actor: member("alice", "10"),
        earlier: Earlier::Unblocked,
    });
    let lines = Page::from(summary(&undone, None)).render(&in_paris());
    assert_eq!(
        lines,
        [
            "#3 ratify suspend bad.example by @alice: stopped by a block (agree 4 · abstain 1 · disagree 0 · block 0)",
            "    urgent action: @alice of the working group acted at once; this vote keeps it or undoes it",
            CLOSED,
            "    done on the instance: urgent action undone: bad.example is unblocked, on 2026-12-07 20:00:05 UTC (21:00:05 local time, +01:00)",
        ]
        .join("\n")
    );
    assert_eq!(
        messages::origin_tag(&undone).as_deref(),
        Some("urgent action undone")
    );
    let mut appeal = proposal(
        suspend(),
        closed(Outcome::Passed, Application::Applied { at }),
    );
    appeal.origin = Origin::Appeal { of: 1 };
    assert_eq!(
        messages::origin_tag(&appeal).as_deref(),
        Some("appeal of #1")
    );
}

#[test]
fn each_stage_says_where_the_proposal_stands() {
    let passed = |application| closed(Outcome::Passed, application);
    let head = "#3 suspend bad.example by @alice: ";
    let passed_head = format!("{head}passed ({})", counts(4, 1, 0, 0));
    let cases: Vec<(Action, Stage, Option<Position>, Vec<String>)> = vec![
        (
            suspend(),
            Stage::Open,
            Some(Position::Agree),
            vec![
                format!("{head}open"),
                format!("    votes so far: {} (3 voters)", counts(2, 0, 0, 1)),
                "    closes 2026-12-07 20:00 UTC (21:00 local time, +01:00), in 5 days 3 hours"
                    .into(),
            ],
        ),
        (
            suspend(),
            Stage::Open,
            None,
            vec![
                format!("{head}open"),
                format!("    votes so far: {} (2 voters)", counts(1, 0, 0, 1)),
                "    closes 2026-12-07 20:00 UTC (21:00 local time, +01:00), in 5 days 3 hours"
                    .into(),
            ],
        ),
        (
            suspend(),
            Stage::Opening,
            None,
            vec![
                format!("{head}opening, the ballot is being posted"),
                "    closes 2026-12-07 20:00 UTC (21:00 local time, +01:00), in 5 days 3 hours"
                    .into(),
            ],
        ),
        (
            suspend(),
            passed(Application::Applied {
                at: utc("2026-12-07T23:00:05Z"),
            }),
            None,
            vec![
                passed_head.clone(),
                CLOSED.into(),
                "    done on the instance: suspended bad.example, on 2026-12-07 23:00:05 UTC (2026-12-08 00:00:05 local time, +01:00)"
                    .into(),
            ],
        ),
        (
            suspend(),
            passed(Application::Pending),
            None,
            vec![
                passed_head.clone(),
                CLOSED.into(),
                "    being applied on the instance".into(),
            ],
        ),
        (
            suspend(),
            passed(Application::AwaitingConfirmation),
            None,
            vec![
                passed_head.clone(),
                CLOSED.into(),
                "    not applied yet: waiting for the working group's `apply 3`".into(),
            ],
        ),
        (
            suspend(),
            passed(Application::DryRun),
            None,
            vec![
                passed_head.clone(),
                CLOSED.into(),
                "    dry run: nothing changed on the instance".into(),
            ],
        ),
        (
            suspend(),
            passed(Application::Failed {
                reason: "the instance refused (403)".to_string(),
            }),
            None,
            vec![
                passed_head.clone(),
                CLOSED.into(),
                "    could not be applied: the instance refused (403) (the working group may send `apply 3` again)".into(),
            ],
        ),
        (
            Action::Motion,
            passed(Application::NotNeeded),
            None,
            vec![
                format!("#3 motion by @alice: passed ({})", counts(4, 1, 0, 0)),
                CLOSED.into(),
                "    nothing to apply for a motion".into(),
            ],
        ),
        (
            suspend(),
            closed(Outcome::Rejected, Application::NotNeeded),
            None,
            vec![
                format!("{head}rejected ({})", counts(4, 1, 0, 0)),
                CLOSED.into(),
            ],
        ),
        (
            suspend(),
            closed(Outcome::NoQuorum, Application::NotNeeded),
            None,
            vec![
                format!("{head}no quorum ({})", counts(4, 1, 0, 0)),
                CLOSED.into(),
            ],
        ),
    ];
    for (action, stage, favourites_count_as, expected) in cases {
        let described = format!("{stage:?} {favourites_count_as:?}");
        let page = Page::from(summary(&proposal(action, stage), favourites_count_as));
        assert_eq!(page.render(&in_paris()), expected.join("\n"), "{described}");
    }
}

#[test]
fn where_local_time_is_utc_times_are_not_repeated() {
    let in_london = View {
        zone: Zone::Fixed(FixedOffset::east_opt(0).expect("an offset")),
        ..in_paris()
    };
    let page = Page::from(summary(&proposal(suspend(), Stage::Open), None));
    assert!(page
        .render(&in_london)
        .ends_with("\n    closes 2026-12-07 20:00 UTC, in 5 days 3 hours"));
}

#[test]
fn show_gives_the_running_counts_and_the_history_in_words() {
    let folder = std::env::temp_dir().join(format!("coopgov-report-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    let store = Store::open(&folder).expect("a temporary store");
    let mut open = proposal(suspend(), Stage::Open);
    let votes = std::mem::take(&mut open.votes);
    open.favourites.clear();
    let line = |account: Option<&str>, event: &str| AuditEntry {
        proposal: Some(3),
        account: account.map(str::to_string),
        event: event.to_string(),
    };
    let step = Step {
        proposals: vec![open],
        votes: votes
            .into_values()
            .map(|vote| VoteChange::Cast { number: 3, vote })
            .collect(),
        audit: vec![
            line(
                Some("alice"),
                "proposed: suspend bad.example (they host harassment)",
            ),
            line(None, "done: ballot-3"),
            line(Some("mallory"), "vote not counted: the account is too new"),
            line(None, "done: explain-3-1796150810836"),
            line(None, "failed: receipt-77: the instance refused (404)"),
        ],
        ..Step::default()
    };
    store
        .commit(&step, None, utc("2026-12-01T20:00:05Z"))
        .expect("a commit");

    let shown = show(&store, 3, None)
        .expect("proposal #3")
        .render(&in_paris());
    let so_far = format!("    votes so far: {} (2 voters)", counts(1, 0, 0, 1));
    for line in [
        "#3 suspend bad.example by @alice: open",
        &so_far,
        "    closes 2026-12-07 20:00 UTC (21:00 local time, +01:00), in 5 days 3 hours",
        "Reason: they host harassment",
        "Ballot: https://social.example/@coopbot/500",
        "2026-12-01 21:00:05 +01:00  @alice               proposed: suspend bad.example (they host harassment)",
        "2026-12-01 21:00:05 +01:00  bot                  posted the ballot",
        "2026-12-01 21:00:05 +01:00  bot                  told a member by direct message why their vote was not counted",
        "2026-12-01 21:00:05 +01:00  bot                  could not favourite a vote as its receipt: the instance refused (404)",
    ] {
        assert!(shown.lines().any(|shown| shown == line), "{line:?} missing from:\n{shown}");
    }
    assert!(!shown.contains("done:"), "{shown}");
    let listed = list(&store, None).expect("the list").render(&in_paris());
    assert_eq!(listed.lines().nth(1), Some(so_far.as_str()));
    assert_eq!(
        show(&store, 4, None).err().map(|error| error.to_string()),
        Some("There is no proposal #4.".to_string())
    );
    drop(store);
    let _ = std::fs::remove_dir_all(&folder);
}

#[test]
fn member_text_cannot_become_a_formula_or_markup() {
    for (reason, csv) in [
        (
            "=HYPERLINK(\"http://evil.example\")",
            "\"'=HYPERLINK(\"\"http://evil.example\"\")\"",
        ),
        ("+1 from me", "'+1 from me"),
        ("-1", "'-1"),
        ("@everyone", "'@everyone"),
        ("plain, with a comma", "\"plain, with a comma\""),
        ("they spam", "they spam"),
    ] {
        let cell = csv_text([[inert_in_spreadsheets(reason)]]).expect("one cell");
        assert_eq!(cell, csv, "{reason}");
    }
    assert_eq!(
        markdown_cell("a | b <img src=x onerror=alert(1)> & c\nd"),
        "a \\| b &lt;img src=x onerror=alert(1)&gt; &amp; c d"
    );
}

/// Proposals #2 to #6: bad.example suspended, then c.example suspended and lifted, then
/// b.example limited (all applied), and an open motion; #3's reason needs quoting.
fn decided() -> Vec<Proposal> {
    let applied = || {
        closed(
            Outcome::Passed,
            Application::Applied {
                at: utc("2026-12-07T20:01:00Z"),
            },
        )
    };
    let domain = || "c.example".to_string();
    let numbered = |number, action, stage| Proposal {
        number,
        ..proposal(action, stage)
    };
    let mut quoted = numbered(3, suspend(), applied());
    quoted.reason = "=1+1, \"so\"\nsaid\rbob".to_string();
    vec![
        numbered(2, Action::Suspend { domain: domain() }, applied()),
        quoted,
        numbered(4, Action::Unblock { domain: domain() }, applied()),
        numbered(
            5,
            Action::Silence {
                domain: "b.example".to_string(),
            },
            applied(),
        ),
        numbered(6, Action::Motion, Stage::Open),
    ]
}

#[test]
fn exports_quote_what_csv_needs_and_the_blocklist_keeps_the_latest_decision() {
    let proposals = decided();
    let records: Vec<DecisionRecord> = proposals.iter().map(record).collect();
    let by = "alice,2026-12-01T20:00:00+00:00,2026-12-07T20:00:00+00:00,https://social.example/@coopbot/500";
    let rule = "\"Rule: consensus, threshold 0.5, max blocks 0, override 9×, quorum 0\"";
    let passed = "passed,4,1,0,0,applied 2026-12-07 20:01 UTC,members,request";
    let reason = "they host harassment";
    let rows = [
        "number,action,domain,reason,proposer,opened_at,closes_at,ballot,rule,outcome,agree,abstain,disagree,block,application,decided_by,origin".to_string(),
        format!("2,suspend,c.example,{reason},{by},{rule},{passed}"),
        format!("3,suspend,bad.example,\"'=1+1, \"\"so\"\"\nsaid\rbob\",{by},{rule},{passed}"),
        format!("4,unblock,c.example,{reason},{by},{rule},{passed}"),
        format!("5,silence,b.example,{reason},{by},{rule},{passed}"),
        format!("6,motion,,{reason},{by},{rule},,,,,,pending vote,members,request"),
    ];
    assert_eq!(spreadsheet(&records).expect("the CSV"), rows.join("\n"));
    let blocks = [
        "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate",
        "b.example,silence,false,false,Decided by the members in proposal #5 https://social.example/@coopbot/500,false",
        "bad.example,suspend,false,false,Decided by the members in proposal #3 https://social.example/@coopbot/500,false",
    ];
    assert_eq!(
        mastodon_blocklist(&proposals).expect("the blocklist"),
        blocks.join("\n")
    );
}

#[test]
fn export_formats_have_the_same_names_on_the_command_line_and_the_socket() {
    use clap::ValueEnum;
    for format in ExportFormat::value_variants() {
        let name = format.to_possible_value().expect("every format is offered");
        let json = serde_json::to_string(format).expect("a format serialises");
        assert_eq!(json, format!("\"{}\"", name.get_name()));
    }
    let names: Vec<String> = ExportFormat::value_variants()
        .iter()
        .filter_map(|format| format.to_possible_value())
        .map(|name| name.get_name().to_string())
        .collect();
    assert_eq!(names, ["json", "csv", "md", "mastodon-csv"]);
}

#[test]
fn an_urgent_block_the_members_voted_down_is_not_on_the_blocklist() {
    use crate::governance::proposal::{Earlier, Origin, Provisional};
    let applied = || Application::Applied {
        at: utc("2026-12-07T20:01:00Z"),
    };
    let urgent = |outcome| {
        let mut proposal = proposal(
            Action::Suspend {
                domain: "raid.example".into(),
            },
            closed(outcome, applied()),
        );
        proposal.origin = Origin::Ratification(Provisional {
            actor: member("alice", "10"),
            earlier: Earlier::Unblocked,
        });
        proposal
    };
    let undone = mastodon_blocklist(&[urgent(Outcome::Blocked)]).expect("the CSV");
    assert!(!undone.contains("raid.example"), "{undone}");
    let kept = mastodon_blocklist(&[urgent(Outcome::Passed)]).expect("the CSV");
    assert!(kept.contains("raid.example,suspend"), "{kept}");
}
