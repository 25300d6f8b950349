//! `bot.toml`: read in two stages, raw serde structs → a checked `Config`.
//!
//! Every refusal names the file, the line and what is allowed, so an operator can fix
//! the file without reading code. The access token never enters a message: the config
//! only says where to find it, and `Secret` hides it from `Debug`.

mod advice;
mod check;
mod edit;
mod jury;
mod publish;
mod raw;
mod reports;
mod rulebook;
pub mod settings;
mod site_folder;
#[cfg(test)]
pub(crate) mod tests;
mod values;

pub use edit::set_token_file;
pub use jury::{JuryConfig, JuryPool, JURY_RULE};
pub use publish::PublishConfig;
pub use reports::ReportsConfig;
pub use site_folder::{refusal, resolved};

use crate::governance::{ActionKind, Durations, Mode, Position, Rule, Visibility};
use crate::secret::Secret;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What `instance.software` may say: `auto` (ask the instance through NodeInfo), or a
/// platform megalodon supports.
pub const SOFTWARE: [&str; 7] = [
    "auto",
    "mastodon",
    "pleroma",
    "friendica",
    "firefish",
    "gotosocial",
    "pixelfed",
];

/// An instance's address as typed on the command line: written as `[instance] url`
/// takes it (`https://social.example`, a trailing slash allowed), or the host alone,
/// meaning `https://`. A refusal is a sentence saying how to write it.
pub fn instance_address(text: &str) -> Result<String, ConfigError> {
    let text = text.trim();
    let bare_host = !text.contains("://") && !text.trim_end_matches('/').contains('/');
    let address = match bare_host && !text.is_empty() {
        true => values::web_address(&format!("https://{text}")),
        false => values::web_address(text),
    };
    address.ok_or_else(|| {
        ConfigError::Address(format!(
            "{}, or give the host alone, like \"social.example\"",
            values::not_a_web_address(text, "https://social.example")
        ))
    })
}

/// The checked configuration; every value is valid and every default filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The file it was read from.
    pub path: PathBuf,
    pub instance: InstanceConfig,
    pub storage: StorageConfig,
    pub membership: MembershipConfig,
    pub proposals: ProposalConfig,
    pub rules: RuleBook,
    pub actions: ActionsConfig,
    pub vocabulary: VocabularyConfig,
    pub limits: LimitsConfig,
    /// `[jury]` and `[rules.jury]`; `None` without `[jury]`: every proposal goes to all members.
    pub jury: Option<JuryConfig>,
    /// `[reports]`; `None` without the table. Reports are read only with `watch = true`
    /// (see [`Config::watched_reports`]).
    pub reports: Option<ReportsConfig>,
    /// `[appeals] within`: how long after a jury's or a ratification's decision a member
    /// may appeal it (30 days by default); `None` when it is "0": appeals are off.
    pub appeals_within: Option<Duration>,
    /// `[publish]`; `None` without the table. The running bot writes the public record
    /// only when it has a `dir`.
    pub publish: Option<PublishConfig>,
    /// `[[subscriptions]]` and `[advice]`; `None` without a subscription: no list is read.
    pub advice: Option<crate::governance::advice::AdviceSettings>,
}

/// `[limits]`: bounds that keep the bot from being turned into a spam cannon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitsConfig {
    /// Answers, explanations and refusals one account gets a day (the working group: no limit).
    pub answers_per_account_per_day: u32,
    /// Proposals one member may open a day (the working group: no limit; 0: no limit).
    pub proposals_per_member_per_day: u32,
}

/// `[instance]`: the server the bot lives on.
#[derive(Debug, Clone, PartialEq)]
pub struct InstanceConfig {
    /// `http://` or `https://`, without a trailing slash.
    pub url: String,
    /// One of [`SOFTWARE`]; `mastodon` by default.
    pub software: String,
    pub token: TokenSource,
    /// How often notifications are polled while streaming is down (60s by default).
    pub poll_interval: Duration,
    /// How long one request to the instance may take (30s by default).
    pub request_timeout: Duration,
    /// With no frame at all on the stream for this long, it is taken for dead (2m).
    pub stream_silence: Duration,
}

/// `[storage]`.
#[derive(Debug, Clone, PartialEq)]
pub struct StorageConfig {
    /// The sled database folder, resolved against the config file's folder.
    pub path: PathBuf,
}

/// `[membership]`: who may vote and propose, and the working group.
#[derive(Debug, Clone, PartialEq)]
pub struct MembershipConfig {
    pub voters: Voters,
    pub min_account_age_days: u32,
    pub proposers: Proposers,
    /// Local usernames, as written but without a leading '@'.
    pub working_group: Vec<String>,
    /// Where members can read how coopgov works (docs/MEMBERS.md, published where they
    /// can reach it); `help` links it.
    pub guide_url: Option<String>,
}

impl MembershipConfig {
    /// Whether `acct` is a working-group member; remote accts (with '@') never are.
    pub fn is_working_group(&self, acct: &str) -> bool {
        !acct.contains('@')
            && self
                .working_group
                .iter()
                .any(|name| name.eq_ignore_ascii_case(acct))
    }
}

/// Who may vote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Voters {
    /// Local, non-bot, non-suspended accounts.
    Local,
    /// Only the accts listed in `file`, one per line (resolved like `storage.path`).
    Roster { file: PathBuf },
}

/// Who may open proposals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proposers {
    Members,
    WorkingGroup,
}

