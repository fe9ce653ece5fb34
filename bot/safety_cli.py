"""`python -m bot safety classify | eval | train`: the safety model from the command line."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path

from dialogs.assessment import Assessment
from dialogs.content import CONTENT_DIR

__all__ = ["run_safety"]


def _assessor(root: Path) -> tuple[str, Callable[[str], Assessment]]:
    from bot.understanding.reader import load_safety_model
    from dialogs.safety import load_classifier

    model = load_safety_model(root)
    if model is not None:
        return "model", model.safety.assess
    return "rules", load_classifier(root).assessment


def _line(a: Assessment) -> str:
    scores = " ".join(f"{name}={value:.3f}" for name, value in a.scores)
    return f"{a.label}\t{scores}" if scores else a.label


def run_safety(
    action: str, file: str | None, misses: bool, root: Path = CONTENT_DIR, *, phrases_only: bool = False
) -> int:
    logging.basicConfig(level=logging.WARNING, format="rekindle: %(message)s")
    if action == "train":
        return _train(root, phrases_only=phrases_only)
    source, assess = _assessor(root)
    if action == "classify":
        for line in sys.stdin:
            print(_line(assess(line.rstrip("\n"))), flush=True)
        return 0
    from bot.understanding.evaluate import cases_from_examples, evaluate, read_tsv
    from dialogs.safety_examples import load_examples

    if file:
        cases = read_tsv(Path(file))
        title = file
    else:
        cases = cases_from_examples(load_examples(root, ("heldout",)))
        title = "the held-out split"
    report = evaluate(cases, assess)
    print(f"{title}, assessed by the {source}:")
    print("\n".join(report.lines()))
    if misses:
        print(f"\n{len(report.misses)} misses:")
        print("\n".join(report.misses))
    return 0


def _train(root: Path, *, phrases_only: bool = False) -> int:
    try:
        import sklearn  # noqa: F401
    except ImportError:
        print("rekindle: training needs scikit-learn: pip install -e '.[dev]'", file=sys.stderr)
        return 2
    from bot.understanding.encoder import Encoder
    from bot.understanding.train import train, train_phrases

    def progress(message: str) -> None:
        print(message, file=sys.stderr)

    if phrases_only:
        figures = train_phrases(root, Encoder.load(threads=2), progress=progress)
        print("rebuilt the FAQ, command and coach phrasings; the safety head is unchanged")
        for name, value in figures.items():
            print(f"  {name}: {value:.3f}")
        return 0
    report = train(root, Encoder.load(threads=2), progress=progress)
    print(f"trained on {report.examples} examples; thresholds: {report.thresholds}")
    for name, value in report.out_of_fold.items():
        print(f"  out of fold {name}: {value:.3f}")
    return 0
