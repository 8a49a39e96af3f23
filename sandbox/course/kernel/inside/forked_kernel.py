"""Start a Jupyter kernel as a fork of the current process instead of a new interpreter.

:mod:`sandbox.course.kernel.inside.kernel_run` starts the notebook's kernel through
jupyter_client, which runs ``python -m ipykernel_launcher -f CONNECTION_FILE``:
a new interpreter that imports ipykernel, then pandas, seaborn and the sandbox
package again for every notebook (about 3 s of CPU each time). When
kernel_run itself runs in a fork of a process that imported all that once
(:mod:`sandbox.course.kernel.kernel_template`), :func:`use_forked_kernels` makes
jupyter_client fork that process instead: the child becomes the same
ipykernel, with the imports already done. Nothing else changes: nbclient drives
it over ZeroMQ exactly as it drives a kernel it launched.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
import traceback
from typing import NoReturn


#: Seconds ForkedProcess.kill waits for the killed child to be gone (it takes milliseconds).
KILL_WAIT = 1.0


class ForkedProcess:
    """The parts of ``subprocess.Popen`` jupyter_client uses, for a child made with ``os.fork``."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            _, status = os.waitpid(self.pid, 0)
            self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.returncode is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        """SIGKILL, then reap the child for up to KILL_WAIT s.

        jupyter_client polls a killed kernel every 0.1 s; reaped here, its first poll sees it gone.
        """
        self.send_signal(signal.SIGKILL)
        deadline = time.monotonic() + KILL_WAIT
        while self.poll() is None and time.monotonic() < deadline:
            time.sleep(0.001)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def fork_kernel(cmd: list[str], env: dict | None = None, cwd: str | None = None, **_ignored) -> ForkedProcess:
    """jupyter_client's ``launch_kernel``, by fork: the child runs ipykernel with ``cmd``'s arguments."""
    argv = cmd[cmd.index("-f"):]  # [..., "-m", "ipykernel_launcher", "-f", FILE, ...]
    pid = os.fork()
    if pid:
        # its own process group, as jupyter_client's launcher gives it; set on both sides of the fork so
        # that the group exists before the caller reads it (it signals the group, not the pid)
        with contextlib.suppress(OSError):
            os.setpgid(pid, pid)
        return ForkedProcess(pid)
    exit_with(lambda: run_kernel(argv, env, cwd))


def run_kernel(argv: list[str], env: dict | None, cwd: str | None) -> int:
    """In the forked child: become ipykernel with ``argv`` (``["-f", CONNECTION_FILE, ...]``)."""
    os.setpgid(0, 0)
    if cwd:
        os.chdir(cwd)
    if env is not None:
        os.environ.clear()
        os.environ.update(env)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    # the parent forked from inside nbclient's event loop: the child starts with none
    asyncio.events._set_running_loop(None)
    asyncio.set_event_loop(asyncio.new_event_loop())
    from ipykernel.kernelapp import IPKernelApp

    IPKernelApp.launch_instance(argv=argv)
    return 0


def exit_with(body, failed: int = 1) -> NoReturn:
    """In a forked child: run ``body()``, then end the process with its exit code (``failed`` if it raised).

    Never returns, so that a child never runs its parent's code after the fork.
    """
    code = failed
    try:
        code = body()
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 0
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code if isinstance(code, int) and 0 <= code < 256 else failed)


def use_forked_kernels() -> None:
    """Make jupyter_client start every kernel of this process with :func:`fork_kernel`."""
    from jupyter_client.provisioning import local_provisioner

    local_provisioner.launch_kernel = fork_kernel
