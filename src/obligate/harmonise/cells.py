"""The cells of a comparison: one category in one market, in exactly one state.

Kept apart from ``compare`` so that ``conflicts`` (which reads cells) and ``compare`` (which
lists a comparison's conflicts) do not import each other.
"""

from __future__ import annotations

from typing import Literal

from obligate.determination.answer import CitationOut, DeadlineOut
from obligate.harmonise.markets import FrozenModel

CellState = Literal[
    "applies", "conditional", "not applicable", "no duty in this law", "not encoded"
]
CELL_STATES: tuple[CellState, ...] = (
    "applies",
    "conditional",
    "not applicable",
    "no duty in this law",
    "not encoded",
)


class CellDuty(FrozenModel):
    id: str
    enforcement: str = ""  # who enforces the instrument, and its penalty ceilings
    modality: str
    title: str
    jurisdiction: str
    citation: CitationOut
    ages: str  # the bands it applies to, in words ("all ages", "13–15", "under 16")
    bands: list[str]
    deadline: DeadlineOut | None
    status: str
    source: str
    standing: str = ""  # status, latest court event and for whom, in words


class CellParameter(FrozenModel):
    name: str
    value: float | int
    origin: str


class CellAside(FrozenModel):
    """A duty of the market's own law in the cell's category that does not apply as it
    stands: suspended (why: its court or legal status), open (why: the questions to answer)
    or not applicable to this service (why: the condition that fails, in words)."""

    id: str
    modality: str
    title: str
    citation: CitationOut
    why: str


class CellDeadline(FrozenModel):
    """The strictest period of one kind among a cell's duties."""

    kind: str  # time limit, retention, reporting interval, notice period
    hours: float
    text: str  # as the law writes it: "24 hours", "every 6 months", "keep 1 year"
    duty: str


class Cell(FrozenModel):
    market: str
    category: str
    state: CellState
    duties: list[CellDuty]
    modalities: list[str] = []  # of the duties that apply: obligation, prohibition, permission
    conditional: list[str] = []
    suspended: list[str] = []
    parameters: list[CellParameter] = []
    shortest_deadline_hours: float | None = None  # the shortest time limit to act
    absence: str | None = None  # the absence block that says "no duty in this law"
    open: list[CellAside] = []  # the conditional duties, each with its questions
    suspended_why: list[CellAside] = []  # the suspended duties, each with its status
    not_applicable: list[CellAside] = []  # encoded duties that do not apply, each with why
    deadlines: list[CellDeadline] = []  # the strictest period of each kind (see STRICTEST)
