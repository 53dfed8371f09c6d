"""Which of the shop's products a message names, and which of them it means: "咖啡机" may be the Coffee
Maker or the Espresso Machine; "that one came already… I meant the vacuum cleaner order" means only the
vacuum cleaner; "退挂钟 水杯留着" keeps the bottle; "do you sell tents?" asks for one we do not sell. And
whether a yes says more than the change it answers. Pure functions of the text, in Chinese and English.
"""
from __future__ import annotations

import re
from functools import lru_cache

from agent.catalogue_words import LOOK_ALIKES, aliases, catalogue_variants, option_values, zh_names
from agent.variants import option_words, owner_of_options
from agent.dialogue.addresses import address_in, amends_address
from agent.dialogue.money import payment_source
from agent.dialogue.addresses import EMAIL
from agent.dialogue.reading import EXPLICIT_YES, GOT_ANY, ORDER_ID, cancel_reason, order_ids


@lru_cache(maxsize=1)
def _product_names() -> list[tuple[str, tuple[str, ...]]]:
    """(how shoppers write it, the products it may mean), longest first so 'smart watch' wins over
    'watch'. A word may mean several products ("咖啡机": the Coffee Maker or the Espresso Machine)."""
    meanings: dict[str, list[str]] = {}
    for name, more in aliases().items():
        for written in (name, *more):
            if name not in (meaning := meanings.setdefault(written.lower(), [])):  # (a name its own alias again)
                meaning.append(name)
    return sorted(((w, tuple(names)) for w, names in meanings.items()), key=lambda pair: -len(pair[0]))


def own_word(name: str, text: str) -> bool:
    """The text names the product by its own name, Chinese or English, not by a word it shares ("意式咖啡机你们最贵的那台":
    the Espresso Machine, though a Coffee Maker may make espresso too)."""
    return any(n == name and w in (zh_names().get(name), name.lower()) for n, w in products_in(text))


@lru_cache(maxsize=1)
def _meanings() -> dict[str, tuple[str, ...]]:
    """How shoppers write a product → the products it may mean."""
    return dict(_product_names())


@lru_cache(maxsize=1)
def _last_words() -> frozenset[str]:
    """The head words of the products' names and aliases ("set" of Luggage Set, "chair")."""
    return frozenset(written.split()[-1] for written, _ in _product_names() if written.isascii())


@lru_cache(maxsize=256)
def kin_of(name: str, word: str) -> tuple[str, ...]:
    """Other products a word for one product may stand for, where their own names end in it ("camera" of the
    Digital Camera: the Action and the Indoor Security Camera; "相机": the 运动相机; "kettle")."""
    ending = f" {word}" if word.isascii() else word  # (the kind the word says: not a "laptop backpack")
    return tuple(dict.fromkeys(n for written, names in _product_names() for n in names
                               if n != name and written != word and written.endswith(ending)))


@lru_cache(maxsize=1024)  # asked of the same message many times in one turn (router, flows, finish)
def products_in(text: str) -> tuple[tuple[str, str], ...]:
    """Products named in the text, as (product name, the words used). Latin names match whole Latin
    words (not 'watch' in 'watching', but 'chair' in 'office chair有货吗'); Chinese names as written."""
    lowered, found, held = LOOK_ALIKES.sub(" ", DEVICE_IN_USE.sub(" ", text.lower())), [], set()
    meanings = _meanings()
    for written, names in _product_names():
        if (m := (pattern := _name_pattern(written)).search(lowered)):
            # (a product found by a word several may mean, found again by its own: "跑鞋和休闲运动鞋": the 跑鞋 of the
            # Running Shoes, the 运动鞋 of the Sneakers)
            found = [(n, written) if len(names) == 1 and n == names[0] and len(meanings.get(w, ())) > 1 else (n, w)
                     for n, w in found]
            found += [(name, written) for name in names if name not in (n for n, _ in found)]
            held |= set(names) if _HOLDS.search(lowered[:m.start()]) else set()
            lowered = pattern.sub(" ", lowered)
    # ("能装笔记本电脑的双肩包", "a backpack that fits my 15 inch laptop": the backpack is the product; "要能放笔记本电脑
    #的" after backpacks: a compartment, no product)
    return tuple((n, w) for n, w in found if n not in held)


@lru_cache(maxsize=None)  # (one per name or alias: compiled once, not again each message past re's own cache)
def _name_pattern(written: str) -> re.Pattern:
    """How a product's name or alias is found in a message."""
    stem = re.escape(written[:-1]) + "s?" if re.search(r"[a-z][^s]s$", written) and written not in _PLURAL_ONLY \
        else re.escape(written)  # ("hiking boot"; not "shade" of "shades")
    # ("带相机仓的", "尼龙相机款", "黑色大号放电脑的", "with the laptop compartment" backpack: no camera or laptop)
    return re.compile(rf"(?<![a-z0-9]){stem}(e?s)?(?![a-z0-9])(?!\s+(?:compartment|sleeve|pocket|section)s?\b)(?!\s*(?:隔层|夹层|仓|槽))"
                      if written.isascii() else
                      rf"(?:(?<![放装塞插]){re.escape(written)}|(?<!插){re.escape(written)}(?!的))(?!仓|隔层|槽|款(?!式))")


# names whose singular is another word ("an umbrella for some shade": no sunglasses)
_PLURAL_ONLY = frozenset({"shades"})


# what a product is said to hold or go with, just before its name (not "do you carry bike helmets": the shop's stock)
_HOLDS = re.compile(r"(?:能装|装得下|放得下|能放|可以装|可以放)[^，,。；;的]{0,6}$|"
                    r"\b(?:fits?|holds?|(?<!you )(?<!\bu )(?<!\bye )(?<!guys )(?<!y'all )(?<!\bshop )(?<!store )carry|carries|big enough for)\s+(?:a |an |my |the )?(?:\d+(?:\.\d+)?[- ]?(?:inch|in|\"|'')\s*)?$|"
                    r"\b(?:bag|case|sleeve|stand|lamp|desk|charger) for (?:her|his|my|their|your) $")  # ("a bag for her laptop")


