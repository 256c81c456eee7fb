#!/usr/bin/env python3
"""Generate realistic Capsule webhook events, one JSON object per line, deterministically.

Usage: gen_events.py N [--mix blocking|telemetry|mixed] [--seed S] [--pool K]

Each line is 300 B to 4 KB of UTF-8: the six event types of the vendor reference
(tool_invocation, user_message, tool_result, agent_message, session_start, session_end),
nested `tool.input` / `tool.output`, unicode text, escapes, and a unique `correlation_id`.
The same N, mix and seed always give the same bytes. K distinct event bodies (default 4096)
are built once and reused with a fresh correlation id per line, so a million lines stream
out in a couple of seconds without holding them in memory.
"""

import argparse
import json
import random
import sys

MIN_BYTES = 300
MAX_BYTES = 4096

MIXES = {
    "blocking": [("tool_invocation", 70), ("user_message", 30)],
    "telemetry": [("tool_result", 50), ("agent_message", 30), ("session_start", 10), ("session_end", 10)],
    "mixed": [
        ("tool_invocation", 30),
        ("tool_result", 28),
        ("user_message", 12),
        ("agent_message", 12),
        ("session_start", 9),
        ("session_end", 9),
    ],
}

WORDS = [
    "customer", "records", "quarterly", "report", "invoice", "shipment", "tracking", "refund",
    "policy", "schema", "migration", "backup", "latency", "deploy", "rollback", "ticket",
    "café", "naïve", "résumé", "Straße", "Ångström", "façade", "jalapeño", "smörgåsbord",
    "日本語", "テスト", "数据库", "查询", "사용자", "приложение", "данные", "ελληνικά",
    "🙂", "🚀", "✅", "📦", "🔒", "→", "≤", "∑",
    "line\nbreak", "tab\there", "a \"quoted\" word", "back\\slash",
]

TOOLS = [
    "database_query", "order_lookup", "read_file", "write_file", "http_get",
    "shell_exec", "send_email", "search_docs", "calendar_create", "code_search",
]

AGENTS = [
    ("support-agent", "Customer Support Agent"),
    ("billing-bot", "Billing Assistant"),
    ("devops-copilot", "DevOps Copilot"),
    ("research-agent", "Research Agent — Ω"),
    ("sales-helper", "Sales Helper"),
]

EMAILS = ["user@example.com", "ana.garcía@example.org", "ops@example.net", "佐藤@example.jp", "dev@example.com"]


def words(rng, count):
    """Return `count` random vocabulary words joined by spaces."""
    return " ".join(rng.choice(WORDS) for _ in range(count))


def tool_input(rng, tool):
    """Return a nested, tool-specific input object."""
    if tool == "database_query":
        return {
            "query": "SELECT id, email, total FROM orders WHERE region = $1 AND created_at > $2 LIMIT 50",
            "params": ["eu-west-1", "2026-02-01T00:00:00Z"],
            "options": {"timeout_ms": rng.choice([1000, 3000, 5000]), "read_only": True, "explain": False},
        }
    if tool == "shell_exec":
        return {"command": ["bash", "-lc", "ls -la /var/log && tail -n 20 syslog"], "env": {"LANG": "C.UTF-8"}, "cwd": "/srv/app"}
    if tool == "http_get":
        return {"url": "https://api.example.com/v2/orders/%d" % rng.randrange(10**6), "headers": {"Accept": "application/json"}, "retries": 2}
    if tool in ("read_file", "write_file"):
        spec = {"path": "/srv/app/docs/%s.md" % rng.choice(["README", "CHANGELOG", "notes-été", "設計"]), "encoding": "utf-8"}
        if tool == "write_file":
            spec["content"] = words(rng, 12)
        return spec
    if tool == "send_email":
        return {"to": [rng.choice(EMAILS)], "subject": words(rng, 4), "body": {"text": words(rng, 10), "html": None}}
    return {
        "query": words(rng, 5),
        "filters": [{"field": "lang", "op": "=", "value": rng.choice(["en", "fr", "ja"])}, {"field": "score", "op": ">", "value": 0.5}],
        "page": {"size": 20, "cursor": None},
    }


