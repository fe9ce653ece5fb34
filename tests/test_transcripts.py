"""docs/transcripts: whole conversations a counsellor reviews. They are produced from their scripts
by `python -m bot transcripts`; here they are produced again and compared, so a change to content
or to the engine shows up as a diff in the committed files, and the voice rules are checked on
what a person would actually read."""

from __future__ import annotations

import re

import pytest

from bot.transcripts import OUT, SCRIPTS, render
from bot.understanding.reader import load_safety_model
from dialogs.content import CONTENT_DIR
from dialogs.kit import load_kit

NAMES = sorted(p.stem for p in SCRIPTS.glob("*.yaml"))
MESSAGE = re.compile(r"^\*\*Rekindle\*\* \((\d+) characters\)$", re.MULTILINE)


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    kit, model = load_kit(CONTENT_DIR), load_safety_model(CONTENT_DIR.resolve())
    return {name: render(SCRIPTS / f"{name}.yaml", kit, model) for name in NAMES}


def test_every_branch_the_issue_names_has_a_transcript() -> None:
    assert len(NAMES) >= 6


@pytest.mark.parametrize("name", NAMES)
def test_the_committed_transcript_is_current(rendered: dict[str, str], name: str) -> None:
    committed = (OUT / f"{name}.md").read_text(encoding="utf-8")
    assert rendered[name] == committed, f"run `python -m bot transcripts` and review the diff of {name}.md"


@pytest.mark.parametrize("name", NAMES)
def test_no_message_is_a_wall_of_text(rendered: dict[str, str], name: str) -> None:
    lengths = [int(n) for n in MESSAGE.findall(rendered[name])]
    assert lengths and max(lengths) <= 500


def test_the_branches_are_reached(rendered: dict[str, str]) -> None:
    assert "[They replied warmly]" in rendered["1-reconnect"] and "trying again" in rendered["1-reconnect"]
    assert "Keeping your distance" in rendered["2-moving-on"] or "moving-on" in rendered["2-moving-on"]
    assert "taps [Keep my count]" in rendered["3-slip"]
    assert "Are you having thoughts of ending your life?" in rendered["4-low-mood-week"]
    assert "taps [I'm ready to let go]" in rendered["6-no-reply"]
    crisis = rendered["5-crisis"]
    assert "Are you having thoughts of ending your life?" in crisis and "13 11 14" in crisis
