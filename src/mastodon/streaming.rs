//! The user stream over WebSocket: notifications as they happen, with reconnects.
//!
//! The stream is a fast path only; the event source (`events.rs`) polls notifications
//! from the cursor after every (re)connect, so what the stream drops is still handled.

use super::types::{Notification, StreamFrame};
use crate::backoff::{jittered, reconnect_delay};
use crate::secret::Secret;
use futures_util::StreamExt;
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;
use tracing::{debug, info, warn};

/// What the stream task tells the runtime.
#[derive(Debug)]
pub enum StreamEvent {
    /// A (re)connection succeeded, at this address: catch up from the cursor.
    Connected(String),
    Notification(Box<Notification>),
    /// A status was deleted: a vote by reply is withdrawn. Mastodon sends this to the
    /// accounts a status mentioned, so the bot hears of deleted votes that named it.
    Deleted(String),
    /// The connection ended or could not be made; the task will retry by itself.
    Disconnected(String),
}

/// The WebSocket address of the user stream, from the instance's streaming base.
pub fn stream_url(streaming_base: &str) -> String {
    let base = streaming_base.trim_end_matches('/');
    let base = if let Some(rest) = base.strip_prefix("https://") {
        format!("wss://{rest}")
    } else if let Some(rest) = base.strip_prefix("http://") {
        format!("ws://{rest}")
    } else {
        base.to_string()
    };
    format!("{base}/api/v1/streaming?stream=user")
}

/// Where to look for the user stream, in order: the address the instance advertises,
/// then the instance's own origin with the scheme that matches it. Servers advertise
/// wrongly: GoToSocial says `wss://` even when it speaks plain http.
pub fn stream_urls(advertised: Option<&str>, instance_url: &str) -> Vec<String> {
    let mut urls = Vec::new();
    for base in advertised.into_iter().chain([instance_url]) {
        let url = stream_url(base);
        if !urls.contains(&url) {
            urls.push(url);
        }
    }
    urls
}

impl super::Client {
    /// Whether the instance says its streaming server is up (`coopgov demo` waits for it).
    pub async fn stream_is_healthy(&self) -> bool {
        let request = self.request(reqwest::Method::GET, "/api/v1/streaming/health");
        self.send("checking the stream's health", request)
            .await
            .is_ok()
    }
}

/// Keeps a user stream open until `shutdown` turns true, sending what it hears to
/// `events`. Each connection tries `urls` in order from the one that worked last.
pub async fn listen(
    urls: Vec<String>,
    token: Secret,
    silence_limit: Duration,
    events: mpsc::Sender<StreamEvent>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut attempt = 0;
    let mut working = 0;
    loop {
        if *shutdown.borrow() {
            return;
        }
        let mut reasons = Vec::new();
        let mut was_connected = false;
        for offset in 0..urls.len() {
            let index = (working + offset) % urls.len();
            let ended = tokio::select! {
                ended = connect_and_read(&urls[index], &token, silence_limit, &events) => ended,
                _ = shutdown.changed() => return,
            };
            let (connected, reason) = ended;
            if connected {
                if index != working {
                    info!(url = %urls[index], "the stream answers at the instance's own address, not the advertised one");
                }
                working = index;
                was_connected = true;
                reasons = vec![reason];
                break;
            }
            if offset + 1 < urls.len() {
                info!(url = %urls[index], reason, "no stream at this address; trying the next");
            }
            reasons.push(format!("{}: {reason}", urls[index]));
        }
        let reason = reasons.join("; ");
        if was_connected {
            attempt = 0;
        }
        if events
            .send(StreamEvent::Disconnected(reason.clone()))
            .await
            .is_err()
        {
            return;
        }
        let delay = jittered(reconnect_delay(attempt));
        attempt = attempt.saturating_add(1);
        info!(reason, retry_in = ?delay, "stream closed; reconnecting");
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = shutdown.changed() => return,
        }
    }
}

