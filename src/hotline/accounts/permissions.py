"""Who may do what: roles per action, and the departments a user's work is limited to."""

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext_lazy

from hotline.accounts.models import CITYWIDE_ROLES, User
from hotline.core.enums import Role
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
    # A reply sent back to its lead to answer again (退回重答): those who review replies' quality.
    "return_reply": frozenset({Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN}),
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
    # Reply templates (答复模板, knowledge.templates): a unit head keeps their own unit's (and those of
    # the units under it), supervisors and admins the city's (any unit's, and those for every unit).
    "manage_reply_templates": frozenset({Role.HEAD, Role.SUPERVISOR, Role.ADMIN}),
    # An answered suggestion published on 百问百答 (feedback.publication), its citizen's words
    # written anew by the editor: those who review the knowledge base's public answers.
    "publish_suggestion": frozenset({Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN}),
    # The city's figures: the leaders' overview, the rankings (红黑榜), the reports and the API's
    # rankings (analytics.api).
    "view_figures": frozenset({Role.LEADER, Role.SUPERVISOR, Role.ADMIN}),
    # A unit's own figures (its reports, kept and asked for, and the tickets behind them): its head.
    "view_unit_figures": frozenset({Role.HEAD}),
    # A kept report made again (its files replaced, the remaking logged): who keeps the figures.
    "remake_report": frozenset({Role.SUPERVISOR, Role.ADMIN}),
    # A message to a citizen that failed for good (告知失败) sent again, e.g. after the gateway was fixed.
    "resend_citizen_message": frozenset({Role.OPERATOR, Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN}),
    # The staff's reading of tickets and supervisions through the API (every appellant, the timeline,
    # the units' notes, the callbacks). A grid worker follows their own reports on /grid/reports/,
    # as their citizens' progress page shows it, and reads nothing of the staff's.
    "read_tickets": frozenset(Role) - {Role.GRID},
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
    "read_tickets": gettext_noop(
        "角色“%(role)s”不能通过接口查看工单，请在“我的上报”（/grid/reports/）查看自己上报的进度"
    ),
}


# Every action by name, as its button says it and as refusals and pages name it: a verb in English
# ("Suspend"). The timeline names what was done with `EventType`'s labels, mostly the same Chinese
# words read as a noun or a past event (挂起 "Suspension"): the context keeps the two apart.
ACTION_NAMES: dict[str, Promise] = {
    "receive": pgettext_lazy("button", "受理"),
    "grid_report": pgettext_lazy("button", "网格上报"),
    "dispatch": pgettext_lazy("button", "派单"),
    "accept": pgettext_lazy("button", "签收"),
    "return": pgettext_lazy("button", "退单"),
    "review_return": pgettext_lazy("button", "退单审核"),
    "recall": pgettext_lazy("button", "撤回派单"),
    "answer": pgettext_lazy("button", "协办反馈"),
    "reply": pgettext_lazy("button", "答复"),
    "return_reply": pgettext_lazy("button", "退回重答"),
    "answer_on_spot": pgettext_lazy("button", "直接答复"),
    "request_invalidation": pgettext_lazy("button", "无效诉求申请"),
    "confirm_invalidation": pgettext_lazy("button", "无效诉求确认"),
    "callback": pgettext_lazy("button", "回访"),
    "callback_attempt": pgettext_lazy("button", "记录回访未接通"),
    "close": pgettext_lazy("button", "办结"),
    "merge": pgettext_lazy("button", "合并"),
    "unmerge": pgettext_lazy("button", "撤销合并"),
    "link": pgettext_lazy("button", "关联工单"),
    "unlink": pgettext_lazy("button", "取消关联"),
    "suspend": pgettext_lazy("button", "挂起"),
    "progress": pgettext_lazy("button", "办理进展"),
    "resume": pgettext_lazy("button", "恢复计时"),
    "request_extension": pgettext_lazy("button", "延期申请"),
    "review_extension": pgettext_lazy("button", "延期审批"),
    "supervise": pgettext_lazy("button", "督办"),
    "resolve_supervision": pgettext_lazy("button", "督办办结"),
    "decide_warning": pgettext_lazy("button", "处置预警"),
    "review_repetition": pgettext_lazy("button", "重复诉求审核"),
    "review_reply": pgettext_lazy("button", "复核答复质量"),
    "edit_article": pgettext_lazy("button", "编辑知识库文章"),
    "review_article": pgettext_lazy("button", "审核知识库文章"),
    "mark_case": pgettext_lazy("button", "标记典型案例"),
    "manage_reply_templates": pgettext_lazy("button", "管理答复模板"),
    "publish_suggestion": pgettext_lazy("button", "公开建议答复"),
    "view_figures": pgettext_lazy("button", "查看考核数据"),
    "view_unit_figures": pgettext_lazy("button", "查看本单位考核数据"),
    "remake_report": pgettext_lazy("button", "重新生成报告"),
    "resend_citizen_message": pgettext_lazy("button", "重发告知"),
    "read_tickets": pgettext_lazy("button", "查看工单"),
}
assert set(ACTION_NAMES) == set(ACTION_ROLES)


def action_label(action: str) -> str:
    """The action `action` (a key of `ACTION_ROLES`) in words, as its button says it."""
    return str(ACTION_NAMES[action]) if action in ACTION_NAMES else action


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
