"""Questions people ask: the list for their track, and answers that fit it.

An answer opens from the list, from a question typed anywhere, or from a `q:<id>` button on any
screen: the list's buttons, and the offer a screen makes when what someone wrote as their answer
came close to a question the guide answers (`acknowledge`).
"""

from __future__ import annotations

from datetime import timedelta

from dialogs import understanding
from dialogs.calendar import no_contact_day, no_contact_ends_on
from dialogs.content import FaqEntry
from dialogs.context import Ctx, Keyboard, row
from dialogs.dates import human_date
from dialogs.model import EventKind
from dialogs.screens import slip
from dialogs.screens.registry import SCREENS, command, enter_side, is_main, register

__all__ = [
    "BUTTON_PREFIX",
    "acknowledge",
    "answer",
    "answer_later",
    "asked_in",
    "entries_for",
    "open_button",
    "say_unanswered",
]

BUTTON_PREFIX = "q:"
PAGE_PREFIX = "faq:page:"
PAGE_SIZE = 8


def asked_in(ctx: Ctx) -> str:
    """The id of the question the typed words ask, if the guide answers it; "" if not. Read now, with
    this message's own reading by the model, so it can be answered later (see `answer_later`)."""
    meaning = understanding.read(ctx.event.text, ctx.event.understanding, ctx.kit.content, answer_screen=False)
    return meaning.faq.id if meaning.faq is not None else ""


def answer_later(ctx: Ctx, entry_id: str) -> bool:
    entry = next((e for e in ctx.kit.content.faq if e.id == entry_id), None)
    if entry is not None:
        answer(ctx, entry)
    return entry is not None


def entries_for(ctx: Ctx) -> list[FaqEntry]:
    track = "moving_on" if ctx.state.contact_forbidden else ctx.state.track
    shares = ctx.state.profile.shares_life
    return [e for e in ctx.kit.content.faq if track in e.tracks and (e.needs is None or shares)]


def answer(ctx: Ctx, entry: FaqEntry, *, then: str = "") -> None:
    """The answer, in the version this person may hear; the last message carries the way back."""
    typed = ctx.event.text if ctx.event.kind == EventKind.TEXT else ""
    shares = ctx.state.profile.shares_life and not ctx.state.harmed_by_ex
    if entry.id == understanding.SLIP_ENTRY and shares and understanding.practical_contact(typed):
        ctx.say_key("practical_contact_ok", [row(("More questions", "faq"), ("Back", "_back"))])
        return
    if typed and _given_just_now(ctx, entry):
        # A trial's father, told the answer for small children, said "no, she's 19. she's at uni"
        # and heard all three messages again: the same answer twice reads as not listening.
        ctx.say_key("faq_same_again", [row(("More questions", "faq"), ("Back", "_back"))])
        return
    if typed:
        ctx.state.faq_last, ctx.state.faq_last_at = entry.id, ctx.now
    practical = ctx.state.contact_forbidden and _practical_fits(ctx, entry)
    forbidden = ctx.state.contact_forbidden and entry.contact_coaching and not practical
    # A moving-on version is for everyone on that path, not only where the answer coaches contact: a
    # trial on moving on was told to "tap Move on instead", a button her menu did not have.
    moving_on = ctx.state.contact_forbidden and not practical and entry.moving_on_answer
    messages = entry.moving_on_answer if moving_on and entry.moving_on_answer else entry.answer
    if entry.danger_answer and ctx.state.harmed_by_ex:
        messages, forbidden = entry.danger_answer, True
    # Practical messages about what they share are not the contact coaching the guard holds back.
    coaching = entry.contact_coaching and not forbidden and not practical
    if entry.offers_count_choice and slip.counting(ctx) and not slip.reported_today(ctx):
        for message in messages:
            ctx.say(message, coaching=coaching)
        slip.show_choice(ctx, with_words=False)  # the answer has just said them
        return
    if entry.id == HOW_LONG and coaching and not then:
        then = _their_count(ctx)
    buttons = [row(("More questions", "faq"), ("Back", "_back"))]
    if entry.offers_moving_on and ctx.state.track == "reconnect" and not ctx.state.contact_forbidden:
        # A trial's father, sure he did not want her back, had to find the switch in the menu himself.
        buttons.insert(0, row(("Move on instead", SWITCH_BUTTON)))
    for i, message in enumerate(messages):
        last = i == len(messages) - 1
        ctx.say(message, buttons if last and not then else (), coaching=coaching)
    if then:
        ctx.say(then, buttons)


# "How long before I can contact them?": the answer ends with where their own count stands (trial 28,
# on 30 days, was told "If you chose 21, 45 or 60 days, go with your own choice").
HOW_LONG = "how_long_to_wait"


def _their_count(ctx: Ctx) -> str:
    day, ends = no_contact_day(ctx.state, ctx.today), no_contact_ends_on(ctx.state)
    if day is None or ends is None:
        return ""
    days = ctx.state.no_contact.days
    return ctx.t("faq_your_count", days=str(days), day=str(day), date=human_date(ends, ctx.today))


