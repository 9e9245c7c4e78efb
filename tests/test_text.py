"""People's words read the same whether the Markdown parser runs or the plain-line shortcut
(app.text._plain_paragraph) stands in for it."""

from __future__ import annotations

import random

from app.text import _markdown, _plain_paragraph, render_markdown

SAID = [
    "Members told us they waited months for a call back.",
    "  People said reviews are rushed & nobody asks \"what matters\" to them.  ",
    "Few of us <b>were</b> offered a direct payment; it's 50% slower.",
    "Café staff\u00a0knew us by name \u2013 that matters.",
    "a # b = c ! ~ : @ { } ^ $ % ( ) 1. 2)",
    "\t\u00a0Indented with a tab and a non-breaking space",
]
# What the shortcut lets through (characters some rules treat specially, and the kinds of
# space around them), and now and then what it must not.
ALLOWED = [*"ab Z09.)&<>\"'#=!~:@{}^$%|/-+>", " ", " ", "\t", "\x0b", "\x0c", "\u00a0",
           "\u2028", "\u3000", "é", "😀"]
EXCLUDED = list("*_[]`\\\n\r\x00")


def test_the_shortcut_renders_what_the_parser_renders() -> None:
    chosen = random.Random(16)
    taken = 0
    for text in SAID + ["".join(chosen.choice(ALLOWED if chosen.random() < 0.97 else EXCLUDED)
                                for _ in range(chosen.randint(1, 14)))
                        for _ in range(5000)]:
        shortcut = _plain_paragraph(text)
        if shortcut is not None:
            taken += 1
            assert shortcut == _markdown.render(text), repr(text)
    assert taken > 2000


def test_plain_sentences_take_the_shortcut_and_markup_does_not() -> None:
    assert all(_plain_paragraph(text) is not None for text in SAID)
    for text in ("*really* slow", "see [the plan](https://example.org)", "- one\n- two",
                 "1. first", "> quoted", "line one\nline two", "`code`", "a\\*b"):
        assert _plain_paragraph(text) is None, text
    assert render_markdown(SAID[1]) == \
        '<p>People said reviews are rushed &amp; nobody asks "what matters" to them.</p>\n'
    assert render_markdown("*really* slow") == "<p><em>really</em> slow</p>\n"
