"""The default inspection checklist and incident categories, written by a data migration (and again
by the demo where a test's flush removed them). Communities add their own in the back office."""

CHECKLIST = [
    ("roads_clean", "道路和小区路面清洁卫生"),
    ("parking_orderly", "车辆有序停放"),
    ("no_street_vending", "无占道经营等乱象"),
    ("facilities_intact", "公共设施完好"),
]
CATEGORIES = [
    ("sanitation", "环境卫生", "on_the_spot"),
    ("parking", "车辆乱停放", "on_the_spot"),
    ("street_vending", "占道经营", "ordinary"),
    ("facilities", "设施损坏", "ordinary"),
    ("illegal_building", "违章搭建", "hard"),
    ("safety", "安全隐患", "ordinary"),
    ("other", "其他", "ordinary"),
]


def ensure(ChecklistItem, Category) -> None:
    """Idempotent; takes the model classes so that a migration can pass its historical ones."""
    for position, (code, text) in enumerate(CHECKLIST):
        ChecklistItem.objects.get_or_create(
            code=code, community=None, defaults={"text": text, "position": position}
        )
    for code, name, severity in CATEGORIES:
        Category.objects.get_or_create(code=code, defaults={"name": name, "severity": severity})
