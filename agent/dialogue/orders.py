"""The steps of the order flows. Each step asks for what is still missing, or states the change and
waits for the shopper's yes; it returns None when the task already has what it asks for. Read-only
answers (status, refund) end the task. Which steps run for which request is the table in flows.py.
"""
from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from agent.dialogue import addresses, products, reading
from agent.dialogue.state import Pending, Task
from agent.dialogue.turn import Answer, Turn, options, refunded
from agent.variants import (CHANGE_TO, asks_option, describes_current, fits, fitting, item_described, named_options,
                            variant_named, variant_wished)
from tools.errors import ToolError


# ---------------------------------------------------------------- read-only answers

def tell_status(turn: Turn, order: dict, task: Task) -> Answer:
    """Status, items, carrier and tracking id once shipped, and where a refund went."""
    tracking = turn.call("track_order", {"order_id": order["order_id"]})
    reply = turn.say("order_status", order_id=order["order_id"], status=turn.status(order),
                     items=", ".join(i["name"] for i in order["items"]))
    if order["status"] != "cancelled":
        reply += tracking_line(turn, tracking)
    if (refund := refund_said(turn, order)):
        reply += turn.say("refund_line", **refund)
    if task.missing and order["status"] == "delivered":  # "says delivered but I never got it": a person traces it
        if order["order_id"] in turn.dialogue.traced:  # said again after the trace was offered: a person, now
            turn.dialogue.finish_task()
            return Answer(turn.say("handoff_not_received"), {"order": order, "handoff_reason": "delivered, not received"},
                          handoff=True)
        turn.dialogue.traced = [*turn.dialogue.traced, order["order_id"]]
        reply += turn.say("not_received")
    facts = {"order": order, "tracking": tracking}
    if reading.ASKS_SPECS.search(turn.text):  # "what were the specs again? which processor I picked": each item as bought
        reply += turn.say("items_bought", items="; ".join(f"{i['name']} ({options(i)})" for i in order["items"]))
    if _ASKS_PAID.search(turn.text):  # "那单总共付了多少"
        reply += ("" if turn.language == "zh" else " ") + _payments(turn, order)
    if reading.ASKS_ADDRESS.search(turn.text) and not reading.ACCOUNT_WORDS.search(turn.text):
        # (the account's default address is not the order's)
        facts["address"] = addresses.shown(order["address"])  # their own, once proven: the rails let it through
        reply += turn.say("ship_to", address=facts["address"])
    turn.dialogue.finish_task()
    return Answer(reply, facts)


_ASKS_PAID = re.compile(r"付了多少|花了多少|多少钱来着|总共(?:付|花)|\bhow much (?:did i|have i) (?:pay|paid|spend|spent)\b|"
                        r"\bwhat did i pay\b|\b(?:order )?total\b", re.IGNORECASE)


def tracking_line(turn: Turn, tracking: dict) -> str:
    """" Tracking: UPS 865212722111." for the parcels track_order found; "" before any has shipped."""
    numbers = ", ".join(f"{p['carrier']} {p['tracking_id']}" for p in tracking.get("parcels", []))
    return turn.say("tracking", numbers=numbers) if numbers else ""


def tell_every_status(turn: Turn, most: int = 5, ids: list[str] | None = None) -> Answer:
    """"All my orders": each one's status and tracking, the latest first; or those of `ids` ("where are
    W3779151 and W1504875?", "my tablet and my luggage set"), of the shopper's own only."""
    own = list(reversed(turn.profile()["orders"]))
    ids = [o for o in own if o in ids][:most] if ids else own[:most]
    answers = [tell_status(turn, turn.call("get_order_details", {"order_id": o}), Task(intent="order_status"))
               for o in ids]
    turn.dialogue.finish_task()
    return Answer("\n".join(a.reply for a in answers), {"orders": [a.facts for a in answers]})


