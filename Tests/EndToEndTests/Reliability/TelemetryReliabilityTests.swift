import Foundation
import Testing

/// Issue 4, telemetry delivery: retries where they help, never where they don't, and nothing lost silently.
@Suite struct TelemetryReliabilityTests {
    /// The body of a spool or record line without its `correlation_id`, re-encoded with sorted keys.
    private static func canonical(_ object: [String: Any]) -> String {
        var copy = object
        copy.removeValue(forKey: "correlation_id")
        let data = (try? JSONSerialization.data(withJSONObject: copy, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    @Test func retriesServerErrorsUntilDelivered() async throws {
        try await withTemporaryDirectory { directory in
            let token = try Reliability.tokenFile(in: directory)
            let server = try await ScriptedServer.start(
                ["--fail-first", "2", "--fail-status", "503"],
                logPath: directory.file("requests.jsonl")
            )
            let result = try await GateBinary.run(
                Reliability.arguments(url: server.url, tokenFile: token, ["--spool", directory.file("spool")]),
                stdin: EventLines.telemetry(1, kind: 0) + "\n"
            )
            #expect(result.status == 0, "stderr: \(result.stderr)")
            let requests = server.requests()
            #expect(requests.map { $0["status"] as? Int } == [503, 503, 202], "\(requests)")
            #expect(Set(requests.compactMap { $0["correlation"] as? String }).count == 1, "one id across retries")
            #expect(directory.read("spool").isEmpty, "delivered events are not spooled")
            await server.stop()
        }
    }

    @Test func honoursRetryAfterOn429() async throws {
        try await withTemporaryDirectory { directory in
            let token = try Reliability.tokenFile(in: directory)
            let server = try await ScriptedServer.start(
                ["--fail-first", "1", "--fail-status", "429", "--retry-after", "1"],
                logPath: directory.file("requests.jsonl")
            )
            let result = try await GateBinary.run(
                Reliability.arguments(url: server.url, tokenFile: token),
                stdin: EventLines.telemetry(1, kind: 1) + "\n"
            )
            await server.stop()
            #expect(result.status == 0, "stderr: \(result.stderr)")
            let requests = server.requests()
            #expect(requests.map { $0["status"] as? Int } == [429, 202], "\(requests)")
            if requests.count == 2, let first = requests[0]["t"] as? Double, let second = requests[1]["t"] as? Double {
                print("429 retry waited \(second - first) s")
                #expect(second - first >= 0.9, "retried after \(second - first) s despite Retry-After: 1")
                #expect(second - first < 3, "waited \(second - first) s for Retry-After: 1")
            }
        }
    }

    @Test(arguments: [400, 401])
    func neverRetriesRejections(status: Int) async throws {
        try await withTemporaryDirectory { directory in
            let token = try Reliability.tokenFile(in: directory)
            let server = try await ScriptedServer.start(
                ["--fail-first", "1000", "--fail-status", String(status)],
                logPath: directory.file("requests.jsonl")
            )
            let input = (0..<3).map { EventLines.telemetry($0) }.joined(separator: "\n") + "\n"
            let result = try await GateBinary.run(
                Reliability.arguments(url: server.url, tokenFile: token, ["--spool", directory.file("spool")]),
                stdin: input
            )
            await server.stop()
            #expect(result.status == 0, "stderr: \(result.stderr)")
            #expect(server.requests().count == 3, "each rejected event is sent once: \(server.requests())")
            #expect(JSONLines.parse(directory.read("spool")).count == 3, "rejected events are spooled")
        }
    }

    @Test func spoolsEverythingWhenCapsuleIsDownAndReplaysUnderTheSameIDs() async throws {
        try await withTemporaryDirectory { directory in
            let token = try Reliability.tokenFile(in: directory)
            let spool = directory.file("spool.jsonl")
            let input = (0..<50).map { EventLines.telemetry($0) }.joined(separator: "\n") + "\n"
            let start = ContinuousClock.now
            let result = try await GateBinary.run(
                Reliability.arguments(url: LoopbackPort.refusedURL(), tokenFile: token, ["--spool", spool]),
                stdin: input,
                timeout: .seconds(25)
            )
            let elapsed = Reliability.seconds(since: start)
            print("50 telemetry events against a refused port: exit after \(elapsed) s")
            #expect(result.status == 0, "stderr: \(result.stderr)")
            #expect(elapsed < 20)
            let outputs = JSONLines.parse(result.stdout)
            #expect(outputs.count == 50)
            #expect(outputs.allSatisfy { $0["action"] as? String == "accepted" })
            let spooled = JSONLines.parse(directory.read("spool.jsonl"))
            #expect(spooled.count == 50, "spool: \(spooled.count) lines")
            let outputIDs = Set(outputs.compactMap { $0["correlation_id"] as? String })
            let spoolIDs = Set(spooled.compactMap { $0["correlation_id"] as? String })
            #expect(outputIDs.count == 50)
            #expect(spoolIDs == outputIDs, "each spool line carries its event's correlation_id")
            for line in spooled {
                #expect(line["timestamp"] is String, "enriched with a timestamp: \(line)")
                #expect(line["session_id"] as? String == "sess-rel")
                #expect((line["agent"] as? [String: Any])?["id"] as? String == "rel-agent")
            }

            let record = directory.file("record.jsonl")
            try await withMockProcess(["--record", record]) { mock in
                let replay = try await GateBinary.run(
                    Reliability.arguments(url: mock.url, tokenFile: token, ["--spool", directory.file("again")]),
                    stdin: directory.read("spool.jsonl")
                )
                #expect(replay.status == 0, "stderr: \(replay.stderr)")
                #expect(JSONLines.parse(replay.stdout).allSatisfy { $0["action"] as? String == "accepted" })
            }
            let recorded = JSONLines.parse(directory.read("record.jsonl"))
            #expect(recorded.count == 50)
            #expect(recorded.allSatisfy { $0["status"] as? Int == 202 }, "\(recorded.prefix(3))")
            let recordedIDs = Set(
                recorded.compactMap { ($0["headers"] as? [String: Any])?["x-correlation-id"] as? String }
            )
            #expect(recordedIDs == spoolIDs, "replayed under the same correlation ids")
            let spoolBodies = Set(spooled.map(Self.canonical))
            let recordBodies = Set(recorded.compactMap { $0["body"] as? [String: Any] }.map(Self.canonical))
            #expect(recordBodies == spoolBodies, "the replayed bodies are the spooled events")
            #expect(directory.read("again").isEmpty)
        }
    }

    @Test func reportsUndeliveredCountWithoutSpool() async throws {
        try await withTemporaryDirectory { directory in
            let token = try Reliability.tokenFile(in: directory)
            let input = (0..<7).map { EventLines.telemetry($0) }.joined(separator: "\n") + "\n"
            let result = try await GateBinary.run(
                Reliability.arguments(url: LoopbackPort.refusedURL(), tokenFile: token),
                stdin: input
            )
            #expect(result.status == 0, "stderr: \(result.stderr)")
            #expect(result.stderr.contains("7 telemetry events were not delivered"), "stderr: \(result.stderr)")
        }
    }

    @Test func fullQueueSpoolsWithoutBlockingInput() async throws {
        try await withTemporaryDirectory { directory in
            let token = try Reliability.tokenFile(in: directory)
            let spool = directory.file("spool.jsonl")
            try await withMockProcess(["--blackhole"]) { mock in
                let gate = try GateBinary.start(
                    Reliability.arguments(
                        url: mock.url,
                        tokenFile: token,
                        [
                            "--spool", spool, "--telemetry-queue", "1", "--telemetry-concurrency", "1",
                            "--telemetry-timeout", "10", "--drain-timeout", "1",
                        ]
                    )
                )
                // The first event fills the only delivery slot (the black hole never answers it).
                gate.write(EventLines.telemetry(0) + "\n")
                try #require(await gate.readLine(timeout: .seconds(10)) != nil, "stderr: \(gate.stderrText)")
                let start = ContinuousClock.now
                gate.write((1..<20).map { EventLines.telemetry($0) }.joined(separator: "\n") + "\n")
                let answers = await Reliability.readObjects(gate, count: 19, timeout: .seconds(3))
                let answered = Reliability.seconds(since: start)
                #expect(answers.count == 19, "stdin must keep flowing while the queue is full")
                #expect(answered < 1, "19 answers took \(answered) s")
                let spooledEarly = await Reliability.waitUntil(timeout: .seconds(2)) {
                    JSONLines.parse(directory.read("spool.jsonl")).count >= 17
                }
                #expect(spooledEarly, "events beyond the queue are spooled at once")
                gate.closeInput()
                let status = await gate.waitForExit(timeout: .seconds(15))
                #expect(status == 0, "stderr: \(gate.stderrText)")
                #expect(gate.stderrText.contains("queue full"), "stderr: \(gate.stderrText)")
                #expect(JSONLines.parse(directory.read("spool.jsonl")).count == 20)
            }
        }
    }

    @Test func drainTimeoutBoundsTheExit() async throws {
        try await withTemporaryDirectory { directory in
            let token = try Reliability.tokenFile(in: directory)
            let spool = directory.file("spool.jsonl")
            try await withMockProcess(["--blackhole"]) { mock in
                let start = ContinuousClock.now
                let result = try await GateBinary.run(
                    Reliability.arguments(
                        url: mock.url,
                        tokenFile: token,
                        ["--spool", spool, "--telemetry-timeout", "10", "--drain-timeout", "1"]
                    ),
                    stdin: (0..<3).map { EventLines.telemetry($0) }.joined(separator: "\n") + "\n",
                    timeout: .seconds(20)
                )
                let elapsed = Reliability.seconds(since: start)
                print("drain-timeout 1 against a black hole: exit after \(elapsed) s")
                #expect(result.status == 0, "stderr: \(result.stderr)")
                #expect(elapsed < 4, "--drain-timeout 1 but the exit took \(elapsed) s")
                #expect(JSONLines.parse(directory.read("spool.jsonl")).count == 3)
            }
        }
    }
}
