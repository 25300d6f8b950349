//! `coopgov list`, `show <n>` and `export`: the record, read from the store and written
//! for people (or, for `export`, for other tools).

mod history;

pub use history::in_words;

use crate::governance::messages;
use crate::governance::Proposal;
use crate::store::Store;

fn summary(proposal: &Proposal) -> String {
    let state = match proposal.closing() {
        Some(closing) => format!("{} ({})", closing.outcome, messages::counts(&closing.tally)),
        None if proposal.is_open() => format!("open until {}", messages::time(proposal.closes_at)),
        None => "opening".to_string(),
    };
    format!(
        "#{} {} by @{}: {state}",
        proposal.number,
        messages::action_phrase(&proposal.action),
        proposal.proposer.acct
    )
}

/// One line per proposal.
pub fn list(store: &Store) -> Result<String, String> {
    let proposals = store.proposals().map_err(|error| error.to_string())?;
    if proposals.is_empty() {
        return Ok("No proposals yet.".to_string());
    }
    Ok(proposals.iter().map(summary).collect::<Vec<_>>().join("\n"))
}

/// A proposal and its history, oldest first.
pub fn show(store: &Store, number: u64) -> Result<String, String> {
    let proposal = crate::governance::Records::proposal(store, number)
        .ok_or_else(|| format!("There is no proposal #{number}."))?;
    let mut lines = vec![summary(&proposal), format!("Reason: {}", proposal.reason)];
    if let Some(ballot) = &proposal.ballot {
        lines.push(format!("Ballot: {}", ballot.url));
    }
    lines.push(messages::rule_line(&proposal.rule));
    lines.push(String::new());
    for record in store.history(number).map_err(|error| error.to_string())? {
        let who = record
            .entry
            .account
            .map(|acct| format!("@{acct}"))
            .unwrap_or_else(|| "bot".to_string());
        lines.push(format!(
            "{}  {who:<20} {}",
            record.at.format("%Y-%m-%d %H:%M:%S UTC"),
            in_words(&record.entry.event)
        ));
    }
    Ok(lines.join("\n"))
}

/// One decision as exported: everything needed to understand it without the bot.
#[derive(Debug, serde::Serialize)]
pub struct DecisionRecord {
    pub number: u64,
    pub action: &'static str,
    pub domain: Option<String>,
    pub reason: String,
    pub proposer: String,
    pub opened_at: String,
    pub closes_at: String,
    pub ballot: Option<String>,
    pub rule: String,
    pub outcome: Option<String>,
    pub agree: Option<u32>,
    pub abstain: Option<u32>,
    pub disagree: Option<u32>,
    pub block: Option<u32>,
    pub application: String,
}

fn record(proposal: &Proposal) -> DecisionRecord {
    let closing = proposal.closing();
    let count = |position| closing.map(|c| c.tally.count(position));
    use crate::governance::proposal::Application;
    use crate::governance::Position;
    let application = match closing.map(|c| &c.application) {
        None => "pending vote".to_string(),
        Some(Application::NotNeeded) => "none".to_string(),
        Some(Application::Pending) => "being applied".to_string(),
        Some(Application::AwaitingConfirmation) => "awaiting confirmation".to_string(),
        Some(Application::DryRun) => "dry run".to_string(),
        Some(Application::Applied { at }) => format!("applied {}", messages::time(*at)),
        Some(Application::Failed { reason }) => format!("failed: {reason}"),
    };
    DecisionRecord {
        number: proposal.number,
        action: proposal.action.kind().name(),
        domain: proposal.action.domain().map(str::to_string),
        reason: proposal.reason.clone(),
        proposer: proposal.proposer.acct.clone(),
        opened_at: proposal.opened_at.to_rfc3339(),
        closes_at: proposal.closes_at.to_rfc3339(),
        ballot: proposal.ballot.as_ref().map(|b| b.url.clone()),
        rule: messages::rule_line(&proposal.rule),
        outcome: closing.map(|c| c.outcome.name().to_string()),
        agree: count(Position::Agree),
        abstain: count(Position::Abstain),
        disagree: count(Position::Disagree),
        block: count(Position::Block),
        application,
    }
}

