"""A folder read as a partnership: its layout, structural checks and the problems they find."""
