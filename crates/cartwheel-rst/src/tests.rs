//! The validator against docutils' verdicts, one construct at a time (valid and broken).
#![allow(clippy::print_stderr)] // The ignored timing tests report their figures on stderr.

use super::validate;

/// The first problem as `line: message`, or "ok".
fn first(text: &str) -> String {
    match validate(text).first() {
        None => "ok".into(),
        Some(p) => format!("{}: {}", p.line.map_or("-".into(), |l| l.to_string()), p.message),
    }
}

#[test]
fn titles() {
    assert_eq!(first("Title\n=====\n\ntext\n"), "ok");
    assert_eq!(first("Title\n===\n\ntext\n"), "ok");
    assert_eq!(first("Long title\n=====\n\ntext\n"), "2: Title underline too short.");
    assert_eq!(first("=====\nTitle\n=====\n\nSub\n---\n"), "ok");
    assert_eq!(first("=====\nTitle\n====\n"), "1: Title overline & underline mismatch.");
    assert_eq!(
        first("A\n=\n\nB\n-\n\nC\n~\n\nD\n=\n\nE\n~\n"),
        "13: Inconsistent title style: skip from level 1 to 3."
    );
}

#[test]
fn indentation() {
    assert_eq!(first("para\n  indented\n"), "ok");
    assert_eq!(first("para\nmore\n  indented\n"), "3: Unexpected indentation.");
    assert_eq!(
        first("para\n\n  quote\nback\n"),
        "4: Block quote ends without a blank line; unexpected unindent."
    );
    assert_eq!(first("- a\n- b\nc\n"), "3: Bullet list ends without a blank line; unexpected unindent.");
    assert_eq!(
        first("term\n  def\nnext\n"),
        "3: Definition list ends without a blank line; unexpected unindent."
    );
}

#[test]
fn literal_blocks() {
    assert_eq!(first("Para::\n\n  code\n\nafter\n"), "ok");
    assert_eq!(first("Para::\n\nText\n"), "3: Literal block expected; none found.");
    assert_eq!(first("Para::\n"), "2: Literal block expected; none found.");
    assert_eq!(first("Para::\n\n> quoted\n> more\n\nx\n"), "ok");
}

#[test]
fn explicit_markup() {
    assert_eq!(first(".. note:: hi\n"), "ok");
    assert_eq!(first(".. note::\n"), "1: Content block expected for the \"note\" directive; none found.");
    assert_eq!(first(".. bogus:: x\n"), "1: Unknown directive type \"bogus\".");
    assert_eq!(first(".. raw:: html\n\n   <b>\n"), "1: \"raw\" directive disabled.");
    assert_eq!(first(".. include:: x.rst\n"), "1: \"include\" directive disabled.");
    assert_eq!(first(".. code:: nosuchlang\n\n   x\n"), "ok");
    assert_eq!(first(".. image:: a.png\n   :width: 10px\n   :alt: x\n"), "ok");
    assert!(first(".. image:: a.png\n   :bogus: 1\n")
        .starts_with("1: Error in \"image\" directive:\nunknown option: \"bogus\"."));
    assert_eq!(first(".. [1]\n"), "1: Footnote content expected.");
    assert_eq!(first(".. comment\n   more\n\ntext\n"), "ok");
    assert_eq!(first(".. _a: http://x\n\n.. _a: http://y\n"), "3: Duplicate explicit target name: \"a\".");
}

#[test]
fn references() {
    assert_eq!(first("a `Foo`_\n\n.. _foo: http://x\n"), "ok");
    assert_eq!(first("a `Foo`_\n"), "1: Unknown target name: \"foo\".");
    assert_eq!(first("a `b <http://x>`_ and `c <d_>`_\n\n.. _d: http://y\n"), "ok");
    assert_eq!(first(".. _a: b_\n"), "1: Indirect hyperlink target \"a\" (id=\"user-content-a\") refers to target \"b\", which does not exist.");
    assert_eq!(first("a__\n\n__ http://x\n"), "ok");
    assert_eq!(
        first("a__ b__\n\n__ http://x\n"),
        "-: Anonymous hyperlink mismatch: 2 references but 1 targets.\nSee \"backrefs\" attribute for IDs."
    );
    assert_eq!(first("See [1]_ and [#]_.\n\n.. [1] one\n.. [#] auto\n"), "ok");
    assert_eq!(first("See [2]_.\n"), "1: Unknown target name: \"2\".");
    assert_eq!(first("Title\n=====\n\nsee `Title`_\n"), "ok");
}

