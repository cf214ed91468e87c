from governance.permissions import seats


def seat_roles(user) -> list[dict]:
    """The bodies the user sits on, as roles for /me and the home page."""
    rows = seats(user).select_related("body__compound", "body__community")
    return [
        {
            "role": seat.body.kind,
            "label": f"{seat.body.get_kind_display()} · {seat.get_role_display()}",
            "scope": {"type": "body", "id": seat.body_id, "name": seat.body.name},
        }
        for seat in rows
    ]
