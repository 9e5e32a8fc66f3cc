"""The `sap` command line: each command parses options, calls one domain function, prints the result."""

from sap_cli.cli.app import app, main

__all__ = ["app", "main"]
