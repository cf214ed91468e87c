"""Fees: fee items, billing runs, bills, payments, adjustments, reminders and arrears; its checks and
read scopes (permissions), figures (selectors), writes (services, formerly property/billing.py), API
and pages. Built on the register."""
