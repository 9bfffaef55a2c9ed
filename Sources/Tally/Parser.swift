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
public struct Parser {
  private let source: Source
  private let tokens: [Token]
  private let docLines: [Int: String]
  private var pos = 0
  /// How deep the recursive descent is, to refuse formulas that would exhaust the stack.
  private var depth = 0
  /// The deepest nesting of brackets, `not` and unary minus accepted.
  static let maxNesting = 48
  /// The deepest tree of operators and clauses accepted.
  static let maxTreeDepth = 128
  private var diagnostics: [Diagnostic]

  struct Failure: Error {}

  static let reserved: Set<String> = [
    "and", "or", "not", "is", "in", "null", "true", "false", "where", "over", "offset", "by", "at",
  ]

  /// The lines with a lexing error: a parse error after it on the same line is its echo.
  private let linesWithLexErrors: [Int: Int]

  private init(_ lexed: LexedSource, _ source: Source) {
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
          p.fail(Message.expected("the end of the statement", found: p.describe(p.peek)), p.peek.range, notes: p.keywordHint(p.peek))
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
        p.fail(Message.expected("the end of the formula", found: p.describe(p.peek)), p.peek.range, notes: p.keywordHint(p.peek))
        return (nil, p.diagnostics)
      }
      return (p.diagnostics.isEmpty ? e : nil, p.diagnostics)
    } catch {
      return (nil, p.diagnostics)
    }
  }

  // MARK: Tokens

  private var peek: Token { tokens[pos] }
  private func peekAt(_ k: Int) -> Token { tokens[min(pos + k, tokens.count - 1)] }
  private func at(_ k: TokenKind) -> Bool { peek.kind == k }
  private func atPunct(_ s: String) -> Bool { peek.kind == .punct(s) }
  private func atWord(_ w: String) -> Bool { peek.kind == .identifier(w) }
  private func isWord(_ t: Token, _ w: String) -> Bool { t.kind == .identifier(w) }

  private mutating func advance() -> Token {
    let t = tokens[pos]
    if pos < tokens.count - 1 { pos += 1 }
    return t
  }

  private mutating func fail(_ message: String, _ range: SourceRange, notes: [String] = []) {
    // `target ~ 3`: the '~' is reported; what the parser then misses is not.
    if let first = linesWithLexErrors[source.location(of: range.start).0], first <= range.start { return }
    diagnostics.append(.error(message, source, range, notes: notes))
  }

  private mutating func failure(_ message: String, _ range: SourceRange, notes: [String] = []) -> Failure {
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
    return nearest(w, in: ["over", "offset", "where", "by", "at", "and", "or", "is", "in"]).map { [Message.didYouMean($0)] } ?? []
  }

  private mutating func expectPunct(_ p: String, _ what: String? = nil) throws -> Token {
    guard atPunct(p) else {
      throw failure(Message.expected(what ?? "'\(p)'", found: describe(peek)), peek.range)
    }
    return advance()
  }

  private mutating func expectWord(_ w: String) throws -> Token {
    guard atWord(w) else { throw failure(Message.expected("'\(w)'", found: describe(peek)), peek.range) }
    return advance()
  }

  /// name -> IDENT | `QUOTED`
  private mutating func name(_ what: String = "a name") throws -> (String, SourceRange) {
    switch peek.kind {
    case .identifier(let s) where !Parser.reserved.contains(s):
      return (s, advance().range)
    case .quotedIdentifier(let s):
      return (s, advance().range)
    default:
      throw failure(Message.expected(what, found: describe(peek)), peek.range)
    }
  }

  private mutating func stringLiteral(_ what: String) throws -> (String, SourceRange) {
    guard case .string(let s) = peek.kind else {
      throw failure(Message.expected(what, found: describe(peek)), peek.range)
    }
    return (s, advance().range)
  }

  // MARK: Statements

  private mutating func nest() throws {
    depth += 1
    if depth - 1 > Parser.maxNesting {
      throw failure(Message.nestedTooDeep(Parser.maxNesting), peek.range)
    }
  }

  /// Refuses a tree deeper than `maxTreeDepth` (long operator chains), measured without recursion.
  private mutating func checkDepth(_ e: Expr) throws {
    var stack: [(Expr, Int)] = [(e, 1)]
    while let (x, d) = stack.popLast() {
      if d > Parser.maxTreeDepth {
        throw failure(Message.chainTooDeep(Parser.maxTreeDepth), e.range)
      }
      switch x.kind {
      case .literal, .name, .member: break
      case .negate(let a), .not(let a), .isNull(let a, _), .over(let a, _), .offset(let a, _), .at(let a, _), .by(let a, _):
        stack.append((a, d + 1))
      case .binary(_, let a, let b): stack += [(a, d + 1), (b, d + 1)]
      case .inList(let a, let l, _): stack += [(a, d + 1)] + l.map { ($0, d + 1) }
      case .call(_, let args, let f): stack += args.map { ($0, d + 1) } + (f.map { [($0, d + 1)] } ?? [])
      }
    }
  }

  /// statement -> dataset | let | metric | assert | test | expression
  private mutating func statement() throws -> Statement {
    let st = try statementBody()
    switch st.kind {
    case .view(_, _, let f?, _): try checkDepth(f)
    case .value(_, let e), .assert(let e), .expr(let e): try checkDepth(e)
    case .metric(let m): try checkDepth(m.expr)
    case .test(let t): for x in t.expectations { try checkDepth(x.actual) }
    default: break
    }
    return st
  }

  private mutating func statementBody() throws -> Statement {
    let first = peek
    let next = peekAt(1)
    let isNameToken: (Token) -> Bool = {
      if case .identifier = $0.kind { return true }
      if case .quotedIdentifier = $0.kind { return true }
      return false
    }
    if isWord(first, "dataset"), isNameToken(next), isWord(peekAt(2), "from") { return try datasetStatement() }
    if isWord(first, "let"), isNameToken(next), peekAt(2).kind == .punct("=") { return try letStatement() }
    if isWord(first, "metric"), isNameToken(next) { return try metricStatement() }
    if isWord(first, "assert"), next.kind != .newline, next.kind != .eof, !isOperator(next) {
      pos += 1
      let e = try expression()
      return Statement(
        kind: .assert(e), source: source, keywordRange: first.range, nameRange: first.range, range: first.range.union(e.range))
    }
    if isWord(first, "test"), case .string = next.kind { return try testStatement() }
    let e = try expression()
    return Statement(kind: .expr(e), source: source, keywordRange: e.range, nameRange: e.range, range: e.range)
  }

  private func isOperator(_ t: Token) -> Bool {
    if case .punct(let p) = t.kind { return ["+", "*", "/", "=", "!=", "<", "<=", ">", ">=", ")", ",", "."].contains(p) }
    if case .identifier(let w) = t.kind { return ["and", "or", "is", "in", "over", "offset", "by", "at"].contains(w) }
    return false
  }

  /// dataset -> 'dataset' NAME 'from' STRING ['time' NAME]
  private mutating func datasetStatement() throws -> Statement {
    let kw = advance()
    let (n, nr) = try name("a dataset name")
    _ = try expectWord("from")
    let (path, pr) = try stringLiteral("a file path in quotes")
    var time: String?
    var end = pr
    if atWord("time") {
      _ = advance()
      let (t, tr) = try name("a time column")
      time = t
      end = tr
    }
    return Statement(
      kind: .dataset(name: n, path: path, time: time), source: source, keywordRange: kw.range, nameRange: nr, range: kw.range.union(end))
  }

  /// let -> 'let' NAME '=' expression ['where' expression] ['time' NAME]
  private mutating func letStatement() throws -> Statement {
    let kw = advance()
    let (n, nr) = try name()
    _ = try expectPunct("=")
    let e = try expression()
    var filter: Expr?
    var time: String?
    var end = e.range
    if atWord("where") {
      _ = advance()
      let f = try expression()
      filter = f
      end = f.range
    }
    if atWord("time") {
      _ = advance()
      let (t, tr) = try name("a time column")
      time = t
      end = tr
    }
    if filter != nil || time != nil {
      guard case .name(let base) = e.kind else {
        throw failure(Message.letWhereNeedsDataset, e.range)
      }
      return Statement(
        kind: .view(name: n, base: base, filter: filter, time: time), source: source, keywordRange: kw.range, nameRange: nr,
        range: kw.range.union(end))
    }
    return Statement(kind: .value(name: n, e), source: source, keywordRange: kw.range, nameRange: nr, range: kw.range.union(end))
  }

  /// metric -> 'metric' NAME '=' expression { 'format' NAME | 'target' OP additive | 'warn' OP additive }
  private mutating func metricStatement() throws -> Statement {
    let kw = advance()
    let (n, nr) = try name("a metric name")
    _ = try expectPunct("=")
    let e = try expression()
    var m = MetricDecl(name: n, expr: e)
    var end = e.range
    let kwLine = source.location(of: kw.range.start).line
    var docs: [String] = []
    var l = kwLine - 1
    while let d = docLines[l] {
      docs.insert(d, at: 0)
      l -= 1
    }
    if !docs.isEmpty { m.description = docs.joined(separator: "\n") }
    while case .identifier(let w) = peek.kind {
      let t = advance()
      switch w {
      case "format" where m.format != nil, "target" where m.target != nil, "warn" where m.warn != nil:
        throw failure(Message.duplicateClause(w), t.range)
      case "format":
        let (f, fr) = try name("a format")
        guard let vf = ValueFormat(rawValue: f) else {
          throw failure(Message.unknownFormat(f), fr, notes: suggestion(f, in: ["percent", "number", "integer", "duration"]))
        }
        m.format = vf
        end = fr
      case "target", "warn":
        let op = try boundOperator()
        let v = try additive()
        if w == "target" { m.target = Bound(op: op, value: v) } else { m.warn = Bound(op: op, value: v) }
        end = v.range
      default:
        throw failure(Message.unknownMetricClause(w), t.range, notes: suggestion(w, in: ["format", "target", "warn"]))
      }
    }
    return Statement(kind: .metric(m), source: source, keywordRange: kw.range, nameRange: nr, range: kw.range.union(end))
  }

  private mutating func boundOperator() throws -> BinaryOp {
    if case .punct(let p) = peek.kind, let op = BinaryOp(rawValue: p), op.isComparison {
      _ = advance()
      return op
    }
    throw failure(Message.expected("a comparison ('<', '<=', '>', '>=', '=', '!=')", found: describe(peek)), peek.range)
  }

  /// test -> 'test' STRING { 'with' NAME 'from' STRING | 'at' TIME | 'expect' expression ['within' additive] }
  private mutating func testStatement() throws -> Statement {
    let kw = advance()
    let (title, tr) = try stringLiteral("a test name in quotes")
    var t = TestDecl(name: title, fixtures: [], at: nil, expectations: [])
    var end = tr
    while case .identifier(let w) = peek.kind {
      let clause = advance()
      switch w {
      case "with":
        let (d, dr) = try name("a dataset name")
        _ = try expectWord("from")
        let (p, pr) = try stringLiteral("a file path in quotes")
        t.fixtures.append((d, p, dr))
        end = pr
      case "at":
        guard case .time(let text) = peek.kind else { throw failure(Message.atNotTime, peek.range) }
        t.at = text
        end = advance().range
      case "expect":
        let e = try expression()
        var x = Expectation(actual: e, expected: nil, tolerance: nil, range: clause.range.union(e.range))
        if case .binary(.eq, let a, let b) = e.kind {
          x.actual = a
          x.expected = b
        }
        if atWord("within") {
          _ = advance()
          let tol = try additive()
          x.tolerance = tol
          x.range = x.range.union(tol.range)
        }
        t.expectations.append(x)
        end = x.range
      default:
        throw failure(
          "unknown test clause '\(w)'; clauses are with, at and expect", clause.range, notes: suggestion(w, in: ["with", "at", "expect"]))
      }
    }
    return Statement(kind: .test(t), source: source, keywordRange: kw.range, nameRange: tr, range: kw.range.union(end))
  }

  // MARK: Expressions

  /// expression -> or { 'over' WINDOW | 'offset' DURATION | 'at' TIME | 'by' KEY {',' KEY} }
  mutating func expression() throws -> Expr {
    try nest()
    defer { depth -= 1 }
    var e = try orExpr()
    var window: (Window, SourceRange)?
    var offsets: [(DurationLiteral, SourceRange)] = []
    var atTime: (String, SourceRange)?
    var keys: ([GroupKey], SourceRange)?
    while case .identifier(let w) = peek.kind, ["over", "offset", "at", "by"].contains(w) {
      let kw = advance()
      switch w {
      case "over":
        if window != nil { throw failure(Message.duplicateClause("over"), kw.range) }
        if case .duration(let d) = peek.kind {
          window = (.trailing(d), kw.range.union(advance().range))
        } else if case .identifier(let p) = peek.kind, let period = Period(rawValue: p), period != .hour {
          window = (.period(period), kw.range.union(advance().range))
        } else {
          throw failure(Message.windowNotDuration, peek.range, notes: spacedDurationHint())
        }
      case "offset":
        guard case .duration(let d) = peek.kind else { throw failure(Message.offsetNotDuration, peek.range, notes: spacedDurationHint()) }
        offsets.append((d, kw.range.union(advance().range)))
      case "at":
        if atTime != nil { throw failure(Message.duplicateClause("at"), kw.range) }
        guard case .time(let t) = peek.kind else { throw failure(Message.atNotTime, peek.range) }
        atTime = (t, kw.range.union(advance().range))
      default:
        if keys != nil { throw failure(Message.duplicateClause("by"), kw.range) }
        var list: [GroupKey] = []
        var r = kw.range
        repeat {
          if !list.isEmpty { _ = advance() }
          let (k, kr) = try groupKey()
          list.append(k)
          r = r.union(kr)
        } while atPunct(",")
        keys = (list, r)
      }
    }
    if let (w, r) = window { e = Expr(.over(e, w), e.range.union(r)) }
    for (d, r) in offsets { e = Expr(.offset(e, d), e.range.union(r)) }
    if let (t, r) = atTime { e = Expr(.at(e, t), e.range.union(r)) }
    if let (k, r) = keys { e = Expr(.by(e, k), e.range.union(r)) }
    if window != nil || !offsets.isEmpty || atTime != nil || keys != nil, isBinaryOperator(peek) {
      throw failure(Message.clauseEndsExpression, peek.range, notes: ["for example: (count(x) over 7d) - 1"])
    }
    return e
  }

  private func isBinaryOperator(_ t: Token) -> Bool {
    if case .punct(let p) = t.kind { return ["+", "-", "*", "/", "=", "!=", "<", "<=", ">", ">="].contains(p) }
    if case .identifier(let w) = t.kind { return ["and", "or", "is", "in", "not"].contains(w) }
    return false
  }

  /// key -> NAME | DATASET '.' NAME | 'hour' | 'day' | 'week' | 'month' | 'quarter' | 'year'
  private mutating func groupKey() throws -> (GroupKey, SourceRange) {
    if case .identifier(let w) = peek.kind, let p = Period(rawValue: w) {
      return (.grain(p), advance().range)
    }
    var (n, r) = try name("a column to group by")
    if atPunct(".") {
      _ = advance()
      let (c, cr) = try name("a column name")
      n = c
      r = r.union(cr)
    }
    return (.column(n), r)
  }

  /// or -> and { 'or' and }
  private mutating func orExpr() throws -> Expr {
    var l = try andExpr()
    while atWord("or") {
      _ = advance()
      let r = try andExpr()
      l = Expr(.binary(.or, l, r), l.range.union(r.range))
    }
    return l
  }

  /// and -> not { 'and' not }
  private mutating func andExpr() throws -> Expr {
    var l = try notExpr()
    while atWord("and") {
      _ = advance()
      let r = try notExpr()
      l = Expr(.binary(.and, l, r), l.range.union(r.range))
    }
    return l
  }

  /// not -> 'not' not | comparison
  private mutating func notExpr() throws -> Expr {
    if atWord("not") {
      try nest()
      defer { depth -= 1 }
      let kw = advance()
      let e = try notExpr()
      return Expr(.not(e), kw.range.union(e.range))
    }
    return try comparison()
  }

  /// comparison -> additive [ CMP additive | 'is' ['not'] 'null' | ['not'] 'in' '(' expression {',' expression} ')' ]
  private mutating func comparison() throws -> Expr {
    let l = try additive()
    if case .punct(let p) = peek.kind, let op = BinaryOp(rawValue: p), op.isComparison {
      _ = advance()
      let r = try additive()
      let e = Expr(.binary(op, l, r), l.range.union(r.range))
      if case .punct(let q) = peek.kind, let op2 = BinaryOp(rawValue: q), op2.isComparison {
        throw failure(Message.chainedComparison, peek.range)
      }
      return e
    }
    if atWord("is") {
      _ = advance()
      let negated = atWord("not")
      if negated { _ = advance() }
      guard atWord("null") else { throw failure(Message.expected("'null' after 'is'", found: describe(peek)), peek.range) }
      let end = advance().range
      return Expr(.isNull(l, negated: negated), l.range.union(end))
    }
    if atWord("in") || (atWord("not") && isWord(peekAt(1), "in")) {
      let negated = atWord("not")
      if negated { _ = advance() }
      _ = advance()
      _ = try expectPunct("(", "'(' and a list of values")
      var items: [Expr] = []
      if !atPunct(")") {
        repeat {
          if !items.isEmpty { _ = advance() }
          items.append(try expression())
        } while atPunct(",")
      }
      let end = try expectPunct(")", "')' to close the list").range
      return Expr(.inList(l, items, negated: negated), l.range.union(end))
    }
    return l
  }

  /// additive -> multiplicative { ('+' | '-') multiplicative }
  mutating func additive() throws -> Expr {
    var l = try multiplicative()
    while atPunct("+") || atPunct("-") {
      let op: BinaryOp = atPunct("+") ? .add : .sub
      _ = advance()
      let r = try multiplicative()
      l = Expr(.binary(op, l, r), l.range.union(r.range))
    }
    return l
  }

  /// multiplicative -> unary { ('*' | '/') unary }
  private mutating func multiplicative() throws -> Expr {
    var l = try unary()
    while atPunct("*") || atPunct("/") {
      let op: BinaryOp = atPunct("*") ? .mul : .div
      _ = advance()
      let r = try unary()
      l = Expr(.binary(op, l, r), l.range.union(r.range))
    }
    return l
  }

  /// unary -> '-' unary | postfix
  private mutating func unary() throws -> Expr {
    if atPunct("-") {
      try nest()
      defer { depth -= 1 }
      let t = advance()
      let e = try unary()
      switch e.kind {
      case .literal(.integer(let v)): return Expr(.literal(.integer(-v)), t.range.union(e.range))
      case .literal(.number(let v)): return Expr(.literal(.number(-v)), t.range.union(e.range))
      case .literal(.duration(let d)): return Expr(.literal(.duration(d.negated)), t.range.union(e.range))
      default: return Expr(.negate(e), t.range.union(e.range))
      }
    }
    if atPunct("+") {
      while atPunct("+") { _ = advance() }
      return try unary()
    }
    return try postfix()
  }

  /// postfix -> primary [ '.' NAME ] | NAME '(' [ expression ['where' expression] { ',' expression } ] ')'
  private mutating func postfix() throws -> Expr {
    let start = peek
    let e = try primary()
    if case .name(let base) = e.kind, atPunct("(") {
      if case .quotedIdentifier = start.kind {
        throw failure(Message.expected("an operator", found: "'('"), peek.range)
      }
      let open = advance()
      var args: [Expr] = []
      var filter: Expr?
      if !atPunct(")") {
        args.append(try expression())
        if atWord("where") {
          _ = advance()
          filter = try expression()
        }
        while atPunct(",") {
          _ = advance()
          args.append(try expression())
        }
      }
      guard atPunct(")") else {
        if at(.eof) || at(.newline) { throw failure(Message.unclosedParen, open.range, notes: ["close the call to '\(base)' with ')'"]) }
        if atWord("where") {
          throw failure(Message.whereAfterFirstArgument, peek.range)
        }
        throw failure(Message.expected("')' to close the call to '\(base)'", found: describe(peek)), peek.range)
      }
      let end = advance().range
      return Expr(.call(base, args, filter: filter), e.range.union(end))
    }
    if case .name(let base) = e.kind, atPunct(".") {
      _ = advance()
      // After a dot only a column can follow, so a keyword is a column's name (`orders.at`).
      if case .identifier(let c) = peek.kind {
        let cr = advance().range
        return Expr(.member(base, c, cr), e.range.union(cr))
      }
      let (c, cr) = try name("a column name after '.'")
      return Expr(.member(base, c, cr), e.range.union(cr))
    }
    return e
  }

  /// primary -> NUMBER | PERCENT | DURATION | STRING | TIME | 'true' | 'false' | 'null' | NAME | '(' expression ')'
  private mutating func primary() throws -> Expr {
    let t = peek
    switch t.kind {
    case .integer(let v):
      _ = advance()
      return Expr(.literal(.integer(v)), t.range)
    case .number(let v):
      _ = advance()
      return Expr(.literal(.number(v)), t.range)
    case .percent(let v):
      _ = advance()
      return Expr(.literal(.number(v)), t.range)
    case .duration(let d):
      _ = advance()
      return Expr(.literal(.duration(d)), t.range)
    case .string(let s):
      _ = advance()
      return Expr(.literal(.string(s)), t.range)
    case .time(let s):
      _ = advance()
      return Expr(.literal(.time(s)), t.range)
    case .identifier("true"):
      _ = advance()
      return Expr(.literal(.bool(true)), t.range)
    case .identifier("false"):
      _ = advance()
      return Expr(.literal(.bool(false)), t.range)
    case .identifier("null"):
      _ = advance()
      return Expr(.literal(.null), t.range)
    case .identifier(let s) where !Parser.reserved.contains(s):
      _ = advance()
      return Expr(.name(s), t.range)
    case .quotedIdentifier(let s):
      _ = advance()
      return Expr(.name(s), t.range)
    case .punct("("):
      _ = advance()
      let before = diagnostics.count
      let e: Expr
      do {
        e = try expression()
      } catch {
        // The statement ended inside the brackets (`(1 +`): the open bracket is the mistake.
        guard at(.newline) || at(.eof), diagnostics.count == before + 1 else { throw error }
        diagnostics.removeLast()
        throw failure(Message.unclosedParen, t.range)
      }
      guard atPunct(")") else {
        if at(.eof) || at(.newline) { throw failure(Message.unclosedParen, t.range) }
        let (line, column) = source.location(of: t.range.start)
        let far = source.location(of: peek.range.start).0 != line
        throw failure(
          Message.expected("')'", found: describe(peek)), peek.range, notes: far ? ["the '(' at \(line):\(column) is not closed"] : [])
      }
      let end = advance().range
      return Expr(e.kind, t.range.union(end))
    case .identifier(let s) where ["at", "by", "over", "offset", "in", "is"].contains(s):
      throw failure(
        Message.expected("a value or a name", found: describe(t)), t.range,
        notes: ["'\(s)' is a keyword; a column of that name is written `\(s)`"])
    default:
      throw failure(Message.expected("a value or a name", found: describe(t)), t.range)
    }
  }
}
