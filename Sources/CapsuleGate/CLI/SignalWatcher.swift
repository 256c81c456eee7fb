import Foundation

/// Receives SIGINT, SIGTERM and SIGHUP on a dedicated thread with `sigwait`, so handlers run as ordinary code.
///
/// - Important: Call ``blockSignals()`` first thing in `main`, before any thread starts, so that every thread
///   inherits the blocked mask and only the watcher receives these signals.
public enum SignalWatcher {
    /// The signals the watcher handles.
    static let handled: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Blocks the handled signals in the calling thread (and so in every thread it starts later), and ignores
    /// SIGPIPE so that a closed stdout shows up as `EPIPE`.
    ///
    /// The handled signals' dispositions are reset to the default first: a parent may have set them to "ignore"
    /// (a non-interactive shell does so for SIGINT in background jobs), and an ignored signal is discarded before
    /// `sigwait` can see it. Blocked, they are never acted on by default either.
    public static func blockSignals() {
        signal(SIGPIPE, SIG_IGN)
        var set = sigset_t()
        sigemptyset(&set)
        for signal in handled { sigaddset(&set, signal) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
        for handledSignal in handled { signal(handledSignal, SIG_DFL) }
    }

    /// Starts the watcher thread; `handler` runs on it once per signal received, for the life of the process.
    public static func start(_ handler: @escaping @Sendable (Int32) -> Void) {
        Thread.start(name: "capsule-gate.signals") {
            var set = sigset_t()
            sigemptyset(&set)
            for signal in handled { sigaddset(&set, signal) }
            while true {
                var received: Int32 = 0
                guard sigwait(&set, &received) == 0 else { continue }
                handler(received)
            }
        }
    }
}
