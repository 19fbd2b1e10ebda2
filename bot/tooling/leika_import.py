"""Import the national service catalogue (LeiKa + OZG mapping) for Hessen.

Run once by hand when the shared copy changes::

    python -m bot.tooling.leika_import ../shared/data/leika/leistungskatalog_ozg_2019.csv

It writes ``data/knowledge/leistungskatalog_hessen.csv``: every row of the source, unchanged,
except two test rows of the source database and the rows that belong to another Land only (see :data:`OTHER_LAND_NAME` and
:data:`OTHER_LAND_LAW`). The product reads only the written file, never ``../shared``.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

from bot.knowledge.catalogue import CATALOGUE_PATH, COLUMNS

# A service whose name names another Land (or a lake Hessen does not border) exists only there.
OTHER_LAND_NAME = re.compile(
    r"Rheinland-Pfalz|rheinland-pfälz|\bRLP\b|\bNRW\b|Nordrhein-Westfalen|Bodensee|\bBerlin|\bBremen\b"
)
# A service whose legal basis is another Land's own regulation (not a federal law with a
# link that happens to point to another Land's website) exists only there.
OTHER_LAND_LAW = re.compile(r"Sächsisch")
# Two rows of the source database are test entries ("Test 4", key "3233"), not services.
LEIKA_KEY = re.compile(r"^99\d{12}$|^nicht im LeiKa$")


def belongs_to_other_land(row: dict[str, str]) -> bool:
    """True if the row is a service of another Land only."""
    return bool(OTHER_LAND_NAME.search(row["leistung"]) or OTHER_LAND_LAW.search(row["rechtsgrundlage"]))


def main(argv: list[str]) -> int:
    """Filter the source CSV (first argument) into data/knowledge/leistungskatalog_hessen.csv."""
    if len(argv) != 1:
        print(__doc__)
        return 2
    with Path(argv[0]).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    services = [row for row in rows if LEIKA_KEY.match(row["leika_schluessel"])]
    kept = [row for row in services if not belongs_to_other_land(row)]
    with CATALOGUE_PATH.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows({key: row[key] for key in COLUMNS} for row in kept)
    print(
        f"{len(rows)} rows read, {len(rows) - len(services)} test rows and "
        f"{len(services) - len(kept)} of another Land dropped, {len(kept)} written"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
