"""A consumer's own abandoned members, taken out of its Kafka consumer group.

aiokafka drops its member id when the coordinator answers a commit, heartbeat or SyncGroup with
ILLEGAL_GENERATION or UNKNOWN_MEMBER_ID, and joins again under a new id without leaving under the old one.
Apache Kafka removes the old member when its session or the rebalance times out. noida-db 0.2.3 never does
(it drops a member only when that member itself heartbeats late, or leaves), and it moves the generation on
as soon as another member starts to join, so a worker committing a turn at that moment gets
ILLEGAL_GENERATION: after a broker restart with turns under way, the group then waits for the abandoned
member forever and no worker is given a partition again. Each consumer has a client id of its own; before
it rejoins, it asks the coordinator to remove any member under that client id other than its current one.
"""
from __future__ import annotations

import logging

log = logging.getLogger(__name__)


async def leave_abandoned(bootstrap: str, group: str, client_id: str, current_member_id: str) -> list[str]:
    """Removes the group's members under `client_id` other than `current_member_id` ("" when it has none);
    returns their ids. Best effort: a broker that cannot describe the group is left as it is."""
    from aiokafka import AIOKafkaClient
    from aiokafka.protocol.admin import DescribeGroupsRequest
    from aiokafka.protocol.group import LeaveGroupRequest

    client = AIOKafkaClient(bootstrap_servers=bootstrap, client_id=f"{client_id}-cleanup")
    try:
        await client.bootstrap()
        coordinator = await client.coordinator_lookup(0, group)  # 0: a consumer group's coordinator
        described = (await client.send(coordinator, DescribeGroupsRequest([group]))).to_object()
        abandoned = [m["member_id"] for g in described["groups"] for m in g["members"]
                     if m["client_id"] == client_id and m["member_id"] != current_member_id]
        for member_id in abandoned:
            await client.send(coordinator, LeaveGroupRequest(group, member_id))
            log.warning("group %s: removed member %s, which this consumer had abandoned", group, member_id)
        return abandoned
    except Exception as exc:  # the rebalance goes on without it
        log.info("group %s: abandoned members not checked (%r)", group, exc)
        return []
    finally:
        await client.close()
