"""Check-ins in the engine: milestones, the unlock day, slips, low mood, pause and snooze."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from dialogs.assessment import Assessment, Understanding
from dialogs.pacing import Plan
from tests.driver import Conversation

NINE_LONDON = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # 09:00 in London before the clocks change


def answer_checkin(conv: Conversation, mood: int = 3, urge: int = 4, contacted: bool = False) -> None:
    conv.tap(f"^{mood}")
    if conv.screen == "safety.ask":  # a very low mood brings the direct safety question first
        conv.tap("^No$")
    conv.tap(f"^{urge}$")
    conv.tap("^Yes$" if contacted else "^No$")
    conv.tap("Skip")


def test_milestones_and_the_reconnect_phase_open_on_the_last_day(kit):
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00")
    start = conv.state.no_contact.start
    said: dict[int, str] = {}
    for day in range(1, 31):
        conv.now = datetime.combine(start + timedelta(days=day - 1), time(9, 0), ZoneInfo("Europe/London"))
        replies = conv.due()
        assert replies, f"day {day}: no check-in"
        said[day] = "\n".join(r.text for r in replies)
        answer_checkin(conv)
    milestones = {m.day: m.text for m in kit.content.checkins.milestones}
    for day, text in milestones.items():
        assert text.split("{")[0][:30] in said[day], f"day {day} milestone missing"
    assert "No contact: day 2 of 30." in said[2]
    assert kit.content.checkins.no_contact_done.split("{")[0][:30] in said[30]
    assert "?" not in said[7].split(kit.content.checkins.mood_question)[0], "one question at a time"
    conv.tap("Today's step")
    assert conv.screen == "guide.lesson"
    plan = Plan(conv.state, kit.content.tracks, kit.content.lessons, conv.now.date())
    assert "ready_to_reach_out" in plan.ids, "on the last no-contact day the reconnect lessons are open"
    assert conv.state.guide.read == ["emotions_name", "emotions_calm"], "lessons not read yet still come first"


def test_a_strong_urge_is_named_and_met_with_help_a_mild_one_is_not(kit):
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00")
    conv.now = NINE_LONDON.replace(day=3)
    conv.due()
    conv.tap("^3")
    text = "\n".join(r.text for r in conv.tap("^8$"))
    named, _, question = text.partition("\n\n")
    assert "8 out of 10" in named and "/urge" in named and "?" not in named
    assert question == kit.content.checkins.contact_question, "then the next question, alone"
    conv.tap("^No$")
    conv.tap("Skip")
    conv.now = NINE_LONDON.replace(day=4)
    conv.due()
    conv.tap("^3")
    replies = conv.tap("^3$")
    assert [r.text for r in replies] == [kit.content.checkins.contact_question]


def test_one_check_in_per_local_day_even_if_due_twice(kit):
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00")
    conv.now = NINE_LONDON
    assert conv.due()
    conv.advance(minutes=5)
    assert conv.due() == []


def test_a_slip_offers_restart_or_keep_the_count_never_limited_contact(kit):
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00")
    conv.now = NINE_LONDON.replace(day=5)
    conv.due()
    answer_checkin(conv, contacted=True)
    assert "shame" not in conv.text().lower() or "no shame" in conv.text().lower()
    assert conv.labels() == ["Restart my count", "Keep my count"]
    conv.tap("Restart my count")
    assert conv.state.no_contact.start == conv.now.date()
    assert conv.state.no_contact.slips == 1 and not conv.state.no_contact.limited
    assert conv.state.guide.started_on == datetime(2026, 3, 2).date(), "the guide keeps its own pace"


def test_keeping_the_count_changes_nothing_but_the_slip_tally(kit):
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00")
    conv.now = NINE_LONDON.replace(day=5)
    conv.due()
    answer_checkin(conv, contacted=True)
    said = "\n".join(r.text for r in conv.tap("Keep my count"))
    nc = conv.state.no_contact
    assert nc.start == datetime(2026, 3, 2).date() and nc.slips == 1 and not nc.limited
    assert "day 4 of 30" in said, "the count it keeps is named"
    assert conv.labels() == ["Today's step", "Menu"]


def test_low_mood_for_two_weeks_suggests_professional_help_once(kit):
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00")
    suggestion = kit.content.checkins.low_mood_suggestion[0]
    shown = 0
    for day in range(14):
        conv.now = datetime(2026, 3, 2 + day, 9, 0, tzinfo=UTC)
        before = len(conv.history)
        conv.due()
        answer_checkin(conv, mood=1)
        shown += sum(suggestion in r.text for r in conv.history[before:])
    assert shown == 1


def test_a_low_week_hears_the_small_offer_a_different_way_each_day(kit):
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00")
    offers = kit.content.checkins.low_mood_offer
    assert len(offers) >= 2
    heard = []
    for day in range(3):
        conv.now = datetime(2026, 3, 2 + day, 9, 0, tzinfo=UTC)
        before = len(conv.history)
        conv.due()
        answer_checkin(conv, mood=2)
        said = [offer for offer in offers for r in conv.history[before:] if offer in r.text]
        assert len(said) == 1, f"day {day}: one offer after a low check-in"
        heard.append(said[0])
    assert all(a != b for a, b in pairwise(heard)), "never the same words two days running"


def test_pause_and_snooze_skip_check_ins(kit):
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00")
    conv.command("pause", "2")
    conv.now = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    assert conv.due() == []
    conv.now = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    assert conv.due(), "pause 2 days on the 2nd means check-ins resume on the 4th"
    answer_checkin(conv)
    conv.now = datetime(2026, 3, 5, 8, 0, tzinfo=UTC)
    conv.command("snooze")
    conv.now = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
    assert conv.due() == []
    conv.command("stop")
    conv.now = datetime(2026, 3, 6, 9, 0, tzinfo=UTC)
    assert conv.due() == []


def test_draft_review_after_no_contact(kit):
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00")
    conv.advance(days=31)
    conv.now = conv.now.replace(hour=14)
    conv.command("draft", "You always ignored me. Please come back, we need to talk!! Why? When? How?")
    said = conv.text()
    assert "always" in said.lower()
    assert len([r for r in conv.effects]) <= 4


def test_a_slip_told_in_the_morning_is_not_asked_about_again_at_that_days_check_in(kit):
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00")
    conv.now = NINE_LONDON.replace(day=5, hour=7)
    conv.command("faq")
    conv.tap("I slipped and contacted them")
    assert conv.labels() == ["Restart my count", "Keep my count"], "the answer leads to the count's choice"
    said = "\n".join(r.text for r in conv.tap("Keep my count"))
    assert "day 4 of 30" in said
    conv.command("faq")
    conv.tap("I slipped and contacted them")
    assert conv.labels() == ["More questions", "Back"], "chosen once today already"

    conv.now = NINE_LONDON.replace(day=5)
    conv.due()
    conv.tap("^3")
    said = "\n".join(r.text for r in conv.tap("^4$"))
    assert kit.content.checkins.contact_question not in said, "they told me this morning"
    assert kit.content.checkins.note_question in said
    said = "\n".join(r.text for r in conv.tap("Skip"))
    assert kit.content.checkins.slip_question not in said
    assert conv.state.no_contact.slips == 1, "one slip, counted once"
    writes = [e for e in conv.effects if type(e).__name__ == "CheckinWrite"]
    assert writes and writes[-1].contacted is True, "the day's record still says they were in touch"

    conv.now = NINE_LONDON.replace(day=6)
    conv.due()
    conv.tap("^3")
    said = "\n".join(r.text for r in conv.tap("^4$"))
    assert kit.content.checkins.contact_question in said, "a new day asks again"


def test_a_check_in_time_typed_inside_quiet_hours_moves_them_and_comes_when_asked(kit):
    conv = Conversation(kit, now=datetime(2026, 3, 2, 20, 0, tzinfo=UTC))
    conv.intake_to_contact("Jo")
    for label in ("No contact", "^No$", "None of these", "London", "United Kingdom"):
        conv.tap(label)
    said = "\n".join(r.text for r in conv.say("like 11pm im never up before that"))
    prefs = conv.state.checkins
    assert prefs.time is not None and prefs.time.hour == 23
    assert (prefs.quiet_start.hour, prefs.quiet_end.hour) == (0, 8)
    assert "23:00" in said and "00:00-08:00" in said, "the move is said, not done silently"
    conv.now = datetime(2026, 3, 3, 23, 0, tzinfo=UTC)  # 23:00 in London in March
    assert conv.due(), "the check-in comes at 23:00, not the next morning"
    assert conv.screen == "checkin.mood"


def test_answers_are_kept_as_they_come_so_a_detour_loses_none_of_them(kit):
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00")
    conv.now = NINE_LONDON.replace(day=3)
    conv.due()
    written = []
    conv.tap("^2")
    written += [e for e in conv.effects if type(e).__name__ == "CheckinWrite"]
    conv.tap("^6$")
    written += [e for e in conv.effects if type(e).__name__ == "CheckinWrite"]
    assert [(w.mood, w.urge, w.contacted) for w in written] == [(2, None, None), (2, 6, None)]
    conv.command("sos")  # away from the check-in before its last questions
    assert conv.state.mood_log.get(conv.now.date().isoformat()) == 2, "today's mood counts for tomorrow's care"
    assert conv.state.checkins.last_answered_on == conv.now.date(), "answered, so not counted as silence"


def test_pausing_for_a_day_in_the_evening_skips_tomorrows_check_in(kit):
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00")
    conv.now = NINE_LONDON.replace(day=3)
    conv.due()
    answer_checkin(conv)
    conv.now = datetime(2026, 3, 3, 22, 0, tzinfo=UTC)
    conv.command("pause")
    said = "\n".join(r.text for r in conv.tap("A day"))
    assert "Thursday 5 March" in said, "today's check-in has come, so the day skipped is tomorrow"
    conv.now = NINE_LONDON.replace(day=4)
    assert conv.due() == []
    conv.now = NINE_LONDON.replace(day=5)
    assert conv.due()


def test_contact_reported_on_the_moving_on_track_is_met_without_a_count_or_shame(kit):
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00", contact="asked me not")
    assert conv.state.contact_forbidden
    conv.now = NINE_LONDON.replace(day=4)
    conv.due()
    for label in ("^3", "^6$", "^Yes$"):
        conv.tap(label)
    said = "\n".join(r.text for r in conv.say("i sent her 'hope youre happy' at lunch. i feel like an idiot"))
    for message in kit.content.checkins.contact_on_moving_on:
        assert message in said
    assert "Restart my count" not in conv.labels() and kit.content.checkins.slip_question not in said
    assert conv.screen == "checkin.next"


def test_moving_the_time_past_midnight_names_the_next_check_in_and_sends_none_an_hour_later(kit):
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="21:30")
    conv.now = datetime(2026, 3, 2, 21, 30, tzinfo=UTC)
    assert conv.due()
    answer_checkin(conv)
    conv.now = datetime(2026, 3, 2, 21, 40, tzinfo=UTC)
    conv.command("settings")
    conv.tap("Check-in time")
    said = "\n".join(r.text for r in conv.say("midnight"))
    assert "00:00" in said and "Wednesday 4 March at 00:00" in said, said
    conv.now = datetime(2026, 3, 3, 0, 0, tzinfo=UTC)
    assert conv.due() == [], "two and a half hours after the last one is too soon for the next"
    conv.now = datetime(2026, 3, 4, 0, 0, tzinfo=UTC)
    assert conv.due(), "and the day after, it comes at the new time"
    assert conv.screen == "checkin.mood"


def test_words_for_a_mood_are_kept_and_the_number_asked_for_kindly(kit):
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00")
    conv.now = NINE_LONDON.replace(day=3)
    conv.due()
    said = "\n".join(r.text for r in conv.say("angry. gutted. stupid for not seeing it"))
    kept = [e for e in conv.effects if type(e).__name__ == "JournalWrite"]
    assert [(w.kind, w.text) for w in kept] == [("checkin", "angry. gutted. stupid for not seeing it")]
    assert "own words" in said and "Please pick" not in said
    assert conv.screen == "checkin.mood" and conv.keyboard(), "the scale is offered again, with its buttons"
    conv.say("idk")
    assert not [e for e in conv.effects if type(e).__name__ == "JournalWrite"], "a shrug is not filed"
    said = "\n".join(r.text for r in conv.say("they kissed right in the middle of the kitchen"))
    assert said.startswith(kit.content.text("checkin_words_kept_again", low="1", high="5")), "not the same line again"


def test_a_check_in_left_open_since_yesterday_does_not_hold_todays_words(kit):
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00")
    conv.now = NINE_LONDON.replace(day=3)
    conv.due()
    assert conv.screen == "checkin.mood"
    conv.now = datetime(2026, 3, 4, 8, 30, tzinfo=UTC)  # the next morning, before that day's check-in
    said = "\n".join(r.text for r in conv.say("how do i stop checking his instagram every hour"))
    assert "Please pick" not in said and not conv.screen.startswith("checkin."), said
    socials = next(e for e in kit.content.faq if e.id == "checking_socials")
    assert socials.answer[0][:40] in said, "the question gets its answer"
    conv.now = NINE_LONDON.replace(day=4)
    assert conv.due(), "and today's check-in comes as usual"
    assert conv.screen == "checkin.mood"


def test_a_co_parent_hears_one_plan_and_is_asked_only_about_contact_beyond_what_they_share(kit):
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(contact="must stay in touch")
    assert conv.state.no_contact.limited and conv.state.profile.shares_life
    conv.now = NINE_LONDON.replace(day=3)
    conv.due()
    conv.tap("^3")
    asked = "\n".join(r.text for r in conv.tap("^4$"))
    assert asked == kit.content.checkins.contact_question_shared
    said = "\n".join(r.text for r in conv.tap("^Yes$") + conv.tap("Skip"))
    assert "Shame" not in said
    assert conv.screen == "checkin.slip", "contact beyond the practical is the slip of limited contact"
    kept = "\n".join(r.text for r in conv.tap("Keep my count"))
    assert "day 2 of 30" in kept and conv.state.no_contact.limited and conv.state.no_contact.slips == 1


def test_a_co_parent_whose_ex_has_moved_on_may_still_send_practical_messages(kit):
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.intake_to_contact("Sam")
    conv.tap("someone new")
    conv.say("yes i literally just said that, we have a daughter")
    assert conv.state.profile.shares_life, "the first word answers the question"
    for label in ("None of these", "London", "United Kingdom"):
        conv.tap(label)
    said = "\n".join(r.text for r in conv.tap("09:00"))
    assert "What you share still needs looking after" in said
    conv.now = NINE_LONDON.replace(day=3)
    conv.due()
    conv.tap("^3")
    conv.tap("^4$")
    said = "\n".join(r.text for r in conv.tap("^Yes$") + conv.tap("Skip"))
    assert kit.content.checkins.contact_on_moving_on_shared[0][:40] in said
    assert "let that message be the last one" not in said


def test_intake_reads_a_child_in_the_answer_about_contact(kit):
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.intake_to_contact("Sam")
    conv.say("we have a kid together, shes 6, so i see her every weekend")
    assert conv.state.profile.contact == "must" and conv.screen == "intake.safety", "not asked again"


def test_a_check_in_falling_due_while_one_is_being_answered_does_not_start_over(kit):
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00")
    conv.now = NINE_LONDON.replace(day=3)
    conv.due()
    conv.now = datetime(2026, 3, 4, 8, 58, tzinfo=UTC)  # yesterday's, answered just before today's time
    conv.tap("^3")
    assert conv.screen == "checkin.urge"
    conv.now = NINE_LONDON.replace(day=4)
    assert conv.due() == [], "no second opening in the middle of the first"
    said = "\n".join(r.text for r in conv.tap("^4$"))
    assert kit.content.checkins.contact_question in said and conv.screen == "checkin.contact"
    conv.tap("^No$")
    conv.tap("Skip")
    conv.now = datetime(2026, 3, 4, 20, 0, tzinfo=UTC)
    assert conv.due() == [], "the one answered counts as today's"
    conv.now = NINE_LONDON.replace(day=5)
    assert conv.due(), "and tomorrow's comes as usual"


def test_the_first_check_in_never_comes_minutes_after_intake_and_intake_says_when_it_comes(kit):
    conv = Conversation(kit, now=datetime(2026, 3, 2, 21, 50, tzinfo=UTC))
    conv.intake_to_contact("Sam")
    for label in ("No contact", "^No$", "None of these", "London", "United Kingdom"):
        conv.tap(label)
    said = "\n".join(r.text for r in conv.say("10pm"))
    assert "tomorrow at 22:00" in said, said
    conv.now = datetime(2026, 3, 2, 22, 0, tzinfo=UTC)
    assert conv.due() == [], "ten minutes after intake, its first step still open"
    conv.now = datetime(2026, 3, 3, 22, 0, tzinfo=UTC)
    assert conv.due()


def test_no_contact_since_the_break_up_is_how_things_stand_not_a_request(kit):
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.intake_to_contact("Priya")
    conv.say("no contact since he left basically")
    assert conv.state.profile.contact == "none" and conv.screen == "intake.shares"


def _at_slip_choice(kit) -> Conversation:
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00")
    conv.now = NINE_LONDON.replace(day=5)
    conv.due()
    answer_checkin(conv, contacted=True)
    assert conv.labels() == ["Restart my count", "Keep my count"]
    return conv


def test_a_question_at_the_slip_choice_is_answered_and_the_choice_stays(kit):
    conv = _at_slip_choice(kit)
    said = "\n".join(r.text for r in conv.say("do i have to start the 30 days over"))
    assert kit.content.text("slip_choice_help", 0) in said
    assert said.rstrip().endswith(kit.content.checkins.slip_question), "one question, asked last"
    assert conv.labels() == ["Restart my count", "Keep my count"]
    assert conv.state.no_contact.slips == 0 and conv.state.no_contact.start == datetime(2026, 3, 2).date()
    assert not [e for e in conv.effects if type(e).__name__ == "JournalWrite"], "a question is not journal text"


@pytest.mark.parametrize(
    ("typed", "restarted"),
    [("restart it", True), ("start over from today", True), ("keep it", False), ("dont restart it", False)],
)
def test_the_slip_choice_can_be_typed(kit, typed, restarted):
    conv = _at_slip_choice(kit)
    conv.say(typed)
    nc = conv.state.no_contact
    assert nc.slips == 1
    assert (nc.start == conv.now.date()) is restarted
    assert conv.labels() == ["Today's step", "Menu"], "the check-in closes as with a tap"


def test_the_slip_choice_from_an_answer_is_not_a_check_in_left_open(kit):
    # The morning's check-in was opened and left; that night the slip comes up from a question.
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00")
    conv.now = NINE_LONDON.replace(day=5)
    conv.due()
    conv.advance(hours=14)
    conv.command("faq")
    conv.tap("I slipped")
    assert conv.labels() == ["Restart my count", "Keep my count"]
    conv.say("do i have to start the 30 days over")
    assert kit.content.text("slip_choice_help", 0) in conv.text()
    assert conv.labels() == ["Restart my count", "Keep my count"]


@pytest.mark.parametrize(
    ("read_as", "words", "not_said"),
    [
        # Harm done to them (ticked at intake): how to keep contact safe, not to stop it.
        ("threats", "contact_on_moving_on_danger_shared", "let that message be the last one"),
        # A trial: a father read as a risk to his ex was told, twice, "When you share children...
        # with someone who has frightened or hurt you".
        ("by_user", "contact_on_moving_on_by_user_shared", "frightened or hurt you"),
    ],
)
def test_a_co_parent_in_touch_hears_the_words_for_why_contact_is_off(kit, read_as, words, not_said):
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    if read_as == "threats":
        conv.onboard(contact="must stay in touch", safety="Threats")
        assert conv.state.harmed_by_ex
    else:
        conv.onboard(contact="must stay in touch")
        by_user = Assessment(danger=True, danger_by_user=True, source="rules", rule="danger")
        conv.say("i keep turning up at her work", by_user)
        assert "danger_by_user" in conv.state.flags and not conv.state.harmed_by_ex
    conv.now = NINE_LONDON.replace(day=3)
    conv.due()
    conv.tap("^3")
    conv.tap("^4$")
    said = "\n".join(r.text for r in conv.tap("^Yes$") + conv.tap("Skip"))
    for message in getattr(kit.content.checkins, words):
        assert message in said
    assert not_said not in said


def test_a_co_parent_is_asked_about_the_urge_beyond_the_practical_messages(kit):
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(contact="must stay in touch")
    conv.now = NINE_LONDON.replace(day=3)
    conv.due()
    said = "\n".join(r.text for r in conv.tap("^3"))
    assert kit.content.checkins.urge_question_shared in said
    assert kit.content.checkins.urge_question not in said


def test_the_check_in_says_todays_step_is_ready_only_when_it_is(kit):
    """A trial: "Your next new step opens tomorrow", then at that night's check-in "Today's step is
    ready whenever you are", and a practice."""
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="20:00")  # today's first step is opened at the end of intake
    conv.tap("Skip the question")
    conv.tap("Done for today")
    conv.now = datetime(2026, 3, 2, 20, 0, tzinfo=UTC)
    assert conv.due()
    answer_checkin(conv)
    said = conv.text()
    assert said.endswith(kit.content.text("checkin_next_done")) and conv.labels() == ["Menu"]
    conv.command("today")
    assert "practice" not in conv.state.data, "no practice on the day of a new lesson"
    conv.now = datetime(2026, 3, 3, 20, 0, tzinfo=UTC)
    assert conv.due()
    answer_checkin(conv)
    assert conv.text().endswith(kit.content.text("checkin_next")) and "Today's step" in conv.labels()


