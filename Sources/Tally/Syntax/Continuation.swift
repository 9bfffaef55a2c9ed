import Foundation

/// When a statement goes on to the next line.
enum Continuation {
  static let trailingWords: Set<String> = ["where", "and", "or", "not", "is", "in", "over", "offset", "by", "at", "every", "for"]
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
