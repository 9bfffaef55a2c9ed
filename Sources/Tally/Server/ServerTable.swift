import Foundation

/// A dataset that stays on a database server: where it is, and its columns as the server
/// types them.
public struct ServerTable: Sendable, Hashable {
  /// The connection as declared (`env:VAR` or a URL without a password): which server.
  public var connection: String
  /// The server as people name it, without a password.
  public var serverName: String
  /// The table as declared: `SCHEMA.TABLE` or `TABLE`.
  public var table: String
  /// The table as statements name it, as the server resolved the declared name: `"sales"."orders"`.
  public var quotedTable: String
  /// Each column's name and its server type (`integer`, `numeric`, `timestamp without time zone`...).
  public var columns: [ServerColumn]

  /// The table as statements read it: its columns in Tally's types (integers as `bigint`,
  /// numbers as `double precision`, times as `timestamptz`, read in `zone` when the server
  /// keeps local times), or the table itself when every column already has its Tally type.
  public func from(zone: Zone) -> String {
    let calendar = SQLCalendar(dialect: .postgres, zone: zone)
    let converted = columns.map { c in (c, c.conversion(Dialect.postgres.quote(c.name), zone: calendar.zoneName)) }
    guard converted.contains(where: { $0.1 != nil }) else { return quotedTable }
    let list = converted.map { c, e in e.map { "\($0) AS \(Dialect.postgres.quote(c.name))" } ?? Dialect.postgres.quote(c.name) }
    return "(SELECT \(list.joined(separator: ", ")) FROM \(quotedTable))"
  }
}

/// A column of a server's table.
public struct ServerColumn: Sendable, Hashable {
  /// Its name.
  public var name: String
  /// Its type as the server names it.
  public var serverType: String

  /// The Tally type of its values: integers → `int`; `numeric`, `real`, `double precision` →
  /// `number`; `boolean` → `bool`; `timestamptz`, `timestamp` and `date` → `time`; text and
  /// every other type (read as its text) → `string`.
  public var type: ValueType {
    switch base {
    case "smallint", "integer", "bigint": return .int
    case "numeric", "real", "double precision", "money": return .number
    case "boolean": return .bool
    case "timestamp with time zone", "timestamp without time zone", "date": return .time
    default: return .string
    }
  }

  /// The type without its modifiers: `numeric(10,2)` → `numeric`, `character varying(20)` → `character varying`.
  var base: String {
    let t = serverType.lowercased()
    guard let open = t.firstIndex(of: "(") else { return t }
    let rest = t[t.index(after: open)...].drop { $0 != ")" }.dropFirst()
    return (t[..<open] + rest).trimmingCharacters(in: .whitespaces)
  }

  /// The expression that gives the column its Tally type, or nil when it has it already.
  func conversion(_ column: String, zone: String) -> String? {
    switch base {
    case "bigint", "double precision", "boolean", "timestamp with time zone", "text": return nil
    case "smallint", "integer": return "CAST(\(column) AS BIGINT)"
    case "numeric", "real": return "CAST(\(column) AS DOUBLE PRECISION)"
    case "money": return "CAST(CAST(\(column) AS NUMERIC) AS DOUBLE PRECISION)"
    case "timestamp without time zone": return "(\(column) AT TIME ZONE \(zone))"
    case "date": return "(CAST(\(column) AS TIMESTAMP) AT TIME ZONE \(zone))"
    default: return "CAST(\(column) AS TEXT)"
    }
  }
}
