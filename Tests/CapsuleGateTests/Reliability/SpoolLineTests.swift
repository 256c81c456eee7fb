import CapsuleGate
import Foundation
import Testing

extension Reliability {
    @Suite struct SpoolLineTests {
        private let preparer = EventPreparer(defaults: EnrichmentDefaults(agentID: "a", sessionID: "sess-1"))

        private func prepare(_ line: String) throws -> PreparedEvent {
            let bytes = Array(line.utf8)
            let result = bytes.withUnsafeBytes { preparer.prepare($0, timestamp: { "2026-03-03T10:30:00Z" }) }
            return try result.get()
        }

        @Test(arguments: [
            #"{"event_type":"session_start"}"#,
            #"{"event_type":"tool_result","correlation_id":"id-\"quoted\"","tool":{"name":"x","output":1}}"#,
            #"  {"event_type":"agent_message","message":{"content":"tab\there \u00e9"}}  "#,
        ])
        func spoolLineReplaysToTheSameBodyAndID(input: String) throws {
            let event = try prepare(input)
            for line in [event.spoolLine()] {
                #expect(line.last == 0x0A)
                #expect(!line.dropLast().contains(0x0A), "one line")
                let replayed = try prepare(String(decoding: line.dropLast(), as: UTF8.self))
                #expect(replayed.correlationID == event.correlationID)
                #expect(replayed.body == event.body)
                let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any]
                #expect(object?["correlation_id"] as? String == event.correlationID)
            }
        }

        @Test func spoolWithoutAFileCountsWhatItCouldNotKeep() throws {
            let spool = try Spool(path: nil)
            spool.keep(Array("{}\n".utf8))
            spool.keep(Array("{}\n".utf8))
            #expect(spool.totals.spooled == 0)
            #expect(spool.totals.lost == 2)
        }

        @Test func spoolFileAppendsWholeLinesWithPrivateMode() throws {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("spool-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            do {
                let spool = try Spool(path: path)
                for index in 0..<3 { spool.keep(Array("{\"n\":\(index)}\n".utf8)) }
                #expect(spool.totals.spooled == 3)
            }
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "{\"n\":0}\n{\"n\":1}\n{\"n\":2}\n")
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
        }
    }
}
