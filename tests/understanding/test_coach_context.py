"""A sentence the coach reads as a problem alone is read again beside its neighbours: a line that
only sounded sharp on its own is let go, a sharp line among kind ones is still named."""

from __future__ import annotations

from collections.abc import Callable

from bot.understanding.meaning import GOOD, PAIR_BAR, PAIRED_SENTENCES, Floats, coach_readings
from bot.understanding.model import Model
from bot.understanding.safety_model import embed_pieces
from bot.understanding.segments import segments


def _embed(model: Model) -> Callable[[list[str]], Floats]:
    return lambda texts: embed_pieces(model.encoder, texts)


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



def test_a_problem_that_lives_between_two_sentences_is_read_in_the_pair(model: Model) -> None:
    # Each sentence is an update about a pet; together they hand the ex the blame for her. (Until the
    # coach learnt from whole drafts, no sentence alone read as guilt.)
    text = "Luna stopped eating after you left. The vet says she's depressed. Just so you know."
    pieces = segments(text)
    alone = coach_readings(model.bank.coach, pieces, embed_pieces(model.encoder, pieces))
    assert all(where in pieces[1:] for where, _, _ in alone), "without the encoder, sentences only"
    readings = coach_readings(model.bank.coach, pieces, embed_pieces(model.encoder, pieces), _embed(model))
    paired = [(where, p) for where, problem, p in readings if problem == "guilt" and where not in pieces[1:]]
    assert paired and all(p >= PAIR_BAR for _, p in paired)
    _, understood = model.read(text)
    assert understood is not None and "guilt" in dict(understood.coach)


def test_a_kind_short_draft_read_in_pairs_stays_clear(model: Model) -> None:
    text = "The landlord needs the form back by Friday. I've signed my part. Thanks for sorting the deposit."
    _, understood = model.read(text)
    assert understood is not None and understood.coach == ()


def test_a_long_draft_is_not_read_in_pairs(model: Model) -> None:
    sentences = [f"Line {n} of a long note about the boxes in the hall." for n in range(PAIRED_SENTENCES + 1)]
    pieces = segments(" ".join(sentences))
    calls: list[list[str]] = []

    def embed(texts: list[str]) -> Floats:
        calls.append(texts)
        return embed_pieces(model.encoder, texts)

    coach_readings(model.bank.coach, pieces, embed(pieces), embed)
    assert not any(len(batch) == PAIRED_SENTENCES for batch in calls[1:]), "pairs were read"


def test_the_sentence_quoted_for_a_problem_is_the_one_that_shows_it_most(model: Model) -> None:
    """Trial 24: under "pressure" the coach quoted the draft's first line, not "Just reply once na, I am
    waiting"."""
    text = (
        "Hi Sneha, I know you said you need space but I cant stop thinking about you. I miss you so much, "
        "please tell me we can fix this. Please dont give up on us. Just reply once na, I am waiting"
    )
    _, understood = model.read(text)
    assert understood is not None
    assert dict(understood.coach).get("pressure") == "Just reply once na, I am waiting"
