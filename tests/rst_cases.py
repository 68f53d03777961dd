"""The reStructuredText case corpus for the differential test of `cartwheel._native.validate_rst`.

`cases()` returns a few hundred small documents, deterministically: every construct docutils
knows, valid and broken in each way docutils notices, then seeded random mutations of valid
documents. `docutils_verdict(text)` is the reference: readme_renderer's `rst.render` called
exactly as `twine check` calls it (halt_level 2), its stream parsed into line, level, message.

    python tests/rst_cases.py OUTDIR     # writes OUTDIR/NNNN-name.rst and OUTDIR/expected.json
    python tests/rst_cases.py OUTDIR --seed 7 --mutations 2000   # explore beyond the suite's set

Only the standard library is needed to make the cases; the verdicts need readme_renderer
(pinned in requirements-test.txt).
"""

from __future__ import annotations

import argparse
import io
import json
import random
import re
import sys
from pathlib import Path
from textwrap import dedent

SEED = 20261125
MUTATIONS = 300
# Hand-written cases are numbered from 1, mutations from MUTATION_BASE, so adding a hand case
# does not renumber the mutations.
MUTATION_BASE = 2000

# docutils' punctuation for section adornments (any non-alphanumeric printable 7-bit character).
ADORNMENTS = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"


def _d(text: str) -> str:
    """Dedent a triple-quoted document and drop its first newline."""
    return dedent(text).lstrip("\n")


# --------------------------------------------------------------------------- hand-written cases


def _sections() -> list[tuple[str, str]]:
    out = []
    for i, ch in enumerate(ADORNMENTS):
        out.append((f"title-underline-{i:02d}", f"Title\n{ch * 5}\n\nText.\n"))
    for ch in "=-~*#+^":
        out.append((f"title-overline-{ord(ch)}", f"{ch * 7}\n Title\n{ch * 7}\n\nText.\n"))
    out += [
        ("title-underline-longer", "Title\n==========\n\nText.\n"),
        ("title-underline-short", "Long title here\n=====\n\nText.\n"),
        ("title-underline-short-tiny", "Title\n===\n\nText.\n"),
        ("title-underline-short-by-one", "Title\n====\n\nText.\n"),
        ("title-underline-3-of-9", "Long titl\n===\n\nText.\n"),
        ("title-overline-short", "=====\nLong title\n=====\n\nText.\n"),
        ("title-overline-short-both", "====\n Title here\n====\n\nText.\n"),
        ("title-overline-mismatch", "=======\n Title\n-------\n\nText.\n"),
        ("title-overline-mismatch-len", "=======\n Title\n=========\n\nText.\n"),
        ("title-overline-no-underline", "=======\n Title\n\nText.\n"),
        ("title-overline-eof", "=======\n Title\n"),
        ("title-overline-only", "=======\n\nText.\n"),
        ("title-incomplete", "=======\nTitle\nmore\n=======\n"),
        ("title-wide-unicode", "Ｔｉｔｌｅ\n==========\n\nText.\n"),
        ("title-wide-unicode-short", "Ｔｉｔｌｅ\n=======\n\nText.\n"),
        ("title-combining", "Cafe\u0301 au lait\n=============\n\nText.\n"),
        (
            "title-levels",
            _d("""
            Top
            ===

            Sub
            ---

            Subsub
            ~~~~~~

            Back
            ----

            Top two
            =======
            """),
        ),
        (
            "title-level-inconsistent",
            _d("""
            Top
            ===

            Sub
            ---

            Jump
            ~~~~

            Wrong
            *****
            """),
        ),
        ("title-level-inconsistent-jump", "Top\n===\n\nSub\n---\n\nTop2\n====\n\nJump\n~~~~\n\nText.\n"),
        ("title-level-inconsistent-overline", "===\nTop\n===\n\nSub\n---\n\nNew\n===\n\nText.\n"),
        (
            "title-level-skip",
            _d("""
            Top
            ===

            Sub
            ---

            Subsub
            ~~~~~~

            New style at level two
            ^^^^^^^^^^^^^^^^^^^^^^

            Text.
            """),
        ),
        (
            "title-overline-vs-underline-distinct",
            _d("""
            =====
            Top
            =====

            Under
            =====

            Text.
            """),
        ),
        (
            "title-in-blockquote",
            _d("""
            Para.

              Title
              =====

              Text.
            """),
        ),
        (
            "title-in-list",
            _d("""
            - item

              Title
              =====
            """),
        ),
        ("title-no-blank-after", "Title\n=====\nText right after.\n"),
        ("title-only", "Title\n=====\n"),
        ("title-two-lines", "Two\nlines\n=====\n"),
        ("title-empty-underline-only", "Text.\n\n=====\n"),
        ("title-short-underline-paragraph", "Text\n--\nmore\n"),
        ("title-underline-after-para", "Para line one\nPara line two\n=============\n"),
        ("title-trailing-space", "Title   \n=====\n\nText.\n"),
        ("title-leading-space", " Title\n======\n\nText.\n"),
        ("title-mixed-underline", "Title\n==-==\n\nText.\n"),
        ("title-duplicate-names", "Same\n====\n\nA.\n\nSame\n====\n\nB.\n"),
        ("title-ref-by-name", "Section One\n===========\n\nSee `Section One`_.\n"),
        ("title-ref-implicit-dup", "Same\n====\n\nA.\n\nSame\n====\n\nSee `Same`_.\n"),
    ]
    return out


def _transitions() -> list[tuple[str, str]]:
    return [
        ("transition-ok", "Para.\n\n----------\n\nPara.\n"),
        ("transition-short", "Para.\n\n---\n\nPara.\n"),
        ("transition-4", "Para.\n\n----\n\nPara.\n"),
        ("transition-first", "----------\n\nPara.\n"),
        ("transition-last", "Para.\n\n----------\n"),
        ("transition-double", "Para.\n\n----------\n\n==========\n\nPara.\n"),
        ("transition-after-title", "Title\n=====\n\n----------\n\nPara.\n"),
        ("transition-before-title", "Para.\n\n----------\n\nTitle\n=====\n\nText.\n"),
        ("transition-in-blockquote", "Para.\n\n  Quote.\n\n  ----------\n\n  More.\n"),
        ("transition-no-blank-after", "Para.\n\n----------\nPara.\n"),
    ]


def _paragraphs() -> list[tuple[str, str]]:
    return [
        ("para-single", "Just one paragraph.\n"),
        ("para-multi", "One.\n\nTwo\nlines.\n\nThree.\n"),
        ("para-unexpected-indent", "Para.\n  indented continuation.\n"),
        ("para-unexpected-indent-deep", "Para line one\nline two\n    indented.\n"),
        ("para-blockquote", "Para.\n\n    Quote.\n"),
        ("para-unindent-quote", "Para.\n\n    Quote\n  less\n"),
        ("para-blockquote-unindent-no-blank", "Para.\n\n    Quote.\nBack.\n"),
        ("para-empty-doc", ""),
        ("para-whitespace-doc", "   \n\n  \n"),
        ("para-comment-only", ".. just a comment\n"),
        ("para-tabs", "Para\twith\ttabs.\n\n\tTabbed quote.\n"),
        ("para-crlf", "Title\r\n=====\r\n\r\nText.\r\n"),
        ("para-unknown-literal", "UNKNOWN\n"),
        ("para-trailing-whitespace", "Text.   \n\n   \nMore.\n"),
        ("para-form-feed", "Text.\n\f\nMore.\n"),
        ("para-nul", "Text \x00 here.\n"),
        ("blockquote-attribution", "Para.\n\n    Quote text.\n\n    -- Someone\n"),
        ("blockquote-attribution-emdash", "Para.\n\n    Quote text.\n\n    \u2014 Someone\n"),
        ("blockquote-attribution-bad-indent", "Para.\n\n    Quote text.\n\n    -- Someone\n      else\n   x\n"),
        ("blockquote-nested", "Para.\n\n    Outer.\n\n        Inner.\n\n    Outer again.\n"),
        ("blockquote-two", "Para.\n\n    One.\n\n    -- A\n\n    Two.\n"),
    ]


def _lists() -> list[tuple[str, str]]:
    out = []
    for b in "*+-\u2022\u2023\u2043":
        out.append((f"bullet-{ord(b)}", f"{b} one\n{b} two\n\n{b} three\n"))
    out += [
        ("bullet-nested", "- one\n\n  - sub\n  - sub\n\n- two\n"),
        ("bullet-no-blank-end", "- one\n- two\nPara.\n"),
        ("bullet-unindent", "- one\n  continued\n - bad\n"),
        ("bullet-mixed", "- one\n* two\n"),
        ("bullet-mixed-blank", "- one\n\n* two\n"),
        ("bullet-empty-item", "-\n\n- two\n"),
        ("bullet-item-unexpected-indent", "- one\n    deeper\n"),
        ("bullet-item-para-indent", "- one\n\n    deeper quote\n"),
        ("bullet-in-para", "Para\n- not a list\n"),
    ]
    styles = {
        "arabic": ["1", "2", "3"],
        "loweralpha": ["a", "b", "c"],
        "upperalpha": ["A", "B", "C"],
        "lowerroman": ["i", "ii", "iii"],
        "upperroman": ["I", "II", "III"],
        "auto": ["#", "#", "#"],
    }
    for style, seq in styles.items():
        for fmt in ("{}.", "({})", "{})"):
            items = "".join(f"{fmt.format(s)} item {s}\n" for s in seq)
            tag = {"{}.": "period", "({})": "parens", "{})": "rparen"}[fmt]
            out.append((f"enum-{style}-{tag}", items))
            out.append((f"enum-{style}-{tag}-noblank", items + "Para.\n"))
    out += [
        ("enum-start-3", "3. three\n4. four\n"),
        ("enum-skip", "1. one\n3. three\n"),
        ("enum-mixed-style", "1. one\na. two\n"),
        ("enum-mixed-fmt", "1. one\n2) two\n"),
        ("enum-auto-then-number", "#. one\n2. two\n"),
        ("enum-number-then-auto", "1. one\n#. two\n"),
        ("enum-roman-invalid", "iiii. one\n"),
        ("enum-ambiguous-i", "i. one\nii. two\n"),
        ("enum-single-letter-para", "A. Einstein was a physicist.\n"),
        ("enum-no-blank-before", "Para\n1. one\n2. two\n"),
        ("enum-unindent", "1. one\n  bad\n2. two\n"),
        ("enum-nested", "1. one\n\n   a. sub\n   b. sub\n\n2. two\n"),
        ("enum-zero", "0. zero\n1. one\n"),
        ("enum-big", "99999. big\n"),
        ("deflist-ok", "term\n    Definition.\n\nterm 2 : classifier\n    Definition 2.\n"),
        ("deflist-multi-classifier", "term : a : b\n    Definition.\n"),
        ("deflist-no-blank-end", "term\n    Definition.\nPara.\n"),
        ("deflist-blank-between", "term\n\n    Not a definition: a quote.\n"),
        ("deflist-nested", "term\n    inner\n        Definition.\n"),
        ("deflist-unindent", "term\n    Definition\n  less.\n"),
        ("fieldlist-ok", ":Author: Me\n:Version: 1.0\n:Long: text\n    continued\n"),
        ("fieldlist-empty-body", ":Field:\n:Other: x\n"),
        ("fieldlist-no-blank-end", ":Field: one\nPara.\n"),
        ("fieldlist-escaped-colon", ":Field\\: name: x\n"),
        ("fieldlist-in-body", "Para.\n\n:a: b\n:c: d\n"),
        ("fieldlist-docinfo", "Title\n=====\n\n:Author: Me\n:Date: today\n\nText.\n"),
        ("fieldlist-unindent", ":Field: one\n  two\n three\n"),
        (
            "optlist-ok",
            "-a         Option a.\n-b file    Option b.\n--long     Long.\n--opt=arg  With arg.\n/V         DOS.\n",
        ),
        ("optlist-two-lines", "-a\n    Description below.\n"),
        ("optlist-multiple", "-a, --all  Both.\n"),
        ("optlist-no-blank-end", "-a  Option.\nPara.\n"),
        ("optlist-bad", "--  not an option\n"),
        ("optlist-angle", "-f <file>  Angle arg.\n"),
        ("optlist-unindent", "-a  Option\n  cont\n x\n"),
    ]
    return out


