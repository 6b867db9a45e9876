// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "roster",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "roster", targets: ["roster"]),
        .library(name: "RosterKit", targets: ["RosterKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // The system's libsqlite3 through its C API (apt-get install libsqlite3-dev).
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        // PostgreSQL's libpq through its C API (apt-get install libpq-dev), for the
        // PostgreSQL store (issue 9): synchronous like the rest of the CLI, builds in seconds.
        // Opened when a PostgreSQL database is first used, not linked: linked, it and its
        // eighteen libraries cost every command 5.6 ms to start (docs/PERFORMANCE.md).
        .target(name: "CLibPQ", path: "Sources/CLibPQ", linkerSettings: [.linkedLibrary("dl")]),
        // OpenSSL's libcrypto for SHA-256 (libssl-dev, a dependency of libpq-dev): measured
        // ten times faster than our own Swift SHA-256 on this machine, 1.5 GB/s against
        // 130-160 MB/s (docs/PERFORMANCE.md).
        .systemLibrary(name: "CLibCrypto", path: "Sources/CLibCrypto", providers: [.apt(["libssl-dev"])]),
        .target(name: "RosterKit", dependencies: ["CSQLite", "CLibPQ", "CLibCrypto"]),
        .executableTarget(
            name: "roster",
            dependencies: ["RosterKit", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(name: "RosterKitTests", dependencies: ["RosterKit", "CSQLite"]),
        .testTarget(name: "RosterCLITests", dependencies: ["RosterKit"]),
    ]
)
