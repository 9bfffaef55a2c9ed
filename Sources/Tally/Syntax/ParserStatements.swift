import Foundation

extension Parser {
  /// statement -> dataset | link | let | metric | assert | test | expression
  mutating func statement() throws -> Statement {
    let st = try statementBody()
    switch st.kind {
    case .view(let v): if let f = v.filter { try checkDepth(f) }
    case .value(_, let e), .assert(let e), .expr(let e): try checkDepth(e)
    case .metric(let m): try checkDepth(m.expr)
    case .test(let t): for x in t.expectations { try checkDepth(x.actual) }
    default: break
    }
    return st
  }

  mutating func statementBody() throws -> Statement {
    let first = peek
    let next = peekAt(1)
    let isNameToken: (Token) -> Bool = {
      if case .identifier = $0.kind { return true }
      if case .quotedIdentifier = $0.kind { return true }
      return false
    }
    if isWord(first, "dataset"), isNameToken(next), isWord(peekAt(2), "from") { return try datasetStatement() }
    if isWord(first, "link"), isNameToken(next), peekAt(2).kind == .punct(".") { return try linkStatement() }
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

  func isOperator(_ t: Token) -> Bool {
    if case .punct(let p) = t.kind { return ["+", "*", "/", "=", "!=", "<", "<=", ">", ">=", ")", ",", "."].contains(p) }
    if case .identifier(let w) = t.kind { return ["and", "or", "is", "in", "over", "offset", "by", "at", "every"].contains(w) }
    return false
  }

  /// dataset -> 'dataset' NAME 'from' (STRING | 'postgres' STRING 'table' STRING) ['time' NAME]
  mutating func datasetStatement() throws -> Statement {
    let kw = advance()
    let (n, nr) = try name("a dataset name")
    _ = try expectWord("from")
    var decl: DatasetDecl
    var end: SourceRange
    if atWord("postgres") {
      _ = advance()
      let (conn, cr) = try stringLiteral("a connection in quotes (\"env:VAR\" or \"postgres://USER@HOST/DB\")")
      _ = try expectWord("table")
      let (table, tr) = try stringLiteral("a table name in quotes (\"SCHEMA.TABLE\")")
      decl = DatasetDecl(name: n, path: "")
      decl.server = ServerTableDecl(connection: conn, connectionRange: cr, table: table, tableRange: tr)
      end = tr
    } else {
      let (path, pr) = try stringLiteral("a file path in quotes")
      decl = DatasetDecl(name: n, path: path)
      end = pr
    }
    if atWord("time") {
      _ = advance()
      let (t, tr) = try name("a time column")
      decl.time = t
      decl.timeRange = unquoted(tr)
      end = tr
    }
    return Statement(kind: .dataset(decl), source: source, keywordRange: kw.range, nameRange: nr, range: kw.range.union(end))
  }

  /// link -> 'link' NAME '.' NAME '->' NAME '.' NAME ['as' NAME]
  mutating func linkStatement() throws -> Statement {
    let kw = advance()
    let (a, ar) = try name("the dataset whose rows refer")
    _ = try expectPunct(".", "'.' and the column that refers")
    let (c, cr) = try name("the column that refers")
    guard atPunct("->") else {
      throw failure(
        SyntaxMessage.expected("'->' and the dataset and key referred to", found: describe(peek)), peek.range,
        notes: [SyntaxMessage.linkShape.text])
    }
    _ = advance()
    let (b, br) = try name("the dataset referred to")
    _ = try expectPunct(".", "'.' and the key column referred to")
    let (k, kr) = try name("the key column referred to")
    var decl = LinkDecl(
      from: a, column: c, to: b, key: k, name: b, fromRange: unquoted(ar), columnRange: unquoted(cr), toRange: unquoted(br),
      keyRange: unquoted(kr), nameRange: unquoted(br))
    var end = kr
    if atWord("as") {
      _ = advance()
      let (n, nr) = try name("the link's name")
      decl.name = n
      decl.nameRange = unquoted(nr)
      end = nr
    }
    return Statement(kind: .link(decl), source: source, keywordRange: kw.range, nameRange: decl.nameRange, range: kw.range.union(end))
  }

  /// let -> 'let' NAME '=' expression ['where' expression] ['time' NAME]
  mutating func letStatement() throws -> Statement {
    let kw = advance()
    let (n, nr) = try name()
    _ = try expectPunct("=")
    let e = try expression()
    // The base's name, inside any backquotes.
    var view = ViewDecl(name: n, base: "", baseRange: unquoted(e.range))
    var end = e.range
    if atWord("where") {
      _ = advance()
      let f = try expression()
      view.filter = f
      end = f.range
    }
    if atWord("time") {
      _ = advance()
      let (t, tr) = try name("a time column")
      view.time = t
      view.timeRange = unquoted(tr)
      end = tr
    }
    if view.filter != nil || view.time != nil {
      guard case .name(let base) = e.kind else {
        throw failure(SyntaxMessage.letWhereNeedsDataset, e.range)
      }
      view.base = base
      return Statement(kind: .view(view), source: source, keywordRange: kw.range, nameRange: nr, range: kw.range.union(end))
    }
    return Statement(kind: .value(name: n, e), source: source, keywordRange: kw.range, nameRange: nr, range: kw.range.union(end))
  }

  /// metric -> 'metric' NAME '=' expression { 'format' NAME | 'target' OP additive | 'warn' OP additive }
  mutating func metricStatement() throws -> Statement {
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
        throw failure(SyntaxMessage.duplicateClause(w), t.range)
      case "format":
        let (f, fr) = try name("a format")
        guard let vf = ValueFormat(rawValue: f) else {
          throw failure(SyntaxMessage.unknownFormat(f), fr, notes: suggestion(f, in: ["percent", "number", "integer", "duration"]))
        }
        m.format = vf
        end = fr
      case "target", "warn":
        let op = try boundOperator()
        let v = try additive()
        if w == "target" { m.target = Bound(op: op, value: v) } else { m.warn = Bound(op: op, value: v) }
        end = v.range
      default:
        throw failure(SyntaxMessage.unknownMetricClause(w), t.range, notes: suggestion(w, in: ["format", "target", "warn"]))
      }
    }
    return Statement(kind: .metric(m), source: source, keywordRange: kw.range, nameRange: nr, range: kw.range.union(end))
  }

  mutating func boundOperator() throws -> BinaryOp {
    if case .punct(let p) = peek.kind, let op = BinaryOp(rawValue: p), op.isComparison {
      _ = advance()
      return op
    }
    throw failure(SyntaxMessage.expected("a comparison ('<', '<=', '>', '>=', '=', '!=')", found: describe(peek)), peek.range)
  }

  /// test -> 'test' STRING { 'with' NAME 'from' STRING | 'at' TIME | 'expect' expression ['within' additive] }
  mutating func testStatement() throws -> Statement {
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
        guard case .time(let text) = peek.kind else { throw failure(SyntaxMessage.atNotTime, peek.range) }
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
          SyntaxMessage.unknownTestClause(w), clause.range, notes: suggestion(w, in: ["with", "at", "expect"]))
      }
    }
    return Statement(kind: .test(t), source: source, keywordRange: kw.range, nameRange: tr, range: kw.range.union(end))
  }
}
