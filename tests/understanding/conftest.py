from __future__ import annotations

import pytest

from bot.understanding import Encoder
from bot.understanding.model import Model
from bot.understanding.reader import load_safety_model
from dialogs.content import CONTENT_DIR
from dialogs.kit import Kit, load_kit


@pytest.fixture(scope="session")
def encoder() -> Encoder:
    return Encoder.load(verify=True)


@pytest.fixture(scope="session")
def model() -> Model:
    """The shipped model, loaded once: its load is the slow part of these tests."""
    loaded = load_safety_model(CONTENT_DIR.resolve())
    assert loaded is not None
    return loaded


@pytest.fixture(scope="session")
def kit() -> Kit:
    return load_kit(CONTENT_DIR)
