"""What typed text means, besides its safety: a question for the FAQ, words that mean a command, or
an answer to what the screen asked.

The service's reader fills an `Understanding` with scores from the sentence-embedding model. When
the model is not loaded, `fallback` reads the text itself: an exact command phrase ("next",
"menu"), or FAQ keywords in something that looks like a question.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal

from dialogs.assessment import Understanding
from dialogs.content import Content, FaqEntry, Intent

__all__ = ["Meaning", "Understanding", "looks_like_question", "near_bar", "normalise", "read"]


@dataclass(frozen=True, slots=True)
class Meaning:
    faq: FaqEntry | None = None
    intent: Intent | None = None
    empty: bool = False  # nothing to read: emoji only, invisible characters, punctuation
    # Filed as the answer on a screen that asked something, yet close to a question the guide
    # answers: the screen may offer that answer beside its acknowledgement. Only on answer screens.
    near: FaqEntry | None = None
    # Filed as the answer on a screen that asked something, though it reads as a question the guide
    # has no answer to: the screen says so honestly beside its acknowledgement.
    unanswered: bool = False
    # A long message, most of it not a question: its closest answer is offered, never given outright
    # (a trial's rant about the breakup, ending "i still have her hoodie. is that pathetic", got the
    # answer on getting your things back).
    long: bool = False
    # A question no entry answers, whose nearest entry scored at least CLOSEST_SHARE of the bar: not
    # given, but offered as a button beside "I don't have an answer", in case it is what they meant.
    closest: FaqEntry | None = None


_QUESTION_START = re.compile(
    r"^(how|what|whats|what's|why|when|where|who|which|should|shall|can|could|would|will|is|are|am|do|does|"
    r"did|have|has|was|were|any|anyone|idk how|(?:so|ok|okay|but|and|then) (?:how|what|why|should|can|do)|wait)\b"
)
# "when its late and everyones asleep", "what he said": a clause that opens like a question but is
# an answer (a trial's safety plan refused her warning sign as a question). Without a question
# mark, not taken for a question.
_CLAUSE = re.compile(
    r"^(?:when|whenever|where|what|who)\s+(?:i|im|i'm|i've|ive|its|it's|it|he|she|they|we|you|my|his|her|"
    r"their|our|everyone|everybody|people|no one|nobody|the|there's|theres|someone|somebody)\b"
)
# A statement that ends by asking about itself ("i still love her, is that normal"): a question
# with its mark left off, as people type at night.
_TAG_QUESTION = re.compile(
    r"(?:^|[\s,])(?:is (?:that|this|it) (?:normal|weird|bad|ok|okay|wrong|crazy|mad|pathetic|stupid|healthy"
    r"|a bad sign|a good sign|a red flag)|(?:or )?(?:is it|am i) just me|am i (?:crazy|mad|wrong|overthinking"
    r"(?: it| this)?|being (?:stupid|dramatic|pathetic|silly))|does that make sense|what do (?:i|you) (?:do|think)"
    # "do those count or not", "the 3 weeks already done na" (trial 24: Indian English's tag question)
    r"|or not|na|naa)"
    r"\W*$"
)
_WORDS = re.compile(r"[^\W_]+")
_SENTENCES = re.compile(r"[.!;:\n]+")
# An answer on a screen that asked a question must clear a higher bar before it is read as a
# question for the FAQ or a command: most of what people type there is their answer.
ANSWER_SCREEN_MARGIN = 0.08
MAX_COMMAND_WORDS = 10  # longer text is not taken for a command, whatever it resembles
LONG_WORDS = 80  # a message longer than this is someone telling, not asking
STATEMENT_BAR = 0.85  # on a screen that asked a question, a statement must match this well to be a question
# A question under the bar whose nearest entry reaches this share of it has that entry offered, not
# given: "so how am i meant to arrange pick ups for my daughter then" scored 0.183 against a bar of
# 0.185 for "We have to stay in touch. What then?" and got only "I don't have a good answer".
CLOSEST_SHARE = 0.5


def near_bar(u: Understanding) -> float:
    """How well a statement filed as an answer must match an FAQ entry for that entry to be offered.

    No new number: it is the bar a question typed on the same screen must clear to be answered (the
    model's own calibrated `faq_bar`, plus the answer-screen margin). So an entry is offered exactly
    when the words would have been answered had they been asked as a question; only their form, a
    statement where the screen asked something, kept them from being answered outright. The bare
    `faq_bar` would offer entries for words that would not be answered here even as a question.
    """
    return u.faq_bar + ANSWER_SCREEN_MARGIN


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().replace("’", "'")
    return " ".join(_WORDS.findall(text))


# Emoji that mean "this hurts" when they are all a message says: they get a caring word, not "I
# couldn't find any words in that" (a tester sent 😭 and got exactly that).
_SAD_EMOJI = frozenset("😭😢😞😔💔🥺😩😫🙁☹😿😓😥😪🥀")


def sad_emoji(text: str) -> bool:
    return any(ch in _SAD_EMOJI for ch in text)


# ... and emoji that mean "ok, thanks" (a trial's 👍 got "I couldn't find any words in that").
_OK_EMOJI = frozenset("👍👌🙏✅🤙🫡💪🙂😊")


def ok_emoji(text: str) -> bool:
    return any(ch in _OK_EMOJI for ch in text) and not sad_emoji(text)


def thanks_emoji(text: str) -> bool:
    return "🙏" in text and ok_emoji(text)


ONLY_A_QUESTION_WORDS = 15


def only_a_question(text: str) -> bool:
    """Short words that are nothing but a question ("wait so is it over??", "what do i say if she
    replies"): on a screen that asked something, not an answer to file."""
    parts = [p for p in re.split(r"[.!;:\n?]+", text) if normalise(p)]
    if not parts or len(normalise(text).split()) > ONLY_A_QUESTION_WORDS:
        return False
    # A word or two with a question mark is often a tentative answer ("sad?"), not a question.
    return all(_asks(p, text) or (f"{p}?" in text and len(normalise(p).split()) >= 4) for p in parts)


# A helping verb opens a question only before who or what it asks about ("did you", "is it", "can i");
# before anything else it is a statement with its "I" left off: "Did the walk. Coogee to Bronte.
# Cried a bit at the end but ok." (a trial's note was told "If you were asking me something there").
_AUXILIARY = frozenset({
    "should", "shall", "can", "could", "would", "will", "is", "are", "am", "do", "does", "did", "have", "has",
    "was", "were",
})  # fmt: skip
_SUBJECT = frozenset({
    "i", "im", "i'm", "you", "u", "ya", "he", "she", "they", "we", "it", "its", "it's", "this", "that", "there",
    "my", "his", "her", "their", "your", "our", "someone", "somebody", "anyone", "anybody", "everyone",
    "people", "ppl", "me", "him", "them", "ex",
})  # fmt: skip


def _asks(sentence: str, text: str) -> bool:
    words = normalise(sentence)
    if _QUESTION_START.match(words) is None:
        return False
    if f"{sentence}?" in text:
        return True
    first, _, rest = words.partition(" ")
    if first in _AUXILIARY and rest.split(" ", 1)[0] not in _SUBJECT:
        return False
    return _CLAUSE.match(words) is None


# Stopping for now, typed where nothing was asked: a trial's "going to try and sleep now. gn" after a
# panic attack got "I'm not sure what to do with that here. These are your options."
_RESTING = re.compile(
    r"\b(?:good ?night|gn|nite|night night|going to (?:try and |try to )?sleep|off to (?:bed|sleep)"
    r"|gonna (?:try (?:and |to )?)?(?:sleep|get some sleep)|heading to bed|going to bed|sleep now"
    r"|hit the (?:sack|hay)|turning in|crashing out|off to kip"
    r"|bed now|not today|too tired|tired now|talk (?:to you )?(?:tomorrow|tmrw|later)|ttyl|bye)\b"
    r"|(?:^|[.!,]\s*|\b(?:ok|okay|right|anyway|so|well|alright)\s+)night(?: for real| then| all| x+)?\W*$"
)
# Good news said in passing ("i reckon im doing a bit better? laughed for real"): a question mark
# here is tentative, not a question to answer.
_GOOD_NEWS = re.compile(
    r"\b(?:doing|feeling|feel|felt|getting|been) (?:a (?:bit|little|tiny bit) |a lot |so much |heaps |way )?better\b"
    r"|\b(?:good|great|decent|ok|okay|better) day\b|\blaughed\b|\bsmiled\b|\bproud of myself\b"
    # "did it!! 21 days. didnt even wish her on bday" (trial 24: the end of no contact, met with "I don't
    # have a ready answer")
    r"|^\W*(?:i )?(?:did it|made it|i did it)\b(?!\W*\?)"
    # "went a whole day without checking anything. didnt drink either" (trial 27: "Your note is in
    # your journal")
    r"|\b(?:went|managed|made it|got through|did) (?:a |the |one )?(?:whole |full |entire )?(?:day|night|week"
    r"|weekend) without\b(?! (?:eating|food|any food|a meal|sleep|sleeping|any sleep|water|talking to anyone))"
)
# A negation just before the good words undoes them ("not a good day", "didnt have a good day"); a
# negation elsewhere does not ("good day finally, didnt open insta once, laughed", a trial's note).
_NEGATION = frozenset(
    {"not", "never", "no", "isn't", "isnt", "wasn't", "wasnt", "don't", "dont", "didn't", "didnt", "can't",
     "cant", "hardly", "barely"}
)
_MIXED = re.compile(r"\b(?:but|worse|though|except)\b")


def resting(text: str) -> bool:
    """Words that say they are stopping for now: "gn", "gonna try sleep. night"."""
    return bool(_RESTING.search(" ".join(text.casefold().replace("’", "'").split())))


def good_news(text: str, *, most_words: int = 25) -> bool:
    """Word that things are a little better, with no "but" after it, and no "not" just before the good
    words. A "but" before them leads to them: "a bowl that looks like an ashtray but i laughed for the
    first time in weeks" (a trial's note, thanked as any other)."""
    said = " ".join(text.casefold().replace("’", "'").split())
    if len(said.split()) > most_words:
        return False
    for found in _GOOD_NEWS.finditer(said):
        before = re.findall(r"[\w']+", said[: found.start()])[-3:]
        if not _NEGATION & set(before) and not _MIXED.search(said[found.end() :]):
            return True
    return False


def words_besides_questions(text: str) -> int:
    """How many words are in the sentences of `text` that ask nothing."""
    parts = [p for p in re.split(r"(?<=[.!?;:\n])", text) if p.strip()]
    return sum(len(p.split()) for p in parts if "?" not in p and not _asks(p.strip(" .!;:\n"), text))


def asks_something(text: str) -> bool:
    """Words that open like a question somewhere, not only a question mark after a statement."""
    if _TAG_QUESTION.search(" ".join(text.casefold().replace("’", "'").split())):
        return True
    return any(_asks(sentence, text) for sentence in _SENTENCES.split(text))


def looks_like_question(text: str) -> bool:
    """A question mark, or any sentence that opens like a question ("she's seeing someone new. what
    do i even do now"): people at 2am rarely type the mark."""
    if "?" in text or _TAG_QUESTION.search(" ".join(text.casefold().replace("’", "'").split())):
        return True
    return any(_asks(sentence, text) for sentence in _SENTENCES.split(text))


# "I slipped" is the answer to words that tell of contact. A trial's co-parent heard it, with "no need
# for shame", for "did i do alright" after a handover, "i didnt contact her. i did the handover" and
# "wrote it here instead of texting her": the entry drew any "i did ..." near it. Without a verb of
# contact that is not negated just before, it is not that question.
SLIP_ENTRY = "i_slipped"
_CONTACT_VERB = re.compile(
    r"\b(?:text(?:ed|ing)?|txt(?:ed|d)?|messag(?:ed|ing|e)|msg(?:d|ed)?|call(?:ed|ing)?|rang|phoned|dm(?:ed|d)?"
    r"|snap(?:ped|chatted)|whatsapp(?:ed)?|email(?:ed)?|wrote to|replied|responded|liked|commented|sent|reached out"
    r"|got in touch|met up|saw (?:him|her|them)|went (?:round|over)|begged|caved|slipped"
    r"|broken? (?:the )?(?:nc|no contact)"
    r"|drunk (?:text|dial)(?:ed)?|wished (?:him|her|them)|went to (?:his|her|their)|turned up|showed up"
    r"|asked (?:his|her|their) \w+|got (?:my |a )?(?:mate|friend|sister|brother) to|contacted"
    r"|failed (?:no contact|nc)|break(?:ing)? (?:the )?(?:nc|no contact)|repl(?:y|ied) to"
    r"|answer(?:ed)? (?:his|her|their) (?:story|stories|message|text|call))\b"
)
_NOT = re.compile(r"\b(?:didn'?t|did not|never|not|haven'?t|hasn'?t|won'?t|will not|wont|instead of|without)\b")


def tells_of_contact(text: str) -> bool:
    said = " ".join(text.casefold().replace("’", "'").split())
    for verb in _CONTACT_VERB.finditer(said):
        before = " ".join(re.findall(r"[\w']+", said[: verb.start()])[-3:])
        if not _NOT.search(before):
            return True
    return False


# Contact about what a co-parent or colleague shares with the ex ("its my daughters birthday mate not
# jos. i had to message her", a trial) is what limited contact allows, not a slip.
_PRACTICAL = re.compile(
    r"\b(?:kids?|children|child|daughter'?s?|son'?s?|school|pick ?ups?|picking (?:up|them up)|drop ?offs?"
    r"|handovers?|custody|swap|bills?|rent|mortgage|keys|lease|meeting|project|shift|rota|deadline)\b"
)


def practical_contact(text: str) -> bool:
    return bool(_PRACTICAL.search(text.casefold()))


# "i break the no contact. what i must do now" (second-language English, a trial) drew the definition
# of no contact: the words of the question sit nearer it than any slip phrasing. Saying the count was
# broken is the slip, whatever else the message asks.
_BROKE_NO_CONTACT = re.compile(
    r"\b(?:(?P<past>broke|broken|failed|ruined|blew)|(?P<now>break|breaking|fail))"
    r" (?:the |my |our )?(?:nc|no[- ]contact)\b"
)
_NOT_YET = re.compile(
    r"\b(?:if|will|ll|gonna|going to|might|may|could|would|should|scared|afraid|worried|want|wanna|dont|don't"
    r"|do not|how|to)\b"
)
NO_CONTACT_ENTRY = "what_is_no_contact"


def broke_no_contact(text: str) -> bool:
    said = " ".join(text.casefold().replace("’", "'").split())
    for found in _BROKE_NO_CONTACT.finditer(said):
        before = " ".join(re.findall(r"[\w']+", said[: found.start()])[-3:])
        if not _NOT.search(before) and not (found.group("now") and _NOT_YET.search(before)):
            return True
    return False


def read(text: str, u: Understanding | None, content: Content, *, answer_screen: bool) -> Meaning:
    meaning = _read(text, u, content, answer_screen=answer_screen)
    if meaning.intent is None and broke_no_contact(text):
        slip = next((e for e in content.faq if e.id == SLIP_ENTRY), None)
        chosen = meaning.faq or meaning.near or meaning.closest
        if slip is not None and (chosen is None or chosen.id in (NO_CONTACT_ENTRY, SLIP_ENTRY)):
            if meaning.long or (answer_screen and not looks_like_question(text)):
                return replace(meaning, faq=None, near=slip)  # an answer to the screen's question, kept
            return Meaning(faq=slip)
    if meaning.faq is not None and meaning.faq.id == SLIP_ENTRY and not tells_of_contact(text):
        return replace(meaning, faq=None)
    if meaning.near is not None and meaning.near.id == SLIP_ENTRY and not tells_of_contact(text):
        return replace(meaning, near=None)
    return meaning


def _read(text: str, u: Understanding | None, content: Content, *, answer_screen: bool) -> Meaning:
    """What the text means on this screen. `answer_screen`: the screen asked a question, so text
    is an answer unless it clearly is a question or a command."""
    words = normalise(text)
    if not words:
        return Meaning(empty=True)
    exact = _exact_intents(content).get(words)
    if exact is not None:
        return Meaning(intent=exact)
    outright = _asked_outright(words, content)
    if outright is not None:
        return Meaning(intent=outright)
    if u is None:
        return _fallback(text, words, content, answer_screen=answer_screen)
    margin = ANSWER_SCREEN_MARGIN if answer_screen else 0.0
    intents = {i.id: i for i in content.intents}
    entries = {e.id: e for e in content.faq}
    # One word typed where the screen asked something ("Dee" for a name) is the answer unless it is
    # a command word from the exact table above. Elsewhere one word the table does not know must
    # clear the answer screen's higher bar: a lone word carries too little for the model to go on
    # ("two" sits nearer "one more" than anything else).
    count = len(words.split())
    shortest = 2 if answer_screen else 1
    command = u.intent[0] if u.intent and shortest <= count <= MAX_COMMAND_WORDS else None
    command_bar = u.intent_bar + (ANSWER_SCREEN_MARGIN if answer_screen or count == 1 else 0.0)
    if command is not None and (command[1] < command_bar or command[0] not in intents):
        command = None
    question = u.faq[0] if u.faq else None
    asked = looks_like_question(text)
    near: FaqEntry | None = None
    if question is not None:
        # Where the screen asked something, a statement is its answer unless it plainly is the
        # question ("i really want to text him right now"); a question needs only the bar.
        bar = u.faq_bar + margin if asked or not answer_screen else max(STATEMENT_BAR, u.faq_bar)
        if question[0] not in entries:
            question = None
        elif question[1] < bar:
            if answer_screen and question[1] >= near_bar(u):
                near = entries[question[0]]
            question = None
    if command is not None and (question is None or command[1] >= question[1]):
        return Meaning(intent=intents[command[0]])
    if count > LONG_WORDS:
        offered = entries[question[0]] if question is not None else near
        return Meaning(near=offered, long=True)
    if question is not None:
        return Meaning(faq=entries[question[0]])
    top = u.faq[0] if u.faq else None
    closest = (
        entries.get(top[0]) if asked and near is None and top and top[1] >= CLOSEST_SHARE * u.faq_bar else None
    )
    # "today was actually good?? we got empanadas" is news, not a question the guide failed to answer;
    # "sad, angry and kind of stupid??", the answer to a lesson's question, is tentative, not a question
    # (trial 28 heard "If you were asking me something there" five times).
    unanswered = answer_screen and asks_something(text) and not good_news(text)
    return Meaning(near=near, unanswered=unanswered, closest=closest)


def _fallback(text: str, words: str, content: Content, *, answer_screen: bool) -> Meaning:
    # Keywords give no score to be "near" with: without the model, nothing is offered beside an answer.
    if not looks_like_question(text) and answer_screen:
        return Meaning()
    if len(words.split()) > LONG_WORDS:
        return Meaning(long=True)  # someone telling, not asking: a keyword ("doorstep") is no question
    best: tuple[int, FaqEntry] | None = None
    for entry in content.faq:
        score = sum(1 for keyword in entry.keywords if _keyword_re(keyword).search(words))
        if score and (best is None or score > best[0]):
            best = (score, entry)
    return Meaning(faq=best[1]) if best and len(words) >= 6 else Meaning()


@lru_cache(maxsize=4096)
def _keyword_re(word: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(normalise(word)) + r"(?!\w)")


_EXACT: dict[int, dict[str, Intent]] = {}


def exact_intent(text: str, content: Content) -> Intent | None:
    """The command these few words mean on their own ("menu", "stop", "go back"), or None."""
    return _exact_intents(content).get(normalise(text))


# A request said outright, however long the message around it: "can you pause for a week im going to
# my sisters in whitby for a few days and then down to see sam at uni" (a trial) was past the words a
# command may have, and was filed in her journal; "back from whitby. is this still on pause" too.
_ASK_TO = r"^(?:(?:ok|okay|hi|right|so)\s+)?(?:(?:can|could|would|will) you\s+(?:please\s+|pls\s+)?|please\s+)?"
_OUTRIGHT = (
    (re.compile(_ASK_TO + r"pause\b"), "pause"),
    (re.compile(r"\b(?:is (?:it|this|everything)|am i|are (?:you|my check ?ins?)) still (?:on )?paused?\b"),
     "settings"),
)


def _asked_outright(words: str, content: Content) -> Intent | None:
    intents = {i.id: i for i in content.intents}
    return next((intents[i] for pattern, i in _OUTRIGHT if i in intents and pattern.search(words)), None)


def _exact_intents(content: Content) -> dict[str, Intent]:
    """Phrasings short enough to mean only the command, matched exactly after normalising."""
    key = id(content)
    table = _EXACT.get(key)
    if table is None:
        table = {}
        for intent in content.intents:
            for phrase in intent.phrasings:
                norm = normalise(phrase)
                if norm and len(norm.split()) <= 3:
                    table.setdefault(norm, intent)
        _EXACT[key] = table
    return table


# What some words tell, whatever screen they are typed on, for the engine's own answers to them.
Telling = Literal["harm_played_down", "self_blame", "contact_again", "lonely", "urge_now", "they_wrote", "what_now"]
_TELLS: dict[Telling, re.Pattern[str]] = {
    # "he never hit me or anything tho", said after telling of control or stalking. Trial 23's was
    # filed in the journal; the answer that it counts was three menus away.
    "harm_played_down": re.compile(
        r"\b(?:he|she|they)\s+(?:never|didn'?t|did not|hasn'?t|has never|wasn'?t|was never)\s+(?:ever\s+)?"
        r"(?:hit|hurt|touched|laid a (?:hand|finger)|violent|physical|beat|punched|slapped)\b"
        r"|\b(?:it|he|she)\s+(?:wasn'?t|was not|isn'?t|is not)\s+(?:that|really|even|so)\s+bad\b"
        r"|\bnot like (?:he|she|they) (?:ever )?(?:hit|hurt)\b"
    ),
    # "im such a waste yaar, no wonder she left", late at night where nothing was asked: trial 24's got
    # "Thank you for telling me. I haven't filed that under today's step."
    "self_blame": re.compile(
        r"\b(?:i'?m|im|i am)(?: such| so| just| a| an| the| total| complete| absolute)* (?:waste|failure"
        r"|loser|idiot|fool|useless|pathetic|joke|disappointment|coward|bad person|terrible person"
        r"|horrible person)\b|\bno wonder (?:she|he|they) left\b|\bi ruin(?:ed)? everything\b"
        r"|\bit'?s all my fault\b|\bi (?:messed|screwed|fucked) (?:it|everything) up\b"
    ),
    # "he texted again. different number again. says he just wants to sort out the car like adults",
    # from someone the ex has harmed (trial 23): got "I haven't filed that under today's step".
    "contact_again": re.compile(
        r"\b(?:he|she|they)(?:'s| has| have)? (?:texted|messaged|called|rang|emailed|dmed|dm'?d|wrote|rung"
        r"|showed up|turned up|came (?:round|by|to)|was (?:outside|waiting|parked)"
        r"|left (?:a|another) (?:note|message))\b"
        r"[^.!?]*\b(?:again|new number|different number|another number|new account|another account|outside)\b"
        r"|\b(?:new|different|another) (?:number|account) again\b"
    ),
    # "I am only very sad and alone tonight and I do not know what to do with myself", and "what am I
    # for now? Nobody needs me", after a "No" to the question about his life (trial 25): "That's a
    # fair question, and I don't have a ready answer to it".
    "lonely": re.compile(
        r"\b(?:lonely|lonesome)\b|\b(?:feel(?:ing)?|so|very|really|all) alone\b|\bnobody needs me\b"
        r"|\b(?:no|without) (?:a )?purpose\b|\bwhat am i (?:even )?(?:for|good for)\b"
        r"|\b(?:don'?t|do not) know what to do with myself\b"
    ),
    # "im back home a bit drunk and i want to text him sooo bad, just 'i miss you' is it so bad??" at
    # 2am (trial 28) got "I don't have a ready answer": the urge, now, is what the guide is for.
    # "jas just texted me / "hey i miss you, can we talk?" / WHAT do i do" (trial 30): the burst's
    # question is about the message that came, and "here's where we are" answered the last line alone.
    "they_wrote": re.compile(
        r"\b(?:he|she|they|\w+) (?:just |finally |literally )?"
        r"(?:texted|messaged|called|rang|dm'?d|snapped|emailed|wrote to) me\b"
    ),
    "what_now": re.compile(
        r"^\W*(?:so |ok |okay |like )?what (?:do|should|would|tf do|the hell do) i (?:do|say|reply)\b"
    ),
    "urge_now": re.compile(
        r"\b(?:want|wanna|need|dying|itching|tempted|about|going|gonna) (?:to )?(?:text|message|msg|call|ring"
        r"|dm|snap|facetime|contact|reach out to|write to) (?:him|her|them|my ex)\b"
        r"[^.!?]{0,40}?\b(?:so+ (?:bad(?:ly)?|much)|right now|rn|tonight|now|atm)\b"
        r"|\b(?:can'?t|cannot) (?:stop|resist) (?:myself )?(?:from )?(?:texting|messaging|calling|ringing)\b"
    ),
}


def tells(what: Telling, text: str) -> bool:
    return bool(_TELLS[what].search(" ".join(text.casefold().replace("’", "'").split())))
