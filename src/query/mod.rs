//! `list`, `show`, `export` and `publish` while the bot runs. sled admits one process per database,
//! so the running bot answers these questions on a Unix socket beside its database
//! (`<storage.path>.sock`, usable only by the user the bot runs as); when no bot answers
//! there, the command opens the database itself.
//!
//! The exchange is one JSON line each way: a `Query`, then `{"Ok": answer}` or
//! `{"Err": sentence}`. The answer is the text to print, or, when the question says
//! `"page": true`, a `report::Page` that the asker renders with its own clock and time
//! zone; for `publish`, the records the site is made of, which the asker renders and
//! writes. Only reads are offered: the record cannot be changed this way.
//! (Over 400 lines: both ends of the socket and its guards, kept together so the
//! protocol is read in one place.)

use crate::governance::Position;
mod advice_records;
mod site_records;

pub use advice_records::AdviceRecords;
pub use site_records::{RecordedProposal, SiteRecords};

use crate::backoff;
use crate::report::{self, ExportFormat, Page, ReportError, View};
use crate::store::{Store, StoreError};
use serde::{Deserialize, Serialize};
use std::io::ErrorKind;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};
use tracing::{debug, warn};

/// A question is a few dozen bytes; anything longer is not one of ours.
const MAX_QUERY_BYTES: u64 = 4096;
/// How long a client may take to ask, and the bot to answer.
const EXCHANGE_TIMEOUT: Duration = Duration::from_secs(30);
/// Questions answered at once; more wait their turn rather than load the bot.
const CONCURRENT_ANSWERS: usize = 2;
/// A question about the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "query", rename_all = "snake_case")]
pub enum Query {
    List,
    Show {
        number: u64,
    },
    Export {
        format: ExportFormat,
    },
    /// What the public record is made of (`coopgov publish`).
    Site,
    /// What the bot knows of the subscribed lists (`coopgov advice`).
    Advice,
}

/// What a question is answered with.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// A page to print.
    Page(Page),
    /// The records the public site is made of.
    Site(SiteRecords),
    /// What the bot knows of the subscribed lists.
    Advice(AdviceRecords),
}

impl Query {
    /// The answer, read from `store`, or a sentence saying why not.
    /// `favourites_count_as` is `[proposals] favourites_count_as`, for running counts.
    pub fn answer(
        &self,
        store: &Store,
        favourites_count_as: Option<Position>,
    ) -> Result<Answer, ReportError> {
        let page = match self {
            Query::List => report::list(store, favourites_count_as),
            Query::Show { number } => report::show(store, *number, favourites_count_as),
            Query::Export { format } => report::export(store, *format).map(Page::text),
            Query::Site => return Ok(Answer::Site(SiteRecords::read(store)?)),
            Query::Advice => return Ok(Answer::Advice(AdviceRecords::read(store)?)),
        };
        page.map(Answer::Page)
    }
}

/// Why a question about the record went unanswered; the `Display` is for the person who
/// asked.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// The running bot's refusal, a sentence, as it came over the socket.
    #[error("{0}")]
    Bot(String),
    /// The same, when the command read the database itself.
    #[error(transparent)]
    Report(#[from] ReportError),
    /// The database could not be opened.
    #[error(transparent)]
    Store(StoreError),
    #[error("there is no database at {}: the bot has not run with this bot.toml yet (or storage.path points elsewhere)", .0.display())]
    NoDatabase(PathBuf),
    #[error("the running bot answers on {}, which only the account it runs as may use; run this command as that account (for example: sudo -u coopgov coopgov …)", .0.display())]
    NotYours(PathBuf),
    #[error("could not reach the running bot on {}: {error}", socket.display())]
    Unreachable {
        socket: PathBuf,
        error: std::io::Error,
    },
    #[error("the database at {} is held by another process that does not answer on {}. If the bot is running, its log says why it could not open that socket; otherwise stop whatever holds the database and try again", store.display(), socket.display())]
    Held { store: PathBuf, socket: PathBuf },
    #[error("the running bot did not answer properly: {0}; its log may say more")]
    Garbled(std::io::Error),
    #[error("the running bot did not answer within {} s; it may be overloaded, try again", EXCHANGE_TIMEOUT.as_secs())]
    Timeout,
}

/// Why the bot could not answer on its socket (it governs all the same).
#[derive(Debug, thiserror::Error)]
pub enum SocketError {
    #[error("could not remove the old socket {}: {error}", path.display())]
    Stale {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("{} exists and is not coopgov's socket; move it away", .0.display())]
    NotOurs(PathBuf),
    #[error("could not create the socket {}: {error}", path.display())]
    Bind {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("could not make {} private: {error}", path.display())]
    Private {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("could not read {}: {error}", path.display())]
    Unreadable {
        path: PathBuf,
        error: std::io::Error,
    },
}

