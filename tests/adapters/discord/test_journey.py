"""End to end: a person on Discord DMs, the real adapter, the real core and store, the emulator."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from bot.adapters.discord.texts import SLASH_DMS_CLOSED, SLASH_OPENED
from bot.scheduler import Dispatcher
from bot.store import UserKey
from tests.adapters.discord.conftest import RunAdapter, StepClock
from tests.emulators.discord import MESSAGES, BotMessage, DiscordEmulator, Fault


class Person:
    """One Discord user: every action waits until the bot has answered and gone quiet."""

    def __init__(self, emu: DiscordEmulator, user_id: int) -> None:
        self.emu, self.id = emu, user_id
        self.seen = 0

    async def _act(self, action: Callable[[], object]) -> list[BotMessage]:
        before = len(self.emu.messages(self.id))
        action()
        await self.emu.wait_for_messages(self.id, before + 1, timeout=10)
        await self.emu.wait_idle(quiet=0.1)
        new = self.emu.messages(self.id)[before:]
        for message in new:
            assert 0 < len(message.body) <= 2000 or message.files or message.buttons
        return new

    async def say(self, text: str) -> str:
        return _text(await self._act(lambda: self.emu.send_text(self.id, text)))

    async def command(self, command: str) -> str:
        return _text(await self._act(lambda: self.emu.send_command(self.id, command)))

    async def tap(self, label: str, message_id: int | None = None) -> str:
        pressed, _ = self.emu.find_button(self.id, re.compile(label, re.I), message_id)
        new = await self._act(lambda: self.emu.click(self.id, re.compile(label, re.I), message_id))
        assert self.emu._messages[pressed.id].enabled_labels == [], "a used keyboard is disabled"
        return _text(new)

    def labels(self) -> list[str]:
        with_buttons = [m for m in self.emu.messages(self.id) if m.buttons]
        return with_buttons[-1].enabled_labels if with_buttons else []


def _text(messages: list[BotMessage]) -> str:
    return "\n".join(m.visible for m in messages)


async def onboard(person: Person) -> None:
    welcome = await person.command("/start")
    assert "not a therapist" in welcome and "18" in welcome
    await person.tap("agree")
    assert "Sam" in await person.say("Sam")
    intake = (
        "1-4 weeks",
        "They did",
        "Trust",
        "Done",
        "No contact",
        "^No$",
        "None of these",
        "London",
        "United Kingdom",
    )
    for label in (*intake, "09:00"):
        await person.tap(label)


async def state_of(service: Any, user_id: int) -> str | None:
    async with service.store.user(UserKey("discord", str(user_id))) as tx:
        raw: str | None = await tx.load_state()
        return raw


async def test_a_step_a_day_through_no_contact_to_reaching_out(
    run_adapter: RunAdapter, service: Any, emu: DiscordEmulator, clock: StepClock, kit: Any
) -> None:
    await run_adapter(service)
    person = Person(emu, 1)
    await onboard(person)
    assert "journal" in (await person.say("mostly numb, some anger")).lower()
    await person.tap("Done for today")
    read = []
    for _ in range(40):  # forty days, taking today's step each day
        clock.advance(days=1)
        said = await person.command("/today")
        if "Not sent yet" in person.labels():
            said = await person.tap("They replied, but coolly")
        read += [i for i, lesson in kit.content.lessons.items() if lesson.title in said.splitlines()]
        if "30 days" in person.labels():
            await person.tap("30 days")
        elif "Skip the question" in person.labels():
            await person.tap("Skip the question")
    before = [i for s in kit.content.tracks.reconnect.before for i in s.lessons if i != "limited_contact"]
    assert read[: len(before) - 1] == before[1:], "one step a day, in order, none twice"
    assert read[len(before) - 1 : len(before) + 2] == ["ready_to_reach_out", "apology", "first_message"]
    assert "cool_reply" in read, "the branch for a cool reply"
    assert all(m.allowed_mentions == {"parse": []} for m in emu.messages(1))
    assert max(len(m.body) for m in emu.messages(1)) <= 500


async def test_button_from_before_a_restart_still_works(
    run_adapter: RunAdapter, service: Any, emu: DiscordEmulator
) -> None:
    first = await run_adapter(service)
    person = Person(emu, 2)
    await person.command("/start")
    await first.stop()
    await run_adapter(service)
    assert emu.identifies == 2
    assert "call you" in await person.tap("agree")


async def test_stale_button_says_expired_and_changes_nothing(
    run_adapter: RunAdapter, service: Any, emu: DiscordEmulator
) -> None:
    await run_adapter(service)
    person = Person(emu, 3)
    await person.command("/start")
    await person.tap("agree")
    name_prompt = emu.last_message(3)
    assert name_prompt.enabled_labels == ["Skip"]
    await person.say("Alex")  # typed instead of tapping Skip: that button is now stale
    before = await state_of(service, 3)
    said = await person.tap("Skip", message_id=name_prompt.id)
    assert "expired" in said.lower()
    assert await state_of(service, 3) == before
    assert "1-4 weeks ago" in person.labels()  # the current question is still the one to answer


async def test_25_users_20_messages_each_all_answered_in_order(
    run_adapter: RunAdapter, service: Any, emu: DiscordEmulator
) -> None:
    await run_adapter(service)
    # 25 people at once is concurrency enough; every typed message is read by the safety model
    # (17 ms each on an AVX2-only core), and 50 people cost the suite 22 s.
    users = range(1000, 1025)
    for user in users:
        emu.send_command(user, "/start")
        for i in range(19):
            emu.send_text(user, f"message {i}")
    async_ok = [await emu.wait_for_messages(user, 20, timeout=120) for user in users]
    await emu.wait_idle(quiet=0.3, timeout=120)
    for user, _ in zip(users, async_ok, strict=True):
        sent = emu.messages(user)
        assert "Rekindle" in sent[0].visible  # /start came first and was answered first
        # Every message got at least one answer, and nothing arrived for anyone else.
        assert len(sent) >= 20
        assert all(m.channel_id == emu.dm_channel_id(user) for m in sent)
    assert not emu.errors


async def test_blocked_user_is_unreachable_until_they_write_again(
    run_adapter: RunAdapter, service: Any, emu: DiscordEmulator, clock: StepClock
) -> None:
    await run_adapter(service)
    person = Person(emu, 4)
    await onboard(person)
    key = UserKey("discord", "4")
    emu.fail(MESSAGES, *[Fault.cannot_dm(user_id=4)] * 3)
    emu.send_text(4, "are you there")
    await emu.wait_for(lambda: emu.pending_faults(MESSAGES) < 3)
    await emu.wait_idle()
    assert await service.store.is_unreachable(key)
    dispatcher = Dispatcher(service, service.store, clock=clock)
    calls = len(emu.route_calls(MESSAGES))
    clock.advance(days=1)  # the next morning's check-in is due now
    assert (await dispatcher.tick()).claimed == 0
    await emu.wait_idle()
    assert len(emu.route_calls(MESSAGES)) == calls, "no scheduled sends to an unreachable user"
    emu._faults[MESSAGES].clear()  # they unblocked the bot
    await person.say("I'm back")
    assert not await service.store.is_unreachable(key)
    before = len(emu.messages(4))
    assert (await dispatcher.tick()).claimed == 1  # the same check-in, held back until now
    await emu.wait_for_messages(4, before + 1)


async def test_dropped_gateway_resumes_and_the_next_dm_is_answered(
    run_adapter: RunAdapter, service: Any, emu: DiscordEmulator
) -> None:
    await run_adapter(service)
    person = Person(emu, 5)
    await person.command("/start")
    await emu.drop_gateway()
    said = await person.tap("agree")
    assert "call you" in said
    assert emu.resumes == 1 and emu.identifies == 1


async def test_server_message_gets_only_the_pointer(
    run_adapter: RunAdapter, service: Any, emu: DiscordEmulator
) -> None:
    await run_adapter(service)
    person = Person(emu, 6)
    await onboard(person)
    emu.send_guild_message(6, "how is my no contact going?")
    await emu.wait_for(lambda: len(emu.channel_messages()) == 1)
    await emu.wait_idle()
    [pointer] = emu.channel_messages()
    assert "direct message" in pointer.visible and "Sam" not in pointer.visible
    assert pointer.buttons == [] and pointer.files == []


async def test_slash_command_opens_the_dm_with_the_welcome(
    run_adapter: RunAdapter, service: Any, emu: DiscordEmulator
) -> None:
    await run_adapter(service)
    emu.slash_command(7, "rekindle", guild=True)
    sent = await emu.wait_for_messages(7, 1)
    assert "Rekindle" in sent[0].visible
    await emu.wait_for(lambda: [m.visible for m in emu.ephemeral(7)] == [SLASH_OPENED])
    assert emu.channel_messages() == []


async def test_sos_as_a_slash_command_in_a_server_answers_in_the_dm(
    run_adapter: RunAdapter, service: Any, emu: DiscordEmulator
) -> None:
    await run_adapter(service)
    emu.slash_command(9, "sos", guild=True)
    sent = await emu.wait_for_messages(9, 1)
    assert emu.channel_messages() == []
    assert "please reach a person now" in sent[0].visible and "findahelpline.com" in sent[0].visible
    await emu.wait_for(lambda: [m.visible for m in emu.ephemeral(9)] == [SLASH_OPENED])


async def test_slash_command_with_dms_closed_tells_the_person_in_the_server(
    run_adapter: RunAdapter, service: Any, emu: DiscordEmulator
) -> None:
    await run_adapter(service)
    emu.fail(MESSAGES, Fault.cannot_dm(user_id=10))
    emu.slash_command(10, "start", guild=True)
    await emu.wait_for(lambda: [m.visible for m in emu.ephemeral(10)] == [SLASH_DMS_CLOSED])
    assert emu.messages(10) == [] and emu.channel_messages() == []
    assert await service.store.is_unreachable(UserKey("discord", "10"))


async def test_rate_limited_reply_is_waited_out_and_arrives_once(
    run_adapter: RunAdapter, service: Any, emu: DiscordEmulator
) -> None:
    await run_adapter(service)
    emu.fail(MESSAGES, Fault.rate_limited(0.3, user_id=8))
    person = Person(emu, 8)
    welcome = await person.command("/start")
    assert welcome.count("Hi, I'm Rekindle") == 1
    sent = emu.messages(8)
    assert len(emu.route_calls(MESSAGES)) == len(sent) + 1  # the one 429, then each message once
    assert len({m.visible for m in sent}) == len(sent)
