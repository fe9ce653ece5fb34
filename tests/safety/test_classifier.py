"""The safety check against hand-labelled messages, plus normalisation, speed and broken content files.

`pytest -s tests/safety` prints recall and precision per label.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from dialogs.safety import SafetyClassifier, SafetyLabel, load_classifier, normalise
from dialogs.yamlfile import ContentError

LABELLED = Path(__file__).with_name("labelled.yaml")

# (recall floor, precision floor) per label; crisis is held to the strictest bar.
FLOORS = {
    SafetyLabel.CRISIS: (0.95, 0.90),
    SafetyLabel.DANGER: (0.85, 0.85),
    SafetyLabel.BOUNDARY: (0.85, 0.85),
    SafetyLabel.MOVED_ON: (0.85, 0.85),
    SafetyLabel.NONE: (0.85, 0.85),
}


def _labelled() -> list[tuple[SafetyLabel, str]]:
    data = yaml.safe_load(LABELLED.read_text(encoding="utf-8"))
    return [(SafetyLabel(label), text) for label, texts in data.items() for text in texts]


@pytest.fixture(scope="module")
def classifier() -> SafetyClassifier:
    return load_classifier()


def test_labelled_set_is_big_enough() -> None:
    counts = Counter(label for label, _ in _labelled())
    assert counts[SafetyLabel.CRISIS] >= 45
    assert counts[SafetyLabel.DANGER] >= 30
    assert counts[SafetyLabel.BOUNDARY] >= 25
    assert counts[SafetyLabel.MOVED_ON] >= 20
    assert counts[SafetyLabel.NONE] >= 50
    assert sum(counts.values()) >= 170


def test_recall_and_precision_per_label(classifier: SafetyClassifier) -> None:
    results = [(expected, *classifier.explain(text), text) for expected, text in _labelled()]
    print(f"\n{'label':<10}{'n':>5}{'recall':>9}{'precision':>11}")
    failures: list[str] = []
    for label in SafetyLabel:
        truth = sum(1 for expected, *_ in results if expected == label)
        predicted = sum(1 for _, got, *_ in results if got == label)
        hits = sum(1 for expected, got, *_ in results if expected == got == label)
        recall = hits / truth if truth else 1.0
        precision = hits / predicted if predicted else 1.0
        print(f"{label.value:<10}{truth:>5}{recall:>9.1%}{precision:>11.1%}")
        min_recall, min_precision = FLOORS[label]
        if recall < min_recall or precision < min_precision:
            failures.append(f"{label.value}: recall {recall:.1%} (min {min_recall:.0%}), "
                            f"precision {precision:.1%} (min {min_precision:.0%})")
    wrong = [f"  {expected.value} -> {got.value}: {text!r} [{why}]"
             for expected, got, why, text in results if expected != got]
    if wrong:
        print("misread:\n" + "\n".join(wrong))
    assert not failures, "\n".join(failures + wrong)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("I want to die", SafetyLabel.CRISIS),
        ("I could die of embarrassment", SafetyLabel.NONE),
        # a figure of speech does not hide the rest of the message
        ("this is killing me and i want to die", SafetyLabel.CRISIS),
        ("he blocked me everywhere and i want to die", SafetyLabel.CRISIS),  # crisis outranks everything
        ("she has a protection order and she's engaged now", SafetyLabel.DANGER),
        ("she's engaged and blocked me on everything", SafetyLabel.BOUNDARY),
        ("he blocked me on instagram", SafetyLabel.NONE),
        ("he blocked me on instagram and snapchat", SafetyLabel.NONE),
        ("he blocked me on instagram, snapchat and tiktok", SafetyLabel.BOUNDARY),
        ("I'm not suicidal but I want to disappear forever", SafetyLabel.CRISIS),
        ("im not like suicidal bro", SafetyLabel.NONE),  # trial 18: a denial with a filler word
        ("im not like suicidal but i want to die", SafetyLabel.CRISIS),
        # trial 19: a denial in second-language English, and talk about the question itself
        ("I am not thinking to kill myself, hombre", SafetyLabel.NONE),
        ("please dont ask me every day about ending my life. I answered already", SafetyLabel.NONE),
        ("you ask me about suicide every day and i said stop", SafetyLabel.NONE),
        ("stop asking me about suicide i want to kill myself", SafetyLabel.CRISIS),
        # trial 28: anger said the way everyone says it is left to the model, which asks; intent is not
        ("who is she??? i could strangle him honestly", SafetyLabel.NONE),
        ("she ate my last yogurt, i could strangle her 😂 (i love her)", SafetyLabel.NONE),
        ("i honestly could kill him for this", SafetyLabel.NONE),
        ("im going to strangle him when i see him", SafetyLabel.DANGER),
        ("i want to hurt her", SafetyLabel.DANGER),
        # trial 29: lateness at handovers is no stalking; turning up where they're not asked still is
        ("he keeps showing up late to handovers", SafetyLabel.NONE),
        ("he keeps showing up outside my flat", SafetyLabel.DANGER),
        ("", SafetyLabel.NONE),
    ],
)
def test_priority_and_edges(classifier: SafetyClassifier, text: str, label: SafetyLabel) -> None:
    assert classifier.assess(text) == label


def test_typical_message_is_well_under_a_millisecond(classifier: SafetyClassifier) -> None:
    texts = [text for _, text in _labelled()]
    classifier.assess(texts[0])  # warm up
    start = time.perf_counter()
    for text in texts:
        classifier.assess(text)
    mean = (time.perf_counter() - start) / len(texts)
    assert mean < 0.001, f"mean {mean * 1e6:.0f} µs per message"


def test_huge_input_is_quick_and_still_read(classifier: SafetyClassifier) -> None:
    rant = "i keep thinking about him and what went wrong. " * 22_000  # about 1 MB
    assert len(rant) > 1_000_000
    start = time.perf_counter()
    assert classifier.assess(rant) == SafetyLabel.NONE
    # the end of a long message is still read
    assert classifier.assess(rant + " i want to die") == SafetyLabel.CRISIS
    assert time.perf_counter() - start < 1.0


class TestNormalise:
    def test_zero_width_and_format_characters_are_removed(self) -> None:
        assert normalise("ki\u200bll my\u00adse\u2060lf\ufeff") == "kill myself"
        assert normalise("k\u200cm\u200ds\u200e") == "kms"

    def test_apostrophes_and_quotes_are_unified(self) -> None:
        assert normalise("I don\u2019t want \u201cthis\u201d") == 'i don\'t want "this"'
        assert normalise("can\u02bct") == "can't"

    def test_case_width_and_accents(self) -> None:
        assert normalise("ＫＭＳ") == "kms"
        assert normalise("FIANCÉ") == "fiance"
        assert normalise("s̶u̶i̶c̶i̶d̶e̶") == "suicide"

    def test_repeated_letters_keep_two(self) -> None:
        assert normalise("sooooo saaaad") == "soo saad"
        assert normalise("1000000 pills") == "1000000 pills"  # digits are not letters

    def test_leetspeak_only_inside_words(self) -> None:
        assert normalise("k1ll my$elf") == "kill myself"
        assert normalise("$uicide") == "suicide"
        assert normalise("up at 3am, took 20mg, 2nd night") == "up at 3am, took 20mg, 2nd night"

    def test_spaced_letters_are_joined(self) -> None:
        assert normalise("k m s") == "kms"
        assert normalise("s.u.i.c.i.d.e") == "suicide"

    def test_whitespace_collapses(self) -> None:
        assert normalise("  i \n\n miss\t\this  ") == "i miss his"

    def test_megabyte_input_returns_quickly(self) -> None:
        start = time.perf_counter()
        out = normalise("ä\u200b" * 1_000_000)
        assert time.perf_counter() - start < 1.0
        assert 0 < len(out) <= 20_001


PATTERNS_HEAD = """\
terms:
  ex: (?:she|he)