def _literal() -> list[tuple[str, str]]:
    return [
        ("literal-expanded", "Para::\n\n    code\n"),
        ("literal-partial", "Para ::\n\n    code\n"),
        ("literal-alone", "::\n\n    code\n\nPara.\n"),
        ("literal-quoted", "Para::\n\n> quoted\n> lines\n\nAfter.\n"),
        ("literal-quoted-inconsistent", "Para::\n\n> quoted\n< other\n\nAfter.\n"),
        ("literal-quoted-no-blank", "Para::\n\n> quoted\nAfter.\n"),
        ("literal-expected", "Para::\n\nNot indented.\n"),
        ("literal-expected-eof", "Para::\n"),
        ("literal-expected-eof-blank", "Para::\n\n"),
        ("literal-unindent-no-blank", "Para::\n\n    code\nAfter.\n"),
        ("literal-no-blank-before", "Para::\n    code\n"),
        ("literal-multi-indent", "Para::\n\n    code\n      deeper\n  less\n\nAfter.\n"),
        ("literal-in-list", "- item::\n\n      code\n\n- two\n"),
        ("literal-escaped-colons", "Para\\::\n\n    quote\n"),
        ("doctest-ok", ">>> print(1)\n1\n\nPara.\n"),
        ("doctest-no-blank-end", "Para.\n\n>>> 1\n1\nPara.\n"),
        ("doctest-indented", "Para.\n\n    >>> 1\n    1\n"),
        ("lineblock-ok", "| Line one\n| Line two\n|   indented\n| \n| after empty\n"),
        ("lineblock-continuation", "| Line one\n  continued\n| Line two\n"),
        ("lineblock-no-blank-end", "| Line one\nPara.\n"),
        ("lineblock-bad-continuation", "| Line one\n continued\n"),
        ("lineblock-single-bar", "|\n"),
        ("lineblock-nested", "| a\n|    b\n|        c\n| d\n"),
    ]


SIMPLE_TABLE = """\
=====  =====
A      B
=====  =====
1      2
3      4
=====  =====
"""

GRID_TABLE = """\
+-------+-------+
| A     | B     |
+=======+=======+
| 1     | 2     |
+-------+-------+
| 3     | 4     |
+-------+-------+
"""


def _tables() -> list[tuple[str, str]]:
    return [
        ("simple-table-ok", SIMPLE_TABLE),
        ("simple-table-no-header", "=====  =====\n1      2\n3      4\n=====  =====\n"),
        ("simple-table-span", "=====  =====\n  both spanned\n------------\n1      2\n=====  =====\n"),
        (
            "simple-table-text-in-margin",
            "=====  =====\nA      B\n=====  =====\n1      2 extra\n3      4\n=====  =====\n",
        ),
        (
            "simple-table-wide-last",
            "=====  =====\nA      B\n=====  =====\n1      last column may overflow\n=====  =====\n",
        ),
        ("simple-table-no-bottom", "=====  =====\nA      B\n=====  =====\n1      2\n"),
        ("simple-table-bottom-mismatch", "=====  =====\nA      B\n=====  =====\n1      2\n=====  ====\n"),
        ("simple-table-no-blank-after", SIMPLE_TABLE + "Para.\n"),
        ("simple-table-empty-first-col", "=====  =====\nA      B\n=====  =====\n       2\n3      4\n=====  =====\n"),
        ("simple-table-one-col", "=====\nA\n=====\n1\n2\n=====\n"),
        ("simple-table-blank-rows", "=====  =====\nA      B\n=====  =====\n1      2\n\n3      4\n=====  =====\n"),
        ("grid-table-ok", GRID_TABLE),
        ("grid-table-span", "+-----+-----+\n| spanned   |\n+-----+-----+\n| 1   | 2   |\n+-----+-----+\n"),
        ("grid-table-rowspan", "+-----+-----+\n| a   | b   |\n+     +-----+\n|     | c   |\n+-----+-----+\n"),
        ("grid-table-malformed-right", "+-----+-----+\n| A   | B    |\n+-----+-----+\n"),
        ("grid-table-malformed-corner", "+-----+-----+\n| A   | B   |\n+-----+----\n"),
        ("grid-table-missing-bottom", "+-----+-----+\n| A   | B   |\n"),
        ("grid-table-no-blank-after", GRID_TABLE + "Para.\n"),
        ("grid-table-body-markup", "+-------------+\n| - item      |\n| - item      |\n+-------------+\n"),
        ("grid-table-body-error", "+----------------+\n| *unclosed      |\n+----------------+\n"),
        (
            "grid-table-body-error-line",
            "+----------------+\n| fine           |\n+----------------+\n| ``unclosed     |\n+----------------+\n",
        ),
        ("grid-table-unicode", "+------+\n| äöü  |\n+------+\n"),
        ("grid-table-wide-chars", "+------+\n| 日本 |\n+------+\n"),
        ("grid-table-header-twice", "+---+\n| a |\n+===+\n| b |\n+===+\n| c |\n+---+\n"),
        ("grid-table-indented", "Para.\n\n    +---+\n    | a |\n    +---+\n"),
    ]


def _footnotes() -> list[tuple[str, str]]:
    return [
        ("footnote-numbered", "Text [1]_.\n\n.. [1] Note.\n"),
        ("footnote-auto", "Text [#]_ and [#]_.\n\n.. [#] One.\n.. [#] Two.\n"),
        ("footnote-auto-label", "Text [#a]_ and [#a]_.\n\n.. [#a] A.\n"),
        ("footnote-symbol", "Text [*]_ and [*]_.\n\n.. [*] One.\n.. [*] Two.\n"),
        ("footnote-missing", "Text [1]_.\n"),
        ("footnote-auto-missing", "Text [#]_.\n"),
        ("footnote-auto-too-many", "Text [#]_ [#]_.\n\n.. [#] One.\n"),
        ("footnote-symbol-too-many", "Text [*]_ [*]_.\n\n.. [*] One.\n"),
        ("footnote-label-missing", "Text [#nope]_.\n"),
        ("footnote-unreferenced", ".. [1] Nobody cites me.\n"),
        ("footnote-duplicate", "Text [1]_.\n\n.. [1] A.\n.. [1] B.\n"),
        ("footnote-duplicate-label", "Text [#a]_.\n\n.. [#a] A.\n.. [#a] B.\n"),
        ("footnote-no-blank-after", ".. [1] Note.\nPara.\n"),
        ("footnote-mixed-auto-manual", "[1]_ [#]_\n\n.. [1] one\n.. [#] auto\n"),
        ("footnote-empty", "Text [1]_.\n\n.. [1]\n"),
        ("citation-ok", "See [CIT2002]_.\n\n.. [CIT2002] A citation.\n"),
        ("citation-missing", "See [CIT2002]_.\n"),
        ("citation-duplicate", "See [C1]_.\n\n.. [C1] A.\n.. [C1] B.\n"),
        ("citation-unreferenced", ".. [C1] A.\n"),
    ]


def _targets() -> list[tuple[str, str]]:
    return [
        ("target-named", "See `Python`_.\n\n.. _Python: https://www.python.org/\n"),
        ("target-simple-name", "See python_.\n\n.. _python: https://www.python.org/\n"),
        ("target-missing", "See python_.\n"),
        ("target-missing-phrase", "See `the thing`_.\n"),
        ("target-case-insensitive", "See Python_.\n\n.. _python: https://www.python.org/\n"),
        ("target-whitespace-normalised", "See `a  b`_.\n\n.. _a b: https://a.example/\n"),
        ("target-internal", ".. _here:\n\nPara.\n\nSee here_.\n"),
        ("target-internal-unreferenced", ".. _here:\n\nPara.\n"),
        ("target-internal-end", "Para.\n\n.. _here:\n"),
        ("target-anonymous", "See `one`__ and `two`__.\n\n__ https://a.example/\n__ https://b.example/\n"),
        ("target-anonymous-dots", "See `one`__.\n\n.. __: https://a.example/\n"),
        ("target-anonymous-mismatch-refs", "See `one`__ and `two`__.\n\n__ https://a.example/\n"),
        ("target-anonymous-mismatch-targets", "See `one`__.\n\n__ https://a.example/\n__ https://b.example/\n"),
        ("target-anonymous-no-target", "See `one`__.\n"),
        ("target-indirect", "See a_.\n\n.. _a: b_\n.. _b: https://b.example/\n"),
        ("target-indirect-missing", "See a_.\n\n.. _a: b_\n"),
        ("target-indirect-circular", "See a_.\n\n.. _a: b_\n.. _b: a_\n"),
        ("target-indirect-phrase", "See a_.\n\n.. _a: `b c`_\n.. _b c: https://b.example/\n"),
        ("target-duplicate-different", "See a_.\n\n.. _a: https://one.example/\n.. _a: https://two.example/\n"),
        ("target-duplicate-same", "See a_.\n\n.. _a: https://one.example/\n.. _a: https://one.example/\n"),
        ("target-duplicate-unreferenced", ".. _a: https://one.example/\n.. _a: https://two.example/\n"),
        ("target-duplicate-internal", ".. _a:\n\nOne.\n\n.. _a:\n\nTwo.\n"),
        ("target-duplicate-section", "Name\n====\n\n.. _name:\n\nPara.\n"),
        ("target-duplicate-section-ref", "Name\n====\n\n.. _name:\n\nSee name_.\n"),
        ("target-embedded", "See `Python <https://www.python.org/>`_.\n"),
        ("target-embedded-anon", "See `Python <https://www.python.org/>`__.\n"),
        ("target-embedded-twice-same", "`P <https://p.example/>`_ and `P <https://p.example/>`_\n"),
        ("target-embedded-twice-diff", "`P <https://p.example/>`_ and `P <https://q.example/>`_\n"),
        ("target-embedded-alias", "See `this <a_>`_.\n\n.. _a: https://a.example/\n"),
        ("target-embedded-alias-missing", "See `this <a_>`_.\n"),
        ("target-embedded-empty", "See `<>`_.\n"),
        ("target-embedded-no-text", "See `<https://p.example/>`_.\n"),
        ("target-uri-multiline", ".. _a: https://a.example/\n   path/continued\n\nSee a_.\n"),
        ("target-uri-escaped-space", ".. _a: https://a.example/a\\ b\n\nSee a_.\n"),
        ("target-standalone-uri", "Visit https://example.com/path?x=1 and mailto:me@example.com or me@example.com.\n"),
        ("target-no-blank-after", ".. _a: https://a.example/\nPara a_.\n"),
        ("target-phrase-backquote", "See `a`_ and `a`_.\n\n.. _`a`: https://a.example/\n"),
        ("target-inline", "An _`inline target` here, see `inline target`_.\n"),
        ("target-inline-dup", "An _`x` and _`x` here.\n"),
        ("target-ref-to-inline-dup", "An _`x` and _`x` here; x_.\n"),
        ("target-ref-trailing-underscore-word", "foo_bar and snake_case_ words.\n"),
        ("target-email", "Contact <me@example.com>.\n"),
    ]