/// One connection's life. Returns whether it connected and why it ended.
async fn connect_and_read(
    url: &str,
    token: &Secret,
    silence_limit: Duration,
    events: &mpsc::Sender<StreamEvent>,
) -> (bool, String) {
    // Mastodon takes the token in the Authorization header; some servers only read
    // the query. The URL with the token is never logged.
    let with_token = format!("{url}&access_token={}", token.expose());
    let mut request = match with_token.into_client_request() {
        Ok(request) => request,
        Err(error) => return (false, format!("bad streaming address: {error}")),
    };
    if let Ok(value) = HeaderValue::from_str(&format!("Bearer {}", token.expose())) {
        request.headers_mut().insert("Authorization", value);
    }
    // GoToSocial answers 418 to a handshake without one.
    request.headers_mut().insert(
        "User-Agent",
        HeaderValue::from_static(super::client::USER_AGENT),
    );
    let (mut socket, _) = match tokio_tungstenite::connect_async(request).await {
        Ok(connected) => connected,
        Err(error) => return (false, describe_refusal(url, &error)),
    };
    debug!(url, "stream connected");
    if events
        .send(StreamEvent::Connected(url.to_string()))
        .await
        .is_err()
    {
        return (true, "the bot is stopping".to_string());
    }
    loop {
        let frame = match tokio::time::timeout(silence_limit, socket.next()).await {
            Err(_) => {
                return (
                    true,
                    format!("no frame for {silence_limit:?}: the stream is dead"),
                )
            }
            Ok(None) => return (true, "the server closed the stream".to_string()),
            Ok(Some(Err(error))) => return (true, describe(&error)),
            Ok(Some(Ok(frame))) => frame,
        };
        let text = match frame {
            Message::Text(text) => text,
            Message::Close(_) => return (true, "the server closed the stream".to_string()),
            _ => continue,
        };
        if let Some(event) = parse_frame(text.as_str()) {
            if events.send(event).await.is_err() {
                return (true, "the bot is stopping".to_string());
            }
        }
    }
}

/// Reads a `notification` or `delete` frame; other events and unreadable frames give
/// `None`.
pub fn parse_frame(text: &str) -> Option<StreamEvent> {
    let frame: StreamFrame = match serde_json::from_str(text) {
        Ok(frame) => frame,
        Err(error) => {
            warn!(%error, "skipped an unreadable stream frame");
            return None;
        }
    };
    match (frame.event.as_str(), frame.payload?) {
        // The payload is a bare status id, not JSON (some servers send a number).
        ("delete", serde_json::Value::String(id)) if !id.trim().is_empty() => {
            Some(StreamEvent::Deleted(id.trim().to_string()))
        }
        ("delete", serde_json::Value::Number(id)) => Some(StreamEvent::Deleted(id.to_string())),
        ("notification", payload) => {
            // A JSON document inside a string; some servers send it as an object.
            let payload = match payload {
                serde_json::Value::String(inner) => serde_json::from_str(&inner).ok()?,
                object => object,
            };
            match serde_json::from_value(payload) {
                Ok(notification) => Some(StreamEvent::Notification(Box::new(notification))),
                Err(error) => {
                    warn!(%error, "skipped a streamed notification that could not be read");
                    None
                }
            }
        }
        _ => None,
    }
}

/// Why a connection could not be made, in words that name the cause.
fn describe_refusal(url: &str, error: &tokio_tungstenite::tungstenite::Error) -> String {
    use tokio_tungstenite::tungstenite::Error;
    let secure = url.starts_with("wss://");
    match error {
        Error::Tls(_) => format!(
            "the TLS handshake failed ({error}); if the server speaks plain http, the stream is at ws://"
        ),
        Error::Io(io) if secure && io.kind() == std::io::ErrorKind::InvalidData => {
            "the TLS handshake failed: the server seems to speak plain http, not the https its address says".to_string()
        }
        Error::Http(response) => {
            let status = response.status();
            let why = match status.as_u16() {
                401 | 403 => "the token was not accepted for the stream",
                404 => "there is no stream at this address",
                418 => "the server wants a User-Agent",
                _ => "the server refused the stream",
            };
            format!("{why} ({status})")
        }
        other => describe(other),
    }
}

fn describe(error: &tokio_tungstenite::tungstenite::Error) -> String {
    use tokio_tungstenite::tungstenite::Error;
    match error {
        Error::Http(response) => format!("the server refused the stream ({})", response.status()),
        Error::Io(io) => format!("connection error: {} ({io})", io.kind()),
        other => other.to_string().chars().take(200).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stream_is_looked_for_where_advertised_then_at_the_instance() {
        assert_eq!(
            stream_urls(Some("wss://127.0.0.1:18765"), "http://127.0.0.1:18765/"),
            vec![
                "wss://127.0.0.1:18765/api/v1/streaming?stream=user".to_string(),
                "ws://127.0.0.1:18765/api/v1/streaming?stream=user".to_string(),
            ]
        );
        assert_eq!(
            stream_urls(Some("https://social.example"), "https://social.example"),
            vec!["wss://social.example/api/v1/streaming?stream=user".to_string()]
        );
        assert_eq!(stream_urls(None, "https://social.example").len(), 1);
    }
}
