"""Which variant of a product the shopper means, from the option values they name in their own words.

The catalogue's options are English ("space grey", "17-inch", "i7"); shoppers write "银色17寸的",
"the 17 inch", "not the 13-inch, the 17-inch". Their words are brought to the catalogue's first, then a
variant is the one whose options they named, the rest kept as close as possible to a reference.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from agent.catalogue_words import asked_attributes, catalogue_variants, without_attributes

# Chinese option words as the catalogue writes them (colours and sizes shoppers type in Chinese); a
# one-character colour counts only as a colour word ("黑色", "黑的"), not inside another ("蓝牙", "金额")
ZH_COLOURS = {"黑": "black", "白": "white", "红": "red", "蓝": "blue", "绿": "green", "灰": "grey", "银": "silver",
               "金": "gold", "粉": "pink", "紫": "purple", "黄": "yellow", "棕": "brown"}
_ZH_COLOUR = re.compile(f"([{''.join(ZH_COLOURS)}])(?=[色的框]|颜色|镜片|表盘|盘面)")  # ("白颜色的", "黑框绿镜片", "黑表盘")
_ZH_OPTIONS = {"胶囊": "capsule", "全自动": "automatic", "自动的": "automatic", "自动款": "automatic", "手动": "manual", "咖啡色": "brown", "米色": "beige", "米白": "beige", "粉红": "pink", "粉紅": "pink", "藏青": "navy", "玫瑰金": "rose gold", "大号": "large", "大一点": "large", "小一点": "small",
               "中号": "medium", "小号": "small", "皮": "leather", "不锈钢": "stainless steel", "玻璃": "glass",
               "塑料": "plastic", "无线": "wireless cordless", "无限的": "wireless cordless", "有线": "wired", "防水": "waterproof", "陶瓷": "ceramic",
               "枫木": "maple", "竹": "bamboo", "图案": "graphic", "纯色": "plain", "定制": "custom", "尼龙": "nylon",
               "涤纶": "polyester", "聚酯": "polyester", "法压": "french press", "滴滤": "drip", "意式": "espresso", "义式": "espresso", "浓缩": "espresso", "定时": "timer",
               "燃气": "gas", "电磁炉": "induction", "硬皮": "hard cover", "软皮": "soft cover", "深空灰": "space grey",
               "cf卡": "cf card", "sd卡": "sd card", "cf": "cf card", "sd": "sd card", "插电充": "rechargeable", "直接充电": "rechargeable", "入耳式": "in-ear", "入耳": "in-ear", "头戴式": "over-ear on-ear",
               "头戴": "over-ear on-ear", "把整个耳朵包住": "over-ear", "包住整个耳朵": "over-ear", "包住耳朵": "over-ear", "包耳": "over-ear", "over the ears": "over-ear", "over the ear": "over-ear", "over-the-ear": "over-ear", "over my ears": "over-ear", "cover my ears": "over-ear", "cover the ears": "over-ear", "贴耳式": "on-ear", "压耳式": "on-ear", "实木": "wood", "木质": "wood", "木头": "wood",
               "木制": "wood", "金属": "metal", "钢带": "metal", "钢表带": "metal", "桶式": "canister", "卧式": "canister", "插墙": "ac adapter", "墙上插座": "ac adapter", "中等大小": "medium", "中等房间": "medium", "中型房间": "medium", "小房间": "small", "小卧室": "small", "房间不大": "small", "房间不太大": "small", "屋子不大": "small", "卧室不大": "small", "卧室不太大": "small", "房间比较小": "small", "房间很小": "small", "客厅挺大": "large", "客厅很大": "large", "客厅比较大": "large", "房间挺大": "large", "房间很大": "large", "房间比较大": "large", "大房间": "large", "大客厅": "large", "高通风": "high ventilation", "通风好": "high ventilation", "通风最好": "high ventilation", "最通风": "high ventilation", "低通风": "low ventilation", "中通风": "medium ventilation", "中等通风": "medium ventilation", "指针": "analog", "with hands": "analog", "has hands": "analog", "with clock hands": "analog", "数显": "digital", "数字显示": "digital",
               "网布": "mesh", "网面": "mesh", "网眼": "mesh", "布艺": "fabric", "布面": "fabric", "硅胶": "silicone",
               "固定扶手": "fixed", "可调节扶手": "adjustable", "可调扶手": "adjustable", "无扶手": "none", "扶手能调": "adjustable", "扶手可以调": "adjustable",
               "arms can be moved": "adjustable", "arms can move": "adjustable", "arms that move": "adjustable", "adjustable arms": "adjustable",
               "move where my arms rest": "adjustable", "armrests that adjust": "adjustable", "arms that adjust": "adjustable",
               "标准靠背": "standard", "高靠背": "high-back", "高背": "high-back", "tall backrest": "high-back", "tall back": "high-back", "high backrest": "high-back", "中等亮度": "medium", "中亮度": "medium", "亮度中": "medium", "高亮度": "high", "亮度高": "high", "亮度中等": "medium", "亮度低": "low", "低亮度": "low",
               "电池供电": "battery", "充电的": "rechargeable", "充电式": "rechargeable", "充电款": "rechargeable", "能充电": "rechargeable", "可以充电": "rechargeable", "插电脑": "usb",
               "别太亮": "medium low", "不要太亮": "medium low", "不用太亮": "medium low", "不太亮": "medium low", "not too bright": "medium low", "冲电的": "rechargeable", "可充电": "rechargeable", "charge up": "rechargeable", "charges up": "rechargeable", "recharge it": "rechargeable", "干电池": "aa batteries", "电池款": "aa batteries", "用电池": "battery aa batteries", "darker skin": "dark", "darker complexion": "dark", "deeper complexion": "dark", "lighter skin": "light", "fair skin": "light", "blk": "black", "wht": "white", "装电池": "aa batteries", "插电": "ac adapter electric", "a牌": "brand a", "b牌": "brand b", "c牌": "brand c", "品牌a": "brand a", "品牌b": "brand b", "品牌c": "brand c",
               "深色": "dark", "浅色": "light", "深肤色": "dark", "深色皮肤": "dark", "浅肤色": "light", "白皙": "light", "皮肤很白": "light", "皮肤白": "light", "皮肤比较白": "light", "皮肤偏白": "light", "肤色偏白": "light", "皮肤偏黑": "dark", "皮肤比较黑": "dark", "肤色偏黑": "dark", "皮肤黑": "dark", "中等肤色": "medium", "动物": "animals", "艺术": "art", "奇幻": "fantasy", "风景": "landscape", "初级": "beginner",
               "入门": "beginner", "新手": "beginner", "简单的": "beginner", "中级": "intermediate", "专家": "expert", "夜间模式": "night mode",
               "静音": "quiet operation", "light sleeper": "quiet operation", "anything loud": "quiet operation", "not loud": "quiet operation", "actual wire": "wired", "smart bulb": "wi-fi bluetooth", "智能灯泡": "wi-fi bluetooth", "with a wire": "wired", "with a cord": "wired", "corded": "wired", "underwater": "ipx7", "wirelessly": "wireless", "swimming": "ipx7", "游泳": "ipx7",
               "sensitive to noise": "quiet operation", "noise sensitive": "quiet operation", "怕吵": "quiet operation", "最安静": "quiet operation", "安静": "quiet operation", "睡眠浅": "quiet operation", "睡觉轻": "quiet operation",
               "中型": "medium", "小型": "small", "大型": "large", "big dog": "large", "large dog": "large", "huge dog": "large", "大狗": "large", "大型犬": "large", "small dog": "small", "little dog": "small", "小型犬": "small", "中型犬": "medium",
               "有尘袋": "bagged", "不带尘袋": "bagless", "不用尘袋": "bagless", "没有尘袋": "bagless", "无需尘袋": "bagless", "带尘袋": "bagged", "烧炭": "charcoal", "炭火": "charcoal", "木质调": "woody", "木香": "woody",
               "东方调": "oriental", "东方香": "oriental", "清新调": "fresh", "女香": "women", "男香": "men",
               "相机仓": "camera", "相机隔层": "camera", "相机款": "camera", "水袋": "hydration", "电脑仓": "laptop", "放电脑": "laptop", "装电脑": "laptop", "放笔记本": "laptop", "装笔记本": "laptop", "电脑隔层": "laptop",
               "small bedroom": "small", "tiny bedroom": "small", "bedroom is tiny": "small", "bedroom is small": "small",
               "tiny room": "small", "room is tiny": "small", "活性炭": "carbon", "负离子": "ionic", "离子式": "ionic", "智能感应": "smart sensors", "智能传感器": "smart sensors", "传感器": "smart sensors", "智慧感应": "smart sensors", "山地": "mountain", "登山车": "mountain", "放相机": "camera", "装相机": "camera", "带去露营": "portable", "公路车": "road",
               "磨豆": "built-in grinder", "豆子磨": "built-in grinder", "grinds the beans": "built-in grinder", "grind the beans": "built-in grinder", "grinds beans": "built-in grinder", "grind beans": "built-in grinder", "研磨": "built-in grinder", "自动关机": "auto shutoff", "自动断电": "auto shutoff", "光学": "optical", "光电": "optical",
               "激光": "laser", "乳胶": "latex", "合成": "synthetic", "人造革": "synthetic", "网线": "ethernet", "有线网": "ethernet", "暖白": "warm white", "暖光": "warm white",
               "日光": "daylight", "白光": "daylight", "硬壳": "hardshell hard cover", "软壳": "softshell soft cover", "硬殼": "hardshell hard cover", "軟殼": "softshell soft cover", "外壳硬": "hardshell", "外殼硬": "hardshell", "专业": "professional", "基础": "basic", "基本款": "basic",
               "青轴": "clicky", "红轴": "linear", "线性": "linear", "段落": "tactile", "茶轴": "tactile", "非偏光": "non-polarized", "不偏光": "non-polarized", "不是偏光": "non-polarized", "偏光": "polarized",
               "圆领": "crew neck", "v领": "v-neck", "纯棉": "cotton", "扫地机器人": "robotic", "扫地的机器": "robotic", "扫地机": "robotic", "自己扫地": "robotic", "自动扫地": "robotic", "跑来跑去扫地": "robotic", "机器人": "robotic", "立式": "upright",
               "天然橡胶": "natural rubber", "铸铁": "iron", "撸铁": "weightlifting", "铁": "iron", "橡胶": "rubber", "聚氨酯": "urethane", "可调节": "adjustable", "可调": "adjustable", "可以调节": "adjustable", "能调节": "adjustable", "可以调": "adjustable", "能调": "adjustable",
               "固定": "fixed", "记忆棉": "memory foam", "foam": "memory foam", "抓绒": "fleece", "robot": "robotic", "pet hair": "pet hair removal", "dog hair": "pet hair removal", "cat hair": "pet hair removal",
               "pet fur": "pet hair removal", "dog fur": "pet hair removal", "宠物毛": "pet hair removal", "狗毛": "pet hair removal",
               "猫毛": "pet hair removal", "掉毛": "pet hair removal", "hepa滤网": "hepa filter", "hepa": "hepa filter", "无尘袋": "bagless", "免集尘袋": "bagless", "集尘袋": "bagged",
               "hepa过滤": "hepa filter", "谷歌助手": "google assistant", "谷歌": "google assistant",
               "苹果homekit": "apple homekit", "苹果手机": "apple homekit", "iphone": "apple homekit", "siri": "apple homekit", "wooden": "wood", "alexa": "amazon alexa", "homekit": "apple homekit", "google home": "google assistant", "清新": "fresh", "女士": "women", "女款": "women", "女生": "women", "女性": "women",
               "男士": "men", "男款": "men", "男生": "men", "男性": "men", "中性": "unisex", "木炭": "charcoal", "炭烤": "charcoal", "电烤": "electric", "电的": "electric",
               "便携": "portable", "旋转烤叉": "rotisserie", "旋转烤架": "rotisserie", "烤叉": "rotisserie", "自动倾斜": "auto tilt", "侧炉": "side burner", "全尺寸": "full size", "全键盘": "full size",
               "吸宠物": "pet hair removal", "最亮": "high", "brightest": "high",
               "全拉链": "full", "半拉链": "half", "全拉": "full", "半拉": "half", "罐式": "canister", "卧式": "canister",
               "低速": "low", "高速": "high", "通风好一点": "high or medium ventilation", "通风好点": "high or medium ventilation",
               "通风好些": "high or medium ventilation", "easiest": "beginner", "hardest": "expert", "最简单": "beginner",
               "最难": "expert"}  # ("吸宠物猫": 宠物毛 as a voice typed it)
_INCH = re.compile(r"(\d+(?:\.\d+)?)\s*(?:-\s*)?(?:inches|inch|寸|英寸|吋)", re.IGNORECASE)
# numbers as Chinese shoppers write them: "3000万像素" → 30MP, "5倍变焦" → 5x, "4杯" → 4 cups
_MEGAPIXELS = re.compile(r"(\d+)\s*万像素")
_ZOOM = re.compile(r"(\d+)\s*倍(?:变焦|光学变焦)?")
_CUPS = re.compile(r"(\d+)\s*杯")
_HOURS = re.compile(r"(\d+)\s*-?\s*(?:个)?(?:小时|hours?\b|hrs?\b)", re.IGNORECASE)  # "续航20小时" → "20 hours"
_GIGA = re.compile(r"(?<![a-z0-9.])(?![35]\s*g(?![a-z0-9]))(\d+)\s*(?:个\s*)?([gt])(?![a-z0-9])")  # (not "5G", a network;
#                                                                                               "一百二十八个G": 128GB)
_SIZED = re.compile(r"^(\d+(?:gb|tb))\s+(ssd|hdd|emmc)$")
_RANGE = re.compile(r"^(\d+)-(\d+) ([a-z]+)$")  # a range with its unit: "30-50 lbs"
_ZH_NUMBER = {"一": "1", "两": "2", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
_MAH = re.compile(r"(\d+|[一两二三四五六七八九])\s*(万|w)?\s*(?:毫安时?|mah)(?![a-z])")  # "两万毫安", "10000毫安时"
_USB = re.compile(r"(?<![a-z])(?:usb[- ]?)?type[- ]?([ac])(?![a-z])")  # "typec口的": USB-C
_CELLULAR = re.compile(r"(?:wi-?fi\s*\+\s*)?(?:(?<![a-z])cellular(?![a-z])|蜂窝(?:网络)?|插卡上网|能插卡|\bmobile data\b|\bsim card\b|流量|"
                       r"(?<![a-z0-9])(?:4g(?!b|\s*(?:的)?\s*(?:运存|运行内存|ram))|lte)(?![a-z0-9]))",  # (not "4g运存": memory)
                       re.IGNORECASE)  # (no \b: "带cellular的" has none, a Chinese character being a word character)
# a bag that holds a computer: "能装15寸电脑的", "放得下笔记本电脑", "电脑隔层" (the laptop compartment)
_HOLDS_LAPTOP = re.compile(r"(?:装|放|塞)(?:得下|下)?[^，,。；;]{0,14}?电脑|电脑(?:隔层|仓|格)")
_POUNDS = re.compile(r"(\d+)\s*(?:到|至|-|~|～|to)\s*(\d+)\s*(?:磅|lbs?\b|pounds?\b)", re.IGNORECASE)
_PIECES = re.compile(r"(\d+)\s*件套")  # "三件套" → "3-piece"
_MM = re.compile(r"(\d+(?:\.\d+)?)\s*(?:毫米|mm)(?![a-z])", re.IGNORECASE)  # "6毫米" → "6mm"
# a number in Chinese before a unit the catalogue counts in: "六毫米", "十三寸", "一杯份的", "二十小时", "五十五到七十五磅"
_ZH_COUNT = re.compile(r"(?<![一两二三四五六七八九十百千零点])([一两二三四五六七八九十百千零]{1,7})(?=\s*(?:毫米|毫升|(?<=[百千])片|寸|英寸|吋|个?小时|升|倍|万像素|英尺|杯(?:份|量|装|的)|件套|(?<![大小]一)码|磅|巴|个?\s*[Gg](?:[Bb]|(?![a-zA-Z]))|(?:到|至)[一两二三四五六七八九十百千零]{1,7}\s*磅))")


# a decimal in Chinese before a unit: "一点五升" (1.5 l), "六点五寸"
_ZH_DECIMAL = re.compile(r"(?<![一两二三四五六七八九十百千零])([一两二三四五六七八九十])点([一二三四五六七八九])(?=\s*(?:升|寸|英寸|吋|英尺|毫米))")


def _zh_count(m: re.Match) -> str:
    """一 … 九千九百九十九 as digits ("十三寸": 13, "五百毫升": 500, "七百五十毫升": 750); digits alone as written ("一二")."""
    if not any(unit in m[1] for unit in "十百千"):
        return "".join(_ZH_NUMBER.get(c, "0") for c in m[1])
    total, digit = 0, 0
    for c in m[1]:
        if c in _ZH_UNITS:
            total, digit = total + (digit or 1) * _ZH_UNITS[c], 0
        else:
            digit = int(_ZH_NUMBER.get(c, "0"))
    return str(total + digit)


_ZH_UNITS = {"十": 10, "百": 100, "千": 1000}


_FEET = re.compile(r"(\d+(?:\.\d+)?)\s*(?:英尺|尺|feet|foot|-?footers?|ft)(?![a-z])", re.IGNORECASE)  # "5英尺" → "5 ft"
_BAR = re.compile(r"(\d+)\s*巴")  # "十九巴", "19巴" → "19 bar"
_LITRE = re.compile(r"(\d+(?:\.\d+)?)\s*(?:升|litres?|liters?)", re.IGNORECASE)  # "1升" → "1l"
_ML = re.compile(r"(\d+)\s*(?:毫升|ml\b|cc\b)", re.IGNORECASE)  # "1000毫升" → "1000ml"
# an option spoken ill of, after its word: "Glass ones make me nervous with the grandkids around", "my friend says PVC
# gets slippery", "leather feels too sticky in summer"
_MAKES_UNEASY = r"(?: [a-z]+s)? (?:make|makes|made|scares?|worr(?:y|ies)|freaks?) (?:me|her|him|us)"
_FEELS_BAD = r"(?: ones?)? (?:gets?|got|is|are|feels?|looks?) (?:too |really |so |very |kinda |super |a bit |a little |pretty )?" \
             r"(?:slippery|sweaty|sticky|itchy|scratchy|smelly|flimsy|fragile|noisy|loud|dull|boring|ugly|much (?:of a )?(?:hassle|work|trouble|" \
             r"effort)|an? (?:hassle|pain|chore))"  # ("gas is too much hassle")
_BREAKS = r"(?:(?: ones?)? (?:crack|break|leak|rust|fade|tear|peel|split)s?| ones? (?:dig|pinch|rub|squeak|hurt|stop)s?)"
# ("heard vinyl ones crack in the sun", "fixed ones dig into my elbows", "the standard ones stop around my shoulder blades")
# what the shopper does not want: "not the 13-inch", "instead of white", "不是白色的"
# words after a choice that let it go ("clicky的就算了", "不防水的别推")
_LET_GO = r"算了|不要了|不考虑了?|别推荐?了?|别要了?"
_NEGATED = re.compile(r"[^.;!?。；！？]*\bavoid (?:that|it|them|those)(?=\s*(?:[.!?。！？]|$))|"  # ("he chews fleece to pieces, so I'd rather avoid that")
                      r"\b(?:no|nothing)\s+(?!(?:more|bigger|larger|smaller|longer|heavier|higher|less|fewer|over|under|above|below|else|too|much|but|except)\b)[^\s,.;!?，。；！？]+|"  # ("no armrests standard back": standard wanted)
                      r"\b(?:not(?! just| only| merely)|(?:something|anything) (?:that|which) (?:is|are)n'?t|without|avoid(?:ing)?|allergic to|can'?t stand|cannot stand|hates?|dislikes?|(?:doesn|don|didn)'?t (?:like|want|need)|no need for|instead of|rather than|any(?:thing| colou?rs?| sizes?)? (?:but|except)(?: for)?)\b(?: the| a| an)?\s+[^,.;!?，。；！？]*?(?=$|[,.;!?，。；！？]|\b(?:but|so|has to|have to|must|vs|versus)\b)"
                      r"|(?:不是|不要|不想[用要]|不(?:太|怎么|大)?喜欢|讨厌|受不了|别是|别要|别(?![的人太那这])(?=[^\s,，。；！？]{1,8}的)|而不是|(?<!有)没有(?!的话)|(?<!有)没(?=\s?[a-z]|燃气|煤气|灶|炉))\s?[^,.;!?，。；！？要换…\s()]*"
                      r"|(?:[a-z][a-z0-9-]*(?: [a-z0-9-]+)?|(?<![不没无非])(?![不没无非])[\u4e00-\u9fff]{2,6})的?(?:[啊吧呀呢][\s，,]*)?就?"
                      rf"(?:{_LET_GO}|不要(?=\s|$|[，,。.;；!！?？]))"
                      rf"|\b[a-z][a-z0-9-]*{_MAKES_UNEASY}\b|\b[a-z][a-z0-9-]*{_FEELS_BAD}\b|\b[a-z][a-z0-9-]*{_BREAKS}\b"
                      r"|对\s?[a-z\u4e00-\u9fff]{1,8}?\s?过敏"  # ("I'm allergic to PVC", "对乳胶过敏")
                      r"|[\u4e00-\u9fff]{2,4}的(?=(?:戴|穿|用|坐|躺)(?:久了|时间长了?)[^，,。.;；!！?？]{0,6}(?:疼|痛|不舒服|难受|累))",
                      re.IGNORECASE)  # ("入耳的戴久了耳朵疼": not in-ear; "没wifi", "不要 professional 的", "clicky的就算了", "clicky的不要 …", "扫地机器人就算了"; "no free wall socket
#                    so it has to run off USB": USB wanted; "别塑料的" is no plastic, "别的也OK" anything else)


_EN_ONES = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen " \
    "eighteen nineteen".split()
_EN_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
# a count in English words before a unit of an option ("fourteen inches", "twenty-five feet", "eight hours")
_EN_COUNT = re.compile(rf"\b(?:(?:(a|{'|'.join(_EN_ONES[:9])})[\s-])?(hundred)|({'|'.join(_EN_TENS)})(?:[\s-]({'|'.join(_EN_ONES[:9])}))?|"
                       rf"({'|'.join(_EN_ONES)}))"
                       r"(?=[\s-]*(?:inch|inches|mm|millimet\w*|ft|feet|foot|hours?|hrs?|cups?|pieces?|gb|ml|liters?|litres?|bar)\b)"
                       rf"|(?<=\bsize )({'|'.join(_EN_ONES)})\b")  # ("size eleven")


def _en_count(m: re.Match) -> str:
    if m[2]:  # "a hundred", "hundred", "two hundred"
        return str(100 * (_EN_ONES.index(m[1]) + 1 if m[1] and m[1] != "a" else 1))
    if m[6]:  # "size eleven"
        return str(_EN_ONES.index(m[6]) + 1)
    return str(10 * (_EN_TENS.index(m[3]) + 2) + (_EN_ONES.index(m[4]) + 1 if m[4] else 0) if m[3] else _EN_ONES.index(m[5]) + 1)


_WHICH_DESIGN = re.compile(r"(?:什么|啥|哪种|哪个|哪款)(?:样的)?图案")


_NO_WIRE = re.compile(r"\bwithout (?:a |the |any )?(?:wires?|cords?|cables?)\b|\bno (?:wires?|cords?|cables?)\b")


# what is not wanted is what is not X: X ("一定要防水的啊 不防水的不要")
_NOT_NOT = re.compile(rf"[不没无非]([\u4e00-\u9fff]{{1,4}}?)的?(?:[啊吧呀呢])?就?(?:{_LET_GO}|不要)(?=\s|$|[，,。.;；!！?？])")


# a race's distance, not a camera's resolution ("starting to run 5k", "training for a 10K race")
_DISTANCE = re.compile(r"\b(?:run(?:s|ning)?|ran|jog(?:s|ging)?|rac(?:e|es|ing)|walk(?:s|ing)?|train(?:s|ing)? for)\s+(?:a\s+|the\s+|my\s+"
                       r"(?:first\s+)?)?\d{1,3}\s?k\b|\b\d{1,3}\s?k\s+(?:runs?|races?|jogs?|walks?|fun run)\b|\bcouch to \d+\s?k\b|"
                       r"\b\d{1,2}\s?%\s?(?:off|discount|cheaper|折扣|优惠)", re.IGNORECASE)  # (nor "80% off": a discount, no size)


@lru_cache(maxsize=None)  # (the option words' own: compiled once)
def _whole_word(word: str) -> re.Pattern:
    return re.compile(rf"(?<![a-z]){re.escape(word)}(?![a-z])")


# two values, either one fine ("有线无线都行", "wired or wireless is fine"): no choice of that option
_EITHER_FINE = re.compile(r"[^\s，,。；;！!？?]{1,5}?(?:还是|或者?|和|跟|、|/)?[^\s，,。；;！!？?]{1,5}?(?:都行|都可以|都ok|都好|都没问题|都无所谓)|"
                          r"\b[\w-]+ or [\w-]+,? (?:either (?:is|works)|(?:is|are) (?:fine|ok|okay)|doesn'?t matter|whatever)\b",
                          re.IGNORECASE)


@lru_cache(maxsize=1024)  # (asked of the same message by many readers of one turn)
def option_words(text: str) -> str:
    """The shopper's words as the catalogue writes options: lower case, inches as '17-inch', Chinese
    colours and sizes in English, negated choices left out."""
    text = _DISTANCE.sub(" ", unicodedata.normalize("NFKC", text).lower())  # ("starting to run 5k": no resolution)
    text = _NO_WIRE.sub(" wireless ", text)  # ("the one without a wire")
    text = _NOT_NOT.sub(r" \1的 ", text)  # ("不防水的不要", "不防水的别推": the waterproof ones)
    text = _EITHER_FINE.sub(" ", text)  # ("有线无线都行": neither is asked)
    negated: list[str] = []
    text = _NEGATED.sub(lambda m: negated.append(m[0]) or " ", text)  # (full-width "１５００片": 1500)
    for word in {w for fragment in negated for w in _ZH_OPTIONS if len(w) > 1 and not w.isascii() and w in fragment}:
        text = text.replace(word, " ")  # (said again once refused: "不要塑料的，塑料的有味道")
    text = _ZH_DECIMAL.sub(lambda m: f"{'10' if m[1] == '十' else _ZH_NUMBER[m[1]]}.{_ZH_NUMBER[m[2]]}", text)
    text = _ZH_COUNT.sub(_zh_count, text)
    text = _EN_COUNT.sub(_en_count, text)  # ("like fourteen inches": 14-inch)
    text = _INCH.sub(lambda m: f" {m[1]}-inch ", text)
    text = _MM.sub(lambda m: f" {m[1]}mm ", text)
    text = _PIECES.sub(lambda m: f" {m[1]}-piece ", text)
    text = _ML.sub(lambda m: f" {m[1]}ml ", text)
    text = _LITRE.sub(lambda m: f" {m[1]}l ", text)
    text = _FEET.sub(lambda m: f" {m[1]} ft ", text)
    text = _BAR.sub(lambda m: f" {m[1]} bar ", text)
    text = _POUNDS.sub(lambda m: f" {m[1]}-{m[2]} lbs ", text)  # ("30到50磅": 30-50 lbs)
    text = _HOURS.sub(lambda m: f" {m[1]} hours ", text)
    text = _MEGAPIXELS.sub(lambda m: f" {int(m[1]) // 100}mp ", text)
    text = _ZOOM.sub(lambda m: f" {m[1]}x ", text)
    text = _CUPS.sub(lambda m: f" {m[1]} {'cup' if m[1] == '1' else 'cups'} ", text)
    text = _MAH.sub(lambda m: f" {int(_ZH_NUMBER.get(m[1], m[1])) * (10000 if m[2] else 1)}mah ", text)
    text = _USB.sub(lambda m: f" usb-{m[1]} ", text)
    text = _CELLULAR.sub(" wi-fi + cellular ", text)
    text = _GIGA.sub(lambda m: f" {m[1]}{m[2]}b ", text)  # ("32G", "1T": 32GB, 1TB)
    text = _HOLDS_LAPTOP.sub(" laptop ", text)
    text = _WHICH_DESIGN.sub(" design ", text)  # ("贵的那个是什么图案": which design, no graphic one)
    # longest first: 玫瑰金 before a colour of one character
    for zh in sorted(_ZH_OPTIONS, key=len, reverse=True):
        if zh.isascii():  # an English word for an option: whole words, not one already written in full
            if not _whole_word(_ZH_OPTIONS[zh]).search(text):
                text = _whole_word(zh).sub(f" {_ZH_OPTIONS[zh]} ", text)
        elif zh in text:
            text = text.replace(zh, f" {_ZH_OPTIONS[zh]} ")
    text = _ZH_COLOUR.sub(lambda m: f" {ZH_COLOURS[m[1]]} ", text)
    return _GREY.sub("grey gray", text)  # (the catalogue spells it both ways: a gray chair, a grey backpack)


_GREY = re.compile(r"(?<![a-z-])(?<!space )gr[ae]y(?![a-z])")
_NEGATION_WORDS = re.compile(r"^对|过敏$|^(?:nothing|not|no|(?:something|anything) (?:that|which) (?:is|are)n'?t|without|avoid(?:ing)?|allergic to|can'?t stand|cannot stand|hates?|dislikes?|(?:doesn|don|didn)'?t (?:like|want|need)|no need for|instead of|rather than|any(?:thing| colou?rs?| sizes?)? (?:but|except)(?: for)?|"
                             r"不是|不要|不想[用要]|不喜欢|讨厌|受不了|别是|别要|别|而不是|没有|没)\s*(?:the |a |an )?|"
                             rf"的?就?(?:{_LET_GO})$|\bavoid (?:that|it|them|those)$|"
                             rf"{_MAKES_UNEASY}$|{_FEELS_BAD}$|{_BREAKS}$", re.IGNORECASE)


@lru_cache(maxsize=256)
def owner_of_options(text: str) -> str | None:
    """The one product whose own option values the words name, where they name no product ("anything that
    works with Apple HomeKit?": the Smart Thermostat; "入耳无线黑色 跟 头戴无线黑色": the Headphones). A value
    several products have ("black", "wireless") names none; of two, the one more of whose values are named
    (not the cordless vacuum of "无线")."""
    return _owner(text, 1)


def owner_of_several_options(text: str) -> str | None:
    """The one product whose own values of two or more of its options the words name: "obsessed with animals …
    the easiest level" (the Jigsaw Puzzle's theme and difficulty), stronger than a use a word shares ("cats": a pet
    bed); not "dark … light", two values of one option (a makeup kit's skin tone)."""
    return _owner(text, 2)


def _owner(text: str, least: int) -> str | None:
    """The product the most of whose own values the words name (counted by option where `least` > 1)."""
    wished = without_attributes(text)  # ("how long does the battery last …": a question, not a battery-powered one)
    def own(value: str) -> bool:  # a value no other product has
        return len(_value_owners().get(value, ())) == 1 and value not in ("yes", "no", "none")
    counts = sorted(((sum(any(own(v) for v in values) if least > 1 else sum(own(v) for v in values)
                          for values in named_options(list(variants), wished).values()), name)
                     for name, variants in catalogue_variants().items()), reverse=True)
    return counts[0][1] if counts[0][0] >= least and counts[0][0] > counts[1][0] else None


@lru_cache(maxsize=1)
def _value_owners() -> dict[str, frozenset[str]]:
    """Each option value (as option_value writes it) and the products that have it."""
    owners: dict[str, set[str]] = {}
    for name, variants in catalogue_variants().items():
        for variant in variants:
            for value in variant["options"].values():
                owners.setdefault(option_value(value), set()).add(name)
    return {value: frozenset(names) for value, names in owners.items()}


def _not_wanted_words(text: str) -> str:
    """The words the message says it does not want, the negations taken off ("不要USB的了": "usb的了")."""
    return " ".join(_NEGATION_WORDS.sub("", m[0].strip()) for m in _NEGATED.finditer(unicodedata.normalize("NFKC", text).lower()))


def unwanted_options(variants: list[dict], text: str) -> dict[str, set[str]]:
    """{option: values} the shopper does not want: "水杯别是玻璃的" (not glass), "clicky的就算了"."""
    said = _not_wanted_words(text)
    return named_options(variants, said) if said.strip() else {}


def given_up(variants: list[dict], text: str) -> dict[str, set[str]]:
    """{option: values} the shopper says they do not want, written as the catalogue writes them ("不要USB的了": USB;
    not "不要medium了", a size M or a medium ventilation; not "not water resistant", which wants the ones without)."""
    said = _not_wanted_words(text)
    if not said.strip():
        return {}
    written = option_words(said)
    found = {k: {x for x in xs if re.search(rf"(?<![a-z0-9]){re.escape(x)}(?![a-z0-9])", written)}
             for k, xs in named_options(variants, said).items() if not xs <= {"yes", "no"}}
    return {k: xs for k, xs in found.items() if xs}


def without_negated(text: str) -> str:
    """The message less what it says it does not want ("算了不要USB的了，亮度高的那个呢": "亮度高的那个呢")."""
    return _NEGATED.sub(" ", _NOT_NOT.sub(r" \1的 ", unicodedata.normalize("NFKC", text).lower()))


def without_unwanted(variants: list[dict], text: str) -> list[dict]:
    """The variants with none of the values the shopper does not want (all of them when none would be left)."""
    unwanted = unwanted_options(variants, text)
    return ([v for v in variants if not fits(v, unwanted)] or variants) if unwanted else variants


def option_value(value: object) -> str:
    """An option value as option_words() writes the shopper's words ("28 inch" → "28-inch", "1.5 liters" → "1.5l")."""
    return _LITRE.sub(lambda m: f"{m[1]}l", _INCH.sub(lambda m: f"{m[1]}-inch", str(value).lower()))


def colours_not_made(variants: list[dict], text: str) -> list[str]:
    """The colours the shopper names that the product is made in none of ("the red backpack": red), where it
    has colours at all; not a colour inside another value ("space grey", "warm white")."""
    if not any("colo" in k.lower() for v in variants for k in v["options"]):
        return []
    values = " ".join(option_value(x) for v in variants for x in v["options"].values())
    named = dict.fromkeys(m[0] for m in _COLOUR_WORD.finditer(option_words(text)))
    return [c for c in named if not re.search(rf"(?<![a-z]){c}(?![a-z])", values)
            and not (c in ("grey", "gray") and re.search(r"(?<![a-z])gr[ae]y(?![a-z])", values))]


def numbers_not_made(variants: list[dict], text: str) -> dict[str, list[str]]:
    """Numbers the shopper names in a unit the product's options count in, that none of its values has ("hiking
    boots in size 13", "3000片的拼图", "a 2TB laptop", "3升的电水壶"): {as the shopper wrote it: the options
    counted in that unit}."""
    have: dict[str, set[float]] = {}  # unit → the numbers the product's values have in it
    keys: dict[str, dict[str, None]] = {}  # unit → the options counted in it, in order ("ram", "storage")
    for v in variants:
        for key, value in v["options"].items():
            if (m := _NUMBER_UNIT.fullmatch(option_value(value))):
                unit = _unit_of(m[2]) or (key.lower() if key.lower() in ("size", "pieces") else "")
                if unit:
                    have.setdefault(unit, set()).add(float(m[1]))
                    keys.setdefault(unit, {})[key] = None
    words, out = option_words(text), {}
    for unit, numbers in have.items():
        said = _SAID_IN[unit] if unit in _SAID_IN else rf"(?<![\d.])(\d+(?:\.\d+)?)\s*-?\s*{re.escape(unit)}s?(?![a-z])()"
        out |= {_as_written(m, unit): list(keys[unit]) for m in re.finditer(said, words) if float(m[1] or m[2]) not in numbers
                and not (unit == "size" and float(m[1] or m[2]) >= 30)  # (a European size: "44码", then "美码10")
                and not (unit == "gb" and _NETWORK.search(text))}  # ("支持5G吗": the network)
    letters = {option_value(v["options"][k]) for v in variants for k in v["options"] if k.lower() == "size"}
    if letters and all(re.fullmatch(r"x*[sml]|x+l|\dxl", x) for x in letters):  # ("I'm a XXL usually": no XXL made)
        out |= {f"size {size.upper()}": ["size"] for m in _LETTER_SIZE.finditer(text.lower()) if (size := m[1] or m[2]) not in letters}
    return out


# a letter size said as one's own or asked ("size XXL", "I'm a XXL", "穿XXL码")
_LETTER_SIZE = re.compile(r"(?:\bsize\s*|\b(?:i'?m|i am|i wear|(?:he|she) wears|(?:he|she)'?s) an?\s*|穿)"
                          r"(xxs|xs|s|m|l|xl|xxl|xxxl|2xl|3xl)(?![a-z])|(?<![a-z])(xxs|xs|xl|xxl|xxxl|2xl|3xl)(?=\s*码)")


def _as_written(m: re.Match, unit: str) -> str:
    """A number not made, as the answer says it: as written, or "size 9" for "I'm a 9"."""
    written = m[0].strip()
    return f"size {m[1] or m[2]}" if unit == "size" and re.match(r"(?:i|he|she)\b", written, re.IGNORECASE) else written


_NETWORK = re.compile(r"(?<![\d.])[2-6]\s*g(?![a-z])", re.IGNORECASE)


_NUMBER_UNIT = re.compile(r"(\d+(?:\.\d+)?)\s*-?\s*([a-z ]*)")
_SAID_IN = {"size": r"(?:\bsize|\bus|\beu|\b(?:i'?m|i am|i wear|(?:he|she) wears|(?:he|she)'?s) an?)\s*(\d+(?:\.\d+)?)(?![\d.])"
                    r"(?!\s*-?\s*(?:years?|yrs?|yo|y/o|months?)\b)|"  # (not "she's a 9 year old")
                    r"(?<![\d.])(\d+(?:\.\d+)?)\s*码",  # ("I'm a 9": a shoe size)
            "pieces": r"(?<![\d.])(\d+)\s*-?\s*(?:pieces?|pcs?|片)(?![a-z])()"}


def _unit_of(written: str) -> str:
    """The unit word of a value's number ("tb ssd" → "tb", "cups" → "cup", "w equivalent" → "w"), none for "k"
    (a resolution, or money)."""
    word = written.strip().split(" ")[0] if written.strip() else ""
    word = {"inches": "inch", "cups": "cup", "hours": "hour", "degrees": "degree", "lbs": "lbs", "liters": "liter",
            "liter": "liter"}.get(word, word)
    return "" if word in ("k", "") or "-" in word else word


_COLOUR_WORD = re.compile(r"(?<![a-z-])(?:black|white|red|blue|green|grey|gray|silver|gold|pink|purple|yellow|brown|navy|"
                          r"beige|orange|teal|maroon|burgundy|khaki|turquoise)(?![a-z-])")


# whom a gift is for, where the product is made for men or women ("想给男朋友买个perfume", "for my wife", "my husband's
# birthday … get him a perfume"); no option word of its own: said of any product, it would narrow a need to the
# products that have a gender
_FOR_HIM = re.compile(r"(?:\b(?:for|get|buy|gift|give) (?:my |our |the )?|\bmy |给(?:我)?|送(?:给)?(?:我)?)(?:boyfriend|bf|husband|hubby|dad|father|son|brother|grandpa|"
                      r"grandfather|him\b|男朋友|男友|老公|爸|父亲|儿子|哥|弟|爷爷|外公|他)", re.IGNORECASE)
_FOR_HER = re.compile(r"(?:\b(?:for|get|buy|gift|give) (?:my |our |the )?|\bmy |给(?:我)?|送(?:给)?(?:我)?)(?:girlfriend|gf|wife|wifey|mom|mum|mother|daughter|sister|"
                      r"grandma|grandmother|her\b|女朋友|女友|老婆|妈|母亲|女儿|姐|妹|闺蜜|奶奶|外婆|她)", re.IGNORECASE)


def for_whom(variants: list[dict], text: str) -> str:
    """The gender option's value a gift fits, for a product that has one and a message that names none ("men" for a
    boyfriend), where one is made with that and what the message names; "" otherwise (what is named weighs more:
    "给女朋友买香水 她喜欢清新的", and the fresh ones are men's)."""
    if not any("gender" in v["options"] for v in variants) or named_options(variants, text).get("gender"):
        return ""
    him, her = _FOR_HIM.search(text), _FOR_HER.search(text)
    value = "men" if him and not her else "women" if her and not him else ""
    wanted = named_options(variants, f"{text} {value}") if value else {}
    return value if any(fits(v, wanted) == len(wanted) for v in variants) else ""


@lru_cache(maxsize=None)  # (one per option value: compiled once, not again each message past re's own cache)
def _value_pattern(value: str) -> re.Pattern:
    """How an option value is named in words ("size 11." too; "a 'clicky' one")."""
    written = re.escape(value).replace("\\-", "[- ]?").replace("\\ ", "[\\s-]*")  # "in ear", "wifi+cellular", "4-cup"
    if len(value) > 4 and value.endswith("s") and not value.endswith("ss"):
        written += "?"  # one or many: "the animal one", "10 hour battery", "1.5 liter"
    if (sized := _SIZED.match(value)):  # "1TB" names "1TB SSD"
        written = rf"{re.escape(sized[1])}(?:\s*{re.escape(sized[2])})?"
    elif (ft := re.fullmatch(r"(\d+)\s*ft", value)):  # "100 ft" names "100ft", "6ft" names "6 ft"
        written = rf"{ft[1]}\s*ft"
    elif (ml := re.fullmatch(r"(\d+)ml", value)) and int(ml[1]) >= 1000:  # "1l", "一升" name "1000ml"
        written = rf"(?:{value}|{int(ml[1]) / 1000:g}l)"
    elif (ranged := _RANGE.match(value)):  # "30-50" or "30 to 50" names "30-50 lbs"
        written = rf"{ranged[1]}\s*(?:-|to|~)\s*{ranged[2]}(?:\s*{re.escape(ranged[3])}?)?"
    return re.compile(rf"(?<![a-z0-9.])(?<![a-z0-9]'){written}(?![a-z0-9]|\.\d)")


def named_options(variants: list[dict], text: str) -> dict[str, set[str]]:
    """{option: the values of it the text names} over these variants' options. A yes/no option is named
    by the attribute it stands for ("要waterproof的": waterproof yes), unless the text negates it."""
    text = _NOT_NOT.sub(r" \1的 ", text)  # ("不防水的不要", "不防水的别推": the waterproof ones)
    words, found, spans = option_words(text), {}, {}
    negated = {key for m in _NOT_ATTRIBUTE.finditer(text) for a in asked_attributes(m[0]) for key in a.keys}
    wanted = {key for a in asked_attributes(_NOT_ATTRIBUTE.sub(" ", text)) for key in a.keys} - negated
    for variant in variants:
        for key, value in variant["options"].items():
            value = option_value(value)
            if (m := _value_pattern(value).search(words)):
                found.setdefault(key, set()).add(value)
                spans[key, value] = m.span()
            elif value == "yes" and key.lower() in wanted or value == "no" and key.lower() in negated \
                    or value == "none" and re.search(rf"(?:\b(?:no|without)\s+|(?:没有|不带|无)\s*)(?:any\s+)?(?:extra\s+|special\s+|additional\s+)?{re.escape(key.lower())}",
                                              _ZH_NONE.sub(lambda m: f" no {_ZH_NONE_OF[m[1]]} ", text.lower())) \
                    or value == "none" and _without_any(variants, key, text) \
                    or value == "none" and key.lower() == "features" and _NO_EXTRAS.search(text):
                found.setdefault(key, set()).add(value)  # ("the one without water resistance": "no"; "no armrests")
    graded = {key for a in asked_attributes(_NOT_ATTRIBUTE.sub(" ", text)) for key in a.keys if not _asked_of_it(a, text)}
    for key in {k for v in variants for k in v["options"] if k.lower() in graded | negated} - set(found):
        # an attribute with grades and a value for none of it ("要防水的" earbuds: IPX4 or IPX7, not "not resistant";
        # not "is that one waterproof?", asked of the one shown)
        values = {option_value(v["options"][key]) for v in variants if key in v["options"]}
        if (none := {x for x in values if _NONE_VALUE.match(x)}) and not values & {"yes", "no"}:
            found[key] = none if key.lower() in negated else values - none
    _by_end_word(variants, words, found, spans)  # ("stainless 2L induction vs glass": the stainless steel one)
    _by_option_name(variants, words, found)  # ("black frame with brown lenses": frame color black, lens color brown)
    _sizes_in_words(variants, words, found)  # ("the blue bike helmet in medium": size M, not medium ventilation)
    for key in having(text):  # ("有背光最好", "with a backlight"): any of its values but none
        if (some := {option_value(v["options"][k]) for v in variants for k in v["options"] if k.lower() == key} - {"none"}):
            found[next(k for v in variants for k in v["options"] if k.lower() == key)] = some
    # a value inside a longer one the words name is not named itself ("wi-fi" of "wi-fi + cellular")
    for (key, value), (start, end) in spans.items():
        if any(k == key and v != value and s <= start and end <= e and e - s > end - start
               for (k, v), (s, e) in spans.items()):
            found[key].discard(value)
    return found


def _asked_of_it(attribute, text: str) -> bool:
    """The attribute asked of one already there ("is that one waterproof", "这个防水吗"), not wished for."""
    return any(re.match(r"\s*(?:[?？]|吗|么|嘛)", text[m.end():]) or _OF_IT.search(text[:m.start()])
               for m in attribute.words.finditer(text))


_OF_IT = re.compile(r"\b(?:is|are)\s+(?:it|that|this|they|those|these)(?:\s+(?:one|ones|pair))?\s+(?:\w+\s+)?$", re.IGNORECASE)
_NONE_VALUE = re.compile(r"^(?:no|none|not \w+|non-?\w+)$")  # (an option's value for none of it: "not resistant")


def _without_any(variants: list[dict], key: str, text: str) -> bool:
    """The text wants none of an option by naming one of its values ("the gas one without the side burner")."""
    values = {option_value(v["options"][key]) for v in variants if key in v["options"]} - {"none"}
    return bool(values) and bool(re.search(rf"\b(?:no|without)\s+(?:the\s+|a\s+|an\s+)?(?:{'|'.join(map(re.escape, values))})\b",
                                           text.lower()))


# ("not much desk space", "sneezing all night"; a company is no option: "amazon上便宜30块" is a price elsewhere,
# not Amazon Alexa: "alexa", "homekit", "google home" name those, and the company's own version does: "Google 版")
_NOT_BY_FIRST = {"space", "night", "amazon", "apple", "google"}
_VERSION = r"\s*(?:版|款|的|version|one|model|compatible|兼容)"


def _by_option_name(variants: list[dict], words: str, found: dict) -> None:
    """A value two options share ("black" of the frame colour and of the lens colour), told by the option's own
    word just after it ("the black frame with brown polarized lenses": frame color black, lens color brown);
    left to both where no such word follows."""
    own = {key: w for key in {k for v in variants for k in v["options"]}
           if (w := next((x for x in key.lower().split() if x not in _GENERIC_OPTION_WORDS), None)) and " " in key}
    for value in {x for key in found for x in found[key] if key in own}:
        keys = [k for k in own if value in found.get(k, ())]
        if len(keys) < 2:
            continue
        said = set()
        for m in re.finditer(rf"(?<![a-z0-9]){re.escape(value)}(?![a-z0-9])((?:\s+[a-z-]+){{1,3}})", words):
            said |= {k for k in keys if re.search(rf"\b{re.escape(own[k])}", m[1])}
        for key in keys if said else ():
            if key not in said:
                found[key].discard(value)
                if not found[key]:
                    del found[key]


_GENERIC_OPTION_WORDS = {"color", "colour", "type", "material", "size", "style"}


def _by_end_word(variants: list[dict], words: str, found: dict, spans: dict) -> None:
    """A value of several words named by its first or its last where no other value of that option starts
    or ends with it ("stainless" for stainless steel, "memory" for memory foam, "quiet" for quiet operation,
    "the one with the grinder" for built-in grinder), unless the word is part of a value already named."""
    values: dict[tuple[str, str], set[str]] = {}
    for variant in variants:
        for key, value in variant["options"].items():
            value = option_value(value)
            # (not the last word of a value for none of it: "water resistant" is no "not resistant")
            for word in ({value.split(" ")[0], value.split(" ")[-1]} - ({value.split(" ")[-1]} if _NONE_VALUE.match(value) else set())
                         if " " in value else ()):
                if word.isalpha() and len(word) >= 5:
                    values.setdefault((key, word), set()).add(value)
    for (key, word), named in values.items():
        if len(named) == 1 and not (named & found.get(key, set())) \
                and (m := re.search(rf"(?<![a-z-]){word}(?![a-z-]){_VERSION if word in _NOT_BY_FIRST else ''}", words)) \
                and not any(s <= m.start() < e for s, e in spans.values()):
            found.setdefault(key, set()).update(named)
            spans[key, next(iter(named))] = m.span()


# an attribute the shopper does not want: "without water resistance", "not waterproof", "不防水的"
_NOT_ATTRIBUTE = re.compile(r"\b(?:not|non|without|no need for|no|isn'?t|aren'?t)\b[- ]?(?:[a-z]+[- ]){0,1}[a-z]+|"
                            r"(?<!防)不(?:要|用|需要|带)?(?:防水|无线)|(?<!防)不防水?|(?<!有)没有?防水", re.IGNORECASE)


# an option the shopper wants none of, in Chinese: "不要背光" (backlight: none), "没有扶手的"
_ZH_NONE = re.compile(r"(?:不要|不带|(?<!有)没有?|(?<!有)无|不需要)(背光|灯光|扶手)")  # (not "有没有扶手": asked)
_ZH_NONE_OF = {"背光": "backlight", "灯光": "backlight", "扶手": "armrest"}
_NO_EXTRAS = re.compile(r"\b(?:no|without(?: any)?) (?:extras|frills|add-?ons|bells and whistles)\b|"
                        r"什么功能都不要|不要(?:额外|多余的?)功能|(?:什么|啥)都不带|(?:什么|啥)都没有的|不带任何", re.IGNORECASE)
_NONE_OF = re.compile(r"\b(?:no|without)\s+(?:extra\s+|special\s+|additional\s+)?(?:backlight|backlit|armrests?)\b", re.IGNORECASE)


def wants_none(text: str) -> bool:
    """An option whose value the shopper wants none of: "不带背光的", "without armrests"."""
    return bool(_ZH_NONE.search(text) or _NONE_OF.search(text))


_SIZE_LETTERS = {"extra small": "xs", "extra large": "xl", "x-large": "xl", "small": "s", "medium": "m", "large": "l"}


# the size of something else than the thing bought ("I run a small print shop", "a large order")
_NOT_A_SIZE = re.compile(r"\b(?:small|medium|large)(?:[- ]\w+)?\s+(?:shop|business|store|company|office|team|budget|apartment|"
                         r"flat|town|order|orders|batch|quantity|quantities|amount)\b", re.IGNORECASE)


def _sizes_in_words(variants: list[dict], words: str, found: dict[str, set[str]]) -> None:
    """"small", "medium", "large", "extra large" name the size where sizes are written in letters (S, M, L, XL), unless the
    words put them with another option's name ("medium ventilation")."""
    size = next((k for v in variants for k in v["options"] if k.lower() == "size"
                 and option_value(v["options"][k]) in ("xs", "s", "m", "l", "xl", "xxl")), None)
    if size is None:
        return
    words = _NOT_A_SIZE.sub(" ", words)
    for word, letter in _SIZE_LETTERS.items():
        others = [k for k in found if k != size and word in found[k]]
        if _whole_word(word).search(words) and not any(
                re.search(rf"{word}\s+{re.escape(k.lower())}", words) for k in others):
            found.setdefault(size, set()).add(letter)
            words = _whole_word(word).sub(" ", words)  # ("extra large" is no large too)
            for k in others:
                found[k].discard(word)
                if not found[k]:
                    del found[k]


_ZH_SOME = re.compile(r"(?<![没不无])(?:有|带)(背光|灯光|扶手)")
_HAS_SOME = re.compile(r"\b(?:with|has|have|having) (?:a |an )?(backlight|armrest)s?\b|\bbacklit\b", re.IGNORECASE)


def having(text: str) -> set[str]:
    """The options wanted to be there, whichever value ("有背光", "with armrests")."""
    return {_ZH_NONE_OF[m[1]] for m in _ZH_SOME.finditer(text)} | {
        (m[1] or "backlight").lower() for m in _HAS_SOME.finditer(text)}


def fits(variant: dict, named: dict[str, set[str]]) -> int:
    """How many of the named options this variant has one of the named values of."""
    return sum(option_value(variant["options"].get(k, "")) in values for k, values in named.items())


# what follows these names the variant wanted: "黑色M码那个改成黑色L码" wants black L, not M
CHANGE_TO = re.compile(r"改成|换成|改为|换为|变成|\b(?:change|switch|swap|exchange|make)\b(?:\([^)]*\)|[^,.;，。；(])*?\b(?:to|for|into)\b"
                        r"|\b(?:should|needs? to|has to) (?:be|become)\b|\bbecomes?\b", re.IGNORECASE)
# a choice corrected in the same message: what follows the last of these replaces what came before
# ("the blue one. actually no, sorry, the RED one", "换成15寸的……不对不对，是17寸的")
_CORRECTED = re.compile(r"不对|[说打写敲]错了|其实是|(?:[啊哦噢呃额]|…|\.\.\.)\s*不是\s*[，,]|我是说|算了[，,\s]*还是|\bI mean[t]?\b|\bscratch that\b|"
                        r"\b(?:wait|actually|sorry),? no\b|\bno,? sorry\b|"
                        r"\b(?:oh )?no,? (?:no|wait)\b|"
                        r"(?:…|\.\.\.|[，,。!！]|[吧啊呢]\s)\s*那(?![个款么])",  # ("金属蓝色没货啊……那硅胶表带蓝色的呢",
                        # "这个是装电池的吧 那充电款里最便宜的呢")
                        re.IGNORECASE)


def _one_each(named: dict[str, set[str]]) -> dict[str, set[str]] | None:
    """One value per option, or None. A word that is the only value named for one option is not also a
    second value of another ("银色金属框、黑色镜片": black is the lens, silver the frame)."""
    sole = {next(iter(v)) for v in named.values() if len(v) == 1}
    out = {k: (v - sole if len(v) > 1 else v) for k, v in named.items()}
    return out if out and all(len(v) == 1 for v in out.values()) else None


def _leaving(named: dict[str, set[str]], current: dict) -> dict[str, set[str]]:
    """Of two values named for one option, the item's own is the one left ("it only works on induction …
    the gas version"): the other is wanted."""
    return {k: v - {option_value(current.get(k, ""))} if len(v) > 1 else v for k, v in named.items()}


_NOT_THIS = re.compile(r"\bnot (?:the |that |this |my )?[\w-]+(?: one)?", re.IGNORECASE)
_WISHED_INSTEAD = re.compile(r"\b(?:in|to|into|for)\s+[\w -]{1,25}?\s+(?=instead of\b)", re.IGNORECASE)


def after_correction(text: str) -> str:
    """What follows the last correction in the message, or all of it."""
    corrections = list(_CORRECTED.finditer(text))
    return text[corrections[-1].end():] if corrections else text


def corrected_options(variants: list[dict], text: str) -> dict[str, set[str]]:
    """named_options, where an option named again after a correction is as named then ("the 8-inch in gold
    ... no sorry, I mean the 7-inch one": 7-inch, gold)."""
    after = after_correction(text)
    if after is text:
        return named_options(variants, text)
    return {**named_options(variants, text[:len(text) - len(after)]), **named_options(variants, after)}


def item_described(items: list[dict], text: str, at_least: int = 0) -> dict | None:
    """Of several items of one product in an order, the one whose options the shopper names as they are
    now: the words before the change ("the white size S should be a size L": the white S one). None when
    none has `at_least` of its options named."""
    text = after_correction(text)
    now = text[:m.start()] if (m := CHANGE_TO.search(text)) else text
    now = _NOT_THIS.sub(" ", _WISHED_INSTEAD.sub(" ", now))  # ("not the 13-inch, the 17-inch … in silver instead of black")
    best = max(items, key=lambda item: fits(item, named_options([item], now)))
    return best if fits(best, named_options([best], now)) >= at_least else None


def variant_named(choices: list[dict], current: dict, text: str) -> dict | None:
    """The variant whose option values the shopper named (the rest as they are now), if exactly one fits.
    Two values named for one option is no choice: the part after "改成 / change it to" is tried alone,
    and if that names two as well, or the message asks two changes, nothing is chosen (the shopper is
    asked)."""
    text = after_correction(text)
    changes = [text[m.end():] for m in CHANGE_TO.finditer(text)]
    if len(changes) > 1:  # "M码那个改成L码；S码那个改成…": two changes, one item — ask rather than guess
        return None
    if describes_current(choices, current, text):  # "the white 4-hour ones won't survive my commute": the
        return None                                  # item they have, no wish yet
    if not (named := _wanted(choices, current, text)):  # one option named twice, yet one variant in stock has
        fit = fitting(choices, changes[-1] if changes else text)  # all that is named: that one
        return fit[0] if len(fit) == 1 else None
    return _closest(choices, current, named)


def describes_current(choices: list[dict], current: dict, text: str) -> bool:
    """Every option value the words name is the current item's own, and they ask no change to it."""
    named = {} if CHANGE_TO.search(text) or re.search(r"->|→|=>", text) else named_options(choices, text)
    return bool(named) and all(values == {option_value(current.get(k, ""))} for k, values in named.items())


def _wanted(choices: list[dict], current: dict, text: str) -> dict[str, set[str]] | None:
    """{option: the one value wanted} the words name, or None (two changes, or two values of one option)."""
    text = after_correction(text)
    changes = [text[m.end():] for m in CHANGE_TO.finditer(text)]
    if len(changes) > 1:
        return None
    return next((n for words in changes + [text] if (n := _one_each(_leaving(named_options(choices, words), current)))),
                None)


def variant_wished(choices: list[dict], current: dict, said: list[str]) -> dict | None:
    """The variant named over several messages, oldest first, each option as it was named last ("a bigger
    one, 1000ml" … "stainless steel, red please": the red 1000ml one); None when no variant has them all."""
    named: dict[str, set[str]] = {}
    for words in said:
        named.update(_wanted(choices, current, words) or {})
    return _closest(choices, current, named) if named else None


def _closest(choices: list[dict], current: dict, named: dict[str, set[str]]) -> dict | None:
    """The one variant with every value named and, of those, the most of the current item kept."""
    exact = [c for c in choices if fits(c, named) == len(named)]

    def kept(variant: dict) -> int:  # how much of the current item the shopper keeps
        return sum(variant["options"].get(k) == v for k, v in current.items() if k not in named)

    most = max(map(kept, exact), default=0)
    exact = [c for c in exact if kept(c) == most]
    return exact[0] if len(exact) == 1 else None


_NOT_WORD = re.compile(r"[^\w+%-]+")
# option values as option_words() writes them, between anything but Latin letters and digits ("同样xl", "换black的")
_OPTION_VALUE = re.compile(r"(?<![a-z0-9.])(?:\d+(?:\.\d+)?(?:gb|tb|mah|ml|mm|-inch|l|mp|x)|\d+ (?:hours|cups?)|\d+[- ]pieces?|i[3579]|"
                           r"xs|s|m|l|xl|xxl|[4-9]0%(?!\s*(?:off|discount)))(?![a-z0-9])")  # ("and the 80% version of that?": a keyboard's size)
_WORD_VALUES = re.compile(r"(?<![a-z])(?:%s)(?![a-z])" % "|".join(
    re.escape(v) for v in sorted({*_ZH_OPTIONS.values(), *ZH_COLOURS.values()}, key=len, reverse=True)))
_CONTRACTION = re.compile(r"['’](?:s|m|ll|re|ve|d|t)\b", re.IGNORECASE)  # not the "s" of "that's", the "m" of "I'm"


def fitting(choices: list[dict], text: str) -> list[dict]:
    """The choices that have every option value the text names, as corrected ("in L.. no wait XL": XL; []
    when it names none)."""
    named = corrected_options(choices, text)
    return [c for c in choices if named and fits(c, named) == len(named)]


# one step along an option that has an order, from the one asked or shown before: "大一号的呢", "a size up?",
# "大瓶的呢" (a bigger bottle), "厚一点的" (a thicker mat)
_STEPS = ((re.compile(r"(?<!哪个)(?<!哪款)(?<!哪一个)(?<!哪一款)续航(?:再|更)?长|(?:电池|电量)(?:更|再)?耐用|\blonger battery|\bbattery (?:that )?lasts? longer|\bmore battery\b",
                      re.IGNORECASE), ("battery life",), 1),  # ("续航才4小时啊 黑色的有没有续航长一点的")
          (re.compile(r"大一[号码]|大一些|大一?点|大瓶|(?<!多)大容量|\b(?:bigger|larger)\b|\b(?:a|one) size (?:up|bigger|larger)\b|\bsize up\b",
                      re.IGNORECASE), ("size", "capacity", "diameter", "screen size", "frame size"), 1),
          (re.compile(r"小一[号码]|小一些|小一?点|小瓶|\bsmaller\b|\b(?:a|one) size (?:down|smaller)\b|\bsize down\b", re.IGNORECASE),
           ("size", "capacity", "diameter", "screen size", "frame size"), -1),
          (re.compile(r"厚一?点|更厚|\bthicker\b", re.IGNORECASE), ("thickness",), 1),
          (re.compile(r"薄一?点|更薄|\bthinner\b", re.IGNORECASE), ("thickness",), -1),
          (re.compile(r"亮一?[点些]|更亮|\bbrighter\b", re.IGNORECASE), ("brightness",), 1),
          (re.compile(r"暗一?[点些]|更暗|\bdimmer\b|\bless bright\b", re.IGNORECASE), ("brightness",), -1),
          (re.compile(r"矮|\b(?:shorter|lower(?!\s+(?:price|cost|budget|end|priced))|less tall)\b", re.IGNORECASE), ("height", "length"), -1),
          (re.compile(r"高一?[点些]|更高|高的那|\btaller\b|\bhigher one\b", re.IGNORECASE), ("height",), 1),
          (re.compile(r"长一?[点些]|更长|长的那|\blonger\b", re.IGNORECASE), ("length",), 1),
          (re.compile(r"短一?[点些]|更短|短的那", re.IGNORECASE), ("length",), -1))
_SIZE_ORDER = ("xs", "s", "m", "l", "xl", "xxl", "small", "medium", "large")
_LEVELS = ("low", "medium", "high")  # (brightness: "is there a brighter one?" after a low one)


def step_asked(text: str) -> tuple[tuple[str, ...], int] | None:
    """(the options a step may be along, +1 up or -1 down) when the message asks one step along."""
    return next(((keys, way) for words, keys, way in _STEPS if words.search(text)), None)


def _rank(value: str, levels: bool = False) -> float | None:
    if levels and value in _LEVELS:
        return _LEVELS.index(value)
    if value in _SIZE_ORDER:
        return _SIZE_ORDER.index(value)
    return float(m[0]) if (m := re.match(r"\d+(?:\.\d+)?", value)) else None


def _ladder(variants: list[dict], key: str) -> list[str]:
    """An option's values that have an order, lowest first ("30ml", "50ml", "100ml"; "low", "medium", "high")."""
    values = {option_value(v["options"][key]) for v in variants if key in v["options"]}
    levels = values <= set(_LEVELS)
    return sorted((x for x in values if _rank(x, levels) is not None), key=lambda x: _rank(x, levels))


def stepped(variants: list[dict], text: str, before: dict[str, list[str]], shown: dict | None) -> tuple[str, str] | None:
    """(option, value) one step along from the value asked before (or shown, or at the end when neither
    says one): "大一号的呢" after medium → large; "大瓶的呢" after 30 and 50 ml → 100 ml."""
    if not (step := step_asked(text)):
        return None
    keys, way = step
    for key in sorted({k for v in variants for k in v["options"] if k.lower() in keys}, key=lambda k: keys.index(k.lower())):
        ladder = _ladder(variants, key)[::way]  # the way the step goes
        if len(ladder) < 2:
            continue
        said = before.get(key) or ([option_value(shown["options"][key])] if shown and key in shown["options"] else [])
        said = [x for x in said if x in ladder]
        # neither asked nor shown before: from the one the message names ("low brightness … is there a brighter
        # one?"), unless that is where the step goes ("厚一点的 六毫米的": the thickest)
        said_now = named_options(variants, text).get(key, set())
        now = [x for x in said_now if x in ladder]
        if said_now and not now:
            return None  # a value named that no step reaches ("小一点可以带去露营的" grill: the portable one)
        if len(now) > 1:
            return None  # two named side by side ("which is bigger, the 14 inch or the 12 inch?"): no step
        if said and now and ladder.index(now[0]) > max(map(ladder.index, said)):
            return key, now[0]  # the step's own end named ("a bigger one in wood, like fourteen inches?")
        if not said and now and max(map(ladder.index, now)) < len(ladder) - 1:
            said = now
        if not said and now:
            return key, ladder[-1]  # ("那厚一点的呢 六毫米的粉色有没有": the end, named)
        if not said:  # the end of those asked before and named now, in stock ("白色木头的有哪几种高度" … "矮的那个多少钱":
            # of those, the lowest; "what thickness is the pink yoga mat? … thicker = better": the thickest pink one)
            rest = {**{k: set(x) for k, x in before.items()}, **named_options(variants, text)}
            rest.pop(key, None)
            within = [v for v in variants if fits(v, rest) == len(rest)]
            ends = _ladder([v for v in within if v["available"]] or within, key)[::way] or ladder
            return key, ends[-1]
        beyond = ladder[max(map(ladder.index, said)) + 1:]
        return (key, beyond[0]) if beyond else None
    return None


def asks_option(text: str) -> bool:
    """The message names an option value of the kind the catalogue has ("13寸 i7", "XL码", "金色的")."""
    text = _CONTRACTION.sub("", re.sub(r"\S+@\S+", " ", text))  # (not the "brown" of emma.brown5032@…)
    words = " " + _NOT_WORD.sub(" ", option_words(text)) + " "  # "and in black?" too
    return bool(_OPTION_VALUE.search(words) or _WORD_VALUES.search(words))


def asked_variants(variants: list[dict], text: str, before: dict[str, list[str]] | None = None,
                   open_keys: frozenset[str] = frozenset(), again: bool = False) -> tuple[list[dict], dict | None]:
    """For a question about a product: (the variants that have every option named, in stock first, the
    closest one in stock when none of those is). ([], None) when the question names no option. `before`:
    the options named in the question before about the same product, kept where this one names no other
    value of them ("红色防水的多少钱" … "续航20小时那款呢": red, water-resistant, 20 hours). `open_keys`: options
    the question asks which values there are of ("blue is out? which colours are available then?"). `again`:
    the question names nothing and asks of those (a bare "多少钱" after "有皮的吗": the leather ones)."""
    unwanted = unwanted_options(variants, text)  # ("我不要塑料的 塑料的烧水有味道": not plastic, though named again)
    named = {k: v - unwanted.get(k, set()) for k, v in corrected_options(variants, text).items() if k.lower() not in open_keys}
    named = {k: v for k, v in named.items() if v}
    if not named and not (before and (open_keys or again)):
        return [], None
    now, named = named, {**{k: set(v) for k, v in (before or {}).items()}, **named}
    exact = sorted((v for v in variants if fits(v, named) == len(named)), key=lambda v: not v["available"])
    if any(v["available"] for v in exact):
        return exact, None
    in_stock = [v for v in variants if v["available"]]
    # the most of what is named kept, what this question names first ("1L 那种" … "有 glass 的吗": a glass one);
    # of those, the nearest along ordered options (size 9 for a sold-out 10, not 12)
    closest = min(in_stock, key=lambda v: (-fits(v, named), -fits(v, now), _steps_away(v, named, variants),
                                           float(v["price"])), default=None)
    return exact, closest


def _steps_away(variant: dict, named: dict[str, set[str]], variants: list[dict]) -> int:
    """How far a variant is from the values named: one for each option it has another value of, or along an
    option whose values have an order, the steps between (hiking boots in size 10 sold out: size 9 or another
    material are one away, size 12 two; 50ml → 100ml is one step, not fifty)."""
    far = 0
    for key, values in named.items():
        have = option_value(variant["options"].get(key, ""))
        if have in values:
            continue
        ladder = _ladder(variants, key)
        far += min((abs(ladder.index(have) - ladder.index(v)) for v in values if v in ladder), default=1) \
            if have in ladder else 1
    return far
