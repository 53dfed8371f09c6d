"""One turn of a flow: the message, the shopper's language, the dialogue state and the shop's tools."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from agent.catalogue_words import zh_names
from agent.dialogue.state import Dialogue
from agent.replies import say
from agent.seams import Shop

STATUS_EN = {"processed": "processed (shipped)", "pending": "pending (not shipped yet)"}
STATUS_ZH = {"pending": "待发货", "processed": "已发货", "delivered": "已签收", "cancelled": "已取消",
             "return requested": "退货处理中", "exchange requested": "换货处理中",
             "pending (item modified)": "待发货（商品已修改）"}


@dataclass
class Answer:
    """What a flow says this turn, and the facts the output rails check the reply against."""
    reply: str
    facts: dict[str, Any] = field(default_factory=dict)
    handoff: bool = False  # the flow gave up: a human takes over


@dataclass
class Turn:
    text: str
    language: str
    dialogue: Dialogue
    shop: Shop
    request_id: str
    slots: dict = field(default_factory=dict)  # what understanding found in the message (email, order_id…)
    seen_order: str | None = None  # the order id talked about last in the conversation
    seen_product: str | None = None  # the product word of an earlier message ("咖啡机有优惠券吗" → "19 bar那款呢")
    picked_order: bool = False  # this message answered "which order?": its products name the order, not the item
    offers: bool = True  # a coupon may come with the answer (none to an angry shopper the reply apologises to)
    selling: bool = False  # the shopper is choosing what to buy (a recommendation): sold-out variants said without a price
    _products: dict = field(default_factory=dict, repr=False)  # the catalogue's products read this turn

    def product(self, product_id: str) -> dict:
        """A product's details with its variants, read once a turn however many steps ask."""
        if product_id not in self._products:
            self._products[product_id] = self.shop.call("get_product_details", {"product_id": product_id})
        return self._products[product_id]

    @property
    def between(self) -> str:
        """What goes between two sentences of a reply: a space in English, nothing in Chinese."""
        return "" if self.language == "zh" else " "

    def say(self, key: str, **facts: object) -> str:
        if self.language == "zh" and (zh := zh_names().get(str(facts.get("name")))):
            facts["name"] = f"{zh} {facts['name']}"  # ("台灯 Desk Lamp": the catalogue's name kept beside it)
        return say(key, self.language, **facts)

    def answer(self, key: str, facts: dict | None = None, **placeholders: object) -> Answer:
        return Answer(self.say(key, **placeholders), facts or {})

    def call(self, tool: str, args: dict, **kwargs) -> dict:
        """A tool called as the proven shopper (the tools refuse another shopper's data)."""
        return self.shop.call(tool, args, as_shopper=self.dialogue.user_id, **kwargs)

    def profile(self) -> dict:
        return self.call("get_user_details", {"user_id": self.dialogue.user_id})

    def status(self, order: dict) -> str:
        """An order's status in the shopper's words (已发货, not 'processed')."""
        return (STATUS_ZH if self.language == "zh" else STATUS_EN).get(order["status"], order["status"])


def refunded(order: dict) -> dict | None:
    """The order's refunds: their total and the methods they went to, if any."""
    refunds = [p for p in order["payment_history"] if p["transaction_type"] == "refund"]
    if not refunds:
        return None
    return {"amount": f"{sum(Decimal(str(p['amount'])) for p in refunds):.2f}",
            "method": ", ".join(dict.fromkeys(p["payment_method_id"] for p in refunds))}


def options(variant: dict) -> str:
    """A variant's option values ("17-inch, i7, black"); a yes/no option by its name ("waterproof",
    "not waterproof", "no water resistance"), since a bare "yes" says nothing."""
    return ", ".join(_option_said(key, value) for key, value in variant["options"].items())


def _option_said(key: str, value: object) -> str:
    if value == "yes":
        return key
    if value == "no":
        return f"not {key}" if key.endswith("proof") else f"no {key}"  # (an adjective: "not waterproof")
    return str(value)
