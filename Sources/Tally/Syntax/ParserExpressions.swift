import Foundation

extension Parser {
  /// expression -> or { 'over' WINDOW | 'offset' DURATION | 'at' TIME | 'by' KEY {',' KEY} | 'every' GRAIN 'for' DURATION }
  mutating func expression() throws -> Expr {
    try nest()
    defer { depth -= 1 }
    var e = try orExpr()
    var window: (Window, SourceRange)?
    var offsets: [(DurationLiteral, SourceRange)] = []
    var atTime: (String, SourceRange)?
    var keys: ([ByKey], SourceRange)?
    var series: (Period, DurationLiteral, SourceRange)?
    while case .identifier(let w) = peek.kind, ["over", "offset", "at", "by", "every"].contains(w) {
      let kw = advance()
      switch w {
      case "every":
        if series != nil { throw failure(SyntaxMessage.duplicateClause("every"), kw.range) }
        guard case .identifier(let g) = peek.kind, let grain = Period(rawValue: g) else {
          throw failure(SyntaxMessage.everyNotGrain, peek.range)
        }
        _ = advance()
        guard atWord("for") else {
          throw failure(SyntaxMessage.expected("'for' and a duration after 'every \(g)'", found: describe(peek)), peek.range)
        }
        _ = advance()
        guard case .duration(let d) = peek.kind else {
          throw failure(SyntaxMessage.windowNotDuration, peek.range, notes: spacedDurationHint())
        }
        series = (grain, d, kw.range.union(advance().range))
      case "over":
        if window != nil { throw failure(SyntaxMessage.duplicateClause("over"), kw.range) }
        if case .duration(let d) = peek.kind {
          window = (.trailing(d), kw.range.union(advance().range))
        } else if case .identifier(let p) = peek.kind, let period = Period(rawValue: p), period != .hour {
          window = (.period(period), kw.range.union(advance().range))
        } else {
          throw failure(SyntaxMessage.windowNotDuration, peek.range, notes: spacedDurationHint())
        }
      case "offset":
        guard case .duration(let d) = peek.kind else {
          throw failure(SyntaxMessage.offsetNotDuration, peek.range, notes: spacedDurationHint())
        }
        offsets.append((d, kw.range.union(advance().range)))
      case "at":
        if atTime != nil { throw failure(SyntaxMessage.duplicateClause("at"), kw.range) }
        guard case .time(let t) = peek.kind else { throw failure(SyntaxMessage.atNotTime, peek.range) }
        atTime = (t, kw.range.union(advance().range))
      default:
        if keys != nil { throw failure(SyntaxMessage.duplicateClause("by"), kw.range) }
        var list: [ByKey] = []
        var r = kw.range
        repeat {
          if !list.isEmpty { _ = advance() }
          let (k, kr) = try groupKey()
          list.append(k)
          r = r.union(kr)
          // A comma before a literal ends the keys: `percentile(count(x) by shop, 50%)`.
        } while atPunct(",") && startsName(peekAt(1))
        keys = (list, r)
      }
    }
    if let (w, r) = window { e = Expr(.over(e, w), e.range.union(r)) }
    for (d, r) in offsets { e = Expr(.offset(e, d), e.range.union(r)) }
    if let (t, r) = atTime { e = Expr(.at(e, t), e.range.union(r)) }
    if let (k, r) = keys { e = Expr(.by(e, k), e.range.union(r)) }
    if let (g, d, r) = series { e = Expr(.every(e, g, d), e.range.union(r)) }
    if window != nil || !offsets.isEmpty || atTime != nil || keys != nil || series != nil, isBinaryOperator(peek) {
      throw failure(SyntaxMessage.clauseEndsExpression, peek.range, notes: ["for example: (count(x) over 7d) - 1"])
    }
    return e
  }

  /// True when a token can start a name: an identifier or a backquoted name.
  func startsName(_ t: Token) -> Bool {
    switch t.kind {
    case .identifier, .quotedIdentifier: return true
    default: return false
    }
  }

  func isBinaryOperator(_ t: Token) -> Bool {
    if case .punct(let p) = t.kind { return ["+", "-", "*", "/", "=", "!=", "<", "<=", ">", ">="].contains(p) }
    if case .identifier(let w) = t.kind { return ["and", "or", "is", "in", "not"].contains(w) }
    return false
  }

