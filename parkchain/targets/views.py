"""Target and dispatch pages (目标任务与按月调度): the year's target book, the monthly dispatch with
its bulletin, one target's year, milestones, supervision (督办) and reward/accountability records.

Views parse input, call the selectors (every number comes from ``dispatch_figures``) and the
services, and render. Users without a role that reads targets (departments, enterprises) get 403
on the list pages; a row outside the user's scope answers 404 like a missing one; a form the
services refuse is shown again with the message, and nothing is written.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from engine.periods import Month
from parkchain.core.downloads import docx_response
from parkchain.core.errors import ApplicationError
from parkchain.core.http import AuthenticatedHttpRequest
from parkchain.indicators.selectors import indicator_list
from parkchain.organisations.models import OrgUnitKind
from parkchain.organisations.selectors import county_list, org_unit_list
from parkchain.targets import charts, services
from parkchain.targets.bulletin import bulletin_docx, supervision_list_docx
from parkchain.targets.data import amount_unit
from parkchain.targets.figures import DispatchFigures, TargetFigure, figures_filtered
from parkchain.targets.forms import (
    FOLLOW_UP_STATUSES,
    MILESTONE_STATUSES,
    AccountabilityForm,
    BookFilterForm,
    BookForm,
    FreezeForm,
    FromRedForm,
    MilestoneCreateForm,
    ProgressForm,
    SupervisionFilterForm,
    TargetCreateForm,
    TargetEditForm,
    month_choices,
)
from parkchain.targets.models import SupervisionTask, Target, TargetBook
from parkchain.targets.permissions import dispatch_reader, in_task_force, task_force_of
from parkchain.targets.selectors import (
    DispatchChoice,
    accountability_record_list,
    dispatch_choice,
    dispatch_figures,
    milestone_task_get,
    supervision_task_get,
    supervision_task_list,
    target_book_get,
    target_cascade_issues,
    target_chain_options,
    target_get,
    target_history,
    target_list,
    target_progress_series,
    target_unit_options,
)


# -- helpers --------------------------------------------------------------------------------------
def _require_reader(request: AuthenticatedHttpRequest) -> None:
    if not dispatch_reader(user=request.user):
        raise PermissionDenied


def _require_task_force(request: AuthenticatedHttpRequest, book: TargetBook) -> None:
    if not task_force_of(user=request.user, book=book):
        raise PermissionDenied


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _month(value: str | None) -> Month | None:
    try:
        return Month.parse(value) if value else None
    except ValueError:
        return None


def _choice(request: AuthenticatedHttpRequest) -> DispatchChoice:
    """The book and month of ``?book=&year=&month=`` (bad values are ignored)."""
    return dispatch_choice(
        user=request.user,
        today=timezone.localdate(),
        year=_int(request.GET.get("year")),
        month=_month(request.GET.get("month")),
        book_id=_int(request.GET.get("book")),
    )


def _figures(request: AuthenticatedHttpRequest, choice: DispatchChoice) -> DispatchFigures:
    book = choice.book
    return dispatch_figures(
        user=request.user,
        year=choice.period.year,
        month=choice.period.month,
        book_id=book.pk if book is not None else None,
    )


def _query(choice: DispatchChoice, **extra: Any) -> str:
    params: dict[str, Any] = {"month": str(choice.period)}
    if choice.book is not None and len(choice.books) > 1:
        params["book"] = choice.book.pk
    params.update({k: v for k, v in extra.items() if v is not None})
    return urlencode(params)


def _groups(
    figures: list[TargetFigure],
) -> list[tuple[str, int, list[tuple[str, list[TargetFigure]]]]]:
    """Figures by the book's groups (一高, 新主体 …) and, inside a group, by target name (one row
    per unit: the city, its counties and parks, chains), all in book order."""
    grouped: dict[str, dict[str, list[TargetFigure]]] = {}
    for figure in figures:
        grouped.setdefault(figure.group, {}).setdefault(figure.name, []).append(figure)
    return [
        (group, sum(len(rows) for rows in names.values()), list(names.items()))
        for group, names in grouped.items()
    ]


def _error(form: Any, error: ApplicationError) -> None:
    form.add_error(None, error.message)


# -- the target book ------------------------------------------------------------------------------
@require_GET
def book_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """目标任务书: the year's targets with their figures for a month, by group; milestones."""
    _require_reader(request)
    user = request.user
    choice = _choice(request)
    book = choice.book
    counties = county_list(user=user)
    filters = BookFilterForm(
        request.GET, years=choice.years or [choice.year], year=choice.year, counties=counties
    )
    figures = _figures(request, choice)
    county = filters.value("county") if "county" in filters.fields else None
    shown = figures_filtered(
        figures.targets,
        scope_kind=filters.value("scope"),
        under_path=county.path if county is not None else None,
        rag=filters.value("rag"),
    )
    task_force = task_force_of(user=user, book=book)
    context: dict[str, Any] = {
        "choice": choice,
        "book": book,
        "figures": figures,
        "filters": filters,
        "groups": _groups(shown),
        "shown": len(shown),
        "issues": target_cascade_issues(user=user, book=book) if book is not None else [],
        "task_force": task_force,
        "can_create_book": in_task_force(user=user),
        "query": _query(choice),
    }
    if task_force and book is not None and book.is_issued:
        context["freeze_form"] = FreezeForm(initial={"month": str(choice.period)}, year=book.year)
    return render(request, "targets/book.html", context)


