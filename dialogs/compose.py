"""Fold a step's short replies into as few messages as read well.

A step often says two or three short things in a row (an acknowledgement, a counter, a question).
Sent apart, they are three notifications late at night; joined, they read as one message, as long
as the result stays within the voice's 500 characters. Only plain text joins: a reply with a picture or a document stays
on its own, and the buttons of the last reply in a run stay with the joined message.
"""

from __future__ import annotations

from dataclasses import replace

from dialogs.model import Effect, Reply

__all__ = ["MERGED_LIMIT", "join_replies"]

# The voice: a message is read on a phone, late at night; about 500 characters at most. Short
# replies in a row join up to that, never beyond it.
MERGED_LIMIT = 500


def _joinable(first: Reply, second: Reply) -> bool:
    return (
        not first.buttons
        and first.image is None
        and second.image is None
        and not first.attachment
        and not second.attachment
        and first.contact_coaching == second.contact_coaching
        and len(first.text) + 2 + len(second.text) <= MERGED_LIMIT
    )


def join_replies(effects: list[Effect]) -> list[Effect]:
    out: list[Effect] = []
    for effect in effects:
        last = out[-1] if out else None
        if isinstance(effect, Reply) and isinstance(last, Reply) and _joinable(last, effect):
            out[-1] = replace(effect, text=f"{last.text}\n\n{effect.text}")
        else:
            out.append(effect)
    return out