def tell_refund(turn: Turn, order: dict, task: Task) -> Answer:
    """Amount, method and timing of the order's refund, or why there is none yet."""
    turn.dialogue.finish_task()
    if (refund := refund_said(turn, order)):
        return turn.answer("refund_issued", {"order": order}, order_id=order["order_id"], **refund)
    key = "refund_after_return" if order["status"] == "return requested" else "no_refund"
    return turn.answer(key, {"order": order}, order_id=order["order_id"], status=turn.status(order))


def tell_every_refund(turn: Turn, found: list[dict]) -> Answer:
    """Each of these orders' refunds (the shopper's cancelled or returned orders, none named)."""
    answers = [tell_refund(turn, order, Task(intent="refund_status")) for order in found]
    return Answer("\n".join(a.reply for a in answers), {"orders": [a.facts for a in answers]})


def tell_payments(turn: Turn, order: dict, task: Task) -> Answer:
    """"Charged twice?": every payment and refund on the order, as the shop recorded them."""
    turn.dialogue.finish_task()
    return Answer(_payments(turn, order), {"order": order})


def _payments(turn: Turn, order: dict) -> str:
    lines = "; ".join(turn.say("paid_line" if p["transaction_type"] == "payment" else "refunded_line",
                               amount=f"{Decimal(str(p['amount'])):.2f}", method=shown_method(turn, p["payment_method_id"]))
                      for p in order["payment_history"])
    return turn.say("payments", order_id=order["order_id"], lines=lines)


# ---------------------------------------------------------------- cancel

def ask_reason(turn: Turn, order: dict, task: Task) -> Answer | None:
    if task.reason:
        return None
    task.asked = "reason"  # what comes back is read as the answer, or the two reasons are offered again
    return turn.answer("ask_cancel_reason")


def state_cancel(turn: Turn, order: dict, task: Task) -> Answer:
    items = [i["name"] for i in order["items"]]
    also, others, refused = [], [], ""
    for other in dict.fromkeys(o for o in task.more_orders if o != order["order_id"]):  # "取消 W8121088 和 W2959713"
        try:
            found = turn.call("get_order_details", {"order_id": other})
        except ToolError:  # not theirs, or no such order: only their own are stated
            continue
        if found["status"] != "pending":  # said so, the others go on
            refused += turn.say("cannot_cancel", order_id=other, status=turn.status(found)) + (
                "" if turn.language == "zh" else " ")
            continue
        words = {"order_id": other, "amount": found["items_total"], "items": ", ".join(i["name"] for i in found["items"])}
        also.append({"tool": "cancel_pending_order", "args": {"order_id": other, "reason": task.reason},
                     "done": "also_cancelled", "words": words})
        others.append(found)
    turn.dialogue.pending = Pending(tool="cancel_pending_order", args={"order_id": order["order_id"], "reason": task.reason},
                                    done="cancelled", kept="cancel_kept", facts={"amount": order["items_total"]},
                                    items=items, also=also)
    answer = turn.answer("confirm_cancel_also" if also else "confirm_cancel", {"order": order, "also_orders": others},
                         order_id=order["order_id"], amount=order["items_total"], items=", ".join(items),
                         also="".join(turn.say("also_cancel", **a["words"]) for a in also))
    return replace(answer, reply=refused + answer.reply) if refused else answer


# ---------------------------------------------------------------- return

