"""The emulator itself, checked with a bare discord.py client over a real socket and gateway."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from typing import Any

import discord
import pytest
from discord import app_commands

from tests.emulators.discord import CREATE_DM, MESSAGES, DiscordEmulator, Fault


class Pressed(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"echo:(?P<word>\w+)"):
    """A persistent button: whatever client pressed it, the word comes back in the message."""

    def __init__(self, word: str) -> None:
        super().__init__(discord.ui.Button(label=word, custom_id=f"echo:{word}"))
        self.word = word

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Pressed:
        return cls(match["word"])

    async def callback(self, interaction: discord.Interaction) -> None:
        if self.word == "edit":  # one UPDATE_MESSAGE callback, as discord.py builds it
            await interaction.response.edit_message(content=f"pressed {self.word}", view=None)
            return
        await interaction.response.send_message(f"pressed {self.word}")


class EchoClient(discord.Client):
    def __init__(self) -> None:
        intents = discord.Intents.none()
        intents.guilds = intents.dm_messages = intents.guild_messages = True
        super().__init__(intents=intents, guild_ready_timeout=0)
        self.tree = app_commands.CommandTree(self)
        self.seen: list[str] = []

        @self.tree.command(name="ping", description="Answers privately")
        async def ping(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("pong", ephemeral=True)

    async def setup_hook(self) -> None:
        self.add_dynamic_items(Pressed)
        await self.tree.sync()

    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot:
            return
        self.seen.append(message.content)
        if message.content == "buttons":
            view = discord.ui.View(timeout=None)
            view.add_item(Pressed("yes"))
            view.add_item(Pressed("no"))
            view.add_item(Pressed("edit"))
            view.stop()  # sent, not stored: the DynamicItem answers every press
            await message.channel.send("choose", view=view)
        elif message.content == "photo":
            await message.channel.send("here", file=discord.File(__file__, filename="x.py"))
        elif message.attachments or message.stickers:
            await message.channel.send(
                f"got {len(message.attachments)} files, {len(message.stickers)} stickers"
            )
        else:
            await message.channel.send(message.content or "(empty)")


async def run_client(client: discord.Client, emu: DiscordEmulator) -> asyncio.Task[None]:
    await client.login(emu.token)
    task = asyncio.create_task(client.connect())
    async with asyncio.timeout(5):
        await client.wait_until_ready()
    return task


# Where a bare discord.py client leaves Discord's spec (the adapter avoids each one, and its tests run
# with every violation failing): `nsfw` in a command sync, snowflakes and attachment ids as numbers.
BARE_CLIENT = re.compile(
    r"'nsfw' was unexpected|recipient_id: \d+ matches none|attachments/\d+/id: \d+ is not of type 'string'"
)


@pytest.fixture
async def echo(emu: DiscordEmulator) -> AsyncIterator[EchoClient]:
    client = EchoClient()
    task = await run_client(client, emu)
    try:
        yield client
    finally:
        await client.close()
        await task
        emu.spec_violations[:] = [v for v in emu.spec_violations if not BARE_CLIENT.search(v)]


async def test_the_spec_check_catches_a_bare_clients_departures(emu: DiscordEmulator, echo: EchoClient) -> None:
    dm = await echo.create_dm(discord.Object(19))
    await dm.send("file", file=discord.File(__file__, filename="x.py"))
    found = "\n".join(emu.spec_violations)
    assert "'nsfw' was unexpected" in found  # CommandTree.sync
    assert "recipient_id: 19 matches none" in found  # create_dm sends the id as a number
    assert "attachments/0/id: 0 is not of type 'string'" in found


async def test_login_identify_and_ready(emu: DiscordEmulator, echo: EchoClient) -> None:
    assert echo.user is not None and echo.user.id == emu.bot_id
    assert echo.application_id == emu.application_id
    assert emu.identifies == 1 and emu.heartbeats >= 1
    assert emu.intents == echo.intents.value
    assert [g.id for g in echo.guilds] == [emu.guild_id]
    assert [c["name"] for c in emu.commands] == ["ping"]


async def test_dm_echo_in_order_for_many_users(emu: DiscordEmulator, echo: EchoClient) -> None:
    for i in range(20):
        for user in (1, 2, 3):
            emu.send_text(user, f"u{user} m{i}")
    for user in (1, 2, 3):
        sent = await emu.wait_for_messages(user, 20, timeout=15)
        assert sorted(m.body for m in sent) == sorted(f"u{user} m{i}" for i in range(20))


async def test_command_attachment_and_sticker_arrive_with_real_shapes(
    emu: DiscordEmulator, echo: EchoClient
) -> None:
    emu.send_command(5, "!start")
    emu.send_attachment(5)
    emu.send_sticker(5)
    sent = await emu.wait_for_messages(5, 3)
    assert [m.body for m in sent] == ["!start", "got 1 files, 0 stickers", "got 0 files, 1 stickers"]
    with pytest.raises(ValueError, match="starts with"):
        emu.send_command(5, "start")


async def test_files_arrive_as_multipart(emu: DiscordEmulator, echo: EchoClient) -> None:
    emu.send_text(6, "photo")
    [message] = await emu.wait_for_messages(6, 1)
    assert message.body == "here"
    assert [f.filename for f in message.files] == ["x.py"]
    assert b"EchoClient" in message.files[0].data


async def test_button_press_goes_through_interaction_callback(emu: DiscordEmulator, echo: EchoClient) -> None:
    emu.send_text(8, "buttons")
    [message] = await emu.wait_for_messages(8, 1)
    assert message.labels == ["yes", "no", "edit"]
    payload = emu.click(8, "^no$")
    await emu.wait_for(lambda: emu.last_message(8).body == "pressed no")
    record = emu.interactions[int(payload["id"])]
    assert record.response_type == 4 and record.acked_after is not None and record.acked_after < 3
    assert emu.last_message(8).interaction_id == record.id
    assert not [v for v in emu.spec_violations if not BARE_CLIENT.search(v)]


async def test_update_message_callback_works_but_its_tts_is_outside_the_spec(
    emu: DiscordEmulator, echo: EchoClient
) -> None:
    emu.send_text(18, "buttons")
    await emu.wait_for_messages(18, 1)
    payload = emu.click(18, "^edit$")
    await emu.wait_for(lambda: emu.last_message(18).body == "pressed edit")
    assert emu.interactions[int(payload["id"])].response_type == 7
    assert emu.last_message(18).buttons == []
    with pytest.raises(AssertionError, match="no message with buttons"):
        emu.click(18, "yes")
    # discord.py puts `tts` into an UPDATE_MESSAGE's data; the spec has no such field there.
    assert any("'tts' was unexpected" in v for v in emu.spec_violations), emu.spec_violations
    emu.spec_violations.clear()


async def test_button_from_before_a_restart_still_answers(emu: DiscordEmulator, echo: EchoClient) -> None:
    emu.send_text(9, "buttons")
    await emu.wait_for_messages(9, 1)
    await echo.close()
    fresh = EchoClient()
    task = await run_client(fresh, emu)
    try:
        assert emu.identifies == 2
        emu.click(9, "yes")
        await emu.wait_for(lambda: emu.last_message(9).body == "pressed yes")
    finally:
        await fresh.close()
        await task


async def test_slash_command_in_a_guild_answers_ephemerally(emu: DiscordEmulator, echo: EchoClient) -> None:
    emu.slash_command(10, "ping", guild=True)
    await emu.wait_for(lambda: len(emu.ephemeral(10)) == 1)
    assert emu.ephemeral(10)[0].body == "pong"
    assert emu.channel_messages() == []


async def test_guild_messages_need_a_mention_without_message_content(
    emu: DiscordEmulator, echo: EchoClient
) -> None:
    emu.send_guild_message(11, "hello bot")
    emu.send_guild_message(11, "just chatting", mention_bot=False)
    await emu.wait_for(lambda: len(emu.channel_messages()) == 2)
    assert [m.body for m in emu.channel_messages()] == [f"<@{emu.bot_id}> hello bot", "(empty)"]


async def test_dropped_gateway_resumes_and_replays_missed_events(
    emu: DiscordEmulator, echo: EchoClient
) -> None:
    await emu.drop_gateway()
    emu.send_text(12, "sent while the socket was down")
    emu.send_text(12, "and another")
    sent = await emu.wait_for_messages(12, 2, timeout=10)
    assert [m.body for m in sent] == ["sent while the socket was down", "and another"]
    assert emu.resumes == 1 and emu.identifies == 1


async def test_forbidden_50007_raises_forbidden(emu: DiscordEmulator, echo: EchoClient) -> None:
    emu.fail(MESSAGES, Fault.cannot_dm(user_id=13))
    dm = await echo.create_dm(discord.Object(13))
    with pytest.raises(discord.Forbidden) as caught:
        await dm.send("hello")
    assert caught.value.code == 50007
    await dm.send("hello again")
    assert [m.body for m in emu.messages(13)] == ["hello again"]
    assert len(emu.route_calls(CREATE_DM)) == 1


async def test_rate_limit_is_waited_out_and_sent_once(emu: DiscordEmulator, echo: EchoClient) -> None:
    emu.fail(MESSAGES, Fault.rate_limited(0.3))
    dm = await echo.create_dm(discord.Object(14))
    loop = asyncio.get_running_loop()
    started = loop.time()
    await dm.send("after the wait")
    assert loop.time() - started >= 0.3
    assert [m.body for m in emu.messages(14)] == ["after the wait"]
    assert len(emu.route_calls(MESSAGES)) == 2


async def test_discord_rejects_what_discord_rejects(emu: DiscordEmulator, echo: EchoClient) -> None:
    dm = await echo.create_dm(discord.Object(15))
    with pytest.raises(discord.HTTPException) as caught:
        await dm.send("x" * 2001)
    assert caught.value.code == 50035
    assert emu.messages(15) == []


async def test_late_interaction_answer_is_refused(emu: DiscordEmulator) -> None:
    class Slow(discord.Client):
        async def on_interaction(self, interaction: discord.Interaction) -> None:
            await asyncio.sleep(3.2)
            try:
                await interaction.response.send_message("too late")
            except discord.NotFound as exc:
                self.refused = exc.code

    client = Slow(intents=discord.Intents.none(), guild_ready_timeout=0)
    task = await run_client(client, emu)
    try:
        emu.slash_command(16, "anything", guild=False)
        await emu.wait_for(lambda: getattr(client, "refused", None) is not None, timeout=6)
        assert client.refused == 10062
    finally:
        await client.close()
        await task
        emu.errors.clear()  # the late answer is what this test provokes


async def test_unknown_route_fails_loudly(emu: DiscordEmulator, echo: EchoClient) -> None:
    with pytest.raises(discord.NotFound):
        await echo.fetch_guild(emu.guild_id)
    assert emu.unknown_calls == [f"GET /api/v10/guilds/{emu.guild_id}"]
    emu.unknown_calls.clear()
