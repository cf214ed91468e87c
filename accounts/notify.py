"""Notifications: stored for the site, then handed to the configured sender (SMS, WeChat, ...).

The default sender writes to the log; a deployment names another with NOTIFICATION_SENDER.
"""

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string

from accounts.models import Notification

log = logging.getLogger("gongzhi.notify")


class LogSender:
    """The default channel: one log line per notification."""

    def send(self, notification: Notification) -> None:
        log.info("notify user=%s title=%s", notification.user_id, notification.title)


def sender():
    return import_string(settings.NOTIFICATION_SENDER)()


def notify(user, title: str, body: str = "", *, link: str = "", dedupe_key: str = "") -> Notification | None:
    """Store the notification and send it after commit; with a dedupe_key, at most once per user."""
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user, title=title, body=body, link=link, dedupe_key=dedupe_key
            )
    except IntegrityError:
        return None  # already sent under this key
    transaction.on_commit(lambda: sender().send(notification))
    return notification
