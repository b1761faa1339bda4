"""The committed migrations describe exactly the models: a model change without its migration fails."""

from __future__ import annotations

from tortoise.context import TortoiseContext
from tortoise.migrations.autodetector import MigrationAutodetector

from settings import tortoise_config


async def test_models_and_migrations_agree(tmp_path: object) -> None:
    config = tortoise_config("sqlite://:memory:")
    async with TortoiseContext() as ctx:
        await ctx.init(config=config)
        detector = MigrationAutodetector(ctx.apps, config["apps"])
        pending = await detector.changes()
    assert [writer.name for writer in pending] == [], "run `tortoise makemigrations` and commit"
