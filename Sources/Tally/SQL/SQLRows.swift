import Foundation

/// The rows a row formula reads: a table under an alias.
struct RowScope {
  var alias: String
  var dataset: String
  /// The rows are the groups of an aggregate over groups: keys under their CTE names.
  var groups = false
}

/// The joins that lookups need, each once: a link becomes a `LEFT JOIN` on its key, which
/// neither adds nor drops a row because the key is unique.
struct Joins {
  var clauses: [String] = []
  var aliases: [String: String] = [:]
  /// What each dataset reads where it is not a table of its name (`SQLCompiler.tables`).
  var tables: [String: String] = [:]

  /// The alias of the row a chain of links reaches from `scope`, joining what is missing.
  mutating func alias(_ steps: [LinkStep], _ scope: RowScope, _ d: Dialect) -> String {
    var previous = scope.alias
    var path = scope.alias
    var key = scope.alias
    for step in steps {
      path += "_" + step.name
      // Link names may hold `_`: the key tells `a_b` from `a` then `b`, and the alias is made unique.
      key += "\u{0}" + step.name
      if let a = aliases[key] {
        previous = a
        continue
      }
      var a = d.quote(path)
      var n = 2
      while aliases.values.contains(a) {
        a = d.quote("\(path)_\(n)")
        n += 1
      }
      clauses.append(
        "LEFT JOIN \(tables[step.to] ?? d.quote(step.to)) AS \(a) ON \(a).\(d.quote(step.key)) = \(previous).\(d.quote(step.column))")
      aliases[key] = a
      previous = a
    }
    return previous
  }
}

extension SQLCompiler {
  /// A row-level node over the rows of `scope`.
  mutating func row(_ n: Node, _ scope: RowScope, _ joins: inout Joins, _ ctx: Context) throws -> Typed {
    switch n.kind {
    case .literal(let v): return Typed(sql: literal(v), type: n.type)
    case .interval(let d): return Typed(sql: SQLNumber.seconds(d.fixedMicros), type: .duration)
    case .column(let c):
      let column = scope.groups && c != "value" ? keyColumn(c) : dialect.quote(c)
      return Typed(sql: "\(scope.alias).\(column)", type: n.type)
    case .lookup(let steps, let c): return Typed(sql: "\(joins.alias(steps, scope, dialect)).\(dialect.quote(c))", type: n.type)
    case .perRow(let p): return try perRow(p, n, scope, ctx)
    case .negate(let x): return Typed(sql: "(-\(try row(x, scope, &joins, ctx).sql))", type: n.type)
    case .not(let x): return Typed(sql: "(NOT \(try row(x, scope, &joins, ctx).sql))", type: .bool)
    case .isNull(let x, let neg):
      return Typed(sql: "(\(try row(x, scope, &joins, ctx).sql) IS \(neg ? "NOT " : "")NULL)", type: .bool)
    case .binary(let op, let a, let b):
      let l = try row(a, scope, &joins, ctx)
      let r = try row(b, scope, &joins, ctx)
      return try located(n.range) { try binary(op, l, r, a, b, n.type) }
    case .inList(let x, let items, let neg):
      let v = try row(x, scope, &joins, ctx)
      let list = try items.map { try row($0, scope, &joins, ctx).sql }
      return Typed(sql: "(\(v.sql) \(neg ? "NOT IN" : "IN") (\(list.joined(separator: ", "))))", type: .bool)
    case .call(let f, let args):
      let vals = try args.map { try row($0, scope, &joins, ctx) }
      return try located(n.range) { try call(f, vals, args, n.type) }
    case .aggregate, .over, .offset, .at, .by, .series, .overGroups:
      throw TallyError(Diagnostic(.error, CheckMessage.aggregateInRow("aggregate")))
    }
  }

  /// A literal value.
  func literal(_ v: Value) -> String {
    switch v {
    case .null: return "NULL"
    case .int(let x): return String(x)
    case .number(let x): return SQLNumber.literal(x)
    case .bool(let b): return dialect.bool(b)
    case .string(let s): return dialect.string(s)
    case .time(let t): return dialect.instant(t, zone)
    case .duration(let d): return SQLNumber.seconds(d)
    }
  }

