import Foundation

/// The statements of a source and the problems found while reading them.
public struct ParsedSource: Sendable {
  /// The source that was parsed.
  public var source: Source
  /// The statements that parsed, in order; malformed ones are left out.
  public var statements: [Statement]
  /// Lexing and parsing errors; empty when the whole source is well formed.
  public var diagnostics: [Diagnostic]
  /// The names that malformed `dataset`, `let` and `metric` statements meant to define, with
  /// their keyword: other statements' references to them are not reported as unknown.
  public var unparsedNames: [String: String] = [:]
}

/// A recursive-descent parser, one function per precedence level. It reports every
/// malformed statement, skipping to the next statement after each error.
@_spi(Stages) public struct Parser {
  let source: Source
  let tokens: [Token]
  let docLines: [Int: String]
  var pos = 0
  /// How deep the recursive descent is, to refuse formulas that would exhaust the stack.
  var depth = 0
  /// The deepest nesting of brackets, `not` and unary minus accepted.
  static let maxNesting = 48
  /// The deepest tree of operators and clauses accepted (a flat chain counts once).
  static let maxTreeDepth = 128
  /// The most operators and operands in one formula.
  static let maxOperators = 20_000
  var diagnostics: [Diagnostic]

  struct Failure: Error {}

  static let reserved: Set<String> = [
    "and", "or", "not", "is", "in", "null", "true", "false", "where", "over", "offset", "by", "at",
  ]

  /// The lines with a lexing error: a parse error after it on the same line is its echo.
  let linesWithLexErrors: [Int: Int]

  init(_ lexed: LexedSource, _ source: Source) {
    self.source = source
    self.tokens = lexed.tokens
    self.docLines = lexed.docLines
    self.diagnostics = lexed.diagnostics
    var lines: [Int: Int] = [:]
    for d in lexed.diagnostics {
      if case .source(_, let r) = d.location {
        let line = source.location(of: r.start).0
        lines[line] = min(lines[line] ?? .max, r.start)
      }
    }
    linesWithLexErrors = lines
  }

  /// Parses a whole source: a `.kpi` file, a REPL line or a command-line formula.
  public static func parse(_ source: Source) -> ParsedSource {
    var p = Parser(Lexer.lex(source), source)
    var statements: [Statement] = []
    var unparsed: [String: String] = [:]
    while !p.at(.eof) {
      if p.at(.newline) {
        p.pos += 1
        continue
      }
      let start = p.pos
      do {
        statements.append(try p.statement())
        if !p.at(.newline) && !p.at(.eof) {
          p.fail(SyntaxMessage.expected("the end of the statement", found: p.describe(p.peek)), p.peek.range, notes: p.keywordHint(p.peek))
        }
      } catch {
        if case .identifier(let keyword) = p.tokens[start].kind, ["dataset", "let", "metric"].contains(keyword) {
          switch p.tokens[min(start + 1, p.tokens.count - 1)].kind {
          case .identifier(let n), .quotedIdentifier(let n): unparsed[n] = keyword
          default: break
          }
        }
        if p.pos == start { p.pos += 1 }
      }
      while !p.at(.newline) && !p.at(.eof) { p.pos += 1 }
    }
    return ParsedSource(source: source, statements: statements, diagnostics: p.diagnostics, unparsedNames: unparsed)
  }

  /// Parses one expression (for `expect` values, `--as-of`-like arguments and tests).
  public static func parseExpression(_ source: Source) -> (Expr?, [Diagnostic]) {
    var p = Parser(Lexer.lex(source), source)
    do {
      let e = try p.expression()
      try p.checkDepth(e)
      while p.at(.newline) { p.pos += 1 }
      if !p.at(.eof) {
        p.fail(SyntaxMessage.expected("the end of the formula", found: p.describe(p.peek)), p.peek.range, notes: p.keywordHint(p.peek))
        return (nil, p.diagnostics)
      }
      return (p.diagnostics.isEmpty ? e : nil, p.diagnostics)
    } catch {
      return (nil, p.diagnostics)
    }
  }

  // MARK: Tokens

  var peek: Token { tokens[pos] }
  func peekAt(_ k: Int) -> Token { tokens[min(pos + k, tokens.count - 1)] }
  func at(_ k: TokenKind) -> Bool { peek.kind == k }
  func atPunct(_ s: String) -> Bool { peek.kind == .punct(s) }
  func atWord(_ w: String) -> Bool { peek.kind == .identifier(w) }
  func isWord(_ t: Token, _ w: String) -> Bool { t.kind == .identifier(w) }

  mutating func advance() -> Token {
    let t = tokens[pos]
    if pos < tokens.count - 1 { pos += 1 }
    return t
  }

  mutating func fail(_ message: SyntaxMessage, _ range: SourceRange, notes: [String] = []) {
    // `target ~ 3`: the '~' is reported; what the parser then misses is not.
    if let first = linesWithLexErrors[source.location(of: range.start).0], first <= range.start { return }
    diagnostics.append(.error(message, source, range, notes: notes))
  }

