//! The page frame: a plain look after Seller Central's (dark header, orange
//! buttons), English only.

use super::SignedIn;
use maud::{DOCTYPE, Markup, PreEscaped, html};

const STYLE: &str = "
body{font-family:Arial,Helvetica,sans-serif;margin:0;color:#111;background:#f3f3f3}
header{background:#232f3e;color:#fff;padding:10px 20px;display:flex;justify-content:space-between;align-items:center}
header a{color:#fff;text-decoration:none;font-weight:bold}
main{background:#fff;max-width:960px;margin:20px auto;padding:20px 30px;border:1px solid #ddd}
table{border-collapse:collapse;margin:10px 0}th,td{border:1px solid #ddd;padding:6px 10px;text-align:left}
label{display:block;margin-top:10px;font-weight:bold}input,select{padding:5px;min-width:260px}
button,.button{background:#f0c14b;border:1px solid #a88734;border-radius:3px;padding:6px 14px;color:#111;cursor:pointer;text-decoration:none;display:inline-block;margin-top:12px}
.alert{border:1px solid #c40000;background:#fff5f5;padding:10px;margin:10px 0}
.success{border:1px solid #067d62;background:#f3fffb;padding:10px;margin:10px 0}
.warning{border:1px solid #8c6e00;background:#fffbea;padding:10px;margin:10px 0}
form.inline{display:inline}
";

pub fn page(title: &str, signed_in: Option<&SignedIn>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                title { (title) " - Seller Central" }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    a href="/" { "seller central" span { " sandbox" } }
                    @if let Some(signed_in) = signed_in {
                        span {
                            (signed_in.user.email) " "
                            form.inline method="post" action="/signout" { button type="submit" { "Sign out" } }
                        }
                    }
                }
                main { (body) }
            }
        }
    }
}

/// Formats sandbox milliseconds as `YYYY-MM-DD HH:MM UTC`.
pub fn utc(ms: i64) -> String {
    let at = ferry_platform::db::from_unix_ms(ms);
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    at.format(&format).unwrap_or_else(|_| at.to_string())
}

/// A local path with a query string, built with proper encoding.
pub fn path_with_query(path: &str, params: &[(&str, &str)]) -> String {
    let mut url = reqwest::Url::parse("http://sandbox.invalid/").expect("a constant URL");
    url.set_path(path);
    url.query_pairs_mut().extend_pairs(params);
    match url.query() {
        Some(query) if !query.is_empty() => format!("{}?{query}", url.path()),
        _ => url.path().to_string(),
    }
}
