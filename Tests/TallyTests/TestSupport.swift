import Foundation
import XCTest

@_spi(Stages) @testable import Tally

/// Paths and switches shared by the test files.
enum TestEnv {
  /// `Tests/TallyTests` in the source tree (where recorded files are written).
  static let sourceDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()

  /// True when golden files and fixtures are to be written instead of compared.
  static var recording: Bool { ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" }

  /// A resource directory of the test bundle (`Golden`, `Fixtures`), falling back to the source tree.
  static func resourceDirectory(_ name: String) -> URL {
    if let url = Bundle.module.url(forResource: name, withExtension: nil) { return url }
    return sourceDirectory.appendingPathComponent(name)
  }

  /// A fresh, empty temporary directory.
  static func temporaryDirectory(_ label: String = "tally-tests") -> URL {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("\(label)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }
}

/// Writes `text` (UTF-8) to `name` inside `dir` and returns the path.
@discardableResult
func writeFile(_ dir: URL, _ name: String, _ text: String) throws -> String {
  try writeFile(dir, name, bytes: Array(text.utf8))
}

/// Writes raw bytes to `name` inside `dir` and returns the path.
@discardableResult
func writeFile(_ dir: URL, _ name: String, bytes: [UInt8]) throws -> String {
  let url = dir.appendingPathComponent(name)
  try Data(bytes).write(to: url)
  return url.path
}

/// The rendered text of every diagnostic of an error (or of any other error, as is).
func renderedErrors(_ error: Error) -> String {
  if let e = error as? TallyError { return e.diagnostics.map { $0.rendered() }.joined() }
  return "NOT A TallyError: \(error)"
}

/// Runs `body` and returns the rendered diagnostics it throws, or nil when it does not throw.
func thrownDiagnostics(_ body: () throws -> Void) -> String? {
  do {
    try body()
    return nil
  } catch {
    return renderedErrors(error)
  }
}

/// Microseconds since the epoch of an ISO 8601 text, by Foundation (independently of Tally's parser).
func epochMicros(_ iso: String) -> Int64 {
  let f = ISO8601DateFormatter()
  f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
  if let d = f.date(from: iso) { return Int64((d.timeIntervalSince1970 * 1e6).rounded()) }
  f.formatOptions = [.withInternetDateTime]
  guard let d = f.date(from: iso) else { fatalError("bad ISO text in a test: \(iso)") }
  return Int64((d.timeIntervalSince1970 * 1e6).rounded())
}

/// True when two doubles agree within a relative tolerance (absolute near zero).
func close(_ a: Double, _ b: Double, relative: Double = 1e-9) -> Bool {
  if a == b { return true }
  return abs(a - b) <= relative * max(1, max(abs(a), abs(b)))
}

/// A small deterministic random generator (SplitMix64), so that fuzz and generated data are reproducible.
struct SeededRandom: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
  /// An integer in `0..<n`.
  mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(1, n))) }
  /// True with probability `p`.
  mutating func chance(_ p: Double) -> Bool { Double(next() % 1_000_000) / 1_000_000 < p }
  mutating func pick<T>(_ xs: [T]) -> T { xs[below(xs.count)] }
}

extension Session {
  /// Evaluates and returns the scalar, failing the test when the result is grouped.
  func scalar(_ formula: String, file: StaticString = #filePath, line: UInt = #line) throws -> Value {
    let r = try evaluate(formula)
    guard case .scalar(let v) = r.value else {
      XCTFail("'\(formula)' is grouped, expected a single value", file: file, line: line)
      return .null
    }
    return v
  }

  /// Evaluates and returns the sorted rows, failing the test when the result is a single value.
  func rows(_ formula: String, file: StaticString = #filePath, line: UInt = #line) throws -> [(key: [Value], value: Value)] {
    let r = try evaluate(formula)
    guard case .grouped(let g) = r.value else {
      XCTFail("'\(formula)' is a single value, expected groups", file: file, line: line)
      return []
    }
    return g.sortedRows
  }
}

/// A stage's golden corpus: `Golden/STAGE/NAME.kpi` beside `NAME.expected`, what the stage
/// makes of the input. `RECORD_GOLDEN=1` writes the expected files; review every change by eye.
enum GoldenCorpus {
  /// Compares `render` of every input of the stage with its expected file.
  static func check(
    _ stage: String, atLeast minimum: Int, file: StaticString = #filePath, line: UInt = #line, _ render: (String, URL) throws -> String
  ) throws {
    let golden = TestEnv.resourceDirectory("Golden").appendingPathComponent(stage)
    let sourceGolden = TestEnv.sourceDirectory.appendingPathComponent("Golden/\(stage)")
    let names = try FileManager.default.contentsOfDirectory(atPath: golden.path).filter { $0.hasSuffix(".kpi") }.sorted()
    XCTAssertGreaterThanOrEqual(names.count, minimum, "the \(stage) corpus is missing files", file: file, line: line)
    for name in names {
      let got = try render(name, golden.appendingPathComponent(name))
      let expectedName = String(name.dropLast(4)) + ".expected"
      if TestEnv.recording {
        try got.write(to: sourceGolden.appendingPathComponent(expectedName), atomically: true, encoding: .utf8)
        continue
      }
      guard let want = try? String(contentsOf: golden.appendingPathComponent(expectedName), encoding: .utf8) else {
        XCTFail("\(stage)/\(expectedName) is missing; record it with RECORD_GOLDEN=1 and review it", file: file, line: line)
        continue
      }
      if got != want {
        XCTFail("\(stage)/\(name) does not match \(expectedName):\n--- expected\n\(want)--- got\n\(got)", file: file, line: line)
      }
    }
  }

  /// Diagnostics as the user sees them, with the corpus directory left out of file names.
  static func rendered(_ error: Error, in directory: URL) -> String {
    renderedErrors(error).replacingOccurrences(of: directory.path + "/", with: "")
  }
}
