from __future__ import annotations

import os
from pathlib import Path

import pytest

from dialogs.content import CONTENT_DIR

os.environ.setdefault("PTB_TIMEDELTA", "true")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def kit():
    from dialogs.kit import load_kit

    return load_kit(CONTENT_DIR)
