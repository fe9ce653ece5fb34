"""The adapter on the real discord.py client against the emulator, with a stand-in core."""

from __future__ import annotations

import asyncio
import logging

import discord
import pytest

from bot.adapters.commands import load_commands
from bot.adapters.discord.texts import GUILD_POINTER, SLASH_DMS_CLOSED, SLASH_OPENED
from bot.delivery import RetryLater, Uncertain, Unreachable
from dialogs.model import Button, EventKind, Image, Reply
from tests.adapters.discord.conftest import EchoService, RunAdapter
from tests.emulators.discord import CREATE_DM, MESSAGES, DiscordEmulator, Fault


def with_buttons(nonce: int = 5) -> Reply:
    return Reply("Pick one", ((Button("Yes", "yes"), Button("No", "no")),), nonce=nonce)


async def test_start_up_connects_syncs_the_command_and_delivers_pending(
    run_adapter: RunAdapter, emu: DiscordEmulator
) -> None:
    service = EchoService()
    adapter = await run_adapter(service)
    assert service.sender is adapter.sender and adapter.sender.platform == "discord"
    await emu.wait_for(lambda: service.pending_calls == ["discord"])
    wanted = load_commands().on("discord")
    assert [c["name"] for c in emu.commands] == [c.name for c in wanted]
    assert emu.identifies == 1
    privileged = (1 << 1) | (1 << 8) | (1 << 15)  # members, presences, message content
    assert emu.intents & privileged == 0 and emu.intents & (1 << 12)


async def test_a_send_only_adapter_delivers_without_a_gateway_session(
    run_adapter: RunAdapter, emu: DiscordEmulator
) -> None:
    service = EchoService()
    adapter = await run_adapter(service, listen=False)
    await asyncio.sleep(0.2)
    assert emu.identifies == 0, "the scheduler process opens no gateway session"
    await service.send("41", Reply("time for today's check-in", buttons=((Button("1", "1"),),), nonce=2))
    [message] = await emu.wait_for_messages(41, 1)
    assert message.body == "time for today's check-in"
    assert service.outcomes == [None] and service.pending_calls == ["discord"]
    assert adapter.client.ws is None


async def test_every_kind_of_dm_reaches_the_core(run_adapter: RunAdapter, emu: DiscordEmulator) -> None:
    service = EchoService()
    await run_adapter(service)
    emu.send_text(1, "hello there")
    emu.send_command(1, "/start")
    emu.send_command(1, "!journal today was hard")
    emu.send_attachment(1, "me.jpg", "image/jpeg")
    emu.send_sticker(1)
    sent = await emu.wait_for_messages(1, 5)
    kinds = [(e.kind, e.text, e.command, e.media) for e in service.events]
    assert kinds == [
        (EventKind.TEXT, "hello there", "", ""),
        (EventKind.COMMAND, "", "start", ""),
        (EventKind.COMMAND, "today was hard", "journal", ""),
        (EventKind.MEDIA, "", "", "photo"),
        (EventKind.MEDIA, "", "", "sticker"),
    ]
    assert all(e.user_id == "1" and e.event_id.startswith("dc:m:") for e in service.events)
    assert [m.body for m in sent] == [
        "text:hello there",
        "command:start",
        "command:journal",
        "media:photo",
        "media:sticker",
    ]
    assert len(emu.route_calls(CREATE_DM)) == 0  # replies reuse the channel the DM came from


async def test_an_edited_dm_is_an_edited_media_event(run_adapter: RunAdapter, emu: DiscordEmulator) -> None:
    service = EchoService()
    await run_adapter(service)
    original = emu.send_text(16, "first version")
    await emu.wait_for_messages(16, 1)
    emu.edit_text(16, int(original["id"]), "second version")
    sent = await emu.wait_for_messages(16, 2)
    assert sent[-1].body == "media:second version"  # the echo shows the text it carries
    edit = service.events[-1]
    assert (edit.kind, edit.media, edit.text) == (EventKind.MEDIA, "edited", "second version")
    assert edit.event_id.startswith(f"dc:e:{original['id']}:")


