"""Emulator faults during a check-in sweep: every check-in arrives once, or the user is marked unreachable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.scheduler import Dispatcher
from bot.store.base import UserKey
from dialogs import calendar
from tests.adapters.telegram.test_journey import Bot, User, bot  # noqa: F401
from tests.emulators.telegram import Fault, TelegramEmulator

INTAKE = (
    "I'm 18+ and I agree",
    "Skip",
    "This week",
    "I did",
    "Communication",
    "Done",
    "No contact at the moment",
    "No",
    "None of these",
    "London",
    "✓ United Kingdom",
    "09:00",
)
USERS = range(700, 707)


async def test_sweep_under_429_5xx_timeouts_and_a_block(bot: Bot, tg: TelegramEmulator, kit) -> None:  # noqa: F811
    for uid in USERS:
        user = User(tg, uid)
        await user.command("/start")
        for label in INTAKE:
            await user.tap(label)
    # Move the clock to just after everyone's next 09:00 in London.
    state = await bot.state(USERS[0])
    due = calendar.next_checkin(state, datetime.now(UTC) + bot.clock.offset)
    assert due is not None
    bot.clock.offset += due.at - (datetime.now(UTC) + bot.clock.offset) + timedelta(minutes=1)

    blocked = USERS[-1]
    tg.fail(
        "sendMessage",
        Fault.flood(1),
        Fault.server_error(502),
        Fault.dropped(delivered=True),
        Fault.server_error(500),
        Fault.flood(1),
        Fault.forbidden(chat_id=blocked),
    )
    assert bot.service is not None
    dispatcher = Dispatcher(bot.service, bot.service.store, clock=bot.clock)
    result = await dispatcher.tick()
    assert result.claimed == len(USERS)
    # Postponed replies go out on the next heartbeats.
    for _ in range(6):
        bot.clock.offset += timedelta(seconds=70)
        await bot.service.housekeeping()
        await tg.wait_idle(0.2)

    assert tg.pending_faults("sendMessage") == 0, "every injected fault was hit"
    for uid in USERS:
        key = UserKey("telegram", str(uid))
        if uid == blocked:
            assert await bot.service.store.is_unreachable(key)
            continue
        asked = [m for m in tg.messages(uid) if m.body.endswith(kit.content.checkins.mood_question)]
        assert len(asked) == 1, f"user {uid}: the mood question arrived {len(asked)} times"
        assert await bot.service.store.pending(key) == []
