"""The intent model: which of a script's intents a sentence means, with a probability.

One model per (language, training set). It learns from the built-in examples
(`lang/examples_<lang>.py`) plus whatever a script adds (its menu choices' examples
and phrases, its FAQ questions). Features are those a phone sentence carries even when the
recogniser drops or mangles words:

- word stems (Snowball) and pairs of neighbouring stems, so "booking" ~ "book" and
  "call back" differs from "call";
- character n-grams (3 and 4 letters) inside words, so a misspelt or half-heard word
  ("apointment", « rendévous ») still lands near the right one.

Each block is TF-IDF weighted and L2-normalised; a multinomial logistic regression
(scikit-learn, lbfgs: deterministic) learns the weights. Scikit-learn is only imported to
*train*; classifying a sentence is a dot product over the features present (numpy), a
fraction of a millisecond. Training takes a few hundred milliseconds, done once per script
version (`model_for` caches by training set, which a version never changes).
"""

from __future__ import annotations

import itertools
import math
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import snowballstemmer  # type: ignore[import-untyped]

from receptionist.i18n import lang_key
from receptionist.understanding import model_files
from receptionist.understanding.lang import words_of
from receptionist.understanding.phrase_match import normalize

OUT_OF_SCOPE = "out_of_scope"
BUILTIN_INTENTS = ("book", "manage_booking", "message", "hours", "location", "transfer",
                   "urgent", "yes", "no", "repeat", "goodbye", OUT_OF_SCOPE)
# Text beyond this is not read: a caller's sentence is a few dozen words.
MAX_CHARS = 600
CHAR_SIZES = (3, 4)  # character n-grams: 5-grams cost training time and add nothing measured
CHAR_WEIGHT = 1.0  # the character block's share against the word block's (1.0)
REGULARISATION_C = 8.0
TOLERANCE = 1e-3
MIN_SEEN = 2  # sentences a character gram or word pair must be in to be a feature

_stem_lock = threading.Lock()  # snowballstemmer's stemmers keep state between calls


def builtin_examples(language: str) -> dict[str, tuple[str, ...]]:
    """The built-in examples of one language, by intent."""
    return dict(_builtin(lang_key(language)))


