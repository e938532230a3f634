"""The API token page: a user creates (the key is shown once) and revokes his own tokens."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from parkchain.api.forms import ApiTokenForm
from parkchain.api.selectors import api_token_list
from parkchain.api.services import IssuedToken, api_token_create, api_token_revoke
from parkchain.core.errors import ApplicationError
from parkchain.core.http import AuthenticatedHttpRequest


@require_http_methods(["GET", "POST"])
def api_tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    issued: IssuedToken | None = None
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        days = form.days()
        expires_at = timezone.now() + dt.timedelta(days=days) if days else None
        try:
            issued = api_token_create(
                actor=request.user, name=form.cleaned_data["name"], expires_at=expires_at
            )
        except ApplicationError as err:
            form.add_error(None, err.message)
        else:
            form = ApiTokenForm()
    context = {
        "form": form,
        "issued": issued,
        "tokens": api_token_list(user=request.user),
        "now": timezone.now(),
    }
    return render(request, "api/tokens.html", context)


@require_POST
def api_token_revoke_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    token = api_token_revoke(actor=request.user, pk=pk)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("api_tokens")
