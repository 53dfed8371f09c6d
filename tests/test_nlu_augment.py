"""The distillation set's word swaps (fastmodels.training.substituted): which words may be swapped,
for what, and what is never touched."""
import random

import numpy as np

from fastmodels.training import neighbours, substituted, word_spans

# two meanings, each in both languages; a third word alone
WORDS = ["refund", "reimburse", "退款", "cancel", "取消", "撤销", "weather"]
VECTORS = np.array([[1, 0.1, 0], [1, 0.2, 0], [1, 0, 0.1], [0, 1, 0.1], [0.1, 1, 0], [0, 1, 0.2], [0, 0, 1]], float)


def test_words_are_latin_words_and_chinese_words_cut_by_the_lexicon_never_slot_values():
    text = "请取消订单W2378156, mail me at bo@example.com, I want a refund"
    found = [text[s:e] for s, e in word_spans(text, {"取消", "订单"})]
    assert found == ["取消", "订单", "mail", "me", "at", "want", "refund"]  # not W, bo, example, com


def test_neighbours_are_the_nearest_other_words():
    near = neighbours(WORDS, VECTORS, {"refund", "取消"}, k=2)
    assert set(near["refund"]) == {"reimburse", "退款"}
    assert set(near["取消"]) == {"cancel", "撤销"}


def test_each_copy_swaps_at_least_one_word_for_a_neighbour_and_keeps_the_order_id_whole():
    rows = [{"text": "Refund for #W2378156 please"}, {"text": "帮我取消W2378156"}, {"text": "nothing to see"}]
    out = substituted(rows, WORDS[:6], VECTORS[:6], random.Random(0), copies=3, k=2)
    assert len(out) == 6  # the third message has no word in the pool: no copies of it
    for text in out[0::2]:
        assert text.endswith(" for #W2378156 please") and text.split()[0] in ("Reimburse", "退款")
    for text in out[1::2]:
        # a Latin word keeps a space from the order id, which stays one
        assert text in ("帮我cancel W2378156", "帮我撤销W2378156")
