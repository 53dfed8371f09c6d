"""One engine for every flow. On every turn it takes every detail the message gives, whatever was
asked (volunteered early, out of order, corrected), then asks only for what is still missing.

The rules the shop never breaks are enforced here, in code, whatever the shopper writes: who they are
is proven before any order is read or changed; one shopper per session; a change is stated and runs
only on an explicit yes to it; the tools themselves refuse wrong statuses and other shoppers' orders.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from agent.dialogue import account, addresses, orders, payments, product_facts, products, reading, selling
from agent.dialogue.details import corrected_order, note_details
from agent.dialogue.flows import ACTION_OF, FLOWS, SAID
from agent.dialogue.state import Dialogue, Task
from agent.dialogue.turn import Answer, Turn
from agent.dialogue.which_order import narrowed, orders_described
from agent.variants import asks_option
from agent.seams import Shop
from tools.errors import InsufficientGiftCardBalance, PolicyRefusal, ToolError

MAX_FAILURES = 2  # a task that fails this often goes to a human
TOOL_ACTION = {"cancel_pending_order": "cancel", "return_delivered_order_items": "return",
               "exchange_delivered_order_items": "exchange"}  # any other tool modifies


@dataclass
class FlowResult:
    reply: str
    context: dict[str, Any]
    facts: dict[str, Any] = field(default_factory=dict)
    handoff: bool = False  # the flow gave up: a human takes over


def run_flow(intent: str, slots: dict, text: str, language: str, context: dict, shop: Shop,
             request_id: str, offers: bool = True) -> FlowResult:
    """`offers`: a coupon may come with the answer (not to a shopper the reply apologises to)."""
    dialogue = Dialogue.of(context)
    dialogue.done = None  # (set again below when this turn makes a change)
    seen = context.get("slots", {})
    turn = Turn(text, language, dialogue, shop, request_id, slots, seen_order=seen.get("order_id"),
                seen_product=seen.get("product"), offers=offers)
    answer = _answer(intent, turn, context.get("last_intent"))
    if dialogue.failures >= MAX_FAILURES:
        dialogue.finish_task()
        answer = Answer(turn.say("handoff_after_failures"), handoff=True)
    context = dialogue.into(context)
    if turn.seen_order:  # the order found from a description is "that order" of the next turn
        context["slots"] = {**context.get("slots", {}), "order_id": turn.seen_order}
    return FlowResult(answer.reply, context, answer.facts, answer.handoff)


# what a shopper may ask before saying who they are, answered as soon as they have (the FAQ, a person or the
# LLM took the question itself: "I think I got charged twice for my air purifier" … "mia.smith@…")
ASKED_BEFORE_IDENTITY = {"order_status", "refund_status", "payment_issue"}


def _answer(intent: str, turn: Turn, earlier: str | None = None) -> Answer:
    if intent == "out_of_scope" and (maybe := selling.perhaps_shopping(turn)):
        return maybe  # (no shop question as the model reads it, yet a need the catalogue has things for)
    if intent in SAID:
        return turn.answer(SAID[intent])
    if intent in ("price_promo", "recommend", "product_info") and reading.HOW_TO_BUY.search(turn.text):
        return selling.how_to_buy(turn)  # ("好 就它了 怎么买": how, of the one settled on; no order is placed here)
    if intent in ("price_promo", "recommend", "product_info"):
        task = turn.dialogue.task if turn.dialogue.task and turn.dialogue.task.intent in FLOWS else None
        answer = product_facts.product_facts(turn) if intent == "product_info" \
            else selling.sell(turn, intent, offers=not task and turn.offers)
        now = turn.dialogue.task  # a question in the middle of an order task: back to it
        if task and (now is None or now is task or now.intent not in FLOWS):
            turn.dialogue.task = task
            answer.reply += turn.say("back_to_task", task=turn.say(f"task_{task.intent}"))
        return answer
    if intent == "identify":  # "it's me, x@y.com" before saying what for
        proven = turn.dialogue.user_id
        # (a shopper signed in who proves it again after their question was answered gets the answer again:
        # "邮箱emma.kovacs5723@example.com" after "我的订单#W8063026发货了吗？")
        if (refusal := authenticate(turn)) or (proven and not turn.seen_order) \
                or earlier not in ASKED_BEFORE_IDENTITY or turn.dialogue.task:
            return turn.answer(refusal or "verified")
        # the question asked just before, about their orders: answered now, about the product it named
        named = [name for name, _ in products.products_in(turn.seen_product or "")]
        turn.dialogue.task = Task(intent=earlier, products=named, order_id=turn.seen_order if proven else None)
        answer = _order_request(earlier, turn)
        return Answer(turn.say("verified_short") + answer.reply, answer.facts, answer.handoff)
    if intent == "account":
        return account.account_request(turn, authenticate)
    return _order_request(intent, turn)


def authenticate(turn: Turn) -> str | None:
    """Proves the shopper from an e-mail or a name + zip in the message; a refusal's reply key, or None."""
    found, asked, candidates = None, False, []
    if turn.slots.get("email"):
        found, asked = _user(turn, "find_user_id_by_email", {"email": turn.slots["email"]}), True
    elif (candidates := addresses.names_with_zip(turn.text) or _completed(turn)):
        asked = True
        found = next((user for first, last, zip_ in candidates[:3] if (user := _user(
            turn, "find_user_id_by_name_zip", {"first_name": first, "last_name": last, "zip": zip_}))), None)
    elif turn.dialogue.said_identity and not turn.dialogue.user_id:
        said = turn.dialogue.said_identity.keys()
        return "ask_identity" if {"first", "last", "zip"} <= said else "ask_zip" if "zip" not in said else "ask_name"
    turn.dialogue.said_identity = {}
    if not asked or (found is None and turn.dialogue.user_id and not turn.slots.get("email")):
        return None  # a proven shopper's "Tennyson St … 80212" is an address we could not read, not a new login
    if found is None:  # a name and zip that found no one are kept: either half may be corrected next
        if candidates:
            turn.dialogue.said_identity = dict(zip(("first", "last", "zip"), candidates[0]))
        return "identity_not_found"
    if turn.dialogue.user_id and turn.dialogue.user_id != found:
        return "one_shopper_per_session"
    turn.dialogue.user_id = found
    return None


