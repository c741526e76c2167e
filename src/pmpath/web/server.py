"""The ASGI application uvicorn serves: configured from the environment, so every worker
process builds the same app (``uvicorn pmpath.web.server:app``)."""

import gc
import os
from pathlib import Path

from pmpath.web.app import create_app
from pmpath.web.context import WebSettings

app = create_app(
    WebSettings(
        database_url=os.environ.get("PMPATH_DATABASE_URL"),
        framework_path=Path(os.environ["PMPATH_FRAMEWORK"])
        if os.environ.get("PMPATH_FRAMEWORK")
        else None,
        trust_proxy_headers=os.environ.get("PMPATH_TRUST_PROXY", "") == "1",
    )
)

# What is loaded by now (the framework, the bank, the app) lives as long as the process. Out of
# the collector's sight it is not walked again: a full collection of it took 83 ms, during
# which a process serving exams inline answers nobody.
gc.freeze()
