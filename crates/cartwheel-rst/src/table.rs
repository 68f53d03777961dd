//! Grid and simple tables (`Body.isolate_*_table`, `docutils.parsers.rst.tableparser`): the
//! "Malformed table." errors with docutils' details and lines, and each cell parsed as a nested
//! document so what is inside is checked too.

use unicode_width::UnicodeWidthChar;

use super::body::{Machine, PATS};
use super::doc::Doc;
use super::lines::{indent_of, is_blank};

const PAD: char = '\0';

/// `StringList.pad_double_width`: a wide character takes two columns.
fn pad(line: &str) -> Vec<char> {
    let mut out = Vec::with_capacity(line.len());
    for c in line.chars() {
        out.push(c);
        if c.width() == Some(2) {
            out.push(PAD);
        }
    }
    out
}

fn is_combining(c: char) -> bool {
    c != PAD && c.width() == Some(0) && !c.is_control()
}

/// The characters of a row with combining characters removed (`strip_combining_chars`).
fn stripped(line: &[char]) -> Vec<char> {
    line.iter().copied().filter(|&c| !is_combining(c)).collect()
}

fn trim(line: &[char]) -> Vec<char> {
    let s: String = line.iter().collect();
    s.trim_matches(super::lines::py_space).chars().collect()
}

/// One table cell: its first line (0-based, absolute) and its text.
struct Cell {
    abs0: usize,
    lines: Vec<String>,
}

impl Machine {
    fn malformed(&self, doc: &mut Doc, block_len: usize, detail: &str, offset: usize) {
        let message = if detail.is_empty() {
            "Malformed table.".to_string()
        } else {
            format!("Malformed table.\n{detail}")
        };
        let start = self.abs_line_number() as isize + 1 - block_len as isize + offset as isize;
        // docutils may have backed up past the table's start (a bottom border found early): its
        // line lookup then indexes the input from the end, as Python does with a negative index.
        let index = start - self.input_offset as isize - 1;
        if index >= 0 {
            doc.report(3, message, Some(start as usize));
        } else if index + (self.len() as isize) >= 0 {
            let line = self.input_offset as isize + self.len() as isize + index + 1;
            doc.report(3, message, Some(line as usize));
        } else {
            doc.report_at(3, message, None);
        }
    }

    /// A table element with one child per column (what `:widths:` is counted against).
    fn emit_table(&mut self, doc: &mut Doc, cols: usize) {
        self.emit(doc, "table");
        if let Some(table) = self.nodes.last_mut() {
            table.children = vec![super::body::Node::default(); cols];
        }
    }

    fn parse_cells(&self, doc: &mut Doc, cells: Vec<Cell>) {
        for cell in cells {
            if cell.lines.iter().any(|l| !l.is_empty()) {
                self.nested_parse(doc, cell.lines, cell.abs0);
            }
        }
    }

    /// `Body.isolate_grid_table` + `GridTableParser`: the blank finish.
    pub(super) fn grid_table(&mut self, doc: &mut Doc) -> bool {
        let mut blank_finish = true;
        let raw = match self.get_text_block(true) {
            Ok(b) => b,
            Err((b, line)) => {
                doc.report(3, "Unexpected indentation.", Some(line));
                blank_finish = false;
                b
            }
        };
        let mut block: Vec<Vec<char>> = raw.iter().map(|l| pad(l)).collect();
        if block.is_empty() {
            return blank_finish;
        }
        let width = trim(&block[0]).len();
        let mut i = 0;
        let n = block.len();
        while i < n {
            block[i] = trim(&block[i]);
            if !matches!(block[i].first(), Some('+' | '|')) {
                blank_finish = false;
                self.previous_line((n - i) as isize);
                block.truncate(i);
                break;
            }
            i += 1;
        }
        if i == n {
            i = n - 1;
        }
        let is_top = |l: &[char]| PATS.grid_top.is_match(&l.iter().collect::<String>());
        if block.last().is_none_or(|l| !is_top(l)) {
            let mut found = false;
            if block.len() >= 4 {
                for j in (2..block.len() - 1).rev() {
                    i = j;
                    if is_top(&block[j]) {
                        self.previous_line((block.len() - j + 1) as isize);
                        block.truncate(j + 1);
                        blank_finish = false;
                        found = true;
                        break;
                    }
                }
            }
            if !found {
                self.malformed(doc, block.len(), "Bottom border missing or corrupt.", i);
                return blank_finish;
            }
        }
        for (i, line) in block.iter().enumerate() {
            if stripped(line).len() != width || !matches!(line.last(), Some('+' | '|')) {
                self.malformed(doc, block.len(), "Right border not aligned or missing.", i);
                return blank_finish;
            }
        }
        let tableline = (self.abs_line_number() + 1).saturating_sub(block.len());
        match grid_parse(&block, tableline) {
            Ok((cells, cols)) => {
                self.emit_table(doc, cols);
                self.parse_cells(doc, cells);
            }
            Err((detail, offset)) => self.malformed(doc, block.len(), &detail, offset),
        }
        blank_finish
    }

