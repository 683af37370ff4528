"""The anonymised release as a background job: the export page queues it, a worker builds the release (or
finds it stored) and the job's result is the zip.

The release is stored in one transaction at the end of the build (exports.service), so a worker stopped
or killed on the way stores nothing, and a retry builds it again. Asking again for the same parameters
returns the stored release, byte for byte.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.jobs import kinds
from core.jobs.context import JobContext
from exports import service
from exports.params import ReleaseParams

RELEASE_KIND = "exports.anonymised_release"
ZIP_MIMETYPE = "application/zip"

STEP_MESSAGES = {
    "read": _l("The responses are read."),
    "anonymised": _l("The responses are anonymised."),
    "written": _l("The data file, codebook and disclosure report are written."),
}


def run_release(context: JobContext) -> dict:
    params = ReleaseParams(**context.params)
    total = len(service.BUILD_STEPS) + 1
    steps = {name: number for number, name in enumerate(service.BUILD_STEPS, start=1)}
    context.progress(0, total)

    def on_step(name: str) -> None:
        context.progress(steps[name], total, str(STEP_MESSAGES[name]))

    try:
        release = service.export_release(
            context.session, params, actor_id=context.owner_id, via=f"job:{context.job_id}", on_step=on_step
        )
    except service.ExportError as error:
        raise kinds.JobFailed(str(error)) from error
    return context.save_result(release.filename, release.content, ZIP_MIMETYPE)


kinds.register(RELEASE_KIND, title=_l("Anonymised release"), run=run_release)
