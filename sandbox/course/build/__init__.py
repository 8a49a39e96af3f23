"""Building a course (trusted, the instructor's side): the course folder, roster, settings, salt and seeds,
and each student's world (made for release, regenerated for grading)."""
