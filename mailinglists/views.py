from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Customer
from mailinglists import services
from mailinglists.forms import UnsubscribeForm
from mailinglists.models import MailingList, Post, Subscription, SubscriptionEvent
from mailinglists.tokens import subscription_from_token
from mandrakeonline.ratelimit import rate_limit

Source = SubscriptionEvent.Source

MASK = "•••••"


def masked_email(email: str) -> str:
    """alice@example.com -> a•••••@e•••••.com: enough for a person to recognise their
    address, too little for whoever sees the page over their shoulder (or a forwarded link)."""
    local, _at, domain = email.rpartition("@")
    host, dot, top_level = domain.rpartition(".")
    if not dot:
        host, top_level = domain, ""
    return f"{local[:1]}{MASK}@{host[:1]}{MASK}{dot}{top_level}"


@login_required
def my_lists(request):
    memberships = MailingList.objects.memberships_of(request.user)
    return render(
        request,
        "mailinglists/my_lists.html",
        {"memberships": memberships, "receiving_any": any(membership.is_receiving for membership in memberships)},
    )


@login_required
@require_POST
def join(request, slug):
    mailing_list = get_object_or_404(MailingList.objects.joinable_by(request.user), slug=slug)
    try:
        services.subscription_join(customer=request.user, mailing_list=mailing_list, actor=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            _("You joined %(list)s. A welcome message is on its way to %(email)s.")
            % {"list": mailing_list.name, "email": request.user.email},
        )
    return redirect("mailinglists:my_lists")


@login_required
@require_POST
def leave(request, slug):
    subscription = get_object_or_404(
        Subscription.objects.for_customer(request.user).select_related("mailing_list"), mailing_list__slug=slug
    )
    services.subscription_unsubscribe(subscription=subscription, source=Source.ACCOUNT, actor=request.user)
    messages.success(request, _("You left %(list)s.") % {"list": subscription.mailing_list.name})
    return redirect("mailinglists:my_lists")


@login_required
@require_POST
def leave_all(request):
    left = services.subscription_unsubscribe_many(
        subscriptions=Subscription.objects.for_customer(request.user), source=Source.ACCOUNT, actor=request.user
    )
    messages.success(request, _leave_all_message(left))
    return redirect("mailinglists:my_lists")


@login_required
def history(request, slug):
    subscription = get_object_or_404(
        Subscription.objects.for_customer(request.user).select_related("mailing_list"), mailing_list__slug=slug
    )
    return render(
        request,
        "mailinglists/history.html",
        {"subscription": subscription, "events": subscription.events.all()},
    )


ARCHIVE_PAGE_SIZE = 25


def _membership(request, slug) -> Subscription:
    """The logged-in customer's membership of the list: only members read its archive, and
    for everyone else the list's archive does not exist (404)."""
    return get_object_or_404(
        Subscription.objects.for_customer(request.user).receiving().select_related("mailing_list"),
        mailing_list__slug=slug,
    )


@login_required
def archive(request, slug):
    mailing_list = _membership(request, slug).mailing_list
    posts = Post.objects.archived().filter(mailing_list=mailing_list).order_by("-decided_at", "-pk")
    page = Paginator(posts, ARCHIVE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "mailinglists/archive.html", {"mailing_list": mailing_list, "page": page})


@login_required
def archive_post(request, slug, pk):
    mailing_list = _membership(request, slug).mailing_list
    post = get_object_or_404(Post.objects.archived().filter(mailing_list=mailing_list), pk=pk)
    return render(request, "mailinglists/archive_post.html", {"mailing_list": mailing_list, "post": post})


def _leave_all_message(left: int) -> str:
    if not left:
        return _("You were not on any list.")
    return _("You left all your lists.")


def _invalid_link(request):
    return render(request, "mailinglists/unsubscribe_invalid.html", status=404)


# csrf_exempt, because RFC 8058 mail programs POST "List-Unsubscribe=One-Click" here
# without cookies or a CSRF token, and must get a 200. That is safe: CSRF protects authority
# carried by cookies, and this view gives none to cookies. Its only authority is the secret
# token in the URL, which a forging site cannot know, and each action it allows is harmless
# to repeat.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@rate_limit("unsubscribe", limit=60, window_seconds=60)
def unsubscribe(request, token):
    subscription = subscription_from_token(token)
    if subscription is None:
        return _invalid_link(request)
    # The person following the link may be logged in as the subscriber; otherwise the link acted.
    actor = request.user if request.user.is_authenticated and request.user.pk == subscription.customer_id else None

    if request.method == "POST" and request.POST.get("List-Unsubscribe") == "One-Click":
        services.subscription_unsubscribe(subscription=subscription, source=Source.ONE_CLICK, actor=actor)
        # RFC 8058: answer the mail program directly, never with a redirect.
        return HttpResponse(
            _("You are unsubscribed from %(list)s.") % {"list": subscription.mailing_list.name},
            content_type="text/plain; charset=utf-8",
        )

    form = UnsubscribeForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        messages.success(request, _act_on_link(form.cleaned_data["action"], subscription, actor))
        return redirect("mailinglists:unsubscribe", token=token)
    return render(
        request,
        "mailinglists/unsubscribe.html",
        {
            "subscription": subscription,
            "mailing_list": subscription.mailing_list,
            "masked_email": masked_email(subscription.customer.email),
            "form": form,
            "other_lists": Subscription.objects.for_customer(subscription.customer)
            .receiving()
            .exclude(pk=subscription.pk)
            .exists(),
        },
        status=400 if form.is_bound else 200,
    )


def _act_on_link(action: str, subscription: Subscription, actor: Customer | None) -> str:
    name = subscription.mailing_list.name
    if action == UnsubscribeForm.RESUBSCRIBE:
        services.subscription_resubscribe(subscription=subscription, source=Source.LINK, actor=actor)
        return _("You are subscribed to %(list)s again.") % {"list": name}
    if action == UnsubscribeForm.LEAVE_ALL:
        left = services.subscription_unsubscribe_many(
            subscriptions=Subscription.objects.for_customer(subscription.customer), source=Source.LINK, actor=actor
        )
        return _leave_all_message(left)
    services.subscription_unsubscribe(subscription=subscription, source=Source.LINK, actor=actor)
    return _("You are unsubscribed from %(list)s.") % {"list": name}
