import Foundation

extension SQLCompiler {
  /// The CTE of one aggregate in its context: the rows it reads (its dataset, joined through the
  /// links its formulas follow, within each point's window), grouped by its keys.
  mutating func aggregateCTE(_ n: Node, _ a: Aggregate, _ ctx: Context) throws -> (name: String, keys: [(name: String, type: ValueType)]?) {
    let key = ContextKey(node: n, context: ctx)
    var keys: [(name: String, type: ValueType)]?
    if let grain = ctx.series { keys = [(grain.rawValue, .string)] }
    var selects: [String] = []
    var groupBy: [String] = []
    let scope = RowScope(alias: "r", dataset: a.relation.dataset)
    var joins = Joins(tables: tables)
    var conditions: [String] = []
    var from = "\(table(a.relation.dataset)) AS r"
    if let grain = ctx.series {
      let windows = try windowsCTE(a.relation, ctx, grain)
      from = "\(windows) AS p\n  CROSS JOIN " + from
      selects.append("p.\(dialect.quote(grain.rawValue))")
      groupBy.append("p.\(dialect.quote(grain.rawValue))")
      if let tc = a.relation.timeColumn {
        let t = "r.\(dialect.quote(tc))"
        conditions.append(ctx.window == nil ? "(\(t) < p.window_end OR \(t) IS NULL)" : "\(t) >= p.window_start AND \(t) < p.window_end")
      }
    } else if let tc = a.relation.timeColumn, let point = ctx.points.first {
      conditions += timeConditions("r.\(dialect.quote(tc))", point.asOf, ctx.window)
    }
    if let f = a.relation.filter { conditions.append(try row(f, scope, &joins, ctx).sql) }
    if let grouping = ctx.grouping {
      let sources =
        a.keys
        ?? grouping.map { k -> KeySource in
          switch k {
          case .column(let c): return .column(c)
          case .grain(let p): return .grain(p)
          }
        }
      var ks = keys ?? []
      for (k, s) in zip(grouping, sources) {
        let e: Typed
        switch s {
        case .column(let c): e = Typed(sql: "r.\(dialect.quote(c))", type: schemas[a.relation.dataset]?[c] ?? .string)
        case .lookup(let steps, let c):
          e = Typed(sql: "\(joins.alias(steps, scope, dialect)).\(dialect.quote(c))", type: schemas[steps.last!.to]?[c] ?? .string)
        case .grain(let p):
          guard let tc = a.relation.timeColumn else { continue }
          e = try located(n.range) { Typed(sql: try calendar.label(p, "r.\(dialect.quote(tc))"), type: .string) }
        }
        selects.append("\(e.sql) AS \(keyColumn(k.name))")
        groupBy.append(e.sql)
        ks.append((k.name, e.type))
      }
      keys = ks
    }
    if let name = written[key] { return (name, keys) }
    var predicate: String?
    if let f = a.filter {
      let p = try row(f, scope, &joins, ctx).sql
      if keys != nil { predicate = p } else { conditions.append(p) }
    }
    let arg = try a.argument.map { try row($0, scope, &joins, ctx) }
    let time = a.relation.timeColumn.map { "r.\(dialect.quote($0))" }
    let value = try located(n.range) {
      Typed(sql: try aggregateExpression(a.function, arg, predicate, a.parameter, time, n.type), type: n.type)
    }
    var body = "SELECT " + (selects + ["\(value.sql) AS value"]).joined(separator: ", ")
    body += "\nFROM " + from + joins.clauses.map { "\n  " + $0 }.joined()
    if !conditions.isEmpty { body += "\nWHERE " + conditions.joined(separator: "\n  AND ") }
    if !groupBy.isEmpty { body += "\nGROUP BY " + groupBy.joined(separator: ", ") }
    var parts = [a.function.rawValue, a.relation.name]
    if let arg = a.argument, case .column(let c) = arg.kind { parts.append(c) }
    let name = self.name(parts)
    ctes.append((name, body))
    written[key] = name
    return (name, keys)
  }

