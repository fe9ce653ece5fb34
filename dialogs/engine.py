"""The dialog engine: a pure function from (state, event, now) to (new state, effects).

Order matters and is the safety policy: every free-text message is assessed before any screen
sees it; a crisis is answered at once; a danger or boundary report moves the user off contact
coaching for good; only then do commands, buttons and screens run. A final guard drops any
contact-coaching reply for a user who must not be coached, whichever screen produced it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta

from dialogs import contact_questions, triage, understanding
from dialogs.assessment import Understanding
from dialogs.compose import join_replies
from dialogs.content import FaqEntry
from dialogs.context import Ctx, row
from dialogs.kit import Kit
from dialogs.model import Effect, Event, EventKind, Reply
from dialogs.screens import (
    SCREENS,
    by_user,
    care,
    checkin,
    data,
    draft,
    faq,
    keep,
    new_partner,
    onboarding,
    outcome,
    protect,
    screening,
)
from dialogs.screens.commands import BEFORE_CONSENT, run_intent
from dialogs.screens.registry import RUN_PREFIX, Screen, back, enter_side, run_command, show
from dialogs.state import UserState
from dialogs.triage import Outcome

__all__ = ["MAX_TEXT", "step"]

MAX_TEXT = 4000  # longer messages are answered kindly and only their start is kept
AWAY_FOR_DISCLOSURE = timedelta(days=7)
# A typed answer to a closed question this short is only that answer; longer text may say more.
ANSWER_WORDS = 8
SIGN_OFF_WORDS = 8  # "ok. thanks i guess. night for real"; longer text says more than goodnight
_ASSESSED = frozenset({EventKind.TEXT, EventKind.COMMAND, EventKind.MEDIA})
_SAFETY_QUESTIONS = frozenset({"safety.ask", "safety.by_user", "safety.moved_on"})
# Screens that take typed text as it stands: a draft for the coach, or an unsent message, is just
# that, even when it asks the ex a question ("can we try again?" got the FAQ on whether it can work);
# what felt wrong about a reply is the report, even when it quotes a question.
_VERBATIM = frozenset({"draft", "urge.unsent", "report.note"})
_SOUND = re.compile(r"(?:u+g+h+|h+u+h+|h+m+|m+e+h+|s+i+g+h+|o+f+|w+e+l+p+|b+r+u+h+|a+r+g+h+|e+h+|oh+|ah+|f+s+)\W*")


def step(state: UserState | None, event: Event, now: datetime, kit: Kit) -> tuple[UserState, list[Effect]]:
    # A copy, so the caller's state is never changed; rebuilt from its dump, a fifth of deepcopy's time.
    fresh = UserState() if state is None else UserState.model_validate(state.model_dump())
    ctx = Ctx(state=fresh, event=_trim(event, kit), now=now, kit=kit, flags_before=frozenset(fresh.flags))
    _dispatch(ctx)
    if event.kind != EventKind.DUE and not ctx.replied:
        # Never leave a person without an answer or a way forward.
        SCREENS[ctx.state.screen].show(ctx) if ctx.state.screen in SCREENS else show(ctx, "consent")
    _guard(ctx)
    _remember_labels(ctx, before=state.nonce if state is not None else 0)
    return ctx.state, join_replies(ctx.effects)


def _remember_labels(ctx: Ctx, *, before: int) -> None:
    """Keep the labels of the buttons that are live now; a new prompt retires the old ones."""
    live = [r for r in ctx.effects if isinstance(r, Reply) and r.nonce == ctx.state.nonce and r.buttons]
    if live:
        labels: dict[str, str] = {}
        for reply in live:
            for button in (b for line in reply.buttons for b in line):
                labels.setdefault(understanding.normalise(button.label), button.value)
        labels.pop("", None)
        # Only labels of three words or more: "no", "done" or "skip" typed later are their own words.
        retired = [label for label in ctx.state.labels if label not in labels and len(label.split()) >= 3]
        kept = [label for label in ctx.state.stale_labels if label not in labels and label not in retired]
        ctx.state.stale_labels = [*retired, *kept][:STALE_KEPT]
        ctx.state.labels = labels
    elif ctx.state.nonce != before:
        ctx.state.labels = {}


# Said around a button's label typed out ("i still want to ngl"): the label is still the answer.
_FILLERS = frozenset({"ngl", "lol", "lmao", "tbh", "fr", "honestly", "haha", "ok", "okay", "pls", "please", "x"})


def _live_label(ctx: Ctx) -> str | None:
    """The value of the live button whose label the typed text is, give or take a filler word."""
    words = understanding.normalise(ctx.event.text).split()
    while words and words[-1] in _FILLERS:
        words.pop()
    while words and words[0] in _FILLERS:
        words.pop(0)
    return ctx.state.labels.get(" ".join(words)) if words else None


def _good_news_told(text: str) -> bool:
    # Only a question mark makes it a question here: "did it!!" opens like one.
    return understanding.good_news(text) and "?" not in text


COUNTS = "does_it_count"  # the answer for harm played down ("he never hit me or anything tho")
URGE = "urge_to_contact"  # the answer for an urge to text them now, said among other words
THEY_WROTE = "ex_keeps_contacting"  # what to do when they get in touch, asked in a burst that told of it


def _about_what_they_wrote(ctx: Ctx, text: str) -> bool:
    """ "WHAT do i do", the end of a burst that told of a message from the ex."""
    return _just_told_they_wrote(ctx) and understanding.tells("what_now", text)


def _just_told_they_wrote(ctx: Ctx) -> bool:
    """Words kept unfiled from the last few minutes tell of a message from the ex."""
    recent = ctx.quiet_for is not None and ctx.quiet_for < JUST_TOLD
    return recent and understanding.tells("they_wrote", ctx.state.unfiled)


JUST_TOLD = timedelta(minutes=10)


def _entry(ctx: Ctx, entry_id: str) -> FaqEntry | None:
    return next((e for e in ctx.kit.content.faq if e.id == entry_id), None)


def _stale_label(ctx: Ctx) -> bool:
    """The label of a button retired lately, typed out as it stood (and no live button's)."""
    said = understanding.normalise(ctx.event.text)
    if not said or said not in ctx.state.stale_labels or said in ctx.state.labels:
        return False
    if understanding.exact_intent(ctx.event.text, ctx.kit.content) is not None:
        return False  # "one more step", "today's step": words for a command, done as one (trial 32)
    # A question from the list, typed from memory, is asked, not pressed: trial 23's "what do i do
    # about mutual friends" was told its button had expired.
    return all(understanding.normalise(entry.question) != said for entry in ctx.kit.content.faq)


STALE_KEPT = 40  # labels of retired buttons remembered


def _typed_label(ctx: Ctx) -> bool:
    """A button's label typed instead of tapped: press it (against the live nonce)."""
    value = _live_label(ctx)
    if value is None:
        return False
    # As a tap: the label's words are no text for the screen ("Message coach", typed, was reviewed as a
    # draft; "Skip" was kept in a safety plan as its answer).
    ctx.event = replace(ctx.event, kind=EventKind.BUTTON, button=value, nonce=ctx.state.nonce, text="")
    return True


def _trim(event: Event, kit: Kit) -> Event:
    """Keep the start of a very long message, but assess all of it first: risk often comes last."""
    if event.assessment is None and event.kind in _ASSESSED and event.text.strip():
        event = replace(event, assessment=kit.safety.assessment(event.text))
    if len(event.text) <= MAX_TEXT:
        return event
    return replace(event, text=event.text[:MAX_TEXT])


def _dispatch(ctx: Ctx) -> None:
    event, state = ctx.event, ctx.state
    if event.kind == EventKind.DUE:
        checkin.on_due(ctx)
        return
    _disclose_if_returning(ctx)
    ctx.quiet_for = None if state.last_seen is None else ctx.now - state.last_seen
    state.last_seen = ctx.now
    if event.kind == EventKind.TEXT:
        ctx.in_a_burst = state.last_typed is not None and ctx.now - state.last_typed < BURST

    # Every piece of free text, captions included, is assessed before any screen sees it.
    if event.assessment is not None:
        assessment = event.assessment
        screen = SCREENS.get(state.screen)
        if event.kind == EventKind.TEXT and screen is not None and _closed_answer(ctx, screen):
            assessment = triage.words_only(assessment)  # an answer to a closed question is that answer
        if event.kind == EventKind.TEXT and _live_label(ctx) is not None:
            # The bot's own button, typed out: only what the rules read in the words counts. Trial
            # 11's "i still want to ngl", for "I still want to" under an unsent message, got the
            # full crisis reply.
            assessment = triage.model_crisis_dropped(triage.words_only(assessment))
        if protect.taken_back_lately(ctx, assessment):
            assessment = replace(assessment, boundary=False)
        if event.kind == EventKind.TEXT and protect.corrects_boundary(ctx, event.text):
            # "he never asked for no contact": the words correcting a boundary are not a new one.
            assessment = replace(assessment, boundary=False)
        elif event.kind == EventKind.TEXT and assessment.boundary and protect.corrects_boundary_words(event.text):
            # Words that deny a boundary while naming one ("I did not say she asked for no contact",
            # trial 25) are read as the model's guess, which they may take back, not as plain words.
            assessment = protect.as_a_guess(assessment)
        if event.kind == EventKind.TEXT and protect.corrects_danger(ctx, event.text):
            assessment = replace(assessment, danger=False, danger_by_user=False)  # "he was never violent"
        taken_back = event.kind == EventKind.TEXT and by_user.corrects(ctx, event.text)
        if taken_back:
            # "i pressed wrong. i meant HE scares me": the "Yes" is undone, and the words are read for
            # harm done to them, never again as harm done by them.
            by_user.undo(ctx)
            assessment = replace(assessment, danger_by_user=False)
        if state.screen == "safety.ask" and event.kind == EventKind.TEXT and screening.says_no(event.text):
            # A "No" to the direct question stands against the model's reading of what follows it:
            # "No, not at all. I only meant the check-in at half nine, after the children are asleep"
            # got the full crisis reply. Crisis the rules read in the words still counts.
            assessment = triage.model_crisis_dropped(assessment)
        # A report of a reply that hurt often names the hurt: filed whatever the safety check says
        # (a trial's "you treated me like i was the stalker" got the danger lines and was lost).
        reporting = state.screen == data.REPORT_SCREEN and event.kind == EventKind.TEXT and bool(event.text.strip())
        report_command = event.kind == EventKind.COMMAND and event.command == "report" and bool(event.text.strip())
        if reporting or report_command:
            # A report is about the bot's replies and quotes them: only what the rules read in its words
            # counts. A trial's "it shows the emergency numbers when I only ask to stop" was read as
            # danger: the violence-against-women line, contact coaching closed, the report lost. And
            # "You've asked me three times if I'm suicidal when I'm just sad" got the full crisis reply
            # from the model alone, then a check-in about "the other night" (trial 21).
            assessment = triage.model_crisis_dropped(triage.words_only(assessment))
        if reporting:
            data.file_typed_report(ctx)
        elif report_command:
            data.file_report(ctx, event.text.strip())
        if _pasted_draft(ctx):
            # Read as written to the ex, on the coach's screen, where a question about it returns.
            enter_side(ctx, "draft")
            event = ctx.event = replace(event, kind=EventKind.TEXT, command="")
        outcome = triage.respond(ctx, assessment, event.text)
        if reporting or report_command:
            ctx.say_key("report_thanks", data.BACK if outcome == Outcome.NOTHING else ())
            return
        if outcome == Outcome.ANSWERED:
            return
        if taken_back and outcome == Outcome.NOTHING:
            if state.screen == "notice":
                back(ctx)  # where they were before the question
            return
        if outcome == Outcome.SAID and event.kind != EventKind.COMMAND:
            if state.screen == "new":
                show(ctx, "consent")
            return

    if event.kind == EventKind.TEXT:
        care.welcome_back(ctx)
        if not _typed_label(ctx) and _stale_label(ctx):
            ctx.say_key("button_expired")
            _reprompt(ctx)
            return
        if _lost(ctx):
            ctx.say_key("lost_here")
            _reprompt(ctx)
            return
        if _asked_lately(ctx) and screening.asks_to_stop(event.text):
            # "Please stop asking me that every time I'm sad", after the question (trial 21).
            screening.stop_asking(ctx)
            _reprompt(ctx)
            return
    _route(ctx)
    held, asked, meanings, typed_at = ctx.replay, ctx.replay_asked, ctx.replay_meanings, ctx.replay_at
    ctx.replay, ctx.replay_asked, ctx.replay_meanings, ctx.replay_at = [], [], {}, {}
    for text in held:
        # A message held by a safety question, answered "No" (or left): now handled as usual.
        ctx.event = _earlier(event, text, meanings.get(text))
        ctx.written_at = typed_at.get(text)
        _route(ctx)
        ctx.written_at = None
    answered = [faq.answer_later(ctx, entry_id) for entry_id in asked]
    if asked and not held and not any(answered) and ctx.state.screen in SCREENS:
        SCREENS[ctx.state.screen].show(ctx)


def _earlier(event: Event, text: str, kept: Understanding | None = None) -> Event:
    """Words from an earlier message, handled now: the model's reading of this one is not theirs,
    but the reading `kept` with them is."""
    understanding = event.understanding if text == event.text else kept
    return replace(event, kind=EventKind.TEXT, text=text, button="", understanding=understanding)


def _route(ctx: Ctx) -> None:
    event, state = ctx.event, ctx.state
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
        if event.command == "faq" and event.text.strip():
            _understand(ctx, question=True)  # "/faq i slipped": the words are the question
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
        if event.button.startswith(RUN_PREFIX):
            run_command(ctx, event.button.removeprefix(RUN_PREFIX))
            return
        if event.button == keep.KEEP_BUTTON:
            keep.keep(ctx)
            return
        if event.button == protect.UNDO_BUTTON:
            protect.undo_boundary(ctx)
            return
        if event.button == protect.UNDO_DANGER_BUTTON:
            protect.undo_danger(ctx)
            return
        if event.button == "faq" and state.screen != "faq":
            # "More questions" under an answer given on any screen: the list, wherever they are.
            run_command(ctx, "faq")
            return
        if event.button == faq.SWITCH_BUTTON:
            run_command(ctx, "movingon")
            return
        if event.button.startswith(faq.BUTTON_PREFIX):
            faq.open_button(ctx)  # an answer, from the list or offered beside an answer, on any screen
            return
        SCREENS[state.screen].handle(ctx)
        return

    if checkin.left_open(ctx):
        checkin.close_left_open(ctx)
    _understand(ctx)


# Words besides the question that make a message the step's answer too. A practice report is plainly
# one; before a lesson's question, a sentence or two is often the question's own setting ("since 3
# weeks I am hardly eating anything, mom is worried"), not the answer to what the lesson asked.
PRACTICE_ANSWER_WORDS = 8
LESSON_ANSWER_WORDS = 16


def _answers_and_asks(ctx: Ctx, text: str, *, question: bool) -> bool:
    screen = ctx.state.screen
    if question or screen not in {"guide.lesson", "guide.today"}:
        return False
    if screen == "guide.today" and "practice" not in ctx.state.data:
        return False
    least = LESSON_ANSWER_WORDS if screen == "guide.lesson" else PRACTICE_ANSWER_WORDS
    return understanding.words_besides_questions(text) >= least


def _a_note_near_a_question(ctx: Ctx, text: str, *, question: bool) -> bool:
    return ctx.state.screen == "checkin.note" and not question and not understanding.looks_like_question(text)


def _understand(ctx: Ctx, *, question: bool = False) -> None:
    """Typed text: a question gets its answer, command words do the command, an answer to what the
    screen asked is handled by the screen; anything else gets a kind word and the way forward."""
    text = ctx.event.text
    screen = SCREENS[ctx.state.screen]
    # Words where nothing was asked start or carry on a burst; an answer to a screen's question does not.
    ctx.state.last_typed = None if screen.takes_text else ctx.now
    if protect.corrects_danger(ctx, text):
        # "he never said no contact. he just needs space. nobody is in danger": both readings at once.
        state = ctx.state
        both = state.boundary_undo is not None and "boundary" in state.flags
        if both and protect.corrects_boundary_words(text):
            protect.undo_danger(ctx, quiet=True)
            protect.undo_boundary(ctx)
        else:
            protect.undo_danger(ctx)
        return
    if protect.corrects_boundary(ctx, text):
        protect.undo_boundary(ctx)
        return
    if onboarding.corrects_shared(ctx, text):
        onboarding.undo_shared(ctx)
        if ctx.state.screen in SCREENS:
            SCREENS[ctx.state.screen].show(ctx)
        return
    if new_partner.corrects(ctx, text):
        new_partner.undo(ctx)
        if ctx.state.screen.startswith("intake."):
            screen.show(ctx)  # intake's question still waits for its answer
        return
    if not question and (mood := checkin.mood_fix(ctx, text)) is not None:
        checkin.correct_mood(ctx, mood)
        if ctx.state.screen in _SAFETY_QUESTIONS or ctx.state.screen == "checkin.note":
            screen.handle(ctx)  # the rest of what they said answers the question that waits
        else:
            screen.show(ctx)  # not an urge of 3, nor a lesson's answer
        return
    if not question and ctx.state.screen in _SAFETY_QUESTIONS:
        screen.handle(ctx)  # the question about their safety first; their words wait for its answer
        return
    if not question and ctx.state.screen == "crisis" and care.answered_on_crisis_screen(text):
        screen.handle(ctx)
        return
    if not question and ctx.state.screen == "grounding" and ctx.state.crisis_active and care.says_safe(text):
        screen.handle(ctx)  # "wait what? I'm not in danger, I just meant..." (a trial's got the FAQ)
        return
    if not question and care.corrects_crisis_reply(ctx, text):
        care.own_misread(ctx)
        return
    if not question and _closed_answer(ctx, screen):
        screen.handle(ctx)  # "half 11" at the time question is a time, whatever else it sounds like
        return
    if not question and ctx.state.screen in _VERBATIM:
        command = understanding.exact_intent(text, ctx.kit.content)
        if command is not None:
            run_intent(ctx, command)
        else:
            screen.handle(ctx)
        return
    if not question and outcome.news(ctx, text):
        return
    meaning = understanding.read(
        text, ctx.event.understanding, ctx.kit.content, answer_screen=screen.takes_text and not question
    )
    if meaning.intent is not None and not question:
        run_intent(ctx, meaning.intent)
    elif meaning.faq is not None and _a_note_near_a_question(ctx, text, question=question):
        # The day's note, close to a question the guide answers ("tomorrow is his birthday, scared i
        # will message him at 12"): a trial's was answered and never kept. Kept, with the answer offered.
        ctx.near = meaning.faq
        screen.handle(ctx)
    elif meaning.faq is not None and _answers_and_asks(ctx, text, question=question):
        # The step's answer with a question after it ("...i called my sister instead, it worked a bit.
        # what if he texts first tho?? do i answer?"): trial 28's answer was lost to the question's.
        screen.handle(ctx)
        faq.answer(ctx, meaning.faq)
    elif meaning.faq is not None and not question and _good_news_told(text):
        # "did it!! 21 days. didnt even wish her on bday": news to share, not a birthday question
        # (trial 24's end of no contact got the answer about birthdays).
        ctx.say_key("good_news")
    elif meaning.faq is not None and ctx.state.crisis_active and meaning.faq.contact_coaching:
        care.contact_later(ctx)  # crisis care never leads into contact topics
    elif meaning.faq is not None:
        faq.answer(ctx, meaning.faq)
    elif _about_what_they_wrote(ctx, text) and (wrote := _entry(ctx, THEY_WROTE)):
        faq.answer(ctx, wrote)
    elif understanding.tells("urge_now", text) and (urge := _entry(ctx, URGE)):
        if _a_note_near_a_question(ctx, text, question=question):
            ctx.near = urge  # the day's note is kept, with the answer offered beside it
            screen.handle(ctx)
        else:
            faq.answer(ctx, urge)
    elif (harmed := ctx.state.harmed_by_ex) and understanding.tells("harm_played_down", text) and (
        counts := _entry(ctx, COUNTS)
    ):
        faq.answer(ctx, counts)
    elif harmed and understanding.tells("contact_again", text):
        ctx.say_key("harm_contact_again", [keep.keep_row(ctx, text), row(("Help now", "sos"), ("Menu", "_menu"))])
    elif contact_questions.forbidden(ctx, text):
        # Trial 22, whose ex had asked for no contact: "can I just send one last message to explain
        # myself?" got "I don't have a ready answer", which at 11pm can read as "not forbidden".
        ctx.say_key("contact_question_boundary", [row(("Write it unsent", f"{RUN_PREFIX}urge"), ("Menu", "_menu"))])
    elif (waiting := contact_questions.while_waiting(ctx, text)) is not None:
        # "should i send another one just to check it arrived", waiting for a reply (the no-reply
        # transcript, and trial 21's "Is a second message ever ok though?"): the answer on not replying.
        faq.answer(ctx, waiting)
    elif meaning.empty and ctx.state.screen == "checkin.note" and text.strip():
        screen.handle(ctx)  # "❤️‍🩹" is a day's note too (a trial's got "I couldn't find any words in that")
    elif meaning.empty:
        thanks = next((i for i in ctx.kit.content.intents if i.action == "thanks"), None)
        if understanding.thanks_emoji(text) and thanks is not None:
            run_intent(ctx, thanks)
            return
        # A lone 🙂 or 👍 is a nod, not thanks: "You're welcome" to it read as a misunderstanding.
        key = "ok_emoji" if understanding.ok_emoji(text) else "sad_emoji" if understanding.sad_emoji(text) else None
        ctx.say_key(key or "nothing_to_read")
        screen.show(ctx)
    elif screen.takes_text and not question and _signing_off(ctx, text):
        # "gonna try sleep. night" typed at a question (a trial's was filed as a reason for the
        # breakup): rest is the answer for now, and the question waits for them.
        _goodnight(ctx)
    elif not question and meaning.faq is None and understanding.tells("lonely", text) and (
        not screen.takes_text or (meaning.unanswered and understanding.only_a_question(text))
    ):
        ctx.say_key("lonely_now", [keep.keep_row(ctx, text), row(("Help now", "sos"), ("Menu", "_menu"))])
    elif (
        screen.takes_text
        and not question
        and meaning.unanswered
        and understanding.only_a_question(text)
        and not care.in_care(ctx)  # "whats the point of any of it" on the crisis screen is no FAQ matter
    ):
        # A question the guide has no answer to is not the answer the screen asked for: said so,
        # not filed, and the screen's own question follows.
        ctx.closest = meaning.closest
        faq.say_unanswered(ctx, "unanswered_question")
        screen.show(ctx)
    elif screen.takes_text and not question:
        ctx.near = meaning.near  # a screen that files the answer may offer this beside its thanks
        ctx.unanswered = meaning.unanswered  # ... or say that it has no answer to the question
        ctx.closest = meaning.closest
        screen.handle(ctx)
    elif meaning.long and not question:
        ctx.near = meaning.near
        faq.acknowledge(ctx, ctx.t("heard_long"), [keep.keep_row(ctx, text), row(("Menu", "_menu"))])
    elif not question and understanding.good_news(text):
        ctx.say_key("good_news")
    elif question or understanding.looks_like_question(text):
        enter_side(ctx, "faq")  # its buttons are the question list's: "See the questions" opens it
        ctx.closest = meaning.closest
        faq.say_unanswered(ctx, "faq_no_answer", [row(("See the questions", "faq"), ("Back", "_back"))])
    elif understanding.resting(text):
        _goodnight(ctx)
    elif understanding.tells("self_blame", text):
        ctx.say_key("self_blame", [keep.keep_row(ctx, text), row(("Menu", "_menu"))])
    elif len(text.split()) >= TELLING_WORDS:
        # Someone telling what happened ("he just posted a story with some girl... 5 weeks yaar"), at
        # 01:30 in a trial, got "I'm not sure what to do with that here".
        faq.acknowledge(ctx, ctx.t("heard_short"), [keep.keep_row(ctx, text), row(("Menu", "_menu"))])
    elif ctx.in_a_burst and not _SOUND.fullmatch(" ".join(text.casefold().split())):
        # The rest of a burst ("bruh i texted him" / "like 20 min ago 💀" / "he hasnt said anything"):
        # trial 26 got "I'm not sure what to do with that here" for each line after the first.
        ctx.say_key("burst_heard", [keep.keep_row(ctx, text), row(("Menu", "_menu"))])
    else:
        # "ugh", "huh": a sound, not a request; "not sure what to do with that" read as cold (a trial).
        ctx.say_key("a_sound" if _SOUND.fullmatch(" ".join(text.casefold().split())) else "use_buttons")
        screen.show(ctx)


# "what do i press now", "it keeps asking me the same thing": where they are, said again (a trial's
# went to the FAQ, which had no answer).
_LOST = re.compile(
    r"^(?:(?:so|ok|okay|sorry|um+|erm)\W+)*(?:what|which)(?: button| one)?"
    r" (?:do i|should i|am i meant to|am i supposed to) (?:press|tap|click|pick|choose|do)(?: now| next| here)?\W*$"
    r"|\b(?:i'?m|im|i am) (?:so |a bit |really )?(?:confused|lost)\b(?! (?:about|without|since))"
    r"|\bkeeps? asking (?:me )?the same\b"
)
LOST_WORDS = 14


def _lost(ctx: Ctx) -> bool:
    said = " ".join(ctx.event.text.casefold().replace("’", "'").split())
    screen = ctx.state.screen
    # The notice answers typed words in its own way, and a draft or a report is taken as written.
    own_words = screen == "notice" or screen in _VERBATIM
    where = screen in SCREENS and not own_words and not care.in_care(ctx) and ctx.state.consented_at is not None
    if _just_told_they_wrote(ctx):
        return False  # "what do i do" is about the message the burst told of, not the buttons
    return where and len(said.split()) <= LOST_WORDS and bool(_LOST.search(said))


def _asked_lately(ctx: Ctx) -> bool:
    """The question came in the last week, and is not the screen they are on (which hears its own
    answers), nor crisis care."""
    asked = ctx.state.screened_on
    return asked is not None and (ctx.today - asked).days <= 7 and not care.in_care(ctx)


def _pasted_draft(ctx: Ctx) -> bool:
    """/draft with the message, or a message that says it is one ("this is what i wrote. ...")."""
    event, state = ctx.event, ctx.state
    if event.kind == EventKind.COMMAND:
        return event.command == "draft" and bool(event.text.strip()) and state.consented_at is not None
    where = state.screen not in _VERBATIM and not state.screen.startswith(("safety.", "crisis", "intake."))
    return event.kind == EventKind.TEXT and where and state.guide.started_on is not None and draft.pasted(event.text)


TELLING_WORDS = 8  # fewer is a word or two typed at the wrong place; more is someone telling something
BURST = timedelta(minutes=2)  # lines sent this soon after the last are one thought typed in pieces


def _goodnight(ctx: Ctx) -> None:
    # The night of a crisis reply, a goodnight says where help is ("That's fine. Rest well" was all a
    # trial's mother heard, just after telling of not wanting to wake up).
    ctx.say_key("crisis_goodnight" if care.crisis_tonight(ctx) else "resting")


def _signing_off(ctx: Ctx, text: str) -> bool:
    """A few words that say they are stopping for now, outside crisis care (where "going to sleep"
    is asked about, not wished a good rest)."""
    return len(text.split()) <= SIGN_OFF_WORDS and understanding.resting(text) and not care.in_care(ctx)


def _closed_answer(ctx: Ctx, screen: Screen) -> bool:
    """Short words that read as one of a closed question's answers (a time, a mood, a date)."""
    text = ctx.event.text
    return screen.answers is not None and len(text.split()) <= ANSWER_WORDS and screen.answers(ctx)


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
