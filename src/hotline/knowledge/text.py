"""The words the knowledge base indexes and searches: jieba's search segmentation (a long word and
the words inside it: "公积金贷款" gives 公积, 积金, 公积金, 贷款 and itself), over routing's
normalised text (NFKC, lower case), without punctuation, function words, lone digits and single
characters (a single character matches too much).

The same function makes the words of an article and of a question, so both meet in the index.
"""

import re

from hotline.routing import text as routing_text  # imports jieba without its import-time warnings

# Words too common in questions and answers to tell one article from another.
_STOP = """
    请问 咨询 问题 一下 需要 怎么 怎样 如何 哪里 哪些 可以 能否 是否 什么 现在 目前 这个 那个 我们 你们
    您好 你好 谢谢 感谢 情况 相关 有关 办理 知道 想要 想问 我想 请求 希望 反映 市民 网友 个人 本人
"""
STOP_WORDS = frozenset((*routing_text.FUNCTION_WORDS, *_STOP.split()))
_WORDLIKE = re.compile(r"[^\W\d_]|\d\d")
MAX_QUERY_WORDS = 24


def words(text: str) -> list[str]:
    """The indexable words of a text, in order, repeated as often as they occur."""
    found = []
    for token in routing_text.jieba.lcut_for_search(routing_text.normalize(text or "")):
        token = token.strip()
        if not token or token in STOP_WORDS or not _WORDLIKE.search(token):
            continue
        if len(token) < 2:  # a single character matches too much
            continue
        found.append(token)
    return found


def tokens(text: str) -> str:
    """`words` as the index stores them: separated by spaces."""
    return " ".join(words(text))


def query_words(text: str) -> list[str]:
    """The distinct words of a question to search for, at most MAX_QUERY_WORDS: the longest first
    (they say most)."""
    chosen = list(dict.fromkeys(words(text)))
    if len(chosen) > MAX_QUERY_WORDS:
        keep = set(sorted(chosen, key=len, reverse=True)[:MAX_QUERY_WORDS])
        chosen = [w for w in chosen if w in keep]
    return chosen
