//! `blocklist.html` and `blocklist.csv`: the domain blocks in force as the members
//! decided them, each with the decision that made it. The CSV is `coopgov export
//! --format mastodon-csv`'s, written from the decisions that stand.
//!
//! A ratification that did not pass does not stand: its block was undone (or put back
//! as it was before), whatever its action says. `mastodon_blocklist` reads only the
//! action and whether it was applied, so it is given the decisions that stand.

use super::{page_path, style, words, Site};
use crate::governance::{messages, Proposal, Severity};
use crate::report::mastodon_blocklist;
use maud::{html, Markup};
use std::collections::BTreeMap;

fn standing(site: &Site) -> Vec<Proposal> {
    site.input
        .proposals
        .iter()
        .filter(|p| p.effect_stands())
        .cloned()
        .collect()
}

/// One block in force: the domain, its severity and the decision that made it.
pub(super) struct Block<'a> {
    pub domain: &'a str,
    pub severity: Severity,
    pub decision: &'a Proposal,
}

/// The blocks in force, by domain, exactly as `mastodon_blocklist` reckons them: the
/// latest applied decision on each domain, an unblock removing it.
pub(super) fn in_force<'a>(site: &Site<'a>) -> Vec<Block<'a>> {
    let mut blocks: BTreeMap<&str, Block> = BTreeMap::new();
    for proposal in site.input.proposals.iter().filter(|p| p.effect_stands()) {
        for (domain, severity) in proposal.blocks_set() {
            match severity {
                Some(severity) => {
                    let block = Block {
                        domain,
                        severity,
                        decision: proposal,
                    };
                    blocks.insert(domain, block);
                }
                None => {
                    blocks.remove(domain);
                }
            }
        }
    }
    blocks.into_values().collect()
}

/// Mastodon's import format, one block a line, ending with a newline.
pub(super) fn csv(site: &Site) -> String {
    // Writing to memory, rows of six fields each: the CSV writer has nothing to fail on.
    let text = mastodon_blocklist(&standing(site)).expect("CSV written to memory");
    text + "\n"
}

/// The suspensions in force as GoToSocial's subscription JSON: GoToSocial makes every
/// entry a block whatever its severity, so limits are left out.
pub(super) fn gotosocial_json(site: &Site) -> String {
    let entries: Vec<serde_json::Value> = in_force(site)
        .iter()
        .filter(|block| block.severity == Severity::Suspend)
        .map(|block| {
            let mut entry = serde_json::json!({
                "domain": block.domain,
                "public_comment": messages::block_comment(block.decision),
                "obfuscate": false,
                "severity": "suspend",
            });
            if let Some(at) = applied_at(block.decision) {
                entry["suspended_at"] = serde_json::Value::String(at);
            }
            entry
        })
        .collect();
    // Plain data written to memory: serialising cannot fail.
    let mut text = serde_json::to_string_pretty(&entries).expect("JSON written to memory");
    text.push('\n');
    text
}

/// The suspensions in force, one domain a line, as GoToSocial's plain subscription reads
/// them: no comments, no blank lines, a newline after each.
pub(super) fn plain(site: &Site) -> String {
    in_force(site)
        .iter()
        .filter(|block| block.severity == Severity::Suspend)
        .map(|block| format!("{}\n", block.domain))
        .collect()
}

fn applied_at(decision: &Proposal) -> Option<String> {
    match decision.closing()?.application {
        crate::governance::proposal::Application::Applied { at } => {
            Some(at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        }
        _ => None,
    }
}

pub(super) fn page(site: &Site) -> String {
    let blocks = in_force(site);
    let provisional: Vec<&Proposal> = site
        .paged()
        .filter(|p| p.origin.is_ratification() && p.closing().is_none())
        .collect();
    let body = html! {
        h1 { "Blocklist" }
        p {
            "The servers " (site.host()) " blocks because its members decided so, each with the decision that made the block. "
            "Blocks the admins put in place by other means are not listed. The same list in Mastodon’s import format: "
            a href="blocklist.csv" { "blocklist.csv" } "."
        }
        @if blocks.is_empty() {
            p.muted { "No block decided by the members is in force." }
        } @else {
            (table(&blocks))
        }
        @if !provisional.is_empty() {
            h2 { "Urgent actions awaiting the members’ vote" }
            p { "The working group blocked these at once; each stays only if its vote passes." }
            ul {
                @for proposal in provisional {
                    li {
                        a href=(page_path(proposal.number)) {
                            "#" (proposal.number) ": " (messages::action_phrase(&proposal.action))
                        }
                        ", " (words::dated(&words::time_left(proposal, site.input.generated_at)))
                    }
                }
            }
        }
    };
    style::page(site, "Blocklist", "", body)
}

fn table(blocks: &[Block]) -> Markup {
    html! {
        table.blocks {
            thead { tr { th { "Server" } th { "Block" } th { "Decision" } th { "Why" } } }
            tbody {
                @for block in blocks {
                    @let decision = block.decision;
                    tr {
                        td.domain { (messages::domain_shown(block.domain)) }
                        td.severity { (severity(block.severity)) }
                        td.decision {
                            @if super::has_page(decision) {
                                a href=(page_path(decision.number)) { "#" (decision.number) }
                            } @else {
                                "#" (decision.number)
                            }
                            @if let Some(closing) = decision.closing() {
                                ", " (words::outcome(closing.outcome).to_lowercase()) " "
                                time datetime=(closing.closed_at.to_rfc3339()) { (closing.closed_at.format("%Y-%m-%d")) }
                                " by " (words::who_decides(decision))
                            }
                        }
                        td.why { (messages::shorten(&decision.reason, 200)) }
                    }
                }
            }
        }
    }
}

fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Silence => "limited (silence)",
        Severity::Suspend => "suspended",
        Severity::Noop => "media rejected",
    }
}
