"""Staff pages: the landing page, the mail outbox, accounts and roles, and the audit log."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core import audit, audit_actions, mail
from core.accounts import services as accounts
from core.accounts.access import roles_required
from core.accounts.forms import RoleForm
from core.accounts.models import ROLE_LABELS, Role, User
from core.db import get_session
from core.forms import choices
from core.i18n import current_language
from core.pagination import Page, requested_page
from core.reference.countries import country_choices
from core.staff import tasks

bp = Blueprint("staff", __name__, url_prefix="/staff")


@bp.route("/")
@roles_required(Role.SECRETARIAT)
def home():
    """The staff landing page: what needs doing, counted by each domain (core.staff.tasks)."""
    return render_template("staff/home.html", tasks=tasks.collect(get_session()))


@bp.route("/outbox")
@roles_required(Role.SECRETARIAT)
def outbox():
    if current_app.config["MAIL_BACKEND"] != "outbox":
        abort(404)
    to = request.args.get("to", "").strip()
    number = requested_page()
    rows, total = mail.list_outbox(get_session(), to=to or None, page=number)
    return render_template("staff/outbox.html", page=Page(rows, total, number, 50), to=to)


@bp.route("/outbox/<int:message_id>")
@roles_required(Role.SECRETARIAT)
def outbox_message(message_id: int):
    if current_app.config["MAIL_BACKEND"] != "outbox":
        abort(404)
    message = get_session().get(mail.OutboxMessage, message_id) or abort(404)
    return render_template("staff/outbox_message.html", message=message)


@bp.route("/users")
@roles_required(Role.ADMIN)
def users():
    query = request.args.get("q", "").strip()
    role = request.args.get("role", "")
    number = requested_page()
    rows, total = accounts.list_users(get_session(), query=query, role=role, page=number)
    return render_template(
        "staff/users.html", page=Page(rows, total, number, 50), q=query, role=role, role_labels=ROLE_LABELS
    )


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def user_role(user_id: int):
    session = get_session()
    user = session.get(User, user_id) or abort(404)
    form = RoleForm(obj=user)
    form.country.choices = choices([("", "—"), *country_choices(session, current_language())])
    if request.method == "GET":
        form.country.data = user.focal_country or ""
    if form.validate_on_submit():
        if user.id == current_user.id and form.role.data != Role.ADMIN:
            form.role.errors.append(_("You cannot remove your own administrator role."))
        else:
            try:
                accounts.set_role(
                    session=session,
                    user=user,
                    role=form.role.data,
                    country=form.country.data or None,
                    actor_id=current_user.id,
                    ip=request.remote_addr,
                )
            except accounts.AccountError as error:
                form.country.errors.append(str(error))
            else:
                flash(_("The role of %(email)s is saved.", email=user.email), "success")
                return redirect(url_for("staff.users"))
    return render_template("staff/user_role.html", form=form, user=user)


@bp.route("/audit")
@roles_required(Role.SECRETARIAT)
def audit_log():
    action = request.args.get("action", "")
    number = requested_page()
    session = get_session()
    rows, total = audit.list_events(session, action=action or None, page=number)
    actors = accounts.actor_emails(session, {row.actor_id for row in rows if row.actor_id})
    return render_template(
        "staff/audit.html",
        page=Page(rows, total, number, 50),
        action=action,
        actions=sorted(
            ((code, audit_actions.describe(code)) for code in audit.distinct_actions(session)), key=lambda a: a[1]
        ),
        actors=actors,
        describe=audit_actions.describe,
        humanise=audit_actions.humanise,
        show_value=audit_actions.show_value,
    )
