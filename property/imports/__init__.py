"""Bringing ledgers (台账) in: reading a file (reading), running an import (runs), and the kinds
property brings, each with its own columns (households, opening_arrears); another app's kind
(volunteers.imports) is named with them in settings.IMPORT_KINDS."""
