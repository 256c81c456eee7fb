"""CapsuleGate: guard a Python agent with capsule-gate running as a coprocess (stdlib only)."""
import json
import os
import subprocess
import sys
import threading
import uuid


class CapsuleGate:
    """One capsule-gate process per session; every check waits for its own decision by correlation_id."""

    def __init__(self, agent_id="example-python-agent"):
        binary = os.environ.get("CAPSULE_GATE_BIN", "capsule-gate")
        self.wait_s = float(os.environ.get("CAPSULE_BLOCKING_TIMEOUT", "10")) + 1  # its timeout plus a second
        # CAPSULE_URL and CAPSULE_TOKEN reach capsule-gate through the environment, never through argv.
        env = {"CAPSULE_AGENT_ID": agent_id, **os.environ}
        self.proc = subprocess.Popen([binary], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True)
        self.pending, self.lock, self.dead = {}, threading.Lock(), False
        threading.Thread(target=self._read_decisions, daemon=True).start()

    def check_tool(self, name, input):
        return self._ask({"event_type": "tool_invocation", "tool": {"name": name, "input": input}}, "allow")

    def check_prompt(self, text):
        return self._ask({"event_type": "user_message", "message": {"content": text}}, "allow")

    def observe(self, event_type, **fields):
        return self._ask({"event_type": event_type, **fields}, "accepted")

    def close(self):
        """Closes capsule-gate's stdin (it then drains its telemetry and exits) and waits for it."""
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=0 if self.dead else 35)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()

    def _ask(self, event, fallback):
        if self.dead:
            return self._fail_open(fallback, "capsule-gate is not answering")
        cid, slot = str(uuid.uuid4()), [threading.Event(), None]
        with self.lock:
            self.pending[cid] = slot
        try:
            self.proc.stdin.write(json.dumps({**event, "correlation_id": cid}) + "\n")
            self.proc.stdin.flush()
            answered = slot[0].wait(self.wait_s)
        except OSError:  # capsule-gate is gone (broken pipe)
            answered = True
        with self.lock:
            self.pending.pop(cid, None)
        if slot[1]:
            return slot[1]
        self.dead = True  # from now on, fail open at once instead of waiting again
        return self._fail_open(fallback, "capsule-gate exited" if answered else f"no answer within {self.wait_s:g}s")

    def _fail_open(self, action, why):
        print(f"warning: {why}; failing open ({action})", file=sys.stderr, flush=True)
        return {"action": action, "source": "agent_fail_open", "reason": "fail-open"}

    def _read_decisions(self):
        for line in self.proc.stdout:
            try:
                decision = json.loads(line)
                key = decision.get("correlation_id")
            except (ValueError, AttributeError):  # not a JSON object: not an answer
                continue
            with self.lock:
                slot = self.pending.get(key)
            if slot:
                slot[1] = decision
                slot[0].set()
        self.dead = True  # capsule-gate exited: wake every waiter, which then fails open
        with self.lock:
            for slot in self.pending.values():
                slot[0].set()
