"""The whole bot as a Telegram user meets it: real service and store, real PTB, real HTTP to the emulator."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.telegram import TelegramAdapter
from bot.adapters.telegram.bursts import BurstLimits
from bot.app import build_service
from bot.service import ChatService
from bot.store.base import UserKey
from dialogs.state import UserState
from tests.adapters.telegram.conftest import FAST, telegram_settings
from tests.emulators.telegram import BotMessage, Fault, TelegramEmulator

INTAKE = ("I'm 18+ and I agree", "Skip", "This week", "I did", "Communication", "Done",
          "No contact at the moment", "No", "Done", "London", "✓ United Kingdom", "No daily check-ins")
EXPIRED = "That button has expired"
AGREE = r"^I'm 18\+ and I agree$"


class Clock:
    """The service's clock; tests move it forward the way days pass."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


class Bot:
    """Starts and restarts the service + adapter pair on one database, as `python -m bot` would."""

    def __init__(self, tg: TelegramEmulator, tmp_path: Path, bursts: BurstLimits | None = None) -> None:
        self.settings = telegram_settings(tg, tmp_path)
        self.clock = Clock()
        self.service: ChatService | None = None
        self.adapter: TelegramAdapter | None = None
        self.tuning = FAST if bursts is None else replace(FAST, bursts=bursts)

    async def start(self) -> ChatService:
        self.service = await build_service(self.settings, clock=self.clock)
        self.adapter = TelegramAdapter(self.settings, self.service, self.tuning)
        await self.adapter.start()
        return self.service

    async def stop(self) -> None:
        try:
            if self.adapter is not None:
                await self.adapter.stop()
        finally:
            if self.service is not None:
                await self.service.close()
            self.adapter = self.service = None

    async def state(self, user_id: int) -> UserState:
        assert self.service is not None
        async with self.service.store.user(UserKey("telegram", str(user_id))) as tx:
            raw = await tx.load_state()
        assert raw is not None
        return UserState.model_validate_json(raw)

    async def processed(self, user_id: int) -> set[str]:
        assert self.service is not None
        async with self.service.store.user(UserKey("telegram", str(user_id))) as tx:
            return {str(row["event_id"]) for row in (await tx.export())["processed_events"]}

    async def journal(self, user_id: int) -> list[Any]:
        assert self.service is not None
        async with self.service.store.user(UserKey("telegram", str(user_id))) as tx:
            return list(await tx.journal())


@pytest.fixture
async def bot(tg: TelegramEmulator, tmp_path: Path) -> AsyncIterator[Bot]:
    runner = Bot(tg, tmp_path)
    await runner.start()
    try:
        yield runner
    finally:
        await runner.stop()


class User:
    """One person in one chat: each action waits until the bot has answered and gone quiet."""

    def __init__(self, tg: TelegramEmulator, user_id: int) -> None:
        self.tg, self.id = tg, user_id

    async def _act(
        self, action: Callable[[], object], expect: int = 1, settled: Callable[[], bool] | None = None
    ) -> list[BotMessage]:
        before = len(self.tg.messages(self.id))
        action()
        await self.tg.wait_for_messages(self.id, before + expect, timeout=10)
        if settled is not None:  # what follows the reply (a used keyboard going), before the quiet wait
            await self.tg.wait_for(settled, timeout=10)
        await self.tg.wait_idle(0.15)
        return self.tg.messages(self.id)[before:]

    async def command(self, text: str) -> list[BotMessage]:
        return await self._act(lambda: self.tg.send_command(self.id, text))

    async def say(self, text: str) -> list[BotMessage]:
        return await self._act(lambda: self.tg.send_text(self.id, text))

    async def tap(self, label: str) -> list[BotMessage]:
        message, _ = self.tg.find_button(self.id, f"^{re.escape(label)}$")
        replies = await self._act(
            lambda: self.tg.click(self.id, f"^{re.escape(label)}$"), settled=lambda: message.buttons == []
        )
        assert message.buttons == [], "a used keyboard is taken away"
        return replies

    @property
    def keyboard(self) -> list[str]:
        return self.tg.find_button(self.id, ".")[0].labels


