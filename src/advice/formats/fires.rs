//! FIRES (fedimod): the pure pieces of reading a dataset through its snapshot and change feed.
//! Fetching, the cursor and deduplication by change id are the caller's.

use super::detect::has_type;
use super::shared::{
    clean_text, json_error, json_kind, quote, strip_bom, COMMENT_CHARS, NAME_CHARS,
};
use super::FormatError;
use crate::commands::normalize_domain;
use crate::governance::advice::{Advice, Listed, Skipped};
use crate::model::Severity;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A FIRES dataset, as GET on its id answers with `Accept: application/ld+json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dataset {
    /// Its canonical id (a URL): the key of the subscription.
    pub id: String,
    /// `name` (or a `nameMap` entry); empty when it gives none.
    pub name: String,
    /// `summary` (or a `summaryMap` entry); empty when it gives none.
    pub summary: String,
    /// Its human-readable page.
    pub url: Option<String>,
    /// `endpoints.snapshot`: the first reading.
    pub snapshot: String,
    /// `endpoints.changes`: the feed (its pages' `partOf`).
    pub changes: String,
}

/// Which document of the feed was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedKind {
    /// The snapshot: the latest change per entity, newest first, with the `changes` cursor.
    Snapshot,
    /// The root of the change feed, without items: start from `first`.
    Collection,
    /// One page of the feed, oldest change first: follow `next` while present.
    Page,
}

/// A snapshot, the change feed's root or one of its pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedDocument {
    pub id: Option<String>,
    pub kind: FeedKind,
    /// The changes it holds, in the document's order.
    pub items: Vec<Change>,
    /// A page's next page.
    pub next: Option<String>,
    /// The root's (or a page's) first page.
    pub first: Option<String>,
    /// A snapshot's cursor into the feed (`…/changes?since=<newest>`).
    pub changes: Option<String>,
    /// A page's `partOf`: it should be the dataset's `endpoints.changes`.
    pub part_of: Option<String>,
    /// Items left out because they could not be read (no `id` or `type`, not an object).
    pub unreadable: u32,
}

/// One change of a FIRES feed, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Its id (ends in its UUIDv7): the key to apply it once.
    pub id: String,
    pub published: Option<String>,
    pub kind: ChangeKind,
    /// `entityKind` and `entityKey`; a Tombstone may have none.
    pub entity: Option<Entity>,
}

/// What a change is about: `kind` is `domain` or `actor`; `key` a domain or an actor URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    pub kind: String,
    pub key: String,
}

/// The type of a change, with the fields of each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeKind {
    /// `recommendedPolicy` (`accept` | `filter` | `reject` | `drop`), `recommendedFilters`
    /// and label URIs, as written.
    Recommendation {
        policy: String,
        filters: Vec<String>,
        labels: Vec<String>,
    },
    /// For information only: label URIs.
    Advisory {
        labels: Vec<String>,
    },
    /// The entity is no longer recommended about; `comment` may be empty.
    Retraction {
        comment: String,
    },
    Tombstone,
    /// A type this reader does not know, by its name.
    Other(String),
}

/// What one change means for the list of a FIRES subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedStep {
    /// The entity is listed (a block, or an Advisory kept for the record).
    List(Listed),
    /// The entity leaves the list (a Retraction), with the provider's reason if any.
    Remove { domain: String, comment: String },
    /// Nothing to list, and why.
    Skip(Skipped),
}

const DATASET: &str = "dataset";
const LABELS: &str = "labels collection";
const FEED: &str = "snapshot or change feed page";

fn not_fires(document: &'static str, detail: impl Into<String>) -> FormatError {
    FormatError::NotFires {
        document,
        detail: detail.into(),
    }
}

/// The JSON object of a FIRES document.
fn object(body: &str, document: &'static str) -> Result<Map<String, Value>, FormatError> {
    let body = strip_bom(body);
    match serde_json::from_str::<Value>(body) {
        Err(error) => Err(not_fires(document, json_error(body, &error))),
        Ok(Value::Object(object)) => Ok(object),
        Ok(other) => Err(not_fires(
            document,
            format!("it is a JSON {}, not an object", json_kind(&other)),
        )),
    }
}

/// A non-blank text.
fn text(value: Option<&Value>) -> Option<&str> {
    value
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|text| !text.is_empty())
}

/// A link: a URL as text, or an object (a Link or an embedded page) with `href` or `id`.
fn link(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::Object(object) => text(object.get("href")).or_else(|| text(object.get("id"))),
        Value::Array(links) => return links.iter().find_map(|link| self::link(Some(link))),
        other => text(Some(other)),
    }
    .map(str::to_owned)
}

/// `key` as text, or else the best entry of `key_map`: "en", then "en-…", then any.
fn localized<'a>(object: &'a Map<String, Value>, key: &str, key_map: &str) -> Option<&'a str> {
    if let Some(plain) = text(object.get(key)) {
        return Some(plain);
    }
    let map = object.get(key_map)?.as_object()?;
    let entry = |wanted: &dyn Fn(&str) -> bool| {
        map.iter()
            .filter(|(language, _)| wanted(language))
            .find_map(|(_, value)| text(Some(value)))
    };
    entry(&|language| language.eq_ignore_ascii_case("en"))
        .or_else(|| entry(&|language| language.to_ascii_lowercase().starts_with("en-")))
        .or_else(|| entry(&|_| true))
}

/// Reads a FIRES dataset document.
pub fn parse_dataset(body: &str) -> Result<Dataset, FormatError> {
    let object = object(body, DATASET)?;
    if !has_type(object.get("type"), &["Dataset"]) {
        let found = text(object.get("type")).unwrap_or("none");
        return Err(not_fires(
            DATASET,
            format!(
                "its type is {}, not “Dataset”; give the dataset's own address",
                quote(found)
            ),
        ));
    }
    let id = text(object.get("id"))
        .ok_or_else(|| not_fires(DATASET, "it has no “id”"))?
        .to_owned();
    let endpoints = object.get("endpoints");
    let endpoint = |name: &str| {
        link(endpoints.and_then(|endpoints| endpoints.get(name)))
            .ok_or_else(|| not_fires(DATASET, format!("it has no “endpoints.{name}” address")))
    };
    Ok(Dataset {
        id,
        name: localized(&object, "name", "nameMap")
            .map_or_else(String::new, |name| clean_text(name, NAME_CHARS)),
        summary: localized(&object, "summary", "summaryMap")
            .map_or_else(String::new, |summary| clean_text(summary, COMMENT_CHARS)),
        url: link(object.get("url")),
        snapshot: endpoint("snapshot")?,
        changes: endpoint("changes")?,
    })
}

/// The items of a collection (`orderedItems`, else `items`); `None` when it has neither.
fn items<'a>(
    object: &'a Map<String, Value>,
    document: &'static str,
) -> Result<Option<&'a [Value]>, FormatError> {
    for key in ["orderedItems", "items"] {
        match object.get(key) {
            None | Some(Value::Null) => {}
            Some(Value::Array(items)) => return Ok(Some(items)),
            Some(other) => {
                return Err(not_fires(
                    document,
                    format!("its “{key}” is a JSON {}, not an array", json_kind(other)),
                ))
            }
        }
    }
    Ok(None)
}

/// Reads the labels collection: each label's id (as changes cite it) → its name. Labels
/// without a name are left out (a change citing one shows its URI's last segment).
pub fn parse_labels(body: &str) -> Result<BTreeMap<String, String>, FormatError> {
    let object = object(body, LABELS)?;
    let items =
        items(&object, LABELS)?.ok_or_else(|| not_fires(LABELS, "it has no “items” array"))?;
    Ok(items
        .iter()
        .filter(|label| has_type(label.get("type"), &["fires:Label", "Label"]))
        .filter_map(|label| {
            let label = label.as_object()?;
            let id = text(label.get("id"))?;
            let name = localized(label, "name", "nameMap")?;
            Some((id.to_owned(), clean_text(name, NAME_CHARS)))
        })
        .collect())
}

/// A list of texts (label URIs, filters); a label given as an object counts by its `id`.
fn texts(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::Array(values)) => values
            .iter()
            .filter_map(|value| link(Some(value)))
            .collect(),
        Some(Value::String(one)) if !one.trim().is_empty() => vec![one.trim().to_owned()],
        _ => Vec::new(),
    }
}

/// One item of a snapshot or page; `None` when it has no `id` or `type`.
fn read_item(item: &Value) -> Option<Change> {
    let item = item.as_object()?;
    let id = text(item.get("id"))?.to_owned();
    let kind = match item.get("type")? {
        Value::Array(types) => types.iter().find_map(|kind| text(Some(kind)))?,
        one => text(Some(one))?,
    };
    let entity = match (text(item.get("entityKind")), text(item.get("entityKey"))) {
        (Some(kind), Some(key)) => Some(Entity {
            kind: kind.to_owned(),
            key: key.to_owned(),
        }),
        _ => None,
    };
    let labels = texts(item.get("labels"));
    let kind = match kind.strip_prefix("fires:").unwrap_or(kind) {
        "Recommendation" => ChangeKind::Recommendation {
            policy: text(item.get("recommendedPolicy"))
                .unwrap_or_default()
                .to_owned(),
            filters: texts(item.get("recommendedFilters")),
            labels,
        },
        "Advisory" => ChangeKind::Advisory { labels },
        "Retraction" => ChangeKind::Retraction {
            comment: text(item.get("comment")).unwrap_or_default().to_owned(),
        },
        "Tombstone" => ChangeKind::Tombstone,
        other => ChangeKind::Other(other.to_owned()),
    };
    Some(Change {
        id,
        published: text(item.get("published")).map(str::to_owned),
        kind,
        entity,
    })
}

/// Reads a snapshot (`Collection`/`OrderedCollection` with items and `changes`), the root of
/// the change feed (`OrderedCollection` with `first`, no items) or one of its pages
/// (`OrderedCollectionPage`). Unreadable items are counted, not fatal.
pub fn parse_feed(body: &str) -> Result<FeedDocument, FormatError> {
    let object = object(body, FEED)?;
    let typed = object.get("type");
    let items = items(&object, FEED)?;
    let first = link(object.get("first"));
    let changes = link(object.get("changes"));
    let kind = if has_type(typed, &["OrderedCollectionPage", "CollectionPage"]) {
        FeedKind::Page
    } else if has_type(typed, &["OrderedCollection", "Collection"]) {
        match (items.is_some(), first.is_some(), changes.is_some()) {
            (_, true, false) | (false, true, _) => FeedKind::Collection,
            (true, _, _) => FeedKind::Snapshot,
            (false, false, _) => {
                return Err(not_fires(
                    FEED,
                    "it is a collection with neither items nor a “first” page",
                ))
            }
        }
    } else {
        let found = match object.get("type") {
            Some(Value::String(found)) => quote(found),
            _ => "missing".to_owned(),
        };
        return Err(not_fires(
            FEED,
            format!("its type is {found}; a snapshot is a Collection and a page of changes an OrderedCollectionPage"),
        ));
    };
    let mut document = FeedDocument {
        id: text(object.get("id")).map(str::to_owned),
        kind,
        items: Vec::new(),
        next: link(object.get("next")),
        first,
        changes,
        part_of: link(object.get("partOf")),
        unreadable: 0,
    };
    if kind == FeedKind::Collection {
        // The root's `next` is its first page, not a page after this one.
        document.next = None;
    }
    for item in items.unwrap_or_default() {
        match read_item(item) {
            Some(change) => document.items.push(change),
            None => document.unreadable += 1,
        }
    }
    Ok(document)
}

/// The last path segment of a URI (the whole text when it has none).
fn last_segment(uri: &str) -> &str {
    let path = uri.split(['?', '#']).next().unwrap_or(uri);
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .filter(|segment| !segment.is_empty() && !segment.ends_with(':'))
        .unwrap_or(uri)
}

/// Label URIs → names, through the labels collection; an unknown one by its last segment.
fn label_names(uris: &[String], names: &BTreeMap<String, String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(uris.len());
    for uri in uris {
        let name = names
            .get(uri)
            .cloned()
            .unwrap_or_else(|| clean_text(last_segment(uri), NAME_CHARS));
        if !name.is_empty() && !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// A filter's id: the bare id, or the end of a URI after its last `/` or `#`.
