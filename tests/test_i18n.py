import pytest
from django.test import Client

from accounts import i18n


def test_every_string_in_code_and_templates_has_a_chinese_translation():
    assert i18n.missing() == []


def test_the_extractor_finds_template_and_code_strings():
    ids = {m.id for m in i18n.extract()}
    assert "Sign in" in ids  # a template
    assert "Wrong username or password." in ids  # Python code
    assert ("%(counter)s household", "%(counter)s households") in ids  # a plural blocktranslate


def test_a_new_untranslated_string_is_reported(tmp_path, monkeypatch, settings):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "x.html").write_text(
        '{% load i18n %}{% translate "A string nobody translated" %}'
    )
    monkeypatch.setattr(i18n, "SOURCE_DIRS", ["templates"])
    settings.BASE_DIR = tmp_path
    assert i18n.missing() == ["not in the .po: 'A string nobody translated' (templates/x.html)"]


@pytest.mark.django_db
def test_pages_are_chinese_by_default_even_for_an_english_browser():
    response = Client(headers={"Accept-Language": "en-US,en;q=0.9"}).get("/accounts/login/")
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    assert "登录" in response.content.decode()


@pytest.mark.django_db
def test_the_switch_turns_pages_english():
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    page = client.get("/accounts/login/").content.decode()
    assert "Sign in" in page and "登录" not in page.replace('lang="zh-hans">中文', "")


@pytest.mark.django_db
def test_api_errors_follow_accept_language():
    body = Client(headers={"Accept-Language": "en"}).get("/api/v1/me").json()
    assert body["detail"].startswith("Sign in first")
    assert Client().get("/api/v1/me").json()["detail"].startswith("请先登录")
