use super::*;
use crate::governance::sealed::Draw;
use crate::governance::{Action, Purpose, Records, Step};

fn scratch(name: &str) -> std::path::PathBuf {
    let folder = std::env::temp_dir().join(format!("coopgov-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    folder
}

/// Opens the database a test just dropped: sled lets go of its lock once its flusher
/// thread has stopped, a moment later on a loaded machine (the bot waits too: `open_store`).
fn reopen(folder: &Path) -> Store {
    for _ in 0..50 {
        match Store::open(folder) {
            Err(StoreError::InUse { .. }) => {
                std::thread::sleep(std::time::Duration::from_millis(100))
            }
            opened => return opened.expect("opens again"),
        }
    }
    panic!("{} stayed in use", folder.display())
}

#[test]
fn a_database_open_elsewhere_is_reported_in_use() {
    let folder = scratch("in-use");
    let _first = Store::open(&folder).expect("first open");
    let second = Store::open(&folder).err().expect("second open refused");
    assert!(matches!(second, StoreError::InUse { .. }), "{second}");
    drop(_first);
    let _ = std::fs::remove_dir_all(&folder);
}

/// Records as coopgov 0.1 (before effects carried typed purposes) wrote them, byte for
/// byte: a closed and applied proposal read from a real database, and an outbox with one
/// effect of each kind.
const PROPOSAL_1: &str = r#"{"number":1,"action":{"kind":"suspend","domain":"spam.example"},"urgent":false,"reason":"they send spam every day","proposer":{"account_id":"01D4KM0B2HE612SMFCXAXX0DJ7","acct":"alice"},"request":{"status_id":"01M8SQV4GKN20NSV51SN2PS40A","url":"http://127.0.0.1:60447/@alice/statuses/01M8SQV4GKN20NSV51SN2PS40A"},"rule":{"method":"consensus","quorum":{"voters":0},"threshold":0.5,"max_blocks":0,"block_override_ratio":9.0},"opened_at":"2026-12-01T21:23:17.164645457Z","closes_at":"2026-12-01T21:23:57.164645457Z","ballot":{"status_id":"01M8SQV4HHPQHF3A21SBANN9CX","url":"http://127.0.0.1:60447/@bot/statuses/01M8SQV4HHPQHF3A21SBANN9CX"},"explained":[],"stage":{"stage":"closed","outcome":"passed","tally":{"agree":3,"abstain":0,"disagree":1,"block":0},"closed_at":"2026-12-01T21:23:57.168170436Z","block_reasons":[],"application":{"state":"applied","at":"2026-12-01T21:23:57.168170436Z"},"unseen":{"outside_thread":0,"not_eligible":0}},"reminded":false}"#;
const VOTE_BOB: &str = r#"{"voter":{"account_id":"01VESDD06WKHKRXHQRWMWZB0WK","acct":"bob"},"position":"agree","reason":"overdue","status_id":"01M8SQV774HJZYR4RNCWYBAPVS","in_thread":true}"#;
const FAVOURITE_CAROL: &str = r#"{"account_id":"01MPZ274V6E92HPG7DFVZH7PJQ","acct":"carol"}"#;
const HISTORY_LINE: &str = r#"{"at":"2026-12-01T21:23:17.164645457Z","proposal":1,"account":"alice","event":"proposed: suspend spam.example (they send spam every day), closes 2026-12-01 21:23:57 UTC"}"#;
const OUTBOX: [&str; 3] = [
    r#"{"effect":{"effect":"post","key":"ballot-2","text":"Proposal #2: motion","visibility":"public","in_reply_to":null,"then":{"follow_up":"ballot_posted","number":2}},"attempts":1,"not_before":"2026-12-01T21:30:00Z","sent_at":"2026-12-01T21:29:58Z"}"#,
    r#"{"effect":{"effect":"favourite","key":"receipt-01M8SQV774HJZYR4RNCWYBAPVS","status_id":"01M8SQV774HJZYR4RNCWYBAPVS"},"attempts":0,"not_before":null}"#,
    r#"{"effect":{"effect":"apply","key":"apply-1-01M8SQV9","number":1,"action":{"kind":"suspend","domain":"spam.example"},"public_comment":"Decided by the members in proposal #1","private_comment":"coopgov proposal #1: they send spam every day"},"attempts":0,"not_before":null,"sent_at":null}"#,
];

const REPORT_7: &str = r#"{"id":"7","created_at":"2026-12-01T20:00:00Z","category":"spam","comment":"a flood","reporter_id":"01VESDD06WKHKRXHQRWMWZB0WK","domain":"evil.example","target_acct":"troll@evil.example","status_urls":["https://social.example/statuses/9"],"case":null}"#;

/// Writes the records above with sled alone, as the earlier version left them.
fn write_earlier_database(folder: &Path) {
    let db = sled::open(folder).expect("a sled database");
    let tree = |name: &str| db.open_tree(name).expect("a tree");
    let one = 1u64.to_be_bytes();
    let member = |id: &str| [one.as_slice(), id.as_bytes()].concat();
    let meta = tree("meta");
    meta.insert(STORE_ID, b"6619921ae8f856854".as_slice())
        .expect("insert");
    meta.insert(NEXT_NUMBER, b"2".as_slice()).expect("insert");
    meta.insert(CURSOR, b"01M8SQV8DYJJQ786PKADJ35NR5".as_slice())
        .expect("insert");
    tree("proposals").insert(one, PROPOSAL_1).expect("insert");
    tree("ballots")
        .insert("01M8SQV4HHPQHF3A21SBANN9CX", one.as_slice())
        .expect("insert");
    tree("requests")
        .insert("01M8SQV4GKN20NSV51SN2PS40A", one.as_slice())
        .expect("insert");
    tree("votes")
        .insert(member("01VESDD06WKHKRXHQRWMWZB0WK"), VOTE_BOB)
        .expect("insert");
    tree("favourites")
        .insert(member("01MPZ274V6E92HPG7DFVZH7PJQ"), FAVOURITE_CAROL)
        .expect("insert");
    tree("audit")
        .insert([one, 0u64.to_be_bytes()].concat(), HISTORY_LINE)
        .expect("insert");
    tree("effect_keys").insert("apply-1", DONE).expect("insert");
    // As this version writes the rest: a report kept, a volunteer, an allowance used, a
    // notification handled.
    tree("reports").insert("7", REPORT_7).expect("insert");
    tree("jury_pool")
        .insert("01VESDD06WKHKRXHQRWMWZB0WK", b"bob".as_slice())
        .expect("insert");
    tree("allowances")
        .insert("2026-12-01/01VESDD06WKHKRXHQRWMWZB0WK", b"2".as_slice())
        .expect("insert");
    let mut handled = vec![26u8];
    handled.extend_from_slice(b"01M8SQV8DYJJQ786PKADJ35NR5");
    tree("handled")
        .insert(handled, 1_764_624_237i64.to_be_bytes().as_slice())
        .expect("insert");
    for (seq, entry) in OUTBOX.iter().enumerate() {
        tree("outbox")
            .insert((seq as u64 + 10).to_be_bytes(), *entry)
            .expect("insert");
    }
    db.flush().expect("flush");
}

#[test]
fn a_database_written_by_the_earlier_format_still_loads() {
    let folder = scratch("earlier-format");
    write_earlier_database(&folder);
    let store = Store::open(&folder).expect("the earlier database opens");
    assert_eq!(store.store_id().expect("read"), "6619921ae8f856854");
    assert_eq!(
        store.cursor().expect("read").as_deref(),
        Some("01M8SQV8DYJJQ786PKADJ35NR5")
    );
    assert_eq!(store.next_number().expect("read"), 2);
    let proposal = store
        .proposal_by_ballot("01M8SQV4HHPQHF3A21SBANN9CX")
        .expect("read")
        .expect("indexed by its ballot");
    assert_eq!(
        proposal.action,
        Action::Suspend {
            domain: "spam.example".to_string()
        }
    );
    let counted = store
        .proposal_with_votes(1)
        .expect("read")
        .expect("proposal #1");
    assert_eq!(counted.votes.len(), 1);
    assert_eq!(counted.favourites.len(), 1);
    assert_eq!(counted.closing().map(|c| c.tally.agree), Some(3));
    assert_eq!(
        store.proposal_by_request("01M8SQV4GKN20NSV51SN2PS40A").ok(),
        Some(Some(1))
    );
    let history = store.history(1).expect("read");
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].entry.account.as_deref(), Some("alice"));
    let reports = store
        .all_kept::<crate::governance::reports::FiledReport>()
        .expect("the reports kept read as a kept kind");
    assert_eq!(reports["7"].domain, "evil.example");
    assert_eq!(
        store
            .jury_pool()
            .expect("read")
            .get("01VESDD06WKHKRXHQRWMWZB0WK"),
        Some(&"bob".to_string())
    );
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("a date");
    assert_eq!(
        store
            .answers_given("01VESDD06WKHKRXHQRWMWZB0WK", day)
            .expect("read"),
        2
    );
    assert!(store
        .was_handled("01M8SQV8DYJJQ786PKADJ35NR5")
        .expect("read"));

    let pending = store.pending_effects().expect("the earlier outbox reads");
    let purposes: Vec<String> = pending
        .iter()
        .map(|(_, entry)| entry.effect.purpose().to_string())
        .collect();
    assert_eq!(
        purposes,
        [
            "ballot-2",
            "receipt-01M8SQV774HJZYR4RNCWYBAPVS",
            "apply-1-01M8SQV9"
        ]
    );
    assert_eq!(pending[0].1.attempts, 1);
    assert!(
        pending[0].1.sent_at.is_some(),
        "a post sent before stays marked sent"
    );
    // Written back, an entry is the very bytes it was read from.
    for ((_, entry), stored) in pending.iter().zip(OUTBOX) {
        let stored: serde_json::Value = serde_json::from_str(stored).expect("json");
        let mut written = serde_json::to_value(entry).expect("json");
        if stored.get("sent_at").is_none() {
            written
                .as_object_mut()
                .expect("an object")
                .remove("sent_at");
        }
        assert_eq!(written, stored);
    }

    // A key done before is never done again.
    let again = Step::of(
        Vec::new(),
        vec![Effect::Apply {
            purpose: Purpose::Apply { number: 1 },
            number: 1,
            action: proposal.action.clone(),
            public_comment: String::new(),
            private_comment: String::new(),
            reject_media: false,
            reject_reports: false,
        }],
    );
    store.commit(&again, None, Utc::now()).expect("commit");
    assert_eq!(store.pending_effects().expect("read").len(), 3);
    drop(store);
    let _ = std::fs::remove_dir_all(&folder);
}

