"""The emulator itself, checked with a bare python-telegram-bot echo bot over real HTTP."""

from __future__ import annotations

import asyncio
import json
import socket

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Conflict, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.request import HTTPXRequest

from tests.emulators.telegram import Fault, TelegramEmulator


def make_bot(tg: TelegramEmulator, read_timeout: float = 5.0) -> Bot:
    return Bot(
        tg.token,
        base_url=tg.base_url,
        base_file_url=tg.base_file_url,
        request=HTTPXRequest(read_timeout=read_timeout),
    )


async def test_echo_bot_answers_text_and_command(tg: TelegramEmulator, echo: object) -> None:
    tg.send_command(7, "/start")
    tg.send_text(7, "hello there")
    sent = await tg.wait_for_messages(7, 2)
    assert [m.text for m in sent] == ["echo bot ready", "hello there"]
    assert [m.message_id for m in sent] == [3, 4]  # the user's two messages took ids 1 and 2
    assert sent[0].date < sent[1].date


async def test_echo_bot_keeps_each_chat_separate_under_load(tg: TelegramEmulator, echo: object) -> None:
    for i in range(30):
        for user in (1, 2, 3):
            tg.send_text(user, f"u{user} m{i}")
    for user in (1, 2, 3):
        sent = await tg.wait_for_messages(user, 30, timeout=15)
        assert sorted(m.text or "" for m in sent) == sorted(f"u{user} m{i}" for i in range(30))


async def test_confirmed_updates_are_not_delivered_again(tg: TelegramEmulator) -> None:
    tg.send_text(1, "a")
    tg.send_text(1, "b")
    async with make_bot(tg) as bot:
        first = await bot.get_updates(timeout=0)
        again = await bot.get_updates(timeout=0)  # no offset: nothing confirmed yet
        after = await bot.get_updates(offset=first[-1].update_id + 1, timeout=0)
    assert [u.message.text for u in first if u.message] == ["a", "b"]
    assert [u.update_id for u in again] == [u.update_id for u in first]
    assert after == ()


async def test_long_poll_returns_when_an_update_arrives(tg: TelegramEmulator) -> None:
    async with make_bot(tg) as bot:
        poll = asyncio.create_task(bot.get_updates(timeout=5))
        await asyncio.sleep(0.2)
        assert not poll.done()
        tg.send_text(1, "late")
        updates = await asyncio.wait_for(poll, 2)
        empty = await bot.get_updates(offset=updates[-1].update_id + 1, timeout=1)
    assert updates[0].message is not None and updates[0].message.text == "late"
    assert empty == ()


async def test_click_sends_a_callback_query_with_the_message(tg: TelegramEmulator) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="7|yes"),
                                    InlineKeyboardButton("No", callback_data="7|no")]])
    async with make_bot(tg) as bot:
        sent = await bot.send_message(5, "Ready?", reply_markup=markup)
        tg.click(5, "^No$")
        (update,) = await bot.get_updates(timeout=0)
        query = update.callback_query
        assert query is not None and query.message is not None
        assert query.data == "7|no" and query.message.message_id == sent.message_id
        assert await query.answer("ok")
        with pytest.raises(BadRequest, match=r"(?i)query is too old"):
            await query.answer()  # a query can be answered once
        edited = await bot.edit_message_reply_markup(5, sent.message_id, reply_markup=None)
        assert not isinstance(edited, bool) and edited.reply_markup is None
    assert tg.last_message(5).buttons == [] and tg.last_message(5).edits == ["editMessageReplyMarkup"]
    assert [a.text for a in tg.callback_answers] == ["ok"]


async def test_photo_upload_keeps_bytes_and_caption(tg: TelegramEmulator) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"x" * 5000
    async with make_bot(tg) as bot:
        message = await bot.send_photo(9, png, caption="your week")
    assert message.photo and message.caption == "your week"
    assert tg.last_message(9).photo == png and tg.last_message(9).caption == "your week"


async def test_edit_with_same_content_is_not_modified(tg: TelegramEmulator) -> None:
    async with make_bot(tg) as bot:
        sent = await bot.send_message(3, "one")
        await bot.edit_message_text("two", 3, sent.message_id)
        with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
            await bot.edit_message_text("two", 3, sent.message_id)
    assert tg.last_message(3).text == "two"


async def test_limits_are_enforced_like_telegram(tg: TelegramEmulator) -> None:
    async with make_bot(tg) as bot:
        with pytest.raises(BadRequest, match="too long"):
            await bot.send_message(1, "x" * 4097)
        with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
            await bot.send_message(1, "x", reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("b", callback_data="é" * 33)]]))
        await bot.send_message(1, "😀" * 2048)  # 4096 UTF-16 units exactly
    assert len(tg.messages(1)) == 1
    # The spec check saw both, from the limits written in the Bot API reference.
    assert tg.spec_violations == [
        "sendMessage.text: 4097 characters, the spec allows 1-4096",
        "sendMessage.reply_markup.inline_keyboard[0][0].callback_data: 66 bytes, the spec allows 1-64",
    ]
    tg.spec_violations.clear()