    /// `Body.isolate_simple_table` + `SimpleTableParser`: the blank finish.
    pub(super) fn simple_table(&mut self, doc: &mut Doc) -> bool {
        let start = self.line_offset.max(0) as usize;
        let lines: Vec<String> = self.lines().to_vec();
        let limit = lines.len() - 1;
        let toplen = lines[start].trim().chars().count();
        let mut found = 0;
        let mut found_at = 0;
        let mut end = None;
        let mut i = start + 1;
        while i <= limit {
            let line = &lines[i];
            if PATS.simple_border.is_match(line) {
                if line.trim().chars().count() != toplen {
                    self.next_line((i - start) as isize);
                    self.malformed(
                        doc,
                        i - start + 1,
                        "Bottom border or header rule does not match top border.",
                        i - start,
                    );
                    return i == limit || is_blank(&lines[i + 1]);
                }
                found += 1;
                found_at = i;
                if found == 2 || i == limit || is_blank(&lines[i + 1]) {
                    end = Some(i);
                    break;
                }
            }
            i += 1;
        }
        let Some(end) = end else {
            let mut details = "No bottom table border found".to_string();
            let len = if found > 0 {
                details.push_str(" or no blank line after table bottom");
                self.next_line((found_at - start) as isize);
                found_at - start + 1
            } else {
                self.next_line((i - start - 1) as isize);
                lines.len() - start
            };
            self.malformed(doc, len, &format!("{details}."), 0);
            return found == 0;
        };
        self.next_line((end - start) as isize);
        let block: Vec<Vec<char>> = lines[start..=end].iter().map(|l| pad(l)).collect();
        let blank_finish = end == limit || is_blank(&lines[end + 1]);
        let tableline = (self.abs_line_number() + 1).saturating_sub(block.len());
        match simple_parse(block.clone(), tableline) {
            Ok((cells, cols)) => {
                self.emit_table(doc, cols);
                self.parse_cells(doc, cells);
            }
            Err((detail, offset)) => self.malformed(doc, block.len(), &detail, offset),
        }
        blank_finish
    }
}

fn head_body_sep(
    block: &[Vec<char>],
    is_sep: impl Fn(&str) -> bool,
) -> Result<Option<usize>, (String, usize)> {
    let mut sep = None;
    let mut last = 0;
    for (i, line) in block.iter().enumerate() {
        last = i;
        if is_sep(&line.iter().collect::<String>()) {
            if let Some(s) = sep.filter(|&s| s != 0) {
                return Err((
                    format!(
                        "Multiple head/body row separators (table lines {} and {}); only one allowed.",
                        s + 1,
                        i + 1
                    ),
                    i,
                ));
            }
            sep = Some(i);
        }
    }
    if sep == Some(0) || sep == Some(block.len() - 1) {
        return Err((
            "The head/body row separator may not be the first or last line of the table.".into(),
            last,
        ));
    }
    Ok(sep)
}

/// `StringList.get_2D_block` over padded lines, pads removed.
fn block_2d(block: &[Vec<char>], top: usize, left: usize, bottom: usize, right: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut indent = right;
    for line in &block[top..bottom] {
        let l = left.min(line.len());
        let r = right.min(line.len());
        let s: String = if l < r { line[l..r].iter().collect() } else { String::new() };
        let s = s.trim_end_matches(super::lines::py_space).to_string();
        if !s.is_empty() {
            indent = indent.min(indent_of(&s));
        }
        out.push(s);
    }
    if 0 < indent && indent < right {
        for s in &mut out {
            *s = super::lines::skip_chars(s, indent).to_string();
        }
    }
    out.into_iter().map(|s| s.replace(PAD, "")).collect()
}