#[test]
fn substitutions() {
    assert_eq!(first("|a| b\n\n.. |a| replace:: x\n"), "ok");
    assert_eq!(first("|a| b\n"), "1: Undefined substitution referenced: \"a\".");
    assert_eq!(first("|img|\n\n.. |img| image:: a.png\n"), "ok");
    assert_eq!(first(".. |a| foo\n"), "1: Substitution definition \"a\" empty or invalid.");
    assert_eq!(
        first(".. replace:: x\n"),
        "1: Invalid context: the \"replace\" directive can only be used within a substitution definition."
    );
}

#[test]
fn transitions_and_blocks() {
    assert_eq!(first("----\n\npara\n"), "1: Transition at the start of the document.");
    assert_eq!(
        first("para\n\n----\n\n----\n\nx\n"),
        "5: At least one body element should separate transitions."
    );
    assert_eq!(first("para\n\n----\n\nx\n"), "ok");
    assert_eq!(first("| a\n| b\nc\n"), "2: Line block ends without a blank line.");
    assert_eq!(first(">>> 1 + 1\n2\n"), "ok");
    assert_eq!(first(":field: value\n:other: x\n"), "ok");
    assert_eq!(first("-a  option\n--bee  other\n"), "ok");
    assert_eq!(first("1. a\n2. b\n\n#. c\n"), "ok");
}

#[test]
fn tables() {
    let grid = "+---+---+\n| a | b |\n+===+===+\n| c | d |\n+---+---+\n";
    assert_eq!(first(grid), "ok");
    assert_eq!(
        first("+---+---+\n| a | b |\n+---+--+\n"),
        "3: Malformed table.\nRight border not aligned or missing."
    );
    assert_eq!(first("===  ===\na    b\n===  ===\nc    d\n===  ===\n"), "ok");
    assert_eq!(first("===  ===\na    b\nc    d\n"), "1: Malformed table.\nNo bottom table border found.");
}

/// The validator over a directory of cases (`RST_CASES=dir cargo test dump_cases -- --ignored`).
#[test]
#[ignore]
fn dump_cases() {
    let dir = std::env::var("RST_CASES").expect("RST_CASES");
    let mut names: Vec<_> = std::fs::read_dir(&dir).expect("dir").flatten().map(|e| e.path()).collect();
    names.sort();
    let mut out = serde_json::Map::new();
    for path in names.iter().filter(|p| p.extension().is_some_and(|e| e == "rst")) {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let Ok(probs) = std::panic::catch_unwind(|| validate(&text)) else {
            out.insert(
                path.display().to_string(),
                serde_json::json!({"ok": false, "line": null, "message": "PANIC"}),
            );
            continue;
        };
        let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        let v = match probs.first() {
            None => serde_json::json!({"ok": true, "line": null, "message": ""}),
            Some(p) => serde_json::json!({"ok": false, "line": p.line, "message": p.message}),
        };
        out.insert(name, v);
    }
    let out_path = std::env::var("RST_OUT").unwrap_or_else(|_| format!("{dir}/actual.json"));
    std::fs::write(out_path, serde_json::to_string_pretty(&out).expect("json")).expect("write");
}

#[test]
fn table_directives() {
    let table = ".. table::\n   :widths: 1 2 3\n\n   =====  =====\n   A      B\n   =====  =====\n   1      2\n   =====  =====\n";
    assert_eq!(first(table), "1: \"table\" widths do not match the number of columns in table (2).");
    assert_eq!(first(&table.replace("1 2 3", "1 2")), "ok");
    let list = ".. list-table::\n   :header-rows: 1\n\n   * - a\n     - b\n   * - c\n     - d\n";
    assert_eq!(first(list), "ok");
    assert_eq!(
        first(&list.replace("     - d\n", "")),
        "1: Error parsing content block for the \"list-table\" directive: uniform two-level bullet list \
         expected, but row 2 does not contain the same number of items as row 1 (1 vs 2)."
    );
    assert_eq!(
        first(&list.replace(":header-rows: 1", ":widths: 10 20__")),
        "1: Error in \"list-table\" directive:\ninvalid option value: (option: \"widths\"; value: '10 20__')\n\
         invalid literal for int() with base 10: '20__'."
    );
}

#[test]
fn meta_attribute_reported_at_block_end() {
    let meta = ".. meta::\n   :name=foo bar: x\n   :a: b\n\n\nText.\n";
    assert_eq!(first(meta), "5: Error parsing meta tag attribute \"bar\": missing \"=\".");
    assert_eq!(first(".. meta::\n   :name=foo bar: x\n").split(':').next(), Some("2"));
}

