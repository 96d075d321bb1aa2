"""Stage 3, the engine: durable-rules decides which conditions hold on the known facts (the only
importer of durable-rules), and the three-valued evaluator explains them and finds what turns on
facts a query left out."""
