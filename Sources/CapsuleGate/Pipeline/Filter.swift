import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The streaming filter: stdin lines in, decisions out in input order.
///
/// The reader thread splits, prepares and numbers lines, answers invalid lines and queues telemetry itself, and
/// passes blocking events to a task group bounded by `concurrency`. Each child asks Capsule and submits its line
/// to the ``OrderedEmitter``, which hands ready runs to the ``OutputWriter`` thread. A window of lines read but not
/// yet written bounds memory.
public struct Filter: Sendable {
    /// A blocking event on its way to Capsule.
    struct BlockingWork: Sendable {
        var sequence: Int
        var line: Int
        var event: PreparedEvent
    }

    /// How a run ended.
    public enum Outcome: Sendable, Hashable {
        /// Stdin reached EOF and every line was answered.
        case completed
        /// A signal stopped reading; every line read was answered.
        case stopped(signal: Int32)
        /// The reader of stdout went away.
        case outputClosed
        /// Reading stdin failed.
        case inputFailed(errno: Int32)
    }

    /// The settings.
    public var configuration: FilterConfiguration
    /// Asks Capsule.
    public var client: CapsuleClient
    /// Delivers telemetry.
    public var telemetry: TelemetryDispatcher
    /// Where messages go.
    public var log: DiagnosticLog
    /// The shutdown switches.
    public var control: FilterControl
    /// Now as RFC 3339, for events without a timestamp.
    public var timestamp: @Sendable () -> String

    /// Creates a filter.
    public init(
        configuration: FilterConfiguration,
        client: CapsuleClient,
        telemetry: TelemetryDispatcher,
        log: DiagnosticLog,
        control: FilterControl,
        timestamp: @escaping @Sendable () -> String
    ) {
        self.configuration = configuration
        self.client = client
        self.telemetry = telemetry
        self.log = log
        self.control = control
        self.timestamp = timestamp
    }

    /// Runs until `input` reaches EOF (or a stop), writing decisions to `output`.
    public func run(input: Int32, output: Int32) async -> Outcome {
        let window = LineWindow(size: configuration.window)
        let control = self.control
        let writer = OutputWriter(descriptor: output, window: window) {
            control.request(.outputClosed)
        }
        let emitter = OrderedEmitter(writer: writer, window: window)
        let (stream, continuation) = AsyncStream.makeStream(of: BlockingWork.self)
        let ending = Mutex<LineReader.Ending?>(nil)
        let readerDone = DispatchSemaphore(value: 0)
        Thread.start(name: "capsule-gate.reader") {
            let result = readLines(input: input, window: window, emitter: emitter, blocking: continuation)
            ending.withLock { $0 = result }
            continuation.finish()
            readerDone.signal()
        }

        await withTaskGroup(of: Bool.self) { top in
            top.addTask {
                await control.waitForAbort()
                return true
            }
            top.addTask {
                await telemetry.run()
                return false
            }
            top.addTask {
                await decideAll(stream, emitter: emitter)
                let drain = control.stop == nil ? configuration.drainTimeout : 0
                telemetry.finish(deadline: MonotonicClock.now() + drain)
                return false
            }
            var workersLeft = 2
            while let isWatcher = await top.next() {
                if isWatcher {
                    if control.stop == .outputClosed { top.cancelAll() }
                } else {
                    workersLeft -= 1
                    if workersLeft == 0 { control.release() }
                }
            }
        }
        if control.stop == .outputClosed {
            return .outputClosed
        }
        writer.finish()
        if case .signal(let signal) = control.stop { return .stopped(signal: signal) }
        readerDone.wait()
        if case .failed(let code) = ending.withLock({ $0 }) { return .inputFailed(errno: code) }
        return .completed
    }

