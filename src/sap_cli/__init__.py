"""sap: keep a Students as Partners project as plain files, checked and documented."""

__version__ = "0.1.0"
