import Foundation

extension Thread {
    /// Starts a named thread running `body`: for blocking loops that must stay off Swift's cooperative pool.
    static func start(name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread { body() }
        thread.name = name
        thread.stackSize = 1 << 20
        thread.start()
    }
}
