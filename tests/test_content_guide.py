"""The guide, tracks, FAQ and check-in texts in content/: real properties of the shipped files."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from dialogs.content import CONTENT_DIR, Content, FaqEntry, load_content

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
ALLOWED_PLACEHOLDERS = {"day", "days", "name"}


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content()


def _lesson_texts(content: Content) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for lesson in content.lessons.values():
        for version in (lesson, lesson.moving_on, lesson.harmed):
            if version is None:
                continue
            for text in (*version.texts, version.question, version.task or "", version.practice or ""):
                if text:
                    out.append((lesson.id, text))
    return out


def match_faq(text: str, faq: list[FaqEntry]) -> FaqEntry | None:
    """Simplest reasonable matcher: most keywords found as whole words wins, earlier entry on a tie."""
    said = text.lower().replace("\u2019", "'")
    best: FaqEntry | None = None
    best_score = 0
    for entry in faq:
        score = sum(1 for kw in entry.keywords if re.search(rf"(?<!\w){re.escape(kw)}(?!\w)", said))
        if score > best_score:
            best, best_score = entry, score
    return best


def _ids(sections) -> list[str]:  # type: ignore[no-untyped-def]
    return [lesson_id for section in sections for lesson_id in section.lessons]


def _reconnect(content: Content) -> list[str]:
    return _ids(content.tracks.reconnect.sections)


def _moving_on(content: Content) -> list[str]:
    return _ids(content.tracks.moving_on.sections)


def test_every_phase_has_its_own_file() -> None:
    files = sorted((CONTENT_DIR / "guide").glob("*.yaml"))
    assert [f.name for f in files] == [
        "01-reflect.yaml",
        "02-space.yaml",
        "03-self.yaml",
        "04-communication.yaml",
        "05-reconnect.yaml",
        "06-rebuild.yaml",
        "07-let-go.yaml",
    ]


def test_every_outline_topic_has_a_lesson_on_each_track(content: Content) -> None:
    assert {content.lessons[i].topic for i in _reconnect(content)} == set(range(1, 19))
    wanted_on_moving_on = set(range(1, 19)) - {4, 8, 9, 10, 11, 12, 13, 14}  # topics about reconnecting
    assert wanted_on_moving_on <= {content.lessons[i].topic for i in _moving_on(content)}


def test_every_lesson_is_on_some_track(content: Content) -> None:
    assert sorted(set(content.lessons) - {*_reconnect(content), *_moving_on(content)}) == []


def test_moving_on_never_coaches_contact_nor_talks_of_reconnecting(content: Content) -> None:
    assert [i for i in _moving_on(content) if content.lessons[i].contact_coaching] == []
    reconnecting = re.compile(r"both of you|get back together|reconnect|win (them|him|her) back|the answer is no", re.I)
    for section in content.tracks.moving_on.sections:
        assert not reconnecting.search(section.intro), section.id
        for lesson_id in section.lessons:
            text = content.lessons[lesson_id].text_for("moving_on")
            for message in (*text.texts, text.question, text.task or "", text.practice or ""):
                assert not reconnecting.search(message), f"{lesson_id}: {message}"


def test_contact_coaching_waits_for_no_contact_to_end(content: Content) -> None:
    before = _ids(content.tracks.reconnect.before)
    assert [i for i in before if content.lessons[i].contact_coaching] == []
    after = [content.tracks.reconnect.reach_out, *content.tracks.reconnect.branches.values()]
    coaching = {i for i in _ids(after) if content.lessons[i].contact_coaching}
    assert {"first_message", "apology", "friendship_first", "past_issues", "rebuild_trust", "new_habits"} <= coaching


def test_the_reconnect_path_branches_on_what_happened(content: Content) -> None:
    branches = content.tracks.reconnect.branches
    assert set(branches) == {"no_reply", "warm", "cool", "together", "let_go"}
    assert content.tracks.reconnect.reach_out.lessons[-1] == "first_message"
    assert {"past_issues", "rebuild_trust", "new_habits"} <= set(branches["together"].lessons)
    assert not any(content.lessons[i].contact_coaching for i in branches["let_go"].lessons)


def test_limited_contact_is_only_for_people_who_share_a_life(content: Content) -> None:
    assert content.lessons["limited_contact"].needs == "shares_life"
    assert "limited_contact" in _moving_on(content) and "limited_contact" in _reconnect(content)


def test_the_no_contact_length_is_chosen_in_its_lesson(content: Content) -> None:
    asking = [lesson.id for lesson in content.lessons.values() if lesson.asks == "nc_length"]
    assert asking == ["no_contact_why"]


def test_lessons_before_reaching_out_have_a_practice_for_the_days_between(content: Content) -> None:
    for lesson_id in _ids(content.tracks.reconnect.before):
        assert content.lessons[lesson_id].practice, lesson_id


def test_lesson_messages_are_short_and_calm(content: Content) -> None:
    for lesson in content.lessons.values():
        assert 2 <= len(lesson.messages) <= 4, lesson.id
    for lesson_id, text in _lesson_texts(content):
        assert len(text) <= 450, f"{lesson_id}: the voice asks for short messages"
        assert "!" not in text, f"{lesson_id}: no exclamation-mark cheerfulness"


def test_no_text_promises_the_ex_will_return(content: Content) -> None:
    every = [t for _, t in _lesson_texts(content)]
    every += [m for e in content.faq for m in (*e.answer, *(e.moving_on_answer or []))]
    banned = re.compile(
        r"make (them|him|her) (miss you|jealous)|hard to get|will come back to you|win (them|him|her) back",
        re.IGNORECASE,
    )
    denied = re.compile(r"(not|n't|never)\b[^.]{0,25}$", re.IGNORECASE)  # "isn't a trick to win them back"
    offenders = [t for t in every for m in banned.finditer(t) if not denied.search(t[: m.start()])]
    assert offenders == []


OUTLINE_QUESTIONS = {
    "how_long_to_wait": ["How long should I wait before I text my ex?", "when can i contact my ex again"],
    "they_moved_on": ["What if my ex has moved on?", "my ex is already seeing someone new"],
    "still_has_feelings": ["is there a way to tell if he still has feelings for me", "does he still love me"],
    "should_i_apologise": ["Should I apologize to my ex?", "is it a good idea to say sorry for what I did"],
    "no_reply": ["what do i do if my ex doesn't reply to my messages", "She\u2019s ignoring me completely"],
    "can_it_work": ["can getting back together with an ex ever work", "will it work if we get back together"],
}

OTHER_QUESTIONS = {
    "i_slipped": "I slipped and texted him last night",
    "must_stay_in_contact": "we have kids together so I can't avoid her",
    "is_this_therapy": "are you a therapist?",
    "delete_my_data": "how do I delete my data",
    "what_is_no_contact": "what is no contact exactly",
}


@pytest.mark.parametrize(
    ("entry_id", "phrasing"),
    [(k, p) for k, ps in OUTLINE_QUESTIONS.items() for p in ps] + list(OTHER_QUESTIONS.items()),
)
def test_faq_keywords_pick_the_right_answer(content: Content, entry_id: str, phrasing: str) -> None:
    found = match_faq(phrasing, content.faq)
    assert found is not None, phrasing
    assert found.id == entry_id, f"{phrasing!r} matched {found.id}"


def test_unrelated_text_matches_no_faq(content: Content) -> None:
    assert match_faq("I made pasta for dinner and watched a film", content.faq) is None


def test_contact_coaching_faq_answers_have_a_safe_alternative(content: Content) -> None:
    by_id = {e.id: e for e in content.faq}
    for must in ("how_long_to_wait", "should_i_apologise", "no_reply", "can_it_work", "still_has_feelings"):
        assert by_id[must].contact_coaching, must
    for entry in content.faq:
        if entry.contact_coaching:
            assert entry.moving_on_answer, entry.id
            # the alternative must not repeat the contact advice it replaces
            assert set(entry.moving_on_answer).isdisjoint(entry.answer), entry.id


def test_faq_ids_and_keywords_are_unique(content: Content) -> None:
    ids = [e.id for e in content.faq]
    assert len(ids) == len(set(ids))
    for entry in content.faq:
        assert len(entry.keywords) >= 3, entry.id
        assert len(entry.keywords) == len(set(entry.keywords)), entry.id


def _checkin_strings(content: Content) -> list[str]:
    c = content.checkins
    o = c.opening
    return [
        *o.morning,
        *o.afternoon,
        *o.evening,
        *o.night,
        *o.new,
        c.mood_question,
        *(text for texts in c.mood_ack.values() for text in texts),
        c.urge_question,
        c.contact_question,
        c.note_question,
        *c.thanks,
        *c.thanks_noted,
        *c.thanks_noted_good,
        *c.low_mood_offer,
        *c.slip,
        c.slip_question,
        *(m.text for m in c.milestones),
        c.no_contact_done,
        *c.reminder,
        c.gentle_backoff,
        *c.low_mood_suggestion,
    ]


def test_checkin_placeholders_are_known_and_format(content: Content) -> None:
    for text in _checkin_strings(content):
        names = set(re.findall(r"{([^{}]*)}", text))
        assert names <= ALLOWED_PLACEHOLDERS, text
        formatted = text.format(day=7, days=30, name="Sam")
        assert "{" not in formatted and "}" not in formatted
        assert "!" not in text


def test_checkin_milestones_and_safety_texts(content: Content) -> None:
    c = content.checkins
    assert [m.day for m in c.milestones] == [1, 3, 7, 14, 21]
    assert "{days}" in c.no_contact_done
    assert len(c.opening.morning) >= 2 and len(c.reminder) >= 3
    low = " ".join(c.low_mood_suggestion).lower()
    assert "not therapy" in low and "counsellor" in low
    assert "?" not in " ".join(m.text for m in c.milestones), "the mood question follows: one question at a time"
    assert "limited" not in (" ".join(c.slip) + c.slip_question).lower(), "a slip never switches the plan"


def test_content_shares_no_sentences_with_the_seeds() -> None:
    tool = SHARED / "tools" / "seed_overlap.py"
    if not tool.exists():
        pytest.skip(f"{SHARED} is not available")
    for words in ("10", "8"):
        result = subprocess.run(
            [sys.executable, str(tool), "--words", words, str(REPO / "content")],
            capture_output=True,
            text=True,
            check=False,
            cwd=REPO,
        )
        assert result.stdout == "", result.stdout
        assert result.returncode == 0
