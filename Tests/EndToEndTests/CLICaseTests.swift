import Foundation
import XCTest

/// The data-driven command-line cases in `Cases/*.cli`: each runs the built `tally` with its
/// arguments and standard input, and compares stdout, stderr and the exit code with what the
/// file records. The format is described in `Cases/README.md`. Re-record with
/// `RECORD_GOLDEN=1 swift test --filter CLICaseTests`, then review every changed case by eye.
final class CLICaseTests: XCTestCase {
  static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  static let root = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()

  func testEveryCase() throws {
    let dir = Self.testsDirectory.appendingPathComponent("Cases")
    let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".cli") }.sorted()
    XCTAssertFalse(names.isEmpty, "no case files in \(dir.path)")
    let recording = ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1"
    var files = try names.map { name in
      try CaseFile(parsing: String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8), name: name)
    }
    // The cases run a few at a time: each is a process of its own.
    let all = files.indices.flatMap { f in files[f].cases.indices.map { (f, $0) } }
    let results = Results(count: all.count)
    let queue = OperationQueue()
    queue.maxConcurrentOperationCount = 4
    for (k, (f, i)) in all.enumerated() {
      let c = files[f].cases[i]
      queue.addOperation { results.set(k, Result { try Self.run(c) }) }
    }
    queue.waitUntilAllOperationsAreFinished()
    for (k, (f, i)) in all.enumerated() {
      let c = files[f].cases[i]
      let got = try results.get(k).get()
      if recording {
        files[f].cases[i].expected = got
      } else if got != c.expected {
        XCTFail("\(files[f].name): \(c.title)\n\(c.expected.difference(from: got))")
      }
    }
    if recording {
      for file in files { try file.text.write(to: dir.appendingPathComponent(file.name), atomically: true, encoding: .utf8) }
    }
  }

  /// Outcomes gathered from several threads.
  final class Results: @unchecked Sendable {
    private var items: [Result<CLICase.Outcome, any Error>?]
    private let lock = NSLock()
    init(count: Int) { items = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ r: Result<CLICase.Outcome, any Error>) {
      lock.lock()
      items[i] = r
      lock.unlock()
    }
    func get(_ i: Int) -> Result<CLICase.Outcome, any Error> {
      lock.lock()
      defer { lock.unlock() }
      return items[i] ?? .failure(CaseError(message: "case \(i) did not run"))
    }
  }

  /// Runs one case in a fresh directory holding its files, with `$ROOT` standing for the repository
  /// and `repo` in that directory a link to it: a path through `repo` reads the same in every
  /// checkout, so a table that shows it is as wide everywhere.
  static func run(_ c: CLICase) throws -> CLICase.Outcome {
    let work = try TallyProcess.directory(c.files)
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: work) }
    try FileManager.default.createSymbolicLink(at: work.appendingPathComponent("repo"), withDestinationURL: Self.root)
    var args = try CLICase.words(c.command).map { $0.replacingOccurrences(of: "$ROOT", with: Self.root.path) }
    // `NAME=VALUE tally ...` sets an environment variable for the command, as a shell does.
    var environment = ["TZ": "America/Los_Angeles", "COLUMNS": "100"]
    while let first = args.first, first != "tally", let eq = first.firstIndex(of: "=") {
      environment[String(first[..<eq])] = String(first[first.index(after: eq)...])
      args.removeFirst()
    }
    guard args.first == "tally" else { throw CaseError(message: "\(c.title): a command starts with 'tally'") }
    let r = try TallyProcess.run(Array(args.dropFirst()), in: work, input: c.stdin, environment: environment)
    func clean(_ s: String) -> String {
      CLICase.masked(s.replacingOccurrences(of: Self.root.path, with: "$ROOT").replacingOccurrences(of: work.path, with: "$WORK"))
    }
    return CLICase.Outcome(stdout: clean(r.stdout), stderr: clean(r.stderr), exit: r.code)
  }
}

struct CaseError: Error, CustomStringConvertible {
  var message: String
  var description: String { message }
}

/// One command-line case: a title, files to create, the command, its stdin and what it gives.
struct CLICase {
  struct Outcome: Equatable {
    var stdout = ""
    var stderr = ""
    var exit: Int32 = 0

    /// What differs, for a failure message.
    func difference(from got: Outcome) -> String {
      var out = ""
      if exit != got.exit { out += "exit: expected \(exit), got \(got.exit)\n" }
      if stdout != got.stdout { out += "stdout: expected\n\(stdout)--- got\n\(got.stdout)---\n" }
      if stderr != got.stderr { out += "stderr: expected\n\(stderr)--- got\n\(got.stderr)---\n" }
      return out
    }
  }

  var title: String
  var command: String
  var files: [String: String] = [:]
  var stdin: String?
  var expected = Outcome()

