"""A Telegram bot worker as its own process, for the kill -9 tests: the real adapter and service.

    python -m tests.faults.telegram_worker DB_URL API_BASE_URL TOKEN [WEBHOOK_PORT SECRET]

With a port it serves the webhook on 127.0.0.1:PORT, else it long-polls. It prints "built" once the
service is up, starts the adapter when a line arrives on stdin (so a test can have the next worker
warm while the current one runs), prints "ready" once it listens, and runs until SIGTERM.
The service's clock stands still at START, so two runs of the same conversation give the same replies.
"""

from __future__ import annotations

import asyncio
import signal
import sys

from bot.adapters.telegram import TelegramAdapter
from bot.app import build_service
from bot.config import load_settings
from tests.adapters.telegram.conftest import FAST
from tests.faults.kit import START

TUNING = FAST  # the adapter tests' timings: short timeouts, limits lifted


async def run(db_url: str, base_url: str, token: str, webhook: tuple[str, str] | None) -> None:
    hook: dict[str, object] = {}
    if webhook is not None:
        port, secret = webhook
        hook = {
            "telegram_webhook_url": f"http://127.0.0.1:{port}/hook",
            "telegram_webhook_listen": "127.0.0.1",
            "telegram_webhook_port": int(port),
            "telegram_webhook_secret": secret,
        }
    settings = load_settings(
        database_url=db_url,
        rekindle_data_key=None,
        telegram_bot_token=token,
        telegram_api_base_url=base_url,
        **hook,
    )
    service = await build_service(settings, clock=lambda: START)
    adapter = TelegramAdapter(settings, service, TUNING)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    try:
        print("built", flush=True)
        await asyncio.to_thread(sys.stdin.readline)
        await adapter.start()
        print("ready", flush=True)
        await stop.wait()
    finally:
        try:
            await adapter.stop()
        finally:
            await service.close()


def main(argv: list[str]) -> int:
    db_url, base_url, token, *hook = argv
    asyncio.run(run(db_url, base_url, token, (hook[0], hook[1]) if hook else None))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
