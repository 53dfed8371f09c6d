"""What LangGraph's runtime costs a turn, one command: python bench/bench_graph.py

The turn graph (agent/graph.py) runs about eight nodes one after another. This measures the runtime alone:
the same shape of graph (the turn's state type, eight coroutine nodes in a line, each returning one key) whose
nodes do nothing, run by `ainvoke` as the worker runs the turn graph, beside the same eight coroutines awaited
in a plain loop. CPU time per turn (process time), median of five rounds; it holds on a busy machine.
"""
from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from langgraph.graph import END, START, StateGraph  # noqa: E402

from agent.state import TurnState  # noqa: E402

NODES = 8  # normalise_input, human_owns, input_rails, understand, answer_cache, choose_route, a route's node, finish


async def _step(state: TurnState) -> dict:
    return {"route": "cache"}


def _graph():
    graph = StateGraph(TurnState)
    names = [f"node{i}" for i in range(NODES)]
    for name in names:
        graph.add_node(name, _step)
    graph.add_edge(START, names[0])
    for a, b in zip(names, names[1:]):
        graph.add_edge(a, b)
    graph.add_edge(names[-1], END)
    return graph.compile()


async def _per_turn(run, turns: int) -> float:
    for _ in range(50):
        await run()
    started = time.process_time()
    for _ in range(turns):
        await run()
    return (time.process_time() - started) / turns * 1000


async def main(turns: int = 1000) -> None:
    graph = _graph()
    state: TurnState = {"request_id": "r", "session_id": "s", "text": "包邮吗", "context": {}, "history": [],
                        "rails": [], "handoff": False}

    async def plain() -> None:
        out = dict(state)
        for _ in range(NODES):
            out.update(await _step(out))

    rounds = [(await _per_turn(lambda: graph.ainvoke(state), turns), await _per_turn(plain, turns)) for _ in range(5)]
    runtime, loop = statistics.median(r[0] for r in rounds), statistics.median(r[1] for r in rounds)
    print("| runs the eight nodes | CPU per turn |\n|---|---|")
    print(f"| LangGraph `ainvoke` | {runtime:.2f} ms |\n| a plain loop | {loop:.3f} ms |")


if __name__ == "__main__":
    asyncio.run(main())
