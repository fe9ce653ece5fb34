"""The staying-safe plan in /sos, for someone the ex frightens or harms.

Trial 23's Mei, stalked by her ex and safe from herself, found only a safety plan built for thoughts
of self-harm in /sos.
"""

from __future__ import annotations

from datetime import UTC, datetime

from dialogs.assessment import Assessment, CrisisZone
from dialogs.export import export_text, readable
from dialogs.state import UserState
from tests.driver import Conversation


def _harmed(kit) -> Conversation:
    conv = Conversation(kit)
    conv.onboard()
    conv.say("he keeps turning up outside my work", Assessment(danger=True, source="model"))
    return conv


def _labels(replies) -> list[str]:
    return [button.label for reply in replies for r in reply.buttons for button in r]


def test_someone_the_ex_harms_is_offered_the_staying_safe_plan_first(kit) -> None:
    conv = _harmed(kit)
    labels = _labels(conv.command("sos"))
    assert labels.index("Make a staying-safe plan") < labels.index("Make a safety plan")


def test_nobody_else_is_offered_it(kit) -> None:
    conv = Conversation(kit)
    conv.onboard()
    assert "Make a staying-safe plan" not in _labels(conv.command("sos"))


def test_the_plan_asks_its_own_questions_keeps_the_answers_and_shows_them_in_sos(kit) -> None:
    conv = _harmed(kit)
    conv.command("sos")
    replies = conv.tap("staying-safe plan")
    steps = kit.resources.staying_safe_plan
    said = "\n".join(r.text for r in replies)
    assert kit.content.text("stay_plan_intro") in said and steps[0].question in said
    assert "pills" not in said
    conv.say("my sister jess, she knows everything")
    conv.say("Skip")  # typed, not tapped: no answer to keep
    replies = conv.say("a notes file in my work email, he cant get into it")
    assert steps[3].question in replies[-1].text
    replies = conv.tap("Stop for now")
    said = "\n".join(r.text for r in replies)
    assert kit.content.text("stay_plan_done") in said
    assert "People who know: my sister jess" in said and "Keeping a record: a notes file" in said
    assert conv.state.safety_plan == {
        "stay_people": "my sister jess, she knows everything",
        "stay_record": "a notes file in my work email, he cant get into it",
    }
    replies = conv.command("sos")
    said = "\n".join(r.text for r in replies)
    assert "Your staying-safe plan:" in said and "Your safety plan:" not in said
    labels = _labels(replies)
    assert "Update my staying-safe plan" in labels and "Make a safety plan" in labels


def test_asking_for_a_number_in_it_gets_the_abuse_lines(kit) -> None:
    conv = _harmed(kit)
    conv.command("sos")
    conv.tap("staying-safe plan")
    replies = conv.say("which helpline number should i put?")
    assert "1-800-799-7233" in replies[0].text or "0808 2000 247" in replies[0].text, replies[0].text
    assert not conv.state.safety_plan


def test_the_export_names_each_answer_by_its_step(kit) -> None:
    state = UserState()
    state.safety_plan = {"stay_place": "my brother's in leeds, the 8:10 train", "coping": "a run"}
    rows = {"users": [{"state": state.model_dump_json()}], "journal": [], "checkins": [], "urges": []}
    text = export_text(readable(rows, UTC, kit.resources.plan_titles), datetime(2026, 4, 2).date()).decode()
    assert "Where I could go: my brother's in leeds" in text and "Things that help me: a run" in text


def test_a_plan_finished_in_the_small_hours_after_a_crisis_opens_no_new_step(kit) -> None:
    """Trial 27: Back from the safety plan at 00:57, an hour after the crisis reply, opened the next
    lesson with a task "for tomorrow"."""
    conv = Conversation(kit, now=datetime(2026, 3, 2, 23, 30, tzinfo=UTC))
    conv.onboard()  # London: the small hours there too
    conv.say("some nights i think everyone would be better off without me", Assessment(crisis=CrisisZone.ACT))
    conv.say("im safe now, not gonna do anything")
    assert not conv.state.crisis_active
    read = list(conv.state.guide.read)
    conv.command("sos")
    conv.tap("Make a safety plan")
    conv.say("late at night after drinking")
    said = "\n".join(r.text for r in conv.tap("Stop for now"))
    assert kit.content.text("plan_done_night") in said and "Back" not in conv.labels()
    assert conv.state.guide.read == read, "no new step tonight"
    conv.tap("Menu")
    assert conv.state.guide.read == read


def test_in_the_daytime_back_returns_where_they_were(kit) -> None:
    conv = Conversation(kit, now=datetime(2026, 3, 2, 13, 0, tzinfo=UTC))
    conv.onboard()
    conv.say("some nights i think everyone would be better off without me", Assessment(crisis=CrisisZone.ACT))
    conv.say("im safe now, not gonna do anything")
    conv.command("sos")
    conv.tap("Make a safety plan")
    conv.tap("Stop for now")
    assert "Back" in conv.labels() and kit.content.text("plan_done_night") not in conv.text()
