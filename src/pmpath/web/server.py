"""The ASGI application uvicorn serves: configured from the environment, so every worker
process builds the same app (``uvicorn pmpath.web.server:app``)."""

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
