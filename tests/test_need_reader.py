"""The need reader (agent/catalogue_search.py, scripts/need_reader.py): which products a shopper's need is for,
learned from needs in shoppers' own words in the read blind batches, and rebuilt from them reproducibly."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

from agent import catalogue_search
from agent.catalogue_search import by_meaning, products_for

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import need_reader  # noqa: E402


def test_the_examples_are_the_read_batches_needs_and_no_unread_batch_is_among_them():
    shipped = yaml.safe_load(catalogue_search.NEEDS.read_text(encoding="utf-8"))
    assert shipped == need_reader.examples(), "a batch was read or changed: run python scripts/need_reader.py"
    assert len(shipped) >= 500 and all(e["from"].startswith("working") for e in shipped)
    catalogue = set(yaml.safe_load(catalogue_search.USES.read_text(encoding="utf-8")))
    assert all(e["products"] and set(e["products"]) <= catalogue for e in shipped)


def test_the_shipped_reader_is_what_its_examples_train():
    from fastmodels.encoder import shared_encoder

    needs = yaml.safe_load(catalogue_search.NEEDS.read_text(encoding="utf-8"))
    names, own = catalogue_search.product_vectors()
    vectors = shared_encoder().encode([n["text"] for n in needs])
    model = need_reader.fit(needs, vectors / np.linalg.norm(vectors, axis=1, keepdims=True), names, own)
    shipped = np.load(catalogue_search.READER)
    assert [str(n) for n in shipped["names"]] == names
    np.testing.assert_allclose(shipped["coef"], model.coef_, atol=0.02)  # (the solver's tolerance: a changed
    np.testing.assert_allclose(shipped["intercept"], model.intercept_, atol=0.02)  # example or use moves them more)


@pytest.mark.parametrize("need, product", [
    ("we would love to cook outdoors this summer when the family visits", "Grill"),
    ("something comfy to sit on at my desk all day", "Office Chair"),
    ("my son spends every afternoon at the skate park", "Skateboard"),
    ("她每天晚上写作业 灯光太暗了", "Desk Lamp"),
    ("孩子要住校了 想买个装课本的", "Backpack"),
])
def test_a_need_in_words_of_its_own_finds_its_product_first(need, product):
    assert products_for(need)[0] == product


def test_few_products_for_a_clear_need_and_none_where_no_need_is_named():
    assert products_for("my son spends every afternoon at the skate park") == ["Skateboard"]
    assert products_for("hello, how are you?") == []
    assert by_meaning("rainy weekend, the kids are bored, anything for the kitchen table?")[0] == "Jigsaw Puzzle"


def test_without_a_reader_for_this_catalogue_the_products_named_nearest_first(monkeypatch):
    """A reader trained for another shop's products is not used: the products whose use words the need names."""
    monkeypatch.setattr(catalogue_search, "_reader", lambda: None)
    catalogue_search._products_for.cache_clear()
    try:
        found = products_for("she goes hiking and camping every weekend")
        assert found and set(found) == {n for n in catalogue_search._uses()
                                        if catalogue_search.uses_named("she goes hiking and camping every weekend", n)}
        assert len(by_meaning("something for the kitchen table")) == len(catalogue_search._uses())
    finally:
        catalogue_search._products_for.cache_clear()