/// Time the validator on a file (`RST_BENCH=file cargo test --release bench_file -- --ignored`).
#[test]
#[ignore]
fn bench_file() {
    let text = std::fs::read_to_string(std::env::var("RST_BENCH").expect("RST_BENCH")).expect("read");
    let mut times = Vec::new();
    for _ in 0..15 {
        let start = std::time::Instant::now();
        let problems = validate(&text);
        times.push(start.elapsed());
        assert!(problems.is_empty(), "{problems:?}");
    }
    times.sort();
    eprintln!("median {:?} min {:?}", times[times.len() / 2], times[0]);
}

#[test]
fn escaped_literal_markers() {
    assert_eq!(first("Para\\::\n"), "ok");
    assert_eq!(first("Para\\\\::\n\n  code\n"), "ok");
}

#[test]
fn circular_and_illegal_substitutions() {
    assert_eq!(first("|a|\n\n.. |a| replace:: x |a|\n"), "3: Circular substitution definition detected:");
    assert_eq!(
        first("|a|\n\n.. |a| replace:: |b|\n.. |b| replace:: |a|\n"),
        "1: Circular substitution definition referenced: \"b\"."
    );
    assert_eq!(first("|a|\n\n.. |a| replace:: x |b|\n.. |b| replace:: y\n"), "ok");
    assert_eq!(first("|a| |b|\n\n.. |a| replace:: |b| |b|\n.. |b| replace:: y\n"), "ok");
    assert_eq!(
        first("|a|\n\n.. |a| replace:: x [1]_\n\n.. [1] n\n"),
        "3: Targets (names and identifiers) are not supported in a substitution definition."
    );
    assert_eq!(first("|a| x_\n\n.. |a| replace:: `y <x_>`__\n.. _x: https://example.com\n"), "ok");
    assert_eq!(
        first("|a|\n\n.. |a| replace:: y__\n\n__ https://example.com\n"),
        "3: Anonymous references are not supported in a substitution definition."
    );
    assert_eq!(
        first("|a|\n\n.. |a| replace:: [#]_\n\n.. [#] n\n"),
        "3: References to auto-numbered and auto-symbol footnotes are not supported in a substitution definition."
    );
    assert_eq!(
        first("|a|\n\n.. |a| replace:: `y <https://x.org>`_\n"),
        "3: Targets (names and identifiers) are not supported in a substitution definition."
    );
    let three = "|b|\n\n.. |a| replace:: |b|\n.. |b| replace:: |c|\n.. |c| replace:: |a|\n";
    assert_eq!(first(three), "3: Circular substitution definition detected:");
    assert_eq!(
        first("|b| |a|\n\n.. |a| replace:: x |b|\n.. |b| replace:: y |a|\n"),
        "1: Circular substitution definition referenced: \"a\"."
    );
    assert_eq!(
        first(".. |a| replace:: |b|\n.. |b| replace:: |a|\n"),
        "1: Circular substitution definition detected:"
    );
}

#[test]
fn grid_table_backed_up_past_its_start() {
    let grid = "+-------+-------+\n| A     | B `    |\n+=======+=======+\n| 1     | 2     |\n+-------+-------+\n| 3     | 4     |\n";
    assert_eq!(first(grid), "6: Malformed table.\nRight border not aligned or missing.");
    assert_eq!(
        first(&format!("Para.\n\n{grid}")),
        "2: Malformed table.\nRight border not aligned or missing."
    );
}

#[test]
fn option_names_are_inline_text() {
    let toc = "Title\n=====\n\n.. contents:: Table of contents\n   :depth: 2\n   :depth: 2\n   :**local:\n";
    assert_eq!(first(toc), "3: Inline strong start-string without end-string.");
    assert_eq!(first(".. contents::\n   :**local:\n"), "1: Inline strong start-string without end-string.");
    assert_eq!(
        first(".. contents::\n   :depth: 2\n   :depth: x\n"),
        "1: Error in \"contents\" directive:\ninvalid option data: duplicate option \"depth\"."
    );
    assert_eq!(first(".. contents::\n   :Local:\n"), "ok");
}

#[test]
fn auto_numbered_footnotes_take_free_numbers() {
    assert_eq!(first("See [1]_ and [#]_.\n\n.. [#] auto\n"), "ok");
    assert_eq!(first("See [2]_.\n\n.. [#] one\n.. [#] two\n"), "ok");
    assert_eq!(first("See [2]_.\n\n.. [#a] one\n.. [#] two\n\n[#a]_\n"), "ok");
    assert_eq!(first("See [1]_.\n\n.. [#a] one\n.. [#] two\n\n[#a]_\n"), "1: Unknown target name: \"1\".");
}

