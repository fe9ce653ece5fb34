"""A burst of messages answered as one event: every message's id is claimed in the same step, so a
replay of any of them (or of the whole burst, after a crash before the platform was told) changes
nothing, and a burst that was partly recorded goes on with the new messages only."""

from __future__ import annotations

import pytest

from bot.store.base import UserKey
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


def report(clock: FakeClock, *parts: tuple[str, str]) -> Event:
    """/report with the note written over several messages (the text after the command)."""
    return Event(
        kind=EventKind.COMMAND,
        platform="test",
        user_id="u",
        event_id=parts[0][0],
        at=clock(),
        command="report",
        text="\n".join(text for _, text in parts),
        parts=parts,
    )


async def processed(service, user: str) -> list[str]:
    async with service.store.user(UserKey("test", user)) as tx:
        return sorted(str(row["event_id"]) for row in (await tx.export())["processed_events"])


async def test_every_id_of_a_burst_is_claimed_and_a_replay_of_any_changes_nothing(env):
    service, sender, clock = env
    await User(service, sender, "u", clock).onboard()
    before = await processed(service, "u")
    assert await service.handle(report(clock, ("b1", "the reply"), ("b2", "felt cold"), ("b3", "to me")))
    assert [r["note"] for r in await service.store.reports()] == ["the reply\nfelt cold\nto me"]
    assert sorted(set(await processed(service, "u")) - set(before)) == ["b1", "b2", "b3"]
    replies = len(sender.texts("u"))
    # The whole burst again (the platform was never told), then one of its messages alone.
    assert await service.handle(report(clock, ("b1", "the reply"), ("b2", "felt cold"), ("b3", "to me")))
    assert await service.handle(report(clock, ("b2", "felt cold")))
    assert len(await service.store.reports()) == 1 and len(sender.texts("u")) == replies


async def test_a_burst_partly_recorded_before_goes_on_with_the_new_messages_only(env):
    service, sender, clock = env
    await User(service, sender, "u", clock).onboard()
    await service.handle(report(clock, ("c1", "first"), ("c2", "second")))
    # After a crash the platform delivers both again, with a third that came meanwhile.
    await service.handle(report(clock, ("c1", "first"), ("c2", "second"), ("c3", "third")))
    assert [r["note"] for r in await service.store.reports()] == ["first\nsecond", "third"]


async def test_a_report_flags_the_last_message_the_person_was_sent(env):
    service, sender, clock = env
    await User(service, sender, "u", clock).onboard()
    last = sender.texts("u")[-1]
    await service.handle(report(clock, ("r1", "this felt off")))
    [flagged] = await service.store.reports()
    assert flagged["reply"].endswith(last) and flagged["note"] == "this felt off"


async def test_a_report_holds_every_message_of_the_step_not_only_its_last(env):
    # A lesson comes in parts; the part that felt wrong is often not the one with the buttons.
    service, sender, clock = env
    user = User(service, sender, "u", clock)
    await user.onboard()
    before = len(sender.texts("u"))
    await user.say("sad and angry mostly")
    await user.tap("One more step")
    step = sender.texts("u")[before + 1 :]
    assert len(step) >= 2
    await service.handle(report(clock, ("r2", "the first part of that")))
    [flagged] = await service.store.reports()
    assert all(text in flagged["reply"] for text in step)


async def test_a_bare_report_asks_and_still_flags_the_reply_before_the_question(env):
    """The question "what felt wrong?" is not the reply being reported."""
    service, sender, clock = env
    user = User(service, sender, "u", clock)
    await user.onboard()
    last = sender.texts("u")[-1]
    await user.command("report")
    assert sender.texts("u")[-1] == service.kit.content.text("report_ask")
    await user.say("it told me to journal when i said i was exhausted")
    [flagged] = await service.store.reports()
    assert flagged["reply"].endswith(last)
    assert flagged["note"] == "it told me to journal when i said i was exhausted"