def titles(kit_lessons: dict[str, Any], messages: list[BotMessage]) -> list[str]:
    """The lessons these messages opened, by the title each one starts with."""
    by_title = {lesson.title: lesson_id for lesson_id, lesson in kit_lessons.items()}
    return [by_title[line] for m in messages for line in m.body.splitlines() if line in by_title]


async def through_intake(user: User) -> list[BotMessage]:
    replies = await user.command("/start")
    for label in INTAKE:
        replies = await user.tap(label)
    assert any("Name what you feel" in m.body.splitlines() for m in replies), "the first step, the same day"
    return replies


async def test_a_journey_a_step_a_day_through_no_contact_to_a_warm_reply(
    bot: Bot, tg: TelegramEmulator, kit: Any
) -> None:
    user = User(tg, 501)
    first = await user.command("/start")
    assert first[0].body.startswith("Hi, I'm Rekindle")
    assert user.keyboard == ["I'm 18+ and I agree", "What do you keep?", "Not now"]
    for label in INTAKE:
        replies = await user.tap(label)
    opened = titles(kit.content.lessons, replies)
    await user.say("sad, angry, relieved")
    for _ in range(8):  # a few days, up to three steps a day: one, then more asked for
        bot.clock.offset += timedelta(days=1)
        replies = await user.command("/today")
        for more in range(3):
            if "30 days" in user.keyboard:
                replies += await user.tap("30 days")
            elif "Skip the question" in user.keyboard:
                replies += await user.tap("Skip the question")
            label = next((b for b in user.keyboard if b.startswith("One more step")), None)
            if label is None or more == 2:
                break
            replies += await user.tap(label)
        opened += titles(kit.content.lessons, replies)
    before = [i for s in kit.content.tracks.reconnect.before for i in s.lessons if i != "limited_contact"]
    assert opened == before, "in order, nothing twice, and nothing about reaching out yet"
    bot.clock.offset += timedelta(days=30)
    for _ in range(3):
        replies = await user.command("/today")
        opened += titles(kit.content.lessons, replies)
        await user.tap("Skip the question")
        bot.clock.offset += timedelta(days=1)
    assert opened[-3:] == ["ready_to_reach_out", "apology", "first_message"]
    await user.command("/today")
    assert "They replied warmly" in user.keyboard
    replies = await user.tap("They replied warmly")
    assert titles(kit.content.lessons, replies) == ["friendship_first"]
    sent = tg.messages(501)
    assert all(m.parse_mode is None and m.text for m in sent)
    assert max(len(m.body) for m in sent) <= 500, "no wall of text"
    state = await bot.state(501)
    assert state.guide.branch == "warm" and "friendship_first" in state.guide.read


async def test_double_tap_advances_once_and_the_second_tap_gets_only_the_spinner(
    bot: Bot, tg: TelegramEmulator
) -> None:
    user = User(tg, 502)
    await user.command("/start")
    before, answers = len(tg.messages(502)), len(tg.callback_answers)
    pressed, _ = tg.find_button(502, AGREE)
    tg.click(502, AGREE)
    tg.click(502, AGREE)  # the second tap leaves the phone before the first is answered
    await tg.wait_for(lambda: len(tg.callback_answers) == answers + 2, 10)
    await tg.wait_idle(0.2)
    [new] = tg.messages(502)[before:]  # the next question once, and nothing after it
    assert not new.body.startswith(EXPIRED) and "Skip" in new.labels
    assert [a.text for a in tg.callback_answers[answers:]] == ["", ""]  # both spinners stopped, silently
    assert (await bot.state(502)).consented_at is not None
    assert pressed.buttons == []  # the used keyboard went, once the new one was there


