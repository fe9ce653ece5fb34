"""The chat service: the one place where the pure engine meets the store and the platforms.

For each event: take the user's lock, open one transaction, refuse a replayed event id, run the
engine, write what it asked for (journal, check-ins, outbox) with the new state, and commit. Only
then deliver the outbox through the platform's Sender. A crash between commit and delivery loses
nothing: the replies are still in the outbox and `deliver_pending` sends them after a restart.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.delivery import BUILD_ERRORS, KeepsFiles, Rejected, RetryLater, Sender, Uncertain, Unreachable
from bot.lease import dead_on_this_host, new_holder
from bot.locks import KeyedLocks
from bot.scheduler import due_event_id
from bot.store.base import OutboxItem, Store, StoreUnavailable, UserKey, UserTx
from bot.understanding.reader import Reader
from dialogs import calendar
from dialogs.assessment import CrisisZone
from dialogs.engine import step
from dialogs.export import export_json, export_text, readable
from dialogs.kit import Kit
from dialogs.model import (
    CheckinWrite,
    DataRequest,
    Effect,
    Event,
    EventKind,
    Image,
    JournalWrite,
    Reply,
    UrgeWrite,
)
from dialogs.progress import CheckinRecord, UrgeRecord, summarise, summary_text
from dialogs.resources import ReplyKind
from dialogs.screens.data import REPORT_SCREEN
from dialogs.screens.onboarding import REASONS
from dialogs.state import UserState
from dialogs.views import JournalLine, journal_page

__all__ = ["ChatService", "Clock", "next_due"]

log = logging.getLogger("rekindle.service")
Clock = Callable[[], datetime]
# A reply that fails for a passing reason (a 5xx, a network error before sending) is tried again after
# 1, 2, 4 ... 128 s, and given up after MAX_ATTEMPTS; crisis help is tried at least every
# URGENT_RETRY_CAP until the platform confirms it.
MAX_ATTEMPTS = 8
URGENT_RETRY_CAP = timedelta(seconds=30)
_PERMANENT: tuple[type[Exception], ...] = (Rejected, *BUILD_ERRORS)
# After /delete, the WAL checkpoint is tried at once and after these waits (seconds) while the person
# waits for the answer; then in the background, doubling up to ERASE_RETRY_CAP.
ERASE_WAITS = (0.05, 0.1, 0.2, 0.4, 0.8)
ERASE_RETRY_CAP = timedelta(seconds=30)
# Waits between whole-step retries while the database is unreachable (PostgreSQL restarting, failover).
STORE_RETRY_DELAYS = (0.5, 1.0, 2.0, 4.0, 8.0)
URGE_FOLLOWUP_HOUR = 10
APOLOGY_GAP = timedelta(minutes=10)
# How long one process may deliver a user's replies before another may take over (after a crash).
SEND_LEASE = timedelta(seconds=60)
REPORTED_CHARS = 3000  # of the step a /report flags: its messages, at most about six
CHART_DAYS = 14  # the fortnight the /progress words describe (dialogs/progress.py)
# How far back /progress reads: the days-running count goes as far back as it runs (trial 28 checked
# in 43 days running; the words said 30 and the chart 14, each the length of what it had read).
HISTORY_DAYS = 366


def utc_now() -> datetime:
    return datetime.now(UTC)


def _zone(state: UserState) -> ZoneInfo:
    try:
        return ZoneInfo(state.profile.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def next_due(state: UserState, now: datetime) -> calendar.Due | None:
    """The next time the scheduler should wake this user: a check-in, or tomorrow's urge follow-up."""
    due = calendar.catch_up(state, now)
    follow = state.urge_followup_on
    if follow is not None and not state.crisis_active:
        at = datetime.combine(follow, datetime.min.time().replace(hour=URGE_FOLLOWUP_HOUR), _zone(state))
        at = max(at.astimezone(UTC), now)
        if due is None or at < due.at:
            due = calendar.Due(at=at, kind="urge_followup", local_date=follow)
    return due


