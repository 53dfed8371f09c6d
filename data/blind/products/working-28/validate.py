#!/usr/bin/env python3
"""Checker for the blindpf27 batch (7 YAML files in this folder + claims.json).

Schema (the test runner's): top level {conversations: [...]}, each conversation with exactly the keys
id, language, reply_language, capability, tags, turns (in that order); tags start with the capability;
each turn has say and, where expected, mentions / not_mentions (in that order).

Checks: file/language counts, the schema above, reply_language (zh->zh, en->en, mixed->zh|en),
capability (product_info / recommend / price_promo), id format and uniqueness, turn counts,
every mention / not_mention string against
db.json (product names, prices as db.json writes them, option values), that claims.json
covers every mention with facts that match db.json (product id, item id, price,
availability), that price mentions point at in-stock variants, that tags agree with the
data (sold_out / none_in_budget), and the filter checks recorded in claims.json
(which variants fit a constraint, which is cheapest, which are all sold out).
Exit 0 when everything passes; warnings do not fail.
"""
import json, os, re, sys, itertools
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
DB_PATH = '/tmp/blind_shop/db.json'
KINDS = ['need', 'do_you_sell', 'specific_variant', 'attribute', 'comparison', 'cheapest_budget', 'follow_up']
LANG_COUNTS = {'zh': 7, 'en': 5, 'mixed': 3}
TAGS = {'not_sold', 'sold_out', 'none_in_budget'}
CAPABILITIES = {'product_info', 'recommend', 'price_promo'}
CONV_KEYS = ['id', 'language', 'reply_language', 'capability', 'tags', 'turns']
TURN_KEY_ORDER = ['say', 'mentions', 'not_mentions']
ID_RE = re.compile(r'^blindpf27-(zh|en|mixed)-(\d{3})$')

errors, warnings = [], []
def err(m): errors.append(m)
def warn(m): warnings.append(m)

raw = open(DB_PATH).read()
DB = json.loads(raw)['products']
NAMES = {p['name']: pid for pid, p in DB.items()}
ITEMS = {iid: (pid, v) for pid, p in DB.items() for iid, v in p['variants'].items()}
# price strings exactly as db.json writes them (read from the raw text of the products section)
prod_raw = raw[raw.index('"products"'):raw.index('"users"')]
RAW_PRICES = set(re.findall(r'"price": ([0-9.]+)', prod_raw))
PRICE_ITEMS = {}
for iid, (pid, v) in ITEMS.items():
    PRICE_ITEMS.setdefault(repr(v['price']), []).append(iid)
assert set(PRICE_ITEMS) == RAW_PRICES, 'repr(price) differs from db.json text'
OPTION_VALUES = {}
for pid, p in DB.items():
    for iid, v in p['variants'].items():
        for k, val in v['options'].items():
            OPTION_VALUES.setdefault(val, set()).add((pid, k))


def classify(s):
    """what a mention string is in db.json terms"""
    out = []
    if s in NAMES: out.append('product_name')
    if s in PRICE_ITEMS: out.append('price')
    if s in OPTION_VALUES: out.append('option_value')
    return out

def flt_ok(opts, flt):
    for k, want in flt.items():
        have = opts.get(k)
        if isinstance(want, dict):
            if have in want.get('not', []): return False
        elif isinstance(want, list):
            if have not in want: return False
        elif have != want:
            return False
    return True