async def test_a_fake_or_stale_press_leaves_the_latest_buttons_alone(bot: Bot, tg: TelegramEmulator) -> None:
    user = User(tg, 509)
    await user.command("/start")
    latest, data = tg.find_button(509, AGREE)
    nonce = int(data.split("|")[0])
    keyboard, edits = latest.buttons, len(tg.method_calls("editMessageReplyMarkup"))
    for forged in ("not-a-button", f"{nonce - 1}|yes", f"{nonce + 5}|yes"):
        count = len(tg.messages(509))
        tg.click_data(509, latest, forged)
        await tg.wait_for_messages(509, count + 1)
        await tg.wait_idle(0.1)
        reply, *rest = tg.messages(509)[count:]
        assert rest == [], [m.body[:50] for m in rest]
        assert reply.body.startswith(EXPIRED)  # "use the buttons on my latest message" ...
        assert latest.buttons == keyboard and latest.edits == []  # ... and they are still there
    assert len(tg.method_calls("editMessageReplyMarkup")) == edits  # no keyboard was touched
    assert "Skip" in (await user.tap("I'm 18+ and I agree"))[0].labels  # and they work


async def test_replayed_updates_change_nothing(bot: Bot, tg: TelegramEmulator) -> None:
    user = User(tg, 503)
    await through_intake(user)
    answer = tg.send_text(503, "I felt numb, then angry.")
    await tg.wait_for_messages(503, len(tg.messages(503)) + 1)
    await tg.wait_idle(0.2)
    count = len(tg.messages(503))
    tg.replay(answer)  # Telegram delivers the same update again (a lost confirmation)
    await tg.wait_idle(0.3)
    journal = await bot.journal(503)
    assert [e.text for e in journal] == ["I felt numb, then angry."]
    assert len(tg.messages(503)) == count

    press = tg.click(503, "^Done for today$")
    await tg.wait_for_messages(503, count + 1)
    await tg.wait_idle(0.2)
    state, count = await bot.state(503), len(tg.messages(503))
    tg.replay(press)
    await tg.wait_idle(0.3)
    assert await bot.state(503) == state and len(tg.messages(503)) == count


async def test_restart_mid_conversation_continues_at_the_same_step(bot: Bot, tg: TelegramEmulator) -> None:
    user = User(tg, 504)
    await through_intake(user)
    await user.tap("Skip the question")
    await bot.stop()
    await bot.start()
    replies = await user.tap("One more step")
    assert "Calm first, decide later" in replies[0].body.splitlines()
    assert (await bot.state(504)).guide.read == ["emotions_name", "emotions_calm"]


async def test_blocked_user_is_unreachable_until_they_write_again(bot: Bot, tg: TelegramEmulator) -> None:
    assert bot.service is not None
    key = UserKey("telegram", "505")
    tg.fail("sendMessage", Fault.forbidden(chat_id=505))
    tg.send_command(505, "/start")
    await tg.wait_for(lambda: len(tg.method_calls("sendMessage")) >= 1, 10)
    await tg.wait_idle(0.3)
    assert await bot.service.store.is_unreachable(key)
    assert len(tg.method_calls("sendMessage")) == 1 and tg.messages(505) == []  # nothing retried
    await User(tg, 505).command("/start")
    assert not await bot.service.store.is_unreachable(key)
    assert tg.last_message(505).labels == ["I'm 18+ and I agree", "What do you keep?", "Not now"]


async def test_flood_wait_is_waited_out_and_the_reply_sent_once(bot: Bot, tg: TelegramEmulator) -> None:
    tg.fail("sendMessage", Fault.flood(1, chat_id=506))
    replies = await User(tg, 506).command("/start")
    assert replies[0].body.startswith("Hi, I'm Rekindle")
    assert len([p for p in tg.method_calls("sendMessage") if p["chat_id"] == "506"]) == len(replies) + 1


async def test_persistent_flood_postpones_and_delivers_later(bot: Bot, tg: TelegramEmulator) -> None:
    assert bot.service is not None
    tg.fail("sendMessage", Fault.flood(1, chat_id=507), Fault.flood(1, chat_id=507))
    tg.send_command(507, "/start")
    await tg.wait_for(lambda: len(tg.method_calls("sendMessage")) >= 2, 10)
    await tg.wait_idle(0.2)
    assert tg.messages(507) == []
    await asyncio.sleep(1.0)
    await bot.service.deliver_pending("telegram")
    assert tg.messages(507)[0].body.startswith("Hi, I'm Rekindle")
    assert len(tg.messages(507)) == 2, "the welcome's two messages, each once"


