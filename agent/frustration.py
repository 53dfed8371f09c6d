"""Frustration over the conversation, not only in one message: the same request typed again, and
annoyance that carries from one turn to the next, add to what the model hears in the words."""
from __future__ import annotations

import re

from fastmodels.anger import HEARD, shared_head

REPEAT = 0.35   # each earlier turn that said the same thing
CARRIED = 0.4   # the share of the last turn's frustration that carries into this one
SAID = 0.65     # what words of anger alone count for: past the 0.6 hand-off bar
_NOT_WORDS = re.compile(r"[\W_]+")
_TIMES = r"(?:[二两三四五六七八九十几]|好多|n|[2-9]|\d\d)"  # (more than once: "再说一遍" is a request)
# anger in so many words, which the model trained on angry punctuation hears too softly: a request made again
# and again, an insult to the shop or its staff, swearing, a threat, a long wait, a demand for a person
# repeated, sarcasm's emoji (not a person asked for: that is a request, the human_agent intent)
ANGER = re.compile(
    r"\b(?:asked|told you|said|explained)\b[^.?!]{0,25}\b(?:twice|three times|\d+ times|(?:for )?the (?:second|third|"
    r"fourth|\d+(?:st|nd|rd|th)) time)\b|\b(?:third|fourth|3rd|4th|umpteenth|nth) time\b|\bagain and again\b|"
    r"\b(?:useless|pathetic|ridiculous|unacceptable|incompetent|scam(?:mers?)?|rip-?off|garbage|rubbish|disgrace(?:ful)?|"
    r"clowns?|idiots?|morons?)\b|\b(?:is|this is|that'?s|what a|is (?:this|that))\s+(?:a\s+)?joke\b|"
    r"\bf+[u*]+c*k+\w*|\bf\*+\w*|\bwtf\b|\bshit\w*|\bcrap\w*|\bdamn\w*|\bbloody\b|"
    r"\b(?:calling|call|contact(?:ing)?|report(?:ing)? (?:you|this) to) (?:my bank|my lawyer|a lawyer|the police|the bbb)\b|"
    r"\bchargeback\b|\bsue you\b|\b(?:1|one)[- ]star\b|\bnever (?:again|shop(?:ping)? here)\b|"
    r"\b(?:been waiting|waited|waiting)\b[^.?!]{0,25}\b(?:ages|forever|\d+\s*(?:minutes|mins|hours|days|weeks))\b|"
    r"\b(?:going|go) (?:a)?round in circles\b|\b(?:hello|anyone|anybody)\s*\?{2,}|"
    r"\b(operator|agent|human|representative)\W+\1\b|"
    r"(?:amazing|great|wonderful|fantastic|brilliant|lovely|perfect|thanks a lot)\b[^.?!]{0,25}[🙃🙄😒]|"
    r"[🙃🙄😒][^.?!]{0,25}\b(?:amazing|great|wonderful|fantastic|brilliant|lovely|perfect|thanks a lot)\b|[🤬😡🤡]|"
    rf"[问说催找讲]了?{_TIMES}[遍次]|"
    r"破(?:系统|网站|平台|app|APP|店)|垃圾|坑人|坑爹|骗子|骗人|眼瞎|瞎了|有病|有毛病|无语|离谱|太过分|过分了|什么玩意|"
    r"废物|没用(?!过)|敷衍|糊弄|耍我|气死|烦死|忍无可忍|差劲|恶心|智障|弱智|他妈|\btmd\b|卧槽|"
    r"别跟我扯|别废话|给(?:我)?个说法|赶紧|立刻给我|马上给我|"
    r"等(?:了)?半天|等了{_TIMES}(?:天|个?小时|分钟|个?礼拜|个?星期|周)|人呢|没人理|没人回|不理人|"
    r"([\u4e00-\u9fff]{2,5})[！!]+\s*\2[！!]", re.IGNORECASE)


def _same(a: str, b: str) -> bool:
    a, b = _NOT_WORDS.sub("", a.lower()), _NOT_WORDS.sub("", b.lower())
    return len(a) >= 4 and a == b


def heard(score: float, text: str, history: list[dict], previous: float = 0.0) -> float:
    """This turn's frustration: the model's score for the words (or words of anger), raised by requests
    repeated in the last turns and by the frustration of the turn before (which fades)."""
    repeats = sum(_same(text, turn.get("shopper", "")) for turn in history[-4:])
    return min(1.0, max(said(score, text), score + CARRIED * previous) + REPEAT * repeats)


# how often something is done, not a request made again ("I run three times a week": the second ear heard "three
# times" as anger)
_HOW_OFTEN = re.compile(r"\b(?:once|twice|\w+ times)\s+(?:a|per|each|every)\s+(?:day|night|week|month|year)\b|"
                        r"每(?:天|晚|周|星期|个?月|年)[^，,。.!！?？]{0,6}?[一二两三四五六七八九十几\d]+次", re.IGNORECASE)


def said(score: float, text: str) -> float:
    """One message's frustration: the model's score, at least SAID where the words are plainly angry, in words
    of anger or to the second ear for them (fastmodels/anger.py)."""
    return max(score, SAID) if ANGER.search(text) or (head := shared_head()) \
        and head.score(_HOW_OFTEN.sub(" ", text)) >= HEARD else score
