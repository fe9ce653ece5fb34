"""The vendored model folder is exactly what MANIFEST.json describes, so a corrupt, missing, extra or
swapped file (a Git LFS pointer, a half-written export) fails here and not at run time."""

from __future__ import annotations

import hashlib
import json

from bot.understanding.encoder import DEFAULT_DIR, DIMENSION, MAX_TOKENS, MODEL_FILE, TOKENIZER_FILE

MANIFEST = json.loads((DEFAULT_DIR / "MANIFEST.json").read_text(encoding="utf-8"))
REQUIRED = {MODEL_FILE, TOKENIZER_FILE, "reference.json", "LICENSE", "NOTICE"}


def test_manifest_lists_every_vendored_file_and_nothing_else() -> None:
    present = {path.name for path in DEFAULT_DIR.glob("*") if path.name != "MANIFEST.json"}
    assert present >= REQUIRED, f"vendored files missing: {sorted(REQUIRED - present)}"
    assert set(MANIFEST["files"]) == present


def test_every_file_matches_its_sha256_and_size() -> None:
    """If LICENSE or NOTICE was edited by hand, update their entries; anything else: rerun
    scripts/export_model.sh."""
    for name, expected in MANIFEST["files"].items():
        data = (DEFAULT_DIR / name).read_bytes()
        assert len(data) == expected["size"], name
        assert hashlib.sha256(data).hexdigest() == expected["sha256"], name


def test_model_is_the_int8_export_not_a_pointer_or_the_fp32_model() -> None:
    size = (DEFAULT_DIR / MODEL_FILE).stat().st_size
    assert 20_000_000 < size < 40_000_000, size  # fp32 is ~90 MB; an LFS pointer ~130 bytes
    assert MANIFEST["quantisation"]["weight_type"] == "QInt8"
    assert MANIFEST["quantisation"]["per_channel"] is True


def test_manifest_records_provenance_and_agrees_with_the_encoder() -> None:
    source = MANIFEST["source"]
    assert source["wheel_sha256"] == "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"
    assert source["safetensors_sha256"] == "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
    assert MANIFEST["format"]["dimension"] == DIMENSION
    assert MANIFEST["format"]["max_tokens"] == MAX_TOKENS
    assert MANIFEST["measurement"]["cosine"]["int8_shipped"]["min"] >= 0.98
    assert {"torch", "onnxruntime", "transformers"} <= set(MANIFEST["tools"])
