"""Where a student's kernel runs: a fresh folder it cannot leave, chosen by what the machine allows.

Modes, strongest first (:func:`detect_mode` picks the first that works here):

``bwrap+nobody``
    Grading as root with bubblewrap: the kernel runs as an unprivileged user of its own (no
    capabilities; see :func:`kernel_uid`) inside new mount, pid, network and ipc namespaces. It sees
    the file system read-only, an empty ``/tmp`` and ``/root`` (but for the Python installation), the
    course folder and the project's solutions replaced by empty folders, and has no network.
``bwrap``
    Not root, bubblewrap available: the same namespaces as the grading user.
``netns+nobody``
    Root without bubblewrap: the kernel runs as a user of its own, in a network namespace of its own
    (only its loopback, for the kernel's own sockets: no network, not even the machine's 127.0.0.1);
    the course folder is closed to other users (mode 700). It sees the rest of the file system as
    ``nobody`` would, but not the folders of other kernels (each mode 700, of its own user).
``nobody``
    As ``netns+nobody`` where the kernel refuses a new network namespace (a container without
    CAP_SYS_ADMIN, say): the network stays reachable, so autograde refuses this mode unless told
    ``--allow-network``.
``none``
    No isolation: the kernel runs as the grading user. Answers are still judged
    outside the kernel, but a student can read and write what the grader can.

In every mode the kernel's folder holds only the notebook and the student's learner tables. Its
limits (processes, memory, disk, CPU share) are its own, not shared with kernels graded at the same
time: see :mod:`.limits`. As root, what the student's code starts stays in the kernel's cgroup,
whatever session it makes, and is killed when the run ends.
"""

from __future__ import annotations

import ctypes
import fcntl
import json
import os
import resource
import secrets
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..._environment import PACKAGE_PARENT, tool_env
from .leftovers import KERNEL_PREFIX, owned_name
from .limits import KernelCgroup, Limits, is_root, mount_tmpfs, unmount

MODES = ("bwrap+nobody", "bwrap", "netns+nobody", "nobody", "none")
NOBODY = 65534
#: Kernels of the nobody modes each run as a fresh user of this range (no account has one).
RUN_UID_BASE = 2_000_000_000
RUN_UID_COUNT = 2**27


@dataclass
class SandboxRun:
    returncode: int | None  # None: killed after the time limit
    output: str


def needed_paths() -> list[str]:
    """Folders the kernel must read: the Python installation, this environment, the sandbox package."""
    return list(dict.fromkeys(str(Path(p).resolve()) for p in (sys.base_prefix, sys.prefix, PACKAGE_PARENT)))


def bwrap_args(workdir: Path, hidden: list[Path], as_root: bool, info_fd: int | None = None) -> list[str]:
    """bubblewrap options: read-only system, private /tmp and /root, hidden folders, writable ``workdir`` only.

    ``info_fd``: a file descriptor bubblewrap writes its JSON info to (``child-pid``: pid 1 of the sandbox).
    """
    args = ["bwrap"] + (["--info-fd", str(info_fd)] if info_fd is not None else []) + ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "--tmpfs", "/root"]
    for path in needed_paths():
        if path.startswith(("/tmp/", "/root/")):
            for parent in reversed(Path(path).parents[:-2]):  # traversable mount points on the way
                args += ["--perms", "0755", "--dir", str(parent)]
            args += ["--ro-bind", path, path]
    for path in hidden:
        if Path(path).is_dir():
            args += ["--tmpfs", str(path)]
    args += ["--bind", str(workdir), str(workdir), "--chdir", str(workdir), "--die-with-parent", "--new-session"]
    # As root, no user namespace: bwrap sets up the mounts, then setpriv drops to nobody for good.
    if as_root:
        return args + ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try", "--"]
    return args + ["--unshare-all", "--"]


def as_user(uid: int) -> list[str]:
    """The command prefix that drops from root to ``uid`` for good: its own group, no other group."""
    return ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--"]


AS_NOBODY = as_user(NOBODY)  # the holder of a template's sandbox (see Holder)


def kernel_uid(mode: str) -> int | None:
    """The user a kernel of ``mode`` runs as; None: the grading user.

    Kernels that run at the same time must not share a user: per-user limits
    (``RLIMIT_NPROC``) would be shared, so one kernel's fork bomb would starve the
    others, and without bubblewrap's namespaces, kernels of one user could read or
    rewrite each other's folders (answers included), or signal each other. So in
    the root modes each kernel gets a user of its own, drawn afresh from a range no
    account uses (unprivileged, like ``nobody``, whose name the modes keep).
    """
    if "nobody" in mode:
        return RUN_UID_BASE + secrets.randbelow(RUN_UID_COUNT)
    return None


def kernel_user(workdir: Path) -> int:
    """The user of the kernel of ``workdir`` in the nobody modes: the folder's owner, never root."""
    uid = workdir.stat().st_uid
    if uid == 0:
        raise ValueError(f"the kernel's folder {workdir} belongs to root: make it with make_workdir(mode)")
    return uid


