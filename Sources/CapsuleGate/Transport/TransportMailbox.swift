import CCurl
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A request handed to the loop thread, with the continuation that receives its outcome.
struct PendingRequest: Sendable {
    /// The transport-wide id, used to cancel it.
    let id: UInt64
    /// What to send.
    let request: HTTPRequest
    /// ``MonotonicClock`` seconds when ``CurlTransport/send(_:)`` was called.
    let start: Double
    /// Resumed exactly once, by the loop thread or by cancellation.
    let continuation: CheckedContinuation<Result<HTTPResponse, TransportError>, Never>
}

/// The state callers share with the loop thread.
///
/// New requests, cancellations, stop, the default headers and the counters. Everything mutable is behind one
/// `Mutex`, held only for a few appends and `curl_multi_wakeup`, never while resuming a continuation.
final class TransportMailbox: Sendable {
    /// What the lock protects.
    struct State {
        /// Requests the loop has not taken yet.
        var pending: [PendingRequest] = []
        /// Ids whose callers cancelled after the loop took them.
        var cancellations: [UInt64] = []
        /// Set by ``stop()``; no request is accepted after it.
        var isStopping = false
        /// The address of the loop's multi handle while the loop runs (`nil` otherwise), for `curl_multi_wakeup`.
        var multiAddress: UInt?
        /// Header lines added to every request.
        var defaultHeaders: [String]
        /// Bumped on each change of ``defaultHeaders``.
        var headersGeneration: UInt64 = 1

        /// Interrupts the loop's `curl_multi_poll`, when the loop runs.
        ///
        /// Called under the lock: the multi handle may be freed as soon as the lock is released.
        func wakeLoop() {
            if let multiAddress, let multi = UnsafeMutableRawPointer(bitPattern: multiAddress) {
                curl_multi_wakeup(multi)
            }
        }
    }

    /// What the loop takes in one go.
    struct Batch {
        /// New requests, in submission order.
        var requests: [PendingRequest]
        /// Ids to cancel.
        var cancellations: [UInt64]
        /// Whether to stop.
        var isStopping: Bool
        /// The default headers when they changed since `knownGeneration`.
        var headers: (lines: [String], generation: UInt64)?
    }

    /// The protected state.
    private let state: Mutex<State>
    /// The next request id.
    private let nextIDCounter = Atomic<UInt64>(1)
    /// Sum of `CURLINFO_NUM_CONNECTS`: connections opened so far.
    let connectionsOpened = Atomic<Int>(0)
    /// Requests that got an HTTP answer.
    let requestsCompleted = Atomic<Int>(0)
    /// Requests that failed (including cancelled ones).
    let requestsFailed = Atomic<Int>(0)

    /// Creates a mailbox with the first default headers.
    init(defaultHeaders: [String]) {
        state = Mutex(State(defaultHeaders: defaultHeaders))
    }

    /// A fresh request id.
    func nextID() -> UInt64 {
        nextIDCounter.wrappingAdd(1, ordering: .relaxed).oldValue
    }

    /// Queues a request for the loop, or answers it `.cancelled` at once when the task is cancelled or the transport
    /// stopped.
    func submit(_ pending: PendingRequest) {
        let accepted = state.withLock { state -> Bool in
            if state.isStopping || Task.isCancelled { return false }
            state.pending.append(pending)
            if state.pending.count == 1 { state.wakeLoop() }
            return true
        }
        if !accepted {
            pending.continuation.resume(returning: .failure(.cancelled))
        }
    }

    /// Cancels request `id`: answered here when the loop has not taken it yet, else handed to the loop.
    func cancel(_ id: UInt64) {
        let removed = state.withLock { state -> PendingRequest? in
            if let index = state.pending.firstIndex(where: { $0.id == id }) {
                return state.pending.remove(at: index)
            }
            state.cancellations.append(id)
            state.wakeLoop()
            return nil
        }
        removed?.continuation.resume(returning: .failure(.cancelled))
    }

    /// Replaces the default headers from the next request on.
    func setDefaultHeaders(_ headers: [String]) {
        state.withLock { state in
            state.defaultHeaders = headers
            state.headersGeneration &+= 1
        }
    }

    /// Asks the loop to stop.
    func stop() {
        state.withLock { state in
            state.isStopping = true
            state.wakeLoop()
        }
    }

    /// Called by the loop when it is ready to be woken through `multi`.
    func attach(multi: UnsafeMutableRawPointer) {
        state.withLock { state in state.multiAddress = UInt(bitPattern: multi) }
    }

    /// Called by the loop before it frees what wakes it: stops accepting requests.
    ///
    /// - Returns: Requests nobody will take any more, to answer `.cancelled`.
    func detach() -> [PendingRequest] {
        state.withLock { state in
            state.multiAddress = nil
            state.isStopping = true
            let left = state.pending
            state.pending = []
            return left
        }
    }

    /// Takes everything new for the loop.
    func take(knownGeneration: UInt64) -> Batch {
        state.withLock { state in
            var batch = Batch(requests: [], cancellations: [], isStopping: state.isStopping, headers: nil)
            if !state.pending.isEmpty {
                swap(&batch.requests, &state.pending)
            }
            if !state.cancellations.isEmpty {
                swap(&batch.cancellations, &state.cancellations)
            }
            if state.headersGeneration != knownGeneration {
                batch.headers = (state.defaultHeaders, state.headersGeneration)
            }
            return batch
        }
    }
}
