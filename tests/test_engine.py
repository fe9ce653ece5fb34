"""The engine on its own: pure, deterministic, no adapter, driven as a person would."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from dialogs.assessment import Assessment, CrisisZone, Understanding
from dialogs.calendar import no_contact_ends_on
from dialogs.dates import human_date
from dialogs.model import DataRequest, JournalWrite, Reply
from dialogs.pacing import Plan
from dialogs.screens import SCREENS
from dialogs.state import UserState
from tests.driver import START, Conversation

OUTCOME_ANSWERS = {
    "first": "^No reply yet$",
    "no_reply": "^Still nothing$",
    "warm": "trying again",
    "cool": "Still cool",
}


def walk_days(
    conv: Conversation, days: int, *, outcome: dict[str, str] | None = None, extra: int = 0
) -> list[list[str]]:
    """Live `days` days as a person would: the check-in, today's step, an answer now and then,
    `extra` more steps a day, and an answer whenever the guide asks what happened.

    Returns the lessons opened on each day."""
    answers = {**OUTCOME_ANSWERS, **(outcome or {})}
    per_day: list[list[str]] = []
    for day in range(days):
        before = list(conv.state.guide.read)
        conv.command("today")
        for _ in range(4):  # what happened after reaching out may be asked before the step
            if conv.screen != "guide.outcome":
                break
            conv.tap(answers[str(conv.state.data.get("moment"))])
            if conv.screen == "guide.outcome" or conv.screen.startswith("guide.lesson"):
                continue
            conv.command("today")
        if conv.screen == "guide.lesson":
            if "30 days" in conv.labels():
                conv.tap("30 days")
            elif day % 2 == 0:
                conv.say(f"my honest answer on day {day}")
            else:
                conv.tap("Skip the question")
        for _ in range(extra):
            more = next((label for label in conv.labels() if label.startswith("One more step")), None)
            if more is None:
                break
            conv.tap(more)
            conv.tap("30 days" if "30 days" in conv.labels() else "Skip the question")
        per_day.append([i for i in conv.state.guide.read if i not in before])
        conv.advance(days=1)
    return per_day


def test_consent_comes_first(kit):
    conv = Conversation(kit)
    replies = conv.say("hello?")
    text = "\n".join(r.text for r in replies)
    assert "not a therapist" in text and "18" in text and "/sos" in text
    assert conv.labels() == ["I'm 18+ and I agree", "What do you keep?", "Not now"]


def _before(kit) -> list[str]:
    return [
        i
        for section in kit.content.tracks.reconnect.before
        for i in section.lessons
        if i != "limited_contact"
    ]


def test_the_lessons_before_reaching_out_are_spread_over_no_contact(kit):
    conv = Conversation(kit)
    conv.onboard()
    assert conv.state.track == "reconnect" and conv.state.profile.timezone == "Europe/London"
    days = walk_days(conv, 29)
    opened = [i for day in days for i in day]
    assert opened == _before(kit)[1:], (
        "in order, nothing twice, limited contact only for people who share a life"
    )
    assert all(len(day) <= 1 for day in days), "one new step a day by default"
    assert sum(1 for day in days if day) >= 15, "something new on most days"
    assert not any(kit.content.lessons[i].contact_coaching for i in conv.state.guide.read)


def test_reaching_out_opens_when_no_contact_ends_then_asks_what_happened(kit):
    conv = Conversation(kit)
    conv.onboard()
    walk_days(conv, 29)
    days = walk_days(conv, 3)
    assert [i for day in days for i in day] == ["ready_to_reach_out", "apology", "first_message"]
    conv.command("today")
    assert conv.screen == "guide.outcome"
    assert "Not sent yet" in conv.labels() and "They asked me to stop" in conv.labels()


@pytest.mark.parametrize(
    ("answer", "first_lesson"),
    [
        ("No reply yet", "no_reply"),
        ("They replied warmly", "friendship_first"),
        ("replied, but coolly", "cool_reply"),
    ],
)
def test_each_answer_opens_its_branch(kit, answer, first_lesson):
    conv = Conversation(kit)
    conv.onboard()
    walk_days(conv, 32)
    conv.command("today")
    replies = conv.tap(answer)
    assert conv.state.guide.read[-1] == first_lesson
    assert conv.screen == "guide.lesson"
    # The branch's intro names what happened; no acknowledgement before it says the same again.
    intro = next(s.intro for s in _branch_sections(kit) if first_lesson in s.lessons)
    assert replies[0].text.startswith(intro)
    assert not any(r.text.startswith(("Thank you for", "I'm glad it went well")) for r in replies)


def _branch_sections(kit):
    return kit.content.tracks.reconnect.branches.values()


def test_a_branch_chosen_when_no_step_can_open_is_acknowledged(kit):
    conv = Conversation(kit)
    conv.onboard()
    walk_days(conv, 32)
    conv.command("today")
    conv.tap("No reply yet")
    conv.advance(days=7)
    conv.command("today")
    assert conv.screen == "guide.outcome"
    # Today's three steps already read (the first and two extra), so no new one can open now.
    local_today = conv.now.astimezone(ZoneInfo(conv.state.profile.timezone)).date()
    conv.state.guide.new_on, conv.state.guide.new_today = local_today, 3
    replies = conv.tap("replied warmly")
    assert replies[0].text.startswith(kit.content.text("branch_warm", 0))
    assert conv.state.guide.branch == "warm"


def test_no_text_offers_one_more_step_without_the_button(kit):
    conv = Conversation(kit)
    conv.onboard()
    walk_days(conv, 40, extra=1)
    offers = [r for r in conv.history if re.search(r"one more step|or one more\?", r.text, re.IGNORECASE)]
    assert offers, "the walk should meet the offer"
    for reply in offers:
        labels = [b.label for row_ in reply.buttons for b in row_]
        assert any(label.startswith("One more step") for label in labels), reply.text


def test_no_extra_step_is_offered_for_hours_after_a_crisis_reply(kit):
    """Trial 17: back from /sos at 02:15, the blade box just put away, she was asked "Rest for today,
    or one more step?"."""
    from dialogs.assessment import Assessment, CrisisZone

    conv = Conversation(kit)
    conv.onboard()
    conv.tap("Skip the question")
    assert any(label.startswith("One more step") for label in conv.labels()), "offered on an ordinary day"
    conv.say("the old habit is calling, i took out the blade box", Assessment(crisis=CrisisZone.ACT, source="model"))
    conv.tap("I'm safe now, go on")
    conv.tap("Today's step")
    offers = [b.label for r in conv.history[-3:] for row_ in r.buttons for b in row_]
    assert not any(label.startswith("One more step") for label in offers)
    assert "or one more" not in conv.text().casefold()
    conv.advance(hours=13)
    conv.command("today")
    if "Skip it" in conv.labels():
        conv.tap("Skip it")
    labels = [b.label for r in conv.history[-2:] for row_ in r.buttons for b in row_]
    assert any(label.startswith("One more step") for label in labels), "the next day it is offered again"


def test_nothing_new_today_offers_one_more_only_when_one_more_can_open(kit):
    conv = Conversation(kit)
    conv.onboard()
    conv.tap("Skip the question")
    conv.tap("Done for today")
    conv.command("today")
    if "Skip it" in conv.labels():  # the day's practice, if one came first
        conv.tap("Skip it")
    said = conv.command("today")
    text = "\n".join(r.text for r in said)
    assert "Nothing new today" in text
    assert ("ask for one more" in text) == ("One more step now" in conv.labels())
    local_today = conv.now.astimezone(ZoneInfo(conv.state.profile.timezone)).date()
    conv.state.guide.new_on, conv.state.guide.new_today = local_today, 3  # today's three are read
    text = "\n".join(r.text for r in conv.command("today"))
    assert "Nothing new today" in text and "ask for one more" not in text
    assert "One more step now" not in conv.labels()


def test_weeks_of_waiting_bring_varied_practices_and_count_the_weeks(kit):
    conv = Conversation(kit)
    conv.onboard()
    walk_days(conv, 32)
    given: list[tuple[int, str]] = []
    for day in range(28):
        conv.command("today")
        if conv.screen == "guide.outcome":
            conv.tap(OUTCOME_ANSWERS[str(conv.state.data.get("moment"))])
        practice = conv.state.data.get("practice") if conv.screen == "guide.today" else None
        if practice:
            given.append((day, str(practice)))
        conv.advance(days=1)
    assert len(given) >= 14, given
    last: dict[str, int] = {}
    for day, lesson_id in given:
        assert lesson_id not in last or day - last[lesson_id] >= 7, (lesson_id, last[lesson_id], day)
        last[lesson_id] = day
    asked = [r.text for r in conv.history if "since you told me they hadn't replied" in r.text]
    assert [t.split(" since")[0] for t in asked[:2]] == ["It's been about a week", "It's been two weeks"]


def _to_the_readiness_question(kit) -> Conversation:
    conv = Conversation(kit)
    conv.onboard()
    for _ in range(40):
        conv.command("today")
        if conv.screen == "guide.lesson" and conv.state.data.get("lesson") == "ready_to_reach_out":
            return conv
        if conv.screen == "guide.lesson":
            conv.tap("30 days" if "30 days" in conv.labels() else "Skip the question")
        conv.advance(days=1)
    raise AssertionError("the readiness question never came")


def test_not_calm_enough_to_reach_out_waits_a_week(kit):
    conv = _to_the_readiness_question(kit)
    assert [b for b in conv.labels() if b.isdigit()] == [str(n) for n in range(1, 11)]
    replies = conv.tap("^4$")
    assert "another week" in replies[0].text
    for _ in range(6):
        conv.advance(days=1)
        conv.command("today")
        assert conv.screen != "guide.lesson" or conv.state.data.get("lesson") != "apology"
        assert not any(label.startswith("One more step") for label in conv.labels())
    conv.advance(days=1)
    conv.command("today")
    assert conv.state.guide.read[-1] == "apology"


def test_one_more_while_the_step_waits_for_calm_says_so(kit):
    """Trial 21: "one more", the day her calm was a 5, got "That's three new steps today, the most
    I'll give in a day"; she had read one."""
    conv = _to_the_readiness_question(kit)
    conv.tap("^5$")
    said = "\n".join(r.text for r in conv.say("one more"))
    must_say(kit, said, ("more_held",))
    assert "three new steps" not in said


def test_calm_enough_goes_on_the_next_day_and_a_typed_number_counts(kit):
    conv = _to_the_readiness_question(kit)
    replies = conv.say("prob an 8 tbh")
    assert replies[0].text.startswith("8 out of 10")
    conv.advance(days=1)
    conv.command("today")
    assert conv.state.guide.read[-1] == "apology"


def test_couple_lessons_open_only_when_they_are_talking_again(kit):
    conv = Conversation(kit)
    conv.onboard()
    walk_days(conv, 32)
    together = set(kit.content.tracks.reconnect.branches["together"].lessons)
    walk_days(conv, 6, outcome={"first": "replied warmly", "warm": "Not yet"})
    assert not together & set(conv.state.guide.read), "still slow: no couple lessons"
    walk_days(conv, 12, outcome={"first": "replied warmly", "warm": "trying again"})
    assert {"past_issues", "rebuild_trust"} <= set(conv.state.guide.read)


def test_they_asked_me_to_stop_moves_to_moving_on_for_good(kit):
    conv = Conversation(kit)
    conv.onboard()
    walk_days(conv, 32)
    conv.command("today")
    conv.tap("asked me to stop")
    assert "boundary" in conv.state.flags and conv.state.track == "moving_on"
    assert conv.screen == "guide.lesson"
    assert not kit.content.lessons[conv.state.guide.read[-1]].contact_coaching


def test_they_are_with_someone_new_respects_it(kit):
    conv = Conversation(kit)
    conv.onboard()
    walk_days(conv, 32)
    conv.command("today")
    conv.tap("with someone new")
    assert "moved_on" in conv.state.flags
    assert "Switch to moving on" in conv.labels()


def test_no_reply_for_weeks_offers_letting_go_first(kit):
    conv = Conversation(kit)
    conv.onboard()
    walk_days(conv, 32)
    walk_days(conv, 22, outcome={"first": "No reply yet", "no_reply": "Still nothing"})
    conv.command("today")
    if conv.screen != "guide.outcome":
        conv.advance(days=7)
        conv.command("today")
    assert conv.screen == "guide.outcome"
    assert conv.labels()[0] == "I'm ready to let go"
    conv.tap("ready to let go")
    assert conv.state.guide.read[-1] == kit.content.tracks.reconnect.branches["let_go"].lessons[0]


def test_one_more_step_at_most_two_extra_a_day(kit):
    conv = Conversation(kit)
    conv.onboard()
    conv.advance(days=1)
    days = walk_days(conv, 2, extra=5)
    assert [len(day) for day in days] == [3, 3]
    assert "One more step" not in conv.labels()


