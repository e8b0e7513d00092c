"""Whisper-style log-mel features as Smart Turn v3 expects them (80 mels, 8 s at 16 kHz).

Vendored from Pipecat (pipecat-ai 1.14.0, `pipecat/audio/turn/smart_turn/_whisper_features.py`,
Copyright (c) 2024-2026, Daily, BSD 2-Clause License), itself derived from Hugging Face
Transformers (`models/whisper/feature_extraction_whisper.py`, `audio_utils.py`, Copyright
2022-2023 The HuggingFace Inc. team and the librosa & torchaudio authors, Apache License
2.0). Types added; the arithmetic is unchanged, so `bench.end_of_turn` feeds the model
exactly what Pipecat does. Only the benchmark uses it.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numpy.lib.stride_tricks import sliding_window_view

Floats = npt.NDArray[np.float64]

N_FFT = 400
HOP_LENGTH = 160
N_MELS = 80
RATE = 16000
SECONDS = 8
MEL_FLOOR = 1e-10
NORM_VARIANCE_EPS = 1e-7


def _hertz_to_mel_slaney(freq: Floats) -> Floats:
    min_log_hertz, min_log_mel, logstep = 1000.0, 15.0, 27.0 / np.log(6.4)
    freq = np.atleast_1d(np.asarray(freq, dtype=np.float64))
    mels = 3.0 * freq / 200.0
    log_region = freq >= min_log_hertz
    mels[log_region] = min_log_mel + np.log(freq[log_region] / min_log_hertz) * logstep
    return mels


def _mel_to_hertz_slaney(mels: Floats) -> Floats:
    min_log_hertz, min_log_mel, logstep = 1000.0, 15.0, np.log(6.4) / 27.0
    mels = np.atleast_1d(np.asarray(mels, dtype=np.float64))
    freq = 200.0 * mels / 3.0
    log_region = mels >= min_log_mel
    freq[log_region] = min_log_hertz * np.exp(logstep * (mels[log_region] - min_log_mel))
    return freq


def _mel_filterbank(bins: int, filters: int, low: float, high: float, rate: int) -> Floats:
    """Slaney-normalized triangular filters, shape (bins, filters)."""
    mel_min = float(_hertz_to_mel_slaney(np.array([low], dtype=np.float64))[0])
    mel_max = float(_hertz_to_mel_slaney(np.array([high], dtype=np.float64))[0])
    filter_freqs = _mel_to_hertz_slaney(np.linspace(mel_min, mel_max, filters + 2))
    fft_freqs = np.linspace(0, rate // 2, bins)
    filter_diff = np.diff(filter_freqs)
    slopes = np.expand_dims(filter_freqs, 0) - np.expand_dims(fft_freqs, 1)
    down_slopes = -slopes[:, :-2] / filter_diff[:-1]
    up_slopes = slopes[:, 2:] / filter_diff[1:]
    mel_filters: Floats = np.maximum(np.zeros(1), np.minimum(down_slopes, up_slopes))
    enorm = 2.0 / (filter_freqs[2:filters + 2] - filter_freqs[:filters])
    return mel_filters * np.expand_dims(enorm, 0)


HANN = np.hanning(N_FFT + 1)[:-1]  # periodic, as torch.hann_window
MEL_FILTERS = _mel_filterbank(N_FFT // 2 + 1, N_MELS, 0.0, RATE / 2.0, RATE)


def _power_spectrogram(waveform: npt.NDArray[np.float32]) -> Floats:
    """Centered (reflect-padded) power spectrogram, (bins, frames), in float64."""
    pad = N_FFT // 2
    padded = np.pad(waveform.astype(np.float64), (pad, pad), mode="reflect")
    windows = sliding_window_view(padded, N_FFT)[::HOP_LENGTH]
    spectrum = np.fft.rfft(windows * HANN, axis=-1)
    power: Floats = (np.abs(spectrum) ** 2).T
    return power


def log_mel(audio: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """(80, 800) features of 8 s of 16 kHz float audio in [-1, 1] (zero-padded at the end
    or cut), the waveform normalized to zero mean and unit variance first."""
    x = np.asarray(audio, dtype=np.float32)
    wanted = RATE * SECONDS
    x = np.pad(x, (0, wanted - x.size)) if x.size < wanted else x[:wanted]
    x = (x - x.mean()) / np.sqrt(x.var() + NORM_VARIANCE_EPS)
    mel = np.maximum(MEL_FLOOR, MEL_FILTERS.T @ _power_spectrogram(x))
    spectrum = np.log10(mel)[:, :-1]
    spectrum = np.maximum(spectrum, spectrum.max() - 8.0)
    features: npt.NDArray[np.float32] = ((spectrum + 4.0) / 4.0).astype(np.float32)
    return features
