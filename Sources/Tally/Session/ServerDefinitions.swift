import Foundation

/// `dataset NAME from postgres ... table ...`: the table's columns read from the server.
extension Definitions {
  /// Reads a server table's columns and adds it as a dataset of no rows here: every aggregate
  /// over it runs on the server.
  mutating func declareServerTable(
    _ name: String, _ decl: ServerTableDecl, timeColumn: String?, _ st: Statement, site: DefinitionSite, timeSite: DefinitionSite?
  ) throws {
    if !settings.allowsRedefinition, let s = state.sites[name] {
      throw TallyError(Self.duplicate(name, at: site, first: s))
    }
    let server: any DatabaseServer
    do {
      server = try DatabaseServers.shared.server(decl.connection)
    } catch let e as DatabaseServerError {
      guard unreachable.insert(decl.connection).inserted else { throw TallyError([]) }
      let message = ServerMessage.unreachable(Self.serverName(decl.connection), why: e.message)
      if e.quotesSecret {
        let at = st.source.location(of: decl.connectionRange.start)
        throw TallyError(Diagnostic(.error, message, at: .file(st.source.name, line: at.line, column: at.column), notes: e.notes))
      }
      throw TallyError(.error(message, st.source, decl.connectionRange, notes: e.notes))
    }
    let found: (name: String, columns: [(name: String, type: String)])?
    do {
      found = try server.table(decl.table)
    } catch let e as DatabaseServerError {
      throw TallyError(.error(ServerMessage.failed(server.name, why: e.message), st.source, decl.tableRange, notes: e.notes))
    }
    guard let found else {
      // The tables and views the server has, for a did-you-mean.
      let sql = """
        SELECT CAST(table_schema || '.' || table_name AS TEXT) FROM information_schema.tables
        WHERE table_schema NOT IN ('pg_catalog', 'information_schema')
        """
      let tables = ((try? server.rows(sql)) ?? []).compactMap { $0.first ?? nil }
      let unqualified = !decl.table.contains(".")
      let near = suggestion(decl.table, in: unqualified ? tables.map { String($0.split(separator: ".").last ?? "") } : tables)
      throw TallyError(
        .error(
          ServerMessage.noTable(decl.table, server: server.name), st.source, decl.tableRange,
          notes: near.isEmpty ? ["name it as SCHEMA.TABLE (\"public.orders\"), as the server spells it"] : near))
    }
    let table = ServerTable(
      connection: decl.connection, serverName: server.name, table: decl.table, quotedTable: found.name,
      columns: found.columns.map { ServerColumn(name: $0.name, serverType: $0.type) })
    var ds = Dataset(
      name: name, path: "\(server.name) table \(decl.table)",
      columns: table.columns.map { Column(name: $0.name, vector: VectorBuilder(type: $0.type, capacity: 0).finish()) }, rowCount: 0)
    ds.server = table
    try state.add(ds, timeColumn: timeColumn, site: site, timeSite: timeSite)
  }

  /// A connection as messages show it: the variable's name, or the URL as written (which holds no password).
  static func serverName(_ connection: String) -> String {
    if connection.hasPrefix("env:") { return "the server of $\(connection.dropFirst(4))" }
    // A URL as written, but never with a password it should not hold: no password after the
    // user, and no query (where `password=` may stand).
    var text = connection.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
    if let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].lastIndex(of: "@") {
      let user = text[scheme.upperBound..<at].split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
      text = "\(text[..<scheme.upperBound])\(user)\(text[at...])"
    }
    return "'\(text)'"
  }
}
