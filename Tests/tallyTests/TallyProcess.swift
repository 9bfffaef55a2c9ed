import Foundation
import XCTest

/// Runs the built `tally` binary, as a user would.
enum TallyProcess {
  /// The `tally` executable next to the test bundle (`.build/<config>/tally`).
  static var executable: URL {
    var dir = Bundle(for: Marker.self).bundleURL
    for _ in 0..<4 {
      let candidate = dir.appendingPathComponent("tally")
      dir = dir.deletingLastPathComponent()
      var isDir: ObjCBool = false
      if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDir), !isDir.boolValue { return candidate }
    }
    return URL(fileURLWithPath: ".build/debug/tally")
  }

  final class Marker {}

  struct Output {
    var stdout: String
    var stderr: String
    var code: Int32
  }

  /// Runs `tally ARGS` in `directory`, with `input` on stdin.
  @discardableResult
  static func run(_ arguments: [String], in directory: URL? = nil, input: String? = nil, environment: [String: String] = [:]) throws -> Output {
    let p = Process()
    p.executableURL = executable
    p.arguments = arguments
    if let directory { p.currentDirectoryURL = directory }
    var env = ProcessInfo.processInfo.environment
    env["NO_COLOR"] = "1"
    for (k, v) in environment { env[k] = v }
    p.environment = env
    let out = Pipe(), err = Pipe(), inp = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = inp
    try p.run()
    if let input { inp.fileHandleForWriting.write(Data(input.utf8)) }
    try inp.fileHandleForWriting.close()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
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
