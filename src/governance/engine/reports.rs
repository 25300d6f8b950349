//! Members' reports become cases (SPEC §11): the unresolved reports read from the
//! instance are kept once each, added to an open case about their domain, or open one
//! when enough members reported one remote domain; the case file goes only by DM.

use super::build::{self, Asked};
use crate::governance::effects::{Effect, Step};
use crate::governance::jury::Seating;
use crate::governance::messages::{self, reports as said};
use crate::governance::proposal::{Origin, Proposal, ReportCase};
use crate::governance::purpose::Purpose;
use crate::governance::records::Records;
use crate::governance::reports::{self, FiledReport, Report};
use crate::governance::settings::{Settings, Visibility};
use crate::governance::{Action, ActionKind};
use chrono::{DateTime, Utc};
use std::collections::BTreeSet;

/// The instance's unresolved reports, as just read. Reading them again changes nothing:
/// a report is kept once, by its id.
pub fn on_reports<R: Records>(
    settings: &Settings,
    records: &R,
    unresolved: &[Report],
    now: DateTime<Utc>,
) -> Result<Step, R::Error> {
    let Some(config) = &settings.reports else {
        return Ok(Step::default());
    };
    let mut kept = records.all_kept::<FiledReport>()?;
    let mut proposals = records.all_proposals()?;
    let mut step = Step::default();
    for report in unresolved {
        if kept.contains_key(&report.id) {
            continue;
        }
        let Some(mut filed) = FiledReport::from_report(report, &settings.instance_domain) else {
            continue;
        };
        // Only members' reports count; a remote server's forwarded report or one by an
        // account that may not vote is left to people.
        if let Err(why) = settings.membership.check(&report.reporter, now) {
            step = step.logged(
                None,
                None,
                format!("report {} left to people: {}", report.id, why.explanation()),
            );
            continue;
        }
        if let Some(case) = proposals
            .iter_mut()
            .find(|p| p.closing().is_none() && case_domain(p) == Some(filed.domain.as_str()))
        {
            filed.case = Some(case.number);
            if let Some(report_case) = case.origin.case_mut() {
                report_case.report_ids.push(filed.id.clone());
            }
            step.effects.extend(case_file(settings, case, &[&filed]));
            step = step.logged(
                Some(case.number),
                None,
                format!("report {} added to the case", filed.id),
            );
            replace(&mut step.proposals, case.clone());
        }
        step.keep(&filed);
        kept.insert(filed.id.clone(), filed);
    }
    let still_unresolved: BTreeSet<&str> = unresolved.iter().map(|r| r.id.as_str()).collect();
    let open_about: BTreeSet<String> = proposals
        .iter()
        .filter(|p| p.closing().is_none())
        .filter_map(|p| p.action.domain().map(str::to_string))
        .collect();
    let due = reports::due_cases(kept.values(), &still_unresolved, config, now);
    let mut number = records.next_number()?;
    for (domain, due_reports) in due {
        if open_about.contains(&domain) {
            continue;
        }
        let proposal = open_case(settings, number, &domain, &due_reports, now);
        for report in &due_reports {
            let mut given = (*report).clone();
            given.case = Some(number);
            step.keep(&given);
        }
        step.effects
            .extend(case_file(settings, &proposal, &due_reports));
        step.effects.push(build::ballot_effect(settings, &proposal));
        let event = format!(
            "case opened from {} reports by {} members: {}",
            due_reports.len(),
            reports::reporters(due_reports.iter().copied()),
            messages::action_phrase(&proposal.action)
        );
        step.proposals.push(proposal);
        step = step.logged(Some(number), None, event);
        number += 1;
    }
    Ok(step)
}

/// The domain a case opened from reports is about.
fn case_domain(proposal: &Proposal) -> Option<&str> {
    proposal.origin.case().map(|case| case.domain.as_str())
}

fn replace(proposals: &mut Vec<Proposal>, proposal: Proposal) {
    proposals.retain(|p| p.number != proposal.number);
    proposals.push(proposal);
}

