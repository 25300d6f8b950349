//! Members' reports (SPEC §11): grouping by domain and distinct reporters in the window,
//! local accounts left to people, a report counted once, the case file kept private.

use super::support::*;
use crate::governance::engine as real;
use crate::governance::jury::PoolSource;
use crate::governance::proposal::Origin;
use crate::governance::reports::{due_cases, FiledReport, Report, ReportSettings};
use crate::governance::{ActionKind, Effect, Purpose, Settings, Visibility};
use chrono::{DateTime, Utc};
use std::collections::BTreeSet;
use std::time::Duration;

fn config() -> ReportSettings {
    ReportSettings {
        open_after: 3,
        within: Duration::from_secs(7 * 86_400),
        propose: ActionKind::Silence,
        resolve: true,
    }
}

fn watching() -> Settings {
    Settings {
        reports: Some(config()),
        ..settings()
    }
}

/// A report by member `reporter` (id `reporter_id`) about `target`, filed `at`.
fn report(id: &str, reporter: &str, reporter_id: u32, target: &str, at: DateTime<Utc>) -> Report {
    let target_domain = target.split_once('@').map(|(_, host)| host.to_string());
    Report {
        id: id.to_string(),
        created_at: at,
        category: "spam".to_string(),
        comment: format!("secret words in report {id}"),
        reporter: member(reporter, reporter_id),
        target_acct: target.to_string(),
        target_domain,
        status_urls: vec![format!("https://evil.example/@x/{id}")],
    }
}

fn filed(reports: &[Report]) -> Vec<FiledReport> {
    reports
        .iter()
        .filter_map(|r| FiledReport::from_report(r, "social.example"))
        .collect()
}

fn ids(reports: &[Report]) -> BTreeSet<&str> {
    reports.iter().map(|r| r.id.as_str()).collect()
}

#[test]
fn a_case_is_due_when_enough_distinct_members_reported_one_domain_in_the_window() {
    let now = t0();
    let hour = chrono::Duration::hours(1);
    let three = vec![
        report("1", "anna", 21, "troll@evil.example", now - hour),
        report("2", "benno", 22, "spam@evil.example", now - hour),
        report("3", "carla", 23, "troll@EVIL.example", now - hour),
    ];
    let kept = filed(&three);
    let due = due_cases(&kept, &ids(&three), &config(), now);
    assert_eq!(due.keys().collect::<Vec<_>>(), vec!["evil.example"]);
    assert_eq!(due["evil.example"].len(), 3);

    // One member reporting three times counts once.
    let one_member = vec![
        report("1", "anna", 21, "troll@evil.example", now - hour),
        report("2", "anna", 21, "spam@evil.example", now - hour),
        report("3", "benno", 22, "troll@evil.example", now - hour),
    ];
    let kept = filed(&one_member);
    assert!(due_cases(&kept, &ids(&one_member), &config(), now).is_empty());

    // A report older than the window does not count.
    let mut old = three.clone();
    old[0].created_at = now - chrono::Duration::days(8);
    let kept = filed(&old);
    assert!(due_cases(&kept, &ids(&old), &config(), now).is_empty());

    // Two domains, reported apart: no case for either.
    let apart = vec![
        report("1", "anna", 21, "troll@evil.example", now - hour),
        report("2", "benno", 22, "spam@other.example", now - hour),
        report("3", "carla", 23, "troll@evil.example", now - hour),
    ];
    let kept = filed(&apart);
    assert!(due_cases(&kept, &ids(&apart), &config(), now).is_empty());

    // A report a moderator resolved by hand no longer counts.
    let kept = filed(&three);
    let still: BTreeSet<&str> = ["1", "2"].into();
    assert!(due_cases(&kept, &still, &config(), now).is_empty());

    // Reports already given to a case do not count again.
    let mut given = filed(&three);
    given[0].case = Some(1);
    assert!(due_cases(&given, &ids(&three), &config(), now).is_empty());
}

#[test]
fn reports_about_local_accounts_or_this_instance_are_left_to_people() {
    let now = t0();
    for target in ["neighbour", "x@social.example", "x@sub.social.example"] {
        let local = report("1", "anna", 21, target, now);
        assert_eq!(
            FiledReport::from_report(&local, "social.example"),
            None,
            "{target}"
        );
    }
}

/// Three members' reports about evil.example handled as one read.
fn three_reports() -> Vec<Report> {
    let at = t0() - chrono::Duration::hours(2);
    vec![
        report("101", "anna", 21, "troll@evil.example", at),
        report("102", "benno", 22, "spam@evil.example", at),
        report("103", "carla", 23, "troll@evil.example", at),
    ]
}

