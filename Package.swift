// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "Tally",
  platforms: [.macOS(.v13)],
  products: [
    .library(name: "Tally", targets: ["Tally"]),
    .executable(name: "tally", targets: ["tally"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
  ],
  targets: [
    .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
    .systemLibrary(name: "CReadline", path: "Sources/CReadline"),
    // The language and its engines, folder by stage; no terminal, no command line.
    .target(name: "Tally", dependencies: ["CZlib"]),
    // Datasets on a PostgreSQL server: connections, schemas, pushed-down statements.
    .target(
      name: "TallyPostgres",
      dependencies: [
        "Tally", .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "Logging", package: "swift-log"),
      ]),
    // What the command line and the REPL share: finding definition files, reading `--data`.
    .target(name: "TallyDriver", dependencies: ["Tally"]),
    // The REPL session: lines in, text out.
    .target(name: "TallyRepl", dependencies: ["Tally", "TallyDriver"]),
    // The `tally` executable: argument parsing, one file per subcommand, the line editor.
    .executableTarget(
      name: "tally",
      dependencies: [
        "Tally", "TallyDriver", "TallyRepl", "TallyPostgres", "CReadline",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      path: "Sources/TallyCLI"),
    .testTarget(name: "TallyTests", dependencies: ["Tally"], resources: [.copy("Golden"), .copy("Fixtures")]),
    .testTarget(name: "TallyReplTests", dependencies: ["TallyRepl"]),
    // The built binary, run as a user runs it.
    .testTarget(name: "EndToEndTests", dependencies: ["Tally"], exclude: ["Cases"]),
  ]
)
