"""The message coach against real drafts, the real rules file, and broken rules files."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dialogs.coach import SCAN_LIMIT, Coach, ContentError, format_review, load_coach
from dialogs.content import CONTENT_DIR

NOON = dt.time(14, 0)


@pytest.fixture(scope="module")
def coach() -> Coach:
    return load_coach()


# (draft, expected rule ids) reviewed in the afternoon after no contact has ended.
DRAFTS: list[tuple[str, set[str]]] = [
    # Sarcasm the patterns know; the model reads the subtler kinds (tests/understanding).
    ("Thanks for nothing.", {"sarcasm"}),
    ("Wow, real mature.", {"sarcasm"}),
    # Calm, light first messages: nothing to flag.
    ("Hi Sam, I walked past that ramen place and thought of you. Hope you're doing well.", set()),
    ("Hey, I heard your sister had her baby. Congratulations to all of you, that's lovely news.", set()),
    (
        "Hi. I found your blue scarf while tidying up. I can drop it off or post it, whatever is easier.",
        set(),
    ),
    ("Happy birthday, Alex. I hope the year ahead is a good one.", set()),
    ("Hey, how have you been?", set()),
    ("I've been thinking about how I handled things at the end. I'm sorry for shouting that night.", set()),
    ("You always made me laugh, and I miss that. I hope things are good with you.", set()),
    ("You were always there for me when work got hard. Thank you for that.", set()),
    ("I know it wasn't your fault that the move fell through. I was unfair about it.", set()),
    ("If you don't want to talk, I understand completely.", set()),
    ("If you don't feel like replying, then I'll understand. Take care.", set()),
    ("If you don't want to meet up, that's okay.", set()),
    ("I hope you're happy in the new flat. The photos looked great.", set()),
    ("", set()),
    ("   \n\t  ", set()),
    ("😊", set()),
    # Blame.
    ("You always put your friends before me.", {"blame"}),
    ("You never listened to a word I said.", {"blame"}),
    ("It’s your fault we broke up and you know it.", {"blame"}),
    ("Honestly, this was all your fault.", {"blame"}),
    ("We lost the flat because of you.", {"blame"}),
    ("How could you just leave like that.", {"blame"}),
    ("You're so selfish, you only ever think about yourself.", {"blame"}),
    ("YOU NEVER CARED ABOUT MY FEELINGS", {"blame"}),
    # Pressure.
    ("We need to talk.", {"pressure"}),
    # Naming their wish, then going past it; asking for "just five minutes".
    ("I know you said you needed space but can we talk tonight", {"pressure"}),
    ("I understand you don't want to talk, however this is important", {"pressure"}),
    ("Could we meet? Only for ten minutes.", {"pressure"}),
    ("I know you love that café, so I left your book with the barista there.", set()),
    ("Please come back. Nothing is the same here.", {"pressure"}),
    ("Answer me. I know you've read this.", {"pressure"}),
    ("If you don't reply by tonight I'm blocking you everywhere.", {"pressure"}),
    ("If you won't see me then I will come to your work.", {"pressure"}),
    ("This is your last chance to make things right.", {"pressure"}),
    ("Why won’t you reply to my messages.", {"pressure"}),
    ("I deserve an explanation.", {"pressure"}),
    # Asking to get back together.
    ("I miss you so much. Please take me back.", {"get_back"}),
    ("I think we should get back together.", {"get_back"}),
    ("I want you back.", {"get_back"}),
    ("Can we try again? I've changed.", {"get_back"}),
    ("I know I messed up. Would you give us another chance.", {"get_back"}),
    ("Will you be my girlfriend again.", {"get_back"}),
    # Guilt.
    ("After everything I did for you, this is how you treat me.", {"guilt"}),
    ("You ruined my life.", {"guilt"}),
    ("I can't eat or sleep since you left.", {"guilt"}),
    ("Well, I hope you're happy now.", {"guilt"}),
    ("I hope she was worth it.", {"guilt"}),
    ("Don't you even care how I'm doing.", {"guilt"}),
    # Questions.
    ("How are you? Are you still at the same job?", {"questions"}),
    ("Why did you leave?? Was it someone else? Did you ever love me?", {"questions"}),
    ("Hi! How's your mum doing？ And the dog？", {"questions"}),
    # Length: a rambling but kind message.
    (
        "Hi, I hope this finds you well. I've been doing a lot of thinking over the last few weeks. "
        "I started running again, and I've been seeing my friends more, which has helped. "
        "I wanted to say that I'm grateful for the years we had, and that I've been working on the "
        "things I know I got wrong, especially how I reacted when I was stressed at work. "
        "I'm not writing to ask for anything. I just wanted you to know I remember the good times "
        "with a lot of warmth, and I wish you well with everything you're doing.",
        {"too_long"},
    ),
    # Several at once.
    (
        "You never had time for me and now you won't even answer me. Take me back.",
        {"blame", "pressure", "get_back"},
    ),
    ("I can't sleep because of you. Why are you doing this? What did I do?", {"guilt", "blame", "questions"}),
    ("Please come back to me. We need to talk.", {"pressure", "get_back"}),
    ("Give us one last chance.", {"get_back", "pressure"}),
    (
        "After all I've done for you, you owe me an answer. Why? Why her? "
        + "I keep thinking about it. " * 15,
        {"guilt", "pressure", "questions", "too_long"},
    ),
    # Insults are blame too (a trial's "you are a fucking liar and a coward" went unflagged).
    ("You are a fucking liar and a coward.", {"blame"}),
    ("you are a snake and everyone will know", {"blame"}),
    ("Thank you, you are a star.", set()),
]


@pytest.mark.parametrize(("draft", "expected"), DRAFTS, ids=[f"d{i:02d}" for i in range(len(DRAFTS))])
def test_draft_table(coach: Coach, draft: str, expected: set[str]) -> None:
    review = coach.review(draft, local_time=NOON, no_contact_days_left=0)
    assert {f.rule_id for f in review.findings} == expected
    assert review.ok == (not expected and bool(draft.strip()))


def test_table_is_big_and_covers_every_rule(coach: Coach) -> None:
    assert len(DRAFTS) >= 40
    covered = set().union(*(expected for _, expected in DRAFTS))
    assert covered == set(coach.rule_ids) - {"night", "no_contact", "limited_contact", "awaiting_reply"}  # timing
    assert sum(1 for _, expected in DRAFTS if not expected) >= 10


@pytest.mark.parametrize(
    ("hour", "minute", "flagged"),
    [(22, 59, False), (23, 0, True), (2, 30, True), (5, 59, True), (6, 0, False), (14, 0, False)],
)
def test_night_hours(coach: Coach, hour: int, minute: int, flagged: bool) -> None:
    review = coach.review("Hope you're well.", local_time=dt.time(hour, minute), no_contact_days_left=0)
    assert [f.rule_id for f in review.findings] == (["night"] if flagged else [])
    if flagged:
        assert f"{hour:02d}:{minute:02d}" in review.findings[0].explain


@pytest.mark.parametrize(
    ("local", "morning_from", "flagged"),
    [((5, 12), (5, 0), False), ((4, 30), (5, 0), True), ((2, 0), (5, 0), True), ((5, 12), (8, 0), True)],
)
def test_the_night_ends_when_the_persons_own_day_starts(
    coach: Coach, local: tuple[int, int], morning_from: tuple[int, int], flagged: bool
) -> None:
    """A trial: an electrician up at five, check-ins at 05:00, was told at 05:12 that feelings run
    louder at this hour."""
    review = coach.review(
        "Hope you're well.", local_time=dt.time(*local), no_contact_days_left=0, morning_from=dt.time(*morning_from)
    )
    assert [f.rule_id for f in review.findings] == (["night"] if flagged else [])


@pytest.mark.parametrize(("days_left", "phrase"), [(1, "1 day "), (12, "12 days "), (0, None), (-3, None)])
def test_during_no_contact(coach: Coach, days_left: int, phrase: str | None) -> None:
    review = coach.review("Hope you're well.", local_time=NOON, no_contact_days_left=days_left)
    if phrase is None:
        assert review.findings == ()
    else:
        assert [f.rule_id for f in review.findings] == ["no_contact"]
        assert phrase in review.findings[0].explain
        assert review.findings[0].timing


def test_findings_come_in_file_order_and_quote_the_users_words(coach: Coach) -> None:
    draft = "Honestly?   It’s   your fault.\nWe need to talk. Take me back?"
    review = coach.review(draft, local_time=dt.time(1, 15), no_contact_days_left=4)
    assert [f.rule_id for f in review.findings] == [
        "no_contact",
        "night",
        "get_back",
        "pressure",
        "blame",
        "questions",
    ]
    quotes = {f.rule_id: f.fragment for f in review.findings}
    assert quotes["blame"] == "It’s your fault."  # the user's own apostrophe, white space collapsed
    assert quotes["pressure"] == "We need to talk."
    assert quotes["get_back"] == "Take me back?"
    assert quotes["questions"] == "Honestly? … Take me back?"
    assert quotes["night"] is None and quotes["no_contact"] is None


def test_first_phrase_in_the_draft_is_the_one_quoted(coach: Coach) -> None:
    review = coach.review(
        "It was because of you. You never listened.", local_time=NOON, no_contact_days_left=0
    )
    assert review.findings[0].fragment == "It was because of you."


def test_long_sentence_is_trimmed_around_the_phrase(coach: Coach) -> None:
    draft = "and " * 60 + "it's your fault" + " and" * 60
    fragment = coach.review(draft, local_time=NOON, no_contact_days_left=0).findings[0].fragment
    assert fragment is not None
    assert "it's your fault" in fragment
    assert fragment.startswith("…") and fragment.endswith("…")
    assert len(fragment) <= 102


def test_length_finding_counts_characters(coach: Coach) -> None:
    review = coach.review("a" * 1234, local_time=NOON, no_contact_days_left=0)
    assert [f.rule_id for f in review.findings] == ["too_long"]
    assert "1,234 characters" in review.findings[0].explain
    assert coach.review("a" * 400, local_time=NOON, no_contact_days_left=0).findings == ()


def test_phrases_past_the_scan_limit_are_not_searched(coach: Coach) -> None:
    review = coach.review("x" * SCAN_LIMIT + " take me back", local_time=NOON, no_contact_days_left=0)
    assert [f.rule_id for f in review.findings] == ["too_long"]


def test_huge_and_odd_input(coach: Coach) -> None:
    megabyte = ("You always 🙃 ‮ \u200b\x00 漢字 " * 40_000)[: 1 << 20]
    review = coach.review(megabyte, local_time=NOON, no_contact_days_left=0)
    assert {f.rule_id for f in review.findings} == {"blame", "too_long"}
    assert all(len(m) <= 700 for m in format_review(review, "Ｊｏ"))


# --- format_review ---------------------------------------------------------------------------


def test_clean_draft_gets_a_short_encouraging_note(coach: Coach) -> None:
    review = coach.review("Hope the new job is going well.", local_time=NOON, no_contact_days_left=0)
    (message,) = format_review(review, "Robin")
    assert message.startswith("Robin, ")
    assert message.rstrip().endswith("?")
    assert "Hope the new job" not in message  # it does not write or repeat the message for them
    assert not re.search(r"\bwill (reply|answer|write back)\b", message)
    (anonymous,) = format_review(review, "  ")
    assert not anonymous.startswith(",") and "  " not in anonymous


def test_empty_draft_asks_for_the_message(coach: Coach) -> None:
    (message,) = format_review(coach.review("  ", local_time=NOON, no_contact_days_left=5), "Robin")
    assert "paste" in message.lower()


def test_one_finding_is_explained_then_a_question(coach: Coach) -> None:
    review = coach.review("You never listen.", local_time=NOON, no_contact_days_left=0)
    messages = format_review(review, "Kai")
    assert len(messages) == 2
    assert messages[0].startswith("Kai, ")
    assert 'You wrote: "You never listen."' in messages[0]
    assert "I felt" in messages[0]  # the rule's "I feel..." example
    assert messages[-1].endswith("?")


def test_timing_only_says_the_words_are_fine(coach: Coach) -> None:
    review = coach.review("Hope you're well.", local_time=dt.time(3, 0), no_contact_days_left=2)
    messages = format_review(review, "Kai")
    assert len(messages) == 2
    assert "03:00" in messages[0] and "2 days" in messages[0]
    assert "timing" in messages[1]


@pytest.mark.parametrize(("draft", "expected"), DRAFTS)
def test_every_review_formats_into_one_to_three_short_messages(
    coach: Coach, draft: str, expected: set[str]
) -> None:
    for when, days_left in ((NOON, 0), (dt.time(0, 30), 9)):
        review = coach.review(draft, local_time=when, no_contact_days_left=days_left)
        messages = format_review(review, "Maria José")
        assert 1 <= len(messages) <= 3
        assert all(0 < len(m) <= 700 for m in messages)
        assert messages[-1].rstrip().endswith("?") or not review.chars
        text = "\n".join(messages)
        for finding in review.findings:
            assert finding.title in text or finding.title[1:] in text or finding.explain in text


def test_everything_flagged_names_what_does_not_fit(coach: Coach) -> None:
    draft = (
        "After everything I did for you, take me back. We need to talk. You never listen? Why? "
        + "Please. " * 60
    )
    review = coach.review(draft, local_time=dt.time(2, 0), no_contact_days_left=3)
    assert len(review.findings) == 8
    messages = format_review(review, "Sam")
    assert len(messages) == 3
    assert "blame, guilt, long for a first message, several questions at once" in messages[2]


# --- the rules file --------------------------------------------------------------------------


def test_shipped_rules_load() -> None:
    coach = load_coach(CONTENT_DIR)
    assert len(coach.rule_ids) == len(set(coach.rule_ids)) == 11


def _write_rules(tmp_path: Path, old: str, new: str) -> Path:
    text = (CONTENT_DIR / "coach.yaml").read_text(encoding="utf-8")
    assert old in text
    (tmp_path / "coach.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")
    return tmp_path


def _line_of(root: Path, needle: str) -> int:
    lines = (root / "coach.yaml").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def test_bad_regex_names_its_line(tmp_path: Path) -> None:
    root = _write_rules(tmp_path, r"- \bback together\b", r"- \bback (together\b")
    with pytest.raises(ContentError) as caught:
        load_coach(root)
    assert caught.value.line == _line_of(root, r"\bback (together")
    assert "not a valid regular expression" in str(caught.value)
    assert str(caught.value).startswith(f"{root / 'coach.yaml'}:{caught.value.line}: ")


def test_pattern_matching_empty_text_is_refused(tmp_path: Path) -> None:
    root = _write_rules(tmp_path, r"- \bhow could you\b", r"- (how could you)?")
    with pytest.raises(ContentError, match="empty text") as caught:
        load_coach(root)
    assert caught.value.line == _line_of(root, "(how could you)?")


def test_pattern_read_as_a_mapping_gets_a_hint(tmp_path: Path) -> None:
    root = _write_rules(tmp_path, r"- \byou broke me\b", r"- \byou broke(?: me)\b")
    with pytest.raises(ContentError, match='instead of "\\(\\?: x\\)"') as caught:
        load_coach(root)
    assert caught.value.line == _line_of(root, "you broke(?: me)")


def test_unknown_placeholder_in_explain(tmp_path: Path) -> None:
    root = _write_rules(tmp_path, "This draft is {count} characters.", "This draft is {length} characters.")
    with pytest.raises(ContentError, match=r"\{length\}"):
        load_coach(root)


def test_rule_with_both_detectors(tmp_path: Path) -> None:
    root = _write_rules(
        tmp_path,
        "check: {type: max_questions, limit: 1}",
        "check: {type: max_questions, limit: 1}\n    patterns: ['x+']",
    )
    with pytest.raises(ContentError, match="either `patterns` or a `check`"):
        load_coach(root)


def test_unknown_check_type(tmp_path: Path) -> None:
    root = _write_rules(tmp_path, "type: max_chars, limit: 400", "type: max_words, limit: 80")
    with pytest.raises(ContentError) as caught:
        load_coach(root)
    assert caught.value.line == _line_of(root, "max_words")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="cannot read"):
        load_coach(tmp_path)


def test_copy_of_shipped_file_loads_from_another_root(tmp_path: Path) -> None:
    shutil.copy(CONTENT_DIR / "coach.yaml", tmp_path / "coach.yaml")
    assert load_coach(tmp_path).rule_ids == load_coach().rule_ids


# --- never crashes ---------------------------------------------------------------------------

_COACH = load_coach()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    draft=st.text(alphabet=st.characters(), max_size=3000),
    when=st.times(),
    days_left=st.integers(min_value=-10_000, max_value=10_000),
    name=st.text(max_size=80),
)
def test_review_never_raises(draft: str, when: dt.time, days_left: int, name: str) -> None:
    review = _COACH.review(draft, local_time=when, no_contact_days_left=days_left)
    messages = format_review(review, name)
    assert 1 <= len(messages) <= 3
    for finding in review.findings:
        assert finding.fragment is None or len(finding.fragment) <= 102


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["you always", "take me back", "?", "we need to talk", "if you don't", " I'll", ".", "\n", "’"]
        )
        | st.text(max_size=20),
        max_size=60,
    )
)
def test_review_never_raises_on_near_misses(pieces: list[str]) -> None:
    review = _COACH.review("".join(pieces), local_time=NOON, no_contact_days_left=0)
    assert all(f.rule_id in _COACH.rule_ids for f in review.findings)


def test_a_co_parents_practical_draft_is_not_held_back_for_the_count(kit) -> None:
    from datetime import UTC, datetime

    from tests.driver import Conversation

    conv = Conversation(kit, now=datetime(2026, 3, 2, 17, 0, tzinfo=UTC))
    conv.onboard(contact="must stay in touch", shares="Yes")
    assert conv.state.no_contact.limited
    conv.command("draft")
    draft = "Hi Jo, Leo's dentist appointment is on Thursday at 4.15. Can you take him?"
    said = "\n".join(r.text for r in conv.say(draft))
    assert "no contact to go" not in said and "days of no contact" not in said


def test_during_limited_contact_a_draft_about_the_two_of_you_is_told_to_wait(kit) -> None:
    from datetime import UTC, datetime

    from tests.driver import Conversation

    conv = Conversation(kit, now=datetime(2026, 3, 2, 17, 0, tzinfo=UTC))
    conv.onboard(contact="must stay in touch", shares="Yes")
    conv.command("draft")
    said = "\n".join(r.text for r in conv.say("i know you said kids only but i miss you. can we try again?"))
    assert re.search(r"You have \d+ days of limited contact to go", said)
    assert "days of no contact" not in said


HOUSE = (
    "Hi Helen. Sarah at the agent's rang. The couple from Tuesday have offered 285k. Can you let me know "
    "what you think by Friday so I can get back to her? Also the boiler service is due. Dev"
)
BY_FRIDAY = "Can you let me know what you think by Friday so I can get back to her?"


def test_a_date_in_a_message_about_a_shared_home_is_not_pressure(kit) -> None:
    """A trial's father, selling the family home, was told his estate agent's deadline was pressure,
    with "No need to reply. I just wanted to say I hope things are going well" as the other way."""
    from dialogs.assessment import Understanding
    from tests.driver import Conversation

    read_as_pressure = Understanding(coach=(("pressure", BY_FRIDAY),))
    conv = Conversation(kit)
    conv.onboard(shares="Yes, we share")
    conv.command("draft")
    said = "\n".join(r.text for r in conv.say(HOUSE, understanding=read_as_pressure))
    assert "Pressure" not in said and "No need to reply" not in said
    alone = Conversation(kit)  # someone who shares nothing with the ex: the same words are pressure
    alone.onboard()
    alone.command("draft")
    assert "Pressure" in "\n".join(r.text for r in alone.say(HOUSE, understanding=read_as_pressure))


def test_pressure_about_the_two_of_you_in_a_practical_message_is_still_named(kit) -> None:
    from dialogs.assessment import Understanding
    from tests.driver import Conversation

    plea = "You owe me a talk about us by Friday, not just about the house."
    conv = Conversation(kit)
    conv.onboard(shares="Yes, we share")
    conv.command("draft")
    said = "\n".join(r.text for r in conv.say(f"The agent rang about the offer. {plea}",
                                             understanding=Understanding(coach=(("pressure", plea),))))
    assert "Pressure" in said or kit.content.text("draft_not_practical") in said


def test_a_second_message_while_waiting_for_a_reply_is_named_as_one(kit) -> None:
    """Trial 21, the seventh day of silence after her first message: "not sure if my last message
    came through? No pressure at all, just wanted to check" was "calm and kind, so it is only the
    hour"; and "I still want to" send a letter was told to wait until a no contact long over."""
    from tests.driver import Conversation

    conv = Conversation(kit)
    conv.onboard()
    conv.advance(days=35)
    conv.state.guide.branch = "no_reply"
    double = "Hey, not sure if my last message came through? No pressure"
    said = "\n".join(r.text for r in conv.command("draft", double))
    title = next(r.explain for r in kit.coach.spec.rules if r.id == "awaiting_reply")[:40]
    assert title in said
    conv.state.guide.branch = "warm"
    said = "\n".join(r.text for r in conv.command("draft", "Lovely to hear from you, Sunday works for me"))
    assert title not in said

    conv.state.guide.branch = "no_reply"
    conv.to_unsent_letter()
    conv.say("tom you could at least reply")
    conv.advance(days=1)
    conv.due("urge_followup")
    said = "\n".join(r.text for r in conv.tap("I still want to"))
    assert said.startswith(kit.content.text("urge_still_waiting")) and "no-contact" not in said


