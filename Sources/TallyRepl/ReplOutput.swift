import Foundation
import Tally

/// What one line of input produced: text for stdout, text for stderr, and whether it failed.
public struct ReplOutput: Equatable, Sendable {
  /// Which stream a piece of output goes to.
  public enum Stream: Equatable, Sendable {
    case stdout, stderr
  }

  /// Results and acknowledgements.
  public private(set) var stdout = ""
  /// Diagnostics.
  public private(set) var stderr = ""
  /// Everything, in the order it was produced: write these one after another so that
  /// stdout and stderr sent to one file interleave as the statements ran.
  public private(set) var chunks: [(stream: Stream, text: String)] = []
  /// True when a statement or command failed (`tally repl < script` then exits with 1).
  public var failed = false

  /// Creates an empty output.
  public init() {}

  /// Everything, stdout first.
  public var text: String { stdout + stderr }

  mutating func print(_ s: String) {
    append(.stdout, s.hasSuffix("\n") || s.isEmpty ? s : s + "\n")
  }

  /// Text for stderr that is not a failure (a note on a value).
  mutating func note(_ s: String) {
    append(.stderr, s.hasSuffix("\n") || s.isEmpty ? s : s + "\n")
  }

  mutating func error(_ s: String) {
    append(.stderr, s.hasSuffix("\n") || s.isEmpty ? s : s + "\n")
    failed = true
  }

  private mutating func append(_ stream: Stream, _ s: String) {
    guard !s.isEmpty else { return }
    if stream == .stdout { stdout += s } else { stderr += s }
    if let last = chunks.last, last.stream == stream {
      chunks[chunks.count - 1].text += s
    } else {
      chunks.append((stream, s))
    }
  }

  /// The output with each error that names no place said to be at `place` (`<stdin>:3`).
  func locatingErrors(at place: String) -> ReplOutput {
    var out = ReplOutput()
    for c in chunks {
      if c.stream == .stderr, !c.text.contains("error: ") {
        out.append(.stderr, "\(place): error: " + c.text)
      } else {
        out.append(c.stream, c.text)
      }
    }
    out.failed = failed
    return out
  }

  static func += (a: inout ReplOutput, b: ReplOutput) {
    for c in b.chunks { a.append(c.stream, c.text) }
    a.failed = a.failed || b.failed
  }

  public static func == (a: ReplOutput, b: ReplOutput) -> Bool {
    a.failed == b.failed && a.chunks.count == b.chunks.count && zip(a.chunks, b.chunks).allSatisfy { $0 == $1 }
  }
}

/// How results are printed (`:format`).
public enum OutputFormat: String, CaseIterable, Sendable {
  case table, json, csv
}

/// `1,234,567`.
/// `12.3 ms`, `1.25 s`.
func milliseconds(since start: DispatchTime) -> String {
  milliseconds(Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6)
}

/// `12.3 ms`, `1.25 s`.
func milliseconds(_ ms: Double) -> String {
  if ms >= 1000 { return String(format: "%.2f s", ms / 1000) }
  return String(format: ms < 10 ? "%.1f ms" : "%.0f ms", ms)
}
