import Testing

@testable import CapsuleGate

@Suite struct GlobPatternTests {
    @Test(arguments: [
        ("db_*", "db_query", true),
        ("db_*", "db_", true),
        ("db_*", "xdb_query", false),
        ("db_?", "db_1", true),
        ("db_?", "db_12", false),
        ("*", "", true),
        ("*", "anything", true),
        ("", "", true),
        ("", "a", false),
        ("shell", "shell", true),
        ("shell", "Shell", false),
        ("*_exec*", "run_exec_now", true),
        ("a*b*c", "axxbyyc", true),
        ("a*b*c", "axxbyy", false),
        ("?é*", "xéz", true),
    ])
    func matchesWholeNames(pattern: String, name: String, expected: Bool) {
        #expect(GlobPattern(pattern).matches(name) == expected)
    }
}
