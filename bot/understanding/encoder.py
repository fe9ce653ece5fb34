"""Sentence embeddings from the vendored all-MiniLM-L6-v2 (int8 ONNX) on onnxruntime.

The model files live in ``minilm/`` beside this module and are made by ``scripts/export_model.py``.
Only onnxruntime, tokenizers and numpy are needed at run time.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Final, TypeAlias

import numpy as np
import numpy.typing as npt

# Without this, tokenizers warns on stderr whenever a process forks after a batch was encoded
# (the bench and the webhook workers fork). Its thread pool buys nothing on 2 cores anyway.
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import onnxruntime as ort
from tokenizers import Tokenizer

__all__ = [
    "DEFAULT_DIR",
    "DIMENSION",
    "MAX_TOKENS",
    "Embeddings",
    "Encoder",
    "ModelUnavailable",
    "has_vnni",
    "verify_manifest",
]

DEFAULT_DIR: Final = Path(__file__).with_name("minilm")
MODEL_FILE: Final = "model.onnx"
TOKENIZER_FILE: Final = "tokenizer.json"
MANIFEST_FILE: Final = "MANIFEST.json"

DIMENSION: Final = 384
# sentence-transformers truncates this model at 256 word pieces, and the vendored reference
# embeddings and the measured classifier figures were made that way. (The model card says training
# used 128; 256 keeps us equal to the library the figures came from, and callers that care about
# long messages score sentence by sentence anyway.)
MAX_TOKENS: Final = 256
# Beyond this many characters a text is cut before tokenizing: 256 word pieces never need more
# (that would be over 16 characters per piece), and tokenizing 50,000 characters costs ~70 ms.
MAX_CHARS: Final = MAX_TOKENS * 16

Embeddings: TypeAlias = npt.NDArray[np.float32]


class ModelUnavailable(Exception):
    """The model files are missing, corrupt or cannot be loaded; the message says which and why."""


class Encoder:
    """Turns texts into L2-normalised 384-dimensional sentence embeddings.

    ``embed`` is safe to call from several threads at once (onnxruntime sessions and tokenizers
    allow concurrent use, and onnxruntime releases the GIL while it runs), so it can run in a
    thread executor off the event loop.
    """

    dim: Final = DIMENSION

    def __init__(self, session: ort.InferenceSession, tokenizer: Tokenizer, directory: Path) -> None:
        self._session = session
        self._tokenizer = tokenizer
        self.directory = directory

    @property
    def fingerprint(self) -> str:
        """The model file's sha256 from the manifest: what a trained head records it was made with."""
        try:
            files = json.loads((self.directory / MANIFEST_FILE).read_text(encoding="utf-8"))["files"]
            return str(files[MODEL_FILE]["sha256"])
        except (OSError, ValueError, KeyError, TypeError):
            return ""

    @classmethod
    def load(cls, path: Path = DEFAULT_DIR, *, threads: int = 1, verify: bool = False) -> Encoder:
        """Load the model and tokenizer from ``path``; raise ModelUnavailable with a one-line reason.

        ``threads`` is onnxruntime's intra-op thread count; ``verify`` first checks every file
        against the sha256 sums in MANIFEST.json (reads ~25 MB, about 30 ms).
        """
        if threads < 1:
            raise ValueError(f"threads must be at least 1, not {threads}")
        model_path, tokenizer_path = path / MODEL_FILE, path / TOKENIZER_FILE
        for required in (model_path, tokenizer_path):
            if not required.is_file():
                raise ModelUnavailable(f"model file missing: {required}")
        if verify:
            verify_manifest(path)
        try:
            tokenizer = Tokenizer.from_file(str(tokenizer_path))
        except Exception as error:  # tokenizers raises a bare Exception for a bad file
            raise ModelUnavailable(f"cannot read tokenizer {tokenizer_path}: {_one_line(error)}") from error
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        try:
            session = ort.InferenceSession(
                str(model_path), sess_options=_session_options(threads), providers=["CPUExecutionProvider"]
            )
        except Exception as error:  # onnxruntime's errors share no useful base class
            raise ModelUnavailable(f"onnxruntime cannot load {model_path}: {_one_line(error)}") from error
        encoder = cls(session, tokenizer, path)
        encoder._check_shape()
        return encoder

    def embed(self, texts: Sequence[str]) -> Embeddings:
        """Embed each text: an (n, 384) float32 array, each row of unit length.

        Empty and whitespace-only texts get the embedding of an empty sentence; no str makes it fail.
        Each text is run on its own, unpadded: the int8 model quantises activations with one scale
        per run, so in a shared padded batch a text's embedding would depend on its neighbours
        (cosine down to 0.965 in MANIFEST.json), and unpadded runs are faster on a CPU besides.
        """
        if isinstance(texts, str):
            raise TypeError("embed takes a sequence of texts; wrap a single text in a list")
        result = np.empty((len(texts), DIMENSION), dtype=np.float32)
        if not texts:
            return result
        encodings = self._tokenizer.encode_batch([_prepare(text) for text in texts])
        for row, encoding in enumerate(encodings):
            ids = np.asarray([encoding.ids], dtype=np.int64)
            (hidden,) = self._session.run(
                ["last_hidden_state"],
                {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)},
            )
            mean = hidden[0].mean(axis=0)  # mean pooling; no padding, so every token counts
            result[row] = mean / max(float(np.linalg.norm(mean)), 1e-12)
        return result

    def _check_shape(self) -> None:
        inputs = sorted(item.name for item in self._session.get_inputs())
        outputs = [item.name for item in self._session.get_outputs()]
        if inputs != ["attention_mask", "input_ids", "token_type_ids"] or "last_hidden_state" not in outputs:
            raise ModelUnavailable(f"{self.directory / MODEL_FILE} has unexpected inputs or outputs")
        try:
            probe = self.embed([""])
        except Exception as error:
            raise ModelUnavailable(
                f"{self.directory / MODEL_FILE} fails to run: {_one_line(error)}"
            ) from error
        if not np.isfinite(probe).all():
            raise ModelUnavailable(f"{self.directory / MODEL_FILE} gives non-finite embeddings")


