"""Which inline keyboards to take away, and which presses are the second tap of a double tap.

A used keyboard is taken away only once a newer one went out to the chat. The engine moves a
person's nonce on only when it shows new buttons, so a newer keyboard means the pressed one is
outdated; a fake or stale press, which the engine answers without new buttons, never costs the
person the buttons on their latest message. Deciding that needs the engine's verdict, which only
shows in what is sent next; hence this bookkeeping, kept in memory (a restart forgets it, and the
worst then is a used keyboard left in place, which the engine still answers as expired).

A press on a message that was pressed before and has since been outdated is the second tap of a
double tap (both taps left the phone before the first was answered): it gets the spinner answer
and nothing else.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from telegram import InlineKeyboardMarkup, MaybeInaccessibleMessage, Message

from dialogs.model import decode_button

__all__ = ["Keyboards", "keyboard_nonce"]

_PER_CHAT = 8  # pressed messages remembered per chat; older ones are long outdated


@dataclass(slots=True)
class _Pressed:
    nonce: int  # the nonce the message's buttons carry
    retired: bool = False


@dataclass(slots=True)
class _Chat:
    latest: int | None = None  # the newest nonce of a keyboard sent to this chat
    pressed: OrderedDict[int, _Pressed] = field(default_factory=OrderedDict)  # by message id


def keyboard_nonce(message: MaybeInaccessibleMessage | None) -> int | None:
    """The nonce on a message's buttons, as Telegram shows them (not as a press claims)."""
    if not isinstance(message, Message) or not isinstance(message.reply_markup, InlineKeyboardMarkup):
        return None
    nonces = [
        decoded[0]
        for row in message.reply_markup.inline_keyboard
        for button in row
        if isinstance(button.callback_data, str) and (decoded := decode_button(button.callback_data))
    ]
    return max(nonces) if nonces else None


class Keyboards:
    """Per chat: the keyboards pressed here, and the newest keyboard sent. Bounded, oldest chats out."""

    def __init__(self, capacity: int = 10_000) -> None:
        self._chats: OrderedDict[int, _Chat] = OrderedDict()
        self._capacity = capacity

    def _chat(self, chat_id: int) -> _Chat:
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = self._chats[chat_id] = _Chat()
            if len(self._chats) > self._capacity:
                self._chats.popitem(last=False)
        self._chats.move_to_end(chat_id)
        return chat

    def press(self, chat_id: int, message_id: int, nonce: int | None) -> bool:
        """Note a press on a message whose buttons carry `nonce`; True for the second tap of a double
        tap: the message was pressed before and a newer keyboard has replaced it since."""
        chat = self._chat(chat_id)
        seen = chat.pressed.get(message_id)
        if seen is not None:
            return chat.latest is not None and seen.nonce < chat.latest
        if nonce is not None:
            chat.pressed[message_id] = _Pressed(nonce)
            while len(chat.pressed) > _PER_CHAT:
                chat.pressed.popitem(last=False)
        return False

    def sent(self, chat_id: int, nonce: int) -> list[int]:
        """A keyboard with `nonce` went out: the pressed messages it outdates, to take their buttons away."""
        chat = self._chat(chat_id)
        chat.latest = nonce if chat.latest is None else max(chat.latest, nonce)
        outdated = []
        for message_id, pressed in chat.pressed.items():
            if not pressed.retired and pressed.nonce < nonce:
                pressed.retired = True
                outdated.append(message_id)
        return outdated
