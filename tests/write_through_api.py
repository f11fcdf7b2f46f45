"""Migrate a project's database to its head, then sign up two users and give each two items,
through the project's API, as its users would.

Run in a project's folder, with its settings in the environment: `python write_through_api.py jwt`
(or `none`). It runs the project's `alembic upgrade head`, then serves the project's app in this
process, its lifespan run, over httpx.
"""

import asyncio
import importlib
import sys

import alembic.config
import httpx
from asgi_lifespan import LifespanManager


async def write(auth: str) -> None:
    app = importlib.import_module("app.main").app  # the project's, from the folder it runs in

    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            for name in ("ann", "bob"):
                password = f"{name}'s long password"
                user = {"username": name, "email": f"{name}@example.com", "password": password}
                (await client.post("/users/", json=user)).raise_for_status()
                headers = {}
                if auth == "jwt":
                    login = {"username": name, "password": password}
                    token = (await client.post("/auth/token", data=login)).raise_for_status()
                    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
                for number in (1, 2):
                    item = {"name": f"{name}'s item {number}", "price": number + 0.5}
                    (await client.post("/items/", json=item, headers=headers)).raise_for_status()


if __name__ == "__main__":
    alembic.config.main(argv=["upgrade", "head"])
    asyncio.run(write(sys.argv[1]))
