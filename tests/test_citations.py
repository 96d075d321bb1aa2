"""Every duty cites its provision as the official text numbers it: an article, a section, a
rule, a codified section (`§ 45-38-7`, `La. R.S. 51:1752`), not a bill or a subject.

Where the number could not be verified the duty is listed below, with the reason, as a reviewed
exception; the list is the work still owed (issue 15), and a new duty cannot join it silently.
"""

from __future__ import annotations

import re

import pytest

import obligate

PINPOINT = re.compile(
    r"§"
    r"|\b(?:Art|art|Arts|arts|s|ss|Sec|sec|r|rr|reg|para|cl|pt|Pt)\.\s*(?:L\.\s*)?\d"
    r"|\b(?:Article|Section|Rule|Regulation|Standard|Part|Schedule|Chapter|clause|point|"
    r"paragraph|item)s?\s+[0-9IVX]"
    r"|\bR\.S\.\s*\d+:\d"  # Louisiana Revised Statutes: title:section
    r"|\bCSR\s+\d"  # Missouri Code of State Regulations
    r"|\b\d+[A-Z]?\(\d",  # 13-71-202(5)
    re.IGNORECASE,
)

# Reviewed 2026-12-04. Each group names why no provision number is cited yet.
UNNUMBERED = {
    # Australian industry codes registered under OSA Part 9: the codes number their measures,
    # but the measure numbers were not verified against the registered text.
    "AU-UMC-SMS": "industry code measure numbers not verified",
    "AU-ARMC-SEARCH": "industry code measure numbers not verified",
    "AU-ARMC-SMS": "industry code measure numbers not verified",
    "AU-ARMC-DIS": "industry code measure numbers not verified",
    "AU-ARMC-APP": "industry code measure numbers not verified",
    # Ireland's Online Safety Code: cited by its Part B headings; section numbers not verified.
    "IE-OSC-B-AGE-ASSURANCE": "Online Safety Code section numbers not verified",
    "IE-OSC-B-PARENTAL-CONTROLS": "Online Safety Code section numbers not verified",
    # Indonesia PP 17/2025: the article holding these duties was not verified.
    "ID-PP17-PROFILING": "PP 17/2025 article not verified",
    "ID-PP17-PRIVACY-DEFAULT": "PP 17/2025 article not verified",
    "ID-PP17-RISK": "PP 17/2025 article not verified",
    # Singapore's IMDA codes are organised by named sections, not numbers.
    "SG-COP-SMS-CHILD": "IMDA code sections are named, not numbered",
    "SG-COP-SMS-PARENT": "IMDA code sections are named, not numbered",
    "SG-COP-SMS-REPORT": "IMDA code sections are named, not numbered",
    "SG-COP-SMS-ANNUAL": "IMDA code sections are named, not numbered",
    "SG-COP-ADS-AGE": "IMDA code sections are named, not numbered",
    "SG-COP-ADS-REPORT": "IMDA code sections are named, not numbered",
    "SG-COP-ADS-ANNUAL": "IMDA code sections are named, not numbered",
    # US state laws whose codified sections were not found in the sources read.
    "US-SC-H3424-AV": "codified section not found",
    "US-SD-HB1053-AV": "codified section not found (SDCL 22-24, sections added)",
    "US-ND-HB1561-AV": "codified section not found",
    "US-MT-SB544-AV": "codified section not found",
    "US-NC-HB8-AV": "codified section not found",
    "US-SC-AADC-CARE": "H. 3431 (2026): codified sections not yet published",
    "US-SC-AADC-TOOLS": "H. 3431 (2026): codified sections not yet published",
    "US-SC-AADC-RECS": "H. 3431 (2026): codified sections not yet published",
    "US-SC-AADC-ADS": "H. 3431 (2026): codified sections not yet published",
    "US-SC-AADC-AUDIT": "H. 3431 (2026): codified sections not yet published",
}


def _provision(duty: obligate.RuleBase, duty_id: str) -> str:
    cites = duty.duties[duty_id].cites
    return cites.provision if cites else ""


def test_every_duty_cites_a_numbered_provision(rulebase: obligate.RuleBase) -> None:
    unnumbered = {
        duty_id: _provision(rulebase, duty_id)
        for duty_id in rulebase.duties
        if not PINPOINT.search(_provision(rulebase, duty_id)) and duty_id not in UNNUMBERED
    }
    assert not unnumbered, "cite the provision's number (or list a reviewed exception)"


def test_exceptions_are_still_needed(rulebase: obligate.RuleBase) -> None:
    """An exception whose duty now cites a number, or no longer exists, leaves the list."""
    stale = [
        duty_id
        for duty_id in UNNUMBERED
        if duty_id not in rulebase.duties or PINPOINT.search(_provision(rulebase, duty_id))
    ]
    assert not stale


@pytest.mark.parametrize(
    ("provision", "numbered"),
    [
        ("Art. 28(1)", True),
        ("Miss. Code Ann. § 45-38-7", True),
        ("s. 63D", True),
        ("Art. L. 34-9-3, I", True),
        ("La. R.S. 51:1752", True),
        ("rule 4(4)", True),
        ("H.B. 1561 (2025)", False),
        ("H. 3431 (2026), targeted advertising", False),
        ("Section on Accountability", False),
        ("the bill's age-verification provision", False),
    ],
)
def test_what_counts_as_a_numbered_provision(provision: str, numbered: bool) -> None:
    assert bool(PINPOINT.search(provision)) is numbered
