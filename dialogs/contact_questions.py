"""Questions about writing to the ex that no answer in the FAQ list caught, where the answer is known
from where the person is: an ex who asked for no contact ("can I just send one last message to
explain myself?", trial 22), or a first message still waiting for a reply ("should i send another
one just to check it arrived", the no-reply transcript). Said "I don't have a ready answer" at 11pm,
either can read as "not forbidden".
"""

from __future__ import annotations

import re

from dialogs import understanding
from dialogs.content import FaqEntry
from dialogs.context import Ctx
from dialogs.screens import faq

__all__ = ["forbidden", "while_waiting"]

_CONTACT_THEM = re.compile(
    r"\b(?:can|could|should|may|shall) i (?:just |still |at least |maybe |not )?"
    r"(?:send|text|message|msg|call|ring|email|write to|contact|reach out to|dm|snap|reply to|say (?:hi|sorry))\b"
    r"|\bone (?:last|final|more) (?:message|text|call|email|letter)\b"
)


def forbidden(ctx: Ctx, text: str) -> bool:
    """Asking whether they may write to an ex who asked for no contact."""
    said = " ".join(text.casefold().replace("’", "'").split())
    asked = understanding.looks_like_question(text)
    return "boundary" in ctx.state.flags and asked and bool(_CONTACT_THEM.search(said))


_WRITE_AGAIN = re.compile(
    r"\b(?:another|a second|second|one more|again|follow[ -]?up|double[ -]?text)\b"
)


def while_waiting(ctx: Ctx, text: str) -> FaqEntry | None:
    """The answer on no reply, for a question about writing again while waiting for one."""
    state = ctx.state
    if state.guide.branch != "no_reply" or state.contact_forbidden or not understanding.looks_like_question(text):
        return None
    said = " ".join(text.casefold().replace("’", "'").split())
    about_writing = _CONTACT_THEM.search(said) or re.search(r"\b(?:message|text|msg)\b", said)
    if not about_writing or not _WRITE_AGAIN.search(said):
        return None
    return next((e for e in faq.entries_for(ctx) if e.id == "no_reply"), None)
