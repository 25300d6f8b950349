//! The pages as a browser parses them: well-formed documents, links only inside the site
//! or to the instance, the chart equal to the tally, members' words shown as text.

use super::*;
use crate::site::chart::bar_length;
use scraper::{ElementRef, Html, Selector};

pub(super) fn select(text: &str) -> Selector {
    Selector::parse(text).expect("a test selector")
}

/// Every element `selector` finds in `page`.
pub(super) fn all<'a>(page: &'a Html, selector: &str) -> Vec<ElementRef<'a>> {
    page.select(&select(selector)).collect()
}

pub(super) fn text(element: &ElementRef) -> String {
    element.text().collect()
}

fn html_pages(site: &BTreeMap<String, String>) -> Vec<(&str, Html)> {
    site.iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .map(|(path, text)| (path.as_str(), Html::parse_document(text)))
        .collect()
}

pub(super) fn page(site: &BTreeMap<String, String>, path: &str) -> Html {
    Html::parse_document(site.get(path).expect("the page is written"))
}

#[test]
fn every_page_is_a_whole_html5_document_for_phones() {
    let site = site(&input());
    for (path, page) in html_pages(&site) {
        assert!(site[path].starts_with("<!DOCTYPE html>"), "{path}: doctype");
        assert_eq!(
            page.errors,
            Vec::<std::borrow::Cow<str>>::new(),
            "{path}: parse errors"
        );
        assert_eq!(all(&page, "html[lang=en]").len(), 1, "{path}: lang");
        assert_eq!(
            all(&page, "head > meta[charset=utf-8]").len(),
            1,
            "{path}: charset"
        );
        let viewport = all(&page, "meta[name=viewport]");
        assert_eq!(
            viewport.first().and_then(|m| m.value().attr("content")),
            Some("width=device-width, initial-scale=1"),
            "{path}: viewport"
        );
        let title = all(&page, "head > title");
        assert!(
            title.len() == 1 && text(&title[0]).contains("social.example"),
            "{path}: title"
        );
        assert_eq!(all(&page, "h1").len(), 1, "{path}: one heading");
    }
}

/// `link` from the page at `from`, as a path inside the site, when it is relative.
fn resolve(from: &str, link: &str) -> String {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for part in link.split('/') {
        match part {
            ".." => {
                parts.pop();
            }
            "." => {}
            part => parts.push(part),
        }
    }
    parts.join("/")
}

#[test]
fn every_link_stays_inside_the_site_or_goes_to_the_instance() {
    let site = site(&input());
    let mut checked = 0;
    for (path, page) in html_pages(&site) {
        for element in all(&page, "[href], [src], [action], [srcset], [poster], [data]") {
            let element = element.value();
            for name in ["src", "action", "srcset", "poster", "data"] {
                assert_eq!(
                    element.attr(name),
                    None,
                    "{path}: nothing is loaded from anywhere"
                );
            }
            let Some(link) = element.attr("href") else {
                continue;
            };
            checked += 1;
            if link.starts_with(&format!("{INSTANCE}/")) || link == INSTANCE {
                continue;
            }
            assert!(
                !link.contains(':') && !link.starts_with('/') && !link.is_empty(),
                "{path}: {link} leaves the site"
            );
            let target = link.split('#').next().unwrap_or_default();
            assert!(
                target.is_empty() || site.contains_key(&resolve(path, target)),
                "{path}: {link} points at no page of the site"
            );
        }
        for tag in [
            "script",
            "img",
            "iframe",
            "object",
            "embed",
            "link[rel=stylesheet]",
            "form",
            "base",
        ] {
            assert!(all(&page, tag).is_empty(), "{path}: no {tag}");
        }
    }
    assert!(checked > 50, "the pages have links ({checked})");
}

