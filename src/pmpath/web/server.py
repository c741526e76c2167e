"""The ASGI application uvicorn serves: configured from the environment, so every worker
process builds the same app (``uvicorn pmpath.web.server:app``)."""

import gc

from pmpath.settings import Settings
from pmpath.web.app import create_app

# PMPATH_DATABASE_URL, PMPATH_FRAMEWORK, PMPATH_TRUST_PROXY, ... (see pmpath.settings).
app = create_app(Settings())

# What is loaded by now (the framework, the bank, the app) lives as long as the process. Out of
# the collector's sight it is not walked again: a full collection of it took 83 ms, during
# which a process serving exams inline answers nobody.
gc.freeze()