def _completed(turn: Turn) -> list[tuple[str, str, str]]:
    """Half a name + zip in this message and the other half said before ("Ethan Johnson" … "zip 80298"):
    the whole; the half is kept until the other comes."""
    if turn.dialogue.user_id:
        return []
    said = dict(turn.dialogue.said_identity)
    if (name := addresses.name_alone(turn.text)) and not products.products_in(" ".join(name)):  # (not "Bluetooth Speaker")
        said.update(first=name[0], last=name[1])
    elif (zip_ := addresses.zip_alone(turn.text) or (said.get("first") and addresses.one_number_of_five(turn.text))):
        said["zip"] = zip_  # ("打错了 是43171" after a name and zip that found no one: the zip corrected)
    changed, turn.dialogue.said_identity = said != turn.dialogue.said_identity, said
    return [(said["first"], said["last"], said["zip"])] if {"first", "last", "zip"} <= said.keys() and changed else []


def _user(turn: Turn, tool: str, args: dict) -> str | None:
    try:
        return turn.shop.call(tool, args)["user_id"]
    except ToolError:  # no such shopper (a store outage is no answer about the shopper: it stops the turn)
        return None


_ABOUT_PAYING = re.compile(r"[^，,。.;；!！?？]*(?:付款|支付|信用卡|礼品卡|pay ?pal|\bcard\b|\bpayment\b|\bpay\b)[^，,。.;；!！?？]*",
                           re.IGNORECASE)
