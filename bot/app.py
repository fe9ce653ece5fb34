"""Wiring: settings -> content, cipher, store, service, scheduler, and the platforms that are configured."""

from __future__ import annotations

import asyncio
import gc
import logging
from dataclasses import replace
from datetime import timedelta

from bot.budget import SendBudget, StoreBudget
from bot.config import Settings
from bot.crypto import Cipher
from bot.service import ChatService, Clock, utc_now
from bot.store import open_store
from dialogs.content import CONTENT_DIR
from dialogs.kit import load_kit

__all__ = ["build_service", "run", "settle_heap", "telegram_budget"]

log = logging.getLogger("rekindle")


def make_cipher(settings: Settings) -> Cipher:
    key = settings.rekindle_data_key.get_secret_value() if settings.rekindle_data_key else None
    return Cipher(key)


async def build_service(settings: Settings, *, clock: Clock = utc_now) -> ChatService:
    kit = replace(load_kit(settings.content_dir or CONTENT_DIR), retention_days=settings.retention_days)
    cipher = make_cipher(settings)
    store = await open_store(settings, cipher)  # a bad DATABASE_URL stops here, in one line
    if not cipher.enabled:
        log.warning("REKINDLE_DATA_KEY is not set: journal text is stored unencrypted")
    return ChatService(
        store, kit, clock=clock, admin_ids=settings.admin_ids, retention=timedelta(days=settings.retention_days)
    )


def settle_heap() -> None:
    """Once start-up is done, keep the garbage collector's full passes off everything alive now.

    A full (generation-2) collection walks every tracked object while holding the event loop:
    with python-telegram-bot imported a bot holds about 85,000 (100,000 with discord.py), and each
    full pass then stalled the loop for 30-140 ms on 2 cores, about twice a minute during a check-in
    sweep. Frozen objects (modules, content, the wiring) are never walked again, so a full pass
    walks what the running bot allocates instead (about 1 ms in the sweep bench).
    """
    gc.collect()
    gc.freeze()


def telegram_budget(settings: Settings, service: ChatService) -> SendBudget | None:
    """On PostgreSQL several processes may send with one token: pace them together through the
    database. On SQLite there is one process, and its own limiter is enough."""
    from bot.adapters.telegram import RateLimits

    if settings.telegram_bot_token is None or settings.sqlite_path is not None:
        return None
    bot_id = settings.telegram_bot_token.get_secret_value().split(":", 1)[0]  # public; the secret half is not
    limits = RateLimits(overall_per_second=settings.telegram_messages_per_second)
    rate, burst = limits.overall_per_second * limits.headroom, limits.overall_per_second * limits.burst_share
    return StoreBudget(service.store, f"telegram:{bot_id}", rate=rate, burst=burst)


async def run(settings: Settings, *, listen: bool = True) -> None:
    """Run every configured platform in one process, sharing the store and the scheduler.

    `listen=False` is the scheduler process: no webhook, polling or gateway, only the dispatcher and
    the senders it needs, so check-ins go out while workers elsewhere take the messages.
    """
    from bot.scheduler import start_scheduler

    service = await build_service(settings)
    runners = []
    if settings.telegram_bot_token:
        from bot.adapters.telegram import run_telegram

        runners.append(run_telegram(settings, service, budget=telegram_budget(settings, service), listen=listen))
    if settings.discord_bot_token:
        from bot.adapters.discord import run_discord

        runners.append(run_discord(settings, service, listen=listen))
    dispatch = settings.run_scheduler or not listen
    scheduler = start_scheduler(service, settings) if dispatch else None
    settle_heap()
    try:
        await asyncio.gather(*runners)
    finally:
        if scheduler is not None:
            scheduler.shutdown()
        await service.close()
