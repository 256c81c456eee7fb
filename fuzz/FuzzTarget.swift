// libFuzzer entry point for the event core: compiled by scripts/fuzz.sh together with the library's JSON,
// Validation, Enrichment and Model sources (no libcurl needed).

/// Runs `prepare` and `validate` on arbitrary bytes and traps when an invariant breaks.
///
/// Invariants: neither function crashes; a prepared body re-validates to the same event type and session id and
/// holds no `correlation_id` member; a spool line prepares back to the same body and id; a body `validate`
/// accepts has a top-level object; a ``JSONPathReader`` range lies inside the input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    let preparer = EventPreparer(
        defaults: EnrichmentDefaults(agentID: "fuzz-agent", agentName: "Fuzz \"Agent\"", sessionID: "sess-fuzz")
    )
    let noDefaults = EventPreparer(defaults: EnrichmentDefaults(sessionID: "s"))
    _ = noDefaults.prepare(input) { "2026-03-03T10:30:00Z" }
    if case .success(let event) = preparer.prepare(input, timestamp: { "2026-03-03T10:30:00.000Z" }) {
        let revalidated = event.body.withUnsafeBytes { EventValidator.validate($0) }
        guard case .success(let checked) = revalidated else {
            fatalError("prepared body does not validate: \(revalidated)")
        }
        guard checked.eventType == event.eventType, checked.sessionID == event.sessionID else {
            fatalError("prepared body validates to a different event")
        }
        let spool = event.spoolLine()
        let again = spool.dropLast().withUnsafeBytes { preparer.prepare($0, timestamp: { "2026-01-01T00:00:00Z" }) }
        guard case .success(let replayed) = again, replayed.body == event.body,
            replayed.correlationID == event.correlationID
        else {
            fatalError("spool line does not replay to the same body and id")
        }
        var line: [UInt8] = []
        DecisionLine(
            line: 1,
            eventType: event.eventType.rawValue,
            correlationID: event.correlationID,
            sessionID: event.sessionID,
            action: .allow,
            source: .capsule,
            latencyMs: Double(size) / 7
        ).encode(into: &line)
    }
    if case .success(let event) = EventValidator.validate(input) {
        _ = event.toolInputStrings.count
    }
    _ = JSONPathReader.string(at: ["response", "action"], in: input)
    if let range = JSONPathReader.valueRange(at: ["tool"], in: input), range.upperBound > size || range.isEmpty {
        fatalError("value range out of bounds")
    }
    return 0
}
