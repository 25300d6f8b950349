//! Tests against a tiny scripted HTTP/1.1 server on 127.0.0.1.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::*;

/// A request as the test server saw it.
#[derive(Clone, Debug)]
struct Request {
    path: String,
    /// Names lowercased.
    headers: Vec<(String, String)>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

enum Reply {
    /// Written at once, then the connection is closed.
    Raw(Vec<u8>),
    /// `head` at once, then `body` one byte at a time, `every` apart.
    Trickle {
        head: Vec<u8>,
        body: Vec<u8>,
        every: Duration,
    },
    /// `head` (no length: the body ends at close), then bytes until the
    /// client goes away.
    Endless { head: Vec<u8> },
}

/// A complete response with Content-Length and `Connection: close`.
fn response(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    let mut head = head(status, headers);
    head.truncate(head.len() - 2);
    head.extend_from_slice(format!("content-length: {}\r\n\r\n", body.len()).as_bytes());
    head.extend_from_slice(body);
    Reply::Raw(head)
}

/// A status line and headers (plus `Connection: close`), ending the head.
fn head(status: &str, headers: &[(&str, &str)]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\nconnection: close\r\n");
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    out.into_bytes()
}

fn redirect_to(location: &str) -> Reply {
    response("302 Found", &[("location", location)], b"")
}

struct Server {
    base: String,
    requests: Arc<Mutex<Vec<Request>>>,
}

impl Server {
    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    fn requests(&self) -> Vec<Request> {
        self.requests
            .lock()
            .expect("no test thread panicked holding the lock")
            .clone()
    }

    fn paths(&self) -> Vec<String> {
        self.requests().into_iter().map(|r| r.path).collect()
    }
}

async fn serve<F>(route: F) -> Server
where
    F: Fn(&Request) -> Reply + Send + Sync + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let base = format!("http://{}", listener.local_addr().expect("its address"));
    let requests = Arc::new(Mutex::new(Vec::new()));
    let route = Arc::new(route);
    let seen = requests.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let route = route.clone();
            let seen = seen.clone();
            tokio::spawn(async move {
                let _ = handle(stream, &*route, &seen).await;
            });
        }
    });
    Server { base, requests }
}

async fn handle<F>(
    mut stream: TcpStream,
    route: &F,
    seen: &Mutex<Vec<Request>>,
) -> std::io::Result<()>
where
    F: Fn(&Request) -> Reply,
{
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let text = String::from_utf8_lossy(&buf).into_owned();
    let mut lines = text.split("\r\n");
    let path = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .unwrap_or("")
        .to_owned();
    let headers = lines
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let request = Request { path, headers };
    seen.lock()
        .expect("no test thread panicked holding the lock")
        .push(request.clone());

    match route(&request) {
        Reply::Raw(bytes) => stream.write_all(&bytes).await?,
        Reply::Trickle { head, body, every } => {
            stream.write_all(&head).await?;
            for byte in body {
                tokio::time::sleep(every).await;
                stream.write_all(&[byte]).await?;
            }
        }
        Reply::Endless { head } => {
            stream.write_all(&head).await?;
            let block = [b'a'; 1024];
            loop {
                stream.write_all(&block).await?;
                tokio::task::yield_now().await;
            }
        }
    }
    stream.shutdown().await
}

fn reader() -> ListReader {
    ListReader::new(Limits::default()).expect("a reader")
}

fn reader_with(limits: Limits) -> ListReader {
    ListReader::new(limits).expect("a reader")
}

const ACCEPT_CSV: &str = "text/csv";

fn body(fetched: Fetched) -> Document {
    match fetched {
        Fetched::Body(doc) => doc,
        Fetched::Unchanged => panic!("expected a body, got Unchanged"),
    }
}

#[test]
fn default_limits_follow_the_spec() {
    let limits = Limits::default();
    assert_eq!(limits.timeout, Duration::from_secs(30));
    assert_eq!(limits.max_bytes, 5 * 1024 * 1024);
    assert_eq!(limits.max_redirects, 3);
}

#[test]
fn allowed_table() {
    let cases = [
        ("https://x.example/list.csv", true),
        ("https://127.0.0.1/", true),
        ("http://127.0.0.1:8080/", true),
        ("http://127.1.2.3/", true),
        ("http://[::1]/", true),
        ("http://localhost/", true),
        ("http://LOCALHOST:3000/x", true),
        ("http://x.example/", false),
        ("http://10.0.0.1/", false),
        ("http://[::2]/", false),
        ("http://localhost.example/", false),
        ("http://0.0.0.0/", false),
        ("ftp://x.example/list", false),
        ("file:///etc/passwd", false),
        ("data:text/plain,hello", false),
    ];
    for (url, ok) in cases {
        let parsed = Url::parse(url).expect("a test address");
        let result = allowed(&parsed);
        assert_eq!(result.is_ok(), ok, "{url}: {result:?}");
        if let Err(e) = result {
            assert_eq!(e.kind(), "not_allowed");
            assert!(e.to_string().contains("only https://"), "{e}");
        }
    }
}