_ADDRESS_KEPT = re.compile(r"地址(?:就|也)?(?:不用|不需要|不|别)(?:改|动)了?|\b(?:keep|leave) the address(?: as it is)?\b|"
                           r"\baddress (?:stays|is fine)\b", re.IGNORECASE)


def _order_request(intent: str, turn: Turn) -> Answer:
    dialogue = turn.dialogue
    carried = None
    if dialogue.task and intent == "exchange_item" and (dialogue.task.intent, dialogue.task.change) == ("modify_order", "items"):
        intent = "modify_order"  # (an exchange of a pending order's items is the change of items under way)
    if dialogue.task is None or dialogue.task.intent != intent:  # a new request: the order talked about
        dialogue.task, dialogue.pending = Task(intent=intent), None  # before is the likely one (it is stated
        carried = turn.seen_order                                     # before anything changes)
    task = dialogue.task
    note_details(task, turn, carried)
    if (refusal := authenticate(turn)):
        if refusal == "identity_not_found":  # a second shopper is refused, not a failed task
            dialogue.failures += 1
        return turn.answer(refusal)
    if not dialogue.user_id:
        if task.intent in ("return_item", "exchange_item") and reading.ASKS_WHAT_TO_DO.search(turn.text):
            # "我上周买的耳机坏了怎么办": what can be done, then who they are
            return Answer(turn.say("broken_options") + turn.say("ask_identity"), {})
        if task.missing:  # "my package says delivered but I never got it": heard first, then who they are
            return Answer(turn.say("sorry_not_received") + turn.say("ask_identity"), {})
        return turn.answer("ask_identity")
    if task.intent == "order_status" and not task.order_named and (
            reading.ALL_ITEMS.search(turn.text) or reading.NOT_SENT_YET.search(turn.text)):
        return orders.tell_every_status(turn)  # "where are my orders? all of them", "anything not sent yet?"
    named = {fixed} if (fixed := corrected_order(turn.text)) else reading.order_ids(turn.text)
    if task.intent == "order_status" and len(named) > 1 and named <= set(turn.profile()["orders"]):
        return orders.tell_every_status(turn, ids=sorted(named))  # "where are W3779151 and #w1504875?"
    if task.intent == "refund_status" and len(named) > 1 and named <= set(turn.profile()["orders"]):
        return orders.tell_every_refund(turn, [turn.call("get_order_details", {"order_id": o}) for o in sorted(named)])
    order = _which_order(turn, task)
    if isinstance(order, Answer):
        return order
    dialogue.failures, turn.seen_order = 0, order["order_id"]
    if task.intent == "exchange_item" and order["status"] == "pending":
        task.intent, task.change = "modify_order", "items"  # not shipped yet: the order itself is changed
    flow, before = FLOWS[task.intent], ""
    while flow.statuses and order["status"] not in flow.statuses and task.more_orders:
        # ("两个订单的地址都改：W8562406 和 W9869592", the first shipped): said so, the next one goes on
        before += turn.say(flow.refusal, order_id=order["order_id"], status=turn.status(order)) + turn.between
        task.order_id, task.more_orders = task.more_orders[0], task.more_orders[1:]
        if isinstance(order := _which_order(turn, task), Answer):
            return order
        turn.seen_order = order["order_id"]
    if flow.statuses and order["status"] not in flow.statuses:
        return _refused(turn, flow.refusal, order, task)
    if (settled := _settle(turn, order)):
        return settled
    dialogue.pending = None  # no yes or no to it: the change stated before is void until stated again
    for step in flow.steps:
        if (answer := step(turn, order, task)):
            return replace(answer, reply=before + answer.reply)
    raise AssertionError(f"flow {task.intent} ended without an answer")


