"""A sentence the coach reads as a problem alone is read again beside its neighbours: a line that
only sounded sharp on its own is let go, a sharp line among kind ones is still named."""

from __future__ import annotations

from bot.understanding.meaning import GOOD, coach_readings
from bot.understanding.model import Model
from bot.understanding.safety_model import embed_pieces
from bot.understanding.segments import segments


def _alone(model: Model, text: str) -> list[str]:
    assert model.bank is not None and model.bank.coach is not None
    pieces = segments(text)
    readings = coach_readings(model.bank.coach, pieces, embed_pieces(model.encoder, pieces))
    return [problem for _, problem, p in readings if problem != GOOD and p >= model.bank.bars.coach]


def test_a_warm_goodbye_is_not_pressure_once_its_first_line_is_read_in_context(model: Model) -> None:
    text = "Last text from me, I promise. I hope the new flat feels like home and that you're well."
    assert _alone(model, text) == ["pressure"]  # read alone, "Last text from me" sounds like a warning
    _, understood = model.read(text)
    assert understood is not None and understood.coach == ()


def test_a_sharp_line_between_kind_ones_is_still_named(model: Model) -> None:
    text = "Got the keys back, thanks. Honestly I can't eat or sleep since you left. Anyway hope you're good."
    _, understood = model.read(text)
    assert understood is not None
    assert dict(understood.coach) == {"guilt": "Honestly I can't eat or sleep since you left."}

