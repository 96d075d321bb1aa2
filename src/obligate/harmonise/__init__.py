"""Stage 5, harmonise: many answers side by side — compare, baseline, launch checklist, and the
diff of two rule libraries."""
