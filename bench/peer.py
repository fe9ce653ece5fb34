"""The peer: the bot a Python developer would write for the same guide, with python-telegram-bot's own tools.

A `ConversationHandler` keeps each person's place in the guide and `PicklePersistence` (PTB's own,
at its defaults) keeps the conversations and each person's data on disk. It makes exactly the
Bot API calls Rekindle makes for the same moment, with the same texts and the same keyboards (taken
from the bench's template, which recorded what Rekindle sent):

- "One more step" pressed: answer the press (the spinner), send the step's messages with the
  keyboard on the last, take the pressed message's keyboard away.
- a typed answer to the lesson's question: keep it in the person's data, send the same reply.

What it does not do, and Rekindle does: read each typed message with the safety model, commit each
step in a transaction before confirming the update, keep an outbox, pace sends per chat. PTB's
persistence writes the whole pickle file every 60 s and at stop, so a crash loses up to a minute.

`python -m bench.peer <pickle file> <script json> <emulator port> [--webhook <port>]` runs it as a
process of its own (section 7); `build_peer_app` builds it inside the bench's process.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import pickle
import re
import sys
import warnings
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

os.environ.setdefault("PTB_TIMEDELTA", "true")

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseHandler,
    CallbackQueryHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    PicklePersistence,
    filters,
)

from bench.data import Keyboard, Sent, Template
from bench.processes import serve

__all__ = ["AFTER", "QUESTION", "CountedPickle", "PeerScript", "build_peer_app", "seed_peer"]

AFTER, QUESTION = range(2)  # asked "done for today or one more step?"; asked the lesson's question
CONVERSATION = "guide"
PeerApp = Application[Any, Any, Any, Any, Any, Any]


def _markup(keyboard: Keyboard) -> InlineKeyboardMarkup | None:
    if not keyboard:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in keyboard]
    )


class CountedPickle(PicklePersistence):  # type: ignore[type-arg]
    """PTB's PicklePersistence as it is, counting how often it writes its file (always the whole file)."""

    def __init__(self, filepath: Path) -> None:
        # on_flush=True changes nothing measured: a run ends well inside PTB's 60 s update interval,
        # so the file is never written during one (the report counts it). It spares the teardown
        # writing the whole file once per person (66 s for 3,300 people), which is not part of the bench.
        super().__init__(filepath=filepath, on_flush=True)
        self.writes = 0

    def _dump_singlefile(self) -> None:
        self.writes += 1
        super()._dump_singlefile()


class PeerScript:
    """What the peer says: Rekindle's own step and typed reply, recorded by the template."""

    def __init__(self, step: Iterable[Sent], typed: Iterable[Sent]) -> None:
        self.step = [(s.text, _markup(s.keyboard)) for s in step]
        self.typed = [(s.text, _markup(s.keyboard)) for s in typed]

    @classmethod
    def of(cls, template: Template) -> PeerScript:
        return cls(template.step_replies, template.typed_replies)

    async def more(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        query = update.callback_query
        assert query is not None and query.message is not None and context.user_data is not None
        await query.answer()
        chat = query.message.chat.id
        context.user_data["step"] = context.user_data.get("step", 0) + 1
        for text, markup in self.step:
            await context.bot.send_message(chat, text, reply_markup=markup)
        await query.edit_message_reply_markup(None)  # the used keyboard goes
        return QUESTION

    async def answer(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        message = update.effective_message
        assert message is not None and message.text is not None and context.user_data is not None
        context.user_data.setdefault("journal", []).append(message.text)
        for text, markup in self.typed:
            await context.bot.send_message(message.chat_id, text, reply_markup=markup)
        return AFTER


def build_peer_app(
    token: str, base_url: str, script: PeerScript, pickle_file: Path, concurrent_updates: int
) -> PeerApp:
    """The peer as an Application: run it with initialize/start/updater.start_polling (or run_webhook)."""
    with warnings.catch_warnings():
        # PTB warns that a CallbackQueryHandler is not tracked per message with per_message=False;
        # per chat is what this bot wants, as it is what most bots written this way do.
        warnings.filterwarnings("ignore", message=r"If 'per_message=False'")
        states: dict[object, list[BaseHandler[Update, Any, object]]] = {
            AFTER: [CallbackQueryHandler(script.more, pattern=re.compile(r"^\d+\|more$"))],
            QUESTION: [MessageHandler(filters.TEXT & ~filters.COMMAND, script.answer)],
        }
        conversation: ConversationHandler[Any] = ConversationHandler(
            entry_points=[],
            states=states,
            fallbacks=[],
            name=CONVERSATION,
            persistent=True,
        )
    app = (
        ApplicationBuilder()
        .token(token)
        .base_url(base_url)
        .base_file_url(base_url.replace("/bot", "/file/bot"))
        .persistence(CountedPickle(pickle_file))
        .job_queue(None)
        .concurrent_updates(concurrent_updates)
        .build()
    )
    app.add_handler(conversation)
    return app


def seed_peer(pickle_file: Path, chats: Iterable[int], state: int) -> None:
    """People part way through the guide, as PicklePersistence keeps them: each in `state`, one step in."""
    people = list(chats)
    data = {
        "conversations": {CONVERSATION: {(chat, chat): state for chat in people}},
        "user_data": {chat: {"step": 1} for chat in people},
        "chat_data": {},
        "bot_data": {},
        "callback_data": None,
    }
    with pickle_file.open("wb") as out:
        pickle.dump(data, out, protocol=pickle.HIGHEST_PROTOCOL)


def script_json(template: Template) -> str:
    """The peer's script for a process of its own."""
    return json.dumps({"step": [asdict(s) for s in template.step_replies],
                       "typed": [asdict(s) for s in template.typed_replies]})


def _sent(items: list[dict[str, Any]]) -> list[Sent]:
    return [Sent(i["text"], tuple(tuple((b[0], b[1]) for b in row) for row in i["keyboard"])) for i in items]


def main(argv: list[str] | None = None) -> int:
    from bench.updates import CONCURRENCY
    from tests.emulators.telegram import TelegramEmulator

    parser = argparse.ArgumentParser(prog="python -m bench.peer")
    parser.add_argument("pickle", type=Path)
    parser.add_argument("script", type=Path, help="a JSON file from script_json()")
    parser.add_argument("port", type=int, help="the bench emulator's port on 127.0.0.1")
    parser.add_argument("--webhook", type=int, metavar="PORT", help="take updates by webhook on this port")
    parser.add_argument("--secret", default=None)
    args = parser.parse_args(argv)
    raw = json.loads(args.script.read_text(encoding="utf-8"))
    address = TelegramEmulator()  # not started: only its token and URLs, pointed at the bench's port
    address.port = args.port
    app = build_peer_app(
        address.token, address.base_url, PeerScript(_sent(raw["step"]), _sent(raw["typed"])), args.pickle,
        CONCURRENCY,
    )
    serve(app, args.webhook, args.secret)
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.ERROR)
    sys.exit(main())
