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

TEN = ("US", "GB", "IE", "CA", "AU", "NZ", "DE", "FR", "ES", "IN")

# Every number the file lists for the ten countries, as checked on the official pages in 2026-12.
# A kind missing for a country here means the country has no line of that kind and must fall back
# to the international directory (see test_missing_kinds_fall_back_to_the_directory).
CHECKED_NUMBERS: dict[tuple[str, str], list[str]] = {
    ("US", "emergency"): ["911"],
    ("US", "crisis"): ["988"],
    ("US", "abuse"): ["1-800-799-7233", "START to 88788"],
    ("US", "behaviour"): ["1-800-799-7233"],
    ("GB", "emergency"): ["999"],
    ("GB", "crisis"): ["116 123", "SHOUT to 85258"],
    ("GB", "abuse"): ["0808 2000 247", "0808 801 0327", "0808 802 0300"],
    ("GB", "behaviour"): ["0808 802 4040"],
    ("IE", "emergency"): ["112", "999"],
    ("IE", "crisis"): ["116 123"],
    ("IE", "abuse"): ["1800 341 900", "1800 816 588"],
    ("CA", "emergency"): ["911"],
    ("CA", "crisis"): ["988"],
    ("CA", "abuse"): ["sheltersafe.ca"],
    ("AU", "emergency"): ["000"],
    ("AU", "crisis"): ["13 11 14", "0477 13 11 14"],
    ("AU", "abuse"): ["1800 737 732", "0458 737 732"],
    ("AU", "behaviour"): ["1300 766 491"],
    ("NZ", "emergency"): ["111"],
    ("NZ", "crisis"): ["1737"],
    ("NZ", "abuse"): ["0800 733 843", "0508 744 633"],
    ("NZ", "behaviour"): ["0800 456 450"],
    ("DE", "emergency"): ["112", "110"],
    ("DE", "crisis"): ["0800 111 0 111", "0800 111 0 222"],
    ("DE", "abuse"): ["116 016", "0800 123 99 00"],
    ("FR", "emergency"): ["112", "15"],
    ("FR", "crisis"): ["3114"],
    ("FR", "abuse"): ["3919"],
    ("ES", "emergency"): ["112"],
    ("ES", "crisis"): ["024"],
    ("ES", "abuse"): ["016", "600 000 016"],
    ("IN", "emergency"): ["112"],
    ("IN", "crisis"): ["14416", "1-800-891-4416"],
}


def _lines_text(resources: SafetyResources, country: str, kind: str) -> str:
    if kind == "emergency":
        return resources.emergency(country).how
    lines = {
        "crisis": resources.crisis_lines,
        "abuse": resources.abuse_lines,
        "behaviour": resources.behaviour_lines,
    }[kind](country)
    return format_lines(lines)


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
    every = [
        line
        for c in resources.countries.values()
        for line in (c.emergency, *c.crisis, *c.abuse, *c.behaviour)
    ]
    every += [*resources.international, resources.international_emergency]
    assert len(every) >= 40
    for line in every:
        assert line.source.startswith("https://")
        assert re.fullmatch(r"20\d\d-(0[1-9]|1[0-2])", line.checked)


@pytest.mark.parametrize("country", TEN)
def test_each_of_the_ten_countries_has_its_own_emergency_number_and_crisis_line(
    resources: SafetyResources, country: str
) -> None:
    assert country in resources.countries
    assert resources.emergency(country) != resources.international_emergency
    assert resources.emergency(country).how[0].isdigit()
    assert resources.crisis_lines(country)
    assert resources.crisis_lines(country) != resources.international


@pytest.mark.parametrize(("key", "numbers"), CHECKED_NUMBERS.items(), ids=lambda v: str(v))
def test_checked_numbers_are_listed(
    resources: SafetyResources, key: tuple[str, str], numbers: list[str]
) -> None:
    country, kind = key
    text = _lines_text(resources, country, kind)
    if kind != "emergency":
        assert "findahelpline.com" not in text, f"{country} {kind} fell back to the directory"
    for number in numbers:
        assert number in text, f"{number} missing from {country} {kind}: {text!r}"


