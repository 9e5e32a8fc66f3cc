"""Ctrl-C, from sap's first line to its last: "Stopped." and exit 130, or the finished command's own result.

A run has three moments, and a Ctrl-C means something different in each:

- loading (the console script has started, the command line is being imported or read): nothing
  is open for writing, so sap says "Stopped." and leaves at once with exit 130;
- a command is running: Ctrl-C raises KeyboardInterrupt there, so a file being written is tidied
  away (see files/atomic.py) and the boundary in cli/boundary.py says "Stopped." and exits 130;
- the command has finished: its output is printed, its files are written and its exit code is
  decided; a late Ctrl-C cannot stop anything, so it is ignored and the run ends as it would have.
  (Python itself, while shutting down, would otherwise die of the signal with no message.)

Only the console script (entry.py) installs this; a program or test that imports sap_cli keeps
its own Ctrl-C. It imports only `os`, `signal` and `sys`, which Python has loaded by then: every
import before `install()` runs is a moment where Python's own Ctrl-C (a traceback) still applies.
"""

import os
import signal
import sys

STOPPED = 130
_SAID = b"\nStopped.\n"  # the boundary prints the same words when it stops a running command


class _Run:
    installed = False
    command_running = False
    unraisable = sys.unraisablehook


def install() -> None:
    """Take over Ctrl-C for this process (from the main thread, as early as possible)."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        return  # started with Ctrl-C ignored (`nohup`, a background job): keep it so
    signal.signal(signal.SIGINT, _on_ctrl_c)
    _Run.installed = True
    if sys.unraisablehook is not _swallowed:  # install() runs twice (import, then main())
        _Run.unraisable = sys.unraisablehook
        sys.unraisablehook = _swallowed


def command_started() -> None:
    """From here a Ctrl-C is a KeyboardInterrupt, for the boundary to turn into a calm stop."""
    _Run.command_running = True


def command_finished() -> None:
    """The command's result is decided: a Ctrl-C from now on changes nothing."""
    _Run.command_running = False
    if _Run.installed and signal.getsignal(signal.SIGINT) is _on_ctrl_c:
        # Ignored outright rather than by a Python handler: Python puts back the default action
        # (death by the signal) for its own handlers while it shuts down, but keeps an ignore.
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def _on_ctrl_c(signum: int, frame: object) -> None:
    if _Run.command_running:
        raise KeyboardInterrupt
    stop_now()


def _swallowed(unraisable: "sys.UnraisableHookArgs") -> None:
    """A Ctrl-C that landed where Python cannot raise it (a finaliser, or a callback from compiled
    code such as pydantic's while it builds a model) would be printed as a traceback and lost,
    and the command would carry on: send it again, so it is raised at the next line that can."""
    if unraisable.exc_type is not None and issubclass(unraisable.exc_type, KeyboardInterrupt):
        import _thread  # built in: no file to read. Raised again from here it would be lost again,
        # so another thread asks for it, and the main thread takes it after this hook returns.

        _thread.start_new_thread(_thread.interrupt_main, ())
        return
    _Run.unraisable(unraisable)


def leave_stopped() -> None:
    """Leave with exit 130 now that "Stopped." has been said: what is printed is flushed first,
    and Python's own exit, which may end the process by the signal instead, is not used."""
    command_finished()
    for stream in (sys.stdout, sys.stderr):
        try:  # noqa: SIM105 - as in stop_now
            stream.flush()
        except (OSError, ValueError):
            pass  # closed, or the reader went away: the exit code still says it
    os._exit(STOPPED)


def stop_now() -> None:
    """Say "Stopped." and leave with exit 130 at once: for moments when nothing needs tidying."""
    try:  # noqa: SIM105 - contextlib is one import more in every run's first milliseconds
        os.write(2, _SAID)
    except OSError:
        pass  # no standard error to write to: the exit code still says it
    os._exit(STOPPED)
