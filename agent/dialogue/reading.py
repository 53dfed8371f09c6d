"""What a shopper's message says, read from its words: yes, no, which order, item, payment method, reason
(who they are and addresses: agent/dialogue/addresses.py). Pure functions of the text, in Chinese, English
and both.

A yes or a no opens the message. Latin words end at a non-letter; Chinese has no spaces, so a Chinese
word ends at the message's end, punctuation, Latin text or a particle.
"""
from __future__ import annotations

import re

from agent.dialogue.money import ORIGINAL_PAYMENT, payment_source

_ZH_END = r"(?=$|[\s\W\dA-Za-z]|[的吧啊呀了哈嗯就确])"
_YES = re.compile(r"^\W*(?:(?:yes|yep|yeah|ya|y|ok|okay|k|sure|confirm(?:ed)?|please do|do it|go ahead|"
                  r"sounds good|alright|correct|right)(?![a-z])|(?:确认|确定|是的|是|好的|好吧|好|可以|对的|对(?!了)|行|嗯|"
                  r"没问题|没错|就这个|就这样)" + _ZH_END + ")", re.IGNORECASE)
_HESITATION = r"^\W*(?:(?:wait|hmm+|emm+|um+|well|actually|oh|ah|等一下|等等|嗯+)\W*)*"  # ("hmm actually no")
_NO = re.compile(_HESITATION + r"(?:(?:no|nope|nah|n|cancel that|never ?mind|nvm|don'?t|do not|stop|not now)(?![a-z])|"
                 r"(?:不要|不用|不了|不需要|不必|先不|不是|不)" + _ZH_END + "|(?:那|那就|那还是)?算了|不取消|不要取消|别取消|别改|别退)", re.IGNORECASE)
_BARE = re.compile(r"^[\W\s]*(?:(?:yes|yep|yeah|ok|okay|sure|no|nope|nah|all|all of (?:it|them)|everything|"
                   r"wait|好的?|好吧|行|嗯+|对|是的?|确认|确定|不用了?|不要了?|算了|全部|都要|"
                   r"就这个|等一下|等等|[呀啊吧哈呢嘛])[\W\s]*)+$", re.IGNORECASE)
_HOLD = re.compile(r"再想想|考虑一下|等一下|等等|hold on|let me think|\bwait\b", re.IGNORECASE)
EXPLICIT_YES = re.compile(r"confirm|go ahead|do it\b|please do(?![a-z'’])|\bproceed\b|\byes,? please\b|确认|确定|可以的?[，,。 ]|就这样|"
                          # ("没有别的要换了 yes", "nothing else, ok"): nothing more to add, and yes
                          r"(?:没有?(?:别的|其他)|nothing else|that'?s (?:all|everything))[^?？]{0,16}?(?:\byes\b|\bok(?:ay)?\b|好的|可以)|"
                          r"(?:改|退|换|取消)吧|(?:取消|退|换|改|cancel|return|exchange|change)[^?？]{0,40}\byes\W*$|"  # ("那就取消第一个 W4386313, yes")
                          r"\b(?:yes|yep|yeah|ok|okay|sure)\W+(?:please\s+)?(?:switch|change|cancel|return|exchange|swap|"
                          r"update)\b", re.IGNORECASE)  # ("Yes, switch it to PayPal. The gift card money goes back, right?")
# (A-not-A questions too: "退货是不是有时间限制啊", "能不能退")
def sentences(text: str) -> list[str]:
    """The message's sentences, each up to its full stop, question or exclamation mark (none empty)."""
    return [s for s in _SENTENCE_END.split(text) if s.strip()]


_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s*")
QUESTION = re.compile(r"[?？]|\b(?:when|where|what|how|why|which)\b|什么|怎么|为什么|多久|几天|几倍|几寸|几杯|几升|几档|几种|几款|多少|多大|多重|多厚|多宽|啥|哪|吗|是不是|有没有|能不能|"
                      r"可不可以|会不会|要不要|[请想][问問]|[问問]一?下|((?![不没])[\u4e00-\u9fff])[不没]\1", re.IGNORECASE)
# ("想問那個背包 黑色 小的"; a verb, not, the verb: "防不防滑", "贵不贵")
A_NOT_A = re.compile(r"((?![不没])[\u4e00-\u9fff])[不没]\1")
# leaving everything as it is: no change at all, and none other asked instead ("那先不改了，还是保持原来的吧")
KEEP_AS_IS = re.compile(r"保持原来|保持原样|还是保持|先不改|都不改了|\bkeep (?:it|everything|things) (?:as it is|the way it is|as is)\b|"
                        r"\bleave (?:it|everything) as (?:it is|is)\b", re.IGNORECASE)
# dropping what is under way, wherever in the message it is said
_NEVER_MIND = re.compile(r"never ?mind|\bnvm\b|forget (?:it|about it)|don'?t bother|leave it as it is|no need (?:to|any ?more)|"
                         r"not (?:for )?now|(?:don'?t|do not) (?:process|do it|go ahead)|算了|不用了|先不|保持不变",
                         re.IGNORECASE)