_SOLD = re.compile(r"(?:\bdo |^\W*)(?:you|u|y'?all)(?: guys)?(?: or do (?:you|u) not)? (?:sell|have|carry|stock)\s+(?:any\s+)?(?:an? )?(?!(?:and|or|but|are|is|they|it)\b)([a-z0-9][a-z0-9 -]{1,30}?|[\u4e00-\u9fff]{2,6})"
                   r"(?=\s*(?:[?.!,]|$|\bor\b|\bin\b|\bfor\b|\bat\b))|"
                   r"\b(?:biggest|largest|smallest|best|newest|latest|cheapest|most expensive)\s+([a-z][a-z -]{1,20}?)\s+"
                   r"(?:you|u|y'?all)(?: guys)? (?:sell|have|carry|stock|got)\b|"  # ("how big is the biggest tv you sell")
                   r"(?:你们|你家|店里|贵店|请问)(?:这里|这儿|这|店|家)?(?:到底|究竟)?(?:有没有|有|卖)卖?(?![不没])([\u4e00-\u9fff]{1,6}?)(?:卖)?(?:的?(?:吗|么|嘛|啊|呀)|的\s*(?:[?？]|$)|不(?![\u4e00-\u9fff]))|"
                   r"(?:你们|你家|店里|贵店|请问)(?:这里|这儿|这|店|家)?(?:有没有|有|卖)卖?\s*([a-z][a-z0-9 -]{1,24}?)\s*(?:吗|么|嘛)|"  # ("请问有 desktop PC 吗")
                   r"有没有(?:单卖|单独卖|单独)的([\u4e00-\u9fff]{1,6}?)(?=\s|[，,。？?！!]|$)|"  # ("有没有单卖的口红")
                   r"(?:你们|你家|店里|贵店)(?:到底|究竟)有没有卖?([\u4e00-\u9fff]{1,6}?)(?:卖)?(?=[？?]|吗)|"  # ("你们到底有没有帐篷？？？")
                   r"(?<![\u4e00-\u9fff])(?!你们|你家|店里|贵店|请问|这里|这儿)([\u4e00-\u9fff]{2,6}?)(?:到底|究竟)(?:有还是没有|有没有|卖不卖)|"  # ("！！！手机壳到底有还是没有？？？")
                   r"有\s*[a-z]{3,20}\s*(?:吗|么)\W*(?:就是|也就是)([\u4e00-\u9fff]{2,6}?)(?=\s|[，,。！!？?]|$)|"  # ("有dianfanbao吗 就是电饭煲")
                   r"(?:找不到|搜不到|没找到|找不着)([\u4e00-\u9fff]{2,6}?)(?=[\s，,。！!？?])[^。]{0,6}?(?:到底|究竟)?(?:有没有|有吗)|"  # ("找了
                   # 半天都找不到跑步机！！到底有没有？？")
                   r"问(?:过|了)?(?:你们|你家|店里|客服)(?:到底)?(?:有没有卖?|卖不卖)([\u4e00-\u9fff]{2,6}?)(?=\s|[，,。！!？?]|$)|"  # ("上次问你们
                   # 有没有投影仪 客服说没有 … 到底有没有": asked again)
                   r"(?:有没有卖|有卖|卖不卖)(?![吗么嘛呢])(?:那个|那种)?(?![的吗么嘛呢])([\u4e00-\u9fff]{1,6}?)[啊呀呢吧得]?(?:的(?=[吗么嘛呢啊呀吧]|[^\u4e00-\u9fff]|$)|吗|么|[?？]|\s|$|就是|还有)|"
                   r"^\W*(?:请问|问下|问一下)?\s*卖(?![不了完光过掉])([\u4e00-\u9fff]{1,6}?)(?:吗|么|嘛|不)(?:\W|$)|"  # ("卖猫爬架吗", "卖冰箱不")
                   r"^\W*(?![有你帮请])([\u4e00-\u9fff]{2,6}?)(?:你们|你家|店里)?(?:有没有卖|有卖|卖不卖|有没有)的?"
                   r"(?:[吗么嘛](?=\W|$)|\W*$|\s*[，,]?\s*(?:那种|这种))|"  # ("手机壳有卖吗", "猫粮有卖吗 还有猫砂", "电竞椅有没有 那种…")
                   r"(?:想|要)(?:给[\u4e00-\u9fff]{1,3})?(?:买|送|找|换|配)(?:一)?[个台把只件款双套副条瓶盒支]?\s*"
                   r"([\u4e00-\u9fff]{2,5}(?:[和跟][\u4e00-\u9fff]{2,5})?(?=[\s，,。！!？?]|$)(?<![的个种款色号码用玩穿送])|"
                   r"[a-z][a-z -]{1,24}?(?=[\s，,。！!？?]|$))"
                   r"[^。？?]{0,12}?(?:你们|你家|店里)?(?:这|这里|这儿)?(?:有吗|有没有|有卖吗|有卖的?吗|卖不卖)|"  # ("想配个手机壳和钢化膜，你们卖不卖？")  # ("想给我爸买个电动剃须刀，你们有卖吗",
                   # "客厅要换电视 65寸的 你们这有吗", "想买个 treadmill 在家跑步，有吗？")
                   r"(?:有没有卖|有卖|卖不卖|(?:你们|你家|店里|贵店)(?:这里|这儿|这)?有(?:没有)?)\s*(?:那种\s*)?([a-z][a-z -]{1,30}?)\s*(?:的\s*)?"
                   r"(?=吗|么|嘛|[啊呀]|[?？]|或者|\s+or\b|$)|"  # ("你们有卖 air fryer 吗", "有卖那种 smart bulb 吗", "有没有卖drone啊")
                   r"有没有\s*([a-z][a-z -]{1,30}?)\s*(?=卖|或者)|"  # ("有没有air fryer卖啊", "有没有 rice cooker 或者 microwave 啊")
                   r"有没有(?:那种|这种)?(?:[\u4e00-\u9fff]{1,6}的)?([\u4e00-\u9fff]{2,5}?)(?:在)?卖(?![家的])|"  # ("有没有那种宿舍用的小冰箱卖")
                   r"^\W*有(?:没有)?(?![一二两三几\d]+[个台件只双把套])([\u4e00-\u9fff]{1,5}?)(?<![的个种款])(?:卖)?(?:吗|么|嘛|[?？]|[啊呀](?=[\s，,。！!]|$))|"
                   r"^\W*有(?:没有)?(?![一二两三几\d]+[个台件只双把套])([\u4e00-\u9fff]{1,5}?|\s*[a-z][a-z0-9 -]{1,24}?\s*)卖(?:不|吗|么|嘛)(?![\u4e00-\u9fff])|"  # ("有手机壳卖不", "有switch卖吗")
                   r"^\W*有(?![一二两三几\d]+[个台件只双把套])([\u4e00-\u9fff]{1,6}?)(?<![的个种款])没有?(?![\u4e00-\u9fff])|"
                   r"^\W*(?:那|那么)?(?:你们)?有没有(?![一二两三几\d]+[个台件只双把套])([\u4e00-\u9fff]{2,6}?)(?<![的个种款点些])"
                   r"(?:卖)?[啊呀呢]?\W*$",  # ("有没有孕妇枕": that alone)
                   re.IGNORECASE)  # ("有帐篷吗 周末去露营", "有扫地机器人没 宿舍懒得扫地了")
