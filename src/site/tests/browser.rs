//! The pages in a real browser (Debian's `chromium`), when one is installed: each page
//! loads from disk with scripts and outside resources forbidden, and what the browser
//! built is the page we wrote; a screenshot at a phone's width is drawn. Without a
//! browser the test says that it skipped (CI has none).

use super::*;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The first browser on `PATH` that this test knows how to drive headless.
fn browser() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// `browser` run headless on `page` at a phone's width with `what` (`--dump-dom`, or
/// `--screenshot=<file>`); its standard output. A minute at most.
fn headless(browser: &Path, page: &Path, what: &str) -> String {
    let output = Command::new("timeout")
        .arg("60")
        .arg(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--window-size=390,844",
            what,
        ])
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("the browser runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn the_pages_load_in_a_real_browser_as_written() {
    let Some(browser) = browser() else {
        eprintln!("SKIPPED: no chromium on PATH (Debian: apt-get install chromium)");
        return;
    };
    let folder = std::env::temp_dir().join(format!("coopgov-site-browser-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    for file in render(&input()) {
        let path = folder.join(&file.path);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("a folder");
        std::fs::write(&path, &file.bytes).expect("a page");
    }
    let written = site(&input());
    for page in ["index.html", "p/1.html", "blocklist.html"] {
        let dom = headless(&browser, &folder.join(page), "--dump-dom");
        let built = scraper::Html::parse_document(&dom);
        let wrote = scraper::Html::parse_document(&written[page]);
        let text = |html: &scraper::Html, css: &str| -> Vec<String> {
            let selector = scraper::Selector::parse(css).expect("a selector");
            html.select(&selector)
                .map(|element| element.text().collect::<String>())
                .collect()
        };
        for css in ["title", "h1", "h2"] {
            assert_eq!(text(&built, css), text(&wrote, css), "{page}: {css}");
        }
        assert!(text(&built, "script").is_empty(), "{page}");
    }
    let shot = folder.join("phone.png");
    headless(
        &browser,
        &folder.join("p/1.html"),
        &format!("--screenshot={}", shot.display()),
    );
    let png = std::fs::read(&shot).expect("a screenshot");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 10_000,
        "{} bytes",
        png.len()
    );
    let _ = std::fs::remove_dir_all(&folder);
}
