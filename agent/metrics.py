"""Prometheus metrics operators watch: latency by route, automation, queue lag, retries and dead letters,
LLM calls, errors."""
from prometheus_client import Counter, Gauge, Histogram

_FAST = (0.001, 0.0025, 0.005, 0.01, 0.02, 0.04, 0.06, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30)

TURN_SECONDS = Histogram("shop_turn_seconds", "Worker time for one turn, by the route that closed it",
                         ["route"], buckets=_FAST)
TURN_END_TO_END = Histogram("shop_turn_end_to_end_seconds", "From the gateway's ack to the reply stored",
                            ["route"], buckets=_FAST)
QUEUE_WAIT = Histogram("shop_intake_wait_seconds", "Time a turn waited on the intake queue", buckets=_FAST)
INTAKE_LAG = Gauge("shop_intake_lag", "Turns queued and not yet handled, per partition this worker works",
                   ["partition"])
TURNS_IN_FLIGHT = Gauge("shop_turns_in_flight", "Turns a worker has taken and not yet finished (retries included)")
TURN_RETRIES = Counter("shop_turn_retries_total", "Turns tried again, by why: a backend outage or a failure",
                       ["reason"])
DEAD_LETTERS = Counter("shop_dead_letters_total", "Intake records dead-lettered: unreadable, or a turn out of "
                       "attempts", ["reason"])
TURNS = Counter("shop_turns_total", "Turns closed, by route (automation = not llm, llm_fallback, handoff or human: "
                "a person at the desk held the conversation)", ["route"])
FEEDBACK = Counter("shop_feedback_total", "Feedback on replies, by whether the reply helped", ["helpful"])
DUPLICATES = Counter("shop_duplicate_turns_total", "Turns delivered again and answered from the first result")
LLM_CALLS = Counter("shop_llm_calls_total", "Calls to the LLM tier", ["kind", "outcome"])
LLM_SECONDS = Histogram("shop_llm_seconds", "LLM call duration", ["kind"], buckets=_FAST)
LLM_FIRST_TOKEN = Histogram("shop_llm_first_token_seconds", "LLM time to first token", buckets=_FAST)
ERRORS = Counter("shop_errors_total", "Errors answered to clients or raised in turns", ["code"])
CACHE_LOOKUPS = Counter("shop_answer_cache_lookups_total", "Answer cache lookups, by outcome", ["outcome"])
OFFERS = Counter("shop_offers_total", "Cross-sell offers with a coupon: offered, accepted (conversion)", ["outcome"])
DESK_WAIT = Histogram("shop_desk_wait_seconds", "From a conversation's hand-off to a person claiming it",
                      buckets=(1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600))
DESK_CASES = Counter("shop_desk_cases_total", "Desk cases by what a person did: claimed, returned (to the bot), "
                     "closed", ["outcome"])
DESK_OPEN = Gauge("shop_desk_open_cases", "Desk cases open (waiting or claimed), as the desk last listed them",
                  ["status"])
