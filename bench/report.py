#!/usr/bin/env python3
"""Turn the bench's raw runs (runs.jsonl) into bench/RESULTS.md, bench/results.csv and bench/throughput.png.

Usage: report.py RUNS_JSONL META_JSON OUTPUT_DIR

Every figure is the median of its valid runs, with min and max; a run whose decisions did not all come from
the server (fail_open, errors, missing lines, out of order) is never counted as throughput: it is listed as
invalid with its problem and the figure fails when no valid run is left.
"""

import csv
import json
import statistics
import sys

# id, what, source figure, field, comparison, target, unit, scale (value shown = field * scale)
TARGETS = [
    ("mock_n1", "blocking vs mock --latency 10, N=1", "mock_n1", "rate", ">=", 90, "events/s", 1),
    ("mock_n8", "blocking vs mock --latency 10, N=8", "mock_n8", "rate", ">=", 720, "events/s", 1),
    ("mock_n64", "blocking vs mock --latency 10, N=64", "mock_n64", "rate", ">=", 5760, "events/s", 1),
    ("nginx_n64", "blocking vs nginx, N=64", "nginx_n64", "rate", ">=", 20000, "events/s", 1),
    ("vs_aiohttp", "blocking N=64 / Python aiohttp 64 in flight", None, None, ">=", 4, "×", 1),
    ("vs_curl_loop", "blocking N=64 / curl-per-line loop", None, None, ">=", 200, "×", 1),
    ("telemetry", "telemetry-only vs nginx, spawn to exit, counted at server", "telemetry", "rate", ">=", 20000,
     "events/s", 1),
    ("roundtrip_p50", "coprocess round trip p50, N=1, nginx", "roundtrip", "p50_us", "<=", 0.3, "ms", 0.001),
    ("roundtrip_p99", "coprocess round trip p99, N=1, nginx", "roundtrip", "p99_us", "<=", 1.0, "ms", 0.001),
    ("cpu_per_event", "capsule-gate CPU (user+sys) per blocking event, N=64", "nginx_n64", "cpu_us_per_event", "<=",
     50, "µs", 1),
    ("rss_100k", "peak RSS, 100,000 mixed events piped from the generator", "rss_100k", "maxrss_kb", "<=", 40, "MB",
     1 / 1024),
    ("rss_1m", "peak RSS, 1,000,000 mixed events piped from the generator (1 run)", "rss_1m", "maxrss_kb", "<=", 40,
     "MB", 1 / 1024),
    ("rss_flat", "peak RSS 1M / 100k", None, None, "<=", 1.10, "×", 1),
    ("spawn", "spawn to first decision, nginx", "spawn", "median_ms", "<=", 25, "ms", 1),
    ("https_n64", "blocking over HTTPS (test CA, --ca-file), N=64", "https_n64", "rate", ">=", 10000, "events/s", 1),
    ("https_connections", "TLS connections opened for the HTTPS run (reuse)", "https_n64", "server_connections", "<=",
     64, "connections", 1),
    ("mock_wrk", "capsule-gate mock: wrk -t1 -c64 -d5s, ~450 B POST", "mock_wrk", "rate", ">=", 20000, "requests/s", 1),
]

# Series without a target: baselines and the chart's other points. id, what, unit.
SERIES = [
    ("nginx_n1", "capsule-gate blocking vs nginx, N=1"),
    ("nginx_n8", "capsule-gate blocking vs nginx, N=8"),
    ("aiohttp_n1", "Python aiohttp vs nginx, 1 in flight"),
    ("aiohttp_n8", "Python aiohttp vs nginx, 8 in flight"),
    ("aiohttp_n64", "Python aiohttp vs nginx, 64 in flight"),
    ("curl_loop", "bash loop, one curl per line (vendor docs' pattern)"),
    ("xargs_p8", "xargs -P 8 curl"),
    ("xargs_p64", "xargs -P 64 curl"),
]


def load(path):
    runs = {}
    with open(path) as handle:
        for line in handle:
            line = line.strip()
            if line:
                record = json.loads(line)
                runs.setdefault(record.get("figure"), []).append(record)
    return runs


def stats(runs, field, scale=1):
    """Return (median, min, max, valid runs, total runs, problems) of `field` over the valid runs."""
    records = runs.get(field[0], [])
    good = [r[field[1]] * scale for r in records if r.get("valid", True) and r.get(field[1]) is not None]
    problems = sorted({r.get("problems", "") for r in records if not r.get("valid", True)})
    if not good:
        return None, None, None, 0, len(records), problems
    return statistics.median(good), min(good), max(good), len(good), len(records), problems


