from __future__ import annotations

import pytest

from bot.understanding import Encoder


@pytest.fixture(scope="session")
def encoder() -> Encoder:
    return Encoder.load(verify=True)
