//! A loopback HTTP proxy between the bot and the mock that can fail a share of the bot's
//! requests (seeded, so a failing run can be replayed), cut its streams, and enforce a
//! request budget the way Mastodon does (fixed windows) or the way a proxy in front of
//! it may (the last window's requests count, refilling gradually).
//!
//! Members talk to the mock directly, so only the bot meets the faults. The mock is
//! started with the proxy's port as its own address, so the streaming URL the instance
//! gives the bot leads through the proxy too.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::AbortHandle;

/// The kinds of failure the proxy injects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    RateLimited,
    ServerError,
    Unavailable,
    /// The request reaches the mock (and takes effect) but the answer never comes back.
    Timeout,
    Malformed,
}

const FAULTS: [Fault; 5] = [
    Fault::RateLimited,
    Fault::ServerError,
    Fault::Unavailable,
    Fault::Timeout,
    Fault::Malformed,
];

/// How a request budget refills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refill {
    /// Mastodon's rack-attack: the count restarts at every multiple of the window since
    /// the epoch; `X-RateLimit-Reset` is that window's end (ISO 8601), and a 429 carries
    /// no `Retry-After`.
    FixedWindows,
    /// A limiter that counts the requests of the last window: each request's share comes
    /// back one window after it was made. A 429 says `Retry-After` until the next share.
    Gradual,
}

/// A budget of `limit` requests per `window`, as the bot meets it.
struct Limiter {
    refill: Refill,
    limit: u64,
    window: Duration,
    /// `Gradual`: when each counted request was let through.
    admitted: VecDeque<Duration>,
    /// `FixedWindows`: the window being counted, and its count (refusals included, as
    /// rack-attack counts them).
    fixed: (u64, u64),
    refused: u64,
}

/// What the limiter says of one request: let through or not, and the headers to send.
struct Verdict {
    allowed: bool,
    headers: String,
}

fn since_epoch() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}

fn iso(at: Duration) -> String {
    let at = chrono::DateTime::from_timestamp(at.as_secs() as i64, at.subsec_nanos())
        .unwrap_or_default();
    at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

impl Limiter {
    fn judge(&mut self, now: Duration) -> Verdict {
        match self.refill {
            Refill::FixedWindows => {
                let window = self.window.as_secs().max(1);
                let index = now.as_secs() / window;
                if self.fixed.0 != index {
                    self.fixed = (index, 0);
                }
                self.fixed.1 += 1;
                let allowed = self.fixed.1 <= self.limit;
                let remaining = self.limit.saturating_sub(self.fixed.1);
                let reset = iso(Duration::from_secs((index + 1) * window));
                let headers = format!(
                    "x-ratelimit-limit: {}\r\nx-ratelimit-remaining: {remaining}\r\nx-ratelimit-reset: {reset}\r\n",
                    self.limit
                );
                self.count(allowed, headers)
            }
            Refill::Gradual => {
                while self
                    .admitted
                    .front()
                    .is_some_and(|at| *at + self.window <= now)
                {
                    self.admitted.pop_front();
                }
                let allowed = (self.admitted.len() as u64) < self.limit;
                if allowed {
                    self.admitted.push_back(now);
                }
                let remaining = self.limit.saturating_sub(self.admitted.len() as u64);
                // Whole again only once the newest request has left the window.
                let full_at = self.admitted.back().map_or(now, |at| *at + self.window);
                let mut headers = format!(
                    "x-ratelimit-limit: {}\r\nx-ratelimit-remaining: {remaining}\r\nx-ratelimit-reset: {}\r\n",
                    self.limit,
                    iso(full_at)
                );
                if !allowed {
                    let next_share = self.admitted.front().map_or(now, |at| *at + self.window);
                    let wait = next_share.saturating_sub(now).as_secs_f64().ceil() as u64;
                    headers.push_str(&format!("retry-after: {}\r\n", wait.max(1)));
                }
                self.count(allowed, headers)
            }
        }
    }

    fn count(&mut self, allowed: bool, headers: String) -> Verdict {
        if !allowed {
            self.refused += 1;
        }
        Verdict { allowed, headers }
    }
}

#[derive(Default)]
struct State {
    /// The bot's request budget, when one is enforced.
    limiter: Mutex<Option<Limiter>>,
    upstream_port: AtomicU64,
    /// Fail one request in this many (0: none).
    fault_every: AtomicU64,
    seed: AtomicU64,
    requests: AtomicU64,
    injected: Mutex<Vec<Fault>>,
    hold: Mutex<Duration>,
    streams: Mutex<Vec<AbortHandle>>,
    streams_cut: AtomicU64,
    /// Every request forwarded or failed, as `METHOD /path` (no query).
    log: Mutex<Vec<String>>,
    /// Drop `Idempotency-Key` from requests, as a server that ignores it would.
    strip_idempotency_keys: AtomicBool,
    /// Let posts reach the mock but never answer them, as if the bot died mid-post.
    swallow_posts: AtomicBool,
    /// Cut every thread's `descendants` to this many (0: leave them), as servers cap them.
    descendants_cap: AtomicU64,
}

pub struct Proxy {
    pub port: u16,
    state: Arc<State>,
    server: AbortHandle,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.server.abort();
        self.cut_streams();
    }
}