#[test]
fn contents_title_is_inline_text_and_a_target() {
    assert_eq!(
        first(".. contents:: Table of contents__\n\nText.\n").split('\n').next(),
        Some("4: Anonymous hyperlink mismatch: 1 references but 0 targets.")
    );
    assert_eq!(first(".. contents:: On this page\n\nSee `on this page`_.\n"), "ok");
    assert_eq!(first(".. contents::\n\nSee contents_.\n"), "ok");
}

#[test]
fn csv_cells_parsed_at_the_contents_first_line() {
    let csv = ".. csv-table:: T\n\n   a, b\n   c, *d\n";
    assert_eq!(first(csv), "2: Inline emphasis start-string without end-string.");
}

#[test]
fn exponential_substitutions_are_bounded() {
    let defs: String = (0..30).map(|i| format!(".. |s{i}| replace:: |s{}| |s{}|\n", i + 1, i + 1)).collect();
    let text = format!("|s0| |zz|\n\n{defs}.. |s30| replace:: x\n");
    let start = std::time::Instant::now();
    assert_eq!(first(&text), "1: Undefined substitution referenced: \"zz\".");
    assert!(start.elapsed() < std::time::Duration::from_secs(5));
}

/// Pathological inputs: none may panic or take long (`cargo test --release --lib stress -- --ignored --nocapture`).
#[test]
#[ignore]
fn stress() {
    let mb = 1_000_000;
    let mut cases: Vec<(&str, String)> = vec![
        ("nested quotes 2k", (0..2_000).map(|i| format!("{}x\n\n", " ".repeat(i))).collect()),
        ("nested bullets", (0..5_000).map(|i| format!("{}- x\n\n", "  ".repeat(i))).collect()),
        ("nested enum", (0..3_000).map(|i| format!("{}1. x\n\n", "   ".repeat(i))).collect()),
        ("nested dir", (0..3_000).map(|i| format!("{}.. note::\n\n", "   ".repeat(i))).collect()),
        ("stars line", "*".repeat(9_999)),
        ("backticks line", "`".repeat(9_999)),
        ("underscores line", "_".repeat(9_999)),
        ("pipes line", "|".repeat(9_999)),
        ("brackets line", "[".repeat(9_999)),
        ("1MB stars", "*".repeat(mb)),
        ("stars words", "*a ".repeat(3_300)),
        ("star pairs", "**a ".repeat(2_400)),
        ("bt words", "`a ".repeat(3_300)),
        ("bt words 2", "``a ".repeat(2_400)),
        ("pipes words", "|a ".repeat(3_300)),
        ("refs words", "a_ ".repeat(3_300)),
        ("brackets words", "[a]_ ".repeat(2_000)),
        ("under words", "_`a ".repeat(2_400)),
        ("roles words", ":a:`b ".repeat(1_600)),
        ("many lines stars", "*a\n".repeat(100_000)),
        ("many lines bt", "`a `b\n".repeat(50_000)),
        (
            "footnotes",
            (0..100_000).map(|i| format!(".. [{i}] x\n")).collect::<String>()
                + &(0..100_000).map(|i| format!("[{i}]_ ")).collect::<String>(),
        ),
        ("auto footnotes", ".. [#] x\n".repeat(50_000) + &"[#]_ ".repeat(50_000)),
        (
            "targets",
            (0..100_000).map(|i| format!(".. _t{i}: http://x/{i}\n")).collect::<String>()
                + &(0..100_000).map(|i| format!("t{i}_ ")).collect::<String>(),
        ),
        (
            "indirect chain",
            (0..20_000).map(|i| format!(".. _t{i}: t{}_\n", i + 1)).collect::<String>()
                + ".. _t20000: http://x\n",
        ),
        ("anon", "a__ ".repeat(50_000) + "\n\n" + &"__ http://x\n".repeat(50_000)),
        (
            "subs",
            (0..50_000).map(|i| format!(".. |s{i}| replace:: |s{}|\n", i + 1)).collect::<String>()
                + ".. |s50000| replace:: x\n\n|s0|\n",
        ),
        (
            "sections",
            (0..10_000)
                .map(|i| {
                    let c =
                        ['=', '-', '~', '^', '"', '+', '#', '*', '<', '>', '.', ':', '\'', '`', '_'][i % 15];
                    format!("T{i}\n{}\n\n", c.to_string().repeat(8))
                })
                .collect(),
        ),
        ("sections same", "T\n=\n\n".repeat(50_000)),
        ("unclosed ltr", "``a".repeat(3_000)),
        ("nested inline", format!("{}x{}", "*".repeat(4000), "*".repeat(4000))),
        ("combining", "e\u{301}\u{301}\u{301}\n=\n\nx\n".repeat(100)),
        ("wide title", "日本語\n======\n\n日本語\n===\n".into()),
        ("tabs", "\t- a\n\t\tb\n  \tc\n\n::\n\n\tx\n".into()),
        ("ctrl", "a\r\nb\x0bc\x0cd\0e\u{feff}f\n\u{2028}g\u{85}h\n".into()),
        ("line blocks", "| a\n".repeat(100_000)),
        ("definition", "t\n  d\n".repeat(50_000)),
        ("fields", ":a: b\n".repeat(100_000)),
        ("options", "-a  b\n".repeat(100_000)),
        ("doctest", ">>> a\n".repeat(100_000)),
        ("literal", "::\n\n".to_string() + &"  x\n".repeat(100_000)),
        ("quoted literal", "::\n\n".to_string() + &"> x\n".repeat(100_000)),
        ("transitions", "x\n\n----\n\n".repeat(50_000)),
        ("comments", "..\n".repeat(100_000)),
        ("blank", "\n".repeat(1_000_000)),
        ("spaces", " ".repeat(9_999) + "x\n"),
    ];
    let n = 400;
    let row: String = format!("|{}\n", " a |".repeat(n));
    let sep: String = format!("+{}\n", "---+".repeat(n));
    cases.push(("grid 400", sep.clone() + &(0..n).map(|_| row.clone() + &sep).collect::<String>()));
    let n = 2000;
    let row: String = format!("|{}\n", " a |".repeat(n));
    let sep: String = format!("+{}\n", "---+".repeat(n));
    cases.push((
        "grid 2000 (lines > limit)",
        sep.clone() + &(0..n).map(|_| row.clone() + &sep).collect::<String>(),
    ));
    let cols = 2000;
    let border = format!("{}\n", vec!["="; cols].join(" "));
    let srow = format!("{}\n", vec!["a"; cols].join(" "));
    cases.push(("simple 2000", border.clone() + &srow.repeat(2000) + &border));
    let row: String = format!("|{}\n", "a|".repeat(2000));
    cases.push(("grid ragged", format!("+{}\n", "-+".repeat(2000)) + &row.repeat(2000)));
    for (name, text) in cases {
        let start = std::time::Instant::now();
        let r = std::panic::catch_unwind(|| validate(&text));
        let el = start.elapsed();
        let v = match &r {
            Ok(p) => p.first().map_or("ok".to_string(), |p| {
                format!("{:?}: {}", p.line, p.message.chars().take(60).collect::<String>())
            }),
            Err(_) => "PANIC".into(),
        };
        eprintln!("{name:28} {:>6} KB {el:>12.3?}  {v}", text.len() / 1024);
    }
}

