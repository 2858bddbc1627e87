//! Markdown to HTML for documents people write (the ISA, case summaries), with no way through
//! for raw HTML or script links.

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag};
use serde::{Deserialize, Serialize};

/// HTML that [`to_safe_html`] made from markdown: the only HTML a page sets as markup. Nothing
/// else in the server builds one; it is deserialised only on the client, from the server's answer
/// (no input a server function accepts holds one).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SafeHtml(String);

impl SafeHtml {
    /// The markup.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The markup, to hand to a page's `inner_html`.
    pub fn into_string(self) -> String {
        self.0
    }
}

/// Renders markdown to HTML. Raw HTML in the source is shown as text, and links or images whose
/// address is not `http`, `https`, `mailto` or relative are reduced to their text.
pub fn to_safe_html(source: &str) -> SafeHtml {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut skip_link_end = Vec::new();
    let events = Parser::new_ext(source, options).filter_map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
        Event::Start(Tag::Link { dest_url, link_type, title, id }) => {
            let safe = is_safe_url(&dest_url);
            skip_link_end.push(!safe);
            safe.then_some(Event::Start(Tag::Link { dest_url, link_type, title, id }))
        }
        Event::End(pulldown_cmark::TagEnd::Link) => {
            if skip_link_end.pop().unwrap_or(false) {
                None
            } else {
                Some(event)
            }
        }
        Event::Start(Tag::Image { .. }) => {
            skip_link_end.push(true);
            None
        }
        Event::End(pulldown_cmark::TagEnd::Image) => {
            skip_link_end.pop();
            None
        }
        other => Some(other),
    });
    let mut out = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut out, events);
    SafeHtml(out)
}

fn is_safe_url(url: &CowStr<'_>) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    match lower.find(':') {
        None => true,
        Some(colon) => {
            let scheme = &lower[..colon];
            // A colon after a slash, query or fragment is part of a relative path, not a scheme.
            if scheme.contains(['/', '?', '#']) {
                return true;
            }
            matches!(scheme, "http" | "https" | "mailto")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::to_safe_html;

    fn html(source: &str) -> String {
        to_safe_html(source).into_string()
    }

    #[test]
    fn renders_ordinary_markdown() {
        let html = html("# Purpose\n\nShare *only* what is **needed**.\n\n- one\n- two");
        assert!(html.contains("<h1>Purpose</h1>"), "{html}");
        assert!(html.contains("<em>only</em>") && html.contains("<strong>needed</strong>"), "{html}");
        assert!(html.contains("<li>one</li>"), "{html}");
    }

    #[test]
    fn raw_html_is_escaped() {
        let html = html("Hello <script>alert(1)</script>\n\n<div onclick=x>block</div>");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<div"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn script_links_and_images_lose_their_address() {
        let html = html("[click](javascript:alert(1)) [ok](https://example.org/a) [rel](/help) ![x](https://t.example/p.png)");
        assert!(!html.to_lowercase().contains("javascript"), "{html}");
        assert!(html.contains("click"), "{html}");
        assert!(html.contains(r#"<a href="https://example.org/a">ok</a>"#), "{html}");
        assert!(html.contains(r#"<a href="/help">rel</a>"#), "{html}");
        assert!(!html.contains("<img"), "{html}");
    }

    #[test]
    fn data_and_vbscript_schemes_are_refused_whatever_their_case() {
        let html = html("[a](DATA:text/html;base64,xx) [b]( VbScript:x )");
        assert!(!html.contains("href"), "{html}");
    }
}
