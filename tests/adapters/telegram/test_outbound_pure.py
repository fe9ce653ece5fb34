"""Text splitting and keyboards: pure functions checked on their own."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters.telegram.outbound import build_keyboard, plan_messages
from bot.adapters.telegram.text import split_text, utf16_len
from dialogs.model import Button, Reply


def _words(text: str) -> list[str]:
    return re.findall(r"\S+", text)


def test_short_text_is_one_part() -> None:
    assert split_text("Take a breath.") == ["Take a breath."]


def test_splits_on_paragraphs_first() -> None:
    para = "word " * 150  # 750 characters
    text = "\n\n".join(para.strip() for _ in range(8))
    parts = split_text(text, 2000)
    assert all(utf16_len(p) <= 2000 for p in parts)
    assert all(p == para.strip() or "\n\n" in p for p in parts)  # paragraphs stay whole
    assert _words(" ".join(parts)) == _words(text)


def test_splits_a_long_paragraph_on_sentences() -> None:
    text = " ".join(f"Sentence number {i} is here." for i in range(400))
    parts = split_text(text, 1000)
    assert len(parts) > 1
    assert all(p.endswith(".") and utf16_len(p) <= 1000 for p in parts)
    assert _words(" ".join(parts)) == _words(text)


def test_counts_utf16_units_not_characters() -> None:
    text = "😀" * 3000  # 6000 UTF-16 units, one unbreakable word
    parts = split_text(text, 4096)
    assert [utf16_len(p) for p in parts] == [4096, 1904]
    assert "".join(parts) == text


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .!?\n😀é")), max_size=3000), st.integers(5, 400))
def test_split_keeps_every_word_and_respects_the_limit(text: str, limit: int) -> None:
    parts = split_text(text, limit)
    assert all(0 < utf16_len(p) <= limit for p in parts)
    assert "".join(_words(" ".join(parts))) == "".join(_words(text))


def test_keyboard_carries_nonce_in_every_button() -> None:
    rows = ((Button("Yes", "yes"), Button("Not now", "later")), (Button("Help", "help"),))
    reply = Reply("Ready?", rows, 41)
    keyboard = build_keyboard(reply)
    assert keyboard is not None
    assert [[(b.text, b.callback_data) for b in row] for row in keyboard.inline_keyboard] == [
        [("Yes", "41|yes"), ("Not now", "41|later")], [("Help", "41|help")]]
    assert build_keyboard(Reply("no buttons")) is None


def test_keyboard_refuses_payloads_over_64_bytes() -> None:
    with pytest.raises(ValueError, match="64 bytes"):
        build_keyboard(Reply("x", ((Button("b", "é" * 40),),), 1))


def test_caption_only_when_the_text_fits() -> None:
    assert plan_messages("short", with_image=True) == ("short", [])
    caption, texts = plan_messages("x " * 600, with_image=True)
    assert caption is None and texts == [("x " * 600).strip()]
    assert plan_messages("hello", with_image=False) == (None, ["hello"])
