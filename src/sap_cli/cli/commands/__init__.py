"""One module per `sap` command; `sap_cli.cli.app` lists them and adds each to the Typer app."""
