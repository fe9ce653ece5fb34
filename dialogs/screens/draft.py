"""/draft: the message coach reads a message meant for the ex and says what might land badly.

On the reconnect track, when contact is allowed; and, for the practical messages they must send,
for someone who shares children, work or a home with the ex, on any track, also after the ex asked
for no contact (never after danger: then the refusal says how to keep those messages safe). The
safety check has already read the draft as the person's own words, so a threat written to the ex
never reaches this screen.
"""

from __future__ import annotations

import re
from dataclasses import replace

from dialogs import understanding
from dialogs.calendar import no_contact_days_left
from dialogs.coach import Finding, format_review
from dialogs.content import FaqEntry
from dialogs.context import Ctx, row
from dialogs.screens import faq
from dialogs.screens.registry import command, enter_side, register

__all__ = ["pasted", "practical", "tells_them_to_stop"]

BACK = (row(("Back", "_back"), ("Menu", "_menu")),)
# Problems that show a draft is about the two of you, not the life they share: asking to get back
# together, to meet or talk "just once", or leaning on them to answer. On the practical path such a
# draft is not polished: a trial's drafts to an engaged ex ("10 min in the cafeteria after 6") and to
# his mother ("give me one chance") came back as "only the timing".
ABOUT_US = frozenset({"get_back", "pressure", "guilt"})


# What a shared life needs settled: a draft about these may ask for an answer by a date. A trial's
# father, selling the family home, was told "Can you let me know what you think by Friday so I can get
# back to her?" (the estate agent) was pressure, with "No need to reply" as the other way.
_SHARED_MATTERS = re.compile(
    r"\b(?:house|flat|sale|sell|selling|offer|agent|estate agent|solicitor|lawyer|mortgage|rent|lease|bills?"
    r"|council tax|boiler|removals?|furniture|keys|car|insurance|kids?|children|school|pick ?ups?|drop ?offs?"
    r"|handovers?|custody|dog|cat|vet|parents evening|dentist|doctor|passport|tax|account|paperwork|forms?)\b"
)
# Words in the flagged sentence that make it about the two of you after all.
_ABOUT_US_WORDS = re.compile(r"\b(?:us|we|talk|meet|miss|love|ignor\w*|owe|feel\w*|hurt|back together|come back)\b")


def _asks_about_shared_matters(ctx: Ctx, text: str, finding: Finding) -> bool:
    """Pressure found in a practical message of someone who shares a life with the ex, where the
    flagged words are no plea about the two of you: the date is the matter's, not theirs."""
    if finding.rule_id != "pressure" or not ctx.state.profile.shares_life:
        return False
    fragment = (finding.fragment or "").casefold()
    return bool(_SHARED_MATTERS.search(text.casefold())) and not _ABOUT_US_WORDS.search(fragment)


def _about_us(text: str, found: set[str]) -> bool:
    """A practical path's draft that reaches for the two of you: asking to get back together, or guilt
    or pressure with nothing practical in it. Guilt in a message about a pick-up is the tone of a
    practical message, and reviewed as one: trial 29's "waited 45 min... sent your girlfriend... grow
    up" was told "This one reaches for the two of you... The pull behind it is real"."""
    if "get_back" in found:
        return True
    return bool(ABOUT_US & found) and not _SHARED_MATTERS.search(text.casefold())


_TO_THEM = re.compile(r"\b(?:you|your|yours|you'?re|youre|u|ur|ya)\b", re.IGNORECASE)


def _own_question(ctx: Ctx, text: str) -> FaqEntry | None:
    if _TO_THEM.search(text) or not understanding.looks_like_question(text):
        return None
    return understanding.read(text, ctx.event.understanding, ctx.kit.content, answer_screen=False).faq


def _no_first_message(ctx: Ctx, finding: Finding) -> bool:
    """"Long for a first message", to someone who writes to the ex every week about the house sale
    (trial 25), or who is talking again: it is no first message."""
    talking = ctx.state.guide.branch in {"warm", "together"}
    return finding.rule_id == "too_long" and (ctx.state.profile.shares_life or talking)


