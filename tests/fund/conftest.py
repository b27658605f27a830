from tests.contributions.factories import rates  # noqa: F401