# Under an answer, on any screen: the question whether to switch to the moving-on track.
SWITCH_BUTTON = "_movingon"
# Typed words answered with the entry given to the last typed words within this long.
SAME_ANSWER_WITHIN = timedelta(minutes=30)


def _given_just_now(ctx: Ctx, entry: FaqEntry) -> bool:
    at = ctx.state.faq_last_at
    return ctx.state.faq_last == entry.id and at is not None and ctx.now - at < SAME_ANSWER_WITHIN


def _practical_fits(ctx: Ctx, entry: FaqEntry) -> bool:
    """A co-parent whose ex has a new partner still needs the practical answer, not a go-between's,
    also before intake has asked what they share: a trial's mother, asking about the children and the
    house mid-intake, was told to follow a court order she did not have."""
    return entry.practical and not {"danger", "boundary"} & set(ctx.state.flags)


def say_unanswered(ctx: Ctx, key: str, buttons: Keyboard = ()) -> None:
    """The text `key`, saying there is no ready answer; when an entry in this person's list came near
    the question (`ctx.closest`), its "_near" wording, which doesn't say no answer exists (two
    trials heard "I don't have a ready answer" above the very one they needed), and a line offering
    the entry, with its button above `buttons`."""
    entry, ctx.closest = ctx.closest, None
    if entry is None or entry not in entries_for(ctx):
        ctx.say(ctx.t(key), buttons)
        return
    ctx.say(ctx.t(f"{key}_near"))
    ctx.say(ctx.t("closest_offer"), [row((entry.question, f"{BUTTON_PREFIX}{entry.id}")), *buttons])


def acknowledge(ctx: Ctx, text: str, buttons: Keyboard = (), *, back_to: str = "") -> None:
    """Say a screen's acknowledgement of an answer it has filed, with the screen's own buttons. When
    the words came close to a question this person's list answers (`ctx.near`), one short line
    follows it, with a button that opens that answer; the screen's buttons move onto that line, so
    acknowledgement, offer and every button read as one message. Words that read as a question no
    entry answers (`ctx.unanswered`) get an honest line instead. `back_to`: the main screen the
    answer's "Back" returns to, when not the one the person is on now (a lesson's question, say)."""
    entry, ctx.near = ctx.near, None  # offered once a step at most
    unanswered, ctx.unanswered = ctx.unanswered, False
    if entry is None or entry not in entries_for(ctx):
        if unanswered:  # a question filed as the answer: say honestly there is no ready answer
            ctx.say(text)
            say_unanswered(ctx, "unanswered_note", buttons)
        else:
            ctx.say(text, buttons)
        return
    ctx.say(text)
    ctx.state.data.pop("back_to", None)  # an earlier offer's way back is not this one's
    if back_to:
        ctx.state.data["back_to"] = back_to
    ctx.say(entry.near_offer or ctx.t("near_offer"), [row((entry.question, f"{BUTTON_PREFIX}{entry.id}")), *buttons])


def open_button(ctx: Ctx) -> None:
    """A `q:<id>` button pressed on any screen (its nonce already checked): the answer, and "Back" to
    where the person was. An id that is unknown, or not in this person's list, is treated as stale:
    the list for their track is the only list anyone may be answered from."""
    entry_id = ctx.event.button.removeprefix(BUTTON_PREFIX)
    entry = next((e for e in entries_for(ctx) if e.id == entry_id), None)
    if entry is None:
        ctx.say_key("button_expired")
        return
    back_to = ctx.state.data.get("back_to")
    enter_side(ctx, "faq")
    if isinstance(back_to, str) and is_main(back_to) and back_to in SCREENS:
        ctx.state.resume_screen = back_to
    answer(ctx, entry)


def _list(ctx: Ctx, page: int = 0) -> None:
    """One page of the list: twenty-odd questions in one message is a wall to scroll through late at
    night, and more than Discord shows under one message (20 buttons and a row for the way out)."""
    entries = entries_for(ctx)
    pages = max(1, -(-len(entries) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    shown = entries[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    rows = [row((entry.question, f"{BUTTON_PREFIX}{entry.id}")) for entry in shown]
    if page + 1 < pages:
        rows.append(row(("Other questions", f"{PAGE_PREFIX}{page + 1}"), ("Back", "_back")))
    elif pages > 1:
        rows.append(row(("The first questions", f"{PAGE_PREFIX}0"), ("Back", "_back")))
    else:
        rows.append(row(("Back", "_back")))
    ctx.say_key("faq_intro" if page == 0 else "faq_more_intro", rows)


def _handle(ctx: Ctx) -> None:
    # The list's own `q:` buttons are answered by `open_button`, as on every screen.
    button = ctx.event.button
    if button.startswith(PAGE_PREFIX) and button.removeprefix(PAGE_PREFIX).isdigit():
        _list(ctx, int(button.removeprefix(PAGE_PREFIX)))
        return
    if button != "faq":
        ctx.say_key("faq_no_match")
    _list(ctx)


register("faq", _list, _handle, takes_text=False)


@command("faq")
def _faq(ctx: Ctx) -> None:
    enter_side(ctx, "faq")
    _list(ctx)
