"""What keeps a test process in its place: a memory limit, death with its runner, and a marker in
the environment by which every process it starts (even one that calls setsid and leaves the
process group) is found and killed when the run ends.

Used by the runner (`runner.run_tests`) on its side and by the test process (`child`) on its
own. On systems without /proc or prctl (macOS) the marker hunt and the death signal are skipped
and the process group kill is all there is; docs/guarantees.md says so.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

MARKER = "TDDKIT_RUN"  # environment variable: "<runner pid>.<random>", inherited by every descendant
PARENT = "TDDKIT_PARENT"  # the runner's pid, for the test process's death signal
STACK_SIGNAL = getattr(signal, "SIGUSR2", None)  # asks a timed-out test process for its stack
STACK_PATIENCE = 1.0  # seconds a timed-out test process has to write its stack before the kill
MEMORY_LIMIT = 2 * 1024**3  # bytes of address space for the test process and what it starts
KILL_PATIENCE = 5.0  # seconds to keep killing marked processes that keep forking

_PROC = Path("/proc")
# A temp folder of the kit names its owner's pid (temp_prefix): tddkit-<what>-pid<pid>-<random>.
_TEMP_FOLDER = re.compile(r"tddkit-.+-pid(\d+)-[^-]+")


def new_marker() -> str:
    return f"{os.getpid()}.{secrets.token_hex(8)}"


# -- in the test process --------------------------------------------------------------------

def limit_memory(limit: int = MEMORY_LIMIT) -> None:
    """Cap the address space (RLIMIT_AS): a runaway allocation raises MemoryError, not the OOM killer."""
    try:
        import resource
    except ImportError:  # not POSIX
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    new = limit if hard == resource.RLIM_INFINITY else min(limit, hard)
    if soft == resource.RLIM_INFINITY or soft > new:
        try:
            resource.setrlimit(resource.RLIMIT_AS, (new, hard))
        except (ValueError, OSError):
            pass


def dump_stack_when_asked() -> None:
    """On STACK_SIGNAL, write the stack of every thread to the process's output, then die of
    the signal: the runner asks that of a test process that ran out of time, to say where the
    learner's code was (where.from_dump). faulthandler writes from its C signal handler, so a
    loop in pure Python or in C is caught alike. The output is a copy of stderr made now,
    before pytest captures it; if the learner's code takes the signal over, the timeout only
    cannot say where it was."""
    try:
        import faulthandler

        faulthandler.register(STACK_SIGNAL, file=os.dup(2), all_threads=True, chain=True)
    except (AttributeError, OSError, RuntimeError, TypeError, ValueError):  # no such signal here (Windows)
        pass


def die_with_parent(parent: int | None) -> None:
    """Ask Linux to SIGKILL this process when the runner dies (kill -9 of `tddkit run`)."""
    if not sys.platform.startswith("linux") or not parent:
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the runner died before the request was made
        os._exit(1)


# -- in the runner --------------------------------------------------------------------------

def ask_for_stack(pid: int) -> None:
    """Ask a timed-out test process for its stack (dump_stack_when_asked): it writes it and dies;
    the caller kills its group all the same after STACK_PATIENCE."""
    if STACK_SIGNAL is None:
        return
    try:
        os.kill(pid, STACK_SIGNAL)
    except (ProcessLookupError, PermissionError):
        pass


def _marked(marker: str | None = None) -> list[tuple[int, str]]:
    """(pid, marker) of every live process carrying a run marker (only `marker`, if given)."""
    if not _PROC.is_dir():
        return []
    prefix = (MARKER + "=").encode()
    wanted = (prefix + marker.encode()) if marker else None
    me = os.getpid()
    found = []
    for entry in os.scandir(_PROC):
        if not entry.name.isdigit() or int(entry.name) == me:
            continue
        try:
            with open(f"/proc/{entry.name}/environ", "rb") as f:
                env = f.read()
        except OSError:  # gone, or not ours to read
            continue
        if prefix not in env:
            continue
        for item in env.split(b"\0"):
            if item.startswith(prefix) and (wanted is None or item == wanted):
                found.append((int(entry.name), item[len(prefix):].decode("ascii", "replace")))
                break
    return found


def _is_live(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return False


def kill_marked(marker: str) -> None:
    """SIGKILL every process carrying this run's marker, until none is left alive."""
    deadline = time.monotonic() + KILL_PATIENCE
    while True:
        live = [pid for pid, _ in _marked(marker) if _is_live(pid)]
        if not live or time.monotonic() > deadline:
            return
        for pid in live:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        time.sleep(0.005)


def sweep_orphans() -> None:
    """Kill what runs whose runner died (kill -9 of `tddkit`) left behind, then remove their temp folders."""
    for pid, marker in _marked():
        runner = marker.split(".", 1)[0]
        if runner.isdigit() and not _is_live(int(runner)):
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
    sweep_temp_folders()


def temp_prefix(what: str) -> str:
    """The prefix of a temp folder this process makes, naming its pid: once the process is dead,
    the next run removes what it left (sweep_temp_folders)."""
    return f"tddkit-{what}-pid{os.getpid()}-"


def sweep_temp_folders() -> None:
    """Remove the kit's temp folders whose owner is dead (killed before it could clean up)."""
    try:
        entries = list(os.scandir(tempfile.gettempdir()))
    except OSError:
        return
    for entry in entries:
        match = _TEMP_FOLDER.fullmatch(entry.name)
        if match and entry.is_dir(follow_symlinks=False) and not _exists(int(match[1])):
            shutil.rmtree(entry.path, ignore_errors=True)


def _exists(pid: int) -> bool:
    """The process is there (a zombie too: its parent may still clean up), whoever owns it.
    Asked of the system, not /proc, so that where there is no /proc nothing live is removed."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True