def at_the_check_in(kit) -> Conversation:
    """Signed up at 08:00 on 2 March for 09:00 check-ins; the next day's check-in just opened."""
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00")
    conv.now = NINE_LONDON.replace(day=3)
    conv.due()
    return conv


@pytest.mark.parametrize("typed", ["k", "ok.", "nah", "Not really"])
def test_a_bare_acknowledgement_at_the_note_question_is_nothing_to_note(kit, typed):
    """A trial: "k" was kept in the journal as the day's note and thanked as one."""
    conv = at_the_check_in(kit)
    conv.tap("^3")
    conv.tap("^4$")
    conv.tap("^No$")
    assert conv.screen == "checkin.note"
    said = conv.text()
    conv.say(typed)
    assert not [e for e in conv.effects if type(e).__name__ == "JournalWrite"]
    assert conv.screen == "checkin.next" and said != conv.text()
    assert not any(t in conv.text() for t in kit.content.checkins.thanks_noted), "not thanked as a note"


def test_a_short_real_note_is_kept(kit):
    conv = at_the_check_in(kit)
    conv.tap("^3")
    conv.tap("^4$")
    conv.tap("^No$")
    conv.say("rough day")
    assert [e.text for e in conv.effects if type(e).__name__ == "JournalWrite"] == ["rough day"]