crisis:
  patterns:
    - \\bwant to die\\b
"""


def _write_patterns(root: Path, crisis_tail: str, rest: str = "") -> Path:
    path = root / "safety" / "patterns.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    body = PATTERNS_HEAD + crisis_tail + (rest or """\
danger:
  patterns:
    - \\b{ex} hit me\\b
boundary:
  patterns:
    - \\bblocked me everywhere\\b
moved_on:
  patterns:
    - \\b{ex} is engaged\\b
""")
    path.write_text(body, encoding="utf-8")
    return path


def test_a_small_valid_file_loads(tmp_path: Path) -> None:
    _write_patterns(tmp_path, "")
    classifier = load_classifier(tmp_path)
    assert classifier.assess("She hit me") == SafetyLabel.DANGER
    assert classifier.assess("i want to die") == SafetyLabel.CRISIS


def test_bad_regex_is_reported_with_its_line(tmp_path: Path) -> None:
    path = _write_patterns(tmp_path, "    - \\bkms\\b\n    - \\b(?:unclosed group\n")
    with pytest.raises(ContentError) as caught:
        load_classifier(tmp_path)
    bad_line = next(i for i, line in enumerate(path.read_text().splitlines(), 1) if "unclosed" in line)
    assert bad_line == 7
    assert caught.value.line == bad_line
    assert str(caught.value).startswith(f"{path}:7: crisis.patterns.2:")
    assert "not a valid regular expression" in caught.value.reason


def test_unknown_term_is_reported(tmp_path: Path) -> None:
    _write_patterns(tmp_path, "    - \\b{nobody} left\\b\n")
    with pytest.raises(ContentError, match=r"unknown term \{nobody\}"):
        load_classifier(tmp_path)


def test_pattern_matching_empty_text_is_refused(tmp_path: Path) -> None:
    _write_patterns(tmp_path, "    - (?:sad)?\n")
    with pytest.raises(ContentError, match="matches empty text"):
        load_classifier(tmp_path)


def test_missing_label_is_refused(tmp_path: Path) -> None:
    _write_patterns(tmp_path, "", rest="danger:\n  patterns:\n    - \\bhit me\\b\n")
    with pytest.raises(ContentError, match="boundary"):
        load_classifier(tmp_path)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=2_000))
def test_assess_never_raises_on_arbitrary_text(text: str) -> None:
    assert load_classifier().assess(text) in set(SafetyLabel)


FRAGMENTS = ["i", "want", "to", "die", "\u200b", "’", "k", "m", "s", "1", "$", " ", "ü", "💀"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS)))
def test_assess_never_raises_on_near_miss_fragments(parts: list[str]) -> None:
    assert load_classifier().assess("".join(parts)) in set(SafetyLabel)
