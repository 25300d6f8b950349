//! One reading of one subscription: a whole list, a FIRES snapshot, or a FIRES change
//! feed followed page by page from the kept cursor. Never more than it must: a list
//! unchanged since its last reading (304) costs one request, and nothing here asks our
//! instance anything.

use super::fetch::{FetchError, Fetched, ListReader};
use super::formats::{self, FeedDocument, FeedStep, FormatError};
use crate::governance::advice::reading::{Change, Outcome, Reading};
use crate::governance::advice::{
    FeedCursor, Format, ListReading, Skipped, Subscribed, Subscription, Validators,
};
use std::collections::{BTreeMap, BTreeSet};

const FIRES: &str = "application/ld+json, application/activity+json;q=0.9, application/json;q=0.8";

/// Bounds on one reading of a change feed, beyond each document's own.
#[derive(Debug, Clone, Copy)]
pub struct ReadOptions {
    /// Pages followed in one reading; the rest are read at the next.
    pub max_pages: usize,
    /// Bytes read in all in one reading.
    pub max_bytes: u64,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            max_pages: 100,
            max_bytes: 20 * 1024 * 1024,
        }
    }
}

/// Reads `subscription` once, after what the bot knew of it (`earlier`).
pub async fn read(
    reader: &ListReader,
    subscription: &Subscription,
    earlier: Option<&Subscribed>,
    options: ReadOptions,
) -> Reading {
    let outcome = match outcome(reader, subscription, earlier, options).await {
        Ok(outcome) => outcome,
        Err(why) => Outcome::Failed(why),
    };
    Reading {
        name: subscription.name.clone(),
        outcome,
    }
}

async fn outcome(
    reader: &ListReader,
    subscription: &Subscription,
    earlier: Option<&Subscribed>,
    options: ReadOptions,
) -> Result<Outcome, String> {
    // A FIRES dataset read before goes on from its cursor; its dataset is not read again.
    if let Some(cursor) = earlier.and_then(|e| e.cursor.as_ref()) {
        if matches!(subscription.format, Format::Fires | Format::Auto) {
            return follow(reader, cursor, options).await;
        }
    }
    // Validators only from a good reading: a failed one kept none worth asking about.
    let validators = earlier
        .filter(|e| e.good_at.is_some() && e.failing.is_none())
        .map(|e| e.validators.clone())
        .unwrap_or_default();
    let accept = accept(subscription.format);
    let document = match reader
        .get(&subscription.url, accept, &validators)
        .await
        .map_err(|e| sentence(&e))?
    {
        Fetched::Unchanged => return Ok(Outcome::Unchanged),
        Fetched::Body(document) => document,
    };
    let format = match subscription.format {
        Format::Auto => formats::detect(&document.text).unwrap_or(Format::Auto),
        format => format,
    };
    if format == Format::Fires {
        return snapshot(reader, &document.text, options).await;
    }
    let list = formats::parse_list(format, &document.text).map_err(|e| said(&e))?;
    Ok(Outcome::Whole {
        list,
        validators: document.validators,
        bytes: document.text.len() as u64,
        cursor: None,
    })
}

fn accept(format: Format) -> &'static str {
    match format {
        Format::MastodonCsv => "text/csv, text/plain;q=0.5, */*;q=0.1",
        Format::GotosocialJson | Format::InstanceApi => "application/json, */*;q=0.1",
        Format::Plain => "text/plain, */*;q=0.1",
        Format::Fires => FIRES,
        Format::Auto => {
            "application/ld+json, application/json, text/csv, text/plain;q=0.9, */*;q=0.1"
        }
    }
}