#[test]
fn the_chart_draws_the_tally_with_its_numbers_as_text() {
    let site = site(&input());
    let page = page(&site, "p/1.html");
    let charts = all(&page, "svg.tally");
    assert_eq!(charts.len(), 1);
    let svg = charts[0];
    assert_eq!(svg.value().attr("role"), Some("img"));
    let labelled_by = svg
        .value()
        .attr("aria-labelledby")
        .expect("a text alternative");
    let alternative: Vec<String> = labelled_by
        .split(' ')
        .map(|id| text(&all(&page, &format!("svg [id='{id}']"))[0]))
        .collect();
    assert_eq!(
        alternative,
        [
            "Final tally of proposal #1",
            "agree 9 · abstain 1 · disagree 0 · block 1 (11 voters)"
        ]
    );
    let expected = tally(9, 1, 0, 1);
    let rows: Vec<(String, String, String, String)> = svg
        .select(&select("g.row"))
        .map(|row| {
            let label = text(&row.select(&select("text.label")).next().expect("a label"));
            let count = text(&row.select(&select("text.count")).next().expect("a count"));
            let bar = row.select(&select("rect.bar")).next().expect("a bar");
            let width = bar.value().attr("width").unwrap_or_default().to_string();
            let data = row
                .value()
                .attr("data-count")
                .unwrap_or_default()
                .to_string();
            assert_eq!(data, count, "the data and the text agree");
            (
                label,
                count,
                width,
                bar.value().attr("class").unwrap_or_default().to_string(),
            )
        })
        .collect();
    let wanted: Vec<(String, String, String, String)> = Position::ALL
        .into_iter()
        .map(|position| {
            let count = expected.count(position);
            (
                position.name().to_string(),
                count.to_string(),
                bar_length(count, expected.voters()).to_string(),
                format!("bar {}", position.name()),
            )
        })
        .collect();
    assert_eq!(rows, wanted);
}

#[test]
fn a_member_s_reason_is_shown_as_text_never_as_markup() {
    let site = site(&input());
    let page = page(&site, "p/1.html");
    let reason = all(&page, "blockquote.reason");
    assert_eq!(text(&reason[0]), HOSTILE, "shown literally, quotes and all");
    assert!(
        all(&page, "main b").is_empty(),
        "no element from the reason"
    );
    let block = all(&page, "ul.blocks li");
    assert_eq!(text(&block[0]), format!("@carol: {HOSTILE_BLOCK}"));
    assert!(
        site["p/1.html"].contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; say &quot;hi&quot;")
    );
    for (path, page) in html_pages(&site) {
        assert!(all(&page, "script, img").is_empty(), "{path}: nothing runs");
    }
    let blocklist = page_text(&site, "blocklist.html");
    assert!(
        blocklist.contains("They post <script>alert(1)</script> & say"),
        "the blocklist's why, as text"
    );
}

pub(super) fn page_text(site: &BTreeMap<String, String>, path: &str) -> String {
    let page = page(site, path);
    all(&page, "main").iter().map(text).collect()
}

#[test]
fn a_case_from_reports_shows_counts_and_categories_and_its_jury_s_draw() {
    let site = site(&input());
    let page = page(&site, "p/2.html");
    let main = page_text(&site, "p/2.html");
    assert!(main.contains("Opened by the bot from 3 members’ reports about spam.example: spam 2, violation 2. The reports themselves are private."), "{main}");
    assert!(main.contains("Proposed bythe bot, @coopbot"));
    let case = &input().proposals[1];
    let jury = case
        .jury
        .as_ref()
        .and_then(|c| c.draw.as_ref())
        .expect("a draw");
    let jurors: Vec<String> = all(&page, "ol.jurors li").iter().map(text).collect();
    let seated: Vec<String> = jury.jurors().map(|(acct, _)| format!("@{acct}")).collect();
    assert_eq!(jurors, seated, "the jurors in draw order");
    assert_eq!(jurors.len(), 2);
    let order: Vec<String> = all(&page, "ol.order li").iter().map(text).collect();
    assert_eq!(
        order,
        jury.order
            .iter()
            .map(|a| format!("@{a}"))
            .collect::<Vec<_>>()
    );
    let seed = text(&all(&page, "code.seed")[0]);
    let seed_text = text(&all(&page, "pre.seed-text")[0]);
    assert_eq!(seed, jury.seed);
    assert_eq!(
        draw::sha256_hex(&seed_text),
        seed,
        "anyone can recompute the seed from the page"
    );
    assert_eq!(
        seed_text,
        "coopgov-jury-v1\n2\n502\nalice\nbob\ncarol\ndave\nerin"
    );
}

#[test]
fn a_jury_being_seated_names_nobody_yet() {
    let site = site(&input());
    let page = page(&site, "p/10.html");
    assert!(
        all(&page, "ol.jurors").is_empty(),
        "the thread names jurors at the seating"
    );
    let main = page_text(&site, "p/10.html");
    assert!(
        main.contains("It is being seated: 1 of 3 seated, 2 invited"),
        "{main}"
    );
    assert!(main.contains("No vote counts until the jury is seated."));
    assert_eq!(
        all(&page, "ol.order li").len(),
        4,
        "the draw is public from the start, without the proposer"
    );
    assert!(
        main.contains("voting runs 3 days from the jury’s seating"),
        "no closing time yet"
    );
}