def _substitutions() -> list[tuple[str, str]]:
    return [
        ("subst-replace", "Hello |name|.\n\n.. |name| replace:: World\n"),
        ("subst-image", "Logo |logo|.\n\n.. |logo| image:: https://example.com/logo.png\n"),
        (
            "subst-image-options",
            "|b|\n\n.. |b| image:: https://example.com/b.svg\n   :target: https://example.com/\n   :alt: badge\n",
        ),
        ("subst-unicode", "Copyright |copy| 2020.\n\n.. |copy| unicode:: 0xA9 .. copyright sign\n"),
        ("subst-unicode-bad", "|x|\n\n.. |x| unicode:: 0xZZZZ\n"),
        ("subst-unicode-trim", "A |x| b\n\n.. |x| unicode:: U+2014\n   :trim:\n"),
        ("subst-date", "Today |today|.\n\n.. |today| date::\n"),
        ("subst-date-format", "Year |y|.\n\n.. |y| date:: %Y\n"),
        ("subst-undefined", "Hello |name|.\n"),
        ("subst-empty", "Hello |name|.\n\n.. |name| replace::\n"),
        ("subst-no-directive", "Hello |name|.\n\n.. |name|\n"),
        ("subst-text-not-directive", "Hello |name|.\n\n.. |name| just text\n"),
        ("subst-duplicate", "|a|\n\n.. |a| replace:: one\n.. |a| replace:: two\n"),
        ("subst-unused", ".. |a| replace:: one\n"),
        ("subst-case-fallback", "|Name|\n\n.. |name| replace:: x\n"),
        ("subst-reference", "|Python|_\n\n.. |Python| replace:: Python\n.. _Python: https://www.python.org/\n"),
        ("subst-reference-missing-target", "|Python|_\n\n.. |Python| replace:: Python\n"),
        ("subst-anon-reference", "|Python|__\n\n.. |Python| replace:: Python\n__ https://www.python.org/\n"),
        ("subst-circular", "|a|\n\n.. |a| replace:: |b|\n.. |b| replace:: |a|\n"),
        ("subst-self", "|a|\n\n.. |a| replace:: x |a|\n"),
        ("subst-nested", "|a|\n\n.. |a| replace:: x |b|\n.. |b| replace:: y\n"),
        ("subst-unknown-directive", "|a|\n\n.. |a| foo:: x\n"),
        ("subst-bad-directive", "|a|\n\n.. |a| note:: x\n"),
        ("subst-illegal-element", "|a|\n\n.. |a| replace:: x [1]_\n\n.. [1] n\n"),
        ("subst-replace-two-paras", "|a|\n\n.. |a| replace:: one\n\n   two\n"),
        ("subst-whitespace-name", "| a|\n"),
        ("subst-no-blank-after", ".. |a| replace:: x\nPara |a|.\n"),
        ("subst-image-no-uri", "|a|\n\n.. |a| image::\n"),
    ]


def _comments() -> list[tuple[str, str]]:
    return [
        ("comment-ok", "Para.\n\n.. a comment\n   continued\n\nPara.\n"),
        ("comment-empty", "Para.\n\n..\n\n    Quote after empty comment.\n"),
        ("comment-no-blank-after", ".. comment\nPara.\n"),
        ("comment-unindent", ".. comment\n   body\n  less\n"),
        ("comment-looks-like-directive", ".. not a directive: x\n\nPara.\n"),
        ("comment-blank-then-indent", "..\n   indented comment\n\nPara.\n"),
        ("comment-dotdot-word", "..word\n"),
    ]


# (name, text) of directives used correctly, as READMEs use them.
DIRECTIVES_OK = {
    "image": ".. image:: https://example.com/a.png\n   :alt: alt\n   :width: 100px\n   :height: 50\n   :scale: 50 %\n   :align: center\n   :target: https://example.com/\n",
    "figure": ".. figure:: https://example.com/a.png\n   :alt: alt\n   :figwidth: 50%\n\n   The caption.\n\n   The legend.\n",
    "code-python": ".. code:: python\n\n   print('hi')\n",
    "code-none": ".. code::\n\n   plain\n",
    "code-block-bash": ".. code-block:: bash\n\n   echo hi\n",
    "code-linenos": ".. code:: python\n   :number-lines: 10\n   :class: x\n   :name: snippet\n\n   x = 1\n",
    "sourcecode": ".. sourcecode:: python\n\n   x = 1\n",
    "note": ".. note:: Short note.\n",
    "note-body": ".. note::\n\n   Note body.\n",
    "warning": ".. warning:: Careful.\n",
    "admonitions": "".join(
        f".. {a}:: Text.\n\n"
        for a in ("attention", "caution", "danger", "error", "hint", "important", "tip", "seealso")
    ),
    "admonition": ".. admonition:: My title\n\n   Body.\n",
    "contents": "Title\n=====\n\n.. contents:: Table of contents\n   :depth: 2\n   :local:\n   :backlinks: none\n\nSub\n---\n\nText.\n",
    "sectnum": ".. sectnum::\n   :depth: 2\n   :prefix: S\n   :suffix: .\n   :start: 1\n\nTitle\n=====\n\nText.\n",
    "topic": ".. topic:: Topic title\n\n   Body.\n",
    "sidebar": ".. sidebar:: Side\n   :subtitle: sub\n\n   Body.\n\nMain.\n",
    "rubric": ".. rubric:: A rubric\n",
    "epigraph": ".. epigraph::\n\n   Quote.\n\n   -- Author\n",
    "highlights": ".. highlights::\n\n   Points.\n",
    "pull-quote": ".. pull-quote::\n\n   Quote.\n",
    "compound": ".. compound::\n\n   One para.\n\n   Two.\n",
    "container": ".. container:: custom\n\n   Body.\n",
    "table": ".. table:: Caption\n   :widths: auto\n   :align: left\n\n"
    + "".join("   " + ln + "\n" for ln in SIMPLE_TABLE.splitlines()),
    "list-table": ".. list-table:: Title\n   :header-rows: 1\n   :widths: 10 20\n\n   * - A\n     - B\n   * - 1\n     - 2\n",
    "csv-table": '.. csv-table:: Title\n   :header: "A", "B"\n   :widths: 10, 20\n\n   1, "two, three"\n   4, 5\n',
    "math": ".. math::\n\n   \\alpha + \\beta\n",
    "parsed-literal": ".. parsed-literal::\n\n   some *emphasis* here\n",
    "line-block-directive": ".. line-block::\n\n   one\n     two\n",
    "class": ".. class:: special\n\nPara.\n",
    "role": ".. role:: custom\n\nA :custom:`word`.\n",
    "role-options": ".. role:: py(code)\n   :language: python\n   :class: highlight\n\nA :py:`x = 1` here.\n",
    "role-emphasis-based": ".. role:: em2(emphasis)\n\nA :em2:`word`.\n",
    "default-role": ".. default-role:: code\n\nA `word`.\n",
    "default-role-reset": ".. default-role:: code\n\n.. default-role::\n\nA `word`.\n",
    "title": ".. title:: Page title\n\nPara.\n",
    "meta": ".. meta::\n   :keywords: a, b\n   :description: d\n\nPara.\n",
    "header": ".. header:: The header\n\nPara.\n",
    "footer": ".. footer:: The footer\n\nPara.\n",
    "target-notes": "See a_.\n\n.. _a: https://a.example/\n\n.. target-notes::\n",
    "unicode-sub": "|x|\n\n.. |x| unicode:: U+2603\n",
    "restructuredtext-test-directive": ".. restructuredtext-test-directive:: arg\n\n   content\n",
    "code-unknown-lang-off": ".. code:: text\n\n   plain text\n",
}

# Directives used wrongly: each breaks one rule the directive parser enforces.
DIRECTIVES_BAD = {
    "unknown": ".. foo:: bar\n",
    "unknown-body": ".. foo::\n\n   body\n",
    "unknown-sphinx-toctree": ".. toctree::\n   :maxdepth: 2\n\n   intro\n",
    "unknown-sphinx-versionadded": ".. versionadded:: 1.0\n",
    "unknown-sphinx-autofunction": ".. autofunction:: foo\n",
    "unknown-no-blank-after": ".. foo:: bar\nPara.\n",
    "raw": ".. raw:: html\n\n   <b>x</b>\n",
    "raw-no-content": ".. raw:: html\n",
    "include": ".. include:: other.rst\n",
    "include-literal": ".. include:: other.rst\n   :literal:\n",
    "csv-table-file": ".. csv-table:: T\n   :file: data.csv\n",
    "csv-table-url": ".. csv-table:: T\n   :url: https://example.com/data.csv\n",
    "csv-table-bad-quote": '.. csv-table:: T\n\n   "a, b\n',
    "csv-table-empty": ".. csv-table:: T\n",
    "csv-table-widths-mismatch": ".. csv-table:: T\n   :widths: 10, 20, 30\n\n   1, 2\n",
    "image-no-arg": ".. image::\n",
    "image-unknown-option": ".. image:: https://example.com/a.png\n   :foo: bar\n",
    "image-bad-width": ".. image:: https://example.com/a.png\n   :width: wide\n",
    "image-bad-align": ".. image:: https://example.com/a.png\n   :align: middle-ish\n",
    "image-bad-scale": ".. image:: https://example.com/a.png\n   :scale: big\n",
    "image-content": ".. image:: https://example.com/a.png\n\n   Content not allowed.\n",
    "image-target-missing": ".. image:: https://example.com/a.png\n   :target: nowhere_\n",
    "image-duplicate-option": ".. image:: https://example.com/a.png\n   :alt: a\n   :alt: b\n",
    "image-option-no-value": ".. image:: https://example.com/a.png\n   :alt:\n",
    "image-local-scale": ".. image:: logo.png\n   :scale: 50\n",
    "image-option-bad-indent": ".. image:: https://example.com/a.png\n :alt: a\n",
    "figure-no-arg": ".. figure::\n\n   caption\n",
    "figure-bad-caption": ".. figure:: https://example.com/a.png\n\n   - not a paragraph\n",
    "code-unknown-lang": ".. code:: nosuchlang\n\n   x\n",
    "code-block-unknown-lang": ".. code-block:: nosuchlang\n\n   x\n",
    "code-no-content": ".. code:: python\n",
    "code-bad-number-lines": ".. code:: python\n   :number-lines: x\n\n   x\n",
    "code-two-args": ".. code:: python extra\n\n   x\n",
    "note-empty": ".. note::\n",
    "admonition-no-title": ".. admonition::\n\n   Body.\n",
    "contents-bad-depth": ".. contents::\n   :depth: x\n",
    "contents-bad-backlinks": ".. contents::\n   :backlinks: maybe\n",
    "sectnum-bad-depth": ".. sectnum::\n   :depth: x\n",
    "topic-no-title": ".. topic::\n\n   Body.\n",
    "topic-no-content": ".. topic:: Title\n",
    "topic-in-list": "- item\n\n  .. topic:: T\n\n     Body.\n",
    "sidebar-in-list": "- item\n\n  .. sidebar:: T\n\n     Body.\n",
    "rubric-no-arg": ".. rubric::\n",
    "epigraph-empty": ".. epigraph::\n",
    "container-empty": ".. container::\n",
    "table-not-table": ".. table:: T\n\n   Just a paragraph.\n",
    "table-empty": ".. table:: T\n",
    "table-bad-widths": ".. table::\n   :widths: 1 2 3\n\n"
    + "".join("   " + ln + "\n" for ln in SIMPLE_TABLE.splitlines()),
    "list-table-uneven": ".. list-table::\n\n   * - A\n     - B\n   * - 1\n",
    "list-table-not-list": ".. list-table::\n\n   Paragraph.\n",
    "list-table-bad-header": ".. list-table::\n   :header-rows: 5\n\n   * - A\n",
    "list-table-bad-widths": ".. list-table::\n   :widths: 1 2 3\n\n   * - A\n     - B\n",
    "list-table-empty": ".. list-table::\n",
    "math-empty": ".. math::\n",
    "parsed-literal-empty": ".. parsed-literal::\n",
    "class-no-arg": ".. class::\n\nPara.\n",
    "class-bad-name": ".. class:: !!!\n\nPara.\n",
    "role-no-name": ".. role::\n",
    "role-unknown-base": ".. role:: x(nosuchrole)\n\n:x:`a`\n",
    "role-raw-base": ".. role:: raw-html(raw)\n   :format: html\n\n:raw-html:`<br/>`\n",
    "role-bad-option": ".. role:: x(emphasis)\n   :nope: 1\n",
    "role-bad-name": ".. role:: bad name here\n",
    "default-role-unknown": ".. default-role:: nosuchrole\n",
    "title-directive-no-arg": ".. title::\n",
    "meta-empty": ".. meta::\n",
    "meta-bad": ".. meta::\n\n   not a field list\n",
    "header-empty": ".. header::\n",
    "date-outside-subst": ".. date::\n",
    "replace-outside-subst": ".. replace:: x\n",
    "unicode-outside-subst": ".. unicode:: U+2603\n",
    "directive-bad-option-block": ".. note::\n   :class: x\n   :bad\n\n   Body.\n",
    "directive-arg-on-no-arg": ".. contents:: a b c d e\n   :nope:\n",
    "directive-no-blank-before-content": ".. note::\n   :class: x\n   Body.\n",
    "directive-upper-case": ".. NOTE:: Upper case name.\n",
    "directive-space-before-colons": ".. note :: Space.\n",
    "footnotes-directive": ".. footnotes::\n",
}