# declining one action in particular: "不取消" declines a cancellation, not the address change asked for instead
# ("forget the exchange, just return it", "scrap the cancellation")
_DROP_THE = r"|(?:forget|scrap|skip|drop|cancel) (?:about )?the {0}|instead of {1}"
_KEEP = {"cancel": re.compile(r"不取消|不要取消|别取消|不用取消|(?:don'?t|do not) cancel|\bkeep (?:it|the order|my order)\b|"
                              r"\bleave (?:it|the order) as it is\b|订单留着|还是留着"
                              + _DROP_THE.format("cancell?ation", "cancell?ing"), re.IGNORECASE),
         "modify": re.compile(r"不用改|不改了|不需要改|先不改|不要改|别改|保持原来|还是用原来的地址|(?:don'?t|do not) change|"
                              r"keep (?:the|my) (?:old|current|original)" + _DROP_THE.format("change", "changing"),
                              re.IGNORECASE),
         "return": re.compile(r"不退了|不用退|不要退(?!\s*(?:到|回|给)?\s*(?:pay ?pal|礼品卡|gift|信用卡|银行卡|卡|visa|master|原))|还是留着|(?:don'?t|do not) return" + _DROP_THE.format("return", "returning"),
                              re.IGNORECASE),
         "exchange": re.compile(r"不换了|不用换|不要换|(?:don'?t|do not) exchange" + _DROP_THE.format("exchange", "exchanging"),
                                re.IGNORECASE)}
_PERSON = re.compile(r"转人工|人工客服|真人|找人工|human (?:agent|being)|real (?:person|human|agent)|"
                     r"transfer me|put me through to|connect me (?:to|with) (?:someone|a person|an agent|a human)|"
                     r"(?:talk|speak) to (?:a |an )?(?:person|human|agent|someone)|live agent|"
                     r"(?:get|give|want|need|put) (?:me )?(?:through to )?(?:a|the|your) (?:manager|supervisor)|"
                     r"(?:talk|speak) to (?:a|the|your) (?:manager|supervisor)|"
                     r"(?:找|叫|要|让)(?:你们|你们的)?(?:主管|经理|领导|负责人)", re.IGNORECASE)
ADDRESS_WORDS = re.compile(r"address|ship(ping)? to|deliver to|地址|寄到|送到", re.IGNORECASE)
# asking where an order goes, not changing it: "what address was it sent to?", "寄到哪个地址了"
ASKS_ADDRESS = re.compile(r"\b(?:what|which) (?:address|street)\b|\baddress (?:is it|was it|it'?s|it is|it was) (?:going|being sent|sent|shipped)|"
                          r"where (?:is|was|did) it (?:being |get )?(?:sent|shipped|going|go)\b|"
                          r"(?:寄|送|发)(?:到|去)?(?:了)?哪|哪个地址|什么地址|地址是哪|"
                          # the address said back to be sure ("it is going to 344 Park Avenue, correct?", "delivered到highland
                          # drive那个地址了对吧", "not to my old place")
                          r"\b(?:going|coming|sent|shipped|delivered) to (?:my |the )?(?:house|home|place|address|new|old|\d+)|"
                          r"(?:送|寄|发|delivered)到.{0,30}(?:地址|address|那里|那儿|家)|地址(?:对吗|对吧|没错吧|是对的吗)|\bright address\b|"
                          r"\bcorrect address\b", re.IGNORECASE)
# what they bought, as they bought it: "what were the specs again? which processor I picked", "我买的是什么颜色"
ASKS_SPECS = re.compile(r"\bspecs?\b|\bspecifications?\b|\bwhich (?:processor|size|colou?r|model|version|one) (?:did )?i\b|"
                        r"\bwhat (?:size|colou?r|model) (?:did i|was it)\b|配置|规格|(?:买|订)的(?:是)?(?:什么|哪个|哪款)", re.IGNORECASE)
# the account's default address as the new address of an order: "send it to my address on file instead",
# "帮我改成账户里的默认地址" (not "update the default address on my account", which changes the account's)
_DEFAULT_ADDRESS = re.compile(r"(?:default|saved|home)(?: shipping| delivery| mailing)? address|address (?:on file|in my account|of my account)|"
                              r"(?:账户|账号)里?的?(?:默认)?(?:收货)?地址|默认(?:收货)?地址", re.IGNORECASE)
_TO = re.compile(r"\bto\b|\bship|\bsend|\bdeliver|\binstead\b|改成|改到|改回|寄到|送到|发到|换成|用", re.IGNORECASE)


def to_default_address(text: str) -> bool:
    return bool((m := _DEFAULT_ADDRESS.search(text)) and _TO.search(text[max(0, m.start() - 25):m.start()])
                and not _CHANGES_IT.search(text[:m.start()]))


# the default address itself is what changes: "I want to change my default shipping address", "修改一下默认地址"
_CHANGES_IT = re.compile(r"\b(?:change|update|edit|modify|set)\s+(?:my |the |our )?$|"
                         r"(?:改|更新|修改|换)(?:一下)?(?:我的|账户的?|账号的?)?$", re.IGNORECASE)


