"""Safety first: the crisis reply, grounding, the personal safety plan, /sos, and the boundaries route.

Everything here runs before any lesson logic. Crisis resources and wording come from content/safety.
"""

from __future__ import annotations

from dialogs.context import Ctx, row
from dialogs.safety import SafetyLabel
from dialogs.screens.registry import register, show

__all__ = ["crisis", "explain_route", "moved_on", "protect", "sos"]

CRISIS_BUTTONS = (
    row(("A grounding exercise", "ground"), ("My safety plan", "plan")),
    row(("I'm safe now, go on", "goon")),
)


def _country(ctx: Ctx) -> str:
    profile = ctx.state.profile
    return profile.country or ctx.kit.resources.country_for_timezone(profile.timezone)


def crisis_lines_text(ctx: Ctx) -> str:
    res = ctx.kit.resources
    return res.format_lines(res.crisis_lines(_country(ctx)))


def abuse_lines_text(ctx: Ctx) -> str:
    res = ctx.kit.resources
    return res.format_lines(res.abuse_lines(_country(ctx)))


def crisis(ctx: Ctx) -> None:
    """Answer at once, pause the guide and the cheerful reminders, and offer what people actually use."""
    state = ctx.state
    if not state.screen.startswith(("crisis", "grounding", "plan")):
        state.resume_screen = state.screen
    state.crisis_active = True
    ctx.say(
        ctx.kit.resources.texts.crisis.format(
            lines=crisis_lines_text(ctx), name=state.profile.name or "friend"
        )
    )
    ctx.goto("crisis")
    ctx.say_key("crisis_offer", CRISIS_BUTTONS)


def _crisis_show(ctx: Ctx) -> None:
    ctx.say_key("crisis_offer", CRISIS_BUTTONS)


def _crisis_handle(ctx: Ctx) -> None:
    button = ctx.event.button
    if button == "ground":
        ctx.goto("grounding", step=0)
        _grounding_show(ctx)
    elif button == "plan":
        _start_plan(ctx)
    elif button == "goon":
        ctx.state.crisis_active = False
        ctx.say_key("crisis_go_on")
        target = ctx.state.resume_screen or "menu"
        ctx.state.resume_screen = ""
        show(ctx, target if target not in {"crisis", "new"} else "menu")
    else:
        ctx.say_key("crisis_listening", CRISIS_BUTTONS)


register("crisis", _crisis_show, _crisis_handle, takes_text=True)


def _grounding_show(ctx: Ctx) -> None:
    steps = ctx.kit.resources.grounding
    index = ctx.data_int("step")
    if index >= len(steps):
        ctx.say_key("grounding_done", CRISIS_BUTTONS if ctx.state.crisis_active else [row(("Back", "_back"))])
        ctx.goto("crisis" if ctx.state.crisis_active else ctx.state.resume_screen or "menu")
        return
    ctx.say(steps[index], [row(("Next", "next"), ("Stop", "stop"))])


def _grounding_handle(ctx: Ctx) -> None:
    if ctx.event.button == "stop":
        ctx.state.data = {"step": len(ctx.kit.resources.grounding)}
    else:
        ctx.state.data = {"step": ctx.data_int("step") + 1}
    _grounding_show(ctx)


register("grounding", _grounding_show, _grounding_handle, takes_text=True)


# --- safety plan ---------------------------------------------------------------------------------------------
def _start_plan(ctx: Ctx) -> None:
    ctx.goto("plan", step=0)
    ctx.say_key("plan_intro")
    _plan_show(ctx)


def _plan_show(ctx: Ctx) -> None:
    steps = ctx.kit.resources.safety_plan
    index = ctx.data_int("step")
    if index >= len(steps):
        ctx.say_key("plan_done")
        _show_plan(ctx)
        ctx.goto("crisis" if ctx.state.crisis_active else ctx.state.resume_screen or "menu")
        if ctx.state.crisis_active:
            ctx.say_key("crisis_offer", CRISIS_BUTTONS)
        else:
            ctx.say_key("after_info", [row(("Back", "_back"), ("Menu", "_menu"))])
        return
    step = steps[index]
    existing = ctx.state.safety_plan.get(step.key, "")
    hint = ctx.t("plan_existing", answer=existing) if existing else ""
    ctx.say(f"{step.question}{hint}", [row(("Skip", "skip"), ("Stop for now", "stop"))])


def _plan_handle(ctx: Ctx) -> None:
    steps = ctx.kit.resources.safety_plan
    index = ctx.data_int("step")
    if ctx.event.button == "stop":
        index = len(steps)
    elif index < len(steps) and ctx.event.text.strip():
        plan = dict(ctx.state.safety_plan)
        plan[steps[index].key] = ctx.event.text.strip()[:1000]
        ctx.state.safety_plan = plan
        index += 1
    else:
        index += 1
    ctx.state.data = {"step": index}
    _plan_show(ctx)


