"""Dates as the pages show them in English: the same short forms as in Chinese."""

MONTH_DAY_FORMAT = "M j"  # Sep 5
SHORT_DATETIME_FORMAT = "M j, H:i"  # Sep 5, 20:45
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
DATE_FORMAT = "j M Y"
