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

from bot.delivery import RetryLater, Sender, Uncertain, Unreachable
from bot.lease import dead_on_this_host, new_holder
from bot.locks import KeyedLocks
from bot.store.base import OutboxItem, Store, StoreUnavailable, UserKey, UserTx
from dialogs import calendar
from dialogs.engine import step
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
from dialogs.safety import SafetyLabel
from dialogs.state import UserState
from dialogs.views import JournalLine, export_json, export_text, journal_page

__all__ = ["ChatService", "Clock", "next_due"]

log = logging.getLogger("rekindle.service")
Clock = Callable[[], datetime]
MAX_ATTEMPTS = 8
# Waits between whole-step retries while the database is unreachable (PostgreSQL restarting, failover).
STORE_RETRY_DELAYS = (0.5, 1.0, 2.0, 4.0, 8.0)
URGE_FOLLOWUP_HOUR = 10
APOLOGY_GAP = timedelta(minutes=10)
# How long one process may deliver a user's replies before another may take over (after a crash).
SEND_LEASE = timedelta(seconds=60)


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


async def _claim(tx: UserTx, event: Event, now: datetime) -> Event | None:
    """Claim the event's id (each id of a burst); None when all were seen before. A burst that was
    partly recorded before (a crash between commit and confirmation) goes on with the new texts only."""
    if not event.parts:
        return event if await tx.claim_event(event.event_id, now) else None
    fresh = [text for event_id, text in event.parts if await tx.claim_event(event_id, now)]
    if not fresh:
        return None
    return event if len(fresh) == len(event.parts) else replace(event, text="\n".join(fresh))


