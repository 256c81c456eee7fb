import Dispatch
import Synchronization

/// Delivers observational events in the background with its own concurrency limit, retries with backoff, and
/// hands whatever Capsule did not accept to the ``Spool``; never blocks the caller.
public final class TelemetryDispatcher: Sendable {
    private struct State {
        /// Events offered and not yet delivered or spooled, by ticket; swept into the spool when ``run()`` ends.
        var pending: [Int: PreparedEvent] = [:]
        var nextTicket = 0
        var waiting = 0
        var waitingBytes = 0
        /// When a delivery last succeeded (monotonic seconds).
        var lastSuccess: Double?
        /// Whether the reader waits in ``offer(_:)`` for room in the queue.
        var isWaitingForRoom = false
        var deadline: Double?
    }

    private let client: CapsuleClient
    private let spool: Spool
    private let log: DiagnosticLog
    private let policy: RetryPolicy
    private let timeout: Double
    private let concurrency: Int
    private let capacity: Int
    /// Bytes of event bodies the queue holds at most, whatever `capacity` says: memory stays flat.
    private let byteBudget: Int
    private let stream: AsyncStream<Int>
    private let continuation: AsyncStream<Int>.Continuation
    private let state = Mutex(State())
    private let room = DispatchSemaphore(value: 0)
    /// Seconds the reader may wait for room in a full queue while Capsule is accepting telemetry.
    public let roomWait: Double = 1

    /// Creates a dispatcher; call ``run()`` in a task to start delivering.
    public init(
        client: CapsuleClient,
        spool: Spool,
        log: DiagnosticLog,
        policy: RetryPolicy,
        timeout: Double,
        concurrency: Int,
        capacity: Int,
        byteBudget: Int = 4 << 20
    ) {
        self.client = client
        self.spool = spool
        self.log = log
        self.policy = policy
        self.timeout = timeout
        self.concurrency = concurrency
        self.capacity = capacity
        self.byteBudget = byteBudget
        (stream, continuation) = AsyncStream.makeStream(of: Int.self)
    }

    /// Queues `event` for delivery; `beforeWaiting` runs first if the caller is about to wait for room.
    ///
    /// When the queue is full, the caller (the reader thread) waits for room only while Capsule is visibly
    /// accepting telemetry — a delivery succeeded in the last second and the circuit is closed — and for at most
    /// ``roomWait`` seconds; otherwise, or after that, the event goes straight to the spool. So a fast replay
    /// against a healthy Capsule loses nothing and stays within the queue's memory, while a slow or unreachable
    /// Capsule never holds up stdin for more than a moment.
    public func offer(_ event: PreparedEvent, beforeWaiting: () -> Void = {}) {
        var waitUntil: Double?
        while true {
            let now = MonotonicClock.now()
            let outcome: Offer = state.withLock { state in
                guard state.deadline == nil else { return .spool }
                if state.waiting < capacity, state.waitingBytes + event.body.count <= byteBudget {
                    state.waiting += 1
                    state.waitingBytes += event.body.count
                    state.nextTicket += 1
                    state.pending[state.nextTicket] = event
                    return .queued(state.nextTicket)
                }
                guard let lastSuccess = state.lastSuccess, now - lastSuccess < 1, now < (waitUntil ?? .infinity)
                else { return .spool }
                state.isWaitingForRoom = true
                return .wait
            }
            switch outcome {
            case .queued(let ticket):
                continuation.yield(ticket)
                return
            case .wait where !client.isCircuitOpen:
                let limit = waitUntil ?? now + roomWait
                if waitUntil == nil { beforeWaiting() }
                waitUntil = limit
                _ = room.wait(timeout: .now() + .milliseconds(Int(max(0, limit - now) * 1000) + 1))
            case .wait, .spool:
                state.withLock { $0.isWaitingForRoom = false }
                log.sayOnce(
                    "queue-full",
                    "telemetry queue full (\(capacity) events or \(byteBudget >> 20) MiB) and capsule not keeping up; "
                        + (spool.path == nil ? "counting new events as undelivered" : "spooling new events")
                )
                spool.keep(event.spoolLine())
                return
            }
        }
    }

    /// What ``offer(_:)`` does with one event.
    private enum Offer {
        case queued(Int)
        case wait
        case spool
    }

    /// No more events will come: deliver what is queued until `deadline` (monotonic seconds), then spool the rest.
    public func finish(deadline: Double) {
        state.withLock { state in
            state.deadline = min(state.deadline ?? deadline, deadline)
        }
        continuation.finish()
    }

