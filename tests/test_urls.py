from hypothesis import given
from hypothesis import strategies as st

from orientation.urls import safe_next_url


def test_local_paths_are_kept():
    assert safe_next_url("/structures/?q=ccas", "/") == "/structures/?q=ccas"


def test_offsite_and_tricky_targets_fall_back():
    for target in [
        "https://evil.example/",
        "//evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        "http:/evil",
        "",
        None,
        "relative/path",
        "/\x00x",
        "\\\\evil",
    ]:
        assert safe_next_url(target, "/") == "/"


@given(st.text(max_size=200))
def test_never_leaves_the_site(target):
    result = safe_next_url(target, "/home")
    assert result == "/home" or (result.startswith("/") and not result.startswith("//") and "\\" not in result)
