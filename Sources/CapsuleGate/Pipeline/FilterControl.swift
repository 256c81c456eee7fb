import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The filter's shutdown switches, flipped from the signal and writer threads and read by the pipeline.
public final class FilterControl: Sendable {
    /// Why the filter is stopping early.
    public enum Stop: Sendable, Hashable {
        /// SIGINT or SIGTERM: stop reading, answer what was read, spool telemetry.
        case signal(Int32)
        /// The reader of stdout has gone: stop everything at once.
        case outputClosed
    }

    private struct State {
        var stop: Stop?
        var waiter: CheckedContinuation<Void, Never>?
        var isReleased = false
    }

    private let state = Mutex(State())
    private let stopPipe: (read: Int32, write: Int32)

    /// Creates the switches and the pipe that wakes the line reader.
    public init() {
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) != 0 { fds = [-1, -1] }
        stopPipe = (fds[0], fds[1])
    }

    deinit {
        if stopPipe.read >= 0 { close(stopPipe.read) }
        if stopPipe.write >= 0 { close(stopPipe.write) }
    }

    /// The descriptor the line reader polls besides stdin.
    public var stopDescriptor: Int32 { stopPipe.read }

    /// Why the filter is stopping, if it is.
    public var stop: Stop? { state.withLock { $0.stop } }

    /// Requests a stop; the first request wins.
    ///
    /// - Returns: `true` when this was the first request.
    @discardableResult
    public func request(_ stop: Stop) -> Bool {
        let (isFirst, waiter) = state.withLock { state -> (Bool, CheckedContinuation<Void, Never>?) in
            guard state.stop == nil else { return (false, nil) }
            state.stop = stop
            guard stop == .outputClosed else { return (true, nil) }
            defer { state.waiter = nil }
            return (true, state.waiter)
        }
        if isFirst {
            var byte: UInt8 = 1
            _ = write(stopPipe.write, &byte, 1)
        }
        waiter?.resume()
        return isFirst
    }

    /// Returns when the output closes (everything must be cancelled) or ``release()`` is called.
    public func waitForAbort() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state -> Bool in
                if state.isReleased || state.stop == .outputClosed { return true }
                state.waiter = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// Lets ``waitForAbort()`` return: the work finished normally.
    public func release() {
        let waiter = state.withLock { state in
            state.isReleased = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }
}
