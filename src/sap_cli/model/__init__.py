"""The schema: pydantic models of every partnership file, with no input or output."""
