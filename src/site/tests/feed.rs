//! The feed as a reader reads it: Atom, one entry per decision, links where they lead.

use super::*;
use atom_syndication::Feed;

fn feed(input: &SiteInput) -> Feed {
    let site = site(input);
    Feed::read_from(site["feed.xml"].as_bytes()).expect("the feed parses as Atom")
}

/// The decisions of the fixed record, latest first: #11 was cancelled, #8 to #10 are
/// open, #12 has no ballot yet.
const DECISIONS: [u64; 7] = [7, 6, 5, 4, 3, 2, 1];

#[test]
fn the_feed_has_one_entry_per_decision_latest_first() {
    let feed = feed(&input());
    let ids: Vec<&str> = feed.entries.iter().map(|entry| entry.id.as_str()).collect();
    let ballots: Vec<String> = DECISIONS
        .iter()
        .map(|n| format!("{INSTANCE}/@coopbot/50{n}"))
        .collect();
    assert_eq!(ids, ballots, "each entry is known by its ballot");
    assert_eq!(feed.title.value, "Decisions of social.example");
    assert_eq!(
        feed.entries[0].title.value,
        "#7 passed: ratify suspend nasty.example"
    );
    assert_eq!(
        feed.updated,
        utc("2026-12-07T18:00:00Z"),
        "the latest application"
    );
    assert!(!feed.authors.is_empty(), "Atom needs an author");
}

#[test]
fn feed_links_are_relative_unless_the_site_s_address_is_known() {
    let relative = feed(&input());
    let first = &relative.entries[0];
    let hrefs: Vec<&str> = first.links.iter().map(|link| link.href.as_str()).collect();
    assert_eq!(hrefs, ["p/7.html", "https://social.example/@coopbot/507"]);
    assert_eq!(relative.id, "https://social.example/@coopbot");
    let served = SiteInput {
        base_url: Some("https://social.example/governance/".to_string()),
        ..input()
    };
    let absolute = feed(&served);
    assert_eq!(
        absolute.entries[0].links[0].href,
        "https://social.example/governance/p/7.html"
    );
    assert_eq!(absolute.id, "https://social.example/governance/feed.xml");
    let own: Vec<(&str, &str)> = absolute
        .links
        .iter()
        .map(|l| (l.rel.as_str(), l.href.as_str()))
        .collect();
    assert_eq!(
        own,
        [
            ("alternate", "https://social.example/governance/index.html"),
            ("self", "https://social.example/governance/feed.xml")
        ]
    );
    assert_eq!(
        absolute.entries[0].id, relative.entries[0].id,
        "moving the site renames no entry"
    );
}

#[test]
fn a_reason_reaches_the_feed_as_text_even_with_control_characters() {
    let mut input = input();
    input.proposals[0].reason = format!("{HOSTILE}\u{1}\u{b}end");
    let feed = feed(&input);
    let summary = feed
        .entries
        .last()
        .and_then(|e| e.summary.as_ref())
        .expect("a summary");
    assert!(
        summary.value.ends_with(&format!("Reason: {HOSTILE}end")),
        "{}",
        summary.value
    );
    assert!(summary
        .value
        .contains("Passed on 2026-12-07 11:00 UTC, decided by all members: agree 9"));
}
