import Foundation
import XCTest

/// Runs the built `tally` binary, as a user would.
enum TallyProcess {
  final class Marker {}

  /// The built `tally`: next to the running test binary (any scratch path; on Linux the
  /// bundle URL is the products directory, on macOS the `.xctest` inside it), else in the
  /// package's `.build` products directory.
  static let executable: URL = {
    var dirs: [URL] = []
    var dir = Bundle(for: Marker.self).bundleURL
    for _ in 0..<3 {
      dirs.append(dir)
      dir = dir.deletingLastPathComponent()
    }
    if let first = CommandLine.arguments.first { dirs.append(URL(fileURLWithPath: first).deletingLastPathComponent()) }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    dirs.append(root.appendingPathComponent(".build/debug"))
    let found = dirs.map { $0.appendingPathComponent("tally") }.first { url in
      var isDir: ObjCBool = false
      return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) && !isDir.boolValue
        && FileManager.default.isExecutableFile(atPath: url.path)
    }
    return found ?? root.appendingPathComponent(".build/debug/tally")
  }()

  struct Output {
    var stdout: String
    var stderr: String
    var code: Int32
  }

  /// Runs `tally ARGS` in `directory` with `input` on stdin (none: /dev/null). stderr goes
  /// to a file, so the child never blocks on a full pipe while stdout is read.
  @discardableResult
  static func run(
    _ arguments: [String], in directory: URL? = nil, input: String? = nil, environment: [String: String] = [:], executable: URL? = nil
  ) throws -> Output {
    let p = Process()
    p.executableURL = executable ?? Self.executable
    p.arguments = arguments
    if let directory { p.currentDirectoryURL = directory }
    var env = ProcessInfo.processInfo.environment
    env["NO_COLOR"] = "1"
    for (k, v) in environment { env[k] = v }
    p.environment = env
    let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("tally-stderr-\(UUID().uuidString).txt")
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: errURL) }
    let errHandle = try FileHandle(forWritingTo: errURL)
    let out = Pipe()
    p.standardOutput = out
    p.standardError = errHandle
    let inp = Pipe()
    p.standardInput = input == nil ? FileHandle.nullDevice : inp
    try p.run()
    if let input {
      inp.fileHandleForWriting.write(Data(input.utf8))
      try inp.fileHandleForWriting.close()
    }
    let o = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    try errHandle.close()
    let e = try Data(contentsOf: errURL)
    return Output(stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self), code: p.terminationStatus)
  }

  /// A fresh temporary directory with the given files (path → contents).
  static func directory(_ files: [String: String]) throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tally-e2e-\(UUID().uuidString)")
    for (path, text) in files {
      let url = dir.appendingPathComponent(path)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(text.utf8).write(to: url)
    }
    return dir
  }
}