def wrapper(mode: str, workdir: Path, hidden: list[Path]) -> list[str]:
    """The command prefix that runs a program in ``mode`` (as the owner of ``workdir`` in the nobody modes)."""
    if mode == "bwrap+nobody":
        return bwrap_args(workdir, hidden, as_root=True) + as_user(kernel_user(workdir))
    if mode == "bwrap":
        return bwrap_args(workdir, hidden, as_root=False)
    if mode in ("netns+nobody", "nobody"):  # netns: the namespace is made before exec (see run_sandboxed)
        return as_user(kernel_user(workdir))
    if mode == "none":
        return []
    raise ValueError(f"unknown isolation mode {mode!r}; modes: {', '.join(MODES)}")


#: What a mode must allow: the package imports, and Python starts Python (as the kernel's runner starts the kernel).
#: The first start is setpriv's, which may still pass where the kernel's user may not (a Python under /root).
WORKS_PROBE = "import sandbox, subprocess, sys; subprocess.run([sys.executable, '-c', 'pass'], check=True)"


@lru_cache(maxsize=None)
def detect_mode() -> str:
    """The strongest mode that actually runs Python on this machine."""
    candidates = (["bwrap+nobody", "netns+nobody", "nobody"] if is_root() else []) + ["bwrap"]
    for mode in candidates:
        if "bwrap" in mode and not shutil.which("bwrap"):
            continue
        if "nobody" in mode and not shutil.which("setpriv"):
            continue
        workdir = make_workdir(mode)
        try:
            run = run_sandboxed([sys.executable, "-c", WORKS_PROBE], workdir, mode, [], Limits(),
                                time_limit=60, env=minimal_env(workdir))
            if run.returncode == 0:
                return mode
        except (OSError, subprocess.SubprocessError):  # SubprocessError: the namespace was refused
            pass
        finally:
            remove_workdir(workdir)
    return "none"


def make_workdir(mode: str, size: int | None = None) -> Path:
    """A fresh private folder (mode 700) for one kernel, owned by the user the kernel runs as (:func:`kernel_uid`).

    ``size``: as root, the folder is a tmpfs of that many bytes (the kernel's disk; see
    :mod:`.limits`), else an ordinary folder.
    """
    workdir = Path(tempfile.mkdtemp(prefix=owned_name(KERNEL_PREFIX))).resolve()
    uid = kernel_uid(mode)
    if size is not None and is_root():
        mount_tmpfs(workdir, size, uid)
    elif uid is not None:
        os.chown(workdir, uid, uid)
    return workdir


def hand_over(workdir: Path, mode: str) -> None:
    """Give every file in ``workdir`` to the kernel's user, its owner (after the grader wrote them as root)."""
    if "nobody" not in mode:
        return
    uid = workdir.stat().st_uid
    for root, dirs, files in os.walk(workdir):
        for name in dirs + files:
            os.lchown(os.path.join(root, name), uid, uid)


def remove_workdir(workdir: Path) -> None:
    unmount(workdir)
    shutil.rmtree(workdir, ignore_errors=True)


def close_to_others(folder: Path) -> None:
    """As root, make ``folder`` unreadable to other users (the kernel's ``nobody``)."""
    if is_root():
        os.chmod(folder, 0o700)


def minimal_env(workdir: Path, extra: dict | None = None) -> dict:
    """The kernel's environment: this environment's tools and the sandbox package, nothing of the grader's."""
    home = workdir / ".home"
    env = {
        "PATH": tool_env({"PATH": "/usr/local/bin:/usr/bin:/bin"})["PATH"],
        "PYTHONPATH": PACKAGE_PARENT,
        "HOME": str(home),
        # the kernel's user may have no account (kernel_uid): getpass.getuser() reads these first
        "USER": "student",
        "LOGNAME": "student",
        "LANG": "C.UTF-8",
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "IPYTHONDIR": str(home / "ipython"),
        "MPLCONFIGDIR": str(home / "matplotlib"),
        "PYTHONDONTWRITEBYTECODE": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        # few malloc arenas: each thread's own arena reserves 64 MB of address space, which --memory counts
        "MALLOC_ARENA_MAX": "2",
    }
    env.update(extra or {})
    return env


CLONE_NEWNET = 0x40000000
SIOCSIFFLAGS = 0x8914
IFF_UP, IFF_LOOPBACK, IFF_RUNNING = 0x1, 0x8, 0x40


@lru_cache(maxsize=None)
def _unshare_function():
    """``unshare(flags)``: os.unshare (Python 3.12+) or libc's, loaded here, in the parent, not after fork."""
    if hasattr(os, "unshare"):
        return os.unshare
    libc = ctypes.CDLL(None, use_errno=True)

    def unshare(flags: int) -> None:
        if libc.unshare(flags) != 0:
            errno = ctypes.get_errno()
            raise OSError(errno, f"unshare: {os.strerror(errno)}")
    return unshare