def _which_order(turn: Turn, task: Task) -> dict | Answer:
    """The order the task is about: the one named, or the one the shopper's words describe."""
    if not task.order_id and task.order_named:  # the number they gave is not theirs: no guessing
        return turn.answer("ask_order_id")
    if not task.order_id:  # "my desk lamp order": the shopper's own orders that fit
        # the item's options they name: in their answer to "which order?", or in their words about the item
        # they have (not in an exchange's, which name the one they want instead)
        described = turn.text if task.asked else "" if task.intent in ("exchange_item", "modify_order") \
            else " ".join(task.said)  # ("那个金色的手表" … "就是那个皮表带的": gold and leather)
        found = orders_described(task.intent, task.products + task.order_products, turn.dialogue.user_id,
                                 turn.shop, "" if task.asked else described)[:5]
        at = reading.place_in_list(turn.text, len(found)) if task.asked == "which_order" else None
        if at is None and task.asked == "which_order" and (status := reading.status_named(turn.text)) \
                and len(of := [n for n, o in enumerate(found) if o["status"].startswith(status)]) == 1:
            at = of[0]  # "the pending one", "已签收的那个"
        found = [found[at]] if at is not None else narrowed(found, task.products, described)
        if task.intent == "order_status" and 1 < len(found) <= len(task.products) and not task.asked:
            return orders.tell_every_status(turn, ids=[o["order_id"] for o in found])  # "my tablet and my luggage set"
        if task.intent == "refund_status" and (len(found) > 1 and not task.products or 1 < len(found) <= len(
                task.products)) and not task.asked:  # (several refunds, none named or each named by an item)
            return orders.tell_every_refund(turn, found)  # "I cancelled TWO orders, where is my money?"
        if len(found) != 1:
            task.asked = "which_order" if found else None
            listed = "; ".join(f"{o['order_id']} ({', '.join(i['name'] for i in o['items'])}, {turn.status(o)})"
                               for o in found)
            return turn.answer("ask_which_order", orders=listed) if found else turn.answer("ask_order_id")
        task.order_id, task.asked, turn.picked_order = found[0]["order_id"], None, task.asked == "which_order"
        return found[0]  # read as the shopper's own a moment ago
    try:
        return turn.call("get_order_details", {"order_id": task.order_id})
    except ToolError:  # not found, or not this shopper's order: the same answer, no leak (an outage stops the turn)
        task.order_id = None
        turn.dialogue.failures += 1
        return turn.answer("order_not_found")


def _refused(turn: Turn, refusal: str, order: dict, task: Task) -> Answer:
    """The order's status forbids the request: say so with the status (and where a refund went), drop it. A
    change stated before for another order ("还有那个W1713682也一起给我取消", it delivered) still waits for its yes."""
    waiting = turn.dialogue.pending
    turn.dialogue.finish_task()
    if waiting and waiting.args.get("order_id") not in (None, order["order_id"]) \
            and TOOL_ACTION.get(waiting.tool, "modify") == ACTION_OF.get(task.intent):
        turn.dialogue.task = task.model_copy(update={"order_id": waiting.args["order_id"], "more_orders": []})
        turn.dialogue.pending = waiting
        return Answer(turn.say(refusal, order_id=order["order_id"], status=turn.status(order))
                      + turn.say("still_waiting", order_id=waiting.args["order_id"]), {"order": order})
    if task.intent == "return_item" and order["status"].startswith("pending"):  # not shipped: cancelled instead
        turn.dialogue.task = Task(intent="cancel_order", order_id=order["order_id"], order_named=True, asked="reason")
        return turn.answer("cannot_return_cancel_instead", {"order": order}, order_id=order["order_id"],
                           status=turn.status(order))
    if order["status"] == "pending (item modified)" and task.change == "items":
        return turn.answer("items_changed_once", {"order": order}, order_id=order["order_id"])
    reply = turn.say(refusal, order_id=order["order_id"], status=turn.status(order))
    if order["status"] == "processed":  # "cancel it!" of a shipped order: where it is, with its tracking number
        reply += orders.tracking_line(turn, turn.call("track_order", {"order_id": order["order_id"]}))
    if (refund := payments.refund_said(turn, order)):  # "cancel it" of a cancelled order: the money
        reply += turn.say("refund_line", **refund)
    return Answer(reply, {"order": order})


