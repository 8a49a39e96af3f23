"""The few probability functions the generator needs, on ``scipy.special``.

``scipy.stats`` costs about a second to import, in the command's process and again in each worker's; the
generator only needs a Poisson pmf and the normal pdf, cdf, sf and ppf. These are scipy.stats' own formulas
(``poisson_gen._logpmf``, ``_norm_pdf``, ``_norm_cdf``, ``_norm_sf``, ``_norm_ppf``), so they return the same
numbers to the last bit (tests/test_generator.py compares them) and the worlds stay byte-identical.
"""

from __future__ import annotations

import numpy as np
from scipy import special


def poisson_pmf(k, mu):
    """``scipy.stats.poisson.pmf(k, mu)`` for non-negative integer ``k`` and ``mu > 0``."""
    return np.exp(special.xlogy(k, mu) - special.gammaln(np.asarray(k) + 1) - mu)


def normal_pdf(x, scale: float = 1.0):
    """``scipy.stats.norm.pdf(x, 0, scale)``."""
    z = np.asarray(x) / scale
    return np.exp(-z**2 / 2.0) / np.sqrt(2 * np.pi) / scale


def normal_cdf(x):
    """``scipy.stats.norm.cdf(x)``."""
    return special.ndtr(x)


def normal_sf(x):
    """``scipy.stats.norm.sf(x)``."""
    return special.ndtr(-np.asarray(x))


def normal_ppf(q):
    """``scipy.stats.norm.ppf(q)``."""
    return special.ndtri(q)
