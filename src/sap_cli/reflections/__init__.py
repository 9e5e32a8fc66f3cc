"""Partners' own reflections: making the files and reading the answers."""