# an exchange given up for a return: "那平板直接退了吧", "ok then just return it", "refund instead"
RETURN_INSTEAD = re.compile(r"直接退|退了吧|退掉吧|那就退|还是退|改成退货|退货吧|\b(?:just|then) return\b|\breturn it instead\b|"
                            r"\brefund instead\b|\bjust (?:a |get a )?refund\b", re.IGNORECASE)
# what is there now: "what's the current one on file?", "现在的默认地址是哪个"
ASKS_CURRENT = re.compile(r"\b(?:current|on file|existing|right now)\b|现在的|目前的|当前|原来的", re.IGNORECASE)
# the account's own address, not an order's: "update the default address on my account", "改一下账户的默认地址"
ACCOUNT_WORDS = re.compile(r"default|\b(?:my|the) (?:account|profile)\b|\bon file\b|\b(?:my|the) saved (?:shipping |home )?address|"
                           r"账户|账号|默认|个人资料|个人信息|保存的地址", re.IGNORECASE)
NOT_RECEIVED = re.compile(r"never (?:got|received|arrived|came)|(?:didn'?t|did not|haven'?t|have not|hasn'?t) "
                          r"(?:get|got|receive|received|arrive|arrived|come|show up)|nothing (?:came|arrived|showed up)|"
                          r"never showed up|没(?:有)?收到|没到|显示(?:已)?签收|不是我签收|包裹不见了",
                          re.IGNORECASE)
ASKS_WHAT_TO_DO = re.compile(r"怎么办|怎么处理|咋办|能退吗|能换吗|what (?:can|should|do) I do|what are my options|"
                             r"can I (?:get it )?(?:return|exchange|replace)", re.IGNORECASE)
# wanting something new, not something of theirs changed: "要一个大一点的背包", "looking for a bigger backpack"
WANTS_NEW = re.compile(r"要一个|想买|想要一个|想找|找一个|求推荐|\bi(?:'m| am) looking for\b|\blooking for an?\b|"
                       r"\bi (?:want|need) to buy\b|\bdo you (?:have|sell) an?\b|\b(?:suggest|recommend) (?:me )?(?:one|something|an?)\b|"
                       r"推荐(?:一|个|款)", re.IGNORECASE)  # ("the old one cracked in half … Could you suggest one for under 200?")
# two products set side by side: "你们的无线耳机和headphones有什么区别", "earbuds vs headphones?"
# the two just shown ("what's the difference between those 2", "这两个有啥区别")
THOSE_TWO = re.compile(r"\b(?:those|these|the|them) (?:2|two)\b|\bboth\b|[这那]两[个款台把双件只张种]|两者", re.IGNORECASE)


def compares_those_two(text: str) -> bool:
    """"whats the diff between those 2": the two just shown, set against each other."""
    return bool(COMPARES.search(text) and THOSE_TWO.search(text))

COMPARES = re.compile(r"differen|(?<![a-z])(?:diff|compar(?:e|ed|ing|ison)|vs\.?|versus)(?![a-z])|\bwhich(?: one)?(?:'s| is) (?:\w+er|more \w+|less \w+)\b|\bwhich (?:one )?costs? (?:less|more)\b|"
                      r"\bwhich is better\b|\btorn between\b|\bwhich (?:one )?(?:makes (?:more )?sense|would you (?:pick|choose|get|go for)|"
                      r"should i (?:get|buy|pick|choose|go for))\b|\b(?:deciding|can'?t decide) between\b|区别|不同|对比|比较|哪个好|哪个更|纠结|"
                      r"差多少|差别|差在哪|差很多|哪(?:个|款)", re.IGNORECASE)  # (letters around, not \b: "想compare一下")
# the price and nothing else: "多少钱", "how much?", "那这个多少" (of the product just talked about, not the shipping's)
BARE_PRICE = re.compile(r"\W*(?:(?:thank you|thanks|谢谢)\W*)?(?:(?:那|那个|这个|它|这款|那款|so|and|ok)\W*){0,2}(?:多少钱|多少|价格|价钱|啥价|"
                         r"什么价|几块钱?|how much(?: is it| is that| are they| for it| is (?:that|this) one)?|price|"
                         r"what(?:'s| is) the price(?: (?:of|on|for) (?:it|that|this)(?: one)?)?)\s*(?:呢|啊|呀|吗)?\W*", re.IGNORECASE)
# words of a rule the shop has for every product alike: instalments, invoices, warranty, genuine goods
SHOP_RULE = re.compile(r"分期|花呗|货到付款|发票|保修|质保|正品|假货|行货|\b(?:install?ments?|pay later|invoices?|warrant(?:y|ies)|"
                       r"genuine|authentic|counterfeit|fakes?|knock-?offs?)\b", re.IGNORECASE)