    /// From now on, deliver nothing more: spool what is queued, and stop retrying (shutdown on a signal).
    public func expedite() {
        let now = MonotonicClock.now()
        let wakeReader = state.withLock { state in
            state.deadline = min(state.deadline ?? now, now)
            return state.isWaitingForRoom
        }
        if wakeReader { room.signal() }
    }

    /// Delivers events until ``finish(deadline:)`` was called and the queue is empty.
    ///
    /// Cancelling it spools everything not yet delivered.
    public func run() async {
        // Children return `false`; the drain timer returns `true` when the deadline passes.
        await withTaskGroup(of: Bool.self) { group in
            var running = 0
            for await ticket in stream {
                let (queued, wakeReader) = state.withLock { state in
                    state.waiting -= 1
                    let event = state.pending[ticket]
                    state.waitingBytes -= event?.body.count ?? 0
                    // Wake a waiting reader only once an eighth of the queue is free, not per event.
                    guard state.isWaitingForRoom, state.waiting <= capacity - capacity / 8,
                        state.waitingBytes <= byteBudget - byteBudget / 8
                    else { return (event, false) }
                    state.isWaitingForRoom = false
                    return (event, true)
                }
                if wakeReader { room.signal() }
                guard let event = queued else { continue }
                if running >= concurrency, await group.next() != nil {
                    running -= 1
                }
                group.addTask {
                    await self.deliver(event, ticket: ticket)
                    return false
                }
                running += 1
            }
            // Input is over: deliveries still in flight get until the drain deadline, then are cancelled.
            guard running > 0 else { return }
            group.addTask { await self.waitForDeadline() }
            while let isTimer = await group.next() {
                if isTimer {
                    group.cancelAll()
                } else {
                    running -= 1
                    if running == 0 { group.cancelAll() }
                }
            }
        }
        // Whatever was offered and not resolved (a cancelled run) goes to the spool: nothing is lost silently.
        let leftovers = state.withLock { state in
            defer { state.pending.removeAll() }
            return state.pending.sorted { $0.key < $1.key }.map(\.value)
        }
        for event in leftovers { spool.keep(event.spoolLine()) }
    }

    /// Returns `true` once the drain deadline (which ``expedite()`` may bring forward) has passed, `false` when
    /// cancelled first.
    private func waitForDeadline() async -> Bool {
        while !Task.isCancelled {
            guard let deadline = state.withLock({ $0.deadline }) else { return false }
            let remaining = deadline - MonotonicClock.now()
            if remaining <= 0 { return true }
            try? await Task.sleep(nanoseconds: UInt64(min(remaining, 0.05) * 1e9))
        }
        return false
    }

    private func resolve(_ ticket: Int, delivered: Bool) {
        let now = MonotonicClock.now()
        let event = state.withLock { state in
            if delivered { state.lastSuccess = now }
            return state.pending.removeValue(forKey: ticket)
        }
        if !delivered, let event { spool.keep(event.spoolLine()) }
    }

    private func deliver(_ event: PreparedEvent, ticket: Int) async {
        resolve(ticket, delivered: await attempt(event))
    }

    /// Tries to deliver `event` with retries; `true` when Capsule accepted it.
    private func attempt(_ event: PreparedEvent) async -> Bool {
        attempts: for attempt in 0..<policy.attempts {
            let now = MonotonicClock.now()
            let deadline = state.withLock { $0.deadline }
            if Task.isCancelled { break attempts }
            if let deadline, now >= deadline || client.isCircuitOpen { break attempts }
            let budget = deadline.map { min(timeout, $0 - now) } ?? timeout
            let (meaning, _, retryAfter) = await client.send(
                event,
                timeout: budget,
                classify: ReplyClassifier.classifyTelemetry
            )
            switch meaning {
            case .accepted:
                return true
            case .failed(_, _, .unavailable), .failed(_, _, .rateLimited):
                guard attempt + 1 < policy.attempts else { break attempts }
                let delay = policy.delay(after: attempt, retryAfter: retryAfter, unit: Double.random(in: 0..<1))
                guard await pause(seconds: delay) else { break attempts }
            case .decided, .failed:
                break attempts
            }
        }
        return false
    }

    /// Sleeps `seconds` in short slices; `false` when cancelled or the drain deadline comes first.
    private func pause(seconds: Double) async -> Bool {
        let end = MonotonicClock.now() + seconds
        while true {
            let now = MonotonicClock.now()
            if now >= end { return true }
            if let deadline = state.withLock({ $0.deadline }), deadline <= end { return false }
            do {
                try await Task.sleep(nanoseconds: UInt64(min(end - now, 0.1) * 1e9))
            } catch {
                return false
            }
        }
    }
}
