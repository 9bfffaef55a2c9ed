import Foundation

extension SQLCompiler {
  /// A metric-level node as an expression over the CTEs in `scope`.
  mutating func metric(_ n: Node, _ ctx: Context, _ scope: inout Scope) throws -> Typed {
    switch n.kind {
    case .literal, .interval:
      var none = Joins(tables: tables)
      return try row(n, RowScope(alias: "r", dataset: ""), &none, ctx)
    case .column(let c), .lookup(_, let c):
      throw TallyError(Diagnostic(.error, CheckMessage.columnOutsideAggregate(c)))
    case .perRow(let p):
      throw TallyError(Diagnostic(.error, CheckMessage.aggregateInRow(p.aggregate.function.rawValue)))
    case .aggregate(let a):
      let cte = try aggregateCTE(n, a, ctx)
      return reference(cte, a.function, n.type, ctx, &scope)
    case .overGroups(let g):
      let cte = try groupsCTE(n, g, ctx)
      return reference(cte, g.function, n.type, ctx, &scope)
    case .negate(let x):
      let v = try metric(x, ctx, &scope)
      return Typed(sql: "(-\(v.sql))", type: n.type)
    case .not(let x):
      return Typed(sql: "(NOT \(try metric(x, ctx, &scope).sql))", type: .bool)
    case .isNull(let x, let neg):
      return Typed(sql: "(\(try metric(x, ctx, &scope).sql) IS \(neg ? "NOT " : "")NULL)", type: .bool)
    case .binary(let op, let a, let b):
      let l = try metric(a, ctx, &scope)
      let r = try metric(b, ctx, &scope)
      return try located(n.range) { try binary(op, l, r, a, b, n.type) }
    case .inList(let x, let items, let neg):
      let v = try metric(x, ctx, &scope)
      let list = try items.map { try metric($0, ctx, &scope).sql }
      return Typed(sql: "(\(v.sql) \(neg ? "NOT IN" : "IN") (\(list.joined(separator: ", "))))", type: .bool)
    case .call(let f, let args):
      let vals = try args.map { try metric($0, ctx, &scope) }
      return try located(n.range) { try call(f, vals, args, n.type) }
    case .over(let x, let w):
      var c = ctx
      c.window = w
      return try metric(x, c, &scope)
    case .offset(let x, let d):
      var c = ctx
      c.points = c.points.map { Point(label: $0.label, asOf: zone.subtract(d, from: $0.asOf)) }
      return try metric(x, c, &scope)
    case .at(let x, let inst):
      var c = ctx
      let t = inst.resolve(zone)
      c.points = c.points.map { Point(label: $0.label, asOf: t) }
      return try metric(x, c, &scope)
    case .by(let x, let keys):
      var c = ctx
      c.grouping = keys
      return try metric(x, c, &scope)
    case .series(let x, let grain, let span):
      guard ctx.series == nil, let asOf = ctx.points.first?.asOf else {
        throw TallyError(
          .error(SQLMessage.unsupported("a series inside a series", dialect, "points of points are not written"), source!, n.range))
      }
      let points = seriesPoints(asOf, grain, span)
      var c = ctx
      c.points = points
      c.series = grain
      if scope.points == nil {
        scope.points = points
        scope.grain = grain
      }
      return try metric(x, c, &scope)
    }
  }

  /// The points of `EXPR every GRAIN for W`, latest first, as the executor has them.
  func seriesPoints(_ asOf: Int64, _ grain: Period, _ span: DurationLiteral) -> [Point] {
    let step: DurationLiteral
    switch grain {
    case .hour: step = DurationLiteral(micros: 3_600_000_000)
    case .day: step = DurationLiteral(days: 1)
    case .week: step = DurationLiteral(days: 7)
    case .month: step = DurationLiteral(months: 1)
    case .quarter: step = DurationLiteral(months: 3)
    case .year: step = DurationLiteral(months: 12)
    }
    let earliest = zone.subtract(span, from: asOf)
    var points: [Point] = []
    var k = 0
    while k < 100_000 {
      let multiple = DurationLiteral(months: step.months * k, days: step.days * k, micros: step.micros * Int64(k))
      let point = zone.subtract(multiple, from: asOf)
      guard point > earliest, Time.inRange(point) else { break }
      points.append(Point(label: zone.label(grain, point - 1), asOf: point))
      k += 1
    }
    return points
  }

  /// An aggregate's CTE as the value it contributes: a group it has no rows for counts as no rows.
  func reference(
    _ cte: (name: String, keys: [(name: String, type: ValueType)]?), _ f: AggregateFunction, _ type: ValueType, _ ctx: Context,
    _ scope: inout Scope
  ) -> Typed {
    let grouped = cte.keys != nil
    scope.sources.append((cte.name, grouped))
    if let keys = cte.keys, scope.keys == nil { scope.keys = keys }
    let value = "\(cte.name).value"
    guard grouped else { return Typed(sql: value, type: type) }
    switch f {
    case .count, .countDistinct, .sum: return Typed(sql: "COALESCE(\(value), 0)", type: type)
    default: return Typed(sql: value, type: type)
    }
  }

