//! `coopgov export`: the decision record for other tools, as JSON, as CSV for
//! spreadsheets, as a Markdown table, or as Mastodon's blocklist import format.

use super::ReportError;
use crate::governance::messages;
use crate::governance::proposal::Application;
use crate::governance::{Position, Proposal, Severity};
use crate::store::Store;

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
    /// `members`, or the seated jury: `jury: bob, dave`.
    pub decided_by: String,
    /// `request`, or how else it came to be: members' reports, an urgent action, an appeal.
    pub origin: String,
}

pub(super) fn record(proposal: &Proposal) -> DecisionRecord {
    let closing = proposal.closing();
    let count = |position| closing.map(|c| c.tally.count(position));
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
        decided_by: messages::seating::decided_by_whom(proposal),
        origin: messages::origin_phrase(proposal).unwrap_or_else(|| "request".to_string()),
    }
}

/// Members write the reasons, and a spreadsheet runs a cell that starts with `=`, `+`,
/// `-`, `@` or a control as a formula: a leading apostrophe makes it plain text (OWASP's
/// advice for CSV injection). Only for `csv`, the export meant for spreadsheets.
pub(super) fn inert_in_spreadsheets(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// A Markdown table cell: no column breaks, no line breaks, and no raw HTML, which some
/// renderers would show as markup.
pub(super) fn markdown_cell(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
}

/// `rows` as CSV, quoted where RFC 4180 needs it, one row a line and no line break after
/// the last (the command's `println!` adds it).
pub(super) fn csv_text<Row, Field>(
    rows: impl IntoIterator<Item = Row>,
) -> Result<String, csv::Error>
where
    Row: IntoIterator<Item = Field>,
    Field: AsRef<[u8]>,
{
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        writer.write_record(row)?;
    }
    let bytes = writer.into_inner().map_err(|error| error.into_error())?;
    // Every field was a `str`, so the bytes are UTF-8 and nothing is replaced.
    let text = String::from_utf8_lossy(&bytes);
    Ok(text.strip_suffix('\n').unwrap_or(&text).to_string())
}

fn or_empty<T: ToString>(value: &Option<T>) -> String {
    value.as_ref().map(ToString::to_string).unwrap_or_default()
}

/// The forms `export` writes the decision record in; `mastodon-csv` is Mastodon's
/// blocklist import format, the applied domain decisions, one row per domain. Their names,
/// the same on the command line and on the socket, are the variants' in kebab case (the
/// variants have no doc comments of their own, which clap would print as a long list).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "kebab-case")]
pub enum ExportFormat {
    Json,
    Csv,
    Md,
    MastodonCsv,
}

/// The decision record in `format`.
pub fn export(store: &Store, format: ExportFormat) -> Result<String, ReportError> {
    let proposals = store.proposals()?;
    let records: Vec<DecisionRecord> = proposals.iter().map(record).collect();
    match format {
        ExportFormat::Json => Ok(serde_json::to_string_pretty(&records)?),
        ExportFormat::Csv => Ok(spreadsheet(&records)?),
        ExportFormat::Md => Ok(markdown(&records)),
        ExportFormat::MastodonCsv => Ok(mastodon_blocklist(&proposals)?),
    }
}

/// Every decision, a row each, every cell inert in spreadsheets.
pub(super) fn spreadsheet(records: &[DecisionRecord]) -> Result<String, csv::Error> {
    let header = [
        "number",
        "action",
        "domain",
        "reason",
        "proposer",
        "opened_at",
        "closes_at",
        "ballot",
        "rule",
        "outcome",
        "agree",
        "abstain",
        "disagree",
        "block",
        "application",
        "decided_by",
        "origin",
    ]
    .map(str::to_string);
    let rows = records.iter().map(|r| {
        [
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
            r.decided_by.clone(),
            r.origin.clone(),
        ]
        .map(|field| inert_in_spreadsheets(&field))
    });
    csv_text(std::iter::once(header).chain(rows))
}

/// Every decision as a Markdown table.
fn markdown(records: &[DecisionRecord]) -> String {
    let mut lines = vec![
        "| # | action | reason | origin | decided by | outcome | agree | abstain | disagree | block | applied | ballot |"
            .to_string(),
        "|---|---|---|---|---|---|---|---|---|---|---|---|".to_string(),
    ];
    for r in records {
        let action = match &r.domain {
            Some(domain) => format!("{} {domain}", r.action),
            None => r.action.to_string(),
        };
        let cell = markdown_cell;
        lines.push(format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            r.number,
            cell(&action),
            cell(&r.reason),
            cell(&r.origin),
            cell(&r.decided_by),
            or_empty(&r.outcome),
            or_empty(&r.agree),
            or_empty(&r.abstain),
            or_empty(&r.disagree),
            or_empty(&r.block),
            cell(&r.application),
            or_empty(&r.ballot)
        ));
    }
    lines.join("\n")
}

/// The domain blocks the members decided and the bot applied, latest decision per domain
/// (also the public record's `blocklist.csv`, given only the decisions that stand).
pub fn mastodon_blocklist(proposals: &[Proposal]) -> Result<String, csv::Error> {
    let mut blocks: std::collections::BTreeMap<&str, (Severity, String)> = Default::default();
    for proposal in proposals.iter().filter(|p| p.effect_stands()) {
        // An urgent action voted down stands by being undone: it is given only when it stands.
        for (domain, severity) in proposal.blocks_set() {
            match severity {
                Some(severity) => {
                    blocks.insert(domain, (severity, messages::block_comment(proposal)));
                }
                None => {
                    blocks.remove(domain);
                }
            }
        }
    }
    let header = [
        "#domain",
        "#severity",
        "#reject_media",
        "#reject_reports",
        "#public_comment",
        "#obfuscate",
    ]
    .map(str::to_string);
    let rows = blocks.into_iter().map(|(domain, (severity, comment))| {
        [domain, severity.name(), "false", "false", &comment, "false"].map(str::to_string)
    });
    csv_text(std::iter::once(header).chain(rows))
}
