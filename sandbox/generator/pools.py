"""Pools of names and rendered texts, built once per locale.

Faker is slow per call, so it only builds the name pools (a few thousand
strings), and the grammar (:mod:`sandbox.generator.grammar`) renders every
template once for every noun; the table generators then sample pool indices
with numpy. Pools depend on the locale only (Faker is seeded with a
constant), so they are cached per process; every world still differs because
each world samples them with its own seed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .._locales import DEFAULT_LOCALE, canonical_locale
from .._schema import FORMATS, INDUSTRIES, TOPICS
from .grammar import Grammar, available_locales, get_grammar, templates_for

LOCALES = available_locales()
SENTIMENTS = ("negative", "neutral", "positive")
#: Comment kinds whose templates are rendered for every noun (kind -> grammar key).
COMMENT_KINDS = ("positive", "neutral", "negative", "crisis", "bot", "reply")
STOCK_KINDS = ("positive", "neutral", "negative")
#: Adjective variants rendered per (noun, template).
VARIANTS = 3
_POOL_SEED = 20250101


TYPO_WORD = re.compile(r"[^\W\d_]{4,}")


def with_typo(text: str, pos: float) -> str:
    """``text`` with two letters swapped in the middle of one of its words of 4+ letters (chosen by ``pos``)."""
    words = [m for m in TYPO_WORD.finditer(text)]
    if not words:
        return text
    m = words[int(pos * len(words))]
    i = m.start() + (m.end() - m.start()) // 2 - 1
    return text[:i] + text[i + 1] + text[i] + text[i + 2:]


#: How people type a comment (each rendered text is written once in each style, see :func:`styled`):
#: as written; casually (lowercase first letter, no final full stop, a plain space before ! and ?); all
#: lowercase, the first clause only (and no space before ! and ?); casually with a typo; shouted in capitals.
STYLES = ("written", "casual", "lower", "typo", "shout")


def _casual(text: str) -> str:
    text = text.lstrip("¡¿").replace("\u00a0", " ").replace("\u202f", " ")
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1]
    return text[:1].lower() + text[1:]


def _lower(text: str) -> str:
    """All lower case, the first clause only (people type the gist: 'great quality'), no space before ! or ?."""
    first = re.split(r"(?<=\w)[,;:.] ", _casual(text), maxsplit=1)[0]
    return re.sub(r" (?=[!?])", "", first.lower())


def styled(texts: list[str], rng: np.random.Generator) -> np.ndarray:
    """(len(STYLES), len(texts)): every text in every style of STYLES."""
    casual = [_casual(t) for t in texts]
    rows = [list(texts), casual, [_lower(t) for t in texts],
            [with_typo(t, p) for t, p in zip(casual, rng.random(len(texts)))], [t.upper() for t in texts]]
    return np.array(rows, dtype=object).reshape(len(STYLES), len(texts))


@dataclass(frozen=True)
class RenderedPool:
    """The templates of one kind that fit each noun, rendered for it: noun ``i`` owns
    ``styles[:, start[i]:start[i] + count[i] * VARIANTS]`` (template-major); ``styles`` holds each text
    in each style of STYLES (captions, written by the brand: the first style only)."""

    styles: np.ndarray     # (styles, texts) object array of str
    start: np.ndarray      # per noun: first text
    count: np.ndarray      # per noun: number of templates

    @property
    def text(self) -> np.ndarray:
        return self.styles[0]

    def pick(self, noun: np.ndarray, rng: np.random.Generator, style: np.ndarray | None = None) -> np.ndarray:
        """One rendered text per row for the given noun ids (uniform template and variant), in ``style``
        (indexes into STYLES; as written when None)."""
        return self.styles.reshape(-1)[self.pick_index(noun, rng, style)]

    def pick_index(self, noun: np.ndarray, rng: np.random.Generator, style: np.ndarray | None = None) -> np.ndarray:
        """What :meth:`pick` picks (the same draws), as indexes into ``styles.reshape(-1)``."""
        n = len(noun)
        template = (rng.random(n) * self.count[noun]).astype(np.int64)
        variant = rng.integers(0, VARIANTS, n)
        index = self.start[noun] + template * VARIANTS + variant
        return (0 if style is None else style) * self.styles.shape[1] + index


@dataclass(frozen=True)
class Pools:
    """Text pools for one locale. Arrays are numpy object arrays of str."""

    locale: str
    grammar: Grammar
    companies: np.ndarray
    user_handles: np.ndarray
    words: np.ndarray
    noun_industry: np.ndarray      # industry code (index into INDUSTRIES) of every noun
    noun_tags: np.ndarray          # the noun as a hashtag word
    industry_nouns: tuple          # per industry code: (first noun id, count)
    captions: dict                 # variety -> topic -> RenderedPool
    comments: dict                 # variety -> kind -> RenderedPool (with STYLES)
    stock: dict                    # variety -> sentiment -> (STYLES, n) array of short stock comments
    parts: dict                    # "openers" / "closers" -> sentiment -> array of short words people add
    emoji: dict                    # kind -> array of emoji
    varieties: dict                # country -> variety ("" is the locale's own; others from "varieties")
    countries: tuple
    country_weights: np.ndarray
    timezones: dict                # country -> {IANA zone: share of the country's brands}
    currency: str                  # of every amount of the world (ISO 4217 code)


def check_locale(locale: str) -> str:
    """The locale's canonical name (case-insensitive: ``fr_fr`` is ``fr_FR``); ValueError for an unknown one."""
    return canonical_locale(locale)


