from django.contrib import admin

from core import admin_forms as bounded
from governance.models import (
    Action,
    Attendance,
    Body,
    Evaluation,
    FinanceLine,
    Meeting,
    Member,
    Notice,
    Question,
    Resolution,
    Solicitation,
    Vote,
)


class MemberInline(bounded.TabularInline):
    model = Member
    extra = 0
    raw_id_fields = ["resident"]


@admin.register(Body)
class BodyAdmin(bounded.ModelAdmin):
    list_display = ["name", "kind", "community", "compound", "term_start", "term_end", "filed_on"]
    list_filter = ["kind", "community"]
    search_fields = ["name", "compound__name"]
    raw_id_fields = ["compound", "led_by"]
    inlines = [MemberInline]


class AttendanceInline(bounded.TabularInline):
    model = Attendance
    extra = 0


class ResolutionInline(bounded.TabularInline):
    model = Resolution
    extra = 0


class ActionInline(bounded.TabularInline):
    model = Action
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(bounded.ModelAdmin):
    list_display = ["title", "body", "kind", "held_at", "public"]
    list_filter = ["kind", "public"]
    date_hierarchy = "held_at"
    inlines = [AttendanceInline, ResolutionInline, ActionInline]


@admin.register(Vote)
class VoteAdmin(bounded.ModelAdmin):
    """Votes are counted by the system: the back office reads them, it does not edit ballots."""

    list_display = ["title", "compound", "matter", "opens_at", "closes_at", "status"]
    list_filter = ["status", "matter"]
    readonly_fields = ["status", "roll_frozen_at", "result"]


class FinanceLineInline(bounded.TabularInline):
    model = FinanceLine
    extra = 0


@admin.register(Notice)
class NoticeAdmin(bounded.ModelAdmin):
    list_display = ["title", "compound", "kind", "published_on", "author_name"]
    list_filter = ["kind"]
    inlines = [FinanceLineInline]


class QuestionInline(bounded.TabularInline):
    model = Question
    extra = 0


@admin.register(Solicitation)
class SolicitationAdmin(bounded.ModelAdmin):
    list_display = ["title", "compound", "opens_on", "closes_on"]
    inlines = [QuestionInline]


@admin.register(Evaluation)
class EvaluationAdmin(bounded.ModelAdmin):
    list_display = ["title", "community", "subject", "opens_on", "closes_on"]
    list_filter = ["subject"]