_NOT_A_PRODUCT = re.compile(r"货|库存|便宜|实惠|划算|好用|好看|颜色|尺码|尺寸|型号|款式|规格|大小|退|订单|快递|物流|账|密码|付款|支付|保修|质保|^空$|^事$|^卖$|^[那这它][个款种些]?$|合适|适合|优惠|折扣|活动|券|发票|配送|送货|发货|上门|安装|服务|售后|会员|积分|分期|赠品|包装|礼盒|到付|电话|链接|二维码|保价|试用|样品|加急|(?<!无)人(?!机)|客服|问题|办法|时间|地址|运费|包邮|什|^啥|^哪|别的|其他|推荐|期|门店|价|质量|材质|重量|续航|多少|怎么|区别|效果|^的|正品|真品|原装|新品|全新|"
                            r"\b(?:it|them|this|that|one|any|anything|something|stuff|things?|then|there|here|now|left|today|instead|anymore|stock|discounts?|coupons?|deals?|sales?|promo\w*|"
                            r"(?:free |international |express )?(?:shipping|delivery|returns?|exchanges?|refunds?)|"
                            r"gift (?:cards?|wrapping)|warranty|installments?|price match\w*|cash on delivery|cod|"
                            r"stores?|shops?|a store|other colou?rs?|sizes?|colou?rs?|screens?|batter(?:y|ies)|capacity|storage|"
                            r"memory|zoom|resolution|(?:under|below|over|above|less than|more than|within|around|about|up to)\s*\$?\d+|"
                            r"me|us|you|him|her|address(?:es)?|accounts?|e-?mails?|records?|on file)\b", re.IGNORECASE)


# a thing needed, named in one word ("I need a tent for camping", "想买个帐篷"): sold by us or not
_NEEDS_THING = re.compile(r"\b(?:i|we) (?:need|want|am looking for|'m looking for) (?:a|an|some) ([a-z][a-z-]{2,20}?)"
                          r"(?=\s*(?:[?.!,]|$|\bfor\b|\bto\b|\bthat\b|\bwith\b))|"
                          r"(?:想|要|打算|考虑)买(?:个|一个|一顶|一台|一架|一把|一只)([\u4e00-\u9fff]{1,4}?)(?<!的)(?=[，,。？?！!\s]|送|给|$)",
                          re.IGNORECASE)  # (not "便宜的"; "我在考虑买个无人机送我儿子，你们有吗")
_THEIRS = re.compile(r"\b(?:order|my)\b|订单|我的", re.IGNORECASE)
_SERVICE_NOUNS = re.compile(r"\b(?:gifts?|presents?|ideas?|suggestions?|recommendations?|help|hand|receipt|human|agent|manager|person|"
                            r"supervisor|replacement|callback|answer|response|update|favou?r|moment|minute|second|break|invoice|"
                            r"quote|catalog\w*|price|bulk|order|account|password|login|number|code|voucher|label|copy|call|"
                            r"word|chat|solution|fix|way|reason|explanation|discount|deal|cheap\w*|big\w*|small\w*|new|good|nice|"
                            r"better|best|decent|used|large|light\w*|heav\w*|red|black|white|blue|"
                            r"membership|members?|vip|loyalty|rewards?|points|subscriptions?|plans?|apps?)\b|"
                            r"礼物|东西|帮助|发票|会员|积分", re.IGNORECASE)


_UNWANTED = re.compile(r"(?:不要|不是|不想要|别给我|别推荐?|\bnot (?:an? |the )?|\bno |\b(?:don'?t|dont|do not|never) (?:suggest|recommend|show|offer|give|send|want)(?: me| us)?(?: (?:any|an?|the|some))? )\s*([^\s，,。.;；!！?？]{1,12}(?:\s[a-z]+)?)", re.IGNORECASE)


# a thing ruled out by what it is ("His mother says a bicycle is too much money")
_RULED_OUT = re.compile(r"\b(?:an? |the )?([a-z][a-z -]{1,20}?)\s+(?:is|are|'s|would be)\s+(?:too (?:much(?: money)?|expensive|"
                        r"pricey|big|bulky|heavy)|out of (?:the )?(?:question|budget))\b(?!.*\b(?:cheaper|smaller|lighter)\b)",
                        re.IGNORECASE)  # (not "the laptop is too expensive, anything cheaper?": cheaper ones of it)


# a thing thought of and taken back ("Maybe a tablet? Actually no, he hates apps", "要不平板？算了 他不爱看屏幕")
_TAKEN_BACK = re.compile(r"\b(?:maybe|perhaps|or)\s+(?:an? |the )?([a-z][a-z -]{1,20}?)\s*\?+\s*(?:(?:actually|hmm+|wait|on second "
                         r"thought)\W{0,3})?\b(?:no|nah|nope)\b|(?:或者|要不|也许)([\u4e00-\u9fff]{2,6}?)[？?]+\s*(?:算了|不行|不要|不了)",
                         re.IGNORECASE)