def _directives() -> list[tuple[str, str]]:
    out = [(f"directive-{k}", v) for k, v in DIRECTIVES_OK.items()]
    out += [(f"directive-bad-{k}", v) for k, v in DIRECTIVES_BAD.items()]
    return out


ROLES = [
    "emphasis",
    "strong",
    "literal",
    "code",
    "math",
    "pep-reference",
    "PEP",
    "rfc-reference",
    "RFC",
    "abbreviation",
    "ab",
    "acronym",
    "ac",
    "subscript",
    "sub",
    "superscript",
    "sup",
    "title-reference",
    "title",
    "t",
]


def _roles() -> list[tuple[str, str]]:
    out = []
    for r in ROLES:
        arg = "8" if r.lower().startswith("pep") else "2822" if r.lower().startswith("rfc") else "text"
        out.append((f"role-{r}", f"A :{r}:`{arg}` role.\n"))
        out.append((f"role-{r}-suffix", f"A `{arg}`:{r}: role.\n"))
    out += [
        ("role-unknown", "A :nosuch:`x` role.\n"),
        ("role-unknown-suffix", "A `x`:nosuch: role.\n"),
        ("role-sphinx-func", "Call :func:`foo`.\n"),
        ("role-sphinx-class", "See :class:`Foo`.\n"),
        ("role-sphinx-ref", "See :ref:`label`.\n"),
        ("role-sphinx-doc", "See :doc:`intro`.\n"),
        ("role-raw", "A :raw:`<b>` role.\n"),
        ("role-pep-bad", "See :pep:`abc`.\n"),
        ("role-pep-big", "See :PEP:`100000`.\n"),
        ("role-rfc-bad", "See :RFC:`x`.\n"),
        ("role-rfc-anchor", "See :RFC:`2822#section-3.6`.\n"),
        ("role-both-prefix-suffix", "A :emphasis:`x`:strong: both.\n"),
        ("role-and-reference", "A :emphasis:`x`_ both.\n"),
        ("role-reference-suffix", "A `x`_:emphasis: both.\n"),
        ("role-empty", "A :emphasis:`` empty.\n"),
        ("role-math-latex", "Inline :math:`\\frac{1}{2}` math.\n"),
        ("role-code-in-word", "word:code:`x`\n"),
        ("role-case", "A :Emphasis:`x` role.\n"),
        ("role-embedded-uri", "A :emphasis:`x <https://a.example/>` role.\n"),
        ("role-newline", "A :emphasis:`multi\nline` role.\n"),
    ]
    return out


def _inline() -> list[tuple[str, str]]:
    out = []
    markup = {
        "emphasis": ("*", "*"),
        "strong": ("**", "**"),
        "literal": ("``", "``"),
        "interpreted": ("`", "`"),
        "reference": ("`", "`_"),
        "anon-reference": ("`", "`__"),
        "target": ("_`", "`"),
        "subst": ("|", "|"),
        "footnote": ("[", "]_"),
    }
    # (tag, text with {s} and {e}, and whether docutils needs a definition appended)
    contexts = [
        ("plain", "a {s}x{e} b"),
        ("start-of-line", "{s}x{e} b"),
        ("end-of-line", "a {s}x{e}"),
        ("parens", "a ({s}x{e}) b"),
        ("quotes", "a '{s}x{e}' b"),
        ("brackets", "a [{s}x{e}] b"),
        ("after-dash", "a -{s}x{e}- b"),
        ("after-slash", "a /{s}x{e}/ b"),
        ("punct-after", "a {s}x{e}, b. {s}y{e}; {s}z{e}!"),
        ("inside-word", "a word{s}x{e}word b"),
        ("no-end", "a {s}x b"),
        ("no-end-eol", "a {s}x"),
        ("space-after-start", "a {s} x{e} b"),
        ("space-before-end", "a {s}x {e} b"),
        ("end-in-word", "a {s}x{e}y b"),
        ("start-after-word", "ab{s}x{e} b"),
        ("escaped-start", "a \\{s}x{e} b"),
        ("escaped-end", "a {s}x\\{e} b"),
        ("multiline", "a {s}x\ny{e} b"),
        ("two-on-line", "a {s}x{e} and {s}y{e} b"),
        ("unicode-quotes", "a \u00ab{s}x{e}\u00bb b"),
        ("unicode-dash", "a \u2014{s}x{e}\u2014 b"),
        ("cjk", "日本{s}x{e}語"),
        ("after-colon", "key:{s}x{e}"),
        ("nbsp", "a\u00a0{s}x{e}\u00a0b"),
        ("second-line-no-end", "fine line\nthen {s}broken"),
        ("in-list", "- item {s}x\n- item"),
        ("in-title", "Title {s}x\n===========\n\nText."),
    ]
    defs = {
        "reference": "\n\n.. _x: https://x.example/\n.. _y: https://y.example/\n.. _z: https://z.example/\n",
        "anon-reference": "",
        "subst": "\n\n.. |x| replace:: X\n.. |y| replace:: Y\n.. |z| replace:: Z\n",
        "footnote": "\n\n.. [x] X\n.. [y] Y\n.. [z] Z\n",
    }
    for kind, (s, e) in markup.items():
        for tag, tpl in contexts:
            body = tpl.format(s=s, e=e) + "\n"
            out.append((f"inline-{kind}-{tag}", body + defs.get(kind, "")))
    out += [
        ("inline-escapes", "Escaped \\*star\\* and \\`tick\\` and \\\\ backslash and \\_under.\n"),
        ("inline-lone-star", "A * lone star and a ` lone tick and | bar.\n"),
        ("inline-math-star", "2 * 3 * 4 = 24, a*b*c.\n"),
        ("inline-glob", "Use *.py files and **/*.txt patterns.\n"),
        ("inline-literal-backslash", "A ``C:\\path\\`` literal.\n"),
        ("inline-literal-backticks", "A ```x``` odd literal.\n"),
        ("inline-literal-inner-backtick", "A ``a ` b`` literal.\n"),
        ("inline-emphasis-in-strong", "**strong *em* strong**\n"),
        ("inline-nested-literal-emph", "*em ``lit`` em*\n"),
        ("inline-double-star-word", "a**b**c\n"),
        ("inline-python-kwargs", "Call f(*args, **kwargs).\n"),
        ("inline-star-start-unmatched", "*args alone\n"),
        ("inline-underscore-identifier", "Use __init__ and _private and dunder__ here.\n"),
        ("inline-trailing-underscore", "See name_ here.\n"),
        ("inline-pipe-table-like", "| not | a | table |\n"),
        ("inline-pipe-in-text", "a |b c| d\n"),
        ("inline-pipe-unterminated", "a |b c d\n"),
        ("inline-bracket-ref-like", "a [1] b [x]_c\n"),
        ("inline-footnote-ref-space", "a [1] _ b\n"),
        ("inline-email-like", "user@host and <user@host> and `x <mailto:a@b>`_\n"),
        ("inline-url-parens", "(https://example.com/a_(b)) and <https://example.com/>\n"),
        ("inline-url-trailing-underscore", "https://example.com/a_ b\n"),
        ("inline-smartquotes", "\"Quotes\" -- and --- and ... 'single'\n"),
        ("inline-unicode-punct-open", "\u201c*x*\u201d \u2018*y*\u2019 \u300c*z*\u300d\n"),
        ("inline-unicode-punct-star-after", "x\u2019*y\n"),
        ("inline-backslash-space", "a\\ *b*\\ c\n"),
        ("inline-backslash-eol", "line ends with backslash\\\nnext\n"),
        ("inline-zero-width-space", "a\u200b*b*\u200bc\n"),
        ("inline-emphasis-star-inside", "*a * b*\n"),
        ("inline-emphasis-empty", "** empty\n"),
        ("inline-strong-triple", "***x***\n"),
        ("inline-interpreted-empty", "a `` b\n"),
        ("inline-reference-empty", "a `\u00a0`_ b\n"),
        ("inline-target-then-ref", "_`t` then t_\n"),
        ("inline-reference-to-title-case", "Section\n=======\n\nsee section_\n"),
        ("inline-phrase-ref-multiline", "see `a\nb`_\n\n.. _a b: https://a.example/\n"),
        ("inline-footnote-ref-after-word", "word[1]_\n\n.. [1] n\n"),
        ("inline-start-before-angle", "<*x*>\n"),
        ("inline-start-after-angle", "a <*x> b\n"),
        ("inline-tick-in-word", "don`t and can`t\n"),
        ("inline-double-tick-word", "a``b``c\n"),
    ]
    return out


# Whole READMEs, valid: the bases of the random mutations and cases of their own.
DOCS = [
    _d("""
        ========
        Demopkg
        ========

        .. image:: https://img.shields.io/pypi/v/demopkg.svg
           :target: https://pypi.org/project/demopkg/
           :alt: PyPI

        Demopkg does *one* thing **well**. See the `documentation`_ and ``demopkg --help``.

        .. contents:: Contents
           :local:

        Installation
        ============

        Install it with pip::

            pip install demopkg

        Usage
        =====

        .. code-block:: python

           import demopkg
           demopkg.run()

        Options:

        -v, --verbose  Say more.
        -q             Say less.

        Features
        --------

        - Fast [#]_.
        - Small.

          * Nested item.

        1. First.
        2. Second.

        .. note:: This is a note.

        Changelog
        =========

        1.0 (2020-01-01)
        ----------------

        * First release, see |pypi|_.

        .. _documentation: https://demopkg.example/
        .. |pypi| replace:: PyPI
        .. _pypi: https://pypi.org/
        .. [#] Benchmarks in the docs.
        """),
    _d("""
        Project
        =======

        :Author: Someone
        :License: MIT

        A paragraph with a footnote [1]_ and a citation [CIT]_.

        +--------+--------+
        | Header | Header |
        +========+========+
        | a      | b      |
        +--------+--------+

        =====  =====
        Col    Col
        =====  =====
        x      y
        =====  =====

        term
            Its definition.

        other term : classifier
            Another.

        | Line one
        | Line two

        >>> 1 + 1
        2

            A block quote.

            -- Attribution

        .. [1] The footnote.
        .. [CIT] The citation.

        ----------

        The end.
        """),
    _d("""
        Changes
        =======

        2.0.0
        -----

        - Dropped Python 2 (`#12 <https://example.com/12>`_).
        - Added ``--flag`` (`#13`__).

        __ https://example.com/13

        1.0.0
        -----

        - Initial release.

        Contributors
        ------------

        * A, B and C.

        .. list-table::
           :header-rows: 1

           * - Version
             - Date
           * - 1.0
             - 2019
        """),
    _d("""
        Library
        -------

        Install::

          $ pip install library

        Then:

        .. code:: python

           >>> import library
           >>> library.go()

        .. warning::

           Experimental.

        Links
        ~~~~~

        * Home: https://library.example/
        * Issues: `tracker <https://library.example/issues>`_
        * :PEP:`8` style, see :RFC:`2822`.

        .. figure:: https://library.example/fig.png
           :alt: A figure

           Caption.
        """),
    _d("""
        Reference
        =========

        .. _top:

        A package with |name|, footnotes [#note]_ and an anonymous link `here`__.

        __ https://here.example/

        .. |name| replace:: *the name*
        .. |logo| image:: https://example.com/logo.png
           :alt: logo

        |logo|

        Fields and options
        ------------------

        :param x: The x.
        :type x: int
        :returns: Nothing.

        --verbose, -v     More output.
        --config=FILE     Read FILE.

        Nested lists
        ------------

        1. One

           a. Sub one
           b. Sub two

        2. Two

           - bullet
           - bullet

             term
                 Definition in a list.

        #. Auto

        Back to top_ and `Fields and options`_.

        .. [#note] A footnote with ``code``.

        .. code-block:: text

           plain text block

        .. topic:: A topic

           Topic body with a line block:

           | one
           | two
        """),
    _d("""
        API changes
        ~~~~~~~~~~~

        .. csv-table:: Timings
           :header: "Op", "Time"
           :widths: 20, 10

           "read", 1
           "write", 2

        .. table:: Sizes

           ====  =====
           Name  Size
           ====  =====
           a     1
           b     2
           ====  =====

        +------------+------------+
        | Cell with  | - a list   |
        | two lines  | - in cell  |
        +------------+------------+

        .. sidebar:: Aside

           Sidebar text.

        .. epigraph::

           Simple is better than complex.

           -- The Zen of Python

        .. math::

           e^{i\\pi} + 1 = 0

        Inline :math:`x^2`, :sub:`sub`, :sup:`sup`, :title:`Title`, :PEP:`20`.

        .. [CIT] Citation text, cited as [CIT]_.

        .. rubric:: Footnotes

        .. container:: end

           The end.
        """),
]


