"""A voice message as the speech engine wants it: 16 kHz mono 16-bit samples, in memory.

Usage:
    sound = decode(data, max_seconds=60)   # Telegram's OGG/Opus, Zalo's ADTS AAC, WAV…
    sound.seconds, sound.samples            # numpy int16 at RATE

PyAV (FFmpeg inside the wheel) reads the bytes from memory: the sound never touches the
disk. Decoding stops as soon as the message is longer than allowed. Only the containers
phones send are opened, told by their first bytes and named to FFmpeg: never one FFmpeg
would guess, such as a session description that opens network ports or a playlist that
reads files.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

RATE = 16_000  # what the speech engine hears
QUIET_DBFS = -45.0  # the loudest tenth of a second below this: nobody spoke near the phone
_WINDOW = RATE // 10


class SoundProblem(Exception):
    """The message cannot be heard: `kind` is too_long, too_quiet or unreadable."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}{': ' + detail if detail else ''}")
        self.kind = kind


@dataclass(frozen=True)
class Sound:
    """Mono 16-bit samples at RATE."""

    samples: np.ndarray[Any, np.dtype[np.int16]]

    @property
    def seconds(self) -> float:
        return len(self.samples) / RATE

    @property
    def loudest_dbfs(self) -> float:
        """How loud the loudest tenth of a second is, in dB below full scale."""
        samples = self.samples.astype(np.float64)
        usable = len(samples) - len(samples) % _WINDOW
        if usable == 0:
            windows = samples.reshape(1, -1) if len(samples) else np.zeros((1, 1))
        else:
            windows = samples[:usable].reshape(-1, _WINDOW)
        rms = float(np.sqrt((windows**2).mean(axis=1)).max())
        return 20 * math.log10(max(rms, 1e-9) / 32768)


def container_of(data: bytes) -> str | None:
    """The FFmpeg format of a voice message by its first bytes: Ogg (Telegram's Opus), ADTS
    AAC (Zalo), MP3, MP4/M4A (Telegram's round videos and audio), WAV; None for anything else."""
    head = data[:12]
    if head.startswith(b"OggS"):
        return "ogg"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "wav"
    if head[4:8] == b"ftyp":
        return "mov"  # FFmpeg's demuxer for MP4, M4A and 3GP
    if head.startswith(b"ID3"):
        return "mp3"
    if len(head) >= 2 and head[0] == 0xFF:
        if head[1] & 0xF6 == 0xF0:  # sync word and layer 0: ADTS
            return "aac"
        if head[1] & 0xE0 == 0xE0 and head[1] & 0x06:  # sync word and a layer: MPEG audio
            return "mp3"
    return None


def decode(data: bytes, *, max_seconds: float) -> Sound:
    """Decode a voice message (an allowed container only) into 16 kHz mono; refuse what is
    too long, silent, or not one of the containers phones send."""
    import av  # the voice extra: imported only when a voice message comes

    fmt = container_of(data)
    if fmt is None:
        raise SoundProblem("unreadable", "not an audio container phones send")
    limit = int(max_seconds * RATE)
    chunks: list[np.ndarray[Any, Any]] = []
    have = 0
    try:
        with av.open(io.BytesIO(data), mode="r", format=fmt) as container:
            if not container.streams.audio:
                raise SoundProblem("unreadable", "no audio stream")
            resampler = av.AudioResampler(format="s16", layout="mono", rate=RATE)
            for frame in container.decode(audio=0):
                for out in resampler.resample(frame):
                    chunk = out.to_ndarray().reshape(-1)
                    chunks.append(chunk)
                    have += len(chunk)
                if have > limit:
                    raise SoundProblem("too_long", f"over {max_seconds:g} s")
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(-1))
    except av.FFmpegError as exc:
        raise SoundProblem("unreadable", type(exc).__name__) from None
    samples = np.concatenate(chunks).astype(np.int16) if chunks else np.zeros(0, np.int16)
    if len(samples) > limit:
        raise SoundProblem("too_long", f"over {max_seconds:g} s")
    sound = Sound(samples)
    if sound.seconds < 0.2 or sound.loudest_dbfs < QUIET_DBFS:
        raise SoundProblem("too_quiet", f"{sound.loudest_dbfs:.0f} dBFS")
    return sound
