"""Bots as separate processes for the multi-worker benches: `python -m bot` as deployed, and the echo bot.

Each process gets a clean environment: every Rekindle setting inherited from the caller's shell is
removed and only the bench's are set, and it runs in the bench's scratch folder so no `.env` file is
read. Its output goes to a log file there; a process that dies early fails the bench with its tail.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.emulator import BenchEmulator
from bot.config import Settings

__all__ = ["WEBHOOK_SECRET", "BotProcess", "baseline_process", "echo_process", "free_port", "rekindle_processes"]

ROOT = Path(__file__).resolve().parent.parent
WEBHOOK_SECRET = "bench-webhook-secret"  # the same for every worker, as behind a load balancer
# Telegram's pace is what the fan-out bench measures; here it would measure the limiter instead.
LIFTED_RATE = "1000000"
_SETTINGS = {name.upper() for name in Settings.model_fields}


@dataclass(frozen=True, slots=True)
class BotProcess:
    proc: asyncio.subprocess.Process
    log: Path

    def tail(self) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")[-1500:]
        except OSError:
            return ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _environment(extra: Mapping[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k.upper() not in _SETTINGS}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    env["PTB_TIMEDELTA"] = "true"
    env.update(extra)
    return env


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


async def _spawn(args: Sequence[str], env: Mapping[str, str], workdir: Path, name: str) -> BotProcess:
    log = workdir / f"{name}.log"
    with log.open("wb") as out:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            *args,
            cwd=workdir,
            env=_environment(env),
            stdout=out,
            stderr=out,
            stdin=asyncio.subprocess.DEVNULL,
            # A bench started in the background (`cmd &`) inherits an ignored SIGINT, and Python then
            # never turns Ctrl-C into a graceful stop: give each worker the default back.
            preexec_fn=_default_sigint,
        )
    return BotProcess(proc, log)


async def _stop(processes: Sequence[BotProcess]) -> None:
    """Ctrl-C each (a graceful stop), then kill what is still running after a grace period."""
    for p in processes:
        if p.proc.returncode is None:
            p.proc.send_signal(signal.SIGINT)
    for p in processes:
        try:
            # A web worker waits up to its request timeout (10 s) for open webhook connections, then
            # closes its pools: allow for that on a loaded machine before calling it hung.
            await asyncio.wait_for(p.proc.wait(), 40)
        except TimeoutError:
            p.proc.kill()
            await p.proc.wait()


async def _wait_ready(
    processes: Sequence[BotProcess], ready: Callable[[], bool], within: float, what: str
) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not ready():
        dead = [p for p in processes if p.proc.returncode is not None]
        if dead:
            raise RuntimeError(f"{what} exited with {dead[0].proc.returncode}:\n{dead[0].tail()}")
        if loop.time() > deadline:
            raise RuntimeError(f"{what} not ready after {within:.0f} s:\n{processes[0].tail()}")
        await asyncio.sleep(0.05)


@asynccontextmanager
async def rekindle_processes(
    emulator: BenchEmulator,
    database_url: str,
    workdir: Path,
    count: int,
    *,
    role: str = "web",
    extra: Mapping[str, str] | None = None,
) -> AsyncIterator[list[BotProcess]]:
    """`count` Rekindle processes on one database, ready when the block starts.

    role "web": webhook workers (RUN_SCHEDULER=false, as the Procfile's `web`), each on its own port,
    the emulator spreading pushes over all of them; ready once each has called setWebhook.
    role "scheduler": `python -m bot scheduler`, ready once each has connected (getMe).
    """
    base = {
        "DATABASE_URL": database_url,
        "TELEGRAM_BOT_TOKEN": emulator.token,
        "TELEGRAM_API_BASE_URL": emulator.base_url,
        "TELEGRAM_MESSAGES_PER_SECOND": LIFTED_RATE,
        "LOG_LEVEL": "WARNING",
        **(extra or {}),
    }
    processes: list[BotProcess] = []
    try:
        if role == "web":
            ports = [free_port() for _ in range(count)]
            urls = [f"http://127.0.0.1:{port}/hook" for port in ports]
            emulator.spread_webhook(urls)
            before = emulator.webhooks_set
            for i, (port, url) in enumerate(zip(ports, urls, strict=True)):
                env = {
                    **base,
                    "TELEGRAM_WEBHOOK_URL": url,
                    "TELEGRAM_WEBHOOK_LISTEN": "127.0.0.1",
                    "TELEGRAM_WEBHOOK_PORT": str(port),
                    "TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
                    "RUN_SCHEDULER": "false",
                }
                processes.append(await _spawn(["-m", "bot"], env, workdir, f"web-{count}-{i}"))
            await _wait_ready(processes, lambda: emulator.webhooks_set - before >= count, 120, "a web worker")
        elif role == "scheduler":
            before = len(emulator.method_calls("getMe"))
            for i in range(count):
                processes.append(
                    await _spawn(["-m", "bot", "scheduler"], base, workdir, f"scheduler-{count}-{i}")
                )
            await _wait_ready(
                processes, lambda: len(emulator.method_calls("getMe")) - before >= count, 120, "a scheduler"
            )
        else:
            raise ValueError(f"unknown role {role!r}")
        yield processes
    finally:
        await _stop(processes)
    failed = [p for p in processes if p.proc.returncode not in (0, -signal.SIGINT)]
    if failed:
        raise RuntimeError(f"a {role} process ended with {failed[0].proc.returncode}:\n{failed[0].tail()}")


@asynccontextmanager
async def baseline_process(
    emulator: BenchEmulator, workdir: Path, module_args: Sequence[str], name: str, *, webhook: bool
) -> AsyncIterator[BotProcess]:
    """A baseline bot (`python -m <module_args> <emulator port>`) in a process of its own, polling the
    emulator or, with `webhook`, taking its pushes through python-telegram-bot's own webhook server."""
    args = ["-m", *module_args, str(emulator.port)]
    if webhook:
        port = free_port()
        emulator.spread_webhook([f"http://127.0.0.1:{port}/hook"])
        args += ["--webhook", str(port), "--secret", WEBHOOK_SECRET]
        before = emulator.webhooks_set

        def ready() -> bool:
            return emulator.webhooks_set > before
    else:
        polls = len(emulator.method_calls("getUpdates"))

        def ready() -> bool:
            return len(emulator.method_calls("getUpdates")) > polls

    process = await _spawn(args, {}, workdir, name)
    try:
        await _wait_ready([process], ready, 120, name)
        yield process
    finally:
        await _stop([process])


def echo_process(
    emulator: BenchEmulator, workdir: Path, *, webhook: bool = False
) -> AbstractAsyncContextManager[BotProcess]:
    """The echo bot (tests/emulators/echo_bot.py) in a process of its own."""
    return baseline_process(emulator, workdir, ["bench.echo_worker"], "echo", webhook=webhook)


def serve(app: Any, webhook: int | None, secret: str | None) -> None:
    """Run a baseline bot (the echo bot, the peer) in its own process: by webhook on `webhook`'s port
    when given, as Rekindle's workers are fed, else by polling."""
    if webhook:
        app.run_webhook(
            listen="127.0.0.1", port=webhook, url_path="hook", secret_token=secret,
            webhook_url=f"http://127.0.0.1:{webhook}/hook", close_loop=False,
        )
    else:
        app.run_polling(timeout=1, close_loop=False)
