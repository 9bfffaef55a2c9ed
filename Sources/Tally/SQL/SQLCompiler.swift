import Foundation

/// Compiles a checked plan to one `SELECT` for a SQL engine: each aggregate in its context (as-of,
/// window, grouping) is a CTE named after it, and the statement combines them as `eval` does.
///
/// The as-of is known when it compiles, so every window's bounds are instants written in the
/// statement: calendar days, months and DST are Tally's, and the engine's own session zone
/// cannot change the answer. Grains and `hour`/`weekday`/`date` read the session zone by name.
public struct SQLCompiler {
  /// The engine written for.
  public let dialect: Dialect
  /// The session zone.
  public let zone: Zone
  /// Each dataset's columns and types: key columns' types decide how keys sort.
  let schemas: [String: [String: ValueType]]
  let source: Source?
  let calendar: SQLCalendar
  /// What a dataset reads where it is not a table named like it: a server table's name, or
  /// a select that gives its columns Tally's types (`ServerTable.from`).
  public var tables: [String: String] = [:]

  var ctes: [(name: String, body: String)] = []
  var usedNames: Set<String>
  /// Aggregates already written, in their context: one CTE each.
  var written: [ContextKey: String] = [:]
  var subqueries = 0

  /// A compiler for `dialect` in `zone`, over datasets with these columns.
  public init(dialect: Dialect, zone: Zone, schemas: [String: [String: ValueType]], source: Source? = nil) {
    self.dialect = dialect
    self.zone = zone
    self.schemas = schemas
    self.source = source
    self.calendar = SQLCalendar(dialect: dialect, zone: zone)
    self.usedNames = Set(schemas.keys.map { $0.lowercased() }).union(["r", "p", "g", "value"])
  }

  /// One point of evaluation: the as-of instant, and its label within a series.
  struct Point: Hashable {
    var label: String?
    var asOf: Int64
  }

  /// What an aggregate is evaluated under.
  struct Context: Hashable {
    var points: [Point]
    var window: Window?
    var grouping: [GroupKey]?
    /// The series' grain, within `EXPR every GRAIN for W`.
    var series: Period?
  }

  struct ContextKey: Hashable {
    var node: Node
    var context: Context
  }

  /// The CTEs that a combination of aggregates reads, and the keys its groups have.
  struct Scope {
    var sources: [(name: String, grouped: Bool)] = []
    /// The key columns, with their types, when grouped (a series' period first).
    var keys: [(name: String, type: ValueType)]?
    /// The series' points, when in one.
    var points: [Point]?
    var grain: Period?
  }

  /// A SQL expression and the type of its value.
  struct Typed {
    var sql: String
    var type: ValueType
    /// True when the engine computes it as a double already (a division).
    var isDouble = false
  }

  /// The statement that computes `node` as of `asOf`, ending in `;`.
  public mutating func statement(_ node: Node, asOf: Int64, text: String? = nil) throws -> String {
    var scope = Scope()
    let ctx = Context(points: [Point(label: nil, asOf: asOf)])
    let term = try metric(node, ctx, &scope)
    let select = try finalSelect(term, scope, ordered: true)
    var out = ""
    if let text {
      // Every line break an engine knows ends a comment: none lets the formula's text out of it.
      for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) { out += "-- \(line)\n" }
    }
    out += "-- as of \(zone.iso(asOf)), in \(calendar.zoneIdentifier)\n"
    if !ctes.isEmpty {
      out += "WITH\n"
      out += ctes.map { "  \($0.name) AS (\n" + indent($0.body, 4) + "\n  )" }.joined(separator: ",\n")
      out += "\n"
    }
    return out + select + ";\n"
  }

  /// What the rows of a dataset are read from.
  func table(_ dataset: String) -> String { tables[dataset] ?? dialect.quote(dataset) }

  /// The statement a server runs for one aggregate (or aggregate over groups) in its context:
  /// its keys, then `value`, every column as text (times as epoch microseconds), in no order.
  mutating func pushdown(_ node: Node, asOf: Int64, window: Window?, grouping: [GroupKey]?) throws -> (sql: String, keyTypes: [ValueType]) {
    var scope = Scope()
    let ctx = Context(points: [Point(label: nil, asOf: asOf)], window: window, grouping: grouping)
    let term = try metric(node, ctx, &scope)
    let select = try finalSelect(term, scope, ordered: false)
    var inner = ""
    if !ctes.isEmpty {
      inner += "WITH\n" + ctes.map { "  \($0.name) AS (\n" + indent($0.body, 4) + "\n  )" }.joined(separator: ",\n") + "\n"
    }
    inner += select
    let columns = (scope.keys ?? []).map { ($0.name, $0.type) } + [("value", term.type)]
    let texts = columns.map { name, type in
      let c = "q.\(dialect.quote(name))"
      // A time the server holds as infinity has no instant here: null.
      let e = type == .time ? "CASE WHEN isfinite(\(c)) THEN CAST(EXTRACT(EPOCH FROM \(c)) * 1000000 AS BIGINT) END" : c
      return "CAST(\(e) AS TEXT)"
    }
    return ("SELECT \(texts.joined(separator: ", "))\nFROM (\n\(indent(inner, 2))\n) AS q", (scope.keys ?? []).map(\.type))
  }

  func indent(_ s: String, _ n: Int) -> String {
    let pad = String(repeating: " ", count: n)
    return s.split(separator: "\n", omittingEmptySubsequences: false).map { pad + $0 }.joined(separator: "\n")
  }

  /// A fresh CTE name made of `parts`, in plain lowercase ASCII.
  mutating func name(_ parts: [String]) -> String {
    var base = parts.map { p in
      String(
        p.lowercased().unicodeScalars.map { s -> Character in
          (("a"..."z").contains(Character(s)) || ("0"..."9").contains(Character(s))) && s.isASCII ? Character(s) : "_"
        })
    }.joined(separator: "_")
    while base.contains("__") { base = base.replacingOccurrences(of: "__", with: "_") }
    base = base.trimmingCharacters(in: CharacterSet(charactersIn: "_"))
    if base.isEmpty || ("0"..."9").contains(base.first!) { base = "agg_" + base }
    var candidate = base
    var n = 2
    while usedNames.contains(candidate) || Dialect.reserved.contains(candidate) {
      candidate = "\(base)_\(n)"
      n += 1
    }
    usedNames.insert(candidate)
    return candidate
  }

  /// Places an error from a construct the dialect cannot express on the formula.
  func located(_ range: SourceRange, _ body: () throws -> Typed) throws -> Typed {
    do {
      return try body()
    } catch let e as SQLError {
      if let source { throw TallyError(.error(e.message, source, range)) }
      throw TallyError(Diagnostic(.error, e.message))
    }
  }
}