def unwanted(text: str) -> set[str]:
    """Products the shopper says they do not want ("要传统的那种手表，不要智能手表", "not a smartwatch"), or named by
    the word that sets them apart ("送块手表，不要智能的那种": not the 智能手表)."""
    out = set()
    for m in _UNWANTED.finditer(text):
        named = {name for name, _ in products_in(m[1])}
        if not named and len(word := m[1].split("的")[0]) >= 2 and "的" in m[1]:
            named = {name for written, names in _product_names() if written.startswith(word) for name in names}
        out |= named
    out |= {name for m in _RULED_OUT.finditer(text) for name, _ in products_in(m[1])}  # ("a bicycle is too much money")
    out |= {name for m in _TAKEN_BACK.finditer(text) for name, _ in products_in(m[1] or m[2])}
    for clause in _PARTS.split(text):  # ("平板太重了她不要": the tablet named, then refused at the clause's end)
        if _REFUSED_AFTER.search(clause):  # (not "扫地机器人就算了" of vacuums: one kind of them, robotic, refused)
            kept = _REFUSED_AFTER.sub("", clause)
            out |= {name for name, word in products_in(kept) if not _kind_of(name, word) and not _option_after(name, word, kept)}
    return out


def _option_after(name: str, word: str, clause: str) -> bool:
    """One of the product's option values is said after its name in the clause: the option is what is let go, not the
    product ("找个keyboard … 要有RGB backlight … clicky的不要": clicky keyboards)."""
    lowered = clause.lower()
    tail = option_words(lowered[lowered.rfind(word.lower()) + len(word):]) if word.lower() in lowered else ""
    return any(re.search(rf"(?<![a-z0-9]){re.escape(str(value).lower())}(?![a-z0-9])", tail)
               for variant in catalogue_variants().get(name, ()) for value in variant["options"].values())


def _kind_of(name: str, word: str) -> bool:
    """The word for the product names one of its option values too ("扫地机器人": the robotic Vacuum Cleaner)."""
    said = option_words(word).split()
    return any(str(value).lower() in said for variant in catalogue_variants().get(name, ())
               for value in variant["options"].values())


_PARTS = re.compile(r"[，,。.;；!！?？\n]+")
_REFUSED_AFTER = re.compile(r"(?:她|他|我们?)?(?:但|但是)?(?:这个|那个)?(?:又|都|也|就|肯定|坚决)?(?:不要|不想要|不考虑|不喜欢|用不惯|不会用|用不来|就算了|算了吧|就免了|"
                            r"不敢(?:带|用|拿)[\u4e00-\u9fff]{0,3}|(?:不用|不需要|无需)(?:推荐|管|看|考虑))了?[哈啊呀吧]*\s*$")  # ("我会带camera 但这个不用推荐哈")


def replaced(text: str) -> set[str]:
    """Products the thing wanted does away with ("so she doesn't have to carry a suitcase of books around",
    "不用再背一箱书"): not what is asked for."""
    return {name for m in _REPLACED.finditer(text) for name, _ in products_in(m[1])}


_REPLACED = re.compile(r"(?:\b(?:doesn'?t|don'?t|won'?t|does not|do not|will not|no longer) (?:have|need) to (?:carry|lug|haul|bring|"
                       r"drag|take)|\binstead of|不用(?:再)?(?:带|背|拿|拖|搬))\s*((?:(?:a|an|the|her|his|my)\s+)?[^\s，,。.;；!！?？]{1,12}"
                       r"(?:\s[a-z]+)?)", re.IGNORECASE)


def only_theirs(text: str) -> set[str]:
    """Products named only as the shopper's own ("i need a light for my desk … my laptop is the only thing
    near it"; "I already have the bike itself. What else should I get": a helmet): none of them is asked about."""
    return {n for n, _ in products_in(text)} - {n for n, _ in products_in(_MINE.sub(" ", text))}


_MINE = re.compile(r"\b(?:my|our|his|their|her(?!\s+(?:an?|the|some|one)\b))\s+(?!own\b)(?:old\s+|current\s+)?[a-z][a-z-]*(?:\s+[a-z][a-z-]*)?|我(?:的|家的?)[^\s，,。.;；!！?？的]{1,6}|"
                   r"\b(?:already|still)\s+(?:have|has|got|own)\s+(?:an?\s+|the\s+|one\s+)?[a-z][a-z-]*(?:\s+[a-z][a-z-]*)?|"
                   r"\b(?:we'?ve got|we have|i'?ve got|i have)\s+(?!to\b|been\b|no\b|not\b)(?:an?\s+|some\s+|two\s+|three\s+|\d+\s+)?"
                   r"[a-z][a-z-]*(?:\s+[a-z][a-z-]*)?(?=\s+(?:in|at|on|all|every|and|that|which|at home)\b|\s*[,.;!?]|$)|"  # ("we've got
                   # Google speakers in every room")
                   r"已经有(?:了)?(?:一?[个辆台双把张])?[^\s，,。.;；!！?？的了]{1,6}|[^\s，,。.;；!！?？的]{1,6}(?=(?:我|他|她)?已经有了)|"
                   r"家里的?[^\s，,。.;；!！?？的是]{1,6}(?=是|用的)|我(?:用|拿|戴)的是[^\s，,。.;；!！?？的]{1,6}|"  # ("我用的是苹果手机")
                   r"(?<![买要换])(?:手机|电脑|平板)上(?:的|面的?|用)|"  # (what runs on theirs: "跟手机上的语音助手连起来")
                   r"(?<=[趴躺睡坐踩])在?我[^\s，,。.;；!！?？的]{1,4}(?=上)|"  # ("趴我键盘上睡": mine, slept on)
                   # what someone does with every day is theirs ("每天骑自行车上下班", "天天抱着手机")
                   r"(?:每天|天天|每日|经常|平时|整天|成天)(?:都)?(?:在)?(?:骑|用|玩|抱着|拿着|刷|戴着?|开|背着?)着?[^\s，,。.;；!！?？的上]{1,5}|"
                   # what a thing is to carry is theirs ("to carry my laptop + charger")
                   r"\b(?:carry|carrying|fit|fits|hold|holds)\s+(?:my|his|her|our|their)\s+[a-z-]+(?:\s*(?:\+|&|and|,)\s*(?:my\s+|a\s+)?[a-z-]+)*|"
                   r"(?:上次|上回|之前|以前|上个?月|上周|去年|前几天|在你们这|在你们家)[^\s，,。.;；!！?？]{0,6}?(?<![想要])买的[^\s，,。.;；!！?？的]{1,6}",  # ("家里音箱是Echo": theirs; "get him his own
                   #                                                 backpack" is one to buy)
                   re.IGNORECASE)


