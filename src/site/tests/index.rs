//! The index: what is open and what was decided, each linked to its page.

use super::pages::{all, page, select, text};
use super::*;

#[test]
fn the_index_shows_what_is_open_and_what_was_decided() {
    let site = site(&input());
    let index = page(&site, "index.html");
    let sections = all(&index, "main section");
    let open: Vec<String> = sections[0]
        .select(&select("li h3"))
        .map(|h| text(&h))
        .collect();
    assert_eq!(
        open,
        [
            "#8: lift the block on spam.example",
            "#9: ratify suspend evil.example",
            "#10: suspend other.example",
            "#12: limit (silence) new.example",
        ]
    );
    let open_text = text(&sections[0]);
    assert!(
        open_text.contains("agree 2 · abstain 0 · disagree 1 · block 0 (3 voters)"),
        "#8 counts the favourite: {open_text}"
    );
    // A static page says when voting closes, and the time left as of its writing only.
    assert!(
        open_text.contains("until 2026-12-12 18:00 UTC (2 days left as of 2026-12-10 12:00 UTC)"),
        "{open_text}"
    );
    // Every date stays on one line: a phone would break it at its hyphens.
    let times = sections[0].select(&select("time")).count();
    assert!(times >= 2, "{times} dates marked up");
    assert!(open_text.contains("the Standing Jury (being seated: 1 of 3 seated, 2 invited"));
    assert!(open_text.contains("none count until the jury is seated"));
    assert!(open_text.contains("the ballot is being posted"));
    let decided: Vec<String> = sections[1]
        .select(&select("li h3 a"))
        .map(|a| text(&a))
        .collect();
    assert_eq!(
        decided.len(),
        7,
        "cancelled #11 is not a decision: {decided:?}"
    );
    assert_eq!(
        decided[0], "#7: ratify suspend nasty.example",
        "latest first"
    );
    let decided_text = text(&sections[1]);
    assert!(
        decided_text.contains(
            "Passed on 2026-12-07 12:00 UTC · decided by the Standing Jury (2 seated jurors) · from reports"
        ),
        "{decided_text}"
    );
    // How each came to be, in words that never read as a server blocked.
    for tag in [
        "Passed on 2026-12-07 17:00 UTC · decided by all members · urgent action kept",
        "Stopped by a block on 2026-12-07 16:00 UTC · decided by all members · urgent action undone",
    ] {
        assert!(decided_text.contains(tag), "{tag}: {decided_text}");
    }
    assert!(decided_text.contains("Cancelled without a decision: #11"));
}

#[test]
fn the_index_shows_the_latest_decisions_and_lists_the_earlier_by_number() {
    let mut input = input();
    let motion = input.proposals[4].clone();
    for number in 100..130 {
        let mut later = motion.clone();
        later.number = number;
        if let Stage::Closed(closing) = &mut later.stage {
            closing.closed_at += chrono::Duration::hours(number as i64);
        }
        input.proposals.push(later);
    }
    let site = site(&input);
    let index = page(&site, "index.html");
    let shown: Vec<String> = all(&index, "main section:nth-of-type(2) li h3")
        .iter()
        .map(text)
        .collect();
    assert_eq!(shown.len(), 25);
    assert!(shown[0].starts_with("#129: "), "{shown:?}");
    let earlier: Vec<String> = all(&index, "main section:nth-of-type(2) > p a")
        .iter()
        .map(text)
        .collect();
    assert_eq!(
        earlier.len(),
        37 - 25 + 1,
        "every other decision, and #11: {earlier:?}"
    );
    assert_eq!(earlier.first().map(String::as_str), Some("#104"));
}
