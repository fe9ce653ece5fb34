"""A Telegram Bot API emulator: a real aiohttp server on 127.0.0.1 that python-telegram-bot talks to.

Point an Application at it with `.base_url(emu.base_url)` and `.token(emu.token)`. It speaks the
real wire format (form-encoded requests, `reply_markup` as a JSON string, multipart `sendPhoto`,
dates in seconds), keeps per-chat state of what the bot sent, and offers user-side helpers in the
style of aiogram-dialog's test kit: `send_text`, `send_command`, `click`, `messages`, ...

Updates reach the bot as Telegram hands them out. Without a webhook, `getUpdates` returns every
update from `offset` on, and only a later call with a higher offset confirms (forgets) them. With a
webhook, each update is POSTed with the secret header; one user's updates go one at a time, and an
update the bot did not answer with 2xx (or whose connection failed) is POSTed again after
`webhook_retry_delay` until it is; `webhook_attempts` records every try. A 2xx answer may carry one
method call in a JSON body (`{"method": ..., params}`), which is performed as Telegram does, its
outcome told to nobody; `webhook_replies` lists those methods.

Faults are queued per method, first in first out (`emu.fail("sendMessage", Fault.forbidden())`).
A call to a method the emulator does not implement answers 404 and makes `stop()` raise, so a
missing method is never silently ignored.

Every request is checked against the Bot API spec (`tests/emulators/specs.py`): a method Telegram
does not have, a missing required parameter, a value of the wrong type or past a documented limit,
or a parameter Telegram does not know. So is every update this emulator hands the bot. What the
check finds is kept in `spec_violations`, and `stop()` raises, so the test that caused it fails.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import re
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import aiohttp
from aiohttp import web

from tests.emulators.specs import telegram_spec

# python-telegram-bot warns about int/timedelta migration unless opted in; pytest turns warnings into errors.
os.environ.setdefault("PTB_TIMEDELTA", "true")

__all__ = ["BotMessage", "Fault", "TelegramEmulator"]

JSONDict = dict[str, Any]
_FILENAME = "_filename:"  # params key prefix: the file name an upload came with (not a Bot API parameter)
BASE_TIME = 1_700_000_000  # fixed start for deterministic `date` fields (seconds)

_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
_QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"


@dataclass(frozen=True, slots=True)
class Fault:
    """One injected misbehaviour for the next matching call of a method."""

    status: int = 0  # 0: answer normally (after `delay`)
    description: str = ""
    retry_after: int | None = None
    delay: float = 0.0
    drop: bool = False  # close the connection without answering
    apply: bool = False  # for drop/error: perform the method's effect first (the "maybe delivered" case)
    chat_id: int | None = None  # only match calls for this chat

    @classmethod
    def forbidden(cls, chat_id: int | None = None) -> Fault:
        return cls(403, "Forbidden: bot was blocked by the user", chat_id=chat_id)

    @classmethod
    def deactivated(cls, chat_id: int | None = None) -> Fault:
        return cls(403, "Forbidden: user is deactivated", chat_id=chat_id)

    @classmethod
    def flood(cls, retry_after: int = 1, chat_id: int | None = None) -> Fault:
        return cls(429, f"Too Many Requests: retry after {retry_after}", retry_after, chat_id=chat_id)

    @classmethod
    def not_modified(cls) -> Fault:
        return cls(400, _NOT_MODIFIED)

    @classmethod
    def query_too_old(cls) -> Fault:
        return cls(400, _QUERY_TOO_OLD)

    @classmethod
    def server_error(cls, status: int = 502, chat_id: int | None = None) -> Fault:
        return cls(status, "Bad Gateway" if status == 502 else "Internal Server Error", chat_id=chat_id)

    @classmethod
    def slow(cls, seconds: float, chat_id: int | None = None) -> Fault:
        return cls(delay=seconds, chat_id=chat_id)

    @classmethod
    def dropped(cls, *, delivered: bool = True, chat_id: int | None = None) -> Fault:
        return cls(drop=True, apply=delivered, chat_id=chat_id)


@dataclass(slots=True)
class BotMessage:
    """A message the bot sent, as the user's client would show it now (after any edits)."""

    message_id: int
    chat_id: int
    date: int
    text: str | None = None
    caption: str | None = None
    photo: bytes | None = None
    document: bytes | None = None
    filename: str | None = None
    parse_mode: str | None = None
    reply_markup: JSONDict | None = None
    edits: list[str] = field(default_factory=list)  # method names of each edit, in order

    @property
    def body(self) -> str:
        return self.text if self.text is not None else (self.caption or "")

    @property
    def buttons(self) -> list[list[tuple[str, str]]]:
        """Inline keyboard rows as (label, callback_data); empty when the keyboard is gone."""
        if not self.reply_markup:
            return []
        return [
            [(b["text"], b.get("callback_data", "")) for b in row]
            for row in self.reply_markup.get("inline_keyboard", [])
        ]

    @property
    def labels(self) -> list[str]:
        return [label for row in self.buttons for label, _ in row]


