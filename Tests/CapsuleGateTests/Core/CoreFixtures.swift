import Foundation

@testable import CapsuleGate

/// Shared inputs and helpers for the event core's tests.
enum CoreFixtures {
    /// A fixed timestamp the preparer's clock returns in tests.
    static let now = "2026-03-03T10:30:00.123Z"

    /// A valid, complete tool_invocation line.
    static let toolInvocation =
        #"{"event_type":"tool_invocation","session_id":"sess-abc123","timestamp":"2026-03-03T10:30:00Z","#
        + #""agent":{"id":"support-agent","name":"Customer Support Agent"},"user":{"email":"user@example.com"},"#
        + #""tool":{"name":"database_query","input":{"query":"SELECT * FROM users"}}}"#

    /// A preparer with every default set.
    static let fullDefaults = EnrichmentDefaults(
        agentID: "default-agent",
        agentName: "Default Agent",
        userEmail: "default@example.com",
        sessionID: "sess-default"
    )

    /// Prepares `line` with `defaults` and the fixed clock.
    static func prepare(
        _ line: String,
        defaults: EnrichmentDefaults = fullDefaults
    ) -> Result<PreparedEvent, RejectedLine> {
        prepare(bytes: Array(line.utf8), defaults: defaults)
    }

    /// Prepares raw bytes with `defaults` and the fixed clock.
    static func prepare(
        bytes: [UInt8],
        defaults: EnrichmentDefaults = fullDefaults
    ) -> Result<PreparedEvent, RejectedLine> {
        let preparer = EventPreparer(defaults: defaults)
        return bytes.withUnsafeBytes { preparer.prepare($0, timestamp: { now }) }
    }

    /// Validates `body`.
    static func validate(_ body: String) -> Result<ValidatedEvent, ValidationFailure> {
        validate(bytes: Array(body.utf8))
    }

    /// Validates raw bytes.
    static func validate(bytes: [UInt8]) -> Result<ValidatedEvent, ValidationFailure> {
        bytes.withUnsafeBytes { EventValidator.validate($0) }
    }

    /// Parses JSON with Foundation (tests only) into a comparable value.
    static func parse(_ bytes: [UInt8]) -> NSObject? {
        try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) as? NSObject
    }

    /// The failure's `field: message` text, or `nil` on success.
    static func failureText(_ result: Result<PreparedEvent, RejectedLine>) -> String? {
        guard case .failure(let rejected) = result else { return nil }
        return rejected.failure.description
    }

    /// The body as text, or `nil` on failure.
    static func bodyText(_ result: Result<PreparedEvent, RejectedLine>) -> String? {
        guard case .success(let event) = result else { return nil }
        return String(decoding: event.body, as: UTF8.self)
    }
}
