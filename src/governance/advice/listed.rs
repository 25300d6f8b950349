//! What a list says of one server, in the core's own words: the parsers of every format
//! (`src/advice/formats/`) produce these, and the core decides what they lead to.

use crate::model::Severity;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One server as a list advises about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listed {
    /// Lowercase punycode, checked to be a plain host name.
    pub domain: String,
    pub advice: Advice,
    /// The list's own words about it, plain text (never read as markup); may be empty.
    #[serde(default)]
    pub comment: String,
    /// The labels it gives (FIRES), by name.
    #[serde(default)]
    pub labels: Vec<String>,
}

/// What a list advises about a server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "advice", rename_all = "snake_case")]
pub enum Advice {
    /// Block it: `Silence` or `Suspend` (a `noop` row is never listed).
    Block {
        severity: Severity,
        #[serde(default)]
        reject_media: bool,
        #[serde(default)]
        reject_reports: bool,
    },
    /// Told for information only (a FIRES Advisory): kept for the record, never proposed.
    Advisory,
}

impl Advice {
    pub fn severity(self) -> Option<Severity> {
        match self {
            Advice::Block { severity, .. } => Some(severity),
            Advice::Advisory => None,
        }
    }
}

/// Why an entry of a list is left out before anything is decided about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Skipped {
    /// Not a plain domain name (a wildcard, an address, a typo, markup).
    Invalid,
    /// Only a digest or a name with `*` in it: the list hides which server it means.
    Obfuscated,
    /// Advice to do nothing: a `noop` row, a FIRES `accept`.
    NoBlock,
    /// A FIRES entity that is not a domain (an actor), or a Tombstone.
    NotADomain,
    /// The same domain twice in one list: the first is read.
    Repeated,
    /// The instance's own domain or one of its subdomains.
    OwnDomain,
    /// Listed in `[advice] exclude`, or a subdomain of one.
    Excluded,
    /// A silence on a server that cannot silence (never raised to a suspension).
    CannotSilence,
}

impl Skipped {
    pub const ALL: [Skipped; 8] = [
        Skipped::Invalid,
        Skipped::Obfuscated,
        Skipped::NoBlock,
        Skipped::NotADomain,
        Skipped::Repeated,
        Skipped::OwnDomain,
        Skipped::Excluded,
        Skipped::CannotSilence,
    ];

    /// Why, in words, after a count: "3 not valid domain names".
    pub fn words(self) -> &'static str {
        match self {
            Skipped::Invalid => "not valid domain names",
            Skipped::Obfuscated => "obfuscated (the list hides the domain)",
            Skipped::NoBlock => "advise no block",
            Skipped::NotADomain => "about accounts, not servers",
            Skipped::Repeated => "listed twice",
            Skipped::OwnDomain => "our own domain",
            Skipped::Excluded => "excluded by [advice] exclude",
            Skipped::CannotSilence => "silences, which this server cannot do",
        }
    }
}

/// A whole list as read: its entries in the list's order, and what was left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListReading {
    pub entries: Vec<Listed>,
    #[serde(default)]
    pub skipped: BTreeMap<Skipped, u32>,
}

impl ListReading {
    pub fn skip(&mut self, why: Skipped) {
        *self.skipped.entry(why).or_default() += 1;
    }
}

/// How a list is written (`format` in `[[subscriptions]]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// Told from the document itself.
    Auto,
    MastodonCsv,
    GotosocialJson,
    Plain,
    InstanceApi,
    Fires,
}

impl Format {
    pub const ALL: [Format; 6] = [
        Format::Auto,
        Format::MastodonCsv,
        Format::GotosocialJson,
        Format::Plain,
        Format::InstanceApi,
        Format::Fires,
    ];

    /// Its name in `bot.toml`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Auto => "auto",
            Format::MastodonCsv => "mastodon-csv",
            Format::GotosocialJson => "gotosocial-json",
            Format::Plain => "plain",
            Format::InstanceApi => "instance-api",
            Format::Fires => "fires",
        }
    }
}
