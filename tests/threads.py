"""Real threads for the concurrency tests (PostgreSQL): requests released together."""

import threading

from django.db import connection


def at_once(n, request):
    """Run request(i) in n threads released together by a barrier; return their answers in order."""
    barrier, answers = threading.Barrier(n), [None] * n

    def run(i):
        barrier.wait()
        try:
            answers[i] = request(i)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers
