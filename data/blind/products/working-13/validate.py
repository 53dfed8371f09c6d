#!/usr/bin/env python3
"""Validate the blind product-question batch final-12.

usage: python3 validate.py [DIR] [DB_JSON]
  DIR      default /work/main/data/blind/products/final-12
  DB_JSON  default /tmp/blind_shop/db.json (only its `products` part is read)
Exit status 0 when every check passes.
"""
import json
import re
import sys

import yaml

DIR = sys.argv[1] if len(sys.argv) > 1 else '/work/main/data/blind/products/final-12'
DBP = sys.argv[2] if len(sys.argv) > 2 else '/tmp/blind_shop/db.json'
FILES = ['need', 'do_you_sell', 'specific_variant', 'attribute', 'comparison', 'cheapest_budget', 'follow_up']
LANG_COUNTS = {'zh': 7, 'en': 5, 'mixed': 3}
CAPS = {'product_info', 'recommend', 'price_promo'}
CONV_KEYS = {'id', 'language', 'reply_language', 'capability', 'tags', 'turns'}
TURN_KEYS = {'say', 'mentions', 'not_mentions'}

products = json.load(open(DBP))['products']
NAMES = {p['name'] for p in products.values()}
AVAIL_PRICE = {}          # price string -> set of product names with an available variant at that price
ALL_PRICE = set()
MIN_AVAIL = {}
OPTION_VALUES = set()
COLOUR_VALUES = set()
for p in products.values():
    for v in p['variants'].values():
        s = repr(float(v['price']))
        ALL_PRICE.add(s)
        if v['available']:
            AVAIL_PRICE.setdefault(s, set()).add(p['name'])
            MIN_AVAIL[p['name']] = min(MIN_AVAIL.get(p['name'], 1e18), v['price'])
        for k, val in v['options'].items():
            OPTION_VALUES.add(str(val))
            if 'color' in k:
                COLOUR_VALUES.add(str(val))
# Latin codes that happen to be colour values are not colour words (none is used, but be explicit)
COLOUR_WORDS = {c for c in COLOUR_VALUES if c != 'RGB'}

errors = []


def err(cid, msg):
    errors.append(f'{cid}: {msg}')


def kind(atom):
    if not isinstance(atom, str):
        return None
    if atom in NAMES:
        return 'name'
    if atom in AVAIL_PRICE:
        return 'price'
    if atom in OPTION_VALUES:
        return 'option'
    return None


def atoms(mentions):
    for m in mentions:
        if isinstance(m, list):
            for a in m:
                yield a
        else:
            yield m


