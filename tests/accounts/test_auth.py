import hashlib
import logging
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import ApiToken, AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "pw-test-1234"


def post_token(client, username, password):
    return client.post(
        "/api/v1/auth/token", {"username": username, "password": password}, content_type="application/json"
    )


def test_token_is_issued_for_the_right_password_and_stored_only_hashed(worker):
    response = post_token(Client(), "worker", PASSWORD)
    assert response.status_code == 200
    body = response.json()
    assert body["user"]["username"] == "worker"
    stored = ApiToken.objects.get(user=worker)
    assert stored.key_hash == hashlib.sha256(body["token"].encode()).hexdigest()
    assert body["token"] not in {stored.key_hash, stored.prefix}
    assert AuditEvent.objects.filter(action="token.issue", object_id=stored.pk).count() == 1


def test_wrong_password_answers_401_with_the_error_shape(worker):
    response = post_token(Client(), "worker", "nope")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert response.json()["detail"]


def test_token_request_without_password_names_the_field(worker):
    response = Client().post("/api/v1/auth/token", {"username": "worker"}, content_type="application/json")
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["password"]


def test_bearer_token_authenticates_me(worker):
    token = post_token(Client(), "worker", PASSWORD).json()["token"]
    response = Client(headers={"Authorization": f"Bearer {token}"}).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["user"]["username"] == "worker"


def test_revoked_token_no_longer_authenticates(worker):
    token = post_token(Client(), "worker", PASSWORD).json()["token"]
    client = Client(headers={"Authorization": f"Bearer {token}"})
    token_id = client.get("/api/v1/auth/tokens").json()[0]["id"]
    assert client.delete(f"/api/v1/auth/tokens/{token_id}").status_code == 204
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert AuditEvent.objects.filter(action="token.revoke", object_id=token_id).count() == 1


def test_a_user_cannot_revoke_another_users_token(worker, worker_b, api):
    token_id = ApiToken.objects.create(
        user=worker, prefix="x", key_hash="0" * 64, expires_at=timezone.now() + timedelta(days=1)
    ).pk
    assert api(worker_b).delete(f"/api/v1/auth/tokens/{token_id}").status_code == 404
    assert ApiToken.objects.get(pk=token_id).revoked_at is None


def test_expired_token_is_refused(worker):
    token = post_token(Client(), "worker", PASSWORD).json()["token"]
    ApiToken.objects.filter(user=worker).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Client(headers={"Authorization": f"Bearer {token}"}).get("/api/v1/me").status_code == 401


def test_no_auth_answers_401(db):
    assert Client().get("/api/v1/me").status_code == 401


def test_five_wrong_passwords_lock_the_account_for_15_minutes(worker, caplog):
    client = Client()
    caplog.set_level(logging.INFO)
    statuses = [post_token(client, "worker", f"wrong-{i}").status_code for i in range(5)]
    assert statuses[:4] == [401, 401, 401, 401]
    # Locked now: even the right password answers 429.
    response = post_token(client, "worker", PASSWORD)
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert "wrong-3" not in caplog.text and PASSWORD not in caplog.text
    assert "worker" in caplog.text  # each failure is logged, with the account but not the password


