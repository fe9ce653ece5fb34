"""The service over a real SQLite file: ordering, replay, crash-safety, unreachable users."""

from __future__ import annotations

import asyncio

import pytest

from bot.delivery import RetryLater, Uncertain, Unreachable
from bot.store.base import StoreUnavailable, UserKey
from dialogs.model import Event, EventKind
from tests.service_kit import FakeClock, User, make_service


@pytest.fixture
async def env(tmp_path):
    clock = FakeClock()
    service, sender = await make_service(tmp_path / "r.db", clock)
    try:
        yield service, sender, clock
    finally:
        await service.close()


async def test_fifty_concurrent_events_for_one_user_keep_their_order(env):
    service, sender, clock = env
    user = User(service, sender, "u1", clock)
    await user.onboard()
    before = len(user.texts)
    # Plain words: "thought number 0" drew the safety question (0.47) after the short-message round,
    # and this test is about order, not about what the safety check makes of a made-up phrase.
    await asyncio.gather(*(user.say(f"note number {i}") for i in range(50)))
    async with service.store.user(UserKey("test", "u1")) as tx:
        journal = [e.text for e in await tx.journal()]
    assert [t for t in reversed(journal) if t.startswith("note")] == [
        f"note number {i}" for i in range(50)
    ]
    assert len(user.texts) - before == 50, "one acknowledgement per message, none lost"


async def test_a_replayed_event_changes_nothing(env):
    service, sender, clock = env
    user = User(service, sender, "u1", clock)
    await user.onboard()
    event = Event(
        kind=EventKind.TEXT, platform="test", user_id="u1", event_id="same", at=clock(), text="once"
    )
    await service.handle(event)
    sent = len(user.texts)
    await service.handle(event)
    await service.handle(event)
    async with service.store.user(UserKey("test", "u1")) as tx:
        assert [e.text for e in await tx.journal()].count("once") == 1
    assert len(user.texts) == sent


async def test_a_reply_that_failed_survives_in_the_outbox_without_holding_up_the_next(env):
    service, sender, clock = env
    user = User(service, sender, "u1", clock)
    await user.command("start")
    welcome = len(user.texts)
    sender.failures = [ConnectionError("network down")]
    await user.tap("agree")
    assert len(user.texts) == welcome, "the reply to 'agree' failed and waits in the outbox"
    await user.say("Robin")
    assert len(user.texts) == welcome + 1 and "Robin" in user.texts[-1], "the next reply does not wait behind it"
    clock.advance(seconds=5)
    assert await service.deliver_pending("test") == 1
    assert user.texts[-1].startswith("Thank you.") and "call you" in user.texts[-1]
    assert await service.store.pending(UserKey("test", "u1")) == []


async def test_retry_after_waits_then_sends_once(env):
    service, sender, clock = env
    user = User(service, sender, "u1", clock)
    sender.failures = [RetryLater(3)]
    await user.command("start")
    assert user.texts == []
    clock.advance(seconds=1)
    await service.deliver_pending("test")
    assert user.texts == []
    clock.advance(seconds=3)
    await service.deliver_pending("test")
    assert len(user.texts) == 2 and "Rekindle" in user.texts[0], "the welcome, in two short messages"
    await service.deliver_pending("test")
    assert len(user.texts) == 2


async def test_uncertain_send_is_not_repeated(env):
    service, sender, clock = env
    user = User(service, sender, "u1", clock)
    sender.failures = [Uncertain()]
    await user.command("start")
    assert len(user.texts) == 1 and "few honest things" in user.texts[0], "the first welcome message may have arrived"
    await service.deliver_pending("test")
    assert len(user.texts) == 1, "and it is not sent again"
    await user.command("help")
    assert len(user.texts) == 2, "what comes after it still goes out"