# the price of the one just settled on, asked again: "行 就它了 再确认下价格", "the cheaper one就它了，再confirm一下price"
PRICE_AGAIN = re.compile(r"(?:再|重新)?确认(?:一)?下?(?:价格|价钱|多少钱)|confirm\s*(?:一下)?\s*(?:the\s+)?price|"
                         r"就(?:要)?(?:刚才的?|之前的?)?(?:那个|这个|它|那款|这款)(?:吧|了)?\W*(?:多少钱|价格是?多少|多少)|"  # ("行，那就那个吧，多少钱？")
                         r"(?:价格|价钱|多少钱|\bprice)\s*再(?:说|确认|报)一?[下遍次]?|"
                         r"多少钱来着|\bwhat was the price again\b|\bprice again\b|"
                         # (the one just shown, asked plainly: "longest garden hose?" … "how much is it")
                         r"^\W*(?:and |so |ok,? )?(?:how much (?:is|was|does|would) (?:it|that|that one|this one)(?: be| cost)?|"
                         r"what(?:'s| is) (?:the|its) price|(?:刚才|之前)?的?(?:那|这)?(?:个|款|把|台)?它?(?:要|卖)?多少钱(?:啊|呀|呢)?)\W*$", re.IGNORECASE)
# the one shown before the last ones ("好吧 那就刚才那个 多少钱" after cheaper ones were shown)
EARLIER = re.compile(r"(?:刚才|之前|前面|一开始)(?:的|说的|推荐的|那)?(?:那个|那款|那台|那把|那件|那套|那双)|"
                     r"the (?:earlier|previous|other) one\b|\bthe one (?:from )?before\b", re.IGNORECASE)
# the other one of two just listed, after one of them was picked ("ok 那另一个多少钱来着"; not "other ones": a list)
THE_OTHER_ONE = re.compile(r"\bthe other (?:one|pair|set)\b(?!s)|另外?一[个款套把双台件只]", re.IGNORECASE)
# one of those listed, by having more of an option ("the one with more pieces then")
ONE_WITH_MORE = re.compile(r"\bthe one with (more|the most|fewer|the fewest|less|the least|bigger|larger|smaller) ([a-z]+)\b",
                           re.IGNORECASE)
# which of the two talked about has more of something ("which one has more RAM", "哪个内存更大")
WHICH_MORE = re.compile(r"\bwhich (?:one |of (?:the|them|those) (?:two )?)?(?:has|have|gets?|comes? with) (?:more|bigger|larger|longer|the (?:most|biggest|largest|longest))\b|"
                        r"哪(?:个|款|台)[\u4e00-\u9fff]{0,4}?更(?:大|多|长|高)", re.IGNORECASE)
# a better one of something they have, not an order's exchange: "现在这把椅子太硬了 … 想换把好一点的"
UPGRADE = re.compile(r"换(?:一)?(?:把|台|个|张|双|款|件|只|套|部)?(?:好一?点|好些|更好|新的|新(?=[\u4e00-\u9fff]{1,5}(?:$|[\s,，。!！?？])))|"
                     r"\b(?:upgrade|replace (?:my|our) old)\b", re.IGNORECASE)  # ("想换个新手机")
# something of theirs that does not work: "到手就开不了机", "the zipper broke", "stopped working"
BROKEN = re.compile(r"坏了|坏掉|没(?:有)?声音了?|没反应|充不(?:进|上)电|\bno sound\b|花屏|屏幕.{0,2}花了|黑屏|蓝屏|死机|开不了机|开不开机|不开机|不能用|用不了|没法用|不工作|不亮了|开线|破了|裂了|漏水|\bbroken\b|(?<!i'm )(?<!im )(?<!i am )(?<!so )\bbroke\b(?!\s+(?:student|college|af|as\b|uni))|"
                    r"\b(?:doesn'?t|does not|won'?t|will not|didn'?t|stopped) (?:work|turn on|power on|charge|working)|"
                    r"\bdead on arrival\b|\bdefective\b|\bfaulty\b|\bcracked\b|\bleaks?\b", re.IGNORECASE)  # (not "broke student", "i'm broke")
# where a parcel is, or its tracking number: "物流单号再发我一下", "is that one on its way too?"
ASKS_WHERE = re.compile(r"tracking|\bon (?:its|it's|the) way\b|\barriv(?:e|ed|al)\b|\bwhere(?:'s| is| are)? (?:it|they|my|the|that|this)\b|"
                        r"物流|快递单号|运单|单号.{0,4}(?:发|给|告诉)我|到哪|到了吗", re.IGNORECASE)
# every order not sent yet asked about: "is there anything else on my account that hasn't been sent yet?", "还有哪些没发货"
NOT_SENT_YET = re.compile(r"\b(?:anything|any orders?|what else|which orders?)\b[^.?!]{0,40}\b(?:hasn'?t|haven'?t|not)(?: been)? "
                          r"(?:sent|shipped)|(?:还有)?(?:哪些|哪几个|什么)(?:订单|东西)?(?:还)?没(?:有)?发(?:货)?", re.IGNORECASE)