def test_once_they_are_talking_again_the_check_in_asks_no_urge_and_no_contact_question(kit):
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00")
    conv.state.guide.branch = "warm"  # as if they had reached out after no contact and had a warm reply
    conv.state.no_contact.start = conv.state.no_contact.start - timedelta(days=31)
    conv.now = NINE_LONDON.replace(day=3)
    conv.due()
    conv.tap("^4")
    assert conv.screen == "checkin.note", "from the mood straight to the note"
    assert kit.content.checkins.urge_question not in conv.text()
    conv.tap("Skip")
    assert conv.screen == "checkin.next" and conv.state.checkins.last_answered_on is not None
    conv.state.guide.branch = "no_reply"  # waiting for a reply: the urge to double-text still counts
    conv.now = NINE_LONDON.replace(day=4)
    conv.due()
    conv.tap("^4")
    assert conv.screen == "checkin.urge"


def test_urge_soon_after_a_check_in_does_not_ask_the_urge_again(kit):
    """A trial: /urge asked for the urge on the same scale minutes after the check-in had."""
    conv = at_the_check_in(kit)
    conv.tap("^3")
    conv.tap("^8$")
    conv.advance(minutes=5)
    said = conv.command("urge")
    assert said[0].text.startswith(kit.content.text("urge_known", urge="8")) and conv.screen == "urge.trigger"
    assert [e.strength for e in conv.effects if type(e).__name__ == "UrgeWrite"] == [8], "kept with /urge's own"
    conv.advance(hours=2)
    conv.command("urge")
    assert conv.screen == "urge.strength", "hours later the urge is asked afresh"


