"""The reStructuredText case corpus for the differential test of `cartwheel._native.validate_rst`.

`cases()` returns a few hundred small documents, deterministically: every construct docutils
knows, valid and broken in each way docutils notices, then seeded random mutations of valid
documents. `docutils_verdict(text)` is the reference: readme_renderer's `rst.render` called
exactly as `twine check` calls it (halt_level 2), its stream parsed into line, level, message.

    python tests/rst_cases.py OUTDIR     # writes OUTDIR/NNNN-name.rst and OUTDIR/expected.json

Only the standard library is needed to make the cases; the verdicts need readme_renderer
(pinned in requirements-test.txt).
"""

from __future__ import annotations

import io
import json
import random
import re
import sys
from pathlib import Path
from textwrap import dedent

SEED = 20261125
MUTATIONS = 220
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
]


def _docs() -> list[tuple[str, str]]:
    return [(f"readme-{i}", doc) for i, doc in enumerate(DOCS)]


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


def cases() -> list[tuple[str, str]]:
    """Every case as (file name, text): `NNNN-name.rst`, hand cases from 0001, mutations from 2000."""
    hand = hand_cases()
    assert len(hand) < MUTATION_BASE, len(hand)
    named = [(f"{i + 1:04d}-{name}.rst", text) for i, (name, text) in enumerate(hand)]
    named += [(f"{MUTATION_BASE + i:04d}-{name}.rst", text) for i, (name, text) in enumerate(mutation_cases())]
    names = [n for n, _ in named]
    assert len(set(names)) == len(names), "duplicate case names"
    return named


# --------------------------------------------------------------------------- the reference

_REPORT = re.compile(r"^(?:<string>)?:(?P<line>\d*): \((?P<level>[A-Z]+)/\d\) (?P<message>.*)\Z", re.DOTALL)


def docutils_verdict(text: str) -> dict:
    """readme_renderer's verdict on `text`, as `twine check` obtains it.

    `{"ok", "line", "level", "message"}`: `message` is the first paragraph of docutils' system
    message (the quoted source that follows it is dropped); with halt_level 2 the first problem
    at warning level or above stops docutils, so it is the only one. A render that produces no
    HTML without a message is a failure with only readme_renderer's "No content rendered".
    """
    import readme_renderer.rst

    stream = io.StringIO()
    ok = readme_renderer.rst.render(text, stream=stream) is not None
    out = stream.getvalue()
    if ok:
        return {"ok": True, "line": None, "level": None, "message": None}
    m = _REPORT.match(out.rstrip("\n"))
    if not m:
        return {"ok": False, "line": None, "level": None, "message": out.strip()}
    message = m["message"].split("\n\n")[0]
    return {"ok": False, "line": int(m["line"]) if m["line"] else None, "level": m["level"], "message": message}


def write_corpus(outdir: Path) -> dict[str, dict]:
    """Write every case and expected.json into `outdir` (stale cases removed); return the verdicts."""
    outdir.mkdir(parents=True, exist_ok=True)
    for old in outdir.glob("*.rst"):
        old.unlink()
    expected = {}
    for name, text in cases():
        # newline="" keeps CRLF cases byte for byte.
        with open(outdir / name, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        expected[name] = docutils_verdict(text)
    tmp = outdir / "expected.json.tmp"
    tmp.write_text(json.dumps(expected, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(outdir / "expected.json")
    return expected


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python tests/rst_cases.py OUTDIR", file=sys.stderr)
        return 2
    expected = write_corpus(Path(argv[1]))
    failing = sum(not v["ok"] for v in expected.values())
    print(f"{len(expected)} cases ({failing} refused by docutils) written to {argv[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