# an item added to those a change already names: "也想换成白色的 两个一起换", "the mouse as well"
ADDS_ITEM = re.compile(r"也(?:想|要)?(?:换|改|退)|两个一起|都换|一起换|一起退|^\W*(?:还有|另外)(?![^，,。]*[吗?？])|\bas well\b|\balso\b|\bboth\b", re.IGNORECASE)
# (not "有啥能买的", "值得买的": things to buy)
OWNS = re.compile(r"(?<![能想要该以得去])买的|(?<![要想])买了|我的|订单|你们卖的|(?:用|戴|穿)了(?:一|两|几|没)|收到|签收|"
                  r"(?<!\bcan )(?<!\bcould )(?<!\bto )(?<!\bactually )\border\b(?!\s+(?:it|one|them)\b)|\b(?:i|we|i've|we've|i just|we just) ordered\b|下单了|已下单|\bmy\b|\bbought\b|\bpurchased\b|\breceived\b|(?<!\byou )(?<!\bu )(?<!\bya )(?<!\byou've )(?<!\byouve )(?<!\bshe )(?<!\bhe )(?<!\bshe just )(?<!\bhe just )\bgot\b",
                  re.IGNORECASE)  # ("ones I can actually order today": to buy, no order of theirs)
# "got yoga mats?": do you have them, nothing got
GOT_ANY = re.compile(r"^\W*got (?:any )?(?!(?:it|my|your|the|that|this|them|an?)\b)[a-z][a-z -]{1,30}\?", re.IGNORECASE)
# buying elsewhere, said as a threat ("再不回我就去别家买了"): no purchase of theirs, and no question about other shops
GOING_ELSEWHERE = re.compile(r"去(?:别家|别的店|其他家|其他店)买了?|\bshop(?:ping)? elsewhere\b|\b(?:go|buy) (?:it )?(?:somewhere else|elsewhere)\b",
                             re.IGNORECASE)
# something bought at another shop: "上次在别家买的吸尘器根本吸不动", "the one I got on amazon"
BOUGHT_ELSEWHERE = re.compile(r"(?:在|从)(?:别家|别的店|别的平台|其他家|其他店|其他平台|淘宝|京东|拼多多|超市|商场)[^，,。.!！?？]{0,4}买的|"
                              r"\b(?:bought|got|ordered) (?:it |one |them |mine )?(?:elsewhere|somewhere else|at (?:another|a different) "
                              r"(?:shop|store)|from (?:another|a different) (?:shop|store|site)|on amazon|at walmart|at target)\b",
                              re.IGNORECASE)
# "my" of what is no order of theirs: "有high-back的吗 my back hurts"
NOT_THEIRS = re.compile(r"\bmy (?:(?:late|dear|elderly|little|youngest|eldest|older|younger|best) )?(?:back|neck|feet|knees?|wrists?|eyes|hands?|shoulders?|wife|husband|partner|sons?|daughters?|kids?|"
                        r"twins|children|nephews?|nieces?|grand\w+|parents|mother|father|aunt|uncle|boss|colleagues?|coworkers?|"
                        r"mum|mom|dad|sister|brother|friend|girlfriend|boyfriend|bf|gf|bff|hubby|family|budget|room|flat|place|house|home|"
                        r"mistake|bad|fault|question|train|bus|commute|way|trip|flight|drive|dentist|doctor|physio|teacher|coach|therapist|vet|landlord|neighbou?rs?|\d+\s*(?:y/?o|yrs? old|years? old|year-old|month-old|months? old))\b|\b(?:before|if|once|when) (?:i|we) (?:order|buy|purchase)\b|\bgot or not\b|\bgot anything\b|"
                        # an order still to place ("could we order 6 of the same model?"), money to spend ("got $100 for a
                        # garden hose")
                        r"\b(?:can|could|would|will|may|shall|to|do) (?:we |i |you )?(?:place an? )?order\b|"
                        r"\bgot (?:about |around |like |only |maybe |a budget of )?(?:\$|¥|€|£|\d)|\bgot (?:that|it|this|one|those|them|any) in\b|" + GOT_ANY.pattern + "|" + GOING_ELSEWHERE.pattern + "|" + BOUGHT_ELSEWHERE.pattern, re.IGNORECASE)


def owns(text: str) -> bool:
    """Words of something of theirs, not "my back", "my mom" or "my mistake"."""
    return bool(OWNS.search(NOT_THEIRS.sub(" ", text)))


# an order described by what it holds: "是台灯和拼图那一单", "订单是有laptop和camera的那个", "the one with the lamp"
ORDER_BY_ITEMS = re.compile(r"那一?单|那个订单|那笔|的订单|有[^，。,.;；]{1,30}?的(?:那(?:个|一?单)|单)|\bthe (?:order|one) with\b|"
                            r"\bthat order\b|\bwhich had\b|\bthe (?:order|one) (?:that |which )?(?:had|has)\b", re.IGNORECASE)
CHANGE_WORDS = re.compile(r"\b(?:chang\w*|updat\w*|new|edit\w*|set|mov\w*|modif\w*)\b|改|换|新|更新|修改|设置",
                          re.IGNORECASE)  # (not the "set" of "Sunset Drive")
