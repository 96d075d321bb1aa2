"""Stage 2, build model: Lark syntax trees to model blocks, one small handler per grammar rule.

The handlers are grouped by the language's blocks, one module each (jurisdictions,
instruments with their court history, vocabulary, definitions and terms, duties, absences,
enforcement, conditions, and the values several blocks share); `transformer.Builder`
combines them into the one transformer Lark runs. (Named `builder`, not `build`: a `build/`
folder is what .gitignore and the wheel leave out.)
"""

from obligate.language.builder.enforcement import CURRENCIES, PER_UNITS
from obligate.language.builder.transformer import Builder, build, parse_and_build

__all__ = ["CURRENCIES", "PER_UNITS", "Builder", "build", "parse_and_build"]
