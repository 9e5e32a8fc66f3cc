"""The `sap` console script: answers --version at once and hands everything else to the command line."""

import os
import signal
import sys


def main() -> None:
    # `sap --version` is run by scripts and bug reports; it needs none of the command line's imports.
    if sys.argv[1:] == ["--version"]:
        from sap_cli import __version__

        print(f"sap {__version__}")
        return
    # sap uses no pydantic plugins; looking for them costs every command about 12 ms.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        from sap_cli.cli import main as command_line

        command_line()
    except KeyboardInterrupt:
        # Ctrl-C while the command line is still loading: the same calm stop as later on.
        print("\nStopped.", file=sys.stderr)
        sys.exit(130)
    finally:
        # The work is finished or stopped here; a Ctrl-C landing while Python shuts down
        # would otherwise end the process by the signal, with no message and no exit code 130.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
