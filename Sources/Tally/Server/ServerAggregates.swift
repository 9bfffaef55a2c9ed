import Foundation

/// The aggregates that read datasets on a server, computed there: the executor hands each
/// aggregate in its context (as-of, window, grouping) to this, which compiles it with the
/// `postgres` dialect, runs the statement and reads back one value or one per group. Only
/// results travel; what combines them (`/`, `by`'s outer join, a series' points) stays here.
final class ServerAggregates {
  let datasets: [String: Dataset]
  let zone: Zone
  let schemas: [String: [String: ValueType]]
  /// Each server dataset's table as statements read it.
  let tables: [String: String]

  /// The server datasets among `datasets`; nil when there are none.
  init?(datasets: [String: Dataset], zone: Zone) {
    let onServers = datasets.filter { $0.value.server != nil }
    guard !onServers.isEmpty else { return nil }
    self.datasets = datasets
    self.zone = zone
    schemas = datasets.mapValues { ds in Dictionary(ds.columns.map { ($0.name, $0.type) }, uniquingKeysWith: { a, _ in a }) }
    tables = onServers.mapValues { $0.server!.from(zone: zone) }
  }

  /// The server a node's aggregates all read, or nil when it reads a file (or nothing).
  func server(of node: Node) -> ServerTable? {
    var read = Set<String>()
    node.collectDatasets(&read)
    let servers = read.map { datasets[$0]?.server }
    guard let first = servers.first, let table = first, servers.allSatisfy({ $0?.connection == table.connection }) else { return nil }
    return table
  }

  /// The value of an aggregate (or an aggregate over groups) in a context, from its server.
  func evaluate(
    _ n: Node, on table: ServerTable, asOf: Int64, window: Window?, grouping: [GroupKey]?, empty: Value
  ) throws -> MetricValue {
    var compiler = SQLCompiler(dialect: .postgres, zone: zone, schemas: schemas)
    compiler.tables = tables
    let (sql, keyTypes) = try compiler.pushdown(n, asOf: asOf, window: window, grouping: grouping)
    let rows: [[String?]]
    do {
      rows = try DatabaseServers.shared.server(table.connection).rows(sql)
    } catch let e as DatabaseServerError {
      throw TallyError(Diagnostic(.error, ServerMessage.failed(table.serverName, why: e.message), notes: e.notes))
    }
    guard let grouping else {
      guard let row = rows.first, let cell = row.last else { return .scalar(empty) }
      return .scalar(Self.value(cell, n.type))
    }
    var values: [[Value]: Value] = [:]
    for row in rows {
      guard row.count == grouping.count + 1 else {
        throw TallyError(
          Diagnostic(.error, ServerMessage.failed(table.serverName, why: "a row of \(row.count) columns, not \(grouping.count + 1)")))
      }
      let key = zip(row, keyTypes).map { Self.key(Self.value($0, $1)) }
      values[key] = Self.value(row[grouping.count], n.type)
    }
    return .grouped(GroupedValue(keyNames: grouping.map(\.name), values: values, fallback: empty))
  }

  /// A group key as the executor has it: an integral number is an int (so that 1.0 from a
  /// server meets 1 from a file), -0 is 0.
  static func key(_ v: Value) -> Value {
    if case .number(let d) = v, d.rounded() == d, abs(d) < 9e15 { return .int(Int64(d)) }
    return v
  }

  /// A cell the server wrote as text, as the value of a Tally type.
  static func value(_ text: String?, _ type: ValueType) -> Value {
    guard let text else { return .null }
    switch type {
    case .int:
      if let i = Int64(text) { return .int(i) }
      return Double(text).map { .number($0) } ?? .null
    case .number:
      return Self.double(text).map { .number($0) } ?? .null
    case .duration:
      return Self.double(text).map { .duration(Int64(($0 * 1e6).rounded())) } ?? .null
    case .time:
      return Int64(text).map { .time($0) } ?? .null
    case .bool:
      return .bool(text == "true" || text == "t")
    case .string, .null:
      return .string(text)
    }
  }

  /// A double as PostgreSQL writes it (`NaN`, `Infinity`, `-Infinity`, `1e+300`).
  static func double(_ text: String) -> Double? {
    switch text {
    case "NaN": return .nan
    case "Infinity": return .infinity
    case "-Infinity": return -.infinity
    default: return Double(text)
    }
  }
}

extension Node {
  /// Every dataset the node's aggregates read, through views, links and aggregates per row.
  func collectDatasets(_ into: inout Set<String>) {
    switch kind {
    case .literal, .interval, .column: return
    case .lookup(let steps, _):
      for s in steps { into.formUnion([s.from, s.to]) }
    case .aggregate(let a): a.collectDatasets(&into)
    case .perRow(let p):
      p.aggregate.collectDatasets(&into)
      into.formUnion([p.link.from, p.link.to])
    case .overGroups(let g):
      g.grouped.collectDatasets(&into)
      g.filter?.collectDatasets(&into)
    case .negate(let x), .not(let x), .isNull(let x, _), .over(let x, _), .offset(let x, _), .at(let x, _), .by(let x, _),
      .series(let x, _, _):
      x.collectDatasets(&into)
    case .binary(_, let a, let b):
      a.collectDatasets(&into)
      b.collectDatasets(&into)
    case .inList(let x, let items, _):
      x.collectDatasets(&into)
      for i in items { i.collectDatasets(&into) }
    case .call(_, let args):
      for a in args { a.collectDatasets(&into) }
    }
  }
}

extension Aggregate {
  func collectDatasets(_ into: inout Set<String>) {
    into.insert(relation.dataset)
    relation.filter?.collectDatasets(&into)
    argument?.collectDatasets(&into)
    filter?.collectDatasets(&into)
    for k in keys ?? [] {
      if case .lookup(let steps, _) = k { for s in steps { into.formUnion([s.from, s.to]) } }
    }
  }
}