def asks_whether_sold(text: str) -> bool:
    """"do you sell skateboards?", "你们卖不卖扫地机器人": whatever the thing is."""
    return bool(_SOLD.search(text) or _SELL_WORDS.search(text))


_SELL_WORDS = re.compile(r"\b(?:do |does )?(?:you|u|y'?all)(?: guys)? (?:sell|carry|stock)\b|^\W*(?:(?:yo|hey|hi|hello|ok|so|um+|uh+)\W+)?(?:u|you|ya)(?: guys)? (?:have|got)\b|"
                         r"卖不卖|有没有卖|有卖|(?:你们|你家|店里|贵店)卖(?!的)|" + GOT_ANY.pattern, re.IGNORECASE)  # ("u have gopros?", "你们卖电视吗")


def by_their_names(named: list[str], text: str) -> list[str]:
    """Of the products named, without those named only by a word that may also mean one named in full ("头戴或入耳
    的耳机（Headphones）": the Headphones, not also the Wireless Earbuds 耳机 may mean)."""
    meanings, found = _meanings(), products_in(text)
    full = {n for n, w in found if w == n.lower()}
    alike = {n for n, w in found if n not in full and full & set(meanings.get(w, ()))}
    return [n for n in named if n not in alike] or named


def against_its_kind(text: str, names: list[str]) -> bool:
    """One of two products named by its own name, and the word of its kind said apart from it, which then means the
    other: "咖啡机和意式咖啡机" (a coffee maker and an espresso machine), "a regular watch or a smart watch"."""
    for name in names:
        for own in {zh_names().get(name), name.lower()} - {None}:
            if own in text.lower() and set(names) - {name} <= {
                    n for n, _ in products_in(re.sub(re.escape(own), " ", text, flags=re.IGNORECASE))}:
                return True
    return False


def not_option_stems(found: tuple[tuple[str, str], ...], beside: str | None = None) -> tuple[tuple[str, str], ...]:
    """Of the products found, without one whose word only begins an option value of another product, named or the one
    talked about ("bags" beside a vacuum's bagged and bagless: no backpack)."""
    others = {n for n, _ in found} | ({beside} if beside else set())
    def stems(name: str, word: str) -> bool:  # ("bags" of "bagged" too)
        stem = re.sub(r"(?<=[a-z]{3})s$", "", word)
        return word.isascii() and any(t != stem and t.startswith(stem) for o in others - {name}
                                      for v in catalogue_variants().get(o, ()) for x in v["options"].values()
                                      for t in re.findall(r"[a-z]+", str(x).lower()))
    return tuple((n, w) for n, w in found if not stems(n, w))


def options_of_others(named: list[str]) -> list[str]:
    """Of the products named, without one whose name is an option of another named ("backpacks … the medium grey
    laptop one": the Backpack's laptop compartment, no Laptop)."""
    values = {name: {str(x).lower() for v in catalogue_variants().get(name, []) for x in v["options"].values()}
              for name in named}
    return [n for n in named if not any(n.lower() in values[o] for o in named if o != n)] or named


def asked_if_sold(text: str) -> list[str]:
    """The products of ours in the thing a do-you-sell question names ("do you carry bike helmets? also need a
    lock for the bike": the Cycling Helmet; "你们这有充电宝不 出门手机天天没电": the Portable Charger)."""
    if not (m := _SOLD.search(text)) or products_in(CLAUSE_END.split(text[m.end():], maxsplit=1)[0]):
        return []  # (none, or more in the same question: "do you sell espresso machines or only regular coffee makers?")
    asked = [n for n, _ in products_in(next(g for g in m.groups() if g))]
    others = [w for n, w in products_in(text) if n not in asked and n not in only_theirs(text)]  # ("my phone case")
    # (another wanted too: "do you have a puzzle for her? And my 12yo son wants a skateboard": not only the puzzle)
    return asked if all(re.search(rf"\b(?:for|on|of|with) (?:the|my|his|her|our|their) {re.escape(w)}", text, re.IGNORECASE)
                        for w in others) else []


CLAUSE_END = re.compile(r"[?.!。？！,，;；]|(?<=[\u4e00-\u9fff])\s+")


def asks_if_sold(text: str, after: str | None = None) -> str | None:
    """What a shopper asks whether we sell ("do you sell tents?", "你们有帐篷吗"), when it is none of our
    products: the thing as they wrote it. `after`: a thing just said not sold, for "那防潮垫呢" next."""
    if ORDER_ID.search(text):
        return None
    m = _SOLD.search(text) or (_NEEDS_THING.search(text) if not _THEIRS.search(text) else None) or (
        and_that(text) if after else None)
    if m and (thing := _not_ours(m)):  # ("那微波炉呢 别又不回我": the thing, whatever follows)
        return thing
    asks = bool(m or asks_whether_sold(text))  # another thing asked beside the first ("Do you sell dumbbell sets? And
    for clause in _ALSO_CLAUSE.split(text)[1:]:  # resistance bands?", "请问有卖 yoga mat 吗？还有 yoga 砖"; "got a robot
        #                                           vacuum? how much is the cheapest 1. and mops??": a question of its own)
        if (asks or clause.rstrip().endswith(("?", "？")) and products_in(text)) \
                and (also := AND_THAT.fullmatch(clause.strip(" ,，"))) and (thing := _not_ours(also)) \
                and not _NO_THING.match(thing):  # (not "and what are the prices like?")
            return thing
    return None


# words that open a question or stand for a thing, never a thing's name
_NO_THING = re.compile(r"(?:what|which|how|when|where|why|who|is|are|was|do|does|did|can|could|would|will|should|the|it|its|"
                       r"they|them|their|you|your|i|me|my|we|our|if|any|some|more|less|also)\b", re.IGNORECASE)


# the clauses of a message, each a question or a thing added ("…吗？还有 yoga 砖", "got a robot vacuum? … and mops??")
_ALSO_CLAUSE = re.compile(r"(?<=[?.!。？！;；])|\s+(?=还有|另外|以及|\band\b|\balso\b|\bplus\b)", re.IGNORECASE)