@require_http_methods(["GET", "POST"])
def book_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not in_task_force(user=request.user):
        raise PermissionDenied
    regions = org_unit_list(user=request.user, kind=OrgUnitKind.CITY)
    today = timezone.localdate()
    form = BookForm(request.POST or None, regions=regions, initial={"year": today.year + 1})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            book = services.target_book_create(
                actor=request.user,
                region=data["region"],
                year=data["year"],
                title=data["title"],
                description=data["description"],
                issuer=data["issuer"],
                bulletin_title=data["bulletin_title"],
            )
        except ApplicationError as error:
            _error(form, error)
        else:
            messages.success(request, _("Target book “%(title)s” created.") % {"title": book.title})
            return redirect(f"{reverse('targets:home')}?book={book.pk}")
    return render(request, "targets/book_form.html", {"form": form})


def _back_to_book(book: TargetBook, month: str | None = None) -> HttpResponseRedirect:
    query = {"book": book.pk, **({"month": month} if month else {})}
    return redirect(f"{reverse('targets:home')}?{urlencode(query)}")


@require_POST
def book_issue(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    book = target_book_get(user=request.user, pk=pk)
    try:
        services.target_book_issue(actor=request.user, book=book)
    except ApplicationError as error:
        messages.error(request, _("Not issued: %(reason)s") % {"reason": error.message})
    else:
        messages.success(request, _("The target book is issued."))
    return _back_to_book(book)


@require_POST
def book_freeze(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    book = target_book_get(user=request.user, pk=pk)
    form = FreezeForm(request.POST, year=book.year)
    if not form.is_valid():
        messages.error(request, _("Choose a month of the book's year."))
        return _back_to_book(book)
    period = form.period()
    try:
        services.dispatch_snapshot_freeze(
            actor=request.user,
            book=book,
            year=period.year,
            month=period.month,
            note=form.cleaned_data["note"],
        )
    except ApplicationError as error:
        messages.error(request, _("Not frozen: %(reason)s") % {"reason": error.message})
    else:
        messages.success(
            request,
            _("The figures of %(period)s are frozen as dispatched.") % {"period": period.ytd_label},
        )
    return _back_to_book(book, str(period))


# -- targets --------------------------------------------------------------------------------------
def _target_create_form(
    request: AuthenticatedHttpRequest, book: TargetBook, data: Any = None
) -> TargetCreateForm:
    user = request.user
    return TargetCreateForm(
        data,
        units=target_unit_options(user=user, book=book),
        chains=target_chain_options(user=user, book=book),
        indicators=indicator_list(user=user),
        parents=target_list(user=user, book=book),
        initial={"parent": _int(request.GET.get("parent"))},
    )


@require_http_methods(["GET", "POST"])
def target_create(request: AuthenticatedHttpRequest, book_pk: int) -> HttpResponse:
    book = target_book_get(user=request.user, pk=book_pk)
    _require_task_force(request, book)
    form = _target_create_form(request, book, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            target = services.target_create(
                actor=request.user,
                book=book,
                name=data["name"],
                kind=data["kind"],
                annual_value=data["annual_value"],
                indicator=data["indicator"],
                metric=data["metric"],
                org_unit=data["org_unit"],
                chain=data["chain"],
                base_value=data["base_value"],
                parent=data["parent"],
                group=data["group"],
                profile=data["profile"],
                profile_shares=data["profile_shares"],
                jan_feb_combined=data["jan_feb_combined"],
                rag_rule=form.rag_rule(),
                owner_department=data["owner_department"],
                owner_person=data["owner_person"],
                sort_order=data["sort_order"],
            )
        except ApplicationError as error:
            _error(form, error)
        else:
            messages.success(request, _("Target “%(target)s” added.") % {"target": target})
            return redirect("targets:detail", pk=target.pk)
    return render(request, "targets/target_form.html", {"form": form, "book": book})


def _edit_initial(target: Target) -> dict[str, Any]:
    rule = target.rag_rule or {}
    form = rule.get("form", "")
    band = rule.get("yellow_pp")
    if form == "ratio" and "ratio_yellow" in rule:
        band = round(float(rule["ratio_yellow"]) * 100, 2)
    elif form == "rank" and "places" in rule:
        band = rule["places"]
    shares = target.profile_shares
    return {
        "name": target.name,
        "annual_value": target.annual_value,
        "base_value": target.base_value,
        "profile": target.profile,
        "profile_shares": ", ".join(f"{s:g}" for s in shares) if shares else "",
        "jan_feb_combined": target.jan_feb_combined,
        "rule_form": form,
        "yellow_band": band,
        "owner_department": target.owner_department,
        "owner_person": target.owner_person,
    }


@require_http_methods(["GET", "POST"])
def target_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    target = target_get(user=request.user, pk=pk)
    _require_task_force(request, target.book)
    form = TargetEditForm(request.POST or None, kind=target.kind, initial=_edit_initial(target))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.target_update(
                actor=request.user,
                target=target,
                name=data["name"],
                annual_value=data["annual_value"],
                base_value=data["base_value"],
                profile=data["profile"],
                profile_shares=data["profile_shares"],
                jan_feb_combined=data["jan_feb_combined"],
                rag_rule=form.rag_rule(),
                owner_department=data["owner_department"],
                owner_person=data["owner_person"],
            )
        except ApplicationError as error:
            target.refresh_from_db()  # the service set the refused values on the instance
            _error(form, error)
        else:
            messages.success(request, _("Target “%(target)s” changed.") % {"target": target})
            return redirect("targets:detail", pk=target.pk)
    return render(
        request, "targets/target_form.html", {"form": form, "book": target.book, "target": target}
    )


@require_GET
def target_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One target's month: its figures, its year month by month, its parts, its history."""
    user = request.user
    target = target_get(user=user, pk=pk)
    choice = dispatch_choice(
        user=user,
        today=timezone.localdate(),
        month=_month(request.GET.get("month")),
        book_id=target.book_id,
    )
    figures = _figures(request, choice)
    figure = next((f for f in figures.targets if f.pk == target.pk), None)
    children = [f for f in figures.targets if f.target.parent_id == target.pk]
    points = target_progress_series(user=user, target=target, through=choice.period)
    context: dict[str, Any] = {
        "target": target,
        "book": target.book,
        "choice": choice,
        "figures": figures,
        "figure": figure,
        "row": figures.row(target.pk) or {},
        "amount_unit": amount_unit(target),
        "children": children,
        "parent": next((f for f in figures.targets if f.pk == target.parent_id), None),
        "points": points,
        "history": target_history(user=user, target=target),
        "supervision": supervision_task_list(user=user, book=target.book).filter(target=target),
        "task_force": task_force_of(user=user, book=target.book),
        "months": month_choices(choice.year),
    }
    if figure is not None:
        context["chart"] = charts.progress_line_option(figure, points)
    return render(request, "targets/target_detail.html", context)


# -- milestones -----------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def milestone_create(request: AuthenticatedHttpRequest, book_pk: int) -> HttpResponse:
    user = request.user
    book = target_book_get(user=user, pk=book_pk)
    _require_task_force(request, book)
    form = MilestoneCreateForm(
        request.POST or None,
        units=target_unit_options(user=user, book=book),
        chains=target_chain_options(user=user, book=book),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task = services.milestone_task_create(
                actor=user,
                book=book,
                title=data["title"],
                deadline=data["deadline"],
                owner_unit=data["owner_unit"],
                chain=data["chain"],
                owner_department=data["owner_department"],
                owner_person=data["owner_person"],
                group=data["group"],
                description=data["description"],
            )
        except ApplicationError as error:
            _error(form, error)
        else:
            messages.success(request, _("Milestone task “%(task)s” added.") % {"task": task})
            return redirect("targets:milestone", pk=task.pk)
    return render(request, "targets/milestone_form.html", {"form": form, "book": book})


@require_http_methods(["GET", "POST"])
def milestone_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A milestone task, its log, and the owner's progress report (status, note, evidence)."""
    user = request.user
    task = milestone_task_get(user=user, pk=pk)
    may_report = services.can_report_on(user, unit=task.owner_unit, chain=task.chain)
    form = None
    if may_report:
        form = ProgressForm(
            request.POST or None,
            request.FILES or None,
            statuses=MILESTONE_STATUSES,
            initial={"status": task.status},
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.milestone_task_update(
                    actor=user,
                    task=task,
                    status=data["status"],
                    note=data["note"],
                    evidence_text=data["evidence_text"],
                    evidence_file=data["evidence_file"],
                )
            except ApplicationError as error:
                _error(form, error)
            else:
                messages.success(request, _("Progress reported."))
                return redirect("targets:milestone", pk=task.pk)
    context = {
        "task": task,
        "overdue": task.is_overdue(timezone.localdate()),
        "form": form,
    }
    return render(request, "targets/milestone_detail.html", context)


# -- monthly dispatch -----------------------------------------------------------------------------
@require_GET
def dispatch_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """按月调度: the month's headline figures, rankings, red items, charts and the documents."""
    _require_reader(request)
    choice = _choice(request)
    figures = _figures(request, choice)
    context: dict[str, Any] = {
        "choice": choice,
        "book": choice.book,
        "figures": figures,
        "query": _query(choice),
        "months": month_choices(choice.year),
        "quarters": list(range(1, choice.period.quarter + 1)),
        "overdue": sum(1 for state in figures.milestones if state.is_overdue),
        "headline": figures.top_level,
        "charts": {
            "gap": charts.gap_bar_option(figures.counties),
            "rag": charts.rag_pie_option(figures.rag_counts),
            "counties": charts.rag_stack_option(figures.counties),
            "parks": charts.rag_stack_option(figures.parks),
            "headline": charts.completion_bar_option(figures.top_level),
        },
        "task_force": task_force_of(user=request.user, book=choice.book),
    }
    return render(request, "targets/dispatch.html", context)


@require_GET
def bulletin_download(request: AuthenticatedHttpRequest) -> HttpResponse:
    """调度通报 of the month as .docx: the figures of ``dispatch_figures``, as the user sees them."""
    _require_reader(request)
    choice = _choice(request)
    figures = _figures(request, choice)
    if figures.book is None:
        messages.error(request, _("No target book for %(year)s.") % {"year": choice.year})
        return redirect("targets:dispatch")
    content = bulletin_docx(figures, issued_on=timezone.localdate())
    return docx_response(
        content,
        name=_("Dispatch bulletin %(period)s") % {"period": str(choice.period)},
        fallback="dispatch",
        stamped=False,
    )


@require_GET
def supervision_list_download(request: AuthenticatedHttpRequest) -> HttpResponse:
    """督办清单 of a quarter as .docx: the quarter's tasks the user may read."""
    _require_reader(request)
    choice = _choice(request)
    quarter = _int(request.GET.get("quarter")) or choice.period.quarter
    if choice.book is None or not 1 <= quarter <= 4:
        return redirect("targets:supervision")
    tasks = list(
        supervision_task_list(
            user=request.user, book=choice.book, year=choice.year, quarter=quarter
        )
    )
    content = supervision_list_docx(
        book=choice.book,
        tasks=tasks,
        year=choice.year,
        quarter=quarter,
        issued_on=timezone.localdate(),
    )
    return docx_response(
        content,
        name=_("Supervision list %(year)d Q%(quarter)d")
        % {"year": choice.year, "quarter": quarter},
        fallback="dispatch",
        stamped=False,
    )


# -- supervision and accountability ---------------------------------------------------------------
@require_GET
def supervision_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """督办: the quarter's tasks with their follow-ups; reward and accountability records."""
    _require_reader(request)
    user = request.user
    choice = _choice(request)
    book = choice.book
    filters = SupervisionFilterForm(request.GET)
    today = timezone.localdate()
    tasks: QuerySet[SupervisionTask] | list[SupervisionTask] = []
    records: Any = []
    if book is not None:
        tasks = supervision_task_list(
            user=user,
            book=book,
            year=choice.year,
            quarter=filters.value("quarter"),
            status=filters.value("status"),
            overdue_on=today if filters.value("overdue") else None,
        )
        records = accountability_record_list(user=user, book=book)
    context = {
        "choice": choice,
        "book": book,
        "filters": filters,
        "tasks": tasks,
        "records": records,
        "today": today,
        "query": _query(choice),
        "quarters": range(1, 5),
        "task_force": task_force_of(user=user, book=book),
    }
    return render(request, "targets/supervision.html", context)


@require_http_methods(["GET", "POST"])
def supervision_task_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A 督办 task, its follow-ups, and the owner unit's follow-up form (整改进展)."""
    user = request.user
    task = supervision_task_get(user=user, pk=pk)
    may_report = services.can_report_on(user, unit=task.owner_unit, chain=task.chain)
    form = None
    if may_report:
        form = ProgressForm(
            request.POST or None,
            request.FILES or None,
            statuses=FOLLOW_UP_STATUSES,
            initial={"status": "in_progress" if task.status == "pending" else task.status},
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.supervision_follow_up_add(
                    actor=user,
                    task=task,
                    note=data["note"],
                    status=data["status"],
                    evidence_text=data["evidence_text"],
                    evidence_file=data["evidence_file"],
                )
            except ApplicationError as error:
                _error(form, error)
            else:
                messages.success(request, _("Follow-up recorded."))
                return redirect("targets:supervision_task", pk=task.pk)
    context = {
        "task": task,
        "overdue": task.is_overdue(timezone.localdate()),
        "form": form,
        "records": accountability_record_list(user=user, book=task.book).filter(task=task),
    }
    return render(request, "targets/supervision_task.html", context)


@require_http_methods(["GET", "POST"])
def supervision_from_red(request: AuthenticatedHttpRequest, book_pk: int) -> HttpResponse:
    """The quarterly 督办清单 from the red items: one task per red target and overdue milestone."""
    book = target_book_get(user=request.user, pk=book_pk)
    _require_task_force(request, book)
    today = timezone.localdate()
    quarter = max(1, min(4, (today.month - 1) // 3 if today.year == book.year else 4))
    form = FromRedForm(request.POST or None, initial={"quarter": quarter})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.supervision_tasks_from_red(
                actor=request.user,
                book=book,
                quarter=data["quarter"],
                due_on=data["due_on"],
                requirement=data["requirement"],
            )
        except ApplicationError as error:
            _error(form, error)
        else:
            messages.success(
                request,
                _("%(count)d supervision tasks created for Q%(quarter)d.")
                % {"count": len(created), "quarter": data["quarter"]},
            )
            query = urlencode({"book": book.pk, "quarter": data["quarter"]})
            return redirect(f"{reverse('targets:supervision')}?{query}")
    return render(request, "targets/from_red.html", {"form": form, "book": book})


@require_http_methods(["GET", "POST"])
def accountability_create(request: AuthenticatedHttpRequest, book_pk: int) -> HttpResponse:
    user = request.user
    book = target_book_get(user=user, pk=book_pk)
    _require_task_force(request, book)
    form = AccountabilityForm(
        request.POST or None,
        units=target_unit_options(user=user, book=book),
        chains=target_chain_options(user=user, book=book),
        tasks=supervision_task_list(user=user, book=book),
        initial={"task": _int(request.GET.get("task"))},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        task = data["task"]
        try:
            services.accountability_record_create(
                actor=user,
                book=book,
                kind=data["kind"],
                reason=data["reason"],
                decided_on=data["decided_on"],
                unit=data["unit"],
                chain=data["chain"],
                task=task,
                target=task.target if task is not None else None,
                decided_by=data["decided_by"],
            )
        except ApplicationError as error:
            _error(form, error)
        else:
            messages.success(request, _("Record added."))
            return redirect(f"{reverse('targets:supervision')}?book={book.pk}#records")
    return render(request, "targets/accountability_form.html", {"form": form, "book": book})
