//! Checks the promise of `shared::markdown::to_safe_html`: the HTML it produces holds only the
//! tags and attributes markdown itself yields, no event handlers, no script, and no link
//! address a browser would run (anything but http, https, mailto or relative).
//!
//! The checker reads tags the way a browser would: every `<` in the output must open a
//! well-formed tag (text is escaped), attribute values are double-quoted, and an address's
//! scheme is found after decoding character references and dropping what browsers drop
//! (leading and trailing spaces and C0 controls, tabs and newlines anywhere).

/// Tags markdown (with tables and strikethrough) can produce.
const TAGS: &[&str] = &[
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "em",
    "strong",
    "del",
    "s",
    "a",
    "ul",
    "ol",
    "li",
    "code",
    "pre",
    "blockquote",
    "hr",
    "br",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
];

/// Why the HTML breaks the promise.
pub fn check_safe_html(html: &str) -> Result<(), String> {
    let lower = html.to_ascii_lowercase();
    for needle in ["<script", "<iframe", "<img", "<object", "<embed", "<svg", "<style", "<link", "<meta"] {
        if lower.contains(needle) {
            return Err(format!("contains {needle}"));
        }
    }
    let bytes = html.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'<' {
            i = check_tag(html, i)?;
        } else {
            i += 1;
        }
    }
    Ok(())
}

/// Checks the tag starting at `start` (a `<`) and returns the index after its `>`.
fn check_tag(html: &str, start: usize) -> Result<usize, String> {
    let b = html.as_bytes();
    let mut i = start + 1;
    let closing = b.get(i) == Some(&b'/');
    if closing {
        i += 1;
    }
    let name_start = i;
    while i < b.len() && b[i].is_ascii_alphanumeric() {
        i += 1;
    }
    let name = &html[name_start..i];
    if name.is_empty() {
        return Err(format!("a bare '<' at byte {start}"));
    }
    if !TAGS.contains(&name) {
        return Err(format!("tag <{name}> at byte {start}"));
    }
    loop {
        while i < b.len() && b[i] == b' ' {
            i += 1;
        }
        match b.get(i) {
            Some(b'>') => return Ok(i + 1),
            Some(b'/') if b.get(i + 1) == Some(&b'>') && !closing => return Ok(i + 2),
            Some(c) if c.is_ascii_alphabetic() && !closing => {
                let attr_start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'-') {
                    i += 1;
                }
                let attr = html[attr_start..i].to_ascii_lowercase();
                if b.get(i) != Some(&b'=') || b.get(i + 1) != Some(&b'"') {
                    return Err(format!("attribute {attr} without a quoted value in <{name}> at byte {start}"));
                }
                i += 2;
                let value_start = i;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'<' || b[i] == b'>' {
                        return Err(format!("raw '<' or '>' in attribute {attr} of <{name}> at byte {start}"));
                    }
                    i += 1;
                }
                if i >= b.len() {
                    return Err(format!("unterminated attribute {attr} in <{name}> at byte {start}"));
                }
                let value = &html[value_start..i];
                i += 1;
                check_attribute(name, &attr, value).map_err(|e| format!("{e} in <{name}> at byte {start}"))?;
            }
            _ => return Err(format!("malformed tag <{name}> at byte {start}")),
        }
    }
}

fn check_attribute(tag: &str, attr: &str, value: &str) -> Result<(), String> {
    if attr.starts_with("on") {
        return Err(format!("event handler attribute {attr}"));
    }
    let decoded = decode_references(value);
    match (tag, attr) {
        ("a", "href") => match scheme(&decoded) {
            None => Ok(()),
            Some(s) if matches!(s.as_str(), "http" | "https" | "mailto") => Ok(()),
            Some(s) => Err(format!("href with scheme {s:?}: {decoded:?}")),
        },
        ("a", "title") => Ok(()),
        ("ol", "start") if !decoded.is_empty() && decoded.bytes().all(|c| c.is_ascii_digit()) => Ok(()),
        ("code", "class") if decoded.starts_with("language-") => Ok(()),
        ("th" | "td", "style") if matches!(decoded.as_str(), "text-align: left" | "text-align: center" | "text-align: right") => Ok(()),
        _ => Err(format!("attribute {attr}={value:?}")),
    }
}

/// The URL scheme a browser would see, lower-cased, if any (WHATWG URL: a letter then letters,
/// digits, `+`, `-` or `.`, up to the first `:`).
pub fn scheme(url: &str) -> Option<String> {
    let is_c0_or_space = |c: char| c <= ' ';
    let cleaned: String = url.trim_matches(is_c0_or_space).chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
    let colon = cleaned.find(':')?;
    let candidate = &cleaned[..colon];
    let mut chars = candidate.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic() && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))).then(|| candidate.to_ascii_lowercase())
}

/// Decodes the character references pulldown-cmark writes (`&amp;` `&lt;` `&gt;` `&quot;`
/// `&#39;`-style numeric ones), and any other numeric reference, as a browser would.
pub fn decode_references(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest.find(';').filter(|e| *e <= 12);
        let decoded = end.and_then(|e| {
            let body = &rest[1..e];
            let c = match body {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "colon" => Some(':'),
                "Tab" => Some('\t'),
                "NewLine" => Some('\n'),
                _ => {
                    let n = if let Some(hex) = body.strip_prefix("#x").or_else(|| body.strip_prefix("#X")) {
                        u32::from_str_radix(hex, 16).ok()
                    } else {
                        body.strip_prefix('#').and_then(|d| d.parse::<u32>().ok())
                    };
                    n.and_then(char::from_u32)
                }
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_what_markdown_produces() {
        let ok = "<h1>T</h1>\n<p><a href=\"https://e.org/a?b=1&amp;c\" title=\"t\">x</a> <a href=\"/rel:x\">r</a></p>\n<ol start=\"3\">\n<li>a</li>\n</ol>\n<hr />\n<pre><code class=\"language-rust\">&lt;script&gt;</code></pre>\n<table><thead><tr><th style=\"text-align: left\">a</th></tr></thead></table>\n";
        assert_eq!(check_safe_html(ok), Ok(()));
    }

    #[test]
    fn refuses_what_it_must() {
        for bad in [
            "<script>x</script>",
            "<p onclick=\"x\">",
            "<a href=\"javascript:alert(1)\">",
            "<a href=\" JaVa&#x0A;Script&colon;alert(1)\">",
            "<a href=\"data:text/html,x\">",
            "<div>",
            "<p>a < b</p>",
            "<a href=x>",
            "<img src=\"x\">",
        ] {
            assert!(check_safe_html(bad).is_err(), "{bad}");
        }
    }
}
