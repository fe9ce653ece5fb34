"""The aiohttp transport under python-telegram-bot, against a real HTTP server on 127.0.0.1.

The adapter tests cover it through the Telegram emulator; these pin what they cannot reach easily:
a full pool, the form and multipart bodies as the server receives them, and error messages free of
the URL (the token is in it).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from telegram import Bot, InputFile
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.adapters.telegram.transport import AiohttpRequest, NotSent
from tests.adapters.telegram.conftest import free_port

TOKEN = "123456:SECRET-token-in-the-url"
ME = {"id": 123456, "is_bot": True, "first_name": "Rekindle", "username": "rekindle_test_bot"}


@dataclass
class Server:
    url: str
    seen: list[dict[str, object]] = field(default_factory=list)
    hosts: list[str] = field(default_factory=list)
    release: asyncio.Event = field(default_factory=asyncio.Event)


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    port = free_port()
    state = Server(f"http://127.0.0.1:{port}/bot{TOKEN}")

    async def handle(request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if method == "hang":
            await state.release.wait()
        form = await request.post()
        fields = {k: (v.file.read(), v.filename) if isinstance(v, web.FileField) else v for k, v in form.items()}
        state.hosts.append(request.host)
        state.seen.append({"method": method, "agent": request.headers.get("User-Agent", ""), **fields})
        if method == "getMe":
            return web.json_response({"ok": True, "result": ME})
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_post("/bot{token}/{method}", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield state
    finally:
        state.release.set()
        await runner.cleanup()


@pytest.fixture
async def request_() -> AsyncIterator[AiohttpRequest]:
    transport = AiohttpRequest(connection_pool_size=1, read_timeout=5.0, connect_timeout=0.3, pool_timeout=0.2)
    await transport.initialize()
    try:
        yield transport
    finally:
        await transport.shutdown()


async def test_fields_go_form_encoded_with_ptbs_user_agent(server: Server, request_: AiohttpRequest) -> None:
    data = RequestData([RequestParameter.from_input("chat_id", 7), RequestParameter.from_input("text", "héllo ✨")])
    status, body = await request_.do_request(f"{server.url}/sendMessage", "POST", data)
    assert status == 200 and json.loads(body) == {"ok": True, "result": True}
    assert server.seen == [
        {"method": "sendMessage", "agent": AiohttpRequest.USER_AGENT, "chat_id": "7", "text": "héllo ✨"}
    ]


async def test_a_file_goes_multipart_with_its_name(server: Server, request_: AiohttpRequest) -> None:
    content = b"%PDF-1.4\n" + bytes(range(256))
    data = RequestData([
        RequestParameter.from_input("chat_id", 7),
        RequestParameter.from_input("document", InputFile(content, filename="my-data.json")),
    ])
    status, _ = await request_.do_request(f"{server.url}/sendDocument", "POST", data)
    assert status == 200
    (seen,) = server.seen
    assert seen["chat_id"] == "7"
    uploaded, filename = seen["document"]  # type: ignore[misc]
    assert uploaded == content and filename == "my-data.json"


async def test_a_full_pool_times_out_as_not_sent(server: Server, request_: AiohttpRequest) -> None:
    hanging = asyncio.create_task(request_.do_request(f"{server.url}/hang", "POST"))
    await asyncio.sleep(0.1)  # it holds the only connection
    with pytest.raises(TimedOut) as info:
        await request_.do_request(f"{server.url}/sendMessage", "POST")
    assert isinstance(info.value.__cause__, NotSent)
    server.release.set()
    assert (await hanging)[0] == 200
    assert [s["method"] for s in server.seen] == ["hang"]


async def test_no_server_is_not_sent_and_the_message_keeps_the_url_out(request_: AiohttpRequest) -> None:
    url = f"http://127.0.0.1:{free_port()}/bot{TOKEN}/sendMessage"
    with pytest.raises(NetworkError) as info:
        await request_.do_request(url, "POST")
    assert isinstance(info.value.__cause__, NotSent)
    assert "SECRET" not in info.value.message and "127.0.0.1" not in info.value.message


async def test_a_slow_answer_is_a_timeout_that_may_have_arrived(server: Server, request_: AiohttpRequest) -> None:
    with pytest.raises(TimedOut) as info:
        await request_.do_request(f"{server.url}/hang", "POST", read_timeout=0.3)
    assert not isinstance(info.value.__cause__, NotSent)


async def test_a_bot_runs_on_it(server: Server) -> None:
    bot = Bot(TOKEN, base_url=server.url.removesuffix(TOKEN), request=AiohttpRequest())
    async with bot:
        assert await bot.delete_webhook() is True  # getMe on entry, then the call
    assert [s["method"] for s in server.seen] == ["getMe", "deleteWebhook"]


async def test_a_proxy_in_the_environment_is_used(
    server: Server, request_: AiohttpRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The server above stands in for the proxy: a proxied request names the whole URL, here an
    # address where nothing listens, so only the proxy can have answered.
    monkeypatch.setenv("HTTP_PROXY", server.url.split("/bot")[0])
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    transport = AiohttpRequest()
    await transport.initialize()
    try:
        status, _ = await transport.do_request(f"http://api.telegram.invalid/bot{TOKEN}/getMe", "POST")
    finally:
        await transport.shutdown()
    assert status == 200 and [s["method"] for s in server.seen] == ["getMe"]
    assert server.hosts == ["api.telegram.invalid"]


async def test_unused_or_closed_it_refuses_to_send() -> None:
    transport = AiohttpRequest()
    with pytest.raises(RuntimeError, match="not initialized"):
        await transport.do_request("http://127.0.0.1:1/x", "POST")
    await transport.initialize()
    await transport.shutdown()
    await transport.shutdown()  # twice is fine
    with pytest.raises(RuntimeError, match="not initialized"):
        await transport.do_request("http://127.0.0.1:1/x", "POST")
