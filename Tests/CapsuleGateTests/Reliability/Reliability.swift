/// The namespace of the reliability unit suites (so `swift test --filter Reliability` selects them all).
enum Reliability {}
