"""Small pools of words and names, built once per locale with Faker.

Faker is slow per call, so it only builds these pools (a few thousand strings);
the table generators then sample pool indices with numpy. Pools depend on the
locale only (Faker is seeded with a constant), so they are cached per process;
every world still differs because each world samples them with its own seed.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

LOCALES = ("en_US", "fr_FR")

#: Countries a brand (and its audience) comes from, by locale, with weights.
LOCALE_COUNTRIES = {
    "en_US": (("US", "GB", "CA", "AU", "IE"), (0.55, 0.2, 0.12, 0.1, 0.03)),
    "fr_FR": (("FR", "BE", "CH", "CA", "LU"), (0.6, 0.15, 0.12, 0.1, 0.03)),
}
SENTIMENTS = ("negative", "neutral", "positive")
_POOL_SEED = 20250101


@dataclass(frozen=True)
class Pools:
    """Text pools for one locale. Arrays are numpy object arrays of str."""

    locale: str
    companies: np.ndarray
    user_handles: np.ndarray
    words: np.ndarray
    captions: dict  # topic -> array of captions
    comments: dict  # kind (negative, neutral, positive, crisis, bot) -> array of texts
    countries: tuple
    country_weights: np.ndarray


def check_locale(locale: str) -> str:
    if locale not in LOCALES:
        raise ValueError(f"unknown locale {locale!r}; allowed: {', '.join(LOCALES)}")
    return locale


def slug(text: str) -> str:
    """Lowercase ASCII handle fragment: 'Dupont & Fils' -> 'dupontfils'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", ascii_text.lower())


def _fill(templates, words, rng, per_template):
    out = [t.format(word=w) for t in templates for w in rng.choice(words, per_template)]
    return np.array(out, dtype=object)


@lru_cache(maxsize=None)
def get_pools(locale: str = "en_US") -> Pools:
    """Build (once) the pools of ``locale``."""
    check_locale(locale)
    from faker import Faker

    fake = Faker(locale)
    fake.seed_instance(_POOL_SEED)
    rng = np.random.default_rng(_POOL_SEED)

    companies = []
    seen = set()
    while len(companies) < 400:
        name = fake.company().replace(",", "")
        if name not in seen and slug(name):
            seen.add(name)
            companies.append(name)

    first = [slug(fake.first_name()) for _ in range(300)]
    last = [slug(fake.last_name()) for _ in range(300)]
    handles = {f"{rng.choice(first)}{sep}{rng.choice(last)}{num}"
               for sep, num in zip(rng.choice(["", "_", "."], 6000), rng.integers(0, 999, 6000))}
    words = sorted({slug(w) for w in fake.words(1500, unique=False)} - {""})

    text = json.loads(resources.files("sandbox.data").joinpath(f"text_{locale}.json").read_text("utf-8"))
    captions = {topic: _fill(tpls, words, rng, 12) for topic, tpls in text["captions"].items()}
    comments = {kind: _fill(tpls, words, rng, 6) if any("{word}" in t for t in tpls)
                else np.array(tpls, dtype=object) for kind, tpls in text["comments"].items()}
    countries, weights = LOCALE_COUNTRIES[locale]
    return Pools(
        locale=locale,
        companies=np.array(companies, dtype=object),
        user_handles=np.array(sorted(handles), dtype=object),
        words=np.array(words, dtype=object),
        captions=captions,
        comments=comments,
        countries=countries,
        country_weights=np.array(weights),
    )