impl Proxy {
    /// Listens on a free loopback port; forward nothing until [`Proxy::forward_to`].
    pub async fn bind() -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the proxy");
        let port = listener.local_addr().expect("proxy address").port();
        let state = Arc::new(State::default());
        let shared = state.clone();
        let server = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let state = shared.clone();
                tokio::spawn(async move {
                    let _ = serve(client, state).await;
                });
            }
        })
        .abort_handle();
        Proxy {
            port,
            state,
            server,
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn forward_to(&self, upstream_port: u16) {
        self.state
            .upstream_port
            .store(u64::from(upstream_port), Ordering::SeqCst);
    }

    /// Fails one request in `every` (0 turns faults off), the kind drawn from `seed`;
    /// a timeout holds the answer back for `hold` (longer than the bot waits).
    pub fn inject_faults(&self, every: u64, seed: u64, hold: Duration) {
        self.state.seed.store(seed, Ordering::SeqCst);
        *self.state.hold.lock().expect("hold") = hold;
        self.state.fault_every.store(every, Ordering::SeqCst);
    }

    /// Closes every open stream at once, as a network cut would.
    pub fn cut_streams(&self) {
        let cut: Vec<AbortHandle> =
            std::mem::take(&mut *self.state.streams.lock().expect("streams"));
        self.state
            .streams_cut
            .fetch_add(cut.len() as u64, Ordering::SeqCst);
        for stream in cut {
            stream.abort();
        }
    }

    /// Drops `Idempotency-Key` from every request from now on (or stops doing so).
    pub fn strip_idempotency_keys(&self, strip: bool) {
        self.state
            .strip_idempotency_keys
            .store(strip, Ordering::SeqCst);
    }

    /// Forwards posts but holds their answers back for the fault hold (or stops doing so).
    pub fn swallow_posts(&self, swallow: bool) {
        self.state.swallow_posts.store(swallow, Ordering::SeqCst);
    }

    /// Cuts every thread the bot reads to its first `cap` descendants (0: whole).
    pub fn cap_descendants(&self, cap: u64) {
        self.state.descendants_cap.store(cap, Ordering::SeqCst);
    }

    /// Enforces a budget of `limit` requests per `window` on the bot's API requests from
    /// now on (streams are not counted, as Mastodon's streaming server is apart).
    pub fn limit(&self, refill: Refill, limit: u64, window: Duration) {
        *self.state.limiter.lock().expect("limiter") = Some(Limiter {
            refill,
            limit,
            window,
            admitted: VecDeque::new(),
            fixed: (0, 0),
            refused: 0,
        });
    }

    /// How many of the bot's requests the budget refused (answered 429).
    pub fn refused(&self) -> u64 {
        self.state
            .limiter
            .lock()
            .expect("limiter")
            .as_ref()
            .map_or(0, |limiter| limiter.refused)
    }

    pub fn requests(&self) -> u64 {
        self.state.requests.load(Ordering::SeqCst)
    }

    pub fn faults(&self) -> Vec<Fault> {
        self.state.injected.lock().expect("faults").clone()
    }

    /// The requests seen so far, as `METHOD /path`.
    pub fn request_log(&self) -> Vec<String> {
        self.state.log.lock().expect("log").clone()
    }

    pub fn streams_cut(&self) -> u64 {
        self.state.streams_cut.load(Ordering::SeqCst)
    }
}