/// The first reading of a FIRES dataset: its snapshot is the whole list, and the snapshot's
/// `changes` link (else the dataset's feed) is where the next reading goes on.
async fn snapshot(
    reader: &ListReader,
    dataset: &str,
    options: ReadOptions,
) -> Result<Outcome, String> {
    let dataset = formats::parse_dataset(dataset).map_err(|e| said(&e))?;
    let text = get_text(reader, &dataset.snapshot, FIRES).await?;
    let snapshot = formats::parse_feed(&text).map_err(|e| said(&e))?;
    let labels = labels(reader, &snapshot.items).await;
    let mut list = ListReading::default();
    let mut seen = BTreeSet::new();
    for change in &snapshot.items {
        // The latest change per entity comes first; an older one never overrides it.
        if let Some(entity) = &change.entity {
            if !seen.insert((entity.kind.clone(), entity.key.clone())) {
                continue;
            }
        }
        match formats::read_change(change, &labels) {
            FeedStep::List(listed) => list.entries.push(listed),
            FeedStep::Remove { .. } => {}
            FeedStep::Skip(why) => list.skip(why),
        }
    }
    for _ in 0..snapshot.unreadable {
        list.skip(Skipped::Invalid);
    }
    // The snapshot lists newest first; the members read the list oldest first.
    list.entries.reverse();
    let mut bytes = text.len() as u64;
    let cursor = match snapshot.changes.clone() {
        Some(page) => {
            let applied = reflected(reader, &page, &snapshot, &mut bytes).await;
            FeedCursor { page, applied }
        }
        None => FeedCursor {
            page: dataset.changes,
            applied: Vec::new(),
        },
    };
    bytes = bytes.min(options.max_bytes);
    Ok(Outcome::Whole {
        list,
        validators: Validators::default(),
        bytes,
        cursor: Some(cursor),
    })
}

/// The changes of the snapshot's cursor page the snapshot already holds: every change
/// of that page up to the newest one the snapshot lists (a feed of static files has no
/// `since` to start after it). Where the page cannot be read now, or holds none of them
/// (a reference server's `?since=` page), just the snapshot's own changes.
async fn reflected(
    reader: &ListReader,
    page: &str,
    snapshot: &FeedDocument,
    bytes: &mut u64,
) -> Vec<String> {
    let held: BTreeSet<&str> = snapshot.items.iter().map(|c| c.id.as_str()).collect();
    let mut applied: Vec<String> = snapshot.items.iter().map(|c| c.id.clone()).collect();
    let Ok(text) = get_text(reader, page, FIRES).await else {
        return applied;
    };
    *bytes += text.len() as u64;
    let Ok(document) = formats::parse_feed(&text) else {
        return applied;
    };
    if let Some(last) = document
        .items
        .iter()
        .rposition(|c| held.contains(c.id.as_str()))
    {
        for change in &document.items[..=last] {
            if !held.contains(change.id.as_str()) {
                applied.push(change.id.clone());
            }
        }
    }
    applied
}