@dataclass(slots=True)
class CallbackAnswer:
    query_id: str
    text: str
    show_alert: bool


class _Counter:
    def __init__(self, start: int) -> None:
        self._it = itertools.count(start)

    def next(self) -> int:
        return next(self._it)


class TelegramEmulator:
    """The fake Bot API server plus the user-side helpers tests drive it with."""

    token = "123456:TEST-emulator-token"
    bot_id = 123456
    bot_username = "rekindle_test_bot"

    def __init__(self, *, strict: bool = True, clock_start: int = BASE_TIME) -> None:
        self.strict = strict
        self._clock = _Counter(clock_start)
        self._update_ids = _Counter(1)
        self._query_ids = _Counter(1)
        self._message_ids: dict[int, _Counter] = defaultdict(lambda: _Counter(1))
        self._pending: deque[JSONDict] = deque()
        self._replays: deque[JSONDict] = deque()
        self._updates_ready = asyncio.Event()
        self._changed = asyncio.Condition()
        self._faults: dict[str, deque[Fault]] = defaultdict(deque)
        self._runner: web.AppRunner | None = None
        self._closing = False
        # Webhook delivery: per user, the updates not yet answered with 2xx, and the task pushing them.
        self._hook_queues: dict[int, deque[JSONDict]] = {}
        self._hook_pushers: dict[int, asyncio.Task[None]] = {}
        self.webhook_retry_delay = 0.05  # Telegram waits longer between tries; tests need not
        self.webhook_timeout = 30.0
        self.port = 0
        # State visible to tests.
        self.sent: dict[int, list[BotMessage]] = defaultdict(list)
        self.user_messages: dict[int, list[JSONDict]] = defaultdict(list)
        self.callback_answers: list[CallbackAnswer] = []
        self.open_queries: dict[str, int] = {}  # query id -> user id, removed when answered
        self.commands: list[JSONDict] = []
        self.webhook: JSONDict = {"url": "", "secret_token": None}
        self.calls: list[tuple[str, JSONDict]] = []
        self.webhook_attempts: list[tuple[int, int | str]] = []  # (update_id, HTTP status or error type)
        self.webhook_replies: list[str] = []  # methods performed from webhook answers, in order
        self.unknown_calls: list[str] = []
        self.errors: list[str] = []
        self.spec_violations: list[str] = []  # what the bot sent or was sent that the Bot API spec forbids
        self._spec = telegram_spec()

    # ---- lifecycle -------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    async def start(self) -> None:
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_post("/bot{token}/{method}", self._dispatch)
        app.router.add_get("/bot{token}/{method}", self._dispatch)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Shut down; raises if the bot called something the emulator does not implement."""
        self._closing = True
        self._updates_ready.set()
        try:
            pushers = list(self._hook_pushers.values())
            for task in pushers:
                task.cancel()
            await asyncio.gather(*pushers, return_exceptions=True)
        finally:
            if self._runner is not None:
                await self._runner.cleanup()
                self._runner = None
        if self.strict and (self.unknown_calls or self.errors):
            raise AssertionError(
                f"emulator saw unimplemented methods {self.unknown_calls} or errors {self.errors}"
            )
        if self.strict and self.spec_violations:
            raise AssertionError(
                f"requests or updates outside the Bot API {self._spec.version} spec: {self.spec_violations}"
            )

    async def __aenter__(self) -> TelegramEmulator:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    # ---- fault injection -------------------------------------------------------------------

    def fail(self, method: str, *faults: Fault) -> None:
        """Queue faults for `method`; each is used once, in order, by the next matching call."""
        if method not in self._methods():
            raise ValueError(f"emulator does not implement {method}")
        self._faults[method].extend(faults)

    def pending_faults(self, method: str) -> int:
        return len(self._faults[method])

    def _take_fault(self, method: str, params: JSONDict) -> Fault | None:
        queue = self._faults.get(method)
        if not queue:
            return None
        chat_id = _int_or_none(params.get("chat_id"))
        for fault in queue:
            if fault.chat_id is None or fault.chat_id == chat_id:
                queue.remove(fault)
                return fault
        return None

    # ---- user-side helpers -----------------------------------------------------------------

    def _user(self, user_id: int) -> JSONDict:
        return {"id": user_id, "is_bot": False, "first_name": f"User{user_id}", "language_code": "en"}

    def _chat(self, user_id: int) -> JSONDict:
        return {"id": user_id, "type": "private", "first_name": f"User{user_id}"}

    def _bot_user(self) -> JSONDict:
        return {"id": self.bot_id, "is_bot": True, "first_name": "Rekindle", "username": self.bot_username}

    def build_message(self, user_id: int, **content: Any) -> JSONDict:
        message = {
            "message_id": self._message_ids[user_id].next(),
            "from": self._user(user_id),
            "chat": self._chat(user_id),
            "date": self._clock.next(),
            **content,
        }
        self.user_messages[user_id].append(message)
        return message

    def enqueue(self, update: JSONDict) -> JSONDict:
        """Deliver an update: to the bot's webhook when one is set, else to `getUpdates`."""
        if self.webhook["url"]:
            self._queue_for_webhook(update)  # checked against the spec as it is pushed
        else:
            self.spec_violations.extend(self._spec.check_update(update))
            self._pending.append(update)
            self._updates_ready.set()
        return update

    def replay(self, update: JSONDict) -> None:
        """Deliver an already confirmed update again (as after a lost confirmation or a webhook retry)."""
        if self.webhook["url"]:
            self._queue_for_webhook(update)
        else:
            self.spec_violations.extend(self._spec.check_update(update))
            self._replays.append(update)
            self._updates_ready.set()

    @property
    def unconfirmed(self) -> list[int]:
        """Ids of the updates `getUpdates` still holds: not yet confirmed by a higher offset."""
        return [update["update_id"] for update in self._pending]

    @property
    def webhook_pending(self) -> list[int]:
        """Ids of the updates the webhook has not yet answered with 2xx."""
        return sorted(update["update_id"] for queue in self._hook_queues.values() for update in queue)

    def _message_update(self, key: str, message: JSONDict) -> JSONDict:
        return self.enqueue({"update_id": self._update_ids.next(), key: message})

    def send_text(self, user_id: int, text: str) -> JSONDict:
        return self._message_update("message", self.build_message(user_id, text=text))

    def send_command(self, user_id: int, command: str) -> JSONDict:
        if not command.startswith("/"):
            raise ValueError("a command starts with /")
        word = command.split(maxsplit=1)[0]
        entity = {"type": "bot_command", "offset": 0, "length": _utf16_len(word)}
        return self._message_update("message", self.build_message(user_id, text=command, entities=[entity]))

    def send_sticker(self, user_id: int) -> JSONDict:
        sticker = {
            "file_id": "sticker-file",
            "file_unique_id": "sticker-u",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "🙂",
        }
        return self._message_update("message", self.build_message(user_id, sticker=sticker))

    def send_photo(self, user_id: int, caption: str | None = None) -> JSONDict:
        sizes = [{"file_id": "photo-file", "file_unique_id": "photo-u", "width": 90, "height": 90}]
        extra = {"caption": caption} if caption else {}
        return self._message_update("message", self.build_message(user_id, photo=sizes, **extra))

    def send_voice(self, user_id: int) -> JSONDict:
        voice = {"file_id": "voice-file", "file_unique_id": "voice-u", "duration": 3}
        return self._message_update("message", self.build_message(user_id, voice=voice))

    def send_video(self, user_id: int) -> JSONDict:
        video = {"file_id": "video-file", "file_unique_id": "video-u", "width": 1, "height": 1, "duration": 1}
        return self._message_update("message", self.build_message(user_id, video=video))

    def send_document(self, user_id: int) -> JSONDict:
        doc = {"file_id": "doc-file", "file_unique_id": "doc-u", "file_name": "notes.txt"}
        return self._message_update("message", self.build_message(user_id, document=doc))

    def send_location(self, user_id: int) -> JSONDict:
        return self._message_update(
            "message", self.build_message(user_id, location={"latitude": 52.5, "longitude": 13.4})
        )

    def edit_text(self, user_id: int, message_id: int, text: str) -> JSONDict:
        original = next(m for m in self.user_messages[user_id] if m["message_id"] == message_id)
        edited = {**original, "text": text, "edit_date": self._clock.next()}
        return self._message_update("edited_message", edited)

    def find_button(
        self, user_id: int, label: str | re.Pattern[str], message_id: int | None = None
    ) -> tuple[BotMessage, str]:
        """The newest message with a keyboard (or `message_id`) and the callback data of the button."""
        pattern = re.compile(label) if isinstance(label, str) else label
        candidates = [m for m in self.sent[user_id] if m.buttons]
        if message_id is not None:
            candidates = [m for m in self.sent[user_id] if m.message_id == message_id]
        if not candidates:
            raise AssertionError(f"user {user_id} has no message with buttons")
        message = candidates[-1]
        for row in message.buttons:
            for text, data in row:
                if pattern.search(text):
                    return message, data
        raise AssertionError(f"no button matching {pattern.pattern!r} in {message.labels}")

    def click(
        self, user_id: int, label: str | re.Pattern[str], message_id: int | None = None
    ) -> JSONDict:
        message, data = self.find_button(user_id, label, message_id)
        return self.click_data(user_id, message, data)

    def click_data(self, user_id: int, message: BotMessage, data: str) -> JSONDict:
        """Press a button with arbitrary callback data (a forged or replayed payload)."""
        query_id = str(self._query_ids.next())
        self.open_queries[query_id] = user_id
        query = {
            "id": query_id,
            "from": self._user(user_id),
            "message": self._message_json(message),
            "chat_instance": f"ci-{user_id}",
            "data": data,
        }
        return self.enqueue({"update_id": self._update_ids.next(), "callback_query": query})

    def messages(self, user_id: int) -> list[BotMessage]:
        return list(self.sent[user_id])

    def last_message(self, user_id: int) -> BotMessage:
        sent = self.sent[user_id]
        if not sent:
            raise AssertionError(f"the bot sent nothing to user {user_id}")
        return sent[-1]

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:  # noqa: ASYNC109
        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(predicate)

    async def wait_for_messages(
        self, user_id: int, n: int, timeout: float = 5.0,  # noqa: ASYNC109 (the test-kit API takes a timeout)
    ) -> list[BotMessage]:
        """Wait until the bot has sent at least `n` messages to the user in total."""
        try:
            await self.wait_for(lambda: len(self.sent[user_id]) >= n, timeout)
        except TimeoutError:
            got = [m.body[:60] for m in self.sent[user_id]]
            raise AssertionError(f"user {user_id}: wanted {n} messages, got {len(got)}: {got}") from None
        return self.messages(user_id)

    async def wait_idle(self, quiet: float = 0.3, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until every update was fetched and the bot made no call for `quiet` seconds."""
        async with asyncio.timeout(timeout):
            while True:
                before = self._work_calls()
                await asyncio.sleep(quiet)
                idle = not self._pending and not self._replays and not self._hook_queues
                if idle and self._work_calls() == before:
                    return

    def _work_calls(self) -> int:
        return sum(1 for method, _ in self.calls if method != "getUpdates")

    def method_calls(self, method: str) -> list[JSONDict]:
        return [params for name, params in self.calls if name == method]

    # ---- webhook side ----------------------------------------------------------------------

    async def post_update_to_webhook(
        self, url: str, update: JSONDict, secret_token: str | None = None
    ) -> int:
        """POST one update as Telegram does; returns the HTTP status the bot answered with."""
        self.spec_violations.extend(self._spec.check_update(update))
        headers = {"Content-Type": "application/json"}
        if secret_token is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret_token
        async with (
            aiohttp.ClientSession() as session,
            session.post(url, data=json.dumps(update), headers=headers) as resp,
        ):
            body = await resp.read()
            if 200 <= resp.status < 300:
                await self.perform_webhook_reply(resp.content_type, body)
            return resp.status

    async def perform_webhook_reply(self, content_type: str, body: bytes) -> None:
        """The method call a webhook's 2xx answer may carry: performed like a request, its outcome
        (an error included) told to nobody, as the Bot API documents."""
        if content_type != "application/json" or not body.strip():
            return
        try:
            payload = json.loads(body)
        except ValueError:
            self.errors.append("a webhook answer that is not JSON")
            return
        if not isinstance(payload, dict) or "method" not in payload:
            return
        method = str(payload.pop("method"))
        params = {k: v if isinstance(v, str) else json.dumps(v) for k, v in payload.items()}
        self.spec_violations.extend(self._spec.check_request(method, params))
        handler = self._methods().get(method)
        if handler is None:
            self.unknown_calls.append(method)
            return
        self.webhook_replies.append(method)
        try:
            await handler(params)
        except _ApiError:
            pass
        finally:
            await self._notify()

    def _queue_for_webhook(self, update: JSONDict) -> None:
        key = _sender_id(update)
        self._hook_queues.setdefault(key, deque()).append(update)
        if key not in self._hook_pushers:
            self._hook_pushers[key] = asyncio.get_running_loop().create_task(
                self._push_queue(key), name=f"webhook-{key}"
            )

    async def _push_queue(self, key: int) -> None:
        """Push one user's updates in order; retry the first until the bot answers it with 2xx."""
        try:
            while self.webhook["url"] and not self._closing and self._hook_queues.get(key):
                update = self._hook_queues[key][0]
                if await self._push_once(update):
                    queue = self._hook_queues.get(key)
                    if queue and queue[0] is update:  # deleteWebhook may have taken it back meanwhile
                        queue.popleft()
                else:
                    await asyncio.sleep(self.webhook_retry_delay)
                await self._notify()
        finally:
            del self._hook_pushers[key]
            if not self._hook_queues.get(key, True):
                del self._hook_queues[key]

    async def _push_once(self, update: JSONDict) -> bool:
        outcome: int | str
        try:
            async with asyncio.timeout(self.webhook_timeout):
                outcome = await self.post_update_to_webhook(
                    self.webhook["url"], update, self.webhook.get("secret_token")
                )
        except (aiohttp.ClientError, TimeoutError) as exc:
            outcome = type(exc).__name__
        self.webhook_attempts.append((update["update_id"], outcome))
        return isinstance(outcome, int) and 200 <= outcome < 300

    def _take_back_webhook_updates(self) -> None:
        """deleteWebhook: what the webhook did not take becomes available to `getUpdates` again."""
        taken = [update for queue in self._hook_queues.values() for update in queue]
        for queue in self._hook_queues.values():
            queue.clear()
        self._hook_queues.clear()
        if taken:
            self._pending = deque(sorted([*self._pending, *taken], key=lambda u: int(u["update_id"])))
            self._updates_ready.set()

    # ---- server side -----------------------------------------------------------------------

    def _methods(self) -> Mapping[str, Callable[[JSONDict], Awaitable[Any]]]:
        return {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "answerCallbackQuery": self._answer_callback_query,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteWebhook": self._delete_webhook,
            "setWebhook": self._set_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "close": self._true,
            "logOut": self._true,
        }

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        params = await _read_params(request)
        sent = {k: v for k, v in params.items() if not k.startswith(_FILENAME)}
        self.spec_violations.extend(self._spec.check_request(method, sent))
        handler = self._methods().get(method)
        if handler is None:
            self.unknown_calls.append(method)
            return _error(404, f"Not Found: method {method} is not implemented by the emulator")
        self.calls.append((method, params))
        fault = self._take_fault(method, params)
        try:
            if fault is not None and fault.delay:
                await asyncio.sleep(fault.delay)
            if fault is not None and (fault.drop or fault.status):
                if fault.apply:
                    await handler(params)
                if fault.drop:
                    assert request.transport is not None
                    request.transport.abort()
                    return web.Response()  # never reaches the client: the transport is gone
                return _error(fault.status, fault.description, fault.retry_after)
            result = await handler(params)
        except _ApiError as exc:
            return _error(exc.status, exc.description)
        finally:
            await self._notify()
        return web.json_response({"ok": True, "result": result})

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _true(self, params: JSONDict) -> bool:
        return True

    async def _get_me(self, params: JSONDict) -> JSONDict:
        return {
            **self._bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _get_updates(self, params: JSONDict) -> list[JSONDict]:
        if self.webhook["url"]:
            raise _ApiError(
                409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook first"
            )
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        limit = int(params.get("limit") or 100)
        # Confirmation: every update with an id below `offset` is forgotten for good.
        confirmed = False
        while self._pending and self._pending[0]["update_id"] < offset:
            self._pending.popleft()
            confirmed = True
        if confirmed:
            await self._notify()  # a test waiting for `unconfirmed` need not wait out the long poll
        if not self._pending and not self._replays and timeout > 0 and not self._closing:
            self._updates_ready.clear()
            try:
                async with asyncio.timeout(timeout):
                    await self._updates_ready.wait()
            except TimeoutError:
                return []
        if self._replays:
            return [self._replays.popleft()]
        return list(itertools.islice(self._pending, limit))

    def _new_bot_message(self, chat_id: int, **fields: Any) -> BotMessage:
        message = BotMessage(message_id=self._message_ids[chat_id].next(), chat_id=chat_id,
                             date=self._clock.next(), **fields)
        self.sent[chat_id].append(message)
        return message

    def _message_json(self, message: BotMessage) -> JSONDict:
        body: JSONDict = {
            "message_id": message.message_id,
            "from": self._bot_user(),
            "chat": self._chat(message.chat_id),
            "date": message.date,
        }
        if message.document is not None:
            body["document"] = {"file_id": f"doc-{message.message_id}", "file_unique_id": "d",
                                "file_name": message.filename}
        elif message.photo is not None:
            body["photo"] = [{"file_id": f"sent-{message.message_id}", "file_unique_id": "s",
                              "width": 600, "height": 400}]
            if message.caption:
                body["caption"] = message.caption
        else:
            body["text"] = message.text
        if message.reply_markup:
            body["reply_markup"] = message.reply_markup
        return body

    async def _send_message(self, params: JSONDict) -> JSONDict:
        chat_id = _require_int(params, "chat_id")
        text = str(params.get("text") or "")
        if not text.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        if _utf16_len(text) > 4096:
            raise _ApiError(400, "Bad Request: message is too long")
        message = self._new_bot_message(
            chat_id, text=text, parse_mode=params.get("parse_mode"),
            reply_markup=_markup(params.get("reply_markup")),
        )
        return self._message_json(message)

    async def _send_photo(self, params: JSONDict) -> JSONDict:
        chat_id = _require_int(params, "chat_id")
        photo = params.get("photo")
        if not isinstance(photo, bytes) or not photo:
            raise _ApiError(400, "Bad Request: there is no photo in the request")
        caption = params.get("caption")
        if caption is not None and _utf16_len(str(caption)) > 1024:
            raise _ApiError(400, "Bad Request: message caption is too long")
        message = self._new_bot_message(
            chat_id, caption=caption, photo=photo, parse_mode=params.get("parse_mode"),
            reply_markup=_markup(params.get("reply_markup")),
        )
        return self._message_json(message)

    async def _send_document(self, params: JSONDict) -> JSONDict:
        chat_id = _require_int(params, "chat_id")
        document = params.get("document")
        if not isinstance(document, bytes) or not document:
            raise _ApiError(400, "Bad Request: there is no document in the request")
        message = self._new_bot_message(
            chat_id, document=document, filename=params.get(_FILENAME + "document"),
            caption=params.get("caption"),
        )
        return self._message_json(message)

    async def _answer_callback_query(self, params: JSONDict) -> bool:
        query_id = str(params.get("callback_query_id"))
        if self.open_queries.pop(query_id, None) is None:
            raise _ApiError(400, _QUERY_TOO_OLD)
        self.callback_answers.append(
            CallbackAnswer(query_id, str(params.get("text") or ""), params.get("show_alert") == "true")
        )
        return True

    def _find_sent(self, params: JSONDict) -> BotMessage:
        chat_id = _require_int(params, "chat_id")
        message_id = _require_int(params, "message_id")
        for message in self.sent[chat_id]:
            if message.message_id == message_id:
                return message
        raise _ApiError(400, "Bad Request: message to edit not found")

    async def _edit_message_text(self, params: JSONDict) -> JSONDict:
        message = self._find_sent(params)
        text = str(params.get("text") or "")
        markup = _markup(params.get("reply_markup"))
        if message.text is None:
            raise _ApiError(400, "Bad Request: there is no text in the message to edit")
        if not text.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        if text == message.text and markup == message.reply_markup:
            raise _ApiError(400, _NOT_MODIFIED)
        message.text, message.reply_markup = text, markup
        message.edits.append("editMessageText")
        return self._message_json(message)

    async def _edit_message_reply_markup(self, params: JSONDict) -> JSONDict:
        message = self._find_sent(params)
        markup = _markup(params.get("reply_markup"))
        if markup == message.reply_markup:
            raise _ApiError(400, _NOT_MODIFIED)
        message.reply_markup = markup
        message.edits.append("editMessageReplyMarkup")
        return self._message_json(message)

    async def _set_my_commands(self, params: JSONDict) -> bool:
        commands = json.loads(params.get("commands") or "[]")
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", command["command"]) or not command["description"]:
                raise _ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        self.commands = commands
        return True

    async def _get_my_commands(self, params: JSONDict) -> list[JSONDict]:
        return list(self.commands)

    async def _delete_webhook(self, params: JSONDict) -> bool:
        self.webhook = {"url": "", "secret_token": None}
        self._take_back_webhook_updates()
        if params.get("drop_pending_updates") == "true":
            self._pending.clear()
        return True

    async def _set_webhook(self, params: JSONDict) -> bool:
        url = str(params.get("url") or "")
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise _ApiError(400, "Bad Request: secret token contains unallowed characters")
        self.webhook = {"url": url, "secret_token": secret}
        if params.get("drop_pending_updates") == "true":
            self._pending.clear()
            self._hook_queues.clear()
        # Updates queued before the webhook existed now go there, as Telegram would push them.
        while url and self._pending:
            self.enqueue(self._pending.popleft())
        return True

    async def _get_webhook_info(self, params: JSONDict) -> JSONDict:
        return {
            "url": self.webhook["url"],
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending) + len(self.webhook_pending),
        }


class _ApiError(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def _error(status: int, description: str, retry_after: int | None = None) -> web.Response:
    body: JSONDict = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return web.json_response(body, status=status)


async def _read_params(request: web.Request) -> JSONDict:
    """Form fields as strings; uploaded files as bytes, with `attach://name` references resolved."""
    if request.content_type == "application/json":
        raw = await request.json()
        return {k: v if isinstance(v, str) else json.dumps(v) for k, v in raw.items()}
    params: JSONDict = {}
    if request.content_type.startswith("multipart/"):
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, aiohttp.BodyPartReader) or part.name is None:
                continue
            if part.filename is not None:
                params[part.name] = bytes(await part.read())
                params[_FILENAME + part.name] = part.filename
            else:
                params[part.name] = await part.text()
    else:
        form = await request.post()
        params = {k: v if isinstance(v, str) else _field_bytes(v) for k, v in form.items()}
    for key, value in list(params.items()):
        if isinstance(value, str) and value.startswith("attach://"):
            params[key] = params.pop(value.removeprefix("attach://"), b"")
    return params


def _field_bytes(value: bytes | bytearray | web.FileField) -> bytes:
    return value.file.read() if isinstance(value, web.FileField) else bytes(value)


def _markup(raw: object) -> JSONDict | None:
    if raw is None or raw == "":
        return None
    markup: JSONDict = json.loads(raw) if isinstance(raw, str) else dict(raw)  # type: ignore[call-overload]
    for row in markup.get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode()) <= 64:
                raise _ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
    if markup.get("inline_keyboard") == []:
        return None  # an empty keyboard is no keyboard, as clients show it
    return markup


def _sender_id(update: JSONDict) -> int:
    """The user an update comes from; an update without one is a queue of its own."""
    for key in ("message", "edited_message", "callback_query"):
        sender = update.get(key, {}).get("from")
        if sender:
            return int(sender["id"])
    return -int(update["update_id"])


def _require_int(params: JSONDict, key: str) -> int:
    value = _int_or_none(params.get(key))
    if value is None:
        raise _ApiError(400, f"Bad Request: {key} is empty")
    return value


def _int_or_none(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[call-overload, no-any-return]
    except (TypeError, ValueError):
        return None


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2
