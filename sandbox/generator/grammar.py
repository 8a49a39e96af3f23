"""The typed text grammar of a locale, read from ``sandbox/data/text_<locale>.json``.

A template is plain text with typed slots; every slot is resolved against one
noun of the brand's industry, so articles and adjectives agree with it:

* ``{noun}``: the bare noun;
* ``{the_noun}``, ``{a_noun}``, ``{this_noun}``, ``{my_noun}``, ``{your_noun}``,
  ``{their_noun}``: the noun with that determiner (the locale's ``articles``
  give one form per gender, ``m``/``f``, and per elision, ``mv``/``fv``); a
  capital first letter (``{The_noun}``) capitalises the result;
* ``{adj_pos}``, ``{adj_neg}``: an adjective of the locale's lists, in the
  noun's gender;
* ``{g:masculine|feminine}``: inline words that follow the noun's gender.

Nouns are written ``"<gender>[v]:<word>"``: ``"fv:écharpe"`` is feminine and
takes the elided or vowel form of its determiners. The locale's typography
(``space_before`` and ``marks``) puts a non-breaking space before ``? ! : ;``
in French, and its ``contractions`` fuse determiners ("de le " -> "du ").
Adding a locale is adding a data file: nothing here is language-specific.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .._locales import DATA_PACKAGE, available_locales  # noqa: F401  (available_locales: used by pools)

DETERMINERS = ("the", "a", "this", "my", "your", "their")
ADJECTIVES = {"adj_pos": "positive", "adj_neg": "negative"}
SLOT = re.compile(r"\{([^{}]*)\}")
GENDER_SLOT = re.compile(r"g:([^|{}]*)\|([^|{}]*)")
REQUIRED_KEYS = ("countries", "typography", "articles", "nouns", "adjectives", "tags", "captions", "cta",
                 "comment_parts", "emoji", "comments", "lexicon")


NOUN_TAG = re.compile(r"([mf])(v?)(s?)")
TEMPLATE_CLASSES = ("any", "item", "service")


@dataclass(frozen=True)
class Noun:
    word: str
    gender: str     # "m" or "f"
    vowel: bool     # takes the elided / vowel form of determiners
    service: bool   # a service or an experience (not shipped, sized or broken): gets the "service" templates


def parse_noun(spec: str) -> Noun:
    tag, _, word = spec.partition(":")
    match = NOUN_TAG.fullmatch(tag)
    if not word or not match:
        raise ValueError(f"noun {spec!r}: write '<gender>[v][s]:<word>' with gender m or f, v for the vowel form "
                         "of determiners and s for a service, e.g. 'fv:écharpe', 'ms:podcast'")
    return Noun(word, match.group(1), bool(match.group(2)), bool(match.group(3)))


def templates_for(entry, noun: Noun | None = None) -> list[str]:
    """The templates of one kind that fit ``noun`` (all of them when ``noun`` is None).

    ``entry`` is a list (templates for every noun) or a dict with ``any``,
    ``item`` (physical products) and ``service`` lists.
    """
    if isinstance(entry, list):
        return entry
    unknown = set(entry) - set(TEMPLATE_CLASSES)
    if unknown:
        raise ValueError(f"template classes {sorted(unknown)}; allowed: {', '.join(TEMPLATE_CLASSES)}")
    if noun is None:
        return [t for c in TEMPLATE_CLASSES for t in entry.get(c, [])]
    return entry.get("any", []) + entry.get("service" if noun.service else "item", [])


def slots_of(template: str) -> list[str]:
    """The slots of a template (raises ValueError on an unknown slot)."""
    found = SLOT.findall(template)
    for slot in found:
        if not is_known_slot(slot):
            allowed = ["noun", *(f"{d}_noun" for d in DETERMINERS), *ADJECTIVES, "g:masc|fem"]
            raise ValueError(f"template {template!r}: unknown slot {{{slot}}}; allowed: {', '.join(allowed)} "
                             "(capitalise the first letter to capitalise the word)")
    return found


def is_known_slot(slot: str) -> bool:
    if GENDER_SLOT.fullmatch(slot):
        return True
    name = slot[:1].lower() + slot[1:]
    return name == "noun" or name in ADJECTIVES or (name.endswith("_noun") and name[:-5] in DETERMINERS)


def uses_noun(template: str) -> bool:
    """Whether the template's text depends on the noun it is rendered with."""
    return bool(slots_of(template))


class Grammar:
    """One locale's grammar: renders templates against nouns."""

    def __init__(self, locale: str, data: dict):
        missing = [k for k in REQUIRED_KEYS if k not in data]
        if missing:
            raise ValueError(f"text_{locale}.json misses the keys {', '.join(missing)}")
        self.locale = locale
        self.data = data
        self.articles = data["articles"]
        for det in DETERMINERS:
            forms = self.articles.get(det, {})
            if set(forms) != {"m", "f", "mv", "fv"}:
                raise ValueError(f"text_{locale}.json: articles.{det} needs the forms m, f, mv, fv")
        self.industries = tuple(data["nouns"])
        self.nouns = [parse_noun(s) for ind in self.industries for s in data["nouns"][ind]]
        self.noun_industry = [i for i, ind in enumerate(self.industries) for _ in data["nouns"][ind]]
        self.adjectives = {k: [tuple(forms) for forms in data["adjectives"][k]] for k in ("positive", "negative")}
        space = data["typography"].get("space_before", "")
        marks = re.escape(data["typography"].get("marks", ""))
        self._typo = (re.compile(rf"[ \u00a0\u202f]*([{marks}]+)(?=\s|$)"), space + r"\1") if space and marks else None
        self._contractions = [(re.compile(rf"(?<!\w){re.escape(a)}"), b)
                              for a, b in data["typography"].get("contractions", [])]

    def render(self, template: str, noun: Noun, variant: int = 0) -> str:
        """``template`` with its slots filled for ``noun``; ``variant`` picks the adjectives."""

        def fill(match):
            slot = match.group(1)
            g = GENDER_SLOT.fullmatch(slot)
            if g:
                return g.group(1 if noun.gender == "m" else 2)
            cap = slot[:1].isupper()
            name = slot[:1].lower() + slot[1:]
            if name == "noun":
                text = noun.word
            elif name in ADJECTIVES:
                forms = self.adjectives[ADJECTIVES[name]]
                text = forms[variant % len(forms)][0 if noun.gender == "m" else 1]
            else:
                key = noun.gender + ("v" if noun.vowel else "")
                text = self.articles[name[:-5]][key] + noun.word
            return text[:1].upper() + text[1:] if cap else text

        slots_of(template)  # refuse unknown slots
        text = SLOT.sub(fill, template)
        for pattern, repl in self._contractions:
            text = pattern.sub(repl, text)
        return self.typography(text)

    def typography(self, text: str) -> str:
        """Apply the locale's spacing rule before ``? ! : ;`` (French: a non-breaking space)."""
        if self._typo is None:
            return text
        pattern, repl = self._typo
        return pattern.sub(repl, text)


@lru_cache(maxsize=None)
def get_grammar(locale: str) -> Grammar:
    """The grammar of ``locale`` (read once per process)."""
    path = resources.files(DATA_PACKAGE).joinpath(f"text_{locale}.json")
    return Grammar(locale, json.loads(path.read_text("utf-8")))