def ask_return_items(turn: Turn, order: dict, task: Task) -> Answer | None:
    """The items to return: those chosen before, with any this message adds ("add the bookshelf too", "can I
    also send back the speaker?"); else those named, or the only one."""
    items = items_of(order, task.item_ids)
    text = products.without_kept(turn.text)
    meant = {n for n, _ in products.items_meant([i["name"] for i in order["items"]], text)}
    if items and meant - {i["name"] for i in items} and _ADDS.search(text):
        items += [i for i in _one_of_twins([i for i in order["items"] if i["name"] in meant], text) if i not in items]
    twins = [i for i in order["items"] if items and i["name"] == items[0]["name"]]
    if len(items) == 1 < len({i["item_id"] for i in twins}) and not _ADDS.search(text) \
            and (other := item_described(twins, text, at_least=1)) and other["item_id"] != items[0]["item_id"]:
        items = [other]  # "Not the 13-inch, the 17-inch silver one. The 13-inch stays."
    items = items or chosen_items(order, task, turn.text) or _described_alone(order["items"], text)
    if (_ONE_OF.search(text) or not turn.dialogue.pending and _ONE_OF.search(task.wish or "")) and len(items) > 1 \
            and len({i["name"] for i in items}) == 1 \
            and len({i["item_id"] for i in items}) > 1 and not item_described(items, text, at_least=1):
        items = []  # "return one of the laptops": which one, each told apart by its options
    items = _one_of_twins(items, text)
    if not items:
        names = [i["name"] for i in order["items"]]
        return turn.answer("ask_return_items", {"order": order}, items=", ".join(
            f"{i['name']} ({options(i)})" if names.count(i["name"]) > 1 else i["name"] for i in order["items"]))
    task.item_ids = [i["item_id"] for i in items]
    return None


_ONE_OF = re.compile(r"\bone of (?:the|my|them|those)\b|\b(?:just |only )?one (?:laptop|item|of)\b|其中一|退一(?:个|台|件|双|只)",
                     re.IGNORECASE)
_ADDS = re.compile(rf"{reading.ADDS_ITEM.pattern}|\b(?:too|add|plus)\b|还有|再加|加上", re.IGNORECASE)


def ask_refund_method(turn: Turn, order: dict, task: Task) -> Answer | None:
    """The shop refunds to the original payment or a gift card of the shopper's, nowhere else."""
    if refund_method(turn, order, task.refund_to):
        return None
    task.refund_to = None
    turn.dialogue.pending = None
    return turn.answer("refund_where", {"order": order}, order_id=order["order_id"],
                       original=shown_method(turn, original_method(order)))


def state_return(turn: Turn, order: dict, task: Task) -> Answer:
    items = items_of(order, task.item_ids)
    amount = f"{sum(Decimal(str(i['price'])) for i in items):.2f}"
    method = refund_method(turn, order, task.refund_to)
    turn.dialogue.pending = Pending(tool="return_delivered_order_items", done="returned", kept="return_kept",
                                    args={"order_id": order["order_id"], "item_ids": task.item_ids,
                                          "payment_method_id": method},
                                    facts={"amount": amount, "method": shown_method(turn, method)},
                                    items=[i["name"] for i in items])
    names = [i["name"] for i in order["items"]]  # (of two toothbrushes, which: "Electric Toothbrush (blue, …)")
    listed = ", ".join(f"{i['name']} ({options(i) + ', ' if names.count(i['name']) > 1 else ''}"
                       f"${Decimal(str(i['price'])):.2f})" for i in items) if len(items) > 1 or names.count(
        items[0]["name"]) > 1 else items[0]["name"]  # each item's part of the refund
    return turn.answer("confirm_return", {"order": order, "amount": amount}, order_id=order["order_id"], amount=amount,
                       method=shown_method(turn, method), items=listed)


# ---------------------------------------------------------------- exchange, or items of a pending order

