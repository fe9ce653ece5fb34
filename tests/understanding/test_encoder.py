"""The int8 encoder against the fp32 reference, on meaning, batching, odd input and threads."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import numpy as np
import pytest

from bot.understanding import DIMENSION, Encoder
from bot.understanding.encoder import DEFAULT_DIR, MAX_CHARS, has_vnni

REFERENCE = json.loads((DEFAULT_DIR / "reference.json").read_text(encoding="utf-8"))["sentences"]


def assert_unit_rows(vectors: np.ndarray, count: int) -> None:
    assert vectors.shape == (count, DIMENSION)
    assert vectors.dtype == np.float32
    assert np.isfinite(vectors).all()
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_int8_embeddings_stay_within_cosine_098_of_fp32(encoder: Encoder) -> None:
    assert len(REFERENCE) >= 8
    expected = np.array([item["embedding"] for item in REFERENCE], dtype=np.float64)
    expected /= np.linalg.norm(expected, axis=1, keepdims=True)
    got = encoder.embed([item["text"] for item in REFERENCE])
    assert_unit_rows(got, len(REFERENCE))
    cosines = (got * expected).sum(axis=1)
    assert cosines.min() >= 0.98, dict(
        zip([item["text"] for item in REFERENCE], cosines.round(4), strict=True)
    )


@pytest.mark.parametrize(
    ("text", "paraphrase", "unrelated"),
    [
        ("I can't stop thinking about my ex.", "My former partner is on my mind all the time.",
         "The bus to the airport leaves every twenty minutes."),
        ("Should I text him?", "Is it a good idea to send him a message?", "How long should pasta boil?"),
        ("I want to end my life.", "I am thinking about killing myself.", "I want to repaint my kitchen."),
        ("She blocked me on every app.", "She cut off all contact with me online.",
         "The library opens at nine on Saturdays."),
        ("He told me never to contact him again.", "He asked me to stop getting in touch with him.",
         "The recipe needs two eggs and some flour."),
    ],
)  # fmt: skip
def test_a_paraphrase_is_closer_than_an_unrelated_sentence(
    encoder: Encoder, text: str, paraphrase: str, unrelated: str
) -> None:
    anchor, close, far = encoder.embed([text, paraphrase, unrelated])
    # 0.05, not more: fine-tuning on the example categories pulls crisis levels (intent, active
    # thoughts) apart from each other as well as from ordinary messages (docs/safety.md).
    assert float(anchor @ close) > float(anchor @ far) + 0.05


def test_a_batch_equals_one_text_at_a_time(encoder: Encoder) -> None:
    texts = [item["text"] for item in REFERENCE] + ["ok", "A much longer sentence, " * 20]
    batch = encoder.embed(texts)
    one_by_one = np.concatenate([encoder.embed([text]) for text in texts])
    np.testing.assert_allclose(batch, one_by_one, atol=1e-4)


def test_no_texts_gives_an_empty_array(encoder: Encoder) -> None:
    assert encoder.embed([]).shape == (0, DIMENSION)


def test_a_bare_string_is_refused_rather_than_embedded_letter_by_letter(encoder: Encoder) -> None:
    with pytest.raises(TypeError):
        encoder.embed("hello")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t  ",
        "\u200b\u200c\u200d\ufeff",
        "🙂💔😭🙏",
        "x" * 50_000,
        "I miss you. " * 4_200,  # 50,400 characters
        " " * 40_000 + "still here",
        "a\ud800b",  # a lone surrogate, as a broken client can send
        "\x00\x01\x1b[31m",
    ],
    ids=["empty", "whitespace", "zero-width", "emoji", "50k-one-word", "50k-words", "50k-spaces", "surrogate",
         "control"],
)  # fmt: skip
def test_odd_input_gives_a_unit_vector(encoder: Encoder, text: str) -> None:
    assert_unit_rows(encoder.embed([text]), 1)


def test_zero_width_characters_do_not_hide_words(encoder: Encoder) -> None:
    plain, hidden = encoder.embed(["kill myself", "k\u200bill my\u200bself"])
    np.testing.assert_allclose(plain, hidden, atol=1e-6)


def test_a_huge_text_embeds_like_its_first_256_tokens(encoder: Encoder) -> None:
    """Cutting very long texts before tokenizing must not change what the model sees."""
    huge = "I keep replaying our last conversation. " * 1_300
    assert len(huge) > 10 * MAX_CHARS
    start = "I keep replaying our last conversation. " * 60  # already past 256 tokens
    np.testing.assert_allclose(*encoder.embed([huge, start]), atol=1e-6)


async def test_concurrent_calls_from_threads_give_the_same_results(encoder: Encoder) -> None:
    texts = [item["text"] for item in REFERENCE]
    expected = encoder.embed(texts)
    results = await asyncio.gather(*(asyncio.to_thread(encoder.embed, [text]) for text in texts * 6))
    for index, result in enumerate(results):
        np.testing.assert_allclose(result[0], expected[index % len(texts)], atol=1e-6)


EXACT = json.loads((Path(__file__).with_name("int8_embeddings.json")).read_text(encoding="utf-8"))["sentences"]


def test_int8_embeddings_are_the_same_on_every_cpu(encoder: Encoder) -> None:
    """Without VNNI, onnxruntime's default int8 kernels saturate and the embeddings drift (cosine
    down to 0.985 to these on an AVX2-only CPU, enough to move the held-out boundary recall under its bar);
    the encoder must make it compute them exactly everywhere."""
    expected = np.array([item["embedding"] for item in EXACT], dtype=np.float64)
    got = encoder.embed([item["text"] for item in EXACT])
    cosines = (got * expected).sum(axis=1) / np.linalg.norm(expected, axis=1)
    assert cosines.min() >= 0.9995, dict(zip([item["text"] for item in EXACT], cosines.round(5), strict=True))


@pytest.mark.parametrize(
    ("flags", "native"),
    [
        ("fpu sse2 avx2 avx512f avx512_vnni amx_int8", True),
        ("fpu sse2 avx2 avx_vnni", True),
        ("fpu sse2 avx2 fma avx512f avx512bw", False),  # AVX-512 without VNNI saturates too
    ],
)
def test_the_exact_int8_setting_is_left_to_cpus_without_vnni(tmp_path: Path, flags: str, native: bool) -> None:
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text(f"processor\t: 0\nvendor_id\t: x\nflags\t\t: {flags}\n\nprocessor\t: 1\n", encoding="utf-8")
    assert has_vnni(cpuinfo) is native
    assert has_vnni(tmp_path / "missing") is False
