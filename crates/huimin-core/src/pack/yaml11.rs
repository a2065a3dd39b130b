//! Places where a YAML 1.1 reader — PyYAML, many editors' YAML support — reads a file
//! otherwise than huimin (YAML 1.2) does: keys and plain values it takes for booleans (`on`,
//! `yes`, `n`…), plain clock times it takes for base-60 numbers (`18:30` is 1110), and a `?`
//! in a plain scalar inside `{…}`, which it cannot parse. huimin reads all of these as text; an
//! author's other tools may not, so `huimin check` warns, naming line and column.

/// Words YAML 1.1 reads as booleans.
const BOOLEANS: [&str; 22] = [
    "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off",
    "OFF", "true", "True", "TRUE", "false", "False", "FALSE",
];
/// The words among them YAML 1.2 reads as text.
fn text_in_1_2(w: &str) -> bool {
    BOOLEANS.contains(&w) && !w.eq_ignore_ascii_case("true") && !w.eq_ignore_ascii_case("false")
}

/// Each trap in `text`: 1-based line and column, and what a YAML 1.1 reader makes of it.
pub(crate) fn traps(text: &str) -> Vec<(u32, u32, String)> {
    let mut found = Vec::new();
    let mut block: Option<usize> = None; // inside a `|` or `>` scalar indented past this
    for (n, raw) in text.lines().enumerate() {
        let indent = raw.len() - raw.trim_start().len();
        if let Some(b) = block {
            if raw.trim().is_empty() || indent > b {
                continue;
            }
            block = None;
        }
        let line = strip_comment(raw);
        if line.trim_end().ends_with(['|', '>'])
            || line.trim_end().ends_with("|-")
            || line.trim_end().ends_with(">-")
        {
            block = Some(indent);
        }
        // Columns count characters, as the reader's positions do.
        let at = |byte: usize| {
            let col = line.get(..byte).map_or(byte, |s| s.chars().count());
            (
                u32::try_from(n + 1).unwrap_or(u32::MAX),
                u32::try_from(col + 1).unwrap_or(u32::MAX),
            )
        };
        plain_scalars(line, |col, token, is_key, in_flow| {
            if is_key && BOOLEANS.contains(&token) {
                let (l, c) = at(col);
                let truthy =
                    ["y", "yes", "on", "true"].contains(&token.to_ascii_lowercase().as_str());
                found.push((l, c, format!(
                    "the key `{token}` is the boolean {truthy} to YAML 1.1 readers (PyYAML, many editors); quote it or use another word"
                )));
            } else if !is_key && text_in_1_2(token) {
                let (l, c) = at(col);
                found.push((l, c, format!(
                    "the value `{token}` is text to huimin but a boolean to YAML 1.1 readers (PyYAML, many editors); quote it (\"{token}\")"
                )));
            } else if !is_key && clock(token) {
                let (l, c) = at(col);
                found.push((l, c, format!(
                    "the value `{token}` is text to huimin but a base-60 number to YAML 1.1 readers (PyYAML reads 18:30 as 1110); quote it (\"{token}\")"
                )));
            } else if in_flow && token.contains('?') {
                let (l, c) = at(col);
                found.push((l, c, format!(
                    "`{}` inside {{…}} has a `?`, which YAML 1.1 readers (PyYAML) cannot parse there; quote it",
                    crate::text::excerpt(token, 40)
                )));
            }
        });
    }
    found
}

/// `HH:MM` or `H:MM` — a clock time that YAML 1.1 reads as a base-60 integer.
fn clock(t: &str) -> bool {
    match t.split_once(':') {
        Some((h, m)) => {
            (1..=2).contains(&h.len())
                && m.len() == 2
                && h.bytes().all(|b| b.is_ascii_digit())
                && m.bytes().all(|b| b.is_ascii_digit())
        }
        None => false,
    }
}

/// The line without a `#` comment (a `#` after a space, outside quotes).
fn strip_comment(line: &str) -> &str {
    let mut inside_to = 0; // the byte after the quoted scalar being skipped
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        if i < inside_to {
            continue;
        }
        if c == '"' || c == '\'' {
            inside_to = quoted_end(line.as_bytes(), i);
        } else if c == '#' && prev.is_whitespace() {
            return line.get(..i).unwrap_or(line);
        }
        prev = c;
    }
    line
}

