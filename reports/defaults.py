"""The five-co indicators with their documented defaults (README: the index). Written by a data
migration; targets, weights and minimum data are then edited in the back office."""

from decimal import Decimal

# code, co-, target, weight, minimum data, lower is better
INDICATORS = [
    ("solicitation_coverage", "planning", Decimal("0.6"), 1, 1, False),
    ("vote_participation", "planning", Decimal("0.6667"), 1, 1, False),
    ("consultations_held", "planning", Decimal("2"), 1, 0, False),
    ("volunteers_per_100", "building", Decimal("5"), 1, 1, False),
    ("volunteer_hours_per_100", "building", Decimal("20"), 1, 1, False),
    ("party_member_volunteering", "building", Decimal("0.5"), 1, 1, False),
    ("shift_fill_rate", "building", Decimal("0.9"), 1, 1, False),
    ("governing_body_in_office", "management", Decimal("1"), 1, 0, False),
    ("management_in_place", "management", Decimal("1"), 1, 0, False),
    ("actions_on_time", "management", Decimal("0.9"), 1, 1, False),
    ("grid_roles_covered", "management", Decimal("1"), 1, 1, False),
    ("duty_done_rate", "management", Decimal("0.95"), 1, 1, False),
    ("incidents_on_time", "management", Decimal("0.9"), 1, 1, False),
    ("rework_rate", "management", Decimal("0.05"), 1, 1, True),
    ("evaluation_response_rate", "evaluation", Decimal("0.5"), 1, 1, False),
    ("satisfaction", "evaluation", Decimal("4.5"), 1, 5, False),
    ("incident_rating", "evaluation", Decimal("4.5"), 1, 5, False),
    ("finance_disclosed", "sharing", Decimal("1"), 1, 0, False),
    ("notices_published", "sharing", Decimal("2"), 1, 0, False),
    ("fee_collection_rate", "sharing", Decimal("0.95"), 1, 1, False),
    ("minutes_published", "sharing", Decimal("0.8"), 1, 1, False),
]


def ensure(Indicator) -> None:
    """Idempotent; takes the model class so that a migration can pass its historical one."""
    for code, co, target, weight, minimum, lower in INDICATORS:
        Indicator.objects.get_or_create(
            code=code,
            defaults={
                "co": co,
                "target": target,
                "weight": weight,
                "minimum_data": minimum,
                "lower_is_better": lower,
            },
        )
