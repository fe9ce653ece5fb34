"""The screens of the conversation. Importing this package registers all of them."""

from dialogs.screens import care, checkin, guide, onboarding, tools
from dialogs.screens.registry import SCREENS, Screen

__all__ = ["SCREENS", "Screen", "care", "checkin", "guide", "onboarding", "tools"]
