"""Every status, kind and role of the domain, in one place, stored as their values."""

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    PHONE = "phone", _("电话")
    WEB = "web", _("网站")
    APP = "app", _("移动应用")
    WECHAT = "wechat", _("微信")
    MAILBOX = "mailbox", _("信箱")
    GRID = "grid", _("网格员")
    OPEN311 = "open311", _("Open311")
    IMPORT = "import", _("导入")
    LEADER_MAILBOX = "leader_mailbox", _("领导信箱")
    MEDIA = "media", _("媒体")
    DEPUTIES = "deputies", _("代表委员建议")


# The channels an operator takes a contact on at the desk: a call, a letter to the mailbox or the
# leader's mailbox, a journalist's report. The others arrive through a system (the portal, the apps,
# WeChat, Open311, grid workers, an import) and never by hand.
DESK_CHANNELS = (Channel.PHONE, Channel.MAILBOX, Channel.LEADER_MAILBOX, Channel.MEDIA)


class Kind(models.TextChoices):
    COMPLAINT = "complaint", _("投诉")
    HELP = "help", _("求助")
    CONSULTATION = "consultation", _("咨询")
    SUGGESTION = "suggestion", _("建议")
    REPORT = "report", _("举报")
    PRAISE = "praise", _("表扬")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")


class TicketStatus(models.TextChoices):
    NEW = "new", _("待派单")
    DISPATCHED = "dispatched", _("已派单")
    ACCEPTED = "accepted", _("办理中")
    RETURNED = "returned", _("退单待审")
    REPLIED = "replied", _("已答复")
    REOPENED = "reopened", _("重办")
    ANSWERED = "answered", _("直接答复")
    CLOSED = "closed", _("已办结")
    MERGED = "merged", _("已合并")
    INVALID = "invalid", _("无效诉求")


# A ticket in one of these states needs no more work from anyone.
TERMINAL_STATUSES = frozenset({TicketStatus.CLOSED, TicketStatus.MERGED, TicketStatus.INVALID})

# A duplicate joins a ticket (合并) only while that ticket's answer is still to come: its appellants
# then get the reply and the callback with the others. A ticket already answered, or done, is
# linked to instead (关联): the new appeal is handled, answered and called back on its own.
NOT_MERGEABLE_INTO = TERMINAL_STATUSES | {TicketStatus.REPLIED, TicketStatus.ANSWERED}


class EventType(models.TextChoices):
    """What one line of a ticket's timeline records (`TicketEvent.action`); written only through
    the functions of `tickets.events`, one per type."""

    RECEIVE = "receive", _("受理")
    ROUTE = "route", _("智能分拨")
    ROUTE_FAILED = "route_failed", _("智能分拨失败")
    DISPATCH = "dispatch", _("派单")
    ACCEPT = "accept", _("签收")
    RETURN = "return", _("退单")
    REVIEW_RETURN = "review_return", _("退单审核")
    PROGRESS = "progress", _("办理进展")
    RECALL = "recall", _("撤回派单")
    ANSWER = "answer", _("协办反馈")
    REPLY = "reply", _("答复")
    RETURN_REPLY = "return_reply", _("退回重答")
    ANSWER_ON_SPOT = "answer_on_spot", _("直接答复")
    REQUEST_INVALIDATION = "request_invalidation", _("无效诉求申请")
    CONFIRM_INVALIDATION = "confirm_invalidation", _("无效诉求确认")
    CALLBACK = "callback", _("回访")
    CALLBACK_ATTEMPT = "callback_attempt", _("回访未接通")
    CLOSE = "close", _("办结")
    MERGE = "merge", _("合并")
    UNMERGE = "unmerge", _("撤销合并")
    LINK = "link", _("关联工单")
    UNLINK = "unlink", _("取消关联")
    SUSPEND = "suspend", _("挂起")
    RESUME = "resume", _("恢复计时")
    REQUEST_EXTENSION = "request_extension", _("延期申请")
    REVIEW_EXTENSION = "review_extension", _("延期审批")
    SUPERVISE = "supervise", _("督办")
    RESOLVE_SUPERVISION = "resolve_supervision", _("督办办结")
    REVIEW_REPETITION = "review_repetition", _("重复诉求审核")


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("主办")
    CO = "co", _("协办")


class AssignmentStatus(models.TextChoices):
    PENDING = "pending", _("待签收")
    ACCEPTED = "accepted", _("已签收")
    RETURNED = "returned", _("已退单")
    ANSWERED = "answered", _("已反馈")
    WITHDRAWN = "withdrawn", _("已撤回")


# Assignments in these states still owe the ticket something.
OPEN_ASSIGNMENT_STATUSES = frozenset(
    {AssignmentStatus.PENDING, AssignmentStatus.ACCEPTED, AssignmentStatus.RETURNED}
)


class SuspensionReason(models.TextChoices):
    CITIZEN_UNREACHABLE = "citizen_unreachable", _("无法联系诉求人")
    AWAITING_MATERIAL = "awaiting_material", _("待诉求人补充材料")
    THIRD_PARTY = "third_party", _("待第三方鉴定、检测或答复")
    OTHER = "other", _("其他")