/// The change feed from the cursor: the cursor's page again (what it applied skipped),
/// then each `next`, until a page without one, an empty page, or the reading's bounds.
async fn follow(
    reader: &ListReader,
    cursor: &FeedCursor,
    options: ReadOptions,
) -> Result<Outcome, String> {
    let mut page = cursor.page.clone();
    let mut applied: BTreeSet<String> = cursor.applied.iter().cloned().collect();
    let mut applied_here: Vec<String> = cursor.applied.clone();
    let mut visited = BTreeSet::new();
    let mut changes = Vec::new();
    let mut skipped: BTreeMap<Skipped, u32> = BTreeMap::new();
    let mut bytes = 0u64;
    let mut label_names: BTreeMap<String, String> = BTreeMap::new();
    for _ in 0..options.max_pages {
        if !visited.insert(page.clone()) {
            // A page whose `next` leads back: what was read stands, the cursor stays here.
            break;
        }
        let text = get_text(reader, &page, FIRES).await?;
        bytes += text.len() as u64;
        let document: FeedDocument = formats::parse_feed(&text).map_err(|e| said(&e))?;
        *skipped.entry(Skipped::Invalid).or_default() += document.unreadable;
        let fresh: Vec<_> = document
            .items
            .iter()
            .filter(|c| !applied.contains(&c.id))
            .collect();
        if fresh.iter().any(|c| !label_names_cover(&label_names, c)) {
            let owned: Vec<_> = fresh.iter().map(|c| (*c).clone()).collect();
            label_names.extend(labels(reader, &owned).await);
        }
        for change in fresh {
            applied.insert(change.id.clone());
            applied_here.push(change.id.clone());
            match formats::read_change(change, &label_names) {
                FeedStep::List(listed) => changes.push(Change::List(listed)),
                FeedStep::Remove { domain, comment } => {
                    changes.push(Change::Remove { domain, comment })
                }
                // A later `accept` withdraws an earlier block's advice.
                FeedStep::Skip(Skipped::NoBlock) => match domain_of(change) {
                    Some(domain) => changes.push(Change::Remove {
                        domain,
                        comment: String::new(),
                    }),
                    None => *skipped.entry(Skipped::NoBlock).or_default() += 1,
                },
                FeedStep::Skip(why) => *skipped.entry(why).or_default() += 1,
            }
        }
        let next = document.next.filter(|_| !document.items.is_empty());
        match next {
            Some(next) if bytes < options.max_bytes && !visited.contains(&next) => {
                page = next;
                applied_here.clear();
            }
            _ => break,
        }
    }
    if changes.is_empty() && skipped.values().all(|n| *n == 0) && page == cursor.page {
        return Ok(Outcome::Unchanged);
    }
    Ok(Outcome::Changes {
        changes,
        skipped,
        cursor: FeedCursor {
            page,
            applied: applied_here,
        },
        bytes,
    })
}

fn domain_of(change: &formats::Change) -> Option<String> {
    let entity = change.entity.as_ref().filter(|e| e.kind == "domain")?;
    crate::commands::normalize_domain(&entity.key).ok()
}

fn label_names_cover(names: &BTreeMap<String, String>, change: &formats::Change) -> bool {
    change_labels(change)
        .iter()
        .all(|label| names.contains_key(*label))
}

fn change_labels(change: &formats::Change) -> Vec<&String> {
    match &change.kind {
        formats::ChangeKind::Recommendation { labels, .. }
        | formats::ChangeKind::Advisory { labels } => labels.iter().collect(),
        _ => Vec::new(),
    }
}

/// The names of the labels `changes` cite, from each label's collection (the label's
/// address without its last segment, as FIRES servers serve them, or without its
/// `#fragment`, as a coopgov publishes them); a label that cannot be named this way shows
/// its address's last segment.
async fn labels(reader: &ListReader, changes: &[formats::Change]) -> BTreeMap<String, String> {
    let collections: BTreeSet<String> = changes
        .iter()
        .flat_map(change_labels)
        .filter_map(|uri| match uri.split_once('#') {
            // `…/labels.json#spam`: the collection is the document itself.
            Some((document, _)) => Some(document.to_string()),
            None => uri.rsplit_once('/').map(|(parent, _)| parent.to_string()),
        })
        .filter(|parent| parent.starts_with("https://") || parent.starts_with("http://"))
        .collect();
    let mut names = BTreeMap::new();
    for collection in collections {
        if let Ok(text) = get_text(reader, &collection, FIRES).await {
            if let Ok(found) = formats::parse_labels(&text) {
                names.extend(found);
            }
        }
    }
    names
}

async fn get_text(reader: &ListReader, url: &str, accept: &str) -> Result<String, String> {
    match reader
        .get(url, accept, &Validators::default())
        .await
        .map_err(|e| sentence(&e))?
    {
        Fetched::Body(document) => Ok(document.text),
        Fetched::Unchanged => Err(format!(
            "{url} answered 304 Not Modified to a plain request."
        )),
    }
}

fn sentence(error: &FetchError) -> String {
    error.to_string()
}

fn said(error: &FormatError) -> String {
    error.to_string()
}