#[tokio::test]
async fn etag_round_trip_and_headers() {
    let server = serve(|req| {
        if req.header("if-none-match") == Some("\"v1\"") {
            response("304 Not Modified", &[("etag", "\"v1\"")], b"")
        } else {
            response(
                "200 OK",
                &[("etag", "\"v1\""), ("content-type", "text/csv")],
                b"\xEF\xBB\xBFdomain\nbad.example\n",
            )
        }
    })
    .await;
    let reader = reader();
    let url = server.url("/list.csv");

    let doc = body(
        reader
            .get(&url, ACCEPT_CSV, &Validators::default())
            .await
            .expect("the loopback server answers"),
    );
    assert_eq!(doc.text, "\u{feff}domain\nbad.example\n", "BOM left in");
    assert_eq!(doc.content_type.as_deref(), Some("text/csv"));
    assert_eq!(doc.url, url);
    assert_eq!(
        doc.validators,
        Validators {
            etag: Some("\"v1\"".into()),
            last_modified: None
        }
    );

    let again = reader
        .get(&url, ACCEPT_CSV, &doc.validators)
        .await
        .expect("the loopback server answers");
    assert_eq!(again, Fetched::Unchanged);

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].header("if-none-match"), None);
    assert_eq!(requests[1].header("if-none-match"), Some("\"v1\""));
    assert_eq!(requests[1].header("if-modified-since"), None);
    for req in &requests {
        assert_eq!(req.header("accept"), Some(ACCEPT_CSV));
        assert_eq!(
            req.header("user-agent"),
            Some(concat!(
                "coopgov/",
                env!("CARGO_PKG_VERSION"),
                " (subscriptions)"
            ))
        );
    }
}

#[tokio::test]
async fn last_modified_round_trip() {
    const DATE: &str = "Wed, 21 Oct 2015 07:28:00 GMT";
    let server = serve(|req| {
        if req.header("if-modified-since") == Some(DATE) {
            response("304 Not Modified", &[], b"")
        } else {
            response("200 OK", &[("last-modified", DATE)], b"a\n")
        }
    })
    .await;
    let reader = reader();
    let url = server.url("/list");

    let doc = body(
        reader
            .get(&url, ACCEPT_CSV, &Validators::default())
            .await
            .expect("the loopback server answers"),
    );
    assert_eq!(doc.validators.last_modified.as_deref(), Some(DATE));
    assert_eq!(doc.validators.etag, None);
    assert_eq!(doc.content_type, None);

    let again = reader
        .get(&url, ACCEPT_CSV, &doc.validators)
        .await
        .expect("the loopback server answers");
    assert_eq!(again, Fetched::Unchanged);
    let requests = server.requests();
    assert_eq!(requests[1].header("if-modified-since"), Some(DATE));
}

#[tokio::test]
async fn unconditional_304_is_an_error() {
    let server = serve(|_| response("304 Not Modified", &[], b"")).await;
    let url = server.url("/x");
    let err = reader()
        .get(&url, ACCEPT_CSV, &Validators::default())
        .await
        .unwrap_err();
    assert_eq!(err, FetchError::Status { url, code: 304 });
}

/// `/hop/N` redirects to `/hop/N-1`; `/hop/0` is the list.
async fn hops() -> Server {
    serve(|req| match req.path.strip_prefix("/hop/") {
        Some("0") => response("200 OK", &[], b"end"),
        Some(n) => {
            let n: u32 = n.parse().expect("a number in the test's path");
            redirect_to(&format!("/hop/{}", n - 1))
        }
        None => response("404 Not Found", &[], b""),
    })
    .await
}

#[tokio::test]
async fn three_redirects_are_followed() {
    let server = hops().await;
    let doc = body(
        reader()
            .get(&server.url("/hop/3"), ACCEPT_CSV, &Validators::default())
            .await
            .expect("the loopback server answers"),
    );
    assert_eq!(doc.text, "end");
    assert_eq!(doc.url, server.url("/hop/0"));
    assert_eq!(server.paths(), ["/hop/3", "/hop/2", "/hop/1", "/hop/0"]);
}

#[tokio::test]
async fn four_redirects_are_refused() {
    let server = hops().await;
    let url = server.url("/hop/4");
    let err = reader()
        .get(&url, ACCEPT_CSV, &Validators::default())
        .await
        .unwrap_err();
    assert_eq!(err, FetchError::TooManyRedirects { url, limit: 3 });
    // The fourth redirect is refused before it is requested.
    assert_eq!(server.paths(), ["/hop/4", "/hop/3", "/hop/2", "/hop/1"]);
}