def test_awaiting_a_reply_is_a_timing_finding_only_while_waiting(coach: Coach) -> None:
    draft = "Did my last message get through?"
    waiting = coach.review(draft, local_time=NOON, no_contact_days_left=0, awaiting_reply=True)
    assert [(f.rule_id, f.timing) for f in waiting.findings] == [("awaiting_reply", True)]
    assert not coach.review(draft, local_time=NOON, no_contact_days_left=0).findings


def _co_parent_moving_on(kit):
    from dialogs.assessment import Assessment
    from tests.driver import Conversation

    conv = Conversation(kit)
    conv.onboard(shares="Yes, we share")
    conv.say("he has a girlfriend now, kayla. she was at the handover", Assessment(moved_on=True, rule="moved_on"))
    assert conv.state.contact_forbidden
    conv.command("draft")
    return conv


def test_guilt_in_a_practical_message_is_reviewed_in_practical_terms(kit) -> None:
    """Trial 29: "waited 45 min at school pickup... you sent your girlfriend... grow up" was told
    "This one reaches for the two of you... The pull behind it is real", and drafts about pick-ups
    were offered "I felt lonely when plans changed at the last minute"."""
    from dialogs.assessment import Understanding

    conv = _co_parent_moving_on(kit)
    draft = "waited 45 min at school pickup today and then you sent your girlfriend. the kids were upset"
    read = Understanding(coach=(("guilt", "the kids were upset"),))
    said = "\n".join(r.text for r in conv.say(draft, understanding=read))
    guilt = next(r for r in kit.coach.spec.rules if r.id == "guilt")
    assert kit.content.text("draft_not_practical") not in said
    assert guilt.practical_explain is not None and guilt.practical_explain in said and guilt.explain not in said