def test_resume_after_a_pause_that_already_ended_does_not_say_they_were_off(kit):
    """A trial: /resume a week after a three-day pause had ended said "Check-ins are back on"."""
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00")
    conv.command("pause", "3")
    conv.now = datetime(2026, 3, 3, 12, 0, tzinfo=UTC)
    said = conv.command("resume")
    assert said[0].text.startswith(kit.content.text("resumed")), "paused: back on"
    conv.command("pause", "2")
    conv.now = datetime(2026, 3, 12, 12, 0, tzinfo=UTC)
    said = conv.command("resume")
    text = "\n".join(r.text for r in said)
    assert kit.content.text("resumed_already", time="09:00") in text and text.count("Welcome back") <= 1


def test_resume_with_todays_check_in_due_leaves_the_floor_to_it(kit):
    """A trial: /resume showed "Today's step is ready" with its buttons, and the check-in that was due
    came straight after with its own: two sets of buttons at once."""
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00")
    conv.command("pause", "3")
    conv.now = datetime(2026, 3, 3, 12, 0, tzinfo=UTC)  # today's 09:00 has passed, unsent
    said = conv.command("resume")
    assert [r.text for r in said] == [kit.content.text("resumed")] and not said[0].buttons
    assert kit.content.checkins.mood_question in "\n".join(r.text for r in conv.due())


