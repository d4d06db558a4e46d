import json

import numpy as np
import pytest

from hotline.dedup import index as vector_index
from hotline.dedup.index import NumpyIndex, UsearchIndex, index_folder, shared_index
from hotline.dedup.indexing import embed_missing
from hotline.dedup.models import TicketVector
from tests.factories import make_ticket


def unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


@pytest.mark.parametrize("kind", [NumpyIndex, UsearchIndex])
def test_add_search_and_replace(kind):
    rng = np.random.default_rng(7)
    vectors = unit(rng.normal(size=(200, 16)))
    index = kind(16)
    index.add(np.arange(1, 201), vectors)
    assert len(index) == 200
    hits = index.search(vectors[41], 3)
    assert hits[0][0] == 42 and hits[0][1] == pytest.approx(1.0, abs=1e-2)
    assert hits[0][1] >= hits[1][1] >= hits[2][1]
    # Adding a key again replaces its vector instead of adding a second one.
    index.add(np.array([42]), vectors[:1])
    assert len(index) == 200
    assert index.search(vectors[0], 2)[0][0] in (1, 42)
    assert {key for key, _ in index.search(vectors[0], 2)} == {1, 42}
    assert kind(16).search(vectors[0], 3) == []


def test_the_index_is_built_from_the_stored_vectors_saved_and_loaded(db, staff):
    tickets = [
        make_ticket(actor=staff["operator"], title=f"路灯不亮 {i}", content=f"幸福路{i}号门口路灯坏了")
        for i in range(3)
    ]
    assert embed_missing() == 3
    shared = shared_index()
    assert len(shared.index) == 3
    assert shared.watermark == TicketVector.objects.order_by("-id").first().id
    pointer = json.loads((index_folder() / "ngram1024.json").read_text())
    assert pointer["watermark"] == shared.watermark and (index_folder() / pointer["file"]).is_file()

    # Another process (here: the same one, its index forgotten) loads the saved file ...
    vector_index.forget()
    loaded = shared_index()
    assert isinstance(loaded.index, UsearchIndex) and len(loaded.index) == 3
    assert loaded.watermark == shared.watermark
    # ... and adds what was stored since before it searches.
    fourth = make_ticket(actor=staff["operator"], title="垃圾没人清运", content="和平小区垃圾三天没人清运")
    embed_missing()
    vector = np.frombuffer(bytes(TicketVector.objects.get(ticket=fourth).vector), dtype=np.float32)
    assert loaded.search(vector, 1)[0][0] == fourth.pk
    assert {key for key, _ in loaded.search(vector, 10)} == {t.pk for t in [*tickets, fourth]}


def test_a_missing_or_broken_file_is_rebuilt_from_the_database(db, staff):
    make_ticket(actor=staff["operator"])
    embed_missing()
    folder = index_folder()
    for path in folder.glob("*.usearch"):
        path.write_bytes(b"not an index")
    vector_index.forget()
    assert len(shared_index().index) == 1  # rebuilt: the vectors are in the database
    for path in folder.iterdir():
        path.unlink()
    vector_index.forget()
    assert len(shared_index().index) == 1


def test_rebuild_replaces_the_index(db, staff):
    make_ticket(actor=staff["operator"])
    make_ticket(actor=staff["operator"], title="噪音扰民", content="夜间施工噪音")
    embed_missing()
    rebuilt = vector_index.rebuild()
    assert len(rebuilt.index) == 2 and shared_index() is rebuilt
    assert len(list(index_folder().glob("*.usearch"))) == 1


def test_the_numpy_index_is_not_saved(db, staff, settings):
    settings.HOTLINE = {**settings.HOTLINE, "DEDUP": {**settings.HOTLINE["DEDUP"], "INDEX": "numpy"}}
    make_ticket(actor=staff["operator"])
    embed_missing()
    shared = shared_index()
    assert isinstance(shared.index, NumpyIndex) and len(shared.index) == 1
    assert shared.save() is None


def test_vectors_stored_while_saves_are_held_reach_no_file_and_leave_no_index_behind(db, staff):
    """`hotline demo` embeds in its one transaction, which may roll back: no file is saved with
    those vectors, and the process builds its index afresh afterwards."""
    make_ticket(actor=staff["operator"])
    with vector_index.unsaved():
        assert embed_missing() == 1
        held = shared_index()
        assert len(held.index) == 1  # searched as usual
        assert not index_folder().exists() or not list(index_folder().iterdir())
    assert shared_index() is not held
    # Saves as before once released.
    make_ticket(actor=staff["operator"], title="噪音扰民", content="夜间施工噪音")
    embed_missing()
    assert (
        json.loads((index_folder() / "ngram1024.json").read_text())["watermark"] == shared_index().watermark
    )


def test_a_probe_may_leave_out_the_vectors_stored_since(db, staff):
    """Duplicate search's clusters probe once per ticket after one refresh, not one per probe."""
    first = make_ticket(actor=staff["operator"], title="路灯不亮", content="幸福路1号门口路灯坏了")
    embed_missing()
    shared = shared_index()
    stored = TicketVector.objects.get(ticket=first)
    second = make_ticket(actor=staff["operator"], title="路灯不亮", content="幸福路1号门口路灯坏了")
    TicketVector.objects.create(
        ticket=second, model=stored.model, vector=stored.vector, embedded_at=stored.embedded_at
    )
    vector = np.frombuffer(bytes(stored.vector), dtype=np.float32)
    assert {key for key, _ in shared.search(vector, 5, refresh=False)} == {first.pk}
    assert {key for key, _ in shared.search(vector, 5)} == {first.pk, second.pk}