fn grid_parse(block: &[Vec<char>], tableline: usize) -> Result<(Vec<Cell>, usize), (String, usize)> {
    let mut block = block.to_vec();
    if let Some(sep) = head_body_sep(&block, |l| {
        static RE: std::sync::LazyLock<regex::Regex> =
            std::sync::LazyLock::new(|| regex::Regex::new(r"^\+=[=+]+=\+ *$").expect("re"));
        RE.is_match(l)
    })? {
        block[sep] = block[sep].iter().map(|&c| if c == '=' { '-' } else { c }).collect();
    }
    let sb: Vec<Vec<char>> = block.iter().map(|l| stripped(l)).collect();
    let bottom = block.len() - 1;
    let right = block[0].len() - 1;
    let at = |r: usize, c: usize| sb.get(r).and_then(|l| l.get(c)).copied().unwrap_or(' ');
    let mut done = vec![-1isize; right + 1];
    let mut corners = vec![(0usize, 0usize)];
    let mut cells: Vec<(usize, usize, usize, usize)> = Vec::new();
    while !corners.is_empty() {
        let (top, left) = corners.remove(0);
        if top == bottom || left == right || top as isize <= done[left] {
            continue;
        }
        let Some((cb, cr)) = scan_cell(&at, top, left, bottom, right) else { continue };
        for d in done.iter_mut().take(cr).skip(left) {
            *d = cb as isize - 1;
        }
        cells.push((top, left, cb, cr));
        corners.push((top, cr));
        corners.push((cb, left));
        corners.sort();
    }
    if done.iter().take(right).any(|&d| d != bottom as isize - 1) {
        return Err(("Malformed table; parse incomplete.".into(), 0));
    }
    cells.sort_by_key(|&(t, l, _, _)| (t, l));
    let mut colseps: Vec<usize> = cells.iter().flat_map(|c| [c.1, c.3]).collect();
    colseps.sort_unstable();
    colseps.dedup();
    let cols = colseps.len().saturating_sub(1);
    let cells = cells
        .into_iter()
        .map(|(top, left, b, r)| Cell {
            abs0: tableline + top,
            lines: block_2d(&block, top + 1, left + 1, b, r),
        })
        .collect();
    Ok((cells, cols))
}

fn scan_cell(
    at: &impl Fn(usize, usize) -> char,
    top: usize,
    left: usize,
    bottom: usize,
    right: usize,
) -> Option<(usize, usize)> {
    // scan_right
    for i in left + 1..=right {
        match at(top, i) {
            '+' => {
                if let Some(b) = scan_down(at, top, left, i, bottom) {
                    return Some((b, i));
                }
            }
            '-' => {}
            _ => return None,
        }
    }
    None
}

fn scan_down(
    at: &impl Fn(usize, usize) -> char,
    top: usize,
    left: usize,
    right: usize,
    bottom: usize,
) -> Option<usize> {
    for i in top + 1..=bottom {
        match at(i, right) {
            '+' => {
                if scan_left(at, top, left, i, right) {
                    return Some(i);
                }
            }
            '|' => {}
            _ => return None,
        }
    }
    None
}

fn scan_left(
    at: &impl Fn(usize, usize) -> char,
    top: usize,
    left: usize,
    bottom: usize,
    right: usize,
) -> bool {
    for i in (left + 1..right).rev() {
        if !matches!(at(bottom, i), '+' | '-') {
            return false;
        }
    }
    if at(bottom, left) != '+' {
        return false;
    }
    (top + 1..bottom).rev().all(|i| matches!(at(i, left), '+' | '|'))
}

