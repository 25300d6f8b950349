//! `[[subscriptions]]` and `[advice]` (SPEC §15): the shipped example, and every refusal
//! naming its line and what to write.

use crate::config::Config;
use std::path::Path;

#[test]
fn uncommenting_subscriptions_in_the_shipped_bot_toml_reads_one_list_with_the_defaults() {
    use crate::governance::advice::{Format, Propose};
    let (text, path) = super::shipped();
    let shipped = Config::parse(&text, path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(shipped.advice, None, "subscriptions are an example");
    let edited = super::uncomment(&text, "[[subscriptions]]");
    let config = Config::parse(&edited, path).unwrap_or_else(|e| panic!("{e}\n{edited}"));
    let advice = config.advice.expect("a subscription");
    let list = &advice.subscriptions[0];
    assert_eq!(
        (
            list.name.as_str(),
            list.format,
            list.propose,
            list.every.as_secs()
        ),
        ("neighbours", Format::Auto, Propose::Each, 6 * 3600)
    );
    assert_eq!(
        (advice.min_sources, advice.max_open, advice.max_removals),
        (1, 3, 5)
    );
    assert_eq!(advice.exclude, ["friends.example"]);
}

#[test]
fn a_subscription_is_refused_with_its_line_and_what_to_write() {
    let base = "[instance]\nurl = \"https://social.example\"\n";
    let cases = [
        (
            "[[subscriptions]]\nname = \"n\"\nurl = \"http://coop.example/list.csv\"\n",
            "lists are read over https only",
        ),
        (
            "[[subscriptions]]\nname = \"n\"\nurl = \"https://coop.example/l\"\nevery = \"5m\"\n",
            "shorter than 15 minutes",
        ),
        (
            "[[subscriptions]]\nname = \"n\"\nurl = \"https://coop.example/l\"\nformat = \"xml\"\n",
            "is not a list format coopgov reads",
        ),
        (
            "[[subscriptions]]\nname = \"n\"\nurl = \"https://a.example/l\"\n[[subscriptions]]\nname = \"n\"\nurl = \"https://b.example/l\"\n",
            "two [[subscriptions]] are named \"n\"",
        ),
        (
            "[[subscriptions]]\nname = \"n\"\nurl = \"https://a.example/l\"\n[advice]\nmin_sources = 2\n",
            "only 1 [[subscriptions]]",
        ),
        (
            "[[subscriptions]]\nname = \"n\"\nurl = \"https://a.example/l\"\n[advice]\nexclude = [\"*.x.example\"]\n",
            "Wildcards are not allowed",
        ),
        ("[advice]\nmax_open = 2\n", "no [[subscriptions]] table"),
    ];
    for (table, expected) in cases {
        let text = format!("{base}{table}");
        let error = Config::parse(&text, Path::new("bot.toml"))
            .expect_err(table)
            .to_string();
        assert!(error.contains(expected), "{table}: {error}");
        assert!(error.contains("bot.toml:"), "names the line: {error}");
    }
    let loopback =
        format!("{base}[[subscriptions]]\nname = \"n\"\nurl = \"http://127.0.0.1:8080/l\"\n");
    assert!(Config::parse(&loopback, Path::new("bot.toml")).is_ok());
}