async def _claim(tx: UserTx, event: Event, now: datetime) -> tuple[Event, str | None] | None:
    """Claim the event's id (each id of a burst) and load the state; None when all were seen before.
    A burst that was partly recorded before (a crash between commit and confirmation) goes on with
    the new texts only."""
    if not event.parts:
        claimed = await tx.claim_and_load(event.event_id, now)
        return None if claimed is None else (event, claimed.state)
    fresh = [text for event_id, text in event.parts if await tx.claim_event(event_id, now)]
    if not fresh:
        return None
    if len(fresh) < len(event.parts):
        event = replace(event, text="\n".join(fresh))
    return event, await tx.load_state()


async def _wake_later(tx: UserTx, event: Event, now: datetime) -> None:
    """A wake-up whose event ran before sends nothing again, but its row must still move on: left on
    the dispatcher's lease it would come back every few minutes, and no later check-in would follow."""
    raw = await tx.load_state()
    if raw is None:
        return
    state = UserState.model_validate_json(raw)
    due = next_due(state, now)
    if due is not None and due_event_id(due.kind, due.local_date) == event.event_id:
        due = calendar.next_checkin(state, now)  # the same wake-up again: go on to the next one
    await tx.save_state(raw, now, due)


class _NotRecorded(Exception):
    def __init__(self, replies: list[Reply], *, crisis: bool) -> None:
        super().__init__("the event was not recorded")
        self.replies = replies
        self.crisis = crisis


@dataclass(frozen=True)
class _Committed:
    """What is left to do once a step has committed."""

    direct: list[Reply] = field(default_factory=list)  # sent without the outbox (an erase, a failed step)
    erased: bool = False
    leased: bool = False  # the step's own transaction tried to take the delivery lease ...
    ready: list[OutboxItem] | None = None  # ... and this is the outbox it took (None: another holds it)


def _last_text(replies: list[Reply]) -> str | None:
    """What one step sent, for /report: every message of it, since the one that felt wrong is often
    not the last (a lesson's first part, an answer before its buttons). The end is kept if long."""
    texts = [reply.text for reply in replies if reply.text]
    return "\n\n".join(texts)[-REPORTED_CHARS:] if texts else None


@dataclass
class _Outcome:
    replies: list[Reply] = field(default_factory=list)
    erased: bool = False
    direct: list[Reply] = field(default_factory=list)  # sent without the outbox (after an erase)