def practical(ctx: Ctx) -> bool:
    """Moving on, sharing a life the ex is part of, with no danger: their practical messages still
    get read, as the FAQ's practical answers do. A boundary too: "only through the co-parenting app"
    still leaves pick-ups to arrange, and a calm message is how it is respected (a trial's father,
    refused, sent one he called "not nice")."""
    state = ctx.state
    return state.profile.shares_life and not {"danger", "danger_by_user"} & set(state.flags)


# "this is what i wrote. Gary the agent came today since you couldnt be bothered...", typed on the
# screen after asking "can you look at it before i send it": a trial's was read as her own words, and
# she was asked whether she might hurt her ex. A message that opens by saying it is the draft is one.
_PASTED = re.compile(
    r"^\W*(?:(?:ok|okay|right|so|and)\W+)*(?:this is|here'?s|here is|heres|below is)\W+"
    r"(?:what i(?:'ve| have)? (?:wrote|written|want to send|wanna send|am going to send|was going to send)"
    r"|(?:my|the) (?:message|text|draft|email))\b\W*"
)
PASTED_WORDS = 6  # the draft itself, after the words that introduce it
# ... or that closes by asking about sending it: "Hi Aoife, I know you said not to contact you, I just
# want to say sorry... is that ok to send?" (a trial's got "I don't have a good answer").
_ASKS_AFTER = re.compile(
    r"\W(?:is|would) (?:this|that|it) (?:be )?(?:ok|okay|alright|fine) to send\W*$"
    r"|\W(?:can|should|could) i send (?:this|that|it)\W*$"
)


# ... or that opens by saying so and asking, before a colon or a quote: "ok i wrote this, is it ok to
# send: "darren please stop texting me..."" (trial 23's was read as her own words).
_INTRO_ASKS = re.compile(
    r"^\W*(?:(?:ok|okay|right|so|and)\W+)*"
    r"(?:i(?:'ve| have)? (?:wrote|written|drafted) (?:this|a (?:message|text|reply))"
    r"|(?:is|would) (?:this|it) (?:be )?(?:ok|okay|alright|fine) to send)\b[^:\"“]{0,40}[:\"“]"
)


def pasted(text: str) -> bool:
    """A message that opens by saying the rest is a draft to the ex, or closes by asking whether it
    may be sent, and has one."""
    said = " ".join(text.casefold().replace("’", "'").split())
    found = _PASTED.match(said) or _INTRO_ASKS.match(said)
    if found is not None:
        return len(said[found.end() :].split()) >= PASTED_WORDS
    after = _ASKS_AFTER.search(said)
    return after is not None and len(said[: after.start()].split()) >= PASTED_WORDS


def _refused(ctx: Ctx) -> bool:
    return ctx.state.contact_forbidden and not practical(ctx)


# A draft that tells the ex to stop contacting them: "darren please stop texting me from different
# numbers... dont come to my work again". Trial 23's was read as the ex asking for no contact, and
# she was told contact might not be safe. Saying stop is theirs to do; the ex's own wish is said
# in the second person ("you asked me not to"), and is not this.
_STOP = re.compile(
    r"\b(?:stop|quit) (?:texting|messaging|calling|ringing|contacting|following|watching|coming|turning up"
    r"|showing up|waiting)\b|\b(?:don'?t|do not|never) (?:text|message|call|ring|contact|come|turn up|show up)\b"
    r"[^.!?]*\b(?:me|again|my)\b|\bleave me alone\b|\bno (?:more )?contact with me\b"
)
_THEIR_WISH = re.compile(r"\byou (?:asked|told|said|wanted|want)\b")


def tells_them_to_stop(text: str) -> bool:
    said = " ".join(text.casefold().replace("’", "'").split())
    return bool(_STOP.search(said)) and not _THEIR_WISH.search(said)


