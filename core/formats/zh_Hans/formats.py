"""Dates as the pages show them in Chinese (Django's own, with the short forms pages use)."""

MONTH_DAY_FORMAT = "n月j日"  # 9月5日
SHORT_DATETIME_FORMAT = "n月j日 H:i"  # 9月5日 20:45: a day this year, as a notice writes it
