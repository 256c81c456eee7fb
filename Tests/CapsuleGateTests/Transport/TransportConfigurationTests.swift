import Foundation
import Testing

@testable import CapsuleGate

@Suite struct TransportConfigurationTests {
    @Test func refusesAMissingCAFile() {
        #expect(
            throws: TransportConfigurationError.unreadableCAFile(
                path: "/nonexistent/ca.pem",
                reason: "No such file or directory"
            )
        ) {
            try TransportConfiguration(maxConnections: 1, caFile: "/nonexistent/ca.pem", userAgent: "t")
        }
    }

    @Test func refusesACAFileWithoutACertificate() throws {
        let path = NSTemporaryDirectory() + "capsule-gate-not-pem-" + UUID().uuidString
        try "hello\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: TransportConfigurationError.notPEM(path: path)) {
            try TransportConfiguration(maxConnections: 1, caFile: path, userAgent: "t")
        }
        let error = TransportConfigurationError.notPEM(path: path)
        #expect(error.description.contains("'\(path)'"))
    }

    @Test func refusesADirectoryAsCAFile() {
        #expect(throws: TransportConfigurationError.unreadableCAFile(path: "/tmp", reason: "Is a directory")) {
            try TransportConfiguration(maxConnections: 1, caFile: "/tmp", userAgent: "t")
        }
    }

    @Test func refusesZeroConnections() {
        #expect(throws: TransportConfigurationError.self) {
            try TransportConfiguration(maxConnections: 0, userAgent: "t")
        }
    }
}
