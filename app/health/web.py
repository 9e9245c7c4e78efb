"""Liveness and readiness probes for load balancers and the Docker HEALTHCHECK."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.schema import current_revision, head_revision

router = APIRouter(include_in_schema=False)


@router.get("/healthz")
async def healthz() -> JSONResponse:
    # async: nothing here blocks, so no thread-pool hop; it is the benchmarks' baseline for
    # the cost of the HTTP stack alone.
    return JSONResponse({"status": "ok"})


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    engine = request.app.state.engine
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        current = current_revision(engine)
    except SQLAlchemyError as error:
        reason = f"database unreachable: {type(error).__name__}"
        return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503)
    head = head_revision()
    if current != head:
        reason = (f"database schema is at {current or 'nothing'}, expected {head}: "
                  "run mir db upgrade")
        return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503)
    return JSONResponse({"status": "ok", "schema": current})