def test_the_no_contact_length_is_chosen_in_its_lesson(kit):
    conv = Conversation(kit)
    conv.onboard()
    for _ in range(10):
        conv.advance(days=1)
        conv.command("today")
        if conv.state.data.get("lesson") == "no_contact_why":
            break
    assert conv.labels()[:4] == ["21 days", "30 days", "45 days", "60 days"]
    conv.say("honestly no idea, i just miss him so much")  # words, not a length: kept, and asked again
    assert conv.screen == "guide.lesson" and conv.labels()[:4] == ["21 days", "30 days", "45 days", "60 days"]
    assert any(e.text.startswith("honestly no idea") for e in conv.effects if type(e).__name__ == "JournalWrite")
    said = "\n".join(r.text for r in conv.say("is 21 days enough"))  # trial 32: taken for the choice
    how_long = next(e for e in kit.content.faq if e.id == "how_long_to_wait")
    assert said.startswith(how_long.answer[0]) and conv.state.no_contact.days == 30
    conv.tap("Back")
    assert conv.labels()[:4] == ["21 days", "30 days", "45 days", "60 days"]
    said = "\n".join(r.text for r in conv.tap("45 days"))
    assert conv.state.no_contact.days == 45 and "45 days" in said


def test_returning_shows_one_line_not_the_whole_lesson(kit):
    conv = Conversation(kit)
    conv.onboard()
    lesson = kit.content.lessons[conv.state.guide.read[-1]]
    conv.command("sos")
    replies = conv.tap("Back")
    said = "\n".join(r.text for r in replies)
    assert lesson.title in said and lesson.messages[0] not in said
    assert len(replies) == 1


@pytest.mark.parametrize(
    ("contact", "safety", "flag"),
    [
        ("blocked me everywhere", "None of these", "boundary"),
        ("asked me not to contact", "None of these", "boundary"),
        ("someone new", "None of these", "moved_on"),
        ("No contact", "Violence", "danger"),
        ("No contact", "Threats", "danger"),
        ("No contact", "Controlling", "danger"),
        ("No contact", "protection", "danger"),
    ],
)
def test_intake_routes_to_moving_on_when_contact_must_not_be_coached(kit, contact, safety, flag):
    conv = Conversation(kit)
    conv.onboard(contact=contact, safety=safety)
    assert flag in conv.state.flags
    assert conv.state.track == "moving_on"
    walk_days(conv, 40, extra=1)
    moving_on = [
        i for s in kit.content.tracks.moving_on.sections for i in s.lessons if i != "limited_contact"
    ]
    assert conv.state.guide.read == moving_on
    coaching_text = {
        m for lesson in kit.content.lessons.values() if lesson.contact_coaching for m in lesson.messages
    }
    assert not any(r.text in coaching_text for r in conv.history)
    assert not any(r.contact_coaching for r in conv.history)


@pytest.mark.parametrize(
    ("words", "read", "contact"),
    [
        ("she told me never to contact her again", Assessment(boundary=True, source="rules", rule="boundary"), "asked"),
        ("hes already with someone else", Assessment(moved_on=True, source="model"), "new"),
    ],
)
def test_intake_does_not_ask_where_things_stand_after_being_told(kit, words, read, contact):
    """A trial: a boundary typed among the reasons was followed by "Where do things stand between
    you two right now?" with "We still talk sometimes" on offer."""
    conv = Conversation(kit)
    conv.intake_to_reasons()
    conv.say(words, read)
    if "Yes, they are" in conv.labels():  # a new partner read by the model alone is asked about first
        conv.tap("Yes, they are")
    conv.tap("Done")
    assert conv.screen == "intake.shares"
    assert kit.content.text("ask_contact") not in conv.text()
    assert conv.state.profile.contact == contact
    conv.tap("^No$")
    conv.tap("None of these")
    conv.tap("London")
    conv.tap("United Kingdom")
    conv.tap("09:00")
    assert conv.screen == "guide.lesson" and conv.state.track == "moving_on"


@pytest.mark.parametrize(
    ("typed", "shares"),
    [("same office only, different teams. I see him in cafeteria daily", True),
     ("we still live together till the lease ends", True),
     ("we have 2 classes together and the same lab", True),  # trial 18, a student
     ("no, we dont live together or work together", False)],
)
def test_a_shared_workplace_or_home_said_in_words_answers_the_shares_question(kit, typed, shares):
    """A trial: "same office only, different teams" got "Tap one of the buttons below"."""
    conv = Conversation(kit)
    conv.intake_to_contact()
    conv.tap("No contact")
    assert conv.screen == "intake.shares"
    conv.say(typed)
    assert conv.state.profile.shares_life is shares and conv.screen == "intake.safety"


@pytest.mark.parametrize(
    "typed",
    [
        "we got 2 kids week on week off. and shes got a new bloke craig living in our house",
        "we have a son, 6. and he has moved in with her now",
    ],
)
def test_children_and_a_new_partner_said_together_at_intake_are_both_heard(kit, typed):
    """A trial: "we got 2 kids week on week off. and shes got a new bloke craig living in our house"
    was taken as "we must stay in touch", and the reconnect path coached a warm opener to her."""
    conv = Conversation(kit)
    conv.intake_to_contact()
    conv.say(typed)
    assert conv.state.profile.contact == "new" and conv.state.profile.shares_life
    assert conv.screen == "intake.safety"
    conv.tap("None of these")
    conv.tap("London")
    conv.tap("United Kingdom")
    conv.tap("09:00")
    assert conv.state.track == "moving_on" and "moved_on" in conv.state.flags


@pytest.mark.parametrize(
    ("typed", "contact"),
    [("he is with her now. laura. we dont talk", "new"), ("we dont talk anymore", "none"),
     ("we didnt talk since the text... but he liked my story 2 days ago", "none")],  # trial 28
)
def test_where_things_stand_said_with_a_negation_is_not_we_still_talk(kit, typed, contact):
    """A trial: "he is with her now. laura. we dont talk" was kept as "We still talk sometimes"."""
    conv = Conversation(kit)
    conv.intake_to_contact()
    conv.say(typed)
    assert conv.state.profile.contact == contact


def test_danger_route_cannot_be_undone_with_a_button(kit):
    conv = Conversation(kit)
    conv.onboard(safety="Threats")
    conv.command("movingon")
    assert "can't" in conv.text().lower() or "not something a button" in conv.text()
    assert "Yes, switch" not in conv.labels()
    assert conv.state.track == "moving_on"


# --- every screen, every global command, unknown text and media ---------------------------------------
#
# What each screen must show when it is shown again, and what an unexpected typed line gets there.
# A text is named by its key in content/texts.yaml, by a path into the kit ("kit.content.checkins..."),
# or by a literal fragment; each must appear, in order, with only the placeholders left open.
# When a screen changes, change its line here.


@dataclass(frozen=True)
class Expect:
    shows: tuple[str, ...]  # its prompt, as a sticker brings it back
    offers: tuple[str, ...] | str  # the buttons on it, in order (or FAQ: every question, then Back)
    typed: tuple[str, ...]  # what a line of nonsense typed there gets
    then: str = ""  # the screen after that line ("": the same screen)
    typed_offers: tuple[str, ...] | str | None = None  # the buttons after it (None: the same as `offers`)


def asks(*shows: str, offers: tuple[str, ...] | str) -> Expect:
    """A screen that is answered with its buttons: typed words get "use the buttons" and the prompt again."""
    return Expect(shows, offers, ("use_buttons", *shows))


FAQ = "every FAQ question, then Back"
MENU = ("Today's step", "Check in now", "Journal", "Progress", "Questions", "Urge to text", "Read one again",
        "Settings", "Message coach", "Move on instead", "Help now")  # fmt: skip
COUNTRIES = ("✓ United Kingdom", "United States", "Ireland", "Canada", "Australia", "New Zealand", "Germany",
             "France", "Spain", "India", "Somewhere else")  # fmt: skip
OUTCOMES = ("Not sent yet", "No reply yet", "They replied warmly", "They replied, but coolly", "They asked me to stop",
            "They're with someone new")  # fmt: skip
SOS = ("A grounding exercise", "Make a safety plan", "Back")
CRISIS = ("A grounding exercise", "My safety plan", "I'm safe now, go on")
ZERO_TO_TEN = tuple(str(n) for n in range(11))
TIMES = ("08:00", "09:00", "12:30", "18:00", "20:00", "21:30", "No daily check-ins")
ZONES = ("London", "Berlin / Paris", "New York", "Chicago", "Los Angeles", "Sydney")
REASONS = ("Communication", "✓ Trust", "Different goals or values", "Constant arguments", "Growing apart",
           "Not enough independence", "Lack of intimacy", "Done")  # fmt: skip
CONTACT = ("No contact at the moment", "We still talk sometimes", "They blocked me everywhere",
           "They asked me not to contact them", "They are with someone new",
           "We must stay in touch (children, work, home)")  # fmt: skip
DANGER = ("Violence or physical harm", "Threats", "Controlling behaviour", "A protection or restraining order",
          "None of these", "Done")  # fmt: skip

