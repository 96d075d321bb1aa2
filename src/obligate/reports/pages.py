"""HTML pages from the Jinja2 templates shipped in ``obligate/reports/templates``.

Autoescaping is on for every template. Values are escaped the way ``html.escape`` does it
(``'`` as ``&#x27;``, ``"`` as ``&quot;``), which is what the pages wrote before they were
templates; markupsafe's own spelling (``&#39;``, ``&#34;``) would change the published pages
and their golden files byte for byte without changing what a browser shows.
"""

from __future__ import annotations

import functools
import html
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup


def _escape(value: Any) -> Markup:
    """Every ``{{ value }}`` passes here first; Markup (a macro's output) is already safe."""
    if isinstance(value, Markup):
        return value
    return Markup(html.escape(str(value)))


@functools.cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("obligate.reports", "templates"),
        autoescape=True,
        finalize=_escape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(template: str, **context: Any) -> str:
    """Render ``templates/<template>`` with ``context``."""
    return _environment().get_template(template).render(**context)
