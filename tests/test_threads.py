"""Each Hotline process computes with one thread by default (hotline/__init__.py)."""

import json
import os
import subprocess
import sys

CODE = (
    "import hotline, numpy, sklearn.linear_model; from threadpoolctl import threadpool_info; "
    "import json; print(json.dumps(sorted({(p['user_api'], p['num_threads']) for p in threadpool_info()})))"
)


def pools(**env: str) -> list[list]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.endswith("_NUM_THREADS") and k != "HOTLINE_COMPUTE_THREADS"
    }
    done = subprocess.run(
        [sys.executable, "-c", CODE], env={**clean, **env}, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_numerical_libraries_start_one_thread_per_process() -> None:
    found = pools()
    assert found, "threadpoolctl saw no BLAS or OpenMP library: the test would prove nothing"
    assert {threads for _api, threads in found} == {1}, found


def test_a_deployment_may_give_them_more() -> None:
    found = pools(HOTLINE_COMPUTE_THREADS="2")
    assert {threads for _api, threads in found} == {2}, found