@pytest.mark.parametrize("country", TEN)
def test_missing_kinds_fall_back_to_the_directory(resources: SafetyResources, country: str) -> None:
    lines = resources.countries[country]
    for kind, own, served in (
        ("abuse", lines.abuse, resources.abuse_lines(country)),
        ("behaviour", lines.behaviour, resources.behaviour_lines(country)),
    ):
        if (country, kind) in CHECKED_NUMBERS:
            assert own and served == list(own)
        else:
            assert not own, f"{country} lists {kind} lines that this test does not check"
            assert served == resources.international


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
        ("America/Toronto", "CA"),
        ("America/Vancouver", "CA"),
        ("America/St_Johns", "CA"),
        ("Australia/Sydney", "AU"),
        ("Australia/Perth", "AU"),
        ("Pacific/Auckland", "NZ"),
        ("Europe/Berlin", "DE"),
        ("Europe/Paris", "FR"),
        ("Indian/Reunion", "FR"),
        ("Europe/Madrid", "ES"),
        ("Atlantic/Canary", "ES"),
        ("Asia/Kolkata", "IN"),
        ("Asia/Calcutta", "IN"),
        ("Asia/Tokyo", ""),
        ("Europe/Zurich", ""),
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
    assert abuse_lines("IN") == resources.international
    assert abuse_lines("IE") != resources.international
    assert abuse_lines("GB") != resources.international


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("uk", "GB"),
        ("I live in England", "GB"),
        ("northern ireland", "GB"),
        ("Ireland", "IE"),
        ("éire", "IE"),
        ("Canada", "CA"),
        ("Québec", "CA"),
        ("aus", "AU"),
        ("New Zealand", "NZ"),
        ("aotearoa", "NZ"),
        ("Deutschland", "DE"),
        ("France", "FR"),
        ("España", "ES"),
        ("espana", "ES"),
        ("India", "IN"),
        ("bharat", "IN"),
        ("US", "US"),
        ("Japan", ""),
        ("", ""),
        ("not sure", ""),
    ],
)
def test_country_for_text_recognises_names_and_aliases(
    resources: SafetyResources, text: str, country: str
) -> None:
    assert resources.country_for_text(text) == country


def test_format_lines_is_one_plain_line_each() -> None:
    text = format_lines(abuse_lines("GB"))
    assert len(text.splitlines()) == 3
    assert text.splitlines()[1] == "Men's Advice Line: call 0808 801 0327, free, weekdays"
    assert format_lines([]) == ""


def test_safety_plan_has_the_five_steps_in_order(resources: SafetyResources) -> None:
    assert tuple(step.key for step in resources.safety_plan) == PLAN_STEPS
    assert all(step.question.rstrip().endswith("?") or "?" in step.question for step in resources.safety_plan)


def test_grounding_and_breathing_are_short_steps(resources: SafetyResources) -> None:
    assert len(resources.grounding) == 5  # five senses, counting down
    for steps in (resources.grounding, resources.breathing):
        assert all(0 < len(step) < 200 for step in steps)


def test_format_lines_static_method_matches_the_function(resources: SafetyResources) -> None:
    assert resources.format_lines(crisis_lines("GB")) == format_lines(crisis_lines("GB"))


@pytest.mark.parametrize("kind", ["crisis", "attempt", "danger", "danger_by_user", "boundary", "moved_on"])
def test_replies_are_short_and_filled_in(resources: SafetyResources, kind: str) -> None:
    for country in (*TEN, "JP", ""):
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
    assert "116 016" in "\n".join(resources.reply("danger", "DE"))


def test_danger_by_user_reply_gives_behaviour_lines_not_victim_lines(resources: SafetyResources) -> None:
    gb = "\n".join(resources.reply("danger_by_user", "GB"))
    assert "0808 802 4040" in gb
    assert "0808 2000 247" not in gb
    assert "1300 766 491" in "\n".join(resources.reply("danger_by_user", "AU"))
    assert "findahelpline.com" in "\n".join(resources.reply("danger_by_user", "DE"))


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


@pytest.mark.parametrize(("plan", "name"), [("safety_plan", "safety plan"), ("staying_safe_plan", "staying-safe plan")])
def test_missing_plan_step_is_refused(tmp_path: Path, plan: str, name: str) -> None:
    data = yaml.safe_load(REAL_FILE.read_text(encoding="utf-8"))
    _copy_with(tmp_path, {plan: data[plan][:4]})
    with pytest.raises(ContentError, match=f"the {name} needs exactly these steps"):
        load_resources(tmp_path)
