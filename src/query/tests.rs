//! The socket's place and protocol, and a bot answering while a stopped one is read directly.

use super::*;

#[test]
fn the_socket_sits_beside_the_database() {
    for (store, socket) in [
        ("coopgov.db", "coopgov.db.sock"),
        (
            "/var/lib/coopgov/coopgov.db",
            "/var/lib/coopgov/coopgov.db.sock",
        ),
        ("/var/lib/coopgov/db/", "/var/lib/coopgov/db.sock"),
    ] {
        assert_eq!(
            socket_path(Path::new(store)),
            PathBuf::from(socket),
            "{store}"
        );
    }
}

#[test]
fn questions_travel_as_one_json_line() {
    for (query, json) in [
        (Query::List, r#"{"query":"list"}"#),
        (Query::Show { number: 3 }, r#"{"query":"show","number":3}"#),
        (
            Query::Export {
                format: ExportFormat::Md,
            },
            r#"{"query":"export","format":"md"}"#,
        ),
    ] {
        assert_eq!(
            serde_json::to_string(&query).expect("a query serialises"),
            json
        );
        assert_eq!(
            serde_json::from_str::<Query>(json).expect("a query parses"),
            query
        );
    }
}

#[test]
fn older_clients_and_older_bots_still_understand_each_other() {
    for (json, question) in [
        (
            r#"{"query":"list"}"#,
            Question {
                query: Query::List,
                page: false,
            },
        ),
        (
            r#"{"query":"show","number":3,"page":true}"#,
            Question {
                query: Query::Show { number: 3 },
                page: true,
            },
        ),
    ] {
        assert_eq!(
            serde_json::from_str::<Question>(json).expect("a question parses"),
            question,
            "{json}"
        );
    }
    let asked = serde_json::to_string(&Question {
        query: Query::Show { number: 3 },
        page: true,
    })
    .expect("a question serialises");
    assert_eq!(asked, r#"{"query":"show","number":3,"page":true}"#);
    // What an older bot reads it as: the query, the rest ignored.
    for json in [asked.as_str(), r#"{"query":"list","page":true}"#] {
        assert!(serde_json::from_str::<Query>(json).is_ok(), "{json}");
    }
    let from_an_older_bot: Result<Reply, String> =
        serde_json::from_str(r#"{"Ok":"No proposals yet."}"#).expect("a text answer");
    assert_eq!(
        from_an_older_bot,
        Ok(Reply::Text("No proposals yet.".to_string()))
    );
    let page = Reply::Page(Page::text("No proposals yet."));
    let travelled: Result<Reply, String> = serde_json::from_str(
        &serde_json::to_string(&Ok::<_, String>(page.clone())).expect("a page serialises"),
    )
    .expect("a page answer");
    assert_eq!(travelled, Ok(page));
}

#[tokio::test]
async fn the_running_bot_answers_and_a_stopped_one_is_read_directly() {
    let folder = std::env::temp_dir().join(format!("coopgov-query-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).expect("a temporary folder");
    let store_path = folder.join("coopgov.db");
    let missing = ask(&store_path, &Query::List, None)
        .await
        .unwrap_err()
        .to_string();
    assert!(missing.contains("no database"), "{missing}");

    let store = Store::open(&store_path).expect("a new store opens");
    let left_by_a_killed_bot = std::os::unix::net::UnixListener::bind(socket_path(&store_path));
    drop(left_by_a_killed_bot);
    let busy = ask_within(&store_path, &Query::List, None, |_| None)
        .await
        .unwrap_err()
        .to_string();
    assert!(busy.contains("held by another process"), "{busy}");
    let server = Server::start(store.clone(), &store_path, None).expect("the socket opens");
    let mode = std::fs::metadata(server.path())
        .expect("the socket exists")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    assert_eq!(
        ask(&store_path, &Query::List, None)
            .await
            .expect("the bot answers"),
        "No proposals yet."
    );
    let refused = ask(&store_path, &Query::Show { number: 9 }, None)
        .await
        .unwrap_err()
        .to_string();
    assert_eq!(refused, "There is no proposal #9.");
    let mut stranger = UnixStream::connect(server.path())
        .await
        .expect("the socket accepts");
    stranger
        .write_all(b"DROP TABLE proposals\n")
        .await
        .expect("a line is sent");
    let mut answer = String::new();
    stranger
        .read_to_string(&mut answer)
        .await
        .expect("an answer comes");
    assert!(answer.contains("not understood"), "{answer}");

    drop(server);
    drop(store);
    assert!(!socket_path(&store_path).exists());
    assert_eq!(
        ask(&store_path, &Query::List, None)
            .await
            .expect("the bot answers"),
        "No proposals yet."
    );
    std::fs::write(socket_path(&store_path), "not a socket").expect("a stray file is written");
    let store = Store::open(&store_path).expect("the store opens again");
    let refused = Server::start(store, &store_path, None)
        .err()
        .expect("a stray file at the socket's path is refused")
        .to_string();
    assert!(refused.contains("is not coopgov's socket"), "{refused}");
    let _ = std::fs::remove_dir_all(&folder);
}

#[tokio::test]
async fn the_sites_records_come_from_the_running_bot_or_from_its_stopped_store() {
    let folder = std::env::temp_dir().join(format!("coopgov-query-site-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).expect("a temporary folder");
    let store_path = folder.join("coopgov.db");
    let store = Store::open(&store_path).expect("a new store opens");
    store.remember_bot_acct("coopbot").expect("kept");
    let server = Server::start(store.clone(), &store_path, None).expect("the socket opens");
    let from_the_bot = ask_site(&store_path).await.expect("the bot answers");
    assert_eq!(from_the_bot.bot_acct.as_deref(), Some("coopbot"));
    assert!(from_the_bot.proposals.is_empty());
    // A page asked of the same bot is still a page.
    assert_eq!(
        ask(&store_path, &Query::List, None).await.expect("a page"),
        "No proposals yet."
    );
    drop(server);
    drop(store);
    let from_the_store = ask_site(&store_path).await.expect("the store is read");
    assert_eq!(from_the_store, from_the_bot);
    // The records travel under their own key, never taken for a page or a text.
    let site = Reply::Site {
        site: from_the_bot.clone(),
    };
    let travelled: Result<Reply, String> = serde_json::from_str(
        &serde_json::to_string(&Ok::<_, String>(site.clone())).expect("serialises"),
    )
    .expect("a site answer");
    assert_eq!(travelled, Ok(site));
    assert_eq!(
        serde_json::to_string(&Query::Site).expect("serialises"),
        r#"{"query":"site"}"#
    );
    let _ = std::fs::remove_dir_all(&folder);
}
