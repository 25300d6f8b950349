//! The public record on disk (SPEC §12): the records the site is made of, read from the
//! store or asked of the running bot; rendered by `site`; written whole (`write.rs`).
//! `coopgov publish` is here; the running bot's rewrites are `runtime/publish.rs`.

mod write;

pub use write::{previous_of, refusal, resolved, write_site, PublishError, Written, MARKER};

use crate::config::Config;
use crate::governance::proposal::Vote;
use crate::governance::{Identity, Position, Proposal, Records, Stage};
use crate::site::{self, SiteInput};
use crate::store::{Store, StoreError};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// What the site is made of from the store, as it travels from the running bot to
/// `coopgov publish`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteRecords {
    /// The bot's acct as it last started; `None` in a store no bot of this version ran on.
    pub bot_acct: Option<String>,
    /// Every proposal, in number order.
    pub proposals: Vec<RecordedProposal>,
}

/// A proposal with its votes, which the store keeps apart and a proposal's own
/// serialisation leaves out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedProposal {
    pub proposal: Proposal,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub votes: Vec<Vote>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub favourites: Vec<Identity>,
}

impl From<Proposal> for RecordedProposal {
    fn from(mut proposal: Proposal) -> RecordedProposal {
        RecordedProposal {
            votes: std::mem::take(&mut proposal.votes).into_values().collect(),
            favourites: std::mem::take(&mut proposal.favourites)
                .into_values()
                .collect(),
            proposal,
        }
    }
}

impl From<RecordedProposal> for Proposal {
    fn from(recorded: RecordedProposal) -> Proposal {
        let mut proposal = recorded.proposal;
        for vote in recorded.votes {
            proposal.votes.insert(vote.voter.account_id.clone(), vote);
        }
        for voter in recorded.favourites {
            proposal.favourites.insert(voter.account_id.clone(), voter);
        }
        proposal
    }
}

impl SiteRecords {
    /// Every proposal, with the votes of those not yet closed (a closed one's tally is in
    /// its record). Who was told that their vote did not count is left out: no page
    /// needs it, so it never leaves the store this way.
    pub fn read(store: &Store) -> Result<SiteRecords, StoreError> {
        let mut proposals = Vec::new();
        for proposal in store.proposals()? {
            let mut proposal = match proposal.stage {
                Stage::Closed(_) => proposal,
                // Proposals are never removed: `None` cannot follow the listing.
                _ => store
                    .proposal_with_votes(proposal.number)?
                    .unwrap_or(proposal),
            };
            proposal.explained.clear();
            proposals.push(RecordedProposal::from(proposal));
        }
        Ok(SiteRecords {
            bot_acct: store.bot_acct()?,
            proposals,
        })
    }

    /// The site's input, as of `now`.
    pub fn into_input(self, settings: &SiteSettings, now: DateTime<Utc>) -> SiteInput {
        let proposals: Vec<Proposal> = self.proposals.into_iter().map(Proposal::from).collect();
        // A store no bot of this version has started on has not kept it: the ballots'
        // addresses (`…/@coopbot/123`) name the bot.
        let bot_acct = self
            .bot_acct
            .or_else(|| proposals.iter().find_map(acct_in_ballot_address))
            .unwrap_or_else(|| "the bot".to_string());
        SiteInput {
            proposals,
            instance_url: settings.instance_url.clone(),
            base_url: settings.base_url.clone(),
            bot_acct,
            generated_at: now,
            favourites_count_as: settings.favourites_count_as,
            notice: settings.notice.clone(),
        }
    }
}

/// The account a ballot's address names: `https://host/@coopbot/123` → `coopbot`.
fn acct_in_ballot_address(proposal: &Proposal) -> Option<String> {
    let url = &proposal.ballot.as_ref()?.url;
    let after = url.split("/@").nth(1)?;
    let acct = after.split('/').next()?;
    (!acct.is_empty()).then(|| acct.to_string())
}

/// What the site takes from `bot.toml`.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteSettings {
    pub instance_url: String,
    pub base_url: Option<String>,
    pub favourites_count_as: Option<Position>,
    /// The bot's database, which a site must never replace.
    pub storage: PathBuf,
    /// A sentence at the top of every page (the demo's).
    pub notice: Option<String>,
}

impl SiteSettings {
    pub fn of(config: &Config) -> SiteSettings {
        SiteSettings {
            instance_url: config.instance.url.clone(),
            base_url: config
                .publish
                .as_ref()
                .and_then(|publish| publish.base_url.clone()),
            favourites_count_as: config.proposals.favourites_count_as,
            storage: config.storage.path.clone(),
            notice: None,
        }
    }
}

/// Renders `records` as of `now` and writes the site at `folder`, whole or not at all.
pub fn publish(
    folder: &Path,
    records: SiteRecords,
    settings: &SiteSettings,
    now: DateTime<Utc>,
) -> Result<Written, PublishError> {
    let files = site::render(&records.into_input(settings, now));
    write_site(folder, &files, &settings.storage)
}

/// `coopgov publish`: the site written once into `out`, or else `[publish] dir`, from
/// the running bot's records or its stopped store. What to print, or a sentence
/// saying why not.
pub async fn publish_once(config: &Config, out: Option<&Path>) -> Result<String, String> {
    let configured = config
        .publish
        .as_ref()
        .and_then(|publish| publish.dir.clone());
    let Some(folder) = out.map(Path::to_path_buf).or(configured) else {
        return Err(format!(
            "say where to write the site: coopgov publish --out <folder>, or set dir in \
             the [publish] table of {}",
            config.path.display()
        ));
    };
    let written = publish_into(config, folder, None).await?;
    let files = match written.files {
        1 => "1 file".to_string(),
        files => format!("{files} files"),
    };
    Ok(format!(
        "Wrote the public record ({files}) to {}\nOpen {} in a browser, or serve the folder with any web server.",
        written.folder.display(),
        index_url(&written.folder)
    ))
}

/// The site written once into `folder`, from the running bot's records or its stopped
/// store; or a sentence saying why not.
pub async fn publish_into(
    config: &Config,
    folder: PathBuf,
    notice: Option<String>,
) -> Result<Written, String> {
    let records = crate::query::ask_site(&config.storage.path)
        .await
        .map_err(|error| error.to_string())?;
    let settings = SiteSettings {
        notice,
        ..SiteSettings::of(config)
    };
    tokio::task::spawn_blocking(move || publish(&folder, records, &settings, Utc::now()))
        .await
        .map_err(|error| format!("writing the site failed: {error}"))?
        .map_err(|error| error.to_string())
}

/// `file:///…/index.html` for the site at `folder` (absolute), for a browser's address bar.
pub fn index_url(folder: &Path) -> String {
    let path = folder.join("index.html");
    let mut url = String::from("file://");
    for &byte in path.as_os_str().as_encoded_bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                url.push(char::from(byte))
            }
            _ => url.push_str(&format!("%{byte:02X}")),
        }
    }
    url
}

#[cfg(test)]
mod tests;
