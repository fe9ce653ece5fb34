"""Drafts on the practical path (moving on, sharing work, children or a home), read by the real model."""

from __future__ import annotations

import pytest

from bot.understanding.model import Model
from dialogs.kit import Kit
from tests.driver import Conversation


def _moving_on_sharing_work(kit: Kit) -> Conversation:
    conv = Conversation(kit)
    conv.onboard(shares="Yes, we share")
    conv.state = conv.state.model_copy(update={"track": "moving_on"})
    assert conv.state.contact_forbidden
    return conv


def _draft(conv: Conversation, model: Model, text: str) -> str:
    conv.command("draft")
    assessment, understanding = model.read(text)
    return "\n".join(r.text for r in conv.say(text, assessment, understanding))


@pytest.mark.parametrize(
    "draft",
    [
        "Arjun can we talk once before the wedding. just 10 min in the cafeteria after 6, I need closure",
        "Namaste aunty, sorry to disturb. kindly meet me once and give me one chance, please dont tell Arjun",
        "I miss you so much. Can we try again? Please at least answer me this time",
    ],
)
def test_a_draft_about_the_two_of_you_is_not_polished(model: Model, kit: Kit, draft: str) -> None:
    """A trial: moving on from an engaged ex she works with, her drafts asking him (and his mother)
    for one more chance were reviewed for style and called "only the timing"."""
    conv = _moving_on_sharing_work(kit)
    said = _draft(conv, model, draft)
    assert said == kit.content.text("draft_not_practical")
    assert "Review another" not in conv.labels()


def test_a_work_message_is_still_read(model: Model, kit: Kit) -> None:
    conv = _moving_on_sharing_work(kit)
    said = _draft(conv, model, "Hi Arjun, the build for release 4.2 is ready for testing. Can you sign off by Friday?")
    assert kit.content.text("draft_not_practical") not in said and "Review another" in conv.labels()


def test_after_a_refused_draft_the_next_words_are_heard_as_themselves(model: Model, kit: Kit) -> None:
    """A replay of the trial: "is it normal I cant eat?" typed after the refusal was refused again,
    as another draft."""
    conv = _moving_on_sharing_work(kit)
    _draft(conv, model, "Arjun can we talk once before the wedding, just 10 min. I need closure")
    text = "is it normal I cant eat? since 3 weeks I am hardly eating anything"
    assessment, understanding = model.read(text)
    said = "\n".join(r.text for r in conv.say(text, assessment, understanding))
    entry = next(e for e in kit.content.faq if e.id == "eating_and_sleep")
    assert kit.content.text("draft_not_practical") not in said and entry.answer[0][:40] in said


def test_should_i_send_it_under_a_review_is_a_question_not_a_draft(model: Model, kit: Kit) -> None:
    """A trial: "its for his mother not him. should I send it?" was reviewed as a new draft."""
    conv = Conversation(kit)
    conv.onboard()
    jacket = "Hi, I found your blue jacket in my car. I can leave it at the front desk tomorrow if that works."
    _draft(conv, model, jacket)
    said = "\n".join(r.text for r in conv.say("should I send it?"))
    assert said == kit.content.text("draft_send_question") and "Review another" in conv.labels()


def test_a_kind_goodbye_to_the_ex_is_reviewed_not_met_with_the_crisis_reply(model: Model, kit: Kit) -> None:
    """Development drafts like this drew the full crisis reply: one draft in five drew the reply or
    the question. A goodbye is what a message to an ex often is."""
    conv = Conversation(kit)
    conv.onboard()
    draft = "I think it's best if we stop talking for a while. I wish you nothing but good things. Take care."
    said = _draft(conv, model, draft)
    assert not conv.state.crisis_active and conv.screen == "draft" and "Review another" in conv.labels()
    assert kit.content.text("letter_lean") in said


def test_a_goodbye_note_in_a_draft_still_gets_the_crisis_reply(model: Model, kit: Kit) -> None:
    conv = Conversation(kit)
    conv.onboard()
    note = "this is the last thing you'll hear from me. by the time you read this i'll be gone. i'm sorry"
    _draft(conv, model, note)
    assert conv.state.crisis_active or conv.screen == "safety.ask"


def test_wont_send_it_under_a_review_is_not_another_draft(model: Model, kit: Kit) -> None:
    """A trial: "yeah nah wont send it. just bloody angry" was reviewed and told "Send it when it has to go"."""
    conv = Conversation(kit)
    conv.onboard()
    _draft(conv, model, "Hi, I found your blue jacket in my car. I can leave it at the front desk tomorrow.")
    said = "\n".join(r.text for r in conv.say("yeah nah wont send it. just bloody angry"))
    assert said == kit.content.text("draft_not_sending") and conv.screen != "draft"
