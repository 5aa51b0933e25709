"""Completion over the actor list: a typed prefix to the list of entries, over 50,000 entries.

Goal (issue 13): under 50 ms per answer. The entries have two- to four-word names (a third of them
with aliases) and 20,000 spans (their text one of the entry's names) are linked to a tenth of them,
so ranking by mentions has work to do. Every
prefix of 1 to 4 characters an analyst would start with (the most common first letters, whole
first words, a later word) is asked ``--repeat`` times; the worst median is the answer time.

Usage: python benchmarks/actor_completion.py [--scale 1.0] [--repeat 11]
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ui_common import make_project, scale_and_repeat, verdict  # noqa: E402

GOAL_MS = 50.0
SYLLABLES = "kim lee park choi jung kang cho yoon jang lim han oh seo shin kwon hwang an song jeon hong yu ko moon " \
            "yang son bae baek heo nam sim noh ha kwak sung cha joo woo min ji hyun soo young ho jae".split()
PREFIXES = ["k", "ki", "kim", "kim j", "j", "ja", "h", "s", "so", "p", "ha", "a", "m", "yo", "wo"]


def name(rng: random.Random) -> str:
    return " ".join(rng.choice(SYLLABLES).capitalize() + rng.choice(["", *SYLLABLES])
                    for _ in range(rng.randint(2, 4)))


def main() -> int:
    args = scale_and_repeat()
    count = int(50_000 * args.scale)
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        project, doc_id, _text = make_project(Path(tmp) / "bench.db", int(400_000 * args.scale),
                                              int(20_000 * args.scale))
        with project.transaction():
            seen: set[str] = set()
            ids = []
            while len(ids) < count:
                canonical = name(rng)
                if canonical.casefold() in seen:
                    continue
                seen.add(canonical.casefold())
                aliases = [name(rng)] if len(ids) % 3 == 0 else []
                ids.append(project._create_actor(canonical, aliases=aliases, external_id=f"Q{len(ids) + 1}").id)
            linked = [project.actor(actor_id) for actor_id in ids[: max(1, count // 10)]]
            for span in project.spans(doc_id):  # as if each span's text were the entry's name or an alias
                actor = rng.choice(linked)
                project._write_link(span.id, actor.id, rng.choice(actor.names()))
        project.conn.execute("ANALYZE")
        answers = {}
        for prefix in PREFIXES:
            times = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                found = project.complete_actors(prefix)
                times.append((time.perf_counter() - started) * 1000)
            answers[prefix] = (statistics.median(times), len(found))
        reload_times = []
        for _ in range(args.repeat):  # what the open Actors panel reads again after a change of many spans
            started = time.perf_counter()
            rows = project.actor_counts()
            reload_times.append((time.perf_counter() - started) * 1000)
        project.close()
    print(f"the Actors panel's whole list read again (info: it does after an accept-all or a merge, while it is "
          f"shown): {len(rows):,} entries in {statistics.median(reload_times):.1f} ms")
    worst_prefix = max(answers, key=lambda p: answers[p][0])
    worst = answers[worst_prefix][0]
    print(f"completion over {count:,} actors ({int(20_000 * args.scale):,} linked spans), medians of "
          f"{args.repeat}: " + ", ".join(f"{p!r} {ms:.1f} ms" for p, (ms, _n) in answers.items()))
    print(f"worst: {worst_prefix!r} {worst:.1f} ms (goal < {GOAL_MS:.0f} ms) {verdict(worst / GOAL_MS, 1.0)}")
    return 0 if worst < GOAL_MS else 1


if __name__ == "__main__":
    sys.exit(main())
