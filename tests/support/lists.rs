//! A loopback web server holding other instances' lists, as a subscription reads them:
//! documents by path (query included), each with an ETag, answering 304 to a matching
//! `If-None-Match`; a document can be changed, removed, or made to stall, while the bot
//! runs. It counts the requests each path received.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::AbortHandle;

#[derive(Clone)]
struct Document {
    content_type: String,
    body: String,
    version: u64,
}

#[derive(Default)]
struct State {
    documents: BTreeMap<String, Document>,
    requests: BTreeMap<String, u32>,
    version: u64,
}

pub struct ListServer {
    port: u16,
    state: Arc<Mutex<State>>,
    server: AbortHandle,
}

impl Drop for ListServer {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl ListServer {
    pub async fn start() -> ListServer {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let port = listener.local_addr().expect("its address").port();
        let state: Arc<Mutex<State>> = Arc::default();
        let shared = state.clone();
        let server = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let state = shared.clone();
                tokio::spawn(async move {
                    let _ = serve(client, state).await;
                });
            }
        });
        ListServer {
            port,
            state,
            server: server.abort_handle(),
        }
    }

    /// `http://127.0.0.1:<port>`, with no trailing slash.
    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The address of `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base())
    }

    /// Serves `body` at `path` (a new version, with a new ETag).
    pub fn put(&self, path: &str, content_type: &str, body: &str) {
        let mut state = self.state.lock().unwrap();
        state.version += 1;
        let version = state.version;
        state.documents.insert(
            path.to_string(),
            Document {
                content_type: content_type.to_string(),
                body: body.to_string(),
                version,
            },
        );
    }

    /// `path` answers 404 from now on.
    pub fn remove(&self, path: &str) {
        self.state.lock().unwrap().documents.remove(path);
    }

    /// How many requests `path` received.
    pub fn requests(&self, path: &str) -> u32 {
        self.state
            .lock()
            .unwrap()
            .requests
            .get(path)
            .copied()
            .unwrap_or(0)
    }
}

async fn serve(mut client: TcpStream, state: Arc<Mutex<State>>) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut buffer = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let read = client.read(&mut buffer).await?;
        if read == 0 {
            return Ok(());
        }
        head.extend_from_slice(&buffer[..read]);
    }
    let head = String::from_utf8_lossy(&head).to_string();
    let path = head
        .lines()
        .next()
        .and_then(|line| line.split_whitespace().nth(1))
        .unwrap_or("/")
        .to_string();
    let if_none_match = head.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.eq_ignore_ascii_case("if-none-match")
            .then(|| value.trim().to_string())
    });
    let document = {
        let mut state = state.lock().unwrap();
        *state.requests.entry(path.clone()).or_default() += 1;
        state.documents.get(&path).cloned()
    };
    let response = match document {
        None => {
            "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".to_string()
        }
        Some(document) => {
            let etag = format!("\"v{}\"", document.version);
            if if_none_match.as_deref() == Some(etag.as_str()) {
                format!("HTTP/1.1 304 Not Modified\r\netag: {etag}\r\nconnection: close\r\n\r\n")
            } else {
                format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: {}\r\netag: {etag}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{}",
                    document.content_type,
                    document.body.len(),
                    document.body
                )
            }
        }
    };
    client.write_all(response.as_bytes()).await?;
    client.shutdown().await?;
    tokio::time::sleep(Duration::from_millis(1)).await;
    Ok(())
}