def _docs() -> list[tuple[str, str]]:
    return [(f"readme-{i}", doc) for i, doc in enumerate(DOCS)]


def _more() -> list[tuple[str, str]]:
    """Rarer rules: bibliographic fields, nested-directive contexts, limits, odd markers."""
    long_line = "x" * 10_001
    out = [
        ("docinfo-empty-author", ":Author:\n\nText.\n"),
        ("docinfo-two-dates", ":Date: 2020\n:Date: 2021\n\nText.\n"),
        ("docinfo-author-list", ":Author: - a\n         - b\n\nText.\n"),
        ("docinfo-authors-ok", ":Authors: A; B\n:Version: 1.0\n:Copyright: me\n\nText.\n"),
        ("docinfo-version-list", ":Version:\n  - 1\n  - 2\n\nText.\n"),
        ("docinfo-after-title", "Title\n=====\n\n:Author:\n\nText.\n"),
        ("docinfo-after-para", "Text.\n\n:Author:\n"),
        ("docinfo-dedication-empty", ":Dedication:\n\nText.\n"),
        ("docinfo-abstract", ":Abstract: An abstract.\n\nText.\n"),
        ("docinfo-status-two", ":Status: a\n:Status: b\n\nText.\n"),
        ("line-too-long", f"Short line.\n\n{long_line}\n"),
        ("line-at-limit", f"Short line.\n\n{'x' * 10_000}\n"),
        ("subst-too-long", "|a|\n\n.. |a| replace:: " + "word " * 2100 + "\n"),
        ("title-invalid-marker", "Para.\n\n=====\n=====\n\nText.\n"),
        ("title-invalid-marker-short", "Para.\n\n===\n===\n\nText.\n"),
        ("title-overline-short-3", "===\nTitle text\n===\n\nText.\n"),
        ("role-index", "A :index:`word` here.\n"),
        ("role-target", "A :target:`word` here.\n"),
        ("role-named-reference", "A :named-reference:`word` here.\n"),
        ("role-unimplemented", "A :restructuredtext-unimplemented-role:`x` here.\n"),
        ("role-code-language-unknown", ".. role:: x(code)\n   :language: nosuchlang\n\nA :x:`y` here.\n"),
        ("role-code-language-known", ".. role:: x(code)\n   :language: python\n\nA :x:`y = 1` here.\n"),
        ("role-custom-class-bad", ".. role:: x\n   :class: !!\n\n:x:`y`\n"),
        ("role-directive-content", ".. role:: x\n\n   content\n"),
        ("default-role-bad-arg", ".. default-role:: a b\n"),
        ("sidebar-in-sidebar", ".. sidebar:: Outer\n\n   .. sidebar:: Inner\n\n      Body.\n"),
        ("sidebar-subtitle-no-title", ".. sidebar::\n   :subtitle: Sub\n\n   Body.\n"),
        ("sidebar-no-title", ".. sidebar::\n\n   Body.\n"),
        ("topic-in-sidebar", ".. sidebar:: S\n\n   .. topic:: T\n\n      Body.\n"),
        ("topic-in-topic", ".. topic:: A\n\n   .. topic:: B\n\n      Body.\n"),
        ("contents-in-list", "- item\n\n  .. contents::\n"),
        ("contents-in-topic", ".. topic:: T\n\n   .. contents::\n"),
        ("image-align-in-subst", "|a|\n\n.. |a| image:: https://example.com/a.png\n   :align: center\n"),
        ("image-align-top-in-subst", "|a|\n\n.. |a| image:: https://example.com/a.png\n   :align: top\n"),
        ("image-align-top", ".. image:: https://example.com/a.png\n   :align: top\n"),
        ("image-target-ref", ".. image:: https://example.com/a.png\n   :target: a_\n\n.. _a: https://a.example/\n"),
        ("image-target-anon", ".. image:: https://example.com/a.png\n   :target: `a`__\n\n__ https://a.example/\n"),
        ("image-name-dup", ".. image:: https://example.com/a.png\n   :name: x\n\n.. _x: https://x.example/\n"),
        ("image-height-units", ".. image:: https://example.com/a.png\n   :height: 2em\n   :width: 50%\n"),
        ("image-bad-height", ".. image:: https://example.com/a.png\n   :height: 50%\n"),
        ("image-loading", ".. image:: https://example.com/a.png\n   :loading: lazy\n"),
        ("image-bad-loading", ".. image:: https://example.com/a.png\n   :loading: soon\n"),
        ("figure-align-bad", ".. figure:: https://example.com/a.png\n   :align: top\n"),
        ("figure-legend-only", ".. figure:: https://example.com/a.png\n\n   ..\n\n   Legend only.\n"),
        (
            "figure-figclass",
            ".. figure:: https://example.com/a.png\n   :figclass: wide\n   :figwidth: image\n\n   Caption.\n",
        ),
        ("name-option-dup", ".. note::\n   :name: x\n\n   A.\n\n.. note::\n   :name: x\n\n   B.\n"),
        ("name-option-ref", ".. note::\n   :name: box\n\n   A.\n\nSee box_.\n"),
        ("class-at-end", "Para.\n\n.. class:: special\n"),
        ("class-before-title", ".. class:: special\n\nTitle\n=====\n\nText.\n"),
        ("meta-bad-attr", ".. meta::\n   :name=foo bar: x\n\nText.\n"),
        ("meta-ok-attr", ".. meta::\n   :http-equiv=Content-Type: text/html\n\nText.\n"),
        ("citation-empty", "[C1]_\n\n.. [C1]\n"),
        ("footnote-label-and-number", "[#a]_ [1]_ [#]_\n\n.. [#a] a\n.. [1] one\n.. [#] auto\n"),
        ("footnote-ref-in-title", "Title [1]_\n==========\n\n.. [1] n\n"),
        ("target-in-title", "Title _`t`\n==========\n\nSee t_.\n"),
        ("subst-in-title", "Title |x|\n=========\n\n.. |x| replace:: X\n"),
        ("subst-image-in-title", "|logo| Title\n============\n\n.. |logo| image:: https://example.com/l.png\n"),
        ("optlist-bad-marker", "--opt=  Missing argument.\n"),
        ("optlist-bad-marker-2", "-a, --b=x, -c  Several.\n--d= , -e  Bad.\n"),
        ("optlist-one-space", "-a Option with one space.\n"),
        ("optlist-long-equals", "--output=FILE  Write there.\n--input FILE   Read here.\n"),
        ("enum-roman-continue", "i. one\nii. two\niii. three\niv. four\n"),
        ("enum-letter-after-z", "z. last\naa. too far\n"),
        ("enum-indented-second", "1. one\n\n 2. two\n"),
        # Python's ints are unbounded: the list goes on past 2**63 - 1 and past 20 digits.
        ("enum-past-i64", "9223372036854775807. a\n9223372036854775808. b\nc\n"),
        ("enum-past-u64", "099999999999999999999. a\n100000000000000000000. b\nc\n"),
        ("enum-past-i64-gap", "9223372036854775807. a\n9223372036854775809. b\nc\n"),
        ("bullet-indented-second", "- one\n\n - two\n"),
        ("deflist-classifier-markup", "term : *classifier*\n    Definition.\n"),
        ("deflist-term-markup-error", "term *broken\n    Definition.\n"),
        ("field-name-markup", ":*field*: value\n"),
        ("field-name-markup-broken", ":*field: value\n"),
        ("table-in-list", "- item\n\n  =====  =====\n  A      B\n  =====  =====\n"),
        ("grid-table-in-blockquote-bad", "Para.\n\n    +---+\n    | a  |\n    +---+\n"),
        ("simple-table-colspan-bad", "=====  =====\nA      B\n=====  =====\n1      2\n-----\n=====  =====\n"),
        ("simple-table-rst-in-cell", "=====  =====\nA      B\n=====  =====\n*x     2\n=====  =====\n"),
        ("literal-after-title-colons", "Title::\n======\n\n    code\n"),
        ("literal-double-colon-only-para", "Text\n\n::\n\nText.\n"),
        ("doctest-in-quote", "Para.\n\n   >>> x\n   1\n   Text\n"),
        ("comment-in-list-no-blank", "- item\n.. comment\n"),
        ("section-in-directive", ".. note::\n\n   Title\n   =====\n\n   Text.\n"),
        ("section-in-container", ".. container::\n\n   Title\n   =====\n\n   Text.\n"),
        ("section-in-sidebar", ".. sidebar:: S\n\n   Title\n   =====\n\n   Text.\n"),
        ("section-in-topic", ".. topic:: T\n\n   Title\n   =====\n\n   Text.\n"),
        ("section-in-table-cell", "+----------+\n| Title    |\n| =====    |\n+----------+\n"),
        ("transition-in-directive", ".. note::\n\n   A.\n\n   ----------\n\n   B.\n"),
        ("unicode-bullets-nested", "\u2022 one\n\n  \u2023 two\n"),
        ("emphasis-across-blank", "*a\n\nb*\n"),
        ("literal-across-lines-ok", "``a\nb``\n"),
        ("bad-utf8-replacement", "Text \ufffd here.\n"),
        # docutils 0.23 crashes (KeyError in its substitution transform) on a substitution
        # definition nested in another one's content when the outer one is referenced: twine
        # fails with the traceback, so the verdict is a refusal.
        (
            "subst-def-nested-in-replace-crash",
            "|name|\n\n.. |name| replace:: x\n   .. |logo| image:: https://e.example/l.png\n",
        ),
        (
            "subst-def-nested-in-replace-unref",
            "|logo|\n\n.. |name| replace:: x\n   .. |logo| image:: https://e.example/l.png\n",
        ),
        ("bom-start", "\ufeffTitle\n=====\n\nText.\n"),
        ("tab-in-title", "A\tB\n========\n\nText.\n"),
        ("tab-underline-width", "Ta\tb\n====\n\nText.\n"),
    ]
    return out


# Characters around inline markup: ASCII punctuation, whitespace kinds, and Unicode punctuation
# of each category docutils' start/end-string rules name (Pd, Ps, Pe, Pi, Pf, Po), plus letters
# and digits, which never delimit.
AROUND = [
    "-",
    ":",
    "/",
    "'",
    '"',
    "<",
    "(",
    "[",
    "{",
    ".",
    ",",
    ";",
    "!",
    "?",
    "\\",
    ")",
    "]",
    "}",
    ">",
    "_",
    "*",
    "`",
    "|",
    "a",
    "1",
    "\u00ab",
    "\u00bb",
    "\u2039",
    "\u201e",
    "\u201c",
    "\u201d",
    "\u2018",
    "\u2019",
    "\u2013",
    "\u2014",
    "\u2010",
    "\u3002",
    "\u3001",
    "\u300c",
    "\u300d",
    "\u00a1",
    "\u00bf",
    "\u00a0",
    "\u2009",
    "\u3000",
    "\u00e9",
]
# Opening/closing pairs: a start-string right after an opener and right before its closer is
# not markup ("quoted" start-strings).
PAIRS = [
    "()",
    "[]",
    "{}",
    "<>",
    "''",
    '""',
    "\u00ab\u00bb",
    "\u2039\u203a",
    "\u201c\u201d",
    "\u2018\u2019",
    "\u201e\u201c",
    "\u201a\u2018",
    "\u300c\u300d",
    "\u00bb\u00ab",
    "\u201d\u201d",
]