def run_check(cid, ch):
    name = ch['product']
    if name not in NAMES:
        err(f'{cid}: check names unknown product {name!r}'); return
    vs = DB[NAMES[name]]['variants']
    matching = {iid: v for iid, v in vs.items() if flt_ok(v['options'], ch['filter'])}
    if not matching:
        err(f'{cid}: check filter {ch["filter"]} matches no variant of {name}'); return
    avail = {iid: v for iid, v in matching.items() if v['available']}
    c = ch['check']
    if c == 'available_matching_set':
        got = {iid for iid, v in avail.items()
               if (ch.get('max_price') is None or v['price'] <= ch['max_price'])
               and (ch.get('min_price') is None or v['price'] >= ch['min_price'])}
        if got != set(ch['items']):
            err(f'{cid}: {name} {ch["filter"]} max={ch.get("max_price")}: available set is {sorted(got)}, claims say {sorted(ch["items"])}')
    elif c == 'all_matching_unavailable':
        if avail:
            err(f'{cid}: {name} {ch["filter"]} claimed all sold out but {sorted(avail)} available')
    elif c == 'cheapest_available':
        if not avail:
            err(f'{cid}: {name} {ch["filter"]} has nothing available'); return
        best = min(avail.values(), key=lambda v: v['price'])
        if best['item_id'] != ch['item'] and best['price'] != vs.get(ch['item'], {}).get('price'):
            err(f'{cid}: cheapest available {name} {ch["filter"]} is {best["item_id"]} {best["price"]}, claims say {ch["item"]}')
    else:
        err(f'{cid}: unknown check {c}')

def check_claim_fact(cid, cl):
    t = cl['type']
    if t == 'product_name':
        if NAMES.get(cl['text']) != cl['product_id']:
            err(f'{cid}: name claim {cl["text"]!r} != product {cl["product_id"]}')
    elif t == 'price':
        it = ITEMS.get(cl['item_id'])
        if not it:
            err(f'{cid}: unknown item {cl["item_id"]}'); return
        pid, v = it
        if pid != cl['product_id']: err(f'{cid}: item {cl["item_id"]} is not in product {cl["product_id"]}')
        if repr(v['price']) != cl['text'] or v['price'] != cl['price']:
            err(f'{cid}: price claim {cl["text"]} != db {v["price"]} for {cl["item_id"]}')
        if v['available'] != cl['available']:
            err(f'{cid}: availability claim for {cl["item_id"]} is {cl["available"]}, db says {v["available"]}')
        if v['options'] != cl['options']:
            err(f'{cid}: options claim for {cl["item_id"]} differ from db')
    elif t == 'option_value':
        p = DB.get(cl['product_id'])
        if not p: err(f'{cid}: unknown product {cl["product_id"]}'); return
        items = {iid for iid, v in p['variants'].items() if v['options'].get(cl['option']) == cl['value']}
        av = {iid for iid in items if p['variants'][iid]['available']}
        if cl['text'] != cl['value'] or not items:
            err(f'{cid}: option claim {cl["text"]!r} not a value of {p["name"]}.{cl["option"]}')
        if av != set(cl['available_item_ids']) or (items - av) != set(cl['unavailable_item_ids']):
            err(f'{cid}: option claim availability for {cl["value"]} differs from db')
    else:
        err(f'{cid}: unknown claim type {t}')