  /// The conditions that keep the rows of one point: in its window, before its as-of.
  func timeConditions(_ t: String, _ asOf: Int64, _ window: Window?) -> [String] {
    guard Time.inRange(asOf) else { return ["1 = 0"] }
    let end = dialect.instant(asOf, zone)
    guard let start = windowStart(asOf, window) else { return ["(\(t) < \(end) OR \(t) IS NULL)"] }
    return ["\(t) >= \(dialect.instant(start, zone))", "\(t) < \(end)"]
  }

  /// Where a window starts for an as-of: nil without a window.
  func windowStart(_ asOf: Int64, _ window: Window?) -> Int64? {
    switch window {
    case .trailing(let d): return zone.subtract(d, from: asOf)
    case .period(let p): return zone.periodStart(p, asOf - 1)
    case nil: return nil
    }
  }

  /// The window of each point of a series, for one aggregate: its label, start and end.
  mutating func windowsCTE(_ r: Relation, _ ctx: Context, _ grain: Period) throws -> String {
    let label = grain.rawValue
    let rows = ctx.points.map { p -> [String] in
      var row = [dialect.string(p.label ?? "")]
      if ctx.window != nil { row.append(windowStart(p.asOf, ctx.window).map { dialect.instant($0, zone) } ?? "NULL") }
      row.append(dialect.instant(p.asOf, zone))
      return row
    }
    let columns = [label] + (ctx.window != nil ? ["window_start"] : []) + ["window_end"]
    let name = self.name(["windows", r.name])
    ctes.append((name, pointsTable(rows, columns)))
    return name
  }

  /// An aggregate function over an argument; a `predicate`, when given, keeps its rows (under
  /// grouping, so that its own `where` never removes a group).
  func aggregateExpression(
    _ f: AggregateFunction, _ arg: Typed?, _ predicate: String?, _ parameter: Double?, _ time: String?, _ type: ValueType
  ) throws -> String {
    func kept(_ e: String) -> String { predicate.map { "CASE WHEN \($0) THEN \(e) END" } ?? e }
    guard let arg else {
      return predicate.map { "count(CASE WHEN \($0) THEN 1 END)" } ?? "count(*)"
    }
    let x = kept(arg.sql)
    // A bool adds up as 1 for true and 0 for false (null stays null): the count and the share of true rows.
    let number = arg.type == .bool && dialect != .sqlite ? kept("CASE WHEN \(arg.sql) THEN 1 WHEN NOT \(arg.sql) THEN 0 END") : x
    switch f {
    case .count: return "count(\(x))"
    case .countDistinct: return "count(DISTINCT \(x))"
    case .sum:
      guard type == .int else { return "COALESCE(sum(\(number)), 0)" }
      guard arg.type == .int else { return "CAST(COALESCE(sum(\(number)), 0) AS BIGINT)" }
      // Ints add up exactly past BIGINT, where `eval` gives a number: PostgreSQL's sum is a
      // NUMERIC, DuckDB's a HUGEINT; Spark sums DECIMAL(38, 0). SQLite's sum raises an error
      // there: it adds the high and low 32 bits apart (its arithmetic turns to REAL past
      // BIGINT), and apart the REALs that a group's sum past BIGINT already is.
      switch dialect {
      case .postgres, .duckdb: return "COALESCE(sum(\(x)), 0)"
      case .spark: return "COALESCE(sum(CAST(\(x) AS DECIMAL(38, 0))), 0)"
      case .sqlite:
        func part(_ kind: String, _ e: String) -> String { "COALESCE(sum(CASE WHEN typeof(\(x)) = '\(kind)' THEN \(e) END), 0)" }
        return "(\(part("integer", "(\(x)) >> 32")) * 4294967296 + \(part("integer", "(\(x)) & 4294967295")) + \(part("real", x)))"
      }
    case .avg: return "avg(CAST(\(number) AS \(dialect.double)))"
    case .min, .max:
      if arg.type == .bool, dialect == .postgres { return f == .min ? "bool_and(\(x))" : "bool_or(\(x))" }
      let e = arg.type == .string && dialect == .postgres ? "(\(x)) COLLATE \"C\"" : x
      return "\(f.rawValue)(\(e))"
    case .median, .percentile:
      let q = SQLNumber.literal(f == .median ? 0.5 : parameter ?? 0.5)
      // A time's percentile is its microseconds since the epoch's, rounded, as `eval` has it.
      let time = arg.type == .time
      switch dialect {
      case .postgres:
        guard time else { return "percentile_cont(\(q)) WITHIN GROUP (ORDER BY \(x))" }
        let micros = "round(percentile_cont(\(q)) WITHIN GROUP (ORDER BY \(dialect.epochMicros(x))))"
        return "(TIMESTAMPTZ '1970-01-01 00:00:00+00' + \(micros) * INTERVAL '1 microsecond')"
      case .duckdb: return "quantile_cont(\(x), \(q))"
      case .spark:
        guard time else { return "percentile(\(x), \(q))" }
        return "timestamp_micros(CAST(round(percentile(\(dialect.epochMicros(x)), \(q))) AS BIGINT))"
      case .sqlite: throw SQLError.unsupported("'\(f.rawValue)'", .sqlite, "it has no percentile_cont")
      }
    case .first, .last:
      guard let t = time else { throw SQLError.unsupported("'\(f.rawValue)'", dialect, "the dataset has no time column") }
      let keep = (["\(arg.sql) IS NOT NULL", "\(t) IS NOT NULL"] + (predicate.map { [$0] } ?? [])).joined(separator: " AND ")
      let dir = f == .first ? "ASC" : "DESC"
      let tie = arg.type == .string ? dialect.byCodePoint(arg.sql) : arg.sql
      switch dialect {
      case .postgres: return "(array_agg(\(arg.sql) ORDER BY \(t) \(dir), \(tie) \(dir)) FILTER (WHERE \(keep)))[1]"
      case .duckdb: return "first(\(arg.sql) ORDER BY \(t) \(dir), \(tie) \(dir)) FILTER (WHERE \(keep))"
      case .spark: return "\(f == .first ? "min_by" : "max_by")(\(arg.sql), struct(\(t), \(arg.sql))) FILTER (WHERE \(keep))"
      case .sqlite: throw SQLError.unsupported("'\(f.rawValue)'", .sqlite, "it has no ordered aggregates")
      }
    }
  }

