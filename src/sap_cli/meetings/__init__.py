"""Meetings: the check-in records, the action ledger and the status view."""
