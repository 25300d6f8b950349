//! What every page shares: the document's head (charset, viewport, the one inline style,
//! a policy that forbids scripts and anything from elsewhere), the navigation and the
//! footer.

use super::Site;
use crate::governance::messages;
use maud::{html, Markup, PreEscaped, DOCTYPE};

/// The only style: fluid to a phone's width, dark when the reader's system is, plain on
/// paper. Colours meet WCAG AA contrast on both backgrounds.
const CSS: &str = r#"
:root{color-scheme:light dark;--fg:#1b1b1b;--bg:#fdfdfc;--muted:#595959;--line:#d0d0d0;--card:#f3f3f1;--link:#0b57a4;
--track:#e4e4e0;--agree:#1e7b3a;--abstain:#6a6a6a;--disagree:#a85300;--block:#b01c2e}
@media (prefers-color-scheme:dark){:root{--fg:#ececec;--bg:#151515;--muted:#b0b0b0;--line:#444;--card:#222;--link:#8cc1ff;
--track:#333;--agree:#4cb96b;--abstain:#9a9a9a;--disagree:#e08a33;--block:#ef5a6b}}
*{box-sizing:border-box}
body{margin:0 auto;max-width:48rem;padding:0 1rem 2rem;font:1rem/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;
color:var(--fg);background:var(--bg);overflow-wrap:break-word}
a{color:var(--link)}time{white-space:nowrap}
.notice{border:1px solid var(--line);background:var(--card);padding:.5rem .75rem;border-radius:.3rem}
header{border-bottom:1px solid var(--line);padding:.75rem 0;margin-bottom:1rem}
header nav{display:flex;flex-wrap:wrap;gap:.25rem 1rem;align-items:baseline}
header nav .site{font-weight:700;margin-right:auto}
h1{font-size:1.5rem;line-height:1.25;margin:.5rem 0}
h2{font-size:1.15rem;margin:1.75rem 0 .5rem;border-bottom:1px solid var(--line);padding-bottom:.2rem}
h3{font-size:1rem;margin:0 0 .25rem}
.muted,footer{color:var(--muted)}
footer{border-top:1px solid var(--line);margin-top:2rem;padding-top:.75rem;font-size:.9rem}
ul.cards{list-style:none;padding:0;margin:0}
ul.cards>li{background:var(--card);border-radius:.4rem;padding:.6rem .8rem;margin:.5rem 0}
ul.cards p{margin:.2rem 0}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.15rem .75rem;margin:.25rem 0}
dl.facts dt{color:var(--muted)}dl.facts dd{margin:0}
blockquote{margin:.5rem 0;padding:.4rem .8rem;border-left:.25rem solid var(--line);white-space:pre-wrap}
code,pre{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace;font-size:.9em}
pre{background:var(--card);padding:.5rem .75rem;border-radius:.3rem;white-space:pre-wrap;overflow-wrap:anywhere}
code.seed{overflow-wrap:anywhere}
.outcome{font-weight:700}
.passed{color:var(--agree)}.rejected,.no_quorum,.cancelled{color:var(--muted)}.blocked{color:var(--block)}
figure{margin:.5rem 0}figcaption{margin-top:.25rem}
svg.tally{display:block;width:100%;max-width:24rem;height:auto}
svg.tally text{fill:currentColor;font:14px system-ui,sans-serif}
svg.mini{vertical-align:middle;width:7.5rem;height:.7rem;margin-right:.4rem}
.agree{fill:var(--agree)}.abstain{fill:var(--abstain)}.disagree{fill:var(--disagree)}.block{fill:var(--block)}
rect.track{fill:var(--track)}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
td.domain{font-weight:700}td.severity{white-space:nowrap}td.why{color:var(--muted)}
@media (max-width:30rem){table.blocks thead{display:none}table.blocks tr{display:block;padding:.5rem 0;border-bottom:1px solid var(--line)}
table.blocks td{display:block;border:0;padding:.05rem 0}table.blocks td.domain,table.blocks td.severity{display:inline}
table.blocks td.severity::before{content:" · "}}
@media print{header nav a:not(.site),.feed{display:none}body{max-width:none;font-size:11pt;color:#000;background:#fff}
a{color:#000}main a[href^="http"]::after{content:" <" attr(href) ">";font-size:.85em;word-break:break-all}
ul.cards>li{border:1px solid #999;break-inside:avoid}}
"#;

/// Scripts, frames and anything from elsewhere are refused by the browser itself, so an
/// escaping mistake could not run: only the inline style and the site's own links.
const POLICY: &str =
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'none'";

/// A whole page: `root` leads back to the site's top (`""` or `"../"`).
pub(super) fn page(site: &Site, title: &str, root: &str, body: Markup) -> String {
    let host = site.host();
    let markup = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta http-equiv="Content-Security-Policy" content=(POLICY);
                meta name="referrer" content="no-referrer";
                title { (title) " · " (host) }
                style { (PreEscaped(CSS)) }
                link rel="alternate" type="application/atom+xml"
                    title={ "Decisions of " (host) } href={ (root) "feed.xml" };
            }
            body {
                header {
                    nav {
                        a.site href={ (root) "index.html" } { (host) }
                        a href={ (root) "blocklist.html" } { "Blocklist" }
                        a.feed href={ (root) "feed.xml" } { "Feed" }
                    }
                }
                main {
                    @if let Some(notice) = &site.input.notice { p.notice { (notice) } }
                    (body)
                }
                footer {
                    p {
                        "The public record of " a href=(site.instance) { (host) } "’s decisions, written by "
                        a href=(site.bot_profile()) { "@" (site.input.bot_acct) }
                        " at " (super::words::dated(&messages::time(site.input.generated_at))) ". Every count can be checked against the ballot’s public thread with "
                        code { "coopgov verify" } "."
                    }
                }
            }
        }
    };
    markup.into_string()
}
