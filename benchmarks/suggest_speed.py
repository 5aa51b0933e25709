"""Suggestions from the rules and the dictionary for a 2 MB document.

Goal (issue 14): rules + dictionary for a 2 MB document in under 300 ms (what the
window waits for off its UI thread). The floor is the least work that finds the same
candidates: one ``re.finditer`` pass of each default rule's regex and one raw
Aho-Corasick pass (pyahocorasick) of the dictionary's texts, without word boundaries,
labels, rejections or merging. Both sides run alternately; medians are compared.

    python benchmarks/suggest_speed.py              # 2 MB, 3,000 dictionary entries
    python benchmarks/suggest_speed.py --scale 0.1  # quick run
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import ahocorasick  # noqa: E402

from annotator.core.suggest.compute import suggest_text  # noqa: E402
from annotator.core.suggest.dictionary import Dictionary  # noqa: E402
from annotator.core.suggest.rules import DEFAULT_RULES, compile_rules  # noqa: E402
from ui_common import elapsed_ms, make_text, verdict  # noqa: E402

GOAL_MS = 300.0
SAMPLES = Path(__file__).parent.parent / "sample_docs"
EXTRAS = ("Kim Jong Un 👩‍👩‍👧 met 東京 officials", "“We will not back down,” the minister said 🇰🇷.",
          "Talks «sans conditions» cost $2 billion and 40% of 10,000 troops moved 5 km.")


def realistic_text(size: int) -> str:
    """The sample articles, emoji, CJK and quotes among generated prose, about ``size`` characters."""
    rng = random.Random(3)
    articles = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    prose = make_text(size).split("\n")
    parts: list[str] = []
    total = 0
    while total < size:
        part = rng.choice(articles) if rng.random() < 0.1 else rng.choice(prose) + " " + rng.choice(EXTRAS)
        parts.append(part)
        total += len(part) + 1
    return "\n".join(parts)[:size]


def dictionary_votes(text: str, entries: int) -> dict[tuple[str, str], int]:
    """Names and phrases found in the text (so they match often) plus made-up names, ``entries`` in all."""
    rng = random.Random(4)
    known = ["Kim Jong Un", "Seoul", "Washington", "North Korea", "minister", "analysts", "Russia", "Putin",
             "the border", "Pyongyang", "Moscow", "1.3 million soldiers", "東京"]
    votes = {(name, "actor"): 3 for name in known}
    while len(votes) < entries:
        votes[(f"{rng.choice(['General', 'Minister', 'Dr.'])} Person{len(votes)} Name{rng.randrange(999)}",
               rng.choice(["actor", "claim"]))] = 1
    return votes


def ours(text: str, rules, dictionary) -> int:
    return len(suggest_text(text, rules, dictionary))


def floor(text: str, regexes, automaton) -> int:
    found = sum(1 for regex in regexes for _ in regex.finditer(text))
    return found + sum(1 for _ in automaton.iter(text))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the 2 MB document")
    parser.add_argument("--entries", type=int, default=3000, help="dictionary entries")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    text = realistic_text(int(2_000_000 * args.scale))
    started = time.perf_counter()
    rules = compile_rules(DEFAULT_RULES)
    dictionary = Dictionary(dictionary_votes(text, args.entries))
    built_ms = (time.perf_counter() - started) * 1000
    automaton = ahocorasick.Automaton()
    for entry in dictionary.entries:
        automaton.add_word(entry, entry)
    automaton.make_automaton()
    regexes = [regex for _, regex in rules.regexes]
    mine, base, cpu = [], [], []
    for _ in range(args.repeat):
        started_cpu = time.process_time()
        mine.append(elapsed_ms(lambda: ours(text, rules, dictionary)))
        cpu.append((time.process_time() - started_cpu) * 1000)
        base.append(elapsed_ms(lambda: floor(text, regexes, automaton)))
    ours_ms, floor_ms = statistics.median(mine), statistics.median(base)
    print(f"document: {len(text):,} characters; {len(dictionary):,} dictionary entries; "
          f"{ours(text, rules, dictionary):,} suggestions; rules and dictionary built once in {built_ms:.0f} ms")
    print(f"rules + dictionary (suggest_text):     {ours_ms:7.1f} ms (median of {args.repeat})")
    print(f"  of which CPU time of this process:   {statistics.median(cpu):7.1f} ms (the rest: waiting for a shared core)")
    print(f"floor (finditer + raw Aho-Corasick):   {floor_ms:7.1f} ms")
    print(f"ratio to the floor {ours_ms / floor_ms:.2f}")
    goal = GOAL_MS * args.scale
    print(f"{ours_ms:.0f} ms (goal < {goal:.0f} ms) -> {verdict(ours_ms / goal, 1.0)}")


if __name__ == "__main__":
    main()
