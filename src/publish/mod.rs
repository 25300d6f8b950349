//! The public record on disk (SPEC §12): the records the site is made of, read from the
//! store or asked of the running bot; rendered by `site`; written whole (`write.rs`).
//! `coopgov publish` is here; the running bot's rewrites are `runtime/publish.rs`.

mod write;

pub use crate::query::{RecordedProposal, SiteRecords};

pub use write::{previous_of, write_site, PublishError, Written, MARKER};

use crate::config::Config;
use crate::governance::{Position, Proposal};
use crate::site::{self, SiteInput};
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};

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
    /// Changes a page of the FIRES feed holds: `site::FIRES_PAGE_SIZE`, or, for the tests
    /// only, `COOPGOV_FIRES_PAGE_SIZE` (a page fills after a few decisions there).
    pub fires_page_size: usize,
}

impl SiteSettings {
    /// The site's input from `records`, as of `now`.
    pub fn input(&self, records: SiteRecords, now: DateTime<Utc>) -> SiteInput {
        let settings = self;
        let proposals: Vec<Proposal> = records.proposals.into_iter().map(Proposal::from).collect();
        // A store no bot of this version has started on has not kept it: the ballots'
        // addresses (`…/@coopbot/123`) name the bot.
        let bot_acct = records
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
            fires_page_size: settings.fires_page_size,
        }
    }

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
            fires_page_size: std::env::var("COOPGOV_FIRES_PAGE_SIZE")
                .ok()
                .and_then(|size| size.parse().ok())
                .filter(|size| *size > 0)
                .unwrap_or(site::FIRES_PAGE_SIZE),
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
    let files = site::render(&settings.input(records, now));
    write_site(folder, &files, &settings.storage)
}

/// `coopgov publish`: the site written once into `out`, or else `[publish] dir`, from
/// the running bot's records or its stopped store. What to print, or a sentence
/// saying why not.
pub async fn publish_once(config: &Config, out: Option<&Path>) -> Result<String, PublishError> {
    let configured = config
        .publish
        .as_ref()
        .and_then(|publish| publish.dir.clone());
    let Some(folder) = out.map(Path::to_path_buf).or(configured) else {
        return Err(PublishError::NoFolder {
            config: config.path.clone(),
        });
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
) -> Result<Written, PublishError> {
    let records = crate::query::ask_site(&config.storage.path).await?;
    let settings = SiteSettings {
        notice,
        ..SiteSettings::of(config)
    };
    tokio::task::spawn_blocking(move || publish(&folder, records, &settings, Utc::now()))
        .await
        .map_err(|error| PublishError::Interrupted(error.to_string()))?
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
