//! What start-up says when the token or the working group will not do.

use super::*;
use crate::runtime::setup::is_transient;
use std::path::Path;

#[test]
fn a_refused_token_is_one_sentence_naming_where_it_was_read() {
    let text = "[instance]\nurl = \"https://social.example\"\ntoken_env = \"BOT_TOKEN\"\n";
    let config = Config::parse(text, Path::new("bot.toml")).expect("a valid config");
    let http = |status| ApiError::Http {
        status,
        what: "checking the access token".into(),
        message: "The access token is invalid".into(),
        body: Box::default(),
    };
    let unreachable = || ApiError::Transport("could not connect".into());
    let cases = [
        (http(401), "the instance refused the access token in the environment variable BOT_TOKEN (it answered 401: \"The access token is invalid\"); it is mistyped", false),
        (http(403), "the access token in the environment variable BOT_TOKEN may not read its own account (it answered 403", false),
        (unreachable(), "could not verify the access token: could not reach the instance", true),
    ];
    for (error, wanted, transient) in cases {
        let error = refused_token(&config, error);
        let shown = format!("{error:#}");
        assert!(shown.starts_with(wanted), "{shown}");
        assert!(!shown.contains("while checking"), "said twice: {shown}");
        assert_eq!(is_transient(&error), transient, "{shown}");
    }
}

#[test]
fn a_working_group_of_only_unknown_names_is_refused_and_some_are_left_out() {
    let text = "[instance]\nurl = \"https://social.example\"\n";
    let config = Config::parse(text, Path::new("bot.toml")).expect("a valid config");
    let lookup = |found: &[&str], unknown: &[&str]| Lookup {
        found: found
            .iter()
            .map(|acct| (format!("id-{acct}"), acct.to_string()))
            .collect(),
        unknown: unknown.iter().map(|name| name.to_string()).collect(),
    };
    let kept = |found, unknown| {
        usable_working_group(&config, lookup(found, unknown))
            .map(|members| members.into_values().collect::<Vec<_>>())
            .map_err(|error| error.to_string())
    };
    assert_eq!(kept(&[], &[]), Ok(vec![]), "working_group = [] is allowed");
    assert_eq!(kept(&["alice"], &[]), Ok(vec!["alice".to_string()]));
    assert_eq!(kept(&["alice"], &["bobb"]), Ok(vec!["alice".to_string()]));
    let refusal = kept(&[], &["bobb", "alicia"]).expect_err("nobody could steer");
    assert!(
        refusal.starts_with("none of the names in membership.working_group (bobb, alicia) is a local account of https://social.example"),
        "{refusal}"
    );
}