async def test_button_press_is_acknowledged_at_once_and_disabled(
    run_adapter: RunAdapter, emu: DiscordEmulator
) -> None:
    service = EchoService(
        lambda e: with_buttons() if e.kind is EventKind.COMMAND else Reply(f"got {e.button}")
    )
    await run_adapter(service)
    emu.send_command(2, "/start")
    await emu.wait_for_messages(2, 1)
    payload = emu.click(2, "^No$")
    await emu.wait_for_messages(2, 2)
    await emu.wait_for(lambda: emu.messages(2)[0].enabled_labels == [])
    record = emu.interactions[int(payload["id"])]
    assert record.response_type == 7 and record.acked_after is not None and record.acked_after < 1.0
    first, second = emu.messages(2)
    assert first.labels == ["Yes", "No"] and first.enabled_labels == []
    assert second.body == "got no"
    button = service.events[-1]
    assert (button.kind, button.nonce, button.button, button.event_id) == (
        EventKind.BUTTON,
        5,
        "no",
        f"dc:i:{payload['id']}",
    )


async def test_a_button_that_does_not_decode_is_a_stale_press(
    run_adapter: RunAdapter, emu: DiscordEmulator
) -> None:
    service = EchoService(lambda e: Reply("expired"))
    adapter = await run_adapter(service)
    # A button in our namespace whose payload is not encode_button's (say, from an older version).
    view = discord.ui.View(timeout=None)
    view.add_item(discord.ui.Button(label="Old", custom_id="rk:legacy-format"))
    view.stop()
    channel = adapter.client.get_partial_messageable(emu.dm_channel_id(3), type=discord.ChannelType.private)
    await channel.send("from before", view=view)
    emu.click(3, "Old")
    await emu.wait_for_messages(3, 2)
    await emu.wait_for(lambda: emu.messages(3)[0].enabled_labels == [])
    event = service.events[-1]
    assert (event.kind, event.nonce, event.button) == (EventKind.BUTTON, None, "")
    assert emu.messages(3)[0].enabled_labels == []


async def test_buttons_are_not_kept_in_memory(run_adapter: RunAdapter, emu: DiscordEmulator) -> None:
    service = EchoService(lambda e: with_buttons(nonce=int(e.text or 1)))
    adapter = await run_adapter(service)
    for i in range(20):
        emu.send_text(4, str(i + 1))
    await emu.wait_for_messages(4, 20)
    store = adapter.client._connection._view_store
    assert store._views == {} and store._synced_message_views == {}
    assert len(store._dynamic_items) == 1


async def test_image_and_documents_are_attached_to_the_last_part(
    run_adapter: RunAdapter, emu: DiscordEmulator
) -> None:
    service = EchoService(lambda e: None)
    adapter = await run_adapter(service)
    text = "\n\n".join("A paragraph that goes on. " * 30 for _ in range(4))
    reply = Reply(text, ((Button("Next", "next"),),), nonce=1, image=Image("progress", "Mood over two weeks"))
    await adapter.sender.send("5", reply, b"\x89PNG fake", [("export.json", b"{}")])
    sent = emu.messages(5)
    assert len(sent) == 2
    assert sent[0].files == [] and sent[0].buttons == []
    assert [f.filename for f in sent[1].files] == ["progress.png", "export.json"]
    assert sent[1].files[0].data == b"\x89PNG fake" and sent[1].labels == ["Next"]
    assert all(m.allowed_mentions == {"parse": []} for m in sent)


async def test_user_text_cannot_ping_or_format(run_adapter: RunAdapter, emu: DiscordEmulator) -> None:
    service = EchoService(lambda e: Reply(f"You wrote: {e.text}"))
    await run_adapter(service)
    emu.send_text(6, "@everyone look **here** <@1>")
    [message] = await emu.wait_for_messages(6, 1)
    assert "**" not in message.body and "<@1>" not in message.body.replace("\\<", "")
    assert message.allowed_mentions == {"parse": []}


