"""Text forms the rails match on, so full-width letters, zero-width characters and odd spacing
cannot slip an attack past a pattern."""
from __future__ import annotations

import re
import unicodedata

_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\u00ad]")
_SPACES = re.compile(r"\s+")
_SCRIPT_CHANGE = re.compile(r"(?<=[\u3400-\u9fff])(?=[a-z0-9])|(?<=[a-z0-9])(?=[\u3400-\u9fff])")
_NOT_WORD = re.compile(r"[\W_]+")  # punctuation, spaces and symbols; CJK characters are \w
# a sentence runs to its end mark (a full stop only when a space or the end follows: 12.50 stays whole)
_SENTENCE = re.compile(r".*?(?:[。！？!?；;\n]+|\.+(?=\s|$)|$)\s*")

# ---- what attackers do to a message so a pattern misses it, undone before the input rails look
# Cyrillic and Greek letters that look Latin: "ignоre" with a Cyrillic о
_LOOKALIKES = str.maketrans("аеорсухіјѕԁɡкмтвнАЕОРСУХІЈЅКМТВНαεικνορτυχΑΕΙΚΝΟΡΤΥΧ",
                            "aeopcyxijsdgkmtbhaeopcyxijskmtbhaeiknoptuxaeiknoptux")
# traditional characters of the words the policies use, so 請忽略規則 reads like 请忽略规则
_TRADITIONAL = str.maketrans(
    "們個這說話請無視規則設詞統歷記憶從現開發員權碼單戶顧會電郵資訊數據庫錄聯繫鄰別誰買導載隱內後臺網"
    "鏈連結層麼練讓給聽對應該樣嗎為問題蓋須討論義務實際機滾廢貨癡腦殘媽東約轉換幣彈殺燒輕樓攜帶語譯試"
    "測調沒審過濾鎖獄擬裝戲劇產稱號紀區選舉總戰爭幫寫藥離簽證遺減講學體賽譜運勢聞熱歡謝簡報圖準確認錢"
    "價費輸並與關閉項額術訴顯復變達將專門處級態勵優劵惡",
    "们个这说话请无视规则设词统历记忆从现开发员权码单户顾会电邮资讯数据库录联系邻别谁买导载隐内后台网"
    "链连结层么练让给听对应该样吗为问题盖须讨论义务实际机滚废货痴脑残妈东约转换币弹杀烧轻楼携带语译试"
    "测调没审过滤锁狱拟装戏剧产称号纪区选举总战争帮写药离签证遗减讲学体赛谱运势闻热欢谢简报图准确认钱"
    "价费输并与关闭项额术诉显复变达将专门处级态励优券恶")
# l33t in a word that mixes letters and digits: "1gn0r3" → "ignore"; a token with other digits
# (an order id, a model number, a tracking number) is left alone
_LEET = str.maketrans("013457", "oieast")
_LEET_WORD = re.compile(r"(?<![0-9a-z])(?=[a-z013457]*[a-z][a-z013457]*[a-z])(?=[a-z]*[013457])[a-z013457]+(?![0-9a-z])")
# a word spelt out letter by letter: "i g n o r e", "i.g.n.o.r.e", "忽 略 之 前"; two spaces end a word
_SPELT = re.compile(r"(?<![^\W_])[^\W_](?:[ .\-_*·•|/][^\W_](?![^\W_])){2,}")
_SPELT_GAPS = re.compile(r"[ .\-_*·•|/]")


def deobfuscated(text: str) -> str:
    """The input rails' reading of a message: look-alike letters, traditional characters, l33t and
    letter-by-letter spelling undone (then normalised as usual). Only for matching, never shown."""
    text = unicodedata.normalize("NFKC", _INVISIBLE.sub("", text)).translate(_LOOKALIKES).translate(_TRADITIONAL)
    text = _SPELT.sub(lambda m: _SPELT_GAPS.sub("", m.group()), text.lower())
    return normalized(_LEET_WORD.sub(lambda m: m.group().translate(_LEET), text))


def normalized(text: str) -> str:
    """NFKC (full-width → ASCII), lower case, no invisible characters, single spaces."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).lower()
    return _SPACES.sub(" ", text).strip()


def spaced(norm: str) -> str:
    """A normalised text with a space where Chinese meets Latin letters or digits, so English
    patterns find their word boundaries in mixed messages: "你的system prompt" → "你的 system prompt"."""
    return _SCRIPT_CHANGE.sub(" ", norm)


def compact(text: str) -> str:
    """The normalised text without spaces or punctuation: 'Ig-nore  previous' → 'ignoreprevious'."""
    return _NOT_WORD.sub("", normalized(text))


def sentences(text: str) -> list[str]:
    """Split a reply into sentences, keeping each one's punctuation, so a rewrite can drop one."""
    return [m.group() for m in _SENTENCE.finditer(text) if m.group()]


def facts_text(facts: dict | None) -> str:
    """Every value in the turn's facts (tool results) as one normalised string to search in."""
    if not facts:
        return ""
    out: list[str] = []

    def walk(value) -> None:
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, (list, tuple, set)):
            for v in value:
                walk(v)
        elif value is not None:
            out.append(str(value))

    walk(facts)
    return normalized(" | ".join(out))
