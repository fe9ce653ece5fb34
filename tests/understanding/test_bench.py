"""The encoder bench runs at tiny sizes and yields sane numbers (its figures are judged in bench/)."""

from __future__ import annotations

import math

from bench.encoder import TINY, encoder_figures, long_message, split_sentences


def test_the_long_message_is_about_4000_characters_of_sentences() -> None:
    text = long_message()
    assert 3_900 <= len(text) <= 4_000
    sentences = split_sentences(text)
    assert len(sentences) > 20 and " ".join(sentences) == text


def test_tiny_encoder_bench_produces_figures() -> None:
    figures = encoder_figures(TINY)
    names = [figure.name for figure in figures]
    assert any(name.startswith("load the model") for name in names)
    assert sum(name.startswith("p99, one short message") for name in names) == 2  # 1 and 2 threads
    for figure in figures:
        assert figure.value is not None and math.isfinite(figure.value) and figure.value > 0, figure
    rss = next(f for f in figures if f.name.startswith("RSS added by loading"))
    assert rss.value is not None and 10 < rss.value < 1_000  # MiB: the model alone is 30 MB on disk
