"""Harm done to them that only the model read can be taken back by the person: trial 10's "He did.
He told me on a Sunday evening that he had been seeing a colleague since the spring, and he was gone
by the Wednesday" read as danger, and a woman whose husband had an affair was told for twelve days
that contact could put her at risk. Danger in plain words, or harm by the person, stands."""

from __future__ import annotations

import pytest

from dialogs.assessment import Assessment
from dialogs.model import JournalWrite
from tests.driver import Conversation

MODEL_DANGER = Assessment(danger=True, source="model")
PLAIN_DANGER = Assessment(danger=True, source="model", rule="danger")
UNDO = "That's not what happened"
AFFAIR = "He did. He told me he had been seeing a colleague since the spring, and he was gone by the Wednesday."


def _intake_with(conv: Conversation, read: Assessment, safety: str) -> None:
    conv.command("start")
    conv.tap("agree")
    conv.say("Ruth")
    conv.tap("1-6 months")
    conv.say(AFFAIR, read)
    for label in ("They did", "Trust", "Done", "No contact", "^No$"):
        if conv.screen.startswith("intake.") and any(label.strip("^$") in b for b in conv.labels()):
            conv.tap(label)
    conv.tap(safety)
    if safety != "None of these":
        conv.tap("Done")
    conv.tap("Toronto" if "Toronto" in conv.labels() else "New York")
    conv.tap("Canada")
    conv.tap("20:00")


def test_none_of_these_at_intake_sets_aside_harm_only_the_model_read(kit):
    conv = Conversation(kit)
    _intake_with(conv, MODEL_DANGER, "None of these")
    assert "danger" not in conv.state.flags and conv.state.track == "reconnect"
    assert kit.content.text("danger_set_aside") in "\n".join(r.text for r in conv.history)
    assert conv.state.profile.ended_by == "them", "'He did. He told me...' is not 'I did'"


@pytest.mark.parametrize(("read", "safety"), [(MODEL_DANGER, "Threats"), (PLAIN_DANGER, "None of these")])
def test_harm_ticked_or_said_in_plain_words_stands(kit, read, safety):
    conv = Conversation(kit)
    _intake_with(conv, read, safety)
    assert "danger" in conv.state.flags and conv.state.track == "moving_on"
    assert UNDO not in conv.labels()


def test_harm_only_the_model_read_can_be_taken_back_with_its_button(kit):
    conv = Conversation(kit)
    conv.onboard()
    assert conv.screen == "guide.lesson"
    words = "sad and angry. he left for someone from work and told me on a sunday night"
    said = "\n".join(r.text for r in conv.say(words, MODEL_DANGER))
    assert "contact could put you" in said and UNDO in conv.labels() and conv.state.contact_forbidden
    said = "\n".join(r.text for r in conv.tap(UNDO))
    assert said.startswith(kit.content.text("danger_undone"))
    assert not conv.state.contact_forbidden and conv.state.track == "reconnect"
    written = [e.text for e in conv.effects if isinstance(e, JournalWrite)]
    assert written == [words], "the lesson's answer is kept where it was typed"


def test_harm_only_the_model_read_can_be_taken_back_in_words(kit):
    conv = Conversation(kit)
    conv.onboard()
    conv.say("he left for someone from work and told me on a sunday night", MODEL_DANGER)
    conv.tap("Continue")
    said = "\n".join(r.text for r in conv.say("I think you misread me. Graham has never been violent, he simply left."))
    assert said.startswith(kit.content.text("danger_undone"))
    assert "danger" not in conv.state.flags and conv.state.track == "reconnect"


def test_a_reading_denied_with_a_just_about_something_else_is_taken_back(kit):
    """Trial 29: "wait what?? no hes not dangerous, he is just LATE. he never hurt me" heard "It counts",
    as if she were playing harm down."""
    conv = Conversation(kit)
    conv.onboard(shares="Yes")
    conv.say("he keeps showing up late to handovers", MODEL_DANGER)
    conv.tap("Continue")
    said = "\n".join(r.text for r in conv.say("wait what?? no hes not dangerous, he is just LATE. he never hurt me"))
    assert said.startswith(kit.content.text("danger_undone")) and "It counts" not in said
    assert "danger" not in conv.state.flags


def test_a_correction_does_not_undo_harm_said_in_plain_words(kit):
    conv = Conversation(kit)
    conv.onboard()
    conv.say("he hit me last night", PLAIN_DANGER)
    conv.tap("Continue")
    conv.say("you misread me, he was never violent before that")
    assert "danger" in conv.state.flags and conv.state.track == "moving_on"


MODEL_BOTH = Assessment(danger=True, boundary=True, source="model")
SPACE = "he did. said he needs space and his parents will never accept me"


def test_a_boundary_read_beside_harm_can_be_taken_back_once_the_harm_is(kit):
    # A trial's student at intake: both were read from one sentence; she took back the harm, and the
    # boundary stayed with "it stays in place from now on", no way back offered.
    conv = Conversation(kit)
    conv.command("start")
    conv.tap("agree")
    conv.say("Ananya")
    conv.tap("1-6 months")
    conv.say(SPACE, MODEL_BOTH)
    assert conv.state.contact_forbidden and "They didn't ask that" not in conv.labels()
    said = "\n".join(r.text for r in conv.say("no u got it all wrong. rohan is not dangerous"))
    assert said.startswith(kit.content.text("danger_undone")) and "danger" not in conv.state.flags
    assert "boundary" in conv.state.flags, "the boundary is taken back only when they say so"
    conv.tap("Trust")
    for label in ("Done", "No contact", "^No$", "None of these", "New York", "India", "20:00"):
        conv.tap(label)
    assert conv.screen == "guide.lesson"
    route = "\n".join(r.text for r in conv.history[-6:])
    assert kit.content.text("boundary_check") in route, "the way back comes with the route"
    said = "\n".join(r.text for r in conv.say("he never said that, he just needs space"))
    assert said.startswith(kit.content.text("boundary_undone"))
    assert conv.state.track == "reconnect" and not conv.state.contact_forbidden


def test_one_message_can_take_back_both_readings(kit):
    conv = Conversation(kit)
    conv.onboard()
    conv.say(SPACE, MODEL_BOTH)
    said = "\n".join(r.text for r in conv.say("what?? he never said no contact. nobody is in danger"))
    assert said.startswith(kit.content.text("boundary_undone"))
    assert not conv.state.flags and conv.state.track == "reconnect"


def test_harm_taken_back_after_work_leaves_the_boundary_with_its_way_back(kit):
    conv = Conversation(kit)
    conv.onboard()
    conv.say(SPACE, MODEL_BOTH)
    said = "\n".join(r.text for r in conv.say("he was never violent, not once"))
    assert kit.content.text("boundary_check") in said and conv.state.contact_forbidden
    said = "\n".join(r.text for r in conv.say("he never asked for no contact, he just needs space"))
    assert said.startswith(kit.content.text("boundary_undone")) and conv.state.track == "reconnect"
