"""Text clean-up and word segmentation shared by training and prediction.

What citizens type (or operators paste) carries line breaks inside sentences, runs of spaces,
full-width letters and digits from Chinese input methods. `normalize` maps all of these to one
form so that "ＷｉＦｉ" and "wifi", or "小区\n  门口" and "小区门口", give the same features.
`words` segments with jieba; the model calls both, so training and prediction cannot drift apart.

`strip_function_words` removes punctuation, whitespace, lone digits and common function words
("的", "了", "我们", "因为" ...). Two thirds of the labelled data survive only as word-segmented
copies with exactly such words removed; stripping them from every text (those copies, the messages
as citizens wrote them, and each message at prediction) puts all texts in one form.
"""

import functools
import logging
import re
import unicodedata
import warnings

# jieba 0.42 has regular expressions with invalid escape sequences ("\." in plain strings), which
# Python 3.12 reports as SyntaxWarning when it compiles the package without a cached .pyc, and it
# probes for the deprecated `pkg_resources`. Both are harmless; silence exactly those while
# importing so that the rest of the process keeps its warning filters (the tests turn them into errors).
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", category=SyntaxWarning, message=r"invalid escape sequence")
    warnings.filterwarnings("ignore", message=r".*pkg_resources", category=DeprecationWarning)
    warnings.filterwarnings("ignore", message=r".*pkg_resources", category=UserWarning)
    import jieba

jieba.setLogLevel(logging.WARNING)

_SPACE = re.compile(r"\s+")
# A space is only kept between two ASCII letters or digits ("wifi router", "3 号楼" keeps none).
_SPACE_NOT_BETWEEN_ASCII = re.compile(r"(?<![0-9A-Za-z]) | (?![0-9A-Za-z])")
# A token made only of punctuation or symbols says nothing about the topic.
_WORDLIKE = re.compile(r"\w")


# The function words that the segmented copies in the labelled data lack: jieba tokens found in at
# least 20 of the 2,792 messages as written whose rate among the segmented copies is under 2 % of
# their rate in the messages as written, keeping only those whose characters do not survive inside
# other words of the copies either (so not "保险" of "养老保险") and only Chinese ones. Derived once
# from the form column alone, no labels: `bench/classify.py --function-words` applies the rule again
# (docs/adr/0002-classifier.md). Most frequent first.
_FUNCTION_WORDS = """
    的 是 了 在 有 都 也 和 没有 我们 就 还 为 给 对 但 又 可以 等 与 吗 被 让 不能 并 从 这样 就是 他们
    什么 将 把 有关 以 作为 为什么 这个 但是 如果 该 自己 关于 及 多次 还是 这些 因为 本人 为了 按 还有
    呢 通过 怎么 任何 只有 而且 此 或 开始 根据 们 你 其他 时候 二 他 这么 由于 谁 很多 你们 难道 所以
    拿 按照 同时 为何 结果 且 不要 如此 基本 吧 必须 可是 或者 那么 非常 望 只是 叫 甚至 才能 均 啊 可能
    并且 经过 如何 一样 跟 对于 尽快 以及 这里 不会 其中 到底 多少 因此 如下 近 各种 只要 各 大家 经常
    不得 不管 虽然 出来 仍 的话 第 有些 据 然后 另外 哪里 后来 仍然 竟然 起来 然而 等等 她 随着 既然
    那些 其实 极大 如今 它 不但 怎么办 而是 不同 其它 不少 那里 不仅 别人 到处 各位 更加 一切 否则 一般
    之一 于是 某些 首先 不再 马上 呀 除了 哪个 怎样 那个 六 及其 反而 加上 就算 几乎 么 不得不 别的 凭
    故意 比如 除 当然 哪些 若 自身 依照 基本上 据说 从未 居然 他人 究竟 自从 不如 公然 不满 亲自 仅仅
    极其 一旦 从来 从而 本着 进去 加之 近年来 即使 本身 这边 即将 大概 等到 综上所述 各个 简直 进来 不然
    出去 她们 按时 将近 八 可见 差不多 并非 要是 那样 从不 啦 很少 毕竟 绝对 其余 其次 来看
"""
FUNCTION_WORDS: tuple[str, ...] = tuple(_FUNCTION_WORDS.split())
# Longest words first, so that "不得不" goes before "不得"; the single characters as one class.
_FUNCTION = re.compile(
    "|".join(re.escape(w) for w in sorted((w for w in FUNCTION_WORDS if len(w) > 1), key=len, reverse=True))
    + "|["
    + "".join(w for w in FUNCTION_WORDS if len(w) == 1)
    + r"]"
    # a lone digit ("1月" -> "月", as in the copies, but "a1区" stays) and whatever is not a letter or digit
    + r"|(?<![0-9a-z])\d(?![0-9a-z])|[\W_]+"
)


