"""A synthetic rule library shaped like the real one, for benchmarks.

250 jurisdictions: a 27-member union, a 50-state federation, two treaties and 170 other
countries. Each duty is tied to one jurisdiction and reaches its members, with an age threshold
between 13 and 18, a set of service types, 0-2 feature flags and an effective date.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TYPES = [
    "social_media",
    "messaging",
    "video_sharing",
    "search_engine",
    "marketplace",
    "app_store",
    "game",
    "adult_content",
    "hosting",
    "cloud_storage",
    "ai_chatbot",
    "edtech",
]
FEATURES = [
    "user_generated_content",
    "direct_messaging",
    "public_profiles",
    "livestreaming",
    "recommender_system",
    "targeted_advertising",
    "geolocation",
    "image_sharing",
    "friend_suggestions",
    "in_app_purchases",
    "push_notifications",
    "ephemeral_content",
]
CATEGORIES = [
    "safety_by_design",
    "risk_assessment",
    "age_assurance",
    "minimum_age",
    "parental_consent",
    "privacy_by_default",
    "no_profiling_ads",
    "notice_and_action",
    "takedown",
    "report_to_authority",
    "transparency_reporting",
    "design_restriction",
]


def jurisdictions() -> dict[str, list[str]]:
    """code -> parents."""
    graph: dict[str, list[str]] = {"SU": [], "SF": [], "ST-A": [], "ST-B": []}
    for n in range(27):
        graph[f"U{n:02d}"] = ["SU", "ST-A"]
    for n in range(50):
        graph[f"SF-{n:02d}"] = ["SF"]
    graph["SF"] = ["ST-A"]
    for n in range(250 - len(graph)):
        graph[f"C{n:03d}"] = ["ST-B"] if n % 3 == 0 else []
    return graph


@dataclass(frozen=True)
class Duty:
    """One synthetic duty, as data: what the rule file says, for the peer engines."""

    id: str
    jurisdiction: str
    age: int  # applies to users younger than this
    types: tuple[str, ...]  # the service is any of these
    features: tuple[str, ...]  # the service has all of these
    effective: dt.date
    category: str


@dataclass(frozen=True)
class Corpus:
    graph: dict[str, list[str]]  # code -> parents
    parameters: dict[str, int]  # code -> digital_consent_age it sets
    duties: list[Duty]

    def members(self) -> dict[str, set[str]]:
        """code -> every jurisdiction its law reaches (itself and its members)."""
        found: dict[str, set[str]] = {code: {code} for code in self.graph}
        for code in self.graph:
            for ancestor in reach(self.graph, code):
                found[ancestor].add(code)
        return found


def reach(graph: dict[str, list[str]], code: str) -> list[str]:
    """``code`` and every jurisdiction whose law reaches it."""
    seen = [code]
    for place in seen:
        seen.extend(p for p in graph[place] if p not in seen)
    return seen


def corpus(duties: int, seed: int = 1) -> Corpus:
    """The synthetic library as data (``generate`` writes the same library as rule files)."""
    rng = random.Random(seed)
    graph = jurisdictions()
    parameters: dict[str, int] = {}
    for code in graph:
        if code == "SU":
            parameters[code] = 16
        if code.startswith("U") and rng.random() < 0.5:
            parameters[code] = rng.choice([13, 14, 15])
    codes = list(graph)
    weights = [40 if c in ("SU", "SF") else 3 if c.startswith(("U", "SF-")) else 1 for c in codes]
    specs = []
    for n in range(duties):
        code = rng.choices(codes, weights)[0]
        specs.append(_duty(rng, n, code))
    return Corpus(graph, parameters, specs)


def generate(folder: Path, duties: int, seed: int = 1) -> dict[str, list[str]]:
    """Write the corpus into ``folder`` (one file per jurisdiction that has duties)."""
    data = corpus(duties, seed)
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for code, parents in data.graph.items():
        member = f"\n  member_of: {', '.join(parents)}" if parents else ""
        value = data.parameters.get(code)
        param = f"\n  digital_consent_age: {value}" if value is not None else ""
        lines.append(f'jurisdiction {code} "Place {code}" {{{member}{param}\n}}\n')
    (folder / "jurisdictions.obl").write_text("".join(lines))
    per_code: dict[str, list[str]] = {}
    for duty in data.duties:
        per_code.setdefault(duty.jurisdiction, []).append(_duty_text(duty))
    for code, blocks in per_code.items():
        header = (
            f'instrument I-{code} "Act of {code}" {{\n  jurisdiction: {code}\n'
            f'  url: "https://example.org/{code}"\n  effective: 2015-01-01\n}}\n'
        )
        (folder / f"{code}.obl").write_text(header + "".join(blocks))
    return data.graph


def _duty(rng: random.Random, n: int, code: str) -> Duty:
    age = rng.randint(13, 18)
    types = tuple(rng.sample(TYPES, rng.randint(1, 3)))
    features = tuple(rng.sample(FEATURES, rng.randint(0, 2)))
    effective = dt.date(2018, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 9))
    return Duty(f"D-{n:05d}", code, age, types, features, effective, rng.choice(CATEGORIES))


def _duty_text(duty: Duty) -> str:
    condition = [f"user.age < {duty.age}", f"service.types in {{{', '.join(duty.types)}}}"]
    condition += [f"service has {f}" for f in duty.features]
    n = int(duty.id[2:])
    return (
        f'obligation {duty.id} "Synthetic duty {n}" {{\n'
        f"  category: {duty.category}\n"
        f'  cites: I-{duty.jurisdiction} "s. {n}"\n'
        f"  when: {' and '.join(condition)}\n"
        f"  effective: {duty.effective.isoformat()}\n}}\n"
    )


def queries(
    graph: dict[str, list[str]], count: int, seed: int = 2
) -> list[tuple[dict[str, Any], dict[str, Any], str]]:
    rng = random.Random(seed)
    codes = list(graph)
    result = []
    for _ in range(count):
        service = {
            "types": rng.sample(TYPES, rng.randint(1, 2)),
            "features": rng.sample(FEATURES, rng.randint(0, 4)),
        }
        user = {"age": rng.randint(8, 20), "location": rng.choice(codes)}
        date = (dt.date(2018, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 9))).isoformat()
        result.append((service, user, date))
    return result


def profiles(count: int = 40, seed: int = 3) -> list[dict[str, list[str]]]:
    """Service profiles: the types and features of ``count`` services."""
    rng = random.Random(seed)
    return [
        {
            "types": rng.sample(TYPES, rng.randint(1, 2)),
            "features": rng.sample(FEATURES, rng.randint(0, 4)),
        }
        for _ in range(count)
    ]


def profile_queries(
    graph: dict[str, list[str]],
    count: int,
    services: list[dict[str, list[str]]],
    seed: int = 2,
) -> list[tuple[int, int, str, str]]:
    """Queries as (service profile, age, location, date): the peer workload."""
    rng = random.Random(seed)
    codes = list(graph)
    return [
        (
            rng.randrange(len(services)),
            rng.randint(8, 20),
            rng.choice(codes),
            (dt.date(2018, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 9))).isoformat(),
        )
        for _ in range(count)
    ]
