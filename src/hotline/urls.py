from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from hotline.api import api
from hotline.open311.api import api as open311_api
from hotline.web import actions as web_actions
from hotline.web import callbacks as web_callbacks
from hotline.web import cases as web_cases
from hotline.web import console as web_console
from hotline.web import dispatch as web_dispatch
from hotline.web import exports as web_exports
from hotline.web import grid as web_grid
from hotline.web import health as web_health
from hotline.web import hotspots as web_hotspots
from hotline.web import inbox as web_inbox
from hotline.web import kept_reports as web_kept_reports
from hotline.web import knowledge as web_knowledge
from hotline.web import login as web_login
from hotline.web import notifications as web_notifications
from hotline.web import overview as web_overview
from hotline.web import portal as web_portal
from hotline.web import publication as web_publication
from hotline.web import qa as web_qa
from hotline.web import rankings as web_rankings
from hotline.web import repetitions as web_repetitions
from hotline.web import replies as web_replies
from hotline.web import reply_templates as web_reply_templates
from hotline.web import reports as web_reports
from hotline.web import search as web_search
from hotline.web import stats as web_stats
from hotline.web import supervision as web_supervision
from hotline.web import tickets as web_tickets
from hotline.web import views as web_views

urlpatterns = [
    path("", web_views.home, name="home"),
    path("login/", web_login.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("console/", web_console.console, name="console"),
    path("console/caller/", web_console.caller, name="console_caller"),
    path("console/suggest/", web_console.suggest, name="console_suggest"),
    path("console/similar/", web_console.similar, name="console_similar"),
    path("console/attach/<int:ticket_id>/", web_console.attach, name="console_attach"),
    path("console/answers/", web_knowledge.console_answers, name="console_answers"),
    path("knowledge/", web_knowledge.article_list, name="knowledge"),
    path("knowledge/new/", web_knowledge.article_new, name="knowledge_new"),
    path("knowledge/<int:article_id>/", web_knowledge.article_page, name="knowledge_article"),
    path("knowledge/<int:article_id>/edit/", web_knowledge.article_edit, name="knowledge_edit"),
    path("knowledge/<int:article_id>/do/<str:name>/", web_knowledge.article_action, name="knowledge_action"),
    path("console/link/<int:ticket_id>/", web_console.link, name="console_link"),
    path("dispatch/", web_dispatch.queue, name="dispatch_queue"),
    path("dispatch/news/", web_dispatch.news, name="dispatch_news"),
    path("dispatch/<int:ticket_id>/", web_dispatch.dispatch, name="dispatch_ticket"),
    path("dispatch/<int:ticket_id>/similar/", web_dispatch.similar, name="dispatch_similar"),
    path("dispatch/<int:ticket_id>/merge/", web_dispatch.merge, name="dispatch_merge"),
    path("dispatch/<int:ticket_id>/link/", web_dispatch.link, name="dispatch_link"),
    path("dispatch/returns/", web_dispatch.returns, name="dispatch_returns"),
    path("dispatch/returns/<int:assignment_id>/", web_dispatch.review, name="review_return"),
    path("dispatch/extensions/", web_dispatch.extensions, name="dispatch_extensions"),
    path("inbox/", web_inbox.inbox, name="inbox"),
    path("overview/", web_overview.overview, name="overview"),
    path("rankings/", web_rankings.rankings, name="rankings"),
    path("rankings/tickets/", web_rankings.rankings_tickets, name="rankings_tickets"),
    path("reports/", web_reports.report_page, name="reports"),
    path("reports/download", web_reports.report_download, name="report_download"),
    path("reports/kept/", web_kept_reports.kept_reports, name="kept_reports"),
    path("reports/kept/<int:report_id>/remake", web_kept_reports.remake_report, name="kept_remake"),
    path("reports/kept/<int:report_id>/<slug:fmt>", web_kept_reports.kept_report_file, name="kept_file"),
    path("overview/districts.geojson", web_overview.districts_geojson, name="overview_districts"),
    path("hotspots/", web_hotspots.hotspots_page, name="hotspots"),
    path("hotspots/<int:appeal_id>/", web_hotspots.hotspot_tickets, name="hotspot_tickets"),
    path("stats/", web_stats.public_stats, name="public_stats"),
    path("callbacks/", web_callbacks.callbacks, name="callbacks"),
    path("supervision/", web_supervision.board, name="supervision_board"),
    path("notifications/", web_notifications.notifications, name="notifications"),
    path("notifications/read/", web_notifications.mark_all_read, name="notifications_read"),
    path("notifications/<int:notification_id>/read/", web_notifications.mark_read, name="notification_read"),
    path("supervision/repetitions/", web_repetitions.repetitions, name="repetitions"),
    path(
        "supervision/repetitions/<int:repetition_id>/review/",
        web_repetitions.review,
        name="repetition_review",
    ),
    path("supervision/tickets/<str:number>/open/", web_supervision.open_supervision, name="supervision_open"),
    path("supervision/warnings/", web_supervision.warnings_page, name="supervision_warnings"),
    path(
        "supervision/warnings/<int:warning_id>/decide/",
        web_supervision.decide_warning,
        name="supervision_warning_decide",
    ),
    path(
        "supervision/<int:supervision_id>/resolve/",
        web_supervision.resolve_supervision,
        name="supervision_resolve",
    ),
    path("tickets/", web_search.search, name="ticket_search"),
    path("tickets/export.xlsx", web_exports.export, name="ticket_export"),
    path("tickets/exports/<uuid:export_id>/", web_exports.export_page, name="export_page"),
    path("tickets/exports/<uuid:export_id>/file", web_exports.export_file, name="export_file"),
    path("tickets/<str:number>/", web_tickets.ticket_page, name="ticket_page"),
    path("tickets/<str:number>/do/<str:name>/", web_actions.act, name="ticket_action"),
    path("tickets/<str:number>/reply-check/", web_replies.preview, name="reply_preview"),
    path("tickets/<str:number>/case/", web_cases.mark_case, name="case_mark"),
    path("cases/", web_cases.case_list, name="cases"),
    path("cases/<int:case_id>/", web_cases.case_page, name="case"),
    path("cases/<int:case_id>/unmark/", web_cases.unmark_case, name="case_unmark"),
    path("tickets/<str:number>/reply-templates/", web_replies.reply_templates, name="reply_templates"),
    path("replies/flagged/", web_replies.flagged, name="replies_flagged"),
    path("suggestions/", web_publication.suggestion_list, name="suggestions"),
    path("tickets/<str:number>/publish/", web_publication.publish, name="suggestion_publish"),
    path("tickets/<str:number>/publish/withdraw/", web_publication.withdraw, name="suggestion_withdraw"),
    path("reply-templates/", web_reply_templates.template_list, name="reply_templates_list"),
    path("reply-templates/new/", web_reply_templates.template_new, name="reply_template_new"),
    path("reply-templates/<int:template_id>/", web_reply_templates.template_edit, name="reply_template"),
    path(
        "reply-templates/<int:template_id>/retire/",
        web_reply_templates.template_retire,
        name="reply_template_retire",
    ),
    path(
        "reply-templates/<int:template_id>/restore/",
        web_reply_templates.template_restore,
        name="reply_template_restore",
    ),
    path("replies/<int:reply_id>/review/", web_replies.review, name="reply_review"),
    path(
        "tickets/<str:number>/attachments/<int:attachment_id>",
        web_tickets.ticket_attachment,
        name="ticket_attachment",
    ),
    path(
        "tickets/<str:number>/appeals/<int:appeal_id>/phone/", web_tickets.reveal_phone, name="reveal_phone"
    ),
    path(
        "tickets/<str:number>/messages/<int:message_id>/resend/",
        web_tickets.resend_message,
        name="resend_citizen_message",
    ),
    path("grid/report/", web_grid.report, name="grid_report"),
    path("grid/reports/", web_grid.reports, name="grid_reports"),
    path("portal/", web_portal.submit, name="portal"),
    path("qa/", web_qa.qa_list, name="qa"),
    path("qa/<int:article_id>/", web_qa.qa_article, name="qa_article"),
    path("qa/suggestions/<int:suggestion_id>/", web_qa.qa_suggestion, name="qa_suggestion"),
    path("qa/feed.json", web_qa.qa_feed_json, name="qa_feed_json"),
    path("qa/feed.xml", web_qa.qa_feed_rss, name="qa_feed_rss"),
    path("portal/track/", web_portal.track, name="portal_track"),
    path("portal/rate/", web_portal.rate, name="portal_rate"),
    path("healthz", web_health.healthz, name="healthz"),
    path("readyz", web_health.readyz, name="readyz"),
    path("metrics", web_health.metrics_view, name="metrics"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Before the admin's own URLs: its login page with the throttle of /login/ (web/login.py).
    path("admin/login/", web_login.admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("open311/v2/", open311_api.urls),
]
