"""Folders a killed grading process left in the temporary folder, removed by the next run on the machine.

Every folder a grading process makes there is named ``PREFIX-UID-PID-...`` after the process that owns
it: a Dask worker's unpacked course (``sandbox-grading``: it holds the course salt), a kernel's folder
(``sandbox-kernel``: a student's tables and notebook), a kernel template's home. A process killed outright
(SIGKILL, a reboot) cannot remove its own; the next autograde on the machine (local or on Dask) removes
each folder whose process is gone.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

#: Name prefixes of the folders grading makes in the temporary folder.
GRADING_PREFIX = "sandbox-grading"  # a Dask worker's copy of the course kit
KERNEL_PREFIX = "sandbox-kernel"  # a kernel's folder
TEMPLATE_PREFIX = "sandbox-template"  # a kernel template's home
PREFIXES = (GRADING_PREFIX, KERNEL_PREFIX, TEMPLATE_PREFIX)


def owned_name(prefix: str) -> str:
    """The start of a folder name owned by this process: ``PREFIX-UID-PID-``."""
    return f"{prefix}-{os.getuid()}-{os.getpid()}-"


def process_started(pid: int) -> float | None:
    """When process ``pid`` started (seconds since the epoch), None if there is no such process."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        boot = next(float(line.split()[1]) for line in Path("/proc/stat").read_text().splitlines()
                    if line.startswith("btime "))
    except (OSError, StopIteration, IndexError):
        return None
    return boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")  # field 22 of stat: start time in clock ticks


def stale_folders(prefixes: tuple[str, ...] = PREFIXES) -> list[Path]:
    """This user's grading folders whose process is gone (or whose pid now names a younger process)."""
    pattern = re.compile(rf"({'|'.join(map(re.escape, prefixes))})-{os.getuid()}-(\d+)-.+")
    stale = []
    with os.scandir(tempfile.gettempdir()) as entries:
        for entry in entries:
            match = pattern.fullmatch(entry.name)
            if not match or not entry.is_dir(follow_symlinks=False):
                continue
            info = entry.stat(follow_symlinks=False)
            if os.getuid() != 0 and info.st_uid != os.getuid():  # root's kernels' folders belong to their users
                continue
            started = process_started(int(match[2]))
            # a folder is made once its process runs: a process started after it reuses a dead pid
            if started is None or started > info.st_mtime + 1:
                stale.append(Path(entry.path))
    return stale


def remove_stale_folders(prefixes: tuple[str, ...] = PREFIXES, before_removing=None) -> list[Path]:
    """Remove the grading folders that killed processes left behind; ``before_removing(folder)`` runs first."""
    removed = []
    for folder in stale_folders(prefixes):
        if before_removing is not None:
            before_removing(folder)
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed
