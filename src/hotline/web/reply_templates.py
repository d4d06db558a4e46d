"""The reply templates (答复模板) a unit keeps, on the staff pages: list, create, edit, retire.

GET  /reply-templates/[?retired=1]      the templates the user keeps (active, or retired)
GET  /reply-templates/new/, POST        a new template; "预览" shows it filled for the chosen unit; the
                                        form sent twice makes one (`web.forms.made_once`)
GET  /reply-templates/<id>/, POST       one template, edited the same way
POST /reply-templates/<id>/retire/      retire it (handlers are no longer offered it)
POST /reply-templates/<id>/restore/     take it back

For unit heads (their unit's and those of the units under it) and supervisors and admins (the
city's: any unit's and those for every unit), `ACTION_ROLES["manage_reply_templates"]`; the rules
are `knowledge.templates`'. The form lists the placeholders with what each is filled with, and the
preview fills them as a handler of the chosen unit would get them (its name, its phone from the
directory) with made-up facts of a ticket, naming the blanks (【…】) the handler will write.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hotline.accounts.models import User
from hotline.core.errors import HotlineError
from hotline.feedback.quality import unfilled
from hotline.knowledge.models import ReplyTemplate
from hotline.knowledge.templates import (
    MAX_NAME,
    MAX_TEXT,
    PLACEHOLDER_LIST,
    TemplateData,
    do_save_template,
    do_set_template_active,
    example,
    manageable,
    may_be_for_every_unit,
    template_of,
    units_for,
    unknown_placeholders,
)
from hotline.taxonomy.selectors import active_categories
from hotline.web.actions import refusal_page
from hotline.web.department_choices import department_groups
from hotline.web.dispatch import paginate, staff_view
from hotline.web.forms import SENT_BEFORE, PlainTextForm, SentOnce, made_once, new_token
from hotline.web.wording import shown


class TemplateForm(SentOnce, PlainTextForm):
    """A template as written; a new one's form is taken once (`SentOnce`)."""

    name = forms.CharField(label=gettext_lazy("名称"), max_length=MAX_NAME)
    category_id = forms.TypedChoiceField(
        label=gettext_lazy("适用分类"), required=False, coerce=int, empty_value=None
    )
    department_id = forms.TypedChoiceField(
        label=gettext_lazy("适用单位"), required=False, coerce=int, empty_value=None
    )
    text = forms.CharField(
        label=gettext_lazy("模板内容"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 10, "cols": 70, "aria-describedby": "placeholders-title"}),
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category_field: Any = self.fields["category_id"]
        category_field.choices = [("", _("全部分类")), *((c.pk, str(c)) for c in active_categories())]
        # By name, grouped by level, as every department select (web.department_choices).
        units = [
            (group.label, [(o.pk, o.label) for o in group.options])
            for group in department_groups(units_for(user).select_related("parent"))
        ]
        department_field: Any = self.fields["department_id"]
        if may_be_for_every_unit(user):
            department_field.choices = [("", _("全市通用（所有单位）")), *units]
        else:
            department_field.required = True
            department_field.choices = units


def _initial(template: ReplyTemplate | None, user: User) -> dict[str, Any]:
    if template is None:
        return {
            "department_id": user.department_id if not may_be_for_every_unit(user) else None,
            "token": new_token(),
        }
    return {
        "name": template.name,
        "category_id": template.category_id,
        "department_id": template.department_id,
        "text": template.text,
    }


def _preview(form: TemplateForm, user: User) -> dict[str, Any] | None:
    """The text as a handler of the chosen unit would get it, what they will have to write, and
    the braces that name no placeholder; None until there is a text."""
    text = form.data.get("text", "").strip() if form.is_bound else ""
    if not text:
        return None
    chosen = form.data.get("department_id") or ""
    unit = units_for(user).filter(pk=int(chosen)).first() if chosen.isdigit() else None
    return {"text": example(text, unit), "blanks": unfilled(text), "unknown": unknown_placeholders(text)}


def _form_page(
    request: HttpRequest, user: User, form: TemplateForm, template: ReplyTemplate | None, **extra: Any
) -> HttpResponse:
    status = extra.pop("status", 200)
    context = {
        "form": form,
        "template": template,
        "placeholders": [(p.tag, _(p.meaning)) for p in PLACEHOLDER_LIST],
        "preview": _preview(form, user),
        **extra,
    }
    return render(request, "web/reply_template_form.html", context, status=status)


def _edit(request: HttpRequest, user: User, template: ReplyTemplate | None) -> HttpResponse:
    if request.method != "POST":
        return _form_page(request, user, TemplateForm(user, initial=_initial(template, user)), template)
    form = TemplateForm(user, request.POST)
    if "preview" in request.POST or not form.is_valid():
        return _form_page(request, user, form, template, status=200 if "preview" in request.POST else 422)
    fields = dict(form.cleaned_data)
    token = fields.pop("token")
    try:
        if template is None:
            saved, made = made_once(
                user, token, ReplyTemplate, lambda: do_save_template(user, TemplateData(**fields))
            )
        else:
            saved, made = do_save_template(user, TemplateData(**fields), template.pk), True
    except HotlineError as error:
        return _form_page(request, user, form, template, error=shown(error), status=error.status_code)
    if not made:  # the form sent twice: the template its first sending made
        messages.info(request, SENT_BEFORE)
        return HttpResponseRedirect(reverse("reply_template", args=[saved.pk]))
    messages.success(request, _("答复模板“%(name)s”已保存") % {"name": saved.name})
    return HttpResponseRedirect(reverse("reply_templates_list"))


@staff_view("manage_reply_templates", require_GET)
def template_list(request: HttpRequest, user: User) -> HttpResponse:
    retired = request.GET.get("retired") == "1"
    found = (
        manageable(user).filter(is_active=not retired).order_by("department__code", "category__code", "name")
    )
    return render(request, "web/reply_templates.html", {**paginate(request, found), "retired": retired})


@staff_view("manage_reply_templates", require_http_methods(["GET", "POST"]))
def template_new(request: HttpRequest, user: User) -> HttpResponse:
    return _edit(request, user, None)


@staff_view("manage_reply_templates", require_http_methods(["GET", "POST"]))
def template_edit(request: HttpRequest, user: User, template_id: int) -> HttpResponse:
    try:
        template = template_of(user, template_id)
    except HotlineError as error:
        return refusal_page(request, shown(error), error.status_code, reverse("reply_templates_list"))
    return _edit(request, user, template)


def _set_active(request: HttpRequest, user: User, template_id: int, *, active: bool) -> HttpResponse:
    back = reverse("reply_templates_list")
    try:
        template = do_set_template_active(user, template_id, active=active)
    except HotlineError as error:
        return refusal_page(request, shown(error), error.status_code, back)
    done = _("答复模板“%(name)s”已启用") if active else _("答复模板“%(name)s”已停用")
    messages.success(request, done % {"name": template.name})
    # Back to the list the button was on: the active ones after retiring, the retired after restoring.
    return HttpResponseRedirect(back + ("?retired=1" if active else ""))


@staff_view("manage_reply_templates", require_POST)
def template_retire(request: HttpRequest, user: User, template_id: int) -> HttpResponse:
    return _set_active(request, user, template_id, active=False)


@staff_view("manage_reply_templates", require_POST)
def template_restore(request: HttpRequest, user: User, template_id: int) -> HttpResponse:
    return _set_active(request, user, template_id, active=True)
