"""``python -m sandbox.course.grade COURSE RUN_DIR MODE MEMORY [--zygote SOCKET]``: a warm grading worker.

See :mod:`sandbox.course.grade.grade_worker`. This entry point keeps jsonschema from building its IRI grammar
before the worker imports nbformat (1.2 CPU s per worker; see ``skip_iri_grammar``).
"""

import sys

from ..kernel.inside.kernel_run import skip_iri_grammar

skip_iri_grammar()

from .grade_worker import main  # noqa: E402

sys.exit(main())