async def test_50_users_20_messages_each_answered_in_order(
    run_adapter: RunAdapter, emu: DiscordEmulator
) -> None:
    service = EchoService()
    await run_adapter(service)
    users = range(100, 150)
    for i in range(20):
        for user in users:
            emu.send_text(user, f"m{i}")
    for user in users:
        sent = await emu.wait_for_messages(user, 20, timeout=60)
        assert [m.body for m in sent] == [f"text:m{i}" for i in range(20)]
        assert [e.text for e in service.events if e.user_id == str(user)] == [f"m{i}" for i in range(20)]


async def test_closed_dms_raise_unreachable(run_adapter: RunAdapter, emu: DiscordEmulator) -> None:
    service = EchoService()
    adapter = await run_adapter(service)
    emu.fail(MESSAGES, Fault.cannot_dm(user_id=7))
    with pytest.raises(Unreachable):
        await adapter.sender.send("7", Reply("hello"))
    await adapter.sender.send("7", Reply("hello again"))
    assert [m.body for m in emu.messages(7)] == ["hello again"]


async def test_rate_limit_is_waited_out_and_sent_once(run_adapter: RunAdapter, emu: DiscordEmulator) -> None:
    service = EchoService()
    adapter = await run_adapter(service)
    emu.fail(MESSAGES, Fault.rate_limited(0.4))
    loop = asyncio.get_running_loop()
    started = loop.time()
    await adapter.sender.send("8", Reply("after the wait"))
    assert loop.time() - started >= 0.4
    assert [m.body for m in emu.messages(8)] == ["after the wait"]


async def test_a_long_rate_limit_becomes_retry_later(run_adapter: RunAdapter, emu: DiscordEmulator) -> None:
    adapter = await run_adapter(EchoService())
    emu.fail(MESSAGES, Fault.rate_limited(45.0))
    with pytest.raises(RetryLater) as caught:
        await adapter.sender.send("9", Reply("later"))
    assert caught.value.seconds == 45.0
    assert emu.messages(9) == []


async def test_connection_lost_after_sending_is_uncertain(
    run_adapter: RunAdapter, emu: DiscordEmulator
) -> None:
    adapter = await run_adapter(EchoService())
    emu.fail(MESSAGES, Fault.dropped(delivered=True))
    with pytest.raises(Uncertain):
        await adapter.sender.send("10", Reply("maybe"))
    assert [m.body for m in emu.messages(10)] == ["maybe"]


async def test_a_vanished_dm_channel_is_reopened(run_adapter: RunAdapter, emu: DiscordEmulator) -> None:
    adapter = await run_adapter(EchoService())
    await adapter.sender.send("11", Reply("one"))
    emu.fail(MESSAGES, Fault.unknown_channel())
    await adapter.sender.send("11", Reply("two"))
    assert [m.body for m in emu.messages(11)] == ["one", "two"]
    assert len(emu.route_calls(CREATE_DM)) == 2


async def test_dropped_gateway_resumes_and_nothing_is_lost(
    run_adapter: RunAdapter, emu: DiscordEmulator
) -> None:
    service = EchoService()
    await run_adapter(service)
    emu.send_text(12, "before")
    await emu.wait_for_messages(12, 1)
    await emu.drop_gateway()
    emu.send_text(12, "while down")
    await emu.wait_for(lambda: emu.resumes == 1, timeout=10)
    emu.send_text(12, "after")
    sent = await emu.wait_for_messages(12, 3, timeout=10)
    assert [m.body for m in sent] == ["text:before", "text:while down", "text:after"]
    assert emu.identifies == 1  # resumed, not a new session


async def test_server_channel_gets_only_the_pointer(run_adapter: RunAdapter, emu: DiscordEmulator) -> None:
    service = EchoService()
    await run_adapter(service)
    emu.send_guild_message(13, "my ex just texted me, what do I do")
    emu.send_guild_message(13, "unrelated chatter", mention_bot=False)
    await emu.wait_for(lambda: len(emu.channel_messages()) == 1)
    await emu.wait_idle()
    assert [m.body for m in emu.channel_messages()] == [GUILD_POINTER]
    assert service.events == [] and emu.messages(13) == []


