//! What the bot learns of its instance before it starts, for `run` and `check` alike: who
//! the token belongs to, which software the server runs, the working group's account
//! ids, and the instance's own name and limits.

use crate::config::settings::Learned;
use crate::config::{Config, TokenSource};
use crate::governance::settings::ServerTraits;
use crate::mastodon::types::InstanceInfo;
use crate::mastodon::{ApiError, Client, Software};
use std::collections::BTreeMap;
use tracing::{info, warn};

pub use crate::mastodon::BotAccount;

/// Who the token belongs to, or one sentence saying why the instance would not tell.
pub async fn whoami(
    config: &Config,
    client: &Client,
    software: &Software,
) -> anyhow::Result<BotAccount> {
    client
        .whoami(software)
        .await
        .map_err(|error| refused_token(config, error))
}

/// One sentence for a token the instance will not take: what happened, and what to do.
/// The `ApiError` stays the cause only for errors worth retrying, which `patiently` looks
/// for; a refusal would otherwise read its own status twice.
fn refused_token(config: &Config, error: ApiError) -> anyhow::Error {
    let place = token_place(config);
    let said = |status: u16, message: &str| match message {
        "" => format!("it answered {status}"),
        message => format!("it answered {status}: {message:?}"),
    };
    match &error {
        ApiError::Http {
            status: 401,
            message,
            ..
        } => anyhow::anyhow!(
            "the instance refused the access token {place} ({}); it is mistyped, revoked \
             or for another instance: put the right token there, or make a new one with \
             coopgov login",
            said(401, message)
        ),
        ApiError::Http {
            status: 403,
            message,
            ..
        } => anyhow::anyhow!(
            "the access token {place} may not read its own account ({}); make a new token \
             with coopgov login, which asks for the scopes the bot needs",
            said(403, message)
        ),
        _ if error.is_transient() => {
            anyhow::Error::new(error).context("could not verify the access token")
        }
        _ => anyhow::anyhow!("could not verify the access token {place}: {error}"),
    }
}

fn token_place(config: &Config) -> String {
    match &config.instance.token {
        TokenSource::Env(name) => format!("in the environment variable {name}"),
        TokenSource::File(path) => format!("in the file {}", path.display()),
    }
}

/// The instance's server software: as `instance.software` names it, or, with `auto`, as
/// the instance says through NodeInfo. When it cannot tell, a warning, and software
/// treated as unknown: like Mastodon, but trusting nothing it has not shown.
pub async fn software(config: &Config) -> Software {
    if config.instance.software != "auto" {
        return Software::from_name(&config.instance.software);
    }
    match crate::mastodon::server::detect(&config.instance.url, config.instance.request_timeout)
        .await
    {
        Ok(software) => {
            info!(%software, "detected the server software");
            software
        }
        Err(problem) => {
            warn!("{problem}; set instance.software in bot.toml to say which");
            Software::Other("unknown".to_string())
        }
    }
}

/// What the instance said about names written in `bot.toml` or the roster.
#[derive(Debug, Default)]
pub struct Lookup {
    /// The local accounts found: account id → acct, lowercased.
    pub found: BTreeMap<String, String>,
    /// The names that are no local account of the instance, as written.
    pub unknown: Vec<String>,
}

/// The working group's account ids, looked up once, one name after another: a command
/// is trusted by the id it comes from, never by a name that could be renamed or
/// imitated. A lookup that fails (for a passing reason or not) is an error, never an
/// unknown name.
pub async fn resolve_working_group(config: &Config, client: &Client) -> anyhow::Result<Lookup> {
    let mut lookup = Lookup::default();
    for acct in &config.membership.working_group {
        match client.local_account(acct).await {
            Ok(Some(account)) => {
                lookup.found.insert(account.id, account.acct.to_lowercase());
            }
            Ok(None) => lookup.unknown.push(acct.clone()),
            Err(error) => {
                let context = format!("could not look up the working group's account {acct}");
                return Err(anyhow::Error::new(error).context(context));
            }
        }
    }
    Ok(lookup)
}

/// The working group the bot can trust. Configured names of which none is a local
/// account are a mistake to fix before governing; some unknown names are only warned
/// about, because a member who leaves the instance must not stop governance.
pub fn usable_working_group(
    config: &Config,
    lookup: Lookup,
) -> anyhow::Result<BTreeMap<String, String>> {
    if lookup.unknown.is_empty() {
        return Ok(lookup.found);
    }
    let names = lookup.unknown.join(", ");
    if lookup.found.is_empty() {
        anyhow::bail!(
            "none of the names in membership.working_group ({names}) is a local account of \
             {}, so nobody could steer the bot; correct them in {} (usernames of this \
             instance, like \"alice\"), or set working_group = [] to run without a working group",
            config.instance.url,
            config.path.display()
        );
    }
    warn!(
        unknown = %names,
        "membership.working_group names accounts that are not local accounts of the \
         instance: they are left out of the working group; correct bot.toml and restart"
    );
    Ok(lookup.found)
}

/// What start-up learned, as the settings take it.
pub fn learned(
    config: &Config,
    me: &BotAccount,
    instance: &InstanceInfo,
    software: &Software,
    working_group: BTreeMap<String, String>,
) -> Learned {
    Learned {
        bot_id: me.id.clone(),
        bot_acct: me.acct.clone(),
        instance_domain: instance_host(instance, &config.instance.url),
        max_characters: instance.max_characters.max(100),
        server: ServerTraits {
            name: software.to_string(),
            can_silence: software.capabilities().silence,
        },
        working_group,
    }
}

/// The instance's own host name (without a port), from the instance document or the URL.
fn instance_host(instance: &InstanceInfo, url: &str) -> String {
    let domain = if instance.domain.is_empty() {
        url.split("://")
            .nth(1)
            .unwrap_or(url)
            .split('/')
            .next()
            .unwrap_or_default()
    } else {
        instance.domain.as_str()
    };
    domain.split(':').next().unwrap_or_default().to_lowercase()
}

#[cfg(test)]
mod tests;
