//! The line layer of docutils' state machine (`docutils.statemachine`): input splitting and the
//! indented / text block extraction every block construct is built on.

/// `string2lines` as the reST parser calls it: `\v`/`\f` become spaces, lines split the way
/// Python's `str.splitlines` splits them, tabs expanded to 8 columns, trailing space stripped.
pub fn string2lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let (line, next) = match rest.char_indices().find(|&(_, c)| is_line_break(c)) {
            Some((i, '\r')) if rest[i + 1..].starts_with('\n') => (&rest[..i], &rest[i + 2..]),
            Some((i, c)) => (&rest[..i], &rest[i + c.len_utf8()..]),
            None => (rest, ""),
        };
        out.push(expand(line));
        rest = next;
    }
    out
}

fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\x1c' | '\x1d' | '\x1e' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn expand(line: &str) -> String {
    let mut s = String::with_capacity(line.len());
    let mut col = 0;
    for c in line.chars() {
        match c {
            '\t' => {
                let n = 8 - col % 8;
                s.extend(std::iter::repeat_n(' ', n));
                col += n;
            }
            '\x0b' | '\x0c' => {
                s.push(' ');
                col += 1;
            }
            _ => {
                s.push(c);
                col += 1;
            }
        }
    }
    let end = s.trim_end_matches(py_space).len();
    s.truncate(end);
    s
}

/// Python's `str.isspace` (what `strip()` removes).
pub fn py_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\x1c'..='\x1f')
}

/// Python's `str.strip()` emptiness test.
pub fn is_blank(line: &str) -> bool {
    line.chars().all(py_space)
}

/// Leading whitespace, in characters.
pub fn indent_of(line: &str) -> usize {
    line.chars().take_while(|&c| py_space(c)).count()
}

/// `line[n:]` in characters.
pub fn skip_chars(line: &str, n: usize) -> &str {
    match line.char_indices().nth(n) {
        Some((i, _)) => &line[i..],
        None => "",
    }
}

/// `line[a:b]` in characters (Python slice semantics, clamped).
pub fn char_range(line: &str, a: usize, b: usize) -> &str {
    let start = line.char_indices().nth(a).map_or(line.len(), |(i, _)| i);
    let end = line.char_indices().nth(b).map_or(line.len(), |(i, _)| i);
    if start >= end {
        ""
    } else {
        &line[start..end]
    }
}

/// `StringList.get_indented`: the indented block starting at `start`, its common indent and
/// whether it ended on a blank line ("blank finish").
pub fn get_indented(
    data: &[String],
    start: usize,
    until_blank: bool,
    strip_indent: bool,
    block_indent: Option<usize>,
    first_indent: Option<usize>,
) -> (Vec<String>, usize, bool) {
    let mut indent = block_indent;
    let mut end = start;
    let first_indent =
        if block_indent.is_some() && first_indent.is_none() { block_indent } else { first_indent };
    if first_indent.is_some() {
        end += 1;
    }
    let mut blank_finish = true;
    while end < data.len() {
        let line = &data[end];
        if !line.is_empty()
            && (!line.starts_with(' ') || block_indent.is_some_and(|b| !is_blank(char_range(line, 0, b))))
        {
            blank_finish = end > start && is_blank(&data[end - 1]);
            break;
        }
        if is_blank(line) {
            if until_blank {
                blank_finish = true;
                break;
            }
        } else if block_indent.is_none() {
            let li = indent_of(line);
            indent = Some(indent.map_or(li, |i| i.min(li)));
        }
        end += 1;
    }
    let end = end.min(data.len());
    let mut block: Vec<String> = data[start.min(end)..end].to_vec();
    if let (Some(fi), Some(first)) = (first_indent, block.first_mut()) {
        *first = skip_chars(first, fi).to_string();
    }
    let indent = indent.unwrap_or(0);
    if indent > 0 && strip_indent {
        let from = usize::from(first_indent.is_some());
        for line in block.iter_mut().skip(from) {
            *line = skip_chars(line, indent).to_string();
        }
    }
    (block, indent, blank_finish)
}

/// `StringList.get_text_block`: lines up to the next blank one; with `flush_left`, an indented
/// line ends it with `Err(len)` (docutils' UnexpectedIndentationError).
pub fn get_text_block(data: &[String], start: usize, flush_left: bool) -> Result<usize, usize> {
    let mut end = start;
    while end < data.len() {
        let line = &data[end];
        if is_blank(line) {
            break;
        }
        if flush_left && line.starts_with(' ') {
            return Err(end - start);
        }
        end += 1;
    }
    Ok(end - start)
}

/// `docutils.utils.column_width`: East Asian wide and full-width characters count 2, combining
/// characters 0.
pub fn column_width(text: &str) -> usize {
    use unicode_width::UnicodeWidthChar;
    text.chars()
        .map(|c| match c.width() {
            Some(0) if !is_combining(c) => 1,
            Some(w) => w,
            None => 1,
        })
        .sum()
}

fn is_combining(c: char) -> bool {
    matches!(c as u32, 0x300..=0x36f | 0x1ab0..=0x1aff | 0x1dc0..=0x1dff | 0x20d0..=0x20ff | 0xfe20..=0xfe2f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitting_like_python() {
        assert_eq!(string2lines("a\tb  \r\nc\rd\x0ce\u{2028}"), ["a       b", "c", "d e"]);
        assert_eq!(string2lines("x\n\n"), ["x", ""]);
    }

    #[test]
    fn indented_blocks() {
        let data: Vec<String> = ["  a", "   b", "", "c"].iter().map(|s| s.to_string()).collect();
        let (block, indent, blank) = get_indented(&data, 0, false, true, None, None);
        assert_eq!((block, indent, blank), (vec!["a".into(), " b".into(), "".into()], 2, true));
        assert_eq!(get_text_block(&data, 0, true), Err(0));
        assert_eq!(column_width("日本"), 4);
    }
}
