"""Who may do what: roles per action, and the departments a user's work is limited to."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hotline.accounts.models import CITYWIDE_ROLES, User
from hotline.core.enums import EventType, Role
from hotline.core.errors import Forbidden

_DEPT_ROLES = frozenset({Role.HANDLER, Role.HEAD})
_SUPERVISION_ROLES = frozenset({Role.SUPERVISOR, Role.LEADER, Role.ADMIN})
# Who puts tickets together (合并, 关联) and takes them apart again: those who take the calls, dispatch
# them and supervise them.
_MERGE_ROLES = frozenset({Role.OPERATOR, Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN})

# Which roles may call each ticket action. Department roles are further limited to their own
# assignments by the action itself.
ACTION_ROLES: dict[str, frozenset[str]] = {
    "receive": frozenset({Role.OPERATOR, Role.DISPATCHER, Role.ADMIN}),
    # A grid worker's report from patrol (网格员上报, /grid/report/): channel grid, their community.
    "grid_report": frozenset({Role.GRID}),
    "dispatch": frozenset({Role.DISPATCHER, Role.ADMIN}),
    "accept": _DEPT_ROLES,
    "return": _DEPT_ROLES,
    "review_return": frozenset({Role.DISPATCHER, Role.ADMIN}),
    # Dispatch takes back a ticket it sent to the wrong unit before that unit signed for it.
    "recall": frozenset({Role.DISPATCHER, Role.ADMIN}),
    "answer": _DEPT_ROLES,
    "reply": _DEPT_ROLES,
    "answer_on_spot": frozenset({Role.OPERATOR, Role.DISPATCHER, Role.ADMIN}),
    "request_invalidation": frozenset({Role.OPERATOR, Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN}),
    "confirm_invalidation": frozenset({Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN}),
    "callback": frozenset({Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN}),
    # The citizen could not be reached: recorded by whoever makes the callbacks.
    "callback_attempt": frozenset({Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN}),
    "close": frozenset({Role.OPERATOR, Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN}),
    "merge": _MERGE_ROLES,
    "unmerge": _MERGE_ROLES,
    "link": _MERGE_ROLES,
    "unlink": _MERGE_ROLES,
    "suspend": _DEPT_ROLES,
    # What a unit did or learnt on the way (visits, the citizen called, waiting for a third party).
    "progress": _DEPT_ROLES,
    # Dispatch and supervisors may restart a clock that a department left stopped.
    "resume": _DEPT_ROLES | {Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN},
    "request_extension": _DEPT_ROLES,
    "review_extension": frozenset({Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN}),
    # Supervision by hand (督办, 催办, 挂牌, 提级) and closing it; the sweep opens them by rule.
    "supervise": _SUPERVISION_ROLES,
    "resolve_supervision": _SUPERVISION_ROLES,
    # An early warning (analytics.early_warning) confirmed, or dismissed as a false alarm.
    "decide_warning": frozenset({Role.SUPERVISOR, Role.ADMIN}),
    # A repetition flagged by the counters (supervision.repetition) read by a person: reasonable, or
    # possibly unreasonable (never rejected by the system itself).
    "review_repetition": frozenset({Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN}),
    # A reply the quality check flagged (答复质量存疑) read by a person (do_review_reply_check).
    "review_reply": frozenset({Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN}),
    # The knowledge base (knowledge.actions): articles written by their owner department or the
    # call centre, reviewed and published by the call centre's dispatchers, supervisors and admins.
    "edit_article": frozenset({Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN, Role.HANDLER, Role.HEAD}),
    "review_article": frozenset({Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN}),
    # A closed ticket marked as a typical case (典型案例) for the case library.
    "mark_case": frozenset({Role.DISPATCHER, Role.SUPERVISOR, Role.LEADER, Role.ADMIN}),
    # The city's figures: the leaders' overview, the rankings (红黑榜), the reports and the API's
    # rankings (analytics.api).
    "view_figures": frozenset({Role.LEADER, Role.SUPERVISOR, Role.ADMIN}),
    # A message to a citizen that failed for good (告知失败) sent again, e.g. after the gateway was fixed.
    "resend_citizen_message": frozenset({Role.OPERATOR, Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN}),
}

# Roles that see citizens' full phone numbers on a ticket page (they call the citizen back).
PHONE_ROLES = frozenset(
    {Role.OPERATOR, Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN, Role.HANDLER, Role.HEAD}
)


# Refusals that name what is refused in words rather than by the action's name.
_REFUSED_AS: dict[str, str] = {
    "supervise": gettext_noop("角色“%(role)s”不能督办"),
    "resolve_supervision": gettext_noop("角色“%(role)s”不能督办"),
    "view_figures": gettext_noop("角色“%(role)s”不能查看考核数据"),
}


# The actions a refusal names otherwise than their `EventType` label (or that have none).
_ACTION_NAMES: dict[str, str] = {
    "callback_attempt": gettext_noop("记录回访未接通"),
    "decide_warning": gettext_noop("处置预警"),
    "edit_article": gettext_noop("编辑知识库文章"),
    "grid_report": gettext_noop("网格上报"),
    "mark_case": gettext_noop("标记典型案例"),
    "resend_citizen_message": gettext_noop("重发告知"),
    "review_article": gettext_noop("审核知识库文章"),
    "review_reply": gettext_noop("复核答复质量"),
    "view_figures": gettext_noop("查看考核数据"),
}


def action_label(action: str) -> str:
    """The action `action` (a key of `ACTION_ROLES`) in words, as refusals name it to people."""
    if action in _ACTION_NAMES:
        return _(_ACTION_NAMES[action])
    try:
        return str(EventType(action).label)
    except ValueError:
        return action


def require_role(actor: User, action: str) -> None:
    if not actor.is_active:
        raise Forbidden(_("该账号已停用"))
    if actor.role not in ACTION_ROLES[action]:
        message = _(_REFUSED_AS[action]) if action in _REFUSED_AS else _("角色“%(role)s”不能%(action)s")
        raise Forbidden(message % {"role": actor.get_role_display(), "action": action_label(action)})


def department_scope(user: User) -> set[int] | None:
    """The department ids whose tickets the user works on; None means the whole city.

    A head's scope walks the department tree; a page asks it once per ticket it shows, so the
    answer is kept on the user object (one per request) for as long as role and department stay.
    """
    # By role alone: a superuser who works as a department handler acts for that department.
    if user.role in CITYWIDE_ROLES:
        return None
    if user.department_id is None:
        return set()
    if user.role != Role.HEAD:
        return {user.department_id}
    key = (user.role, user.department_id)
    kept = user.__dict__.get("_hotline_scope")
    if kept is None or kept[0] != key:
        assert user.department is not None
        kept = (key, frozenset(user.department.descendant_ids()))
        user.__dict__["_hotline_scope"] = kept
    return set(kept[1])
