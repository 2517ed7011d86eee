"""Pages of the practice marketplace. Thin: parse, call a service or a
selector, render. A shop the user may not see is "not found"."""

from __future__ import annotations

import uuid
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from content_authoring.uploads import UploadTooLarge, check_uploads, limited_upload_view
from ecommerce_training import exports, orders
from ecommerce_training import selectors_marketplace as selectors
from ecommerce_training import services_marketplace as services
from ecommerce_training.checker import check_message
from ecommerce_training.forms_marketplace import (
    CommentForm,
    ListingForm,
    OrderStepForm,
    SendOrdersForm,
    ShopForm,
)
from ecommerce_training.models import Listing, ListingPhoto, Shop, Workshop
from lms.forms import form_errors_apply
from lms.models import User


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _shop_or_404(request: HttpRequest, shop_id: int) -> Shop:
    shop = selectors.shop_get(user=_user(request), shop_id=shop_id)
    if shop is None:
        raise Http404(_("This shop does not exist."))
    return shop


def _own_shop(request: HttpRequest, shop_id: int) -> Shop:
    shop = _shop_or_404(request, shop_id)
    if shop.owner_id != request.user.pk:
        raise PermissionDenied(_("Only the shop's owner changes it."))
    return shop


def _listing_or_404(request: HttpRequest, listing_id: int) -> Listing:
    listing = selectors.listing_get(user=_user(request), listing_id=listing_id)
    if listing is None:
        raise Http404(_("This listing does not exist."))
    return listing


# --- shops -------------------------------------------------------------------------


@login_required
def shop_home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    mine = selectors.shops_for_user(user=user)
    opened = {s.workshop_id for s in mine}
    can_open = [
        w
        for w in selectors.participant_workshops(user=user)
        if w.pk not in opened and user.is_learner
    ]
    course_shop = (
        user.is_learner
        and None not in opened
        and selectors.participant_in_ecommerce_course(user=user)
    )
    coached = selectors.shops_coached(user=user)
    workshops: dict[int, Workshop] = {}
    for shop in coached:
        if shop.workshop_id and shop.workshop_id not in workshops:
            assert shop.workshop is not None
            if selectors.workshop_can_send_orders(user=user, workshop=shop.workshop):
                workshops[shop.workshop_id] = shop.workshop
    return render(
        request,
        "ecommerce_training/shop/home.html",
        {
            "mine": mine,
            "can_open": can_open,
            "course_shop": course_shop,
            "coached": coached,
            "send_workshops": list(workshops.values()),
            "send_form": SendOrdersForm(),
        },
    )


@login_required
def shop_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    raw = request.POST.get("workshop") or request.GET.get("workshop") or ""
    workshop = None
    if raw:
        workshop = next(
            (w for w in selectors.participant_workshops(user=user) if str(w.pk) == raw),
            None,
        )
        if workshop is None:
            raise PermissionDenied(
                _("Register for this workshop (and get a seat) to open a shop in it.")
            )
    form = ShopForm(request.POST or None, initial={"phone": user.phone})
    if request.method == "POST" and form.is_valid():
        try:
            shop = services.shop_create(
                actor=user, workshop=workshop, **form.cleaned_data
            )
        except ValidationError as exc:
            form_errors_apply(form, exc)
        else:
            messages.success(request, _("Your shop is open. Add your first product."))
            return redirect("ecommerce:shop_detail", shop_id=shop.pk)
    elif (
        request.method == "GET"
        and workshop is None
        and not selectors.participant_in_ecommerce_course(user=user)
    ):
        # Refuse early, before someone fills in the form for nothing.
        raise PermissionDenied(
            _("Register for a workshop or enrol in an e-commerce course first.")
        )
    return render(
        request,
        "ecommerce_training/shop/shop_form.html",
        {"form": form, "workshop": workshop, "shop": None},
    )