/// The fault for request number `n` (0-based), if it gets one: every kind in turn,
/// starting where the seed says, so any five faults in a row cover them all.
fn fault_for(state: &State, n: u64) -> Option<Fault> {
    let every = state.fault_every.load(Ordering::SeqCst);
    if every == 0 || n % every != every - 1 {
        return None;
    }
    let turn = state.seed.load(Ordering::SeqCst).wrapping_add(n / every);
    Some(FAULTS[(turn % FAULTS.len() as u64) as usize])
}

/// Reads one request head (and its body, by Content-Length) from the client.
async fn read_request(client: &mut TcpStream) -> std::io::Result<Option<(String, Vec<u8>)>> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        let read = client.read(&mut chunk).await?;
        if read == 0 {
            return Ok(None);
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let length = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    let mut body = buffer[head_end..].to_vec();
    while body.len() < length {
        let read = client.read(&mut chunk).await?;
        if read == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..read]);
    }
    Ok(Some((head, body)))
}

/// The head with `Connection: close`, so each connection carries one exchange.
fn closing(head: &str) -> String {
    let mut lines: Vec<&str> = head
        .trim_end()
        .lines()
        .filter(|line| !line.to_ascii_lowercase().starts_with("connection:"))
        .collect();
    lines.push("connection: close");
    format!("{}\r\n\r\n", lines.join("\r\n"))
}