SCREEN_TABLE: dict[str, Expect] = {
    "care.calm": asks("crisis_go_on", offers=("Today's step", "Menu", "Help now")),
    "checkin.contact": Expect(("kit.content.checkins.contact_question",), ("No", "Yes"),
                              typed=("kit.content.checkins.contact_question",)),
    "checkin.mood": Expect(("kit.content.checkins.mood_question",), ("1 awful", "2", "3", "4", "5 good"),
                           typed=("checkin_number", "kit.content.checkins.mood_question")),
    # Today's step was opened at intake, so the check-in's close says it is done.
    "checkin.next": asks("checkin_next_done", offers=("Menu",)),
    "checkin.note": Expect(("kit.content.checkins.note_question",), ("Skip",),
                           typed=("journal", "checkin_next_done"), then="checkin.next",
                           typed_offers=("Menu",)),
    "checkin.slip": Expect(("kit.content.checkins.slip[0]", "kit.content.checkins.slip[1]",
                            "kit.content.checkins.slip_question"), ("Restart my count", "Keep my count"),
                           typed=("slip_choice_help", "kit.content.checkins.slip_question")),
    "checkin.urge": Expect(("kit.content.checkins.urge_question",), ZERO_TO_TEN,
                           typed=("checkin_number", "kit.content.checkins.urge_question")),
    "consent": Expect(("consent_what", "consent_terms"), ("I'm 18+ and I agree", "What do you keep?", "Not now"),
                      typed=("consent_nudge",), typed_offers=("I'm 18+ and I agree", "Not now")),
    "country": Expect(("ask_country",), COUNTRIES, typed=("country_again",)),
    "crisis": Expect(("crisis_offer",), CRISIS, typed=("When you're ready, tap a button.",)),
    "delete.confirm": Expect(("delete_confirm",), ("Delete everything", "Keep my data"),
                             typed=("confirm_yes_no", "delete_confirm")),
    "draft": Expect(("draft_ask",), ("Back", "Menu"), typed=("kit.coach.spec.texts.opening",),
                    typed_offers=("Review another", "Back")),
    "faq": asks("faq_intro", offers=FAQ),
    "grounding": Expect(("kit.resources.grounding[0]",), ("Next", "Stop"), typed=("kit.resources.grounding[1]",)),
    "guide.after": Expect(("after_return",), ("Done for today", "One more step", "Menu"),
                          typed=("after_words", "after_words_note"),
                          typed_offers=("Keep it in my journal", "Done for today", "Menu")),
    "guide.lesson": Expect(("lesson_return",), ("Skip the question", "Menu", "Read it again"), typed=("journal",),
                           then="guide.after", typed_offers=("Done for today", "One more step", "Menu")),
    "guide.outcome": asks("first message", offers=OUTCOMES),
    "guide.review": asks("review_pick", offers=("Name what you feel", "Back")),
    "guide.today": Expect(("guide_next_opens",), ("One more step now", "Read one again", "Menu"),
                          typed=("after_words", "after_words_note"),
                          typed_offers=("Keep it in my journal", "One more step now", "Read one again", "Menu")),
    "intake.contact": Expect(("ask_contact",), CONTACT, typed=("pick_a_button", "ask_contact")),
    "intake.country": Expect(("ask_country",), COUNTRIES, typed=("country_again",)),
    "intake.ended_by": Expect(("ask_ended_by",), ("I did", "They did", "We both did", "It's complicated"),
                              typed=("pick_a_button", "ask_ended_by")),
    "intake.name": Expect(("ask_name",), ("Skip",), typed=("name_thanks", "ask_when"), then="intake.when",
                          typed_offers=("This week", "1-4 weeks ago", "1-6 months ago", "Longer ago")),
    "intake.reasons": Expect(("ask_reasons",), REASONS, typed=("reasons_saved",)),
    "intake.safety": Expect(("ask_safety_why", "ask_safety"), DANGER, typed=("pick_a_button",)),
    "intake.shares": Expect(("ask_shares",), ("Yes, we share one of those", "No"), typed=("pick_a_button",)),
    "intake.time": Expect(("ask_time",), TIMES, typed=("time_again",)),
    "intake.timezone": Expect(("ask_timezone",), ZONES, typed=("timezone_again",)),
    "intake.when": Expect(("ask_when",), ("This week", "1-4 weeks ago", "1-6 months ago", "Longer ago"),
                          typed=("when_again",)),
    "menu": asks("menu", offers=MENU),
    "notice": Expect(("protect_next",), ("Continue", "Help now"), typed=("notice_typed",)),
    "pause": Expect(("ask_pause",), ("A day", "Three days", "A week", "Until I'm back", "Never mind"),
                    typed=("ask_pause",)),
    "plan": Expect(("kit.resources.safety_plan[0].question",), ("Skip", "Stop for now"),
                   typed=("kit.resources.safety_plan[1].question",)),
    "restart.confirm": Expect(("restart_confirm",), ("Yes, start over", "No, keep my place"),
                              typed=("confirm_yes_no", "restart_confirm")),
    "safety.ask": Expect(("screen_question",), ("Yes", "Not sure", "No"), typed=("screen_again",)),
    "safety.by_user": Expect(("by_user_question",), ("Yes, I'm worried about that", "No, that's not it"),
                             typed=("by_user_again",)),
    "safety.moved_on": Expect(("moved_on_check",), ("Yes, they are", "No"), typed=("moved_on_no",), then="menu",
                              typed_offers=MENU),
    "settings": asks("settings", offers=("Check-in time", "Time zone", "Country for helplines", "Quiet hours",
                                         "No-contact length", "Pause", "Stop check-ins", "Back")),
    "settings.nc": Expect(("ask_nc_length",), ("21", "30", "45", "60"), typed=("ask_nc_length",)),
    "settings.quiet": asks("ask_quiet", offers=("22:00-08:00", "23:00-07:00", "21:00-09:00")),
    "settings.time": Expect(("ask_time",), TIMES, typed=("time_again",)),
    "settings.timezone": Expect(("ask_timezone",), ZONES, typed=("timezone_again",)),
    "sos": asks("sos_offer", offers=SOS),
    "track.offer": asks("offer_moving_on", offers=("Switch to moving on", "Not now")),
    "track.switch": asks("switch_to_moving_on", offers=("Yes, switch", "Stay")),
    "urge.done": asks("urge_done", offers=("Back", "Menu")),
    "urge.followup": Expect(("urge_followup",), ("I'm glad I waited", "I still want to"),
                            typed=("urge_followup_heard",), then="urge.done", typed_offers=("Back", "Menu")),
    "urge.grounding": asks("kit.resources.grounding[0]", offers=("Next", "On to writing")),
    "urge.ground": asks("urge_ground_offer", offers=("Yes, let's do it", "No, write it out")),
    "urge.strength": Expect(("urge_strength",), ZERO_TO_TEN, typed=("checkin_number", "urge_strength")),
    "urge.trigger": Expect(("urge_trigger",), ("Skip",), typed=("urge_ground_offer",), then="urge.ground",
                           typed_offers=("Yes, let's do it", "No, write it out")),
    "report.note": Expect(("report_ask",), ("Back", "Menu"), typed=("report_thanks",), then="guide.lesson"),
    "urge.unsent": Expect(("urge_unsent",), ("I'd rather not",),
                          typed=("urge_unsent_saved", "urge_distance", "urge_done"), then="urge.done",
                          typed_offers=("Back", "Menu")),
}  # fmt: skip

# The global commands answer the same from every screen; help and unknown commands leave the person
# where they were, /menu and /sos take them there.
GLOBAL_COMMANDS: dict[str, Expect] = {
    "help": Expect(("help",), ("Back", "Menu"), typed=()),
    "menu": Expect(("menu",), MENU, typed=(), then="menu"),
    "sos": Expect(("sos", "sos_offer"), SOS, typed=(), then="sos"),
    "nonsense": Expect(("unknown_command",), ("Back", "Menu"), typed=()),
}


def test_the_screen_table_covers_every_screen():
    assert set(SCREEN_TABLE) == set(SCREENS), "add the new screen to SCREEN_TABLE (or remove the old one)"


def _template(kit, ref: str) -> str:
    if ref in kit.content.texts:
        value = kit.content.texts[ref]
        assert isinstance(value, str), f"{ref} has variants: name a fragment they share instead"
        return value
    if ref.startswith("kit."):
        value = kit
        for name, index in re.findall(r"\.(\w+)|\[(\d+)\]", ref.removeprefix("kit")):
            value = getattr(value, name) if name else value[int(index)]
        return str(value)
    return ref


def must_say(kit, text: str, refs: tuple[str, ...]) -> None:
    """Each text, in order; the literal parts between its placeholders must all be there."""
    at = 0
    for ref in refs:
        for chunk in (c.strip() for c in re.split(r"\{[^}]*\}", _template(kit, ref))):
            if not chunk:
                continue
            found = text.find(chunk, at)
            assert found >= 0, f"{ref!r} is missing ({chunk[:60]!r}) from:\n{text}"
            at = found + len(chunk)


def labels(kit, offers: tuple[str, ...] | str) -> list[str]:
    if offers != FAQ:
        return list(offers)
    from dialogs.screens.faq import PAGE_SIZE

    reconnect = [e.question for e in kit.content.faq if "reconnect" in e.tracks]
    return [*reconnect[:PAGE_SIZE], "Other questions", "Back"]  # the list's first page


def _on(kit, screen: str) -> Conversation:
    conv = Conversation(kit)
    conv.onboard()
    conv.state = conv.state.model_copy(update={"screen": screen, "data": {}})
    return conv


def _said(replies: list[Reply]) -> str:
    return "\n".join(r.text for r in replies)


def _buttons(replies: list[Reply]) -> list[str]:
    return [b.label for r in replies for row in r.buttons for b in row]


def assert_prompt_again(kit, conv: Conversation, screen: str) -> None:
    """A sticker there gets the kind word about stickers and the screen's own prompt and buttons again."""
    expect = SCREEN_TABLE[screen]
    replies = conv.media("sticker")
    must_say(kit, _said(replies), ("media_sticker", *expect.shows))
    assert _buttons(replies) == labels(kit, expect.offers)
    assert conv.screen == screen


@pytest.mark.parametrize("screen", sorted(SCREENS))
@pytest.mark.parametrize("command", sorted(GLOBAL_COMMANDS))
def test_every_screen_answers_global_commands(kit, screen, command):
    conv = _on(kit, screen)
    expect = GLOBAL_COMMANDS[command]
    replies = conv.command(command)
    said = _said(replies)
    must_say(kit, said, expect.shows)
    assert _buttons(replies) == labels(kit, expect.offers)
    assert conv.screen == (expect.then or screen)
    if command == "nonsense":
        assert "/nonsense" in said
    if command == "sos":
        london = kit.resources.format_lines(kit.resources.crisis_lines("GB"))
        assert london in said, "the helplines for where the person lives"
    if not expect.then:
        assert_prompt_again(kit, conv, screen)


@pytest.mark.parametrize("screen", sorted(SCREENS))
def test_every_screen_answers_unknown_text_and_media(kit, screen):
    expect = SCREEN_TABLE[screen]
    assert_prompt_again(kit, _on(kit, screen), screen)
    conv = _on(kit, screen)
    replies = conv.say("qwzx ptr")
    must_say(kit, _said(replies), expect.typed)
    offers = expect.offers if expect.typed_offers is None else expect.typed_offers
    assert _buttons(replies) == labels(kit, offers)
    assert conv.screen == (expect.then or screen)


def test_stale_button_changes_nothing(kit):
    conv = Conversation(kit)
    conv.onboard()
    old_nonce = conv.state.nonce
    conv.tap("Skip the question")
    before = conv.state.model_dump()
    replies = conv.press("skip", nonce=old_nonce)
    assert "expired" in replies[0].text
    assert conv.state.model_dump() == before


def test_commands_bring_the_user_back_where_they_were(kit):
    conv = Conversation(kit)
    conv.onboard()
    lesson = conv.state.data["lesson"]
    conv.command("help")
    conv.tap("Back")
    assert conv.screen == "guide.lesson"
    assert conv.state.data["lesson"] == lesson
    conv.command("faq")
    conv.tap("long")
    conv.tap("Back")
    assert conv.state.data["lesson"] == lesson


def test_typed_intake_answers(kit):
    conv = Conversation(kit)
    conv.command("start")
    conv.say("yes")
    conv.say("yes")  # to "are you 18 or older?"
    conv.say("my name is alex")
    assert conv.state.profile.name == "Alex"
    conv.say("3 weeks ago")
    assert (conv.now.date() - conv.state.profile.breakup_date).days == 21
    conv.say("they ended it")
    conv.say("we kept arguing and I lied about money")
    assert {"arguments", "trust"} <= set(conv.state.profile.reasons)
    conv.tap("Done")
    conv.say("we have kids together")
    assert conv.state.profile.contact == "must"
    conv.say("no")
    conv.say("Europe/Berlin")
    assert conv.state.profile.timezone == "Europe/Berlin"
    conv.say("germany")
    assert conv.state.profile.country == "DE"
    conv.say("21:30")
    assert conv.state.checkins.time.strftime("%H:%M") == "21:30"
    assert conv.state.no_contact.limited and conv.state.profile.shares_life
    assert conv.screen == "guide.lesson"


def test_restart_asks_first(kit):
    conv = Conversation(kit)
    conv.onboard()
    walk_days(conv, 3)
    read = list(conv.state.guide.read)
    conv.command("restart")
    conv.tap("No, keep")
    assert conv.state.guide.read == read
    conv.command("restart")
    conv.tap("Yes, start over")
    assert conv.state.guide.read == ["emotions_name"], "the first step again, today"


def test_faq_answers_questions_in_the_users_own_words(kit):
    conv = Conversation(kit)
    conv.onboard()
    conv.command("menu")
    replies = conv.say("how long should I wait before I text my ex?")
    assert "30" in " ".join(r.text for r in replies)


def test_faq_never_coaches_contact_for_a_boundary_user(kit):
    conv = Conversation(kit)
    conv.onboard(contact="asked me not to contact")
    coaching = [e for e in kit.content.faq if e.contact_coaching]
    assert coaching
    for entry in coaching:
        conv.command("faq")
        conv.press(f"q:{entry.id}")
        said = conv.text()
        assert all(message not in said for message in entry.answer)


def test_returning_after_a_week_repeats_the_disclosure(kit):
    conv = Conversation(kit)
    conv.onboard()
    conv.advance(days=8)
    conv.say("hi")
    assert "not a therapist" in conv.history[-len(conv.effects)].text or "not a therapist" in conv.text()


def test_state_round_trips_through_json(kit):
    conv = Conversation(kit)
    conv.onboard()
    walk_days(conv, 2)
    raw = conv.state.model_dump_json()
    assert UserState.model_validate_json(raw) == conv.state


def test_engine_is_deterministic(kit):
    a, b = Conversation(kit), Conversation(kit)
    for conv in (a, b):
        conv.onboard()
        walk_days(conv, 2)
        conv.say("a thought")
    assert a.state == b.state
    assert [r for r in a.history] == [r for r in b.history]


def test_replies_are_plain_text_within_limits(kit):
    conv = Conversation(kit)
    conv.onboard()
    walk_days(conv, 45, extra=1)
    for reply in conv.history:
        assert isinstance(reply, Reply)
        assert 0 < len(reply.text) <= 500, reply.text
        for row in reply.buttons:
            for button in row:
                assert len(f"{reply.nonce}|{button.value}".encode()) <= 64


def test_a_greeting_before_the_agreement_leaves_its_buttons(kit):
    conv = Conversation(kit)
    conv.say("hi")
    assert conv.screen == "consent"
    said = conv.say("hi")
    assert said and said[-1].buttons, "never a greeting with no way on"
    conv.tap("agree")
    assert conv.state.consented_at is not None


