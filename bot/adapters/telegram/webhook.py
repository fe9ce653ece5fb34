"""The webhook server: answer Telegram 200 only once the service has recorded the update.

python-telegram-bot's own webhook server answers 200 as soon as an update is queued in memory,
so a worker killed before handling it loses it for good. Here the answer waits for the handling:
anything but 200 makes Telegram deliver the update again later, and the store refuses an event id
it has already recorded, so the repeat is harmless.

The Bot API lets a webhook's answer carry one method call, which Telegram performs without telling
anyone the outcome. While an update is handled, `reply_with` puts such a call on its 200 answer (the
adapter puts a button's spinner answer there, saving a request), and `take_back` removes it again.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

from aiohttp import web
from telegram import Bot, Update

from bot.adapters.telegram.processing import Outcome

__all__ = ["SECRET_HEADER", "WebhookServer", "reply_with", "take_back"]

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Telegram treats any answer but 2xx as "not delivered" and tries again later.
_STATUS = {Outcome.RECORDED: 200, Outcome.NOT_RECORDED: 503, Outcome.FAILED: 500}


class _Reply:
    """The method call the answer to one webhook request will carry, if any."""

    __slots__ = ("call",)

    def __init__(self) -> None:
        self.call: dict[str, Any] | None = None


_REPLY: ContextVar[_Reply | None] = ContextVar("telegram_webhook_reply", default=None)


def reply_with(method: str, **params: Any) -> bool:
    """Have Telegram perform `method` when this webhook request is answered 200; False outside a
    webhook request, or when its answer carries a call already."""
    reply = _REPLY.get()
    if reply is None or reply.call is not None:
        return False
    reply.call = {"method": method, **params}
    return True


def take_back() -> dict[str, Any] | None:
    """Remove the call put on this request's answer (to make it by request instead); None if none."""
    reply = _REPLY.get()
    if reply is None:
        return None
    call, reply.call = reply.call, None
    return call


class WebhookServer:
    """An aiohttp server with one POST route; `process` decides the answer to each update."""

    __slots__ = ("_bot", "_listen", "_path", "_port", "_process", "_runner", "_secret", "_shutdown_timeout")

    def __init__(
        self,
        bot: Bot,
        process: Callable[[Update], Awaitable[Outcome]],
        *,
        secret: str,
        listen: str,
        port: int,
        path: str,
        shutdown_timeout: float,
    ) -> None:
        self._bot = bot
        self._process = process
        self._secret = secret.encode()
        self._listen = listen
        self._port = port
        self._path = "/" + path.lstrip("/")
        self._shutdown_timeout = shutdown_timeout
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post(self._path, self._receive)
        # access_log=None: the access log would show every request, and nothing in it is needed.
        runner = web.AppRunner(
            app, handle_signals=False, access_log=None, shutdown_timeout=self._shutdown_timeout
        )
        await runner.setup()
        try:
            await web.TCPSite(runner, self._listen, self._port).start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner

    async def stop(self) -> None:
        """Stop accepting; updates being handled get `shutdown_timeout` to finish (unanswered ones come again)."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def _receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            return web.Response(status=403)
        try:
            data = json.loads(await request.read())
            if not isinstance(data, dict):
                raise TypeError("an update is a JSON object")
            update = Update.de_json(data, self._bot)
        except Exception as exc:  # whatever is wrong with the body is the sender's fault
            log.warning("the webhook got a body that is not an update: %s", type(exc).__name__)
            return web.Response(status=400)
        reply = _Reply()
        token = _REPLY.set(reply)
        try:
            outcome = await self._process(update)
        finally:
            _REPLY.reset(token)
        if outcome is not Outcome.RECORDED:
            log.warning(
                "telegram update %s was %s; Telegram will deliver it again", update.update_id, outcome.value
            )
            return web.Response(status=_STATUS[outcome])
        if reply.call is not None:
            return web.json_response(reply.call)
        return web.Response(status=200)
