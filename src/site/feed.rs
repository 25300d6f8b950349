//! `feed.xml`: an Atom feed, one entry per decision (closed by a vote, cancelled ones
//! aside), latest first. Links are absolute under `base_url` when it is set, relative to
//! the feed otherwise; an entry's id is its ballot's address, which stays the same
//! wherever the site is served.

use super::{chart, page_path, words, Site};
use crate::governance::proposal::Application;
use crate::governance::{messages, Proposal};
use atom_syndication::{Entry, Feed, Link, Person, Text, WriteConfig};
use chrono::{DateTime, Utc};

pub(super) fn feed(site: &Site) -> String {
    let entries: Vec<Entry> = site
        .decisions()
        .into_iter()
        .filter_map(|proposal| entry(site, proposal))
        .collect();
    let updated = entries
        .iter()
        .map(|entry| entry.updated)
        .max()
        .unwrap_or_else(|| site.input.generated_at.fixed_offset());
    let mut links = vec![link(address(site, "index.html"), "alternate", "text/html")];
    if site.input.base_url.is_some() {
        links.push(link(
            address(site, "feed.xml"),
            "self",
            "application/atom+xml",
        ));
    }
    let feed = Feed {
        title: Text::plain(format!("Decisions of {}", site.host())),
        id: match site.input.base_url {
            Some(_) => address(site, "feed.xml"),
            None => site.bot_profile(),
        },
        updated,
        authors: vec![Person {
            name: format!("@{}", site.input.bot_acct),
            uri: Some(site.bot_profile()),
            ..Default::default()
        }],
        links,
        subtitle: Some(Text::plain(format!(
            "What the members of {} decided, and how clearly.",
            site.host()
        ))),
        entries,
        lang: Some("en".to_string()),
        ..Default::default()
    };
    let config = WriteConfig {
        write_document_declaration: true,
        indent_size: Some(2),
    };
    // Written to memory, from text `render` made printable: nothing can fail.
    let bytes = feed
        .write_with_config(Vec::new(), config)
        .expect("an Atom feed written to memory");
    String::from_utf8_lossy(&bytes).into_owned()
}

fn entry(site: &Site, proposal: &Proposal) -> Option<Entry> {
    let closing = proposal.closing()?;
    let ballot = proposal.ballot.as_ref()?;
    let applied = match closing.application {
        Application::Applied { at } => Some(at),
        _ => None,
    };
    let updated: DateTime<Utc> = applied.map_or(closing.closed_at, |at| at.max(closing.closed_at));
    let summary = format!(
        "{} on {}, decided by {}: {}. {} Reason: {}",
        words::outcome(closing.outcome),
        messages::time(closing.closed_at),
        words::who_decides(proposal),
        chart::in_words(&closing.tally),
        words::application(proposal, closing),
        proposal.reason
    );
    let mut links = vec![link(
        address(site, &page_path(proposal.number)),
        "alternate",
        "text/html",
    )];
    if let Some(url) = site.on_instance(&ballot.url) {
        links.push(link(url.to_string(), "related", "text/html"));
    }
    Some(Entry {
        title: Text::plain(format!(
            "#{} {}: {}",
            proposal.number,
            closing.outcome,
            words::title(proposal)
        )),
        id: ballot.url.clone(),
        updated: updated.fixed_offset(),
        published: Some(closing.closed_at.fixed_offset()),
        links,
        summary: Some(Text::plain(summary)),
        ..Default::default()
    })
}

/// `path` inside the site: under `base_url` when set, else relative to the feed.
fn address(site: &Site, path: &str) -> String {
    match &site.input.base_url {
        Some(base) => format!("{}/{path}", base.trim_end_matches('/')),
        None => path.to_string(),
    }
}

fn link(href: String, rel: &str, mime_type: &str) -> Link {
    Link {
        href,
        rel: rel.to_string(),
        mime_type: Some(mime_type.to_string()),
        ..Default::default()
    }
}
