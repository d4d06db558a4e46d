from tests.api.conftest import api_as  # noqa: F401  (the API tests' token client, for the dispatch queue)
