//! The blocklist: Mastodon's import format from the decisions that stand, and the same
//! blocks on the page, each linked to its decision.

use super::pages::page;
use super::*;
use crate::report::mastodon_blocklist;
use scraper::Selector;

fn rows(csv: &str) -> Vec<Vec<String>> {
    csv::Reader::from_reader(csv.as_bytes())
        .records()
        .map(|row| row.expect("a CSV row").iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn the_csv_is_mastodon_s_import_format_of_the_blocks_in_force() {
    let site = site(&input());
    let csv = &site["blocklist.csv"];
    assert!(csv.starts_with(
        "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n"
    ));
    let blocks: Vec<(String, String)> = rows(csv)
        .into_iter()
        .map(|row| (row[0].clone(), row[1].clone()))
        .collect();
    assert_eq!(
        blocks,
        [
            ("bad.example".to_string(), "suspend".to_string()),
            ("nasty.example".to_string(), "suspend".to_string()),
            ("spam.example".to_string(), "silence".to_string()),
        ],
        "old.example was lifted by #4; worse.example's urgent block was not ratified"
    );
}

#[test]
fn the_csv_is_the_export_s_for_the_decisions_that_stand() {
    let standing: Vec<Proposal> = proposals().into_iter().filter(|p| p.number != 6).collect();
    let expected = mastodon_blocklist(&standing).expect("the export") + "\n";
    assert_eq!(site(&input())["blocklist.csv"], expected);
    // Without a ratification voted down, the site's list is the export's, byte for byte.
    let input = SiteInput {
        proposals: standing.clone(),
        ..input()
    };
    assert_eq!(
        site(&input)["blocklist.csv"],
        mastodon_blocklist(&standing).expect("the export") + "\n"
    );
}

#[test]
fn the_page_lists_the_same_blocks_each_with_its_decision() {
    let site = site(&input());
    let page = page(&site, "blocklist.html");
    let row = Selector::parse("table.blocks tbody tr").expect("a selector");
    let cell = |name: &str| Selector::parse(name).expect("a selector");
    let shown: Vec<(String, String, String)> = page
        .select(&row)
        .map(|tr| {
            let domain = tr
                .select(&cell("td.domain"))
                .next()
                .map(|td| td.text().collect())
                .unwrap_or_default();
            let link = tr
                .select(&cell("td.decision a"))
                .next()
                .and_then(|a| a.value().attr("href"))
                .unwrap_or_default()
                .to_string();
            let severity = tr
                .select(&cell("td.severity"))
                .next()
                .map(|td| td.text().collect())
                .unwrap_or_default();
            (domain, severity, link)
        })
        .collect();
    assert_eq!(
        shown,
        [
            (
                "bad.example".to_string(),
                "suspended".to_string(),
                "p/1.html".to_string()
            ),
            (
                "nasty.example".to_string(),
                "suspended".to_string(),
                "p/7.html".to_string()
            ),
            (
                "spam.example".to_string(),
                "limited (silence)".to_string(),
                "p/2.html".to_string()
            ),
        ]
    );
    let provisional: Vec<String> = page
        .select(&cell("main ul li a"))
        .map(|a| a.text().collect())
        .collect();
    assert_eq!(
        provisional,
        ["#9: suspend evil.example"],
        "an urgent action still being voted on"
    );
}