/// `[proposals]`.
#[derive(Debug, Clone, PartialEq)]
pub struct ProposalConfig {
    /// `default_duration`, `min_duration`, `urgent_min_duration` and `max_duration`.
    pub durations: Durations,
    /// `None` when `reminder_before = "0"`.
    pub reminder_before: Option<Duration>,
    /// Of ballots and announcements: public or unlisted (never direct).
    pub visibility: Visibility,
    /// `Some(Agree)` for "agree", `None` for "nothing".
    pub favourites_count_as: Option<Position>,
    /// Whether a counted vote is favourited ("favourite") or not ("none").
    pub receipts: bool,
    pub block_requires_reason: bool,
}

/// `[rules.*]`, each kind already merged with `[rules.default]`.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleBook {
    pub default: Rule,
    pub suspend: Rule,
    pub silence: Rule,
    pub unblock: Rule,
    pub motion: Rule,
    /// `[rules.ratify]`: how the working group's urgent action is ratified, merged with
    /// `Rule::ratify()` (not `[rules.default]`).
    pub ratify: Rule,
}

impl RuleBook {
    /// The rule a proposal of this kind is decided by.
    pub fn for_kind(&self, kind: ActionKind) -> &Rule {
        match kind {
            ActionKind::Suspend => &self.suspend,
            ActionKind::Silence => &self.silence,
            ActionKind::Unblock => &self.unblock,
            ActionKind::Motion => &self.motion,
        }
    }
}

/// `[actions]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionsConfig {
    pub mode: Mode,
}

/// `[vocabulary]`: words added to (or replacing) the default ones.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VocabularyConfig {
    /// true: these words are the whole vocabulary; false: they extend the default.
    pub replace: bool,
    /// Lowercased words, one list per position in `Position::ALL` order.
    lists: [Vec<String>; 4],
}

impl VocabularyConfig {
    /// Every position in `Position::ALL` order with its configured words (maybe none).
    pub fn words(&self) -> Vec<(Position, Vec<String>)> {
        Position::ALL.into_iter().zip(self.lists.clone()).collect()
    }
}

/// Where `[instance]` says the access token is kept, never the token itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenSource {
    /// The name of an environment variable (`token_env`, `COOPGOV_TOKEN` by default).
    Env(String),
    /// A file holding the token (`token_file`, resolved like `storage.path`).
    File(PathBuf),
}

impl TokenSource {
    /// A warning when the token file can be read by other users of the machine.
    pub fn permission_warning(&self) -> Option<String> {
        use std::os::unix::fs::PermissionsExt;
        let TokenSource::File(path) = self else {
            return None;
        };
        let mode = std::fs::metadata(path).ok()?.permissions().mode();
        (mode & 0o077 != 0).then(|| {
            format!(
                "the token file {} can be read by other users of this machine; make it private with: chmod 600 {}",
                path.display(),
                path.display()
            )
        })
    }

    /// Reads the token, trimmed; a missing or empty token is an error saying what to do.
    pub fn read(&self) -> Result<Secret, ConfigError> {
        let (value, place) = match self {
            TokenSource::Env(name) => {
                let place = format!("the environment variable {name}");
                match std::env::var(name) {
                    Ok(value) => (value, place),
                    Err(std::env::VarError::NotPresent) => {
                        return Err(ConfigError::Token(format!(
                            "{place} is not set; export {name}=<your access token> \
                             (`coopgov login` makes one) or set token_file in [instance]"
                        )))
                    }
                    Err(std::env::VarError::NotUnicode(_)) => {
                        return Err(ConfigError::Token(format!(
                            "{place} is not valid UTF-8; set it to the access token itself"
                        )))
                    }
                }
            }
            TokenSource::File(path) => {
                let place = format!("the token file {}", path.display());
                match std::fs::read_to_string(path) {
                    Ok(value) => (value, place),
                    // io::Error never quotes the file's content, so it is safe to show.
                    Err(error) => {
                        return Err(ConfigError::Token(format!(
                            "cannot read {place}: {error}; write the access token into it \
                             (`coopgov login` makes one) or fix token_file in [instance]"
                        )))
                    }
                }
            }
        };
        let token = value.trim();
        if token.is_empty() {
            return Err(ConfigError::Token(format!(
                "{place} is empty; put the access token there (`coopgov login` makes one)"
            )));
        }
        Ok(Secret::new(token.to_owned()))
    }
}

/// Why `bot.toml` (or the token it points to) was refused; the Display is for people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// A value, key or table at a known line of the file.
    #[error("{file}:{line}: {message}")]
    Invalid {
        file: String,
        line: usize,
        message: String,
    },
    /// The file as a whole: unreadable, or missing something it must have.
    #[error("{file}: {message}")]
    File { file: String, message: String },
    /// The access token could not be read (the message never contains it).
    #[error("{0}")]
    Token(String),
    /// An instance's address as typed, not one: how to write it.
    #[error("{0}")]
    Address(String),
    /// A file that cannot be edited in place: why (`coopgov login`'s `token_file`).
    #[error("{0}")]
    Uneditable(String),
    /// A file `bot.toml` names (the roster, the jury's pool_file) that cannot be read.
    #[error("{0}")]
    Unreadable(String),
    /// Settings the instance cannot hold: ballots longer than its posts.
    #[error("{0}")]
    Unfit(String),
}

impl Config {
    /// Reads and checks the file at `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|error| ConfigError::File {
            file: path.display().to_string(),
            message: format!(
                "cannot read the configuration ({error}); check the path given to --config \
                 or copy the example bot.toml there"
            ),
        })?;
        Config::parse(&text, path)
    }

    /// `[reports]` when `watch = true`: the bot then reads members' reports, and its
    /// token and role must allow it.
    pub fn watched_reports(&self) -> Option<&ReportsConfig> {
        self.reports.as_ref().filter(|reports| reports.watch)
    }

    /// Checks `text` as if read from `path` (used for messages and relative paths).
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        check::config(text, path)
    }
}