async def test_maybe_delivered_reply_is_not_sent_twice(bot: Bot, tg: TelegramEmulator) -> None:
    tg.fail("sendMessage", Fault.dropped(delivered=True, chat_id=508))
    user = User(tg, 508)
    await user.command("/start")
    await user.command("/help")
    bodies = [m.body for m in tg.messages(508)]
    assert len(bodies) == 3 and len(set(bodies)) == 3  # the lost answer was not repeated


def kind_of(body: str) -> str:
    if body.startswith("Here's what I understand"):
        return "help"
    return "about" if body.startswith("I'm Rekindle") else "other"


async def test_fifty_users_at_once_all_answered(bot: Bot, tg: TelegramEmulator) -> None:
    users = range(2000, 2050)  # 1,000 updates at once; a hundred people cost the suite 14 s more
    for user in users:
        tg.send_command(user, "/start")
    for i in range(19):
        for user in users:
            tg.send_command(user, "/help" if i % 2 else "/about")
    for user in users:
        sent = await tg.wait_for_messages(user, 21, timeout=90)
        kinds = [kind_of(m.body) for m in sent[2:]]  # after the welcome's two messages
        assert kinds == ["about" if i % 2 == 0 else "help" for i in range(19)]


async def test_fifty_messages_in_a_second_get_one_answer_and_every_one_is_recorded(
    tg: TelegramEmulator, tmp_path: Path
) -> None:
    runner = Bot(tg, tmp_path, bursts=BurstLimits(window=0.3, max_wait=3.0))
    await runner.start()
    try:
        await User(tg, 510).command("/start")
        before = len(tg.messages(510))
        sent = []
        for _ in range(50):  # one second of "hello?" from someone waiting for an answer
            sent.append(tg.send_text(510, "hello?"))
            await asyncio.sleep(0.02)
        await tg.wait_for(lambda: not tg.unconfirmed, 10)
        await tg.wait_idle(0.4)
        [answer] = tg.messages(510)[before:]
        assert answer.labels  # the question again, once
        recorded = await runner.processed(510)
        assert {f"tg:u:{u['update_id']}" for u in sent} <= recorded
        # Telegram delivers them all again (a confirmation lost in a crash): nothing is handled twice.
        state = await runner.state(510)
        for update in sent:
            tg.replay(update)
        await tg.wait_idle(0.5)
        assert tg.messages(510)[before:] == [answer] and await runner.state(510) == state
    finally:
        await runner.stop()


async def test_a_crisis_inside_a_burst_is_answered(bot: Bot, tg: TelegramEmulator) -> None:
    await User(tg, 511).command("/start")
    before = len(tg.messages(511))
    for text in ("it's late", "can't sleep", "i want to die", "sorry", "ignore me"):
        tg.send_text(511, text)
    await tg.wait_for(lambda: not tg.unconfirmed, 10)
    await tg.wait_idle(0.3)
    replies = tg.messages(511)[before:]
    assert len(replies) == 1, [m.body[:60] for m in replies]
    assert "988" in replies[0].body or "116 123" in replies[0].body or "findahelpline" in replies[0].body
    assert (await bot.state(511)).crisis_active


async def test_a_command_after_a_burst_is_answered_after_it_in_order(bot: Bot, tg: TelegramEmulator) -> None:
    await User(tg, 512).command("/start")
    before = len(tg.messages(512))
    tg.send_text(512, "one")
    tg.send_text(512, "two")
    tg.send_command(512, "/help")
    tg.send_text(512, "three")
    await tg.wait_for(lambda: not tg.unconfirmed, 10)
    await tg.wait_idle(0.3)
    replies = [m.body for m in tg.messages(512)[before:]]
    # How many replies "one" and "two" earn depends on how they are read (a bare number can be read as
    # "one more"); what matters is that /help is answered after them and before "three".
    helps = [i for i, r in enumerate(replies) if r.startswith("Here's what I understand")]
    assert len(helps) == 1 and 0 < helps[0] < len(replies) - 1, replies
