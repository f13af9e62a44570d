"""Voice messages decoded as the speech engine wants them: 16 kHz mono, from every format
the platforms send, refused kindly when too long, too quiet or not audio at all."""

from __future__ import annotations

import os

import numpy as np
import pytest

from bot.voice.audio import RATE, SoundProblem, decode
from tests.speech import encode, main_frequency, tone


@pytest.mark.parametrize(
    ("fmt", "rate", "layout"),
    [
        ("ogg", 48_000, "mono"),  # Telegram's voice notes: OGG/Opus at 48 kHz
        ("ogg", 48_000, "stereo"),
        ("adts", 16_000, "mono"),  # Zalo's voice_url: raw ADTS AAC, 16 kHz mono (live capture)
        ("adts", 44_100, "stereo"),
        ("mp3", 44_100, "mono"),
        ("wav", 8_000, "mono"),
    ],
)
def test_a_voice_message_becomes_16_khz_mono_with_its_length_and_pitch_kept(
    fmt: str, rate: int, layout: str
):
    data = encode(tone(2.0, rate=rate, hertz=440), rate=rate, fmt=fmt, layout=layout)
    sound = decode(data, max_seconds=60)
    assert sound.samples.dtype == np.int16 and sound.samples.ndim == 1
    assert sound.seconds == pytest.approx(2.0, abs=0.15)  # AAC adds its priming samples
    assert main_frequency(sound.samples, RATE) == pytest.approx(440, abs=5)
    assert sound.loudest_dbfs == pytest.approx(-15, abs=1.5)  # a -12 dB peak sine's RMS


def test_a_message_longer_than_allowed_is_refused_without_decoding_it_all():
    data = encode(tone(6.0, rate=16_000), rate=16_000, fmt="adts")
    with pytest.raises(SoundProblem) as refused:
        decode(data, max_seconds=5)
    assert refused.value.kind == "too_long"
    assert decode(data, max_seconds=7).seconds == pytest.approx(6.0, abs=0.15)


@pytest.mark.parametrize("dbfs", [-70.0, -50.0])
def test_a_message_nobody_spoke_into_is_too_quiet(dbfs: float):
    data = encode(tone(2.0, rate=48_000, dbfs=dbfs), rate=48_000, fmt="ogg")
    with pytest.raises(SoundProblem) as refused:
        decode(data, max_seconds=60)
    assert refused.value.kind == "too_quiet"


def test_the_quietest_real_clip_is_well_above_the_quiet_line():
    from tests.speech import clips

    loudest = [decode(c.data, max_seconds=60).loudest_dbfs for c in clips()]
    assert min(loudest) > -35  # measured: -30 dB the quietest of the twelve, -45 the line


@pytest.mark.parametrize(
    "data",
    [b"", b"OggS" + os.urandom(2000), os.urandom(4000), b"\xff\xf1" + os.urandom(500)],
    ids=["empty", "broken-ogg", "noise-bytes", "broken-adts"],
)
def test_what_is_not_audio_is_unreadable_not_a_crash(data: bytes):
    with pytest.raises(SoundProblem) as refused:
        decode(data, max_seconds=60)
    assert refused.value.kind in ("unreadable", "too_quiet")


SDP = (  # a session description: FFmpeg would open UDP ports 45700/45701 and wait on them
    b"v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=voice\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
    b"m=audio 45700 RTP/AVP 0\r\n"
)
FFCONCAT = b"ffconcat version 1.0\nfile 'pyproject.toml'\n"  # would read a file from disk
PLAYLIST = b"#EXTM3U\n#EXTINF:10,\nfile:///etc/passwd\n"


@pytest.mark.parametrize(
    "data",
    [SDP, FFCONCAT, PLAYLIST, b"fLaC" + os.urandom(100)],
    ids=["sdp", "ffconcat", "m3u", "flac"],
)
def test_only_the_containers_phones_send_are_opened(data: bytes):
    from bot.voice.audio import container_of

    assert container_of(data) is None
    with pytest.raises(SoundProblem) as refused:
        decode(data, max_seconds=60)
    assert refused.value.kind == "unreadable"


@pytest.mark.parametrize(
    ("fmt", "container"),
    [("ogg", "ogg"), ("adts", "aac"), ("mp3", "mp3"), ("wav", "wav")],
)
def test_each_format_phones_send_is_told_by_its_first_bytes(fmt: str, container: str):
    from bot.voice.audio import container_of

    assert container_of(encode(tone(0.5, rate=16_000), rate=16_000, fmt=fmt)) == container