claims = json.load(open(os.path.join(HERE, 'claims.json')))
seen_ids, seen_nums, all_says = set(), set(), []
stats = {}
for kind in KINDS:
    path = os.path.join(HERE, kind + '.yaml')
    if not os.path.exists(path):
        err(f'missing {kind}.yaml'); continue
    text = open(path, encoding='utf-8').read()
    if not text.startswith('#'): err(f'{kind}.yaml: no leading comment line')
    for ln, line in enumerate(text.splitlines(), 1):
        # mention lists are written in flow style on one line
        if re.match(r'^\s+(not_)?mentions:', line) and not re.match(r'^\s+(not_)?mentions: \[.*\]$', line):
            err(f'{kind}.yaml:{ln}: mentions not in flow style')
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or list(data) != ['conversations']:
        err(f'{kind}.yaml: top level must be {{conversations: [...]}}'); continue
    convs = data['conversations']
    langs = {}
    if len(convs) != 15: err(f'{kind}.yaml: {len(convs)} conversations, want 15')
    for c in convs:
        cid = c.get('id', '?')
        if list(c) != CONV_KEYS:
            err(f'{cid}: keys {list(c)}, want {CONV_KEYS}'); continue
        m = ID_RE.match(str(cid))
        if not m: err(f'{cid}: bad id'); continue
        if cid in seen_ids: err(f'{cid}: duplicate id')
        if m.group(2) in seen_nums: err(f'{cid}: NNN {m.group(2)} reused')
        seen_ids.add(cid); seen_nums.add(m.group(2))
        if c['language'] != m.group(1): err(f'{cid}: language {c["language"]} does not match id')
        if c['language'] not in LANG_COUNTS: err(f'{cid}: language {c["language"]}')
        langs[c['language']] = langs.get(c['language'], 0) + 1
        want_rl = {'zh': {'zh'}, 'en': {'en'}, 'mixed': {'zh', 'en'}}.get(c['language'], set())
        if c['reply_language'] not in want_rl: err(f'{cid}: reply_language {c["reply_language"]} for language {c["language"]}')
        if c['capability'] not in CAPABILITIES: err(f'{cid}: capability {c["capability"]}')
        all_tags = c['tags']
        if not isinstance(all_tags, list) or not all_tags or all_tags[0] != c['capability']:
            err(f'{cid}: tags {all_tags} must start with the capability'); continue
        tags = all_tags[1:]
        if not set(tags) <= TAGS or len(set(tags)) != len(tags): err(f'{cid}: tags {all_tags}')
        turns = c['turns']
        lo, hi = (2, 4) if kind == 'follow_up' else (1, 2)
        if not (lo <= len(turns) <= hi): err(f'{cid}: {len(turns)} turns, want {lo}-{hi}')
        cl = claims.get(cid)
        if cl is None: err(f'{cid}: no claims'); continue
        if cl['tags'] != tags or cl['kind'] != kind: err(f'{cid}: claims tags/kind differ from YAML')
        yaml_m, yaml_nm = [], []
        for ti, t in enumerate(turns):
            if not isinstance(t, dict) or list(t) != [k for k in TURN_KEY_ORDER if k in t] or 'say' not in t:
                err(f'{cid} t{ti}: turn keys {list(t) if isinstance(t, dict) else t}'); continue
            say = t.get('say')
            if not isinstance(say, str) or not say.strip(): err(f'{cid} t{ti}: empty say')
            all_says.append((cid, say))
            exp = t  # mentions / not_mentions sit on the turn
            for k in ('mentions', 'not_mentions'):
                if k in exp and (not isinstance(exp[k], list) or not exp[k]): err(f'{cid} t{ti}: {k} must be a non-empty list')
            for item in exp.get('mentions', []):
                if isinstance(item, list):
                    if len(item) < 2: err(f'{cid} t{ti}: any-of list with <2 items')
                    for s in item:
                        if not isinstance(s, str): err(f'{cid} t{ti}: mention {s!r} is not a string')
                        yaml_m.append((ti, str(s), True))
                else:
                    if not isinstance(item, str): err(f'{cid} t{ti}: mention {item!r} is not a string')
                    yaml_m.append((ti, str(item), False))
            if 'not_mentions' in exp:
                if kind != 'need': err(f'{cid}: not_mentions outside need.yaml')
                for s in exp['not_mentions']:
                    if isinstance(s, list): err(f'{cid}: nested not_mentions')
                    elif not isinstance(s, str): err(f'{cid} t{ti}: not_mention {s!r} is not a string')
                    yaml_nm.append((ti, str(s)))
            ms = {s for (tt, s, _) in yaml_m if tt == ti}
            nms = {s for (tt, s) in yaml_nm if tt == ti}
            if ms & nms: err(f'{cid} t{ti}: {ms & nms} both mentioned and not_mentioned')
        # every mention string is db data and backed by a claim
        for (ti, s, anyof) in yaml_m:
            kinds = classify(s)
            if not kinds: err(f'{cid} t{ti}: mention {s!r} is not a product name, price or option value in db.json')
            cands = [x for x in cl['mentions'] if x['turn'] == ti and x['text'] == s and x['any_of'] == anyof]
            if len(cands) != 1: err(f'{cid} t{ti}: mention {s!r} has {len(cands)} claims'); continue
            x = cands[0]
            if x['type'] not in kinds: err(f'{cid} t{ti}: claim type {x["type"]} for {s!r} but string is {kinds}')
            check_claim_fact(cid, x)
            if x['type'] == 'price' and not x['available']:
                err(f'{cid} t{ti}: mention price {s} is a sold-out variant ({x["item_id"]})')
            if x['type'] == 'option_value' and not x['available_item_ids']:
                err(f'{cid} t{ti}: mention option {s} has no variant in stock')
            if x['type'] == 'price':
                # a shorter price string can be matched inside a longer one the bot may quote
                sib = [repr(v['price']) for v in DB[x['product_id']]['variants'].values()
                       if repr(v['price']) != s and repr(v['price']).startswith(s)]
                if sib: warn(f'{cid} t{ti}: price {s} is a prefix of {sib} in {x["product"]}')
        for (ti, s) in yaml_nm:
            if not classify(s): err(f'{cid} t{ti}: not_mention {s!r} not db data')
            cands = [x for x in cl['not_mentions'] if x['turn'] == ti and x['text'] == s]
            if len(cands) != 1: err(f'{cid} t{ti}: not_mention {s!r} has {len(cands)} claims'); continue
            check_claim_fact(cid, cands[0])
            # a forbidden price must not be the price of another variant a good reply might need
            if cands[0]['type'] == 'price':
                same = [i for i in PRICE_ITEMS[s] if i != cands[0]['item_id']]
                if same: err(f'{cid} t{ti}: not_mention price {s} is shared by items {same}')
        if len(cl['mentions']) != len(yaml_m) or len(cl['not_mentions']) != len(yaml_nm):
            err(f'{cid}: claims.json has extra mention claims')
        # tags vs data
        asked = cl['asked_unavailable']
        for a in asked:
            pid, v = ITEMS[a['item_id']]
            if v['available'] or a['available']: err(f'{cid}: asked item {a["item_id"]} is in stock, not sold out')
            if v['price'] != a['price'] or pid != a['product_id']: err(f'{cid}: asked item facts differ from db')
        if ('sold_out' in tags) != bool(asked): err(f'{cid}: sold_out tag vs asked_unavailable claims disagree')
        budget_none = [ch for ch in cl['checks'] if ch['check'] == 'available_matching_set'
                       and ch.get('max_price') is not None and ch['items'] == []]
        if ('none_in_budget' in tags) != bool(budget_none): err(f'{cid}: none_in_budget tag vs checks disagree')
        if 'not_sold' in tags and kind not in ('do_you_sell', 'need'):
            warn(f'{cid}: not_sold outside do_you_sell/need')
        for ch in cl['checks']: run_check(cid, ch)
        # each price mention should be covered by a check or be the only variant asked for
        for x in cl['mentions']:
            if x['type'] == 'price':
                covered = any((x['item_id'] in ch.get('items', [])) or ch.get('item') == x['item_id'] for ch in cl['checks'])
                if not covered: warn(f'{cid}: price {x["text"]} ({x["item_id"]}) not covered by a filter check')
    if langs != LANG_COUNTS: err(f'{kind}.yaml: languages {langs}, want {LANG_COUNTS}')
    stats[kind] = langs
extra = set(claims) - seen_ids
if extra: err(f'claims.json has ids not in YAML: {sorted(extra)}')
# repeated sentences / templates
says = [s for _, s in all_says]
dups = {s for s in says if says.count(s) > 1}
if dups: err(f'repeated shopper turns: {dups}')
for (a, sa), (b, sb) in itertools.combinations(all_says, 2):
    if a == b: continue
    # shared long run of characters between two different conversations = likely template reuse
    n = 14
    grams = {sa[i:i + n] for i in range(len(sa) - n + 1)}
    hit = next((sb[i:i + n] for i in range(len(sb) - n + 1) if sb[i:i + n] in grams), None)
    if hit: warn(f'{a} / {b}: shared text {hit!r}')

for k, v in stats.items(): print(f'{k:18s} {v}')
print(f'{len(seen_ids)} conversations, {len(all_says)} shopper turns')
for w in warnings: print('WARN', w)
for e in errors: print('ERROR', e)
print('PASS' if not errors else f'FAIL ({len(errors)} errors)')
sys.exit(1 if errors else 0)
