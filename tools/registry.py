"""How a tool is declared: a pydantic args model, a docstring the LLM reads, and whether it changes the shop."""
from __future__ import annotations

import inspect
import re
from dataclasses import dataclass
from typing import Annotated, Any, Callable

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from tools import errors
from tools.store import Tx


class ToolArgs(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def normalise_order_id(value: Any) -> Any:
    """LLMs drop the '#', shoppers drop the 'W': 'W2378156', '2378156', '#w2378156' → '#W2378156'."""
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str):
        return value
    text = re.sub(r"\s+", "", value).upper().lstrip("#")
    if text.isdigit():
        text = "W" + text
    return "#" + text


def _id_text(value: Any) -> Any:
    # ids are digit strings; LLMs sometimes send them as JSON numbers
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


OrderId = Annotated[str, BeforeValidator(normalise_order_id),
                    Field(description="Order id, e.g. '#W2378156'.")]
ProductId = Annotated[str, BeforeValidator(_id_text), Field(description="Product id (digits), e.g. '1656367028'.")]
ItemId = Annotated[str, BeforeValidator(_id_text), Field(description="Item (variant) id (digits), e.g. '1151293680'.")]
ItemIds = Annotated[list[ItemId], Field(description="Item ids; repeat an id once per unit.")]
UserId = Annotated[str, Field(description="User id, e.g. 'yusuf_rossi_9620'.")]
PaymentMethodId = Annotated[str, Field(description="Payment method id from the user's details, e.g. 'paypal_1234567'.")]


@dataclass
class Context:
    """What a tool sees: the open transaction, the session's shopper (None: an operator) and the shop."""
    tx: Tx
    shopper: str | None
    shop: Any

    def authorise_order(self, order_id: str, owner: str) -> None:
        if self.shopper is not None and owner != self.shopper:
            raise errors.NotYourOrder(f"Order {order_id} does not belong to the signed-in shopper.")

    def authorise_user(self, user_id: str) -> None:
        if self.shopper is not None and user_id != self.shopper:
            raise errors.NotYourAccount(f"The signed-in shopper can only see or change their own account, "
                                        f"not {user_id}.")


@dataclass(frozen=True)
class Tool:
    name: str
    description: str
    args: type[ToolArgs]
    run: Callable[[Context, Any], dict]
    mutating: bool

    def schema(self) -> dict:
        """The OpenAI "function" tool dict the LLM tier is given."""
        params = _without_titles(self.args.model_json_schema())
        params.setdefault("properties", {})
        params.setdefault("required", [])
        return {"type": "function", "function": {"name": self.name, "description": self.description,
                                                 "parameters": params}}


def _without_titles(schema: Any) -> Any:
    # pydantic's auto titles repeat the property names and cost LLM context for nothing
    if isinstance(schema, dict):
        return {k: _without_titles(v) for k, v in schema.items() if k != "title"}
    if isinstance(schema, list):
        return [_without_titles(v) for v in schema]
    return schema


TOOLS: dict[str, Tool] = {}


def tool(args: type[ToolArgs], mutating: bool = False):
    def register(fn):
        TOOLS[fn.__name__] = Tool(fn.__name__, inspect.getdoc(fn) or "", args, fn, mutating)
        return fn
    return register
