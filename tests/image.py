"""What a rendered project's image runs, read from its Dockerfile: its command and its user."""

import json
import re
from pathlib import Path


def image_command(project: Path) -> list[str]:
    """The image's command (the Dockerfile's CMD)."""
    (command,) = re.findall(r"^CMD (\[.*\])$", (project / "Dockerfile").read_text(), re.MULTILINE)
    return list(json.loads(command))


def image_user(project: Path) -> int:
    """The user id that the image runs as (the Dockerfile's USER)."""
    (user,) = re.findall(r"^USER (\d+)$", (project / "Dockerfile").read_text(), re.MULTILINE)
    return int(user)