def _new_network(unshare) -> None:
    """In the child, still root: a network namespace of its own with its loopback up (the kernel's sockets)."""
    unshare(CLONE_NEWNET)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:  # struct ifreq: name, flags, padding
        fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sh22x", b"lo", IFF_UP | IFF_LOOPBACK | IFF_RUNNING))


def set_rlimits(limits: Limits) -> None:
    """This process's resource limits as a kernel's first process (its children inherit them).

    Not the memory: the kernel runner limits the kernel's address space once the kernel has started
    (:mod:`.limits`); until then the kernel's cgroup caps it where there is one.
    """
    resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes, limits.processes))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.disk, limits.disk))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _prepare(mode: str, limits: Limits, cgroup: KernelCgroup):
    """What the child does before exec: join its cgroup, its own network in ``netns+nobody``, the resource limits."""
    unshare = _unshare_function() if mode == "netns+nobody" else None

    def apply():
        cgroup.join()
        if unshare:
            _new_network(unshare)
        set_rlimits(limits)
    return apply


#: Characters of a run's output kept (its end).
OUTPUT_TAIL = 20000
#: Seconds a finished run's output may stay open (held by a process it left where no cgroup ends it).
OUTPUT_GRACE = 5


def run_sandboxed(cmd: list[str], workdir: Path, mode: str, hidden: list[Path], limits: Limits,
                  time_limit: float, env: dict) -> SandboxRun:
    """Run ``cmd`` in ``workdir`` under ``mode``; kill its whole process group after ``time_limit`` s.

    The run ends when its first process does: as root, whatever it started and
    left behind is killed then (:class:`.limits.KernelCgroup`); elsewhere a process left
    holding its output delays the result by at most :data:`OUTPUT_GRACE` s.
    """
    cgroup = KernelCgroup(limits)
    try:
        proc = subprocess.Popen(wrapper(mode, workdir, hidden) + cmd, cwd=workdir, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                start_new_session=True, preexec_fn=_prepare(mode, limits, cgroup))
        output = OutputTail(proc.stdout, OUTPUT_TAIL)
        try:
            proc.wait(timeout=time_limit)
            code, note = proc.returncode, ""
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            code, note = None, f"\n[killed after {time_limit:.0f} s]"
        cgroup.kill_all()  # what it left behind, which may hold its output open
        return SandboxRun(code, output.text(OUTPUT_GRACE) + note)
    finally:
        cgroup.kill_all()


class OutputTail:
    """Reads a pipe to its end in a thread, keeping only its last ``keep`` bytes (a run may print gigabytes)."""

    def __init__(self, pipe, keep: int):
        self.pipe, self.keep, self.data = pipe, keep, b""
        self.thread = threading.Thread(target=self.read, daemon=True)
        self.thread.start()

    def read(self) -> None:
        with self.pipe:
            for chunk in iter(lambda: self.pipe.read1(65536), b""):
                self.data = (self.data + chunk)[-self.keep:]

    def text(self, grace: float) -> str:
        """What was read, once the pipe ended or ``grace`` seconds passed."""
        self.thread.join(grace)
        return self.data.decode("utf-8", "replace")


class Holder:
    """An empty ``bwrap+nobody`` sandbox around ``workdir`` for a kernel template's child to join.

    It holds the namespaces bubblewrap made (mounts, pid, network, ipc, uts) until :meth:`end`; ending it
    kills every process left inside (the sandbox's pid 1 exits).
    """

    def __init__(self, workdir: Path, hidden: list[Path], time_limit: float = 60):
        read, write = os.pipe()
        try:
            self.proc = subprocess.Popen(
                bwrap_args(workdir, hidden, as_root=True, info_fd=write) + AS_NOBODY
                + ["/bin/sh", "-c", "echo ready && exec cat"],
                cwd=workdir, env={"PATH": "/usr/bin:/bin"}, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT, pass_fds=(write,), start_new_session=True)
        finally:
            os.close(write)
        with os.fdopen(read, "rb") as info:
            text = info.read()  # bubblewrap closes it once the namespaces exist
        ready = select.select([self.proc.stdout], [], [], time_limit)[0] and self.proc.stdout.readline()
        if ready != b"ready\n":
            output = (ready or b"") + (self.proc.stdout.read() if self.proc.poll() is not None else b"")
            self.end()
            raise OSError(f"bubblewrap did not start: {output.decode(errors='replace').strip()[-500:]}")
        self.pid = int(json.loads(text)["child-pid"])

    def kill(self) -> None:
        """Kill everything in the sandbox now."""
        for kill in (lambda: os.kill(self.pid, signal.SIGKILL), lambda: os.killpg(self.proc.pid, signal.SIGKILL)):
            try:
                kill()
            except (ProcessLookupError, AttributeError):
                pass

    def end(self) -> None:
        """Let the holder exit (closing its input), then make sure nothing of the sandbox is left."""
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.kill()
        self.proc.wait()
        self.proc.stdout.close()
