"""The dialogue state, typed: who the shopper is, the task under way, the change stated and waiting for
their yes, the offers made. Stored in the session's context as plain JSON, beside the turn's own keys
(language, last_intent, slots) that the graph keeps there.
"""
from __future__ import annotations

import logging

from pydantic import BaseModel, ConfigDict, Field, ValidationError

log = logging.getLogger(__name__)
DIALOGUE_KEYS = ("user_id", "task", "pending", "offer", "offers", "accepted_offers", "failures", "product", "variant",
                 "said_identity", "asked_options", "traced", "done", "shown", "earlier", "not_sold", "options_before")


class Task(BaseModel):
    """The request being worked on, with every detail the shopper has given so far, in any order."""
    intent: str
    order_id: str | None = None
    order_named: bool = False         # the shopper gave a number (never replaced by a guess)
    products: list[str] = []          # products named while the task was under way
    order_products: list[str] = []    # products that only say which order ("the one with the laptop")
    wish: str = ""                    # their words about the variant they want ("the black one in XL")
    said: list[str] = []              # their messages in this task, oldest first ("1000ml的" … "red please")
    reason: str | None = None         # why cancel: "no longer needed" or "ordered by mistake"
    refund_to: str | None = None      # a return's refund: a payment kind they named
    difference_to: str | None = None  # a price difference: a payment kind they named
    change: str | None = None         # what a modification changes: address, payment or items
    address: dict | None = None       # a new address given
    more_orders: list[str] = []       # other orders to get the same new address ("only W5500815 and W2818151")
    default_too: bool = False         # the account's default address gets it too ("…and my default address as well")
    to_default: bool = False          # the new address is the account's default one
    source: str | None = None         # a new payment kind for the order
    card: str | None = None           # a card's last four digits or brand, as the shopper named it
    item_ids: list[str] = []          # the items chosen
    wishes: dict[str, str] = {}       # item id → the shopper's words about the variant wanted for it
    read: bool = False                # "what is my default address?": read it, change nothing
    missing: bool = False             # "it says delivered but I never got it"
    asked: str | None = None          # the question put to the shopper that is not a change ("which_order")
    product: str | None = None        # recommend: the product shown, for "any cheaper?"
    cheapest: str | None = None       # recommend: the cheapest price shown


class Pending(BaseModel):
    """A change stated to the shopper: it runs on their explicit yes, and on nothing else."""
    tool: str
    args: dict
    done: str                         # reply key once done
    kept: str                         # reply key when they say no
    facts: dict = {}                  # what the done reply says (amount, new address…)
    items: list[str] = []             # the product names it concerns
    also: list[dict] = []             # more calls ({tool, args, done}) stated with it and run on the same yes


class Offer(BaseModel):
    """A cross-sell offered, waiting for a yes."""
    name: str
    coupon: str
    percent: int | float


class Dialogue(BaseModel):
    model_config = ConfigDict(validate_assignment=True)
    user_id: str | None = None        # the shopper proven in this session (signed token, e-mail, or name + zip)
    task: Task | None = None
    pending: Pending | None = None
    offer: Offer | None = None
    offers: list[str] = Field(default_factory=list)           # coupons offered in this session (no repeats)
    accepted_offers: list[str] = Field(default_factory=list)
    failures: int = 0                 # failed tries of the task under way
    product: str | None = None        # the product talked about last
    variant: str | None = None        # its variant talked about last (item id): "how much RAM does it have?"
    asked_options: dict[str, list[str]] = {}  # the options asked about the product talked about last
    said_identity: dict[str, str] = {}  # half a name + zip given so far ({"first", "last"} or {"zip"})
    traced: list[str] = Field(default_factory=list)  # delivered orders said never to have come: a trace offered
    done: str | None = None           # the order a change was just made to (this turn's, or the last one's)
    shown: list[str] = Field(default_factory=list)  # the variants (item ids) of the product talked about last listed
    earlier: list[str] = Field(default_factory=list)  # the variants listed before those ("那就刚才那个", "which one has more RAM")
    not_sold: str | None = None       # the thing last said not sold ("帐篷"): "那防潮垫呢" next asks the same
    # the options asked of the products talked about before the last one ("回到刚才那个杯子 黑色的多少钱": the 500ml glass ones)
    options_before: dict[str, dict[str, list[str]]] = {}

    @classmethod
    def of(cls, context: dict) -> Dialogue:
        """The dialogue kept in a session's context (a task from an older shape is dropped, not fatal)."""
        kept = {k: context[k] for k in DIALOGUE_KEYS if k in context}
        try:
            return cls.model_validate(kept)
        except ValidationError:
            log.warning("a session's dialogue state did not validate; its task is dropped")
            return cls.model_validate({k: v for k, v in kept.items() if k not in ("task", "pending", "offer")})

    def into(self, context: dict) -> dict:
        """The context with this dialogue in it (the turn's own keys kept as they are)."""
        out = {k: v for k, v in context.items() if k not in DIALOGUE_KEYS}
        out.update(self.model_dump(exclude_defaults=True))
        return out

    def finish_task(self) -> None:
        self.task, self.pending, self.failures = None, None, 0