register("plan", _plan_show, _plan_handle, takes_text=True)


def _show_plan(ctx: Ctx) -> None:
    plan = ctx.state.safety_plan
    if not plan:
        return
    lines = [
        f"{step.title}: {plan[step.key]}" for step in ctx.kit.resources.safety_plan if plan.get(step.key)
    ]
    ctx.say(ctx.t("plan_show", plan="\n".join(lines)))


def sos(ctx: Ctx) -> None:
    """/sos from anywhere: people to reach now, the safety plan if there is one, and ways to calm down."""
    if not ctx.state.screen.startswith(("crisis", "grounding", "plan")):
        ctx.state.resume_screen = ctx.state.screen
    ctx.say_key("sos", lines=crisis_lines_text(ctx))
    if "danger" in ctx.state.flags:
        ctx.say_key("sos_abuse", lines=abuse_lines_text(ctx))
    _show_plan(ctx)
    ctx.goto("sos")
    _sos_show(ctx)


def _sos_show(ctx: Ctx) -> None:
    plan_label = "Update my safety plan" if ctx.state.safety_plan else "Make a safety plan"
    ctx.say_key(
        "sos_offer", [row(("A grounding exercise", "ground"), (plan_label, "plan")), row(("Back", "_back"))]
    )


def _sos_handle(ctx: Ctx) -> None:
    if ctx.event.button == "ground":
        ctx.goto("grounding", step=0)
        _grounding_show(ctx)
    elif ctx.event.button == "plan":
        _start_plan(ctx)
    else:
        _sos_show(ctx)


register("sos", _sos_show, _sos_handle, takes_text=False)


# --- boundaries ----------------------------------------------------------------------------------------------
def protect(ctx: Ctx, label: SafetyLabel) -> bool:
    """Danger or a clear boundary: contact is never coached again; move to moving on, for good.

    Returns False when nothing needed saying (a boundary already known on the moving-on track), so
    the message is handled as usual, for example saved as the answer to a reflection.
    """
    flag = "danger" if label == SafetyLabel.DANGER else "boundary"
    first_time = flag not in ctx.state.flags
    if not first_time and label == SafetyLabel.BOUNDARY and ctx.state.track == "moving_on":
        return False
    if first_time:
        ctx.state.flags = [*ctx.state.flags, flag]  # type: ignore[list-item]
    if ctx.state.track != "moving_on":
        ctx.state.track = "moving_on"
        ctx.state.lesson_index = 0
    texts = ctx.kit.resources.texts
    name = ctx.state.profile.name or "friend"
    if label == SafetyLabel.DANGER:
        ctx.say(texts.danger.format(lines=abuse_lines_text(ctx), name=name))
    elif first_time:
        ctx.say(texts.boundary.format(name=name, lines=""))
    if ctx.state.screen in {"new", "consent"}:
        return True
    ctx.goto("notice")
    ctx.say_key("protect_next", [row(("Continue", "_back"), ("Help now", "sos"))])
    return True


def explain_route(ctx: Ctx) -> None:
    texts = ctx.kit.resources.texts
    name = ctx.state.profile.name or "friend"
    if "danger" in ctx.state.flags:
        ctx.say(texts.danger.format(lines=abuse_lines_text(ctx), name=name))
    else:
        ctx.say(texts.boundary.format(name=name, lines=""))
    ctx.say_key("route_moving_on")


def moved_on(ctx: Ctx) -> bool:
    """Respect a new relationship; True when the user was offered the switch and nothing else should run."""
    if "moved_on" in ctx.state.flags:
        return False
    ctx.state.flags = [*ctx.state.flags, "moved_on"]
    ctx.say(ctx.kit.resources.texts.moved_on.format(name=ctx.state.profile.name or "friend", lines=""))
    if (
        ctx.state.track == "reconnect"
        and ctx.state.screen not in {"new", "consent"}
        and not ctx.state.screen.startswith("intake")
    ):
        ctx.goto("track.offer")
        ctx.say_key("offer_moving_on", [row(("Switch to moving on", "yes"), ("Not now", "_back"))])
        return True
    return False


def _notice_show(ctx: Ctx) -> None:
    ctx.say_key("protect_next", [row(("Continue", "_back"), ("Help now", "sos"))])


def _notice_handle(ctx: Ctx) -> None:
    if ctx.event.button == "sos":
        sos(ctx)
    else:
        show(ctx, "guide.lesson")


register("notice", _notice_show, _notice_handle, takes_text=False)


def _offer_show(ctx: Ctx) -> None:
    ctx.say_key("offer_moving_on", [row(("Switch to moving on", "yes"), ("Not now", "_back"))])


def _offer_handle(ctx: Ctx) -> None:
    if ctx.event.button == "yes":
        ctx.state.track = "moving_on"
        ctx.state.lesson_index = 0
        ctx.say_key("switched")
    show(ctx, "guide.lesson")


register("track.offer", _offer_show, _offer_handle, takes_text=False)
