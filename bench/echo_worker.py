"""The echo bot as a process of its own: `python -m bench.echo_worker <emulator port>`.

It long-polls the bench's emulator on 127.0.0.1 with the same `concurrent_updates` as the
adapter, until Ctrl-C (SIGINT). The baseline for the multi-worker figures, where every bot
runs in its own process beside the emulator.
"""

from __future__ import annotations

import logging
import os
import sys

os.environ.setdefault("PTB_TIMEDELTA", "true")

from bench.updates import CONCURRENCY
from tests.emulators.echo_bot import build_echo_app
from tests.emulators.telegram import TelegramEmulator


def main(port: int) -> None:
    address = TelegramEmulator()  # not started: only its token and URLs, pointed at the bench's port
    address.port = port
    app = build_echo_app(address, concurrent_updates=CONCURRENCY)
    app.run_polling(timeout=1, close_loop=False)


if __name__ == "__main__":
    logging.basicConfig(level=logging.ERROR)
    main(int(sys.argv[1]))
