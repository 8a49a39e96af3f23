"""What learners got right and wrong, counted from the judge's verdicts.

- :func:`sandbox.report.course.course_report` (``sandbox course report``): a class's report for
  its instructor, from the verdicts ``sandbox course autograde`` keeps.
- :func:`sandbox.report.progress.learner_progress` (``sandbox progress``): a self-learner's own
  progress, from the checks saved in their notebooks.

Both read their outcomes into one table (:mod:`.table`), count it (:mod:`.summary`), draw it
(:mod:`.charts`) and write it (:mod:`.render`: HTML, CSV, text).
"""

#: The class report's file in the course folder, unless told otherwise; its CSV files take its name.
REPORT_FILE = "class_report.html"
#: The progress page in the learner's folder, unless told otherwise.
PROGRESS_FILE = "progress.html"