class _NotRecorded(Exception):
    def __init__(self, replies: list[Reply], *, crisis: bool) -> None:
        super().__init__("the event was not recorded")
        self.replies = replies
        self.crisis = crisis


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
    ) -> None:
        self.store = store
        self.kit = kit
        self.clock = clock
        self._admins = frozenset(admin_ids)
        self._senders: dict[str, Sender] = {}
        self._locks = KeyedLocks()
        self._retention = retention
        self._holder = new_holder()
        self._apologised: dict[UserKey, datetime] = {}

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
            try:
                direct = await self._commit(key, event)
            except _NotRecorded as lost:
                if lost.crisis or self._may_apologise(key):
                    await self._send_direct(key, lost.replies)
                return False
            if direct:  # only an erase sends without the outbox
                await self.store.checkpoint()
                await self._send_direct(key, direct)
            await self._deliver_locked(key)
            return True

    async def _commit(self, key: UserKey, event: Event) -> list[Reply]:
        """Run the step; when the database connection is lost, run the whole step again."""
        for delay in STORE_RETRY_DELAYS:
            try:
                return await self._commit_once(key, event)
            except StoreUnavailable:
                log.warning(
                    "the database connection was lost; retrying a %s event in %.1fs", event.kind, delay
                )
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

    async def _commit_once(self, key: UserKey, event: Event) -> list[Reply]:
        now = self.clock()
        try:
            async with self.store.user(key) as tx:
                claimed = await _claim(tx, event, now)
                if claimed is None:
                    log.debug("event %s for %s seen before; nothing changes", event.event_id, key.platform)
                    return []
                event = claimed
                raw = await tx.load_state()
                state = UserState.model_validate_json(raw) if raw else None
                new_state, effects = step(state, event, now, self.kit)
                outcome = await self._apply(tx, key, new_state, effects, now)
                if outcome.erased:
                    return outcome.direct
                await tx.save_state(new_state.model_dump_json(), now, next_due(new_state, now))
                if event.kind != EventKind.DUE:
                    await tx.touch_reachable()
                await tx.enqueue(outcome.replies, now)
                return []
        except StoreUnavailable:
            raise  # nothing is wrong with the step: _commit runs it again
        except Exception:
            # A bug must not leave a person in silence, and must never swallow a crisis.
            log.exception("engine failure on %s event for a %s user", event.kind, key.platform)
            return self._fallback(event)

    def _fallback(self, event: Event) -> list[Reply]:
        if event.kind == EventKind.DUE:
            return []
        text = "Something went wrong on my side, and I'm sorry. Please try again in a moment, or type /menu."
        if self._is_crisis(event):
            lines = self.kit.resources.format_lines(self.kit.resources.crisis_lines(""))
            text = self.kit.resources.texts.crisis.format(lines=lines, name="friend")
        return [Reply(text)]

    def _is_crisis(self, event: Event) -> bool:
        return bool(event.text) and self.kit.safety.assess(event.text) == SafetyLabel.CRISIS

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
                await tx.add_journal(now, effect.kind, effect.ref, effect.text)
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
            out.replies.extend(
                journal_page(entries, page, request.params.get("query", ""), content, _zone(state))
            )
        elif request.kind == "progress":
            today = now.astimezone(_zone(state)).date()
            checkins, urges = await tx.history(today - timedelta(days=30))
            summary = summarise(
                checkins,
                urges,
                today,
                state.no_contact.start if not state.contact_forbidden else None,
                state.no_contact.days,
            )
            text = summary_text(summary, name)
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

    async def _deliver_locked(self, key: UserKey) -> None:
        """Send this user's waiting replies in order, while holding their lease in the store, so that
        no other process sharing the database sends them too."""
        sender = self._senders.get(key.platform)
        if sender is None:
            return
        while True:
            items = await self.store.claim_outbox(key, self._holder, self.clock(), SEND_LEASE)
            if items is None:
                return  # another process holds the lease and is sending these
            if await self._send_in_order(sender, items):
                continue  # the lease is half used: renew it before sending more
            if not await self.store.release_outbox(key, self._holder, self.clock()):
                return

    async def _send_in_order(self, sender: Sender, items: list[OutboxItem]) -> bool:
        """Send until done or blocked; True when the lease must be renewed to go on."""
        renew_at = self.clock() + SEND_LEASE / 2
        for item in items:
            now = self.clock()
            if now >= renew_at:
                return True
            if item.not_before and item.not_before > now:
                return False  # keep order: nothing after a postponed reply goes first
            if not await self._send_one(sender, item):
                return False
        return False

    async def _send_one(self, sender: Sender, item: OutboxItem) -> bool:
        key = item.key
        try:
            image, files = await self._render(item)
            await sender.send(key.user_id, item.reply, image, files)
        except Unreachable:
            log.info("a %s user is unreachable; scheduled sends stop until they write again", key.platform)
            await self.store.set_unreachable(key, True)
            for rest in await self.store.pending(key):
                await self.store.drop(rest)
            return False
        except RetryLater as exc:
            # From when the platform answered, not from when the send began: it may have waited.
            await self.store.postpone(item, self.clock() + timedelta(seconds=max(exc.seconds, 0.5)))
            return False
        except Uncertain:
            log.warning("a send to a %s user may have arrived; not repeating it", key.platform)
            await self.store.drop(item)
            return True
        except Exception:
            log.exception("sending to a %s user failed (attempt %d)", key.platform, item.attempts + 1)
            if item.attempts + 1 >= MAX_ATTEMPTS:
                await self.store.drop(item)
                return True
            await self.store.postpone(item, self.clock() + timedelta(seconds=2 ** min(item.attempts, 8)))
            return False
        await self.store.delivered(item)
        return True

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
            files = [("rekindle-export.json", export_json(data)), ("rekindle-export.txt", export_text(data))]
        return image, files

    async def _render_chart(self, key: UserKey) -> bytes | None:
        from bot.chart import NoData, render_progress_chart_async

        async with self.store.user(key) as tx:
            raw = await tx.load_state()
            state = UserState.model_validate_json(raw) if raw else UserState()
            today = self.clock().astimezone(_zone(state)).date()
            checkins, urges = await tx.history(today - timedelta(days=30))
        try:
            return await render_progress_chart_async(
                checkins,
                urges,
                today,
                state.no_contact.start if not state.contact_forbidden else None,
                state.no_contact.days,
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
            async with self._locks.hold(key), self.store.user(key) as tx:
                await tx.erase()
            erased += 1
        if erased:
            await self.store.checkpoint()
            log.info("erased %d users inactive for %d days", erased, self._retention.days)
        await self.store.prune_events(now - max(self._retention, timedelta(days=60)))

    async def close(self) -> None:
        await self.store.close()
