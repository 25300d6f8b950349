//! `coopgov list` and `coopgov show <n>`: the record, read from the store.

use crate::config::Config;
use crate::governance::messages;
use crate::governance::Proposal;
use crate::store::Store;
use std::path::Path;

/// Opens the store of the configured bot, or says why it cannot.
fn open_store(config_path: &Path) -> Result<Store, String> {
    let config = Config::load(config_path).map_err(|error| error.to_string())?;
    Store::open(&config.storage.path).map_err(|error| {
        format!("{error}. While the bot runs it holds the database: stop it to read the record.")
    })
}

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
pub fn list(config_path: &Path) -> Result<String, String> {
    let store = open_store(config_path)?;
    let proposals = store.proposals().map_err(|error| error.to_string())?;
    if proposals.is_empty() {
        return Ok("No proposals yet.".to_string());
    }
    Ok(proposals.iter().map(summary).collect::<Vec<_>>().join("\n"))
}

/// A proposal and its history, oldest first.
pub fn show(config_path: &Path, number: u64) -> Result<String, String> {
    let store = open_store(config_path)?;
    let proposal = crate::governance::Records::proposal(&store, number)
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
            record.entry.event
        ));
    }
    Ok(lines.join("\n"))
}
