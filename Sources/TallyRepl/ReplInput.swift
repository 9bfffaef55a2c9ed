import Foundation
import Tally

/// A line as typed, with its number in the input and how many spaces were put before it
/// to make it a continuation line.
struct InputLine {
  var text: String
  var number: Int
  var shift = 0
}

/// The lines of one statement and the source text they make.
struct InputBuffer {
  var lines: [InputLine] = []
  var text = ""
  /// Set when the statement continues one already run at the prompt.
  var amending = false

  var isEmpty: Bool { lines.isEmpty }

  /// The input line the statement's text starts on. `##` lines gathered above a metric
  /// count back from the metric's line (they may stand further up, past a blank line).
  /// Lines after the first are consecutive but for comments typed among clauses at a prompt.
  var firstLine: Int {
    let k = lines.firstIndex { !$0.text.trimmingCharacters(in: .whitespaces).hasPrefix("##") } ?? 0
    return lines.indices.contains(k) ? max(1, lines[k].number - k) : 1
  }

  /// Adds a line. After a trailing operator outside brackets, the line is indented by one
  /// space so that the language reads it as a continuation line.
  mutating func append(_ line: InputLine) {
    var l = line
    if lines.isEmpty {
      text = l.text
    } else {
      if Continuation.depth(text) == 0, let first = l.text.first, !first.isWhitespace {
        l.shift = 1
      }
      text += "\n" + String(repeating: " ", count: l.shift) + l.text
    }
    lines.append(l)
  }
}

/// When a statement goes on to the next line.
enum Continuation {
  static let trailingWords: Set<String> = ["where", "and", "or", "not", "is", "in", "over", "offset", "by", "at"]
  static let trailingPunct: Set<String> = ["+", "-", "*", "/", ",", "=", "!=", "<", "<=", ">", ">=", "(", "["]

  /// Whether the text needs more lines: an open bracket or a trailing operator.
  static func needsMore(_ text: String) -> Bool {
    let lexed = Lexer.lex(Source(name: "", text: text))
    guard lexed.diagnostics.isEmpty else { return false }
    var depth = 0
    var last: TokenKind?
    var ended = false
    for t in lexed.tokens {
      // A statement ended before this token (the lexer ends one left open before a new definition).
      if ended, t.kind != .newline, t.kind != .eof { depth = 0 }
      ended = t.kind == .newline
      switch t.kind {
      case .newline, .eof: continue
      case .punct("("), .punct("["): depth += 1
      case .punct(")"), .punct("]"): depth = max(0, depth - 1)
      default: break
      }
      last = t.kind
    }
    if depth > 0 { return true }
    switch last {
    case .identifier(let w)?: return trailingWords.contains(w)
    case .punct(let p)?: return trailingPunct.contains(p)
    default: return false
    }
  }

  /// Brackets open at the end of the text.
  static func depth(_ text: String) -> Int {
    var depth = 0
    for t in Lexer.lex(Source(name: "", text: text)).tokens {
      switch t.kind {
      case .punct("("), .punct("["): depth += 1
      case .punct(")"), .punct("]"): depth = max(0, depth - 1)
      default: break
      }
    }
    return depth
  }
}
