"""Sending a ledger to POST property/imports as a client would, the worker's task run on commit."""


def import_ledger(client, capture, **fields) -> dict:
    """The import as GET property/imports/{id} answers once its task has run."""
    with capture(execute=True):
        answer = client.post("/api/v1/property/imports", fields)
    assert answer.status_code == 202, answer.content
    return client.get(f"/api/v1/property/imports/{answer.json()['id']}").json()
