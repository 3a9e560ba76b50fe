"""The sizes of generated networks, defined once for `seed_scale` and the benchmarks.

M is a department-sized network; S is a tenth of it, L five times it.
"""

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class ScaleSize:
    structures: int
    events: int
    recurring_share: float
    years_of_events: int
    ressources: int
    ressource_words: tuple[int, int]
    revisions_per_ressource: int
    comments_per_ressource: int
    calls: int
    review_days: int
    blocks_per_review_day: int
    images: int
    editors: int

    def scaled(self, factor: float) -> "ScaleSize":
        values = {}
        for field in fields(self):
            value = getattr(self, field.name)
            is_count = isinstance(value, int) and field.name not in {
                "years_of_events",
                "revisions_per_ressource",
                "comments_per_ressource",
                "blocks_per_review_day",
            }
            values[field.name] = max(1, round(value * factor)) if is_count else value
        return ScaleSize(**values)


MEDIUM = ScaleSize(
    structures=500,
    events=10_000,
    recurring_share=0.12,
    years_of_events=2,
    ressources=5_000,
    ressource_words=(300, 1_500),
    revisions_per_ressource=3,
    comments_per_ressource=2,
    calls=300,
    review_days=50,
    blocks_per_review_day=20,
    images=1_000,
    editors=200,
)
SIZES = {"S": MEDIUM.scaled(0.1), "M": MEDIUM, "L": MEDIUM.scaled(5)}
