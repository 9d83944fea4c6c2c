"""Run untrusted Python (question checks now, learners' code later) where it can do no harm.

Under bubblewrap (`bwrap`) the code gets: an empty environment; no network; its own PID,
IPC, UTS and user namespaces, so nothing it starts outlives it and it sees no other process;
a read-only view of the interpreter and its libraries only (not `instance/`, not the
repository, not `/etc` beyond what the dynamic linker needs); a private, size-limited tmpfs as
its home; limits on CPU time, address space, file size, open files and processes; and a wall
timeout after which the whole sandbox is killed. A root caller runs bwrap privileged (so it can
bind a checkout only root may enter) and `setpriv` drops the code to a fresh unprivileged uid with
no capabilities, so the process limit counts; otherwise bwrap runs in an unprivileged user
namespace that may not nest another.

Where bubblewrap cannot run (not installed, or user namespaces are off), `fallback` mode keeps
what a plain subprocess can: an empty environment, the same resource limits, a temporary
working directory and the whole process group killed at the timeout. It cannot hide the file
system, the network or other processes, so code marked `untrusted` (it arrived through the web
upload) is refused there, and a warning says the fallback is in use.

QUIZAPP_SANDBOX chooses: `auto` (default: bubblewrap when it works, else the fallback),
`bubblewrap` (refuse to run without it) or `fallback` (never use it; for tests of the fallback).
"""
from __future__ import annotations

import functools
import logging
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ..exceptions import ConfigurationError

log = logging.getLogger(__name__)

BUBBLEWRAP = "bubblewrap"
FALLBACK = "fallback"

# Passed through from the caller's environment when set: they change no behaviour a check can
# exploit, and OpenBLAS computes wrong results on some processors without the first two.
PASSED_THROUGH = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "TZ")
BASE_ENVIRONMENT = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONHASHSEED": "0",
                    "PYTHONDONTWRITEBYTECODE": "1", "PYTHONWARNINGS": "ignore", "MPLBACKEND": "Agg",
                    "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
# Read by the dynamic linker and by libraries that look up shared objects or time zones.
ETC_FILES = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "alternatives", "localtime", "fonts")
SANDBOX_UID_RANGE = (200_000, 1_200_000)  # an unused uid per run, so its process count is its own
SETPRIV = "/usr/bin/setpriv"  # util-linux: how a root caller's sandbox drops to a fresh uid
# The sandbox's own private tmpfs, mounted fresh for each run; not the host's /tmp.
INSIDE_TMP = "/tmp"  # nosec B108


class SandboxUnavailable(ConfigurationError):
    """Untrusted code was to run, but only the fallback (no bubblewrap) is available."""


@dataclass(frozen=True)
class Limits:
    """What one run may use. Memory is address space: PyTorch's import maps about 1 GiB."""
    wall_seconds: float = 60.0
    cpu_seconds: int = 60
    memory_bytes: int = 2 * 1024 ** 3
    file_bytes: int = 16 * 1024 ** 2       # any one file written, stdout and stderr included
    tmp_bytes: int = 64 * 1024 ** 2        # the private /tmp (bubblewrap only)
    processes: int = 64                    # processes and threads together
    open_files: int = 256


@dataclass(frozen=True)
class Result:
    returncode: int | None                 # None when the run was killed at the wall timeout
    stdout: str
    stderr: str
    isolation: str                         # BUBBLEWRAP or FALLBACK
    limits: Limits = field(default_factory=Limits)
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    @property
    def signal(self) -> int | None:
        """The signal that ended the code (bubblewrap reports it as 128 + the number)."""
        if self.returncode is None:
            return None
        if self.returncode < 0:
            return -self.returncode
        return self.returncode - 128 if self.isolation == BUBBLEWRAP and self.returncode > 128 else None

    @property
    def problem(self) -> str | None:
        """Why the run failed, in words for an author; None when it exited with 0."""
        if self.timed_out:
            return f"timed out after {self.limits.wall_seconds:g} s"
        if self.returncode == 0:
            return None
        signals = {signal.SIGXCPU: f"used more than {self.limits.cpu_seconds} s of CPU time",
                   signal.SIGXFSZ: f"wrote more than {self.limits.file_bytes // 1024 ** 2} MB to one file or its output",
                   signal.SIGKILL: "was killed"}
        if self.signal in signals:
            return signals[self.signal]
        tail = self.stderr.strip().splitlines()[-1:] or [f"exit code {self.returncode}"]
        return f"failed: {tail[0][:300]}"


def requested_mode() -> str:
    mode = os.environ.get("QUIZAPP_SANDBOX", "auto").strip().lower() or "auto"
    if mode not in ("auto", BUBBLEWRAP, FALLBACK):
        raise ConfigurationError(f"QUIZAPP_SANDBOX={mode!r}: use auto, bubblewrap or fallback")
    return mode