#[test]
fn a_record_that_cannot_be_read_is_an_error_never_nothing() {
    let folder = scratch("unreadable");
    write_earlier_database(&folder);
    {
        let db = sled::open(&folder).expect("a sled database");
        let one = 1u64.to_be_bytes();
        let damage = |tree: &str, key: &[u8]| {
            db.open_tree(tree)
                .expect("a tree")
                .insert(key, b"{not json".as_slice())
                .expect("insert");
        };
        damage("meta", NEXT_NUMBER);
        damage(
            "votes",
            &[one.as_slice(), b"01VESDD06WKHKRXHQRWMWZB0WK"].concat(),
        );
        damage("allowances", b"2026-12-01/7");
        db.flush().expect("flush");
    }
    let store = Store::open(&folder).expect("opens");
    // A new proposal would otherwise be numbered over #1.
    assert!(matches!(store.next_number(), Err(StoreError::Corrupt(_))));
    // A vote that cannot be read is not silently left out of the tally.
    assert!(matches!(
        store.proposal_with_votes(1),
        Err(StoreError::Corrupt(_))
    ));
    assert!(matches!(
        store.vote(1, "01VESDD06WKHKRXHQRWMWZB0WK"),
        Err(StoreError::Corrupt(_))
    ));
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("a date");
    assert!(matches!(
        store.answers_given("7", day),
        Err(StoreError::Corrupt(_))
    ));
    // What is simply not there is still `None`.
    assert_eq!(store.proposal(9).ok(), Some(None));
    assert_eq!(store.vote(1, "nobody").ok(), Some(None));
    drop(store);
    let _ = std::fs::remove_dir_all(&folder);
}

