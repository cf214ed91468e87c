"""The service types every community has (the subdistrict's report names them), written by a data
migration (and again by the demo and the tests where a transactional test's flush removed them)."""

SERVICE_TYPES = [("patrol", "治安巡逻"), ("garbage-sorting", "垃圾分类引导"), ("parking", "停车引导")]


def ensure(ServiceType) -> None:
    """Idempotent; takes the model class so that a migration can pass its historical one."""
    for code, name in SERVICE_TYPES:
        ServiceType.objects.get_or_create(code=code, community=None, defaults={"name": name})
