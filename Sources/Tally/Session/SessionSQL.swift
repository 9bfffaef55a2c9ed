import Foundation

extension Session {
  /// One SQL statement that computes a formula as `evaluate` would, for `dialect`: it reads
  /// tables named like the datasets, as of the session's as-of.
  public func sql(_ text: String, dialect: Dialect, sourceName: String = "<expr>") throws -> String {
    let source = Source(name: sourceName, text: text)
    let expr = try Pipeline.parse(source)
    return try LargeStack.run {
      let node = try self.check(expr, in: source)
      var compiler = SQLCompiler(dialect: dialect, zone: self.zone, schemas: self.schemas, source: source)
      compiler.tables = self.serverTables(dialect)
      return try compiler.statement(node, asOf: self.resolvedAsOf, text: text)
    }
  }

  /// The statement of a metric, headed by its name.
  public func sql(metric name: String, dialect: Dialect) throws -> String {
    guard let st = state.metrics.first(where: { $0.definedName == name }), case .metric(let m) = st.kind else {
      throw TallyError(Diagnostic(.error, CheckMessage.unknownName(name)))
    }
    return try LargeStack.run {
      let node = try self.check(m.expr, in: st.source)
      var compiler = SQLCompiler(dialect: dialect, zone: self.zone, schemas: self.schemas, source: st.source)
      compiler.tables = self.serverTables(dialect)
      let start = st.source.location(of: st.range.start).line
      return try compiler.statement(node, asOf: self.resolvedAsOf, text: "metric \(name) (\(st.source.name):\(start))")
    }
  }

  /// `CREATE TABLE` statements for the loaded datasets, with the types `dialect` gives each column.
  public func createTables(dialect: Dialect) -> String {
    state.datasets.keys.sorted().map { name in
      let ds = state.datasets[name]!
      // Each column says its Tally type, which a loader needs where the engine's type is wider.
      let cols = ds.columns.enumerated().map { i, c in
        "  \(dialect.quote(c.name)) \(dialect.columnType(c.type))\(i < ds.columns.count - 1 ? "," : "")  -- \(c.type.rawValue)"
      }
      return "CREATE TABLE \(dialect.quote(name)) (\n" + cols.joined(separator: "\n") + "\n);\n"
    }.joined()
  }

  /// For PostgreSQL, the tables that `dataset ... from postgres` datasets read on their server,
  /// by dataset; other engines read tables named like the datasets.
  func serverTables(_ dialect: Dialect) -> [String: String] {
    guard dialect == .postgres else { return [:] }
    return state.datasets.compactMapValues { $0.server?.from(zone: zone) }
  }

  /// Each loaded dataset's columns and their types.
  var schemas: [String: [String: ValueType]] {
    state.datasets.mapValues { ds in Dictionary(ds.columns.map { ($0.name, $0.type) }, uniquingKeysWith: { a, _ in a }) }
  }
}
