"""Grading (trusted): autograde and its workers (local or Dask), the judge, the gradebook and sandbox_grades.csv.

No student code runs in these processes; they read back only data from the kernels started by
:mod:`sandbox.course.kernel`. ``python -m sandbox.course.grade`` starts a grading worker.
"""
