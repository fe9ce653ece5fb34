"""After reaching out: when to ask what happened, and which answers each moment offers.

Pure decisions over the state; the question itself is the `guide.outcome` screen.
"""

from __future__ import annotations

from datetime import date, timedelta

from dialogs.state import UserState

__all__ = ["ASK_AGAIN_AFTER", "LET_GO_AFTER", "Moment", "moment"]

ASK_AGAIN_AFTER = timedelta(days=7)  # a branch's question comes back a week after it was answered
LET_GO_AFTER = timedelta(days=21)  # no reply for this long: letting go is offered first
FIRST = "first_message"

Moment = str  # "first" (after the first message), "no_reply", "warm", "cool", or "" (nothing to ask)


def moment(state: UserState, today: date, branch_read: bool) -> Moment:
    """Whether "what happened?" is due today, and which version. `branch_read`: every lesson of the
    current branch has been read."""
    g = state.guide
    if state.track != "reconnect" or state.contact_forbidden or FIRST not in g.read:
        return ""
    if g.outcome_asked_on == today:
        return ""
    if not g.branch:
        return "first" if g.new_on is not None and today > g.new_on else ""
    if g.branch in {"together", "let_go"}:
        return ""
    since = g.outcome_asked_on or g.branch_on or today
    if branch_read and today - since >= ASK_AGAIN_AFTER:
        return g.branch
    return ""


def let_go_first(state: UserState, today: date) -> bool:
    g = state.guide
    return g.branch == "no_reply" and g.branch_on is not None and today - g.branch_on >= LET_GO_AFTER