#[test]
fn a_proposal_page_tells_its_story_and_how_to_check_it() {
    let site = site(&input());
    let main = page_text(&site, "p/6.html");
    for expected in [
        "Ratifies an urgent action: @wg of the working group acted at once",
        "Passes if someone agrees and it is not a tie; disagreeing alone does not stop it; any block stops it unless agree outnumbers disagree and block at least 9 to 1.",
        "Stopped by a block. The urgent action was undone on 2026-12-07 17:00 UTC: worse.example is unblocked.",
        "2026-12-01 16:00 UTC: Opened.",
        "2026-12-07 16:00 UTC: Closed: stopped by a block.",
        "2026-12-07 17:00 UTC: The urgent action is undone on the instance.",
        "coopgov verify https://social.example/@coopbot/506",
        "@bob: too hasty",
    ] {
        assert!(main.contains(expected), "p/6.html says {expected:?}: {main}");
    }
    let page = page(&site, "p/6.html");
    let links: Vec<(String, String)> = all(&page, "main a")
        .iter()
        .map(|a| {
            (
                text(a),
                a.value().attr("href").unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert!(links.contains(&("The ballot".to_string(), format!("{INSTANCE}/@coopbot/506"))));
    assert!(links.contains(&("The result".to_string(), format!("{INSTANCE}/@coopbot/606"))));
    let appealed = page_text(&site, "p/2.html");
    assert!(appealed.contains("This decision was appealed: proposal #8."));
    let appeal = page_text(&site, "p/8.html");
    assert!(appeal.contains("An appeal of proposal #2, decided by all members. See proposal #2."));
}

#[test]
fn a_reason_with_control_characters_leaves_the_page_valid() {
    let mut input = input();
    input.proposals[0].reason = "before\u{1}\u{0}\u{FFFF}after".to_string();
    let site = site(&input);
    let page = page(&site, "p/1.html");
    assert_eq!(page.errors, Vec::<std::borrow::Cow<str>>::new());
    assert_eq!(text(&all(&page, "blockquote.reason")[0]), "beforeafter");
}

#[test]
fn a_ballot_elsewhere_is_named_but_not_linked() {
    let mut input = input();
    let elsewhere = "https://elsewhere.example/@coopbot/501";
    if let Some(ballot) = input.proposals[0].ballot.as_mut() {
        ballot.url = elsewhere.to_string();
    }
    let site = site(&input);
    let page = page(&site, "p/1.html");
    let hrefs: Vec<&str> = all(&page, "a")
        .iter()
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert!(!hrefs.contains(&elsewhere), "{hrefs:?}");
    assert!(page_text(&site, "p/1.html").contains(&format!("The ballot ({elsewhere})")));
}

/// A date in a sentence is marked up as a `<time>`, kept on one line; the rest stays text.
#[test]
fn dates_in_sentences_are_marked_up_and_the_rest_escaped() {
    let shown = crate::site::words::dated(
        "closed 2026-12-07 20:00 UTC <b>, applied 2026-12-07 20:00:05 UTC.",
    )
    .into_string();
    assert_eq!(
        shown,
        "closed <time datetime=\"2026-12-07T20:00:00+00:00\">2026-12-07 20:00 UTC</time> &lt;b&gt;, applied <time datetime=\"2026-12-07T20:00:05+00:00\">2026-12-07 20:00:05 UTC</time>."
    );
}

#[test]
fn a_batch_page_lists_its_entries_and_the_blocklist_holds_those_applied() {
    let site = site(&SiteInput {
        proposals: vec![fixture::batch()],
        ..input()
    });
    let page = page_text(&site, "p/7.html");
    assert!(
        page.contains("To adopt 3 entries from neighbours (3 suspend) on this instance."),
        "{page}"
    );
    assert!(
        page.contains(
            "Opened by the bot from the advice of lists the cooperative subscribes to (neighbours)"
        ),
        "{page}"
    );
    assert!(
        page.contains(
            "Taken out by @bob: they answer our reports; put to the members as proposal #8."
        ),
        "{page}"
    );
    assert!(page.contains("Not applied: the server refused."), "{page}");
    assert!(
        site["p/7.html"].contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "a list's words are text"
    );
    let blocklist = page_text(&site, "blocklist.html");
    assert!(blocklist.contains("raiders.example"), "{blocklist}");
    assert!(!blocklist.contains("stubborn.example") && !blocklist.contains("friendly.example"));
    assert!(site["blocklist.csv"].contains("raiders.example,suspend"));
}