def isolation() -> str:
    """BUBBLEWRAP when code will run under bubblewrap, else FALLBACK (with a warning, once)."""
    mode = requested_mode()
    if mode == FALLBACK:
        return FALLBACK
    why_not = bubblewrap_unusable()
    if why_not is None:
        return BUBBLEWRAP
    if mode == BUBBLEWRAP:
        raise SandboxUnavailable(f"QUIZAPP_SANDBOX=bubblewrap, but {why_not}")
    _warn_fallback(why_not)
    return FALLBACK


@functools.cache
def _warn_fallback(why_not: str) -> None:
    log.warning("Question code runs WITHOUT the bubblewrap sandbox (%s): it has an empty environment, "
                "resource limits and is killed at its timeout, but can read files and use the network. "
                "Install bubblewrap (Debian: apt-get install bubblewrap). Uploaded code will not run.", why_not)
    print(f"warning: no bubblewrap sandbox ({why_not}); question code runs with the fallback's protections only, "
          "and code uploaded through the web does not run", file=sys.stderr)


@functools.cache
def bubblewrap_unusable() -> str | None:
    """Why bubblewrap cannot run code here (None when it can): tried once per process."""
    if sys.platform != "linux":
        return "bubblewrap needs Linux"
    if shutil.which("bwrap") is None:
        return "bwrap is not installed"
    if os.geteuid() == 0 and not os.access(SETPRIV, os.X_OK):
        return f"running as root needs {SETPRIV} (util-linux) to drop to an unprivileged uid"
    probe = _run_bubblewrap(sys.executable, ["-I", "-c", "import sys; print('ok')"], "", Limits(wall_seconds=20))
    if probe.stdout.strip() != "ok":
        return f"bwrap cannot start the interpreter: {probe.problem or probe.stdout.strip()[:200]}"
    return None


def run_python(source: str, stdin: str = "", limits: Limits = Limits(), *, untrusted: bool = False) -> Result:
    """Run `source` with this interpreter (`python -I -c source`), feeding `stdin`; never raises for
    anything the code does. `untrusted` code (it came through the web) refuses to run without
    bubblewrap: SandboxUnavailable."""
    where = isolation()
    if where == FALLBACK:
        if untrusted:
            raise SandboxUnavailable("code uploaded through the web runs only inside bubblewrap, which is not "
                                     "available here")
        return _run_fallback(sys.executable, ["-I", "-c", source], stdin, limits)
    return _run_bubblewrap(sys.executable, ["-I", "-c", source], stdin, limits)


def _environment() -> dict[str, str]:
    env = dict(BASE_ENVIRONMENT)
    env.update({key: os.environ[key] for key in PASSED_THROUGH if key in os.environ})
    return env


def _interpreter_paths() -> list[str]:
    """Folders the interpreter and its installed libraries live in (the venv and its base)."""
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    paths.update(sysconfig.get_paths().get(k, "") for k in ("stdlib", "platstdlib", "purelib", "platlib"))
    paths.update(p for p in sys.path if p and p.endswith(("site-packages", "dist-packages")))
    existing = sorted({os.path.realpath(p) for p in paths if p and os.path.isdir(p)} |
                      {p for p in paths if p and os.path.isdir(p)})
    # Drop folders inside others (a bind of the parent carries them) and anything under /usr (bound whole).
    kept: list[str] = []
    for path in existing:
        if path == "/usr" or path.startswith("/usr/") or any(path.startswith(k + "/") for k in kept):
            continue
        kept.append(path)
    return kept


