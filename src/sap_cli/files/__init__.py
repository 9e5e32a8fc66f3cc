"""Disk and git, with no partnership rule: atomic writes, guarded YAML reading and editing, git calls."""