  /// Output that differs from run to run (JUnit run times and timestamps) is masked on both sides.
  static func masked(_ s: String) -> String {
    var out = s
    for (pattern, replacement) in [
      (#"time="[0-9.]+""#, #"time="*""#), (#"timestamp="[0-9T:-]+""#, #"timestamp="*""#), (#"[0-9]+(\.[0-9]+)? (ms|s)\)"#, "* ms)"),
    ] {
      out = out.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
    }
    return out
  }

  /// Splits a command line into words as a shell would: single quotes keep everything,
  /// double quotes keep all but `\"` and `\\`, a backslash outside quotes escapes the next character.
  static func words(_ line: String) throws -> [String] {
    var words: [String] = []
    var current = ""
    var started = false
    var quote: Character?
    var chars = Array(line)[...]
    while let c = chars.popFirst() {
      if let q = quote {
        if c == q {
          quote = nil
        } else if q == "\"", c == "\\", let n = chars.first, n == "\"" || n == "\\" {
          current.append(chars.removeFirst())
        } else {
          current.append(c)
        }
      } else if c == "'" || c == "\"" {
        quote = c
        started = true
      } else if c == "\\", let n = chars.popFirst() {
        current.append(n)
        started = true
      } else if c == " " {
        if started { words.append(current) }
        current = ""
        started = false
      } else {
        current.append(c)
        started = true
      }
    }
    if quote != nil { throw CaseError(message: "unclosed quote in: \(line)") }
    if started { words.append(current) }
    return words
  }
}

/// A `.cli` file: cases separated by `=== TITLE` lines (see `Cases/README.md`).
struct CaseFile {
  var name: String
  var preamble: String
  var cases: [CLICase]

  init(parsing text: String, name: String) throws {
    self.name = name
    // By line feeds alone (a CR before one is the file's own: `"\r\n"` is one Swift character).
    var lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { String(String.UnicodeScalarView($0)) }
    if lines.last == "" { lines.removeLast() }
    var preamble: [String] = []
    var cases: [CLICase] = []
    var i = 0
    while i < lines.count, !lines[i].hasPrefix("=== ") {
      preamble.append(lines[i])
      i += 1
    }
    while i < lines.count {
      var c = CLICase(title: String(lines[i].dropFirst(4)), command: "")
      i += 1
      var section: String?
      var body: [String] = []
      func close() throws {
        guard let s = section else { return }
        // `-n`: the text has no line break at its end.
        let bare = s.hasSuffix(" -n")
        var text = body.isEmpty ? "" : body.joined(separator: "\n") + "\n"
        if bare, !text.isEmpty { text.unicodeScalars.removeLast() }
        let section = bare ? String(s.dropLast(3)) : s
        switch section {
        case "stdin": c.stdin = text
        case "stdout": c.expected.stdout = text
        case "stderr": c.expected.stderr = text
        default:
          guard section.hasPrefix("file ") else { throw CaseError(message: "\(name): unknown section '--- \(s)' in '\(c.title)'") }
          c.files[String(section.dropFirst(5))] = text
        }
      }
      while i < lines.count, !lines[i].hasPrefix("=== ") {
        let line = lines[i]
        i += 1
        if c.command.isEmpty, section == nil || section!.hasPrefix("file "), line.hasPrefix("$ ") {
          try close()
          section = nil
          body = []
          c.command = String(line.dropFirst(2))
        } else if line.hasPrefix("--- exit ") {
          try close()
          section = nil
          body = []
          guard let code = Int32(line.dropFirst("--- exit ".count)) else { throw CaseError(message: "\(name): bad exit line '\(line)'") }
          c.expected.exit = code
        } else if line.hasPrefix("--- ") {
          try close()
          section = String(line.dropFirst(4))
          body = []
        } else if section != nil {
          body.append(line)
        } else if !line.isEmpty {
          throw CaseError(message: "\(name): '\(c.title)': expected '$ tally ...' or a '--- ' section, found '\(line)'")
        }
      }
      try close()
      guard !c.command.isEmpty else { throw CaseError(message: "\(name): '\(c.title)' has no '$ tally ...' line") }
      cases.append(c)
    }
    self.preamble = preamble.joined(separator: "\n")
    self.cases = cases
  }

  /// The file's text, with each case's outcome as recorded.
  var text: String {
    var out = preamble.isEmpty ? "" : preamble + "\n"
    for c in cases {
      out += "=== \(c.title)\n"
      func section(_ name: String, _ body: String) -> String {
        body.hasSuffix("\n") || body.isEmpty ? "--- \(name)\n\(body)" : "--- \(name) -n\n\(body)\n"
      }
      for (path, body) in c.files.sorted(by: { $0.key < $1.key }) { out += section("file \(path)", body) }
      out += "$ \(c.command)\n"
      if let s = c.stdin { out += section("stdin", s) }
      if !c.expected.stdout.isEmpty { out += section("stdout", c.expected.stdout) }
      if !c.expected.stderr.isEmpty { out += section("stderr", c.expected.stderr) }
      out += "--- exit \(c.expected.exit)\n\n"
    }
    return out
  }
}
