"""Text in a shopper's photo (rapidocr, PP-OCRv4 on onnxruntime) and the slots it fills.

Order numbers come from order-page screenshots, model numbers from product labels; both are read
strictly so a stray string on a photo does not become an order to look up.
"""
import re
from functools import lru_cache

import numpy as np
from PIL import Image

# "#W1234567" as OCR reads it: '#' often lost, spaces inserted, O/I/S/B mistaken for digits
ORDER_ID = re.compile(r"(?<![A-Z0-9])#?\s?W\s?([0-9OILSB]{7})(?![0-9])", re.IGNORECASE)
DIGIT_LOOKALIKES = str.maketrans("OoIiLlSsBb", "0011115588")
# "Model: XB-2000", "Model No. KT-15S", "型号：AB123"; the code must hold a digit
MODEL_NUMBER = re.compile(r"(?:model|mod\.|型号)\s*(?:no\.?|number|#)?\s*[:：]?\s*([A-Z0-9][A-Z0-9\-/.]{2,19})",
                          re.IGNORECASE)


@lru_cache(maxsize=1)
def load_reader():
    """Once per process; onnxruntime runs on the GPU only where its CUDA provider is installed."""
    import onnxruntime
    from rapidocr_onnxruntime import RapidOCR

    cuda = "CUDAExecutionProvider" in onnxruntime.get_available_providers()
    return RapidOCR(det_use_cuda=cuda, cls_use_cuda=cuda, rec_use_cuda=cuda)


def read_text(image: Image.Image) -> str:
    """Lines of text top to bottom, as read."""
    result, _timings = load_reader()(np.asarray(image.convert("RGB"))[:, :, ::-1])  # it expects BGR
    return "\n".join(text for _box, text, _score in result or [])


def slots_from_text(text: str) -> dict:
    """Slots of intents.md that a photo's text can fill: order_id (normalised) and product (a model number)."""
    slots = {}
    for found in ORDER_ID.finditer(text):
        if sum(c.isdigit() for c in found.group(1)) >= 5:  # mostly digits: a misread, not a word after a W
            slots["order_id"] = "#W" + found.group(1).translate(DIGIT_LOOKALIKES)
            break
    for found in MODEL_NUMBER.finditer(text):
        code = found.group(1).rstrip(".")
        if re.search(r"\d", code):
            slots["product"] = code
            break
    return slots
