"""The engine on its own: pure, deterministic, no adapter, driven as a person would."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from dialogs.model import Reply
from dialogs.screens import SCREENS
from dialogs.state import UserState
from tests.driver import Conversation


def walk_track(conv: Conversation, *, answer_every: int = 3, limit: int = 200) -> list[str]:
    """Tap Next through the whole track, typing a reflection now and then; wait out no contact."""
    titles: list[str] = []
    for i in range(limit):
        if conv.screen == "guide.done":
            return titles
        if conv.screen == "guide.locked":
            conv.advance(days=31)
            conv.command("menu")
            conv.tap("Continue the guide")
            continue
        assert conv.screen == "guide.lesson", conv.screen
        lesson_id = conv.state.data["lesson"]
        titles.append(str(lesson_id))
        if i % answer_every == 0:
            replies = conv.say(f"my honest answer to {lesson_id}")
            assert "journal" in replies[-1].text.lower()
        conv.tap("^Next$")
    raise AssertionError("the track never ended")


def test_consent_comes_first(kit):
    conv = Conversation(kit)
    replies = conv.say("hello?")
    text = "\n".join(r.text for r in replies)
    assert "not a therapist" in text and "18" in text and "/sos" in text
    assert conv.labels() == ["I'm 18+ and I agree", "What do you keep?", "Not now"]


def test_full_reconnect_journey_reaches_the_end(kit):
    conv = Conversation(kit)
    conv.onboard()
    assert conv.state.track == "reconnect"
    assert conv.state.profile.name == "Sam"
    assert conv.state.profile.timezone == "Europe/London"
    assert conv.state.checkins.time.strftime("%H:%M") == "09:00"
    seen = walk_track(conv)
    assert seen == [lid for lid in kit.content.tracks.reconnect]
    assert conv.screen == "guide.done"
    assert "end of the guide" in conv.text()


def test_contact_lessons_wait_for_the_no_contact_period(kit):
    conv = Conversation(kit)
    conv.onboard()
    lessons = kit.content.lessons
    while conv.screen == "guide.lesson":
        conv.tap("^Next$")
    assert conv.screen == "guide.locked"
    assert "30 more" in conv.text() or "days" in conv.text()
    first_locked = kit.content.tracks.reconnect[conv.state.lesson_index]
    assert lessons[first_locked].after_no_contact
    # Nothing earlier on the track needed the period to be over.
    assert not any(
        lessons[i].after_no_contact for i in kit.content.tracks.reconnect[: conv.state.lesson_index]
    )
    conv.advance(days=30)
    conv.tap("Menu")
    conv.tap("Continue the guide")
    assert conv.screen == "guide.lesson"
    assert conv.state.data["lesson"] == first_locked


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
    seen = walk_track(conv)
    assert seen == [i for i in kit.content.tracks.moving_on]
    coaching_text = {
        m for lesson in kit.content.lessons.values() if lesson.contact_coaching for m in lesson.messages
    }
    assert not any(r.text in coaching_text for r in conv.history)
    assert not any(r.contact_coaching for r in conv.history)


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
MENU = ("Continue the guide", "Check in now", "Journal", "Progress", "Questions", "Urge to text", "Settings",
        "Move on instead", "Help now")  # fmt: skip
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
    "checkin.contact": Expect(("kit.content.checkins.contact_question",), ("No", "Yes"),
                              typed=("kit.content.checkins.contact_question",)),
    "checkin.mood": Expect(("kit.content.checkins.mood_question",), ("1 awful", "2", "3", "4", "5 good"),
                           typed=("checkin_number", "kit.content.checkins.mood_question")),
    "checkin.next": asks("checkin_next", offers=("Today's step", "Menu")),
    "checkin.note": Expect(("kit.content.checkins.note_question",), ("Skip",),
                           typed=("kit.content.checkins.thanks", "checkin_next"), then="checkin.next",
                           typed_offers=("Today's step", "Menu")),
    "checkin.slip": asks("slip_choice", offers=("Restart my count", "Carry on, limited contact")),
    "checkin.urge": Expect(("kit.content.checkins.urge_question",), ZERO_TO_TEN,
                           typed=("checkin_number", "kit.content.checkins.urge_question")),
    "consent": Expect(("consent_what", "consent_terms"), ("I'm 18+ and I agree", "What do you keep?", "Not now"),
                      typed=("consent_nudge",), typed_offers=("I'm 18+ and I agree", "Not now")),
    "crisis": Expect(("crisis_offer",), CRISIS, typed=("crisis_listening",)),
    "delete.confirm": asks("delete_confirm", offers=("Delete everything", "Keep my data")),
    "draft": Expect(("draft_ask",), ("Back", "Menu"), typed=("kit.coach.spec.texts.opening",),
                    typed_offers=("Review another", "Back")),
    "faq": Expect(("faq_intro",), FAQ, typed=("faq_no_match", "faq_intro")),
    "grounding": Expect(("kit.resources.grounding[0]",), ("Next", "Stop"), typed=("kit.resources.grounding[1]",)),
    "guide.done": asks("guide_done", offers=("Start the guide again", "Journal", "Menu")),
    "guide.lesson": Expect(("Step 1 of", "lesson_task", "lesson_question"), ("Next", "Back", "Pause", "Menu"),
                           typed=("reflection_saved",)),
    "guide.locked": asks("lesson_locked", offers=("Review a lesson", "Urge to text", "Menu")),
    "intake.contact": Expect(("ask_contact",), CONTACT, typed=("pick_a_button", "ask_contact")),
    "intake.ended_by": Expect(("ask_ended_by",), ("I did", "They did", "We both did", "It's complicated"),
                              typed=("pick_a_button", "ask_ended_by")),
    "intake.name": Expect(("ask_name",), ("Skip",), typed=("name_thanks", "ask_when"), then="intake.when",
                          typed_offers=("This week", "1-4 weeks ago", "1-6 months ago", "Longer ago")),
    "intake.reasons": Expect(("ask_reasons",), REASONS, typed=("reasons_saved",)),
    "intake.safety": Expect(("ask_safety_why", "ask_safety"), DANGER, typed=("pick_a_button",)),
    "intake.time": Expect(("ask_time",), TIMES, typed=("time_again",), typed_offers=()),
    "intake.timezone": Expect(("ask_timezone",), ZONES, typed=("timezone_again",), typed_offers=()),
    "intake.when": Expect(("ask_when",), ("This week", "1-4 weeks ago", "1-6 months ago", "Longer ago"),
                          typed=("when_again",), typed_offers=()),
    "menu": asks("menu", offers=MENU),
    "notice": asks("protect_next", offers=("Continue", "Help now")),
    "plan": Expect(("kit.resources.safety_plan[0].question",), ("Skip", "Stop for now"),
                   typed=("kit.resources.safety_plan[1].question",)),
    "restart.confirm": asks("restart_confirm", offers=("Yes, start over", "No, keep my place")),
    "settings": asks("settings", offers=("Check-in time", "Time zone", "No-contact length", "Quiet hours",
                                         "Pause 3 days", "Snooze today", "Stop check-ins", "Back")),
    "settings.nc": Expect(("ask_nc_length",), ("21", "30", "45", "60"), typed=("ask_nc_length",)),
    "settings.quiet": asks("ask_quiet", offers=("22:00-08:00", "23:00-07:00", "21:00-09:00")),
    "settings.time": Expect(("ask_time",), TIMES, typed=("time_again",), typed_offers=()),
    "settings.timezone": Expect(("ask_timezone",), ZONES, typed=("timezone_again",), typed_offers=()),
    "sos": asks("sos_offer", offers=SOS),
    "track.offer": asks("offer_moving_on", offers=("Switch to moving on", "Not now")),
    "track.switch": asks("switch_to_moving_on", offers=("Yes, switch", "Stay")),
    "urge.done": asks("urge_done", offers=("Back", "Menu")),
    "urge.followup": asks("urge_followup", offers=("I'm glad I waited", "I still want to")),
    "urge.ground": asks("urge_ground_offer", offers=("Yes, let's breathe", "No, write it out")),
    "urge.strength": Expect(("urge_strength",), ZERO_TO_TEN, typed=("checkin_number", "urge_strength")),
    "urge.trigger": Expect(("urge_trigger",), ("Skip",), typed=("urge_ground_offer",), then="urge.ground",
                           typed_offers=("Yes, let's breathe", "No, write it out")),
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
        return kit.content.texts[ref]
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
    return [e.question for e in kit.content.faq] + ["Back"] if offers == FAQ else list(offers)


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
    conv.tap("^Next$")
    before = conv.state.model_dump()
    replies = conv.press("next", nonce=old_nonce)
    assert "expired" in replies[0].text
    assert conv.state.model_dump() == before


def test_commands_bring_the_user_back_where_they_were(kit):
    conv = Conversation(kit)
    conv.onboard()
    conv.tap("^Next$")
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
    conv.say("21:30")
    assert conv.state.checkins.time.strftime("%H:%M") == "21:30"
    assert conv.state.no_contact.limited
    assert conv.screen == "guide.lesson"


def test_restart_asks_first(kit):
    conv = Conversation(kit)
    conv.onboard()
    conv.tap("^Next$")
    conv.tap("^Next$")
    conv.command("restart")
    conv.tap("No, keep")
    assert conv.state.lesson_index == 2
    conv.command("restart")
    conv.tap("Yes, start over")
    assert conv.state.lesson_index == 0


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
    conv.tap("^Next$")
    raw = conv.state.model_dump_json()
    assert UserState.model_validate_json(raw) == conv.state


def test_engine_is_deterministic(kit):
    a, b = Conversation(kit), Conversation(kit)
    for conv in (a, b):
        conv.onboard()
        conv.tap("^Next$")
        conv.say("a thought")
    assert a.state == b.state
    assert [r for r in a.history] == [r for r in b.history]


def test_replies_are_plain_text_within_limits(kit):
    conv = Conversation(kit)
    conv.onboard()
    walk_track(conv)
    for reply in conv.history:
        assert isinstance(reply, Reply)
        assert 0 < len(reply.text) <= 4000
        for row in reply.buttons:
            for button in row:
                assert len(f"{reply.nonce}|{button.value}".encode()) <= 64