async def test_slash_command_in_a_server_answers_privately_and_opens_the_dm(
    run_adapter: RunAdapter, emu: DiscordEmulator
) -> None:
    service = EchoService()
    await run_adapter(service)
    payload = emu.slash_command(14, "rekindle", guild=True)
    [dm] = await emu.wait_for_messages(14, 1)
    await emu.wait_for(lambda: [m.body for m in emu.ephemeral(14)] == [SLASH_OPENED])
    assert emu.channel_messages() == []
    assert dm.body == "command:start"
    assert service.events[0].event_id == f"dc:i:{payload['id']}"


async def test_every_command_is_a_slash_command_for_dms_and_servers(
    run_adapter: RunAdapter, emu: DiscordEmulator
) -> None:
    service = EchoService()
    await run_adapter(service)
    wanted = load_commands().on("discord")
    registered = {c["name"]: c for c in emu.commands}
    for info in wanted:
        command = registered[info.name]
        assert command["description"] == info.description
        assert command["contexts"] == [0, 1, 2]  # servers, the DM with the bot, other private chats
        assert command["integration_types"] == [0, 1]  # the app's guild and user installs
        options = [(o["name"], o["type"], o.get("required", False)) for o in command["options"]]
        assert options == ([(info.argument.name, 3, False)] if info.argument else [])
    # Each one, used in a server and in the DM, reaches the core as the command it runs.
    for user, info in enumerate(wanted, start=100):
        emu.slash_command(user, info.name, guild=True)
        emu.slash_command(user, info.name, guild=False)
    await emu.wait_for(lambda: len(service.events) == 2 * len(wanted), timeout=10)
    for user, info in enumerate(wanted, start=100):
        await emu.wait_for(lambda u=user: [m.body for m in emu.ephemeral(u)] == [SLASH_OPENED])
        heard = [(e.kind, e.command) for e in service.events if e.user_id == str(user)]
        assert heard == [(EventKind.COMMAND, info.command)] * 2
    # In the DM the answers are right there: the "thinking" placeholder is removed, not left behind.
    assert len(emu.deleted) == len(wanted)


async def test_text_given_with_a_slash_command_reaches_the_core(
    run_adapter: RunAdapter, emu: DiscordEmulator
) -> None:
    service = EchoService()
    await run_adapter(service)
    emu.slash_command(16, "journal", guild=False, options={"search": " angry "})
    emu.slash_command(16, "pause", guild=False, options={"days": "5"})
    await emu.wait_for_messages(16, 2)
    assert [(e.command, e.text) for e in service.events] == [("journal", "angry"), ("pause", "5")]


async def test_slash_command_with_dms_closed_says_so_and_how_to_open_them(
    run_adapter: RunAdapter, emu: DiscordEmulator
) -> None:
    service = EchoService()
    await run_adapter(service)
    emu.fail(MESSAGES, Fault.cannot_dm(user_id=17))
    emu.slash_command(17, "start", guild=True)
    await emu.wait_for(lambda: [m.body for m in emu.ephemeral(17)] == [SLASH_DMS_CLOSED])
    assert isinstance(service.outcomes[0], Unreachable)
    assert emu.messages(17) == [] and emu.channel_messages() == []
    assert "Direct Messages" in SLASH_DMS_CLOSED and "direct message" in SLASH_DMS_CLOSED
    # Once the person opens their DMs, the same command says the DM went out.
    emu.slash_command(17, "start", guild=True)
    await emu.wait_for(lambda: [m.body for m in emu.ephemeral(17)] == [SLASH_DMS_CLOSED, SLASH_OPENED])
    assert [m.body for m in emu.messages(17)] == ["command:start"]


async def test_token_and_user_text_stay_below_info(
    run_adapter: RunAdapter, emu: DiscordEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    service = EchoService(lambda e: with_buttons() if e.kind is EventKind.TEXT else Reply("ok"))
    await run_adapter(service)
    secret_text = "my very private sentence 8731"
    emu.send_text(15, secret_text)
    await emu.wait_for_messages(15, 1)
    emu.click(15, "Yes")
    await emu.wait_for_messages(15, 2)
    await emu.drop_gateway()
    emu.send_text(15, secret_text + " again")
    await emu.wait_for_messages(15, 3, timeout=10)
    loud = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    assert loud, "expected some INFO logs (connect, resume) to check"
    assert not [line for line in loud if emu.token in line or "8731" in line]