/// Members write the reasons, and a spreadsheet runs a cell that starts with `=`, `+`,
/// `-`, `@` or a control as a formula: a leading apostrophe makes it plain text (OWASP's
/// advice for CSV injection). Only for `csv`, the export meant for spreadsheets.
fn inert_in_spreadsheets(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// A Markdown table cell: no column breaks, no line breaks, and no raw HTML, which some
/// renderers would show as markup.
fn markdown_cell(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
}

/// A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

fn or_empty<T: ToString>(value: &Option<T>) -> String {
    value.as_ref().map(ToString::to_string).unwrap_or_default()
}

/// The decision record in `json`, `csv`, `md`, or `mastodon-csv` (Mastodon's blocklist
/// import format: the applied domain decisions, one row per domain).
pub fn export(store: &Store, format: &str) -> Result<String, String> {
    let proposals = store.proposals().map_err(|error| error.to_string())?;
    let records: Vec<DecisionRecord> = proposals.iter().map(record).collect();
    match format {
        "json" => serde_json::to_string_pretty(&records).map_err(|error| error.to_string()),
        "csv" => {
            let mut lines = vec!["number,action,domain,reason,proposer,opened_at,closes_at,ballot,rule,outcome,agree,abstain,disagree,block,application".to_string()];
            for r in &records {
                let fields = [
                    r.number.to_string(),
                    r.action.to_string(),
                    or_empty(&r.domain),
                    r.reason.clone(),
                    r.proposer.clone(),
                    r.opened_at.clone(),
                    r.closes_at.clone(),
                    or_empty(&r.ballot),
                    r.rule.clone(),
                    or_empty(&r.outcome),
                    or_empty(&r.agree),
                    or_empty(&r.abstain),
                    or_empty(&r.disagree),
                    or_empty(&r.block),
                    r.application.clone(),
                ];
                lines.push(
                    fields
                        .iter()
                        .map(|f| csv_field(&inert_in_spreadsheets(f)))
                        .collect::<Vec<_>>()
                        .join(","),
                );
            }
            Ok(lines.join("\n"))
        }
        "md" => {
            let mut lines = vec![
                "| # | action | reason | outcome | agree | abstain | disagree | block | applied | ballot |".to_string(),
                "|---|---|---|---|---|---|---|---|---|---|".to_string(),
            ];
            for r in &records {
                let action = match &r.domain {
                    Some(domain) => format!("{} {domain}", r.action),
                    None => r.action.to_string(),
                };
                let cell = markdown_cell;
                lines.push(format!(
                    "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                    r.number,
                    cell(&action),
                    cell(&r.reason),
                    or_empty(&r.outcome),
                    or_empty(&r.agree),
                    or_empty(&r.abstain),
                    or_empty(&r.disagree),
                    or_empty(&r.block),
                    cell(&r.application),
                    or_empty(&r.ballot)
                ));
            }
            Ok(lines.join("\n"))
        }
        "mastodon-csv" => Ok(mastodon_blocklist(&proposals)),
        other => Err(format!(
            "“{other}” is not an export format; use json, csv, md or mastodon-csv"
        )),
    }
}

/// The domain blocks the members decided and the bot applied, latest decision per domain.
fn mastodon_blocklist(proposals: &[Proposal]) -> String {
    use crate::governance::proposal::Application;
    use crate::governance::Action;
    let mut blocks: std::collections::BTreeMap<String, (&'static str, String)> = Default::default();
    for proposal in proposals {
        let applied = proposal
            .closing()
            .is_some_and(|c| matches!(c.application, Application::Applied { .. }));
        if !applied {
            continue;
        }
        let comment = messages::block_comment(proposal);
        match &proposal.action {
            Action::Suspend { domain } => {
                blocks.insert(domain.clone(), ("suspend", comment));
            }
            Action::Silence { domain } => {
                blocks.insert(domain.clone(), ("silence", comment));
            }
            Action::Unblock { domain } => {
                blocks.remove(domain);
            }
            Action::Motion => {}
        }
    }
    let mut lines = vec![
        "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate".to_string(),
    ];
    for (domain, (severity, comment)) in blocks {
        lines.push(format!(
            "{},{severity},false,false,{},false",
            csv_field(&domain),
            csv_field(&comment)
        ));
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

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
            assert_eq!(csv_field(&inert_in_spreadsheets(reason)), csv, "{reason}");
        }
        assert_eq!(
            markdown_cell("a | b <img src=x onerror=alert(1)> & c\nd"),
            "a \\| b &lt;img src=x onerror=alert(1)&gt; &amp; c d"
        );
    }
}