/// A query as it travels. `page` is absent from older clients' questions (they are
/// answered with text, as before), and bots that predate it ignore it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Question {
    #[serde(flatten)]
    query: Query,
    #[serde(default)]
    page: bool,
}

/// An answer as it travels: text from bots that predate pages, the site's records
/// (under their own key, so they are never taken for a page), or a page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
enum Reply {
    Text(String),
    Site { site: SiteRecords },
    Advice { advice: AdviceRecords },
    Page(Page),
}

impl From<Reply> for Answer {
    fn from(reply: Reply) -> Answer {
        match reply {
            Reply::Text(text) => Answer::Page(Page::text(text)),
            Reply::Site { site } => Answer::Site(site),
            Reply::Advice { advice } => Answer::Advice(advice),
            Reply::Page(page) => Answer::Page(page),
        }
    }
}

/// Where the bot whose database is at `store_path` answers: beside the database, not in
/// its folder, so that copying the folder for a backup never meets a socket.
pub fn socket_path(store_path: &Path) -> PathBuf {
    let name = store_path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| "coopgov".to_string());
    store_path.with_file_name(format!("{name}.sock"))
}

/// Asks the running bot, or reads the database at `store_path` when no bot runs (then
/// counting favourites as `favourites_count_as` says); the text to print, with times for
/// this process's clock and time zone.
pub async fn ask(
    store_path: &Path,
    query: &Query,
    favourites_count_as: Option<Position>,
) -> Result<String, QueryError> {
    match ask_within(
        store_path,
        query,
        favourites_count_as,
        backoff::busy_store_delay,
    )
    .await?
    {
        Answer::Page(page) => Ok(page.render(&View::here())),
        Answer::Site(_) | Answer::Advice(_) => Err(unexpected()),
    }
}

/// What the bot knows of the subscribed lists, from the running bot or its stopped store.
pub async fn ask_advice(store_path: &Path) -> Result<AdviceRecords, QueryError> {
    match ask_within(store_path, &Query::Advice, None, backoff::busy_store_delay).await? {
        Answer::Advice(records) => Ok(records),
        Answer::Page(_) | Answer::Site(_) => Err(unexpected()),
    }
}

/// The records the public site is made of, from the running bot or its stopped store.
pub async fn ask_site(store_path: &Path) -> Result<SiteRecords, QueryError> {
    match ask_within(store_path, &Query::Site, None, backoff::busy_store_delay).await? {
        Answer::Site(records) => Ok(records),
        Answer::Page(_) | Answer::Advice(_) => Err(unexpected()),
    }
}

fn unexpected() -> QueryError {
    QueryError::Garbled(std::io::Error::new(
        ErrorKind::InvalidData,
        "it answered another question",
    ))
}

async fn ask_within(
    store_path: &Path,
    query: &Query,
    favourites_count_as: Option<Position>,
    patience: impl Fn(u32) -> Option<Duration>,
) -> Result<Answer, QueryError> {
    let socket = socket_path(store_path);
    let mut attempt = 0;
    loop {
        match UnixStream::connect(&socket).await {
            Ok(stream) => return ask_running_bot(stream, query).await,
            Err(error) if error.kind() == ErrorKind::PermissionDenied => {
                return Err(QueryError::NotYours(socket))
            }
            Err(error)
                if matches!(
                    error.kind(),
                    ErrorKind::NotFound | ErrorKind::ConnectionRefused
                ) => {}
            Err(error) => return Err(QueryError::Unreachable { socket, error }),
        }
        match read_store(store_path, query, favourites_count_as) {
            Ok(answer) => return answer,
            Err(Busy) => match patience(attempt) {
                Some(delay) => tokio::time::sleep(delay).await,
                None => break,
            },
        }
        attempt += 1;
    }
    Err(QueryError::Held {
        store: store_path.to_path_buf(),
        socket,
    })
}

/// The database was locked by another process.
struct Busy;

fn read_store(
    store_path: &Path,
    query: &Query,
    favourites_count_as: Option<Position>,
) -> Result<Result<Answer, QueryError>, Busy> {
    if !store_path.exists() {
        return Ok(Err(QueryError::NoDatabase(store_path.to_path_buf())));
    }
    match Store::open(store_path) {
        Ok(store) => Ok(query
            .answer(&store, favourites_count_as)
            .map_err(QueryError::from)),
        Err(StoreError::InUse { .. }) => Err(Busy),
        Err(error) => Ok(Err(QueryError::Store(error))),
    }
}