def _not_ours(m: re.Match) -> str | None:
    """The thing a do-you-sell question names, when it is none of our products (nor an option, a service, …)."""
    thing = next(g for g in m.groups() if g).strip()
    if m.re is AND_THAT and (set(re.findall(r"[a-z]+", thing.lower())) & option_values() or re.search(r"\bor\b", thing, re.I)
                             or thing.endswith("的")):
        return None  # ("what about stainless steel", "What about Alaska or Puerto Rico?", "那大一码的呢": no other thing)
    if thing.isascii() and (not re.search(r"[a-z]{2}", thing.lower()) or re.match(r"(?:in|for|at|on|with|by|of)\b", thing,
                                                                                      re.IGNORECASE)):
        return None  # ("do you have 2 in stock?", "what colours do u have in 9": a number, an option, no thing)
    if products_in(thing) and not _ACCESSORY.search(thing):  # ("phone cases" are no phone)
        return None
    if option_words(thing).strip() != thing.lower():  # an option, not a thing: "有大号吗", "有黑色吗"
        return None
    if (rest := [w for w in thing.lower().split() if w not in option_values()]) and len(rest) < len(thing.split()) \
            and rest[-1].rstrip("s") in _last_words():
        return None  # one of ours in an option it may not come in: "a silver set" of the Luggage Set
    if _NOT_A_PRODUCT.search(thing) or _SERVICE_NOUNS.search(thing):
        return None
    return thing.lower() if thing.isupper() and len(thing) > 3 else thing  # (not echoed in capitals: "a TREADMILL"; "TV")


def as_said(thing: str, language: str) -> str:
    """The thing not sold, as an answer in the shopper's language says it: a Chinese word is not echoed into an English
    answer ("Do you guys sell 电子秤?": "We don't sell that.")."""
    return "that" if language == "en" and re.search(r"[\u3400-\u9fff]", thing) else thing


def and_that(text: str) -> re.Match | None:
    """Another thing asked the way the last was asked: the message, or its first clause after an okay ("那微波炉呢 别又不回我",
    "好吧 那游戏鼠标呢 要无线的 宿舍线太乱了")."""
    clauses = [c for c in CLAUSE_END.split(text.strip()) if c.strip() and not _OKAY.fullmatch(c.strip())]
    rest = " ".join(clauses[1:])  # (not where the rest says which of ours: "那燒開水的壺呢？要放在電磁爐上用的")
    return AND_THAT.fullmatch(text.strip()) or (AND_THAT.fullmatch(clauses[0].strip())
                                                if clauses and not products_in(rest) and not owner_of_options(rest) else None)


_OKAY = re.compile(r"(?:那)?好吧|好的?|行吧?|嗯+|哦+|噢|算了|\bok(?:ay)?\b|\bfine\b|\balright\b|\bhm+\b", re.IGNORECASE)


# another thing, asked right after one we do not sell ("有帐篷吗" … "那防潮垫呢", "what about sleeping bags?")
AND_THAT = re.compile(r"\W*(?:(?:那|那么|还有|另外|\band|\balso|\bplus|\bwhat about|\bhow about)\s*(?:你们)?(?:有没有|有)?\s*"
                      r"([\u4e00-\u9fff]{2,6}?|[a-z][a-z -]{2,24}?|[a-z]{2,12}\s*[\u4e00-\u9fff]{1,3})"
                      r"\s*(?:呢|吗|么|有吗|有没有|有卖吗)?|([\u4e00-\u9fff]{2,6}?)呢)\s*[?？。.!！~～]*", re.IGNORECASE)  # ("睡袋呢",
# "还有 yoga 砖")


_ACCESSORY = re.compile(r"\b(?:cases?|covers?|screen protectors?|protectors?|stands?|straps?|sleeves?|mounts?|holders?|"
                        r"cables?|refills?|spare parts?|accessor(?:y|ies))\b|壳|套|膜|支架|配件|表带|充电线", re.IGNORECASE)


# the device the shopper writes from is no product of the conversation ("sorry, switched to my phone", "I'm on my
# laptop now", "换了手机登录")
DEVICE_IN_USE = re.compile(r"\b(?:switch(?:ed|ing)?|mov(?:ed|ing)|changed?|back)\s+(?:over\s+)?(?:to|on)\s+(?:my|the)\s+"
                           r"(?:phone|laptop|computer|tablet|ipad|pc|desktop|mobile)\b|\b(?:i'?m|i am|now) on (?:my|the) "
                           r"(?:phone|laptop|computer|tablet|ipad|pc|desktop|mobile)\b|换(?:了|到|成)?(?:手机|电脑|平板)(?:上|登录|登陆)?|"
                           r"(?:在|用)(?:手机|电脑|平板)上?(?:登录|登陆|打开|聊)|"
                           r"\b(?:back|sorry|oops)\W+(?:my\s+)?(?:phone|laptop)\s+(?:died|was dead|ran out)\b|(?:手机|电脑|\bphone|\blaptop)\s*(?:天天|老是|总是|经常|动不动就|又|一直)?没电|"
                           # the device they read on now, not the one wanted ("看手机太累 不要手机那种", "手机屏幕太小了")
                           r"看手机|对着(?:手机|电脑|屏幕)|(?:用|拿)(?:手机|平板|电脑|ipad)(?:看|读|刷|玩)|手机\s*app|(?:用|拿)手机\s*(?:控制|操作|遥控|开关)|(?:能|可以)?连(?:接|上)?(?:手机|电脑|平板)|(?:坐在?|在)(?:电脑|电视|屏幕)前|\bin front of (?:the|my|his|her|a) (?:computer|pc|laptop|screen)\b|\bconnects? (?:to|with) (?:my |your |a |the )?(?:phone|laptop)\b|\b(?:from|with|on) (?:my|your|the|a) phone(?: app)?\b|\bphone app\b|(?:在|用)(?:手机|电脑|平板)上|手机上(?:能|可以)?(?:调|控制|操作|看)|(?:手机|电脑)(?:屏幕)?太(?:小|累|伤眼)|不要(?:手机|电脑)(?:那种)?|\b(?:my|the) phone(?:'s)? screen\b",
                           re.IGNORECASE)  # ("back, phone died. what was that tracking number again?")


def without_products(text: str) -> str:
    """The text with our products' names blanked ("蓝牙音箱续航多久" → " 续航多久"): what it asks of them."""
    lowered = text.lower()
    for _, written in products_in(text):
        lowered = lowered.replace(written, " ")
    return lowered


