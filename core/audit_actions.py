"""Readable, translated descriptions of the audit log's action codes.

Every code passed to ``core.audit.record`` has a description here, including the known expansions of the codes
built at run time (``account.{reason}``, ``organisation.{status}``, ``{record_type}.created``, ``impacts.{decision}``).
A code missing from the table is shown as it is.
"""

from flask_babel import lazy_gettext as _l

ACTIONS = {
    "account.created": _l("Account created by an administrator"),
    "account.deleted": _l("Account deleted by its owner"),
    "account.email_verified": _l("Email address verified"),
    "account.logout": _l("Signed out of all sessions"),
    "account.password_changed": _l("Password changed"),
    "account.password_reset": _l("Password reset"),
    "account.password_reset_requested": _l("Password reset requested"),
    "account.register_existing": _l("Registration attempted with an existing address"),
    "account.registered": _l("Account registered"),
    "account.role_changed": _l("Role changed"),
    "api.refused": _l("API request refused"),
    "api.request": _l("API request"),
    "api_token.created": _l("API token created"),
    "api_token.revoked": _l("API token revoked"),
    "activity.created": _l("Activity created"),
    "activity.edited": _l("Activity edited"),
    "barrier_actions.created": _l("Barrier action created"),
    "barrier_actions.edited": _l("Barrier action edited"),
    "calls.created": _l("Call for input created"),
    "calls.edited": _l("Call for input edited"),
    "concerns.created": _l("Concern created"),
    "concerns.edited": _l("Concern edited"),
    "demo.seeded": _l("Demonstration data loaded"),
    "engagement.import": _l("Engagement records imported"),
    "evidence.created": _l("Evidence created"),
    "evidence.edited": _l("Evidence edited"),
    "exports.anonymised_release": _l("Anonymised release built"),
    "exports.release_download": _l("Anonymised release downloaded"),
    "focal_point.assigned": _l("Focal point assigned"),
    "focal_point.assignment_ended": _l("Focal point assignment ended"),
    "focal_point.digest_opt_in": _l("Focal point subscribed to the digest"),
    "focal_point.digest_opt_out": _l("Focal point unsubscribed from the digest"),
    "focal_point.roster_download": _l("Focal point roster downloaded"),
    "focal_point.tables_download": _l("Focal point tables downloaded"),
    "impacts.created": _l("Impact record created"),
    "impacts.edited": _l("Impact record edited"),
    "impacts.pending": _l("Impact record returned to pending"),
    "impacts.published": _l("Impact record published"),
    "impacts.rejected": _l("Impact record rejected"),
    "impacts.submitted": _l("Impact record submitted"),
    "instrument.translations_merged": _l("Survey instrument translations merged"),
    "instrument.renamed": _l("Survey instrument renamed"),
    "instrument.version_created": _l("Survey instrument version created"),
    "jobs.cancel": _l("Background job cancelled"),
    "jobs.enqueue": _l("Background job started"),
    "jobs.finish": _l("Background job finished"),
    "jobs.result_download": _l("Background job result downloaded"),
    "jobs.retry": _l("Background job retried"),
    "login.failed": _l("Sign-in failed"),
    "login.succeeded": _l("Signed in"),
    "login.throttled": _l("Sign-in blocked after too many attempts"),
    "organisation.approved": _l("Organisation approved"),
    "organisation.merged": _l("Organisations merged"),
    "organisation.rejected": _l("Organisation rejected"),
    "organisation.saved": _l("Organisation saved"),
    "participation.added": _l("Participation added"),
    "participation.removed": _l("Participation removed"),
    "participation.updated": _l("Participation updated"),
    "registry.export": _l("Registry exported"),
    "registry.import": _l("Registry imported"),
    "stakeholder.activated": _l("Stakeholder activated"),
    "stakeholder.deactivated": _l("Stakeholder deactivated"),
    "stakeholder.edited": _l("Stakeholder edited"),
    "stakeholder.merged": _l("Stakeholders merged"),
    "survey.concordance_delete": _l("Concordance entry removed"),
    "survey.concordance_save": _l("Concordance entry saved"),
    "survey.invitations_send": _l("Survey invitations sent"),
    "survey.open_link_activate": _l("Open survey link activated"),
    "survey.open_link_create": _l("Open survey link created"),
    "survey.open_link_deactivate": _l("Open survey link deactivated"),
    "survey.open_link_rename": _l("Open survey link renamed"),
    "survey.opt_out": _l("Opted out of surveys"),
    "survey.reminder_cancel": _l("Survey reminder cancelled"),
    "survey.reminder_schedule": _l("Survey reminder scheduled"),
    "survey.wave_close": _l("Survey wave closed"),
    "survey.wave_create": _l("Survey wave created"),
    "survey.wave_publish": _l("Survey wave published"),
    "survey.wave_record_past": _l("Past survey wave recorded"),
    "survey.wave_update": _l("Survey wave updated"),
}


def describe(code: str) -> str:
    """The translated description of an action code, or the code itself when it is not known."""
    description = ACTIONS.get(code)
    return str(description) if description is not None else code


def humanise(key: str) -> str:
    """A details key as a label: ``file_name`` becomes ``File name``."""
    words = key.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def show_value(value: object) -> str:
    """A details value as text: nested mappings as ``Key: value`` pairs, lists joined, nothing as a dash."""
    if value is None or value == "":
        return "—"
    if isinstance(value, dict):
        return "; ".join(f"{humanise(str(key))}: {show_value(item)}" for key, item in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(show_value(item) for item in value)
    return str(value)
