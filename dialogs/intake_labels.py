"""Intake's answers as its buttons say them: shown at intake, and in the export a person reads."""

from __future__ import annotations

__all__ = ["CONTACT", "ENDED_BY"]

ENDED_BY = {"me": "I did", "them": "They did", "mutual": "We both did", "unclear": "It's complicated"}
CONTACT = {
    "none": "No contact at the moment",
    "some": "We still talk sometimes",
    "blocked": "They blocked me everywhere",
    "asked": "They asked me not to contact them",
    "new": "They are with someone new",
    "must": "We must stay in touch (children, work, home)",
}
