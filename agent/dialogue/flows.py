"""The flow table: every request the fast path closes with the shop's tools, as data.

A flow names the order statuses it may act on (the shop's rules: only pending orders are cancelled or
modified, only delivered ones returned or exchanged), the reply when the status forbids it, and its steps
in order (agent/dialogue/orders.py, items.py, payments.py). The engine runs them the same way for every
request: who the shopper is, which order, the status rule, the answer to a change stated before, then
the first step that still asks for something. Adding a request is one entry here plus its replies in data/replies.yaml;
check_flows() runs at start-up.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from agent.dialogue import items, orders, payments
from agent.dialogue.state import Task
from agent.dialogue.turn import Answer, Turn
from agent.replies import templates

Step = Callable[[Turn, dict, Task], "Answer | None"]


@dataclass(frozen=True)
class Flow:
    steps: tuple[Step, ...]
    statuses: tuple[str, ...] = ()  # the order statuses it acts on; () = any (it only reads)
    refusal: str = ""               # reply key when the order's status forbids it
    replies: tuple[str, ...] = ()   # every other reply key its steps use (checked at start-up)


FLOWS: dict[str, Flow] = {
    "order_status": Flow((orders.tell_status,), replies=("order_status", "tracking", "refund_line", "ship_to",
                                                             "items_bought", "payments", "paid_line", "refunded_line")),
    "refund_status": Flow((orders.tell_refund,), replies=("refund_issued", "refund_after_return", "no_refund")),
    "payment_issue": Flow((payments.tell_payments,), replies=("payments", "paid_line", "refunded_line")),
    "cancel_order": Flow((orders.ask_reason, orders.state_cancel), ("pending",), "cannot_cancel",
                         ("ask_cancel_reason", "confirm_cancel", "cancelled", "cancel_kept", "confirm_cancel_also",
                          "also_cancel", "also_cancelled")),
    "return_item": Flow((items.ask_return_items, payments.ask_refund_method, orders.state_return), ("delivered",),
                        "cannot_return", ("ask_return_items", "refund_where", "confirm_return", "returned", "return_kept",
                                         "cannot_return_cancel_instead")),
    "exchange_item": Flow((items.ask_swap_item, orders.state_swap), ("delivered",), "cannot_exchange",
                          ("ask_swap_item", "ask_swap_option", "no_swap_option", "confirm_exchange", "swap_line",
                           "exchanged", "exchange_kept")),
    "modify_order": Flow((orders.state_modification, items.ask_swap_item, orders.state_swap), ("pending",),
                         "cannot_modify", ("confirm_address", "confirm_payment", "ask_payment", "ask_address",
                                           "ask_change", "confirm_items", "items_modified", "modified", "modify_kept",
                                           "items_changed_once", "confirm_address_also", "also_order_address", "also_default_address",
                                           "also_order_done", "also_default_done")),
}
ORDER_INTENTS = set(FLOWS)
# what each request does to an order, as a yes or a no to it is read ("不取消" declines a cancel)
ACTION_OF = {"cancel_order": "cancel", "modify_order": "modify", "account": "modify", "return_item": "return",
             "exchange_item": "exchange"}
# answered by one reply of the catalogue, whatever the message
SAID = {"greeting": "greeting", "thanks_bye": "thanks_bye", "out_of_scope": "out_of_scope", "complaint": "complaint",
        "acknowledge": "anything_else"}
# closed by their own flows (selling.py, account.py) or by the answer cache, the LLM tier, a person
OWN_FLOWS = {"price_promo", "recommend", "product_info", "account", "identify"}
ELSEWHERE = {"shipping_policy", "return_policy", "human_agent"}
SHARED = ("ask_identity", "sorry_not_received", "broken_options", "ask_zip", "ask_name", "identity_not_found", "one_shopper_per_session", "verified",
          "verified_short", "ask_order_id", "ask_which_order",
          "order_not_found", "still_waiting", "handoff_after_failures", "handoff_not_received", "refund_line", "back_to_task",
          "saved_methods", "card_line",
          "gift_card_line", "paypal_line", *(f"task_{intent}" for intent in FLOWS))


def check_flows(intents: list[str]) -> list[str]:
    """Every intent of the contract is closed somewhere, and every reply a flow uses is in the catalogue."""
    problems = [f"intent {i}: no flow, reply or route" for i in intents
                if i not in FLOWS and i not in SAID and i not in OWN_FLOWS and i not in ELSEWHERE]
    keys = set(SAID.values()) | set(SHARED) | {k for f in FLOWS.values() for k in (f.refusal, *f.replies) if k}
    return problems + [f"reply {k}: not in the catalogue" for k in sorted(keys - set(templates()))]
