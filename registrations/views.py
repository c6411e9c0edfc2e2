import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from registrations import forms, services
from registrations.models import Disclosure, Product, Registration, RegistrationEvent, serial_taken_error

RECENT_EVENTS = 20


def _posted(request):
    # Not `request.POST or None`: an empty POST must still be a submitted form.
    return request.POST if request.method == "POST" else None


def _own_registration(request, pk: int, *related: str) -> Registration:
    """The logged-in customer's registration, or a 404 whoever else's it is."""
    registrations = Registration.objects.for_customer(request.user).select_related("product", *related)
    return get_object_or_404(registrations, pk=pk)


@login_required
def registration_list(request):
    registrations = Registration.objects.for_customer(request.user).select_related("product")
    events = (
        RegistrationEvent.objects.for_customer(request.user)
        .select_related("product")
        .order_by("-created_at", "-pk")[:RECENT_EVENTS]
    )
    return render(
        request,
        "registrations/list.html",
        {
            "registrations": registrations,
            "events": [(event, event.actor_description(request.user)) for event in events],
        },
    )


@login_required
def registration_create(request):
    form = forms.RegistrationForm(_posted(request), instance=Registration(customer=request.user))
    if request.method == "POST" and form.is_valid():
        details = {name: form.cleaned_data[name] for name in forms.REGISTRATION_FIELDS}
        try:
            registration = services.registration_create(customer=request.user, details=details, actor=request.user)
        except services.SerialAlreadyRegistered:
            form.add_error("serial", serial_taken_error())
        else:
            messages.success(
                request,
                _("%(product)s is registered. Describe your computer now, so that support can help you faster.")
                % {"product": registration.product},
            )
            return redirect("registrations:configuration", pk=registration.pk)
    return render(
        request,
        "registrations/registration_form.html",
        {"form": form, "products": Product.objects.open_for_registration()},
    )


@login_required
def registration_detail(request, pk: int):
    registration = _own_registration(request, pk, "configuration")
    disclosures = (
        Disclosure.objects.for_customer(request.user).filter(registration=registration).select_related("partner")
    )
    events = (
        RegistrationEvent.objects.for_customer(request.user)
        .filter(registration=registration)
        .order_by("-created_at", "-pk")
    )
    return render(
        request,
        "registrations/detail.html",
        {
            "registration": registration,
            "configuration": registration.configuration_or_none(),
            "disclosures": disclosures,
            "events": [(event, event.actor_description(request.user)) for event in events[:RECENT_EVENTS]],
        },
    )


@login_required
def registration_edit(request, pk: int):
    registration = _own_registration(request, pk)
    # The form validates a copy: the service compares its values with the saved ones.
    form = forms.RegistrationForm(_posted(request), instance=copy.copy(registration))
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in forms.REGISTRATION_FIELDS}
        try:
            services.registration_update(registration=registration, changes=changes, actor=request.user)
        except services.SerialAlreadyRegistered:
            form.add_error("serial", serial_taken_error())
        else:
            messages.success(request, _("Your registration is saved."))
            return redirect("registrations:detail", pk=registration.pk)
    return render(
        request,
        "registrations/registration_form.html",
        {"form": form, "registration": registration, "products": Product.objects.open_for_registration()},
    )


@login_required
def configuration_edit(request, pk: int):
    registration = _own_registration(request, pk, "configuration")
    configuration = registration.configuration_or_none()
    instance = copy.copy(configuration) if configuration else None
    form = forms.ConfigurationForm(_posted(request), instance=instance)
    if request.method == "POST" and form.is_valid():
        services.configuration_save(registration=registration, values=form.values(), actor=request.user)
        messages.success(request, _("The configuration of your computer is saved."))
        return redirect("registrations:detail", pk=registration.pk)
    return render(request, "registrations/configuration_form.html", {"form": form, "registration": registration})


@login_required
def registration_delete(request, pk: int):
    registration = _own_registration(request, pk)
    if request.method == "POST":
        services.registration_delete(registration=registration, actor=request.user)
        messages.success(request, _("The registration of %(product)s is deleted.") % {"product": registration.product})
        return redirect("registrations:list")
    has_disclosures = Disclosure.objects.for_customer(request.user).filter(registration=registration).exists()
    return render(
        request,
        "registrations/confirm_delete.html",
        {"registration": registration, "has_disclosures": has_disclosures},
    )
