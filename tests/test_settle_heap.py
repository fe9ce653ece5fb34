"""settle_heap: what is alive after start-up leaves the garbage collector's full passes."""

from __future__ import annotations

import gc

from bot.app import settle_heap


class _Node:
    def __init__(self) -> None:
        self.peer: _Node | None = None


def test_settle_heap_freezes_what_is_alive_and_leaves_later_objects_collectable() -> None:
    before = _Node()
    try:
        settle_heap()
        assert gc.get_freeze_count() > 0
        assert not any(o is before for o in gc.get_objects())  # frozen: no collection walks it

        after_a, after_b = _Node(), _Node()
        after_a.peer, after_b.peer = after_b, after_a
        assert any(o is after_a for o in gc.get_objects())
        del after_a, after_b
        assert gc.collect() >= 2  # a cycle made after start-up is still freed
    finally:
        gc.unfreeze()
