"""A synthetic rule library shaped like the real one, for benchmarks.

250 jurisdictions: a 27-member union, a 50-state federation, two treaties and 170 other
countries. Each duty is tied to one jurisdiction and reaches its members, with an age threshold
between 13 and 18, a set of service types, 0-2 feature flags and an effective date.
"""

from __future__ import annotations

import datetime as dt
import random
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


def generate(folder: Path, duties: int, seed: int = 1) -> dict[str, list[str]]:
    """Write the corpus into ``folder`` (one file per jurisdiction that has duties)."""
    rng = random.Random(seed)
    graph = jurisdictions()
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for code, parents in graph.items():
        member = f"\n  member_of: {', '.join(parents)}" if parents else ""
        param = "\n  digital_consent_age: 16" if code == "SU" else ""
        if code.startswith("U") and rng.random() < 0.5:
            param = f"\n  digital_consent_age: {rng.choice([13, 14, 15])}"
        lines.append(f'jurisdiction {code} "Place {code}" {{{member}{param}\n}}\n')
    (folder / "jurisdictions.obl").write_text("".join(lines))
    codes = list(graph)
    weights = [40 if c in ("SU", "SF") else 3 if c.startswith(("U", "SF-")) else 1 for c in codes]
    per_code: dict[str, list[str]] = {}
    for n in range(duties):
        code = rng.choices(codes, weights)[0]
        per_code.setdefault(code, []).append(_duty(rng, n, code))
    for code, blocks in per_code.items():
        header = (
            f'instrument I-{code} "Act of {code}" {{\n  jurisdiction: {code}\n'
            f'  url: "https://example.org/{code}"\n  effective: 2015-01-01\n}}\n'
        )
        (folder / f"{code}.obl").write_text(header + "".join(blocks))
    return graph


def _duty(rng: random.Random, n: int, code: str) -> str:
    age = rng.randint(13, 18)
    types = rng.sample(TYPES, rng.randint(1, 3))
    features = rng.sample(FEATURES, rng.randint(0, 2))
    condition = [f"user.age < {age}", f"service.types in {{{', '.join(types)}}}"]
    condition += [f"service has {f}" for f in features]
    effective = dt.date(2018, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 9))
    return (
        f'obligation D-{n:05d} "Synthetic duty {n}" {{\n'
        f"  category: {rng.choice(CATEGORIES)}\n"
        f'  cites: I-{code} "s. {n}"\n'
        f"  when: {' and '.join(condition)}\n"
        f"  effective: {effective.isoformat()}\n}}\n"
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
