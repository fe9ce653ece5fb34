"""The screens of the conversation. Importing this package registers all of them."""

from dialogs.screens import (
    by_user,
    care,
    checkin,
    commands,
    country,
    data,
    draft,
    faq,
    lessons,
    menu,
    onboarding,
    outcome,
    protect,
    screening,
    settings,
    slip,
    urge,
)
from dialogs.screens.registry import SCREENS, Screen

__all__ = [
    "SCREENS",
    "Screen",
    "by_user",
    "care",
    "checkin",
    "commands",
    "country",
    "data",
    "draft",
    "faq",
    "lessons",
    "menu",
    "onboarding",
    "outcome",
    "protect",
    "screening",
    "settings",
    "slip",
    "urge",
]
