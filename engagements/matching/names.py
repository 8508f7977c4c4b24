"""How names compare in conflict checks: the one normaliser for counterparties and organisations.

Plain Python (no NumPy, no Django): `lawyers.rules.normalise_organisation_name` calls it, so a
lawyer's declared conflicts and employers are stored normalised exactly as a matter's
counterparties are, and the conflict check is an equality test in SQL.
"""

from __future__ import annotations

import re
import unicodedata

# A dot inside a word is an abbreviation's ("L.L.P.", "A.G."): dropped, not a space, so the name
# compares equal to its undotted spelling ("LLP", "AG").
_ABBREVIATION_DOTS = re.compile(r"(?<=\w)\.(?=\w)")
_PUNCTUATION = re.compile(r"[^\w\s&]+")
_SPACES = re.compile(r"\s+")


def normalise_party_name(name: str) -> str:
    """A party's name as conflict checks compare it: accents, case, punctuation and spacing removed.

    "Müller & Co., Ltd." and "muller & co ltd" are the same party, as are "Kestrel L.L.P." and
    "Kestrel LLP". Use it both when storing declared conflicts and employers and when storing a
    matter's counterparties.
    """
    decomposed = unicodedata.normalize("NFKD", name or "")
    plain = "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
    return _SPACES.sub(" ", _PUNCTUATION.sub(" ", _ABBREVIATION_DOTS.sub("", plain))).strip()
