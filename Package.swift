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
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
  ],
  targets: [
    .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
    .systemLibrary(name: "CReadline", path: "Sources/CReadline"),
    .target(name: "Tally", dependencies: ["CZlib"]),
    .target(name: "TallyRepl", dependencies: ["Tally"]),
    .executableTarget(
      name: "tally",
      dependencies: [
        "Tally", "TallyRepl", "CReadline",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .testTarget(name: "TallyTests", dependencies: ["Tally"], resources: [.copy("Golden"), .copy("Fixtures")]),
    .testTarget(name: "TallyReplTests", dependencies: ["TallyRepl"]),
    .testTarget(name: "tallyTests", dependencies: ["Tally"], exclude: ["Cases"]),
  ]
)
