"""Documents for people outside git: the Markdown sap makes, as self-contained pages (`sap export`)."""

# What `sap export` can make; here, light, so the command line can check names before loading anything.
EXPORTS = ("agreement", "worksheets", "progress", "review", "review-anonymized", "reflections")
