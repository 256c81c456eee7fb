import CapsuleGate

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Thin entry point: the library parses the arguments, runs the command and picks the exit status.
SignalWatcher.blockSignals()
let status = await CommandLineTool.main(arguments: Array(CommandLine.arguments.dropFirst()))
exit(status)
