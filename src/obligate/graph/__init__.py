"""Stage 2, place and time: the jurisdiction graph (reach, parameters with their origin) and
timelines (effective and end dates, court history read on a date). Imports only the language."""
