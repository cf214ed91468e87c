from datetime import datetime

from ninja import Field, Schema


class TokenIn(Schema):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=128)
    name: str = Field("", max_length=100, description="A label for the token, e.g. the device.")


class UserOut(Schema):
    id: int
    username: str
    name: str


class TokenOut(Schema):
    token: str
    expires_at: datetime
    user: UserOut


class TokenInfoOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ScopeOut(Schema):
    type: str
    id: int
    name: str


class RoleOut(Schema):
    role: str
    label: str
    scope: ScopeOut


class PersonOut(Schema):
    id: int
    name: str
    phone: str
    is_party_member: bool


class MeOut(Schema):
    user: UserOut
    person: PersonOut | None
    roles: list[RoleOut]
