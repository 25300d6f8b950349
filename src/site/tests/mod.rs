//! The site of one fixed record, built by hand: a proposal at every stage and of every
//! origin. The pages are parsed as a browser would, the feed as a feed reader would.

mod blocklist;
mod feed;
mod fixture;
mod pages;
mod privacy;

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
    let mut expected = vec!["blocklist.csv", "blocklist.html", "feed.xml", "index.html"];
    let pages: Vec<String> = (1..=11).map(page_path).collect();
    expected.extend(pages.iter().map(String::as_str));
    expected.sort();
    assert_eq!(paths, expected, "#12's ballot is not posted yet: no page");
}