def ask_swap_item(turn: Turn, order: dict, task: Task) -> Answer | None:
    """Which items: those this message means to change, each with the words that say how (a correction
    replaces the earlier choice), else the ones chosen before, else the only one."""
    names = [i["name"] for i in order["items"]]
    # ("the one with the espresso machine" picks the order; the item is the one wished for before)
    # ("订单是有laptop和camera的那个" names the order's other items: not the ones to change)
    changeable = [n for n in names if n not in task.order_products or n in task.products]
    meant = products.items_meant(changeable, task.wish if turn.picked_order else turn.text)
    if meant:
        chosen = [c for name, clause in meant for c in _described_or_both(order, name, clause)]
        # ("同一单里还有个小号黑色的头盔 也想换成白色的 两个一起换": this one too, not instead)
        kept = [i for i in task.item_ids if i not in {c["item_id"] for c in chosen}] \
            if reading.ADDS_ITEM.search(turn.text) else []
        task.item_ids = kept + [i["item_id"] for i in chosen]
        # (words that name no option of it keep the wish said before: "Only the t-shirt. Use my PayPal")
        clause_of = dict(meant)
        task.wishes = {**{i: w for i, w in task.wishes.items() if i in kept},
                       **{i["item_id"]: clause_of[i["name"]] if asks_option(clause_of[i["name"]]) or i["item_id"] not in
                          task.wishes else task.wishes[i["item_id"]] for i in chosen}}
    elif not task.item_ids:  # (no product named: "白色S码那个改成白色M码", the item whose options are described)
        chosen = chosen_items(order, task, turn.text)
        if not (_TWO.search(f"{turn.text} {task.wish}") or _BOTH_MEANT.search(f"{turn.text} {task.wish}")):  # (both:
            # "里的两个头盔我想改一下规格", "change the two air purifiers")
            # (two different laptops, "the laptop": the one described, else which is asked)
            twins = len({i["item_id"] for i in chosen}) > 1 and len({i["name"] for i in chosen}) == 1
            chosen = [d for words in (turn.text, *reversed(task.said), task.wish)  # (said now, or before)
                      if (d := item_described(chosen, words, at_least=1))][:1] if twins else chosen[:1]
        chosen = chosen or [
            i for i in [item_described(order["items"], turn.text, at_least=2)] if i]
        task.item_ids = [i["item_id"] for i in chosen]
    if not meant and len(task.item_ids) == 1:  # two helmets in the order: "the white size S should be a size L"
        name = next(i["name"] for i in order["items"] if i["item_id"] == task.item_ids[0])
        twins = [i for i in order["items"] if i["name"] == name]
        if len(twins) > 1 and (CHANGE_TO.search(turn.text) or reading.asks_change(turn.text)) \
                and (described := item_described(twins, turn.text, at_least=1)):  # (not "i9 but only 256GB. fine")
            task.item_ids = [described["item_id"]]
        if asks_option(turn.text):  # "make it size M then": the latest words about the one item
            task.wishes = {task.item_ids[0]: turn.text}
    if not meant and len(task.item_ids) > 1:  # "蓝色那个换成蓝色M号、高通风；白色那个换成白色M号、低通风的": each its own
        chosen = [i for i in order["items"] if i["item_id"] in task.item_ids]
        for clause in re.split(r"[；;。.!！\n]", turn.text):
            if (reading.asks_change(clause) or CHANGE_TO.search(clause)) and asks_option(clause) \
                    and (described := item_described(chosen, clause, at_least=1)):
                task.wishes = {**task.wishes, described["item_id"]: clause}
    if not task.item_ids:
        return turn.answer("ask_swap_item", {"order": order}, items=", ".join(  # (two laptops: each with its options)
            f"{i['name']} ({options(i)})" if names.count(i["name"]) > 1 else i["name"] for i in order["items"]))
    if reading.keeps_item(turn.text):  # "keep the one I have after all"
        turn.dialogue.finish_task()
        return turn.answer("modify_kept", order_id=order["order_id"])
    return None


def _described_or_both(order: dict, name: str, clause: str) -> list[dict]:
    """The item of this product the clause describes, or each of two when it says two ("change the two air
    purifiers on my order")."""
    twins = [i for i in order["items"] if i["name"] == name]
    if len(twins) > 1 and _BOTH_MEANT.search(clause) and not _ONE_OF.search(clause):
        return twins
    own = [s for s in re.split(r"(?<=[.;!?。；！？])\s*", clause) if any(n == name for n, _ in products.products_in(s))]
    described = item_described(twins, " ".join(own) or clause, at_least=1 if len(twins) > 1 else 0)  # (its sentence)
    return [described] if described else []  # (two laptops, "the laptop": which one is asked)


