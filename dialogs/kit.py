"""Everything the engine reads but never changes: content, safety rules, resources, coach rules."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from dialogs.coach import Coach, load_coach
from dialogs.content import CONTENT_DIR, Content, load_content
from dialogs.resources import SafetyResources, load_resources
from dialogs.safety import SafetyClassifier, load_classifier

__all__ = ["Kit", "load_kit"]


@dataclass(frozen=True, slots=True)
class Kit:
    content: Content
    safety: SafetyClassifier
    resources: SafetyResources
    coach: Coach
    retention_days: int = 365  # the operator's setting, told to users in the consent text


@cache
def load_kit(root: Path = CONTENT_DIR) -> Kit:
    """Load and validate every content file; raises ContentError with file, line and reason."""
    from dialogs.texts import REQUIRED_TEXTS

    return Kit(
        content=load_content(root, REQUIRED_TEXTS),
        safety=load_classifier(root),
        resources=load_resources(root),
        coach=load_coach(root),
    )
