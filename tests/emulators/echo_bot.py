"""The smallest python-telegram-bot Application: echoes text. A baseline for tests and benchmarks."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.emulators.telegram import TelegramEmulator

__all__ = ["build_echo_app"]


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None and update.effective_message.text is not None
    await update.effective_message.reply_text(update.effective_message.text)


async def _start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text("echo bot ready")


def build_echo_app(emulator: TelegramEmulator, concurrent_updates: int | bool = False) -> Application:  # type: ignore[type-arg]
    """An echo Application pointed at `emulator`; run it with initialize/start/updater.start_polling."""
    app = (
        ApplicationBuilder()
        .token(emulator.token)
        .base_url(emulator.base_url)
        .base_file_url(emulator.base_file_url)
        .job_queue(None)
        .concurrent_updates(concurrent_updates)
        .build()
    )
    app.add_handler(CommandHandler("start", _start))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, _echo))
    return app
