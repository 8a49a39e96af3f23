"""The generator's fast paths give what the plain code gives: ids, texts joined in Arrow, pool picks.

Worlds must stay byte-identical when the way a column is built changes; these compare each fast path
with the straightforward version on the cases that differ in how they are handled.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from sandbox.generator.ids import make_ids
from sandbox.generator.pools import get_pools
from sandbox.generator.segments import Segments, pooled


def kernel_ids(prefix: str, numbers, width: int) -> list[str]:
    """Ids made with Arrow's cast, pad and join kernels (the general path)."""
    digits = pc.utf8_lpad(pc.cast(pa.array(np.asarray(numbers, dtype=np.int64)), pa.string()), width, "0")
    return pc.binary_join_element_wise(prefix, digits, "").to_pylist()


@pytest.mark.parametrize("prefix, numbers, width", [
    ("C", np.random.default_rng(0).integers(0, 10**9, 2_000), 9),
    ("P", [0, 1, 9, 10, 9_999_999], 7),
    ("IN", [], 5),
    ("A", [123_456], 3),     # wider than its width: not truncated
    ("É", [5, 50], 4),       # a prefix outside ASCII
    ("", [7], 2),
])
def test_ids_equal_the_arrow_kernels(prefix, numbers, width):
    ids = make_ids(prefix, np.asarray(numbers, dtype=np.int64), width)
    assert ids.dtype == "str"
    assert list(ids) == kernel_ids(prefix, numbers, width)


def test_segments_join_as_python_concatenation():
    rng = np.random.default_rng(1)
    n = 500
    body_tables = {"a": np.array(["x", "yé", "zz"], dtype=object), "b": np.array([["p", "q"], ["r", "s"]], dtype=object)}
    owner = object()
    bodies, start = pooled(owner, "bodies", lambda: body_tables)
    assert pooled(owner, "bodies", lambda: pytest.fail("made twice"))[0] is bodies
    text = Segments(n, ("before", "body", "after"), fixed={"body": bodies})
    which = rng.integers(0, 2, n)
    flat = rng.integers(0, 3, n)
    text.index["body"][:] = np.where(which == 0, start["a"] + flat, start["b"] + flat)
    expected = np.where(which == 0, body_tables["a"][flat], body_tables["b"].reshape(-1)[flat]).astype(object)
    for segment, strings in (("before", np.array(["@u ", "@v "], dtype=object)),
                             ("after", np.array([" 😍", "!"], dtype=object)),
                             ("after", np.array([" ok"], dtype=object))):
        mask = (rng.random(n) < 0.3) & (text.index[segment] < 0)
        picked = rng.integers(0, len(strings), int(mask.sum()))
        text.put(segment, mask, strings, picked)
        expected[mask] = strings[picked] + expected[mask] if segment == "before" else expected[mask] + strings[picked]
    gone = rng.random(n) < 0.1
    text.clear(gone, ("body", "after"))
    before = np.array(["@u ", "@v "], dtype=object)[np.maximum(text.index["before"][gone], 0)]
    expected[gone] = np.where(text.index["before"][gone] >= 0, before, "")
    joined = text.joined()
    assert joined.type == pa.large_string()
    assert joined.to_pylist() == list(expected)


def test_pick_index_draws_what_pick_draws():
    pools = get_pools("en_US")
    for pool, style in ((pools.comments[""]["positive"], np.arange(300) % 5), (pools.captions[""]["product"], None)):
        noun = np.random.default_rng(2).integers(0, len(pool.start), 300)
        picked = pool.pick(noun, np.random.default_rng(3), style)
        index = pool.pick_index(noun, np.random.default_rng(3), style)
        assert list(pool.styles.reshape(-1)[index]) == list(picked)
        rows = 0 if style is None else style
        assert list(picked) == list(pool.styles[rows, index - rows * pool.styles.shape[1]])
