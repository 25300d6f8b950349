//! The words of a case opened from members' reports: what the public ballot may say
//! (how many members, which categories) and the private case file.

use super::{action_phrase, defang_all, domain_shown};
use crate::commands::format_duration;
use crate::governance::proposal::{Proposal, ReportCase};
use crate::governance::reports::FiledReport;
use crate::governance::Outcome;

/// The case's reason on its ballot: numbers and categories only, never who or what.
pub fn reason(case: &ReportCase, readers: Readers) -> String {
    let readers = match readers {
        Readers::Jury => "the jurors read them once seated",
        Readers::WorkingGroup => "the working group has them",
    };
    let categories: Vec<String> = case
        .categories
        .iter()
        .map(|(category, count)| format!("{category} {count}"))
        .collect();
    let members = match case.reporters {
        1 => "1 member".to_string(),
        n => format!("{n} members"),
    };
    format!(
        "{members} reported accounts of {} in the last {} (reports by category: {}). The reports themselves are private: {readers}.",
        domain_shown(&case.domain),
        format_duration(case.within),
        categories.join(", ")
    )
}

/// Who the case file is for, as its first line says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Readers {
    Jury,
    WorkingGroup,
}

/// One report of a case, by direct message: its number on the instance, its category, the
/// account reported, the reporter's words and the reported posts; never who reported it.
/// Nothing in it can mention anyone: a server that read the reported account in a link as
/// a mention would send it the reporters' words.
pub fn case_file(proposal: &Proposal, report: &FiledReport, readers: Readers) -> String {
    let who = match readers {
        Readers::Jury => "the jurors",
        Readers::WorkingGroup => "the working group",
    };
    let comment = match report.comment.trim() {
        "" => "(no comment)".to_string(),
        comment => format!("“{}”", defang_all(comment)),
    };
    let posts = match report.status_urls.is_empty() {
        true => "(no posts attached)".to_string(),
        false => defang_all(&report.status_urls.join(" ")),
    };
    format!(
        "Case file of proposal #{} ({}): report {}, private to {who}; please do not share it.\nAbout: {} · category: {}\nComment: {comment}\nPosts: {posts}",
        proposal.number,
        action_phrase(&proposal.action),
        defang_all(&report.id),
        defang_all(&report.target_acct),
        report.category,
    )
}

/// The note a resolved report carries where the server keeps one (GoToSocial shows it to
/// the reporter).
pub fn resolution(proposal: &Proposal, outcome: Outcome) -> String {
    format!(
        "Decided in coopgov proposal #{} ({}): {}",
        proposal.number,
        action_phrase(&proposal.action),
        super::outcome_phrase(outcome)
    )
}