def state_swap(turn: Turn, order: dict, task: Task) -> Answer:
    """For each item, the variant named (the rest of the item as it is); the price difference and how it
    is settled. An item whose variant is not clear yet is asked about, with the variants that fit."""
    swaps = []
    for item_id in task.item_ids:
        old = next(i for i in order["items"] if i["item_id"] == item_id)
        variants = turn.product(old["product_id"])["variants"].values()
        choices = [v for v in variants if v["available"] and v["item_id"] != old["item_id"]]
        text = products.without_kept(turn.text)  # ("黑色那个不用改": not the black one wished for)
        said = (products.without_kept(task.wishes.get(item_id, "")), text, products.without_kept(task.wish or ""))
        new, words = next(((v, words) for words in said if words and (v := variant_named(choices, old["options"], words))),
                          (None, ""))
        if new is not None and len(task.item_ids) == 1 and words != text and asks_option(text) \
                and not variant_named(choices, old["options"], text) \
                and not describes_current(choices, old["options"], text):  # ("还是leather, 不防水的, same as before")
            new = None  # "actually no, the 20MP 10x one" (none in stock): asked, not the earlier choice restated
        history = [w for w in map(products.without_kept, task.said) if not describes_current(choices, old["options"], w)]
        if len(task.item_ids) == 1 and (len(history) > 1 or new is None and history) and (
                wished := variant_wished(choices, old["options"], history)):  # ("1000ml的" … "red please")
            new, words = wished, history[-1]
        if new is None:
            shown = next((f for words in said if words and not describes_current(choices, old["options"], words)
                          and (f := fitting(choices, words))), choices)
            key = "ask_swap_option" if choices else "no_swap_option"
            return turn.answer(key, {"order": order}, name=old["name"], options="; ".join(map(options, shown[:4])))
        task.wishes = {**task.wishes, item_id: words}  # ("ok, same choice" after a pause: the same one again)
        swaps.append((old, new))
    exchange = task.intent == "exchange_item"
    method = difference_method(turn, order, task.difference_to)
    turn.dialogue.pending = Pending(
        tool="exchange_delivered_order_items" if exchange else "modify_pending_order_items",
        done="exchanged" if exchange else "items_modified", kept="exchange_kept" if exchange else "modify_kept",
        args={"order_id": order["order_id"], "item_ids": [old["item_id"] for old, _ in swaps],
              "new_item_ids": [new["item_id"] for _, new in swaps], "payment_method_id": method},
        items=[old["name"] for old, _ in swaps])
    difference = sum(Decimal(str(new["price"])) - Decimal(str(old["price"])) for old, new in swaps)
    lines = "; ".join(turn.say("swap_line", name=old["name"], old=options(old), new=options(new),
                               old_price=f"{Decimal(str(old['price'])):.2f}", new_price=f"{Decimal(str(new['price'])):.2f}")
                      for old, new in swaps)
    return turn.answer("confirm_exchange" if exchange else "confirm_items",
                       {"order": order, "new_items": [new for _, new in swaps], "difference": f"{difference:+.2f}"},
                       order_id=order["order_id"], swaps=lines, difference=f"{difference:+.2f}",
                       method=shown_method(turn, method))


# ---------------------------------------------------------------- modify a pending order

def state_modification(turn: Turn, order: dict, task: Task) -> Answer | None:
    """A new address or payment method stated for a yes; items go on to the swap steps (None)."""
    if task.to_default and not task.address:  # "send it to my address on file instead"
        task.address = {k: turn.profile()["address"].get(k, "") for k in ("address1", "address2", "city", "state",
                                                                          "country", "zip")}
    if task.address and (fixed := addresses.corrected_address(turn.text, task.address)):  # "the zip is 78702 not 78701"
        task.address = fixed
    if task.address:
        shown = addresses.shown(task.address)
        also = _same_address_too(turn, order, task)
        turn.dialogue.pending = Pending(tool="modify_pending_order_address", done="modified", kept="modify_kept",
                                        args={"order_id": order["order_id"], **task.address}, facts={"change": shown},
                                        also=also)
        if also:  # "only W5500815 and W2818151", "…and the default address on my account too": one yes for all
            return turn.answer("confirm_address_also", {"order": order, "new_address": shown}, order_id=order["order_id"],
                               address=shown, also="".join(turn.say(a["said"], order_id=a["args"].get("order_id", ""))
                                                          for a in also))
        return turn.answer("confirm_address", {"order": order, "new_address": shown}, order_id=order["order_id"],
                           address=shown)  # the shopper's own words, said back
    if task.change == "payment":
        return _state_payment(turn, order, task)
    if task.change == "items":
        return None
    key = "ask_address" if task.change == "address" else "ask_change"
    return turn.answer(key, {"order": order}, order_id=order["order_id"])


