"""The limits of one student's kernel, its own and no other kernel's.

Kernels graded at the same time must not share a limit, or one student's notebook could take what
another's needs (a fork bomb that used up the processes of the one ``nobody`` every kernel ran as
zeroed the honest students graded beside it). So, as root:

- **Processes**: each kernel runs as a user of its own (:func:`sandbox.course.kernel.isolation.kernel_uid`),
  so ``RLIMIT_NPROC`` counts its processes only; its cgroup caps them too (``pids``).
- **Memory**: the kernel process may allocate :attr:`Limits.memory` bytes of address space beyond what it
  holds when its first cell starts (``RLIMIT_AS``, set by the kernel runner before any student code
  runs); everything the kernel starts, together, is capped by its cgroup (``memory``) at that plus its
  disk and :data:`KERNEL_OVERHEAD`.
- **Disk**: the kernel's folder is a tmpfs of its own, of the size of the files the grader puts there
  plus :attr:`Limits.disk`; ``RLIMIT_FSIZE`` caps a single file at that too. Everything else the kernel
  sees is read-only (bubblewrap) or another user's.
- **CPU**: each kernel's cgroup has the same weight (``cpu``), so a kernel's share of the machine does not
  grow with the number of its processes.

The tmpfs is mounted in a mount namespace private to the grading worker (:func:`private_mounts`), so a
worker killed outright leaves no mount behind. Without root only the ``rlimit`` s apply.
"""

from __future__ import annotations

import ctypes
import os
import signal
import tempfile
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

#: Default memory limit of one kernel (bytes); ``--memory`` changes it.
DEFAULT_MEMORY = 4 * 2**30
MAX_PROCESSES = 1024
#: What a kernel may write (bytes): its folder's room on top of its tables, and the largest file.
DEFAULT_DISK = 512 * 2**20
#: Memory a kernel's processes hold besides what the student allocates: the kernel runner and the kernel's
#: own pages that are not shared with the template (measured 120-180 MB; see tests/test_kernel_limits.py).
KERNEL_OVERHEAD = 512 * 2**20
#: Files a kernel's folder may hold (a tmpfs's inodes cost memory too).
MAX_FILES = 100_000


@dataclass(frozen=True)
class Limits:
    """Resource limits of one sandboxed run."""

    memory: int = DEFAULT_MEMORY
    processes: int = MAX_PROCESSES
    disk: int = DEFAULT_DISK

    @property
    def cgroup_memory(self) -> int:
        """The cap on the memory of all the kernel's processes together, its folder's files included."""
        return self.memory + self.disk + KERNEL_OVERHEAD


def is_root() -> bool:
    return os.geteuid() == 0


# ------------------------------------------------------------------------------------------------ cgroups
#: cgroup v1 hierarchies a kernel's cgroup is made in, with what is written there.
V1_CONTROLLERS = ("pids", "memory", "cpu")
CGROUP_ROOT = Path("/sys/fs/cgroup")
#: Rounds of SIGKILL to every process of a cgroup (processes forking meanwhile need more than one).
KILL_ROUNDS = 100


def own_cgroups() -> dict[str, str]:
    """This process's cgroup path in each hierarchy (``"memory" -> "/a/b"``; ``""`` for cgroup v2)."""
    paths = {}
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        for name in controllers.split(",") if controllers else [""]:
            paths[name] = path
    return paths


@lru_cache(maxsize=None)
def cgroup_parents() -> dict[str, Path]:
    """Where kernels' cgroups go, by controller (``""``: a cgroup v2 hierarchy): under this process's own."""
    own = own_cgroups()
    parents = {}
    for name in V1_CONTROLLERS:
        folder = CGROUP_ROOT / name
        if name in own and (folder / "cgroup.procs").is_file():
            parents[name] = folder / own[name].lstrip("/")
    if not parents and "" in own and (CGROUP_ROOT / "cgroup.controllers").is_file():
        parents[""] = CGROUP_ROOT / own[""].lstrip("/")  # cgroup v2 only
    return parents


