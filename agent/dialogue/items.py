"""Which items of an order a return, an exchange or an item change means: the ones named (by product, by
the options that tell two of one product apart, "both", "one of them"), those chosen before, or the only one;
and for an item change, the words that say how each is to change."""
from __future__ import annotations

import re

from agent.dialogue import products, reading
from agent.dialogue.state import Task
from agent.dialogue.turn import Answer, Turn, options
from agent.variants import CHANGE_TO, asks_option, fits, item_described, named_options


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

