"""Which country a person is in, asked rather than guessed, so crisis and abuse lines are theirs.

Asked at intake with the time zone's guess offered first, changeable in /settings, and offered from
the crisis reply and /sos whenever it is still unknown.
"""

from __future__ import annotations

from dialogs.context import Ctx, row
from dialogs.model import Button
from dialogs.screens.lines import lines_text
from dialogs.screens.registry import register, show

__all__ = ["ask_country", "set_country"]

ELSEWHERE = "ZZ"
_ELSEWHERE_WORDS = frozenset({"other", "somewhere else", "elsewhere", "none of these", "another country"})


def _keyboard(ctx: Ctx) -> list[tuple[Button, ...]]:
    res = ctx.kit.resources
    guess = ctx.state.profile.country or res.country_for_timezone(ctx.state.profile.timezone)
    codes = [code for code in res.countries if code != guess]
    buttons = [(f"✓ {res.countries[guess].name}", f"c:{guess}")] if guess in res.countries else []
    buttons += [(res.countries[code].name, f"c:{code}") for code in codes]
    rows = [row(*buttons[i : i + 2]) for i in range(0, len(buttons), 2)]
    rows.append(row(("Somewhere else", f"c:{ELSEWHERE}")))
    return rows


def ask_country(ctx: Ctx, *, then: str) -> None:
    """Show the country question; `then` is where to go once answered: intake, crisis, sos, settings."""
    name = "intake.country" if then == "intake" else "country"
    ctx.goto(name, then=then)
    _show(ctx)


def _show(ctx: Ctx) -> None:
    ctx.say_key("ask_country", _keyboard(ctx))


def set_country(ctx: Ctx, code: str) -> None:
    ctx.state.profile.country = code


def _chosen(ctx: Ctx) -> str:
    button = ctx.event.button
    if button.startswith("c:"):
        code = button[2:]
        return code if code in ctx.kit.resources.countries or code == ELSEWHERE else ""
    text = ctx.event.text.strip()
    if " ".join(text.casefold().split()) in _ELSEWHERE_WORDS:
        return ELSEWHERE
    return ctx.kit.resources.country_for_text(text)


def _handle(ctx: Ctx) -> None:
    code = _chosen(ctx)
    if not code:
        ctx.say_key("country_again", _keyboard(ctx))
        return
    set_country(ctx, code)
    then = str(ctx.state.data.get("then", ""))
    if then == "intake":
        show(ctx, "intake.time")
    elif then in {"crisis", "sos"}:
        ctx.say_key("country_lines", lines=lines_text(ctx, "crisis"))
        show(ctx, then)
    else:
        ctx.say_key("country_changed", [row(("Back", "_back"))])
        ctx.goto(str(ctx.state.resume_screen or "menu"))


register("intake.country", _show, _handle, takes_text=True)
register("country", _show, _handle, takes_text=True)
