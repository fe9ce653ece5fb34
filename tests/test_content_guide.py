"""The guide, tracks, FAQ and check-in texts in content/: real properties of the shipped files."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from dialogs.content import CONTENT_DIR, PHASES, Content, FaqEntry, load_content

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
ALLOWED_PLACEHOLDERS = {"day", "days", "name"}


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content()


def _lesson_texts(content: Content) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for lesson in content.lessons.values():
        for text in (*lesson.messages, lesson.question, *([lesson.task] if lesson.task else [])):
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


def test_all_phases_load_with_a_sensible_number_of_lessons(content: Content) -> None:
    assert set(content.phases) == set(PHASES)
    assert 26 <= len(content.lessons) <= 34


def test_every_outline_topic_has_a_lesson_on_a_track(content: Content) -> None:
    on_tracks = [*content.tracks.reconnect, *content.tracks.moving_on]
    assert {content.lessons[i].topic for i in on_tracks} == set(range(1, 19))


def test_reconnect_track_alone_covers_the_whole_outline(content: Content) -> None:
    assert {content.lessons[i].topic for i in content.tracks.reconnect} == set(range(1, 19))


def test_every_lesson_is_on_some_track(content: Content) -> None:
    on_tracks = {*content.tracks.reconnect, *content.tracks.moving_on}
    assert sorted(set(content.lessons) - on_tracks) == []


def test_moving_on_never_coaches_contact(content: Content) -> None:
    coaching = [i for i in content.tracks.moving_on if content.lessons[i].contact_coaching]
    assert coaching == []
    # and every let-go lesson is on it, since that phase exists for this track
    let_go = {lesson.id for lesson in content.phases["let_go"].lessons}
    assert let_go <= set(content.tracks.moving_on)
    assert not any(lesson.contact_coaching for lesson in content.phases["let_go"].lessons)


def test_contact_coaching_lessons_wait_for_no_contact_to_end(content: Content) -> None:
    for lesson in content.lessons.values():
        if lesson.contact_coaching:
            assert lesson.after_no_contact, lesson.id
            assert content.lesson_phase[lesson.id] in {"reconnect", "rebuild"}, lesson.id


def test_locked_lessons_come_after_the_space_phase_on_the_reconnect_track(content: Content) -> None:
    track = content.tracks.reconnect
    space = [i for i, lid in enumerate(track) if content.lesson_phase[lid] == "space"]
    locked = [i for i, lid in enumerate(track) if content.lessons[lid].after_no_contact]
    assert space and locked
    assert min(locked) > max(space)


def test_reconnect_track_follows_the_phase_order(content: Content) -> None:
    order = [PHASES.index(content.lesson_phase[lid]) for lid in content.tracks.reconnect]
    assert order == sorted(order)
    assert content.tracks.reconnect[-1] in {lesson.id for lesson in content.phases["let_go"].lessons}


def test_lesson_messages_are_short_and_calm(content: Content) -> None:
    for lesson in content.lessons.values():
        assert 2 <= len(lesson.messages) <= 3, lesson.id
    for lesson_id, text in _lesson_texts(content):
        assert len(text) < 700, lesson_id
        assert len(text) < 500, f"{lesson_id}: voice guide asks for under 500 characters"
        assert "!" not in text, f"{lesson_id}: no exclamation-mark cheerfulness"


def test_no_text_promises_the_ex_will_return(content: Content) -> None:
    every = [t for _, t in _lesson_texts(content)]
    every += [m for e in content.faq for m in (*e.answer, *(e.moving_on_answer or []))]
    banned = re.compile(
        r"make (them|him|her) (miss you|jealous)|hard to get|will come back to you|win (them|him|her) back",
        re.IGNORECASE,
    )
    offenders = [t for t in every if banned.search(t)]
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
    return [
        *c.opening,
        c.mood_question,
        c.urge_question,
        c.contact_question,
        c.note_question,
        c.thanks,
        *c.slip,
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
    assert len(c.opening) >= 3 and len(c.reminder) >= 3
    low = " ".join(c.low_mood_suggestion).lower()
    assert "not therapy" in low and "counsellor" in low
    slip = " ".join(c.slip).lower()
    assert "restart" in slip and "carry on" in slip


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
