"""A missing or broken model raises ModelUnavailable with a readable one-line reason."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.understanding import Encoder, ModelUnavailable
from bot.understanding.encoder import DEFAULT_DIR, MODEL_FILE, TOKENIZER_FILE


@pytest.fixture
def model_copy(tmp_path: Path) -> Path:
    target = tmp_path / "minilm"
    shutil.copytree(DEFAULT_DIR, target)
    return target


def reason(directory: Path, *, verify: bool = False) -> str:
    with pytest.raises(ModelUnavailable) as caught:
        Encoder.load(directory, verify=verify)
    message = str(caught.value)
    assert message and "\n" not in message and len(message) <= 400
    return message


def test_the_copy_loads_and_verifies(model_copy: Path) -> None:
    """The fixtures below break a copy that is otherwise good."""
    assert Encoder.load(model_copy, verify=True).embed(["hello"]).shape == (1, 384)


def test_a_missing_folder(tmp_path: Path) -> None:
    assert "missing" in reason(tmp_path / "nowhere")


@pytest.mark.parametrize("name", [MODEL_FILE, TOKENIZER_FILE])
def test_a_missing_file(model_copy: Path, name: str) -> None:
    (model_copy / name).unlink()
    message = reason(model_copy)
    assert "missing" in message and name in message


def test_a_truncated_model(model_copy: Path) -> None:
    model = model_copy / MODEL_FILE
    model.write_bytes(model.read_bytes()[:1_000_000])
    message = reason(model_copy)
    assert "onnxruntime cannot load" in message and MODEL_FILE in message


def test_a_model_that_is_not_onnx(model_copy: Path) -> None:
    (model_copy / MODEL_FILE).write_text("version https://git-lfs.github.com/spec/v1\n")
    assert "onnxruntime cannot load" in reason(model_copy)


def test_a_corrupt_tokenizer(model_copy: Path) -> None:
    (model_copy / TOKENIZER_FILE).write_text('{"version": "1.0", "model": ')
    message = reason(model_copy)
    assert "cannot read tokenizer" in message and TOKENIZER_FILE in message


def test_verify_catches_a_flipped_byte_that_onnxruntime_would_accept(model_copy: Path) -> None:
    model = model_copy / MODEL_FILE
    data = bytearray(model.read_bytes())
    data[len(data) // 2] ^= 0xFF  # the middle of the file is weight data
    model.write_bytes(bytes(data))
    Encoder.load(model_copy)  # loads: only the sha256 check can tell
    message = reason(model_copy, verify=True)
    assert "does not match MANIFEST.json" in message and MODEL_FILE in message


def test_verify_needs_the_manifest(model_copy: Path) -> None:
    (model_copy / "MANIFEST.json").unlink()
    assert "MANIFEST.json" in reason(model_copy, verify=True)


def test_threads_must_be_positive() -> None:
    with pytest.raises(ValueError, match="threads"):
        Encoder.load(threads=0)