  mutating func failure(_ message: SyntaxMessage, _ range: SourceRange, notes: [String] = []) -> Failure {
    fail(message, range, notes: notes)
    return Failure()
  }

  func describe(_ t: Token) -> String {
    switch t.kind {
    case .identifier(let s): return "'\(s)'"
    case .quotedIdentifier(let s): return "'`\(s)`'"
    case .integer, .number, .percent: return "number '\(source.slice(t.range.start..<t.range.end))'"
    case .duration: return "duration '\(source.slice(t.range.start..<t.range.end))'"
    case .string: return "a string"
    case .time: return "time '\(source.slice(t.range.start..<t.range.end))'"
    case .punct(let p): return "'\(p)'"
    case .newline: return "the end of the line"
    case .eof: return "the end of the input"
    }
  }

  /// `over 28 d`: a number, then a unit as a word. The two are written together.
  func spacedDurationHint() -> [String] {
    guard case .identifier(let unit) = peekAt(1).kind, ["s", "m", "h", "d", "w", "mo", "y"].contains(unit) else { return [] }
    switch peek.kind {
    case .integer, .number:
      return ["write the number and its unit together, as in \(source.slice(peek.range.start..<peek.range.end))\(unit)"]
    default: return []
    }
  }

  /// A word where an expression has ended is most likely a misspelt clause or operator
  /// (`count(orders) ovr 7d`): suggest it.
  func keywordHint(_ t: Token) -> [String] {
    if t.kind == .identifier("where") { return ["a filter goes inside the aggregate's brackets, as in count(orders where paid)"] }
    guard case .identifier(let w) = t.kind, w.count > 1, !Parser.reserved.contains(w) else { return [] }
    // In this order, so that a tie goes to the clause (`ovr` is `over`, not `or`).
    return nearest(w, in: ["over", "offset", "where", "by", "at", "every", "and", "or", "is", "in"]).map { [didYouMean($0)] } ?? []
  }

  mutating func expectPunct(_ p: String, _ what: String? = nil) throws -> Token {
    guard atPunct(p) else {
      throw failure(SyntaxMessage.expected(what ?? "'\(p)'", found: describe(peek)), peek.range)
    }
    return advance()
  }

  mutating func expectWord(_ w: String) throws -> Token {
    guard atWord(w) else { throw failure(SyntaxMessage.expected("'\(w)'", found: describe(peek)), peek.range) }
    return advance()
  }

  /// The range of a name without its backquotes, if it has them.
  func unquoted(_ r: SourceRange) -> SourceRange {
    source.slice(r.start..<min(r.end, r.start + 1)) == "`" && r.end - r.start >= 2 ? SourceRange(r.start + 1, r.end - 1) : r
  }

  /// name -> IDENT | `QUOTED`
  mutating func name(_ what: String = "a name") throws -> (String, SourceRange) {
    switch peek.kind {
    case .identifier(let s) where !Parser.reserved.contains(s):
      return (s, advance().range)
    case .quotedIdentifier(let s):
      return (s, advance().range)
    default:
      throw failure(SyntaxMessage.expected(what, found: describe(peek)), peek.range)
    }
  }

  mutating func stringLiteral(_ what: String) throws -> (String, SourceRange) {
    guard case .string(let s) = peek.kind else {
      throw failure(SyntaxMessage.expected(what, found: describe(peek)), peek.range)
    }
    return (s, advance().range)
  }

  mutating func nest() throws {
    depth += 1
    if depth - 1 > Parser.maxNesting {
      throw failure(SyntaxMessage.nestedTooDeep(Parser.maxNesting), peek.range)
    }
  }

  /// Refuses a tree deeper than `maxTreeDepth` (long operator chains), measured without recursion.
  /// A flat chain (`1 + 2 + 3`, `a or b or c`) is one level however long: only real nesting
  /// counts toward the depth; a formula has at most `maxOperators` operators in all.
  mutating func checkDepth(_ e: Expr) throws {
    var stack: [(Expr, Int)] = [(e, 1)]
    var operators = 0
    while let (x, d) = stack.popLast() {
      if d > Parser.maxTreeDepth {
        throw failure(SyntaxMessage.chainTooDeep(Parser.maxTreeDepth), e.range)
      }
      operators += 1
      if operators > Parser.maxOperators {
        throw failure(SyntaxMessage.tooManyOperators(Parser.maxOperators), e.range)
      }
      switch x.kind {
      case .literal, .name, .member: break
      case .negate(let a), .not(let a), .isNull(let a, _), .over(let a, _), .offset(let a, _), .at(let a, _), .by(let a, _),
        .every(let a, _, _):
        stack.append((a, d + 1))
      case .binary(let op, let a, let b):
        stack += [(a, Expr.continuesChain(a, of: op) ? d : d + 1), (b, d + 1)]
      case .inList(let a, let l, _): stack += [(a, d + 1)] + l.map { ($0, d + 1) }
      case .call(_, let args, let f): stack += args.map { ($0, d + 1) } + (f.map { [($0, d + 1)] } ?? [])
      }
    }
  }

}