/// Deep nesting is refused where docutils hits Python's recursion limit, without using up the
/// stack (a 2 MB test thread, debug build).
#[test]
fn nesting_depth() {
    let quotes = |n: usize| (0..n).map(|i| format!("{}x\n\n", " ".repeat(i))).collect::<String>();
    assert_eq!(first(&quotes(150)), "ok");
    let too_deep = |line: usize| {
        format!("{line}: Nesting too deep: docutils stops with a RecursionError (Python's recursion limit).")
    };
    assert_eq!(first(&quotes(300)), too_deep(329));
    let bullets = (0..300).map(|i| format!("{}- x\n\n", "  ".repeat(i))).collect::<String>();
    assert_eq!(first(&bullets), too_deep(327));
    let notes = (0..300).map(|i| format!("{}.. note::\n\n", "   ".repeat(i))).collect::<String>();
    assert_eq!(first(&notes), too_deep(329));
}

/// Many start-strings without end-strings: each searches the rest of the text (as docutils
/// does), which must stay cheap (minutes for 10 KB before).
#[test]
fn unclosed_starts_are_fast() {
    for (unit, what) in [
        ("**a ", "strong"),
        ("``a ", "literal"),
        ("`a`_b ", "interpreted text or phrase reference"),
        ("|a|b ", "substitution_reference"),
    ] {
        let text = unit.repeat(9_000 / unit.len());
        let start = std::time::Instant::now();
        assert_eq!(first(&text), format!("1: Inline {what} start-string without end-string."), "{unit}");
        assert!(start.elapsed() < std::time::Duration::from_secs(10), "{unit}: {:?}", start.elapsed());
    }
    assert_eq!(
        first("**a** `b`_ ``c``, `d`_, |e|__\n\n.. |e| replace:: x\n.. _d: http://x\n\n__ http://y\n"),
        "1: Unknown target name: \"b\"."
    );
    assert_eq!(first("**a**_b\n"), "1: Inline strong start-string without end-string.");
}