class ChatService:
    def __init__(
        self,
        store: Store,
        kit: Kit,
        *,
        clock: Clock = utc_now,
        admin_ids: Sequence[str] = (),
        retention: timedelta = timedelta(days=365),
        reader: Reader | None = None,
        erase_waits: Sequence[float] = ERASE_WAITS,
    ) -> None:
        self.store = store
        self.kit = kit
        self.reader = reader
        self.clock = clock
        self._admins = frozenset(admin_ids)
        self._senders: dict[str, Sender] = {}
        self._locks = KeyedLocks()
        self._retention = retention
        self._holder = new_holder()
        self._apologised: dict[UserKey, datetime] = {}
        self._hold_until: dict[UserKey, datetime] = {}  # the platform said "wait" (a 429) until then
        self._retry_timers: dict[UserKey, asyncio.TimerHandle] = {}
        self._retry_tasks: set[asyncio.Task[None]] = set()
        self._closing = False
        self._erase_waits = tuple(erase_waits)
        self._erase_owed: set[UserKey] = set()  # erased, told "finishing", to be told "done"
        self._checkpointer: asyncio.Task[None] | None = None

    def register_sender(self, sender: Sender) -> None:
        self._senders[sender.platform] = sender

    @property
    def platforms(self) -> list[str]:
        return list(self._senders)

    # --- handling ----------------------------------------------------------------------------------------------
    async def handle(self, event: Event) -> bool:
        """Handle one event. False means it was not recorded because the database stayed unreachable:
        the user got an apology, and a platform that redelivers the event (a webhook answered with an
        error, an unconfirmed poll) should do so."""
        key = UserKey(event.platform, event.user_id)
        async with self._locks.hold(key):
            if self.reader is not None:
                # The safety model reads typed text first, in a worker thread, before the database is
                # touched: its finding rides on the event, and still counts if the database is down.
                event = await self.reader.read(event)
            try:
                committed = await self._commit(key, event)
            except _NotRecorded as lost:
                if lost.crisis or self._may_apologise(key):
                    await self._send_direct(key, lost.replies)
                return False
            if committed.erased:
                if self.reader is not None:
                    self.reader.forget(key.platform, key.user_id)
                await self._after_erase(key, committed.direct)
            elif committed.direct:  # the step failed: nothing was committed, so no outbox
                await self._send_direct(key, committed.direct)
            if not committed.leased:
                await self._deliver_locked(key)
            elif committed.ready is not None:  # else another process holds the lease and sends them
                await self._deliver_locked(key, committed.ready)
            return True

    async def _commit(self, key: UserKey, event: Event) -> _Committed:
        """Run the step; when the database connection is lost, run the whole step again."""
        for delay in STORE_RETRY_DELAYS:
            try:
                return await self._commit_once(key, event)
            except StoreUnavailable as lost:
                log.warning("%s; retrying a %s event in %.1fs", lost, event.kind, delay)
                await asyncio.sleep(delay)
        try:
            return await self._commit_once(key, event)
        except StoreUnavailable:
            log.error(
                "the database stayed unreachable; a %s event for a %s user was not handled",
                event.kind,
                key.platform,
            )
            raise _NotRecorded(self._fallback(event), crisis=self._is_crisis(event)) from None

    async def _commit_once(self, key: UserKey, event: Event) -> _Committed:
        now = self.clock()
        try:
            async with self.store.user(key) as tx:
                claimed = await _claim(tx, event, now)
                if claimed is None:
                    log.debug("event %s for %s seen before; nothing changes", event.event_id, key.platform)
                    if event.kind == EventKind.DUE:
                        await _wake_later(tx, event, now)
                    return _Committed()
                event, raw = claimed
                state = UserState.model_validate_json(raw) if raw else None
                new_state, effects = step(state, event, now, self.kit)
                outcome = await self._apply(tx, key, new_state, effects, now)
                if outcome.erased:
                    return _Committed(direct=outcome.direct, erased=True)
                replies = outcome.replies
                if self._is_urgent(event):
                    replies = [replace(r, urgent=True) for r in replies]
                await tx.save_state(
                    new_state.model_dump_json(),
                    now,
                    next_due(new_state, now),
                    seen=event.kind != EventKind.DUE,
                    last_reply=None if new_state.screen == REPORT_SCREEN else _last_text(replies),
                )
                await tx.enqueue(replies, now)
                if not self._may_send(key):
                    return _Committed()
                # Taking the lease here saves the delivery its own transaction.
                return _Committed(leased=True, ready=await tx.claim_outbox(self._holder, now, SEND_LEASE))
        except StoreUnavailable:
            raise  # nothing is wrong with the step: _commit runs it again
        except Exception:
            # A bug must not leave a person in silence, and must never swallow a crisis.
            log.exception("engine failure on %s event for a %s user", event.kind, key.platform)
            return _Committed(direct=self._fallback(event))

    def _fallback(self, event: Event) -> list[Reply]:
        if event.kind == EventKind.DUE:
            return []
        if self._is_crisis(event):
            # Without the database there is no state, so no country: the international lines.
            attempt = event.assessment is not None and event.assessment.attempt
            kind: ReplyKind = "attempt" if attempt else "crisis"
            return [Reply(message, urgent=True) for message in self.kit.resources.reply(kind)]
        return [Reply("Something went wrong on my side, and I'm sorry. Please try again in a moment, or type /menu.")]

    def _crisis_text(self) -> str:
        """The crisis message with the international helplines, for when nothing more is known."""
        return "\n\n".join(self.kit.resources.reply("crisis"))

    def _is_crisis(self, event: Event) -> bool:
        if not event.text.strip():
            return False
        assessment = event.assessment or self.kit.safety.assessment(event.text)
        return assessment.crisis != CrisisZone.NONE

    def _is_urgent(self, event: Event) -> bool:
        """Replies to crisis words, or to /sos, are crisis help: first in line, retried until confirmed."""
        return (event.kind == EventKind.COMMAND and event.command == "sos") or self._is_crisis(event)

    def _may_apologise(self, key: UserKey) -> bool:
        """While the database is down the platform redelivers the same update again and again; one
        apology per person per APOLOGY_GAP is enough (crisis help is never held back)."""
        now = self.clock()
        last = self._apologised.get(key)
        if last is not None and now - last < APOLOGY_GAP:
            return False
        if len(self._apologised) > 4096:
            self._apologised = {k: t for k, t in self._apologised.items() if now - t < APOLOGY_GAP}
        self._apologised[key] = now
        return True

    async def _apply(
        self, tx: UserTx, key: UserKey, state: UserState, effects: list[Effect], now: datetime
    ) -> _Outcome:
        out = _Outcome()
        for effect in effects:
            if isinstance(effect, Reply):
                out.replies.append(effect)
            elif isinstance(effect, JournalWrite):
                await tx.add_journal(effect.at or now, effect.kind, effect.ref, effect.text)
            elif isinstance(effect, CheckinWrite):
                await tx.record_checkin(
                    now, CheckinRecord(effect.local_date, effect.mood, effect.urge, effect.contacted)
                )
            elif isinstance(effect, UrgeWrite):
                await tx.record_urge(now, UrgeRecord(effect.local_date, effect.strength))
            elif isinstance(effect, DataRequest):
                await self._fulfil(tx, key, state, effect, now, out)
        return out

    async def _fulfil(
        self, tx: UserTx, key: UserKey, state: UserState, request: DataRequest, now: datetime, out: _Outcome
    ) -> None:
        content = self.kit.content
        name = state.profile.name or "friend"
        if request.kind == "journal":
            entries = [JournalLine(e.at, e.kind, e.text) for e in await tx.journal()]
            page = int(request.params.get("page", "0") or 0)
            # Its buttons carry the prompt nonce the step left, like every other keyboard shown now.
            out.replies.extend(
                journal_page(entries, page, request.params.get("query", ""), content, _zone(state), state.nonce)
            )
        elif request.kind == "progress":
            today = now.astimezone(_zone(state)).date()
            checkins, urges = await tx.history(today - timedelta(days=HISTORY_DAYS))
            summary = summarise(
                checkins,
                urges,
                today,
                state.no_contact.start if not state.contact_forbidden else None,
                state.no_contact.days,
            )
            text = summary_text(summary, state.profile.name, limited=state.no_contact.limited)
            if checkins or urges:
                out.replies.append(Reply(text, image=Image("progress", caption=text[:900])))
            else:
                out.replies.append(Reply(content.text("progress_empty")))
        elif request.kind == "export":
            out.replies.append(Reply(content.text("export_caption"), attachment="export"))
        elif request.kind == "report":
            await tx.add_report(now, request.params.get("note", ""))
        elif request.kind == "stats":
            if key.user_id in self._admins:
                counts = await tx.stats(now)
                out.replies.append(Reply(content.text("stats", **{k: str(v) for k, v in counts.items()})))
            else:
                out.replies.append(Reply(content.text("stats_denied")))
        elif request.kind == "delete":
            await tx.erase()
            out.erased = True
            out.direct.append(Reply(content.text("deleted", name=name)))
        else:
            log.warning("unknown data request %r", request.kind)

    # --- erasing -----------------------------------------------------------------------------------------------
    async def _after_erase(self, key: UserKey, confirmation: list[Reply]) -> None:
        """Say "erased" only once the person's data has left every file, and make nobody else wait.

        The rows are gone with the commit, but their old bytes stay in SQLite's WAL while another
        connection (a backup, a second process) reads an older snapshot. The checkpoint never waits
        for that reader: it is tried a few times while this person waits, then in the background,
        and the person is told which it is, and told again when it is done.
        """
        await self._forget_files(key)
        for delay in (0.0, *self._erase_waits):
            await asyncio.sleep(delay)
            if await self.store.checkpoint():
                await self._send_direct(key, confirmation)
                return
        log.info("an erase waits for another database connection to finish reading; finishing later")
        await self._send_direct(key, [Reply(self.kit.content.text("deleted_finishing"))])
        self._owe_checkpoint(key)

    async def _forget_files(self, key: UserKey) -> None:
        sender = self._senders.get(key.platform)
        if isinstance(sender, KeepsFiles):
            await sender.forget(key.user_id)

    def _owe_checkpoint(self, key: UserKey | None) -> None:
        """Keep trying the checkpoint in the background; tell `key` (if any) once it went through."""
        if key is not None:
            self._erase_owed.add(key)
        if self._closing or (self._checkpointer is not None and not self._checkpointer.done()):
            return  # stopping: the store's close, or the next start, folds the WAL in
        self._checkpointer = asyncio.get_running_loop().create_task(self._checkpoint_until_done())

    async def _checkpoint_until_done(self) -> None:
        delay = max(self._erase_waits[-1] if self._erase_waits else 0.0, 0.01)
        while True:
            delay = min(delay * 2, ERASE_RETRY_CAP.total_seconds())
            await asyncio.sleep(delay)
            try:
                if await self.store.checkpoint():
                    break
            except Exception as exc:
                log.warning("a checkpoint failed (%s); trying again", type(exc).__name__)
        owed, self._erase_owed = self._erase_owed, set()
        log.info("a delayed erase finished; telling %d people", len(owed))
        for key in owed:
            await self._send_direct(key, [Reply(self.kit.content.text("deleted_finished"))])

    # --- delivery ----------------------------------------------------------------------------------------------
    async def deliver_pending(self, platform: str) -> int:
        """Send what is waiting in the outbox for every user on this platform (after a restart, a 429)."""
        await self._forget_dead_holders()
        keys = await self.store.pending_keys(platform, self.clock())
        for key in keys:
            async with self._locks.hold(key):
                await self._deliver_locked(key)
        return len(keys)

    async def _forget_dead_holders(self) -> None:
        """A process that died sending (kill -9, OOM) leaves its leases behind; when it ran on this
        machine, take them over now instead of letting its users wait for the leases to run out."""
        for holder in await self.store.lease_holders():
            if dead_on_this_host(holder, self._holder):
                dropped = await self.store.drop_leases(holder)
                log.info("took over %d delivery leases from a process that is gone", dropped)

    def _may_send(self, key: UserKey) -> bool:
        return key.platform in self._senders and not self._held(key)

    async def _deliver_locked(self, key: UserKey, leased: list[OutboxItem] | None = None) -> None:
        """Send this user's waiting replies while holding their lease in the store, so that no other
        process sharing the database sends them too. Crisis help goes first; a reply that failed is
        set aside for its retry and the ones after it go on. `leased`: the outbox as the step's own
        transaction took it, lease and all."""
        sender = self._senders.get(key.platform)
        if sender is None:
            return
        items = leased
        while True:
            if self._held(key):
                if items is not None:
                    await self.store.release_outbox(key, self._holder, self.clock())
                return
            if items is None:
                items = await self.store.claim_outbox(key, self._holder, self.clock(), SEND_LEASE)
                if items is None:
                    return  # another process holds the lease and is sending these
            renew = await self._send_batch(sender, items)
            items = None
            if renew:
                continue  # the lease is half used: renew it before sending more
            if not await self.store.release_outbox(key, self._holder, self.clock()):
                return

    def _held(self, key: UserKey) -> bool:
        """Whether the platform asked us to wait before sending this user anything more."""
        until = self._hold_until.get(key)
        if until is None:
            return False
        if until > self.clock():
            return True
        del self._hold_until[key]
        return False

    async def _send_batch(self, sender: Sender, items: list[OutboxItem]) -> bool:
        """Send what is ready, crisis help first; True when the lease must be renewed to go on."""
        renew_at = self.clock() + SEND_LEASE / 2
        for item in sorted(items, key=lambda i: not i.reply.urgent):  # stable: id order otherwise
            now = self.clock()
            if now >= renew_at:
                return True
            if item.not_before and item.not_before > now:
                continue  # waiting for its retry; it holds nothing else back
            if not await self._send_one(sender, item):
                return False
        return False

    async def _send_one(self, sender: Sender, item: OutboxItem) -> bool:
        """Send one reply and record what became of it; False when nothing more may go to this user now.

        Nothing logged here carries what the reply says or what the platform quoted back.
        """
        key = item.key
        try:
            image, files = await self._render(item)
        except (StoreUnavailable, OSError) as exc:
            await self._retry(item, exc)
            return True
        except Exception as exc:
            await self._give_up(item, exc, "built")
            return True
        try:
            await sender.send(key.user_id, item.reply, image, files)
        except Unreachable:
            log.info("a %s user is unreachable; scheduled sends stop until they write again", key.platform)
            await self.store.set_unreachable(key, True)
            for rest in await self.store.pending(key):
                await self.store.drop(rest)
            return False
        except RetryLater as exc:
            # From when the platform answered, not from when the send began: it may have waited.
            until = self.clock() + timedelta(seconds=max(exc.seconds, 0.5))
            await self.store.postpone(item, until)
            self._hold_until[key] = until
            self._retry_soon(key, until)
            return False
        except Uncertain:
            if item.reply.urgent:
                log.warning("crisis help to a %s user may not have arrived; sending it again", key.platform)
                await self._retry(item, None)
            else:
                log.warning("a send to a %s user may have arrived; not repeating it", key.platform)
                await self.store.drop(item)
            return True
        except _PERMANENT as exc:
            await self._give_up(item, exc, "sent")
            return True
        except Exception as exc:
            await self._retry(item, exc)
            return True
        await self.store.delivered(item)
        return True

    async def _retry(self, item: OutboxItem, exc: Exception | None) -> None:
        """A passing failure: try this reply again later. Crisis help is tried until it is confirmed."""
        key, urgent = item.key, item.reply.urgent
        if not urgent and item.attempts + 1 >= MAX_ATTEMPTS:
            log.warning(
                "a reply to a %s user failed %d times (last: %s); it is given up",
                key.platform,
                item.attempts + 1,
                type(exc).__name__,
            )
            await self.store.drop(item)
            return
        delay = float(2 ** min(item.attempts, 8))
        if urgent:
            delay = min(delay, URGENT_RETRY_CAP.total_seconds())
        log.info(
            "sending to a %s user failed (%s, attempt %d); retrying in %.0fs",
            key.platform,
            "may have arrived" if exc is None else type(exc).__name__,
            item.attempts + 1,
            delay,
        )
        until = self.clock() + timedelta(seconds=delay)
        await self.store.postpone(item, until)
        self._retry_soon(key, until)

    async def _give_up(self, item: OutboxItem, exc: Exception, what: str) -> None:
        """A permanent failure: one line in the log, and something kind in the reply's place."""
        fallback = self._fallback_for(item.reply)
        log.warning(
            "a reply to a %s user could not be %s (%s); %s",
            item.key.platform,
            what,
            type(exc).__name__,
            "it is dropped" if fallback is None else "a plainer message goes in its place",
        )
        if fallback is None:
            await self.store.drop(item)
        else:
            await self.store.revise(item, fallback)

    def _fallback_for(self, reply: Reply) -> Reply | None:
        """What to send instead of a reply that cannot be sent; None once the fallback itself failed."""
        if reply.urgent:
            # The crisis text carries the helplines: first try it alone, then the built-in one.
            for candidate in (Reply(reply.text, urgent=True), Reply(self._crisis_text(), urgent=True)):
                if candidate != reply:
                    return candidate
            return None
        key = "export_failed" if reply.attachment == "export" else "reply_failed"
        kind = Reply(self.kit.content.text(key))
        return None if reply == kind else kind

    def _retry_soon(self, key: UserKey, at: datetime) -> None:
        """Come back to this user's outbox at `at` rather than at the next housekeeping round."""
        if self._closing:
            return  # what is left stays in the outbox for the next start
        loop = asyncio.get_running_loop()
        when = loop.time() + max((at - self.clock()).total_seconds(), 0.0)
        timer = self._retry_timers.get(key)
        if timer is not None:
            if timer.when() <= when:
                return
            timer.cancel()

        def fire() -> None:
            self._retry_timers.pop(key, None)
            task = loop.create_task(self._deliver_one_user(key))
            self._retry_tasks.add(task)
            task.add_done_callback(self._retry_tasks.discard)

        self._retry_timers[key] = loop.call_at(when, fire)

    async def _deliver_one_user(self, key: UserKey) -> None:
        try:
            async with self._locks.hold(key):
                await self._deliver_locked(key)
        except Exception as exc:
            log.warning(
                "a retry for a %s user failed (%s); housekeeping tries again", key.platform, type(exc).__name__
            )

    async def _send_direct(self, key: UserKey, replies: list[Reply]) -> None:
        sender = self._senders.get(key.platform)
        for reply in replies:
            if sender is None:
                return
            try:
                await sender.send(key.user_id, reply, None, ())
            except Exception:
                log.warning("a direct reply to a %s user could not be sent", key.platform)

    async def _render(self, item: OutboxItem) -> tuple[bytes | None, list[tuple[str, bytes]]]:
        reply = item.reply
        image: bytes | None = None
        files: list[tuple[str, bytes]] = []
        if reply.image is not None and reply.image.kind == "progress":
            image = await self._render_chart(item.key)
        if reply.attachment == "export":
            async with self.store.user(item.key) as tx:
                data = await tx.export()
            zone = _zone(UserState.model_validate_json(data["users"][0]["state"])) if data.get("users") else UTC
            titles = self.kit.resources.plan_titles
            mine = readable(
                data,
                zone,
                titles,
                lesson_titles={key: lesson.title for key, lesson in self.kit.content.lessons.items()},
                reason_labels={key: label for key, (label, _) in REASONS.items()},
            )
            today = self.clock().astimezone(zone).date()
            files = [("rekindle-export.json", export_json(mine)), ("rekindle-export.txt", export_text(mine, today))]
        return image, files

    async def _render_chart(self, key: UserKey) -> bytes | None:
        from bot.chart import NoData, render_progress_chart_async

        async with self.store.user(key) as tx:
            raw = await tx.load_state()
            state = UserState.model_validate_json(raw) if raw else UserState()
            today = self.clock().astimezone(_zone(state)).date()
            checkins, urges = await tx.history(today - timedelta(days=HISTORY_DAYS))
        try:
            return await render_progress_chart_async(
                checkins,
                urges,
                today,
                state.no_contact.start if not state.contact_forbidden else None,
                state.no_contact.days,
                CHART_DAYS,
                limited=state.no_contact.limited,
            )
        except NoData:
            return None

    async def housekeeping(self) -> None:
        """Periodic chores: retry postponed replies; erase users inactive past the retention period."""
        for platform in self.platforms:
            await self.deliver_pending(platform)
        now = self.clock()
        erased = 0
        for key in await self.store.inactive_since(now - self._retention, 500):
            async with self._locks.hold(key):
                async with self.store.user(key) as tx:
                    await tx.erase()
                await self._forget_files(key)
            erased += 1
        if erased:
            if not await self.store.checkpoint():
                self._owe_checkpoint(None)
            log.info("erased %d users inactive for %d days", erased, self._retention.days)
        await self.store.prune_events(now - max(self._retention, timedelta(days=60)))

    async def close(self) -> None:
        """Stop the retry timers (what they would send stays in the outbox) and close the store."""
        self._closing = True
        if self.reader is not None:
            self.reader.close()
        if self._checkpointer is not None:
            self._checkpointer.cancel()
            await asyncio.gather(self._checkpointer, return_exceptions=True)
        for timer in self._retry_timers.values():
            timer.cancel()
        self._retry_timers.clear()
        for task in list(self._retry_tasks):
            task.cancel()
        await asyncio.gather(*self._retry_tasks, return_exceptions=True)
        await self.store.close()
