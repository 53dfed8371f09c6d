"""Shopper accounts: authentication look-ups, profile, default address."""
from __future__ import annotations

import json

from pydantic import Field

from tools import errors
from tools.money import money
from tools.registry import Context, ToolArgs, UserId, tool


class FindByEmail(ToolArgs):
    email: str = Field(description="The shopper's e-mail address.")


class FindByNameZip(ToolArgs):
    first_name: str = Field(description="First name, e.g. 'John'.")
    last_name: str = Field(description="Last name, e.g. 'Doe'.")
    zip: str = Field(description="Zip code of the shopper's default address, e.g. '12345'.")


class UserRef(ToolArgs):
    user_id: UserId


class AddressFields(ToolArgs):
    address1: str = Field(description="First address line, e.g. '123 Main St'.")
    address2: str = Field(description="Second address line, e.g. 'Apt 1'; empty string if none.")
    city: str = Field(description="City, e.g. 'San Francisco'.")
    state: str = Field(description="State, e.g. 'CA'.")
    country: str = Field(description="Country, e.g. 'USA'.")
    zip: str = Field(description="Zip code, e.g. '12345'.")

    def address(self) -> dict:
        return {"address1": self.address1, "address2": self.address2, "city": self.city,
                "country": self.country, "state": self.state, "zip": self.zip}


class UserAddress(AddressFields):
    user_id: UserId


@tool(FindByEmail)
def find_user_id_by_email(ctx: Context, args: FindByEmail) -> dict:
    """Find a shopper's user id by e-mail. This authenticates the shopper for the session."""
    row = ctx.tx.one("SELECT user_id FROM users WHERE lower(email) = lower(?)", args.email)
    if row is None:
        raise errors.UserNotFound(f"No shopper has the e-mail address {args.email}.")
    return {"user_id": row[0]}


@tool(FindByNameZip)
def find_user_id_by_name_zip(ctx: Context, args: FindByNameZip) -> dict:
    """Find a shopper's user id by first name, last name and zip code (when they do not remember their e-mail)."""
    row = ctx.tx.one("SELECT user_id FROM users WHERE zip = ? AND lower(first_name) = lower(?) "
                     "AND lower(last_name) = lower(?) ORDER BY position", args.zip, args.first_name, args.last_name)
    if row is None:
        raise errors.UserNotFound(f"No shopper named {args.first_name} {args.last_name} has zip code {args.zip}.")
    return {"user_id": row[0]}


def payment_method_view(pmid: str, source: str, details: str, balance: int | None) -> dict:
    view = {"source": source, "id": pmid, **json.loads(details)}
    if balance is not None:
        view["balance"] = money(balance)
    return view


def user_view(tx, user_id: str) -> dict:
    row = tx.one("SELECT first_name, last_name, email, address FROM users WHERE user_id = ?", user_id)
    if row is None:
        raise errors.UserNotFound(f"There is no shopper with user id {user_id}.")
    first, last, email, address = row
    methods = tx.all("SELECT payment_method_id, source, details, balance_cents FROM payment_methods "
                     "WHERE user_id = ? ORDER BY position", user_id)
    orders = tx.all("SELECT order_id FROM orders WHERE user_id = ? ORDER BY user_position", user_id)
    return {"user_id": user_id, "name": {"first_name": first, "last_name": last},
            "address": json.loads(address), "email": email,
            "payment_methods": {m[0]: payment_method_view(*m) for m in methods},
            "orders": [o[0] for o in orders]}


@tool(UserRef)
def get_user_details(ctx: Context, args: UserRef) -> dict:
    """Get a shopper's profile: name, default address, e-mail, payment methods (gift-card balances) and order ids."""
    ctx.authorise_user(args.user_id)
    return user_view(ctx.tx, args.user_id)


@tool(UserAddress, mutating=True)
def modify_user_address(ctx: Context, args: UserAddress) -> dict:
    """Change the shopper's default address. Confirm the new address with the shopper (explicit yes) first."""
    ctx.authorise_user(args.user_id)
    changed = ctx.tx.run("UPDATE users SET address = ?, zip = ? WHERE user_id = ?",
                         json.dumps(args.address()), args.zip, args.user_id)
    if not changed:
        raise errors.UserNotFound(f"There is no shopper with user id {args.user_id}.")
    return user_view(ctx.tx, args.user_id)