@command("draft")
def _draft(ctx: Ctx) -> None:
    if _refused(ctx):
        _refuse(ctx, ctx.event.text)
        return
    enter_side(ctx, "draft")
    if ctx.event.text.strip():
        _handle(ctx)
    else:
        ctx.say_key("draft_ask", BACK)


def _refuse(ctx: Ctx, text: str) -> None:
    harmed = ctx.state.harmed_by_ex
    ctx.say_key("draft_stop_harmed" if harmed and tells_them_to_stop(text) else _refusal(ctx), BACK)


def _refusal(ctx: Ctx) -> str:
    """Why no draft is reviewed, in the person's own terms: the danger, the ex's request, or the path."""
    flags = set(ctx.state.flags)
    # Someone who must still send messages about the children hears how to keep those safe.
    shared = "_shared" if ctx.state.profile.shares_life else ""
    if ctx.state.harmed_by_ex:
        return "draft_refused_danger" + shared
    if "boundary" in flags:
        return "draft_refused_boundary"
    # Worried about their own behaviour: "contact might not be safe" told trial 27's Sam something
    # he had not said.
    return "draft_refused_behaviour" if "danger_by_user" in flags else "draft_refused"


# "should I send it?", typed under a review (a trial's was reviewed as a new draft, and called "calm
# and kind, so it is only the timing").
_ASKS_TO_SEND = re.compile(r"\b(?:send|sent|post|text|message)\b.*\?|^(?:should|can|do|shall) i\b.*\b(?:send|it)\b")
_QUESTION_WORDS = 15


# "yeah nah wont send it. just bloody angry", under a review: a trial's was reviewed as a draft and
# told "Send it when it has to go".
_NOT_SENDING = re.compile(
    r"\b(?:won'?t|will not|not (?:gonna|going to)|never gonna|not) send(?:ing)? it\b|\bnot sending\b"
    r"|\b(?:deleted|binned) it\b|\bleav(?:e|ing) it unsent\b"
)


def _not_sending(text: str) -> bool:
    said = " ".join(text.casefold().replace("’", "'").split())
    return len(said.split()) <= _QUESTION_WORDS and bool(_NOT_SENDING.search(said))


# "blame?? where is blame in that. she actually wanted to go there, its a nice memory only", under a
# review: trial 24's was reviewed as a new draft and called sarcasm.
_PROBLEM_NAMED = r"(?:blame|blaming|sarcasm|sarcastic|guilt|guilt[- ]?trip(?:ping)?|pressure|pressuring|pushy|needy)"
_DISPUTES = re.compile(
    rf"\b(?:where(?:'s| is)(?: the)?|how (?:is|was) (?:that|this|it)|what(?:'s| is)) {_PROBLEM_NAMED}\b"
    rf"|\b(?:that'?s|it'?s|this is|that is|it is|isn'?t|wasn'?t|not) (?:not )?(?:even )?(?:a )?{_PROBLEM_NAMED}\b"
    rf"|^\W*{_PROBLEM_NAMED}\W*\?|\byou(?:'ve| have)? (?:got it|read (?:it|that)) wrong\b|\byou(?:'re| are) wrong\b"
)


# "Really? I was not sure about the last sentence... Is that not a little bitter?", under a review:
# trial 25's was reviewed as a new draft ("Several questions at once").
_ABOUT_IT = re.compile(
    r"\b(?:the|that|this|my|last|first|second|final) (?:sentence|line|bit|part|word|sign-off|ending|tone)\b"
    r"|\b(?:is|was|isn'?t|wasn'?t) (?:that|it|this)(?: not)?(?: a| a little| a bit| too| maybe)*"
    r" (?:bitter|harsh|cold|rude|mean|much|long|needy|pushy|passive[- ]aggressive|sarcastic|ok|okay|fine|fair"
    r"|neutral|polite|too much)\b"
    r"|\bis the tone\b|\bwhy do you (?:ask|say|think|mention)\b"
)
# Under a review, words about it rather than a new draft: the pattern, the most words, and whether a
# question mark is needed.
_ABOUT_REVIEW: dict[str, tuple[re.Pattern[str], int, bool]] = {
    "disputed": (_DISPUTES, 30, False),
    "question": (_ABOUT_IT, 45, True),
}


