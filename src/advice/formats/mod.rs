//! Readers of the shared blocklist formats: pure functions from a fetched body to what the
//! list says ([`ListReading`]), and the pure pieces of a FIRES change feed.
//!
//! Nothing here fetches, stores or decides: the caller does that (SPEC §15). Every error is a
//! [`FormatError`] whose text is a whole sentence an admin can act on.

mod detect;
mod fires;
mod gotosocial;
mod instance_api;
mod mastodon_csv;
mod plain;
mod shared;
#[cfg(test)]
mod tests;

pub use detect::detect;
pub use fires::{
    parse_dataset, parse_feed, parse_labels, read_change, Change, ChangeKind, Dataset, Entity,
    FeedDocument, FeedKind, FeedStep,
};

use crate::governance::advice::{Format, ListReading};

/// Why a document could not be read at all; `Display` is a whole sentence saying what is wrong
/// and where (the line of a CSV, the line and column of a JSON document).
///
/// An entry that cannot be used is never an error: it is skipped and counted in the reading.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    /// The body is not a list in the format it was read as.
    #[error("The list is not {}: {detail}.", describe(*format))]
    NotTheFormat { format: Format, detail: String },
    /// `auto` could not tell the format from the document.
    #[error("The list's format could not be told from its content: {detail}. Set `format` for this subscription (mastodon-csv, gotosocial-json, plain, instance-api or fires).")]
    Unrecognized { detail: String },
    /// A FIRES dataset was given to [`parse_list`].
    #[error("The document is a FIRES dataset, which is read through its snapshot and change feed, not as a list; set format = \"fires\" for this subscription.")]
    FiresIsAFeed,
    /// A FIRES document (dataset, labels, snapshot or change page) that cannot be used.
    #[error("The FIRES {document} is not usable: {detail}.")]
    NotFires {
        /// Which document: "dataset", "labels collection" or "snapshot or change feed page".
        document: &'static str,
        detail: String,
    },
}

/// The format's name in an error sentence, with its article.
fn describe(format: Format) -> &'static str {
    match format {
        Format::Auto => "in a format coopgov can read",
        Format::MastodonCsv => "a Mastodon blocklist CSV",
        Format::GotosocialJson => "a GoToSocial JSON list",
        Format::Plain => "a plain list of domains",
        Format::InstanceApi => "a Mastodon instance's public list of domain blocks",
        Format::Fires => "a FIRES dataset",
    }
}

/// Reads a whole list written in `format`: its entries in the list's order (domains checked
/// and in punycode, the first of a repeated domain kept), and what was skipped and why.
///
/// `Auto` tells the format with [`detect`] first. A FIRES dataset is not a list: it is read
/// with [`parse_dataset`], [`parse_feed`] and [`read_change`]. Zero usable entries is not an
/// error; a body that is not the format is.
pub fn parse_list(format: Format, body: &str) -> Result<ListReading, FormatError> {
    let body = shared::strip_bom(body);
    match format {
        Format::MastodonCsv => mastodon_csv::parse(body),
        Format::GotosocialJson => gotosocial::parse(body),
        Format::Plain => plain::parse(body),
        Format::InstanceApi => instance_api::parse(body),
        Format::Fires => Err(FormatError::FiresIsAFeed),
        Format::Auto => match detect(body) {
            Some(found) if found != Format::Auto => parse_list(found, body),
            _ => Err(FormatError::Unrecognized {
                detail: detect::why_unrecognized(body),
            }),
        },
    }
}