#[test]
fn a_jury_join_is_committed_with_its_answer_or_not_at_all() {
    use crate::governance::engine;
    use crate::governance::jury::PoolSource;
    use crate::governance::tests::support::{member, post, with_jury};

    let folder = scratch("jury-pool");
    let settings = with_jury(PoolSource::Volunteers);
    let store = Store::open(&folder).expect("opens");
    let join = post(&member("bob", 11), 90, "jury join", None);
    let step = engine::on_post(&settings, &store, &join, Draw(1), Utc::now()).expect("reads");
    assert_eq!(step.pool.len(), 1);

    // A transaction that fails part-way writes neither the volunteer nor the answer.
    store
        .backend
        .insert(table::META, NEXT_NUMBER, b"{not json")
        .expect("insert");
    assert!(matches!(
        store.commit(&step, Some("90"), Utc::now()),
        Err(StoreError::Corrupt(_))
    ));
    assert!(store.jury_pool().expect("read").is_empty());
    assert!(store.pending_effects().expect("read").is_empty());
    assert_eq!(store.cursor().expect("read"), None);

    store
        .backend
        .insert(table::META, NEXT_NUMBER, &encode(&1u64))
        .expect("insert");
    store.commit(&step, Some("90"), Utc::now()).expect("commit");
    let pending = store.pending_effects().expect("read");
    assert_eq!(pending.len(), 1);
    assert_eq!(
        pending[0].1.effect.purpose(),
        &Purpose::Answer {
            status_id: "90".into()
        }
    );
    let history = store.history(0).expect("read");
    assert!(history
        .iter()
        .any(|line| line.entry.event == "joined the jury pool"
            && line.entry.account.as_deref() == Some("bob")));
    drop(store);

    // The pool is in the database: it outlives the process.
    let store = reopen(&folder);
    let pool = store.jury_pool().expect("read");
    assert_eq!(pool.get("11").map(String::as_str), Some("bob"));
    let leave = post(&member("bob", 11), 91, "jury leave", None);
    let step = engine::on_post(&settings, &store, &leave, Draw(1), Utc::now()).expect("reads");
    store.commit(&step, Some("91"), Utc::now()).expect("commit");
    assert!(store.jury_pool().expect("read").is_empty());
    drop(store);
    let _ = std::fs::remove_dir_all(&folder);
}