fn filter_id(filter: &str) -> &str {
    let filter = filter.trim().trim_end_matches('/');
    filter.rsplit(['/', '#']).next().unwrap_or(filter)
}

/// What one change means for the list (SPEC §15): `drop`/`reject` → suspend; `filter` →
/// silence (`reject_media` for `reject-media`/`reject-profile-media`, `reject_reports` for
/// `reject-reports`/`ignore-reports`); `accept` → no block; an Advisory is listed for the
/// record; a Retraction is a removal; actors and Tombstones are not domains.
pub fn read_change(change: &Change, labels: &BTreeMap<String, String>) -> FeedStep {
    let entity = match (&change.kind, &change.entity) {
        (ChangeKind::Tombstone, _) => return FeedStep::Skip(Skipped::NotADomain),
        (ChangeKind::Other(_), _) | (_, None) => return FeedStep::Skip(Skipped::Invalid),
        (_, Some(entity)) => entity,
    };
    if !entity.kind.trim().eq_ignore_ascii_case("domain") {
        return FeedStep::Skip(Skipped::NotADomain);
    }
    let Ok(domain) = normalize_domain(&entity.key) else {
        return FeedStep::Skip(Skipped::Invalid);
    };
    let listed = |advice, uris: &[String]| {
        FeedStep::List(Listed {
            domain: domain.clone(),
            advice,
            comment: String::new(),
            labels: label_names(uris, labels),
        })
    };
    match &change.kind {
        ChangeKind::Recommendation {
            policy,
            filters,
            labels: uris,
        } => {
            let has = |wanted: &[&str]| {
                filters.iter().any(|filter| {
                    let id = filter_id(filter);
                    wanted.iter().any(|name| id.eq_ignore_ascii_case(name))
                })
            };
            let (severity, reject_media, reject_reports) =
                match policy.trim().to_ascii_lowercase().as_str() {
                    "drop" | "reject" => (Severity::Suspend, false, false),
                    "filter" => (
                        Severity::Silence,
                        has(&["reject-media", "reject-profile-media"]),
                        has(&["reject-reports", "ignore-reports"]),
                    ),
                    "accept" => return FeedStep::Skip(Skipped::NoBlock),
                    _ => return FeedStep::Skip(Skipped::Invalid),
                };
            listed(
                Advice::Block {
                    severity,
                    reject_media,
                    reject_reports,
                },
                uris,
            )
        }
        ChangeKind::Advisory { labels: uris } => listed(Advice::Advisory, uris),
        ChangeKind::Retraction { comment } => FeedStep::Remove {
            domain,
            comment: clean_text(comment, COMMENT_CHARS),
        },
        ChangeKind::Tombstone | ChangeKind::Other(_) => FeedStep::Skip(Skipped::Invalid),
    }
}