@functools.lru_cache(maxsize=4096)
def normalize(text: str) -> str:
    """One canonical form: NFKC (full-width -> half-width), lower case, no stray whitespace.

    Kept for the last few thousand texts: routing normalises one appeal's text for the gazetteer,
    for each category's rules and for every model."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = _SPACE.sub(" ", text).strip()
    return _SPACE_NOT_BETWEEN_ASCII.sub("", text)


def words(text: str) -> list[str]:
    """jieba words of an already normalised text, without punctuation-only tokens."""
    return [token for token in jieba.lcut(text) if _WORDLIKE.search(token)]


def tokenize(text: str) -> list[str]:
    """`words(normalize(text))`."""
    return words(normalize(text))


def strip_function_words(text: str) -> str:
    """An already normalised text without punctuation, whitespace, lone digits and function words.

    A plain pattern match, not a segmentation: a function word inside a longer word goes too
    ("可以" of "可以说"), the same way in training and prediction. About 0.1 ms for 1,000 characters.
    """
    return _FUNCTION.sub("", text)


# The runs of text that jieba segments each on its own (its `re_han_default`): no word crosses
# their edges, so a run segmented alone has the words it has inside the whole text, and a run is
# short enough (a clause) to keep its segmentation for the next ticket that says the same.
_RUN = re.compile(r"[\u4e00-\u9fd5a-zA-Z0-9+#&._%\-]+")


def runs(text: str) -> list[str]:
    """The runs of an already normalised text that jieba segments each on its own."""
    return _RUN.findall(text)


@functools.lru_cache(maxsize=8192)
def search_words(run: str) -> frozenset[str]:
    """jieba's words of one run in its search mode (with the HMM, as `jieba.lcut_for_search`): the
    words of the run and the dictionary words inside its longer ones."""
    return frozenset(jieba.lcut_for_search(run))


def in_dictionary(term: str) -> bool:
    return (jieba.get_FREQ(term) or 0) > 0


@functools.lru_cache(maxsize=8192)
def _word_edges(run: str) -> frozenset[int]:
    """Where the words of a run begin and end, the dictionary words inside its longer words
    included (jieba's search mode: 物业|费 in "物业费", 工程|项目 in "工程项目", nothing inside
    "排队"). Without the HMM, whose guessed words would hide their characters' edges."""
    edges = {0}
    for _, start, end in jieba.tokenize(run, mode="search", HMM=False):
        edges.update((start, end))
    return frozenset(edges)


def _on_word_edges(text: str, start: int, end: int) -> bool:
    run = next((m for m in _RUN.finditer(text) if m.start() <= start and end <= m.end()), None)
    if run is None:
        # The term spans punctuation or a space: no segmentation to check it against.
        return True
    edges = _word_edges(run.group())
    start, end = start - run.start(), end - run.start()
    # A term starting inside a word borrows that word's last character: "河道" of 运河|道路,
    # "占道" of 抢占|道路, "停电" of 叫停|电动车. Starting where a word starts, it may end inside
    # one only when it spans more than one word, a compound the dictionary does not know ("电力井"
    # over 电力|井盖); ending inside its first word, it is part of another word ("排" of 排队).
    return start in edges and (end in edges or any(start < edge < end for edge in edges))


def contains_term(text: str, term: str) -> bool:
    """Whether the already normalised `term` is in the normalised `text` as words of it, not as
    characters of other words: "排" is not in "挂号排队", "占道" not in "车辆抢占道路", while
    "物业" is in "物业公司" and "电力井" in "电力井盖".

    A plain substring search finds a keyword inside any word that shares its characters: an
    appeal about queueing (排队) would meet any rule that lists 排 for discharges, a night work
    by a canal road (运河道路) the rule for rivers (河道). Only the clause around an occurrence is
    segmented, and only when the characters occur at all."""
    if not term:
        return False
    start = text.find(term)
    while start != -1:
        if _on_word_edges(text, start, start + len(term)):
            return True
        start = text.find(term, start + 1)
    return False