class DelayCause(models.TextChoices):
    """Whom the time lost to an upheld return (退单) is counted against."""

    DEPARTMENT = "department", _("承办单位")
    DISPATCH = "dispatch", _("派单错误")


class DaySource(models.TextChoices):
    """Why the work calendar says a day is (or is not) a working day."""

    OVERRIDE = "override", _("日历例外")
    STATUTORY = "statutory", _("法定节假日或调休")
    WEEKDAY = "weekday", _("周一至周五上班")
    ASSUMED = "assumed", _("年度安排未知，按周末规则推定")


class Resolution(models.TextChoices):
    RESOLVED = "resolved", _("已解决")
    PARTLY = "partly", _("部分解决")
    UNRESOLVED = "unresolved", _("未解决")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class Role(models.TextChoices):
    OPERATOR = "operator", _("受理员")
    DISPATCHER = "dispatcher", _("派单员")
    HANDLER = "handler", _("承办人")
    HEAD = "head", _("单位负责人")
    SUPERVISOR = "supervisor", _("督办员")
    LEADER = "leader", _("领导")
    ADMIN = "admin", _("管理员")
    # Reports what they find on patrol in their community's grid (/grid/report/), nothing else.
    GRID = "grid", _("网格员")


class DepartmentLevel(models.TextChoices):
    CITY = "city", _("市级")
    DISTRICT = "district", _("区县")
    STREET = "street", _("街道乡镇")
    COMMUNITY = "community", _("社区网格")


class SupervisionKind(models.TextChoices):
    REMINDER = "reminder", _("催办")
    ORDER = "order", _("督办")
    LISTING = "listing", _("挂牌督办")
    ELEVATION = "elevation", _("提级办理")


# The escalation ladder, lowest first: a later step outranks the ones before it.
ESCALATION_LADDER: tuple[SupervisionKind, ...] = (
    SupervisionKind.REMINDER,
    SupervisionKind.ORDER,
    SupervisionKind.LISTING,
    SupervisionKind.ELEVATION,
)


class RepetitionKind(models.TextChoices):
    """What a repetition counter counts the appeals of (supervision.repetition)."""

    CITIZEN = "citizen", _("同一诉求人")
    PLACE = "place", _("同一地点")
    ISSUE = "issue", _("同一问题")


class RepetitionOutcome(models.TextChoices):
    """A person's reading of a flagged repetition; nothing is rejected without one."""

    REASONABLE = "reasonable", _("合理诉求（问题未解决）")
    UNREASONABLE = "unreasonable", _("不合理重复诉求")
    UNRELATED = "unrelated", _("不是同一问题")
    OTHER_PLACE = "other_place", _("不是同一地点")


class SupervisionReason(models.TextChoices):
    OVERDUE = "overdue", _("超期未办结")
    # An urgent ticket not signed (its first response) within its natural minutes: a 催办.
    RESPONSE_OVERDUE = "response_overdue", _("首次响应超时")
    # What repeated (supervision.repetition): one problem, one address, or one citizen whose
    # repetition a person found reasonable.
    REPEATED = "repeated", _("同一问题重复反映")
    REPEATED_PLACE = "repeated_place", _("同一地址重复反映")
    REPEATED_CITIZEN = "repeated_citizen", _("同一市民重复反映")
    RETURNED = "returned", _("多次退单")
    MANUAL = "manual", _("人工督办")


class NotificationReason(models.TextChoices):
    SIGN_OVERDUE = "sign_overdue", _("签收超时")
    RESPONSE_OVERDUE = "response_overdue", _("首次响应超时")
    DUE_SOON = "due_soon", _("临近办理时限")
    DAILY = "daily", _("每日待办提醒")
    SUPERVISION = "supervision", _("督办通知")
    SUPERVISION_RESOLVED = "supervision_resolved", _("督办办结")
    EARLY_WARNING = "early_warning", _("预警")
    REPORT = "report", _("报告已生成")
    # A return reviewed, a request for more time decided, a reply sent back: told to the unit.
    DECISION = "decision", _("审核结果")
    OTHER = "other", _("其他")


class NotificationChannel(models.TextChoices):
    INBOX = "inbox", _("站内信")
    EMAIL = "email", _("电子邮件")
    WEBHOOK = "webhook", _("Webhook")
    NULL = "null", _("空通道")


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("待发送")
    DELIVERED = "delivered", _("已送达")
    FAILED = "failed", _("发送失败")


class AreaRole(models.TextChoices):
    """What a responsibility rule gives the ticket's own area (属地): nothing, the lead, or a co-part."""

    NONE = "none", _("不参与")
    LEAD = "lead", _("属地主办")
    CO = "co", _("属地协办")


class RoutingMode(models.TextChoices):
    """What the routing decided at intake: dispatched by itself, or left to a dispatcher."""

    AUTO = "auto", _("自动派单")
    QUEUE = "queue", _("人工派单")


