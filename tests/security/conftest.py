import pytest


@pytest.fixture(autouse=True)
def attachments_folder(app, tmp_path, monkeypatch):
    """The world's documents (and those the attacks upload) are written under the test's own folder."""
    folder = tmp_path / "attachments"
    monkeypatch.setitem(app.config, "ATTACHMENTS_FOLDER", str(folder))
    return folder
