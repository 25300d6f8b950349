//! The site written whole: a reader never sees half of it; folders that are not a site's
//! are never replaced; the records travel with their votes and without who was refused.

use super::*;
use crate::config::resolved;
use crate::governance::proposal::Vote;
use crate::governance::proposal::{Application, Closing};
use crate::governance::{Action, Identity, Stage, StatusRef, Step, VoteChange};
use crate::site::SiteFile;
use crate::store::Store;
use std::os::unix::fs::PermissionsExt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A fresh folder for one test, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let path =
            std::env::temp_dir().join(format!("coopgov-publish-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("a scratch folder");
        Scratch(resolved(&path).expect("an absolute path"))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn file(path: &str, bytes: Vec<u8>) -> SiteFile {
    SiteFile {
        path: PathBuf::from(path),
        bytes,
    }
}

/// A page whose first line says how long it is, so a reader can tell a whole one.
fn page(version: usize, size: usize) -> Vec<u8> {
    let body = format!("{version}").repeat(size);
    format!("{}\n{body}", body.len()).into_bytes()
}

fn is_whole(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    let Some((length, body)) = text.split_once('\n') else {
        return false;
    };
    length.parse::<usize>().ok() == Some(body.len()) && !body.is_empty()
}

#[test]
fn a_reader_never_sees_a_missing_or_half_written_page_while_the_site_is_rewritten() {
    let scratch = Scratch::new("atomic");
    let site = scratch.0.join("site");
    let storage = scratch.0.join("coopgov.db");
    let done = Arc::new(AtomicBool::new(false));
    let first = [
        file("index.html", page(0, 10)),
        file("p/1.html", page(0, 10)),
    ];
    write_site(&site, &first, &storage).expect("the first site");
    let reader = {
        let (site, done) = (site.clone(), done.clone());
        std::thread::spawn(move || {
            let (mut reads, mut bad) = (0, Vec::new());
            while !done.load(Ordering::SeqCst) {
                for name in ["index.html", "p/1.html"] {
                    match std::fs::read(site.join(name)) {
                        Ok(bytes) if is_whole(&bytes) => reads += 1,
                        Ok(bytes) => bad.push(format!("{name}: {} bytes, not whole", bytes.len())),
                        Err(error) => bad.push(format!("{name}: {error}")),
                    }
                }
            }
            (reads, bad)
        })
    };
    for version in 1..200 {
        // Sizes vary, so a torn read would not pass for a whole one.
        let files = [
            file("index.html", page(version % 10, 1000 + version * 37)),
            file("p/1.html", page(version % 7, 5000 + version * 11)),
            file("feed.xml", page(version % 3, 100)),
        ];
        write_site(&site, &files, &storage).expect("a rewrite");
    }
    done.store(true, Ordering::SeqCst);
    let (reads, bad) = reader.join().expect("the reader");
    let first = &bad[..bad.len().min(5)];
    assert!(
        bad.is_empty(),
        "{} bad reads after {reads} good ones, first {first:?}",
        bad.len()
    );
    assert!(reads > 100, "the reader read only {reads} times");
    // What is left: the site, the one before it, and no staging folder.
    let mut left: Vec<String> = std::fs::read_dir(&scratch.0)
        .expect("the scratch folder")
        .map(|entry| {
            entry
                .expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    left.sort();
    assert_eq!(left, [".site.previous", "site"]);
    let previous = std::fs::read(scratch.0.join(".site.previous/index.html")).expect("kept");
    assert_eq!(previous, page(198 % 10, 1000 + 198 * 37));
}

#[test]
fn pages_are_readable_by_a_web_server_and_the_site_is_marked_as_coopgovs() {
    let scratch = Scratch::new("modes");
    let site = scratch.0.join("public").join("site");
    let files = [
        file("index.html", b"<!doctype html>".to_vec()),
        file("p/1.html", b"one".to_vec()),
        file("p/deep/x.csv", b"a,b".to_vec()),
    ];
    let written = write_site(&site, &files, &scratch.0.join("coopgov.db")).expect("a site");
    assert_eq!(
        written,
        Written {
            folder: site.clone(),
            files: 3
        }
    );
    for (path, mode) in [
        ("", 0o755),
        ("index.html", 0o644),
        ("p", 0o755),
        ("p/1.html", 0o644),
        ("p/deep", 0o755),
        ("p/deep/x.csv", 0o644),
        (MARKER, 0o644),
    ] {
        let found = std::fs::metadata(site.join(path)).expect("written");
        assert_eq!(found.permissions().mode() & 0o777, mode, "{path}");
    }
    assert_eq!(
        std::fs::read(site.join("p/1.html")).expect("a page"),
        b"one"
    );
    assert_eq!(
        index_url(&site),
        format!("file://{}/index.html", site.display())
    );
    assert_eq!(
        index_url(Path::new("/srv/our site/ça")),
        "file:///srv/our%20site/%C3%A7a/index.html"
    );
}

#[test]
fn folders_that_are_not_a_site_of_its_own_are_never_replaced() {
    let scratch = Scratch::new("refusals");
    let storage = scratch.0.join("data").join("coopgov.db");
    std::fs::create_dir_all(&storage).expect("a database folder");
    let someone_elses = scratch.0.join("www");
    std::fs::create_dir_all(&someone_elses).expect("a folder");
    std::fs::write(someone_elses.join("index.php"), "<?php").expect("a file");
    let a_file = scratch.0.join("notes.txt");
    std::fs::write(&a_file, "notes").expect("a file");
    let link = scratch.0.join("link");
    std::os::unix::fs::symlink(scratch.0.join("elsewhere"), &link).expect("a link");
    let to_home = scratch.0.join("to-home");
    let home = std::env::var_os("HOME").map(PathBuf::from);
    if let Some(home) = &home {
        std::os::unix::fs::symlink(home, &to_home).expect("a link");
    }
    let files = [file("index.html", b"x".to_vec())];
    let mut cases = vec![
        (PathBuf::from("/"), "it is the root folder"),
        (scratch.0.join("data"), "it holds the bot's database"),
        (storage.clone(), "it holds the bot's database"),
        (storage.join("site"), "it is inside the bot's database"),
        (someone_elses.clone(), "it holds files coopgov did not write, and publishing replaces the whole folder; give the site an empty or new folder of its own, like"),
        (a_file.clone(), "it is a file, not a folder"),
        (link.clone(), "it is a symbolic link"),
        (scratch.0.join("site").join("p").join(".."), "no refusal: a new folder"),
    ];
    if home.is_some() {
        cases.push((to_home.clone(), "it is, or holds, the home folder"));
    }
    for (target, wanted) in cases {
        let result = write_site(&target, &files, &storage);
        if wanted.starts_with("no refusal") {
            assert!(result.is_ok(), "{}: {result:?}", target.display());
            continue;
        }
        let error = result.expect_err(wanted).to_string();
        assert!(
            error.starts_with(&format!("will not publish into {}: ", target.display()))
                && error.contains(wanted),
            "{}: {error}",
            target.display()
        );
    }
    assert_eq!(
        std::fs::read_to_string(someone_elses.join("index.php")).expect("kept"),
        "<?php"
    );
    assert_eq!(std::fs::read_to_string(&a_file).expect("kept"), "notes");
    // An empty folder may become a site; then it is the site's own.
    let empty = scratch.0.join("empty");
    std::fs::create_dir(&empty).expect("a folder");
    write_site(&empty, &files, &storage).expect("an empty folder takes a site");
    write_site(&empty, &files, &storage).expect("and another");
}

#[test]
fn a_page_named_outside_the_site_writes_nothing() {
    let scratch = Scratch::new("outside");
    let storage = scratch.0.join("coopgov.db");
    let site = scratch.0.join("site");
    write_site(&site, &[file("index.html", b"old".to_vec())], &storage).expect("a site");
    for name in [
        "../escape.html",
        "/etc/escape.html",
        "",
        "p/../../escape.html",
    ] {
        let files = [
            file("index.html", b"new".to_vec()),
            file(name, b"x".to_vec()),
        ];
        let error = write_site(&site, &files, &storage)
            .expect_err(name)
            .to_string();
        assert!(
            error.contains("would land outside its folder"),
            "{name}: {error}"
        );
    }
    assert_eq!(
        std::fs::read(site.join("index.html")).expect("the old site"),
        b"old"
    );
    assert!(!scratch.0.join("escape.html").exists());
    let staging = std::fs::read_dir(&scratch.0)
        .expect("the folder")
        .flatten()
        .any(|entry| entry.file_name().to_string_lossy().contains(".tmp-"));
    assert!(!staging, "a failed write leaves no staging folder");
}

#[test]
fn a_staging_folder_left_by_a_dead_process_is_swept_and_a_live_ones_kept() {
    let scratch = Scratch::new("leftovers");
    // Linux never gives a process a number this high (pid_max is at most 2^22).
    let dead = scratch.0.join(".site.tmp-999999999-0");
    let live = scratch
        .0
        .join(format!(".site.tmp-{}-999", std::process::id()));
    for folder in [&dead, &live] {
        std::fs::create_dir_all(folder.join("p")).expect("a leftover");
    }
    write_site(
        &scratch.0.join("site"),
        &[file("index.html", vec![b'x'])],
        &scratch.0.join("db"),
    )
    .expect("a site");
    assert!(!dead.exists() && live.exists());
}

fn identity(acct: &str, id: &str) -> Identity {
    Identity {
        account_id: id.to_string(),
        acct: acct.to_string(),
    }
}

fn proposal(number: u64, stage: Stage) -> Proposal {
    let opened_at = DateTime::parse_from_rfc3339("2026-12-01T20:00:00Z")
        .expect("a time")
        .with_timezone(&Utc);
    Proposal {
        number,
        action: Action::Suspend {
            domain: "bad.example".to_string(),
        },
        urgent: false,
        reason: "they host harassment".to_string(),
        proposer: identity("alice", "10"),
        request: StatusRef {
            status_id: format!("9{number}"),
            url: format!("https://social.example/@alice/9{number}"),
        },
        rule: crate::governance::Rule::social_coop(),
        opened_at,
        closes_at: opened_at + chrono::Duration::days(6),
        ballot: None,
        votes: Default::default(),
        favourites: Default::default(),
        explained: ["66".to_string()].into(),
        stage,
        reminded: false,
        jury: None,
        origin: Default::default(),
    }
}

#[test]
fn the_records_carry_open_votes_and_never_who_was_refused() {
    let scratch = Scratch::new("records");
    let store = Store::open(&scratch.0.join("coopgov.db")).expect("a store");
    let vote = Vote {
        voter: identity("bob", "11"),
        position: Position::Agree,
        reason: "yes <b>&</b> \"quoted\"".to_string(),
        status_id: "700".to_string(),
        in_thread: true,
        receipt: None,
    };
    let at = Utc::now();
    let closed = Stage::Closed(Closing::cancelled_unvoted(at, Application::NotNeeded));
    let step = Step {
        proposals: vec![proposal(1, closed), proposal(2, Stage::Open)],
        votes: vec![
            VoteChange::Cast {
                number: 2,
                vote: vote.clone(),
            },
            VoteChange::Favourite {
                number: 2,
                voter: identity("carol", "12"),
            },
        ],
        ..Step::default()
    };
    store.commit(&step, None, at).expect("a commit");
    let records = SiteRecords::read(&store).expect("the records");
    assert_eq!(records.bot_acct, None, "no bot has started on this store");
    let numbers: Vec<u64> = records
        .proposals
        .iter()
        .map(|p| p.proposal.number)
        .collect();
    assert_eq!(numbers, [1, 2]);
    assert_eq!(records.proposals[1].votes, [vote]);
    assert_eq!(records.proposals[1].favourites, [identity("carol", "12")]);
    assert!(records
        .proposals
        .iter()
        .all(|p| p.proposal.explained.is_empty()));
    // As they travel over the socket, votes included.
    let travelled: SiteRecords =
        serde_json::from_str(&serde_json::to_string(&records).expect("serialises"))
            .expect("parses");
    assert_eq!(travelled, records);

    let settings = SiteSettings {
        instance_url: "https://social.example".to_string(),
        base_url: Some("https://social.example/governance/".to_string()),
        favourites_count_as: Some(Position::Agree),
        storage: scratch.0.join("coopgov.db"),
        notice: None,
        fires_page_size: crate::site::FIRES_PAGE_SIZE,
    };
    // Not kept yet: a ballot's address names the bot, if any ballot is posted.
    let named = |store: &Store| {
        settings
            .input(SiteRecords::read(store).expect("the records"), at)
            .bot_acct
    };
    let from_ballot = records
        .proposals
        .iter()
        .find_map(|p| p.proposal.ballot.as_ref())
        .and_then(|ballot| ballot.url.split("/@").nth(1))
        .and_then(|rest| rest.split('/').next())
        .unwrap_or("the bot")
        .to_string();
    assert_eq!(named(&store), from_ballot);
    store.remember_bot_acct("coopbot").expect("kept");
    let input = settings.input(SiteRecords::read(&store).expect("the records"), at);
    assert_eq!(input.bot_acct, "coopbot");
    assert_eq!(input.generated_at, at);
    assert_eq!(
        input.base_url.as_deref(),
        Some("https://social.example/governance/")
    );
    assert_eq!(input.favourites_count_as, Some(Position::Agree));
    assert_eq!(input.proposals[1].votes.len(), 1);
    assert_eq!(input.proposals[1].favourites.len(), 1);
    let written = publish(
        &scratch.0.join("site"),
        SiteRecords::read(&store).expect("records"),
        &settings,
        at,
    )
    .expect("the site");
    assert!(written.folder.join("index.html").is_file());
}

#[tokio::test]
async fn publish_without_a_folder_says_where_to_give_one() {
    let config = Config::parse(
        "[instance]\nurl = \"https://social.example\"\n",
        Path::new("/etc/coopgov/bot.toml"),
    )
    .expect("a config");
    let error = publish_once(&config, None).await.expect_err("no folder");
    assert_eq!(
        error.to_string(),
        "say where to write the site: coopgov publish --out <folder>, or set dir in the [publish] table of /etc/coopgov/bot.toml"
    );
}
