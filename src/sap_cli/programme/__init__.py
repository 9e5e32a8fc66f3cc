"""The programme view: many partnerships read through `partnership/`, as rows and roll-up figures."""
