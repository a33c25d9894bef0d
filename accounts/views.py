from axes.utils import reset as axes_reset
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts import selectors, services
from accounts.forms import AccountDeleteForm, SignupForm


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("home")
    return render(request, "accounts/signup.html", {"form": form})


# a learner's own data


@never_cache
@login_required
@require_GET
def data_export(request: HttpRequest) -> HttpResponse:
    """Everything the learner did, as one JSON file to keep (the right of access and to portability)."""
    data = selectors.learner_data(learner=request.user)
    response = JsonResponse(data, encoder=DjangoJSONEncoder, json_dumps_params={"indent": 2, "ensure_ascii": False})
    filename = f"calcinosis-cutis-data-{timezone.now():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    form = AccountDeleteForm(request.POST if request.method == "POST" else None, request=request)
    if request.method == "POST":
        if form.is_valid():
            services.account_delete(user=request.user)
            logout(request)
            messages.success(request, "Your account and everything you did with it have been deleted.")
            return redirect("home")
        return render(request, "accounts/delete.html", {"form": form}, status=400)
    return render(request, "accounts/delete.html", {"form": form})


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    """Setting a new password from the emailed link also lifts a lock-out from too many wrong passwords: the person
    has just proved they own the account's email."""

    def form_valid(self, form):
        response = super().form_valid(form)
        axes_reset(username=form.user.get_username())
        return response