async fn ask_running_bot(stream: UnixStream, query: &Query) -> Result<Answer, QueryError> {
    let exchange = async {
        let (reader, mut writer) = stream.into_split();
        let question = Question {
            query: query.clone(),
            page: true,
        };
        let mut line = serde_json::to_vec(&question)?;
        line.push(b'\n');
        writer.write_all(&line).await?;
        writer.shutdown().await?;
        let mut answer = Vec::new();
        BufReader::new(reader).read_to_end(&mut answer).await?;
        serde_json::from_slice::<Result<Reply, String>>(&answer).map_err(|error| {
            std::io::Error::new(
                ErrorKind::InvalidData,
                format!("its answer could not be read ({error})"),
            )
        })
    };
    match tokio::time::timeout(EXCHANGE_TIMEOUT, exchange).await {
        Ok(Ok(answer)) => answer.map(Answer::from).map_err(QueryError::Bot),
        Ok(Err(error)) => Err(QueryError::Garbled(error)),
        Err(_) => Err(QueryError::Timeout),
    }
}

/// The running bot's end: answers questions until dropped, then removes the socket.
pub struct Server {
    path: PathBuf,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
        let _ = std::fs::remove_file(&self.path);
    }
}

impl Server {
    /// Starts answering beside the database at `store_path`, counting favourites as
    /// `favourites_count_as` says. The caller holds the database, so a socket left there
    /// is a dead bot's and is replaced.
    pub fn start(
        store: Store,
        store_path: &Path,
        favourites_count_as: Option<Position>,
    ) -> Result<Server, SocketError> {
        let path = socket_path(store_path);
        match std::fs::symlink_metadata(&path) {
            Ok(found) if found.file_type().is_socket() => {
                std::fs::remove_file(&path).map_err(|error| SocketError::Stale {
                    path: path.clone(),
                    error,
                })?
            }
            Ok(_) => return Err(SocketError::NotOurs(path)),
            Err(_) => {}
        }
        let listener = UnixListener::bind(&path).map_err(|error| SocketError::Bind {
            path: path.clone(),
            error,
        })?;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).map_err(
            |error| SocketError::Private {
                path: path.clone(),
                error,
            },
        )?;
        // Between bind and chmod another account could connect; its uid tells it apart.
        let owner = std::fs::metadata(&path)
            .map_err(|error| SocketError::Unreadable {
                path: path.clone(),
                error,
            })?
            .uid();
        let task = tokio::spawn(accept(listener, store, favourites_count_as, owner));
        Ok(Server { path, task })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

async fn accept(
    listener: UnixListener,
    store: Store,
    favourites_count_as: Option<Position>,
    owner: u32,
) {
    let permits = Arc::new(tokio::sync::Semaphore::new(CONCURRENT_ANSWERS));
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(error) => {
                warn!(%error, "could not accept a question on the socket");
                tokio::time::sleep(crate::backoff::accept_retry_delay()).await;
                continue;
            }
        };
        if stream.peer_cred().map(|peer| peer.uid()).ok() != Some(owner) {
            warn!("refused a question from another account on the socket");
            continue;
        }
        let Ok(permit) = permits.clone().acquire_owned().await else {
            return;
        };
        let store = store.clone();
        tokio::spawn(async move {
            if let Err(error) = answer_one(stream, store, favourites_count_as).await {
                debug!(%error, "a question on the socket went unanswered");
            }
            drop(permit);
        });
    }
}

async fn answer_one(
    stream: UnixStream,
    store: Store,
    favourites_count_as: Option<Position>,
) -> std::io::Result<()> {
    let (reader, mut writer) = stream.into_split();
    let mut line = Vec::new();
    let mut limited = BufReader::new(reader).take(MAX_QUERY_BYTES);
    let read = limited.read_until(b'\n', &mut line);
    let answer = match tokio::time::timeout(EXCHANGE_TIMEOUT, read).await {
        Err(_) => return Ok(()),
        Ok(read) => match serde_json::from_slice::<Question>(&line[..read?]) {
            Ok(Question { query, page: wants_page }) => {
                debug!(?query, wants_page, "answering a question on the socket");
                tokio::task::spawn_blocking(move || query.answer(&store, favourites_count_as).map_err(|error| error.to_string()))
                    .await
                    .unwrap_or_else(|_| Err("the bot failed while answering; its log says why".to_string()))
                    .map(|answer| match answer {
                        Answer::Site(site) => Reply::Site { site },
                        Answer::Advice(advice) => Reply::Advice { advice },
                        Answer::Page(page) if wants_page => Reply::Page(page),
                        // An older client prints what it gets: render for it, with the bot's clock and zone.
                        Answer::Page(page) => Reply::Text(page.render(&View::here())),
                    })
            }
            Err(_) => Err("that question was not understood; use the same version of coopgov as the running bot".to_string()),
        },
    };
    let mut bytes = serde_json::to_vec(&answer).map_err(std::io::Error::other)?;
    bytes.push(b'\n');
    tokio::time::timeout(EXCHANGE_TIMEOUT, writer.write_all(&bytes))
        .await
        .map_err(|_| std::io::Error::new(ErrorKind::TimedOut, "the client stopped reading"))??;
    writer.shutdown().await
}

#[cfg(test)]
mod tests;