async fn serve(mut client: TcpStream, state: Arc<State>) -> std::io::Result<()> {
    let Some((head, body)) = read_request(&mut client).await? else {
        return Ok(());
    };
    let port = state.upstream_port.load(Ordering::SeqCst);
    let mut upstream = TcpStream::connect(("127.0.0.1", port as u16)).await?;
    if head.to_ascii_lowercase().contains("upgrade: websocket") {
        upstream.write_all(head.as_bytes()).await?;
        upstream.write_all(&body).await?;
        let tunnel = tokio::spawn(async move {
            let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
        });
        state
            .streams
            .lock()
            .expect("streams")
            .push(tunnel.abort_handle());
        return Ok(());
    }
    let n = state.requests.fetch_add(1, Ordering::SeqCst);
    let request_line = head.lines().next().unwrap_or_default();
    let mut parts = request_line.split_whitespace();
    let (method, target) = (
        parts.next().unwrap_or_default().to_string(),
        parts.next().unwrap_or_default(),
    );
    let path = target.split('?').next().unwrap_or_default().to_string();
    let method = method.as_str();
    let path = path.as_str();
    state
        .log
        .lock()
        .expect("log")
        .push(format!("{method} {path}"));
    let canned = |status: &str, body: &str, extra: &str| {
        format!("HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{extra}connection: close\r\n\r\n{body}", body.len())
    };
    let verdict = state
        .limiter
        .lock()
        .expect("limiter")
        .as_mut()
        .map(|limiter| limiter.judge(since_epoch()));
    let budget_headers = match verdict {
        Some(Verdict {
            allowed: false,
            headers,
        }) => {
            let answer = canned(
                "429 Too Many Requests",
                r#"{"error":"Too many requests"}"#,
                &headers,
            );
            client.write_all(answer.as_bytes()).await?;
            return client.shutdown().await;
        }
        Some(Verdict { headers, .. }) => headers,
        None => String::new(),
    };
    let fault = fault_for(&state, n);
    if let Some(fault) = fault {
        state.injected.lock().expect("faults").push(fault);
    }
    let answer = match fault {
        Some(Fault::RateLimited) => {
            let reset = (chrono::Utc::now() + chrono::Duration::seconds(2))
                .format("%Y-%m-%dT%H:%M:%S%.3fZ");
            let extra = format!("x-ratelimit-limit: 300\r\nx-ratelimit-remaining: 0\r\nx-ratelimit-reset: {reset}\r\n");
            Some(canned(
                "429 Too Many Requests",
                r#"{"error":"Too many requests"}"#,
                &extra,
            ))
        }
        Some(Fault::ServerError) => Some(canned(
            "500 Internal Server Error",
            r#"{"error":"An unexpected error occurred"}"#,
            "",
        )),
        Some(Fault::Unavailable) => {
            Some(canned("503 Service Unavailable", r#"{"error":"busy"}"#, ""))
        }
        Some(Fault::Malformed) => Some(canned("200 OK", "{not json", "")),
        Some(Fault::Timeout) | None => None,
    };
    if let Some(answer) = answer {
        client.write_all(answer.as_bytes()).await?;
        return client.shutdown().await;
    }
    let head = if state.strip_idempotency_keys.load(Ordering::SeqCst) {
        without_header(&head, "idempotency-key")
    } else {
        head
    };
    upstream.write_all(closing(&head).as_bytes()).await?;
    upstream.write_all(&body).await?;
    let mut response = Vec::new();
    upstream.read_to_end(&mut response).await?;
    let swallowed = method == "POST"
        && path == "/api/v1/statuses"
        && state.swallow_posts.load(Ordering::SeqCst);
    if fault == Some(Fault::Timeout) || swallowed {
        // It happened on the server; the bot never hears so.
        let hold = *state.hold.lock().expect("hold");
        tokio::time::sleep(hold).await;
        return Ok(());
    }
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(response.len(), |at| at + 4);
    let response_head = String::from_utf8_lossy(&response[..split]).into_owned();
    let cap = state.descendants_cap.load(Ordering::SeqCst);
    let mut response_body = response[split..].to_vec();
    // The budget's headers stand in for any the mock sent.
    let response_head = if budget_headers.is_empty() {
        response_head
    } else {
        let head = [
            "x-ratelimit-limit",
            "x-ratelimit-remaining",
            "x-ratelimit-reset",
        ]
        .iter()
        .fold(response_head, |head, name| without_header(&head, name));
        format!("{}\r\n{}\r\n", head.trim_end(), budget_headers.trim_end())
    };
    let response_head = if cap > 0 && method == "GET" && path.ends_with("/context") {
        response_body = capped(&response_body, cap as usize);
        let head = without_header(&response_head, "content-length");
        format!(
            "{}\r\ncontent-length: {}\r\n\r\n",
            head.trim_end(),
            response_body.len()
        )
    } else {
        response_head
    };
    client.write_all(closing(&response_head).as_bytes()).await?;
    client.write_all(&response_body).await?;
    client.shutdown().await
}

/// `head` without the header `name` (lowercase).
fn without_header(head: &str, name: &str) -> String {
    let kept: Vec<&str> = head
        .trim_end()
        .lines()
        .filter(|line| !line.to_ascii_lowercase().starts_with(&format!("{name}:")))
        .collect();
    format!("{}\r\n\r\n", kept.join("\r\n"))
}

/// A context body with only its first `cap` descendants.
fn capped(body: &[u8], cap: usize) -> Vec<u8> {
    let Ok(mut context) = serde_json::from_slice::<serde_json::Value>(body) else {
        return body.to_vec();
    };
    if let Some(descendants) = context
        .get_mut("descendants")
        .and_then(|d| d.as_array_mut())
    {
        descendants.truncate(cap);
    }
    serde_json::to_vec(&context).unwrap_or_else(|_| body.to_vec())
}