def _about_review(kind: str, text: str) -> bool:
    pattern, most, asked = _ABOUT_REVIEW[kind]
    said = " ".join(text.casefold().replace("’", "'").split())
    return (not asked or "?" in said) and len(said.split()) <= most and bool(pattern.search(said))


def _asks_whether_to_send(text: str) -> bool:
    said = " ".join(text.casefold().split())
    return len(said.split()) <= _QUESTION_WORDS and bool(_ASKS_TO_SEND.search(said))


def _handle(ctx: Ctx) -> None:
    text = ctx.event.text.strip()
    if ctx.event.button == "again" or not text:
        ctx.say_key("draft_ask", BACK)
        return
    if ctx.state.data.get("reviewed") and _not_sending(text):
        ctx.say_key("draft_not_sending", [row(("Menu", "_menu"))])
        ctx.goto(str(ctx.state.resume_screen or "menu"))
        return
    if ctx.state.data.get("reviewed") and _about_review("disputed", text):
        ctx.say_key("draft_disputed", [row(("Review another", "again"), ("Back", "_back"))])
        return
    if ctx.state.data.get("reviewed") and _about_review("question", text):
        ctx.say_key("draft_question", [row(("Review another", "again"), ("Back", "_back"))])
        return
    if ctx.state.data.get("reviewed") and (entry := _own_question(ctx, text)) is not None:
        # "how do i stop crying in the car before work", typed after a review (a read-through), was
        # reviewed as a draft and called a guilt trip. A question about themselves, with no "you" in
        # it, is theirs to ask, and the coach's screen is left for its answer.
        ctx.goto(str(ctx.state.resume_screen or "menu"))
        faq.answer(ctx, entry)
        return
    if ctx.state.data.get("reviewed") and _asks_whether_to_send(text):
        ctx.say_key("draft_send_question", [row(("Review another", "again"), ("Back", "_back"))])
        return
    if _refused(ctx):
        _refuse(ctx, text)
        return
    practical = ctx.state.contact_forbidden  # and so `_practical`: a message they must send
    understood = ctx.event.understanding
    limited = ctx.state.no_contact.limited
    days_left = 0 if practical else no_contact_days_left(ctx.state, ctx.today)
    review = ctx.kit.coach.review(
        text,
        local_time=ctx.now.astimezone(ctx.zone).time(),
        # Limited contact is no silence: the practical messages it allows are sent when needed, and
        # the review says that anything about the two of you waits.
        no_contact_days_left=0 if limited else days_left,
        limited_days_left=days_left if limited else 0,
        meaning=dict(understood.coach) if understood else None,
        # A trial's 05:12 draft, from a man who set his check-in for five, was told "Feelings run
        # louder at this hour".
        morning_from=ctx.state.checkins.quiet_end,
        awaiting_reply=ctx.state.guide.branch == "no_reply" and not practical,
    )
    kept = tuple(
        f for f in review.findings if not _asks_about_shared_matters(ctx, text, f) and not _no_first_message(ctx, f)
    )
    review = replace(review, findings=kept)
    if practical and _about_us(text, {f.rule_id for f in review.findings}):
        ctx.say_key("draft_not_practical", BACK)
        # Done here: what they type next ("is it normal i cant eat?") is not another draft.
        ctx.goto(str(ctx.state.resume_screen or "menu"))
        return
    messages = format_review(review, ctx.state.profile.name, practical=practical or limited)
    ctx.state.data = {**ctx.state.data, "reviewed": True}
    for i, message in enumerate(messages):
        last = i == len(messages) - 1
        buttons = [row(("Review another", "again"), ("Back", "_back"))] if last else ()
        ctx.say(message, buttons, coaching=not practical)


register("draft", lambda ctx: ctx.say_key("draft_ask", BACK), _handle, takes_text=True)
