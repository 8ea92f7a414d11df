#!/usr/bin/env python3
"""Measures the two thresholds of the people pages on a library of labelled photos (a measurement,
not part of the product): `PeopleService.reviewMinSimilarity` ("is this X?") and
`PeopleService.mergeMinSimilarity` (merge suggestions).

    python3 scripts/bench/people_thresholds.py LIBRARY.sqlite

The library is one `frs run` made of LFW photos (folder per identity). Only each photo's largest face
counts, labelled with its folder's name (LFW labels one face per photo). Needs numpy.
- Review: each face against the centre of the other faces of its identity (same person) and against
  the centres of the other identities (different people): what share of each is above a threshold.
- Merge: each identity with 4+ faces split into two halves (odd and even photos): the two halves'
  centres (the same person split in two) against the centres of two different identities.
"""
import sqlite3
import sys
from collections import defaultdict

import numpy as np


def load(path):
    db = sqlite3.connect(path)
    rows = db.execute("""
        SELECT mf."FilePath", fc."Embedding", fc."BoundingBox" FROM "Faces" fc
        JOIN "MediaItems" i ON i."Id" = fc."MediaItemId" JOIN "MediaFile" mf ON mf."Id" = i."MediaFileId"
        WHERE fc."Embedding" IS NOT NULL""").fetchall()
    largest = {}
    for path, blob, box in rows:
        x1, y1, x2, y2 = (float(v) for v in box.strip("[]").split(","))
        area = (x2 - x1) * (y2 - y1)
        if path not in largest or area > largest[path][0]:
            largest[path] = (area, np.frombuffer(blob, dtype="<f4"))
    identities = defaultdict(list)
    for path, (_, vector) in sorted(largest.items()):
        identities[path.split("/")[-2]].append(vector / np.linalg.norm(vector))
    return {name: np.array(vectors) for name, vectors in identities.items()}


def unit(v):
    return v / np.linalg.norm(v)


def shares(values, thresholds):
    values = np.array(values)
    return " ".join(f"{t:.2f}:{(values >= t).mean() * 100:5.1f}%" for t in thresholds)


def main():
    identities = load(sys.argv[1])
    names = [n for n, v in identities.items() if len(v) >= 2]
    centres = {n: unit(identities[n].sum(axis=0)) for n in names}
    own, other = [], []
    matrix = np.array([centres[n] for n in names])
    for index, name in enumerate(names):
        faces = identities[name]
        total = faces.sum(axis=0)
        for face in faces:
            own.append(float(face @ unit(total - face)))
        sims = matrix @ faces.T  # other identities' centres against this identity's faces
        sims = np.delete(sims, index, axis=0)
        other.extend(sims.max(axis=0).tolist())  # the most alike other person, per face
    thresholds = [0.35, 0.40, 0.45, 0.50, 0.55, 0.60]
    print(f"{len(names)} identities with 2+ faces, {len(own)} faces")
    print("review: a face against its own identity's centre (leave one out), share at or above")
    print("   ", shares(own, thresholds))
    print("review: a face against the most alike other identity's centre, share at or above")
    print("   ", shares(other, thresholds))

    split = [n for n in names if len(identities[n]) >= 4]
    halves = {n: (unit(identities[n][0::2].sum(axis=0)), unit(identities[n][1::2].sum(axis=0))) for n in split}
    same = [float(a @ b) for a, b in halves.values()]
    firsts = np.array([halves[n][0] for n in split])
    seconds = np.array([halves[n][1] for n in split])
    cross = firsts @ seconds.T
    different = cross[~np.eye(len(split), dtype=bool)]
    merge_thresholds = [0.50, 0.55, 0.60, 0.65, 0.70]
    print(f"merge: {len(split)} identities with 4+ faces split in two halves")
    print("  same person, share at or above ", shares(same, merge_thresholds))
    print(f"  different people ({len(different)} pairs), share at or above ", shares(different, merge_thresholds))


if __name__ == "__main__":
    main()