_MISTAKE = re.compile(r"mistake|wrong|accident|(?<![没不])错|误", re.IGNORECASE)  # (not "没错": right)
_NOT_NEEDED = re.compile(r"no longer|(?:don|doesn|didn)'?t need|not need|any ?more\b|already (?:bought|got|has|have)|已经(?:买|有)了|no need|not be needing|won'?t (?:be )?need|shan'?t (?:be )?need|changed my mind|don'?t want it|不再需要|不需要|不想要|用不上|"
                         r"用不着|不要了", re.IGNORECASE)
_KEEP_ITEM = re.compile(r"\boriginal\b|the one I (?:have|had|ordered)|as it was|原来的|原来那|原本的", re.IGNORECASE)
OPTION_WORDS = re.compile(r"\b(?:colou?r|size|material|version|model|variant)\b|颜色|尺码|尺寸|款式|型号|大一码|小一码",
                          re.IGNORECASE)
ORDER_ID = re.compile(r"[Ww]\s?\d{7}")


def order_ids(text: str) -> set[str]:
    """The order numbers a message names, as the shop writes them ("w 1234567" → "#W1234567")."""
    return set(_ids_in(text))
# "the second one", "第一个", "最后那单": a place in a list just shown
ORDINAL = re.compile(r"\b(?:the )?(first|second|third|fourth|fifth|last)(?: one| order)?\b|^\W*#?([1-5])\W*$|"
                     r"第?([一二三四五1-5])(?:个|单|笔)|最后(?:一个|那个|那单|一单)", re.IGNORECASE)
_PLACES = {"first": 0, "second": 1, "third": 2, "fourth": 3, "fifth": 4, "一": 0, "二": 1, "三": 2, "四": 3, "五": 4}


def place_in_list(text: str, size: int) -> int | None:
    """The index of the list item a message picks ("the second one", "第二个", "最后那单"), if any."""
    if not (m := ORDINAL.search(text)) or size < 2:
        return None
    word = next((g for g in m.groups() if g), "last")
    at = size - 1 if word.lower() == "last" else int(word) - 1 if word.isdigit() else _PLACES[word.lower()]
    return at if 0 <= at < size else None


ALL_ITEMS = re.compile(r"\ball\b|everything|全部|所有|全都|整单", re.IGNORECASE)


def declines(text: str, action: str | None = None) -> bool:
    """The message drops what is under way: "never mind", or declining this action ("不取消"); with no
    action named, declining any action counts."""
    kept = [_KEEP[action]] if action in _KEEP else [] if action else list(_KEEP.values())
    # ("ok nvm. back to the bed, …": the never-mind drops the question asked in between, not the task)
    # ("算了，不要防水的了，换11码不防水那款": the option given up, another one chosen, the task kept)
    never_mind = (m := _NEVER_MIND.search(text)) and not BACK_TO.search(text) and not _OTHER_CHOICE.search(text[m.end():]) \
        and not _DO_IT_ANYWAY.search(text[m.end():])  # ("算了 还是先退吧": the question dropped, the return kept)
    return bool(never_mind or _NEGATED_YES.search(text) or any(p.search(text) for p in kept))


# a yes word negated is a no: "hmm actually no, don't do it", "先不要确认"
_NEGATED_YES = re.compile(r"\b(?:don'?t|dont|do not|please don'?t|not|never|no need to)\s+(?:\w+\s+)?(?:do it|go ahead|confirm|"
                          r"proceed)\b|(?:不要|别|不用|先别|暂时不)(?:确认|确定)", re.IGNORECASE)


# how to buy, which this chat does not do ("好 就它了 怎么买", "how do I buy the backpack?", "can I order through this chat?";
# not "怎么买不了 一直付款失败", a payment that fails)
HOW_TO_BUY = re.compile(r"(?:怎么|如何)(?:买|下单|购买)(?![不了])|(?:在)?哪(?:里|儿)?(?:能|可以)?(?:买|下单)(?!了)|能(?:直接)?在(?:这里|这儿|聊天里)(?:买|下单)|"
                        r"\bhow (?:do|can|would|should) (?:i|we) (?:go about )?(?:buy|buying|order|ordering|purchase|purchasing)\b|"
                        r"\bhow to (?:buy|order|purchase)\b|\bwhere (?:do|can) i (?:buy|order|purchase)\b|"
                        r"\bcan (?:i|we) (?:buy|order|purchase)(?: it| this| that| one| them)? (?:here|through|in|via|from) (?:this|the) chat\b",
                        re.IGNORECASE)
BACK_TO = re.compile(r"\b(?:back to|going back to)\b|说回|回到刚才|继续刚才", re.IGNORECASE)
_OTHER_CHOICE = re.compile(r"(?<![不别没])(?:换成?|改成?|还是要)(?!了)[^，,。；;]{0,12}?(?:码|号|色|款|寸|版)|"
                           r"\b(?:go with|get|take) the \w+(?: \w+)? one instead\b", re.IGNORECASE)