def test_lock_ends_after_the_cool_off(worker):
    from axes.models import AccessAttempt

    client = Client()
    for i in range(5):
        post_token(client, "worker", f"wrong-{i}")
    assert post_token(client, "worker", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert post_token(client, "worker", PASSWORD).status_code == 200


def test_lock_is_per_account(worker, worker_b):
    client = Client()
    for i in range(5):
        post_token(client, "worker", f"wrong-{i}")
    assert post_token(client, "worker_b", PASSWORD).status_code == 200


def test_login_page_locks_after_five_failures(worker):
    client = Client()
    for i in range(4):
        response = client.post("/accounts/login/", {"username": "worker", "password": f"wrong-{i}"})
        assert response.status_code == 200
    client.post("/accounts/login/", {"username": "worker", "password": "wrong-4"})
    response = client.post("/accounts/login/", {"username": "worker", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_login_and_logout_with_the_session(worker):
    client = Client()
    response = client.post("/accounts/login/", {"username": "worker", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/api/v1/me").json()["user"]["username"] == "worker"
    client.post("/accounts/logout/")
    assert client.get("/api/v1/me").status_code == 401


def test_session_writes_to_the_api_need_csrf(worker, estate):
    client = Client(enforce_csrf_checks=True)
    client.force_login(worker)
    response = client.post(
        "/api/v1/property/buildings",
        {"compound": estate.compound_a.pk, "name": "9号楼", "floors": 6},
        content_type="application/json",
    )
    assert response.status_code in (401, 403)


def test_me_lists_roles_with_scopes(worker, owner, estate, api):
    roles = api(worker).get("/api/v1/me").json()["roles"]
    assert roles == [
        {
            "role": "community_worker",
            "label": "社区工作者",
            "scope": {"type": "community", "id": estate.community_a.pk, "name": "幸福社区"},
        }
    ]
    me = api(owner).get("/api/v1/me").json()
    assert me["person"]["name"] == "王秀英"
    assert me["person"]["phone"] == "13812341234"  # the person sees their own number
    assert [(r["role"], r["scope"]["id"]) for r in me["roles"]] == [("resident", estate.household_a.pk)]


def test_prune_deletes_only_long_expired_tokens(worker):
    from accounts.tasks import api_tokens_prune

    now = timezone.now()
    old = ApiToken.objects.create(
        user=worker, prefix="a", key_hash="a" * 64, expires_at=now - timedelta(days=31)
    )
    fresh = ApiToken.objects.create(
        user=worker, prefix="b", key_hash="b" * 64, expires_at=now + timedelta(days=1)
    )
    assert api_tokens_prune.delay().get() == 1
    assert list(ApiToken.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not ApiToken.objects.filter(pk=old.pk).exists()


def test_a_cached_token_stops_working_once_revoked_in_the_database(worker, api):
    client = api(worker)
    assert client.get("/api/v1/me").status_code == 200  # now cached
    token = ApiToken.objects.get(user=worker)
    from accounts.services import token_revoke

    token_revoke(token=token, actor=worker)
    assert client.get("/api/v1/me").status_code == 401


def test_a_post_changed_in_the_back_office_takes_effect_at_once(worker, estate, api):
    from accounts.admin import PostAdmin
    from accounts.models import Post

    client = api(worker)
    assert (
        client.get(f"/api/v1/property/households/{estate.household_b.pk}").status_code == 404
    )  # cached scope
    post = Post.objects.get(user=worker)
    post.community = estate.community_b
    admin = PostAdmin(Post, None)
    admin.save_model(request=None, obj=post, form=None, change=True)
    assert client.get(f"/api/v1/property/households/{estate.household_b.pk}").status_code == 200


def test_an_api_sign_in_resets_the_failed_count_as_the_page_does(worker):
    from axes.models import AccessAttempt

    client = Client()
    for i in range(4):
        assert post_token(client, "worker", f"wrong-{i}").status_code == 401
    assert post_token(client, "worker", PASSWORD).status_code == 200
    assert AccessAttempt.objects.filter(username="worker").count() == 0
    # Four more failures do not lock the account: the count started again.
    assert [post_token(client, "worker", f"again-{i}").status_code for i in range(4)] == [401] * 4
    assert post_token(client, "worker", PASSWORD).status_code == 200


def test_attempts_while_locked_do_not_extend_the_lock(worker):
    from axes.models import AccessAttempt

    client = Client()
    for i in range(5):
        post_token(client, "worker", f"wrong-{i}")
    locked_at = timezone.now() - timedelta(minutes=14)
    AccessAttempt.objects.update(attempt_time=locked_at)
    # One try every 14 minutes used to keep the account locked forever.
    assert post_token(client, "worker", "wrong-again").status_code == 429
    assert AccessAttempt.objects.get(username="worker").attempt_time == locked_at
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert post_token(client, "worker", PASSWORD).status_code == 200


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", "evil"]
)
def test_a_page_posts_next_only_to_a_path_of_this_site(rf, target):
    from core.redirects import redirect_next

    response = redirect_next(rf.post("/x/", {"next": target}), "/volunteers/")
    assert response["Location"] == "/volunteers/"


def test_a_same_site_next_is_followed(rf):
    from core.redirects import redirect_next

    response = redirect_next(rf.post("/x/", {"next": "/volunteers/mine/?week=2"}), "/volunteers/")
    assert response["Location"] == "/volunteers/mine/?week=2"


def test_pages_send_a_strict_content_security_policy_and_a_permissions_policy(worker):
    client = Client()
    client.force_login(worker)
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "camera=()" in response["Permissions-Policy"]
    assert b"onclick=" not in response.content and b"style=" not in response.content


def test_a_write_with_a_revoked_token_is_401_not_a_csrf_403(worker, api, estate):
    from accounts.services import token_issue, token_revoke

    token, raw = token_issue(user=worker, name="t")
    token_revoke(token=token, actor=worker)
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    response = client.post(
        "/api/v1/property/buildings",
        {"compound": estate.compound_a.pk, "name": "9号楼", "floors": 6},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
