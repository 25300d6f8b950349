//! The public record (SPEC §12): every decision as a static web site — pages, an Atom
//! feed and Mastodon's blocklist — rendered from the proposals alone. Pure: what to write
//! is returned; `publish` writes it.
//!
//! Only what the public threads already show goes in: never direct messages, refused
//! voters, reporters or a case's reports.

mod blocklist;
mod chart;
mod feed;
mod fires;
mod index;
mod jury;
mod proposal;
mod style;
mod words;

use crate::governance::{Outcome, Position, Proposal, Stage};
use chrono::{DateTime, Utc};
use std::path::PathBuf;

/// Everything the site is made from.
#[derive(Debug, Clone)]
pub struct SiteInput {
    /// Every proposal, in number order; open ones with their votes loaded.
    pub proposals: Vec<Proposal>,
    /// The instance's address, `https://social.example` (links to it are allowed).
    pub instance_url: String,
    /// Where the site is served, for the feed's absolute links (`[publish] base_url`).
    pub base_url: Option<String>,
    /// The bot's acct, as the pages name it.
    pub bot_acct: String,
    /// When the site was written (the only clock the pages show).
    pub generated_at: DateTime<Utc>,
    /// What a favourite of a ballot counts as, for the open proposals' counts so far.
    pub favourites_count_as: Option<Position>,
    /// A sentence at the top of every page, when the record needs one (the demo's: its
    /// instance no longer exists).
    pub notice: Option<String>,
    /// Changes a page of the FIRES feed holds (`fires::PAGE_SIZE`; smaller only in tests).
    pub fires_page_size: usize,
}

pub use fires::PAGE_SIZE as FIRES_PAGE_SIZE;

/// One file of the site: its path inside the site folder, and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteFile {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

/// The whole site for `input`: `index.html`, `blocklist.html`, `blocklist.csv`,
/// `blocklist.json` and `blocklist.txt` (GoToSocial's subscription formats),
/// `feed.xml`, `p/<n>.html` for every proposal whose ballot was posted, and, with a
/// `base_url`, the FIRES dataset under `fires/`.
pub fn render(input: &SiteInput) -> Vec<SiteFile> {
    let input = printable_input(input);
    let site = Site::new(&input);
    let mut files = vec![
        file("index.html", index::page(&site)),
        file("blocklist.html", blocklist::page(&site)),
        file("blocklist.csv", blocklist::csv(&site)),
        file("blocklist.json", blocklist::gotosocial_json(&site)),
        file("blocklist.txt", blocklist::plain(&site)),
        file("feed.xml", feed::feed(&site)),
    ];
    for proposal in site.paged() {
        files.push(file(
            &page_path(proposal.number),
            proposal::page(&site, proposal),
        ));
        if let Some(sealed) = proposal.closing().and_then(|c| c.sealed.as_ref()) {
            files.push(file(
                &receipts_path(proposal.number),
                proposal::receipts_text(proposal.number, sealed),
            ));
        }
    }
    // FIRES ids are absolute addresses: without the site's own, there is no dataset.
    if let Some(base) = &input.base_url {
        for (path, text) in fires::files(&site, base, input.fires_page_size) {
            files.push(file(&path, text));
        }
    }
    files
}

/// `input` with the members' words made printable: a reason may hold control
/// characters, which neither HTML nor XML may carry (a feed with them would not parse).
fn printable_input(input: &SiteInput) -> SiteInput {
    let proposals = input
        .proposals
        .iter()
        .map(|proposal| {
            let mut proposal = proposal.clone();
            proposal.reason = printable(&proposal.reason);
            if let Stage::Closed(closing) = &mut proposal.stage {
                for (_, reason) in &mut closing.block_reasons {
                    *reason = printable(reason);
                }
                for receipted in closing.sealed.iter_mut().flat_map(|s| &mut s.receipts) {
                    receipted.reason = printable(&receipted.reason);
                }
            }
            proposal
        })
        .collect();
    SiteInput {
        proposals,
        instance_url: input.instance_url.clone(),
        base_url: input.base_url.clone(),
        bot_acct: input.bot_acct.clone(),
        generated_at: input.generated_at,
        favourites_count_as: input.favourites_count_as,
        notice: input.notice.as_deref().map(printable),
        fires_page_size: input.fires_page_size,
    }
}

/// `text` without control characters (tabs and line breaks kept) and noncharacters.
fn printable(text: &str) -> String {
    text.chars()
        .filter(|&c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
        .filter(|&c| !matches!(c, '\u{FDD0}'..='\u{FDEF}') && (c as u32) & 0xFFFE != 0xFFFE)
        .collect()
}

fn file(path: &str, text: String) -> SiteFile {
    SiteFile {
        path: PathBuf::from(path),
        bytes: text.into_bytes(),
    }
}

/// A proposal's page, from the site's root.
fn page_path(number: u64) -> String {
    format!("p/{number}.html")
}

/// A sealed proposal's receipt and voters lists as plain text, from the site's root.
fn receipts_path(number: u64) -> String {
    format!("p/{number}-receipts.txt")
}

/// The input, with the questions every page asks of it.
struct Site<'a> {
    input: &'a SiteInput,
    /// The instance's address without a trailing `/`.
    instance: &'a str,
}

impl<'a> Site<'a> {
    fn new(input: &'a SiteInput) -> Site<'a> {
        Site {
            input,
            instance: input.instance_url.trim_end_matches('/'),
        }
    }

    /// The proposals that have a page: those whose ballot was posted, in number order.
    fn paged(&self) -> impl Iterator<Item = &'a Proposal> {
        self.input.proposals.iter().filter(|p| has_page(p))
    }

    /// Proposal `number`, when it has a page to link to.
    fn page_of(&self, number: u64) -> Option<&'a Proposal> {
        self.paged().find(|p| p.number == number)
    }

    /// The decisions, latest first: closed proposals with a page, cancelled ones aside.
    fn decisions(&self) -> Vec<&'a Proposal> {
        let mut decisions: Vec<&Proposal> = self.paged().filter(|p| is_decision(p)).collect();
        decisions.sort_by_key(|p| std::cmp::Reverse((p.closing().map(|c| c.closed_at), p.number)));
        decisions
    }

    /// `url` when it is on the instance, the only place outside the site a page links to.
    fn on_instance<'u>(&self, url: &'u str) -> Option<&'u str> {
        let rest = url.strip_prefix(self.instance)?;
        (!self.instance.is_empty() && (rest.is_empty() || rest.starts_with('/'))).then_some(url)
    }

    /// The instance's host, as titles name it: `social.example`.
    fn host(&self) -> &str {
        self.instance
            .split_once("://")
            .map_or(self.instance, |(_, host)| host)
    }

    /// The bot's profile on the instance.
    fn bot_profile(&self) -> String {
        format!("{}/@{}", self.instance, self.input.bot_acct)
    }
}

fn has_page(proposal: &Proposal) -> bool {
    proposal.ballot.is_some()
}

/// Closed by a vote (whatever its outcome), not cancelled.
fn is_decision(proposal: &Proposal) -> bool {
    has_page(proposal)
        && proposal
            .closing()
            .is_some_and(|closing| closing.outcome != Outcome::Cancelled)
}

#[cfg(test)]
mod tests;
