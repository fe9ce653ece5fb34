"""Replies to Telegram calls, and Telegram's errors to the delivery contract, over real HTTP."""

from __future__ import annotations

import asyncio
import time

import pytest
from telegram.error import NetworkError

from bot.adapters.telegram import RateLimits, Tuning
from bot.adapters.telegram.outbound import TelegramSender
from bot.delivery import RetryLater, Uncertain, Unreachable
from dialogs.model import Button, Reply
from tests.adapters.telegram.conftest import FAST, EchoService, RunAdapter
from tests.emulators.telegram import Fault, TelegramEmulator

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
CHOICE = Reply("Pick one", ((Button("Yes", "yes"), Button("No", "no")),), nonce=12)


@pytest.fixture
async def sender(run_adapter: RunAdapter) -> TelegramSender:
    return (await run_adapter(EchoService())).sender


async def test_long_text_is_split_and_buttons_go_on_the_last_part(
    sender: TelegramSender, tg: TelegramEmulator
) -> None:
    paragraph = "This is one calm sentence about today. " * 40  # about 1,560 characters
    text = "\n\n".join(paragraph.strip() for _ in range(6))
    await sender.send("5", Reply(text, CHOICE.buttons, nonce=12))
    sent = tg.messages(5)
    assert len(sent) == 3
    assert all(len(m.body) <= 4096 and m.parse_mode is None for m in sent)
    assert [m.buttons for m in sent[:-1]] == [[], []]
    assert sent[-1].buttons == [[("Yes", "12|yes"), ("No", "12|no")]]
    assert " ".join(m.body for m in sent).split() == text.split()


async def test_user_text_is_sent_plain(sender: TelegramSender, tg: TelegramEmulator) -> None:
    text = "You wrote: <b>*_[not markup](x)_*</b> & that's fine"
    await sender.send("5", Reply(text))
    assert tg.last_message(5).text == text and tg.last_message(5).parse_mode is None


async def test_image_with_caption_and_keyboard(sender: TelegramSender, tg: TelegramEmulator) -> None:
    await sender.send("6", CHOICE, PNG)
    (photo,) = tg.messages(6)
    assert photo.photo == PNG and photo.caption == "Pick one" and photo.labels == ["Yes", "No"]


async def test_image_with_long_text_sends_the_text_after_it(
    sender: TelegramSender, tg: TelegramEmulator
) -> None:
    text = "A longer note to go with your chart. " * 40
    await sender.send("6", Reply(text, CHOICE.buttons, nonce=3), PNG)
    photo, note = tg.messages(6)
    assert photo.photo == PNG and photo.caption is None and photo.buttons == []
    assert note.text == text.strip() and note.labels == ["Yes", "No"]


async def test_files_are_sent_as_documents(sender: TelegramSender, tg: TelegramEmulator) -> None:
    await sender.send("8", Reply("Here is everything you wrote."), None,
                      [("rekindle-export.json", b'{"a": 1}'), ("rekindle-export.txt", b"a")])
    text, first, second = tg.messages(8)
    assert text.text == "Here is everything you wrote."
    assert (first.filename, first.document) == ("rekindle-export.json", b'{"a": 1}')
    assert (second.filename, second.document) == ("rekindle-export.txt", b"a")


@pytest.mark.parametrize("fault", [Fault.forbidden(), Fault.deactivated(),
                                   Fault(400, "Bad Request: chat not found")])
async def test_blocked_or_gone_users_are_unreachable_and_not_retried(
    sender: TelegramSender, tg: TelegramEmulator, fault: Fault
) -> None:
    tg.fail("sendMessage", fault)
    with pytest.raises(Unreachable):
        await sender.send("9", Reply("hello"))
    assert len(tg.method_calls("sendMessage")) == 1 and tg.messages(9) == []


