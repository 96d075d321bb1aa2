"""Conflicts between markets: where one prohibits what another permits in one category, and
where one requires what another limits on a subject two categories share ("keep the data"
against "keep no more than needed and delete it")."""

from __future__ import annotations

from obligate.harmonise.cells import Cell, CellDuty
from obligate.harmonise.markets import FrozenModel


class Conflict(FrozenModel):
    category: str
    first: CellDuty
    first_market: str
    second: CellDuty
    second_market: str
    detail: str
    # "prohibits what another permits" (one category), or a subject two categories pull
    # apart: "keeping data" (one law requires data kept, another requires it minimised)
    kind: str = "prohibits what another permits"
    subject: str | None = None
    second_category: str | None = None
    first_duties: list[str] = []  # every duty on each side, the first and second included
    second_duties: list[str] = []


class Tension(FrozenModel):
    """One subject two kinds of duty pull in opposite directions: what one market requires
    (``requires`` category, obligations) against what another limits (``limits`` category)."""

    subject: str
    requires: str
    limits: str
    requires_verb: str
    limits_verb: str


# The subjects on which an obligation in one market and a duty pulling the other way in
# another are known to meet. "Keep logs" against "do not retain them" is the example the
# law gives: preservation duties (keep data for investigators for a period) against data
# minimisation (keep no more children's data than needed, delete it after use).
TENSIONS = (
    Tension(
        subject="keeping data",
        requires="preservation",
        limits="data_minimisation",
        requires_verb="requires keeping data",
        limits_verb="requires keeping no more than needed and deleting it",
    ),
)


def conflicts(
    markets: list[str], categories: list[str], cells: dict[str, dict[str, Cell]]
) -> list[Conflict]:
    """Where one market prohibits what another permits, in the same category, and where one
    market requires what another limits, on a subject of ``TENSIONS``."""
    grid = _Grid(markets, categories, cells)
    return _permits_prohibits(grid) + _tensions(grid)


class _Grid:
    def __init__(
        self, markets: list[str], categories: list[str], cells: dict[str, dict[str, Cell]]
    ) -> None:
        self.markets = markets
        self.categories = categories
        self.cells = cells

    def cell(self, category: str, market: str) -> Cell:
        return self.cells[category][market]


def _duties(
    comparison: _Grid, category: str, modalities: tuple[str, ...]
) -> list[tuple[str, CellDuty]]:
    if category not in comparison.cells:
        return []
    return [
        (market, duty)
        for market in comparison.markets
        for duty in comparison.cell(category, market).duties
        if duty.modality in modalities
    ]


def _permits_prohibits(comparison: _Grid) -> list[Conflict]:
    found: list[Conflict] = []
    for category in comparison.categories:
        prohibited = _duties(comparison, category, ("prohibition",))
        permitted = _duties(comparison, category, ("permission",))
        for (first_market, first), (second_market, second) in (
            (p, q) for p in prohibited for q in permitted if p[0] != q[0]
        ):
            found.append(
                Conflict(
                    category=category,
                    first=first,
                    first_market=first_market,
                    second=second,
                    second_market=second_market,
                    detail=f"{first_market} prohibits ({first.id}) what "
                    f"{second_market} permits ({second.id})",
                    first_duties=[first.id],
                    second_duties=[second.id],
                )
            )
    return found


def _tensions(comparison: _Grid) -> list[Conflict]:
    """One conflict per pair of markets and subject, with every duty on either side."""
    found: list[Conflict] = []
    for tension in TENSIONS:
        keeping = _by_market(_duties(comparison, tension.requires, ("obligation",)))
        limiting = _by_market(_duties(comparison, tension.limits, ("obligation", "prohibition")))
        for first_market, firsts in keeping.items():
            for second_market, seconds in limiting.items():
                if set(first_market.split(", ")) & set(second_market.split(", ")):
                    continue
                found.append(
                    Conflict(
                        category=tension.requires,
                        first=firsts[0],
                        first_market=first_market,
                        second=seconds[0],
                        second_market=second_market,
                        detail=f"the law of {first_market} {tension.requires_verb} "
                        f"({', '.join(d.id for d in firsts)}); the law of {second_market} "
                        f"{tension.limits_verb} ({', '.join(d.id for d in seconds)}): "
                        "check whether either law exempts what the other requires",
                        kind=f"requires what another limits: {tension.subject}",
                        subject=tension.subject,
                        second_category=tension.limits,
                        first_duties=[d.id for d in firsts],
                        second_duties=[d.id for d in seconds],
                    )
                )
    return found


def _by_market(duties: list[tuple[str, CellDuty]]) -> dict[str, list[CellDuty]]:
    """The duties by market, markets with the same duties joined ("DE, FR": EU law)."""
    grouped: dict[str, list[CellDuty]] = {}
    for market, duty in duties:
        grouped.setdefault(market, []).append(duty)
    joined: dict[tuple[str, ...], list[str]] = {}
    for market, found in grouped.items():
        joined.setdefault(tuple(d.id for d in found), []).append(market)
    return {", ".join(markets): grouped[markets[0]] for markets in joined.values()}
