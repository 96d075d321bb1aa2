"""Stage 6, reports: every renderer of answers and comparisons for people (table, Markdown, HTML,
CSV) and pictures of the jurisdiction graph."""
