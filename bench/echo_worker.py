"""The echo bot as a process of its own: `python -m bench.echo_worker <emulator port> [--webhook <port>]`.

It takes updates from the bench's emulator on 127.0.0.1, by long polling or (with --webhook) through
python-telegram-bot's own webhook server, with the same `concurrent_updates` as the adapter, until
Ctrl-C (SIGINT). A baseline for the figures where every bot runs in its own process beside the emulator.
"""

from __future__ import annotations

import argparse
import logging
import os

os.environ.setdefault("PTB_TIMEDELTA", "true")

from bench.processes import serve
from bench.updates import CONCURRENCY
from tests.emulators.echo_bot import build_echo_app
from tests.emulators.telegram import TelegramEmulator


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.echo_worker")
    parser.add_argument("port", type=int, help="the bench emulator's port on 127.0.0.1")
    parser.add_argument("--webhook", type=int, metavar="PORT", help="take updates by webhook on this port")
    parser.add_argument("--secret", default=None)
    args = parser.parse_args(argv)
    address = TelegramEmulator()  # not started: only its token and URLs, pointed at the bench's port
    address.port = args.port
    app = build_echo_app(address, concurrent_updates=CONCURRENCY)
    serve(app, args.webhook, args.secret)


if __name__ == "__main__":
    logging.basicConfig(level=logging.ERROR)
    main()