fn open_case(
    settings: &Settings,
    number: u64,
    domain: &str,
    due: &[&FiledReport],
    now: DateTime<Utc>,
) -> Proposal {
    let config = settings.reports.as_ref();
    // Where a server cannot limit, limiting is a suspension: the ballot says so honestly.
    let kind = match config.map(|c| c.propose) {
        Some(ActionKind::Silence) if settings.server.can_silence => ActionKind::Silence,
        _ => ActionKind::Suspend,
    };
    let action = match kind {
        ActionKind::Silence => Action::Silence {
            domain: domain.to_string(),
        },
        _ => Action::Suspend {
            domain: domain.to_string(),
        },
    };
    let case = ReportCase {
        domain: domain.to_string(),
        reporters: reports::reporters(due.iter().copied()),
        categories: reports::categories(due.iter().copied()),
        within: config.map(|c| c.within).unwrap_or_default(),
        report_ids: due.iter().map(|r| r.id.clone()).collect(),
        resolve: config.is_some_and(|c| c.resolve),
    };
    let readers = match settings
        .jury
        .as_ref()
        .is_some_and(|jury| jury.decides(kind))
    {
        true => said::Readers::Jury,
        false => said::Readers::WorkingGroup,
    };
    let reason = said::reason(&case, readers);
    let (proposer, request) = build::opened_by_bot(settings, format!("case-{number}"));
    let asked = Asked {
        action: &action,
        reason: &reason,
        proposer,
        request,
        duration: None,
        urgent: false,
        origin: Origin::Reports(case),
    };
    build::new_proposal(settings, number, asked, now)
}

/// Who reads a case's file now: the seated jurors; the working group when all members
/// vote; nobody while the jury is being seated (they get it once seated).
fn readers(settings: &Settings, proposal: &Proposal) -> (Vec<String>, said::Readers) {
    match &proposal.jury {
        Some(case) if case.jury_decides() => {
            let jurors = match (case.seating, &case.draw) {
                (Seating::Seated { .. }, Some(draw)) => {
                    draw.jurors().map(|(acct, _)| acct.to_string()).collect()
                }
                _ => Vec::new(),
            };
            (jurors, said::Readers::Jury)
        }
        _ => (
            settings.working_group.values().cloned().collect(),
            said::Readers::WorkingGroup,
        ),
    }
}

/// Each report by DM to each reader of the case now.
fn case_file(settings: &Settings, proposal: &Proposal, reports: &[&FiledReport]) -> Vec<Effect> {
    let (accts, kind) = readers(settings, proposal);
    let mut effects = Vec::new();
    for acct in &accts {
        for report in reports {
            let text = said::case_file(proposal, report, kind);
            effects.push(Effect::post(
                Purpose::CaseFile {
                    number: proposal.number,
                    report: report.id.clone(),
                    acct: acct.clone(),
                },
                messages::shorten(&messages::to(acct, &text), settings.max_characters),
                Visibility::Direct,
                None,
            ));
        }
    }
    effects
}

/// The jury is seated (or the pool ran out and all members vote): the case file goes to
/// its readers.
pub fn on_seated<R: Records>(
    settings: &Settings,
    records: &R,
    proposal: &Proposal,
) -> Result<Step, R::Error> {
    let Some(case) = proposal.origin.case() else {
        return Ok(Step::default());
    };
    let kept = records.all_kept::<FiledReport>()?;
    let reports: Vec<&FiledReport> = case
        .report_ids
        .iter()
        .filter_map(|id| kept.get(id))
        .collect();
    Ok(Step::of(
        Vec::new(),
        case_file(settings, proposal, &reports),
    ))
}

/// At the close, with `resolve`: each report of the case resolved, naming the decision.
pub fn resolutions(proposal: &Proposal) -> Vec<Effect> {
    let (Some(case), Some(closing)) = (proposal.origin.case(), proposal.closing()) else {
        return Vec::new();
    };
    if !case.resolve {
        return Vec::new();
    }
    let comment = said::resolution(proposal, closing.outcome);
    case.report_ids
        .iter()
        .map(|id| Effect::Resolve {
            purpose: Purpose::Resolve {
                number: proposal.number,
                report: id.clone(),
            },
            report_id: id.clone(),
            comment: comment.clone(),
        })
        .collect()
}
