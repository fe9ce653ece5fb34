"""Words typed on a lesson's question that are about the question, read by the real model."""

from __future__ import annotations

import pytest

from bot.understanding.model import Model
from bot.understanding.reader import load_safety_model
from dialogs.content import CONTENT_DIR
from dialogs.kit import Kit, load_kit
from dialogs.model import JournalWrite
from tests.driver import Conversation


@pytest.fixture(scope="module")
def model() -> Model:
    loaded = load_safety_model(CONTENT_DIR.resolve())
    assert loaded is not None
    return loaded


@pytest.fixture(scope="module")
def kit() -> Kit:
    return load_kit(CONTENT_DIR)


def test_thinking_the_question_was_answered_already_is_not_filed_as_its_answer(model: Model, kit: Kit) -> None:
    """A trial: "i already answered this one na?" was kept in the journal as the answer."""
    conv = Conversation(kit)
    conv.onboard()
    assert conv.screen == "guide.lesson"
    text = "didnt i answer this one already"
    assessment, understanding = model.read(text)
    said = conv.say(text, assessment, understanding)
    assert not [e for e in conv.effects if isinstance(e, JournalWrite)]
    assert said[0].text.startswith("No need to answer it twice"), said[0].text
    assert conv.screen == "guide.after" and said[-1].buttons
