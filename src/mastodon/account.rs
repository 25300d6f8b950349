//! The token's own account and what it may do (role, scopes, notification policy), and
//! other local accounts looked up by name.

use super::client::Client;
use super::error::ApiError;
use super::server::Software;
use super::types::Account;
use reqwest::Method;
use serde_json::{json, Value};
use tracing::debug;

/// The scopes a token needs, beyond the bot's usual ones, to read members' reports and
/// resolve them (`[reports] watch = true`).
pub const REPORT_SCOPES: [&str; 2] = ["admin:read:reports", "admin:write:reports"];

/// The bot's own account.
#[derive(Debug, Clone)]
pub struct BotAccount {
    pub id: String,
    pub acct: String,
    pub bot: bool,
}

/// The token's own account and its role (Mastodon's `CredentialAccount`).
#[derive(Debug, Clone)]
pub struct Credentials {
    pub account: Account,
    /// `None` when the server sends no role (before Mastodon 4.0, other platforms).
    pub role: Option<Role>,
}

/// A Mastodon role: its name and, when readable, its permission bits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    /// Empty for the everyone role of a plain account.
    pub name: String,
    pub permissions: Option<u64>,
}

impl Role {
    /// Administrator: every permission, whatever the other bits say.
    const ADMINISTRATOR: u64 = 0x1;
    /// Manage Reports: what the admin reports API asks for.
    const MANAGE_REPORTS: u64 = 0x10;
    /// Manage Federation: what the admin domain-block API asks for.
    const MANAGE_FEDERATION: u64 = 0x20;

    /// Reads `role`; `permissions` is a decimal string on Mastodon, a number elsewhere.
    fn from_wire(role: &Value) -> Option<Role> {
        let role = role.as_object()?;
        let permissions = match role.get("permissions") {
            Some(Value::String(text)) => text.trim().parse().ok(),
            Some(Value::Number(number)) => number.as_u64(),
            _ => None,
        };
        Some(Role {
            name: role
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            permissions,
        })
    }

    /// Whether the role may block domains; `None` when its permissions are unreadable.
    pub fn manages_federation(&self) -> Option<bool> {
        self.allows(Role::MANAGE_FEDERATION)
    }

    /// Whether the role may read and resolve reports; `None` when its permissions are
    /// unreadable.
    pub fn manages_reports(&self) -> Option<bool> {
        self.allows(Role::MANAGE_REPORTS)
    }

    fn allows(&self, permission: u64) -> Option<bool> {
        let bits = self.permissions?;
        Some(bits & (Role::ADMINISTRATOR | permission) != 0)
    }
}

impl Client {
    /// The account the token belongs to.
    pub async fn verify_credentials(&self) -> Result<Account, ApiError> {
        let request = self.request(Method::GET, "/api/v1/accounts/verify_credentials");
        self.typed("checking the access token", request).await
    }

    /// The account the token belongs to, with its role where the server sends one.
    pub async fn credentials(&self) -> Result<Credentials, ApiError> {
        let what = "checking the access token";
        let request = self.request(Method::GET, "/api/v1/accounts/verify_credentials");
        let (value, _) = self.json(what, request).await?;
        let role = value.get("role").and_then(Role::from_wire);
        let account = serde_json::from_value(value).map_err(|error| ApiError::Malformed {
            what: what.to_string(),
            detail: error.to_string(),
        })?;
        Ok(Credentials { account, role })
    }

