"""What the service does when a reply cannot be sent: one failing reply never holds up the others.

Real service, real SQLite file; the sender records what a person would have received and fails
on demand, the way the adapters report failures (bot.delivery).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

import pytest

from bot.adapters.telegram.outbound import build_keyboard
from bot.app import build_service
from bot.config import Settings
from bot.delivery import Rejected, RetryLater, Uncertain
from bot.service import MAX_ATTEMPTS
from bot.store.base import UserKey
from dialogs.model import Event, EventKind, Reply
from tests.recording import RecordingSender
from tests.service_kit import FakeClock, User, make_service

KEY = UserKey("test", "u1")
CRISIS = "i want to kill myself"
HELPLINE = ("988", "findahelpline", "116 123")
SORRY = "didn't go through"
PRIVATE = "the lake house, our last summer"


class StrictSender(RecordingSender):
    """Builds each reply's keyboard the way the Telegram adapter does before it is sent."""

    async def send(self, user_id, reply, image=None, files=()):  # type: ignore[no-untyped-def]
        build_keyboard(reply)
        await super().send(user_id, reply, image, files)


@pytest.fixture
async def env(tmp_path):
    clock = FakeClock()
    service, sender = await make_service(tmp_path / "r.db", clock)
    try:
        yield service, sender, clock
    finally:
        await service.close()


def helpline(text: str) -> bool:
    return any(h in text for h in HELPLINE)


async def test_the_journal_page_buttons_carry_the_nonce_and_work(tmp_path):
    clock = FakeClock()
    service, _ = await make_service(tmp_path / "r.db", clock)
    sender = StrictSender()
    service.register_sender(sender)
    try:
        user = User(service, sender, "u1", clock)
        await user.onboard()
        await user.say(PRIVATE)
        await user.command("journal")
        page = next(r.reply for r in sender.inbox["u1"] if r.reply.text.startswith("Your journal"))
        assert PRIVATE in page.text and page.nonce is not None
        assert await service.store.pending(KEY) == [], "nothing is stuck in the outbox"
        await user.tap("^Menu$")
        assert "What would you like to do?" in user.texts[-1]
        assert "expired" not in user.texts[-1]
    finally:
        await service.close()


async def test_a_reply_that_cannot_be_built_is_dropped_once_with_a_kind_word_and_blocks_nothing(env, caplog):
    service, sender, clock = env
    user = User(service, sender, "u1", clock)
    await user.onboard()
    sender.failures = [ValueError(f"cannot build {PRIVATE}")]
    with caplog.at_level(logging.INFO, logger="rekindle.service"):
        await user.command("help")
    assert SORRY in user.texts[-1], "the person is told, kindly, instead of silence"
    failures = [r for r in caplog.records if "could not be" in r.getMessage()]
    assert len(failures) == 1 and "ValueError" in failures[0].getMessage()
    assert PRIVATE not in caplog.text
    assert await service.store.pending(KEY) == [], "no retry is waiting"
    await user.command("menu")
    assert "What would you like to do?" in user.texts[-1], "the next reply goes at once"


async def test_a_rejected_reply_is_not_retried(env):
    service, sender, clock = env
    user = User(service, sender, "u1", clock)
    await user.onboard()
    sender.failures = [Rejected("400 Bad Request")]
    await user.command("help")
    clock.advance(hours=1)
    await service.deliver_pending("test")
    assert sum(SORRY in t for t in user.texts) == 1
    assert not any("/sos" in t and "help" in t.lower() for t in user.texts[-1:]), "the help was not resent"


async def test_when_the_fallback_fails_too_it_is_dropped_not_looped(env):
    service, sender, clock = env
    user = User(service, sender, "u1", clock)
    await user.onboard()
    before = len(user.texts)
    sender.failures = [Rejected("400"), Rejected("400")]
    await user.command("help")
    assert len(user.texts) == before and await service.store.pending(KEY) == []


async def test_a_passing_failure_is_retried_while_later_replies_go_on(env):
    service, sender, clock = env
    user = User(service, sender, "u1", clock)
    await user.onboard()
    sender.failures = [ConnectionError("network down")]
    await user.command("help")
    await user.command("menu")
    assert "What would you like to do?" in user.texts[-1], "the menu did not wait for the failed help"
    clock.advance(seconds=2)
    await service.deliver_pending("test")
    assert "/sos" in user.texts[-1], "the help arrives on its retry"
    assert await service.store.pending(KEY) == []


async def test_crisis_help_goes_out_while_an_earlier_reply_waits_for_its_retry(env):
    service, sender, clock = env
    user = User(service, sender, "u1", clock)
    await user.onboard()
    sender.failures = [ConnectionError("network down")]
    await user.command("help")
    await user.say(CRISIS)
    assert helpline(user.texts[-1]) or helpline(user.texts[-2])
    [waiting] = await service.store.pending(KEY)
    assert not waiting.reply.urgent and "/sos" in waiting.reply.text


