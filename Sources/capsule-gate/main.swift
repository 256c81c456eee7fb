import CapsuleGate

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Thin entry point. Synchronous on purpose: the signal mask must be set on the main thread before any other thread
// exists (an async top-level `main` runs on a dispatch thread), so that only the signal watcher receives them.
SignalWatcher.blockSignals()
exit(CommandLineTool.runToCompletion(arguments: Array(CommandLine.arguments.dropFirst())))
