// swift-tools-version:6.0
import PackageDescription

/// Settings every Swift target of the package shares: Swift 6 strict concurrency plus the upcoming features the
/// style guide asks for.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "capsule-gate",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "capsule-gate", targets: ["capsule-gate"]),
        .library(name: "CapsuleGate", targets: ["CapsuleGate"]),
    ],
    targets: [
        .systemLibrary(
            name: "CCurl",
            path: "Sources/CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .target(
            name: "CapsuleGate",
            dependencies: ["CCurl"],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "capsule-gate",
            dependencies: ["CapsuleGate"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CapsuleGateTests",
            dependencies: ["CapsuleGate"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["CapsuleGate", "capsule-gate"],
            swiftSettings: strictSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