def slug(text: str) -> str:
    """Lowercase ASCII handle fragment: 'Dupont & Fils' -> 'dupontfils'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", ascii_text.lower())


def tag_word(text: str) -> str:
    """A hashtag word: lowercase, letters and digits only, accents kept ('robe d'été' -> 'robedété')."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _render_all(grammar: Grammar, entry, nouns, rng, variety=(), styles: bool = True) -> RenderedPool:
    text, count = [], []
    for noun in nouns:
        templates = templates_for(entry, noun)
        if not templates:
            raise ValueError(f"text_{grammar.locale}.json: no template fits the noun {noun.word!r}")
        text += [_speak(grammar.render(t, noun, v), variety) for t in templates for v in range(VARIANTS)]
        count.append(len(templates))
    count = np.array(count)
    start = np.r_[0, np.cumsum(count * VARIANTS)[:-1]]
    rows = styled(text, rng) if styles else np.array([text], dtype=object).reshape(1, len(text))
    return RenderedPool(rows, start, count)


def _speak(text: str, variety) -> str:
    """``text`` in a regional variety: its (pattern, replacement) pairs applied in order."""
    for pattern, repl in variety:
        text = pattern.sub(repl, text)
    return text


@lru_cache(maxsize=None)
def get_pools(locale: str = DEFAULT_LOCALE) -> Pools:
    """Build (once) the pools of ``locale``."""
    check_locale(locale)
    from faker import Faker

    grammar = get_grammar(locale)
    data = grammar.data
    unknown = sorted(set(grammar.industries) ^ set(INDUSTRIES)) + sorted(set(data["captions"]) ^ set(TOPICS))
    unknown += sorted(set(data["cta"]["format"]) - set(FORMATS))
    if unknown:
        raise ValueError(f"text_{locale}.json: nouns must cover exactly the industries {', '.join(INDUSTRIES)}, "
                         f"captions exactly the topics {', '.join(TOPICS)}, cta.format only formats; "
                         f"offending keys: {', '.join(unknown)}")
    tags = data["tags"]
    for industry, topic in ((i, t) for i in INDUSTRIES for t in TOPICS):
        combined = tags["industry"][industry] + tags["topic"][topic] + tags["generic"]
        if len(combined) != len(set(combined)):
            twice = sorted({x for x in combined if combined.count(x) > 1})
            raise ValueError(f"text_{locale}.json: tags of industry {industry!r}, topic {topic!r} and generic tags "
                             f"overlap ({', '.join(twice)}); a post's hashtags must be distinct")
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
    seps, nums = rng.choice(["", "_", "."], 6000), rng.integers(0, 999, 6000)
    # a first and a last name per handle, drawn in the order (and from the stream) of rng.choice(first),
    # rng.choice(last) called handle by handle, at a fraction of the cost
    names = rng.integers(0, [len(first), len(last)], size=(6000, 2))
    handles = {f"{first[i]}{sep}{last[j]}{num}" for (i, j), sep, num in zip(names, seps, nums)}
    words = sorted({slug(w) for w in fake.words(1500, unique=False)} - {""})

    industry_code = np.array([INDUSTRIES.index(grammar.industries[i]) for i in grammar.noun_industry])
    counts = np.bincount(industry_code, minlength=len(INDUSTRIES))
    starts = np.array([np.flatnonzero(industry_code == k).min() for k in range(len(INDUSTRIES))])
    if not np.array_equal(np.argsort(industry_code, kind="stable"), np.arange(len(industry_code))):
        raise ValueError(f"text_{locale}.json: list the nouns' industries in the order {', '.join(INDUSTRIES)}")
    nouns = grammar.nouns
    varieties = {"": ()}
    variety_of = {}
    for name, spec in data.get("varieties", {}).items():
        varieties[name] = tuple((re.compile(a), b) for a, b in spec["replace"])
        variety_of.update({c: name for c in spec["countries"]})
    countries = data["countries"]
    weights = np.array(list(countries.values()), dtype=float)
    missing = [c for c in countries if not data.get("timezones", {}).get(c)]
    if missing:
        raise ValueError(f"text_{locale}.json: give \"timezones\" for the countries {', '.join(missing)}")
    return Pools(
        locale=locale,
        grammar=grammar,
        companies=np.array(companies, dtype=object),
        user_handles=np.array(sorted(handles), dtype=object),
        words=np.array(words, dtype=object),
        noun_industry=industry_code,
        noun_tags=np.array([tag_word(n.word) for n in nouns], dtype=object),
        industry_nouns=tuple(zip(starts.tolist(), counts.tolist())),
        captions={v: {t: _render_all(grammar, data["captions"][t], nouns, rng, rules, styles=False) for t in TOPICS}
                  for v, rules in varieties.items()},
        comments={v: {k: _render_all(grammar, data["comments"][k], nouns, rng, rules) for k in COMMENT_KINDS}
                  for v, rules in varieties.items()},
        stock={v: {s: styled([_speak(grammar.typography(t), rules) for t in data["comments"][f"{s}_stock"]], rng)
                   for s in STOCK_KINDS} for v, rules in varieties.items()},
        parts={part: {s: np.array(words, dtype=object) for s, words in data["comment_parts"][part].items()}
               for part in ("openers", "closers")},
        emoji={k: np.array(v, dtype=object) for k, v in data["emoji"].items()},
        varieties={c: variety_of.get(c, "") for c in countries},
        countries=tuple(countries),
        country_weights=weights / weights.sum(),
        timezones={c: data["timezones"][c] for c in countries},
        currency=data["currency"],
    )
