from __future__ import annotations

import os
from pathlib import Path

import pytest

from dialogs.content import CONTENT_DIR

os.environ.setdefault("PTB_TIMEDELTA", "true")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def kit():
    from dialogs.kit import load_kit

    return load_kit(CONTENT_DIR)


# The suite runs on two xdist workers (scripts/test.sh), and worksteal first hands each worker a
# contiguous half of the collection. Left in file order, the longest tests (the model's evaluations,
# the bench smoke runs, the fault tests' processes) come last and run side by side with nothing
# left to share the other core. Started first, one after another on alternate workers, they let the
# short tests fill in around them. Measured with `scripts/test.sh --durations=40`; a name missing
# from here only runs in its usual place.
STARTED_FIRST = (
    "tests/safety/test_model.py::test_held_out_split",
    "tests/safety/test_model.py::test_realistic_set_written_by_others",
    "tests/test_bench_smoke.py::test_tiny_suite_produces_sane_figures",
    "tests/test_bench_smoke.py::test_tiny_postgres_section_runs_worker_processes",
    "tests/adapters/telegram/test_sweep_faults.py::test_sweep_under_429_5xx_timeouts_and_a_block",
    "tests/faults/test_kill_worker.py::test_a_killed_worker_loses_no_message",
    "tests/faults/test_pg_restart.py::test_workers_reconnect_after_postgres_restarts",
    "tests/adapters/discord/test_journey.py::test_25_users_20_messages_each_all_answered_in_order",
    "tests/faults/test_kill_sweep.py::test_a_sweep_killed_midway_sends_every_checkin_once",
    "tests/faults/test_kill_telegram.py::test_a_killed_telegram_worker_loses_no_update",
    "tests/adapters/discord/test_journey.py::test_a_step_a_day_through_no_contact_to_reaching_out",
    "tests/faults/test_graceful_stop.py::test_sigterm_mid_burst_loses_nothing_and_handles_nothing_twice",
    "tests/faults/test_pg_restart.py::test_no_event_is_lost_when_postgres_restarts",
    "tests/adapters/telegram/test_journey.py::test_a_journey_a_step_a_day_through_no_contact_to_a_warm_reply",
    "tests/understanding/test_bench.py::test_tiny_encoder_bench_produces_figures",
    "tests/test_database_settings.py::test_every_bad_database_setting_is_one_line_and_exit_status_2",
    "tests/adapters/telegram/test_journey.py::test_fifty_users_at_once_all_answered",
    "tests/adapters/telegram/test_adapter.py::test_one_user_in_order_many_users_at_once",
    "tests/safety/test_model.py::test_the_head_reads_its_own_training_examples",
)


def _started_first_rank(item: pytest.Item) -> int | None:
    name = item.nodeid.split("[", 1)[0]
    return STARTED_FIRST.index(name) if name in STARTED_FIRST else None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    ranked = sorted(
        ((rank, index) for index, item in enumerate(items) if (rank := _started_first_rank(item)) is not None)
    )
    if workers < 2 or not ranked:
        return
    first = [items[index] for _, index in ranked]
    chosen = {index for _, index in ranked}
    rest = [item for index, item in enumerate(items) if index not in chosen]
    # The same split as worksteal's first hand-out: each worker in turn gets len(left) // workers_left.
    sizes, left = [], len(items)
    for remaining in range(workers, 0, -1):
        sizes.append(left // remaining)
        left -= sizes[-1]
    shares: list[list[pytest.Item]] = [first[w::workers] for w in range(workers)]
    ordered: list[pytest.Item] = []
    for share, size in zip(shares, sizes, strict=True):
        take = max(0, size - len(share))
        ordered += share + rest[:take]
        rest = rest[take:]
    items[:] = ordered + rest
