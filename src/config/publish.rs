//! `[publish]`: where the running bot keeps the public record (SPEC §12), and the address
//! it is served at.

use super::raw::RawPublish;
use super::values::Checker;
use super::ConfigError;
use std::path::{Path, PathBuf};

/// `[publish]`, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishConfig {
    /// The site's folder, resolved like `storage.path`; `None`: the bot publishes nothing
    /// (`coopgov publish --out` still can).
    pub dir: Option<PathBuf>,
    /// The address the folder is served at, ending with `/`, for the feed's links.
    pub base_url: Option<String>,
}

impl PublishConfig {
    /// Why the site has no FIRES dataset, when it has none: its ids are absolute
    /// addresses, which only `base_url` gives.
    pub fn fires_warning(&self) -> Option<String> {
        (self.dir.is_some() && self.base_url.is_none()).then(|| {
            "[publish] has no base_url, so the site is written without fires/, the FIRES \
             dataset other instances can follow (its ids are absolute addresses); set \
             base_url = \"https://social.example/governance/\" to the address the folder is \
             served at"
                .to_owned()
        })
    }

    /// What an operator should hear about a `[publish]` table that publishes nothing.
    pub fn warning(&self) -> Option<String> {
        self.dir.is_none().then(|| {
            "[publish] has no dir, so the running bot does not write the public record; \
             set dir = \"/var/www/governance\" (a folder of its own), or write it once with \
             coopgov publish --out <folder>"
                .to_owned()
        })
    }
}

impl Checker<'_> {
    /// `None` without a `[publish]` table. `storage` is the database's path, which the
    /// site's folder must neither be, hold, nor sit in.
    pub(super) fn publish(
        &self,
        raw: Option<RawPublish>,
        storage: &Path,
    ) -> Result<Option<PublishConfig>, ConfigError> {
        let Some(raw) = raw else {
            return Ok(None);
        };
        let dir = match &raw.dir {
            Some(dir) if dir.get_ref().trim().is_empty() => {
                let message =
                    "publish.dir is empty; write the site's folder, like \"/var/www/governance\"";
                return Err(self.at(dir.span(), message.to_owned()));
            }
            Some(dir) => {
                let path = self.path(dir, "publish.dir")?;
                let home = std::env::var_os("HOME").map(PathBuf::from);
                let resolved = |path: &Path| super::resolved(path).ok();
                let refusal = resolved(&path).and_then(|folder| {
                    let storage = resolved(storage).unwrap_or_else(|| storage.to_path_buf());
                    let home = home.as_deref().and_then(resolved);
                    super::refusal(&folder, &storage, home.as_deref())
                });
                if let Some(why) = refusal {
                    let message = format!(
                        "publish.dir {:?} cannot hold the site: {why}",
                        dir.get_ref()
                    );
                    return Err(self.at(dir.span(), message));
                }
                Some(path)
            }
            None => None,
        };
        let base_url = match &raw.base_url {
            Some(url) => {
                let text = url.get_ref().trim();
                if let Some(problem) = base_url_problem(text) {
                    return Err(self.at(url.span(), format!("publish.base_url {text:?} {problem}")));
                }
                Some(text.to_owned())
            }
            None => None,
        };
        Ok(Some(PublishConfig { dir, base_url }))
    }
}

/// Why `text` cannot be the site's address, or `None`.
fn base_url_problem(text: &str) -> Option<&'static str> {
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"));
    let host = rest.and_then(|rest| rest.split('/').next());
    if host.is_none_or(str::is_empty)
        || text.contains(char::is_whitespace)
        || text.contains(['?', '#'])
    {
        return Some("is not a web address; write where the site is served, starting with https://, like \"https://social.example/governance/\"");
    }
    if !text.ends_with('/') {
        return Some("must end with \"/\", like \"https://social.example/governance/\": the feed's links are the pages' names added to it");
    }
    None
}