def fmt(value, unit):
    if value is None:
        return "—"
    if unit in ("events/s", "requests/s", "connections"):
        return "{:,.0f}".format(value)
    if unit == "×":
        return "{:,.2f}".format(value) if value < 100 else "{:,.0f}".format(value)
    if unit in ("ms",):
        return "{:.3f}".format(value) if value < 1 else "{:.2f}".format(value)
    return "{:.1f}".format(value)


def main():
    runs_path, meta_path, out_dir = sys.argv[1:4]
    runs = load(runs_path)
    with open(meta_path) as handle:
        meta = json.load(handle)

    computed = {}
    rows = []
    for fid, what, source, field, op, target, unit, scale in TARGETS:
        if source:
            med, lo, hi, n_ok, n_all, problems = stats(runs, (source, field), scale)
        else:
            med = lo = hi = None
            n_ok = n_all = 0
            problems = []
            pairs = {"vs_aiohttp": ("nginx_n64", "aiohttp_n64"), "vs_curl_loop": ("nginx_n64", "curl_loop"),
                     "rss_flat": ("rss_1m", "rss_100k")}[fid]
            key = "maxrss_kb" if fid == "rss_flat" else "rate"
            a = stats(runs, (pairs[0], key))
            b = stats(runs, (pairs[1], key))
            if a[0] is not None and b[0]:
                med = a[0] / b[0]
                lo = a[1] / b[2] if b[2] else None
                hi = a[2] / b[1] if b[1] else None

        computed[fid] = med
        passed = med is not None and (med >= target if op == ">=" else med <= target)
        ratio = (med / target) if med is not None and target else None
        note = ""
        if n_all and n_ok < n_all:
            note = "%d of %d runs invalid: %s" % (n_all - n_ok, n_all, "; ".join(problems))
        if fid in ("rss_100k", "rss_1m"):
            lost = [r["expected"] - r["server_requests"] for r in runs.get(fid, [])
                    if r.get("server_requests") is not None and r["server_requests"] < r["expected"]]
            if lost:
                note = ("telemetry dropped by the full queue (by design): %s of %s events not delivered"
                        % ("/".join("{:,}".format(x) for x in lost), "{:,}".format(runs[fid][0]["expected"]))
                        + (("; " + note) if note else ""))
        if fid == "https_connections":
            reqs = stats(runs, ("https_n64", "server_requests"))[0]
            if reqs and med:
                note = ("%s requests per connection" % "{:,.0f}".format(reqs / med)) + (("; " + note) if note else "")
        rows.append({
            "figure": fid, "what": what, "target": "%s %s %s" % ("≥" if op == ">=" else "≤", fmt(target, unit), unit),
            "median": med, "min": lo, "max": hi, "unit": unit, "ratio": ratio, "pass": passed,
            "runs": ("%d/%d" % (n_ok, n_all)) if n_all else ("derived" if not source else "0/0"), "note": note,
        })

    series_rows = []
    for fid, what in SERIES:
        med, lo, hi, n_ok, n_all, problems = stats(runs, (fid, "rate"))
        note = "%d of %d runs invalid: %s" % (n_all - n_ok, n_all, "; ".join(problems)) if n_all > n_ok else ""
        series_rows.append({"figure": fid, "what": what, "median": med, "min": lo, "max": hi, "unit": "events/s",
                            "runs": "%d/%d" % (n_ok, n_all), "note": note})

    with open(out_dir + "/results.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["figure", "description", "target", "median", "min", "max", "unit", "ratio_to_target", "pass",
                         "valid_runs", "note"])
        def num(value):
            return "" if value is None else float("%.4g" % value)

        for r in rows:
            writer.writerow([r["figure"], r["what"], r["target"], num(r["median"]), num(r["min"]), num(r["max"]),
                             r["unit"], num(r["ratio"]), "pass" if r["pass"] else "FAIL", r["runs"], r["note"]])
        for r in series_rows:
            writer.writerow([r["figure"], r["what"], "", num(r["median"]), num(r["min"]), num(r["max"]), r["unit"],
                             "", "", r["runs"], r["note"]])

    lines = [
        "# capsule-gate benchmark results",
        "",
        "Produced by `make bench` (`bench/run.sh`); every figure is the median of its valid runs (min–max in "
        "brackets), except the 1M-event RSS run, which runs once. Throughput is timed from spawn to exit with every "
        "input line answered; runs where any decision fell back to fail_open/fail_closed, or lines were missing, "
        "errors or out of order, are not counted (see *valid runs*).",
        "",
    ]
    if str(meta.get("scale", "1")) not in ("1", "1.0") or str(meta.get("runs", "3")) != "3":
        lines += ["**Not a result: a smoke run with BENCH_SCALE=%s, BENCH_RUNS=%s (event counts in the figure names do "
                  "not apply).**" % (meta.get("scale"), meta.get("runs")), ""]
    lines += [
        "- machine: %s, %s core(s), %s" % (meta.get("cpu"), meta.get("nproc"), meta.get("kernel")),
        "- date: %s" % meta.get("date"),
        "- git commit: %s" % meta.get("commit"),
        "- binary: `%s` (%s)" % (meta.get("binary"), meta.get("version")),
        "- servers: nginx %s (1 worker, loopback, keep-alive, returns the allow JSON); "
        "`capsule-gate mock` for the latency-shaped figures" % meta.get("nginx"),
        "- bench wall time: %s s; load average %s" % (meta.get("elapsed_s", "?"), meta.get("load", "?")),
        "",
        "| figure | target | measured: median (min–max) | ratio to target | pass | valid runs |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        measured = "%s %s" % (fmt(r["median"], r["unit"]), r["unit"]) if r["median"] is not None else "—"
        if r["min"] is not None and r["max"] is not None and r["runs"] not in ("1/1",):
            measured += " (%s–%s)" % (fmt(r["min"], r["unit"]), fmt(r["max"], r["unit"]))
        ratio = "%.2f" % r["ratio"] if r["ratio"] is not None else "—"
        what = r["what"] + (" — " + r["note"] if r["note"] else "")
        lines.append("| %s | %s | %s | %s | %s | %s |" % (what, r["target"], measured, ratio,
                                                          "pass" if r["pass"] else "**FAIL**", r["runs"]))
    lines += ["", "Baselines and other points (same input, same nginx, same run):", "",
              "| series | events/s: median (min–max) | valid runs |", "|---|---|---|"]
    for r in series_rows:
        measured = "—" if r["median"] is None else "%s (%s–%s)" % (fmt(r["median"], "events/s"),
                                                                   fmt(r["min"], "events/s"), fmt(r["max"], "events/s"))
        lines.append("| %s | %s | %s |" % (r["what"] + (" — " + r["note"] if r["note"] else ""), measured, r["runs"]))
    lines += ["", "![throughput against concurrency](throughput.png)", ""]
    with open(out_dir + "/RESULTS.md", "w") as handle:
        handle.write("\n".join(lines))

    plot(runs, out_dir + "/throughput.png")


def plot(runs, path):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("[report] matplotlib missing: no chart", file=sys.stderr)
        return
    fig, ax = plt.subplots(figsize=(8, 5.5), dpi=110)
    xs = [1, 8, 64]
    ax.plot(xs, [n / 0.010 for n in xs], "k--", label="N/L bound, L = 10 ms")
    ax.plot(xs, [0.9 * n / 0.010 for n in xs], "k:", label="target 0.9 N/L")

    def series(ids, label, style):
        points = []
        for x, fid in ids:
            med, lo, hi, *_ = stats(runs, (fid, "rate"))
            if med is not None:
                points.append((x, med, lo, hi))
        if points:
            ax.errorbar([p[0] for p in points], [p[1] for p in points],
                        yerr=[[p[1] - p[2] for p in points], [p[3] - p[1] for p in points]],
                        fmt=style, capsize=3, label=label)

    series([(1, "mock_n1"), (8, "mock_n8"), (64, "mock_n64")], "capsule-gate vs mock (L = 10 ms)", "o-")
    series([(1, "nginx_n1"), (8, "nginx_n8"), (64, "nginx_n64")], "capsule-gate vs nginx", "s-")
    series([(1, "aiohttp_n1"), (8, "aiohttp_n8"), (64, "aiohttp_n64")], "Python aiohttp vs nginx", "^-")
    series([(8, "xargs_p8"), (64, "xargs_p64")], "xargs -P N curl vs nginx", "v-")
    series([(1, "curl_loop")], "one curl per line vs nginx", "D")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xticks(xs)
    ax.set_xticklabels([str(x) for x in xs])
    ax.set_xlabel("requests in flight (N)")
    ax.set_ylabel("blocking events per second (log)")
    ax.set_title("capsule-gate throughput against concurrency (2 cores, loopback)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    fig.savefig(path)


if __name__ == "__main__":
    main()
