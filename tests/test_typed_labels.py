"""A button's label typed instead of tapped presses that button, while it is live; an old label is
just text. People type "done for today" or "keep my count" as often as they tap."""

from __future__ import annotations

from datetime import UTC, datetime

from dialogs.model import JournalWrite
from tests.driver import Conversation

NINE_LONDON = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _journal(conv: Conversation) -> list[JournalWrite]:
    return [e for e in conv.effects if isinstance(e, JournalWrite)]


def test_typing_a_live_buttons_label_presses_it(kit):
    conv = Conversation(kit)
    conv.onboard()
    conv.tap("Skip the question")
    assert conv.screen == "guide.after"
    conv.say("  Done for today!! ")
    assert not _journal(conv), "not filed as a second thought"
    pressed = Conversation(kit)
    pressed.onboard()
    pressed.tap("Skip the question")
    pressed.tap("Done for today")
    assert conv.screen == pressed.screen and conv.text() == pressed.text()


def test_a_typed_label_works_where_the_screen_takes_no_text(kit):
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00")
    conv.now = NINE_LONDON.replace(day=5)
    conv.due()
    for label in ("^3", "^4$", "^Yes$", "Skip"):
        conv.tap(label)
    assert conv.screen == "checkin.slip"
    conv.say("keep my count")
    assert conv.state.no_contact.slips == 1 and conv.state.no_contact.start == datetime(2026, 3, 2).date()


def test_a_label_from_an_older_prompt_is_only_text(kit):
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00")
    conv.now = NINE_LONDON.replace(day=5)
    conv.due()
    for label in ("^3", "^4$", "^Yes$", "Skip", "Keep my count"):
        conv.tap(label)
    assert set(conv.state.labels.values()) == {"today", "_menu"}, "only the live prompt's buttons"
    conv.say("restart my count")
    assert conv.state.no_contact.start == datetime(2026, 3, 2).date(), "the old button is not pressed"
    assert conv.state.no_contact.slips == 1


def test_an_old_label_that_is_also_a_command_does_the_command(kit):
    """Trial 32: "one more step" and "Today's step", typed after their buttons had gone, got "That
    button has expired"; they are words for commands, and mean them."""
    conv = Conversation(kit)
    conv.onboard()
    conv.tap("Skip the question")
    assert "One more step" in conv.labels()
    conv.command("progress")  # a new prompt retires "One more step"
    assert "one more step" in conv.state.stale_labels
    said = "\n".join(r.text for r in conv.say("one more step"))
    assert kit.content.text("button_expired", 0) not in said
    assert len(conv.state.guide.read) == 2, "the second step of the day, as asked"


def test_a_typed_label_is_a_tap_and_its_words_are_not_read_as_text(kit):
    """A read-through: "Message coach", typed at the menu, was reviewed as a draft ("Nothing in it
    worries me")."""
    conv = Conversation(kit)
    conv.onboard()
    conv.command("menu")
    said = "\n".join(r.text for r in conv.say("Message coach"))
    assert said == kit.content.text("draft_ask") and conv.screen == "draft"