@pytest.mark.parametrize(
    ("typed", "agreed", "says"),
    [
        ("ya grand im 24 go on", True, "consent_thanks"),
        ("im 31", True, "consent_thanks"),
        ("yes im over 18, go ahead", True, "consent_thanks"),
        ("no problem, go ahead", False, "consent_age"),
        ("ok", False, "consent_age"),
        ("im under 18", False, "consent_minor"),
        ("I'm 16, is that ok?", False, "consent_minor"),
        ("17 yo", False, "consent_minor"),
        ("im not ok", False, "consent_nudge"),
        ("not now", False, "consent_declined"),
        # Trial 20: a question with an age in it is no agreement.
        ("im 52 is this for someone my age or is it for youngsters", False, "consent_any_age"),
        ("im 35 and yes i agree, is it free?", True, "consent_thanks"),
    ],
)
def test_consent_can_be_typed_and_is_never_given_by_a_minor(kit, typed: str, agreed: bool, says: str) -> None:
    conv = Conversation(kit)
    conv.command("start")
    assert conv.screen == "consent"
    conv.say(typed)
    assert (conv.state.consented_at is not None) is agreed
    must_say(kit, conv.text(), (says,))
    if not agreed:
        assert not conv.state.guide.read and conv.screen == "consent"


def test_asking_what_is_kept_before_agreeing_gets_an_answer_and_the_agreement_again(kit) -> None:
    conv = Conversation(kit)
    conv.command("start")
    conv.say("what do you keep about me")
    assert "/export" in conv.text() and "/delete" in conv.text()
    assert conv.state.consented_at is None
    conv.tap("^Back$")
    assert "I'm 18+ and I agree" in conv.labels()
    conv.say("ok")
    assert conv.state.consented_at is None, "a typed ok says nothing of age"
    assert conv.text().endswith(kit.content.text("consent_age"))
    conv.say("yes")
    assert conv.state.consented_at is not None


def test_a_typed_ok_is_asked_the_age_and_a_no_there_is_the_minor_reply(kit) -> None:
    conv = Conversation(kit)
    conv.command("start")
    conv.say("sure")
    assert conv.state.consented_at is None
    conv.tap("under 18")
    assert conv.state.consented_at is None
    must_say(kit, conv.text(), ("consent_minor",))
    typed = Conversation(kit)
    typed.command("start")
    typed.say("ok")
    typed.say("no")  # to "are you 18 or older?"
    assert typed.state.consented_at is None
    must_say(kit, typed.text(), ("consent_minor",))


def test_journal_with_a_sentence_writes_it_and_with_a_word_searches(kit):
    conv = Conversation(kit)
    conv.onboard()
    conv.command("journal", "feel like such an idiot for crying at work")
    notes = [e for e in conv.effects if type(e).__name__ == "JournalWrite"]
    assert [(n.kind, n.text) for n in notes] == [("note", "feel like such an idiot for crying at work")]
    assert kit.content.text("journal_written") in conv.text()
    conv.command("journal", "crying")
    assert not [e for e in conv.effects if type(e).__name__ == "JournalWrite"], "a word searches"
    assert any(type(e).__name__ == "DataRequest" and e.params.get("query") == "crying" for e in conv.effects)


def test_who_ended_it_is_read_from_whole_words(kit):
    conv = Conversation(kit)
    conv.command("start")
    conv.tap("agree")
    conv.say("Sam")
    conv.tap("1-4 weeks")
    conv.say("the distance killed it")  # "he" inside "the" is not an answer
    assert conv.screen == "intake.ended_by" and conv.state.profile.ended_by == ""
    conv.say("she did")
    assert conv.state.profile.ended_by == "them" and conv.screen == "intake.reasons"


def test_the_question_list_comes_a_page_at_a_time_and_every_question_can_be_reached(kit):
    from dialogs.screens.faq import PAGE_SIZE

    conv = Conversation(kit)
    conv.onboard()
    conv.command("faq")
    seen: list[str] = []
    for _ in range(10):
        labels = [b.label for b in conv.keyboard()]
        assert len(labels) <= PAGE_SIZE + 2, "a page and its way on, never the whole list at once"
        seen += [label for label in labels if label not in {"Other questions", "The first questions", "Back"}]
        if "Other questions" not in labels:
            break
        conv.tap("Other questions")
    # Sam shares nothing with the ex: the answers about children are not in his list.
    reconnect = [e.question for e in kit.content.faq if "reconnect" in e.tracks and e.needs is None]
    assert seen == reconnect
    conv.tap("The first questions")
    assert next(b.label for b in conv.keyboard()) == reconnect[0]


def test_on_moving_on_an_answer_with_a_moving_on_version_never_offers_the_switch_already_made(kit):
    """A trial on moving on (her ex engaged) was told "To switch, open the menu and tap Move on
    instead": the moving-on version was kept for answers that coach contact."""
    entry = next(e for e in kit.content.faq if e.id == "not_sure_want_back")
    assert entry.moving_on_answer and not entry.contact_coaching
    conv = Conversation(kit)
    conv.onboard(contact="someone new", shares="Yes")
    conv.command("faq")
    said = "\n".join(r.text for r in conv.tap(re.escape(entry.question)))
    assert entry.moving_on_answer[0][:50] in said and "Move on instead" not in said


def test_a_co_parent_whose_ex_has_a_new_partner_gets_the_practical_answer_not_a_go_between(kit):
    entry = next(e for e in kit.content.faq if e.id == "must_stay_in_contact")
    conv = Conversation(kit)
    conv.onboard(contact="someone new", shares="Yes")
    assert conv.state.flags == ["moved_on"] and conv.state.profile.shares_life
    conv.command("faq")
    said = "\n".join(r.text for r in conv.tap(re.escape(entry.question)))
    assert entry.answer[0][:50] in said and entry.moving_on_answer is not None
    assert entry.moving_on_answer[0][:50] not in said
    conv.state.flags = ["moved_on", "boundary"]  # the ex asked for no contact too: the careful answer
    conv.command("faq")
    said = "\n".join(r.text for r in conv.tap(re.escape(entry.question)))
    assert entry.moving_on_answer[0][:50] in said


@pytest.mark.parametrize(
    ("typed", "erased"), [("yeah", True), ("yes please", True), ("Yes, I'm sure.", True), ("nah", False)]
)
def test_are_you_sure_can_be_answered_in_words(kit, typed, erased):
    conv = Conversation(kit)
    conv.onboard()
    conv.command("delete")
    conv.say(typed)
    asked = [e for e in conv.effects if isinstance(e, DataRequest) and e.kind == "delete"]
    assert bool(asked) is erased
    if not erased:
        assert conv.screen == "guide.lesson", "back where they were"


def test_words_that_are_not_an_answer_erase_nothing_and_ask_again(kit):
    conv = Conversation(kit)
    conv.onboard()
    conv.command("delete")
    conv.say("hmm what happens to my journal")
    assert not [e for e in conv.effects if isinstance(e, DataRequest)]
    assert conv.screen == "delete.confirm" and conv.labels() == ["Delete everything", "Keep my data"]


@pytest.mark.parametrize(("typed", "when"), [("half 11", "11:30"), ("10 at night", "22:00")])
def test_a_time_said_in_words_at_the_time_question_is_the_time_not_a_command(kit, typed, when):
    conv = Conversation(kit)
    conv.onboard()
    conv.command("settings")
    conv.tap("Check-in time")
    conv.say(typed, understanding=Understanding(intent=(("progress", 0.99),), intent_bar=0.1, faq_bar=0.2))
    if typed == "half 11":  # in the morning or the evening?
        assert conv.labels() == ["11:30 in the morning", "23:30 in the evening"]
        conv.tap("in the morning")
    assert f"{conv.state.checkins.time:%H:%M}" == when
    assert not [e for e in conv.effects if isinstance(e, DataRequest)], "not /progress"


@pytest.mark.parametrize("screen", ["intake", "settings"])
def test_a_typed_time_that_could_be_morning_or_evening_is_asked_about(kit, screen):
    """A trial: "half 10", meant at night, was set to 10:30 in the morning."""
    conv = Conversation(kit)
    if screen == "intake":
        conv.intake_to_contact()
        conv.tap("No contact")
        conv.tap("^No$")
        conv.tap("None of these")
        conv.tap("London")
        conv.tap("United Kingdom")
    else:
        conv.onboard()
        conv.command("settings")
        conv.tap("Check-in time")
    before = conv.state.checkins.time
    said = conv.say("half 10")
    assert said[-1].text == kit.content.text("time_which", morning="10:30", evening="22:30")
    assert conv.state.checkins.time == before and conv.screen == f"{screen}.time"
    conv.tap("22:30 in the evening")
    assert f"{conv.state.checkins.time:%H:%M}" == "22:30"
    conv2 = Conversation(kit)
    conv2.onboard()
    conv2.command("settings")
    conv2.tap("Check-in time")
    conv2.say("half 10 at night")
    assert f"{conv2.state.checkins.time:%H:%M}" == "22:30", "words that settle it are not asked about"


@pytest.mark.parametrize(
    ("setting", "answer", "ask_key"),
    [
        ("Check-in time", "20:00", "ask_time"),
        ("Quiet hours", "23:00-07:00", "ask_quiet"),
        ("No-contact length", "45", "ask_nc_length"),
    ],
)
def test_after_a_setting_is_changed_ok_thanks_is_not_the_question_again(kit, setting, answer, ask_key):
    """A trial: "ok thanks" after the new check-in time was answered with the time question again."""
    conv = Conversation(kit)
    conv.onboard()
    where = conv.screen
    conv.command("settings")
    conv.tap(setting)
    if answer in conv.labels():
        conv.press(next(b.value for b in conv.keyboard() if b.label == answer))
    else:
        conv.say(answer)
    assert conv.screen == where
    said = conv.say("ok thanks")
    assert kit.content.text(ask_key) not in conv.text()
    assert said and said[-1].buttons, "a kind word and the way on"


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("gonna try sleep. night", "resting"),
        ("ok. thanks i guess. night for real", "resting"),
        ("i reckon im doing a bit better? laughed for real", "good_news"),
        ("did it!! 21 days. didnt even wish her on bday", "good_news"),  # trial 24
    ],
)
def test_bedtime_and_good_news_after_a_step_get_their_own_word(kit, typed: str, key: str) -> None:
    """A trial: "gonna try sleep. night" got "I haven't filed that under today's step", and "doing a
    bit better?" got "I don't have a good answer for that one"."""
    conv = Conversation(kit)
    conv.onboard()
    conv.tap("Skip the question")
    assert conv.screen == "guide.after"
    conv.say(typed, understanding=Understanding())
    said = conv.text()
    assert any(said.startswith(kit.content.text(key, n)) for n in range(2 if key == "good_news" else 1)), said
    assert kit.content.text("after_words") not in said


def _with_an_unsent_message(kit) -> Conversation:
    conv = Conversation(kit)
    conv.onboard()
    conv.to_unsent_letter()
    conv.say("i miss you so much")
    return conv


@pytest.mark.parametrize(
    ("typed", "key"),
    [("im glad i waited i guess", "urge_waited"), ("honestly i still want to send it", "urge_still"),
     ("idk, weird", "urge_followup_heard")],
)
def test_a_typed_answer_to_the_unsent_message_follow_up_is_heard(kit, typed: str, key: str) -> None:
    """A trial: "im glad i waited i guess" got "I haven't filed that"."""
    conv = _with_an_unsent_message(kit)
    conv.advance(days=1)
    conv.due("urge_followup")
    assert conv.screen == "urge.followup"
    conv.say(typed)
    assert conv.text().startswith(kit.content.text(key)) and conv.screen == "urge.done"


def test_a_check_in_over_the_unsent_message_question_leaves_it_for_the_next_day(kit) -> None:
    """Trial 27: the check-in came two minutes after "Yesterday you wrote a message you didn't send",
    and that question was never asked again."""
    conv = _with_an_unsent_message(kit)
    conv.advance(days=1)
    conv.due("urge_followup")
    assert conv.screen == "urge.followup"
    conv.due("checkin")
    assert conv.screen.startswith("checkin.")
    assert conv.state.urge_followup_on == conv.now.date() + timedelta(days=1)  # London, winter
    conv.advance(days=1)
    conv.due("urge_followup")
    assert conv.screen == "urge.followup"


@pytest.mark.parametrize(("hour", "days_on"), [(1, 0), (3, 0), (4, 1), (23, 1)])
def test_tomorrow_for_a_letter_written_in_the_small_hours_is_after_sleep(kit, hour: int, days_on: int) -> None:
    """A trial: a letter at 01:24 was told "Tomorrow I'll ask how you feel about it", and the question
    waited for the next calendar day's morning, more than 30 hours away."""
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard()
    conv.now = datetime(2026, 3, 4, hour, 24, tzinfo=UTC)  # London, on GMT
    conv.to_unsent_letter()
    conv.say("i miss you so much")
    assert conv.state.urge_followup_on == date(2026, 3, 4 + days_on)