  /// The CTE of an aggregate over the groups of a grouped expression: the groups as a CTE of
  /// their own, then the aggregate over their values, within each outer group.
  mutating func groupsCTE(_ n: Node, _ g: GroupsAggregate, _ ctx: Context) throws -> (
    name: String, keys: [(name: String, type: ValueType)]?
  ) {
    var sub = Scope()
    let term = try metric(g.grouped, ctx, &sub)
    let inner = try finalSelect(term, sub, ordered: false)
    let groupsName = name([g.function.rawValue, "groups"])
    ctes.append((groupsName, inner))
    // It reduces over the inner keys, within the outer series' point and the outer `by` keys.
    let all = sub.keys ?? sub.points.map { _ in [(name: sub.grain!.rawValue, type: ValueType.string)] } ?? []
    let keep = Array(all.prefix((ctx.series != nil ? 1 : 0) + g.outerKeys))
    let scope = RowScope(alias: "g", dataset: groupsName, groups: true)
    var joins = Joins(tables: tables)
    let predicate = try g.filter.map { try row($0, scope, &joins, ctx).sql }
    let value = Typed(sql: "g.value", type: g.valueType)
    let agg = try located(n.range) {
      Typed(sql: try aggregateExpression(g.function, value, predicate, g.parameter, nil, n.type), type: n.type)
    }
    let ks = keep.map { "g.\(keyColumn($0.name))" }
    var body = "SELECT " + (ks + ["\(agg.sql) AS value"]).joined(separator: ", ") + "\nFROM \(groupsName) AS g"
    if !ks.isEmpty { body += "\nGROUP BY " + ks.joined(separator: ", ") }
    let name = self.name([g.function.rawValue, "over", "groups"])
    ctes.append((name, body))
    return (name, keep.isEmpty ? nil : keep)
  }
}
