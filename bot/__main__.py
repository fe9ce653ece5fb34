"""Command line: `python -m bot` runs the bot (terminal chat when no platform token is set).

python -m bot                   run Telegram/Discord if their tokens are set, else the terminal chat
python -m bot chat [--clock "2026-03-29 08:59"] [--user NAME]
python -m bot scheduler         send check-ins only: no polling, webhook or gateway (several processes)
python -m bot content check     validate every content file and exit
python -m bot safety classify   one message per line on stdin -> label, tab, scores per line
python -m bot safety eval FILE.tsv   recall, precision and every miss on labelled messages
python -m bot safety train      rebuild the safety model's head from content/safety/examples/train
python -m bot gen-key           print a new REKINDLE_DATA_KEY
python -m bot rotate-key --old KEY   re-encrypt every row with the current REKINDLE_DATA_KEY
python -m bot encrypt           encrypt, in place, text stored before REKINDLE_DATA_KEY was set
python -m bot reports           list replies users flagged with /report
python -m bot transcripts       write docs/transcripts/*.md from their scripted inputs
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import Settings, SettingsError, load_settings
from bot.crypto import WrongKeyError
from dialogs.content import CONTENT_DIR, ContentError

if TYPE_CHECKING:
    from bot.adapters.terminal import TerminalSender
    from bot.store.base import Store

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Rekindle, a breakup recovery coach.")
    sub = parser.add_subparsers(dest="command")
    chat = sub.add_parser("chat", help="chat in the terminal")
    chat.add_argument("--clock", help='start the clock at this UTC time, e.g. "2026-03-29 08:59"')
    chat.add_argument("--user", default="local", help="which local user to be (default: local)")
    sub.add_parser("scheduler", help="send due check-ins and waiting replies; take no messages")
    content = sub.add_parser("content", help="content tools")
    content.add_argument("action", choices=["check"])
    safety = sub.add_parser("safety", help="safety tools")
    safety_actions = safety.add_subparsers(dest="action", required=True)
    safety_actions.add_parser("classify", help="one message per line on stdin -> one label per line")
    evaluate = safety_actions.add_parser("eval", help="measure the safety check on a labelled file")
    evaluate.add_argument("file", nargs="?", help="a TSV with columns label, text (default: the held-out split)")
    evaluate.add_argument("--misses", action="store_true", help="list every miss")
    train = safety_actions.add_parser("train", help="rebuild the model head from the training examples")
    train.add_argument(
        "--phrases-only",
        action="store_true",
        help="rebuild only the FAQ, command and coach phrasings (seconds, not minutes); the safety head is kept",
    )
    sub.add_parser("gen-key", help="print a new data key")
    rotate = sub.add_parser("rotate-key", help="re-encrypt every row with REKINDLE_DATA_KEY")
    rotate.add_argument("--old", action="append", default=[], help="a previous key (repeatable)")
    sub.add_parser("encrypt", help="encrypt text stored before REKINDLE_DATA_KEY was set, in place")
    sub.add_parser("reports", help="list reports users made with /report")
    sub.add_parser("transcripts", help="write docs/transcripts/*.md from their scripts")
    return parser


def _keys_kept_whole(argv: list[str]) -> list[str]:
    """ "--old KEY" as "--old=KEY": a Fernet key may begin with "-" (one in 32 does), which argparse
    would otherwise take for an option and refuse ("expected one argument")."""
    out: list[str] = []
    words = iter(argv)
    for word in words:
        value = next(words, None) if word == "--old" else None
        out.append(word if value is None else f"--old={value}")
    return out


def main(argv: list[str] | None = None) -> int:
    # Until the running bot takes over SIGTERM (bot.lifecycle), let it stop start-up the way Ctrl-C does.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    args = _parser().parse_args(_keys_kept_whole(sys.argv[1:] if argv is None else argv))
    try:
        if args.command == "gen-key":
            from bot.crypto import generate_key

            print(generate_key())
            return 0
        if args.command == "content":
            return _content_check()
        if args.command == "transcripts":
            return _transcripts()
        if args.command == "safety":
            from bot.safety_cli import run_safety

            return run_safety(
                args.action,
                getattr(args, "file", None),
                getattr(args, "misses", False),
                phrases_only=getattr(args, "phrases_only", False),
            )
        settings = load_settings()
        from bot.logs import setup_logging

        secrets = [
            s.get_secret_value()
            for s in (settings.telegram_bot_token, settings.discord_bot_token, settings.rekindle_data_key)
            if s
        ]
        setup_logging(settings.log_level, secrets)
        if args.command == "rotate-key":
            return asyncio.run(_rotate(settings, tuple(args.old)))
        if args.command == "encrypt":
            return asyncio.run(_encrypt(settings))
        if args.command == "reports":
            return asyncio.run(_reports(settings))
        if args.command == "scheduler":
            return _scheduler(settings)
        if args.command == "chat" or not (settings.telegram_bot_token or settings.discord_bot_token):
            clock = getattr(args, "clock", None)
            return asyncio.run(
                _chat(settings, _parse_clock(clock) if clock else None, getattr(args, "user", "local"))
            )
        from bot.app import run

        asyncio.run(run(settings))
        return 0
    except (SettingsError, ContentError, WrongKeyError) as exc:
        print(f"rekindle: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0
    except asyncio.CancelledError:  # a second SIGTERM or Ctrl-C: stopped without finishing
        return 1


def _scheduler(settings: Settings) -> int:
    if not (settings.telegram_bot_token or settings.discord_bot_token):
        print("rekindle: the scheduler sends to Telegram or Discord; set a bot token", file=sys.stderr)
        return 2
    from bot.app import run

    asyncio.run(run(settings, listen=False))
    return 0


def _transcripts() -> int:
    from bot.transcripts import render_all
    from bot.understanding.reader import load_safety_model
    from dialogs.kit import load_kit

    for path in render_all(load_kit(CONTENT_DIR), load_safety_model(CONTENT_DIR.resolve())):
        print(path)
    return 0


def _parse_clock(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text).replace(tzinfo=UTC)
    except ValueError:
        raise SettingsError(f'bad --clock {text!r}: use "YYYY-MM-DD HH:MM"') from None


def _content_check() -> int:
    from bot.adapters.commands import load_commands
    from bot.understanding.dev_sets import count_dev_messages, load_coach_drafts, load_training_drafts
    from dialogs.kit import load_kit
    from dialogs.safety_examples import load_examples

    kit = load_kit(CONTENT_DIR)
    examples = load_examples(CONTENT_DIR)
    held_out = sum(1 for ex in examples if ex.split == "heldout")
    commands = load_commands(CONTENT_DIR)
    dev_messages = count_dev_messages(CONTENT_DIR)
    problems = {rule.id for rule in kit.coach.spec.rules}
    drafts = load_coach_drafts(CONTENT_DIR, problems)
    learnt = load_training_drafts(CONTENT_DIR, problems)
    print(
        f"content OK: {len(kit.content.lessons)} lessons, {len(kit.content.faq)} questions, "
        f"{len(kit.content.texts)} texts, {len(commands.commands)} commands, "
        f"{len(examples)} safety examples ({held_out} held out), "
        f"{len(learnt.poor) + len(learnt.good)} drafts the coach learns from, "
        f"development sets of {dev_messages} messages and {len(drafts.poor) + len(drafts.good)} drafts"
    )
    return 0


async def _chat(settings: Settings, start: datetime | None, user: str) -> int:
    import logging

    from bot.adapters.terminal import OffsetClock, TerminalChat, TerminalSender
    from bot.app import build_service
    from bot.lifecycle import stop_signals
    from bot.scheduler import Dispatcher

    logging.getLogger().setLevel(max(logging.WARNING, logging.getLogger().level))
    clock = OffsetClock(start)
    service = await build_service(settings, clock=clock)
    db_dir = settings.sqlite_path.parent if settings.sqlite_path else Path.cwd()
    sender = TerminalSender(sys.stdout, db_dir / "rekindle-files")
    service.register_sender(sender)
    dispatcher = Dispatcher(service, service.store, clock=clock)
    async with stop_signals() as stop:
        try:
            await service.deliver_pending("terminal")
            await _pick_up(service.store, sender, user)
            await TerminalChat(service.handle, sender, clock, dispatcher.tick, user_id=user).run(stop)
        finally:
            await service.close()
    return 0


async def _pick_up(store: Store, sender: TerminalSender, user: str) -> None:
    """A second run continues the first: the buttons left live are numbered again."""
    from bot.adapters.terminal import PLATFORM
    from bot.store.base import UserKey
    from dialogs.state import UserState

    async with store.user(UserKey(PLATFORM, user)) as tx:
        raw = await tx.load_state()
    if not raw:
        return
    state = UserState.model_validate_json(raw)
    line = sender.pick_up(state.nonce, list(state.labels), list(state.labels.values()))
    if line:
        print(f"(picking up where you left off: {line})\n", flush=True)


async def _rotate(settings: Settings, old: tuple[str, ...]) -> int:
    from bot.crypto import Cipher
    from bot.store import open_store

    if not settings.rekindle_data_key:
        print("rekindle: set REKINDLE_DATA_KEY to the new key first", file=sys.stderr)
        return 2
    store = await open_store(settings, Cipher(settings.rekindle_data_key.get_secret_value(), old))
    try:
        touched = await store.rotate_key()
    finally:
        await store.close()
    print(f"re-encrypted {touched} rows")
    return 0


async def _encrypt(settings: Settings) -> int:
    from bot.crypto import Cipher
    from bot.progressbar import ProgressBar
    from bot.store import open_store

    if not settings.rekindle_data_key:
        print("rekindle: set REKINDLE_DATA_KEY to the key to encrypt with first", file=sys.stderr)
        return 2
    store = await open_store(settings, Cipher(settings.rekindle_data_key.get_secret_value()), allow_plain=True)
    try:
        done = await store.encrypt_plain(500, ProgressBar("encrypting"))
    finally:
        await store.close()
    print(f"encrypted {done} rows; the bot can start with REKINDLE_DATA_KEY now")
    return 0


async def _reports(settings: Settings) -> int:
    from bot.app import make_cipher
    from bot.store import open_store

    store = await open_store(settings, make_cipher(settings))
    try:
        for report in await store.reports():
            print(
                f"#{report['id']} {report['at']} [{report['platform']}] reply: {report['reply']!r}"
                f" note: {report['note']!r}"
            )
    finally:
        await store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