  /// An aggregate per row: a correlated subquery over the rows that refer to this one.
  mutating func perRow(_ p: PerRow, _ n: Node, _ outer: RowScope, _ ctx0: Context) throws -> Typed {
    var ctx = ctx0
    ctx.grouping = nil
    guard ctx.series == nil, ctx.points.count == 1 else {
      throw TallyError(
        .error(SQLMessage.unsupported("an aggregate per row in a series", dialect, "each point needs its own subquery"), source!, n.range))
    }
    for c in p.clauses {
      switch c {
      case .over(let w): ctx.window = w
      case .offset(let d): ctx.points = ctx.points.map { Point(label: $0.label, asOf: zone.subtract(d, from: $0.asOf)) }
      case .at(let i): ctx.points = ctx.points.map { Point(label: $0.label, asOf: i.resolve(zone)) }
      }
    }
    subqueries += 1
    let a = p.aggregate
    let scope = RowScope(alias: "s\(subqueries)", dataset: a.relation.dataset)
    var joins = Joins(tables: tables)
    var conditions = ["\(scope.alias).\(dialect.quote(p.link.column)) = \(outer.alias).\(dialect.quote(p.link.key))"]
    if let tc = a.relation.timeColumn, let point = ctx.points.first {
      conditions += timeConditions("\(scope.alias).\(dialect.quote(tc))", point.asOf, ctx.window)
    }
    if let f = a.relation.filter { conditions.append(try row(f, scope, &joins, ctx).sql) }
    if let f = a.filter { conditions.append(try row(f, scope, &joins, ctx).sql) }
    let arg = try a.argument.map { try row($0, scope, &joins, ctx) }
    let time = a.relation.timeColumn.map { "\(scope.alias).\(dialect.quote($0))" }
    let value = try located(n.range) {
      Typed(sql: try aggregateExpression(a.function, arg, nil, a.parameter, time, p.type), type: p.type)
    }
    var sql = "(SELECT \(value.sql) FROM \(table(a.relation.dataset)) AS \(scope.alias)"
    for j in joins.clauses { sql += " " + j }
    sql += " WHERE " + conditions.joined(separator: " AND ") + ")"
    return Typed(sql: sql, type: p.type)
  }

  /// A binary operator on two values, with Tally's meaning: real division that gives null for
  /// zero, times and durations in seconds, strings compared by code point.
  func binary(_ op: BinaryOp, _ l: Typed, _ r: Typed, _ left: Node, _ right: Node, _ type: ValueType) throws -> Typed {
    switch op {
    case .and: return Typed(sql: "(\(l.sql) AND \(r.sql))", type: .bool)
    case .or: return Typed(sql: "(\(l.sql) OR \(r.sql))", type: .bool)
    case .eq, .ne, .lt, .le, .gt, .ge:
      let sqlOp = op == .ne ? "<>" : op.rawValue
      let left = l.type == .string && op != .eq && op != .ne ? dialect.byCodePoint(l.sql) : l.sql
      return Typed(sql: "(\(left) \(sqlOp) \(r.sql))", type: .bool)
    case .add, .sub:
      if l.type == .time, r.type == .time { return Typed(sql: dialect.secondsBetween(l.sql, r.sql), type: .duration) }
      if l.type == .time {
        if case .interval(let d) = right.kind { return Typed(sql: try calendar.add(op == .sub ? d.negated : d, to: l.sql), type: .time) }
        return Typed(sql: dialect.plusSeconds(l.sql, op == .sub ? "-(\(r.sql))" : r.sql), type: .time)
      }
      if r.type == .time {
        if case .interval(let d) = left.kind { return Typed(sql: try calendar.add(d, to: r.sql), type: .time) }
        return Typed(sql: dialect.plusSeconds(r.sql, l.sql), type: .time)
      }
      return Typed(sql: "(\(l.sql) \(op.rawValue) \(r.sql))", type: type)
    case .mul: return Typed(sql: "(\(l.sql) * \(r.sql))", type: type)
    case .div:
      let d = dialect.double
      return Typed(sql: "(CAST(\(l.sql) AS \(d)) / NULLIF(CAST(\(r.sql) AS \(d)), 0))", type: type, isDouble: true)
    }
  }

