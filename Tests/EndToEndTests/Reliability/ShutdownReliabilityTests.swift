import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Issue 4, shutdown and pipes: signals answer what was read, a closed or stalled stdout never hangs or bloats.
@Suite struct ShutdownReliabilityTests {
    @Test(arguments: [SIGTERM, SIGINT])
    func signalAnswersEveryLineAlreadyRead(signal: Int32) async throws {
        try await withTemporaryDirectory { directory in
            let token = try Reliability.tokenFile(in: directory)
            try await withMockProcess(["--latency", "500"]) { mock in
                let gate = try GateBinary.start(Reliability.arguments(url: mock.url, tokenFile: token))
                // A first answer proves the filter is up and reading; then ten calls that take 500 ms each.
                gate.write(EventLines.tool(0) + "\n")
                try #require(await gate.readLine(timeout: .seconds(10)) != nil, "stderr: \(gate.stderrText)")
                gate.write((1...10).map { EventLines.tool($0) }.joined(separator: "\n") + "\n")
                try await Task.sleep(for: .milliseconds(250))
                gate.send(signal: signal)
                let status = await gate.waitForExit(timeout: .seconds(10))
                #expect(status == (signal == SIGINT ? 130 : 0), "stderr: \(gate.stderrText)")
                let answers = JSONLines.parse(gate.stdoutText)
                #expect(answers.map { $0["line"] as? Int } == Array(1...11), "\(answers)")
                #expect(answers.allSatisfy { $0["source"] as? String == "capsule" }, "in-flight calls finish")
                gate.closeInput()
            }
        }
    }

    @Test func secondSignalExitsAtOnce() async throws {
        try await withTemporaryDirectory { directory in
            let token = try Reliability.tokenFile(in: directory)
            try await withMockProcess(["--blackhole"]) { mock in
                let gate = try GateBinary.start(
                    Reliability.arguments(url: mock.url, tokenFile: token, ["--blocking-timeout", "10"])
                )
                gate.write(EventLines.telemetry(0) + "\n")
                try #require(await gate.readLine(timeout: .seconds(10)) != nil, "stderr: \(gate.stderrText)")
                gate.write(EventLines.tool(1) + "\n")
                try await Task.sleep(for: .milliseconds(300))
                gate.send(signal: SIGTERM)
                try await Task.sleep(for: .milliseconds(200))
                #expect(gate.exitStatus == nil, "the first signal waits for the call in flight")
                let start = ContinuousClock.now
                gate.send(signal: SIGTERM)
                let status = await gate.waitForExit(timeout: .seconds(5))
                let elapsed = Reliability.seconds(since: start)
                #expect(status != nil && elapsed < 1, "second SIGTERM: exit after \(elapsed) s")
                #expect(!gate.stderrText.contains("Fatal error"), "stderr: \(gate.stderrText)")
                gate.closeInput()
            }
        }
    }

    @Test func closedStdoutEndsTheRunPromptly() async throws {
        try await withTemporaryDirectory { directory in
            let token = try Reliability.tokenFile(in: directory)
            let errors = directory.file("gate.err")
            try await withMockProcess { mock in
                let script = #""$0" "$@" 2>"$GATE_ERR" | head -n 1; echo "gate-status=${PIPESTATUS[0]}" >&2"#
                let shell = try ChildProcess(
                    executable: URL(fileURLWithPath: "/bin/bash"),
                    arguments: ["-c", script, GateBinary.url.path]
                        + Reliability.arguments(url: mock.url, tokenFile: token),
                    environment: GateBinary.environment(["GATE_ERR": errors])
                )
                shell.write(EventLines.tool(1) + "\n")
                let first = await shell.readLine(timeout: .seconds(10))
                #expect(first.map(JSONLines.object)?["line"] as? Int == 1)
                // head has exited after its line; the next answer meets a closed pipe.
                try await Task.sleep(for: .milliseconds(300))
                let start = ContinuousClock.now
                shell.write(EventLines.tool(2) + "\n")
                let status = await shell.waitForExit(timeout: .seconds(10))
                let elapsed = Reliability.seconds(since: start)
                #expect(status == 0 && elapsed < 3, "the pipeline ended after \(elapsed) s")
                let stderr = directory.read("gate.err")
                let lines = stderr.split(separator: "\n")
                #expect(lines.count == 1, "exactly one stderr line: \(stderr)")
                #expect(stderr.contains("stdout"), "stderr: \(stderr)")
                #expect(!stderr.contains("Fatal error") && !stderr.contains("Backtrace"), "stderr: \(stderr)")
                let gateStatus = shell.stderrText.split(separator: "=").last.map {
                    $0.trimmingCharacters(in: .whitespacesAndNewlines)
                }
                #expect(gateStatus == "1", "capsule-gate's exit status: \(shell.stderrText)")
                shell.closeInput()
            }
        }
    }

    @Test func stalledReaderKeepsMemoryBounded() async throws {
        try await withTemporaryDirectory { directory in
            let token = try Reliability.tokenFile(in: directory)
            var text = ""
            text.reserveCapacity(100_000 * 200)
            for index in 0..<100_000 {
                text += (index % 5 == 0 ? EventLines.tool(index) : EventLines.telemetry(index)) + "\n"
            }
            let inputPath = try directory.write("input.jsonl", text)
            try await withMockProcess { mock in
                let stalled = try StalledProcess(
                    arguments: Reliability.arguments(url: mock.url, tokenFile: token),
                    inputPath: inputPath
                )
                defer { stalled.kill() }
                try await Task.sleep(for: .seconds(3))
                let resident = try #require(ProcessMemory.residentBytes(of: stalled.pid), "the filter died")
                let peak = ProcessMemory.peakBytes(of: stalled.pid) ?? 0
                print("stalled reader: VmRSS \(resident / 1_048_576) MB, VmHWM \(peak / 1_048_576) MB")
                #expect(resident < 60 * 1_048_576)
                #expect(stalled.isRunning)
                let resumed = await onThread { stalled.readLines(atLeast: 5_000, timeout: 15) }
                #expect(resumed >= 5_000, "after the stall the filter goes on: \(resumed) lines")
            }
        }
    }
}
