"""Regenerate the France-wide commune, département and EPCI tables from the npm package.

    npm ci --ignore-scripts && python scripts/build_communes_fr.py

Reads node_modules/@etalab/decoupage-administratif/data (INSEE Code officiel géographique, MIT) and
writes, in orientation/territory/data/:
- communes-france.csv.gz: code, nom, codes_postaux (space-separated), commune (the current commune a
  municipal arrondissement or a commune déléguée/associée belongs to; empty for a current commune),
  departement, anciens_codes (space-separated);
- departements-france.csv: code, nom;
- epci-france.csv.gz: siren, nom.
The package has no positions: only the Vaucluse communes have a centre (the territory table).
The files are written byte for byte the same from the same package (gzip without a timestamp).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "node_modules" / "@etalab" / "decoupage-administratif"
OUT = ROOT / "orientation" / "territory" / "data"


def _csv_text(header: list[str], rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _write_gzip(path: Path, text: str) -> None:
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as handle:
        handle.write(text.encode("utf-8"))


def commune_rows(communes: list[dict]) -> list[list[str]]:
    rows = []
    for entry in communes:
        if entry["type"] == "commune-actuelle":
            parent = ""
        elif entry["type"] == "arrondissement-municipal":
            parent = entry["commune"]
        else:  # commune déléguée or associée: its name still appears in addresses
            parent = entry.get("chefLieu", "")
        rows.append(
            [
                entry["code"],
                entry["nom"],
                " ".join(entry.get("codesPostaux", [])),
                parent,
                entry["departement"],
                " ".join(entry.get("anciensCodes", [])),
            ]
        )
    return sorted(rows, key=lambda row: (row[0], row[3], row[1]))


def main() -> None:
    data = PACKAGE / "data"
    version = json.loads((PACKAGE / "package.json").read_text(encoding="utf-8"))["version"]
    communes = json.loads((data / "communes.json").read_text(encoding="utf-8"))
    header = ["code", "nom", "codes_postaux", "commune", "departement", "anciens_codes"]
    _write_gzip(OUT / "communes-france.csv.gz", _csv_text(header, commune_rows(communes)))
    departements = json.loads((data / "departements.json").read_text(encoding="utf-8"))
    (OUT / "departements-france.csv").write_text(
        _csv_text(["code", "nom"], sorted([d["code"], d["nom"]] for d in departements)), encoding="utf-8"
    )
    epcis = json.loads((data / "epci.json").read_text(encoding="utf-8"))
    _write_gzip(OUT / "epci-france.csv.gz", _csv_text(["siren", "nom"], sorted([e["code"], e["nom"]] for e in epcis)))
    counts = f"{len(communes)} communes, {len(departements)} départements, {len(epcis)} EPCI"
    print(f"@etalab/decoupage-administratif {version}: {counts}")


if __name__ == "__main__":
    main()
