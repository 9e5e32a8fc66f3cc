"""The partnership's dates as an iCalendar file."""