def _bubblewrap_arguments(limits: Limits, as_root: bool) -> list[str]:
    if as_root:
        # bwrap runs privileged, so it can bind a checkout in a folder only root may enter (/root,
        # pytest's /tmp/pytest-of-root); setpriv then drops to a fresh uid with no capabilities left.
        namespaces = ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
                      "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:
        namespaces = ["--unshare-all", "--unshare-user", "--disable-userns"]
    args = ["bwrap", *namespaces, "--die-with-parent", "--new-session", "--hostname", "sandbox", "--clearenv",
            "--ro-bind", "/usr", "/usr"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    for name in ETC_FILES:
        if (Path("/etc") / name).exists():
            args += ["--ro-bind", f"/etc/{name}", f"/etc/{name}"]
    # The private /tmp first, then the interpreter's folders: a checkout (and its .venv) under /tmp
    # stays visible, read-only, on top of the fresh tmpfs instead of being hidden by it. Their parent
    # folders are made 0755 (bwrap would copy a private parent's 0700, which the sandbox's uid cannot enter).
    args += ["--proc", "/proc", "--dev", "/dev",
             "--perms", "1777", "--size", str(limits.tmp_bytes), "--tmpfs", INSIDE_TMP]
    made = {"/", INSIDE_TMP}
    for path in _interpreter_paths():
        for parent in reversed(Path(path).parents):
            if str(parent) not in made:
                made.add(str(parent))
                args += ["--perms", "0755", "--dir", str(parent)]
        args += ["--ro-bind", path, path]
    args += ["--chdir", INSIDE_TMP, "--setenv", "HOME", INSIDE_TMP, "--setenv", "TMPDIR", INSIDE_TMP,
             "--setenv", "MPLCONFIGDIR", INSIDE_TMP,
             "--remount-ro", "/"]  # last: the sandbox's root is read-only too; only /tmp takes writes
    for key, value in _environment().items():
        args += ["--setenv", key, value]
    return args


def _limit_resources(limits: Limits, processes: int | None):
    """The function run in the child between fork and exec: the limits, inherited by all it starts."""
    def apply() -> None:
        # CPU: SIGXCPU at the soft limit (reported by name), SIGKILL a second later at the hard one.
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
        for which, value in ((resource.RLIMIT_AS, limits.memory_bytes), (resource.RLIMIT_FSIZE, limits.file_bytes),
                             (resource.RLIMIT_NOFILE, limits.open_files), (resource.RLIMIT_CORE, 0)):
            resource.setrlimit(which, (value, value))
        if processes is not None:
            resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))
    return apply


_uid_lock = threading.Lock()
_uids_in_use: set[int] = set()


def _take_uid() -> int:
    with _uid_lock:
        while True:
            uid = random.randrange(*SANDBOX_UID_RANGE)
            if uid not in _uids_in_use:
                _uids_in_use.add(uid)
                return uid


def _run_bubblewrap(executable: str, argv: list[str], stdin: str, limits: Limits) -> Result:
    as_root = os.geteuid() == 0
    uid = _take_uid() if as_root else None
    try:
        # A fresh uid owns no process yet, so the limit is this run's alone; without root the
        # count also includes the caller's own processes, so allow for those.
        processes = limits.processes if as_root else _own_process_count() + limits.processes
        command = _bubblewrap_arguments(limits, as_root) + ["--"]
        if as_root:
            command += [SETPRIV, "--reuid", str(uid), "--regid", str(uid), "--clear-groups", "--no-new-privs", "--"]
        with tempfile.TemporaryDirectory(prefix="quizapp-sandbox-") as home:
            return _supervise(command + [executable, *argv], stdin, limits, home, _limit_resources(limits, processes),
                              BUBBLEWRAP, env={})
    finally:
        if uid is not None:
            with _uid_lock:
                _uids_in_use.discard(uid)


def _run_fallback(executable: str, argv: list[str], stdin: str, limits: Limits) -> Result:
    processes = _own_process_count() + limits.processes if os.geteuid() != 0 and sys.platform == "linux" else None
    with tempfile.TemporaryDirectory(prefix="quizapp-sandbox-") as home:
        env = {**_environment(), "HOME": home, "TMPDIR": home, "MPLCONFIGDIR": home}
        return _supervise([executable, *argv], stdin, limits, home, _limit_resources(limits, processes),
                          FALLBACK, env=env, cwd=home)


def _own_process_count() -> int:
    """Processes and threads of this user now (RLIMIT_NPROC counts them all, not only ours)."""
    uid, count = os.getuid(), 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    count += len(os.listdir(f"/proc/{entry.name}/task"))
            except OSError:
                continue
    return count


def _supervise(command: list[str], stdin: str, limits: Limits, home: str, preexec, where: str, env: dict,
               cwd: str | None = None) -> Result:
    """Start `command` in its own session, wait at most the wall time, kill its whole group, and
    read back at most the file limit of each output (written to files: a pipe could block)."""
    out_path, err_path = os.path.join(home, "stdout"), os.path.join(home, "stderr")
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=out, stderr=err, env=env, cwd=cwd,
                                   start_new_session=True, preexec_fn=preexec, close_fds=True)
        timed_out = False
        try:
            process.communicate(stdin.encode(), timeout=limits.wall_seconds)
        except subprocess.TimeoutExpired:
            timed_out = True
        except BrokenPipeError:  # the code exited without reading its input
            pass
        finally:
            _kill_group(process.pid)
            process.wait()
    return Result(None if timed_out else process.returncode, _read_capped(out_path, limits.file_bytes),
                  _read_capped(err_path, limits.file_bytes), where, limits, timed_out)


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _read_capped(path: str, cap: int) -> str:
    with open(path, "rb") as handle:
        return handle.read(cap).decode("utf-8", "replace")
