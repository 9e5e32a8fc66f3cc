"""The `sap` console script: answers --version at once and hands everything else to the command line."""

import os
import signal
import sys

from sap_cli import interrupts


def _started_as_sap() -> bool:
    """Whether this import is the `sap` console script's (or `python -m sap_cli`'s) own."""
    script = sys.modules.get("__main__")
    spec = getattr(script, "__spec__", None)
    if spec is not None and spec.name == "sap_cli.__main__":
        return True
    name = os.path.basename(getattr(script, "__file__", None) or "")
    return name.removesuffix(".exe").removesuffix("-script.py") == "sap"


if _started_as_sap():
    # The first line of sap's code that the console script runs: from here on a Ctrl-C always
    # ends in "Stopped." and exit 130 (or, once a command has finished, in its own result).
    interrupts.install()


def main() -> None:
    interrupts.install()  # again, for a caller that imported this module before calling it
    try:
        # `sap --version` is run by scripts and bug reports; it needs none of the command line's imports.
        if sys.argv[1:] == ["--version"]:
            from sap_cli import __version__

            print(f"sap {__version__}")
            return
        # sap uses no pydantic plugins; looking for them costs every command about 12 ms.
        os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
        # A Ctrl-C while this loads stops at once (interrupts.py); one while a command runs is
        # turned into "Stopped." by the boundary (cli/boundary.py).
        from sap_cli.cli import main as command_line

        command_line()
    except KeyboardInterrupt:
        # Only where the handler could not be installed (not the main thread): the same calm stop.
        print("\nStopped.", file=sys.stderr)
        interrupts.leave_stopped()
    except SystemExit as exc:
        if exc.code == interrupts.STOPPED:
            # A Ctrl-C that a compiled module saw first while it loaded (its start-up code runs
            # through Python's own "run this text" call) leaves a mark that makes Python end the
            # process by the signal itself, exit -2 instead of 130, after sap has said "Stopped.".
            interrupts.leave_stopped()
        raise
    finally:
        # The work is finished or stopped here; a Ctrl-C landing while Python shuts down
        # would otherwise end the process by the signal, with no message and no exit code 130.
        interrupts.command_finished()
        signal.signal(signal.SIGINT, signal.SIG_IGN)
