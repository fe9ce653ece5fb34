"""/progress arrives as a photo and /export as two documents, through real PTB and HTTP."""

from __future__ import annotations

import json
from datetime import timedelta

from tests.adapters.telegram.test_journey import Bot, User, bot, through_intake  # noqa: F401
from tests.emulators.telegram import TelegramEmulator


async def test_progress_is_a_photo_and_export_is_two_files(bot: Bot, tg: TelegramEmulator) -> None:  # noqa: F811
    user = User(tg, 601)
    await through_intake(user)
    await user.say("mostly sad, and angry at how it ended")
    replies = await user.command("/progress")
    assert "nothing to chart yet" in replies[0].body
    for day in range(4):
        await user.command("/checkin")
        await user.tap(str(day + 2) if day < 3 else "5 good")
        await user.tap(str(8 - day))
        await user.tap("No")
        await user.tap("Skip")
        bot.clock.offset += timedelta(days=1)
    replies = await user.command("/progress")
    photos = [m for m in replies if m.photo is not None]
    assert len(photos) == 1
    assert photos[0].photo.startswith(b"\x89PNG\r\n\x1a\n")
    assert photos[0].caption and "mood" in photos[0].caption.lower()

    before = len(tg.messages(601))
    tg.send_command(601, "/export")
    await tg.wait_for(lambda: sum(m.document is not None for m in tg.messages(601)[before:]) == 2, 10)
    files = {m.filename: m.document for m in tg.messages(601)[before:] if m.document is not None}
    assert set(files) == {"rekindle-export.json", "rekindle-export.txt"}
    data = json.loads(files["rekindle-export.json"])
    assert [row["mood"] for row in data["checkins"]] == [2, 3, 4, 5]
    assert any(row["text"] == "mostly sad, and angry at how it ended" for row in data["journal"])
