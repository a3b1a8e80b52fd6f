"""The coordination's lists of structures and of join requests: paged with paging.Page and searched with
`?q=` (accents and case ignored), in a constant number of statements."""

from __future__ import annotations

from orientation.organisations import queries
from tests.referrals.test_statement_counts import counting


def _names(html: str, names) -> list[str]:
    return [name for name in names if f"<td>{name}</td>" in html]


def test_the_structures_list_pages_searches_and_clamps(make, logged_in, monkeypatch):
    coordinator = make.user(coordinator=True)
    names = [f"Épicerie solidaire {number}" for number in range(5)]
    for name in names:
        make.organisation(name=name)
    monkeypatch.setattr(queries, "ORGANISATIONS_PAGE", 2)
    client = logged_in(coordinator)
    pages = [client.get(f"/structures/?q=epicerie&page={n}").get_data(as_text=True) for n in (1, 2, 3)]
    shown = [_names(page, names) for page in pages]
    assert [len(found) for found in shown] == [2, 2, 1] and sorted(sum(shown, [])) == sorted(names)
    assert "5 structures pour « epicerie » — page 1 sur 3" in pages[0] and "q=epicerie" in pages[0]
    beyond = client.get("/structures/?q=epicerie&page=12").get_data(as_text=True)
    assert "page 3 sur 3" in beyond and _names(beyond, names) == shown[2]
    found = client.get("/structures/?q=EPICERIE+solidaire+3").get_data(as_text=True)
    assert _names(found, names) == ["Épicerie solidaire 3"] and "1 structure pour" in found
    assert "Aucune structure ne correspond à « zzz »" in client.get("/structures/?q=zzz").get_data(as_text=True)


def test_the_structures_list_takes_as_many_statements_for_3_as_for_30(make, logged_in):
    client = logged_in(make.user(coordinator=True))

    def measure():
        with counting() as statements:
            assert client.get("/structures/").status_code == 200
        return len(statements)

    for _ in range(3):
        make.organisation()
    small = measure()
    for _ in range(27):
        make.organisation()
    assert measure() == small
