//! The public record: the running bot rewrites its site as a proposal goes, and
//! `coopgov publish` writes one whether the bot runs (it answers on its socket) or not
//! (the command reads the store).

use crate::scenario::{Scenario, Setup};
use crate::support::{id_of, secs, wait_for};
use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// Every file of the site at `folder`, as paths inside it, sorted.
fn site_files(folder: &Path) -> Vec<String> {
    let mut files = Vec::new();
    let mut folders = vec![folder.to_path_buf()];
    while let Some(next) = folders.pop() {
        for entry in std::fs::read_dir(&next)
            .expect("the site's folder")
            .flatten()
        {
            let path = entry.path();
            match entry.file_type().expect("a file type").is_dir() {
                true => folders.push(path),
                false => files.push(
                    path.strip_prefix(folder)
                        .expect("inside")
                        .display()
                        .to_string(),
                ),
            }
        }
    }
    files.sort();
    files
}

/// The site is whole: an index, the marker, no empty file, and once the proposals'
/// pages exist, proposal #1's among them.
fn assert_whole(folder: &Path) {
    let files = site_files(folder);
    assert!(
        files.contains(&"index.html".to_string()) && files.contains(&".coopgov-site".to_string()),
        "{files:?}"
    );
    for file in &files {
        let size = std::fs::metadata(folder.join(file)).expect("a file").len();
        // A plain list of no suspension is rightly empty.
        assert!(size > 0 || file == "blocklist.txt", "{file} is empty");
    }
    if files.iter().any(|file| file.starts_with("p/")) {
        assert!(files.contains(&"p/1.html".to_string()), "{files:?}");
    }
}

/// The identity of `index.html` as written: each write is a new file.
fn index_written(folder: &Path) -> Option<u64> {
    std::fs::metadata(folder.join("index.html"))
        .ok()
        .map(|found| found.ino())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bot_rewrites_its_site_as_a_proposal_goes_and_publish_writes_one_running_or_not() {
    let mut scenario = Scenario::start_with(Setup {
        extra: "[publish]\ndir = \"site\"\n",
        ..Setup::default()
    })
    .await;
    let site = scenario.dir.path().join("site");
    let index = site.join("index.html");
    wait_for("the site written at start", secs(20), || async {
        index_written(&site)
    })
    .await;
    let at_start = std::fs::read_to_string(&index).expect("the index");
    assert_whole(&site);

    scenario
        .member("bob")
        .post("@coopbot propose suspend spam.example 6s they send spam")
        .await;
    let ballot = scenario.ballot(1).await;
    wait_for("the site with proposal #1", secs(20), || async {
        let now = std::fs::read_to_string(&index).ok()?;
        (now != at_start).then_some(())
    })
    .await;
    assert_whole(&site);

    // While the bot runs, `publish` asks it (the store is the bot's alone).
    let running = scenario.dir.path().join("while running");
    let out = running.to_str().expect("a path");
    let printed = scenario.cli(&["publish", "--out", out]);
    assert!(
        printed.starts_with("Wrote the public record (")
            && printed.contains(&format!(") to {out}\n")),
        "{printed}"
    );
    let url = format!("file://{}/index.html", out.replace(' ', "%20"));
    assert!(
        printed.contains(&format!("Open {url} in a browser")),
        "{printed}"
    );
    assert_whole(&running);

    scenario
        .member("carol")
        .reply(&id_of(&ballot), "@coopbot agree")
        .await;
    let before_the_close = index_written(&site);
    let result = scenario.result(1).await;
    assert!(result.contains("PASSED"), "{result}");
    // A close is a milestone: the site is rewritten at once, not a minute later. The
    // close, the result and the block usually come in one turn of the loop, and make
    // one write.
    wait_for("the site rewritten after the close", secs(10), || async {
        (index_written(&site) != before_the_close).then_some(())
    })
    .await;
    scenario.domain_block("spam.example").await;
    // Once applied, the record says so on every page that shows it.
    let read = |file: &str| std::fs::read_to_string(site.join(file)).unwrap_or_default();
    wait_for("the record of the applied decision", secs(20), || async {
        let page = read("p/1.html");
        let whole = page.contains("spam.example")
            && page.contains("Passed")
            && page.contains("Done on the instance on")
            && read("blocklist.csv").contains("\nspam.example,suspend,")
            && read("feed.xml").matches("<entry>").count() == 1;
        whole.then_some(())
    })
    .await;
    let page = read("p/1.html");
    let ballot_url = ballot["url"].as_str().expect("a ballot address");
    assert!(
        page.contains(&format!("coopgov verify {ballot_url}")),
        "{page}"
    );
    assert!(read("index.html").contains("p/1.html"));
    assert_whole(&site);
    let log = scenario.log();
    assert!(log.contains("public record written"), "{log}");

    // Stopped, the bot's store is read directly; without --out, [publish] dir is used.
    scenario.stop();
    let before = index_written(&site);
    let printed = scenario.cli(&["publish"]);
    let folder = site.display().to_string();
    assert!(printed.contains(&format!(") to {folder}\n")), "{printed}");
    assert_ne!(index_written(&site), before, "written again");
    assert_whole(&site);
    let stopped = scenario.dir.path().join("stopped");
    let printed = scenario.cli(&["publish", "--out", stopped.to_str().expect("a path")]);
    assert!(printed.contains("Wrote the public record"), "{printed}");
    assert_whole(&stopped);
    // The folder beside the site holds the previous one, never a staging folder.
    let beside: Vec<String> = std::fs::read_dir(scenario.dir.path())
        .expect("the scenario's folder")
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".site"))
        .collect();
    assert_eq!(beside, [".site.previous"]);
}
