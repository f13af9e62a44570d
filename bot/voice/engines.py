"""Speech engines behind one small interface, so another can replace the one we use.

Usage:
    engine = load_engine("viet-asr")          # VoiceUnavailable without the voice extra
    engine.transcribe(sound.samples)          # -> "cài vneid cho ba người"

`viet-asr` (Apache-2.0) carries its Vietnamese model inside its wheel and was built
without any way to download: nothing leaves the machine. It is alpha and has one
maintainer, so it is pinned in pyproject.toml and used only through `Transcriber`.
"""

from __future__ import annotations

import importlib.util
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)
INSTALL_HINT = "pip install 'gotungnha[voice]'"


class VoiceUnavailable(RuntimeError):
    """The voice extra or the chosen engine is not installed here."""


class Transcriber(Protocol):
    """Turns 16 kHz mono int16 samples into words."""

    name: str

    def transcribe(self, samples: np.ndarray[Any, np.dtype[np.int16]]) -> str:
        """The words said, lower case, or "" when nothing was understood."""
        ...


class VietAsr:
    """viet-asr's offline model; one pipeline per thread that uses it (about 280 MB each)."""

    name = "viet-asr"

    def __init__(self) -> None:
        import vietasr  # noqa: F401  (fail here, at start, when the extra is missing)

        self._local = threading.local()

    def _pipeline(self) -> Any:
        pipeline = getattr(self._local, "pipeline", None)
        if pipeline is None:
            import vietasr
            from vietasr.ffi import native

            native.lib.vietasr_set_log_level(3)  # its INFO lines would bypass our log format
            # only the recogniser: its other modules (punctuation, numbers, silence) would
            # want to download models
            pipeline = vietasr.Pipeline.new().add("vietasr").build()
            self._local.pipeline = pipeline
            log.info("voice engine loaded engine=viet-asr")
        return pipeline

    def transcribe(self, samples: np.ndarray[Any, np.dtype[np.int16]]) -> str:
        """The words the model hears in the samples."""
        import numpy as np

        if len(samples) == 0:
            return ""
        result = self._pipeline().transcribe(np.ascontiguousarray(samples, dtype=np.int16))
        return " ".join(str(result.text).split())


ENGINES: dict[str, Callable[[], Transcriber]] = {"viet-asr": VietAsr}
NEEDS = {"viet-asr": ("av", "vietasr")}  # what each engine imports: the voice extra


def missing(name: str) -> list[str]:
    """The modules the engine needs that are not installed (empty: it can run)."""
    return [module for module in NEEDS.get(name, ()) if not _installed(module)]


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # blocked, or a broken install
        return False


def load_engine(name: str) -> Transcriber:
    """The named engine, ready to hear; VoiceUnavailable (in Vietnamese) when it cannot be."""
    if name not in ENGINES:
        raise VoiceUnavailable(
            f"Không có bộ nhận dạng giọng nói “{name}”. Dùng: {', '.join(ENGINES)}."
        )
    if absent := missing(name):
        raise VoiceUnavailable(
            f"Chưa cài phần nghe tin thoại (thiếu {', '.join(absent)}). Cài: {INSTALL_HINT}"
        )
    return ENGINES[name]()
