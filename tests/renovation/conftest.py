import pytest

from renovation import defaults
from renovation.models import CatalogueItem


@pytest.fixture
def catalogue():
    """The report's catalogue (a transactional test's flush removes the migration's rows)."""
    defaults.ensure(CatalogueItem)
