"""The instructor's side of a course (trusted): the course folder, roster, settings, seeds and each student's world."""