def _to_contact_question(kit, contact: str = "No contact") -> Conversation:
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(contact=contact)
    conv.now = NINE_LONDON.replace(day=3)
    conv.due()
    conv.tap("^3")
    conv.tap("^4$")
    assert conv.screen == "checkin.contact"
    return conv


@pytest.mark.parametrize(
    ("contact", "typed", "contacted"),
    [
        ("must stay in touch", "only about pickup on friday thru the app", False),
        ("must stay in touch", "just the handover at the door, said hi", False),
        ("must stay in touch", "sent her a long text last night, nothing about the kids", True),
        ("No contact", "yeah i texted him at 2am", True),
        ("No contact", "nope, not once", False),
    ],
)
def test_the_contact_question_answered_in_words(kit, contact: str, typed: str, contacted: bool) -> None:
    conv = _to_contact_question(kit, contact)
    said = "\n".join(r.text for r in conv.say(typed))
    told = len(typed.split()) > 8  # what happened, told with the answer: kept as the day's note
    if told:
        kept = [e.text for e in conv.effects if type(e).__name__ == "JournalWrite"]
        assert typed in kept and kit.content.checkins.note_question not in said
        recorded = [e.contacted for e in conv.effects if type(e).__name__ == "CheckinWrite"]
        assert recorded[-1] is contacted
    else:
        assert conv.state.data.get("contacted") is contacted and conv.screen == "checkin.note"


