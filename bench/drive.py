#!/usr/bin/env python3
"""Benchmark drivers for capsule-gate: timed runs, coprocess round trips, spawn latency, an aiohttp client.

Subcommands (each prints one JSON object on stdout and, with --record FILE --figure ID, appends it there):
  run        spawn a command with stdin from a file (or from the event generator), time spawn to exit,
             take the child's rusage (user, sys, peak RSS), check its output, count requests at nginx
  roundtrip  coprocess: write one blocking event, wait for its decision, repeat; latency percentiles
  spawn      spawn to first decision, repeated
  aiohttp    the baseline client: POST every input line with N in flight, print each answer on a line
  record     append a ready-made figure value
Nothing here prints the token: it is read from CAPSULE_TOKEN and only ever sent in a header.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import threading
import time

ACTION_RE = re.compile(rb'"action"\s*:\s*"(\w+)"')
SOURCE_RE = re.compile(rb'"source"\s*:\s*"(\w+)"')
LINE_RE = re.compile(rb'"line"\s*:\s*(\d+)')


def log(message):
    """Print a progress line on stderr."""
    print("[drive] " + message, file=sys.stderr, flush=True)


class OutputCheck:
    """Counts decisions in streamed output without holding it: lines, actions, sources, input order."""

    def __init__(self, mode):
        self.mode = mode  # "decisions" (capsule-gate lines) or "answers" (raw webhook answers)
        self.lines = 0
        self.actions = {}
        self.sources = {}
        self.last_line = 0
        self.in_order = True
        self.rest = b""

    def feed(self, chunk, final=False):
        data = self.rest + chunk
        cut = len(data) if final else data.rfind(b"\n") + 1
        body, self.rest = data[:cut], data[cut:]
        if not body:
            return
        self.lines += body.count(b"\n") + (0 if body.endswith(b"\n") else 1)
        for action in ACTION_RE.findall(body):
            key = action.decode()
            self.actions[key] = self.actions.get(key, 0) + 1
        if self.mode == "decisions":
            for source in SOURCE_RE.findall(body):
                key = source.decode()
                self.sources[key] = self.sources.get(key, 0) + 1
            for number in LINE_RE.findall(body):
                value = int(number)
                if value <= self.last_line:
                    self.in_order = False
                self.last_line = value

    def summary(self):
        return {"lines": self.lines, "actions": self.actions, "sources": self.sources, "in_order": self.in_order}


def count_log(path):
    """Return (line count, byte size) of an nginx access log, or (0, 0) when it is absent."""
    if not path or not os.path.exists(path):
        return 0, 0
    with open(path, "rb") as handle:
        data = handle.read()
    return data.count(b"\n"), len(data)


def connections_since(path, offset):
    """Return (requests, distinct connection ids) logged after byte `offset` of an nginx access log."""
    with open(path, "rb") as handle:
        handle.seek(offset)
        data = handle.read()
    ids = set()
    requests = 0
    for line in data.splitlines():
        fields = line.split()
        if fields:
            ids.add(fields[0])
            requests += 1
    return requests, len(ids)


def kill_after(child, seconds):
    """Kill `child` if it is still running after `seconds`, so no run can hang the bench; returns the timer."""

    def kill():
        if child.poll() is None:
            log("killing pid %d after %ss" % (child.pid, seconds))
            child.kill()

    timer = threading.Timer(seconds, kill)
    timer.daemon = True
    timer.start()
    return timer


def append_record(args, result):
    result = dict(result, figure=args.figure) if args.figure else result
    text = json.dumps(result, sort_keys=True)
    print(text, flush=True)
    brief = {k: v for k, v in result.items() if k not in ("actions", "sources", "expected", "figure")}
    log("%s: %s" % (args.figure or args.cmd, json.dumps(brief, sort_keys=True)))
    if args.record:
        with open(args.record, "a") as handle:
            handle.write(text + "\n")


def cmd_run(args):
    """Time one run of a command from spawn to exit and check what it wrote."""
    log_before = count_log(args.server_log)
    generator = None
    started = time.perf_counter()
    if args.gen:
        gen_argv = [sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "gen_events.py")]
        generator = subprocess.Popen(gen_argv + args.gen.split(), stdout=subprocess.PIPE)
        stdin = generator.stdout
    else:
        stdin = open(args.input, "rb")
    stderr = open(args.stderr, "wb") if args.stderr else subprocess.DEVNULL
    child = subprocess.Popen(args.command, stdin=stdin, stdout=subprocess.PIPE, stderr=stderr)
    stdin.close()
    timer = kill_after(child, args.timeout)
    check = OutputCheck(args.check)
    fd = child.stdout.fileno()
    while True:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            break
        check.feed(chunk)
    check.feed(b"", final=True)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    timer.cancel()
    if generator:
        generator.wait()
    result = {
        "wall_s": round(wall, 4),
        "user_s": round(usage.ru_utime, 3),
        "sys_s": round(usage.ru_stime, 3),
        "maxrss_kb": usage.ru_maxrss,
        "exit": os.waitstatus_to_exitcode(status),
        "expected": args.expect,
        "rate": round(args.expect / wall, 1) if wall > 0 else 0,
        "cpu_us_per_event": round((usage.ru_utime + usage.ru_stime) * 1e6 / max(args.expect, 1), 2),
    }
    result.update(check.summary())
    if args.server_log:
        time.sleep(0.2)  # nginx writes the log line just after the answer leaves
        requests, connections = connections_since(args.server_log, log_before[1])
        result["server_requests"] = requests
        result["server_connections"] = connections
    problems = []
    if result["exit"] != 0:
        problems.append("exit %d" % result["exit"])
    if args.check == "decisions":
        if check.lines != args.expect:
            problems.append("%d output lines for %d events" % (check.lines, args.expect))
        bad = {k: v for k, v in check.sources.items() if k not in ("capsule", "queued")}
        if bad:
            problems.append("non-capsule decisions %s" % bad)
        if not check.in_order:
            problems.append("output out of input order")
        if check.actions.get("error"):
            problems.append("%d error lines" % check.actions["error"])
    else:
        if check.actions.get("allow", 0) != args.expect:
            problems.append("%d allow answers for %d events" % (check.actions.get("allow", 0), args.expect))
    if args.server_log and args.server_expect is not None and result["server_requests"] != args.server_expect:
        problems.append("%d requests at the server, expected %d" % (result["server_requests"], args.server_expect))
    result["valid"] = not problems
    result["problems"] = "; ".join(problems)
    append_record(args, result)
    return 0


def read_line(fd, buffer):
    """Read from `fd` until a full line is buffered; return (line, rest)."""
    while b"\n" not in buffer:
        chunk = os.read(fd, 65536)
        if not chunk:
            raise RuntimeError("capsule-gate closed its output early")
        buffer += chunk
    line, _, rest = buffer.partition(b"\n")
    return line, rest


def percentile(sorted_values, fraction):
    index = min(len(sorted_values) - 1, max(0, int(round(fraction * (len(sorted_values) - 1)))))
    return sorted_values[index]


def cmd_roundtrip(args):
    """Coprocess round trips: one line out, its decision back, repeated."""
    with open(args.input, "rb") as handle:
        events = [line + b"\n" for line in handle.read().splitlines() if line.strip()]
    total = args.warmup + args.count
    child = subprocess.Popen(args.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, bufsize=0)
    timer = kill_after(child, args.timeout)
    fd_in, fd_out = child.stdin.fileno(), child.stdout.fileno()
    buffer = b""
    samples = []
    bad = 0
    failure = ""
    try:
        for i in range(total):
            event = events[i % len(events)]
            started = time.perf_counter_ns()
            os.write(fd_in, event)
            line, buffer = read_line(fd_out, buffer)
            elapsed = time.perf_counter_ns() - started
            if i >= args.warmup:
                samples.append(elapsed / 1e3)
            if not re.search(rb'"source"\s*:\s*"capsule"', line):
                bad += 1
    except (RuntimeError, OSError) as error:
        failure = str(error)
    child.stdin.close()
    child.wait()
    timer.cancel()
    samples.sort()
    if failure or not samples:
        append_record(args, {"valid": False, "problems": failure or "no samples"})
        return 0
    result = {
        "count": len(samples),
        "p50_us": round(percentile(samples, 0.50), 1),
        "p90_us": round(percentile(samples, 0.90), 1),
        "p99_us": round(percentile(samples, 0.99), 1),
        "max_us": round(samples[-1], 1),
        "non_capsule": bad,
        "valid": bad == 0 and child.returncode == 0,
        "problems": "" if bad == 0 else "%d decisions not from capsule" % bad,
    }
    append_record(args, result)
    return 0


def cmd_spawn(args):
    """Spawn to first decision: start the filter, write one event, read its decision."""
    with open(args.input, "rb") as handle:
        event = handle.readline()
    samples = []
    bad = 0
    for _ in range(args.repeat):
        started = time.perf_counter_ns()
        child = subprocess.Popen(args.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, bufsize=0)
        timer = kill_after(child, args.timeout)
        try:
            os.write(child.stdin.fileno(), event)
            line, _ = read_line(child.stdout.fileno(), b"")
        except (RuntimeError, OSError) as error:
            child.kill()
            child.wait()
            append_record(args, {"valid": False, "problems": str(error)})
            return 0
        samples.append((time.perf_counter_ns() - started) / 1e6)
        if not re.search(rb'"source"\s*:\s*"capsule"', line):
            bad += 1
        child.stdin.close()
        child.wait()
        timer.cancel()
    samples.sort()
    result = {
        "repeat": args.repeat,
        "median_ms": round(percentile(samples, 0.5), 2),
        "min_ms": round(samples[0], 2),
        "max_ms": round(samples[-1], 2),
        "non_capsule": bad,
        "valid": bad == 0,
        "problems": "" if bad == 0 else "%d decisions not from capsule" % bad,
    }
    append_record(args, result)
    return 0


def cmd_aiohttp(args):
    """The Python baseline: aiohttp with N requests in flight, each answer printed on its own line."""
    import asyncio

    import aiohttp

    lines = [line for line in sys.stdin.buffer.read().splitlines() if line.strip()]
    headers = {"Authorization": "Bearer " + os.environ.get("CAPSULE_TOKEN", ""), "Content-Type": "application/json"}
    answers = [b""] * len(lines)

    async def main():
        connector = aiohttp.TCPConnector(limit=args.concurrency, ssl=False)
        async with aiohttp.ClientSession(connector=connector) as session:
            position = 0

            async def worker():
                nonlocal position
                while position < len(lines):
                    index = position
                    position += 1
                    async with session.post(args.url, data=lines[index], headers=headers) as response:
                        # What an agent's guard does: parse the answer and take its decision.
                        answer = await response.json(content_type=None)
                        answers[index] = json.dumps(answer["response"]).encode()

            await asyncio.gather(*(worker() for _ in range(args.concurrency)))

    asyncio.run(main())
    sys.stdout.buffer.write(b"\n".join(answers) + b"\n")
    return 0


def cmd_record(args):
    append_record(args, json.loads(args.json))
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)

    def common(p):
        p.add_argument("--figure", help="figure id stored with the result")
        p.add_argument("--record", help="JSON-lines file the result is appended to")
        p.add_argument("--timeout", type=float, default=180, help="seconds before the command is killed")

    run = sub.add_parser("run")
    common(run)
    run.add_argument("--input", help="file fed to stdin")
    run.add_argument("--gen", help="gen_events.py arguments whose output is piped to stdin instead")
    run.add_argument("--expect", type=int, required=True, help="events in the input")
    run.add_argument("--check", choices=["decisions", "answers"], default="decisions")
    run.add_argument("--server-log", help="nginx access log to count requests and connections in")
    run.add_argument("--server-expect", type=int, help="requests the server must have seen")
    run.add_argument("--stderr", help="file for the command's stderr")
    run.add_argument("command", nargs="+")
    run.set_defaults(func=cmd_run)

    rt = sub.add_parser("roundtrip")
    common(rt)
    rt.add_argument("--input", required=True)
    rt.add_argument("--count", type=int, default=2000)
    rt.add_argument("--warmup", type=int, default=200)
    rt.add_argument("command", nargs="+")
    rt.set_defaults(func=cmd_roundtrip)

    sp = sub.add_parser("spawn")
    common(sp)
    sp.add_argument("--input", required=True)
    sp.add_argument("--repeat", type=int, default=15)
    sp.add_argument("command", nargs="+")
    sp.set_defaults(func=cmd_spawn)

    ah = sub.add_parser("aiohttp")
    ah.add_argument("--url", required=True)
    ah.add_argument("--concurrency", type=int, default=64)
    ah.set_defaults(func=cmd_aiohttp)

    rec = sub.add_parser("record")
    common(rec)
    rec.add_argument("json")
    rec.set_defaults(func=cmd_record)

    args = parser.parse_args()
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