fn dms_to(effects: &[Effect]) -> Vec<(String, String)> {
    effects
        .iter()
        .filter_map(|effect| match effect {
            Effect::Post {
                purpose: Purpose::CaseFile { acct, .. },
                text,
                visibility: Visibility::Direct,
                ..
            } => Some((acct.clone(), text.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn a_case_opens_with_a_public_ballot_of_numbers_and_a_private_file_for_the_working_group() {
    let settings = watching();
    let mut memory = Memory::default();
    let reports = three_reports();
    let step = infallible(real::on_reports(&settings, &memory, &reports, t0()));
    let effects = memory.apply(&step);
    let proposal = memory.one();
    let Origin::Reports(case) = &proposal.origin else {
        panic!("{:?}", proposal.origin)
    };
    assert_eq!(case.reporters, 3);
    assert_eq!(case.report_ids, vec!["101", "102", "103"]);
    assert_eq!(proposal.action.domain(), Some("evil.example"));
    assert_eq!(proposal.proposer.acct, "coopbot");

    let ballot = effects
        .iter()
        .find_map(|effect| match effect {
            Effect::Post {
                purpose: Purpose::Ballot { .. },
                text,
                ..
            } => Some(text.clone()),
            _ => None,
        })
        .expect("a ballot");
    assert!(
        ballot.contains("3 members reported accounts of evil.example in the last 7d"),
        "{ballot}"
    );
    assert!(ballot.contains("spam 3"), "{ballot}");
    for private in ["anna", "benno", "carla", "secret words", "troll", "/@x/"] {
        assert!(!ballot.contains(private), "{private} in {ballot}");
    }

    // The working group (one member here) gets each report, no reporter named.
    let dms = dms_to(&effects);
    assert_eq!(dms.len(), 3);
    for (acct, text) in &dms {
        assert_eq!(acct, "wg");
        assert!(text.contains("secret words in report"), "{text}");
        assert!(!text.contains("anna") && !text.contains("benno") && !text.contains("carla"));
    }

    // The same read again, and again after the ballot is up: nothing new.
    let again = infallible(real::on_reports(&settings, &memory, &reports, t0()));
    assert!(again.is_empty(), "{again:?}");
}

#[test]
fn a_later_report_joins_the_open_case_and_its_file_goes_out_the_same_way() {
    let settings = watching();
    let mut memory = Memory::default();
    let mut reports = three_reports();
    memory.apply(&infallible(real::on_reports(
        &settings,
        &memory,
        &reports,
        t0(),
    )));
    reports.push(report("104", "dan", 24, "other@evil.example", t0()));
    let step = infallible(real::on_reports(&settings, &memory, &reports, t0()));
    let effects = memory.apply(&step);
    assert_eq!(memory.proposal_count(), 1, "no second case");
    let Origin::Reports(case) = &memory.one().origin else {
        panic!()
    };
    assert_eq!(case.report_ids.len(), 4);
    let dms = dms_to(&effects);
    assert_eq!(dms.len(), 1);
    assert!(dms[0].1.contains("secret words in report 104"));
}

#[test]
fn at_the_close_every_report_of_the_case_is_resolved_naming_the_decision() {
    let settings = watching();
    let mut memory = Memory::default();
    memory.apply(&infallible(real::on_reports(
        &settings,
        &memory,
        &three_reports(),
        t0(),
    )));
    let effects = memory.post_ballot_of_one(&settings);
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e.purpose(), Purpose::Opened { .. })),
        "nobody asked for a case: nobody is told it opened"
    );
    let record = crate::governance::ThreadRecord {
        replies: vec![post(&member("bob", 11), 600, "agree", Some("500"))],
        favourited_by: vec![],
    };
    let step = crate::governance::engine::close(&settings, &memory.one(), &record, t0() + days(6));
    let effects = memory.apply(&step);
    let resolved: Vec<(&str, &str)> = effects
        .iter()
        .filter_map(|effect| match effect {
            Effect::Resolve {
                report_id, comment, ..
            } => Some((report_id.as_str(), comment.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(resolved.len(), 3);
    assert!(resolved
        .iter()
        .all(|(_, comment)| comment.contains("proposal #1") && comment.contains("PASSED")));
}

#[test]
fn a_juried_case_sends_its_file_to_the_jurors_once_seated() {
    let pool = PoolSource::Roster(["dora", "eve", "fay", "gus"].map(String::from).into());
    let settings = Settings {
        reports: Some(config()),
        ..with_jury(pool)
    };
    let mut memory = Memory::default();
    let effects = memory.apply(&infallible(real::on_reports(
        &settings,
        &memory,
        &three_reports(),
        t0(),
    )));
    assert!(
        dms_to(&effects).is_empty(),
        "nobody reads it before the jury is seated"
    );
    // Seated: the follow-up of the seating post sends each juror each report.
    let mut proposal = memory.one();
    let mut jury = crate::governance::jury::Jury::new(
        3,
        "seed".into(),
        ["dora", "eve", "fay"].map(String::from).to_vec(),
    );
    jury.invite(t0(), chrono::Duration::days(1));
    for (acct, id) in [("dora", "31"), ("eve", "32"), ("fay", "33")] {
        jury.answer(acct, Some(id), t0());
    }
    let case = proposal.jury.as_mut().expect("a jury decides silences");
    case.draw = Some(jury);
    case.seating = crate::governance::jury::Seating::Seated { at: t0() };
    let step = infallible(real::on_seated(&settings, &memory, &proposal));
    let dms = dms_to(&step.effects);
    assert_eq!(dms.len(), 9, "three reports to each of three jurors");
    let readers: BTreeSet<&str> = dms.iter().map(|(acct, _)| acct.as_str()).collect();
    assert_eq!(readers, ["dora", "eve", "fay"].into());
    assert!(dms
        .iter()
        .all(|(_, text)| text.contains("private to the jurors")));
}

#[test]
fn reports_by_accounts_that_may_not_vote_do_not_count() {
    let settings = watching();
    let memory = Memory::default();
    let mut reports = three_reports();
    reports[2].reporter = member("carla@elsewhere.example", 23);
    reports[2].reporter.identity.acct = "carla@elsewhere.example".into();
    let step = infallible(real::on_reports(&settings, &memory, &reports, t0()));
    assert!(step.proposals.is_empty());
    assert_eq!(step.kept.len(), 2);
}
