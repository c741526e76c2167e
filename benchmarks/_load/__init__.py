"""The parts of ``benchmarks/web_load.py``: learners (the simulated clients), the database and
server it sets up, and CPU pinning and accounting. ``web_load.py`` holds the load shapes."""
