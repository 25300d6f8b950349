//! OAuth for `coopgov login`: register the app, exchange an authorisation code.

use super::error::ApiError;
use crate::secret::Secret;
use serde::Deserialize;
use std::time::Duration;

/// Out-of-band: the instance shows the code instead of redirecting.
pub const OUT_OF_BAND: &str = "urn:ietf:wg:oauth:2.0:oob";

/// The least the bot needs: read what members post, answer and favourite, read and
/// adjust its notification policy, and manage domain blocks. `coopgov login` adds to them
/// what the configuration needs beyond that.
pub const SCOPES: &str = "read:statuses read:notifications read:accounts write:statuses write:favourites write:notifications admin:read:domain_blocks admin:write:domain_blocks";

/// A registered application.
#[derive(Debug, Deserialize)]
pub struct App {
    pub client_id: String,
    pub client_secret: String,
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
}

fn client() -> Result<reqwest::Client, ApiError> {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .user_agent(super::client::USER_AGENT)
        .build()
        .map_err(|error| ApiError::Transport(error.to_string()))
}

async fn post_form<T: serde::de::DeserializeOwned>(
    url: String,
    form: &[(&str, &str)],
    what: &str,
) -> Result<T, ApiError> {
    let response = client()?
        .post(url)
        .form(form)
        .send()
        .await
        .map_err(|error| ApiError::Transport(error.to_string()))?;
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    if !status.is_success() {
        let message = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|body| {
                let field = body
                    .get("error_description")
                    .or_else(|| body.get("error"))?;
                field.as_str().map(str::to_string)
            })
            .unwrap_or_default();
        return Err(ApiError::Http {
            status: status.as_u16(),
            what: what.to_string(),
            message,
            body: Box::default(),
        });
    }
    serde_json::from_str(&text).map_err(|error| ApiError::Malformed {
        what: what.to_string(),
        detail: error.to_string(),
    })
}

/// `POST /api/v1/apps` with `scopes` (space-separated) and the out-of-band redirect.
pub async fn register(instance: &str, scopes: &str) -> Result<App, ApiError> {
    let form = [
        ("client_name", "coopgov"),
        ("redirect_uris", OUT_OF_BAND),
        ("scopes", scopes),
    ];
    post_form(
        format!("{instance}/api/v1/apps"),
        &form,
        "registering the app",
    )
    .await
}

/// The address where the bot's account authorises the app for `scopes`, those it was
/// registered with.
pub fn authorize_url(instance: &str, app: &App, scopes: &str) -> String {
    let query = [
        ("client_id", app.client_id.as_str()),
        ("redirect_uri", OUT_OF_BAND),
        ("response_type", "code"),
        ("scope", scopes),
    ];
    let address = format!("{}/oauth/authorize", instance.trim_end_matches('/'));
    match url::Url::parse_with_params(&address, query) {
        Ok(url) => url.to_string(),
        // The instance's address was checked before coopgov login asked anything.
        Err(_) => address,
    }
}

/// `POST /oauth/token` with the code the instance showed, for the `scopes` authorised.
pub async fn exchange(
    instance: &str,
    app: &App,
    code: &str,
    scopes: &str,
) -> Result<Secret, ApiError> {
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("client_id", app.client_id.as_str()),
        ("client_secret", app.client_secret.as_str()),
        ("redirect_uri", OUT_OF_BAND),
        ("scope", scopes),
    ];
    let answer: TokenAnswer = post_form(
        format!("{instance}/oauth/token"),
        &form,
        "exchanging the code",
    )
    .await?;
    Ok(Secret::new(answer.access_token))
}