    /// The reader thread's work: every line gets a sequence number and, eventually, exactly one submission.
    private func readLines(
        input: Int32,
        window: LineWindow,
        emitter: OrderedEmitter,
        blocking: AsyncStream<BlockingWork>.Continuation
    ) -> LineReader.Ending {
        let reader = LineReader(
            descriptor: input,
            stopDescriptor: control.stopDescriptor,
            maxLineBytes: configuration.maxLineBytes
        )
        let preparer = EventPreparer(defaults: configuration.defaults)
        let emitsAll = configuration.emit == .all
        var sequence = 0
        // Lines this thread answers itself (telemetry, errors) are handed to the emitter in batches: one lock and
        // one writer wake-up per read chunk instead of per line. The batch is flushed before this thread can sleep
        // (window full, telemetry queue full, waiting for input), so a coprocess never waits on it.
        var batch: [(sequence: Int, line: [UInt8]?)] = []
        func flush() {
            guard !batch.isEmpty else { return }
            emitter.submit(batch)
            batch.removeAll(keepingCapacity: true)
        }
        func answer(_ line: DecisionLine?, at sequence: Int) {
            var bytes: [UInt8]?
            if let line {
                var encoded: [UInt8] = []
                encoded.reserveCapacity(256)
                line.encode(into: &encoded)
                bytes = encoded
            }
            batch.append((sequence, bytes))
            if batch.count >= 64 { flush() }
        }
        func reject(_ line: DecisionLine, isBlockingType: Bool, at sequence: Int) {
            if emitsAll || isBlockingType {
                answer(line, at: sequence)
            } else {
                log.say("line \(line.line): \(line.reason ?? "invalid")")
                answer(nil, at: sequence)
            }
        }
        let ending = reader.run(
            line: { number, bytes in
                guard !Self.isBlank(bytes) else { return }
                window.acquire(beforeWaiting: flush)
                defer { sequence += 1 }
                switch preparer.prepare(bytes, timestamp: timestamp) {
                case .success(let event) where event.eventType.isBlocking:
                    blocking.yield(BlockingWork(sequence: sequence, line: number, event: event))
                case .success(let event):
                    telemetry.offer(event, beforeWaiting: flush)
                    answer(
                        emitsAll
                            ? DecisionLine(
                                line: number,
                                eventType: event.eventType.rawValue,
                                correlationID: event.correlationID,
                                sessionID: event.sessionID,
                                action: .accepted,
                                source: .queued
                            ) : nil,
                        at: sequence
                    )
                case .failure(let rejected):
                    let type = rejected.eventType.flatMap(EventType.init(rawValue:))
                    reject(
                        DecisionLine(
                            line: number,
                            eventType: rejected.eventType,
                            correlationID: rejected.correlationID,
                            sessionID: rejected.sessionID,
                            action: .error,
                            source: .invalid,
                            reason: rejected.failure.description
                        ),
                        isBlockingType: type?.isBlocking ?? false,
                        at: sequence
                    )
                }
            },
            tooLong: { number, length in
                window.acquire(beforeWaiting: flush)
                defer { sequence += 1 }
                reject(
                    DecisionLine(
                        line: number,
                        action: .error,
                        source: .invalid,
                        reason: "line: \(length) bytes is longer than --max-line-bytes (\(configuration.maxLineBytes))"
                    ),
                    isBlockingType: false,
                    at: sequence
                )
            },
            beforeReading: flush
        )
        flush()
        return ending
    }

    /// Sends blocking events with at most `concurrency` in flight; each child writes its own decision.
    private func decideAll(_ stream: AsyncStream<BlockingWork>, emitter: OrderedEmitter) async {
        let concurrency = configuration.concurrency
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            for await work in stream {
                if running >= concurrency {
                    await group.next()
                    running -= 1
                }
                group.addTask {
                    let line = await decide(work)
                    var bytes: [UInt8] = []
                    bytes.reserveCapacity(256)
                    line.encode(into: &bytes)
                    emitter.submit(bytes, at: work.sequence)
                }
                running += 1
            }
        }
    }

    /// Asks Capsule about one blocking event and turns the reply into its decision line.
    func decide(_ work: BlockingWork) async -> DecisionLine {
        let event = work.event
        let (meaning, seconds, _) = await client.send(
            event,
            timeout: configuration.blockingTimeout,
            classify: ReplyClassifier.classifyBlocking
        )
        var line = DecisionLine(
            line: work.line,
            eventType: event.eventType.rawValue,
            correlationID: event.correlationID,
            sessionID: event.sessionID,
            action: .allow,
            source: .capsule,
            latencyMs: seconds.map { $0 * 1000 }
        )
        switch meaning {
        case .decided(let action, let reason, let status):
            line.action = action
            line.reason = reason
            line.status = status
        case .accepted(let status):
            line.status = status
        case .failed(let reason, let status, _):
            line.action = configuration.failMode == .open ? .allow : .block
            line.source = configuration.failMode == .open ? .failOpen : .failClosed
            line.reason = reason
            line.status = status
        }
        return line
    }

    /// Whether a line holds only spaces, tabs and carriage returns.
    static func isBlank(_ bytes: UnsafeRawBufferPointer) -> Bool {
        for byte in bytes where byte != 0x20 && byte != 0x09 && byte != 0x0D { return false }
        return true
    }
}
