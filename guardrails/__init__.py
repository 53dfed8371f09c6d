"""Guardrails: the brand, safety and privacy policies prompt engineers edit, and the rails that
enforce them on every turn. See guardrails/policies/ and `python -m guardrails --help`."""
from guardrails.engine import PolicySet, Verdict, compile_policies
from guardrails.live import Guardrails, load_guardrails, open_policy_store
from guardrails.policy_files import PolicyError, PolicyInvalid, parse_policy
from guardrails.prompt import shopper_block, tool_result_block
from guardrails.store import EmbeddedPolicyStore, PolicyStore

__all__ = ["EmbeddedPolicyStore", "Guardrails", "PolicyError", "PolicyInvalid", "PolicySet", "PolicyStore",
           "Verdict", "compile_policies", "load_guardrails", "open_policy_store", "parse_policy",
           "shopper_block", "tool_result_block"]