def _inline_rules() -> list[tuple[str, str]]:
    """Emphasis and inline literals against every neighbour, before and after."""
    out = []
    for i, ch in enumerate(AROUND):
        # A start-string without an end: refused exactly when the neighbour lets it start.
        out.append((f"around-before-em-{i:02d}", f"a {ch}*x b\n"))
        out.append((f"around-before-lit-{i:02d}", f"a {ch}``x b\n"))
        # A complete pair: refused exactly when the neighbour keeps the end-string from counting.
        out.append((f"around-after-em-{i:02d}", f"a *x*{ch} b\n"))
        out.append((f"around-after-lit-{i:02d}", f"a ``x``{ch} b\n"))
        out.append((f"around-end-preceded-{i:02d}", f"a *x{ch}* b\n"))
    for i, (o, c) in enumerate(PAIRS):
        out.append((f"quoted-start-{i:02d}", f"a {o}*{c} b\n"))
        out.append((f"quoted-start-lit-{i:02d}", f"a {o}``{c} b\n"))
        out.append((f"quoted-markup-{i:02d}", f"a {o}*x*{c} b\n"))
    return out


def _found_by_exploring() -> list[tuple[str, str]]:
    """Shapes `--seed 7 --mutations 3000` turned up, kept small."""
    grid_no_bottom = "+-------+-------+\n| A     | B `    |\n+=======+=======+\n| 1     | 2     |\n+-------+-------+\n| 3     | 4     |\n"
    return [
        ("grid-table-no-bottom-misaligned", grid_no_bottom),
        ("grid-table-no-bottom-misaligned-after", "Para.\n\n" + grid_no_bottom),
        ("list-table-widths-junk", ".. list-table::\n   :widths: 10 20__\n\n   * - A\n     - B\n"),
        ("csv-table-widths-junk", ".. csv-table:: T\n   :widths: `20, 10\n\n   1, 2\n"),
        (
            "table-widths-junk",
            ".. table::\n   :widths: 1 2x\n\n" + "".join("   " + ln + "\n" for ln in SIMPLE_TABLE.splitlines()),
        ),
        (
            "directive-dup-option-and-bad-option-name",
            "Title\n=====\n\n.. contents:: Table of contents\n   :depth: 2\n   :depth: 2\n   :**local:\n",
        ),
        ("directive-bad-option-name-markup", ".. contents::\n   :**local:\n"),
        # Seeds 11, 23 and 31 (2,000-2,500 mutations each).
        ("footnote-number-ref-to-auto", "See [1]_ and [#]_.\n\n.. [#] auto\n"),
        ("footnote-number-ref-past-labelled-auto", "See [1]_ and [#a]_.\n\n.. [#a] one\n.. [#] two\n"),
        ("contents-title-anonymous-ref", ".. contents:: Table of contents__\n\nText.\n"),
        ("contents-title-is-a-target", ".. contents:: On this page\n\nSee `on this page`_.\n"),
        ("csv-table-cell-markup-line", ".. csv-table:: T\n\n   a, b\n   c, *d\n"),
        ("subst-circular-three", "|b|\n\n.. |a| replace:: |b|\n.. |b| replace:: |c|\n.. |c| replace:: |a|\n"),
        ("subst-anonymous-ref", "|a|\n\n.. |a| replace:: y__\n\n__ https://example.com\n"),
        ("subst-embedded-uri", "|a|\n\n.. |a| replace:: `y <https://x.org>`_\n"),
        ("meta-bad-attr-blank-lines", ".. meta::\n   :name=foo bar: x\n   :a: b\n\n\nText.\n"),
        ("list-table-widths-zero", ".. list-table::\n   :widths: 0 1\n\n   * - A\n     - B\n"),
    ]


def hand_cases() -> list[tuple[str, str]]:
    """The hand-written cases, in a fixed order."""
    groups = [
        _sections,
        _transitions,
        _paragraphs,
        _lists,
        _literal,
        _tables,
        _footnotes,
        _targets,
        _substitutions,
        _comments,
        _directives,
        _roles,
        _inline,
        _docs,
        _more,
        _inline_rules,
        _found_by_exploring,
    ]
    return [case for group in groups for case in group()]


# --------------------------------------------------------------------------- random mutations

MARKUP_BITS = ["*", "**", "`", "``", "_", "__", "|", "[1]_", ":", "::", ".. ", "\\", "-- ", "#", ">>> ", "`x`_"]


def _mutate(rng: random.Random, text: str) -> tuple[str, str]:
    lines = text.split("\n")
    i = rng.randrange(len(lines))
    op = rng.choice(["delete", "duplicate", "indent", "dedent", "shorten", "drop-blank", "insert", "swap"])
    if op == "delete":
        del lines[i]
    elif op == "duplicate":
        lines.insert(i, lines[i])
    elif op == "indent":
        lines[i] = " " * rng.choice([1, 2, 3, 4]) + lines[i]
    elif op == "dedent":
        lines[i] = lines[i].lstrip()
    elif op == "shorten":
        # Prefer an adornment line: that is where shortening means something.
        adorned = [j for j, ln in enumerate(lines) if len(ln) > 2 and len(set(ln)) == 1 and not ln[0].isalnum()]
        i = rng.choice(adorned) if adorned else i
        lines[i] = lines[i][: max(0, len(lines[i]) - rng.randint(1, 4))]
    elif op == "drop-blank":
        blanks = [j for j, ln in enumerate(lines) if not ln.strip() and 0 < j < len(lines) - 1]
        if blanks:
            i = rng.choice(blanks)
            del lines[i]
    elif op == "insert":
        pos = rng.randint(0, len(lines[i]))
        lines[i] = lines[i][:pos] + rng.choice(MARKUP_BITS) + lines[i][pos:]
    else:
        j = min(i + 1, len(lines) - 1)
        lines[i], lines[j] = lines[j], lines[i]
    return op, "\n".join(lines)


def mutation_cases(n: int = MUTATIONS, seed: int = SEED) -> list[tuple[str, str]]:
    """`n` seeded mutations (one to three edits each) of the valid READMEs and small valid cases."""
    rng = random.Random(seed)
    bases = DOCS + [SIMPLE_TABLE, GRID_TABLE, DIRECTIVES_OK["list-table"], DIRECTIVES_OK["contents"]]
    out = []
    for k in range(n):
        text = bases[k % len(bases)]
        ops = []
        for _ in range(rng.choice([1, 1, 2, 3])):
            op, text = _mutate(rng, text)
            ops.append(op)
        out.append((f"mut-{k:03d}-base{k % len(bases)}-{'-'.join(ops)}", text))
    return out


def cases(*, seed: int = SEED, mutations: int = MUTATIONS) -> list[tuple[str, str]]:
    """Every case as (file name, text): `NNNN-name.rst`, hand cases from 0001, mutations from 2000.

    The test suite uses the defaults; another `seed` (and more `mutations`) explores further."""
    hand = hand_cases()
    assert len(hand) < MUTATION_BASE, len(hand)
    named = [(f"{i + 1:04d}-{name}.rst", text) for i, (name, text) in enumerate(hand)]
    muts = mutation_cases(mutations, seed)
    named += [(f"{MUTATION_BASE + i:04d}-{name}.rst", text) for i, (name, text) in enumerate(muts)]
    names = [n for n, _ in named]
    assert len(set(names)) == len(names), "duplicate case names"
    return named


# --------------------------------------------------------------------------- real READMEs

