"""Batch: answer a table of queries at data-platform scale.

A row is a query: a service profile id, an age, a location and a date (the profiles, service
facts by id, come with the table). Each row gets the ids and the categories of the duties that
apply to it, the ids of the duties that turn on a fact its profile leaves out (``conditional``)
and of those whose law is enjoined, pending or repealed on its date (``suspended``), the
content hash of the rule library that answered, and an ``error`` when the row cannot be
answered (an unknown location, an age that is not a number): a bad row never stops the table.

Rows are grouped before anything is asked: rows with the same service, location and date share
every age threshold the rules compare the user's age with, and rows whose ages fall alike
between those thresholds share an answer class (determine.py). Each class is answered once and
its answer is handed to all its rows with vectorised takes, so a table of ten million accounts
costs about as many determinations as it has classes.

    import obligate, pandas
    from obligate.interfaces.batch import answer_table
    rules = obligate.load()
    out = answer_table(rules, pandas.read_parquet("accounts.parquet"), services)

Where one machine is not enough, ``BatchFunction`` is the same function in a form that
pickles: each worker process loads the rule library once. With Dask::

    frames.map_partitions(BatchFunction(["rules"], services), meta=BatchFunction.meta(frames))

and with Spark, ``df.mapInPandas(BatchFunction(["rules"], services).frames, schema)``.
"""

from obligate.interfaces.batch.distributed import BatchFunction
from obligate.interfaces.batch.files import (
    ROWS_PER_CHUNK,
    answer_file,
    answer_parquet,
    read_services,
    versions,
)
from obligate.interfaces.batch.table import (
    CATEGORIES,
    CONDITIONAL_IDS,
    DUTY_IDS,
    ERROR,
    RULEBASE_VERSION,
    SUSPENDED_IDS,
    BatchError,
    Columns,
    answer_table,
)

__all__ = [
    "CATEGORIES",
    "CONDITIONAL_IDS",
    "DUTY_IDS",
    "ERROR",
    "ROWS_PER_CHUNK",
    "RULEBASE_VERSION",
    "SUSPENDED_IDS",
    "BatchError",
    "BatchFunction",
    "Columns",
    "answer_file",
    "answer_parquet",
    "answer_table",
    "read_services",
    "versions",
]