def _same_address_too(turn: Turn, order: dict, task: Task) -> list[dict]:
    """The other changes asked with an order's new address: the shopper's other pending orders named with
    it, and the account's default address."""
    also = []
    for other in dict.fromkeys(task.more_orders):
        try:
            found = turn.call("get_order_details", {"order_id": other})
        except ToolError:  # not theirs, or no such order: only the ones we can change are stated
            continue
        if other != order["order_id"] and found["status"] == "pending":
            also.append({"tool": "modify_pending_order_address", "args": {"order_id": other, **task.address},
                         "said": "also_order_address", "done": "also_order_done"})
    if task.default_too:
        also.append({"tool": "modify_user_address", "args": {"user_id": turn.dialogue.user_id, **task.address},
                     "said": "also_default_address", "done": "also_default_done"})
    return also


def _state_payment(turn: Turn, order: dict, task: Task) -> Answer:
    methods = turn.profile()["payment_methods"]
    current = original_method(order)
    others = [m for m in methods.values() if m["id"] != current]
    chosen = [m for m in others if m["source"] == task.source]
    if task.card:  # "尾号4204的那张", "the visa": the card they mean among them
        chosen = [m for m in chosen if task.card in (m.get("last_four"), str(m.get("brand", "")).lower())]
    if len(chosen) != 1:
        return turn.answer("ask_payment", {"order": order},
                           methods="; ".join(method_name(turn, m) for m in others) or "-")
    method = method_name(turn, chosen[0], balance=False)
    needed = Decimal(str(order["payment_history"][0]["amount"]))
    if chosen[0]["source"] == "gift_card" and Decimal(str(chosen[0].get("balance", 0))) < needed:
        task.source = None  # a gift card pays the whole order or nothing: said before any yes is asked
        rest = [method_name(turn, m) for m in others if m is not chosen[0]]
        return Answer(turn.say("gift_card_too_small", order_id=order["order_id"], method=method, needed=f"{needed:.2f}",
                               balance=f"{Decimal(str(chosen[0].get('balance', 0))):.2f}",
                               current=shown_method(turn, current))
                      + (turn.say("other_methods", methods="; ".join(rest)) if rest else ""), {"order": order})
    turn.dialogue.pending = Pending(tool="modify_pending_order_payment", done="modified", kept="modify_kept",
                                    args={"order_id": order["order_id"], "payment_method_id": chosen[0]["id"]},
                                    facts={"change": method})
    return turn.answer("confirm_payment", {"order": order}, order_id=order["order_id"], method=method,
                       current=method_name(turn, methods.get(current, {"id": current, "source": ""}), balance=False))


def method_name(turn: Turn, method: dict, balance: bool = True) -> str:
    """A payment method as the shopper knows it: "Visa card ending in 4204", a gift card (with its balance
    when they ask what they have; not in a change, where an amount reads as a refund promised)."""
    if method["source"] == "credit_card":
        return turn.say("card_line", brand=str(method.get("brand", "")).title(), last_four=method.get("last_four", "?"))
    if method["source"] == "gift_card":
        return turn.say("gift_card_line", id=method["id"], balance=method.get("balance", 0)) if balance \
            else turn.say("gift_card_named", id=method["id"])
    return turn.say("paypal_line", id=method["id"]) if method["source"] == "paypal" else method["id"]


# ---------------------------------------------------------------- shared

def shown_method(turn: Turn, method_id: str) -> str:
    """A payment method of the shopper's as they know it ("Visa card ending in 7930"), not its id."""
    method = turn.profile()["payment_methods"].get(method_id)
    return method_name(turn, method, balance=False) if method else method_id