  /// key -> NAME | (DATASET | LINK) { '.' LINK } '.' NAME | 'hour' | 'day' | 'week' | 'month' | 'quarter' | 'year'
  /// Returns the key, with the range of its column's name (inside any backquotes), and the
  /// range of all of it.
  mutating func groupKey() throws -> (ByKey, SourceRange) {
    if case .identifier(let w) = peek.kind, let p = Period(rawValue: w) {
      let r = advance().range
      return (ByKey(.grain(p), r), r)
    }
    var (n, r) = try name("a column to group by")
    var nameRange = r
    var qualifier: [String] = []
    var qualifierRanges: [SourceRange] = []
    while atPunct(".") {
      _ = advance()
      let (c, cr) = try name("a column name")
      qualifier.append(n)
      qualifierRanges.append(unquoted(nameRange))
      n = c
      nameRange = cr
      r = r.union(cr)
    }
    var key = ByKey(.column(n), unquoted(nameRange))
    key.qualifier = qualifier
    key.qualifierRanges = qualifierRanges
    return (key, r)
  }

  /// or -> and { 'or' and }
  mutating func orExpr() throws -> Expr {
    var l = try andExpr()
    while atWord("or") {
      _ = advance()
      let r = try andExpr()
      l = Expr(.binary(.or, l, r), l.range.union(r.range))
    }
    return l
  }

  /// and -> not { 'and' not }
  mutating func andExpr() throws -> Expr {
    var l = try notExpr()
    while atWord("and") {
      _ = advance()
      let r = try notExpr()
      l = Expr(.binary(.and, l, r), l.range.union(r.range))
    }
    return l
  }

  /// not -> 'not' not | comparison
  mutating func notExpr() throws -> Expr {
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
  mutating func comparison() throws -> Expr {
    let l = try additive()
    if case .punct(let p) = peek.kind, let op = BinaryOp(rawValue: p), op.isComparison {
      _ = advance()
      let r = try additive()
      let e = Expr(.binary(op, l, r), l.range.union(r.range))
      if case .punct(let q) = peek.kind, let op2 = BinaryOp(rawValue: q), op2.isComparison {
        throw failure(SyntaxMessage.chainedComparison, peek.range)
      }
      return e
    }
    if atWord("is") {
      _ = advance()
      let negated = atWord("not")
      if negated { _ = advance() }
      guard atWord("null") else { throw failure(SyntaxMessage.expected("'null' after 'is'", found: describe(peek)), peek.range) }
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
  mutating func multiplicative() throws -> Expr {
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
  mutating func unary() throws -> Expr {
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

  /// postfix -> primary { '.' NAME } | NAME '(' [ expression ['where' expression] { ',' expression } ] ')'
  mutating func postfix() throws -> Expr {
    let start = peek
    let e = try primary()
    if case .name(let base) = e.kind, atPunct("(") {
      if case .quotedIdentifier = start.kind {
        throw failure(SyntaxMessage.expected("an operator", found: "'('"), peek.range)
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
        if at(.eof) || at(.newline) {
          throw failure(SyntaxMessage.unclosedParen, open.range, notes: ["close the call to '\(base)' with ')'"])
        }
        if atWord("where") {
          throw failure(SyntaxMessage.whereAfterFirstArgument, peek.range)
        }
        throw failure(SyntaxMessage.expected("')' to close the call to '\(base)'", found: describe(peek)), peek.range)
      }
      let end = advance().range
      return Expr(.call(base, args, filter: filter), e.range.union(end))
    }
    if case .name(let base) = e.kind, atPunct(".") {
      var names = [base]
      var ranges = [unquoted(e.range)]
      while atPunct(".") {
        _ = advance()
        // After a dot only a link or a column can follow, so a keyword is a name (`orders.at`).
        if case .identifier(let c) = peek.kind {
          names.append(c)
          ranges.append(advance().range)
        } else {
          let (c, cr) = try name(names.count == 1 ? "a column name after '.'" : "a column or a link name after '.'")
          names.append(c)
          ranges.append(unquoted(cr))
        }
      }
      return Expr(.member(names, ranges), e.range.union(ranges.last!))
    }
    return e
  }

  /// primary -> NUMBER | PERCENT | DURATION | STRING | TIME | 'true' | 'false' | 'null' | NAME | '(' expression ')'
  mutating func primary() throws -> Expr {
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
        throw failure(SyntaxMessage.unclosedParen, t.range)
      }
      guard atPunct(")") else {
        if at(.eof) || at(.newline) { throw failure(SyntaxMessage.unclosedParen, t.range) }
        let (line, column) = source.location(of: t.range.start)
        let far = source.location(of: peek.range.start).0 != line
        throw failure(
          SyntaxMessage.expected("')'", found: describe(peek)), peek.range, notes: far ? ["the '(' at \(line):\(column) is not closed"] : []
        )
      }
      let end = advance().range
      return Expr(e.kind, t.range.union(end))
    case .identifier(let s) where ["at", "by", "over", "offset", "in", "is"].contains(s):
      throw failure(
        SyntaxMessage.expected("a value or a name", found: describe(t)), t.range,
        notes: ["'\(s)' is a keyword; a column of that name is written `\(s)`"])
    default:
      throw failure(SyntaxMessage.expected("a value or a name", found: describe(t)), t.range)
    }
  }
}