fn simple_parse(mut block: Vec<Vec<char>>, tableline: usize) -> Result<(Vec<Cell>, usize), (String, usize)> {
    let last = block.len() - 1;
    for i in [0, last] {
        block[i] = block[i].iter().map(|&c| if c == '=' { '-' } else { c }).collect();
    }
    static SEP: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"^=[ =]*$").expect("re"));
    static SPAN: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"^-[ -]*$").expect("re"));
    if let Some(sep) = head_body_sep(&block, |l| SEP.is_match(l))? {
        block[sep] = block[sep].iter().map(|&c| if c == '=' { '-' } else { c }).collect();
    }
    let mut columns = parse_columns(&block[0], 0, None)?;
    let border_end = columns.last().map_or(0, |c| c.1);
    let (first_start, first_end) = columns[0];
    let mut cells = Vec::new();
    let mut offset = 1;
    let mut start = 1;
    let mut text_found = false;
    while offset < block.len() {
        let line = &block[offset];
        let s: String = line.iter().collect();
        if SPAN.is_match(&s) || (offset == last && s.starts_with('-')) {
            let span = parse_columns(line, offset, Some((border_end, &columns)))?;
            parse_row(&block[start..offset], start, span, &mut columns, tableline, &mut cells)?;
            start = offset + 1;
            text_found = false;
        } else if !is_blank(
            &line[first_start.min(line.len())..first_end.min(line.len())].iter().collect::<String>(),
        ) {
            if text_found && offset != start {
                let cols = columns.clone();
                parse_row(&block[start..offset], start, cols, &mut columns, tableline, &mut cells)?;
            }
            start = offset;
            text_found = true;
        } else if !text_found {
            start = offset + 1;
        }
        offset += 1;
    }
    Ok((cells, columns.len()))
}

fn parse_columns(
    line: &[char],
    offset: usize,
    main: Option<(usize, &[(usize, usize)])>,
) -> Result<Vec<(usize, usize)>, (String, usize)> {
    let mut cols = Vec::new();
    let mut end = 0;
    while let Some(begin) = line.iter().skip(end).position(|&c| c == '-').map(|p| p + end) {
        end = line.iter().skip(begin).position(|&c| c == ' ').map_or(line.len(), |p| p + begin);
        cols.push((begin, end));
    }
    // `border_end` is the top border's, fixed before any row widened the last column.
    if let Some((border_end, main)) = main {
        if cols.last().map(|c| c.1) != Some(border_end) {
            return Err((format!("Column span incomplete in table line {}.", offset + 1), offset));
        }
        if let Some(last) = cols.last_mut() {
            last.1 = main.last().map_or(border_end, |c| c.1);
        }
    }
    Ok(cols)
}

fn parse_row(
    lines: &[Vec<char>],
    start: usize,
    mut cols: Vec<(usize, usize)>,
    main: &mut [(usize, usize)],
    tableline: usize,
    cells: &mut Vec<Cell>,
) -> Result<(), (String, usize)> {
    if lines.is_empty() && cols == main {
        return Ok(());
    }
    // check_columns
    let lastcol = cols.len().saturating_sub(1);
    for i in 0..cols.len() {
        let (cs, ce) = cols[i];
        let next_start = cols.get(i + 1).map_or(usize::MAX, |c| c.0);
        for (off, line) in lines.iter().enumerate() {
            let line = stripped(line);
            let tail: String = line.iter().skip(ce).collect();
            if i == lastcol && !is_blank(&tail) {
                let text: String = line.iter().skip(cs).collect::<String>();
                let new_end = cs + text.trim_end().chars().count();
                let (ms, me) = main[main.len() - 1];
                cols[i] = (cs, me.max(new_end));
                if new_end > me {
                    let n = main.len();
                    main[n - 1] = (ms, new_end);
                }
            } else {
                let margin: String = line.iter().skip(ce).take(next_start.saturating_sub(ce)).collect();
                if !is_blank(&margin) {
                    return Err((
                        format!("Text in column margin in table line {}.", start + off + 1),
                        start + off,
                    ));
                }
            }
        }
    }
    // init_row
    let mut j = 0;
    for &(cs, ce) in &cols {
        let ok = main.get(j).is_some_and(|m| m.0 == cs);
        if !ok {
            return Err((format!("Column span alignment problem in table line {}.", start + 2), start + 1));
        }
        while main.get(j).is_some_and(|m| m.1 != ce) {
            j += 1;
        }
        if j >= main.len() {
            return Err((format!("Column span alignment problem in table line {}.", start + 2), start + 1));
        }
        j += 1;
    }
    for &(cs, ce) in &cols {
        cells.push(Cell {
            abs0: (tableline + start).saturating_sub(1),
            lines: block_2d(lines, 0, cs, lines.len(), ce),
        });
    }
    Ok(())
}