async def test_flood_wait_is_honoured_then_sent_once(sender: TelegramSender, tg: TelegramEmulator) -> None:
    tg.fail("sendMessage", Fault.flood(1))
    started = time.monotonic()
    await sender.send("9", Reply("after the wait"))
    assert time.monotonic() - started >= 1.0
    assert len(tg.method_calls("sendMessage")) == 2
    assert [m.text for m in tg.messages(9)] == ["after the wait"]


async def test_repeated_flood_wait_is_handed_back_as_retry_later(
    sender: TelegramSender, tg: TelegramEmulator
) -> None:
    tg.fail("sendMessage", Fault.flood(1), Fault.flood(7))
    with pytest.raises(RetryLater) as info:
        await sender.send("9", Reply("not yet"))
    assert info.value.seconds == 7 and tg.messages(9) == []


@pytest.mark.parametrize("fault", [Fault.slow(3.0), Fault.dropped(delivered=True)])
async def test_maybe_delivered_is_uncertain_and_not_repeated(
    sender: TelegramSender, tg: TelegramEmulator, fault: Fault
) -> None:
    tg.fail("sendMessage", fault)
    with pytest.raises(Uncertain):
        await sender.send("9", Reply("did this arrive?"))
    await asyncio.sleep(0 if not fault.delay else fault.delay - 1.5)
    assert len(tg.method_calls("sendMessage")) == 1  # the library did not resend it on its own


@pytest.mark.parametrize("status", [500, 502])
async def test_a_server_error_answer_is_an_ordinary_failure_to_retry(
    sender: TelegramSender, tg: TelegramEmulator, status: int
) -> None:
    tg.fail("sendMessage", Fault.server_error(status))
    with pytest.raises(NetworkError) as info:
        await sender.send("9", Reply("try me again"))
    assert not isinstance(info.value, Uncertain) and tg.messages(9) == []
    await sender.send("9", Reply("try me again"))
    assert [m.body for m in tg.messages(9)] == ["try me again"]


async def test_a_send_that_never_left_is_an_ordinary_failure(
    tg: TelegramEmulator, run_adapter: RunAdapter
) -> None:
    adapter = await run_adapter(EchoService())
    await tg.stop()  # nothing listens any more: connection refused
    tg.strict = False
    with pytest.raises(NetworkError) as info:
        await adapter.sender.send("9", Reply("hello"))
    assert not isinstance(info.value, Uncertain)
    await tg.start()  # so teardown can say goodbye to a live server (on a new port)


async def test_per_chat_pace_and_bursts(tg: TelegramEmulator, run_adapter: RunAdapter) -> None:
    tuning = Tuning(request_timeout=2.0, poll_timeout=1.0, limits=RateLimits(1000.0, 4.0, 2))
    adapter = await run_adapter(EchoService(), tuning)
    started = time.monotonic()
    await asyncio.gather(*(adapter.sender.send("1", Reply(f"m{i}")) for i in range(6)),
                         adapter.sender.send("2", Reply("other chat")))
    elapsed = time.monotonic() - started
    # A burst of 2, then 4 more at 4/s: about one second. The other chat is not held up by it.
    assert 0.8 <= elapsed < 3.0
    assert sorted(m.text or "" for m in tg.messages(1)) == [f"m{i}" for i in range(6)]
    assert tg.messages(2)[0].date < tg.messages(1)[-1].date


async def test_overall_pace(tg: TelegramEmulator, run_adapter: RunAdapter) -> None:
    tuning = Tuning(request_timeout=2.0, poll_timeout=1.0, limits=RateLimits(10.0, 1000.0, 1000))
    adapter = await run_adapter(EchoService(), tuning)
    started = time.monotonic()
    await asyncio.gather(*(adapter.sender.send(str(100 + i), Reply("hi")) for i in range(20)))
    assert time.monotonic() - started >= 0.9  # 20 messages at 10/s, after a burst of 10
    assert sum(len(tg.messages(100 + i)) for i in range(20)) == 20


def test_fast_tuning_is_what_the_tests_use() -> None:
    assert FAST.limits.overall_per_second >= 1000
