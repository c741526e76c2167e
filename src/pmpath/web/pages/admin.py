"""The administration page: where a site admin finds every admin task, each with what it is
for. The tasks themselves live with their areas (users in pages/author.py, LMS platforms in
pages/lti.py, grades in pages/lti_grades.py, badges in pages/badges.py, xAPI in pages/xapi.py).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from pmpath.web.deps import Admin
from pmpath.web.pages.render import page

router = APIRouter()

#: (address, title, what it is for), in the order an admin setting pmpath up needs them.
ADMIN_TASKS = [
    (
        "/admin/users",
        "Users and roles",
        "Everyone with an account: make someone an author or an admin, give a learner extra "
        "time in exams.",
    ),
    (
        "/admin/lti",
        "LMS platforms (LTI 1.3)",
        "Register Moodle, Canvas, Brightspace or Open edX so courses can open pmpath's exams, "
        "practice and self-assessment; the addresses to paste into the LMS; the tool's keys.",
    ),
    (
        "/admin/lti/grades",
        "Grades sent to LMSs",
        "Scores on their way to course gradebooks, the ones that failed and why, and each "
        "course's grades as a spreadsheet when passback is not possible.",
    ),
    (
        "/admin/badges",
        "Badges (Open Badges 3.0)",
        "Every badge pmpath has issued for a passed exam or a placement, and revoking one "
        "with a reason.",
    ),
    (
        "/admin/xapi",
        "Learning record store (xAPI)",
        "Send attempts, answers, self-assessments and placements to your LRS: its address "
        "and key, what is waiting, what failed, and sending now.",
    ),
]


@router.get("/admin", response_class=HTMLResponse)
def administration(request: Request, me: Admin) -> Response:
    return page(request, "admin.html", {"tasks": ADMIN_TASKS})
