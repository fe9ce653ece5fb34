"""A button's spinner answer: at once and ahead of the reply when polling, on the webhook's answer with a webhook."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from dialogs.model import Event
from tests.adapters.telegram.conftest import FAST, EchoService, RunAdapter, free_port
from tests.adapters.telegram.test_adapter import stepping_service
from tests.emulators.telegram import Fault, TelegramEmulator

SECRET = "spinner-secret_3"


class Watching(EchoService):
    """The stepping service, noting how many presses had been answered when each event reached it,
    and holding presses at a gate while one is set."""

    def __init__(self, tg: TelegramEmulator) -> None:
        inner = stepping_service()
        super().__init__(inner._reply)
        self.tg = tg
        self.answers_at_start: list[int] = []
        self.gate: asyncio.Event | None = None
        self.refuse = 0  # presses to answer "not recorded" (as when the database stays down)

    async def handle(self, event: Event) -> bool:
        self.answers_at_start.append(len(self.tg.callback_answers))
        if event.button and self.gate is not None:
            await self.gate.wait()
        if event.button and self.refuse:
            self.refuse -= 1
            return False
        return await super().handle(event)


async def start_webhook(run_adapter: RunAdapter, service: EchoService, within: float | None = None) -> str:
    port = free_port()
    url = f"http://127.0.0.1:{port}/hook"
    await run_adapter(
        service,
        FAST if within is None else replace(FAST, spinner_within=within),
        telegram_webhook_url=url,
        telegram_webhook_listen="127.0.0.1",
        telegram_webhook_port=port,
        telegram_webhook_secret=SECRET,
    )
    return url


async def test_polling_answers_the_spinner_without_holding_up_the_step_yet_before_the_reply(
    run_adapter: RunAdapter, tg: TelegramEmulator
) -> None:
    service = Watching(tg)
    await run_adapter(service)
    tg.send_command(4, "/start")
    await tg.wait_for_messages(4, 1)
    tg.fail("answerCallbackQuery", Fault.slow(0.3))  # Telegram is slow to take the answer
    tg.click(4, "Yes")
    await tg.wait_for_messages(4, 2)
    await tg.wait_idle(0.1)
    assert service.answers_at_start == [0, 0]  # the service had the press before the answer was back
    names = [name for name, _ in tg.calls if name != "getUpdates"]
    assert names[-3:] == ["answerCallbackQuery", "sendMessage", "editMessageReplyMarkup"]
    assert len(tg.callback_answers) == 1 and not tg.open_queries
    assert tg.webhook_replies == []


async def test_webhook_answers_the_spinner_in_its_answer_saving_a_request(
    run_adapter: RunAdapter, tg: TelegramEmulator
) -> None:
    service = Watching(tg)
    await start_webhook(run_adapter, service)
    tg.send_command(5, "/start")
    await tg.wait_for_messages(5, 1)
    tg.click(5, "Yes")
    await tg.wait_for(lambda: len(tg.messages(5)) == 2 and not tg.webhook_pending and not tg.open_queries)
    assert tg.webhook_replies == ["answerCallbackQuery"]
    assert tg.method_calls("answerCallbackQuery") == []  # no request of its own
    assert len(tg.callback_answers) == 1
    assert tg.messages(5)[1].text == "button:yes" and tg.messages(5)[0].buttons == []


async def test_webhook_answers_by_request_when_the_step_takes_long(
    run_adapter: RunAdapter, tg: TelegramEmulator
) -> None:
    service = Watching(tg)
    await start_webhook(run_adapter, service, within=0.1)
    tg.send_command(6, "/start")
    await tg.wait_for_messages(6, 1)
    service.gate = asyncio.Event()  # the step is slow (a busy database)
    tg.click(6, "Yes")
    await tg.wait_for(lambda: len(tg.callback_answers) == 1)  # answered while the step still runs
    assert tg.messages(6)[1:] == [] and len(tg.method_calls("answerCallbackQuery")) == 1
    service.gate.set()
    await tg.wait_for(lambda: len(tg.messages(6)) == 2 and not tg.webhook_pending)
    assert tg.webhook_replies == []  # the webhook's answer carries nothing then
    assert len(tg.callback_answers) == 1 and not tg.open_queries


async def test_webhook_answers_by_request_when_the_press_is_not_recorded(
    run_adapter: RunAdapter, tg: TelegramEmulator
) -> None:
    """Telegram ignores the body of a 503, so the spinner is answered by request; the press comes
    again, is recorded, and its late answer (the query is too old by then) changes nothing."""
    service = Watching(tg)
    service.refuse = 1
    await start_webhook(run_adapter, service)
    tg.send_command(7, "/start")
    await tg.wait_for_messages(7, 1)
    update = tg.click(7, "Yes")
    await tg.wait_for(lambda: len(tg.messages(7)) == 2 and not tg.webhook_pending)
    assert [status for uid, status in tg.webhook_attempts if uid == update["update_id"]] == [503, 200]
    assert len(tg.method_calls("answerCallbackQuery")) == 1
    assert len(tg.callback_answers) == 1 and not tg.open_queries
    assert tg.webhook_replies == ["answerCallbackQuery"]  # the second push's answer, refused as too old


async def test_a_second_tap_on_a_webhook_gets_the_spinner_answer_only(
    run_adapter: RunAdapter, tg: TelegramEmulator
) -> None:
    service = Watching(tg)
    await start_webhook(run_adapter, service)
    tg.send_command(8, "/start")
    await tg.wait_for_messages(8, 1)
    first, data = tg.find_button(8, "Yes")
    tg.click(8, "Yes")
    await tg.wait_for(lambda: len(tg.messages(8)) == 2 and not tg.webhook_pending)
    tg.click_data(8, first, data)  # the same button again, on the outdated message
    await tg.wait_for(lambda: not tg.webhook_pending and not tg.open_queries)
    await tg.wait_idle(0.1)
    assert len(tg.messages(8)) == 2 and len(service.events) == 2
    assert tg.webhook_replies == ["answerCallbackQuery", "answerCallbackQuery"]
    assert tg.method_calls("answerCallbackQuery") == []
