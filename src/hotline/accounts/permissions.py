"""Who may do what: roles per action, and the departments a user's work is limited to."""

from django.utils.translation import gettext as _

from hotline.accounts.models import CITYWIDE_ROLES, User
from hotline.core.enums import Role
from hotline.core.errors import Forbidden

_DEPT_ROLES = frozenset({Role.HANDLER, Role.HEAD})
_SUPERVISION_ROLES = frozenset({Role.SUPERVISOR, Role.LEADER, Role.ADMIN})

# Which roles may call each ticket action. Department roles are further limited to their own
# assignments by the action itself.
ACTION_ROLES: dict[str, frozenset[str]] = {
    "receive": frozenset({Role.OPERATOR, Role.DISPATCHER, Role.ADMIN}),
    "dispatch": frozenset({Role.DISPATCHER, Role.ADMIN}),
    "accept": _DEPT_ROLES,
    "return": _DEPT_ROLES,
    "review_return": frozenset({Role.DISPATCHER, Role.ADMIN}),
    "answer": _DEPT_ROLES,
    "reply": _DEPT_ROLES,
    "answer_on_spot": frozenset({Role.OPERATOR, Role.DISPATCHER, Role.ADMIN}),
    "request_invalidation": frozenset({Role.OPERATOR, Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN}),
    "confirm_invalidation": frozenset({Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN}),
    "callback": frozenset({Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN}),
    "close": frozenset({Role.OPERATOR, Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN}),
    "merge": frozenset({Role.OPERATOR, Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN}),
    "suspend": _DEPT_ROLES,
    # Dispatch and supervisors may restart a clock that a department left stopped.
    "resume": _DEPT_ROLES | {Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN},
    "request_extension": _DEPT_ROLES,
    "review_extension": frozenset({Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN}),
    # Supervision by hand (督办, 催办, 挂牌, 提级) and closing it; the sweep opens them by rule.
    "supervise": _SUPERVISION_ROLES,
    "resolve_supervision": _SUPERVISION_ROLES,
}

# Roles that see citizens' full phone numbers on a ticket page (they call the citizen back).
PHONE_ROLES = frozenset(
    {Role.OPERATOR, Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN, Role.HANDLER, Role.HEAD}
)


def require_role(actor: User, action: str) -> None:
    if not actor.is_active:
        raise Forbidden(_("该账号已停用"))
    if actor.role not in ACTION_ROLES[action]:
        raise Forbidden(
            _("角色“%(role)s”不能执行操作“%(action)s”") % {"role": actor.get_role_display(), "action": action}
        )


def department_scope(user: User) -> set[int] | None:
    """The department ids whose tickets the user works on; None means the whole city."""
    # By role alone: a superuser who works as a department handler acts for that department.
    if user.role in CITYWIDE_ROLES:
        return None
    if user.department is None:
        return set()
    if user.role == Role.HEAD:
        return user.department.descendant_ids()
    return {user.department.pk}
