"""Check a list reduction's draw (fastlegeforskriften § 11) from its published JSON.

Usage: python3 sjekk_trekning.py trekning.json
Needs only Python 3's standard library. Prints OK when the published seed and
households give exactly the published result, otherwise AVVIK and exits with 1.
"""

import hashlib
import json
import sys

with open(sys.argv[1], encoding="utf-8") as f:
    data = json.load(f)
assert data["method"] == "sha256-v2", data["method"]
seed = data["seed"]


def place(household):
    text = f"{seed}:{household['pseudonym']}"
    return hashlib.sha256(text.encode()).hexdigest(), household["pseudonym"]


room = {t["list"]: t["places"] for t in data["targets"]}
drawn = []
for household in sorted(data["households"], key=place):
    if not any(room.values()):
        break
    for target in data["targets"]:
        number = target["list"]
        if room[number] >= household["size"] and number not in household["excluded"]:
            room[number] -= household["size"]
            drawn.append({"pseudonym": household["pseudonym"], "list": number})
            break
if drawn == data["drawn"]:
    print("OK:", len(drawn), "husstander trukket, som publisert")
else:
    print("AVVIK: trekningen gir et annet resultat enn det som er publisert")
    sys.exit(1)
