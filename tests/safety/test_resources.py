"""content/safety/resources.yaml: helplines, country inference and fallback, safety plan, replies."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from dialogs.content import CONTENT_DIR
from dialogs.resources import (
    PLAN_STEPS,
    SafetyResources,
    abuse_lines,
    country_for_timezone,
    crisis_lines,
    format_lines,
    load_resources,
)
from dialogs.yamlfile import ContentError

REAL_FILE = CONTENT_DIR / "safety" / "resources.yaml"

# The numbers in shared/notes/safety.md, exactly as written there.
EXPECTED_NUMBERS = {
    ("US", "crisis"): ["988"],
    ("GB", "crisis"): ["116 123"],
    ("IE", "crisis"): ["116 123"],
    ("US", "abuse"): ["1-800-799-7233", "START to 88788"],
    ("GB", "abuse"): ["0808 2000 247", "0808 801 0327", "0808 802 0300"],
}


@pytest.fixture(scope="module")
def resources() -> SafetyResources:
    return load_resources()


@pytest.mark.parametrize(("key", "numbers"), EXPECTED_NUMBERS.items())
def test_numbers_match_the_notes(
    resources: SafetyResources, key: tuple[str, str], numbers: list[str]
) -> None:
    country, kind = key
    lines = resources.crisis_lines(country) if kind == "crisis" else resources.abuse_lines(country)
    text = format_lines(lines)
    for number in numbers:
        assert number in text


def test_every_line_has_an_official_source_and_a_date(resources: SafetyResources) -> None:
    every = [line for c in resources.countries.values() for line in (*c.crisis, *c.abuse)]
    every += resources.international
    assert len(every) >= 8
    for line in every:
        assert line.source.startswith("https://")
        assert re.fullmatch(r"2026-11", line.checked)


@pytest.mark.parametrize(
    ("tz", "country"),
    [
        ("America/New_York", "US"),
        ("America/Los_Angeles", "US"),
        ("America/Chicago", "US"),
        ("America/Denver", "US"),
        ("America/Phoenix", "US"),
        ("America/Anchorage", "US"),
        ("Pacific/Honolulu", "US"),
        ("Europe/London", "GB"),
        ("Europe/Dublin", "IE"),
        ("Asia/Tokyo", ""),
        ("UTC", ""),
        ("", ""),
        ("not/a zone", ""),
    ],
)
def test_country_for_timezone(tz: str, country: str) -> None:
    assert country_for_timezone(tz) == country


def test_unknown_country_falls_back_to_the_international_directory(resources: SafetyResources) -> None:
    assert crisis_lines("JP") == resources.international
    assert crisis_lines("") == resources.international
    assert "findahelpline.com" in format_lines(crisis_lines("JP"))


def test_country_code_is_case_insensitive() -> None:
    assert crisis_lines("gb") == crisis_lines("GB")
    assert crisis_lines(" us ")[0].how.startswith("call or text 988")


def test_country_without_abuse_lines_gets_the_fallback(resources: SafetyResources) -> None:
    assert abuse_lines("IE") == resources.international
    assert abuse_lines("GB") != resources.international


def test_format_lines_is_one_plain_line_each() -> None:
    text = format_lines(abuse_lines("GB"))
    assert len(text.splitlines()) == 3
    assert text.splitlines()[1] == "Men's Advice Line: call 0808 801 0327"
    assert format_lines([]) == ""


def test_safety_plan_has_the_five_steps_in_order(resources: SafetyResources) -> None:
    assert tuple(step.key for step in resources.safety_plan) == PLAN_STEPS
    assert all(step.question.rstrip().endswith("?") or "?" in step.question for step in resources.safety_plan)


def test_grounding_and_breathing_are_short_steps(resources: SafetyResources) -> None:
    assert len(resources.grounding) == 5  # five senses, counting down
    for steps in (resources.grounding, resources.breathing):
        assert all(0 < len(step) < 200 for step in steps)


def test_texts_are_the_replies_as_single_strings(resources: SafetyResources) -> None:
    joined = resources.texts.crisis.format(lines=format_lines(crisis_lines("US")), name="Sam")
    assert joined == "\n\n".join(resources.reply("crisis", "US", "Sam"))
    assert len(resources.texts.boundary.format(name="Sam", lines="")) <= 700
    assert resources.format_lines(crisis_lines("GB")) == format_lines(crisis_lines("GB"))


@pytest.mark.parametrize("kind", ["crisis", "danger", "boundary", "moved_on"])
def test_replies_are_short_and_filled_in(resources: SafetyResources, kind: str) -> None:
    for country in ("US", "GB", "IE", "JP", ""):
        for name in ("Sam", ""):
            messages = resources.reply(kind, country, name)  # type: ignore[arg-type]
            assert messages
            for text in messages:
                assert "{" not in text and "}" not in text
                assert ", ." not in text and " ," not in text
                assert len(text) <= 500
                assert "!" not in text


def test_crisis_reply_gives_the_local_line_and_says_it_is_not_therapy(resources: SafetyResources) -> None:
    text = "\n".join(resources.reply("crisis", "US", "Sam"))
    assert "988" in text
    assert "not a therapist" in text
    assert "emergency" in text
    assert "Sam" in text
    assert "116 123" in "\n".join(resources.reply("crisis", "GB"))
    assert "findahelpline.com" in "\n".join(resources.reply("crisis", "JP"))


def test_danger_reply_gives_abuse_lines_and_a_safe_device(resources: SafetyResources) -> None:
    text = "\n".join(resources.reply("danger", "US"))
    assert "1-800-799-7233" in text
    assert "device" in text


def _copy_with(tmp_path: Path, edit: dict[str, object]) -> Path:
    data = yaml.safe_load(REAL_FILE.read_text(encoding="utf-8"))
    data.update(edit)
    target = tmp_path / "safety" / "resources.yaml"
    target.parent.mkdir(parents=True)
    target.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return target


def test_unknown_time_zone_is_refused(tmp_path: Path) -> None:
    _copy_with(tmp_path, {"timezones": {"Europe/London": "GB", "Mars/Olympus_Mons": "GB"}})
    with pytest.raises(ContentError, match="Mars/Olympus_Mons"):
        load_resources(tmp_path)


def test_time_zone_for_a_country_without_lines_is_refused(tmp_path: Path) -> None:
    _copy_with(tmp_path, {"timezones": {"Asia/Tokyo": "JP"}})
    with pytest.raises(ContentError, match="JP"):
        load_resources(tmp_path)


def test_unknown_placeholder_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "safety" / "resources.yaml"
    path.parent.mkdir(parents=True)
    text = REAL_FILE.read_text(encoding="utf-8")
    text = text.replace("Whatever you're feeling about it makes sense.", "Is {partner} nice?")
    path.write_text(text, encoding="utf-8")
    expected_line = next(i for i, line in enumerate(text.splitlines(), 1) if "{partner}" in line)
    with pytest.raises(ContentError, match=r"unknown placeholder \{partner\}") as caught:
        load_resources(tmp_path)
    # The error points at the reply list; close enough for a counsellor to find the message.
    assert caught.value.line is not None and caught.value.line <= expected_line


def test_crisis_reply_without_lines_is_refused(tmp_path: Path) -> None:
    data = yaml.safe_load(REAL_FILE.read_text(encoding="utf-8"))
    replies = data["replies"]
    replies["crisis"] = [m.replace("{lines}", "call someone") for m in replies["crisis"]]
    _copy_with(tmp_path, {"replies": replies})
    with pytest.raises(ContentError, match=r"\{lines\}"):
        load_resources(tmp_path)


def test_missing_plan_step_is_refused(tmp_path: Path) -> None:
    data = yaml.safe_load(REAL_FILE.read_text(encoding="utf-8"))
    _copy_with(tmp_path, {"safety_plan": data["safety_plan"][:4]})
    with pytest.raises(ContentError, match="safety plan needs exactly these steps"):
        load_resources(tmp_path)
