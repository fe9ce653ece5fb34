"""Wiring: settings -> content, cipher, store, service, scheduler, and the platforms that are configured."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Awaitable
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING, Protocol

from bot.budget import SendBudget, StoreBudget
from bot.config import Settings
from bot.crypto import Cipher
from bot.lifecycle import STOP_GRACE, stop_signals
from bot.service import ChatService, Clock, utc_now
from bot.store import open_store
from bot.understanding.reader import Reader, load_safety_model
from dialogs.content import CONTENT_DIR
from dialogs.kit import load_kit

if TYPE_CHECKING:
    from bot.scheduler import Scheduler

__all__ = ["build_service", "run", "settle_heap", "telegram_budget"]

log = logging.getLogger("rekindle")
OUTBOX_GRACE = 5.0  # at a stop, how long delivering what waits in the outbox may take, per platform


def make_cipher(settings: Settings) -> Cipher:
    key = settings.rekindle_data_key.get_secret_value() if settings.rekindle_data_key else None
    return Cipher(key)


async def build_service(settings: Settings, *, clock: Clock = utc_now) -> ChatService:
    content_root = (settings.content_dir or CONTENT_DIR).resolve()
    kit = replace(load_kit(content_root), retention_days=settings.retention_days)
    cipher = make_cipher(settings)
    store = await open_store(settings, cipher)  # a bad DATABASE_URL stops here, in one line
    if not cipher.enabled:
        log.warning("REKINDLE_DATA_KEY is not set: journal text is stored unencrypted")
    reader = Reader(load_safety_model(content_root))
    return ChatService(
        store,
        kit,
        clock=clock,
        admin_ids=settings.admin_ids,
        retention=timedelta(days=settings.retention_days),
        reader=reader,
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


class _Adapter(Protocol):
    async def stop_listening(self) -> None: ...

    async def close(self) -> None: ...


async def run(settings: Settings, *, listen: bool = True, grace: float = STOP_GRACE) -> None:
    """Run every configured platform in one process, sharing the store and the scheduler, until
    SIGTERM or SIGINT (or cancellation); then stop in order (see `_stop`).

    `listen=False` is the scheduler process: no webhook, polling or gateway, only the dispatcher and
    the senders it needs, so check-ins go out while workers elsewhere take the messages.
    """
    from bot.scheduler import start_scheduler

    service = await build_service(settings)
    adapters: list[_Adapter] = []
    watch: list[Awaitable[object]] = []  # what ends by itself only on a fatal error (a refused token)
    scheduler: Scheduler | None = None
    async with stop_signals() as stop:
        try:
            if settings.telegram_bot_token:
                from bot.adapters.telegram import RateLimits, TelegramAdapter, Tuning

                limits = RateLimits(
                    overall_per_second=settings.telegram_messages_per_second,
                    shared=telegram_budget(settings, service),
                )
                telegram = TelegramAdapter(settings, service, Tuning(limits=limits, stop_grace=grace))
                adapters.append(telegram)
                await telegram.start(listen=listen)
                if listen:
                    watch.append(telegram.wait())
            if settings.discord_bot_token:
                from bot.adapters.discord import DiscordAdapter

                discord = DiscordAdapter(settings, service, stop_grace=grace)
                adapters.append(discord)
                await discord.start(listen=listen)
                if listen:
                    watch.append(discord.wait_closed())
            if settings.run_scheduler or not listen:
                scheduler = start_scheduler(service, settings)
            settle_heap()
            await _until(stop, watch)
        finally:
            await _stop(service, adapters, scheduler, grace)


async def _until(stop: asyncio.Event, watch: list[Awaitable[object]]) -> None:
    """Wait for a stop signal, or for a platform that ended by itself (raise what ended it)."""
    tasks = [asyncio.ensure_future(w) for w in (stop.wait(), *watch)]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            task.result()
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def _stop(
    service: ChatService, adapters: list[_Adapter], scheduler: Scheduler | None, grace: float
) -> None:
    """Stop taking new work (listeners, and the scheduler's claims) and let the work in hand finish
    within `grace`; deliver what waits in the outbox; then close the connections and the store.

    Cancelled midway (a second signal), it skips to closing: what was not sent stays in the outbox.
    """
    try:
        log.info("stopping: no new work; up to %.0fs for the work in hand", grace)
        intake = [a.stop_listening() for a in adapters]
        if scheduler is not None:
            intake.append(scheduler.stop(grace))
        results = await asyncio.gather(*intake, return_exceptions=True)
        for failed in (r for r in results if isinstance(r, Exception)):
            log.warning("stopping: %s while stopping the intake", type(failed).__name__)
        for platform in service.platforms:
            try:
                async with asyncio.timeout(OUTBOX_GRACE):
                    await service.deliver_pending(platform)
            except Exception as exc:  # the outbox keeps it: the next start sends it
                log.warning("stopping: the %s outbox was not emptied (%s)", platform, type(exc).__name__)
    finally:
        for adapter in adapters:
            try:
                await adapter.close()
            except Exception as exc:
                log.warning("stopping: %s while closing a platform", type(exc).__name__)
        await service.close()
        log.info("stopped")
