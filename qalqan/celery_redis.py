"""Celery's Redis broker transport (kombu's), publishing through one Redis client per channel.

kombu's Redis channel makes a new redis-py client around its connection pool for every message it publishes
(conn_or_acquire), and building one (its table of response callbacks) was a quarter of the CPU of a task's
`.delay()` — an application queues four. The client is only a handle on the channel's pool (each command takes
a connection from the pool and gives it back), so the channel keeps one for as long as it keeps that pool. The
consumer's clients (the asynchronous pool of a worker's event loop) are kombu's own, unchanged.

settings.py names this transport for redis:// and rediss:// broker URLs.
"""
from kombu.transport import redis


class Channel(redis.Channel):
    _publish_client = None

    def _create_client(self, asynchronous=False):
        if asynchronous:
            return super()._create_client(asynchronous=True)
        client = self._publish_client
        if client is None or client.connection_pool is not self.pool:  # a new pool after a fork or disconnect
            client = self._publish_client = super()._create_client()
        return client


class Transport(redis.Transport):
    Channel = Channel
