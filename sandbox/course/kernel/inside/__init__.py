"""What runs inside the sandbox, as untrusted as the student's code: the notebook runner, the forked kernel
and the answer export. These modules import nothing from the ``sandbox`` package (they run by path, or in a
kernel forked from a template), and the grader only ever reads data back from them."""