  /// The final `SELECT` over the CTEs of a scope: one row, or one per group (the union of every
  /// aggregate's groups, and in a series every point).
  mutating func finalSelect(_ term: Typed, _ scope: Scope, ordered: Bool) throws -> String {
    let value = output(term)
    guard let keys = scope.keys ?? scope.points.map({ _ in [(name: scope.grain!.rawValue, type: ValueType.string)] }) else {
      let from = scope.sources.map(\.name).uniqued()
      if from.isEmpty { return "SELECT \(value) AS value" }
      return "SELECT \(value) AS value\nFROM " + from.joined(separator: "\n  CROSS JOIN ")
    }
    let groupsName = name(["groups"])
    let grouped = scope.sources.filter(\.grouped).map(\.name).uniqued()
    let q = keys.map { keyColumn($0.name) }
    var body: String
    if let points = scope.points, let grain = scope.grain {
      let pointsName = name(["points"])
      ctes.append((pointsName, pointsTable(points.map { [dialect.string($0.label ?? "")] }, [grain.rawValue])))
      let inner = Array(q.dropFirst())
      if inner.isEmpty {
        body = "SELECT \(dialect.quote(grain.rawValue)) FROM \(pointsName)"
      } else {
        let union = grouped.map { "SELECT DISTINCT \(inner.joined(separator: ", ")) FROM \($0)" }.joined(separator: "\n  UNION\n  ")
        body = "SELECT \(pointsName).\(dialect.quote(grain.rawValue)), keys.\(inner.joined(separator: ", keys."))\n"
        body += "FROM \(pointsName)\n  CROSS JOIN (\n  \(union)\n  ) AS keys"
      }
    } else if grouped.isEmpty {
      body = "SELECT \(q.map { "NULL AS \($0)" }.joined(separator: ", ")) WHERE 1 = 0"
    } else {
      body = grouped.map { "SELECT \(q.joined(separator: ", ")) FROM \($0)" }.joined(separator: "\nUNION\n")
    }
    ctes.append((groupsName, body))
    // The statement's own select gives each key its name back.
    let columns = zip(q, keys).map { k, key in
      let name = dialect.quote(key.name)
      return "\(groupsName).\(k)" + (ordered && k != name ? " AS \(name)" : "")
    }
    var out = "SELECT \(columns.joined(separator: ", ")), \(value) AS value\nFROM \(groupsName)"
    for s in scope.sources.map(\.name).uniqued() {
      if grouped.contains(s) {
        let on = q.map { dialect.sameKey("\(s).\($0)", "\(groupsName).\($0)") }.joined(separator: " AND ")
        out += "\n  LEFT JOIN \(s) ON \(on)"
      } else {
        out += "\n  CROSS JOIN \(s)"
      }
    }
    if ordered {
      let order = zip(q, keys).map { k, key in
        let e = "\(groupsName).\(k)"
        return (key.type == .string ? dialect.byCodePoint(e) : e) + " NULLS LAST"
      }
      out += "\nORDER BY " + order.joined(separator: ", ")
    }
    return out
  }

  /// A key's column inside the statement's CTEs: its name, but a name of `value` and underscores
  /// takes one more underscore, so that no key is an aggregate's `value` (in any case, as most
  /// engines read names); the statement's own select gives it its name back.
  func keyColumn(_ name: String) -> String {
    let lower = name.lowercased()
    let clashes = lower.hasPrefix("value") && lower.dropFirst(5).allSatisfy { $0 == "_" }
    return dialect.quote(clashes ? name + "_" : name)
  }

  /// A value as its result column has it: numbers as doubles, durations in seconds.
  func output(_ t: Typed) -> String {
    switch t.type {
    case .number, .duration: return t.isDouble ? t.sql : "CAST(\(t.sql) AS \(dialect.double))"
    default: return t.sql
    }
  }

  /// A small constant table, as a CTE body.
  func pointsTable(_ rows: [[String]], _ columns: [String]) -> String {
    let cols = columns.map { dialect.quote($0) }
    switch dialect {
    case .spark:
      return "SELECT * FROM VALUES\n" + rows.map { "  (\($0.joined(separator: ", ")))" }.joined(separator: ",\n")
        + "\n  AS t(\(cols.joined(separator: ", ")))"
    default:
      let first = "SELECT " + zip(rows[0], cols).map { "\($0) AS \($1)" }.joined(separator: ", ")
      return ([first] + rows.dropFirst().map { "SELECT " + $0.joined(separator: ", ") }).joined(separator: "\nUNION ALL\n")
    }
  }
}

extension Array where Element: Hashable {
  /// The elements in order, each once.
  func uniqued() -> [Element] {
    var seen = Set<Element>()
    return filter { seen.insert($0).inserted }
  }
}
