"""Every feature's routes, merged into one router."""

from handlers.features import (
    campaigns,
    city,
    corrections,
    dashboard,
    entries,
    exports,
    groups,
    guided,
    help,
    media,
    models,
    onboarding,
    privacy,
    stats,
    undo,
    voice,
)
from handlers.router import Router

ROUTER = Router()
for module in (
    onboarding,
    entries,
    undo,
    corrections,
    guided,
    stats,
    campaigns,
    privacy,
    groups,
    exports,
    dashboard,
    models,
    voice,
    media,
    help,
    city,
):
    ROUTER.include(module.router)
