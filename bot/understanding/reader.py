"""Reading what people type, off the event loop, before the engine sees it.

The service hands every typed message (captions and command arguments too) to `Reader.read`, which
runs the model in a worker thread and returns the event with its `Assessment` (safety) and its
`Understanding` (a question, a command, a draft's problems) attached. It
keeps each person's messages of the last few minutes in memory only, so a thought split across two
sends is read as one. When the model could not load, events pass through untouched and the engine
falls back to the rules.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections import OrderedDict, deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

from threadpoolctl import threadpool_limits

from bot.understanding.dev_sets import load_training_drafts
from bot.understanding.encoder import Encoder, ModelUnavailable, has_vnni
from bot.understanding.head import HeadUnavailable, load_head
from bot.understanding.meaning import PhraseBank, bank_digest, bank_texts, load_bank
from bot.understanding.model import Model
from dialogs.assessment import Assessment, CrisisZone
from dialogs.kit import Kit, load_kit
from dialogs.model import Event, EventKind
from dialogs.safety import load_classifier
from dialogs.safety_examples import examples_digest

__all__ = ["RECENT", "Reader", "RecentMessages", "default_workers", "load_safety_model"]

log = logging.getLogger("rekindle.understanding")

RECENT = timedelta(minutes=10)
_RECENT_MESSAGES = 4
_PEOPLE = 10_000  # how many people's recent messages are kept before the oldest are forgotten
_READ = frozenset({EventKind.TEXT, EventKind.COMMAND, EventKind.MEDIA})


@lru_cache(maxsize=4)
def load_safety_model(content_root: Path, threads: int = 1) -> Model | None:
    """The model, or None (logged loudly) when it cannot load: the bot then runs on the rules."""
    try:
        encoder = Encoder.load(threads=threads)
        head = load_head(content_root)
    except (ModelUnavailable, HeadUnavailable) as exc:
        log.error("THE SAFETY MODEL DID NOT LOAD (%s); safety checks run on the rules only", exc)
        return None
    if head.meta.get("encoder") != encoder.fingerprint:
        log.error(
            "THE SAFETY MODEL'S HEAD was trained with another encoder; safety checks run on the rules only"
        )
        return None
    try:
        stale = head.meta.get("examples_digest") != examples_digest(content_root)
    except OSError:
        stale = False  # a deployment without the example files: the head is what it is
    if stale:
        log.warning(
            "the safety examples changed since the model was trained; run `python -m bot safety train`"
        )
    kit = load_kit(content_root)
    # The heads' matrix products are small; OpenBLAS would start a thread per core for them and let
    # those threads spin, taking the core the event loop needs (typed messages ran 2.2x faster on
    # one BLAS thread in `make bench`). The limit is process-wide, as it must be for that.
    threadpool_limits(1, "blas")
    return Model(encoder, head, load_classifier(content_root), _bank(content_root, kit))


def _bank(content_root: Path, kit: Kit) -> PhraseBank | None:
    try:
        bank = load_bank(content_root)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.error("the phrase bank did not load (%s); typed questions are matched by keywords", exc)
        return None
    drafts = load_training_drafts(content_root)
    if bank.digest != bank_digest(bank_texts(kit.content, kit.coach, drafts)):
        log.warning(
            "the FAQ, commands or coach examples changed since training; run `python -m bot safety train`"
        )
    return bank


def default_workers() -> int:
    """How many reads run at once. Where int8 products are native (VNNI), a read is quick and one
    reader thread leaves the other core to the event loop: 278 typed messages/s against 259 with
    two, and a read's p99 in the running bot 12 ms against 19 ms (`python -m bench --only typed`,
    2-core Xeon). Without VNNI a read is slow and two readers get people their answers sooner: 71
    typed messages/s against 55, and the last of 50 long messages answered after 11 s against 20 s
    (2-core AVX2-only EPYC)."""
    return 1 if has_vnni() else min(2, os.cpu_count() or 1)


class Reader:
    def __init__(self, model: Model | None, *, workers: int | None = None) -> None:
        self.model = model
        self._workers = workers or default_workers()
        self._pool: ThreadPoolExecutor | None = None  # made on first use, and again after close()
        self.recent = RecentMessages()

    async def read(self, event: Event) -> Event:
        if self.model is None or event.kind not in _READ or not event.text.strip():
            return event
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=self._workers, thread_name_prefix="rekindle-read")
        who = (event.platform, event.user_id)
        recent = self.recent.take(who, event.at)
        try:
            loop = asyncio.get_running_loop()
            assessment, understanding = await loop.run_in_executor(
                self._pool, self.model.read, event.text, recent
            )
        except Exception:
            log.exception("the safety model failed on a message; the rules read it instead")
            return event
        self.recent.after(who, event.at, event.text, assessment)
        return replace(event, assessment=assessment, understanding=understanding)

    def forget(self, platform: str, user_id: str) -> None:
        """After /delete: nothing of theirs stays, not even in memory."""
        self.recent.forget((platform, user_id))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


class RecentMessages:
    """Each person's last few messages of the last ten minutes, in memory only, so a thought split
    across two sends is read as one."""

    def __init__(self) -> None:
        self._kept: OrderedDict[tuple[str, str], deque[tuple[datetime, str]]] = OrderedDict()

    def take(self, who: tuple[str, str], now: datetime) -> list[str]:
        kept = self._kept.get(who)
        if not kept:
            return []
        while kept and now - kept[0][0] > RECENT:
            kept.popleft()
        return [text for _, text in kept]

    def after(self, who: tuple[str, str], at: datetime, text: str, assessment: Assessment) -> None:
        """Remember a message once it is read. A message that raised a crisis has had its answer (the
        reply or the question), so the window starts again: "i'm safe now" after "the pills are out"
        is read on its own, not as the same crisis once more."""
        if assessment.crisis != CrisisZone.NONE:
            self.forget(who)
            return
        kept = self._kept.setdefault(who, deque(maxlen=_RECENT_MESSAGES))
        kept.append((at, text))
        self._kept.move_to_end(who)
        while len(self._kept) > _PEOPLE:
            self._kept.popitem(last=False)

    def forget(self, who: tuple[str, str]) -> None:
        self._kept.pop(who, None)
