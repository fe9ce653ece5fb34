"""Names for the processes that deliver replies, and whether one of them has died.

A process takes a lease on a user's outbox while it sends their replies (see ChatService). When a
process dies holding leases, the leases run out by themselves after a minute; a process on the same
machine can tell sooner, because the holder's name carries its host and process id.
"""

from __future__ import annotations

import os
import socket
import uuid

__all__ = ["dead_on_this_host", "new_holder", "process_alive"]


def new_holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def dead_on_this_host(holder: str, me: str) -> bool:
    """True when `holder` ran on this host and is certainly gone: its process no longer exists, or
    it had this process's id but is not this process (an earlier run, as after a container restart)."""
    try:
        host, pid_text, _ = holder.split(":")
        pid = int(pid_text)
    except ValueError:
        return False
    if holder == me or host != me.split(":")[0]:
        return False
    return pid == os.getpid() or not process_alive(pid)


def process_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine (under any user)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, under another user
    return True