def test_grounding_in_urge_comes_one_step_at_a_time_then_the_letter(kit) -> None:
    """A trial at urge 9, lying awake: all five grounding steps came in one message, and "Now write
    the message" straight after."""
    conv = Conversation(kit)
    conv.onboard()
    conv.command("urge")
    conv.tap("^9$")
    conv.tap("Skip")
    said = conv.tap("let's do it")
    steps = kit.resources.grounding
    assert [r.text for r in said] == [steps[0]] and conv.labels() == ["Next", "On to writing"]
    for step in steps[1:]:
        assert [r.text for r in conv.tap("^Next$")] == [step]
    said = "\n".join(r.text for r in conv.tap("^Next$"))
    assert kit.content.text("grounding_done") in said and conv.screen == "urge.unsent"
    assert kit.content.text("urge_unsent") in said


def test_the_unsent_message_follow_up_keeps_quiet_during_a_pause(kit) -> None:
    conv = _with_an_unsent_message(kit)
    conv.command("pause")
    conv.tap("Three days")
    conv.advance(days=1)
    assert not conv.due("urge_followup") and conv.state.urge_followup_on is None


def test_a_step_read_after_midnight_belongs_to_that_evening(kit) -> None:
    """A trial read her step at 00:30, and that night's check-in said "Nothing new today: your next
    step opens tomorrow". Until the small hours end, the night is the day before's."""
    conv = Conversation(kit, now=datetime(2026, 3, 2, 10, 0, tzinfo=UTC))  # London, on GMT
    conv.onboard()  # Monday's step, read at intake
    conv.say("sad and angry, mostly")
    conv.state = conv.state.model_copy(update={"track": "moving_on"})  # one new step every day
    conv.now = datetime(2026, 3, 3, 0, 30, tzinfo=UTC)  # still Monday night
    conv.command("menu")
    said = "\n".join(r.text for r in conv.tap("Today's step"))
    assert "Nothing new today: your next step opens tomorrow" in said, "Monday's step is read"
    read = len(conv.state.guide.read)
    conv.now = datetime(2026, 3, 3, 21, 0, tzinfo=UTC)  # Tuesday evening
    conv.command("menu")
    conv.tap("Today's step")
    assert len(conv.state.guide.read) == read + 1, "Tuesday's step"
    conv.say("it went ok, i think")
    conv.now = datetime(2026, 3, 4, 0, 40, tzinfo=UTC)  # Tuesday night, after midnight
    conv.command("menu")
    said = "\n".join(r.text for r in conv.tap("Today's step"))
    assert "opens tomorrow" in said and len(conv.state.guide.read) == read + 1
    conv.now = datetime(2026, 3, 4, 20, 0, tzinfo=UTC)  # Wednesday evening: a new one
    conv.command("menu")
    conv.tap("Today's step")
    assert len(conv.state.guide.read) == read + 2


def test_a_lesson_read_late_at_night_sets_its_task_for_tomorrow(kit) -> None:
    """A trial: the first lesson, read at 23:58, asked for "three times today"."""
    late = Conversation(kit, now=START.replace(hour=22, minute=50))
    late.onboard()  # London: 22:50
    assert "For tomorrow: Three times tomorrow," in late.text()
    day = Conversation(kit)
    day.onboard()
    assert "For today: Three times today," in day.text()


def test_a_thumbs_up_is_ok_and_hitting_the_sack_is_goodnight(kit) -> None:
    """A trial: 👍 got "I couldn't find any words in that", and "cheers. gonna hit the sack" got "I'm
    not sure what to do with that here"."""
    conv = Conversation(kit)
    conv.onboard()
    conv.command("menu")
    said = "\n".join(r.text for r in conv.say("👍"))
    assert said.split("\n")[0] in kit.content.texts["ok_emoji"], said
    # A nod is not thanks (trial 22: "🙂" got "You're welcome"); praying hands are.
    said = "\n".join(r.text for r in conv.say("🙂"))
    assert not said.startswith(("You're welcome", "Any time")), said
    said = "\n".join(r.text for r in conv.say("🙏"))
    assert said.startswith(("You're welcome", "Any time")), said
    conv.command("menu")
    said = "\n".join(r.text for r in conv.say("cheers. gonna hit the sack"))
    assert said.startswith(kit.content.text("resting")[:30]), said


@pytest.mark.parametrize("sound", ["ugh", "huh", "hmmm", "sigh..."])
def test_a_sound_where_nothing_was_asked_gets_a_warm_word(kit, sound: str) -> None:
    """A trial: "ugh" and "huh", just after a crisis, got "I'm not sure what to do with that here"."""
    conv = Conversation(kit)
    conv.onboard()
    conv.command("menu")
    conv.say(sound)
    assert conv.text().startswith(kit.content.text("a_sound")) and kit.content.text("use_buttons") not in conv.text()


def test_someone_telling_something_where_nothing_was_asked_is_heard(kit) -> None:
    """A trial, at 01:30: "cant sleep. he just posted a story with some girl... 5 weeks yaar" got "I'm
    not sure what to do with that here. These are your options"."""
    conv = Conversation(kit)
    conv.onboard()
    conv.command("menu")
    words = "both laughing at some beach in his story. five weeks yaar. just five weeks since it ended"
    said = "\n".join(r.text for r in conv.say(words))
    assert said.startswith(kit.content.text("heard_short")) and kit.content.text("use_buttons") not in said
    conv.tap("Keep it in my journal")
    assert [e.text for e in conv.effects if isinstance(e, JournalWrite)] == [words]
    conv.say("like just now")
    said = conv.text()
    assert any(said.startswith(kit.content.text("burst_heard", n)) for n in range(2)), said  # trial 26's bursts
    conv.advance(minutes=10)
    conv.say("blue banana")
    assert conv.text().startswith(kit.content.text("use_buttons")), "two stray words are still shown the way"


def test_signing_off_at_a_question_is_wished_a_good_rest_not_filed(kit) -> None:
    """A trial: "gonna try sleep. night", typed at intake's question on what pulled them apart, was
    saved to the journal as a reason."""
    conv2 = Conversation(kit)
    conv2.command("start")
    conv2.tap("agree")
    conv2.say("Sam")
    conv2.tap("1-4 weeks")
    conv2.tap("They did")
    assert conv2.screen == "intake.reasons"
    conv2.say("gonna try sleep. night")
    assert conv2.text() == kit.content.text("resting")
    assert not [e for e in conv2.effects if type(e).__name__ == "JournalWrite"]
    assert conv2.screen == "intake.reasons", "the question waits for them"


def test_back_on_the_read_again_list_returns_to_where_they_were(kit):
    """A trial: "Back" on the list showed the same list, and only /menu got her out."""
    conv = Conversation(kit)
    conv.onboard()
    where = conv.screen
    conv.command("review")
    assert conv.screen == "guide.review"
    said = conv.tap("^Back$")
    assert conv.screen == where
    assert kit.content.text("review_pick") not in conv.text() and said[-1].buttons


def test_todays_step_while_its_question_is_open_goes_back_to_it_not_to_a_practice(kit):
    conv = Conversation(kit)
    conv.onboard()
    conv.tap("Skip the question")
    conv.tap("Done for today")
    conv.advance(days=1)
    conv.command("today")
    lesson = kit.content.lessons[conv.state.data["lesson"]]
    assert conv.state.guide.read[-1] == lesson.id, "the day's new lesson"
    conv.advance(hours=2)
    for way_back in (lambda: conv.command("today"), lambda: (conv.command("menu"), conv.tap("Today's step"))[1]):
        way_back()
        said = conv.text()
        assert said.startswith(f'Back to "{lesson.title}"') and lesson.question in said
        assert kit.content.text("practice_intro", 0) not in said
        assert conv.screen == "guide.lesson"


@pytest.mark.parametrize("way_in", ["menu typed", "Menu tapped", "today's step typed"])
def test_nothing_of_the_guide_opens_before_the_agreement(kit, way_in):
    conv = Conversation(kit)
    conv.say("help")
    conv.say("help")
    assert "Menu" in conv.labels(), "help before agreeing offers the menu button"
    if way_in == "Menu tapped":
        conv.tap("^Menu$")
    else:
        conv.say(way_in.removesuffix(" typed"))
    assert conv.screen == "consent" and conv.state.consented_at is None
    assert "I'm 18+ and I agree" in conv.labels()
    assert not conv.state.guide.read


def test_two_messages_in_a_row_that_nothing_asked_for_are_not_met_with_the_same_lines(kit):
    """A trial: "just feel bloody useless", then "righto. just feel like a spare part with the kids
    now", each got "Thank you for telling me. I haven't filed that under today's step..."."""
    conv = Conversation(kit)
    conv.onboard()
    conv.command("pause")
    conv.tap("A day")
    conv.advance(hours=20)
    first = "\n".join(r.text for r in conv.say("just feel bloody useless"))
    assert kit.content.text("after_words_note") in first
    conv.advance(minutes=2)
    second = "\n".join(r.text for r in conv.say("righto. just feel like a spare part with the kids now"))
    assert second.startswith(kit.content.text("after_words_again"))
    assert kit.content.text("after_words_note") not in second
    said_after: list[str] = []
    for count in (3, 4):  # a read-through: "keep both messages" said to four, word for word
        conv.advance(minutes=1)
        said = conv.say(f"and another thing, number {count}")[0].text
        assert said in [kit.content.text("after_words_more", n) for n in range(3)]
        said_after.append(said)
    assert said_after[0] != said_after[1], "nor the same line twice in a row"
    conv.say("ok")  # a sound, not more words to keep
    conv.tap("Keep it in my journal")
    kept = [e.text for e in conv.effects if type(e).__name__ == "JournalWrite"]
    assert kept[-1].startswith("just feel bloody useless\nrighto. just feel like a spare part with the kids now")


def test_words_typed_while_paused_are_heard_not_taken_for_another_pause(kit):
    conv = Conversation(kit)
    conv.onboard()
    conv.command("pause")
    conv.tap("A day")
    conv.advance(hours=20)
    conv.say("its his birthday. i didnt text. im sittin here starin at me phone tho")
    said = conv.text()
    assert kit.content.text("ask_pause", 0) not in said
    assert kit.content.text("after_words", 0) in said
    assert conv.state.checkins.paused_until is not None, "still paused"


def test_settings_on_the_moving_on_path_offer_no_no_contact_length(kit):
    conv = Conversation(kit)
    conv.onboard(contact="asked me not")
    assert conv.state.contact_forbidden
    conv.command("settings")
    assert "No-contact length" not in conv.labels() and "Pause" in conv.labels()
    assert "no countdown" in conv.text()


@pytest.mark.parametrize(("typed", "days"), [("Just for the weekend please, I have the children", 3), ("a week", 7)])
def test_how_long_to_pause_can_be_said_in_words(kit, typed, days):
    conv = Conversation(kit)
    conv.onboard()
    conv.command("pause")
    conv.say(typed)
    first = conv.state.checkins.paused_until
    assert first is not None, "paused, not asked again"
    assert kit.content.text("ask_pause", 0) not in conv.text()


def test_back_on_the_step_screen_with_a_step_waiting_says_so(kit):
    """A trial: /resume said "Nothing new today: your next step opens tomorrow", and two minutes later
    the check-in said "Today's step is ready", which it was."""
    conv = Conversation(kit)
    conv.onboard()
    conv.advance(days=1)
    conv.state = conv.state.model_copy(update={"screen": "guide.today", "data": {}})
    said = "\n".join(r.text for r in conv.command("resume"))
    assert "Nothing new today" not in said and kit.content.text("checkin_next") in said
    read = len(conv.state.guide.read)
    conv.tap("Today's step")
    assert len(conv.state.guide.read) == read + 1 and conv.screen == "guide.lesson"


def test_a_time_typed_on_the_settings_screen_sets_the_check_in_time(kit):
    """A trial: "kindly prepone it to 9.45 pm" on /settings got the settings screen again, silently."""
    conv = Conversation(kit)
    conv.onboard(time="21:30")
    conv.command("settings")
    conv.say("kindly prepone it to 9.45 pm")
    assert conv.state.checkins.time is not None and f"{conv.state.checkins.time:%H:%M}" == "21:45"
    assert "21:45" in conv.text()


@pytest.mark.parametrize("typed", ["pause till monday", "until Monday please", "/pause till mon"])
def test_a_pause_until_a_weekday_ends_that_day(kit, typed):
    """A trial: "pause till monday", typed on a Thursday, was paused until Tuesday."""
    conv = Conversation(kit, now=datetime(2026, 11, 12, 17, 0, tzinfo=UTC))  # a Thursday
    conv.onboard()
    if typed.startswith("/"):
        conv.command("pause", typed.split(" ", 1)[1])
    else:
        conv.command("pause")
        conv.say(typed)
    assert conv.state.checkins.paused_until == date(2026, 11, 16)
    assert "Monday 16 November" in conv.text()


