/// The circuit breaker's state machine: stops waiting on Capsule after a run of transport failures.
///
/// Closed, it counts consecutive failures; at `threshold` it opens for `cooldown` seconds, during which no request
/// is sent. Then one probe is let through (half-open): success closes the circuit, failure opens it again with the
/// cool-down doubled, up to `maxCooldown`. Pure: the caller passes the time and acts on the returned transitions.
public struct CircuitBreaker: Sendable, Hashable {
    /// Where the circuit stands.
    public enum State: Sendable, Hashable {
        /// Requests flow; `failures` consecutive transport failures so far.
        case closed(failures: Int)
        /// No request is sent until `until` (seconds on the caller's monotonic clock).
        case open(until: Double)
        /// One probe is in flight; everything else is answered at once.
        case halfOpen
    }

    /// What the caller may do with one request.
    public enum Permit: Sendable, Hashable {
        /// Send it.
        case send
        /// Send it as the probe that decides whether the circuit closes.
        case probe
        /// Don't send it: the circuit is open.
        case reject
    }

    /// A change of state worth one line on stderr.
    public enum Transition: Sendable, Hashable, CustomStringConvertible {
        /// The circuit opened after `failures` consecutive failures, for `cooldown` seconds.
        case opened(failures: Int, cooldown: Double)
        /// A probe failed; open again for `cooldown` seconds.
        case reopened(cooldown: Double)
        /// A probe succeeded; requests flow again.
        case closed

        /// The stderr line, without the program prefix.
        public var description: String {
            switch self {
            case .opened(let failures, let cooldown):
                "circuit open: \(failures) consecutive failures reaching capsule; answering at once per --fail-mode "
                    + "for \(CircuitBreaker.format(cooldown))"
            case .reopened(let cooldown):
                "circuit still open: the probe failed; next probe in \(CircuitBreaker.format(cooldown))"
            case .closed:
                "circuit closed: capsule answered the probe; requests flow again"
            }
        }
    }

    /// Consecutive failures that open the circuit.
    public let threshold: Int
    /// The first cool-down, in seconds.
    public let cooldown: Double
    /// The longest cool-down after repeated failed probes, in seconds.
    public let maxCooldown: Double
    /// The current state.
    public private(set) var state: State = .closed(failures: 0)
    private var currentCooldown: Double

    /// Creates a closed breaker.
    public init(threshold: Int, cooldown: Double, maxCooldown: Double = 60) {
        self.threshold = threshold
        self.cooldown = cooldown
        self.maxCooldown = max(cooldown, maxCooldown)
        self.currentCooldown = cooldown
    }

    /// Whether requests are currently being refused without being sent.
    public func isOpen(now: Double) -> Bool {
        switch state {
        case .closed: false
        case .open(let until): now < until
        case .halfOpen: true
        }
    }

    /// Asks whether one request may be sent at `now`.
    public mutating func permit(now: Double) -> Permit {
        switch state {
        case .closed:
            return .send
        case .open(let until):
            guard now >= until else { return .reject }
            state = .halfOpen
            return .probe
        case .halfOpen:
            return .reject
        }
    }

    /// Records that a request sent under `permit` succeeded (Capsule answered with anything but 408 or 5xx).
    public mutating func recordSuccess(permit: Permit) -> Transition? {
        switch state {
        case .closed:
            state = .closed(failures: 0)
            return nil
        case .halfOpen where permit == .probe:
            state = .closed(failures: 0)
            currentCooldown = cooldown
            return .closed
        case .open, .halfOpen:
            return nil
        }
    }

    /// Records a transport failure (timeout, refused or reset connection, 408, 5xx) of a request sent under `permit`.
    public mutating func recordFailure(permit: Permit, now: Double) -> Transition? {
        switch state {
        case .closed(let failures):
            let count = failures + 1
            guard count >= threshold else {
                state = .closed(failures: count)
                return nil
            }
            currentCooldown = cooldown
            state = .open(until: now + currentCooldown)
            return .opened(failures: count, cooldown: currentCooldown)
        case .halfOpen where permit == .probe:
            currentCooldown = min(currentCooldown * 2, maxCooldown)
            state = .open(until: now + currentCooldown)
            return .reopened(cooldown: currentCooldown)
        case .open, .halfOpen:
            return nil
        }
    }

    /// Records that a probe was abandoned (cancelled) without an answer: let the next request probe instead.
    public mutating func recordAbandoned(permit: Permit) {
        if permit == .probe, state == .halfOpen { state = .open(until: 0) }
    }

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? "\(Int(seconds))s" : "\(seconds)s"
    }
}