# Real long descriptions (tests/test_rst.py, bench/rst.py): wheels and sdists on PyPI, pinned by
# URL and sha256, whose long description is reST (or has no content type, which twine and
# PyPI treat as reST). Wheels where twine 7 reads the metadata; sdists for the releases whose
# wheels carry Metadata-Version 2.0, which twine 7 refuses before rendering anything.
# twine refuses the description of: celery-4.4.7, docopt-0.6.2, fixtures-3.0.0, funcsigs-1.0.2,
# jmespath-0.10.0, lockfile-0.12.2, pip-1.5.6, Pygments-1.6, requests-1.2.3, requests-2.18.4,
# backports.ssl_match_hostname-3.7.0.1, testscenarios-0.5.0, unittest2-1.1.0, virtualenv-1.11.6
# (Sphinx roles and directives, unknown targets, and old PKG-INFO Description headers whose
# folded lines docutils reads as misplaced titles).
REAL_READMES = [
    (
        "https://files.pythonhosted.org/packages/3b/00/2344469e2084fb287c2e0b57b72910309874c3245463acd6cf5e3db69324/appdirs-1.4.4-py2.py3-none-any.whl",
        "a841dacd6b99318a741b166adb07e19ee71a274450e68237b4650ca1055ab128",
    ),
    (
        "https://files.pythonhosted.org/packages/a2/db/4313ab3be961f7a763066401fb77f7748373b6094076ae2bda2806988af6/attrs-19.3.0-py2.py3-none-any.whl",
        "08a96c641c3a74e44eb59afb61a24f2cb9f4d7188748e76ba4bb5edfa3cb7d1c",
    ),
    (
        "https://files.pythonhosted.org/packages/dd/83/5f6f3c1a562674d65efc320257bdc0873ec53147835aeef7762fe7585273/Automat-20.2.0-py2.py3-none-any.whl",
        "b6feb6455337df834f6c9962d6ccf771515b7d939bca142b29c20c2376bc6111",
    ),
    (
        "https://files.pythonhosted.org/packages/ff/2b/8265224812912bc5b7a607c44bf7b027554e1b9775e9ee0de8032e3de4b2/backports.ssl_match_hostname-3.7.0.1.tar.gz",
        "bb82e60f9fbf4c080eabd957c39f0641f0fc247d9a16e31e26d594d8f42b9fd2",
    ),
    (
        "https://files.pythonhosted.org/packages/f0/46/2bbd92086a4c6f051214cb48df6d9132b5f32c5e881d3f4991b16ec7e499/bleach-3.3.0-py2.py3-none-any.whl",
        "6123ddc1052673e52bab52cdc955bcb57a015264a1c57d37bea2f6b817af0125",
    ),
    (
        "https://files.pythonhosted.org/packages/76/7c/ff68c2846946ed17daca3355e47d49fcb8422ad373627d2b56488d6bd484/breathe-5.1.0-py3-none-any.whl",
        "6a81b5fff50fb35b7f6bec1aa1a8621a596ee5ffec453eccd7d5e1f9e682d9a0",
    ),
    (
        "https://files.pythonhosted.org/packages/fe/58/c7ced9705c2cedf526e183e428d1b145910cb8bc7ea537a2ec9a6552c056/celery-4.4.7.tar.gz",
        "d220b13a8ed57c78149acf82c006785356071844afe0b27012a4991d44026f9f",
    ),
    (
        "https://files.pythonhosted.org/packages/1b/44/07739ae778f280bb5d77806b57806730438331dd018268ff3a327a3507f6/Chameleon-4.6.0-py3-none-any.whl",
        "f674cab262d7b8a26c38574e06f513e91f60c129887ff5ab6a3a2a46c03dd925",
    ),
    (
        "https://files.pythonhosted.org/packages/d2/3d/fa76db83bf75c4f8d338c2fd15c8d33fdd7ad23a9b5e57eb6c5de26b430e/click-7.1.2-py2.py3-none-any.whl",
        "dacca89f4bfadd5de3d7489b7c8a566eee0d3676333fbb50030263894c38c0dc",
    ),
    (
        "https://files.pythonhosted.org/packages/44/98/5b86278fbbf250d239ae0ecb724f8572af1c91f4a11edf4d36a206189440/colorama-0.4.4-py2.py3-none-any.whl",
        "9f47eda37229f68eee03b24b9748937c7dc3868f906e8ba69fbcbdd3bc5dc3e2",
    ),
    (
        "https://files.pythonhosted.org/packages/7a/2a/95ed0501cf5d8709490b1d3a3f9b5cf340da6c433f896bbe9ce08dbe6785/configparser-4.0.2-py2.py3-none-any.whl",
        "254c1d9c79f60c45dfde850850883d5aaa7f19a23f13561243a050d5a7c3fe4c",
    ),
    (
        "https://files.pythonhosted.org/packages/cf/7a/ea0f3e3ea74be36fc7cf54f966cde732a3de72697983cdb5646b0a4dacde/datetime-6.0-py3-none-any.whl",
        "d19988f0657a4e72c9438344157254a8dcad6aea8cd5ae70a5d1b5a75e5dc930",
    ),
    (
        "https://files.pythonhosted.org/packages/d5/50/83c593b07763e1161326b3b8c6686f0f4b0f24d5526546bee538c89837d6/decorator-5.1.1-py3-none-any.whl",
        "b8c3f85900b9dc423225913c5aace94729fe1fa9763b38939a95226f02d37186",
    ),
    (
        "https://files.pythonhosted.org/packages/06/74/9b387472866358ebc08732de3da6dc48e44b0aacd2ddaa5cb85ab7e986a2/defusedxml-0.6.0-py2.py3-none-any.whl",
        "6687150770438374ab581bb7a1b327a847dd9c5749e396102de3fad4e8a3ef93",
    ),
    (
        "https://files.pythonhosted.org/packages/a2/55/8f8cab2afd404cf578136ef2cc5dfb50baa1761b68c9da1fb1e4eed343c9/docopt-0.6.2.tar.gz",
        "49b3a825280bd66b3aa83585ef59c4a8c82f2c8a522dbe754a8bc8d08c85c491",
    ),
    (
        "https://files.pythonhosted.org/packages/9b/14/2db577e1ebd198d4ecfcc7fe745ea92f99dbba778304d44a27bf877647cd/factory_boy-3.1.0-py2.py3-none-any.whl",
        "d8626622550c8ba31392f9e19fdbcef9f139cf1ad643c5923f20490a7b3e2e3d",
    ),
    (
        "https://files.pythonhosted.org/packages/84/be/94ecbc3f2487bd14aa8b44852f498086219b7cc0c8250ee65a03e2c63119/fixtures-3.0.0.tar.gz",
        "fcf0d60234f1544da717a9738325812de1f42c2fa085e2d9252d8fff5712b2ef",
    ),
    (
        "https://files.pythonhosted.org/packages/e8/6d/994208daa354f68fd89a34a8bafbeaab26fda84e7af1e35bdaed02b667e6/Flask-1.1.4-py2.py3-none-any.whl",
        "c34f04500f2cbbea882b1acb02002ad6fe6b7ffa64a6164577995657f50aed22",
    ),
    (
        "https://files.pythonhosted.org/packages/94/4a/db842e7a0545de1cdb0439bb80e6e42dfe82aaeaadd4072f2263a4fbed23/funcsigs-1.0.2.tar.gz",
        "a7bb0f2cf3a3fd1ab2732cb49eba4252c2af4240442415b4abce3b87022a8f50",
    ),
    (
        "https://files.pythonhosted.org/packages/6c/dd/a834df6482147d48e225a49515aabc28974ad5a4ca3215c18a882565b028/html5lib-1.1-py2.py3-none-any.whl",
        "0d78f8fde1c230e99fe37986a60526d7049ed4bf8a9fadbad5f00e22e58e041d",
    ),
    (
        "https://files.pythonhosted.org/packages/70/1e/f499eb426d6cebe16815b40047a780f8b26fd7953c64050cde77c9acb7a2/hupper-1.9.1-py2.py3-none-any.whl",
        "5ab839f9428dd2d993092193ad0032f968eae007873916794c3856131b2df112",
    ),
    (
        "https://files.pythonhosted.org/packages/a2/38/928ddce2273eaa564f6f50de919327bf3a00f091b5baba8dfa9460f3a8a8/idna-2.10-py2.py3-none-any.whl",
        "b97d804b1e9b523befed77c48dacec60e6dcb0b5391d57af6a65a312a90648c0",
    ),
    (
        "https://files.pythonhosted.org/packages/e5/b0/c121fd1fa3419ea9bfd55c7f9c4fedfec5143208d8c7ad3ce3db6c623c21/isort-4.3.21-py2.py3-none-any.whl",
        "6e811fcb295968434526407adb8796944f1988c5b65e8139058f2014cbe100fd",
    ),
    (
        "https://files.pythonhosted.org/packages/76/ae/44b03b253d6fade317f32c24d100b3b35c2239807046a4c953c7b89fa49e/itsdangerous-1.1.0-py2.py3-none-any.whl",
        "b12271b2047cb23eeb98c8b5622e2e5c5e9abd9784a153e9d8ef9cb4dd09d749",
    ),
    (
        "https://files.pythonhosted.org/packages/7e/c2/1eece8c95ddbc9b1aeb64f5783a9e07a286de42191b7204d67b7496ddf35/Jinja2-2.11.3-py2.py3-none-any.whl",
        "03e47ad063331dd6a3f04a43eddca8a966a26ba0c5b7207a9a9e4e08f1b29419",
    ),
    (
        "https://files.pythonhosted.org/packages/3c/56/3f325b1eef9791759784aa5046a8f6a1aff8f7c898a2e34506771d3b99d8/jmespath-0.10.0.tar.gz",
        "b85d0567b8666149a93172712e68920734333c0ce7e89b78b3e987f71e5ed4f9",
    ),
    (
        "https://files.pythonhosted.org/packages/c5/8f/51e89ce52a085483359217bc72cdbf6e75ee595d5b1d4b5ade40c7e018b8/jsonschema-3.2.0-py2.py3-none-any.whl",
        "4e5b3cf8216f577bee9ce139cbe72eca3ea4f292ec60928ff24758ce626cd163",
    ),
    (
        "https://files.pythonhosted.org/packages/53/14/1c952bcd21255f42f9ba0280d3abd8074dca2c27d136eb749b98ab478f72/keyring-21.5.0-py3-none-any.whl",
        "12de23258a95f3b13e5b167f7a641a878e91eab8ef16fafc077720a95e6115bb",
    ),
    (
        "https://files.pythonhosted.org/packages/17/47/72cb04a58a35ec495f96984dddb48232b551aafb95bde614605b754fe6f7/lockfile-0.12.2.tar.gz",
        "6aed02de03cba24efabcd600b30540140634fc06cfa603822d508d5361e9f799",
    ),
    (
        "https://files.pythonhosted.org/packages/5c/03/b7e605db4a57c0f6fba744b11ef3ddf4ddebcada35022927a2b5fc623fdf/mock-4.0.3-py3-none-any.whl",
        "122fcb64ee37cfad5b3f48d7a7d51875d7031aaf3d8be7c42e2bee25044eee62",
    ),
    (
        "https://files.pythonhosted.org/packages/0b/ff/1ad78678bee731ae5414ea5e97396b3f91de32186028daa614d322ac5a8b/more_itertools-8.14.0-py3-none-any.whl",
        "1bc4f91ee5b1b31ac7ceacc17c09befe6a40a503907baf9c839c229b5095cfd2",
    ),
    (
        "https://files.pythonhosted.org/packages/45/db/4fb9a456b4ec4d3b701456ef562b9d72d76b6358e0c1463d17db18c5b772/pip-1.5.6.tar.gz",
        "b1a4ae66baf21b7eb05a5e4f37c50c2706fa28ea1f8780ce8efe14dcd9f1726c",
    ),
    (
        "https://files.pythonhosted.org/packages/4f/3c/535287349af1b117e082f8e77feca52fbe2fdf61ef1e6da6bcc2a72a3a79/pkginfo-1.6.1-py2.py3-none-any.whl",
        "ce14d7296c673dc4c61c759a0b6c14bae34e34eb819c0017bb6ca5b7292c56e9",
    ),
    (
        "https://files.pythonhosted.org/packages/a0/28/85c7aa31b80d150b772fbe4a229487bc6644da9ccb7e427dd8cc60cb8a62/pluggy-0.13.1-py2.py3-none-any.whl",
        "966c145cd83c96502c3c3868f50408687b38434af77734af1e9ca461a4081d2d",
    ),
    (
        "https://files.pythonhosted.org/packages/67/e4/fc77f1039c34b3612c4867b69cbb2b8a4e569720b1f19b0637002ee03aff/pycodestyle-2.9.1-py2.py3-none-any.whl",
        "d1735fc58b418fd7c5f658d28d943854f8a849b01a5d0a1e6f3f3fdd0166804b",
    ),
    (
        "https://files.pythonhosted.org/packages/e8/90/992eb125901873d81440480a7cf40a40aa5f8b2e41a67fbc568db6c21595/Pygments-1.6.tar.gz",
        "799ed4caf77516e54440806d8d9cd82a7607dfdf4e4fb643815171a4b5c921c0",
    ),
    (
        "https://files.pythonhosted.org/packages/40/16/e54cc65891f01cb62893540f44ffd3e8dab0a22443e1b438f1a9f5574bee/PyHamcrest-2.0.2-py3-none-any.whl",
        "7ead136e03655af85069b6f47b23eb7c3e5c221aa9f022a4fbb499f5b7308f29",
    ),
    (
        "https://files.pythonhosted.org/packages/9e/de/f8342b68fa9e981d348039954657bdf681b2ab93de27443be51865ffa310/pyOpenSSL-19.1.0-py2.py3-none-any.whl",
        "621880965a720b8ece2f1b2f54ea2071966ab00e2970ad2ce11d596102063504",
    ),
    (
        "https://files.pythonhosted.org/packages/8a/bb/488841f56197b13700afd5658fc279a2025a39e22449b7cf29864669b15d/pyparsing-2.4.7-py2.py3-none-any.whl",
        "ef9d7589ef3c200abe66653d3f1ab1033c3c419ae9b9bdb1240a85b024efc88b",
    ),
    (
        "https://files.pythonhosted.org/packages/38/80/40cb92857ba01a48b90958dbbb98c3f05b5ba75097829f083032426062c2/pyramid_jinja2-2.9.2-py3-none-any.whl",
        "0cb89d02e130e049900e2a1c59ae0e4235cde9666b5b7bc7ddc983ba9d6658d0",
    ),
    (
        "https://files.pythonhosted.org/packages/e5/18/401594af67eda194a8b9167208621761927c937db7d60292608342bbac0a/pytest_cov-2.10.1-py2.py3-none-any.whl",
        "45ec2d5182f89a81fc3eb29e3d1ed3113b9e9a873bcddb2a71faaab066110191",
    ),
    (
        "https://files.pythonhosted.org/packages/02/25/85675fd82b6272ed4d87941b826cec68352dd4cdfbe49b5644946dd3da61/pytest_xdist-2.1.0-py3-none-any.whl",
        "7c629016b3bb006b88ac68e2b31551e7becf173c76b977768848e2bbed594d90",
    ),
    (
        "https://files.pythonhosted.org/packages/36/7a/87837f39d0296e723bb9b62bbb257d0355c7f6128853c78955f57342a56d/python_dateutil-2.8.2-py2.py3-none-any.whl",
        "961d03dc3453ebbc59dbdea9e4e11c5651520a876d0f4db161e8674aae935da9",
    ),
    (
        "https://files.pythonhosted.org/packages/88/de/be89fff5c30810afb101bdac2c8706764fafa8e950dc6ffa22092ad81035/python_subunit-1.4.0-py2.py3-none-any.whl",
        "40f34660c3da3e513cf2e59498a87ef04ebe2b5fe144fa25d476e1f888b19659",
    ),
    (
        "https://files.pythonhosted.org/packages/42/87/4a3a77e59ab7493d64da1f69bf1c2e899a4cf81e51b2baa855e8cc8115be/qrcode-6.1-py2.py3-none-any.whl",
        "3996ee560fc39532910603704c82980ff6d4d5d629f9c3f25f34174ce8606cf5",
    ),
    (
        "https://files.pythonhosted.org/packages/a7/7c/24fb0511df653cf1a5d938d8f5d19802a88cef255706fdda242ff97e91b7/redis-3.5.3-py2.py3-none-any.whl",
        "432b788c4530cfe16d8d943a09d40ca6c16149727e4afe8c2c9d5580c59d9f24",
    ),
    (
        "https://files.pythonhosted.org/packages/61/79/efc316760a906763de872d7328c9bf8c5af28708a35fdae57fbb4ee005f7/requests-1.2.3.tar.gz",
        "156bf3ec27ba9ec7e0cf8fbe02808718099d218de403eb64a714d73ba1a29ab1",
    ),
    (
        "https://files.pythonhosted.org/packages/b0/e1/eab4fc3752e3d240468a8c0b284607899d2fbfb236a56b7377a329aa8d09/requests-2.18.4.tar.gz",
        "9c443e7324ba5b85070c4a818ade28bfabedf16ea10206da1132edaa6dda237e",
    ),
    (
        "https://files.pythonhosted.org/packages/60/ef/7681134338fc097acef8d9b2f8abe0458e4d87559c689a8c306d0957ece5/requests_toolbelt-0.9.1-py2.py3-none-any.whl",
        "380606e1d10dc85c3bd47bf5a6095f815ec007be7a8b69c878507068df059e6f",
    ),
    (
        "https://files.pythonhosted.org/packages/d5/71/4f04aed03ca35f2d02e1732ca6e996b2d7b40232fb7f1b58ff35f9a89b7b/responses-0.12.1-py2.py3-none-any.whl",
        "ef265bd3200bdef5ec17912fc64a23570ba23597fd54ca75c18650fa1699213d",
    ),
    (
        "https://files.pythonhosted.org/packages/a0/8e/32713049b76dcacccb267f3fdf92edcce4681721e05c212ae6d6732b3e92/restrictedpython-9.0-py3-none-any.whl",
        "77df98181cf8f20810038b492ca4760b12712c9aa572f6fb5b8f2b02cfd5fc7e",
    ),
    (
        "https://files.pythonhosted.org/packages/78/be/7b8b99fd74ff5684225f50dd0e865393d2265656ef3b4ba9eaaaffe622b8/rfc3986-1.4.0-py2.py3-none-any.whl",
        "af9147e9aceda37c91a05f4deb128d4b4b49d6b199775fd2d2927768abdc8f50",
    ),
    (
        "https://files.pythonhosted.org/packages/ad/d3/e54f8b4cde0f6fb4f231629f570c1a33ded18515411dee6df6fe363d976f/setuptools_scm-4.1.2-py2.py3-none-any.whl",
        "69258e2eeba5f7ce1ed7a5f109519580fa3578250f8e4d6684859f86d1b15826",
    ),
    (
        "https://files.pythonhosted.org/packages/d9/5a/e7c31adbe875f2abbb91bd84cf2dc52d792b5a01506781dbcf25c91daf11/six-1.16.0-py2.py3-none-any.whl",
        "8abb2f1d86890a2dfb989f9a77cfcfd3e47c2a354b01111771326f8aa26e0254",
    ),
    (
        "https://files.pythonhosted.org/packages/20/4d/a7046ae1a1a4cc4e9bbed194c387086f06b25038be596543d026946330c9/sortedcontainers-2.3.0-py2.py3-none-any.whl",
        "37257a32add0a3ee490bb170b599e93095eed89a55da91fa9f48753ea12fd73f",
    ),
    (
        "https://files.pythonhosted.org/packages/75/f2/6b7627dfe7b4e418e295e254bb15c3a6455f11f8c0ad0d43113f678049c3/sphinxcontrib_napoleon-0.7-py2.py3-none-any.whl",
        "711e41a3974bdf110a484aec4c1a556799eb0b3f3b897521a018ad7e2db13fef",
    ),
    (
        "https://files.pythonhosted.org/packages/4b/a2/7c5d78fa0b6fc4f249d0a732811b2cef979d16677e21f10637bbedcd0e6a/structlog-21.5.0-py3-none-any.whl",
        "fd7922e195262b337da85c2a91c84be94ccab1f8fd1957bd6986f6904e3761c8",
    ),
    (
        "https://files.pythonhosted.org/packages/f0/de/b0b5b98c0f38fd7086d082c47fcb455eedd39a044abe7c595f5f40cd6eed/testscenarios-0.5.0.tar.gz",
        "c257cb6b90ea7e6f8fef3158121d430543412c9a87df30b5dde6ec8b9b57a2b6",
    ),
    (
        "https://files.pythonhosted.org/packages/44/6f/7120676b6d73228c96e17f1f794d8ab046fc910d781c8d151120c3f1569e/toml-0.10.2-py2.py3-none-any.whl",
        "806143ae5bfb6a3c6e736a764057db0e6a0e05e338b5630894a5f779cabb4f9b",
    ),
    (
        "https://files.pythonhosted.org/packages/53/c4/6fc6a256e4873fdc1daf34fb6a6ff4d7f9dac49505a7004f5cac3a485cfc/transaction-5.1-py3-none-any.whl",
        "05aa77c4543cec8b541565ad8b304857490878605ed727851bc5a531b9060789",
    ),
    (
        "https://files.pythonhosted.org/packages/7f/c4/2b0e2d185d9d60772c10350d9853646832609d2f299a8300ab730f199db4/unittest2-1.1.0.tar.gz",
        "22882a0e418c284e1f718a822b3b022944d53d2d908e1690b319a9d3eb2c0579",
    ),
    (
        "https://files.pythonhosted.org/packages/b0/53/aa91e163dcfd1e5b82d8a890ecf13314e3e149c05270cc644581f77f17fd/urllib3-1.26.18-py2.py3-none-any.whl",
        "34b97092d7e0a3a8cf7cd10e386f401b3737364026c45e622aa02903dffe0f07",
    ),
    (
        "https://files.pythonhosted.org/packages/5a/4b/34d926eba40db81b204066a60b4efdc5d8867a8efcbfe44d69b634b1c907/venusian-3.1.1-py3-none-any.whl",
        "0845808a985976acbceaa1fbb871c7fac4fb28ae75453232970e9c2c2866dbf4",
    ),
    (
        "https://files.pythonhosted.org/packages/24/cc/a3cdf0a49ffcaef483b7e2511476aa520cf7260c199a6928fda6c43ba916/virtualenv-1.11.6.tar.gz",
        "3e7a4c151e2ee97f51db0215bfd2a073b04a91e9786df6cb67c916f16abe04f7",
    ),
    (
        "https://files.pythonhosted.org/packages/26/d1/5209fb8c764497a592363c47054436a515b47b8c3e4970ddd7184f088857/waitress-1.4.4-py2.py3-none-any.whl",
        "3d633e78149eb83b60a07dfabb35579c29aac2d24bb803c18b26fb2ab1a584db",
    ),
    (
        "https://files.pythonhosted.org/packages/f6/d5/1ecdac957e3ea12c1b319fcdee8b6917ffaff8b4644d673c4d72d2f20b49/wcwidth-0.1.9-py2.py3-none-any.whl",
        "cafe2186b3c009a04067022ce1dcd79cb38d8d65ee4f4791b8888d6599d1bbe1",
    ),
    (
        "https://files.pythonhosted.org/packages/62/9c/e94a9982e9f31fc35cf46cdc543a6c2c26cb7174635b5fd25b0bbc6a7bc0/WebOb-1.8.7-py2.py3-none-any.whl",
        "73aae30359291c14fa3b956f8b5ca31960e420c28c1bec002547fb04928cf89b",
    ),
    (
        "https://files.pythonhosted.org/packages/d4/6d/ae54b4f8eeab1500a4192cdcae6948af5bce310cfc3e131aab17ac5f533d/zc.buildout-2.13.8-py2.py3-none-any.whl",
        "0433a950d76be3d17d8cef877d623675c6bdb9d5f8d290771a5ed5f2c5b3e9cf",
    ),
    (
        "https://files.pythonhosted.org/packages/a7/21/e5b1c3b49c2dbb353c72860a7ef625f4b4fd460b857028cceefa58efe423/zdaemon-5.2.1-py3-none-any.whl",
        "4932801cf2f530965a2295c06198c7a17e43a1ae9c990c8bd3f4c26bcab76468",
    ),
    (
        "https://files.pythonhosted.org/packages/a6/12/15dabd902585ef8b36465e41bb07213212683e3043867f22f1d20a6d43cd/zope.component-5.1.0-py2.py3-none-any.whl",
        "cbd279e15a959f35a813b64ec4f1027c08b86fcca26f73250c0c912251df90dd",
    ),
    (
        "https://files.pythonhosted.org/packages/9e/33/848922889e946d4befc415c219fe516af75c49555d8e736e183bfd30db42/zope_event-6.2-py3-none-any.whl",
        "5e755153ac4faf64c10a4b6dd3307680166a3edf65b38df22df592610f8fa874",
    ),
    (
        "https://files.pythonhosted.org/packages/4f/bd/be14d41f6fbd66dec7b95889ae65bdf0ad54d4b2eca0ed5e5ab1ac576a91/zope_schema-8.1-py3-none-any.whl",
        "e5313ef0f20b0e5b6ecf9a75fd7bd59bc772244351144097e086a5822fe8b0bb",
    ),
    (
        "https://files.pythonhosted.org/packages/21/1b/754e3979c2f4bd6afd9e7f965d161d64053c32936c0e232ba215f1d39606/zope_testing-6.2-py3-none-any.whl",
        "3bd449580e7ff033835d6b59833f05f87df6fa5c250baa487d9c68ae6133b873",
    ),
]


