"""Voice notes and photos from shoppers, turned into what a typed message would carry.

The gateway calls check_upload (fast, no model); the worker calls transcribe and read_photo, whose
models load once per process and run on the CPU, or on a GPU when the machine has one.
"""
from multimodal.catalogue import Match
from multimodal.media import UploadRejected
from multimodal.photos import PhotoReading, read_photo
from multimodal.preload import preload_models
from multimodal.runtime import MediaTimeout
from multimodal.speech import Transcript, transcribe
from multimodal.uploads import check_upload

__all__ = ["check_upload", "transcribe", "read_photo", "preload_models", "UploadRejected", "MediaTimeout", "Transcript",
           "PhotoReading", "Match"]
