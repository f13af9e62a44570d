"""Real Vietnamese speech for the voice tests and bench: the Common Voice clips in
tests/fixtures/voice (CC0, see SOURCES.md), re-encoded as each platform sends voice, and the
word error rate.

Usage:
    for clip in clips(): clip.sentence, clip.data               # MP3 bytes as published
    opus = encode(samples, rate=48_000, fmt="ogg")              # Telegram's OGG/Opus
    aac = encode(samples, rate=16_000, fmt="adts")              # Zalo's raw ADTS AAC
    word_errors("Anh chàng lắc đầu", "anh dằn lắc đầu")         # -> (1, 4)
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

FOLDER = Path(__file__).parent / "fixtures" / "voice"
CODECS = {"ogg": "libopus", "adts": "aac", "mp3": "libmp3lame", "wav": "pcm_s16le"}


@dataclass(frozen=True)
class Clip:
    name: str
    sentence: str  # the reference transcript, as Common Voice gives it

    @property
    def data(self) -> bytes:
        return (FOLDER / self.name).read_bytes()


@cache
def clips() -> tuple[Clip, ...]:
    """The twelve clips, in clips.tsv's order."""
    with (FOLDER / "clips.tsv").open(encoding="utf-8") as file:
        rows = csv.DictReader(file, delimiter="\t", quoting=csv.QUOTE_NONE)
        return tuple(Clip(row["file"], row["sentence"]) for row in rows)


def words(text: str) -> list[str]:
    """Lower case, punctuation gone: how transcripts are compared."""
    return re.findall(r"\w+", unicodedata.normalize("NFC", text).lower())


def word_errors(reference: str, heard: str) -> tuple[int, int]:
    """(substitutions + deletions + insertions, reference words): WER's two numbers."""
    ref, hyp = words(reference), words(heard)
    row = list(range(len(hyp) + 1))
    for i, want in enumerate(ref, 1):
        diagonal, row[0] = row[0], i
        for j, got in enumerate(hyp, 1):
            diagonal, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, diagonal + (want != got))
    return row[len(hyp)], len(ref)


def samples_of(data: bytes, rate: int = 16_000) -> np.ndarray[Any, np.dtype[np.int16]]:
    """Any audio file's sound as mono int16 at `rate` (decoded by PyAV, like the bot)."""
    import av

    out: list[np.ndarray[Any, Any]] = []
    with av.open(io.BytesIO(data)) as container:
        resampler = av.AudioResampler(format="s16", layout="mono", rate=rate)
        for frame in container.decode(audio=0):
            out += [f.to_ndarray().reshape(-1) for f in resampler.resample(frame)]
        out += [f.to_ndarray().reshape(-1) for f in resampler.resample(None)]
    return np.concatenate(out).astype(np.int16)


def encode(
    samples: np.ndarray[Any, np.dtype[np.int16]], *, rate: int, fmt: str, layout: str = "mono"
) -> bytes:
    """Mono int16 samples at `rate` written as `fmt` (ogg: Opus, adts: AAC, mp3, wav) in
    memory; `layout="stereo"` doubles the channel, as some phones record."""
    import av

    buffer = io.BytesIO()
    with av.open(buffer, "w", format=fmt) as container:
        stream = container.add_stream(CODECS[fmt], rate=rate, layout=layout)
        size = stream.codec_context.frame_size or 1024
        channels = 2 if layout == "stereo" else 1
        for start in range(0, len(samples), size):
            chunk = samples[start : start + size]
            planes = np.repeat(chunk.reshape(1, -1), channels, axis=0).T.reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(planes), "s16", layout)
            frame.sample_rate = rate
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return buffer.getvalue()


def tone(seconds: float, *, rate: int, hertz: float = 440.0, dbfs: float = -12.0) -> Any:
    """A sine as mono int16 samples at `rate`, `dbfs` below full scale (its peak)."""
    t = np.arange(int(seconds * rate)) / rate
    peak = 32767 * 10 ** (dbfs / 20)
    return (np.sin(2 * np.pi * hertz * t) * peak).astype(np.int16)


def main_frequency(samples: np.ndarray[Any, Any], rate: int) -> float:
    """The strongest frequency in the samples, in Hz."""
    spectrum = np.abs(np.fft.rfft(samples.astype(np.float64)))
    return float(np.fft.rfftfreq(len(samples), 1 / rate)[int(spectrum.argmax())])
