"""The dialog engine: a pure function from (state, event, now) to (new state, effects).

Order matters and is the safety policy: every free-text message is assessed before any screen
sees it; a crisis is answered at once; a danger or boundary report moves the user off contact
coaching for good; only then do commands, buttons and screens run. A final guard drops any
contact-coaching reply for a user who must not be coached, whichever screen produced it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from dialogs.compose import join_replies
from dialogs.context import Ctx, row
from dialogs.kit import Kit
from dialogs.model import Effect, Event, EventKind, Reply
from dialogs.safety import SafetyLabel
from dialogs.screens import SCREENS, care, checkin, guide
from dialogs.screens.registry import back, show
from dialogs.screens.tools import BEFORE_CONSENT, run_command
from dialogs.state import UserState

__all__ = ["MAX_TEXT", "step"]

MAX_TEXT = 4000  # longer messages are answered kindly and only their start is kept
AWAY_FOR_DISCLOSURE = timedelta(days=7)


def step(state: UserState | None, event: Event, now: datetime, kit: Kit) -> tuple[UserState, list[Effect]]:
    ctx = Ctx(state=(state or UserState()).model_copy(deep=True), event=_trim(event), now=now, kit=kit)
    _dispatch(ctx)
    if event.kind != EventKind.DUE and not ctx.replied:
        # Never leave a person without an answer or a way forward.
        SCREENS[ctx.state.screen].show(ctx) if ctx.state.screen in SCREENS else show(ctx, "consent")
    _guard(ctx)
    return ctx.state, join_replies(ctx.effects)


def _trim(event: Event) -> Event:
    if len(event.text) <= MAX_TEXT:
        return event
    from dataclasses import replace

    return replace(event, text=event.text[:MAX_TEXT])


def _dispatch(ctx: Ctx) -> None:
    event, state = ctx.event, ctx.state
    if event.kind == EventKind.DUE:
        checkin.on_due(ctx)
        return
    _disclose_if_returning(ctx)
    state.last_seen = ctx.now

    text = event.text if event.kind in (EventKind.TEXT, EventKind.COMMAND) else ""
    if text:
        label = ctx.kit.safety.assess(text)
        if label == SafetyLabel.CRISIS:
            care.crisis(ctx)
            return
        if label in (SafetyLabel.DANGER, SafetyLabel.BOUNDARY) and care.protect(ctx, label):
            if state.screen in {"new", "consent"} or event.kind == EventKind.TEXT:
                if state.screen == "new":
                    show(ctx, "consent")
                return
        elif label == SafetyLabel.MOVED_ON and care.moved_on(ctx):
            return

    if len(ctx.event.text) >= MAX_TEXT and event.kind == EventKind.TEXT:
        ctx.say_key("too_long")

    if state.screen == "new" or state.screen not in SCREENS:
        if event.kind == EventKind.COMMAND and event.command in BEFORE_CONSENT - {"start"}:
            state.screen = "consent"
            run_command(ctx, event.command)
            return
        show(ctx, "consent")
        return

    if event.kind == EventKind.COMMAND:
        if state.consented_at is None and event.command not in BEFORE_CONSENT:
            ctx.say_key("consent_first")
            SCREENS["consent"].show(ctx)
            return
        run_command(ctx, event.command)
        return

    if event.kind == EventKind.MEDIA:
        ctx.say_key(
            "media_" + event.media if f"media_{event.media}" in ctx.kit.content.texts else "media_other"
        )
        _reprompt(ctx)
        return

    if event.kind == EventKind.BUTTON:
        if event.nonce is None or event.nonce != state.nonce or not event.button:
            ctx.say_key("button_expired")
            return
        if event.button == "_back":
            back(ctx)
            return
        if event.button == "_menu":
            run_command(ctx, "menu")
            return
        SCREENS[state.screen].handle(ctx)
        return

    # Free text.
    screen = SCREENS[state.screen]
    if screen.takes_text:
        screen.handle(ctx)
        return
    entry = guide.match_faq(ctx.kit.content.faq, ctx.event.text)
    if entry is not None:
        guide.faq_answer(ctx, entry)
        return
    ctx.say_key("use_buttons")
    screen.show(ctx)


def _reprompt(ctx: Ctx) -> None:
    if ctx.state.screen in SCREENS:
        SCREENS[ctx.state.screen].show(ctx)


def _disclose_if_returning(ctx: Ctx) -> None:
    last = ctx.state.last_seen
    if last is not None and ctx.now - last >= AWAY_FOR_DISCLOSURE and ctx.state.consented_at:
        ctx.say_key("about_returning", days=str((ctx.now - last).days))


def _guard(ctx: Ctx) -> None:
    """The one place that enforces: no contact coaching for a user who must not be coached."""
    if not ctx.state.contact_forbidden:
        return
    cleaned: list[Effect] = []
    withheld = False
    for effect in ctx.effects:
        if isinstance(effect, Reply) and effect.contact_coaching:
            withheld = True
            continue
        cleaned.append(effect)
    if withheld:
        cleaned.append(
            Reply(
                text=ctx.t("coaching_withheld"), buttons=(row(("Menu", "_menu")),), nonce=ctx.state.nonce + 1
            )
        )
        ctx.state.nonce += 1
    ctx.effects = cleaned
