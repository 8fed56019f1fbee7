#!/usr/bin/env python3
"""Scores gitleaks, detect-secrets and vox-clavis-lint's `hardcoded-secret` on the labelled corpus.

Called by bench/hardcoded/run, which leaves each tool's JSON report, the wall times and the
versions in .work/results/. Per tool, findings are deduplicated to (file, line): a planted `pos`
item is found when any finding falls within its line range; a finding is a true positive when it
falls within a `pos` range and a false positive otherwise (on a look-alike or on any other line).
Prints recall, precision, F1 and wall time per tool, recall per class, and the linter's missed
and false-positive classes (names and counts, never values); writes the same to RESULTS.md.
"""

import argparse
import collections
import datetime
import json
import os
import platform
import statistics
import sys
from pathlib import Path

TOOLS = ["vox-clavis-lint", "gitleaks", "detect-secrets"]
LINTER = "vox-clavis-lint"


def group_of(cls: str) -> str:
    if cls.startswith("config-"):
        return "config text in a literal"
    if cls.startswith("url-"):
        return "URL with user:password@"
    if cls.startswith("split-"):
        return "key split across pieces"
    if cls.startswith("pem-"):
        return "PEM private key"
    if cls == "password-strong":
        return "strong password binding"
    if cls in ("basic-auth-header", "bearer-opaque"):
        return "Authorization header value"
    return "provider token (prefix or keyword)"


def load_labels(path: Path):
    items = []
    with open(path) as f:
        next(f)
        for line in f:
            file, first, last, cls, label = line.rstrip("\n").split("\t")
            items.append({"file": file, "first": int(first), "last": int(last), "cls": cls, "label": label,
                          "shape": "?"})
    shapes = path.with_name("shapes.tsv")  # written by gen.py beside the labels
    if shapes.exists():
        by_key = {}
        with open(shapes) as f:
            next(f)
            for line in f:
                file, first, last, shape = line.rstrip("\n").split("\t")
                by_key[(file, int(first), int(last))] = shape
        for it in items:
            it["shape"] = by_key.get((it["file"], it["first"], it["last"]), "?")
    return items


def rel(path: str, root: Path, corpus: Path) -> str:
    p = Path(path)
    if not p.is_absolute():
        p = root / p
    return os.path.relpath(os.path.normpath(p), corpus)


def findings(tool: str, results: Path, root: Path, corpus: Path) -> set:
    out = set()
    if tool == "gitleaks":
        text = (results / "gitleaks.json").read_text().strip()
        for f in json.loads(text) if text else []:
            out.add((rel(f["File"], root, corpus), int(f["StartLine"])))
    elif tool == "detect-secrets":
        doc = json.loads((results / "detect-secrets.json").read_text())
        for file, found in doc["results"].items():
            for f in found:
                out.add((rel(f.get("filename", file), root, corpus), int(f["line_number"])))
    else:
        doc = json.loads((results / "vox-clavis-lint.json").read_text())
        for f in doc["findings"]:
            if f["rule"] == "hardcoded-secret":
                out.add((rel(f["path"], root, corpus), int(f["line"])))
    return out


def notes(tool: str, items, results: Path, root: Path, corpus: Path, n_files: int) -> list:
    """Checks that keep the harness honest: files the linter did not check, findings of other
    rules, and false positives whose multi-line span (where the tool gives one) reaches a positive."""
    out = []
    spans = []
    if tool == "gitleaks":
        text = (results / "gitleaks.json").read_text().strip()
        spans = [(rel(f["File"], root, corpus), int(f["StartLine"]), int(f["EndLine"]))
                 for f in (json.loads(text) if text else [])]
    elif tool == LINTER:
        doc = json.loads((results / "vox-clavis-lint.json").read_text())
        checked = doc.get("summary", {}).get("files")
        if checked is not None and checked != n_files:
            out.append(f"checked {checked} of the corpus's {n_files} files")
        other = collections.Counter(f["rule"] for f in doc["findings"] if f["rule"] != "hardcoded-secret")
        if other:
            out.append("findings of other rules (files not fully checked?): "
                       + ", ".join(f"{r} {n}" for r, n in sorted(other.items())))
        spans = [(rel(f["path"], root, corpus), int(f["line"]), int(f.get("end_line") or f["line"]))
                 for f in doc["findings"] if f["rule"] == "hardcoded-secret"]
    pos = collections.defaultdict(list)
    for it in items:
        if it["label"] == "pos":
            pos[it["file"]].append(it)
    start_in = {(f, l) for f, l, _ in spans if any(it["first"] <= l <= it["last"] for it in pos[f])}
    reach = {(f, l) for f, l, e in spans if (f, l) not in start_in
             and any(l <= it["last"] and it["first"] <= e for it in pos[f])}
    if reach:
        out.append(f"{len(reach)} false positive(s) start outside every positive but their span reaches one")
    return out


