"""The FastAPI application factory.

``create_app(settings)`` builds one app: error envelopes, the health routes, every router listed in ``ROUTERS``
(a new route module is one import and one entry there; its ``APIRouter`` carries the full ``/v1/...`` prefix so
metrics see the whole route template) and the node middleware. ``app_from_env`` is
the zero-argument factory uvicorn workers call (``msez serve`` prepares the environment it reads).
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Final

from fastapi import APIRouter, FastAPI

import msez
from msez.api import (
    _health,
    _routes_assets,
    _routes_audit,
    _routes_consent,
    _routes_corridor_watch,
    _routes_corridors,
    _routes_credentials,
    _routes_entities,
    _routes_fiscal,
    _routes_identity,
    _routes_licences,
    _routes_ownership,
    _routes_receipts,
    _routes_regulator,
    _routes_settlement,
)
from msez.api._corridor_service import close_corridor_service
from msez.api._errors import install_error_handlers
from msez.api._middleware import NodeMiddleware
from msez.api._node import Node
from msez.api._orchestration import ComplianceHook
from msez.api._settings import Settings
from msez.api._wire import ERROR_RESPONSES
from msez.store import Database

# Requests are matched against routes in this order, at a few microseconds per route passed over, so the hot path
# (receipt append) comes first; its paths overlap no other router's. /docs lists the routes in the same order.
ROUTERS: Final[tuple[APIRouter, ...]] = (
    _routes_receipts.router,
    _routes_ownership.router,
    _routes_fiscal.router,
    _routes_identity.router,
    _routes_consent.router,
    _routes_audit.router,
    _routes_entities.router,
    _routes_assets.router,
    _routes_credentials.router,
    _routes_licences.router,
    _routes_regulator.router,
    _routes_corridors.router,
    _routes_corridor_watch.router,
    _routes_settlement.router,
)
READ_ONLY_POSTS: Final = frozenset(
    {_routes_regulator.QUERY_PATH, "/v1/credentials/verify", _routes_settlement.ROUTE_PATH}
)
DESCRIPTION: Final = (
    "The msez zone node: the entity registry and the Mass primitives (ownership, fiscal, identity, consent) over a "
    "persistent store, with compliance orchestration against the zone's pinned packs (sanctions refusals, signed "
    "formation and ownership credentials, attestations), smart assets, credentials with status lists, licences and "
    "the regulator console; role-based access for zone admins, regulators (read-only, every request audited) and "
    "entity operators."
)


def create_app(settings: Settings, *, database: Database | None = None) -> FastAPI:
    """Build the node's ASGI app (one per process; the database engine is created here, lazily connected)."""
    node = Node(settings, database=database)
    node.add_hook(ComplianceHook())
    node.read_only_posts.update(READ_ONLY_POSTS)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        await close_corridor_service(node)
        await node.limiter.close()
        node.db.dispose()

    app = FastAPI(
        title="msez zone node",
        version=msez.__version__,
        description=DESCRIPTION,
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.node = node
    install_error_handlers(app)
    app.include_router(_health.router)
    app.include_router(_routes_credentials.status_router)
    for router in ROUTERS:
        app.include_router(router, responses=ERROR_RESPONSES)
    app.add_middleware(NodeMiddleware, node=node)
    return app


def app_from_env() -> FastAPI:
    """``create_app(Settings.from_env())``, for ``uvicorn --factory`` and its worker processes.

    The objects that exist once the app is built (modules, schemas, models) live as long as the process, so they
    are moved out of the garbage collector's sight (``gc.freeze``): otherwise every full collection walks them
    all, a pause of tens of milliseconds that showed as the p99 of write routes under load.
    """
    app = create_app(Settings.from_env())
    gc.collect()
    gc.freeze()
    return app