def is_yes(text: str, action: str | None = None) -> bool:
    """An explicit yes: nothing in the message holds back or declines ("嗯…等一下 我再想想。算了 不取消了"),
    and what follows the yes asks nothing, unless the yes is said in full first ("yes confirm. how long
    does the refund take?" is a yes; "ok and when does it arrive?" and "ok. can I pay by card?" ask). `action`: what the yes
    is asked for (cancel, modify, return, exchange)."""
    if declines(text, action) or _HOLD.search(text):
        return False
    if not (m := _YES.match(text)):  # "就改这一个 确认", "the blue one, go ahead"
        return bool(EXPLICIT_YES.search(text)) and not QUESTION.search(text)
    if not (question := QUESTION.search(text, m.end())):
        return True
    # ("ok. can I pay half by card?" asks; "yes. how much do i get back and when" asks what the yes brings)
    return bool(EXPLICIT_YES.search(text[:question.start()]) or _WHAT_IT_BRINGS.search(text, m.end()))


_WHAT_IT_BRINGS = re.compile(r"\bhow much\b.{0,20}\b(?:back|refund\w*)|\brefund|\bmoney back|退款|退多少|退回多少|多久到账|几天到账",
                             re.IGNORECASE)


def is_no(text: str, action: str | None = None) -> bool:
    """No to the change stated; not a hold to ask something first ("等等 先别改 我问一下 改完地址以后还能取消吗")."""
    if _NOT_YET.search(text) and QUESTION.search(text):
        return False
    # ("算了，…换11码不防水那款": another choice; "Hmm, no, cancel it anyway": the no is to keeping it)
    no = (m := _NO.match(text)) and not _OTHER_CHOICE.search(text[m.end():]) and not _DO_IT_ANYWAY.search(text[m.end():])
    return bool(no or declines(text, action)) and not is_yes(text, action)


_DO_IT_ANYWAY = re.compile(r"^\W*(?:(?:just|please)\s+)?(?:cancel|return|exchange|change|swap|switch) (?:it|them|the order)\b|"
                           r"(?<!thanks )(?<!thank you )\banyway\b|\bafter all\b|还是(?:先|要)?(?:取消|退|换|改)", re.IGNORECASE)
_NOT_YET = re.compile(r"先别|先不要|等等|等一下|\bhold on\b|\bwait\b,? (?:before|first)|\bnot yet\b", re.IGNORECASE)


def is_bare_answer(text: str) -> bool:
    """Nothing but a yes, a no or an "all of it": it answers the last question, it asks nothing."""
    return bool(_BARE.match(text))


def after_no(text: str) -> str | None:
    """What a message says after it declines ("算了不取消了，告诉我#W… 到哪了" → "告诉我#W… 到哪了"), if anything."""
    rest = text
    while (m := _NO.match(rest)) and m.end() > 0:
        rest = rest[m.end():]
    rest = re.sub(r"^[\W\s了吧啊呀的]+", "", rest)
    return rest if rest != text and len(rest) >= 4 and not is_bare_answer(rest) else None


_THANKS_FIRST = re.compile(r"\s*(?:(?:ok(?:ay)?|好的|好|嗯|行|got it|great|perfect)[\s,，.。!！]*)?"
                           r"(?:thanks?(?: you)?|thx|ty|谢谢(?:你|您|啦)?|多谢|感谢)[\s,，.。!！~]*"
                           # ("hi, do you guys have anything for someone who just started running?": the question)
                           r"|\s*(?:hi|hello|hey|good (?:morning|afternoon|evening)|你好|您好|哈喽|嗨)(?: there)?[\s,，.。!！~]+",
                           re.IGNORECASE)


def after_thanks(text: str) -> str | None:
    """The question a message asks after thanking or greeting ("好的谢谢 那滑板那单呢是不是已经到了"), if it asks one."""
    if not (m := _THANKS_FIRST.match(text)) or not m.group().strip():
        return None
    rest = re.sub(r"^(?:and|also|btw|那|还有|另外)\s*", "", text[m.end():], flags=re.IGNORECASE)
    asks = QUESTION.search(rest) or re.search(r"呢|是不是|有没有|了没|没有$", rest)
    return rest if asks and len(re.findall(r"[A-Za-z]{2,}|[\u3400-\u9fff]", rest)) >= 3 else None


def asks_for_person(text: str) -> bool:
    """A person asked for in so many words, whatever else the message says: always honoured."""
    return bool(_PERSON.search(text))


SHIPS_TO = re.compile(r"\b(?:ship|shipping|deliver|delivery|send|post|mail)|寄|发(?!票)|送|配送|运|邮(?!箱)", re.IGNORECASE)
# places the shop does not deliver to, named in a question about delivery ("how long to Hong Kong?")
UNSERVED_PLACE = re.compile(r"hong ?kong|macau|macao|taiwan|mainland|\bchina\b|singapore|malaysia|japan|korea|australia|"
                            r"new zealand|\buk\b|united kingdom|england|britain|europe|germany|france|mexico|india|"
                            r"philippines|overseas|abroad|香港|澳门|台湾|大陆|国内|中国|新加坡|马来西亚|日本|韩国|澳洲|澳大利亚|"
                            r"新西兰|英国|欧洲|德国|法国|墨西哥|印度|海外|国外", re.IGNORECASE)


