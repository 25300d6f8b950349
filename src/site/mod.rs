//! The public record (SPEC §12): every decision as a static web site — pages, an Atom
//! feed and Mastodon's blocklist — rendered from the proposals alone. Pure: what to write
//! is returned; `publish` writes it.
//!
//! Only what the public threads already show goes in: never direct messages, refused
//! voters, reporters or a case's reports.

use crate::governance::{Position, Proposal};
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
}

/// One file of the site: its path inside the site folder, and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteFile {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

/// The whole site for `input`.
pub fn render(input: &SiteInput) -> Vec<SiteFile> {
    // Replaced by the real pages (issue 16); only here so the writer can be built beside it.
    vec![SiteFile {
        path: PathBuf::from("index.html"),
        bytes: format!(
            "<!doctype html><title>{} proposals</title>",
            input.proposals.len()
        )
        .into_bytes(),
    }]
}