async def test_unreachable_user_is_skipped_until_they_write(env):
    service, sender, clock = env
    user = User(service, sender, "u1", clock)
    await user.onboard()
    key = UserKey("test", "u1")
    sender.failures = [Unreachable()]
    await user.command("help")
    assert await service.store.is_unreachable(key)
    assert await service.store.pending(key) == []
    clock.advance(days=2)
    assert await service.store.claim_due(clock(), 10, __import__("datetime").timedelta(minutes=1)) == []
    await user.command("menu")
    assert not await service.store.is_unreachable(key)
    assert "What would you like to do?" in user.texts[-1]


async def test_conversation_continues_after_restart(tmp_path):
    clock = FakeClock()
    service, sender = await make_service(tmp_path / "r.db", clock)
    user = User(service, sender, "u1", clock)
    await user.onboard()
    assert any("Name what you feel" in t for t in user.texts)
    await service.close()

    service, sender = await make_service(tmp_path / "r.db", clock)
    try:
        user = User(service, sender, "u1", clock)
        await user.command("start")
        said = "\n".join(user.texts)
        assert "Welcome back, Robin" in said
        assert '"Name what you feel"' in said, "the same step, named in one line, after the restart"
    finally:
        await service.close()


async def test_an_engine_failure_gets_a_kind_reply_and_never_hides_a_crisis(env, monkeypatch):
    service, sender, clock = env
    user = User(service, sender, "u1", clock)
    await user.onboard()

    def broken(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr("bot.service.step", broken)
    await user.say("hello")
    assert "went wrong on my side" in user.texts[-1]
    await user.say("i want to kill myself")
    assert "988" in user.texts[-1] or "findahelpline" in user.texts[-1]


async def test_an_engine_failure_keeps_what_the_reader_remembers(env, monkeypatch):
    """Only /delete makes the reader forget someone's recent messages (the window in which a thought
    split over two sends is read as one); a failed step is not a deletion."""
    service, sender, clock = env
    user = User(service, sender, "u1", clock)
    await user.onboard()
    forgotten: list[tuple[str, str]] = []

    class Remembering:
        async def read(self, event: Event) -> Event:
            return event

        def forget(self, platform: str, user_id: str) -> None:
            forgotten.append((platform, user_id))

    monkeypatch.setattr(service, "reader", Remembering())
    monkeypatch.setattr("bot.service.step", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("bug")))
    await user.say("hello")
    assert "went wrong on my side" in user.texts[-1]
    assert forgotten == []


async def test_an_event_the_database_never_took_is_reported_unrecorded_so_the_platform_redelivers(
    env, monkeypatch
):
    service, sender, clock = env
    user = User(service, sender, "u1", clock)
    await user.onboard()
    monkeypatch.setattr("bot.service.STORE_RETRY_DELAYS", (0.0, 0.0))
    real_user = service.store.user
    outage = {"left": 3}  # the first try and both retries fail; the redelivery succeeds

    def flaky(key):
        if outage["left"]:
            outage["left"] -= 1
            raise StoreUnavailable("server restarting")
        return real_user(key)

    monkeypatch.setattr(service.store, "user", flaky)
    event = Event(
        kind=EventKind.TEXT, platform="test", user_id="u1", event_id="e-out", at=clock(), text="/journal"
    )
    assert await service.handle(event) is False
    assert "went wrong on my side" in user.texts[-1]
    apologies = len(user.texts)
    outage["left"] = 3
    assert await service.handle(event) is False, "redelivered during the same outage"
    assert len(user.texts) == apologies, "one apology per outage is enough"
    outage["left"] = 3
    crisis = Event(
        kind=EventKind.TEXT, platform="test", user_id="u1", event_id="e-crisis", at=clock(),
        text="i want to kill myself",
    )
    assert await service.handle(crisis) is False
    assert "988" in user.texts[-1] or "findahelpline" in user.texts[-1], "crisis help is never held back"
    assert await service.handle(event) is True, "the redelivered event is handled"
    assert await service.handle(event) is True, "and a third delivery is a harmless replay"