def _settle(turn: Turn, order: dict) -> Answer | None:
    """The shopper's answer to a change stated before: no keeps everything as it is; yes runs the tool (the
    turn's request id as idempotency key) and says what happened. None when it is no answer, or a yes that
    also says more (the change is stated again with what it said)."""
    pending = turn.dialogue.pending
    if not pending or pending.args.get("order_id") != order["order_id"]:  # (another order meant now: void)
        return None
    action = TOOL_ACTION.get(pending.tool, "modify")
    said = products.without_others_kept(turn.text, pending.items)
    if pending.tool != "modify_pending_order_address":  # ("地址不用改 go ahead yes" to a change of items)
        said = _ADDRESS_KEPT.sub(" ", said)
    elif not (set(pending.args) & {"payment_method_id"}):  # ("没有信用卡那就算了，付款不改，就改地址。…确认修改":
        said = _ABOUT_PAYING.sub(" ", said)                # the payment left as it is, the address confirmed)
    clauses = [c for c in re.split(r"(?<=[。.!！;；])\s*", said) if c.strip()]
    if len(own := [c for c in clauses if pending.args.get("order_id") in reading.order_ids(c)]) < len(clauses) and own:
        said = " ".join(own)  # ("已经发货的那个就算了吧。W8121088 确认取消": the yes is the stated order's)
    yes, no = reading.is_yes(said, action), reading.is_no(said, action)
    if not (yes or no) or (yes and products.adds_details(turn.text, pending.args, pending.items)):
        return None
    if no and "item_ids" in pending.args \
            and 0 < len({n for n, _ in products.items_meant(pending.items, turn.text)}) < len(set(pending.items)):
        return None  # ("茶壶还是留着吧 只退空气净化器": a return of fewer items, stated again; not a no to all of it)
    if no and "new_item_ids" in pending.args and asks_option(said) and not reading.declines(said, action) \
            and not reading.KEEP_AS_IS.search(said):
        return None  # ("wait no, sorry, not 28. 34 inch": another variant, stated again)
    if no:
        turn.dialogue.finish_task()
        return turn.answer(pending.kept, order_id=order["order_id"])
    turn.dialogue.pending = None
    try:
        result = turn.call(pending.tool, pending.args, idempotency_key=turn.request_id)
    except PolicyRefusal as refusal:  # the shop's rules, checked again as the change is made: nothing changed
        task = turn.dialogue.task
        if isinstance(refusal, InsufficientGiftCardBalance) and task:  # another method can pay: the task stays
            task.difference_to = None
            return turn.answer("gift_card_short", {"error": refusal.as_dict()}, **refusal.details)
        turn.dialogue.finish_task()
        return turn.answer("change_refused", {"error": refusal.as_dict()}, order_id=order["order_id"])
    turn.dialogue.finish_task()
    turn.dialogue.done = order["order_id"]  # ("对 那个order的地址也确认改" next: it is done already)
    answer = turn.answer(pending.done, {"order": result, **pending.facts}, order_id=order["order_id"], **pending.facts)
    for n, also in enumerate(pending.also, 1):  # the other changes stated with it, on the same yes
        try:
            turn.call(also["tool"], also["args"], idempotency_key=f"{turn.request_id}:{n}")
        except PolicyRefusal as refusal:
            answer.reply += " " + turn.say("change_refused", order_id=also["args"].get("order_id", ""))
            answer.facts.setdefault("errors", []).append(refusal.as_dict())
            continue
        answer.reply += turn.say(also["done"], **also.get("words", {"order_id": also["args"].get("order_id", "")}))
        answer.facts.setdefault("also", []).append(also.get("words", {}))
    return answer
