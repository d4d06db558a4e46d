"""Hotline: the back office of a city's citizen-request hotline (12345)."""

import os

# Every Hotline process (a gunicorn worker, `hotline worker`, a command) serves one request or one
# task at a time, and a server runs about one of them per core. The numerical libraries beneath
# the classifier and the duplicate search (OpenBLAS, OpenMP in the embedder) would each start a
# thread per core in every process: on a 2-core machine with two web workers and a task worker,
# six busy threads fight over two cores, and a 2 ms prediction turns into 50 ms under load. So one
# thread each, unless the environment says otherwise; it must be set before those libraries load,
# hence here, in the first module any Hotline process imports.
_THREADS = os.environ.get("HOTLINE_COMPUTE_THREADS", "1")
for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ.setdefault(_name, _THREADS)
