import Foundation

/// The `sqlite3` shell, run over a script in an in-memory database, for the tests that check
/// statements on a real engine.
enum SQLiteShell {
  static let path = "/usr/bin/sqlite3"

  /// Whether the shell is installed.
  static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: path) }

  /// Runs `script` (written to a file in `directory`); its standard output, standard error and exit status.
  static func run(_ script: String, in directory: URL) throws -> (stdout: String, stderr: String, status: Int32) {
    let scriptURL = directory.appendingPathComponent("script.sql")
    try Data(script.utf8).write(to: scriptURL)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = [":memory:"]
    p.standardInput = try FileHandle(forReadingFrom: scriptURL)
    let out = Pipe()
    let err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self), p.terminationStatus)
  }
}
