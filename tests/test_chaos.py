"""The chaos runs of bench/chaos.py at CI size (200 turns each at 20 turns/s; the nightly command in the README
runs them at 2,000): real Redis, Kafka-protocol broker, PostgreSQL, a gateway and two workers as processes. After
each fault: no turn lost, no side effect applied twice, every turn answered (as it asked) or failed honestly, each
session's history in the order sent, and the service healthy again within 10 s of the part coming back."""
import asyncio

import pytest

from bench import chaos

TURNS, RATE = 200, 20.0


@pytest.mark.parametrize("fault", chaos.FAULTS)
def test_nothing_is_lost_or_done_twice(fault):
    row = asyncio.run(chaos.run(fault, TURNS, RATE))
    assert row["sent"] == TURNS
    assert (row["lost"], row["duplicated"], row["wrong"], row["sessions out of order"]) == (0, 0, 0, 0), row
    assert row["answered"] + row["honest failures"] == TURNS, row
    assert row["applied changes"] >= chaos.SHOPPERS, row  # the "yes" turns changed the shop (each: in "lost")
    if fault == "kill-worker":  # a SIGKILLed member's partitions move once the broker's session timeout passes
        assert row["killed worker's partitions"] > 0 and row["healthy s"] <= 10 + chaos.SESSION_TIMEOUT_SECONDS, row
    elif fault != "websockets":
        assert row["healthy s"] <= 10, row