# (not a product's own adjusting: "one set where I can change the weight", "change the batteries")
_CHANGE_VERB = re.compile(r"\b(?:cancel|return|send (?:it )?back|exchange|swap|change(?! the (?:weights?|height|angle|settings?|"
                          r"temperature|brightness|speed|batter(?:y|ies)|bulbs?|filters?|heads?)\b)|modify|update)\b|取消|退货|退掉|退了|退(?![款回到钱费的])|换|改",
                          re.IGNORECASE)


def asks_change(text: str) -> bool:
    """The words ask for a change to an order in so many words (cancel, return, exchange, change)."""
    return bool(_CHANGE_VERB.search(text))


def wants_done(text: str) -> bool:
    """A request in so many words, not a question about the rules: "我要cancel", "帮我把订单取消",
    "I want to return it"."""
    return bool(_WANTS_DONE.search(text))


_WANTS_DONE = re.compile(r"(?:我要|我想|帮我|给我|麻烦你?)\s*(?:把.{0,12}?)?(?:取消|退货|退掉|退了|换货|换成|改成|cancel|return|exchange)|"
                         r"\b(?:i (?:want|need|wanna|would like|'d like) to|please|pls|plz)\s+(?:\w+\s+)?"
                         r"(?:cancel|return|exchange|swap)\b|^\W*(?:cancel|return|exchange|refund)\s+(?:my|the|this|that|it)\b",
                         re.IGNORECASE)  # ("CANCEL MY ORDER. NOW.")


# the same again for another: "please also update…", "default address as well", "两个都改", "也要改"
TOO = re.compile(r"\b(?:too|also|as well|same|both)\b|也|都|一起|同样|一样", re.IGNORECASE)
_ONLY_THESE = re.compile(r"\b(?:only|just)\b|只", re.IGNORECASE)


def orders_meant(text: str) -> list[str]:
    """The order numbers a message names, in its order; after "only / just / 只", those of that clause
    ("only W5500815 and W2818151 please, W5918442 is a gift so 那个不改")."""
    if (only := _ONLY_THESE.search(text)) and len(ids := _ids_in(re.split(r"[,.;，。；]", text[only.end():])[0])) > 1:
        return ids
    return _ids_in(text)


def _ids_in(text: str) -> list[str]:
    return list(dict.fromkeys(f"#W{m[-7:]}" for m in ORDER_ID.findall(text)))


_STATUS_WORDS = {"pending": re.compile(r"(?<![a-z])pending(?![a-z])|not (?:been )?(?:shipped|sent) yet|待发货|未发货|没发货|还没发", re.IGNORECASE),
                 "processed": re.compile(r"(?<!not )(?<!n't )(?<!not been )(?<![a-z])(?:shipped|processed)(?![a-z])|\bon its way\b|已发货|"
                                         r"(?<![没未])发货了的|在路上", re.IGNORECASE),
                 "delivered": re.compile(r"(?<![a-z])delivered(?![a-z])|已签收|签收了|收到了的|已送达", re.IGNORECASE),
                 "cancelled": re.compile(r"(?<![a-z])cancell?ed(?![a-z])|已取消|取消了的", re.IGNORECASE)}


def status_named(text: str) -> str | None:
    """The one order status the words pick an order by ("the pending one", "已签收的那个"), if one."""
    named = [status for status, words in _STATUS_WORDS.items() if words.search(text)]
    return named[0] if len(named) == 1 else None


def cancel_reason(text: str) -> str | None:
    return "ordered by mistake" if _MISTAKE.search(text) else "no longer needed" if _NOT_NEEDED.search(text) else None


def keeps_item(text: str) -> bool:
    """"Keep the one I have after all" (not "the original card", not "digital like the one I ordered")."""
    return bool((m := _KEEP_ITEM.search(text)) and not _LIKE.search(text[:m.start()])) \
        and not payment_source(text) and not ORIGINAL_PAYMENT.search(text)


_LIKE = re.compile(r"(?:\b(?:like|as|same as|just as)|和|跟|同)\s*$", re.IGNORECASE)


# a count of the one just shown and what it comes to ("if I order 10 of those, what's that", "买10个一共多少钱")
ORDER_COUNT = re.compile(r"\b(?:order|buy|get|take|need)\s+(\d{1,4})(?:\s+(?:of (?:those|them|these|that one)|units|pieces|sets))?\b"
                         r"(?=[^.?!]*\b(?:what(?:'s| is| would| does)|how much|total|cost|come to)\b)|"
                         r"(?:买|要|订|拿)(\d{1,4})(?:个|件|台|套|把|只|双|张)(?=.{0,8}(?:一共|总共|多少钱|多少))", re.IGNORECASE)
