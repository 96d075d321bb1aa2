"""Answer models built from values already known to be valid, without validating them again."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel

Model = TypeVar("Model", bound=BaseModel)


class Maker:
    """Builds answer models from complete, already-valid values without validating them
    again: pydantic's ``model_construct`` does the same but costs more than the rest of a
    cached answer. Values are put in field order (pydantic writes JSON in the order of the
    model's ``__dict__``) and fields a caller leaves out get their defaults, as
    ``model_construct`` does."""

    def __init__(self, kind: type[BaseModel]) -> None:
        self.kind = kind
        self.names = tuple(kind.model_fields)
        self.defaults = {
            name: info for name, info in kind.model_fields.items() if not info.is_required()
        }
        self.plain = not kind.__pydantic_post_init__ and not kind.__private_attributes__

    def complete(self, values: Mapping[str, Any]) -> dict[str, Any]:
        complete: dict[str, Any] = dict.fromkeys(self.names, _UNSET)
        complete.update(values)
        for name, info in self.defaults.items():
            if complete[name] is _UNSET:
                complete[name] = info.get_default(call_default_factory=True)
        return complete

    def build(self, complete: dict[str, Any], given: Iterable[str], **changed: Any) -> Any:
        """A model of ``complete`` (every field, in order), with ``changed`` fields
        replaced in place."""
        if not self.plain:
            return self.kind.model_construct(set(given), **{**complete, **changed})
        model = self.kind.__new__(self.kind)
        values = model.__dict__
        values.update(complete)
        values.update(changed)
        object.__setattr__(model, "__pydantic_fields_set__", set(given))
        object.__setattr__(model, "__pydantic_extra__", None)
        object.__setattr__(model, "__pydantic_private__", None)
        return model

    def adopt(self, complete: dict[str, Any]) -> Any:
        """A model whose values are ``complete`` itself (every field, in order, none left
        to its default), taken over rather than copied: the caller hands over a fresh dict."""
        if not self.plain:
            return self.kind.model_construct(set(complete), **complete)
        model = self.kind.__new__(self.kind)
        object.__setattr__(model, "__dict__", complete)
        object.__setattr__(model, "__pydantic_fields_set__", set(complete))
        object.__setattr__(model, "__pydantic_extra__", None)
        object.__setattr__(model, "__pydantic_private__", None)
        return model


_makers: dict[type[BaseModel], Maker] = {}
_UNSET = object()


def maker(kind: type[BaseModel]) -> Maker:
    found = _makers.get(kind)
    if found is None:
        found = _makers[kind] = Maker(kind)
    return found


def make(kind: type[Model], values: dict[str, Any]) -> Model:
    built = maker(kind)
    made: Model = built.build(built.complete(values), values)
    return made
