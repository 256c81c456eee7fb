import Foundation
import Testing

/// The README documents every flag that `--help` shows, for the filter and each subcommand.
@Suite
struct ReadmeTests {
    static let readme: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return (try? String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)) ?? ""
    }()

    @Test(arguments: [[], ["mock"], ["verify"]])
    func documentsEveryFlagThatHelpPrints(subcommand: [String]) async throws {
        let help = try await GateBinary.run(subcommand + ["--help"])
        #expect(help.status == 0)
        let regex = try NSRegularExpression(pattern: "--[a-z0-9-]+")
        let text = help.stdout
        let flags = Set(
            regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
                Range($0.range, in: text).map { String(text[$0]) }
            }
        )
        #expect(flags.count >= 5, "help printed too few flags: \(text)")
        let missing = flags.filter { !Self.readme.contains("`\($0)") && !Self.readme.contains("\($0) ") }
        #expect(
            missing.isEmpty,
            "flags of 'capsule-gate \(subcommand.joined()) --help' missing from README.md: \(missing.sorted())"
        )
    }

    @Test func startsWithTheDemoAndTestCommands() {
        let commands = Self.readme.split(separator: "\n").filter { $0.hasPrefix("make ") }.prefix(2).map {
            $0.split(separator: " ").prefix(2).joined(separator: " ")
        }
        #expect(commands == ["make demo", "make test"])
    }
}
