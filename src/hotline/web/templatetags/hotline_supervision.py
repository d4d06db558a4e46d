"""A notice as the inbox (消息) shows it and a text the system wrote (a note, an early warning's
title) as a page shows it: the system's sentence in the reader's language (`supervision.wording`),
a person's words as they typed them. (The board's reasons: `web.supervision._reason`.)"""

from django import template

from hotline.notifications.models import Notification
from hotline.supervision import wording

register = template.Library()


@register.filter
def notice_shown(notification: Notification) -> str:
    """A notification's message: the system writes every one (a person's words inside one, a 督办 by
    hand's reason, are kept as typed inside the sentence said in the reader's language). The
    ticket's title in it with its numbers masked (`wording.notice_shown`): a 挂牌's or a 提级's
    goes to the leaders."""
    return wording.notice_shown(notification)


@register.filter
def note_shown(text: str) -> str:
    """A text that the system may have written (an extension request's withdrawal, an early
    warning's title): its sentence in the reader's language, a person's words as typed."""
    return wording.shown(text)
