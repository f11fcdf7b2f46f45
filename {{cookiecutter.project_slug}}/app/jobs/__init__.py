"""Background jobs: work that a request asks for and a worker process does after the response.

The database is where a job is kept; Redis only carries the word that it is there.

- `work.enqueue(session, ...)` adds the job to the session, as a row of `jobs`
  (app/jobs/models.py): the commit that stores what the request changed stores it too, or none
  does. Once that transaction has committed, the row's id goes to the broker, and a worker runs
  the job (app/jobs/runner.py). A rolled-back request leaves no job behind.
- A job's own writes, through the session it is given, commit together with the deletion of its
  row: a job that two workers run (a redelivery) changes the database once. What it does
  elsewhere (a mail, a call to another service) happens at least once, and may happen twice.
- What the broker did not take (Redis down, the process gone before it sent) or did not finish (a
  worker killed mid-job) stays in `jobs`, and the relay sends it again: the scheduler has a
  worker run it every JOBS_RELAY_SECONDS, for each job due (app/jobs/outbox.py).
- A failing job is tried again later, JOBS_RETRY_SECONDS after its first attempt and twice as
  long after each further one, up to JOBS_MAX_ATTEMPTS; then its row stays, marked failed, with
  the error: the dead letters, in SQL.

`python -m app.worker` runs jobs and `python -m app.scheduler` runs the periodic ones; see
docs/jobs.md.
"""

from app.jobs.outbox import Work, job

__all__ = ["Work", "job"]