def test_how_long_typed_at_the_pause_question_is_its_answer_whatever_else_it_resembles(kit):
    """A trial: "couple of days" typed at "How long would you like a break?" opened /progress,
    the command the model read nearest."""
    conv = Conversation(kit)
    conv.onboard()
    conv.command("pause")
    near_progress = Understanding(intent=(("progress", 0.9),), faq_bar=0.5, intent_bar=0.2)
    conv.say("couple of days", understanding=near_progress)
    assert conv.state.checkins.paused_until is not None, "paused"
    assert conv.screen != "progress"


def test_when_the_next_check_in_comes_is_said_in_their_own_time(kit):
    """Trial 10: "What time will you check in with me tonight?" was filed as a lesson's answer."""
    conv = Conversation(kit)
    conv.onboard(time="20:00")
    asks = Understanding(intent=(("when_checkin", 0.9),), faq_bar=0.5, intent_bar=0.2)
    said = "\n".join(r.text for r in conv.say("when is my check in tonight", understanding=asks))
    assert "Your next check-in is today at 20:00, your time (Europe/London)" in said
    conv.command("pause", "a week")
    said = "\n".join(r.text for r in conv.say("when is my check in tonight", understanding=asks))
    assert "Your next check-in is Monday 9 March at 20:00" in said, "after the pause"


def test_a_question_filed_on_a_lesson_is_not_thanked_in_the_lessons_words(kit):
    conv = Conversation(kit)
    conv.onboard()
    lesson = kit.content.lessons[conv.state.data["lesson"]]
    question = Understanding(faq=(("when_better", 0.01),), faq_bar=0.5, intent_bar=0.5)
    conv.say("anger mostly. how do i keep handovers civil", understanding=question)
    said = conv.text()
    assert lesson.thanks not in said
    assert kit.content.text("unanswered_note", 0) in said


@pytest.mark.parametrize("typed", ["wait so is it over??", "what if she replies tho. what do i say"])
def test_a_question_alone_on_a_lesson_is_not_filed_as_its_answer(kit, typed):
    conv = Conversation(kit)
    conv.onboard()
    lesson = kit.content.lessons[conv.state.data["lesson"]]
    nothing = Understanding(faq=(("when_better", 0.01),), faq_bar=0.5, intent_bar=0.5)
    conv.say(typed, understanding=nothing)
    said = conv.text()
    assert kit.content.text("unanswered_question") in said and lesson.question in said, "its question again"
    assert not [e for e in conv.effects if type(e).__name__ == "JournalWrite"], "nothing filed"
    assert conv.screen == "guide.lesson"
    conv.say("rejected and stupid mostly", understanding=Understanding(faq_bar=0.5, intent_bar=0.5))
    assert [e.text for e in conv.effects if type(e).__name__ == "JournalWrite"] == ["rejected and stupid mostly"]


def test_a_sad_emoji_alone_gets_a_caring_word_not_a_complaint_about_words(kit):
    conv = Conversation(kit)
    conv.onboard()
    said = "\n".join(r.text for r in conv.say("😭"))
    assert kit.content.text("sad_emoji") in said and kit.content.text("nothing_to_read") not in said
    said = "\n".join(r.text for r in conv.say("🍕"))
    assert kit.content.text("nothing_to_read") in said


@pytest.mark.parametrize("words", ["stop", "Stop it", "please stop"])
def test_stop_alone_asks_how_long_a_break_to_take(kit, words):
    conv = Conversation(kit)
    conv.onboard()
    said = "\n".join(r.text for r in conv.say(words))
    assert kit.content.text("ask_pause") in said and conv.screen == "pause"
    assert "Never mind" in conv.labels()


@pytest.mark.parametrize("how", ["tap", "type"])
def test_more_questions_under_an_answer_given_on_a_lesson_opens_the_list(kit, how):
    conv = Conversation(kit)
    conv.onboard()
    conv.say("tired mostly")
    asked = Understanding(faq=(("checking_socials", 0.9),), faq_bar=0.2, intent_bar=0.2)
    conv.say("how do i stop checking his instagram", understanding=asked)
    assert "More questions" in conv.labels()
    conv.tap("More questions") if how == "tap" else conv.say("More questions")
    assert conv.screen == "faq" and kit.content.text("faq_intro") in conv.text()
    assert not [e for e in conv.effects if type(e).__name__ == "JournalWrite"], "not filed"


def test_is_this_ok_to_send_opens_the_message_coach_without_reviewing_those_words(kit):
    conv = Conversation(kit)
    conv.onboard()
    asked = Understanding(intent=(("draft", 0.9),), faq_bar=0.2, intent_bar=0.2)
    said = "\n".join(r.text for r in conv.say("is this ok to send??", understanding=asked))
    assert kit.content.text("draft_ask") in said and conv.screen == "draft"
    assert not [e for e in conv.effects if type(e).__name__ == "JournalWrite"]


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("My wife left me three weeks ago for someone from her work", ""),
        ("My wife left me. My name is Sam, by the way.", "Sam"),
        ("call me Dee please", "Dee"),
        ("im jo", "Jo"),
    ],
)
def test_a_sentence_at_the_name_question_is_not_taken_for_a_name(typed, name):
    from dialogs.screens.onboarding import clean_name

    assert clean_name(typed) == name


def test_news_of_a_reply_typed_the_same_day_brings_the_question_that_branches_now(kit):
    """A trial: "omg i sent it... and he replied like 10 mins later!! ... what do i do 😭😭", typed the
    day of the first-message lesson, got "I haven't filed that under today's step"; the question
    about what happened came the next day."""
    conv = Conversation(kit)
    conv.onboard()
    walk_days(conv, 29)
    walk_days(conv, 2)
    conv.command("today")
    assert conv.state.guide.read[-1] == "first_message" and conv.screen != "guide.outcome"
    said = conv.say("omg i sent it. and he replied like 10 mins later!! said so good to hear from you. what do i do 😭")
    assert said[0].text == kit.content.text("outcome_news", name="Sam")
    assert conv.screen == "guide.outcome" and "They replied warmly" in conv.labels()
    said = conv.tap("They replied warmly")
    assert conv.state.guide.branch == "warm"
    assert said[0].text.startswith(kit.content.text("branch_warm", 0)[:30]), "today's new step was read"
    conv.advance(days=1)
    conv.command("today")
    assert conv.state.guide.read[-1] == "friendship_first"
    conv.say("he hasnt answered since saturday")  # news again, later: asked for where they are now
    assert conv.screen == "guide.outcome" and "Yes, we're trying again" in conv.labels()

    conv.tap("Not yet, still slow")
    conv.advance(days=2)
    # Trial 19: "Lucía and I decided to try again, we are together again but slowly" was filed as a
    # note, and the couple steps waited days for the weekly question.
    said = conv.say("we had coffee for two hours and we both decided to try again, slowly")
    assert said[0].text == kit.content.text("outcome_news", name="Sam")
    assert "Yes, we're trying again" in conv.labels()
    conv.tap("Not yet, still slow")
    conv.advance(days=1)
    conv.command("checkin")
    conv.tap("^4")
    assert conv.screen == "checkin.note"
    note = "we are back together, slowly"
    conv.say(note)
    assert conv.screen == "guide.outcome", "typed at the check-in's note, the news brings the question"
    kept = [(e.kind, e.text) for e in conv.effects if type(e).__name__ == "JournalWrite"]
    assert ("checkin", note) in kept, "and the note is kept"


URGE_TONIGHT = "im back home a bit drunk 🍷🍷 and i want to text him sooo bad, just 'i miss you' is it so bad??"
# As the model read it (trial 28): every answer far under its bar.
UNSURE_OF_IT = Understanding(
    faq=(("urge_to_contact", 0.02), ("should_i_apologise", 0.004)), faq_bar=0.24, intent_bar=0.165
)


def test_an_urge_to_text_them_now_said_among_other_words_gets_the_answer_for_it(kit):
    """Trial 28, at 2am: "I'm sorry, I don't have a ready answer to that one"."""
    conv = Conversation(kit)
    conv.onboard()
    said = conv.say(URGE_TONIGHT, understanding=UNSURE_OF_IT)
    urge = next(e for e in kit.content.faq if e.id == "urge_to_contact")
    assert said[0].text.startswith(urge.answer[0]), said[0].text
    conv.advance(days=1)
    conv.due()
    conv.tap("^3")
    conv.tap("^2")
    conv.tap("^No")
    assert conv.screen == "checkin.note"
    replies = conv.say("i want to text him so bad tonight", understanding=UNSURE_OF_IT)
    offered = [b.label for r in replies for line in r.buttons for b in line]
    assert urge.question in offered, offered
    kept = [e.text for e in conv.effects if type(e).__name__ == "JournalWrite"]
    assert kept == ["i want to text him so bad tonight"], "the day's note is kept"


def test_a_reply_shouted_in_capitals_is_news_and_a_question_about_one_is_not(kit):
    """Trial 28: "HE ANSWERED 😭😭😭" was offered a place in the journal as a note."""
    conv = Conversation(kit)
    conv.onboard()
    walk_days(conv, 31)
    conv.command("today")
    assert conv.state.guide.read[-1] == "first_message"
    conv.say("has he answered? no. what if he never texts me back")
    assert conv.screen != "guide.outcome"
    said = conv.say("HE ANSWERED 😭😭😭 'Hey Lina! so happy for you, you totally deserved it'")
    assert said[0].text == kit.content.text("outcome_news", name="Sam") and conv.screen == "guide.outcome"


def test_a_week_of_quiet_after_a_warm_reply_told_in_passing_is_news(kit):
    """Trial 28: "he didnt write since tuesday. i'm trying not to overthink", a week after his warm
    reply, got "Noted in your journal", and nothing asked how it was going."""
    conv = Conversation(kit)
    conv.onboard()
    walk_days(conv, 31)
    conv.command("today")
    conv.say("he replied!! so warm")
    conv.tap("They replied warmly")
    conv.advance(days=5)
    conv.say("he didnt write since tuesday. i'm trying not to overthink 🙃")
    assert conv.screen == "guide.outcome"
    conv.tap("Not yet, still slow")
    conv.advance(days=2)
    conv.say("ok update: we're talking again every day")  # trial 32: kept in the journal
    assert conv.screen == "guide.outcome"


def test_questions_about_a_reply_and_news_before_reaching_out_are_not_taken_for_news(kit):
    conv = Conversation(kit)
    conv.onboard()
    walk_days(conv, 31)
    assert "first_message" not in conv.state.guide.read
    conv.say("he replied to my story on insta")  # before the first-message lesson: nothing to branch
    assert conv.screen != "guide.outcome"
    walk_days(conv, 1)
    conv.say("what if he doesnt reply at all")
    assert conv.screen != "guide.outcome"


def test_with_every_step_before_reaching_out_read_the_guide_says_what_opens_and_when(kit):
    """A trial: "You've read every step on your path" on day 29 of 30, and the next day the
    reaching-out part began."""
    def texts(replies: list[Reply]) -> str:
        return "\n".join(r.text for r in replies)

    conv = Conversation(kit)
    conv.onboard()
    walk_days(conv, 12, extra=2)
    today = conv.now.astimezone(ZoneInfo(conv.state.profile.timezone)).date()
    plan = Plan(conv.state, kit.content.tracks, kit.content.lessons, today)
    assert not plan.unread and plan.next_part_on() is not None
    said = texts(conv.command("today"))
    if "Skip it" in conv.labels():  # the day's practice first
        said = texts(conv.tap("Skip it"))
    assert kit.content.text("guide_all_read", name="Sam") not in said
    assert "opens" in said and "reach out" in said
    ends = no_contact_ends_on(conv.state)
    assert ends is not None and human_date(ends, today) in said, "the day no contact ends"


@pytest.mark.parametrize(
    ("typed", "contact"),
    [
        ("i blocked him but he keeps texting me from new numbers", "none"),
        ("she blocked me on everything", "blocked"),
        ("im blocked on insta and whatsapp", "blocked"),
    ],
)
def test_who_blocked_whom_is_read_the_right_way_round_at_intake(kit, typed, contact):
    """A trial: "i blocked him but he keeps texting me" was taken for "They blocked me everywhere",
    and her export said the ex had asked for no contact."""
    conv = Conversation(kit)
    conv.intake_to_contact()
    conv.say(typed)
    assert conv.state.profile.contact == contact


@pytest.mark.parametrize(
    ("typed", "ended_by"),
    [("like 5 weeks ago. i left him", "me"), ("3 weeks ago, she dumped me", "them"), ("2 months ago", "")],
)
def test_who_ended_it_said_with_the_when_is_not_asked_again(kit, typed, ended_by):
    conv = Conversation(kit)
    conv.command("start")
    conv.tap("agree")
    conv.say("Sam")
    conv.say(typed)
    if ended_by:
        assert conv.state.profile.ended_by == ended_by and conv.screen == "intake.reasons"
    else:
        assert conv.screen == "intake.ended_by"