def base_event(rng, event_type, index):
    """Return one event of `event_type` with the envelope fields and a type-specific body."""
    agent_id, agent_name = rng.choice(AGENTS)
    event = {
        "event_type": event_type,
        "session_id": "sess-%06d-%04x" % (index // 7, rng.randrange(1 << 16)),
        "timestamp": "2026-03-03T%02d:%02d:%02dZ" % (8 + index // 3600 % 12, index // 60 % 60, index % 60),
        "agent": {"id": agent_id, "name": agent_name},
        "user": {"email": rng.choice(EMAILS)},
    }
    tool = rng.choice(TOOLS)
    if event_type in ("tool_invocation", "tool_result"):
        event["tool"] = {"name": tool, "input": tool_input(rng, tool)}
        if event_type == "tool_result":
            event["tool"]["output"] = {
                "status": rng.choice(["ok", "shipped", "not_found"]),
                "row_count": rng.randrange(100),
                "rows": [{"id": rng.randrange(10**6), "note": words(rng, 3)} for _ in range(rng.randrange(1, 4))],
            }
    elif event_type in ("user_message", "agent_message"):
        event["message"] = {"content": words(rng, 8)}
    return event


def pad_field(event):
    """Return the (container, key) whose string value grows to reach the target size."""
    if "message" in event:
        return event["message"], "content"
    if "tool" in event:
        return event["tool"]["input"], "context"
    return event, "metadata_note"


def sized_event(rng, event_type, index):
    """Return the JSON text of one event whose line, with its correlation id, fits 300 B to 4 KB."""
    # Log-uniform-ish target: most events are small, a tail reaches 4 KB.
    target = int((MIN_BYTES + 16) * ((MAX_BYTES - 96) / (MIN_BYTES + 16)) ** (rng.random() ** 1.6))
    event = base_event(rng, event_type, index)
    suffix_room = 30  # ',"correlation_id":"bench-S-I"}' and the newline, minus the dropped brace
    container, key = pad_field(event)
    text = container.get(key, "")
    while True:
        container[key] = text
        body = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
        size = len(body.encode("utf-8")) + suffix_room
        if size >= target or size >= MAX_BYTES - 96:
            break
        text = (text + " " + words(rng, 6)).strip()
    while len(body.encode("utf-8")) + suffix_room > MAX_BYTES - 64 and text:
        text = text[: len(text) * 3 // 4]
        container[key] = text
        body = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
    return body


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, help="number of events")
    parser.add_argument("--mix", choices=sorted(MIXES), default="mixed")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pool", type=int, default=4096, help="distinct event bodies to cycle through")
    args = parser.parse_args()
    if args.count < 0 or args.pool < 1:
        parser.error("count must be >= 0 and pool >= 1")

    rng = random.Random(args.seed)
    names = [name for name, _ in MIXES[args.mix]]
    weights = [weight for _, weight in MIXES[args.mix]]
    pool_size = min(args.count, args.pool)
    # Each pooled body lacks its closing brace so a unique correlation id can be appended per line.
    pool = [sized_event(rng, rng.choices(names, weights)[0], i)[:-1] for i in range(pool_size)]

    out = sys.stdout.buffer
    batch = []
    for i in range(args.count):
        batch.append('%s,"correlation_id":"bench-%d-%d"}\n' % (pool[i % pool_size], args.seed, i))
        if len(batch) == 4096:
            out.write("".join(batch).encode("utf-8"))
            batch.clear()
    out.write("".join(batch).encode("utf-8"))
    out.flush()


if __name__ == "__main__":
    try:
        main()
    except BrokenPipeError:
        sys.exit(0)