#[tokio::test]
async fn redirect_loops_are_errors() {
    let server = serve(|req| match req.path.as_str() {
        "/self" => redirect_to("/self"),
        "/a" => redirect_to("/b"),
        "/b" => redirect_to("/a"),
        _ => response("404 Not Found", &[], b""),
    })
    .await;
    let reader = reader();

    let url = server.url("/self");
    let err = reader
        .get(&url, ACCEPT_CSV, &Validators::default())
        .await
        .unwrap_err();
    assert_eq!(
        err,
        FetchError::RedirectLoop {
            url: url.clone(),
            at: url
        }
    );

    let url = server.url("/a");
    let err = reader
        .get(&url, ACCEPT_CSV, &Validators::default())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "redirect_loop");
    assert_eq!(server.paths(), ["/self", "/a", "/b"]);
}

#[tokio::test]
async fn redirects_off_the_rules_are_refused_before_connecting() {
    let server = serve(|req| match req.path.as_str() {
        "/plain" => redirect_to("http://example.invalid/list"),
        "/ftp" => redirect_to("ftp://x.example/list"),
        _ => response("404 Not Found", &[], b""),
    })
    .await;
    let reader = reader();

    let url = server.url("/plain");
    let err = reader
        .get(&url, ACCEPT_CSV, &Validators::default())
        .await
        .unwrap_err();
    assert_eq!(
        err,
        FetchError::NotAllowed {
            url: url.clone(),
            redirected_to: Some("http://example.invalid/list".into()),
        }
    );
    let message = err.to_string();
    assert!(message.contains(&url), "{message}");
    assert!(message.contains("http://example.invalid/list"), "{message}");

    let url = server.url("/ftp");
    let err = reader
        .get(&url, ACCEPT_CSV, &Validators::default())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "not_allowed");
}

#[tokio::test]
async fn disallowed_and_bad_urls_are_refused_up_front() {
    let reader = reader();
    let err = reader
        .get("http://x.example/list", ACCEPT_CSV, &Validators::default())
        .await
        .unwrap_err();
    assert_eq!(
        err,
        FetchError::NotAllowed {
            url: "http://x.example/list".into(),
            redirected_to: None
        }
    );
    let err = reader
        .get("not a url", ACCEPT_CSV, &Validators::default())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "bad_url");
}

#[tokio::test]
async fn closed_port_is_unreachable() {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let port = listener.local_addr().expect("its address").port();
    drop(listener);
    let url = format!("https://127.0.0.1:{port}/list");
    let err = reader()
        .get(&url, ACCEPT_CSV, &Validators::default())
        .await
        .unwrap_err();
    match &err {
        FetchError::Unreachable { url: u, reason } => {
            assert_eq!(u, &url);
            assert!(!reason.contains("error sending request"), "{reason}");
            assert!(!reason.contains("os error"), "{reason}");
            assert!(!reason.contains('{'), "no debug dump: {reason}");
        }
        other => panic!("expected Unreachable, got {other:?}"),
    }
}

#[tokio::test]
async fn slow_body_is_cut_by_the_timeout() {
    let server = serve(|_| Reply::Trickle {
        head: head("200 OK", &[("content-length", "50")]),
        body: vec![b'a'; 50],
        every: Duration::from_millis(100),
    })
    .await;
    let reader = reader_with(Limits {
        timeout: Duration::from_secs(1),
        ..Limits::default()
    });
    let url = server.url("/slow");
    let start = Instant::now();
    let err = reader
        .get(&url, ACCEPT_CSV, &Validators::default())
        .await
        .unwrap_err();
    let took = start.elapsed();
    assert_eq!(
        err,
        FetchError::TimedOut {
            url,
            limit: Duration::from_secs(1)
        }
    );
    assert!(took < Duration::from_millis(2500), "took {took:?}");
    assert!(err.to_string().contains("within 1 second."), "{err}");
}

fn small() -> ListReader {
    reader_with(Limits {
        timeout: Duration::from_secs(5),
        max_bytes: 1000,
        ..Limits::default()
    })
}

#[tokio::test]
async fn body_at_the_cap_is_read() {
    let server = serve(|_| response("200 OK", &[], &[b'a'; 1000])).await;
    let doc = body(
        small()
            .get(&server.url("/"), ACCEPT_CSV, &Validators::default())
            .await
            .expect("the loopback server answers"),
    );
    assert_eq!(doc.text.len(), 1000);
}

