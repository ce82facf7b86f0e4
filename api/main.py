"""ASGI entry point for deployments: `uvicorn api.main:app` from the repository root.

The HTTP layer lives in `coder_assist.api`; this file only builds the app so that no
package named `api` is ever installed.
"""

from coder_assist.api.app import create_app

app = create_app()
