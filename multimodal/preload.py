"""Load every model a worker needs before its first shopper, in the thread that will run them."""
from multimodal.catalogue import load_catalogue_index, load_feature_model
from multimodal.photo_text import load_reader
from multimodal.runtime import run_heavy
from multimodal.speech import DEFAULT_WHISPER_MODEL, load_whisper


def preload_models(whisper_model: str = "", cache_dir: str = "~/.cache/shopagent", timeout_s: float = 300.0):
    """Call once at worker start: otherwise the first voice note or photo waits seconds for the loads."""
    def load():
        load_whisper(whisper_model or DEFAULT_WHISPER_MODEL, cache_dir)
        load_feature_model()
        load_catalogue_index()
        load_reader()

    run_heavy(load, timeout_s)
