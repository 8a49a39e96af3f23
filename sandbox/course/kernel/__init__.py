"""Starting a student's kernel: isolation modes and resource limits (:mod:`.isolation`) and kernel
templates (:mod:`.kernel_template`). Runs as the grader (root where it can), outside the sandbox, and never
imports :mod:`sandbox.course.grade`. What runs inside the sandbox is in :mod:`.inside`."""
