//! The site of one fixed record, built by hand: a proposal at every stage and of every
//! origin. The pages are parsed as a browser would, the feed as a feed reader would.

mod blocklist;
mod browser;
mod feed;
mod fires;
mod fixture;
mod index;
mod pages;
mod privacy;
mod sealed;

use super::*;
use fixture::*;
use std::collections::BTreeMap;

/// The site as text, by path.
pub(super) fn site(input: &SiteInput) -> BTreeMap<String, String> {
    render(input)
        .into_iter()
        .map(|file| {
            let path = file.path.to_string_lossy().into_owned();
            let text = String::from_utf8(file.bytes).expect("the site is UTF-8");
            (path, text)
        })
        .collect()
}

#[test]
fn the_site_has_its_pages_and_one_page_per_ballot() {
    let site = site(&input());
    let paths: Vec<&str> = site.keys().map(String::as_str).collect();
    let mut expected = vec![
        "blocklist.csv",
        "blocklist.html",
        "blocklist.json",
        "blocklist.txt",
        "feed.xml",
        "index.html",
    ];
    let pages: Vec<String> = (1..=11).map(page_path).collect();
    expected.extend(pages.iter().map(String::as_str));
    expected.sort();
    assert_eq!(paths, expected, "#12's ballot is not posted yet: no page");
}

#[test]
fn only_the_instance_s_own_addresses_are_linked() {
    let input = input();
    let site = Site::new(&input);
    let check = |url: &str, linked: bool| {
        assert_eq!(site.on_instance(url).is_some(), linked, "{url}");
    };
    check("https://social.example/@coopbot/501", true);
    check("https://social.example", true);
    check("https://social.example.evil.example/@coopbot/501", false);
    check("https://social.exampl", false);
    check("http://social.example/@coopbot/501", false);
    check("javascript:alert(1)", false);
    check("", false);
    let trailing = SiteInput {
        instance_url: "https://social.example/".to_string(),
        ..input.clone()
    };
    assert!(Site::new(&trailing)
        .on_instance("https://social.example/@coopbot/501")
        .is_some());
}

#[test]
fn control_characters_are_left_out_of_what_members_wrote() {
    assert_eq!(
        printable("a\u{1}b\u{7f}c\u{85}d\u{FFFF}e\u{FDD0}f\tg\nh"),
        "abcdef\tg\nh"
    );
}
