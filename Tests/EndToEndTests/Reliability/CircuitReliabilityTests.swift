import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Issue 4, circuit breaker: a dead Capsule costs the agent milliseconds, not a timeout per call.
@Suite struct CircuitReliabilityTests {
    @Test func blackHoledCapsuleAnswersFastOnceTheCircuitOpens() async throws {
        try await withTemporaryDirectory { directory in
            let token = try Reliability.tokenFile(in: directory)
            try await withMockProcess(["--blackhole"]) { mock in
                let gate = try GateBinary.start(
                    Reliability.arguments(url: mock.url, tokenFile: token, ["--blocking-timeout", "1"])
                )
                defer { gate.closeInput() }
                var latencies: [Double] = []
                var answers: [[String: Any]] = []
                for index in 1...20 {
                    let start = ContinuousClock.now
                    gate.write(EventLines.tool(index) + "\n")
                    let line = try #require(await gate.readLine(timeout: .seconds(5)), "no answer to line \(index)")
                    latencies.append(Reliability.seconds(since: start))
                    answers.append(JSONLines.object(line))
                }
                print("black hole latencies (s): \(latencies.map { ($0 * 1000).rounded() / 1000 })")
                for (index, answer) in answers.enumerated() {
                    #expect(answer["action"] as? String == "allow", "line \(index + 1): \(answer)")
                    #expect(answer["source"] as? String == "fail_open", "line \(index + 1): \(answer)")
                }
                for index in 10..<20 {
                    #expect(latencies[index] < 0.2, "answer \(index + 1) took \(latencies[index]) s")
                    let reason = answers[index]["reason"] as? String ?? ""
                    #expect(reason.contains("circuit"), "answer \(index + 1) reason: \(reason)")
                }
                gate.closeInput()
                #expect(await gate.waitForExit(timeout: .seconds(10)) == 0)
                #expect(Reliability.count("circuit open", in: gate.stderrText) == 1, "stderr: \(gate.stderrText)")
            }
        }
    }

    @Test func circuitClosesAgainWhenCapsuleRecovers() async throws {
        try await withTemporaryDirectory { directory in
            let token = try Reliability.tokenFile(in: directory)
            let port = LoopbackPort.unused()
            let gate = try GateBinary.start(
                Reliability.arguments(
                    url: "http://127.0.0.1:\(port)",
                    tokenFile: token,
                    ["--blocking-timeout", "2", "--breaker-threshold", "3", "--breaker-cooldown", "0.5"]
                )
            )
            defer { gate.closeInput() }
            for index in 1...5 {
                gate.write(EventLines.tool(index) + "\n")
                let answer = JSONLines.object(try #require(await gate.readLine()))
                #expect(answer["source"] as? String == "fail_open", "\(answer)")
            }
            #expect(Reliability.count("circuit open", in: gate.stderrText) == 1, "stderr: \(gate.stderrText)")

            let mock = try GateBinary.start(["mock", "--port", String(port)])
            let listening = await mock.readLine(timeout: .seconds(10))
            #expect(listening?.hasPrefix("listening on") == true, "mock: \(mock.stderrText)")
            defer { mock.send(signal: SIGTERM) }

            var recovered: [String: Any]?
            let deadline = ContinuousClock.now + .seconds(10)
            var index = 100
            while ContinuousClock.now < deadline {
                index += 1
                gate.write(EventLines.tool(index) + "\n")
                let answer = JSONLines.object(try #require(await gate.readLine()))
                if answer["source"] as? String == "capsule" {
                    recovered = answer
                    break
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(recovered?["action"] as? String == "allow", "never recovered; stderr: \(gate.stderrText)")
            #expect(gate.stderrText.contains("circuit closed"), "stderr: \(gate.stderrText)")
            gate.closeInput()
            #expect(await gate.waitForExit() == 0)
            await mock.terminate()
        }
    }

    @Test func failModeClosedBlocksWhileCapsuleIsDown() async throws {
        try await withTemporaryDirectory { directory in
            let token = try Reliability.tokenFile(in: directory)
            let input = (1...8).map { EventLines.tool($0) }.joined(separator: "\n") + "\n"
            let result = try await GateBinary.run(
                Reliability.arguments(
                    url: LoopbackPort.refusedURL(),
                    tokenFile: token,
                    ["--fail-mode", "closed", "--concurrency", "1"]
                ),
                stdin: input
            )
            #expect(result.status == 0, "stderr: \(result.stderr)")
            let answers = JSONLines.parse(result.stdout)
            #expect(answers.count == 8)
            for answer in answers {
                #expect(answer["action"] as? String == "block", "\(answer)")
                #expect(answer["source"] as? String == "fail_closed", "\(answer)")
            }
            #expect(answers.contains { ($0["reason"] as? String ?? "").contains("circuit") }, "\(answers)")
            #expect(answers.contains { ($0["reason"] as? String ?? "").contains("refused") }, "\(answers)")
        }
    }
}