_CLAUSE = re.compile(r"[;；。!！\n]+")
_UNCHANGED_AFTER = re.compile(r"^\W{0,2}(?:as is|as it is|(?:is|are) (?:fine|great|good|ok|okay|perfect)\b|stays?\b|can stay|i'?ll keep|"
                              r"no change|unchanged|不换|不改|不用改|不动|不用换|不变|没问题|不用动|保持|留着|"
                              r"留下|我留|不退|不用退|挺好)", re.IGNORECASE)
_NOT_BEFORE = re.compile(r"(?:\bnot|\bkeep|不是|不要)\W{0,2}(?:the |my )?$", re.IGNORECASE)


# ("size不对", "颜色不对": what is wrong with the thing, no correction of what was said)
CORRECTION = re.compile(r"\bI mean[t]?\b|\bI was talking about\b|(?<!size)(?<!size )(?<!尺码)(?<!尺寸)(?<!颜色)(?<!大小)(?<!型号)"
                        r"(?<!款式)(?<!码)(?<!色)(?<!货)不对|[说打写敲]错了|打错字|\btypo\b|其实是|我是说|我指的是|"
                        r"\bscratch the [a-z -]{1,30}?(?=\s*[,.;!]|$)|\bwait\W{1,3}no\W{1,3}scratch that\b", re.IGNORECASE)  # ("a lamp — wait, no,
# scratch that. She wants a smart bulb")
# ("actually scratch the side burner, gas portable with no extras"; not "scratch that, keep W…": an order kept)


def corrects(text: str) -> bool:
    return bool(CORRECTION.search(text))


def products_meant(text: str) -> list[str]:
    """The products a message is about: after a correction ("that one came already… I meant the vacuum
    cleaner order", "不对 我说错了 是耳机那单"), only those named after it."""
    corrections = list(CORRECTION.finditer(text))
    words = text[corrections[-1].end():] if corrections else text
    return [name for name, _ in products_in(words)] or ([name for name, _ in products_in(text)] if not corrections else [])


def after_correction(names: list, text: str, name=lambda n: n) -> list:
    """Of these, the ones named after a correction in the message, when there is one and it names some
    ("想买个跑步用的耳机……不对不对，我要的是…小音箱": the speaker); else all of them."""
    if not corrects(text):
        return names
    meant = products_meant(text)
    return [n for n in names if name(n) in meant] or names


# "the helmet one. NOT the one with the grill and the running shoes": an order they do not mean
_OTHER_ORDER = re.compile(r"\bnot (?:the |that )?(?:one|order)s? (?:with|that has|that had|containing|where)\b[^.;!?。；！？]*|"
                          r"不是(?:有|买了?)?[^，,。；;!！?？]{0,20}?(?:那个订单|那一单|那单|那个)", re.IGNORECASE)


def without_other_orders(text: str) -> str:
    """The text without the orders it says it does not mean."""
    return _OTHER_ORDER.sub(" ", text)


def items_meant(names: list[str], text: str) -> list[tuple[str, str]]:
    """Of these product names, the ones the shopper means to change, with the clause that says how
    ("登山靴换成10码防水的；智能手表换成黑色皮表带的。宠物床不换"): not one they keep or say they do not
    mean ("头盔没问题 是那件抓绒外套要换", "not the helmet, the jacket", "keep the mouse as is")."""
    only = [n for n, written in products_in(text) if n in names and re.search(_ONLY.format(re.escape(written)), text.lower())]
    if only:  # "return just the headphones", "只退平板": those, whatever else is named
        lowered = text.lower()  # (and those listed with them: "只退书架和拼图")
        found = sorted((lowered.find(w), n, w) for n, w in products_in(text) if n in names and lowered.find(w) >= 0)
        for (at, first, written), (after, name, _) in zip(found, found[1:]):
            gap = re.sub(r"\b(?:the|my)\b", " ", lowered[at + len(written):after])
            if first in only and name not in only and gap.strip() and not _LIST_GLUE.sub("", gap).strip():
                only.append(name)
        return [(n, text) for n in only]
    meant = []
    for clause in _CLAUSE.split(text):
        lowered, found = clause.lower(), products_in(clause)
        listed = lowered  # the others' names blanked: "吸尘器、音箱和牙刷留着" keeps all three
        for _, written in found:
            listed = listed.replace(written, "\0" * len(written))
        for name, written in found:
            at = lowered.find(written)
            # (a comma joins a list, unless an action comes before the name: "只退平板，行李箱和耳机不退")
            acted = _ACTION.search(re.split(r"[，,]", lowered[:at])[-1])
            rest = (_LIST_GLUE if acted else _LIST_GLUE_COMMAS).sub("", listed[at + len(written):])
            before = _LIST_GLUE_BEFORE.sub("", listed[:at])  # "keep the luggage set and headphones"
            # ("not the luggage, the dumbbells": a correction, not a list of two kept)
            corrected = re.search(r"\bnot\W*$", before) and re.search(r"[,，]", listed[len(before):at])
            if name in names and at >= 0 and not _UNCHANGED_AFTER.search(rest) \
                    and (corrected or not _NOT_BEFORE.search(before)) \
                    and not _NOT_BEFORE.search(lowered[:at]) and name not in (n for n, _ in meant):
                meant.append((name, clause))
    return _each_its_part(meant, text)


def _each_its_part(meant: list[tuple[str, str]], text: str) -> list[tuple[str, str]]:
    """Two products changed in one sentence, each with its own change ("智能手表换成黑色的，台灯换成银色的",
    "the helmet should be medium, and the silver tablet should be the gold one"): each gets its part,
    from after the comma before its name to the comma before the next one's."""
    out = list(meant)
    for clause in {c for _, c in meant}:
        names = [n for n, c in meant if c == clause]
        if len(names) < 2 or len(_CHANGES.findall(clause)) < len(names):
            continue
        lowered = clause.lower()
        starts = sorted((lowered.find(w), n) for n, w in products_in(clause) if n in names and lowered.find(w) >= 0)
        # (each part starts after the separator before its name, or at the name when none follows the first)
        cuts = [0] + [c if (c := max(lowered.rfind(sep, 0, at) for sep in ("，", ",", "、", " and "))) > starts[0][0] else at
                      for at, _ in starts[1:]]
        parts = {n: clause[cut:end] for (_, n), cut, end in zip(starts, cuts, cuts[1:] + [len(clause)])}
        out = [(n, parts.get(n, c) if c == clause else c) for n, c in out]
    return out


