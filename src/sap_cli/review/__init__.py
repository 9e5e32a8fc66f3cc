"""The end-of-project review: figures, anonymising, and the report."""
