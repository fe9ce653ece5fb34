"""Joining a step's short replies into one message."""

from __future__ import annotations

from dialogs.compose import MERGED_LIMIT, join_replies
from dialogs.model import Button, Image, JournalWrite, Reply

NEXT = ((Button("Next", "next"),),)


def test_plain_replies_join_and_the_last_ones_buttons_stay() -> None:
    out = join_replies([Reply("Morning."), Reply("Day 3 of 30."), Reply("How is your mood?", NEXT, nonce=4)])
    assert out == [Reply("Morning.\n\nDay 3 of 30.\n\nHow is your mood?", NEXT, nonce=4)]


def test_buttons_pictures_documents_and_coaching_keep_their_own_message() -> None:
    effects = [
        Reply("Pick one", NEXT, nonce=1),
        Reply("after buttons"),
        Reply("chart", image=Image("progress", "chart")),
        Reply("export", attachment="export"),
        Reply("plain"),
        Reply("how to word a message", contact_coaching=True),
    ]
    assert join_replies(list(effects)) == effects


def test_a_join_never_outgrows_one_discord_message() -> None:
    long = "x" * (MERGED_LIMIT - 10)
    out = join_replies([Reply(long), Reply("a short line that would push it over")])
    assert [len(r.text) for r in out if isinstance(r, Reply)] == [len(long), 36]


def test_other_effects_stay_in_place_and_break_a_run() -> None:
    write = JournalWrite("reflection", "a note")
    out = join_replies([Reply("one"), write, Reply("two"), Reply("three")])
    assert out == [Reply("one"), write, Reply("two\n\nthree")]