#[tokio::test]
async fn declared_length_over_the_cap_is_refused_up_front() {
    // Promises 1001 bytes but sends them slowly: only an up-front check
    // answers before the timeout.
    let server = serve(|_| Reply::Trickle {
        head: head("200 OK", &[("content-length", "1001")]),
        body: vec![b'a'; 1001],
        every: Duration::from_millis(100),
    })
    .await;
    let url = server.url("/big");
    let start = Instant::now();
    let err = small()
        .get(&url, ACCEPT_CSV, &Validators::default())
        .await
        .unwrap_err();
    assert_eq!(err, FetchError::TooLarge { url, limit: 1000 });
    assert!(start.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn endless_body_without_length_is_refused_while_read() {
    let server = serve(|_| Reply::Endless {
        head: head("200 OK", &[]),
    })
    .await;
    let url = server.url("/endless");
    let start = Instant::now();
    let err = small()
        .get(&url, ACCEPT_CSV, &Validators::default())
        .await
        .unwrap_err();
    assert_eq!(err, FetchError::TooLarge { url, limit: 1000 });
    assert!(start.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn chunked_body_over_the_cap_is_refused() {
    let mut raw = head("200 OK", &[("transfer-encoding", "chunked")]);
    for _ in 0..3 {
        raw.extend_from_slice(b"200\r\n");
        raw.extend_from_slice(&[b'a'; 0x200]);
        raw.extend_from_slice(b"\r\n");
    }
    raw.extend_from_slice(b"0\r\n\r\n");
    let server = serve(move |_| Reply::Raw(raw.clone())).await;
    let url = server.url("/chunked");
    let err = small()
        .get(&url, ACCEPT_CSV, &Validators::default())
        .await
        .unwrap_err();
    assert_eq!(err, FetchError::TooLarge { url, limit: 1000 });
}

#[tokio::test]
async fn error_statuses() {
    let server = serve(|req| match req.path.as_str() {
        "/missing" => response("404 Not Found", &[], b"nope"),
        "/broken" => response("500 Internal Server Error", &[], b"oops"),
        "/forbidden" => response("403 Forbidden", &[], b""),
        _ => response("200 OK", &[], b""),
    })
    .await;
    let reader = reader();
    for (path, code, words) in [
        ("/missing", 404, "HTTP 404 Not Found"),
        ("/broken", 500, "HTTP 500 Internal Server Error"),
        ("/forbidden", 403, "HTTP 403 Forbidden"),
    ] {
        let url = server.url(path);
        let err = reader
            .get(&url, ACCEPT_CSV, &Validators::default())
            .await
            .unwrap_err();
        assert_eq!(
            err,
            FetchError::Status {
                url: url.clone(),
                code
            }
        );
        assert!(err.to_string().contains(words), "{err}");
    }
}

#[tokio::test]
async fn invalid_utf8_is_not_text() {
    let server = serve(|_| response("200 OK", &[], b"ok\xff\xfe\n")).await;
    let url = server.url("/bin");
    let err = reader()
        .get(&url, ACCEPT_CSV, &Validators::default())
        .await
        .unwrap_err();
    assert_eq!(err, FetchError::NotText { url });
}

#[test]
fn messages_are_sentences_naming_the_url() {
    let url = "https://x.example/list.csv".to_owned();
    let errors = [
        FetchError::BadUrl {
            url: url.clone(),
            reason: "relative URL without a base".into(),
        },
        FetchError::NotAllowed {
            url: url.clone(),
            redirected_to: None,
        },
        FetchError::NotAllowed {
            url: url.clone(),
            redirected_to: Some("http://y.example/".into()),
        },
        FetchError::Unreachable {
            url: url.clone(),
            reason: "Connection refused".into(),
        },
        FetchError::TimedOut {
            url: url.clone(),
            limit: Duration::from_secs(30),
        },
        FetchError::TooLarge {
            url: url.clone(),
            limit: 5 * 1024 * 1024,
        },
        FetchError::TooManyRedirects {
            url: url.clone(),
            limit: 3,
        },
        FetchError::RedirectLoop {
            url: url.clone(),
            at: url.clone(),
        },
        FetchError::Status {
            url: url.clone(),
            code: 502,
        },
        FetchError::NotText { url: url.clone() },
        FetchError::Transfer {
            url: url.clone(),
            reason: "connection closed before message completed".into(),
        },
    ];
    for err in &errors {
        let message = err.to_string();
        assert!(message.contains(&url), "{message}");
        assert!(message.ends_with('.'), "{message}");
        assert!(message.starts_with("The list"), "{message}");
    }
    assert_eq!(
        errors[4].to_string(),
        "The list at https://x.example/list.csv could not be read: the server did not send the \
         whole list within 30 seconds. It will be read again at the next `every`."
    );
    assert!(errors[5].to_string().contains("larger than 5 MB"));
    assert!(errors[6].to_string().contains("more than 3 times"));

    let mut kinds: Vec<_> = errors.iter().map(FetchError::kind).collect();
    kinds.push(
        FetchError::Setup {
            reason: String::new(),
        }
        .kind(),
    );
    kinds.sort();
    kinds.dedup();
    assert_eq!(kinds.len(), 11);
}