/// The byte after the quoted scalar that opens at `start` (or the line's end when it does not
/// close on this line). Inside double quotes `\"` is an escaped quote, inside single quotes
/// `''` is: neither closes it.
fn quoted_end(bytes: &[u8], start: usize) -> usize {
    let quote = bytes.get(start).copied();
    let mut j = start + 1;
    while let Some(&c) = bytes.get(j) {
        match c {
            b'\\' if quote == Some(b'"') => j += 2,
            b'\'' if quote == Some(b'\'') && bytes.get(j + 1) == Some(&b'\'') => j += 2,
            _ if Some(c) == quote => return j + 1,
            _ => j += 1,
        }
    }
    bytes.len()
}

/// Calls `each` with the plain (unquoted) scalars of a line: byte column, text, whether it is
/// a mapping key, and whether it is inside a flow collection (`{…}`, `[…]`).
fn plain_scalars<'l>(line: &'l str, mut each: impl FnMut(usize, &'l str, bool, bool)) {
    let bytes = line.as_bytes();
    let mut depth = 0_i32;
    // Just after a quoted scalar or a flow collection, where a `:` is the mapping's indicator
    // even with no space after it (`"key":value`, as JSON writes it).
    let mut after_node = false;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes.get(i).copied().unwrap_or(b' ');
        match c {
            b'"' | b'\'' => {
                i = quoted_end(bytes, i);
                after_node = true;
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth -= 1;
                after_node = true;
                i += 1;
                continue;
            }
            b':' if after_node || next_is_space(bytes, i) => {}
            b' ' | b'\t' => {
                i += 1;
                continue;
            }
            b',' => {}
            b'-' if next_is_space(bytes, i) => {}
            _ => {
                // A plain scalar runs to `: `, `,` or a closing bracket inside a flow, or to the
                // end of the line outside one.
                let start = i;
                let mut end = i;
                while end < bytes.len() {
                    let d = bytes.get(end).copied().unwrap_or(b' ');
                    if d == b':' && (end + 1 == bytes.len() || next_is_space(bytes, end)) {
                        break;
                    }
                    if depth > 0 && matches!(d, b',' | b'}' | b']') {
                        break;
                    }
                    end += 1;
                }
                let token = line.get(start..end).unwrap_or("").trim_end();
                let is_key = bytes.get(end) == Some(&b':');
                if !token.is_empty() {
                    each(start, token, is_key, depth > 0);
                }
                after_node = false;
                i = end + 1;
                continue;
            }
        }
        after_node = false;
        i += 1;
    }
}

fn next_is_space(bytes: &[u8], i: usize) -> bool {
    bytes.get(i + 1).is_none_or(|b| *b == b' ' || *b == b'\t')
}

#[cfg(test)]
mod tests {
    use super::traps;

    #[test]
    fn the_traps_are_found_where_they_are() {
        let text = "id: x\non: 2021-09-03\nsessions:\n  - { day: mon, start: 16:30, open: yes }\nname: { zh: 鲁?矿, en: \"a?b\" }\nnote: >-\n  no: this is prose\nok: \"18:30\"  # on: a comment\n";
        let found: Vec<(u32, u32)> = traps(text).iter().map(|(l, c, _)| (*l, *c)).collect();
        assert_eq!(
            found,
            vec![(2, 1), (4, 24), (4, 37), (5, 13)],
            "{:#?}",
            traps(text)
        );
    }

    #[test]
    fn an_escaped_quote_does_not_end_the_quoted_scalar() {
        // `\"` in double quotes and `''` in single quotes are quotes inside the scalar: the `?`,
        // `yes` and `#` after them are still inside it. JSON writes its quotes so.
        let text = "a: { zh: \"他说\\\"好? yes\\\"\", en: 'it''s? on' }\nb: \"x \\\" # on\"\n{\"c\": \"\\\"?\\\" off\", \"d\": [\"yes\"]}\n";
        assert_eq!(traps(text), vec![], "{text}");
        // JSON's keys: the `:` right after a quoted key is the indicator, not a plain scalar.
        let json = "{\"name\":{\"zh\":\"鲁?矿\",\"en\":\"yes\"},\"n\":1,\"l\":[\"on\"]}\n";
        assert_eq!(traps(json), vec![], "{json}");
        let adjacent = "{\"a\":on}\n";
        let found: Vec<(u32, u32)> = traps(adjacent).iter().map(|(l, c, _)| (*l, *c)).collect();
        assert_eq!(found, vec![(1, 6)], "{adjacent}");
        // The trap after such a scalar is still found.
        let after = "a: { zh: \"\\\"\", en: on }\n";
        let found: Vec<(u32, u32)> = traps(after).iter().map(|(l, c, _)| (*l, *c)).collect();
        assert_eq!(found, vec![(1, 20)], "{after}");
    }
}