seen_ids = set()
n = 0
totals = {'zh': 0, 'en': 0, 'mixed': 0}
tag_counts = {}
for f in FILES:
    data = yaml.safe_load(open(f'{DIR}/{f}.yaml'))
    assert set(data) == {'conversations'}, f
    convs = data['conversations']
    if len(convs) != 15:
        err(f, f'{len(convs)} conversations, expected 15')
    lc = {'zh': 0, 'en': 0, 'mixed': 0}
    for c in convs:
        n += 1
        cid = c.get('id', f'{f}#{n}')
        if set(c) != CONV_KEYS:
            err(cid, f'keys {sorted(c)} != {sorted(CONV_KEYS)}')
        lang = c.get('language')
        if lang not in lc:
            err(cid, f'bad language {lang}')
            continue
        lc[lang] += 1
        totals[lang] += 1
        m = re.fullmatch(r'blindpf12-(zh|en|mixed)-(\d{3})', cid)
        if not m:
            err(cid, 'bad id format')
        else:
            if m.group(1) != lang:
                err(cid, 'id language != language')
            if int(m.group(2)) != n:
                err(cid, f'id number {m.group(2)} != running {n:03d}')
        if cid in seen_ids:
            err(cid, 'duplicate id')
        seen_ids.add(cid)
        rl = c.get('reply_language')
        if (lang in ('zh', 'en') and rl != lang) or (lang == 'mixed' and rl not in ('zh', 'en')):
            err(cid, f'reply_language {rl} for language {lang}')
        if c.get('capability') not in CAPS:
            err(cid, f'capability {c.get("capability")}')
        tags = c.get('tags') or []
        if not isinstance(tags, list) or c.get('capability') not in tags:
            err(cid, 'tags must be a list containing the capability')
        for t in tags:
            tag_counts[t] = tag_counts.get(t, 0) + 1
        turns = c.get('turns') or []
        lo, hi = (2, 3) if f == 'follow_up' else (1, 1)
        if not lo <= len(turns) <= hi:
            err(cid, f'{len(turns)} turns, expected {lo}-{hi}')
        empty_turns = 0
        first_with_mentions = True
        for i, t in enumerate(turns):
            if set(t) != TURN_KEYS:
                err(cid, f'turn {i} keys {sorted(t)}')
            if not isinstance(t.get('say'), str) or not t['say'].strip():
                err(cid, f'turn {i} empty say')
            ms = t.get('mentions')
            nms = t.get('not_mentions')
            if not isinstance(ms, list) or not isinstance(nms, list):
                err(cid, f'turn {i} mentions/not_mentions must be lists')
                continue
            if nms and f != 'need':
                err(cid, 'not_mentions outside need.yaml')
            for a in nms:
                if a not in NAMES:
                    err(cid, f'not_mention {a!r} is not a product name')
            for a in nms:
                if a in set(atoms(ms)):
                    err(cid, f'{a} both mentioned and not_mentioned')
            if not ms:
                empty_turns += 1
            for m_ in ms:
                if isinstance(m_, list):
                    if len(m_) < 1 or any(isinstance(x, list) for x in m_):
                        err(cid, f'bad group {m_}')
            for a in atoms(ms):
                k = kind(a)
                if k is None:
                    if isinstance(a, str) and a in ALL_PRICE:
                        err(cid, f'{a} is the price of a SOLD-OUT variant only')
                    else:
                        err(cid, f'mention {a!r} is not a product name, available price or option value')
                if rl == 'zh' and a in COLOUR_WORDS:
                    err(cid, f'colour word {a!r} as a zh mention')
            # zh replies: a product name never alone -- only inside a group with a price of that product
            if rl == 'zh':
                for m_ in ms:
                    if isinstance(m_, str) and m_ in NAMES:
                        err(cid, f'zh turn {i}: product name {m_} required alone')
                    if isinstance(m_, list):
                        names = [x for x in m_ if x in NAMES]
                        prices = [x for x in m_ if x in AVAIL_PRICE]
                        for nm in names:
                            if not any(nm in AVAIL_PRICE[p] for p in prices):
                                err(cid, f'zh group {m_}: {nm} without one of its prices')
            # en replies: name literally plus prices on the first turn that has mentions
            if rl == 'en' and ms and first_with_mentions:
                if not any(a in NAMES for a in atoms(ms)):
                    err(cid, f'en turn {i}: no product name')
            # every group with names and prices: prices must belong to one of those names
            for m_ in ms:
                if isinstance(m_, list):
                    names = [x for x in m_ if x in NAMES]
                    if names:
                        for x in m_:
                            if x in AVAIL_PRICE and not (AVAIL_PRICE[x] & set(names)):
                                err(cid, f'group {m_}: price {x} belongs to none of {names}')
            if ms:
                first_with_mentions = False
        if 'not_sold' in tags:
            if f == 'do_you_sell' and any(t['mentions'] for t in turns):
                err(cid, 'not_sold with mentions')
            if empty_turns == 0:
                err(cid, 'not_sold but no turn with empty mentions')
        if 'not_listed' in tags and any(t['mentions'] for t in turns):
            err(cid, 'not_listed with mentions')
        if empty_turns and not ({'not_sold', 'not_listed'} & set(tags)):
            err(cid, 'empty mentions without not_sold / not_listed')
        if 'none_in_budget' in tags:
            ps = [a for a in atoms(turns[-1]['mentions']) if a in AVAIL_PRICE]
            ok = any(float(p) == MIN_AVAIL[nm] for p in ps for nm in AVAIL_PRICE[p])
            if not ok:
                err(cid, 'none_in_budget: no mention is the cheapest available price of a product')
        if 'sold_out' in tags and not any(isinstance(m_, list) for t in turns for m_ in t['mentions']):
            err(cid, 'sold_out without an any-one group of alternatives')
    if lc != LANG_COUNTS:
        err(f, f'language counts {lc} != {LANG_COUNTS}')

if n != 105:
    err('batch', f'{n} conversations, expected 105')
for t in ['not_sold', 'sold_out', 'not_listed', 'none_in_budget']:
    if not tag_counts.get(t):
        err('batch', f'no conversation tagged {t}')

print(f'{n} conversations; languages {totals}; '
      + ', '.join(f'{t}={tag_counts.get(t, 0)}' for t in ['not_sold', 'sold_out', 'not_listed', 'none_in_budget']))
if errors:
    print(f'FAIL: {len(errors)} problem(s)')
    for e in errors:
        print('  ' + e)
    sys.exit(1)
print('OK: all checks passed')