  /// A function call.
  func call(_ f: Function, _ a: [Typed], _ args: [Node], _ type: ValueType) throws -> Typed {
    let d = dialect
    let x = a.first?.sql ?? "NULL"
    func length(_ s: String) -> String {
      switch d {
      case .postgres, .spark: return "char_length(\(s))"
      case .duckdb: return "length_grapheme(\(s))"
      case .sqlite: return "length(\(s))"
      }
    }
    let sql: String
    switch f {
    case .seconds: sql = "CAST(\(x) AS \(d.double))"
    case .minutes: sql = "(CAST(\(x) AS \(d.double)) / 60)"
    case .hours: sql = "(CAST(\(x) AS \(d.double)) / 3600)"
    case .days: sql = "(CAST(\(x) AS \(d.double)) / 86400)"
    case .abs: sql = "abs(\(x))"
    case .round: sql = try round(a[0], args.count > 1 ? args[1] : nil, a.count > 1 ? a[1].sql : nil, type)
    case .floor, .ceil:
      if a[0].type == .int {
        sql = x
      } else if d == .sqlite {
        sql =
          f == .floor
          ? "(CAST(\(x) AS INTEGER) - (\(x) < CAST(\(x) AS INTEGER)))" : "(CAST(\(x) AS INTEGER) + (\(x) > CAST(\(x) AS INTEGER)))"
      } else {
        sql = "CAST(\(f.rawValue)(\(x)) AS \(d.double))"
      }
    case .least, .greatest:
      if d == .sqlite {
        let fn = f == .least ? "min" : "max"
        sql = a.dropFirst().reduce(x) { acc, next in "\(fn)(coalesce(\(acc), \(next.sql)), coalesce(\(next.sql), \(acc)))" }
      } else {
        // Strings by code point, whatever the database's collation.
        let args = a.map { type == .string ? d.byCodePoint($0.sql) : $0.sql }
        sql = "\(f.rawValue)(\(args.joined(separator: ", ")))"
      }
    case .coalesce: sql = "coalesce(\(a.map(\.sql).joined(separator: ", ")))"
    case .if: sql = "(CASE WHEN \(x) THEN \(a[1].sql) ELSE \(a[2].sql) END)"
    case .lower, .upper: sql = "\(f.rawValue)(\(x))"
    case .length: sql = "CAST(\(length(x)) AS BIGINT)"
    case .contains:
      switch d {
      case .postgres: sql = "(strpos(\(x), \(a[1].sql)) > 0)"
      case .duckdb: sql = "contains(\(x), \(a[1].sql))"
      case .spark, .sqlite: sql = "(instr(\(x), \(a[1].sql)) > 0)"
      }
    case .startsWith:
      let n = d == .duckdb ? "length(\(a[1].sql))" : length(a[1].sql)
      sql = "(substr(\(x), 1, \(n)) = \(a[1].sql))"
    case .endsWith:
      let t = a[1].sql
      if d == .sqlite {
        sql = "(CASE WHEN \(x) IS NULL OR \(t) IS NULL THEN NULL WHEN \(t) = '' THEN 1 ELSE substr(\(x), -length(\(t))) = \(t) END)"
      } else {
        let n = d == .duckdb ? "length(\(t))" : length(t)
        sql = "(right(\(x), \(n)) = \(t))"
      }
    case .date: sql = try calendar.date(x)
    case .hour: sql = try calendar.hour(x)
    case .weekday: sql = try calendar.weekday(x)
    }
    return Typed(sql: sql, type: type)
  }

  /// `round(x, digits)` as `eval` has it: half away from zero, the number as written, the digits
  /// between -15 and 15 (an int is itself to 0 digits or more; negative digits round to tens,
  /// hundreds…).
  func round(_ x: Typed, _ digits: Node?, _ digitsSQL: String?, _ type: ValueType) throws -> String {
    let d = dialect
    let result = type == .int ? "BIGINT" : d.double
    var k = 0
    if let digits, let digitsSQL {
      guard digits.isConstant, case .scalar(let v) = try Constant.value(of: digits, zone: zone) else {
        guard d == .postgres else {
          throw SQLError.unsupported("'round' to digits that vary by row", d, "its round takes a constant number of digits")
        }
        return "CAST(round(CAST(\(x.sql) AS NUMERIC), CAST(greatest(-15, least(15, \(digitsSQL))) AS INTEGER)) AS \(result))"
      }
      guard case .int(let i) = v else { return "CAST(NULL AS \(result))" }
      k = Int(max(-15, min(15, i)))
    }
    if x.type == .int, k >= 0 { return x.sql }
    switch d {
    case .postgres: return "CAST(round(CAST(\(x.sql) AS NUMERIC), \(k)) AS \(result))"
    // Rounded as the number is written (113.05 to 113.1), not as its binary value.
    case .duckdb, .spark: return "CAST(round(CAST(\(x.sql) AS DECIMAL(38, 12)), \(k)) AS \(result))"
    case .sqlite:
      guard k < 0 else { return "round(\(x.sql), \(k))" }
      // Its round takes no negative digits: to tens and beyond, the quotient rounded, times the power.
      let p = "1" + String(repeating: "0", count: -k)
      return "CAST(round(\(x.sql) / \(p).0) * \(p) AS \(type == .int ? "INTEGER" : "REAL"))"
    }
  }
}