# --------------------------------------------------------------------------- the reference

_REPORT = re.compile(r"^(?:<string>)?:(?P<line>\d*): \((?P<level>[A-Z]+)/\d\) (?P<message>.*)\Z", re.DOTALL)


def docutils_verdict(text: str) -> dict:
    """readme_renderer's verdict on `text`, as `twine check` obtains it.

    `{"ok", "line", "level", "message"}`: `message` is the first paragraph of docutils' system
    message (the quoted source that follows it is dropped); with halt_level 2 the first problem
    at warning level or above stops docutils, so it is the only one. A render that produces no
    HTML without a message is a failure with only readme_renderer's "No content rendered"; a
    docutils crash (twine exits 1 with the traceback) a failure with "docutils raised ...".
    """
    import readme_renderer.rst

    stream = io.StringIO()
    try:
        ok = readme_renderer.rst.render(text, stream=stream) is not None
    except Exception as exc:  # noqa: BLE001 - a docutils crash is a refusal: twine exits 1 on it
        return {"ok": False, "line": None, "level": None, "message": f"docutils raised {type(exc).__name__}: {exc}"}
    out = stream.getvalue()
    if ok:
        return {"ok": True, "line": None, "level": None, "message": None}
    m = _REPORT.match(out.rstrip("\n"))
    if not m:
        return {"ok": False, "line": None, "level": None, "message": out.strip()}
    message = m["message"].split("\n\n")[0]
    return {"ok": False, "line": int(m["line"]) if m["line"] else None, "level": m["level"], "message": message}


def write_corpus(outdir: Path, **kw) -> dict[str, dict]:
    """Write every case and expected.json into `outdir` (stale cases removed); return the verdicts.

    `kw` goes to `cases()`."""
    outdir.mkdir(parents=True, exist_ok=True)
    for old in outdir.glob("*.rst"):
        old.unlink()
    expected = {}
    for name, text in cases(**kw):
        # newline="" keeps CRLF cases byte for byte.
        with open(outdir / name, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        expected[name] = docutils_verdict(text)
    tmp = outdir / "expected.json.tmp"
    tmp.write_text(json.dumps(expected, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(outdir / "expected.json")
    return expected


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description="Write the reST case corpus and docutils' verdicts.")
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--seed", type=int, default=SEED, help="mutation seed (the test suite uses the default)")
    ap.add_argument("--mutations", type=int, default=MUTATIONS, help="how many mutated documents")
    args = ap.parse_args(argv[1:])
    expected = write_corpus(args.outdir, seed=args.seed, mutations=args.mutations)
    failing = sum(not v["ok"] for v in expected.values())
    print(f"{len(expected)} cases ({failing} refused by docutils) written to {args.outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