def test_words_that_do_not_answer_the_contact_question_get_a_hint_not_the_bare_question(kit) -> None:
    conv = _to_contact_question(kit)
    said = "\n".join(r.text for r in conv.say("hmm"))
    assert said.startswith(kit.content.text("pick_a_button")) and conv.screen == "checkin.contact"


def _note(conv: Conversation, day: int, note: str) -> str:
    conv.now = NINE_LONDON.replace(day=day)
    conv.due()
    conv.tap("^3")
    conv.tap("^4$")
    conv.tap("^No$")
    return "\n".join(r.text for r in conv.say(note))


def test_a_note_that_mentions_drinking_hears_a_word_about_it_once_a_week(kit) -> None:
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00")
    line = kit.content.checkins.drinking
    assert line and line in _note(conv, 3, "kids went back to hers today. opened a bottle of red")
    assert line not in _note(conv, 4, "third glass of wine tonight"), "not every day"
    assert line not in _note(conv, 11, "went to the winery museum with my sister"), "a word, not a part of one"
    assert line in _note(conv, 12, "had a few beers with the lads")


def test_a_day_checked_in_by_hand_gets_no_second_check_in(kit) -> None:
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00")
    conv.now = datetime(2026, 3, 3, 7, 0, tzinfo=UTC)  # before that day's time
    conv.command("checkin")
    answer_checkin(conv, mood=2, urge=6)
    conv.now = NINE_LONDON.replace(day=3)
    assert conv.due() == [], "the day's answers stand"
    assert conv.state.mood_log["2026-03-03"] == 2
    conv.now = NINE_LONDON.replace(day=4)
    assert "mood" in "\n".join(r.text for r in conv.due()), "the next day's comes as usual"


@pytest.mark.parametrize(
    ("note", "good"),
    [
        ("good day finally! went to church street with Meera, had filter coffee, didnt open insta full day. "
         "laughed after so long yaar", True),
        ("honestly proud of myself, went to the gym twice", True),
        ("not a good day at all", False),
        ("had a good day but then he posted a photo with her", False),
        ("i didnt laugh once today", False),
        # Trial 20: a "but" that leads to the good part does not undo it.
        ("made a bowl that looks like an ashtray but i laughed for the first time in weeks", True),
        # Trial 27: a day without the habit is a win
        ("went a whole day without checking anything. didnt drink either", True),
        ("went a day without eating again", False),
    ],
)
def test_a_note_about_a_good_day_is_met_as_one(kit, note, good):
    """A trial: "good day finally! ... laughed after so long" got "Your note is in your journal"."""
    conv = at_the_check_in(kit)
    conv.tap("^4")
    conv.tap("^3$")
    conv.tap("^No$")
    said = "\n".join(r.text for r in conv.say(note))
    named = any(t in said for t in kit.content.checkins.thanks_noted_good)
    assert named == good, said


