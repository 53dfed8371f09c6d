"""Where a message that asks several things breaks into its questions or requests ("包邮吗？一般几天能到？",
"cancel the charger order, and also when is my chair arriving?"), and when it is an open question no
template answers whole."""
from __future__ import annotations

import re

from agent.dialogue.addresses import EMAIL
from agent.dialogue.reading import ORDER_ID, QUESTION


def is_open_question(text: str) -> bool:
    """Several questions in one message, or a long one, with no order in it: no template answers all of it
    ("going camping, what gear would help, is any on sale?"). The LLM tier does."""
    if ORDER_ID.search(text) or EMAIL.search(text):
        return False
    questions = len(re.findall(r"[?？]|[吗呢](?=$|[\s，,。.!！])", text))
    words = len(re.findall(r"[A-Za-z]+", text)) + len(re.findall(r"[\u3400-\u9fff]", text)) / 2
    return questions >= 2 or (questions >= 1 and words >= 20)


_QUESTION_END = re.compile(r"(?<=[?？])\s*|(?<=[吗呢])[\s，,。]+|,?\s+and\s+(?=(?:what|how|when|where|do|does|is|are|can)\b)|"
                           r"[:：]\s*", re.IGNORECASE)


def questions_in(text: str) -> list[str]:
    """The questions of a message that asks several ("包邮吗？一般下单后几天能到？", "what's your return
    window, and do you ship to Canada?", "do you ship to Hong Kong and how long does it take"); one item
    when it asks one."""
    parts = [p.strip(" ,，。") for p in _QUESTION_END.split(text)]
    return [p for p in parts if len(p) >= 3 and (QUESTION.search(p) or YES_NO_QUESTION.match(p))] or [text]


# a question asked with "do you / can I / is there…" and no question mark
YES_NO_QUESTION = re.compile(r"\W*(?:(?:hi|hey|hello|ok|so|also|and|btw)\W+)*(?:do|does|did|can|could|is|are|will|would|"
                              r"may)\s+(?:you|u|i|we|it|they|there|this|that)\b", re.IGNORECASE)


_REQUEST_BREAK = re.compile(r"(?:^|\s)\d[.、)）]\s*|[?？；;:：]\s*|(?<=[吗呢])\s+(?=\S)|[.。!！]\s+(?=\S)|,?\s*\b(?:and )?also\b,?\s*|"
                            r",?\s+and\s+(?=(?:what|how|when|where|which|do|does|did|is|are|can|could|has|have|please|"
                            r"i (?:want|need|would like|'d like|also))\b)|,\s*and\s+(?=the (?:one|other|order)\b)|"
                            r"\b(?:one more thing|another thing|plus)\b,?\s*|[，,。\s]*(?:还有(?!没有|货|现货|库存|[吗么嘛]|的|多少|几)|另外|顺便问下|顺便|再问下|对了)[，,\s]*|"
                            r"[,.!\s]*\b(?:btw|by the way)\b[,\s]*",
                            re.IGNORECASE)


def requests_in(text: str) -> list[str]:
    """The parts of a message that asks for several things ("cancel the charger order, and also when is my
    chair arriving?", "1.退了多少钱 2.头盔那单到了没有 3.周末发货吗"), in order; [] when it asks one."""
    parts = [p.strip(" ,，。.") for p in _REQUEST_BREAK.split(text)]
    parts = [p for p in parts if _weight(p) >= 3 or _weight(p) >= 1.5 and (QUESTION.search(p) or "多少" in p)]
    return parts if len(parts) > 1 else []


def _weight(part: str) -> float:
    """How much a part says: its words, a Chinese character half of one (a short question counts from three
    characters: "能开发票吗", "多少钱")."""
    return len(re.findall(r"[A-Za-z]{2,}", part)) + len(re.findall(r"[\u3400-\u9fff]", part)) / 2

