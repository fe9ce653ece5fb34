"""Where the CPU went during a measurement: bot processes, the PostgreSQL server, and this process.

Read from /proc (Linux), so on 2 cores one can tell whether the machine was full and who filled it.
Elsewhere every reading is 0 and the figures say nothing about CPU.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CpuSplit", "CpuWatch"]

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
_PROC = Path("/proc")


def _cpu(pid: int) -> float:
    """User + system seconds of one process, or 0 when it is gone."""
    try:
        stat = (_PROC / str(pid) / "stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()  # the name in parentheses may hold spaces
    return (int(fields[11]) + int(fields[12])) / _TICK


def _machine_busy() -> float:
    """CPU seconds all cores together spent on anything but idling since boot."""
    try:
        fields = [int(v) for v in (_PROC / "stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return 0.0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / _TICK  # user..steal; guest time is counted in user already


def _postgres_pids() -> list[int]:
    pids = []
    for entry in _PROC.glob("[0-9]*"):
        try:
            if (entry / "comm").read_text().strip() == "postgres":
                pids.append(int(entry.name))
        except OSError:
            continue
    return pids


@dataclass(frozen=True, slots=True)
class CpuSplit:
    seconds: float  # wall time of the measurement
    bots: float  # CPU seconds of the bot processes together
    postgres: float
    bench: float  # this process: the emulator and the load generator
    machine: float  # every process on the machine, these and any others

    @property
    def cores_ours(self) -> float:
        return (self.bots + self.postgres + self.bench) / self.seconds if self.seconds else 0.0

    @property
    def cores_busy(self) -> float:
        return self.machine / self.seconds if self.seconds else 0.0

    def per(self, count: int) -> tuple[float, float, float]:
        """Milliseconds of CPU per unit of work (bots, PostgreSQL, bench)."""
        return tuple(1000 * v / max(count, 1) for v in (self.bots, self.postgres, self.bench))  # type: ignore[return-value]


class CpuWatch:
    """Start with `CpuWatch(pids)`, end with `.stop()`: the CPU each party used in between.

    PostgreSQL starts a server process per connection, so its processes are listed again at the
    end: one that appeared in between counts from zero (one that ended in between is missed).
    """

    def __init__(self, bot_pids: Iterable[int]) -> None:
        self._bots = list(bot_pids)
        self._wall = time.perf_counter()
        self._bench = time.process_time()
        self._machine = _machine_busy()
        self._bot_cpu = sum(_cpu(p) for p in self._bots)
        self._pg = {pid: _cpu(pid) for pid in _postgres_pids()}

    def stop(self) -> CpuSplit:
        pg = sum(_cpu(pid) - self._pg.get(pid, 0.0) for pid in _postgres_pids())
        return CpuSplit(
            seconds=time.perf_counter() - self._wall,
            bots=sum(_cpu(p) for p in self._bots) - self._bot_cpu,
            postgres=pg,
            bench=time.process_time() - self._bench,
            machine=_machine_busy() - self._machine,
        )
