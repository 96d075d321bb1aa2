"""Reasons in words: a condition's outcome told in sentences from the rule library's own
words, for the people who read an explanation.

``evaluate`` keeps the compact notation (``user.age 15 < child_age 18 (from EU)``) that the
answer's ``because`` carries; this module says the same thing the way a compliance team
reads it: the vocabulary's description of each fact, each parameter with the place that sets
it and the provision it is set under, each definition by its title and citation, and a
negation as what the rule requires and what the facts are.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from obligate.engine.evaluate import Evaluator, Facts, number_text, render
from obligate.language import model as m

_BELOW = {"<": "below", "<=": "at most", ">": "above", ">=": "at least", "==": "equal to"}
_NEGATED = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}
_BELOW["!="] = "other than"


class Wording:
    """Tells why a condition holds or fails, in sentences."""

    def __init__(self, evaluator: Evaluator) -> None:
        self.evaluator = evaluator
        self.library = evaluator.library

    def words(self, node: m.Condition | None, facts: Facts) -> list[str]:
        """Why ``node`` has the value it has on ``facts``: the parts that decided it."""
        if node is None:
            return []
        value = self.evaluator.evaluate(node, facts).value
        if isinstance(node, (m.AllOf, m.AnyOf)):
            items = node.items
            values = [self.evaluator.evaluate(i, facts).value for i in items]
            # what decided it; when it is open, the parts that hold and the open ones
            wanted = (True, None) if value is None and isinstance(node, m.AllOf) else (value,)
            deciding = [i for i, v in zip(items, values, strict=True) if v in wanted]
            return [w for item in deciding for w in self.words(item, facts)]
        if isinstance(node, m.Not):
            inner = self.words(node.item, facts)
            if value is not False:
                return inner  # the negated part fails, and says so itself
            item = node.item
            if isinstance(item, m.IsA) and item.name in self.library.definitions:
                title = self.library.definitions[item.name].title
                return [
                    f"the rule requires that the service not count as “{title}”, but it does: "
                    + "; ".join(inner[:-1] or inner)
                ]
            return [
                f"the rule requires that it not be so that {render(item)}, but " + "; ".join(inner)
            ]
        if isinstance(node, m.IsA) and node.name in self.library.definitions:
            return self._definition(node.name, value, facts)
        if value is None:
            return [f"not given: {self._open(node, facts)}"]
        return [self._leaf(node, value, facts)]

    def _open(self, node: m.Condition, facts: Facts) -> str:
        """What an open leaf needs: the fact it reads, in the vocabulary's words, or the
        parameter no law in reach sets."""
        if isinstance(node, m.Compare):
            for operand in (node.left, node.right):
                if isinstance(operand, m.ParamRef) and operand.name not in facts.parameters:
                    return f"{operand.name} (no law in reach sets it on this date)"
        if isinstance(node, m.IsA):
            return "the service's types"
        if isinstance(node, m.HasFeature):
            return "the service's features"
        ref = getattr(node, "fact", None) or next(
            (
                o
                for o in (getattr(node, "left", None), getattr(node, "right", None))
                if isinstance(o, m.FactRef)
            ),
            None,
        )
        if isinstance(ref, m.FactRef):
            return f"{self._describe(ref)} ({ref.path})"
        return render(node)

    # ------------------------------------------------------------ definitions and leaves

    def _definition(self, name: str, value: bool | None, facts: Facts) -> list[str]:
        definition = self.library.definitions[name]
        cited = (
            f" ({definition.cites.instrument} {definition.cites.provision})"
            if definition.cites
            else ""
        )
        inner = self.words(definition.when, facts)
        if value is True:
            return [*inner, f"so the service counts as “{definition.title}”{cited}"]
        if value is False:
            return [
                f"the service does not count as “{definition.title}”{cited}: " + "; ".join(inner)
            ]
        return [f"whether the service counts as “{definition.title}”{cited} is open"]

    def _leaf(self, node: m.Condition, value: bool | None, facts: Facts) -> str:
        if isinstance(node, m.IsA):
            return self._type(node.name, value, facts)
        if isinstance(node, m.HasFeature):
            entry = self.library.features.get(node.name)
            about = f" ({entry.description})" if entry and entry.description else ""
            verb = "has" if value else "does not have"
            return f"the service {verb} the feature {node.name}{about}"
        if isinstance(node, m.Truth):
            return self._truth(node.fact, value, facts)
        if isinstance(node, m.Member):
            return self._member(node, value, facts)
        assert isinstance(node, m.Compare)
        return self._compare(node, value, facts)

    def _type(self, name: str, value: bool | None, facts: Facts) -> str:
        entry = self.library.types.get(name)
        about = f" ({entry.description})" if entry and entry.description else ""
        if value:
            return f"the service is of the type {name}{about}"
        types = ", ".join(facts.service.get("types") or ()) or "none"
        return f"the service is not of the type {name}{about}; its types are {types}"

    def _truth(self, ref: m.FactRef, value: bool | None, facts: Facts) -> str:
        said = self._describe(ref)
        if value:
            return f"{said} (the service file says {ref.name}: true)"
        return f"it is not so that {said} (the service file says {ref.name}: false)"

    def _member(self, node: m.Member, value: bool | None, facts: Facts) -> str:
        read = _read(node.fact, facts)
        shown = read if isinstance(read, str) else ", ".join(read or ()) or "none"
        names = ", ".join(node.names)
        if node.fact.name == "established_in":
            verb = "is" if value else "is not"
            return f"the service is established in {shown}, which {verb} within {names}"
        if node.fact.subject == "service" and node.fact.name in ("types", "features"):
            verb = "include one of" if value else "include none of"
            return f"the service's {node.fact.name} ({shown}) {verb} {names}"
        what = self._describe(node.fact)
        verb = "one of" if value else "none of"
        return f"{what} — {shown} — includes {verb} {names}"

    def _compare(self, node: m.Compare, value: bool | None, facts: Facts) -> str:
        op = node.op if value else _NEGATED[node.op]
        left = self._operand(node.left, facts)
        right = self._operand(node.right, facts)
        return f"{left}, {_BELOW[op]} {right}"

    def _operand(self, operand: m.FactRef | m.NumberLit | m.ParamRef, facts: Facts) -> str:
        if isinstance(operand, m.NumberLit):
            return operand.text
        if isinstance(operand, m.ParamRef):
            return self._parameter(operand.name, facts)
        value = _read(operand, facts)
        shown = facts.shown.get(operand.path) if facts.shown else None
        if shown is None:
            shown = number_text(value) if isinstance(value, (int, float)) else str(value)
        what = self._describe(operand)
        if operand.key:  # "monthly active users, per jurisdiction" read for one place
            what = what.replace(", per jurisdiction", "") + f" in {operand.key}"
        return f"{what} is {shown}"

    def _parameter(self, name: str, facts: Facts) -> str:
        setting = facts.parameters.get(name)
        entry = self.library.parameters.get(name)
        about = f" ({entry.description})" if entry and entry.description else ""
        if setting is None:
            return f"{name}{about}, which no law in reach sets"
        under = (
            f" under {setting.under.instrument} {setting.under.provision}" if setting.under else ""
        )
        return f"{name} {number_text(setting.value)}{about}, set by {setting.origin}{under}"

    def _describe(self, ref: m.FactRef) -> str:
        entry = self.library.fact(ref)
        if entry is not None and entry.description:
            return entry.description.rstrip(".")
        return ref.path.replace("_", " ")


def _read(ref: m.FactRef, facts: Facts) -> Any:
    value = (facts.service if ref.subject == "service" else facts.user).get(ref.name)
    if ref.key is not None:
        return value.get(ref.key) if isinstance(value, Mapping) else None
    return value
