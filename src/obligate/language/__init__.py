"""Stage 1, the language: rule-file text to a checked library.

syntax (Lark LALR parse) -> build (syntax tree to model blocks) -> resolve (every name declared)
-> checks (cycles, dates, types) -> compiler (the named pipeline and its cache). Every problem is
a positioned ``Diagnostic``. Imports nothing above it.
"""
