#!/usr/bin/env python3
"""Self-tests of the bench's own tools: python3 -m unittest discover -s bench -p 'test_*.py'."""

import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import drive  # noqa: E402

BLOCKING = {"tool_invocation", "user_message"}
TELEMETRY = {"tool_result", "agent_message", "session_start", "session_end"}


def generate(*args):
    return subprocess.run([sys.executable, os.path.join(HERE, "gen_events.py"), *args], check=True,
                          capture_output=True).stdout


class GenEventsTests(unittest.TestCase):
    def test_same_seed_gives_same_bytes_and_another_seed_differs(self):
        self.assertEqual(generate("500", "--seed", "4"), generate("500", "--seed", "4"))
        self.assertNotEqual(generate("500", "--seed", "4"), generate("500", "--seed", "5"))

    def test_lines_are_300_bytes_to_4_kb_of_valid_events_with_unique_ids(self):
        lines = generate("3000", "--mix", "mixed", "--seed", "9").splitlines(keepends=True)
        self.assertEqual(len(lines), 3000)
        sizes = [len(line) for line in lines]
        self.assertGreaterEqual(min(sizes), 300)
        self.assertLessEqual(max(sizes), 4096)
        self.assertGreater(max(sizes), 3000, "the size tail should reach several KB")
        events = [json.loads(line) for line in lines]
        self.assertEqual({e["event_type"] for e in events}, BLOCKING | TELEMETRY)
        self.assertEqual(len({e["correlation_id"] for e in events}), 3000)
        for event in events:
            self.assertTrue(event["session_id"] and event["agent"]["id"] and event["timestamp"].endswith("Z"))
            if event["event_type"] == "tool_invocation":
                self.assertTrue(event["tool"]["name"])
                self.assertIsInstance(event["tool"]["input"], dict)
            if event["event_type"] == "tool_result":
                self.assertIn("output", event["tool"])
            if event["event_type"] in ("user_message", "agent_message"):
                self.assertIsInstance(event["message"]["content"], str)
        self.assertTrue(any(any(isinstance(v, (dict, list)) for v in e["tool"]["input"].values())
                            for e in events if "tool" in e), "tool.input should nest")
        self.assertTrue(any(b"\xe6\x97\xa5" in line or b"\xf0\x9f" in line for line in lines), "expect raw UTF-8")

    def test_mixes_keep_to_their_event_types(self):
        blocking = {json.loads(l)["event_type"] for l in generate("400", "--mix", "blocking").splitlines()}
        telemetry = {json.loads(l)["event_type"] for l in generate("400", "--mix", "telemetry").splitlines()}
        self.assertEqual(blocking, BLOCKING)
        self.assertEqual(telemetry, TELEMETRY)


class OutputCheckTests(unittest.TestCase):
    def test_counts_actions_and_sources_across_chunk_boundaries(self):
        text = b"".join(b'{"line":%d,"action":"%s","source":"%s"}\n' % (i, a, s) for i, a, s in
                        [(1, b"allow", b"capsule"), (2, b"accepted", b"queued"), (3, b"allow", b"fail_open")])
        check = drive.OutputCheck("decisions")
        for i in range(0, len(text), 7):
            check.feed(text[i:i + 7])
        check.feed(b"", final=True)
        self.assertEqual(check.summary(), {"lines": 3, "actions": {"allow": 2, "accepted": 1},
                                           "sources": {"capsule": 1, "queued": 1, "fail_open": 1}, "in_order": True})

    def test_notices_lines_out_of_order(self):
        check = drive.OutputCheck("decisions")
        check.feed(b'{"line":2,"action":"allow"}\n{"line":1,"action":"allow"}\n', final=True)
        self.assertFalse(check.in_order)


class RunAndReportTests(unittest.TestCase):
    def test_a_fail_open_run_is_invalid_and_never_counted_as_throughput(self):
        with tempfile.TemporaryDirectory() as tmp:
            events = os.path.join(tmp, "in.jsonl")
            with open(events, "wb") as handle:
                handle.write(b"{}\n{}\n")
            record = os.path.join(tmp, "runs.jsonl")
            script = ("import sys\nfor i, _ in enumerate(sys.stdin, 1):\n"
                      "    print('{\"line\":%d,\"action\":\"allow\",\"source\":\"%s\"}' % "
                      "(i, 'capsule' if i == 1 else 'fail_open'))")
            subprocess.run([sys.executable, os.path.join(HERE, "drive.py"), "run", "--figure", "nginx_n64",
                            "--record", record, "--input", events, "--expect", "2", "--",
                            sys.executable, "-c", script], check=True, capture_output=True)
            result = json.loads(open(record).read())
            self.assertFalse(result["valid"])
            self.assertIn("fail_open", result["problems"])
            meta = os.path.join(tmp, "meta.json")
            with open(meta, "w") as handle:
                json.dump({"cpu": "test", "nproc": 2}, handle)
            subprocess.run([sys.executable, os.path.join(HERE, "report.py"), record, meta, tmp], check=True,
                           capture_output=True)
            table = open(os.path.join(tmp, "RESULTS.md")).read()
            row = next(line for line in table.splitlines() if line.startswith("| blocking vs nginx, N=64"))
            self.assertIn("**FAIL**", row)
            self.assertIn("0/1", row)
            self.assertIn("fail_open", row)


if __name__ == "__main__":
    unittest.main()
