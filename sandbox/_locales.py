"""The locales the generator speaks: one grammar data file each, ``sandbox/data/text_<locale>.json``.

Light on purpose (no pandas, numpy or Faker), so that a command checks a locale name before it
imports the generator.
"""

from __future__ import annotations

from importlib import resources

#: The package holding the grammar data files.
DATA_PACKAGE = "sandbox.data"
#: The language of a world when none is asked for.
DEFAULT_LOCALE = "en_US"


def available_locales() -> tuple[str, ...]:
    """Every locale that has a grammar data file, sorted."""
    names = (p.name for p in resources.files(DATA_PACKAGE).iterdir())
    return tuple(sorted(n[len("text_"):-len(".json")] for n in names if n.startswith("text_") and n.endswith(".json")))


def canonical_locale(name: str) -> str:
    """The locale ``name`` spelled as its data file is (``fr_fr`` and ``fr-FR`` give ``fr_FR``).

    Raises ValueError naming the allowed locales when there is no such locale.
    """
    locales = available_locales()
    wanted = str(name).strip().replace("-", "_").casefold()
    for locale in locales:
        if locale.casefold() == wanted:
            return locale
    raise ValueError(f"unknown locale {name!r}; allowed: {', '.join(locales)}")