@lru_cache(maxsize=2)
def _builtin(lang: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    source = words_of(lang).examples
    return tuple((intent, tuple(line.strip() for line in text.strip().splitlines()
                                if line.strip()))
                 for intent, text in source.items())


@lru_cache(maxsize=2)
def _stemmer(lang: str) -> Any:
    return snowballstemmer.stemmer(words_of(lang).stemmer)


@lru_cache(maxsize=50_000)
def _word_features(word: str, lang: str) -> tuple[str, tuple[str, ...]]:
    """(stem, character n-grams) of one word: words repeat, so this is computed once."""
    if word.isdigit():
        stem = word
    else:
        with _stem_lock:
            stem = _stemmer(lang).stemWord(word)
    padded = f"<{word}>"
    grams = tuple(f"c {padded[i:i + n]}" for n in CHAR_SIZES
                  for i in range(len(padded) - n + 1))
    return stem, grams


def features(text: str, language: str) -> list[str]:
    """The features of one sentence (repeated features count more)."""
    lang = lang_key(language)
    per_word = [_word_features(w, lang) for w in normalize(text[:MAX_CHARS])]
    stems = [stem for stem, _ in per_word]
    found = [f"w {s}" for s in stems]
    found += [f"b {a} {b}" for a, b in itertools.pairwise(stems)]
    for _, grams in per_word:
        found += grams
    return found


@dataclass(frozen=True)
class TrainingSet:
    """What a model learns: per intent, example sentences. Hashable, so it keys the cache."""

    language: str
    intents: tuple[tuple[str, tuple[str, ...]], ...]

    @classmethod
    def of(cls, language: str, extra: Mapping[str, Sequence[str]] | None = None
           ) -> TrainingSet:
        """The built-in examples of `language`, plus `extra` examples per intent (new intents
        or more examples for a built-in one)."""
        merged = {intent: list(examples) for intent, examples in
                  builtin_examples(language).items()}
        for intent, examples in (extra or {}).items():
            bucket = merged.setdefault(intent, [])
            bucket += [e for e in examples if e.strip() and e not in bucket]
        return cls(lang_key(language),
                   tuple((intent, tuple(examples)) for intent, examples in sorted(merged.items())
                         if examples))


@dataclass(frozen=True)
class Ranked:
    intent: str
    probability: float


class IntentModel:
    """A trained model: `rank(text)` gives every intent with its probability, best first."""

    def __init__(self, language: str, intents: Sequence[str], vocabulary: dict[str, int],
                 idf: np.ndarray, is_char: np.ndarray, weights: np.ndarray,
                 bias: np.ndarray) -> None:
        self.language = language
        self.intents = tuple(intents)
        self._vocabulary = vocabulary
        self._idf = idf
        self._is_char = is_char  # which features are character n-grams
        self._weights = weights  # (intents, features)
        self._bias = bias

    def arrays(self) -> dict[str, np.ndarray]:
        """The model as plain arrays (model_files)."""
        return {"language": np.array(self.language), "intents": np.array(self.intents),
                "features": np.array(sorted(self._vocabulary, key=self._vocabulary.__getitem__)),
                "idf": self._idf, "is_char": self._is_char, "weights": self._weights,
                "bias": self._bias}

    def _vector(self, text: str) -> tuple[np.ndarray, np.ndarray] | None:
        counts: dict[int, int] = {}
        for feature in features(text, self.language):
            index = self._vocabulary.get(feature)
            if index is not None:
                counts[index] = counts.get(index, 0) + 1
        if not counts:
            return None
        return _weighted(counts, self._idf, self._is_char)

    def known_share(self, text: str) -> float:
        """The share of the sentence's words (3 letters or more) the model has seen: a
        sentence mostly about something else ("book a flight to Paris") is not about the
        intent its one familiar word suggests. 1.0 for a sentence without such words."""
        words = [w for w in normalize(text[:MAX_CHARS]) if len(w) >= 3 and not w.isdigit()]
        if not words:
            return 1.0
        stems = [_word_features(w, self.language)[0] for w in words]
        return sum(f"w {s}" in self._vocabulary for s in stems) / len(stems)

    def rank(self, text: str) -> list[Ranked]:
        """Every intent with its probability, best first. A sentence with no known feature
        (silence, emoji, a foreign script) is out of scope with certainty."""
        vector = self._vector(text)
        if vector is None:
            return [Ranked(OUT_OF_SCOPE, 1.0),
                    *(Ranked(i, 0.0) for i in self.intents if i != OUT_OF_SCOPE)]
        indices, values = vector
        scores = self._weights[:, indices] @ values + self._bias
        scores = np.exp(scores - scores.max())
        probabilities = scores / scores.sum()
        order = sorted(range(len(self.intents)), key=lambda i: (-probabilities[i], i))
        return [Ranked(self.intents[i], float(probabilities[i])) for i in order]


def _weighted(counts: Mapping[int, int], idf: np.ndarray, is_char: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray]:
    """Sublinear TF x IDF, each block (words, characters) L2-normalised, characters
    scaled by CHAR_WEIGHT."""
    indices = np.fromiter(counts, dtype=np.int64, count=len(counts))
    values = np.array([1.0 + math.log(counts[i]) for i in indices]) * idf[indices]
    chars = is_char[indices]
    for mask, scale in ((~chars, 1.0), (chars, CHAR_WEIGHT)):
        norm = float(np.linalg.norm(values[mask]))
        if norm > 0:
            values[mask] *= scale / norm
    return indices, values


def train(training: TrainingSet) -> IntentModel:
    """Fit a model (deterministic: the same set gives the same weights)."""
    from scipy.sparse import csr_matrix  # type: ignore[import-untyped]
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

    sentences: list[str] = []
    labels: list[int] = []
    names = [intent for intent, _ in training.intents]
    for label, (_, examples) in enumerate(training.intents):
        sentences += examples
        labels += [label] * len(examples)
    if len(names) < 2:
        raise ValueError("a model needs at least two intents")
    per_sentence = [features(s, training.language) for s in sentences]
    counted: dict[str, int] = {}
    for found in per_sentence:
        for feature in set(found):
            counted[feature] = counted.get(feature, 0) + 1
    # Character grams and word pairs seen in one sentence only are noise, and they make
    # most of the features: dropped (whole words are kept, a script's rare name counts).
    kept = sorted(f for f, n in counted.items() if n >= MIN_SEEN or f.startswith("w "))
    vocabulary = {feature: index for index, feature in enumerate(kept)}
    document_frequency = [counted[f] for f in kept]
    per_sentence = [[f for f in found if f in vocabulary] for found in per_sentence]
    total = len(sentences)
    idf = np.log((1 + total) / (1 + np.array(document_frequency, dtype=float))) + 1.0
    is_char = np.array([f.startswith("c ") for f in
                        sorted(vocabulary, key=vocabulary.__getitem__)], dtype=bool)
    rows: list[int] = []
    cols: list[int] = []
    data: list[float] = []
    for row, found in enumerate(per_sentence):
        counts: dict[int, int] = {}
        for feature in found:
            counts[vocabulary[feature]] = counts.get(vocabulary[feature], 0) + 1
        indices, values = _weighted(counts, idf, is_char)
        rows += [row] * len(indices)
        cols += indices.tolist()
        data += values.tolist()
    matrix = csr_matrix((data, (rows, cols)), shape=(total, len(vocabulary)))
    fitted = LogisticRegression(C=REGULARISATION_C, max_iter=2000, tol=TOLERANCE)
    fitted.fit(matrix, np.array(labels))
    return IntentModel(training.language, names, vocabulary, idf, is_char,
                       np.asarray(fitted.coef_, dtype=np.float32),
                       np.asarray(fitted.intercept_, dtype=np.float32))


# Where trained models are kept between processes (None: trained in each process).
_kept_in: Path | None = None
_ARRAYS = ("language", "intents", "features", "idf", "is_char", "weights", "bias")
# Everything besides the examples that shapes a model: a change makes new files.
_SHAPE = ("v1", CHAR_SIZES, CHAR_WEIGHT, REGULARISATION_C, TOLERANCE, MIN_SEEN,
          getattr(snowballstemmer, "__version__", ""))


def keep_models_in(folder: Path | None) -> None:
    """Keep trained models in `folder` (model_files), for every later `model_for`."""
    global _kept_in
    _kept_in = folder


@lru_cache(maxsize=512)  # a model weighs about 0.3 MB (float32 weights)
def model_for(training: TrainingSet) -> IntentModel:
    """The trained model of a training set (a script version's never changes): from
    memory, else from the folder of `keep_models_in`, else trained (and kept there)."""
    folder = _kept_in
    if folder is None:
        return train(training)
    path = folder / f"{model_files.digest(training.language, training.intents, _SHAPE)}.npz"
    arrays = model_files.load(path, _ARRAYS)
    if arrays is not None:
        loaded = _from_arrays(arrays)
        if loaded is not None:
            return loaded
    model = train(training)
    model_files.save(path, model.arrays())
    return model


def _from_arrays(arrays: dict[str, np.ndarray]) -> IntentModel | None:
    features_ = [str(f) for f in arrays["features"].tolist()]
    intents = [str(i) for i in arrays["intents"].tolist()]
    weights, bias = arrays["weights"], arrays["bias"]
    if (weights.shape != (len(intents), len(features_)) or bias.shape != (len(intents),)
            or arrays["idf"].shape != (len(features_),)
            or arrays["is_char"].shape != (len(features_),)):
        return None
    return IntentModel(str(arrays["language"]), intents,
                       {f: i for i, f in enumerate(features_)}, arrays["idf"],
                       arrays["is_char"].astype(bool), weights, bias)


def builtin_model(language: str) -> IntentModel:
    return model_for(TrainingSet.of(language))
