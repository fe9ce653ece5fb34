"""What the figures were measured on: cores, CPU model, Python and the library versions that matter."""

from __future__ import annotations

import os
import platform
import sqlite3
from importlib import metadata

LIBRARIES = (
    "python-telegram-bot",
    "httpx",
    "aiohttp",
    "aiosqlite",
    "aiolimiter",
    "apscheduler",
    "pydantic",
    "asyncpg",
    "onnxruntime",
    "tokenizers",
    "numpy",
)


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


# The instructions the int8 encoder's matrix products can run on. They move the model's figures more
# than anything else about a machine: the bench's typed message took 8-9 ms a read on one 2-core
# Intel Xeon here and 16 ms on a 2-core AMD EPYC with AVX2 alone.
_SIMD = ("avx2", "avx512f", "avx512_vnni", "avx_vnni", "amx_int8")


def cpu_simd() -> str:
    """Which of the SIMD extensions that matter to the model this CPU has, from /proc/cpuinfo."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    return " ".join(f for f in _SIMD if f in flags) or "none of " + ", ".join(_SIMD)
    except OSError:
        pass
    return "unknown"


def memory_mib() -> int | None:
    try:
        with open("/proc/meminfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return None


def cpu_ticks() -> tuple[int, int] | None:
    """(steal, all) clock ticks of every core since boot, from /proc/stat; None elsewhere.

    Steal is time a virtual machine's cores were ready to run but the host ran something else: a
    run with much of it measured the neighbours as much as the bot."""
    try:
        with open("/proc/stat", encoding="utf-8") as stat:
            fields = [int(v) for v in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    return (fields[7], sum(fields[:8])) if len(fields) >= 8 else None


def steal_share(before: tuple[int, int] | None, after: tuple[int, int] | None) -> float | None:
    if before is None or after is None or after[1] <= before[1]:
        return None
    return (after[0] - before[0]) / (after[1] - before[1])


def versions() -> dict[str, str]:
    found = {"Python": platform.python_version(), "SQLite": sqlite3.sqlite_version}
    for name in LIBRARIES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def describe() -> dict[str, str]:
    info = {
        "cores": str(os.cpu_count() or "?"),
        "cpu": cpu_model(),
        "cpu extensions": cpu_simd(),
        "memory": f"{memory_mib()} MiB",
        "os": f"{platform.system()} {platform.release()}",
    }
    info.update(versions())
    return info