async def test_commands_and_webhook_state(tg: TelegramEmulator) -> None:
    async with make_bot(tg) as bot:
        await bot.set_my_commands([("start", "Begin"), ("help", "What I can do")])
        assert [c.command for c in await bot.get_my_commands()] == ["start", "help"]
        await bot.set_webhook("http://127.0.0.1:1/hook", secret_token="s3cret")
        assert (await bot.get_webhook_info()).url == "http://127.0.0.1:1/hook"
        with pytest.raises(Conflict):
            await bot.get_updates(timeout=0)
        await bot.delete_webhook()
        assert (await bot.get_webhook_info()).url == ""
    assert tg.webhook["secret_token"] is None


async def test_faults_are_fifo_per_method(tg: TelegramEmulator) -> None:
    tg.fail("sendMessage", Fault.forbidden(), Fault.flood(3), Fault.server_error(500),
            Fault.not_modified())
    async with make_bot(tg) as bot:
        with pytest.raises(Forbidden, match="blocked"):
            await bot.send_message(1, "a")
        with pytest.raises(RetryAfter) as flood:
            await bot.send_message(1, "b")
        assert flood.value.retry_after.total_seconds() == 3  # type: ignore[union-attr]
        with pytest.raises(NetworkError):
            await bot.send_message(1, "c")
        with pytest.raises(BadRequest, match="not modified"):
            await bot.send_message(1, "d")
        await bot.send_message(1, "e")
    assert [m.text for m in tg.messages(1)] == ["e"]


async def test_fault_can_target_one_chat(tg: TelegramEmulator) -> None:
    tg.fail("sendMessage", Fault.forbidden(chat_id=2))
    async with make_bot(tg) as bot:
        await bot.send_message(1, "fine")
        with pytest.raises(Forbidden):
            await bot.send_message(2, "blocked")
    assert tg.pending_faults("sendMessage") == 0


async def test_slow_reply_times_out_and_dropped_connection_fails(tg: TelegramEmulator) -> None:
    tg.fail("sendMessage", Fault.slow(1.0), Fault.dropped(delivered=True))
    async with make_bot(tg, read_timeout=0.3) as bot:
        with pytest.raises(TimedOut):
            await bot.send_message(1, "slow")
        with pytest.raises(NetworkError):
            await bot.send_message(1, "dropped")
        await bot.send_message(1, "after")
    await tg.wait_for_messages(1, 3)
    # Both failures were processed by the server: the client cannot know they arrived.
    assert sorted(m.text or "" for m in tg.messages(1)) == ["after", "dropped", "slow"]


async def test_unimplemented_method_fails_loudly() -> None:
    tg = TelegramEmulator()
    await tg.start()
    try:
        async with make_bot(tg) as bot:
            with pytest.raises(Exception, match="not implemented"):
                await bot.send_dice(1)
    finally:
        with pytest.raises(AssertionError, match="sendDice"):
            await tg.stop()


async def test_webhook_post_reaches_a_server(tg: TelegramEmulator) -> None:
    from aiohttp import web

    seen: list[tuple[str | None, dict[str, object]]] = []

    async def hook(request: web.Request) -> web.Response:
        seen.append((request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json()))
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        update = tg.build_message(4, text="hi")
        status = await tg.post_update_to_webhook(f"http://127.0.0.1:{port}/hook",
                                                 {"update_id": 1, "message": update}, "tok")
    finally:
        await runner.cleanup()
    assert status == 200
    assert seen == [("tok", json.loads(json.dumps({"update_id": 1, "message": update})))]


async def test_webhook_retries_an_update_until_answered_2xx_one_user_at_a_time(tg: TelegramEmulator) -> None:
    from aiohttp import web

    seen: list[tuple[int, int]] = []  # (update_id, status answered)
    tg.webhook_retry_delay = 0.01

    async def hook(request: web.Request) -> web.Response:
        update_id = (await request.json())["update_id"]
        status = 500 if (update_id, 500) not in seen and update_id == 1 else 200
        seen.append((update_id, status))
        return web.Response(status=status)

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        async with make_bot(tg) as bot:
            await bot.set_webhook(f"http://127.0.0.1:{runner.addresses[0][1]}/hook", secret_token="s")
            tg.send_text(4, "first")
            tg.send_text(4, "second")
            await tg.wait_for(lambda: not tg.webhook_pending)
    finally:
        await runner.cleanup()
    assert seen == [(1, 500), (1, 200), (2, 200)]  # the second waited until the first was taken
    assert tg.webhook_attempts == seen


async def test_delete_webhook_hands_unanswered_updates_to_get_updates(tg: TelegramEmulator) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]  # nothing listens there once the socket is closed
    tg.webhook_retry_delay = 0.01
    async with make_bot(tg) as bot:
        await bot.set_webhook(f"http://127.0.0.1:{closed_port}/hook")
        tg.send_text(3, "anyone?")
        await tg.wait_for(lambda: len(tg.webhook_attempts) >= 2)
        assert (await bot.get_webhook_info()).pending_update_count == 1
        await bot.delete_webhook()
        updates = await bot.get_updates(timeout=0)
    assert [u.message.text for u in updates if u.message] == ["anyone?"]
    assert {outcome for _, outcome in tg.webhook_attempts} == {"ClientConnectorError"}
