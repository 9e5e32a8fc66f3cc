"""Validation: structural errors plus the findings of each domain, gathered in one place."""
