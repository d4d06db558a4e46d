"""Text clean-up and word segmentation shared by training and prediction.

What citizens type (or operators paste) carries line breaks inside sentences, runs of spaces,
full-width letters and digits from Chinese input methods. `normalize` maps all of these to one
form so that "ＷｉＦｉ" and "wifi", or "小区\n  门口" and "小区门口", give the same features.
`words` segments with jieba; the model calls both, so training and prediction cannot drift apart.
"""

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


def normalize(text: str) -> str:
    """One canonical form: NFKC (full-width -> half-width), lower case, no stray whitespace."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = _SPACE.sub(" ", text).strip()
    return _SPACE_NOT_BETWEEN_ASCII.sub("", text)


def words(text: str) -> list[str]:
    """jieba words of an already normalised text, without punctuation-only tokens."""
    return [token for token in jieba.lcut(text) if _WORDLIKE.search(token)]


def tokenize(text: str) -> list[str]:
    """`words(normalize(text))`."""
    return words(normalize(text))
