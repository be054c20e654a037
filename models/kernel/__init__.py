"""The shared kernel: tables, databases, the calendar, problems, lookups and the vocabulary."""
