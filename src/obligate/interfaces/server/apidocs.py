"""ReDoc at ``/redoc`` with nothing fetched from elsewhere.

fastapi-offline ships ReDoc's standalone bundle and serves it without Google Fonts, but the
bundle itself still shows an "API docs by Redocly" logo loaded from its maker's CDN. Here the
bundle is served with that address replaced by one on this server, where a blank image of
ours stands in (the logo is not shipped in the package; the link text stays): the page makes
no request outside the server, and shows no broken image either.
"""

from __future__ import annotations

import functools
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html
from starlette.responses import HTMLResponse, Response

REDOC_LOGO_URL = b"https://cdn.redoc.ly/redoc/logo-mini.svg"
ASSETS = "/redoc-assets"
# relative to the page (/redoc), so that it holds behind a proxy's path prefix too
LOCAL_LOGO_URL = f"{ASSETS.lstrip('/')}/logo-mini.svg".encode()
BLANK_LOGO = b'<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16"/>'


@functools.cache
def _bundle() -> bytes:
    """ReDoc's standalone bundle with its one outside address made local (read once)."""
    path = Path(fastapi_offline.__file__).parent / "static" / "redoc.standalone.js"
    return path.read_bytes().replace(REDOC_LOGO_URL, LOCAL_LOGO_URL)


def install(app: FastAPI, favicon_url: str) -> None:
    """``/redoc`` and its two files (for an app made with ``redoc_url=None``)."""

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_redoc_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{root}{ASSETS}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{favicon_url}",
            with_google_fonts=False,
        )

    @app.get(f"{ASSETS}/redoc.standalone.js", include_in_schema=False)
    async def redoc_bundle() -> Response:
        return Response(_bundle(), media_type="text/javascript")

    @app.get(f"{ASSETS}/logo-mini.svg", include_in_schema=False)
    async def redoc_logo() -> Response:
        return Response(BLANK_LOGO, media_type="image/svg+xml")
