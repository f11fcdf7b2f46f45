"""The web server's health check, quick to start (the standard library only):
`python -m app.probe` asks the server on this machine's PORT whether it is ready
(`GET /health/ready`), and exits 0 if it is, or 1 with one line that says what is wrong. The
image's HEALTHCHECK runs it, so that it follows PORT."""

import os
import sys
import urllib.error
import urllib.request

# Below a container runtime's usual timeout for a check (5 s).
TIMEOUT_SECONDS = 4


def ready(port: str) -> str | None:
    """None when the server on the port answers GET /health/ready with 200, else what is wrong."""
    url = f"http://127.0.0.1:{port}/health/ready"
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS):
            return None
    except urllib.error.HTTPError as error:
        return f"{url} answered {error.code}"
    except OSError as error:
        return f"{url} did not answer: {error}"


def main() -> int:
    problem = ready(os.environ.get("PORT") or "8000")
    if problem is not None:
        print(problem, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
