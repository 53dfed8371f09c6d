"""The fast path's dialogue: a typed state (state.py), the flow table (flows.py), one engine that runs
every flow (engine.py) with its steps (orders.py, items.py, payments.py, account.py, selling.py,
product_facts.py, variant_answers.py), the readers of what a message says (reading.py, money.py,
addresses.py) and of the products it names (products.py), the parts of a message that asks several
things (parts.py) and their answers (several.py), and the router's questions about a message and the
task under way (routing.py, meant.py)."""
from agent.dialogue.engine import FlowResult, run_flow
from agent.dialogue.flows import ORDER_INTENTS, check_flows
from agent.dialogue.addresses import without_identity
from agent.dialogue.parts import is_open_question, questions_in, requests_in
from agent.dialogue.reading import after_no, after_thanks, asks_change, asks_for_person, is_bare_answer, is_yes, wants_done
from agent.dialogue.products import products_in
from agent.dialogue.meant import account_not_order, meant_intent
from agent.dialogue.routing import (asks_about_product, confirms_what_is_done, can_close, return_instead, continues_task, drops_task,
                                    gives_identity, names_product, names_target, starts_new_task, asks_price_of_variant)

__all__ = ["FlowResult", "run_flow", "ORDER_INTENTS", "check_flows", "after_no", "after_thanks", "asks_change", "asks_for_person", "is_bare_answer",
           "is_open_question", "is_yes", "products_in", "questions_in", "requests_in", "wants_done", "without_identity", "account_not_order", "asks_about_product", "confirms_what_is_done", "meant_intent", "can_close",
           "continues_task", "drops_task", "asks_price_of_variant", "gives_identity", "names_product", "names_target", "starts_new_task", "return_instead"]
