"""Django's Redis cache, keeping one redis.Redis client per connection pool.

Django builds a new redis.Redis object for every cache operation; with redis-py 5+ each one
sets up hundreds of response callbacks, about a millisecond of CPU per get. The client is
thread-safe and the pool is already shared, so one client per pool is enough.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class PooledClient(RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = PooledClient