def test_a_note_close_to_a_question_is_kept_and_the_answer_offered(kit):
    """A trial: the note "tomorrow is his birthday, scared i will message him at 12" got the answer on
    special days, and was never kept in the journal."""
    conv = at_the_check_in(kit)
    conv.tap("^4")
    conv.tap("^3$")
    conv.tap("^No$")
    near = Understanding(faq=(("special_days", 0.9),), faq_bar=0.5, intent_bar=0.2)
    said = conv.say("tomorrow is his birthday. scared i will message him at 12", understanding=near)
    assert [e for e in conv.effects if type(e).__name__ == "JournalWrite"], "the note is kept"
    entry = next(e for e in kit.content.faq if e.id == "special_days")
    offered = [b.label for r in said for line in r.buttons for b in line]
    assert entry.question in offered and conv.screen == "checkin.next"


@pytest.mark.parametrize("note", ["had a few too many last night on my own", "drank most of a carton last night"])
def test_drinking_said_in_other_words_is_named(kit, note):
    """A trial: five notes about drinking, none of them with a word the check-in knew."""
    conv = at_the_check_in(kit)
    conv.tap("^3")
    conv.tap("^3$")
    conv.tap("^No$")
    said = "\n".join(r.text for r in conv.say(note))
    assert kit.content.checkins.drinking is not None and kit.content.checkins.drinking in said


@pytest.mark.parametrize(
    ("mood", "note"),
    [
        ("4", "had a few beers with the lads and it was fine"),
        ("3", "went to the quiz with Gaz and Mick in the end. came third. only had two pints. proud of myself"),
        # trial 25: company, not a warning sign
        ("3", "Went to the choir rehearsal just to listen. A man my age, Horst, invited me for a beer after."),
        # trial 27: told to see a doctor about it, just after booking one
        ("2", "booked in with a gp on thursday. bout the sleep and the drinking. josh made me"),
    ],
)
def test_drinking_on_a_good_day_or_with_help_booked_hears_no_warning(kit, mood, note):
    """A trial's father, proud of a quiz night on "only had two pints", got the warning about drink
    on his best night and silence on the bad ones."""
    conv = at_the_check_in(kit)
    conv.tap(f"^{mood}")
    conv.tap("^3$")
    conv.tap("^No$")
    said = "\n".join(r.text for r in conv.say(note))
    assert kit.content.checkins.drinking is not None and kit.content.checkins.drinking not in said


def test_harm_told_at_a_check_in_question_keeps_the_check_in(kit) -> None:
    """A trial: "have you been in touch?" answered with "he texted again from a new number and came
    to my work" got the danger lines; Continue then ended the check-in, and it was never asked."""
    from dialogs.assessment import Assessment

    conv = _to_contact_question(kit)
    said = "\n".join(r.text for r in conv.say("he texted again from a new number and came to my work",
                                              Assessment(danger=True, source="model")))
    assert kit.resources.reply("danger", "GB", "Sam")[0][:40] in said
    assert conv.screen == "checkin.contact" and kit.content.checkins.contact_question in said
    conv.tap("^No$")
    assert conv.screen == "checkin.note"


def test_a_good_moment_on_a_low_day_is_named_as_one(kit):
    """Read through as a person: a low day's note about a good evening got "even one line takes
    effort", as if the note were hard news too."""
    conv = at_the_check_in(kit)
    conv.tap("^2")
    conv.tap("^3$")
    conv.tap("^No$")
    said = "\n".join(r.text for r in conv.say("honestly proud of myself, went to the gym twice"))
    assert any(t in said for t in kit.content.checkins.thanks_noted_low_good), said
    assert not any(t in said for t in kit.content.checkins.thanks_noted_low)


def test_what_happened_told_with_the_answer_about_contact_is_the_days_note(kit):
    """Trial 22: "kind of. I was scrolling back through her old photos this afternoon and my thumb hit
    like on one from 2023..." got "Anything you'd like to note in your journal today?", and was lost."""
    conv = at_the_check_in(kit)
    conv.tap("^3")
    conv.tap("^6$")
    told = "kind of. I was scrolling back through her old photos and my thumb hit like on one. I feel sick"
    said = "\n".join(r.text for r in conv.say(told))
    assert kit.content.checkins.note_question not in said
    kept = [(e.kind, e.text) for e in conv.effects if type(e).__name__ == "JournalWrite"]
    assert ("checkin", told) in kept


