"""The documents sap makes: the Jinja sandbox, the pages, and writing them to docs/."""
