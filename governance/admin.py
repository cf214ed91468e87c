from django.contrib import admin

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


class MemberInline(admin.TabularInline):
    model = Member
    extra = 0
    raw_id_fields = ["resident"]


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "community", "compound", "term_start", "term_end", "filed_on"]
    list_filter = ["kind", "community"]
    search_fields = ["name", "compound__name"]
    raw_id_fields = ["compound", "led_by"]
    inlines = [MemberInline]


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0


class ResolutionInline(admin.TabularInline):
    model = Resolution
    extra = 0


class ActionInline(admin.TabularInline):
    model = Action
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "body", "kind", "held_at", "public"]
    list_filter = ["kind", "public"]
    date_hierarchy = "held_at"
    inlines = [AttendanceInline, ResolutionInline, ActionInline]


@admin.register(Vote)
class VoteAdmin(admin.ModelAdmin):
    """Votes are counted by the system: the back office reads them, it does not edit ballots."""

    list_display = ["title", "compound", "matter", "opens_at", "closes_at", "status"]
    list_filter = ["status", "matter"]
    readonly_fields = ["status", "roll_frozen_at", "result"]


class FinanceLineInline(admin.TabularInline):
    model = FinanceLine
    extra = 0


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["title", "compound", "kind", "published_on", "author_name"]
    list_filter = ["kind"]
    inlines = [FinanceLineInline]


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0


@admin.register(Solicitation)
class SolicitationAdmin(admin.ModelAdmin):
    list_display = ["title", "compound", "opens_on", "closes_on"]
    inlines = [QuestionInline]


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "subject", "opens_on", "closes_on"]
    list_filter = ["subject"]
