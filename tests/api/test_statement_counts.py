"""No N+1 in the API: a page of 3 or of 20 entries costs the same number of SQL statements."""

from __future__ import annotations

from orientation.referrals.lifecycle import OrientationStatus as S
from tests.directory import builders as directory_builders
from tests.referrals.test_statement_counts import counting

NUMERIQUE = "numerique--acceder-a-des-services-en-ligne"
URLS = [
    "/api/v1/orientations?box=received",
    "/api/v1/orientations?box=sent",
    "/api/v1/hsds/services",
    "/api/v1/hsds/service_at_locations?postcode=84000",
    "/api/v1/hsds/organizations",
    "/api/v1/data-inclusion/services",
    "/api/v1/data-inclusion/structures",
]


def _statements(world, api, count: int) -> dict[str, int]:
    for _ in range(count):
        world.orientation(S.ACCEPTED)
        directory_builders.service(thematiques=[NUMERIQUE], zones=["84"])
    found = {}
    for url in URLS:
        api.get(url)  # warm caches (token's last use, reference data)
        with counting() as statements:
            assert api.get(url).status_code == 200
        found[url] = len(statements)
    return found


def test_api_pages_cost_the_same_with_3_or_20_entries(world, sender_api, receiver_api):
    few = _statements(world, receiver_api, 3)
    many = _statements(world, receiver_api, 17)
    assert few == many
