"""Lets `python -m sap_cli` run the same command line as `sap`."""

from sap_cli.entry import main

main()
