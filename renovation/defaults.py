"""The renovation content catalogue of the subdistrict's report: 18 items of the buildings' main
functions, 11 infrastructure items and 9 supporting facilities, each tagged basic / improvement /
enhancement. Communities add their own items beside these."""

# (group, tier, code, name)
CATALOGUE = [
    ("main_function", "basic", "roof-waterproofing-renewal", "屋顶防水更新修缮"),
    ("main_function", "basic", "stairwell-repair", "公共楼梯间维修"),
    ("main_function", "basic", "roof-insulation", "屋顶保温隔热"),
    ("main_function", "basic", "facade-insulation", "外墙保温节能改造"),
    ("main_function", "basic", "facade-renewal", "外墙立面整治"),
    ("main_function", "basic", "stairwell-lighting", "楼道照明改造"),
    ("main_function", "basic", "entrance-doors", "单元门及门禁"),
    ("main_function", "basic", "handrails", "楼梯扶手栏杆修缮"),
    ("main_function", "basic", "common-windows", "楼道公共门窗更换"),
    ("main_function", "basic", "downpipes", "雨落管更换"),
    ("main_function", "basic", "indoor-risers", "楼内给排水立管更换"),
    ("main_function", "basic", "indoor-wiring", "楼内公共供电线路规整"),
    ("main_function", "basic", "cable-tidying", "弱电线缆规整（飞线整治）"),
    ("main_function", "improvement", "ac-brackets", "空调机位规整"),
    ("main_function", "improvement", "window-guards", "防盗窗及晾衣架规整"),
    ("main_function", "improvement", "mailboxes", "信报箱更新"),
    ("main_function", "improvement", "lift-installation", "加装电梯"),
    ("main_function", "improvement", "ageing-friendly", "楼道适老化及无障碍改造"),
    ("infrastructure", "basic", "site-roads", "小区道路"),
    ("infrastructure", "basic", "site-water", "小区供排水"),
    ("infrastructure", "basic", "site-fire", "消防设施"),
    ("infrastructure", "basic", "site-power", "供电和电力设施"),
    ("infrastructure", "basic", "site-gas", "供气"),
    ("infrastructure", "improvement", "site-greening", "绿化"),
    ("infrastructure", "improvement", "site-lighting", "照明"),
    ("infrastructure", "improvement", "site-parking", "公共停车场（位）"),
    ("infrastructure", "basic", "site-security", "安防监控"),
    ("infrastructure", "basic", "site-walls", "围墙及大门"),
    ("infrastructure", "basic", "site-telecom", "通信设施"),
    ("supporting", "basic", "access-roads", "周边道路"),
    ("supporting", "basic", "mains-water", "周边供排水"),
    ("supporting", "basic", "mains-power", "周边供电和电力设施"),
    ("supporting", "improvement", "parking-lots", "配套停车场"),
    ("supporting", "improvement", "public-greening", "配套绿化"),
    ("supporting", "improvement", "street-lights", "路灯"),
    ("supporting", "basic", "sewage-refuse", "污水与垃圾处理"),
    ("supporting", "improvement", "barrier-free", "无障碍设施"),
    ("supporting", "improvement", "fitness-equipment", "健身器材"),
]


# The grid's incident categories for what is found on a works site (the closed loop's deadlines by
# severity): quality, safety, schedule, and disturbance to residents.
CATEGORIES = [
    ("works_quality", "施工质量", "ordinary"),
    ("works_safety", "施工安全", "on_the_spot"),
    ("works_schedule", "施工进度", "ordinary"),
    ("works_disturbance", "施工扰民", "on_the_spot"),
]
CATEGORY_CODES = [code for code, _name, _severity in CATEGORIES]


def ensure_categories(Category) -> None:
    for code, name, severity in CATEGORIES:
        Category.objects.get_or_create(code=code, defaults={"name": name, "severity": severity})


def ensure(CatalogueItem) -> None:
    """Idempotent; takes the model class so that a migration can pass its historical one."""
    for group, tier, code, name in CATALOGUE:
        CatalogueItem.objects.get_or_create(code=code, defaults={"name": name, "group": group, "tier": tier})