@pytest.mark.parametrize(
    "typed",
    [
        "we have 2 kids, she wants everything through the coparenting app and only about the kids",
        "he said keep it practical from now on",
    ],
)
def test_contact_kept_to_the_children_or_the_practical_is_read_as_their_request_at_intake(kit, typed):
    """A trial's father told intake his ex wanted contact only about the children, and his plan still
    promised to 'look at the relationship itself' after the count."""
    conv = Conversation(kit)
    conv.intake_to_contact()
    conv.say(typed)
    assert conv.state.profile.contact == "asked"


@pytest.mark.parametrize("typed", ["going to try and sleep now. gn", "not today, tired", "ok bye"])
def test_stopping_for_now_where_nothing_was_asked_gets_a_kind_word(kit, typed):
    conv = Conversation(kit)
    conv.onboard()
    conv.command("menu")
    said = "\n".join(r.text for r in conv.say(typed))
    assert said == kit.content.text("resting"), said


def test_a_limited_contact_count_is_named_so_on_progress_and_in_urge(kit):
    """A trial's co-parent read "limited contact" and, in the next line, "No contact: day 5 of 30"."""
    conv = Conversation(kit)
    conv.onboard(contact="must stay in touch")
    assert conv.state.no_contact.limited
    conv.advance(days=2)
    said = "\n".join(r.text for r in conv.command("progress"))
    assert "Limited contact: day" in said and "No contact: day" not in said


def test_a_bare_report_asks_what_felt_wrong_and_files_the_answer(kit) -> None:
    """A trial: /report on its own said "thank you for flagging that" and filed an empty report."""
    conv = Conversation(kit)
    conv.onboard()
    where = conv.screen
    asked = conv.command("report")
    assert not [e for e in conv.effects if isinstance(e, DataRequest)]
    assert asked[-1].text == kit.content.text("report_ask")
    conv.say("what is the point of a lesson about hobbies when i can't sleep?")
    filed = [e for e in conv.effects if isinstance(e, DataRequest)]
    assert [(f.kind, f.params["note"]) for f in filed] == [
        ("report", "what is the point of a lesson about hobbies when i can't sleep?")
    ]
    assert kit.content.text("report_thanks") in conv.text()
    assert conv.screen == where
    conv.say("ok")
    assert not [e for e in conv.effects if isinstance(e, DataRequest)]


def test_back_from_the_report_question_files_nothing(kit) -> None:
    conv = Conversation(kit)
    conv.onboard()
    where = conv.screen
    conv.command("report")
    conv.tap("Back")
    assert not [e for e in conv.effects if isinstance(e, DataRequest)]
    assert conv.screen == where


def test_the_same_answer_to_the_next_words_is_not_given_twice(kit) -> None:
    """A trial's father, told the answer for small children, wrote "no, she's 19. she's at uni" and
    heard the same three messages again, word for word."""
    children = Understanding(faq=(("telling_the_children", 0.9),), faq_bar=0.2, intent_bar=0.2)
    conv = Conversation(kit)
    conv.onboard()
    conv.command("menu")
    entry = next(e for e in kit.content.faq if e.id == "telling_the_children")
    first = "\n".join(r.text for r in conv.say("how do I tell my daughter", understanding=children))
    assert entry.answer[0] in first
    again = conv.say("no, she's 19. she's at uni", understanding=children)
    assert [r.text for r in again] == [kit.content.text("faq_same_again")]
    assert "More questions" in conv.labels()
    conv.advance(hours=1)
    assert entry.answer[0] in "\n".join(r.text for r in conv.say("how do i tell the kids", understanding=children))


def test_not_wanting_them_back_offers_the_switch_under_the_answer(kit) -> None:
    """A trial's father, sure he did not want her back, heard "open the menu and tap Move on instead"
    and had to find it himself."""
    unsure = Understanding(faq=(("not_sure_want_back", 0.9),), faq_bar=0.2, intent_bar=0.2)
    conv = Conversation(kit)
    conv.onboard()
    conv.command("menu")
    conv.say("i don't want her back. i just want to stop feeling like this", understanding=unsure)
    assert conv.labels()[0] == "Move on instead"
    conv.tap("Move on instead")
    assert conv.screen == "track.switch"
    conv.tap("Yes, switch")
    assert conv.state.track == "moving_on"
    again = Conversation(kit)  # on the moving-on path already: no switch offered
    again.onboard()
    again.command("movingon")
    again.tap("Yes, switch")
    again.command("menu")
    again.say("not sure i ever wanted him back", understanding=unsure)
    assert "Move on instead" not in again.labels()


def test_back_never_asks_a_lesson_question_already_answered(kit) -> None:
    """A trial's father chose 30 days on "Why a no-contact period"; back from the message coach,
    after a crisis reply to his draft, he was asked "Would you like to keep 30 days?" twice more."""
    conv = Conversation(kit)
    conv.onboard()
    lesson = conv.state.data["lesson"]
    question = kit.content.lessons[lesson].text_for(conv.state.track).question
    conv.say("sad and angry mostly")
    assert conv.screen == "guide.after"
    conv.command("faq")
    conv.state = conv.state.model_copy(update={"resume_screen": "draft"})  # where a crisis reply left it
    said = "\n".join(r.text for r in conv.tap("^Back$"))
    assert question not in said and conv.screen == "guide.after"
    unanswered = Conversation(kit)  # a question still open is asked again
    unanswered.onboard()
    unanswered.command("faq")
    unanswered.state = unanswered.state.model_copy(update={"resume_screen": "draft"})
    assert question in "\n".join(r.text for r in unanswered.tap("^Back$"))


def test_a_report_that_names_harm_is_filed_after_the_safety_reply(kit) -> None:
    """A trial: "/report" then "earlier you treated me like i was the stalker... my abusive ex" got
    the danger lines, and the report was never saved."""
    conv = Conversation(kit)
    conv.onboard()
    conv.command("report")
    words = "you treated me like i was the stalker when i asked about my abusive ex"
    said = conv.say(words, Assessment(danger=True, source="model", rule="danger"))  # the rules read it too
    filed = [e for e in conv.effects if isinstance(e, DataRequest)]
    assert [(f.kind, f.params["note"]) for f in filed] == [("report", words)]
    assert said[-1].text == kit.content.text("report_thanks")
    assert kit.resources.reply("danger", "GB", "Sam")[0][:40] in "\n".join(r.text for r in said)
    assert conv.screen != "report.note"


def test_a_report_about_the_replies_is_filed_and_the_models_hunch_of_harm_in_it_is_not_acted_on(kit) -> None:
    """Trial 19: "/report the bot asks me every day the same question even when I say no, and it shows
    the emergency numbers when I only ask to stop" got the violence-against-women line, contact
    coaching closed, and the report was filed as a lesson's answer."""
    conv = Conversation(kit)
    conv.onboard()
    words = "the bot asks me every day the same question even when I say no, and it shows the numbers"
    said = conv.command("report", words, Assessment(danger=True, source="model"))
    filed = [e for e in conv.effects if isinstance(e, DataRequest)]
    assert [(f.kind, f.params["note"]) for f in filed] == [("report", words)]
    assert said[-1].text == kit.content.text("report_thanks") and len(said) == 1
    assert not conv.state.contact_forbidden and not [e for e in conv.effects if type(e).__name__ == "JournalWrite"]


def test_keeping_your_distance_speaks_to_someone_the_ex_has_hurt(kit) -> None:
    """A trial's woman, whose ex kept turning up at her work, was told "Respecting a no is also how
    you get your own peace back" and "If there's a court order, follow it to the letter"."""
    lesson = kit.content.lessons["respect_their_space"]
    assert lesson.harmed is not None
    harmed = " ".join(lesson.text_for("moving_on", harmed=True).texts)
    assert "Respecting a no" not in harmed and "record" in harmed
    assert "Respecting a no" in " ".join(lesson.text_for("moving_on").texts)
    conv = Conversation(kit)
    conv.onboard(safety="Violence")
    conv.state.guide.read = [*conv.state.guide.read, "respect_their_space"]
    conv.state = conv.state.model_copy(update={"screen": "guide.lesson", "data": {"lesson": "respect_their_space"}})
    conv.command("faq")
    said = "\n".join(r.text for r in conv.tap("^Back$"))
    assert lesson.harmed.question in said, said


def test_contact_that_has_stopped_is_not_read_as_a_shared_home(kit):
    """Trial 19: "we wrote few times about her things in the flat, but since some weeks nothing" put a
    man on limited contact for seven weeks."""
    conv = Conversation(kit)
    conv.intake_to_contact()
    conv.say("we wrote few times about her things in the flat, but since some weeks nothing")
    assert conv.state.profile.contact == "none"


def test_limited_contact_read_wrongly_can_be_put_right_in_words(kit):
    conv = Conversation(kit)
    conv.onboard(contact="must stay in touch")
    assert conv.state.no_contact.limited
    said = "\n".join(r.text for r in conv.say("we dont need to stay in touch. I want to do the normal no contact"))
    assert said.startswith(kit.content.text("shared_undone", days="30")[:40])
    assert not conv.state.no_contact.limited and not conv.state.profile.shares_life


def test_a_new_partner_confirmed_under_intake_lets_intake_finish_with_the_held_answer(kit):
    """Trial 20: "he left in september so about 5 weeks i think married 24 years", typed at "When did
    the breakup happen?", was asked about a new partner; her "yes" was offered the switch, and its
    Back went straight to the first lesson: no time zone, no check-in time, no question about the
    children they share, and her five weeks lost."""
    moved_on = Assessment(moved_on=True, source="model")
    conv = Conversation(kit)
    conv.command("start")
    conv.tap("agree")
    conv.say("Deb")
    conv.say("he left in september so about 5 weeks i think married 24 years", moved_on)
    assert conv.screen == "safety.moved_on"
    conv.say("yes he went off with a woman from his work", moved_on)
    assert conv.screen == "intake.ended_by", "the held answer was taken and intake goes on"
    assert "Switch to moving on" not in conv.labels() and "moved_on" in conv.state.flags
    # What they share is still asked, and the practical answer fits them before it is.
    entry = next(e for e in kit.content.faq if e.id == "must_stay_in_contact")
    typed = "what do i press now. i have to stay in touch with him we have 2 kids"
    answer = "\n".join(r.text for r in conv.say(typed))
    assert entry.answer[0][:50] in answer and entry.moving_on_answer is not None
    assert entry.moving_on_answer[0][:50] not in answer
    conv.tap("Back")
    conv.tap("They did")
    conv.tap("Trust")
    conv.tap("Done")
    assert conv.screen == "intake.shares"


def test_the_time_zone_asked_from_settings_comes_with_the_buttons_it_promises(kit):
    """Trial 20: "Which time zone are you in? Tap one" came from /settings with nothing to tap."""
    conv = Conversation(kit)
    conv.onboard()
    conv.command("settings")
    conv.tap("Time zone")
    assert conv.screen == "settings.timezone" and "London" in conv.labels()
    conv.tap("New York")
    assert conv.state.profile.timezone == "America/New_York"


def test_a_misspelt_command_offers_the_one_they_meant(kit):
    """Trial 20: "/chekin" got "I don't know the command" and nothing to tap."""
    conv = Conversation(kit)
    conv.onboard()
    conv.command("chekin")
    assert conv.text() == kit.content.text("unknown_command_near", command="chekin", near="checkin")
    conv.tap("/checkin")
    assert conv.screen == "checkin.mood"


def test_a_pause_asked_for_in_a_long_message_is_made_and_can_be_asked_about(kit):
    """Trial 20: "can you pause for a week im going to my sisters in whitby for a few days and then
    down to see sam at uni" was filed in her journal; back, "is this still on pause" was too."""
    conv = Conversation(kit)
    conv.onboard()
    conv.say("can you pause for a week im going to my sisters in whitby for a few days and then down to see sam")
    until = conv.state.checkins.paused_until
    assert until is not None and (until - conv.now.date()).days >= 7
    conv.advance(days=3)
    said = "\n".join(r.text for r in conv.say("back from whitby. is this still on pause"))
    assert "paused until" in said


def test_switching_to_moving_on_is_always_open(kit):
    """Trial 20: with a new partner on record but the reconnect track still set, "Yes, switch" asked
    the same question again, three times."""
    conv = Conversation(kit)
    conv.onboard()
    conv.state.flags = ["moved_on"]
    conv.command("movingon")
    conv.tap("Yes, switch")
    assert conv.state.track == "moving_on" and conv.screen != "track.switch"


@pytest.mark.parametrize("typed", ["what do i press now", "im confused", "it keeps asking me the same thing"])
def test_someone_lost_is_shown_where_they_are(kit, typed: str):
    """Trial 20: "what do i press now it keeps asking me the same thing" went to the FAQ."""
    conv = Conversation(kit)
    conv.onboard()
    conv.command("settings")
    said = conv.say(typed)
    assert said[0].text.startswith(kit.content.text("lost_here")) and conv.screen == "settings"
    assert "Time zone" in conv.labels()
    assert not [e for e in conv.effects if type(e).__name__ == "JournalWrite"]


