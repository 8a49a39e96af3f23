"""Course tooling without nbgrader runs: roster, seeds, refusals, CLI help."""

import pytest

from sandbox import cli
from sandbox.course import CourseError, RosterError, build_course, read_roster, student_seed
from sandbox.course.build.course import select_exercises
from sandbox.course.build.roster import check_student_id


def write(path, text):
    path.write_text(text)
    return path


def test_roster_reads_ids_and_optional_fields(tmp_path):
    roster = write(tmp_path / "r.csv", "student_id,first_name,email\nalice,Alice,a@x.org\nbob_2,,\n")
    students = read_roster(roster)
    assert [s.student_id for s in students] == ["alice", "bob_2"]
    assert students[0].gradebook_fields() == {"first_name": "Alice", "email": "a@x.org"}
    assert students[1].gradebook_fields() == {}


@pytest.mark.parametrize("text, message", [
    ("id,name\nalice,A\n", "no student_id column"),
    ("student_id\nalice\nbob\nalice\n", "duplicate student id 'alice'"),
    ("student_id\n../x\n", "unsafe student id '../x'"),
    ("student_id\nann smith\n", "unsafe student id 'ann smith'"),
    ("student_id\na/b\n", "unsafe student id 'a/b'"),
    ("student_id\n\n", "lists no students"),
    ("student_id\n,\n", "unsafe student id ''"),
])
def test_malformed_roster_is_refused_with_the_problem(tmp_path, text, message):
    with pytest.raises(RosterError) as err:
        read_roster(write(tmp_path / "r.csv", text))
    assert message in str(err.value)


def test_every_bad_row_is_named_with_its_line(tmp_path):
    with pytest.raises(RosterError) as err:
        read_roster(write(tmp_path / "r.csv", "student_id\nok\n../x\nok\n"))
    assert "line 3: unsafe" in str(err.value) and "line 4: duplicate" in str(err.value)


@pytest.mark.parametrize("sid", ["..", "a..b", "-x", ".hidden", "x" * 65, "é"])
def test_unsafe_ids(sid):
    with pytest.raises(RosterError):
        check_student_id(sid)


def test_student_seed_is_stable_distinct_and_salted():
    assert student_seed("salt", "alice") == student_seed("salt", "alice")
    # a fixed value guards against an accidental change of the derivation (it would
    # silently give every student of a running course a different world)
    assert student_seed("salt", "alice") == int.from_bytes(
        __import__("hashlib").sha256(b"salt\x00alice").digest()[:8], "big") >> 1
    seeds = {student_seed("salt", f"s{i}") for i in range(500)}
    assert len(seeds) == 500
    assert student_seed("salt", "alice") != student_seed("other", "alice")
    assert all(0 <= s < 2**63 for s in seeds)
    with pytest.raises(ValueError):
        student_seed("", "alice")


def test_exercise_selection(tmp_path):
    for name in ("01_first_look", "02_engagement_kpis"):
        (tmp_path / f"{name}.ipynb").write_text("{}")
    assert select_exercises(tmp_path, None) == ["01_first_look", "02_engagement_kpis"]
    assert select_exercises(tmp_path, ["02", "01_first_look"]) == ["02_engagement_kpis", "01_first_look"]
    with pytest.raises(CourseError, match="unknown exercise '07'; available: 01_first_look, 02_engagement_kpis"):
        select_exercises(tmp_path, ["07"])
    with pytest.raises(CourseError, match="no solution notebooks"):
        select_exercises(tmp_path / "empty", None)


def test_bad_roster_writes_nothing(tmp_path, capsys):
    roster = write(tmp_path / "r.csv", "student_id\nalice\n../evil\n")
    course = tmp_path / "course"
    code = cli.main(["course", "build", str(course), "--roster", str(roster), "--solutions", str(tmp_path)])
    assert code == 2
    assert "unsafe student id '../evil'" in capsys.readouterr().err
    assert not course.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["r.csv"]  # no staging folder left behind


def test_existing_course_folder_is_refused(tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    (course / "keep.txt").write_text("x")
    with pytest.raises(CourseError, match="already exists and is not empty"):
        build_course(course, solutions_dir=tmp_path)
    assert [p.name for p in course.iterdir()] == ["keep.txt"]


def test_autograde_refuses_a_folder_that_is_not_a_course(tmp_path, capsys):
    assert cli.main(["course", "autograde", str(tmp_path)]) == 2
    assert "not a course folder (no course.json)" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["build", "autograde"])
