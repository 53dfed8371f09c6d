"""What counts as a backend outage, as opposed to something wrong with the shopper's request or a defect.

An outage is nobody's failure: the gateway answers 503 with Retry-After, and a turn that meets one tells
the shopper their request is safe and is retried until the backend is back, never answered "not found",
counted as a failed task, handed to a human or dead-lettered.
"""
from __future__ import annotations

import redis.exceptions
from aiokafka.errors import KafkaConnectionError, KafkaTimeoutError, KafkaUnavailableError, NodeNotReadyError

from tools.errors import StoreUnavailable

OUTAGES: tuple[type[BaseException], ...] = (
    StoreUnavailable,  # the shop's database (tools/store.py types its drivers' outages)
    redis.exceptions.ConnectionError, redis.exceptions.TimeoutError,  # not Python's ConnectionError
    KafkaConnectionError, KafkaTimeoutError, KafkaUnavailableError, NodeNotReadyError,
    ConnectionError,
)


def is_outage(exc: BaseException) -> bool:
    return isinstance(exc, OUTAGES)
