from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.home import panels_for
from accounts.roles import roles_of


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


def lockout_response(request, original_response=None, credentials=None):
    """Axes calls this once an account is locked: JSON for the API, a page for people."""
    message = _("Too many failed sign-ins: try again in 15 minutes.")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": "throttled"}, status=429)
    return render(request, "accounts/locked.html", {"message": message}, status=429)


@login_required
def home(request):
    """Each role sees its place's numbers first (panels other apps provide), then what it can do."""
    roles = roles_of(request.user)
    role_names = {r["role"] for r in roles}
    context = {"roles": roles, "role_names": role_names, "panels": panels_for(request.user)}
    return render(request, "home.html", context)