/// A kind of record the store has never heard of, declared as the next features will
/// declare theirs: implementing `Kept` is all it takes. Kept and forgotten in a step's
/// one transaction, read back, on disk and in memory alike.
#[test]
fn a_new_kind_of_record_is_kept_by_its_declaration_alone() {
    use crate::governance::kept::Kept;
    #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Cursor {
        subscription: String,
        last_change: String,
    }
    impl Kept for Cursor {
        const TABLE: &'static str = "test_cursors";
        fn key(&self) -> String {
            self.subscription.clone()
        }
    }
    let cursor = Cursor {
        subscription: "neighbours".into(),
        last_change: "https://coop.example/fires/changes/3.json#12".into(),
    };
    let folder = scratch("kept-kind");
    let on_disk = Store::open(&folder).expect("opens");
    let in_memory = Memory::default();
    let mut keep = Step::default();
    keep.keep(&cursor);
    let mut forget = Step::default();
    forget
        .kept
        .push(crate::governance::kept::KeptChange::forget::<Cursor>(
            "neighbours",
        ));
    fn check<B: Backend>(store: &Stored<B>, keep: &Step, forget: &Step, cursor: &Cursor) {
        store.commit(keep, None, Utc::now()).expect("kept");
        assert_eq!(
            store.kept::<Cursor>("neighbours").expect("read"),
            Some(cursor.clone())
        );
        assert_eq!(store.all_kept::<Cursor>().expect("read").len(), 1);
        store.commit(forget, None, Utc::now()).expect("forgotten");
        assert_eq!(store.kept::<Cursor>("neighbours").expect("read"), None);
    }
    check(&on_disk, &keep, &forget, &cursor);
    check(&in_memory, &keep, &forget, &cursor);
    drop(on_disk);
    let _ = std::fs::remove_dir_all(&folder);
}
