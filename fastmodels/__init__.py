"""Fast understanding tier: distilled bilingual intent, slot and frustration models.

    from fastmodels import load_nlu
    nlu = load_nlu()
    [u] = nlu.predict(["我的订单W2378156到哪了"])
"""


def load_nlu(model_dir=None, **options):
    """The shipped student (INT8 ONNX) or the one in model_dir; options: precision, threads, providers."""
    from fastmodels.nlu import load_nlu as load  # onnxruntime is imported only by those who need it
    return load(model_dir, **options)
