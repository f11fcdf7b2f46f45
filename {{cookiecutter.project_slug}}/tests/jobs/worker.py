"""`python -m tests.jobs.worker`: the worker as the live tests run it, with the tests' jobs too."""

from app.worker import JOB_MODULES, main

if __name__ == "__main__":
    main([*JOB_MODULES, "tests.jobs.work"])
