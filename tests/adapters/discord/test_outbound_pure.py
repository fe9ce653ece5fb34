"""Pure rendering: Reply -> Discord message parts, escaping, splitting, components, pacing."""

from __future__ import annotations

import asyncio
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters.discord.outbound import DmChannels, OutgoingPart, build_view, custom_id, render
from bot.adapters.discord.pacing import Pacer
from bot.adapters.discord.text import MESSAGE_LIMIT, plain, split_plain, split_text
from dialogs.model import Button, Image, Reply, decode_button

_UNESCAPE = re.compile(r"\\(.)", re.DOTALL)


def visible(escaped: str) -> str:
    """What Discord shows for escaped text: each backslash-escaped character as itself."""
    return _UNESCAPE.sub(r"\1", escaped).replace("@\u200b", "@")


def test_markdown_and_mentions_are_neutralised() -> None:
    text = "# big *bold* __u__ ~~s~~ `c` ||spoiler|| > quote @everyone <@123> <#5> -# tiny"
    escaped = plain(text)
    for raw in ("*bold*", "__u__", "~~s~~", "`c`", "||spoiler||", "<@123>", "<#5>", "@everyone"):
        assert re.search(r"(?<!\\)" + re.escape(raw), escaped) is None, raw
    assert visible(escaped) == text


def test_links_stay_clickable() -> None:
    assert plain("see https://example.org/a_b_c") == "see https://example.org/a_b_c"


def test_split_prefers_paragraphs_then_sentences() -> None:
    first = "A" * 1200 + "."
    second = "B" * 1200 + "."
    assert split_text(f"{first}\n\n{second}", 2000) == [first, second]
    sentences = " ".join(["This is one sentence of a long paragraph."] * 80)
    pieces = split_text(sentences, 2000)
    assert all(len(p) <= 2000 and p.endswith(".") for p in pieces)
    assert " ".join(pieces) == sentences


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab *_~`|>#-\n.!?@<"), min_size=0, max_size=6000))
def test_split_plain_fits_the_limit_and_loses_nothing(text: str) -> None:
    parts = split_plain(text)
    assert all(0 < len(p) <= MESSAGE_LIMIT for p in parts)
    assert "".join(visible(p) for p in parts).split() == text.split()


async def test_short_reply_is_one_part_with_buttons_and_nonce() -> None:
    reply = Reply("Ready?", ((Button("Yes", "yes"), Button("Not now", "later")),), nonce=7)
    [part] = render(reply, has_files=False)
    assert part == OutgoingPart("Ready?", reply.buttons, 7, False)
    view = build_view(part)
    assert view is not None and view.is_finished()  # sent without being kept in discord.py's store
    ids = [item.custom_id for item in view.children]  # type: ignore[attr-defined]
    assert ids == ["rk:7|yes", "rk:7|later"]
    assert [decode_button(i.removeprefix("rk:")) for i in ids] == [(7, "yes"), (7, "later")]


def test_long_reply_puts_buttons_and_files_on_the_last_part() -> None:
    text = "\n\n".join(f"Paragraph {i}. " + "word " * 150 for i in range(6))
    reply = Reply(text, ((Button("Next", "next"),),), nonce=3, image=Image("progress", "Your fortnight"))
    parts = render(reply, has_files=True)
    assert len(parts) > 1
    assert all(not p.rows and not p.files for p in parts[:-1])
    assert parts[-1].rows and parts[-1].files


def test_rows_wrap_at_five() -> None:
    row = tuple(Button(f"{i}", f"v{i}") for i in range(12))
    [part] = render(Reply("pick", (row, row[:3]), nonce=1), has_files=False)
    assert [len(r) for r in part.rows] == [5, 5, 2, 3]


def test_many_one_button_rows_are_packed_and_the_last_row_kept() -> None:
    options = tuple((Button(f"Reason {i}", f"r{i}"),) for i in range(7))
    done = (Button("Done", "done"),)
    [part] = render(Reply("pick any", (*options, done), nonce=1), has_files=False)
    assert [[b.label for b in r] for r in part.rows] == [
        [f"Reason {i}" for i in range(5)],
        ["Reason 5", "Reason 6"],
        ["Done"],
    ]
    too_many = tuple((Button(f"{i}", f"v{i}"),) for i in range(30))
    [crowded] = render(Reply("x", (*too_many, done), nonce=1), has_files=False)
    assert len(crowded.rows) == 5 and crowded.rows[-1] == done


async def test_long_labels_are_shortened_and_oversized_ids_left_out() -> None:
    part = OutgoingPart("x", ((Button("L" * 120, "ok"), Button("fine", "v" * 120)),), 1)
    view = build_view(part)
    assert view is not None
    [item] = view.children
    assert len(item.label or "") == 80 and item.custom_id == custom_id(1, "ok")  # type: ignore[attr-defined]


def test_image_only_reply_is_not_dropped_but_empty_reply_is() -> None:
    assert render(Reply(""), has_files=False) == []
    assert render(Reply("", image=Image("progress")), has_files=True) == [OutgoingPart("", (), 0, True)]


def test_dm_channel_cache_is_bounded_and_recency_ordered() -> None:
    cache = DmChannels(capacity=2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)
    cache.forget("a")
    assert cache.get("a") is None


async def test_pacer_allows_a_burst_then_spaces_requests() -> None:
    pacer = Pacer(rate=50, burst=5)
    loop = asyncio.get_running_loop()
    started = loop.time()
    for _ in range(5):
        await pacer.wait()
    assert loop.time() - started < 0.05
    for _ in range(10):
        await pacer.wait()
    assert loop.time() - started >= 10 / 50 - 0.02