class KernelCgroup:
    """A cgroup of its own for one kernel, in every hierarchy the machine lets root use (else nothing).

    The kernel's first process joins it before it runs anything (:meth:`join`, or writing to
    :attr:`procs_files`); everything it starts stays in it (only root may move a process out), and
    :meth:`kill_all` ends them all, whatever sessions or process groups they made. :attr:`limits` says
    what it enforces here.
    """

    def __init__(self, limits: Limits):
        self.folders: list[Path] = []
        self.limits: list[str] = []
        if not is_root():
            return
        for name, parent in cgroup_parents().items():
            try:
                folder = Path(tempfile.mkdtemp(prefix="sandbox-kernel-", dir=parent))
            except OSError:
                continue
            self.folders.append(folder)
            for file, value, what in (("pids.max", limits.processes, "processes"),
                                      ("memory.limit_in_bytes", limits.cgroup_memory, "memory"),
                                      ("memory.max", limits.cgroup_memory, "memory"),
                                      ("memory.swap.max", 0, None), ("memory.memsw.limit_in_bytes", None, None)):
                if (folder / file).is_file() and value is not None:
                    try:
                        (folder / file).write_text(str(value))
                        if what:
                            self.limits.append(what)
                    except OSError:
                        pass
            if name == "cpu" or (name == "" and (folder / "cpu.weight").is_file()):
                self.limits.append("cpu share")

    @property
    def procs_files(self) -> list[str]:
        return [str(f / "cgroup.procs") for f in self.folders]

    def join(self) -> None:
        """In the kernel's first process, before exec: move into the cgroup (plain system calls: we are a fork)."""
        join_cgroups(self.procs_files)

    def kill_all(self) -> None:
        """SIGKILL every process left in the cgroup until none is, then remove it."""
        if not self.folders:
            return
        procs = self.folders[0] / "cgroup.procs"
        for _ in range(KILL_ROUNDS):
            try:
                pids = [int(p) for p in procs.read_text().split()]
            except OSError:
                break
            if not pids:
                break
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.01)
        for folder in self.folders:
            for _ in range(KILL_ROUNDS):
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.01)  # the last processes are still exiting
        self.folders = []


def join_cgroups(procs_files: list[str]) -> None:
    """Move this process into each cgroup of ``procs_files`` (its ``cgroup.procs`` files)."""
    for path in procs_files:
        fd = os.open(path, os.O_WRONLY)
        try:
            os.write(fd, str(os.getpid()).encode())
        finally:
            os.close(fd)


# ------------------------------------------------------------------------------------------------- mounts
CLONE_NEWNS = 0x00020000
MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REC, MS_PRIVATE = 0x2, 0x4, 0x8, 0x4000, 0x40000
MNT_DETACH = 0x2


@lru_cache(maxsize=None)
def _libc():
    return ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


_private = []


def private_mounts() -> None:
    """As root, give this process a mount namespace of its own (once): the tmpfs of its kernels' folders are
    then seen by it and its children only, and go when they all have ended. Call it before starting
    threads."""
    if _private or not is_root():
        return
    _check(_libc().unshare(CLONE_NEWNS), "unshare")
    _check(_libc().mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None), "mount --make-rprivate /")
    _private.append(True)


def mount_tmpfs(folder: Path, size: int, uid: int | None) -> None:
    """Mount a tmpfs of ``size`` bytes (and :data:`MAX_FILES` files) on ``folder``, mode 700, owned by ``uid``."""
    owner = f",uid={uid},gid={uid}" if uid is not None else ""
    options = f"size={size},nr_inodes={MAX_FILES},mode=0700{owner}".encode()
    _check(_libc().mount(b"tmpfs", str(folder).encode(), b"tmpfs", MS_NOSUID | MS_NODEV, options),
           f"mount tmpfs on {folder}")


def unmount(folder: Path) -> None:
    """Unmount ``folder`` if something is mounted on it (lazily: a process still inside keeps it alive)."""
    if os.path.ismount(folder):
        _check(_libc().umount2(str(folder).encode(), MNT_DETACH), f"umount {folder}")