def test_back_from_a_side_screen_mid_check_in_returns_to_its_question(kit):
    """Trial 21: "what day am i on", typed mid-check-in, showed her progress; Back dropped the
    check-in, and she had to type /checkin."""
    conv = at_the_check_in(kit)
    conv.tap("^3")
    assert conv.screen == "checkin.urge"
    conv.command("progress")
    conv.tap("^Back$")
    assert conv.screen == "checkin.urge" and "0" in conv.labels()
    conv.command("menu")  # and from a side screen opened from another
    conv.command("faq")
    conv.tap("^Back$")
    assert conv.screen == "checkin.urge"
    conv.tap("^4$")
    assert conv.screen == "checkin.contact"
    conv.advance(hours=3)
    conv.command("progress")
    conv.tap("^Back$")
    assert conv.screen != "checkin.contact", "hours later, Back goes to the guide as before"


def test_an_emoji_is_a_days_note_too(kit):
    """Trial 22: the note "❤️‍🩹" got "I couldn't find any words in that"."""
    conv = at_the_check_in(kit)
    conv.tap("^3")
    conv.tap("^3$")
    conv.tap("^No$")
    conv.say("❤️‍🩹")
    kept = [(e.kind, e.text) for e in conv.effects if type(e).__name__ == "JournalWrite"]
    assert kept == [("checkin", "❤️‍🩹")] and conv.screen != "checkin.note"


@pytest.mark.parametrize(
    ("where", "words"),
    [
        ("note", "my mood isn't a 1 btw... I'm about a 3"),  # trial 22, typed as the day's note
        ("screening", "no wait i pressed the wrong one. im ok. mood is like a 3"),  # trial 23
    ],
)
def test_a_mood_put_right_after_the_check_in_is_corrected_everywhere(kit, where: str, words: str) -> None:
    from dialogs.model import CheckinWrite

    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00")
    conv.now = NINE_LONDON.replace(day=3)
    conv.due()
    conv.tap("^1")
    assert conv.screen == "safety.ask", "a mood of 1 brings the question about their life"
    if where == "note":
        conv.tap("^No$")
        conv.tap("^3$")
        conv.tap("^No$")
        assert conv.screen == "checkin.note"
    said = "\n".join(r.text for r in conv.say(words))
    assert kit.content.text("mood_corrected", mood=3) in said
    assert conv.state.mood_log["2026-03-03"] == 3
    assert CheckinWrite(local_date=conv.now.date(), mood=3, urge=None, contacted=None) in conv.effects


def test_words_about_the_urge_do_not_change_the_mood(kit) -> None:
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00")
    conv.now = NINE_LONDON.replace(day=3)
    conv.due()
    conv.tap("^3")
    conv.tap("^5$")
    conv.tap("^No$")
    conv.say("urge was like a 5 but my mood is fine honestly")
    assert conv.state.mood_log["2026-03-03"] == 3


def test_an_answer_to_have_you_been_in_touch_that_also_tells_of_harm_is_taken_after_the_lines(kit):
    """Trial 27: "nah didnt talk to her. i did wait in the carpark til she came out tho" got the lines,
    then "Have you been in touch with your ex?" again, which he had just answered."""
    conv = at_the_check_in(kit)
    conv.tap("^3")
    conv.tap("^8$")
    assert conv.screen == "checkin.contact"
    told = "nah didnt talk to her. i did wait in the carpark til she came out tho just to see her"
    said = "\n".join(r.text for r in conv.say(told, Assessment(danger=True, danger_by_user=True, rule="danger")))
    assert "could frighten them" in said
    assert kit.content.checkins.contact_question not in said and conv.screen != "checkin.contact"
    writes = [e for e in conv.effects if type(e).__name__ == "CheckinWrite"]
    assert writes and writes[-1].contacted is False
    assert [e.text for e in conv.effects if type(e).__name__ == "JournalWrite"] == [told]


def test_contact_from_an_ex_who_harmed_them_is_not_met_as_their_slip(kit) -> None:
    """Trial 31: "He came into the shop. I did not start it." heard "If the pull to say more comes
    back, /urge is a private place to write it"."""
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard()
    conv.say("he keeps turning up outside my shop", Assessment(danger=True, rule="danger"))
    assert conv.state.harmed_by_ex
    conv.now = NINE_LONDON.replace(day=3)
    conv.due()
    conv.tap("^3")
    conv.tap("^0$")
    said = "\n".join(r.text for r in conv.tap("^Yes$"))
    said += "\n".join(r.text for r in conv.say("He came into the shop. I did not start it. Tired now."))
    assert kit.content.checkins.contact_on_moving_on_danger[0] in said
    assert "pull" not in said and "Shame" not in said


def test_a_question_about_the_ex_left_open_does_not_drop_the_next_check_in(kit) -> None:
    """Trial 32: "hit the court for an hour" was asked about ("...frighten, follow or hurt your ex"),
    left unanswered, and the next day's check-in never came."""
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard()
    conv.say("hit the court for an hour", Assessment(danger=True, danger_by_user=True, source="model"))
    assert conv.screen == "safety.by_user"
    conv.now = NINE_LONDON.replace(day=3)
    said = "\n".join(r.text for r in conv.due())
    assert "mood" in said and conv.screen == "checkin.mood"
    assert "danger_by_user" not in conv.state.flags
