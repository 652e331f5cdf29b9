"""The view kit: service errors on forms and as messages, ServiceFormView and ActionView."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.test import RequestFactory
from django.views.generic import TemplateView

from core.views import ActionView, ServiceFormView, add_service_errors, flash_errors


class NameForm(forms.Form):
    name = forms.CharField(max_length=5)
    note = forms.CharField(required=False)


def post(data=None, method="post"):
    request = getattr(RequestFactory(), method)("/somewhere/", data or {})
    request._messages = CookieStorage(request)
    return request


def texts(request) -> list[str]:
    return [str(message) for message in get_messages(request)]


# --- add_service_errors, flash_errors -------------------------------------------------------------


def test_add_service_errors_puts_a_named_field_error_on_that_field():
    form = NameForm({"name": "Aiko"})
    form.is_valid()
    add_service_errors(form, ValidationError({"name": "Taken.", "slug": "Clashes."}))
    assert form.errors["name"] == ["Taken."]
    assert form.non_field_errors() == ["Clashes."]


def test_add_service_errors_puts_an_unnamed_error_on_the_field_asked_for():
    form = NameForm({"name": "Aiko"})
    form.is_valid()
    add_service_errors(form, ValidationError(["Too big.", "Not an image."]), field="note")
    assert form.errors["note"] == ["Too big.", "Not an image."]
    assert not form.non_field_errors()


def test_add_service_errors_without_a_field_puts_the_error_on_the_form():
    form = NameForm({"name": "Aiko"})
    form.is_valid()
    add_service_errors(form, ValidationError("Closed today."))
    assert form.non_field_errors() == ["Closed today."]


def test_flash_errors_shows_each_message_of_an_error_or_an_invalid_form():
    request = post()
    flash_errors(request, ValidationError(["One.", "Two."]))
    form = NameForm({"name": "far too long"})
    form.is_valid()
    flash_errors(request, form)
    assert texts(request) == ["One.", "Two.", "Ensure this value has at most 5 characters (it has 12)."]


# --- ServiceFormView ------------------------------------------------------------------------------


class GreetView(ServiceFormView):
    form_class = NameForm
    success_url = "/done/"
    success_message = "Hello %(name)s."
    template_name = "nothing.html"

    def perform(self, form):
        if form.cleaned_data["name"] == "taken":
            raise ValidationError({"name": "That name is taken."})
        if form.cleaned_data["name"] == "shut":
            raise ValidationError("Closed.", code="closed")
        return form.cleaned_data["name"].upper()

    def form_invalid(self, form):
        self.invalid_form = form
        return HttpResponse(status=200)


def test_service_form_view_calls_the_service_then_flashes_and_redirects():
    request = post({"name": "Aiko"})
    view = GreetView()
    view.setup(request)
    response = view.dispatch(request)
    assert response.status_code == 302 and response.url == "/done/"
    assert view.result == "AIKO"
    assert texts(request) == ["Hello Aiko."]


def test_service_form_view_shows_a_service_error_on_the_form():
    request = post({"name": "taken"})
    view = GreetView()
    view.setup(request)
    response = view.dispatch(request)
    assert response.status_code == 200
    assert view.invalid_form.errors["name"] == ["That name is taken."]
    assert texts(request) == []


def test_service_form_view_puts_unnamed_errors_on_its_error_field():
    class NotedView(GreetView):
        error_field = "note"

    request = post({"name": "shut"})
    view = NotedView()
    view.setup(request)
    view.dispatch(request)
    assert view.invalid_form.errors["note"] == ["Closed."]


def test_service_form_view_lets_a_subclass_answer_a_failure_itself():
    class StatusView(GreetView):
        def service_failed(self, form, error):
            return HttpResponse(status=429 if error.code == "closed" else 400)

    request = post({"name": "shut"})
    view = StatusView()
    view.setup(request)
    assert view.dispatch(request).status_code == 429


# --- ActionView -----------------------------------------------------------------------------------


class ShelfView(ActionView):
    def get_redirect_url(self):
        return "/shelf/"

    def action_dust(self, request, *args, **kwargs):
        self.dusted = kwargs

    def action_sell(self, request, *args, **kwargs):
        raise ValidationError(["Sold out.", "Come back tomorrow."])

    def action_show(self, request, *args, **kwargs):
        return HttpResponse("shown", status=202)


def dispatch(view_class, data, method="post", **kwargs):
    request = post(data, method)
    view = view_class()
    view.setup(request, **kwargs)
    return view, request, view.dispatch(request, **kwargs)


def test_action_view_dispatches_the_posted_action_to_its_method():
    view, request, response = dispatch(ShelfView, {"action": "dust"}, pk=3)
    assert view.dusted == {"pk": 3}
    assert response.status_code == 302 and response.url == "/shelf/"
    assert texts(request) == []


def test_action_view_passes_a_methods_own_response_through():
    _view, _request, response = dispatch(ShelfView, {"action": "show"})
    assert response.status_code == 202


def test_action_view_shows_a_validation_error_as_messages():
    _view, request, response = dispatch(ShelfView, {"action": "sell"})
    assert response.status_code == 302
    assert texts(request) == ["Sold out.", "Come back tomorrow."]


@pytest.mark.parametrize("action", ["", "burn", "failed", "dust now", "__class__", "redirect_url"])
def test_action_view_refuses_an_unknown_action_with_a_message(action):
    _view, request, response = dispatch(ShelfView, {"action": action})
    assert response.status_code == 302 and response.url == "/shelf/"
    assert texts(request) == ["Unknown action."]


def test_action_view_dispatches_only_the_listed_actions_when_it_lists_them():
    class ListedView(ShelfView):
        actions = ("sell",)

    _view, request, _response = dispatch(ListedView, {"action": "dust"})
    assert texts(request) == ["Unknown action."]


def test_action_view_reads_the_field_it_is_told_to():
    class DecisionView(ShelfView):
        action_field = "decision"

    view, _request, _response = dispatch(DecisionView, {"decision": "dust", "action": "sell"})
    assert view.dusted == {}


def test_action_view_lets_a_subclass_answer_a_failure_itself():
    class StrictView(ShelfView):
        def action_failed(self, error):
            return HttpResponse(status=404)

    _view, _request, response = dispatch(StrictView, {"action": "sell"})
    assert response.status_code == 404


def test_action_view_alone_refuses_a_get():
    _view, _request, response = dispatch(ShelfView, {}, method="get")
    assert response.status_code == 405


def test_action_view_mixed_into_a_page_answers_its_get():
    class PageView(ShelfView, TemplateView):
        def get(self, request, *args, **kwargs):
            return HttpResponse("page")

    _view, _request, response = dispatch(PageView, {}, method="get")
    assert response.status_code == 200
