"""The partnership agreement: its fingerprint, signing it, and what changed since it was signed."""