    /// The account's notification policy (Mastodon 4.3+); `None` where there is none.
    pub async fn notification_policy(&self) -> Result<Option<Value>, ApiError> {
        let request = self.request(Method::GET, "/api/v2/notifications/policy");
        match self.json("reading the notification policy", request).await {
            Ok((policy, _)) => Ok(Some(policy)),
            Err(ApiError::Http { status: 404, .. }) => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Sets the given notification-policy fields to `accept`.
    pub async fn accept_notifications(&self, fields: &[&str]) -> Result<(), ApiError> {
        let body: serde_json::Map<String, Value> = fields
            .iter()
            .map(|field| (field.to_string(), json!("accept")))
            .collect();
        let request = self
            .request(Method::PATCH, "/api/v2/notifications/policy")
            .json(&body);
        self.json("changing the notification policy", request)
            .await
            .map(|_| ())
    }

    /// The scopes of the token's application, where the server says (Mastodon 4.3+).
    pub async fn token_scopes(&self) -> Result<Option<Vec<String>>, ApiError> {
        let request = self.request(Method::GET, "/api/v1/apps/verify_credentials");
        let (app, _) = self
            .json("reading the token's application", request)
            .await?;
        Ok(app
            .get("scopes")
            .and_then(|scopes| scopes.as_array())
            .map(|scopes| {
                scopes
                    .iter()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect()
            }))
    }

    /// Reads one unresolved report: proves the token and the account's role may read
    /// members' reports. (Resolving cannot be tried without resolving a real report.)
    pub async fn can_list_reports(&self) -> Result<(), ApiError> {
        let request = self
            .request(Method::GET, "/api/v1/admin/reports")
            .query(&[("limit", "1")]);
        self.json("listing reports", request).await.map(|_| ())
    }

    /// A local account by its acct; `None` when the instance has no such account.
    pub async fn lookup_account(&self, acct: &str) -> Result<Option<Account>, ApiError> {
        let request = self
            .request(Method::GET, "/api/v1/accounts/lookup")
            .query(&[("acct", acct)]);
        match self.typed("looking up an account", request).await {
            Ok(account) => Ok(Some(account)),
            Err(ApiError::Http { status: 404, .. }) => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Who the token belongs to: asked through megalodon first, and through the lenient
    /// client when megalodon fails (its strict types reject some servers' accounts; the
    /// lenient client also says exactly what went wrong, and its error is the one returned).
    pub async fn whoami(&self, software: &Software) -> Result<BotAccount, ApiError> {
        match self.whoami_megalodon(software).await {
            Ok(account) => return Ok(account),
            Err(error) => debug!(%error, "megalodon could not verify the token; asking directly"),
        }
        self.me().await
    }

    /// Who the token belongs to, asked through the lenient client only.
    pub async fn me(&self) -> Result<BotAccount, ApiError> {
        let account = self.verify_credentials().await?;
        Ok(BotAccount {
            id: account.id,
            acct: account.acct,
            bot: account.bot,
        })
    }

    async fn whoami_megalodon(
        &self,
        software: &Software,
    ) -> Result<BotAccount, megalodon::error::Error> {
        let client = megalodon::generator(
            software.sns(),
            self.base_url().to_string(),
            Some(self.token().expose().to_string()),
            Some(super::client::USER_AGENT.to_string()),
        )?;
        let account = client.verify_account_credentials().await?.json;
        Ok(BotAccount {
            id: account.id,
            acct: account.acct,
            bot: account.bot,
        })
    }

    /// The local account called `name`, or `None` when the instance has none. A name
    /// with a host (`bob@other.example`) is never a local account, so it costs no request.
    pub async fn local_account(&self, name: &str) -> Result<Option<Account>, ApiError> {
        if name.contains('@') {
            return Ok(None);
        }
        let account = self.lookup_account(name).await?;
        Ok(account.filter(|account| !account.acct.contains('@')))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_role_manages_federation_by_its_own_bit_or_as_administrator() {
        // Bodies as recorded (fixtures/mastodon/account/verify_credentials_*.json) and as
        // mastodon_mock 0.6.1 sends them.
        let cases = [
            (
                json!({"name": "Owner", "permissions": "8388607"}),
                Some(true),
            ),
            (json!({"name": "", "permissions": "65536"}), Some(false)),
            (
                json!({"name": "Admin", "permissions": "1048575"}),
                Some(true),
            ),
            (json!({"name": "", "permissions": "0"}), Some(false)),
            (
                json!({"name": "Moderator", "permissions": "65536"}),
                Some(false),
            ),
            (
                json!({"name": "Federation", "permissions": "32"}),
                Some(true),
            ),
            (
                json!({"name": "Administrator only", "permissions": 1}),
                Some(true),
            ),
            (json!({"name": "Odd", "permissions": "lots"}), None),
            (json!({"name": "Silent"}), None),
        ];
        for (role, expected) in cases {
            let read = Role::from_wire(&role).expect("a role");
            assert_eq!(read.manages_federation(), expected, "{role}");
        }
        assert_eq!(Role::from_wire(&Value::Null), None);
    }

    #[test]
    fn a_role_manages_reports_by_its_own_bit_or_as_administrator() {
        let cases = [
            (
                json!({"name": "Owner", "permissions": "8388607"}),
                Some(true),
            ),
            (
                json!({"name": "Moderator", "permissions": "1308"}),
                Some(true),
            ),
            (json!({"name": "Reports", "permissions": 16}), Some(true)),
            (
                json!({"name": "Administrator only", "permissions": "1"}),
                Some(true),
            ),
            (
                json!({"name": "Federation", "permissions": "32"}),
                Some(false),
            ),
            (json!({"name": "", "permissions": "65536"}), Some(false)),
            (json!({"name": "Silent"}), None),
        ];
        for (role, expected) in cases {
            let read = Role::from_wire(&role).expect("a role");
            assert_eq!(read.manages_reports(), expected, "{role}");
        }
    }

    /// Answers one request with `status` and `body`, and hands back its head.
    async fn answer_once(
        status: &'static str,
        body: &'static str,
    ) -> (String, tokio::task::JoinHandle<String>) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port");
        let address = format!("http://{}", listener.local_addr().expect("an address"));
        let server = tokio::spawn(async move {
            let (mut stream, _) = listener.accept().await.expect("a request");
            let mut head = Vec::new();
            let mut buffer = [0; 1024];
            while !head.windows(4).any(|window| window == b"\r\n\r\n") {
                let read = stream.read(&mut buffer).await.expect("the request");
                if read == 0 {
                    break;
                }
                head.extend_from_slice(&buffer[..read]);
            }
            let answer = format!(
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            stream.write_all(answer.as_bytes()).await.expect("answer");
            String::from_utf8_lossy(&head).into_owned()
        });
        (address, server)
    }

    #[tokio::test]
    async fn listing_reports_asks_for_one_unresolved_report_and_tells_a_refusal() {
        let token = crate::secret::Secret::new("t0ken".into());
        let timeout = std::time::Duration::from_secs(5);
        let (address, server) = answer_once("200 OK", "[]").await;
        let client = Client::on_loopback(&address, token.clone(), timeout).expect("a client");
        client.can_list_reports().await.expect("listed");
        let head = server.await.expect("the server").to_lowercase();
        assert!(
            head.starts_with("get /api/v1/admin/reports?limit=1 http/1.1\r\n"),
            "{head}"
        );
        assert!(head.contains("authorization: bearer t0ken"), "{head}");

        let refusal = r#"{"error":"This action is not allowed"}"#;
        let (address, server) = answer_once("403 Forbidden", refusal).await;
        let client = Client::on_loopback(&address, token, timeout).expect("a client");
        let error = client.can_list_reports().await.expect_err("refused");
        assert!(
            matches!(&error, ApiError::Http { status: 403, .. }),
            "{error:?}"
        );
        assert_eq!(
            error.to_string(),
            "the instance answered 403 while listing reports: This action is not allowed"
        );
        server.await.expect("the server");
    }
}
