"""/progress arrives as a PNG file and /export as two files, through real discord.py and the emulator."""

from __future__ import annotations

import json
from typing import Any

from tests.adapters.discord.conftest import RunAdapter, StepClock
from tests.adapters.discord.test_journey import Person, onboard
from tests.emulators.discord import DiscordEmulator


async def test_progress_is_a_png_file_and_export_two_files(
    run_adapter: RunAdapter, service: Any, emu: DiscordEmulator, clock: StepClock
) -> None:
    await run_adapter(service)
    person = Person(emu, 7)
    await onboard(person)
    await person.say("lonely, mostly in the evenings")
    for day in range(3):
        await person.command("/checkin")
        await person.tap(f"^{day + 2}$")
        await person.tap(f"^{7 - day}$")
        await person.tap("^No$")
        await person.tap("Skip")
        clock.advance(days=1)
    before = len(emu.messages(7))
    await person.command("/progress")
    new = emu.messages(7)[before:]
    pngs = [f for m in new for f in m.files if f.filename.endswith(".png")]
    assert len(pngs) == 1 and pngs[0].data.startswith(b"\x89PNG\r\n\x1a\n")

    before = len(emu.messages(7))
    emu.send_command(7, "/export")
    await emu.wait_for_messages(7, before + 1, timeout=10)
    await emu.wait_idle(quiet=0.2)
    files = {f.filename: f.data for m in emu.messages(7)[before:] for f in m.files}
    assert set(files) == {"rekindle-export.json", "rekindle-export.txt"}
    data = json.loads(files["rekindle-export.json"])
    assert [row["mood"] for row in data["checkins"]] == [2, 3, 4]
    assert any(row["text"] == "lonely, mostly in the evenings" for row in data["journal"])