async def test_crisis_replies_are_marked_urgent_and_sent_first(env):
    service, sender, clock = env
    user = User(service, sender, "u1", clock)
    await user.onboard()
    sender.failures = [ConnectionError("down"), ConnectionError("down")]
    await user.command("help")
    await user.command("menu")
    sender.failures = [ConnectionError("down")]
    await user.say(CRISIS)
    queued = await service.store.pending(KEY)
    assert [item.reply.urgent for item in queued] == [False, False, True]
    clock.advance(minutes=5)
    await service.deliver_pending("test")
    last_three = [r.reply for r in sender.inbox["u1"][-3:]]
    assert last_three[0].urgent and helpline(last_three[0].text), "crisis help first"
    assert not any(r.urgent for r in last_three[1:])


async def test_crisis_help_that_may_not_have_arrived_is_sent_again(env):
    service, sender, clock = env
    user = User(service, sender, "u1", clock)
    await user.onboard()
    sender.failures = [Uncertain()]
    await user.say(CRISIS)
    assert [item.reply.urgent for item in await service.store.pending(KEY)] == [True]
    clock.advance(seconds=2)
    await service.deliver_pending("test")
    assert helpline(user.texts[-1]) and await service.store.pending(KEY) == []


async def test_an_ordinary_reply_that_may_have_arrived_is_not_repeated(env):
    service, sender, clock = env
    user = User(service, sender, "u1", clock)
    await user.onboard()
    before = len(user.texts)
    sender.failures = [Uncertain()]
    await user.command("help")
    clock.advance(minutes=5)
    await service.deliver_pending("test")
    assert len(user.texts) == before and await service.store.pending(KEY) == []


async def test_crisis_help_is_retried_past_the_ordinary_limit_until_it_is_confirmed(env):
    service, sender, clock = env
    user = User(service, sender, "u1", clock)
    await user.onboard()
    sender.failures = [ConnectionError("down")] * (MAX_ATTEMPTS + 3)
    await user.say(CRISIS)
    for _ in range(MAX_ATTEMPTS + 3):
        clock.advance(minutes=1)
        await service.deliver_pending("test")
    assert helpline(user.texts[-1])
    assert sender.failures == [] and await service.store.pending(KEY) == []


async def test_ordinary_replies_are_given_up_after_the_limit(env):
    service, sender, clock = env
    user = User(service, sender, "u1", clock)
    await user.onboard()
    before = len(user.texts)
    sender.failures = [ConnectionError("down")] * MAX_ATTEMPTS
    await user.command("help")
    for _ in range(MAX_ATTEMPTS):
        clock.advance(minutes=5)
        await service.deliver_pending("test")
    assert len(user.texts) == before and await service.store.pending(KEY) == []


async def test_crisis_help_with_buttons_that_is_rejected_goes_out_as_plain_text(env):
    service, sender, clock = env
    user = User(service, sender, "u1", clock)
    await user.onboard()
    sender.failures = [Rejected("400 Bad Request")]
    await user.say(CRISIS)
    got = sender.inbox["u1"][-1].reply
    assert helpline(got.text) and got.buttons == () and got.urgent


async def test_sos_replies_are_urgent(env):
    service, sender, clock = env
    user = User(service, sender, "u1", clock)
    await user.onboard()
    await user.command("sos")
    assert all(r.reply.urgent for r in sender.inbox["u1"][-1:])


async def test_a_platform_wait_holds_the_persons_queue_until_then(env):
    service, sender, clock = env
    user = User(service, sender, "u1", clock)
    await user.onboard()
    before = len(user.texts)
    sender.failures = [RetryLater(10)]
    await user.command("help")
    await user.command("menu")
    assert len(user.texts) == before, "told to wait: nothing more is sent to this person meanwhile"
    clock.advance(seconds=11)
    await service.deliver_pending("test")
    assert len(user.texts) == before + 2 and "/sos" in user.texts[-2]


async def test_retry_timer_delivers_without_waiting_for_housekeeping(tmp_path):
    """With the real clock: a passing failure is retried by the service's own timer a second later."""
    service = await build_service(Settings(database_url=f"sqlite:///{tmp_path / 'r.db'}"))
    sender = RecordingSender()
    service.register_sender(sender)
    try:
        sender.failures = [ConnectionError("down")]
        await service.handle(
            Event(EventKind.COMMAND, "test", "u1", "timer-1", datetime.now(UTC), command="start")
        )
        assert not any("Rekindle" in t for t in sender.texts("u1")), "the greeting failed; the terms went on"
        for _ in range(100):  # up to 5 s; the first retry comes after 1 s
            if any("Rekindle" in t for t in sender.texts("u1")):
                break
            await asyncio.sleep(0.05)
        assert any("Rekindle" in t for t in sender.texts("u1"))
    finally:
        await service.close()


def test_reply_round_trips_its_urgency_through_the_outbox_codec():
    from bot.store.codec import reply_from_json, reply_to_json

    reply = Reply("help is here", urgent=True)
    assert reply_from_json(reply_to_json(reply)) == reply
    assert reply_from_json('{"text":"x","buttons":[],"nonce":null,"image":null}').urgent is False
