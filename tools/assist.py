"""Tools that help the conversation rather than the shop: exact arithmetic and the handoff to a human."""
from __future__ import annotations

import ast
import operator
from decimal import ROUND_HALF_UP, Decimal, DivisionByZero, InvalidOperation

from pydantic import Field

from tools import errors
from tools.money import CENT
from tools.registry import Context, ToolArgs, tool

_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


class Expression(ToolArgs):
    expression: str = Field(max_length=200,
                            description="Arithmetic on numbers with + - * / and parentheses, e.g. '2 + 2'.")


class HandoffArgs(ToolArgs):
    summary: str = Field(description="A summary of the shopper's issue for the human agent.")


def _evaluate(node):
    # Decimal, not float: '155.33 - 147.05' must give exactly 8.28
    if isinstance(node, ast.Expression):
        return _evaluate(node.body)
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return Decimal(str(node.value))
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_evaluate(node.left), _evaluate(node.right))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _evaluate(node.operand)
        return -value if isinstance(node.op, ast.USub) else value
    raise errors.InvalidExpression("Only numbers, + - * / and parentheses are allowed.")


@tool(Expression)
def calculate(ctx: Context, args: Expression) -> dict:
    """Calculate an arithmetic expression exactly (e.g. a refund total); the result has two decimals."""
    try:
        value = _evaluate(ast.parse(args.expression, mode="eval"))
    except SyntaxError:
        raise errors.InvalidExpression(f"'{args.expression}' is not an arithmetic expression.") from None
    except (DivisionByZero, InvalidOperation, ZeroDivisionError):
        raise errors.InvalidExpression(f"'{args.expression}' divides by zero.") from None
    return {"result": str(value.quantize(CENT, ROUND_HALF_UP))}


@tool(HandoffArgs)
def transfer_to_human_agents(ctx: Context, args: HandoffArgs) -> dict:
    """Transfer the shopper to a human agent, only when the request is outside what these tools can do. Afterwards
    tell the shopper: 'YOU ARE BEING TRANSFERRED TO A HUMAN AGENT. PLEASE HOLD ON.'"""
    return {"transferred": True, "summary": args.summary}
