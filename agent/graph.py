"""One shopper turn as a LangGraph state machine. This file is the table of contents:

normalise input → a person holds it? (the bot stays silent) → input rails → understand → answer cache → route →
    cache | clarifying question | templated flow (with tools) | LLM (with tools) | human handoff
    → output rails → finish
"""
from __future__ import annotations

from functools import partial

from langgraph.graph import END, START, StateGraph

from agent import nodes
from agent.nodes import TurnDeps
from agent.state import TurnState


# Every node and edge function is a coroutine: LangGraph runs a plain function in a thread pool, and that hop
# (and the GIL handed back and forth) costs a turn more than the function itself.

def _answered_already(next_node: str):
    """Media that could not be heard and blocked input are answered already: straight to finish."""
    async def answered_already(state: TurnState) -> str:
        return "finish" if state.get("route") else next_node

    return answered_already


async def _after_input_rails(state: TurnState) -> str:
    """Blocked input is answered already; a policy that hands off (a shopper in crisis, a threat) puts
    the case on the human desk's queue like any other handoff."""
    return {"rails": "finish", "handoff": "hand_to_human"}.get(state.get("route", ""), "understand")


async def _after_route(state: TurnState) -> str:
    return {"cache": "output_rails", "clarify": "output_rails", "flow": "follow_flow",
            "handoff": "hand_to_human"}.get(state["route"], "ask_llm")


def build_turn_graph(deps: TurnDeps):
    graph = StateGraph(TurnState)
    for name in ("normalise_input", "human_owns", "input_rails", "understand", "answer_cache", "choose_route",
                 "follow_flow", "hand_to_human", "ask_llm", "output_rails", "finish"):
        graph.add_node(name, partial(getattr(nodes, name), deps=deps))

    graph.add_edge(START, "normalise_input")
    graph.add_conditional_edges("normalise_input", _answered_already("human_owns"), ["finish", "human_owns"])
    graph.add_conditional_edges("human_owns", _answered_already("input_rails"), ["finish", "input_rails"])
    graph.add_conditional_edges("input_rails", _after_input_rails, ["finish", "hand_to_human", "understand"])
    graph.add_edge("understand", "answer_cache")
    graph.add_edge("answer_cache", "choose_route")
    graph.add_conditional_edges("choose_route", _after_route,
                                ["output_rails", "follow_flow", "hand_to_human", "ask_llm"])
    graph.add_edge("follow_flow", "output_rails")
    graph.add_edge("hand_to_human", "output_rails")
    graph.add_edge("ask_llm", "output_rails")
    graph.add_edge("output_rails", "finish")
    graph.add_edge("finish", END)
    return graph.compile()