@login_required
def shop_edit(request: HttpRequest, shop_id: int) -> HttpResponse:
    shop = _own_shop(request, shop_id)
    initial = {
        "name": shop.name,
        "story": shop.story,
        "commune": shop.commune_id,
        "address": shop.address,
        "phone": shop.phone,
    }
    form = ShopForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.shop_update(actor=_user(request), shop=shop, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_apply(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("ecommerce:shop_detail", shop_id=shop.pk)
    return render(
        request,
        "ecommerce_training/shop/shop_form.html",
        {"form": form, "workshop": shop.workshop, "shop": shop},
    )


@login_required
def shop_detail(request: HttpRequest, shop_id: int) -> HttpResponse:
    shop = _shop_or_404(request, shop_id)
    user = _user(request)
    return render(
        request,
        "ecommerce_training/shop/shop_detail.html",
        {
            "shop": shop,
            "is_owner": shop.owner_id == user.pk,
            "can_coach": selectors.shop_can_coach(user=user, shop=shop),
            "listings": selectors.shop_listings(shop=shop),
            "orders": selectors.shop_orders(shop=shop),
            "send_form": SendOrdersForm(),
        },
    )


@login_required
def shop_export(request: HttpRequest, shop_id: int) -> HttpResponse:
    shop = _shop_or_404(request, shop_id)
    data = exports.shop_listings_csv(
        shop=shop, base_url=request.build_absolute_uri("/")
    )
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="shop-{shop.pk}.csv"'
    return response


# --- listings ----------------------------------------------------------------------


def _listing_data(form: ListingForm) -> dict:
    data = dict(form.cleaned_data)
    data["stock"] = data.get("stock") or 0
    return data


@login_required
def listing_create(request: HttpRequest, shop_id: int) -> HttpResponse:
    shop = _own_shop(request, shop_id)
    form = ListingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            listing = services.listing_create(
                actor=_user(request), shop=shop, **_listing_data(form)
            )
        except ValidationError as exc:
            form_errors_apply(form, exc)
        else:
            messages.success(
                request,
                _("Saved. Score: %(score)s/100. Now add photos.")
                % {"score": listing.score},
            )
            return redirect("ecommerce:listing_detail", listing_id=listing.pk)
    return render(
        request,
        "ecommerce_training/shop/listing_form.html",
        {"form": form, "shop": shop, "listing": None},
    )


@login_required
def listing_edit(request: HttpRequest, listing_id: int) -> HttpResponse:
    listing = _listing_or_404(request, listing_id)
    shop = _own_shop(request, listing.shop_id)
    form = ListingForm(request.POST or None, initial=ListingForm.initial_for(listing))
    if request.method == "POST" and form.is_valid():
        try:
            listing = services.listing_update(
                actor=_user(request), listing=listing, **_listing_data(form)
            )
        except ValidationError as exc:
            form_errors_apply(form, exc)
        else:
            messages.success(
                request, _("Saved. Score: %(score)s/100.") % {"score": listing.score}
            )
            return redirect("ecommerce:listing_detail", listing_id=listing.pk)
    return render(
        request,
        "ecommerce_training/shop/listing_form.html",
        {"form": form, "shop": shop, "listing": listing},
    )


@login_required
def listing_detail(request: HttpRequest, listing_id: int) -> HttpResponse:
    listing = _listing_or_404(request, listing_id)
    user = _user(request)
    checks = [
        {**check, "message": check_message(check)} for check in listing.checks or []
    ]
    checks.sort(key=lambda c: (c["ok"], c["points"] - c["max"]))
    return render(
        request,
        "ecommerce_training/shop/listing_detail.html",
        {
            "listing": listing,
            "shop": listing.shop,
            "checks": checks,
            "photos": list(listing.photos.all()),
            "comments": list(listing.comments.all()),
            "is_owner": listing.shop.owner_id == user.pk,
            "can_coach": selectors.shop_can_coach(user=user, shop=listing.shop),
            "comment_form": CommentForm(),
            "max_photos": services.PHOTOS_PER_LISTING,
            "max_mb": services.PHOTO_MAX_BYTES // (1024 * 1024),
        },
    )


def _photos_upload_limit() -> int:
    return services.PHOTOS_PER_LISTING * services.PHOTO_MAX_BYTES


@require_POST
@limited_upload_view(_photos_upload_limit)
@login_required
def listing_photos_upload(request: HttpRequest, listing_id: int) -> HttpResponse:
    listing = _listing_or_404(request, listing_id)
    _own_shop(request, listing.shop_id)
    try:
        check_uploads(request)
        uploads = request.FILES.getlist("photos")
        services.listing_photos_add(
            actor=_user(request), listing=listing, uploads=uploads
        )
    except UploadTooLarge as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        messages.error(request, _("No photo was added."))
    else:
        listing.refresh_from_db()
        messages.success(
            request,
            _("Photos added. Score: %(score)s/100.") % {"score": listing.score},
        )
    return redirect("ecommerce:listing_detail", listing_id=listing.pk)


@login_required
@require_POST
def listing_photo_delete(request: HttpRequest, photo_id: int) -> HttpResponse:
    photo = get_object_or_404(
        ListingPhoto.objects.select_related("listing"), pk=photo_id
    )
    listing = _listing_or_404(request, photo.listing_id)
    _own_shop(request, listing.shop_id)
    services.listing_photo_delete(actor=_user(request), photo=photo)
    messages.success(request, _("Photo removed."))
    return redirect("ecommerce:listing_detail", listing_id=listing.pk)


@login_required
@require_POST
def listing_comment(request: HttpRequest, listing_id: int) -> HttpResponse:
    listing = _listing_or_404(request, listing_id)
    form = CommentForm(request.POST)
    if not selectors.shop_can_coach(user=_user(request), shop=listing.shop):
        raise PermissionDenied(
            _("Only the workshop's trainers and organisers comment on listings.")
        )
    if form.is_valid():
        try:
            services.listing_comment_add(
                actor=_user(request), listing=listing, body=form.cleaned_data["body"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Comment saved."))
    else:
        messages.error(request, _("Write a comment first."))
    return redirect("ecommerce:listing_detail", listing_id=listing.pk)


# --- orders ------------------------------------------------------------------------


def _send_result(request: HttpRequest, result: orders.SendResult) -> None:
    if result.orders:
        n = len(result.orders)
        messages.success(
            request,
            ngettext("%(n)s order sent.", "%(n)s orders sent.", n) % {"n": n},
        )
    if result.skipped:
        messages.error(
            request,
            _("Nothing in stock, so no orders for: %(shops)s.")
            % {"shops": ", ".join(result.skipped)},
        )


@login_required
@require_POST
def orders_send_shop(request: HttpRequest, shop_id: int) -> HttpResponse:
    shop = _shop_or_404(request, shop_id)
    form = SendOrdersForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Send from 1 to 10 orders at a time."))
    else:
        try:
            result = orders.orders_send_to_shop(
                actor=_user(request), shop=shop, count=form.cleaned_data["count"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            _send_result(request, result)
    return redirect("ecommerce:shop_detail", shop_id=shop.pk)


@login_required
@require_POST
def orders_send_workshop(request: HttpRequest, workshop_id: int) -> HttpResponse:
    workshop = get_object_or_404(Workshop, pk=workshop_id)
    form = SendOrdersForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Send from 1 to 10 orders at a time."))
    else:
        try:
            result = orders.orders_send_to_workshop(
                actor=_user(request),
                workshop=workshop,
                count=form.cleaned_data["count"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            _send_result(request, result)
    return redirect("ecommerce:shop_home")


@login_required
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    order = selectors.order_get(user=_user(request), order_id=order_id)
    if order is None:
        raise Http404(_("This order does not exist."))
    is_owner = order.listing.shop.owner_id == request.user.pk
    status = 200
    if request.method == "POST":
        if not is_owner:
            raise PermissionDenied(_("Only the shop's owner handles its orders."))
        form = OrderStepForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                recorded = orders.order_step_record(
                    actor=_user(request),
                    order=order,
                    step=data["step"],
                    submission_id=data["submission_id"],
                    answer=data.get("answer") or "",
                    accept=data.get("accept"),
                )
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
                status = 400
            else:
                if recorded.created:
                    messages.success(
                        request,
                        _("Done in %(s)s seconds: %(p)s points.")
                        % {"s": recorded.step.seconds, "p": recorded.step.points},
                    )
                return redirect("ecommerce:order_detail", order_id=order.pk)
        else:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, str(error))
            status = 400
        order = selectors.order_get(user=_user(request), order_id=order_id)
        assert order is not None
    expected = orders.next_step(order)
    return render(
        request,
        "ecommerce_training/shop/order_detail.html",
        {
            "order": order,
            "shop": order.listing.shop,
            "is_owner": is_owner,
            "steps": list(order.steps.all()),
            "next_step": expected,
            "next_label": _(orders.STEP_NAMES[expected]) if expected else "",
            "needs_text": expected in orders.TEXT_STEPS,
            "is_return": expected == orders.Status.RETURN_HANDLED,
            "submission_id": uuid.uuid4(),
            "answer": request.POST.get("answer", "") if status == 400 else "",
        },
        status=status,
    )