@pytest.mark.parametrize("how", ["command", "typed"])
def test_a_report_about_being_asked_is_filed_and_the_models_crisis_reading_of_it_is_not_acted_on(kit, how) -> None:
    """Trial 21: "/report You've asked me three times if I'm suicidal when I'm just sad about my ex"
    got the full crisis reply, was filed in her journal, and the next check-in asked about "the other
    night". Crisis the rules read in a report still counts."""
    conv = Conversation(kit)
    conv.onboard()
    words = "You've asked me three times if I'm suicidal when I'm just sad about my ex"
    read = Assessment(crisis=CrisisZone.ACT, source="model")
    if how == "command":
        said = conv.command("report", words, read)
    else:
        conv.command("report")
        said = conv.say(words, read)
    assert said[-1].text == kit.content.text("report_thanks") and len(said) == 1
    assert conv.state.crisis_told_at is None and not conv.state.crisis_active
    assert not [e for e in conv.effects if type(e).__name__ == "JournalWrite"]
    in_words = Assessment(crisis=CrisisZone.ACT, source="model", rule="crisis")
    said = conv.command("report", "you ignored me when i said i want to die tonight", in_words)
    assert conv.state.crisis_active, "crisis the rules read still acts"


def _at_the_first_message(kit) -> Conversation:
    """Through no contact to the first-message step, read today."""
    conv = Conversation(kit)
    conv.onboard()
    walk_days(conv, 29)
    walk_days(conv, 2)
    conv.command("today")
    assert conv.state.guide.read[-1] == "first_message"
    return conv


def _waiting_for_a_reply(kit) -> Conversation:
    conv = _at_the_first_message(kit)
    conv.say("I sent it!")
    conv.tap("No reply yet")
    return conv


def test_saying_the_first_message_is_sent_brings_the_question_that_branches(kit):
    """Trial 21: "I sent it! The Bellbird one. Hands shaking 😅 Now what?" got "I don't have a ready
    answer"; the question came that night, from her check-in note."""
    conv = _at_the_first_message(kit)
    said = conv.say("I sent it! The Bellbird one. Hands shaking 😅 Now what?")
    assert said[0].text == kit.content.text("outcome_news", name="Sam") and conv.screen == "guide.outcome"
    conv.tap("No reply yet")
    conv.advance(days=2)
    conv.say("i sent it on monday and im still proud i did")  # on the branch, "sent" alone is no news
    assert conv.screen != "guide.outcome"


def test_ready_to_let_go_after_no_reply_brings_the_question_with_letting_go(kit):
    """Trial 21: "I think I'm ready to let go of Tom. Not angry, just done waiting." was filed as a note."""
    conv = _waiting_for_a_reply(kit)
    conv.advance(days=3)
    conv.say("I think I'm ready to let go of Tom. Not angry, just done waiting.")
    assert conv.screen == "guide.outcome" and "I'm ready to let go" in conv.labels()
    conv.tap("I'm ready to let go")
    assert conv.state.guide.branch == "let_go"


def test_asking_about_writing_again_while_waiting_gets_the_answer_on_no_reply(kit):
    """The no-reply transcript's "should i send another one just to check it arrived" and trial 21's
    "Is a second message ever ok though?" got "I don't have a ready answer"."""
    conv = _waiting_for_a_reply(kit)
    entry = next(e for e in kit.content.faq if e.id == "no_reply")
    for typed in ("should i send another one just to check it arrived", "Is a second message ever ok though?"):
        said = "\n".join(r.text for r in conv.say(typed))
        assert entry.answer[0][:40] in said, typed
        conv.advance(days=1)


def test_two_weeks_of_waiting_bring_no_practice_twice(kit):
    """The no-reply transcript: taking the latest practice each day, three weeks of waiting brought
    the same six prompts in the same order every week."""
    conv = _waiting_for_a_reply(kit)
    given: list[str] = []
    for _ in range(14):
        conv.advance(days=1)
        conv.command("today")
        practice = conv.state.data.get("practice")
        if conv.screen == "guide.today" and isinstance(practice, str):
            given.append(practice)
    assert len(given) >= 10 and len(given) == len(set(given)), given


@pytest.mark.parametrize("shares", [True, False])
def test_a_lessons_words_about_children_and_court_orders_only_reach_people_who_share_a_life(
    kit, shares: bool
) -> None:
    """Trial 22's Jordan, who shared nothing with Aoife, read "If there's a court order, follow it to
    the letter" in "Keeping your distance"."""
    conv = Conversation(kit)
    conv.onboard(shares="^Yes" if shares else "^No$")
    assert conv.state.profile.shares_life is shares
    conv.state.guide.read = [*conv.state.guide.read, "respect_their_space"]
    conv.command("review")
    said = "\n".join(r.text for r in conv.press("r:respect_their_space"))
    assert "Keeping your distance" in said
    assert ("court order" in said) is shares, said


def test_a_question_from_the_list_typed_out_is_asked_not_lost_or_expired(kit):
    """Trial 23: "what do i do about mutual friends", typed after paging through /faq, was told its
    button had expired; the same words elsewhere read as "what do i press now"."""
    conv = Conversation(kit)
    conv.onboard()
    conv.command("faq")
    while "Other questions" in conv.labels() and not any("mutual friends" in label for label in conv.labels()):
        conv.tap("Other questions")
    conv.command("menu")
    assert "what do i do about mutual friends" in conv.state.stale_labels, "its button is a retired one"
    said = "\n".join(r.text for r in conv.say("what do i do about mutual friends"))
    assert kit.content.text("button_expired") not in said and kit.content.text("lost_here") not in said


def test_harm_played_down_after_telling_of_it_hears_that_it_counts(kit):
    """Trial 23: "he never hit me or anything tho", after telling of a partner who checked her phone
    and tracked her, was filed in the journal."""
    conv = Conversation(kit)
    conv.onboard()
    conv.say("he checked my phone all the time and tracked my location", Assessment(danger=True, source="model"))
    conv.command("menu")
    said = "\n".join(r.text for r in conv.say("he never hit me or anything tho", understanding=Understanding()))
    counts = next(e for e in kit.content.faq if e.id == "does_it_count")
    assert counts.answer[0][:40] in said
    plain = Conversation(kit)
    plain.onboard()
    plain.command("menu")
    said = "\n".join(r.text for r in plain.say("he never hit me or anything tho", understanding=Understanding()))
    assert counts.answer[0][:40] not in said, "without harm told, it is not ours to name"


def test_harsh_words_about_themselves_are_answered_kindly(kit):
    """Trial 24: "im such a waste yaar, no wonder she left", late at night after the day's step, got
    "Thank you for telling me. I haven't filed that under today's step." ("thats it?")."""
    conv = Conversation(kit)
    conv.onboard()
    conv.command("menu")
    replies = conv.say("im such a waste yaar, no wonder she left", understanding=Understanding())
    said = "\n".join(r.text for r in replies)
    assert said.startswith(kit.content.text("self_blame")[:40]), said
    assert "Keep it in my journal" in conv.labels()


def test_a_review_disputed_is_owned_not_reviewed_as_a_new_draft(kit):
    """Trial 24: "blame?? where is blame in that. she actually wanted to go there, its a nice memory
    only", under a review, was reviewed as a new draft and called sarcasm."""
    conv = Conversation(kit)
    conv.onboard()
    conv.command("draft")
    conv.say("You never listened to me, you always put your friends first.")
    said = "\n".join(r.text for r in conv.say("blame?? where is blame in that. its a nice memory only"))
    assert said.startswith(kit.content.text("draft_disputed")), said


def test_news_told_near_a_question_is_met_as_news(kit):
    """Trial 24: "did it!! 21 days. didnt even wish her on bday", the end of his no contact, got the
    answer about birthdays."""
    conv = Conversation(kit)
    conv.onboard()
    conv.command("menu")
    near = Understanding(faq=(("special_days", 0.9),), faq_bar=0.26, intent_bar=0.165)
    told = "did it!! 21 days. didnt even wish her on bday"
    said = "\n".join(r.text for r in conv.say(told, understanding=near))
    assert any(said.startswith(kit.content.text("good_news", n)) for n in range(2)), said
    asked = "\n".join(r.text for r in conv.say("did it hurt this much for you on birthdays?", understanding=near))
    assert not any(asked.startswith(kit.content.text("good_news", n)) for n in range(2)), asked


def test_someone_harmed_telling_of_contact_again_hears_to_keep_a_record(kit):
    """Trial 23: "he texted again. different number again. says he just wants to sort out the car like
    adults" got "I haven't filed that under today's step"."""
    conv = Conversation(kit)
    conv.onboard()
    conv.say("he keeps turning up at my work and texting from new numbers", Assessment(danger=True, source="model"))
    conv.command("menu")
    told = "he texted again. different number again. says he just wants to sort out the car like adults"
    said = "\n".join(r.text for r in conv.say(told, understanding=Understanding()))
    assert said.startswith(kit.content.text("harm_contact_again")[:40]), said
    conv.tap("Keep it in my journal")
    assert any(getattr(e, "text", "") == told for e in conv.effects)


def test_a_practical_email_to_the_ex_is_neither_a_first_message_nor_a_new_draft_when_asked_about(kit):
    """Trial 25: a weekly email about the house sale was told "Long for a first message", and "Is that
    not a little bitter?" about its last line was reviewed as a new draft ("Several questions")."""
    conv = Conversation(kit)
    conv.onboard(shares="^Yes")
    conv.command("draft")
    email = (
        "Dear Ingrid, the viewing is confirmed for Saturday at 11:00. I will clear the cellar by Friday "
        "evening; the boxes with your mother's china are set aside, and you can collect them any day "
        "next week. For the car, I propose I keep the Passat and pay you half of the ADAC estimate, "
        "which is 9,400 euros. If you agree, I will transfer 4,700 euros by the end of the month. The estate "
        "agent will send the contract draft on Monday. Best, Klaus"
    )
    assert len(email) > 400
    said = "\n".join(r.text for r in conv.say(email, understanding=Understanding()))
    assert "Long for a first message" not in said
    question = "Really? I was not sure about the last sentence. Is that not a little bitter?"
    asked = "\n".join(r.text for r in conv.say(question))
    assert asked.startswith(kit.content.text("draft_question")), asked


@pytest.mark.parametrize(
    "words",
    [
        "I am only very sad and alone tonight and I do not know what to do with myself",
        "what am I for now? Nobody needs me for anything.",
    ],
)
def test_loneliness_said_where_nothing_asked_is_met_warmly(kit, words: str):
    """Trial 25: a lonely man, after "No" to the question about his life, got "That's a fair question,
    and I don't have a ready answer to it"."""
    conv = Conversation(kit)
    conv.onboard()
    conv.command("menu")
    said = "\n".join(r.text for r in conv.say(words, understanding=Understanding()))
    assert said.startswith(kit.content.text("lonely_now")), said
    assert "Help now" in conv.labels()


def test_todays_step_typed_opens_it_and_skips_no_question(kit):
    """Trial 23: "todays step", typed once its button had gone, was not understood."""
    conv = Conversation(kit)
    conv.onboard()
    conv.command("menu")
    today = next(i for i in kit.content.intents if i.id == "today")
    conv.say("todays step", understanding=Understanding(intent=(("today", 0.9),), intent_bar=0.165))
    assert today.action == "today" and conv.screen == "guide.lesson"


def test_what_do_i_do_after_telling_of_a_message_from_the_ex_is_about_that_message(kit):
    """Trial 30: "jas just texted me" / "hey i miss you, can we talk?" / "WHAT do i do" got "No
    problem, here's where we are", an answer about the buttons."""
    from datetime import timedelta

    conv = Conversation(kit)
    conv.onboard()
    conv.tap("Skip the question")
    conv.tap("Done for today")
    conv.advance(hours=3)
    nothing = Understanding(faq=(("how_it_works", 0.15),), faq_bar=0.26, intent_bar=0.155)
    for line in ("jas just texted me", '"hey i miss you, can we talk?"'):
        conv.now += timedelta(seconds=20)
        conv.say(line, understanding=nothing)
    conv.now += timedelta(seconds=20)
    said = "\n".join(r.text for r in conv.say("WHAT do i do", understanding=nothing))
    entry = next(e for e in kit.content.faq if e.id == "ex_keeps_contacting")
    assert said.startswith(entry.answer[0]) and kit.content.text("lost_here") not in said
    conv.advance(hours=2)
    said = "\n".join(r.text for r in conv.say("what do i do", understanding=nothing))
    assert not said.startswith(entry.answer[0]), "hours later, the words are about now"
