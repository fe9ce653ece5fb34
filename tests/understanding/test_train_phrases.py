"""`python -m bot safety train --phrases-only`: the FAQ, commands and coach rebuilt from content,
the safety head left exactly as it was."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.safety_cli import run_safety
from bot.understanding.dev_sets import load_training_drafts
from bot.understanding.meaning import BANK_FILES, bank_digest, bank_texts, load_bank
from dialogs.content import CONTENT_DIR
from dialogs.kit import load_kit


def test_phrases_only_rebuilds_the_bank_from_edited_content_and_keeps_the_head(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, root)
    coach = root / "coach.yaml"
    coach.write_text(
        coach.read_text(encoding="utf-8").replace(
            "good_examples:\n", 'good_examples:\n  - "the spare key is under the blue pot, grab it whenever"\n', 1
        ),
        encoding="utf-8",
    )
    model = root / "model"
    head_before = {p.name: p.read_bytes() for p in model.iterdir() if (Path("model") / p.name) not in BANK_FILES}
    assert head_before  # the head's files are there to be kept

    assert run_safety("train", None, False, root=root, phrases_only=True) == 0

    bank = load_bank(root)
    kit = load_kit(root)
    drafts = load_training_drafts(root)
    assert bank.digest == bank_digest(bank_texts(kit.content, kit.coach, drafts))  # made from the edited coach
    assert bank.digest != load_bank(CONTENT_DIR).digest
    assert {p.name: p.read_bytes() for p in model.iterdir() if p.name in head_before} == head_before
    assert "safety head is unchanged" in capsys.readouterr().out