class SuggestionSource(models.TextChoices):
    """Where a dispatch suggestion comes from."""

    RULE = "rule", _("权责清单")
    HISTORY = "history", _("历史派单")
    MODEL = "model", _("承办单位模型")


class LabelSource(models.TextChoices):
    """How a person's decision became a training label."""

    DISPATCH_CORRECTION = "dispatch_correction", _("派单纠正")
    CATEGORY_CHANGE = "category_change", _("分类修改")
    UPHELD_RETURN = "upheld_return", _("退单成立")


class FigureDimension(models.TextChoices):
    """The slices the daily figures are kept in (analytics)."""

    CITY = "city", _("全市")
    AREA = "area", _("属地")
    CATEGORY = "category", _("一级分类")
    DEPARTMENT = "department", _("主办单位")


class ExportStatus(models.TextChoices):
    """The course of an export built by the worker (web.models.Export)."""

    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class ReportKind(models.TextChoices):
    """The periods of the reports (analytics.reports)."""

    DAILY = "daily", _("日报")
    WEEKLY = "weekly", _("周报")
    MONTHLY = "monthly", _("月报")
    QUARTERLY = "quarterly", _("季报")


class WarningKind(models.TextChoices):
    """What raised an early warning (analytics.early_warning)."""

    SPIKE = "spike", _("诉求突增")
    HOTSPOT = "hotspot", _("热点快速增长")


class WarningStatus(models.TextChoices):
    OPEN = "open", _("待研判")
    CONFIRMED = "confirmed", _("已确认")
    DISMISSED = "dismissed", _("误报")


class RankingSpan(models.TextChoices):
    """The periods the rankings (红黑榜) are read over (analytics.rankings)."""

    MONTH = "month", _("月度")
    QUARTER = "quarter", _("季度")
    YEAR = "year", pgettext_lazy("ranking period", "年度")


class ReportScope(models.TextChoices):
    """Whom a kept report is about (analytics.scopes): the city, one district (with the streets and
    communities under it) or one department (the tickets it leads)."""

    CITY = "city", _("全市")
    DISTRICT = "district", _("区县")
    DEPARTMENT = "department", _("承办单位")


class ArticleStatus(models.TextChoices):
    """Where a knowledge-base article (知识库) stands: proposed from an answered consultation,
    drafted, waiting for review, published (operators and the public see it), or retired."""

    PROPOSED = "proposed", _("候选")
    DRAFT = "draft", _("草稿")
    REVIEW = "review", _("待审核")
    PUBLISHED = "published", _("已发布")
    RETIRED = "retired", _("已停用")


class ArticleAction(models.TextChoices):
    """What a line of the knowledge base's log (`knowledge.ArticleEvent`) records."""

    PROPOSE = "propose", _("由咨询生成候选")
    CREATE = "create", _("新建")
    EDIT = "edit", _("修改")
    SUBMIT = "submit", _("送审")
    APPROVE = "approve", _("审核通过")
    RETURN = "return", _("退回修改")
    RETIRE = "retire", _("停用")
    USE = "use", _("用于直接答复")


class CitizenMessageKind(models.TextChoices):
    """What a message to a citizen (告知, `citizen_messages`) tells: the appeal was accepted (受理告知:
    the ticket number and how to follow it), the ticket was sent to its lead department (转办告知:
    which unit, and by when an answer is due), the lead's deadline was extended (延期告知: the new
    date, which replaces the one the dispatch told), or the ticket's reply (答复告知)."""

    ACCEPTED = "accepted", _("受理告知")
    DISPATCHED = "dispatched", _("转办告知")
    EXTENDED = "extended", _("延期告知")
    REPLIED = "replied", _("答复告知")


class CitizenMedium(models.TextChoices):
    """How a message reaches a citizen: by the appellant's own channel, mail for a letter writer."""

    EMAIL = "email", _("电子邮件")
    SMS = "sms", _("短信")


class CitizenMessageState(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("失败")
    # Not sent, and never to be: its appellant left the ticket it tells about (un-merge).
    CANCELLED = "cancelled", _("已取消")


class CitizenMessageAction(models.TextChoices):
    """What a line of a citizen message's log (`citizen_messages.CitizenMessageLog`) records."""

    SENT = "sent", _("发送成功")
    RETRY = "retry", _("发送失败，稍后重试")
    FAILED = "failed", _("发送失败，不再重试")
    RESEND = "resend", _("人工重发")
    CANCEL = "cancel", _("取消发送")


def one_of(choices: Iterable[models.Choices]) -> str:
    """The values a choice allows, each with its name as people read it ("reminder（催办）、
    order（督办）"): what a refusal of a value outside them lists, so that a page's reader learns
    what the codes mean and an API's client what to send."""
    # Translators: one allowed value with its name, in a list of them.
    named = (gettext("%(value)s（%(label)s）") % {"value": c.value, "label": c.label} for c in choices)
    # Translators: the separator between names in a list (an enumeration comma in Chinese).
    return gettext("、").join(named)