_CHANGES = re.compile(r"改成|换成|改为|换为|\b(?:change|switch|swap)\b[^,.;，。；]*?\b(?:to|for|into)\b"
                      r"|\b(?:should|needs? to|has to) (?:be|become)\b|\bbecomes?\b", re.IGNORECASE)


_ONLY = r"(?:\bjust|\bonly)\s+(?:the |my |that |those )?(?:\w+[- ])?{0}|只(?:退|换|要|改)?(?:那个|这个)?{0}"
_LIST_GLUE = re.compile(r"^(?:[\0\s、/&和跟与及]|还有|以及|\band\b|都|也|全部?|就)*")
_LIST_GLUE_COMMAS = re.compile(r"^(?:[\0\s、，,/&和跟与及]|还有|以及|\band\b|都|也|全部?|就)*")
_LIST_GLUE_BEFORE = re.compile(r"(?:[\0\s、，,/&和跟与及]|\band\b|\bthe\b|\bmy\b)*$")
_ACTION = re.compile(r"退|换|\b(?:return|exchange|swap|send back)", re.IGNORECASE)


# (Chinese written without commas ends the part at a space: "…偏光的那款 耳机不动 差价用原来那张信用卡")
_KEPT_PART = re.compile(r"[^，,;；。.!！\s]*(?:留着|留下|不退|(?<!要)不换(?![成为])|(?<!要)不改(?![成为])|不动|别动|不要动|"  # (not "要不换成")
                        r"(?<!要)不取消|别取消|不要取消|"
                        r"不用(?:改|换|动)|不需要(?:改|换)|不变)"
                        r"[^，,;；。.!！\s]*|"
                        r"(?:(?!\bbut\b)[^，,;；。.!！])*(?:\bkeep(?:ing)?\b|\bstays?\b|\bleave\b|\buntouched\b|\bno change\b|"
                        r"\b(?:only|still) need\b|"  # ("The green one, I only need the black")
                        r"\bunchanged\b)(?:(?!\bbut\b)[^，,;；。.!！])*", re.IGNORECASE)  # ("keep sunglasses but I want…")


def without_kept(text: str) -> str:
    """The text without the parts that say what stays ("我要退蓝色那支，黑色的留着" → "我要退蓝色那支，")."""
    return _KEPT_PART.sub(" ", text)


def without_others_kept(text: str, items: list[str]) -> str:
    """The text without the parts that keep another product than these ("只换咖啡机，扫地机器人不用换。确认":
    a yes to the coffee maker's exchange, not a no)."""
    return _KEPT_PART.sub(lambda m: " " if (named := products_meant(m[0])) and not set(named) & set(items) else m[0],
                          text)


_CONFIRMS = re.compile(r"confirm|go ahead|do it\b|\bproceed\b|确认|确定|就这样|\b(?:yes|ok|okay)\W+(?:改|换|退|取消)吧|\bplease (?:switch|change|swap|update) it\b(?! to)|"
                       r"\b(?:yes|yep|yeah|ok|okay|sure)\W+(?:please\s+)?(?:cancel|return|exchange|change|swap|switch|update)\b",
                       re.IGNORECASE)  # ("yes cancel the charger one")


_YES_DO = re.compile(r"\b(?:yes|yep|yeah|ok|okay|sure)\b[^.?!]{0,20}?\b(?:cancel|return|exchange|change|swap|update)\b",
                     re.IGNORECASE)  # ("Yes, that's right — cancel W6272294 only")


_YES_FIRST = re.compile(r"\W*(?:(?:yes|yep|yeah|ok|okay|sure)\b|好的|是的|可以)", re.IGNORECASE)  # (not "对 就是那个有手机的单")


def adds_details(text: str, args: dict, items: list[str]) -> bool:
    """A message that names an order, or another address, item or payment method than the change stated:
    with a yes in it, it is no plain yes to what was stated ("yes that's the one, W6443279", "yes but to my
    gift card"). A question about the same change ("yes confirm. refund回paypal要多久?") adds nothing."""
    method, source = args.get("payment_method_id", ""), payment_source(text)
    address = address_in(text)
    named = order_ids(text)  # the same order restated with "确认改" is a yes to it
    other_order = named and (named != {args.get("order_id")} or not (EXPLICIT_YES.search(text) or _YES_DO.search(text)))
    # a yes that says the details again without "confirm / go ahead" ("ok. refund to paypal pls, just the
    # sunglasses", "对 就是那张尾号7159的mastercard") is no explicit yes: the change is stated once more
    soft = not _CONFIRMS.search(text)  # ("可以，差价退回我那张信用卡就行" restates; "确认，改吧" confirms)
    # ("yes 就这个, 只换earbuds": a yes first, then only the product stated, is a yes to it)
    same_items = bool(items) and "reason" not in args and _YES_FIRST.match(text) and _named(text, items) <= set(items)
    restated = bool(source or address or amends_address(text) or products_in(text) and not same_items
                    or ("reason" in args and cancel_reason(text)))  # ("没错" is no reason for a cancel)
    return bool(other_order or EMAIL.search(text) or (soft and restated)
                or (address and address["address1"] != args.get("address1"))
                or (source and method and not method.startswith(source))
                # (not "only the backpack one", nor "只退平板，行李箱和耳机不退。确认")
                or bool(items and _named(without_kept(text), items) - set(items))
                # ("yes, just the headphones" to a return of three items: fewer than stated; not for a cancel,
                # where an item says which order: "有平板的那个订单 确认取消")
                or bool("item_ids" in args and items
                        and (named_now := _named(without_kept(text), items) & set(items))
                        and named_now < set(items)))


def _named(text: str, items: list[str]) -> set[str]:
    """The products the text names, a word that may mean several ("手表") read as the item it may mean."""
    meanings: dict[str, set[str]] = {}
    for name, written in products_in(text):
        meanings.setdefault(written, set()).add(name)
    return {name for names in meanings.values() for name in (names & set(items) or names)}
