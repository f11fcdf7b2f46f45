import asyncio
import os
import threading
import time

import pytest

from app.core import security


class SlowHasher:
    """Stands in for the hasher: takes a while, and counts how many hashes run at once."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = 0
        self.most = 0

    def hash(self, password: str) -> str:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(0.02)
        with self.lock:
            self.running -= 1
        return f"hashed {password}"


async def test_password_work_runs_at_most_one_per_core(monkeypatch: pytest.MonkeyPatch) -> None:
    cores = os.cpu_count() or 1
    hasher = SlowHasher()
    monkeypatch.setattr(security, "password_hash", hasher)

    hashes = await asyncio.gather(*(security.hash_password(f"pw{n}") for n in range(4 * cores)))

    assert len(set(hashes)) == 4 * cores
    assert hasher.most == cores
