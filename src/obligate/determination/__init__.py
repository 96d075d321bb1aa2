"""Stage 4, determination: a query (service, user, date) to an answer (``Determination``), plus
the RuleBase facade that ``obligate.load`` returns, defined terms, enforcement and casebooks."""
