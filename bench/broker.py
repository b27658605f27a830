"""A Celery broker for the HTTP benchmarks, as in production: the server queues its follow-up tasks to Redis
and no worker consumes them during the timed part (production runs workers elsewhere). Each bench uses a Redis
database of its own and drops the queue afterwards (the tasks name the bench database's rows)."""
import os


def bench_broker(variable: str, default: str) -> str | None:
    """The Redis URL from `variable` (or `default`) when it answers; None when it does not (or is set empty):
    the server then runs the tasks eagerly inside the requests, and the bench says so."""
    import redis

    url = os.environ.get(variable, default)
    if not url:
        return None
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return None
    return url


def queued_tasks(url: str, *, drop: bool = False) -> int:
    """Tasks waiting in the broker's default queue (dropped when `drop`)."""
    import redis

    client = redis.Redis.from_url(url)
    count = client.llen("celery")
    if drop:
        client.delete("celery")
    return count
