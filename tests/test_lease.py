"""Telling a dead delivery process from a live one on the same machine."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

from bot.lease import dead_on_this_host, new_holder


def test_a_process_that_exited_is_dead_and_a_running_one_is_not() -> None:
    me = new_holder()
    host = socket.gethostname()
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert dead_on_this_host(f"{host}:{child.pid}:abcd1234", me)
    assert not dead_on_this_host(f"{host}:{os.getppid()}:abcd1234", me), "the parent process is alive"
    assert not dead_on_this_host(me, me), "never ourselves"


def test_an_earlier_run_with_our_pid_is_dead_and_other_hosts_are_left_to_their_lease() -> None:
    me = new_holder()
    host = socket.gethostname()
    assert dead_on_this_host(f"{host}:{os.getpid()}:00000000", me)
    assert not dead_on_this_host(f"{host}-other:{99999999}:abcd1234", me)
    assert not dead_on_this_host("not a holder name", me)