def score(items, found: set):
    by_file = collections.defaultdict(list)
    for it in items:
        by_file[it["file"]].append(it)
    hit = set()
    tp = fp = 0
    fp_classes = collections.Counter()
    for file, line in found:
        covering = [it for it in by_file.get(file, []) if it["first"] <= line <= it["last"]]
        if any(it["label"] == "pos" for it in covering):
            tp += 1
        else:
            fp += 1
            negs = [it for it in covering if it["label"] == "neg"]
            fp_classes[negs[0]["cls"] if negs else "(unlabelled line)"] += 1
        for it in covering:
            hit.add(id(it))
    pos = [it for it in items if it["label"] == "pos"]
    neg = [it for it in items if it["label"] == "neg"]
    found_pos = [it for it in pos if id(it) in hit]
    flagged_neg = [it for it in neg if id(it) in hit]
    recall = len(found_pos) / len(pos) if pos else 0.0
    precision = tp / (tp + fp) if tp + fp else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    per_class = collections.defaultdict(lambda: [0, 0])
    for it in pos:
        per_class[it["cls"]][1] += 1
        if id(it) in hit:
            per_class[it["cls"]][0] += 1
    neg_class = collections.defaultdict(lambda: [0, 0])
    for it in neg:
        neg_class[it["cls"]][1] += 1
        if id(it) in hit:
            neg_class[it["cls"]][0] += 1
    per_shape = collections.defaultdict(lambda: [0, 0])
    for it in pos:
        per_shape[it["shape"]][1] += 1
        if id(it) in hit:
            per_shape[it["shape"]][0] += 1
    per_group = collections.defaultdict(lambda: [0, 0])
    for cls, (h, n) in per_class.items():
        per_group[group_of(cls)][0] += h
        per_group[group_of(cls)][1] += n
    return {"recall": recall, "precision": precision, "f1": f1, "findings": len(found), "tp": tp, "fp": fp,
            "found_pos": len(found_pos), "pos": len(pos), "flagged_neg": len(flagged_neg), "neg": len(neg),
            "per_class": per_class, "neg_class": neg_class, "per_group": per_group, "per_shape": per_shape, "fp_classes": fp_classes}


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|"]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", type=Path, required=True, help="the directory the tools ran in")
    ap.add_argument("--labels", type=Path, required=True)
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--results", type=Path, required=True)
    ap.add_argument("--write", type=Path, help="write the report (markdown) here")
    args = ap.parse_args()
    root, corpus = args.root.resolve(), args.corpus.resolve()

    items = load_labels(args.labels)
    samples = collections.defaultdict(list)
    for line in (args.results / "times.tsv").read_text().splitlines():
        name, secs, _code = line.split("\t")
        samples[name].append(float(secs))
    times = {name: statistics.median(v) for name, v in samples.items()}
    n_rounds = min(len(v) for v in samples.values())
    versions = dict(l.split("\t", 1) for l in (args.results / "versions.tsv").read_text().splitlines())
    commands = [l.split("\t", 1) for l in (args.results / "commands.txt").read_text().splitlines()]
    scores = {t: score(items, findings(t, args.results, root, corpus)) for t in TOOLS}

    files = sorted(corpus.rglob("*.rs"))
    tool_notes = {t: notes(t, items, args.results, root, corpus, len(files)) for t in TOOLS}
    notes_text = "\n".join(f"- {t}: {n}" for t in TOOLS for n in tool_notes[t]) or "- none"
    n_lines = sum(p.read_text().count("\n") for p in files)
    pos_classes = sorted({it["cls"] for it in items if it["label"] == "pos"})
    neg_classes = sorted({it["cls"] for it in items if it["label"] == "neg"})
    s0 = scores[TOOLS[0]]

    main_table = table(
        ["tool", "recall", "precision", "F1", "findings (file, line)", "TP / FP", "look-alikes flagged", "wall s"],
        [[t, f"{s['recall']:.3f}", f"{s['precision']:.3f}", f"{s['f1']:.3f}", s["findings"], f"{s['tp']} / {s['fp']}",
          f"{s['flagged_neg']} / {s['neg']}", f"{times[t]:.2f}"] for t, s in scores.items()])
    groups = sorted(s0["per_group"])
    group_table = table(["structure (positives)", "items"] + TOOLS,
                        [[g, s0["per_group"][g][1]] + [f"{scores[t]['per_group'][g][0] / scores[t]['per_group'][g][1]:.2f}"
                                                     for t in TOOLS] for g in groups])
    shapes = sorted(s0["per_shape"])
    shape_table = table(["code shape (positives)", "items"] + TOOLS,
                        [[sh, s0["per_shape"][sh][1]] + [f"{scores[t]['per_shape'][sh][0] / scores[t]['per_shape'][sh][1]:.2f}"
                                                        for t in TOOLS] for sh in shapes])
    class_table = table(["positive class", "items"] + TOOLS,
                        [[c, s0["per_class"][c][1]] + [f"{scores[t]['per_class'][c][0]}/{scores[t]['per_class'][c][1]}"
                                                     for t in TOOLS] for c in pos_classes])
    neg_table = table(["look-alike class (neg)", "items"] + [f"{t} flagged" for t in TOOLS],
                      [[c, s0["neg_class"][c][1]] + [scores[t]["neg_class"][c][0] for t in TOOLS] for c in neg_classes])

    lin = scores[LINTER]
    missed = [(c, h, n) for c, (h, n) in sorted(lin["per_class"].items()) if h < n]
    fp_list = sorted(lin["fp_classes"].items(), key=lambda kv: (-kv[1], kv[0]))
    missed_text = ", ".join(f"{c} {n - h}/{n}" for c, h, n in missed) or "none"
    fp_text = ", ".join(f"{c} {k}" for c, k in fp_list) or "none"

    print()
    print(main_table)
    print()
    print(group_table)
    print()
    print(shape_table)
    print()
    print(f"{LINTER}: missed positive classes (class missed/planted): {missed_text}")
    print(f"{LINTER}: false-positive findings by class: {fp_text}")
    print("harness checks:\n" + notes_text)
    print()
    print(class_table)
    print()
    print(neg_table)
    if not args.write:
        return 0

    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    n_pos = sum(1 for it in items if it["label"] == "pos")
    n_neg = len(items) - n_pos
    cmd_lines = "\n".join(f"{c}" for _, c in commands)
    ver_lines = "\n".join(f"- {k}: {v}" for k, v in versions.items())
    report = f"""# `hardcoded-secret` against gitleaks and detect-secrets

Generated by `bench/hardcoded/run` on {now} ({platform.machine()}, {os.cpu_count()} cores). See
[README.md](README.md) for what is measured and how the corpus is made.

Corpus: {len(files)} generated Rust files, {n_lines} lines; {len(items)} planted items: {n_pos}
positives in {len(pos_classes)} classes, {n_neg} look-alikes (negatives) in {len(neg_classes)} classes.

Recall = planted positives with at least one finding in their line range / all positives.
Precision = findings (deduplicated to file and line) inside a positive's range / all findings:
a finding on a look-alike or on any other line is a false positive. Wall time is one run of each
tool over the whole corpus, the median of {n_rounds} interleaved round(s) in the same run.

{main_table}

## Recall per structure

{group_table}

## Recall per code shape

`split` is a key cut in two literals joined by `concat!`, `format!`, `+` or two consts; `call`
an argument of `std::env::var`.

{shape_table}

## {LINTER}: what it missed and where it was wrong

- Missed positive classes (class missed/planted): {missed_text}
- False-positive findings by class: {fp_text}

Harness checks (files left unchecked, other rules' findings, spans that start before a
positive's range):

{notes_text}

## Recall per positive class (found/planted)

{class_table}

## Look-alikes flagged per class (items with at least one finding)

{neg_table}

## Versions

{ver_lines}

## Commands (from the repository root)

```sh
python3 bench/hardcoded/gen.py
{cmd_lines}
python3 bench/hardcoded/score.py --root . --labels bench/hardcoded/.work/labels.tsv \\
    --corpus bench/hardcoded/.work/corpus --results bench/hardcoded/.work/results --write bench/hardcoded/RESULTS.md
```

`gitleaks` and `detect-secrets` run with their built-in defaults; the linter with `--no-config`
(its built-in configuration, not this repository's `vox-clavis-lint.toml`) and only the
`hardcoded-secret` rule. Reports land in `bench/hardcoded/.work/results/` (git-ignored).
"""
    args.write.write_text(report)
    print(f"wrote {args.write}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
