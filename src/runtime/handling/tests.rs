use super::*;
use crate::governance::engine::on_ballot_posted;
use crate::governance::tests::support::{member, post, settings, t0};
use crate::governance::{Records, StatusRef};

fn scratch() -> std::path::PathBuf {
    let folder = std::env::temp_dir().join(format!("coopgov-handling-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    folder
}

/// Sets the ballots index entry for `status_id` to `bytes` with sled alone (the store
/// closed meanwhile); returns what was there.
fn overwrite_ballot_index(folder: &std::path::Path, status_id: &str, bytes: &[u8]) -> Vec<u8> {
    let db = sled::open(folder).expect("the database");
    let ballots = db.open_tree("ballots").expect("the ballots index");
    let before = ballots
        .insert(status_id, bytes)
        .expect("insert")
        .expect("an entry to overwrite");
    db.flush().expect("flush");
    before.to_vec()
}

#[test]
fn a_read_that_fails_changes_nothing_and_the_notification_is_recorded_once_it_clears() {
    let folder = scratch();
    let settings = settings();
    let (alice, bob) = (member("alice", 10), member("bob", 11));
    {
        let store = Store::open(&folder).expect("a store");
        store
            .commit(&Step::default(), Some("100"), t0())
            .expect("commit");
        let request = Incoming::Post {
            id: "101".to_string(),
            post: post(
                &alice,
                90,
                "propose suspend bad.example they host harassment",
                None,
            ),
        };
        record(&settings, &store, &request, t0()).expect("the proposal is opened");
        let proposal = store.proposal(1).expect("read").expect("proposal #1");
        let ballot = StatusRef {
            status_id: "500".to_string(),
            url: "https://social.example/@coopbot/500".to_string(),
        };
        let posted =
            on_ballot_posted(&settings, &store, &proposal, ballot, None, t0()).expect("read");
        store.commit(&posted, None, t0()).expect("commit");
    }
    let index = overwrite_ballot_index(&folder, "500", b"not a number");
    let vote = Incoming::Post {
        id: "102".to_string(),
        post: post(&bob, 91, "agree", Some("500")),
    };
    {
        let store = Store::open(&folder).expect("a store");
        let before = store.proposal_with_votes(1).expect("read");
        let failed = record(&settings, &store, &vote, t0());
        assert!(matches!(failed, Err(StoreError::Corrupt(_))), "{failed:?}");
        assert_eq!(store.cursor().expect("read").as_deref(), Some("101"));
        assert_eq!(store.proposal_with_votes(1).expect("read"), before);
        let effects = store.pending_effects().expect("read");
        assert!(
            effects
                .iter()
                .all(|(_, e)| !e.effect.key().starts_with("receipt-")),
            "no receipt for a vote that was not recorded: {effects:?}"
        );
    }
    overwrite_ballot_index(&folder, "500", &index);
    let store = Store::open(&folder).expect("a store");
    record(&settings, &store, &vote, t0()).expect("recorded once the read succeeds");
    assert_eq!(store.cursor().expect("read").as_deref(), Some("102"));
    let counted = store
        .proposal_with_votes(1)
        .expect("read")
        .expect("proposal #1");
    assert_eq!(counted.votes.len(), 1, "bob's vote is counted");
    // Heard again (the stream and a poll both delivered it), it changes nothing.
    record(&settings, &store, &vote, t0()).expect("a repeat is skipped");
    assert_eq!(store.proposal_with_votes(1).expect("read"), Some(counted));
    drop(store);
    let _ = std::fs::remove_dir_all(&folder);
}

#[test]
fn each_failure_waits_longer_before_the_catch_up_is_tried_again() {
    let first = Behind::after(None, t0());
    let second = Behind::after(Some(first), t0());
    assert_eq!(first.failures, 1);
    assert_eq!(second.failures, 2);
    assert!(first.retry_at > t0() && second.retry_at > first.retry_at);
}

#[test]
fn a_notification_delivered_after_a_newer_one_is_handled_once_and_an_old_one_never() {
    let folder = scratch().with_extension("late");
    let _ = std::fs::remove_dir_all(&folder);
    let settings = settings();
    let store = Store::open(&folder).expect("a store");
    // The bot started after notification 100.
    store
        .commit(&Step::default(), Some("100"), t0())
        .expect("commit");
    let join = |id: &str, name: &str, account: u32| Incoming::Post {
        id: id.to_string(),
        post: post(
            &member(name, account),
            u64::from(account) + 900,
            "jury join",
            None,
        ),
    };
    let pool = |store: &Store| store.jury_pool().expect("the pool").len();
    let settings = crate::governance::Settings {
        jury: crate::governance::tests::support::with_jury(
            crate::governance::jury::PoolSource::Volunteers,
        )
        .jury,
        ..settings
    };
    record(&settings, &store, &join("103", "carol", 12), t0()).expect("recorded");
    // Numbered before 103, delivered after it (GoToSocial): still handled.
    record(&settings, &store, &join("102", "bob", 11), t0()).expect("recorded");
    assert_eq!(pool(&store), 2);
    assert_eq!(store.cursor().expect("read").as_deref(), Some("103"));
    // Delivered again (the stream and a poll overlap): nothing twice.
    record(&settings, &store, &join("102", "bob", 11), t0()).expect("skipped");
    assert_eq!(
        store.pending_effects().expect("read").len(),
        2,
        "one answer each"
    );
    // A poll starts a little behind the cursor, to catch such late ones.
    let as_of = |at| store.cursor_as_of(at).expect("read");
    assert_eq!(as_of(t0()).as_deref(), Some("103"));
    assert_eq!(
        as_of(t0() - chrono::Duration::minutes(1)).as_deref(),
        Some("100"),
        "nothing was handled a minute earlier: from the oldest remembered"
    );
    // Older than anything the store remembers: left alone.
    record(&settings, &store, &join("99", "dave", 13), t0()).expect("skipped");
    assert_eq!(pool(&store), 2);
    let _ = std::fs::remove_dir_all(&folder);
}