def test_a_plea_about_the_two_of_you_on_the_practical_path_is_still_not_polished(kit) -> None:
    from dialogs.assessment import Understanding

    conv = _co_parent_moving_on(kit)
    plea = "i miss us. please think about it"
    said = "\n".join(r.text for r in conv.say(plea, understanding=Understanding(coach=(("guilt", plea),))))
    assert kit.content.text("draft_not_practical") in said


@pytest.mark.parametrize(
    ("draft", "problem"),
    [
        ("youre a terrible father and everyone at school knows it", "blame"),
        ("fine. whatever. do what you want like always", "blame"),
        ("Sofi cried all night because you forgot her recital, but Im sure Kayla kept you busy", "sarcasm"),
        ("no worries, i know you have more important things now", "sarcasm"),
    ],
)
def test_digs_in_a_co_parents_drafts_are_named(kit, draft: str, problem: str) -> None:
    """Trial 29: each of these was passed as "short, calm and sticks to the practical facts"."""
    review = kit.coach.review(draft, local_time=dt.time(12, 0), no_contact_days_left=0)
    assert problem in [f.rule_id for f in review.findings]


def test_the_coach_is_in_the_menu_of_a_co_parent_on_moving_on(kit) -> None:
    """Trial 29: her practical messages were still coached, but only /draft typed found the coach."""
    from dialogs.assessment import Assessment
    from tests.driver import Conversation

    conv = _co_parent_moving_on(kit)
    conv.command("menu")
    assert "Message coach" in conv.labels()
    alone = Conversation(kit)
    alone.onboard()
    alone.say("he has a girlfriend now", Assessment(moved_on=True, rule="moved_on"))
    alone.tap("Switch to moving on")
    alone.command("menu")
    assert "Message coach" not in alone.labels()