def verify_manifest(path: Path = DEFAULT_DIR) -> None:
    """Check every file MANIFEST.json lists against its size and sha256; raise ModelUnavailable if not."""
    manifest_path = path / MANIFEST_FILE
    try:
        files = json.loads(manifest_path.read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ModelUnavailable(f"cannot read {manifest_path}: {_one_line(error)}") from error
    for name, expected in files.items():
        file = path / name
        try:
            data = file.read_bytes()
        except OSError as error:
            raise ModelUnavailable(f"cannot read {file}: {_one_line(error)}") from error
        if len(data) != expected["size"] or hashlib.sha256(data).hexdigest() != expected["sha256"]:
            raise ModelUnavailable(f"{file} does not match {MANIFEST_FILE} (corrupt or replaced)")


def _session_options(threads: int) -> ort.SessionOptions:
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    # Idle worker threads would otherwise spin on a core for a while after every run, stealing
    # it from the event loop and the database between messages.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.add_session_config_entry("session.inter_op.allow_spinning", "0")
    # The int8 weights use their full range. Without VNNI, x86 cores multiply them with an
    # instruction that saturates at 16 bits, and the embeddings drift: on an AVX2-only CPU the
    # held-out split's boundary recall fell from 0.915 to 0.898. This makes onnxruntime run those
    # products exactly (as u8u8). A VNNI core's own kernel is exact already, and the setting would
    # take it away: on a VNNI Xeon a message's read went from 2.0 to 3.5 ms with it, to the same bits.
    if not has_vnni():
        options.add_session_config_entry("session.x64quantprecision", "1")
    options.log_severity_level = 3  # errors only; load failures are raised, not logged
    return options


def has_vnni(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """Whether the CPU multiplies int8 with VNNI (exact, 32-bit sums). Unknown counts as no: the
    exact setting is then the safe choice, only slower."""
    try:
        with cpuinfo.open(encoding="utf-8", errors="replace") as lines:
            flags = next((line for line in lines if line.startswith("flags")), "")
    except OSError:
        return False
    return bool({"avx512_vnni", "avx_vnni"} & set(flags.split()))


def _prepare(text: str) -> str:
    """Make any str safe for the tokenizer: lone surrogates replaced, very long texts cut."""
    if len(text) > MAX_CHARS:
        # Whitespace runs never make word pieces, so squeeze them before cutting.
        text = " ".join(text.split())[:MAX_CHARS]
    return text.encode("utf-8", "replace").decode("utf-8")


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 300 else text[:297] + "..."