def test_course_commands_have_help_with_an_example(command, capsys):
    with pytest.raises(SystemExit) as done:
        cli.main(["course", command, "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert f"example:\n  sandbox course {command}" in out


def test_autograde_refuses_unknown_assignment_and_bad_jobs(tmp_path):
    from sandbox.course import CourseSettings, autograde_course

    CourseSettings(course_id="c", salt="s", scale="tiny", assignments=["01_first_look"]).save(tmp_path)
    with pytest.raises(CourseError, match="unknown assignment '07_x'; assignments: 01_first_look"):
        autograde_course(tmp_path, assignments=["07_x"], progress=False)
    with pytest.raises(CourseError, match="--jobs must be at least 1, got 0"):
        autograde_course(tmp_path, jobs=0, progress=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["course.json"]


def test_course_settings_validate(tmp_path):
    from sandbox.course import CourseSettings

    with pytest.raises(ValueError, match="unknown scale 'huge'"):
        CourseSettings(course_id="c", salt="s", scale="huge")
    with pytest.raises(CourseError, match="cell timeout must be at least 1 second"):
        CourseSettings(course_id="c", salt="s", cell_timeout=0)
    (tmp_path / "course.json").write_text("{not json")
    with pytest.raises(CourseError, match="not a valid course settings file"):
        CourseSettings.load(tmp_path)


def test_nbgrader_config_uses_real_nbgrader_options(tmp_path):
    """Every option the generated config sets exists, is configurable, and has the intended value."""
    from nbgrader.converters import Autograde, GenerateFeedback
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange.default import Exchange
    from nbgrader.preprocessors import ClearSolutions, IgnorePattern
    from traitlets.config.loader import PyFileConfigLoader
    from traitlets.utils.importstring import import_item

    from sandbox.course import CourseSettings
    from sandbox.course.grade.nbgrader_ext import CourseExecute, RestoreCells
    from sandbox.course.nbgrader_adapter import course_config_text

    settings = CourseSettings(course_id="c101", salt="s", assignments=["01_first_look"], cell_timeout=7)
    (tmp_path / "nbgrader_config.py").write_text(course_config_text(settings))
    config = PyFileConfigLoader("nbgrader_config.py", path=str(tmp_path)).load_config()
    classes = {"CourseDirectory": CourseDirectory, "Autograde": Autograde, "GenerateFeedback": GenerateFeedback,
               "Execute": CourseExecute, "IgnorePattern": IgnorePattern, "RestoreCells": RestoreCells,
               "ClearSolutions": ClearSolutions, "Exchange": Exchange}
    for section, values in config.items():
        traits = classes[section].class_traits(config=True)
        for name in values:
            assert name in traits, f"{section}.{name} is not an nbgrader option"
    for path in config.Autograde.sanitize_preprocessors + config.Autograde.autograde_preprocessors \
            + config.GenerateFeedback.preprocessors:
        assert import_item(path)
    assert config.Execute.timeout == 7 and config.Execute.interrupt_on_timeout
    assert config.RestoreCells.add_missing_cells and config.IgnorePattern.enabled
    assert config.Autograde.exclude_overwriting == {"01_first_look": []}
    assert config.CourseDirectory.course_id == "c101"
    assert config.Exchange.root == str(tmp_path / "exchange")  # beside the config, wherever the course folder is


def test_a_second_autograde_on_the_same_course_is_refused(tmp_path):
    from sandbox.course import CourseSettings, autograde_course
    from sandbox.course.grade.autograde import course_lock

    CourseSettings(course_id="c", salt="s", assignments=["01_first_look"]).save(tmp_path)
    with course_lock(tmp_path):
        with pytest.raises(CourseError, match="another autograde is running"):
            autograde_course(tmp_path, progress=False)


def test_an_overrunning_grading_process_is_killed(tmp_path):
    from sandbox.course.nbgrader_adapter import run_python

    run = run_python(["-c", "import subprocess, sys, time\n"
                            "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
                            "print('started', flush=True); time.sleep(60)"], tmp_path, time_limit=3)
    assert run.returncode is None and not run.ok
    assert "started" in run.stdout and "killed after 3 s" in run.output


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig", "utf-8"])
@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_roster_saved_by_excel_is_read_in_any_usual_dialect(tmp_path, encoding, delimiter):
    path = tmp_path / "roster.csv"
    rows = [["Student_ID", "First_Name", "Last Name", "EMAIL"], ["s1", "Zoé", "Lefèvre", "zoe@example.fr"],
            ["s2", "Anaïs", "", ""]]
    path.write_bytes("\r\n".join(delimiter.join(r) for r in rows).encode(encoding) + b"\r\n")
    students = read_roster(path)
    assert [s.student_id for s in students] == ["s1", "s2"]
    assert students[0].first_name == "Zoé" and students[0].last_name == "Lefèvre"
    assert students[0].email == "zoe@example.fr" and students[1].first_name == "Anaïs"


def test_roster_in_another_encoding_is_refused_with_what_to_do(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes("student_id\nñ1\n".encode("utf-16"))
    with pytest.raises(RosterError) as e:
        read_roster(path)
    assert str(e.value) == (f"roster {path} is neither UTF-8 nor Windows-1252 (cp1252) text; "
                            'save it from Excel as "CSV UTF-8 (comma delimited)"')


def test_roster_without_an_id_column_names_the_separators(tmp_path):
    path = write(tmp_path / "r.csv", "id|name\n1|a\n")
    with pytest.raises(RosterError, match="no student_id column .*separated by commas or semicolons or tabs"):
        read_roster(path)


def test_course_policy_defaults_hide_solutions_and_keep_hints():
    from sandbox.course import CourseSettings

    default = CourseSettings(course_id="c", salt="s").policy()
    assert not default.solutions and default.hints
    assert not CourseSettings(course_id="c", salt="s", hints="off").policy().hints
    assert CourseSettings(course_id="c", salt="s", show_solutions=True).policy().solutions
    with pytest.raises(CourseError, match="hints must be one of on, off, got 'maybe'"):
        CourseSettings(course_id="c", salt="s", hints="maybe")


def test_memory_option_reads_sizes(capsys):
    from sandbox._cli_course import memory_size

    assert memory_size("4G") == 4 * 2**30 and memory_size("512m") == 512 * 2**20 and memory_size("1000") == 1000
    with pytest.raises(SystemExit):
        cli.main(["course", "autograde", "x", "--memory", "lots"])
    assert "'lots' is not a memory size" in capsys.readouterr().err


def test_submission_folders_off_the_roster_are_graded_only_when_allowed(tmp_path, monkeypatch):
    from nbgrader.api import Gradebook

    from sandbox._environment import tool_env

    from sandbox.course.grade.autograde import UNKNOWN, find_students
    from sandbox.course.grade.gradebook import db_url

    monkeypatch.setenv("PATH", tool_env()["PATH"])  # a new gradebook runs nbgrader's `alembic`
    with Gradebook(db_url(tmp_path / "gradebook.db")) as gb:
        gb.add_student("ann")
    for sid in ("ann", "bob", "bad id"):
        (tmp_path / "submitted" / sid).mkdir(parents=True)
    students, refused = find_students(tmp_path)
    assert students == ["ann"]
    assert {(o.student_id, o.status) for o in refused} == {("bob", UNKNOWN), ("bad id", "ungradable")}
    assert "--allow-unknown-students" in next(o.message for o in refused if o.student_id == "bob")
    students, refused = find_students(tmp_path, allow_unknown=True)
    assert students == ["ann", "bob"] and [o.student_id for o in refused] == ["bad id"]


def test_a_world_needed_by_two_graders_at_once_is_generated_once(tmp_path, monkeypatch):
    """Two submissions of one student graded at the same time wait for one world, not make two."""
    import threading
    import time

    from sandbox.course import CourseSettings
    from sandbox.course.build import worlds

    CourseSettings(course_id="c", salt="s", scale="tiny").save(tmp_path)
    made = []
    generate = worlds.generate_student_world

    def slow_generate(settings, student_id):
        made.append(student_id)
        time.sleep(0.5)  # long enough for the other grader to ask meanwhile
        return generate(settings, student_id)

    monkeypatch.setattr(worlds, "generate_student_world", slow_generate)
    folders = []
    graders = [threading.Thread(target=lambda: folders.append(worlds.student_dataset(tmp_path, "s1")))
               for _ in range(2)]
    for t in graders:
        t.start()
    for t in graders:
        t.join()
    assert made == ["s1"]
    assert folders[0] == folders[1] and (folders[0] / "truth.json").is_file()
    assert worlds.student_dataset(tmp_path, "s1") == folders[0] and made == ["s1"]


def test_resume_grades_only_the_submissions_without_a_status_assignment_by_assignment():
    from sandbox.course.grade.autograde import plan

    status = {"ann": {"a1": {"status": "graded"}}, "bob": {"a1": {"status": "missing"}, "a2": {"status": "graded"}}}
    done, todo = plan(["ann", "bob", "cy"], ["a1", "a2"], status)
    assert done == [("ann", "a1"), ("bob", "a1"), ("bob", "a2")]
    assert todo == [("cy", "a1"), ("ann", "a2"), ("cy", "a2")]
    assert plan(["ann", "bob"], ["a1", "a2"], {})[1] == [("ann", "a1"), ("bob", "a1"), ("ann", "a2"), ("bob", "a2")]
