#!/usr/bin/env python3
"""Times every people page and API list of a running `frs serve` (a benchmark, not a test).

    python3 scripts/bench/people_pages.py http://127.0.0.1:8080 [--runs 5]

For each address: the first answer (cold: the server may read its embeddings or make suggestions) and
the median of the next runs (warm), in milliseconds, with the size of the answer. On loopback the time
to the last byte is the server's time plus well under a millisecond. Deep pages are reached by following
`next` links, as a user or client would. Prints a Markdown table.
"""
import json
import statistics
import sys
import time
import urllib.parse
import urllib.request


def fetch(base, path):
    started = time.perf_counter()
    with urllib.request.urlopen(base + path, timeout=600) as response:
        body = response.read()
    return (time.perf_counter() - started) * 1000, body


def api(base, path):
    return json.loads(fetch(base, path)[1])


def follow(base, path, key, pages):
    """The `after` of page `pages` of a list (following `next`), or None when it has fewer pages."""
    after = None
    for _ in range(pages - 1):
        separator = "&" if "?" in path else "?"
        answer = api(base, path + (separator + "after=" + urllib.parse.quote(after) if after else ""))
        after = answer.get(key)
        if not after:
            return None
    return after


def main():
    base = sys.argv[1].rstrip("/")
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 5
    people = api(base, "/api/people?limit=2")["items"]
    big, second = people[0]["id"], people[1]["id"]
    named = api(base, "/api/people?sort=name&limit=1")["items"][0]["name"]
    term = named[:3].lower()
    grid50 = follow(base, "/api/people?limit=60", "next", 50)
    faces20 = follow(base, f"/api/people/{big}?limit=120", "next", 20)
    unassigned50 = follow(base, "/api/faces?unassigned=1&limit=120", "next", 50)
    quote = urllib.parse.quote
    paths = [
        ("people grid", "/"),
        ("people grid by name", "/?sort=name"),
        ("people grid, recently changed", "/?sort=recent"),
        (f"people grid, search '{term}'", "/?q=" + quote(term)),
        ("people grid, page 50", "/?after=" + quote(grid50) if grid50 else None),
        (f"person page (largest, {people[0]['faces']} faces)", f"/people/{big}"),
        ("person page, page 20 of faces", f"/people/{big}?after=" + quote(faces20) if faces20 else None),
        ("is this X? (largest person)", f"/people/{big}/review"),
        ("likely wrong (largest person)", f"/people/{big}/likely-wrong"),
        ("merge suggestions", "/people/merge-suggestions"),
        ("photos of the two largest together", f"/photos?with={big}&with={second}"),
        ("photos of the largest", f"/photos?with={big}"),
        ("unassigned faces and suggestions", "/faces/unassigned"),
        ("unassigned faces, page 50", "/faces/unassigned?after=" + quote(unassigned50) if unassigned50 else None),
        ("API people", "/api/people"),
        (f"API people ?q={term}", "/api/people?q=" + quote(term) + "&limit=10"),
        ("API person", f"/api/people/{big}"),
        ("API faces of a person", f"/api/faces?person={big}"),
        ("API unassigned faces", "/api/faces?unassigned=1"),
        ("API review", f"/api/people/{big}/review"),
        ("API likely wrong", f"/api/people/{big}/likely-wrong"),
        ("API merge suggestions", "/api/merge-suggestions"),
        ("API photos of two", f"/api/photos?with={big}&with={second}"),
        ("API suggestions", "/api/suggestions"),
        ("API status", "/api/status"),
    ]
    print("| page | first (ms) | warm median (ms) | size (KB) |")
    print("|---|---|---|---|")
    worst = 0.0
    for name, path in paths:
        if path is None:
            print(f"| {name} | - | - | (fewer pages) |")
            continue
        first, body = fetch(base, path)
        warm = statistics.median(fetch(base, path)[0] for _ in range(runs))
        worst = max(worst, warm)
        print(f"| {name} | {first:.1f} | {warm:.1f} | {len(body) / 1024:.1f} |")
    print(f"\nslowest warm answer: {worst:.1f} ms")


if __name__ == "__main__":
    main()