def refund_said(turn: Turn, order: dict) -> dict | None:
    """The order's refunds as the shopper reads them: the total and the methods by name."""
    if not (refund := refunded(order)):
        return None
    return {**refund, "method": ", ".join(shown_method(turn, m) for m in refund["method"].split(", "))}


def chosen_items(order: dict, task: Task, text: str) -> list[dict]:
    """The order's items named in this task (by product name or alias), all of them, or the only one."""
    items = order["items"]
    if len(items) == 1 or reading.ALL_ITEMS.search(text) or len({i["item_id"] for i in items}) == 1:
        return items  # (the only thing in it, maybe twice: "两个玻璃水壶 我想退一个")
    meant = {_held(product, {item["name"] for item in items}) for product in task.products}
    return [item for item in items if item["name"] in meant]


def _described_alone(items: list[dict], text: str) -> list[dict]:
    """The one item the words describe better than every other ("The green one, I only need the black"), if one."""
    fit = {i["item_id"]: fits(i, named_options([i], text)) for i in items}
    best = max(fit.values(), default=0)
    return [i for i in items if fit[i["item_id"]] == best][:1] if best and list(fit.values()).count(best) == 1 else []


def items_of(order: dict, item_ids: list[str]) -> list[dict]:
    """The order's items with these ids, as many of each as the ids say (an order may hold one item twice)."""
    left, out = list(item_ids), []
    for item in order["items"]:
        if item["item_id"] in left:
            left.remove(item["item_id"])
            out.append(item)
    return out


def _held(product: str, names: set[str]) -> str:
    """The order's product a name means: itself, or the only one of the same kind ("only the kettle", read as
    the Electric Kettle, of an order with a Tea Kettle)."""
    same = [name for name in names if name.split()[-1] == product.split()[-1]]
    return same[0] if product not in names and len(same) == 1 else product


def _one_of_twins(items: list[dict], text: str) -> list[dict]:
    """Two items of one product in the order, and the words name the options of one ("我要退蓝色那支"):
    that one."""
    if _BOTH.search(text):  # "两个键盘都退 白色那个80%的和RGB那个60%的": both of them
        return items
    out = []
    for item in items:
        twins = [i for i in items if i["name"] == item["name"]]
        described = item_described(twins, text, at_least=1) if len(twins) > 1 else None
        if described is None or described is item:
            out.append(item)
    return out


_TWO = re.compile(r"\bboth\b|\btwo of\b|两(?:个|件|只|支|台|顶)|\btwo \w+s\b", re.IGNORECASE)
# each of two items of one product meant, not one of them ("change the two air purifiers", "两个头盔都换")
_BOTH_MEANT = re.compile(r"\bboth\b|\b(?:the|my|these|those) two (?:\w+ )?\w+s\b|两(?:个|件|只|支|台|顶)[^，,。；;]{0,8}(?:都|一起)",
                         re.IGNORECASE)
_BOTH = re.compile(r"\bboth\b|两(?:个|件|只|支|台)?[^，,。；;]{0,8}都|都退|都换", re.IGNORECASE)


def original_method(order: dict) -> str:
    return order["payment_history"][0]["payment_method_id"]


def refund_method(turn: Turn, order: dict, wanted: str | None) -> str | None:
    """Where a return's refund goes: the original payment method unless the shopper asked for a gift card
    of theirs; None for any other method."""
    original = original_method(order)
    if wanted is None or original.startswith(wanted):
        return original
    cards = [m["id"] for m in turn.profile()["payment_methods"].values() if m["source"] == "gift_card"]
    return cards[0] if wanted == "gift_card" and cards else None


def difference_method(turn: Turn, order: dict, wanted: str | None) -> str:
    """The shopper's method of the kind they named for a price difference; the order's own by default."""
    original = original_method(order)
    if wanted is None or original.startswith(wanted):
        return original
    return next((m["id"] for m in turn.profile()["payment_methods"].values() if m["source"] == wanted), original)
